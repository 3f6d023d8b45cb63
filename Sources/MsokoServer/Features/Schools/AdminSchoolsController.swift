import Fluent
import MsokoCore
import Vapor

/// Adding schools one by one or from a CSV list; classes of a school.
enum AdminSchoolsController {
    static func register(_ app: Application) {
        app.on(Site.schoolsAdmin, use: page)
        app.on(Site.schoolAdd, use: add)
        app.on(Site.schoolsImport, use: importList)
        app.on(Site.enrolmentImport, use: importEnrolment)
        app.on(Site.schoolClassSave, use: saveClass)
        app.on(Site.schoolEdit, use: editForm)
        app.on(Site.schoolUpdate, use: update)
    }

    /// A school of the user's district, for its administrator or specialist.
    static func editable(_ req: Request) async throws -> School {
        let school = try await req.find(School.self, "schoolID")
        guard school.$municipality.id == (try req.user.municipalityID) else { throw AppError.notFound }
        return school
    }

    static func editForm(req: Request) async throws -> Response {
        let school = try await editable(req)
        return Layout.page(req, title: school.shortName, body: SchoolEditForm(school: school).view(req.pageContext()), crumbs: [Crumb(Site.schools.url, "Школы")])
    }

    struct EditForm: Content { var fullName: String; var shortName: String; var type: String; var isActive: String }

    static func update(req: Request) async throws -> Response {
        let school = try await editable(req)
        let form = try req.content.decode(EditForm.self)
        let fullName = form.fullName.trimmingCharacters(in: .whitespaces)
        let shortName = form.shortName.trimmingCharacters(in: .whitespaces)
        guard !fullName.isEmpty, !shortName.isEmpty, let type = SchoolType(text: form.type) else {
            return req.redirect(to: Site.schoolEdit.url(try school.requireID()), error: "Заполните полное и краткое наименование и выберите тип.")
        }
        let before = SchoolDTO(school)
        school.fullName = fullName
        school.shortName = shortName
        school.type = type.rawValue
        school.isActive = form.isActive == "1"
        try await req.audited { db in
            try await school.save(on: db)
            return try AuditNote(action: "update", entity: "school", id: school.id, summary: "Изменена школа \(school.login)", before: before, after: SchoolDTO(school),
                                 municipalityID: school.$municipality.id, regionID: school.regionID, schoolID: school.id)
        }
        return req.redirect(to: Site.schools.url, ok: "Школа \(school.login) сохранена.")
    }

    static func page(req: Request) async throws -> Response {
        let count = try await School.query(on: req.db).filter(\.$municipality.$id == req.user.requireMunicipalityID()).count()
        return Layout.page(req, title: "Школы района", body: SchoolsAdminPage(count: count).view(req.pageContext()))
    }

    struct AddForm: Content { var login: String; var fullName: String; var shortName: String?; var type: String }

    static func add(req: Request) async throws -> Response {
        let user = try req.user
        let form = try req.content.decode(AddForm.self)
        let rows = [["Логин", "Полное наименование", "Краткое наименование", "Тип"],
                    [form.login, form.fullName, form.shortName ?? "", form.type]]
        return try await store(req, user: user, rows: rows, file: "форма")
    }

    struct ImportForm: Content { var file: File }

    static func importList(req: Request) async throws -> Response {
        let user = try req.user
        let form = try req.content.decode(ImportForm.self)
        do {
            let rows = try await OfficeConversion.listRows(Data(buffer: form.file.data), file: form.file.filename)
            return try await store(req, user: user, rows: rows, file: form.file.filename)
        } catch let error as SpreadsheetError {
            return req.redirect(to: Site.schoolsAdmin.url, error: "Ничего не сохранено. " + error.description)
        }
    }

    static func store(_ req: Request, user: User, rows: [[String]], file: String) async throws -> Response {
        let logins = try await Settings.loginPattern(municipalityID: user.municipalityID, on: req.db)
        let (records, problems) = SchoolListReader.read(rows: rows, file: file, logins: logins)
        guard problems.isEmpty else {
            return req.redirect(to: Site.schoolsAdmin.url, error: "Ничего не сохранено. Исправьте и повторите:\n" + problems.map(\.description).joined(separator: "\n"))
        }
        guard let mid = user.municipalityID, let m = try await Municipality.find(mid, on: req.db) else { throw AppError.notFound }
        do {
            let (created, updated) = try await Organisations.upsert(records, municipality: m, actor: user.login, on: req.db)
            return req.redirect(to: Site.schoolsAdmin.url, ok: "Добавлено школ: \(created), обновлено: \(updated).")
        } catch let error as AppError {
            return req.redirect(to: Site.schoolsAdmin.url, error: "Ничего не сохранено: \(error.reason)")
        }
    }

