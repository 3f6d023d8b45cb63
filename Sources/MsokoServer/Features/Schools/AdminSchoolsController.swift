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

    static func editable(_ req: Request) async throws -> (User, School) {
        let user = try req.require([.admin, .specialist])
        guard let id = req.parameters.get("schoolID", as: UUID.self), let school = try await School.find(id, on: req.db),
              school.$municipality.id == user.municipalityID else { throw AppError.notFound }
        return (user, school)
    }

    static func editForm(req: Request) async throws -> Response {
        let (_, school) = try await editable(req)
        let types = SchoolType.allCases.map { "<option\($0.rawValue == school.type ? " selected" : "")>\(esc($0.rawValue))</option>" }.joined()
        let html = """
        <h1>\(esc(school.shortName)): изменить</h1>\(Flash.take(req))
        <section class="card"><form method="post" action="/admin/schools/\(school.id!)">\(csrfField(req))
        <p>Логин ФИС ОКО: <code>\(esc(school.login))</code> (не меняется: по нему сопоставляются результаты).</p>
        <label for="fullName">Полное наименование</label><input type="text" id="fullName" name="fullName" value="\(esc(school.fullName))" required>
        <label for="shortName">Краткое наименование</label><input type="text" id="shortName" name="shortName" value="\(esc(school.shortName))" required>
        <label for="type">Тип</label><select id="type" name="type">\(types)</select>
        <label for="isActive">Состояние</label><select id="isActive" name="isActive">
        <option value="1"\(school.isActive ? " selected" : "")>действующая</option><option value="0"\(school.isActive ? "" : " selected")>не действует (закрыта, реорганизована)</option></select>
        <div class="hint">Недействующая школа не отчитывается по дорожной карте; её прежние отчёты сохраняются.</div>
        <div class="actions"><button class="btn" type="submit">Сохранить</button><a class="btn secondary" href="/schools">Отмена</a></div>
        </form></section>
        """
        return Layout.page(req, title: school.shortName, body: html, crumbs: [("/schools", "Школы")])
    }

    struct EditForm: Content { var fullName: String; var shortName: String; var type: String; var isActive: String }

    static func update(req: Request) async throws -> Response {
        let (user, school) = try await editable(req)
        let form = try req.content.decode(EditForm.self)
        let fullName = form.fullName.trimmingCharacters(in: .whitespaces)
        let shortName = form.shortName.trimmingCharacters(in: .whitespaces)
        guard !fullName.isEmpty, !shortName.isEmpty, let type = SchoolType(text: form.type) else {
            Flash.set(req, "error", "Заполните полное и краткое наименование и выберите тип.")
            return req.redirect(to: "/admin/schools/\(school.id!)")
        }
        let before = SchoolDTO(school)
        school.fullName = fullName
        school.shortName = shortName
        school.type = type.rawValue
        school.isActive = form.isActive == "1"
        try await req.db.transaction { db in
            try await school.save(on: db)
            try await Audit.record(on: db, actor: user.login, action: "update", entity: "school", id: school.id?.uuidString,
                                   summary: "Изменена школа \(school.login)", before: before, after: SchoolDTO(school),
                                   municipalityID: school.$municipality.id, regionID: school.regionID, schoolID: school.id)
        }
        Flash.set(req, "ok", "Школа \(school.login) сохранена.")
        return req.redirect(to: "/schools")
    }

    static func page(req: Request) async throws -> Response {
        let user = try req.require([.admin, .specialist])
        let count = try await School.query(on: req.db).filter(\.$municipality.$id == user.requireMunicipalityID()).count()
        let types = SchoolType.allCases.map { "<option>\(esc($0.rawValue))</option>" }.joined()
        let html = """
        <h1>Школы района</h1>\(Flash.take(req))
        <p>Сейчас школ: \(count). <a href="/schools">Список школ</a></p>
        <section class="card"><h2>Добавить школу</h2>
        <form method="post" action="/admin/schools">\(csrfField(req))
        <label for="login">Логин ФИС ОКО</label><input type="text" id="login" name="login" placeholder="edu700111" pattern="edu[0-9]{6}" required>
        <label for="fullName">Полное наименование</label><input type="text" id="fullName" name="fullName" required>
        <label for="shortName">Краткое наименование</label><input type="text" id="shortName" name="shortName" placeholder="МБОУ «… СОШ»">
        <label for="type">Тип</label><select id="type" name="type">\(types)</select>
        <div class="actions"><button class="btn" type="submit">Добавить</button></div>
        </form></section>
        <section class="card"><h2>Импорт списка школ</h2>
        <p>XLSX (первый лист) или CSV (UTF-8 или Windows-1251, разделитель «;», «,» или табуляция) со строкой заголовка: <code>Логин;Полное наименование;Краткое наименование;Тип</code>. Существующие школы (по логину) обновляются. Файл принимается целиком или не принимается совсем.</p>
        <form method="post" action="\(uploadAction(req, "/admin/schools/import"))" enctype="multipart/form-data">\(csrfField(req))
        <label for="file">Файл</label><input type="file" id="file" name="file" accept=".xlsx,.csv,.txt" required>
        <div class="actions"><button class="btn" type="submit">Импортировать</button></div>
        </form></section>
        <section class="card"><h2>Численность классов</h2>
        <p>XLSX или CSV со столбцами <code>Логин;Класс;Обучающихся</code> — для доли участников процедур. Существующие классы обновляются; файл принимается целиком или не принимается совсем.</p>
        <form method="post" action="\(uploadAction(req, "/admin/schools/enrolment"))" enctype="multipart/form-data">\(csrfField(req))
        <label for="efile">Файл</label><input type="file" id="efile" name="file" accept=".xlsx,.csv,.txt" required>
        <label for="eyear">Учебный год</label><input type="text" id="eyear" name="schoolYear" value="2025-2026" pattern="20[0-9]{2}-20[0-9]{2}" required>
        <div class="actions"><button class="btn" type="submit">Загрузить численность</button></div>
        </form></section>
        """
        return Layout.page(req, title: "Школы района", body: html)
    }

    struct AddForm: Content { var login: String; var fullName: String; var shortName: String?; var type: String }

    static func add(req: Request) async throws -> Response {
        let user = try req.require([.admin, .specialist])
        let form = try req.content.decode(AddForm.self)
        let rows = [["Логин", "Полное наименование", "Краткое наименование", "Тип"],
                    [form.login, form.fullName, form.shortName ?? "", form.type]]
        return try await store(req, user: user, rows: rows, file: "форма")
    }

    struct ImportForm: Content { var file: File }

    static func importList(req: Request) async throws -> Response {
        let user = try req.require([.admin, .specialist])
        let form = try req.content.decode(ImportForm.self)
        do {
            let rows = try ListFile.rows(data: Data(buffer: form.file.data), file: form.file.filename)
            return try await store(req, user: user, rows: rows, file: form.file.filename)
        } catch let error as SpreadsheetError {
            Flash.set(req, "error", "Ничего не сохранено. " + error.description)
            return req.redirect(to: "/admin/schools")
        }
    }

    static func store(_ req: Request, user: User, rows: [[String]], file: String) async throws -> Response {
        let (records, problems) = SchoolListReader.read(rows: rows, file: file)
        guard problems.isEmpty else {
            Flash.set(req, "error", "Ничего не сохранено. Исправьте и повторите:\n" + problems.map(\.description).joined(separator: "\n"))
            return req.redirect(to: "/admin/schools")
        }
        guard let mid = user.municipalityID, let m = try await Municipality.find(mid, on: req.db) else { throw AppError.notFound }
        do {
            let (created, updated) = try await Organisations.upsert(records, municipality: m, actor: user.login, on: req.db)
            Flash.set(req, "ok", "Добавлено школ: \(created), обновлено: \(updated).")
        } catch let error as AppError {
            Flash.set(req, "error", "Ничего не сохранено: \(error.reason)")
        }
        return req.redirect(to: "/admin/schools")
    }

    struct EnrolmentForm: Content { var file: File; var schoolYear: String }

    static func importEnrolment(req: Request) async throws -> Response {
        let user = try req.require([.admin, .specialist])
        let form = try req.content.decode(EnrolmentForm.self)
        let back = "/admin/schools"
        guard (try? RoadmapDocument.startYear(of: form.schoolYear)) != nil else {
            Flash.set(req, "error", "Учебный год «\(form.schoolYear)»: ожидается вид 2025-2026.")
            return req.redirect(to: back)
        }
        let rows: [[String]]
        do { rows = try ListFile.rows(data: Data(buffer: form.file.data), file: form.file.filename) } catch let e as SpreadsheetError {
            Flash.set(req, "error", "Ничего не сохранено. " + e.description)
            return req.redirect(to: back)
        }
        var (records, problems) = EnrolmentListReader.read(rows: rows, file: form.file.filename)
        let schools = try await School.query(on: req.db).filter(\.$municipality.$id == user.requireMunicipalityID()).all()
        let byLogin = Dictionary(uniqueKeysWithValues: schools.map { ($0.login, $0) })
        for r in records where byLogin[r.school] == nil {
            problems.append(ImportProblem(file: form.file.filename, row: r.row, column: "Логин", message: "школа \(r.school) не найдена в районе."))
        }
        guard problems.isEmpty else {
            Flash.set(req, "error", "Ничего не сохранено. Исправьте и повторите:\n" + problems.map(\.description).joined(separator: "\n"))
            return req.redirect(to: back)
        }
        records.sort { ($0.school, $0.className) < ($1.school, $1.className) }
        let year = form.schoolYear
        let accepted = records
        let (created, updated) = try await req.db.transaction { db -> (Int, Int) in
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
        Flash.set(req, "ok", "Численность классов сохранена: добавлено \(created), обновлено \(updated).")
        return req.redirect(to: back)
    }

    struct ClassForm: Content { var schoolYear: String; var name: String; var enrolment: Int; var teacherID: String? }

    static func saveClass(req: Request) async throws -> Response {
        let user = try req.require([.admin, .specialist, .head])
        let school = try await SchoolController.find(req)
        if user.role == .head { guard user.$school.id == school.id else { throw AppError.forbidden } }
        let form = try req.content.decode(ClassForm.self)
        let name = form.name.trimmingCharacters(in: .whitespaces).uppercased()
        guard let grade = Int(name.prefix { $0.isNumber }), (1...11).contains(grade) else {
            Flash.set(req, "error", "Класс «\(form.name)»: ожидается номер параллели 1–11 и буква, например 4А.")
            return req.redirect(to: "/schools/\(school.id!)")
        }
        guard (try? RoadmapDocument.startYear(of: form.schoolYear)) != nil else {
            Flash.set(req, "error", "Учебный год «\(form.schoolYear)»: ожидается вид 2025-2026.")
            return req.redirect(to: "/schools/\(school.id!)")
        }
        guard (0...60).contains(form.enrolment) else {
            Flash.set(req, "error", "Число обучающихся должно быть от 0 до 60.")
            return req.redirect(to: "/schools/\(school.id!)")
        }
        var found: User?
        if let tid = form.teacherID.flatMap(UUID.init(uuidString:)) {
            found = try await User.find(tid, on: req.db)
            guard found?.$school.id == school.id, found?.role == .teacher else { throw AppError.badInput("Учитель не из этой школы.") }
        }
        let teacher = found
        try await req.db.transaction { db in
            let existing = try await SchoolClass.query(on: db).filter(\.$school.$id == school.requireID())
                .filter(\.$schoolYear == form.schoolYear).filter(\.$name == name).first()
            let c = try existing ?? SchoolClass(school: school, schoolYear: form.schoolYear, name: name, grade: grade, enrolment: form.enrolment)
            let before = existing.map { ["enrolment": $0.enrolment] }
            c.enrolment = form.enrolment
            try await c.save(on: db)
            if let teacher, !(try await c.$teachers.isAttached(to: teacher, on: db)) {
                try await c.$teachers.attach(teacher, on: db)
            }
            try await Audit.record(on: db, actor: user.login, action: existing == nil ? "create" : "update", entity: "class", id: c.id?.uuidString,
                                   summary: "Класс \(name) (\(form.schoolYear)) школы \(school.login)", before: before,
                                   after: ["enrolment": form.enrolment], municipalityID: school.$municipality.id, regionID: school.regionID, schoolID: school.id)
        }
        Flash.set(req, "ok", "Класс \(name) сохранён.")
        return req.redirect(to: "/schools/\(school.id!)")
    }
}