    struct EnrolmentForm: Content { var file: File; var schoolYear: String }

    static func importEnrolment(req: Request) async throws -> Response {
        let user = try req.user
        let form = try req.content.decode(EnrolmentForm.self)
        let back = Site.schoolsAdmin.url
        guard (try? RoadmapDocument.startYear(of: form.schoolYear)) != nil else {
            return req.redirect(to: back, error: "Учебный год «\(form.schoolYear)»: ожидается вид 2025-2026.")
        }
        let rows: [[String]]
        do { rows = try await OfficeConversion.listRows(Data(buffer: form.file.data), file: form.file.filename) } catch let e as SpreadsheetError {
            return req.redirect(to: back, error: "Ничего не сохранено. " + e.description)
        }
        let logins = try await Settings.loginPattern(municipalityID: user.municipalityID, on: req.db)
        var (records, problems) = EnrolmentListReader.read(rows: rows, file: form.file.filename, logins: logins)
        let schools = try await School.query(on: req.db).filter(\.$municipality.$id == user.requireMunicipalityID()).all()
        let byLogin = Dictionary(uniqueKeysWithValues: schools.map { ($0.login, $0) })
        for r in records where byLogin[r.school] == nil {
            problems.append(ImportProblem(file: form.file.filename, row: r.row, column: "Логин", message: "школа \(r.school) не найдена в районе."))
        }
        guard problems.isEmpty else {
            return req.redirect(to: back, error: "Ничего не сохранено. Исправьте и повторите:\n" + problems.map(\.description).joined(separator: "\n"))
        }
        records.sort { ($0.school, $0.className) < ($1.school, $1.className) }
        let year = form.schoolYear
        let accepted = records
        let (created, updated) = try await req.db.writeTransaction { db -> (Int, Int) in
            var created = 0, updated = 0
            for r in accepted {
                let school = byLogin[r.school]!
                if let c = try await SchoolClass.query(on: db).filter(\.$school.$id == school.requireID()).filter(\.$schoolYear == year).filter(\.$name == r.className).first() {
                    c.enrolment = r.enrolled
                    try await c.save(on: db)
                    updated += 1
                } else {
                    try await SchoolClass(school: school, schoolYear: year, name: r.className, grade: r.grade, enrolment: r.enrolled).create(on: db)
                    created += 1
                }
            }
            try await Audit.record(on: db, actor: user.login, action: "import", entity: "enrolment", id: nil,
                                   summary: "Численность классов \(year) из «\(form.file.filename)»: добавлено \(created), обновлено \(updated)",
                                   municipalityID: user.municipalityID, regionID: user.regionID)
            return (created, updated)
        }
        return req.redirect(to: back, ok: "Численность классов сохранена: добавлено \(created), обновлено \(updated).")
    }

    struct ClassForm: Content { var schoolYear: String; var name: String; var enrolment: Int; var teacherID: String? }

    static func saveClass(req: Request) async throws -> Response {
        let user = try req.user
        let school = try await Schools.find(req)
        if user.role == .head { guard user.$school.id == school.id else { throw AppError.forbidden } }
        let form = try req.content.decode(ClassForm.self)
        let back = Site.school.url(try school.requireID())
        let name = form.name.trimmingCharacters(in: .whitespaces).uppercased()
        guard let grade = Int(name.prefix { $0.isNumber }), (1...11).contains(grade) else {
            return req.redirect(to: back, error: "Класс «\(form.name)»: ожидается номер параллели 1–11 и буква, например 4А.")
        }
        guard (try? RoadmapDocument.startYear(of: form.schoolYear)) != nil else {
            return req.redirect(to: back, error: "Учебный год «\(form.schoolYear)»: ожидается вид 2025-2026.")
        }
        guard (0...60).contains(form.enrolment) else {
            return req.redirect(to: back, error: "Число обучающихся должно быть от 0 до 60.")
        }
        var found: User?
        if let tid = form.teacherID.flatMap(UUID.init(uuidString:)) {
            found = try await User.find(tid, on: req.db)
            guard found?.$school.id == school.id, found?.role == .teacher else { throw AppError.badInput("Учитель не из этой школы.") }
        }
        let teacher = found
        try await req.audited { db in
            let existing = try await SchoolClass.query(on: db).filter(\.$school.$id == school.requireID())
                .filter(\.$schoolYear == form.schoolYear).filter(\.$name == name).first()
            let c = try existing ?? SchoolClass(school: school, schoolYear: form.schoolYear, name: name, grade: grade, enrolment: form.enrolment)
            let before = existing.map { ["enrolment": $0.enrolment] }
            c.enrolment = form.enrolment
            try await c.save(on: db)
            if let teacher, !(try await c.$teachers.isAttached(to: teacher, on: db)) {
                try await c.$teachers.attach(teacher, on: db)
            }
            return try AuditNote(action: existing == nil ? "create" : "update", entity: "class", id: c.id, summary: "Класс \(name) (\(form.schoolYear)) школы \(school.login)",
                                 before: before, after: ["enrolment": form.enrolment], municipalityID: school.$municipality.id, regionID: school.regionID, schoolID: school.id)
        }
        return req.redirect(to: back, ok: "Класс \(name) сохранён.")
    }
}

/// The form to change a school's names, type and state (the login stays: results match by it).
struct SchoolEditForm {
    var school: School

    func view(_ ctx: PageContext) -> HTML {
        let types = HTML.options(SchoolType.allCases.map { ($0.rawValue, $0.rawValue) }, selected: school.type)
        let states = HTML.options([("1", "действующая"), ("0", "не действует (закрыта, реорганизована)")], selected: school.isActive ? "1" : "0")
        return """
        <h1>\(school.shortName): изменить</h1>\(ctx.flash)
        <section class="card"><form method="post" action="\(Site.schoolUpdate.url(school.id!))">\(ctx.csrfField)
        <p>Логин ФИС ОКО: <code>\(school.login)</code> (не меняется: по нему сопоставляются результаты).</p>
        <label for="fullName">Полное наименование</label><input type="text" id="fullName" name="fullName" value="\(school.fullName)" required>
        <label for="shortName">Краткое наименование</label><input type="text" id="shortName" name="shortName" value="\(school.shortName)" required>
        <label for="type">Тип</label><select id="type" name="type">\(types)</select>
        <label for="isActive">Состояние</label><select id="isActive" name="isActive">\(states)</select>
        <div class="hint">Недействующая школа не отчитывается по дорожной карте; её прежние отчёты сохраняются.</div>
        <div class="actions"><button class="btn" type="submit">Сохранить</button><a class="btn secondary" href="\(Site.schools.url)">Отмена</a></div>
        </form></section>
        """
    }
}

/// Adding a school, importing the list, loading class enrolment.
struct SchoolsAdminPage {
    var count: Int

    func view(_ ctx: PageContext) -> HTML {
        let types = HTML.options(SchoolType.allCases.map { ($0.rawValue, $0.rawValue) })
        return """
        <h1>Школы района</h1>\(ctx.flash)
        <p>Сейчас школ: \(count). <a href="\(Site.schools.url)">Список школ</a></p>
        <section class="card"><h2>Добавить школу</h2>
        <form method="post" action="\(Site.schoolAdd.url)">\(ctx.csrfField)
        <label for="login">Логин ФИС ОКО</label><input type="text" id="login" name="login" placeholder="edu700111" required>
        <label for="fullName">Полное наименование</label><input type="text" id="fullName" name="fullName" required>
        <label for="shortName">Краткое наименование</label><input type="text" id="shortName" name="shortName" placeholder="МБОУ «… СОШ»">
        <label for="type">Тип</label><select id="type" name="type">\(types)</select>
        <div class="actions"><button class="btn" type="submit">Добавить</button></div>
        </form></section>
        <section class="card"><h2>Импорт списка школ</h2>
        <p>XLSX (первый лист) или CSV (UTF-8 или Windows-1251, разделитель «;», «,» или табуляция) со строкой заголовка: <code>Логин;Полное наименование;Краткое наименование;Тип</code>. Существующие школы (по логину) обновляются. Файл принимается целиком или не принимается совсем.</p>
        <form method="post" action="\(ctx.uploadAction(Site.schoolsImport.url))" enctype="multipart/form-data">\(ctx.csrfField)
        <label for="file">Файл</label><input type="file" id="file" name="file" accept=".xlsx,.xls,.ods,.csv,.txt" required>
        <div class="actions"><button class="btn" type="submit">Импортировать</button></div>
        </form></section>
        <section class="card"><h2>Численность классов</h2>
        <p>XLSX или CSV со столбцами <code>Логин;Класс;Обучающихся</code> — для доли участников процедур. Существующие классы обновляются; файл принимается целиком или не принимается совсем.</p>
        <form method="post" action="\(ctx.uploadAction(Site.enrolmentImport.url))" enctype="multipart/form-data">\(ctx.csrfField)
        <label for="efile">Файл</label><input type="file" id="efile" name="file" accept=".xlsx,.xls,.ods,.csv,.txt" required>
        <label for="eyear">Учебный год</label><input type="text" id="eyear" name="schoolYear" value="2025-2026" pattern="20[0-9]{2}-20[0-9]{2}" required>
        <div class="actions"><button class="btn" type="submit">Загрузить численность</button></div>
        </form></section>
        """
    }
}
