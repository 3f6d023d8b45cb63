import Fluent
import MsokoCore
import Vapor

/// Staff, their courses and the three-year cycle (roadmap 3.4, issue 16 §3): the list with who is
/// due, a person's page with their courses and certificates, the staff list imported from XLSX or
/// CSV (all-or-nothing, every file kept), coverage by school and direction, the district's PD report
/// as DOCX and XLSX attached to 3.4, and the API. Scope: `StaffScope`.
enum StaffController {
    static func register(_ app: Application) {
        app.on(Site.staff, use: list)
        app.on(Site.staffAdd, use: add)
        app.on(Site.staffImport, use: importList)
        app.on(Site.staffImportFile, use: importFile)
        app.on(Site.staffMember, use: page)
        app.on(Site.staffUpdate, use: update)
        app.on(Site.staffDeleteConfirm, use: confirmDelete)
        app.on(Site.staffDelete, use: delete)
        app.on(Site.courseAdd, authorize: { req in
            let (m, scope) = try await StaffStore.member(req)
            guard scope.canEdit(m) else { throw AppError.forbidden }
        }, use: addCourse)
        app.on(Site.courseDeleteConfirm, use: confirmDeleteCourse)
        app.on(Site.courseDelete, use: deleteCourse)
        app.on(Site.courseFile, use: courseFile)
        app.on(Site.staffCoverage, use: coverage)
        app.on(Site.staffReportDocx, use: reportDocx)
        app.on(Site.staffReportXlsx, use: reportXlsx)
        app.on(Site.staffAttach, use: attach)
        app.on(Site.apiStaffCourses, use: api)
        app.on(Site.staffNeeds, use: needs)
    }

    static func needs(req: Request) async throws -> Response {
        let model = try await StaffNeeds.query(req)
        return Layout.page(req, title: "Потребности в повышении квалификации", body: model.view(req.pageContext()), crumbs: [Crumb(Site.staff.url, "Кадры и курсы")], paper: .landscape)
    }

    /// The choices of «ОО» a user has: a head only their school; a specialist every school and the department.
    static func schoolChoices(_ scope: StaffScope, on db: Database) async throws -> [(value: String, label: String)] {
        let q = School.query(on: db).filter(\.$municipality.$id == scope.municipalityID).filter(\.$isActive == true)
        if let s = scope.schoolID { q.filter(\.$id == s) }
        var out = try await q.sort(\.$login).all().map { (value: $0.id!.uuidString, label: "\($0.shortName) (\($0.login))") }
        if scope.seesDistrict { out.append((value: "department", label: StaffStore.department)) }
        return out
    }

    // MARK: the list

    static func list(req: Request) async throws -> Response {
        let user = try req.user
        let scope = try StaffScope(user)
        let today = try await req.today()
        var rows = try await StaffStore.rows(scope, today: today, on: req.db)
        let all = rows
        let school = req.query[String.self, at: "school"] ?? ""
        let status = CourseStatus(rawValue: req.query[String.self, at: "status"] ?? "")
        if school == "department" { rows = rows.filter { $0.member.$school.id == nil } } else if let id = UUID(uuidString: school) { rows = rows.filter { $0.member.$school.id == id } }
        if let status { rows = rows.filter { $0.status == status } }
        let imports = scope.canEditAny ? try await importsQuery(scope, on: req.db).sort(\.$createdAt, .descending).range(..<5)
            .field(\.$id).field(\.$fileName).field(\.$createdAt).field(\.$uploadedBy).field(\.$outcome).field(\.$accepted).all() : []
        let model = StaffList(all: all, rows: rows, today: today, schoolFilter: school, statusFilter: status,
                              schools: try await schoolChoices(scope, on: req.db), canEdit: scope.canEditAny, isHead: user.role == .head,
                              accounts: scope.canEditAny ? try await StaffStore.accounts(schoolID: scope.schoolID, municipalityID: scope.municipalityID, on: req.db) : [],
                              imports: imports, names: try await People.names(municipalityID: scope.municipalityID, on: req.db), zone: try await req.municipalityZone())
        return Layout.page(req, title: "Кадры и курсы", body: model.view(req.pageContext()))
    }

    static func importsQuery(_ scope: StaffScope, on db: Database) -> QueryBuilder<StaffImport> {
        let q = StaffImport.query(on: db).filter(\.$municipalityID == scope.municipalityID)
        if let s = scope.schoolID { q.filter(\.$schoolID == s) }
        return q
    }

    // MARK: one person

    struct StaffForm: Content {
        var name: String?
        var position: String?
        var school: String?
        var subjects: String?
        var account: String?
    }

    /// Reads the form into `m`, naming every problem; the school must be one the user keeps.
    static func fill(_ m: StaffMember, _ f: StaffForm, scope: StaffScope, errors: inout [String], on db: Database) async throws {
        let name = StaffListReader.clean(FormText.read(f.name, "ФИО", max: 200, required: true, &errors))
        if !name.isEmpty && !StaffListReader.isName(name) { errors.append("Поле «ФИО»: «\(name)» — ожидаются фамилия, имя и отчество буквами.") }
        m.name = name
        m.position = FormText.read(f.position, "Должность", max: 200, required: true, &errors)
        let subjects = StaffListReader.subjects(f.subjects ?? "")
        if subjects.contains(where: { $0.count > 100 }) { errors.append("Поле «Предметы»: название предмета длиннее 100 знаков; разделяйте предметы запятыми.") }
        m.subjects = subjects.joined(separator: "; ")
        let choices = try await schoolChoices(scope, on: db)
        let chosen = scope.schoolID?.uuidString ?? (f.school ?? "")
        guard choices.contains(where: { $0.value == chosen }) else {
            errors.append("Поле «ОО»: выберите школу или Управление образования.")
            return
        }
        m.$school.id = UUID(uuidString: chosen)
        let accounts = try await StaffStore.accounts(schoolID: m.$school.id, municipalityID: scope.municipalityID, on: db)
        switch f.account ?? "" {
        case "": m.userID = nil
        case "auto": m.userID = StaffStore.matchingAccount(name: name, among: accounts)
        case let id:
            guard let u = accounts.first(where: { $0.id?.uuidString == id }) else {
                errors.append("Поле «Учётная запись»: такой учётной записи нет в этой организации.")
                return
            }
            m.userID = u.id
        }
    }

    static func add(req: Request) async throws -> Response {
        let user = try req.user
        let scope = try StaffScope(user)
        let f = try req.content.decode(StaffForm.self)
        let m = StaffMember()
        m.regionID = scope.regionID
        m.municipalityID = scope.municipalityID
        m.createdBy = user.login
        var errors: [String] = []
        try await fill(m, f, scope: scope, errors: &errors, on: req.db)
        if errors.isEmpty, try await duplicate(m, on: req.db) {
            errors.append("Поле «ФИО»: «\(m.name)» уже есть в списке этой организации.")
        }
        guard errors.isEmpty else { return req.redirect(to: Site.staff.url, error: "Работник не добавлен.\n" + errors.joined(separator: "\n")) }
        try await req.audited { db in
            try await m.create(on: db)
            return try AuditNote(action: "create", entity: "staff", id: m.id, summary: "В список работников добавлен(а) \(m.name), \(m.position)",
                                 after: ["name": m.name, "position": m.position, "subjects": m.subjects], municipalityID: m.municipalityID, regionID: m.regionID, schoolID: m.$school.id)
        }
        return req.redirect(to: Site.staffMember.url(m.id!), ok: "\(m.name) добавлен(а) в список. Запишите пройденные курсы.")
    }

    static func duplicate(_ m: StaffMember, on db: Database) async throws -> Bool {
        let q = StaffMember.query(on: db).filter(\.$municipalityID == m.municipalityID).filter(\.$school.$id == m.$school.id)
        if let id = m.id { q.filter(\.$id != id) }
        let key = StaffStore.comparable(m.name)
        return try await q.field(\.$id).field(\.$name).all().contains { StaffStore.comparable($0.name) == key }
    }

    static func page(req: Request) async throws -> Response {
        let (m, scope) = try await StaffStore.member(req)
        let today = try await req.today()
        let courses = try await CourseRecord.query(on: req.db).filter(\.$staff.$id == m.requireID()).all()
        let ids = courses.compactMap(\.id)
        let files = ids.isEmpty ? [] : try await CourseFile.query(on: req.db).filter(\.$course.$id ~~ ids)
            .field(\.$id).field(\.$course.$id).field(\.$fileName).field(\.$size).all()
        let canEdit = scope.canEdit(m)
        let user = try req.user
        let plans = try await DevelopmentPlans.plans(of: m, user: user, on: req.db)
        let model = StaffMemberPage(row: StaffRow(member: m, school: m.school, courses: courses, today: today), today: today,
                                    files: Dictionary(grouping: files, by: { $0.$course.id }), canEdit: canEdit,
                                    schools: canEdit ? try await schoolChoices(scope, on: req.db) : [],
                                    accounts: try await StaffStore.accounts(schoolID: m.$school.id, municipalityID: scope.municipalityID, on: req.db),
                                    plans: plans, schoolYear: today.month >= 9 ? "\(today.year)-\(today.year + 1)" : "\(today.year - 1)-\(today.year)", headKeepsPlans: user.role == .head)
        return Layout.page(req, title: m.name, body: model.view(req.pageContext()), crumbs: [Crumb(Site.staff.url, "Кадры и курсы")])
    }

    static func update(req: Request) async throws -> Response {
        let (m, scope) = try await StaffStore.member(req)
        guard scope.canEdit(m) else { throw AppError.forbidden }
        let before = ["name": m.name, "position": m.position, "subjects": m.subjects, "school": m.$school.id?.uuidString ?? "department"]
        var errors: [String] = []
        try await fill(m, try req.content.decode(StaffForm.self), scope: scope, errors: &errors, on: req.db)
        if errors.isEmpty, try await duplicate(m, on: req.db) { errors.append("Поле «ФИО»: «\(m.name)» уже есть в списке этой организации.") }
        let back = Site.staffMember.url(m.id!)
        guard errors.isEmpty else { return req.redirect(to: back, error: "Не сохранено.\n" + errors.joined(separator: "\n")) }
        let after = ["name": m.name, "position": m.position, "subjects": m.subjects, "school": m.$school.id?.uuidString ?? "department"]
        try await req.audited { db in
            try await m.save(on: db)
            return try AuditNote(action: "update", entity: "staff", id: m.id, summary: "Изменены сведения о работнике \(m.name)",
                                 before: before, after: after, municipalityID: m.municipalityID, regionID: m.regionID, schoolID: m.$school.id)
        }
        return req.redirect(to: back, ok: "Сохранено.")
    }

    static func confirmDelete(req: Request) async throws -> Response {
        let (m, scope) = try await StaffStore.member(req)
        guard scope.canEdit(m) else { throw AppError.forbidden }
        let n = try await CourseRecord.query(on: req.db).filter(\.$staff.$id == m.requireID()).count()
        return Layout.page(req, title: "Удаление из списка", body: ConfirmPage.view(req.pageContext(), title: "Удалить \(m.name) из списка работников?",
            text: "Будут удалены сведения о работнике и \(Plural.count(n, "запись", "записи", "записей")) о курсах с удостоверениями. Так делают, когда человек уволился; запись об удалении останется в журнале изменений.",
            action: Site.staffDelete.url(m.id!), cancel: Site.staffMember.url(m.id!)))
    }

    static func delete(req: Request) async throws -> Response {
        let (m, scope) = try await StaffStore.member(req)
        guard scope.canEdit(m) else { throw AppError.forbidden }
        try await req.audited { db in
            let courses = try await CourseRecord.query(on: db).filter(\.$staff.$id == m.requireID()).all()
            let ids = courses.compactMap(\.id)
            if !ids.isEmpty {
                try await CourseFile.query(on: db).filter(\.$course.$id ~~ ids).delete()
                try await CourseRecord.query(on: db).filter(\.$id ~~ ids).delete()
            }
            try await m.delete(on: db)
            return try AuditNote(action: "delete", entity: "staff", id: m.id, summary: "Из списка работников удален(а) \(m.name) (курсов: \(courses.count))",
                                 before: ["name": m.name, "position": m.position], municipalityID: m.municipalityID, regionID: m.regionID, schoolID: m.$school.id)
        }
        return req.redirect(to: Site.staff.url, ok: "\(m.name) удален(а) из списка.")
    }

    // MARK: courses

    struct CourseForm: Content {
        var title: String?
        var provider: String?
        var providerKind: String?
        var hours: String?
        var start: String?
        var end: String?
        var certificate: String?
        var direction: String?
        var file: File?
    }

    static let certificateTypes: Set<String> = ["pdf", "jpg", "jpeg", "png"]

    static func addCourse(req: Request) async throws -> Response {
        let user = try req.user
        let (m, scope) = try await StaffStore.member(req)
        guard scope.canEdit(m) else { throw AppError.forbidden }
        let back = Site.staffMember.url(m.id!)
        let f = try req.content.decode(CourseForm.self)
        let today = try await req.today()
        var errors: [String] = []
        let c = CourseRecord()
        c.$staff.id = m.id!
        c.title = FormText.read(f.title, "Название курса", max: 500, required: true, &errors)
        c.provider = FormText.read(f.provider, "Организация", max: 300, required: true, &errors)
        if let kind = ProviderKind(rawValue: f.providerKind ?? "") { c.providerKind = kind.rawValue } else { errors.append("Поле «Вид организации»: выберите государственную, муниципальную или иную.") }
        let hoursText = (f.hours ?? "").trimmingCharacters(in: .whitespaces)
        if let h = Int(hoursText), (1...3000).contains(h) { c.hours = h } else { errors.append("Поле «Часов»: «\(hoursText)» — ожидается целое число от 1 до 3000.") }
        let start = FormDate.parse(f.start, field: "Начало", required: true, errors: &errors)
        let end = FormDate.parse(f.end, field: "Окончание", required: true, notAfter: today, errors: &errors)
        if let start, let end, end < start { errors.append("Поле «Окончание»: \(end.russian) раньше начала \(start.russian).") }
        c.startDate = start?.iso ?? ""
        c.endDate = end?.iso ?? ""
        c.certificateNumber = FormText.read(f.certificate, "Номер удостоверения", max: 100, required: false, &errors)
        if let d = CourseDirection(rawValue: f.direction ?? "") { c.direction = d.rawValue } else { errors.append("Поле «Направление»: выберите направление мероприятия 3.4 или «Другое».") }
        c.createdBy = user.login
        let kept = EvidenceRules.upload(f.file, field: "Поле «Удостоверение»", maxBytes: req.msokoConfig.maxEvidenceBytes, extensions: certificateTypes, errors: &errors)
        guard errors.isEmpty else { return req.redirect(to: back, error: "Курс не записан.\n" + errors.joined(separator: "\n")) }
        try await req.audited { db in
            try await c.create(on: db)
            var after = ["title": c.title, "provider": c.provider, "end": c.endDate, "direction": c.direction]
            if let kept {
                let file = CourseFile()
                file.$course.id = c.id!
                file.keep(kept, by: user.login)
                try await file.create(on: db)
                after["file"] = file.fileName
                after["sha256"] = file.sha256
            }
            return try AuditNote(action: "create", entity: "course", id: c.id, summary: "\(m.name): записан курс «\(c.title)», окончен \(c.end.russian)",
                                 after: after, municipalityID: m.municipalityID, regionID: m.regionID, schoolID: m.$school.id)
        }
        return req.redirect(to: back, ok: "Курс «\(c.title)» записан. Следующий срок — \(CourseCycle.nextDue(after: c.end).russian).")
    }

    static func confirmDeleteCourse(req: Request) async throws -> Response {
        let (c, m, scope) = try await StaffStore.course(req)
        guard scope.canEdit(m) else { throw AppError.forbidden }
        return Layout.page(req, title: "Удаление курса", body: ConfirmPage.view(req.pageContext(), title: "Удалить запись о курсе «\(c.title)»?",
            text: "Запись о курсе \(m.name) (окончен \(c.end.russian)) и удостоверение будут удалены; срок следующих курсов пересчитается. Запись об удалении останется в журнале изменений.",
            action: Site.courseDelete.url(c.id!), cancel: Site.staffMember.url(m.id!)))
    }

    static func deleteCourse(req: Request) async throws -> Response {
        let (c, m, scope) = try await StaffStore.course(req)
        guard scope.canEdit(m) else { throw AppError.forbidden }
        try await req.audited { db in
            try await CourseFile.query(on: db).filter(\.$course.$id == c.requireID()).delete()
            try await c.delete(on: db)
            return try AuditNote(action: "delete", entity: "course", id: c.id, summary: "\(m.name): удалена запись о курсе «\(c.title)»",
                                 before: ["title": c.title, "end": c.endDate], municipalityID: m.municipalityID, regionID: m.regionID, schoolID: m.$school.id)
        }
        return req.redirect(to: Site.staffMember.url(m.id!), ok: "Запись о курсе удалена.")
    }

    static func courseFile(req: Request) async throws -> Response {
        let scope = try StaffScope(req.user)
        guard let file = try await CourseFile.find(req.pathID("fileID"), on: req.db),
              let course = try await CourseRecord.find(file.$course.id, on: req.db) else { throw AppError.notFound }
        _ = try await StaffStore.member(course.$staff.id, scope, on: req.db)
        return Download.stored(file, type: file.contentType)
    }

    // MARK: the staff list from a file

    struct ImportForm: Content { var file: File? }

    /// All-or-nothing: every row checked first (the file's own problems, then schools that are not
    /// the district's or not the head's), then everyone added or updated in one transaction. A person
    /// is the same when their name and school match (spaces, case and «ё» aside): their position and
    /// subjects are updated, their courses kept. People missing from the file are left as they are
    /// (a list of one school's teachers does not remove another's); removal is one by one.
    static func importList(req: Request) async throws -> Response {
        let user = try req.user
        let scope = try StaffScope(user)
        let back = Site.staff.url
        guard let file = try req.content.decode(ImportForm.self).file, file.data.readableBytes > 0 else {
            return req.redirect(to: back, error: "Выберите файл со списком работников (XLSX или CSV).")
        }
        let name = UploadName.clean(file.filename)
        let data = Data(buffer: file.data)
        var problems: [ImportProblem] = []
        var records: [StaffRecord] = []
        var hasSchoolColumn = false
        do {
            let rows = try await OfficeConversion.listRows(data, file: name)
            let read = StaffListReader.read(rows: rows, file: name)
            (records, problems, hasSchoolColumn) = (read.records, read.problems, read.hasSchoolColumn)
        } catch let e as SpreadsheetError {
            problems = [ImportProblem(file: name, row: nil, column: nil, message: e.description.replacingOccurrences(of: "\(name): ", with: ""))]
        }
        if scope.seesDistrict && !hasSchoolColumn && problems.isEmpty {
            problems.append(ImportProblem(file: name, row: nil, column: "ОО", message: "нет столбца «ОО» — укажите логин или название школы (пусто — работник Управления образования)."))
        }
        // Schools by login, short and full name.
        let schools = try await School.query(on: req.db).filter(\.$municipality.$id == scope.municipalityID).all()
        var byKey: [String: School] = [:]
        for s in schools { for k in [s.login, s.shortName, s.fullName] { byKey[StaffStore.comparable(k)] = s } }
        var resolved: [(StaffRecord, UUID?)] = []
        for r in records {
            if r.school.isEmpty {
                if let own = scope.schoolID { resolved.append((r, own)); continue }
                resolved.append((r, nil))
                continue
            }
            guard let s = byKey[StaffStore.comparable(r.school)] else {
                problems.append(ImportProblem(file: name, row: r.row, column: "ОО", message: "«\(r.school)» — такой школы в районе нет (укажите логин ФИС ОКО или название, как в списке школ)."))
                continue
            }
            if let own = scope.schoolID, s.id != own {
                problems.append(ImportProblem(file: name, row: r.row, column: "ОО", message: "«\(r.school)» — не ваша школа; в список вносятся только работники своей школы."))
                continue
            }
            resolved.append((r, s.id))
        }
        // The same person twice once schools are resolved («sch123456» and its name).
        var seen: [String: Int] = [:]
        for (r, sid) in resolved {
            let key = StaffStore.comparable(r.name) + "|" + (sid?.uuidString ?? "")
            if let first = seen[key] { problems.append(ImportProblem(file: name, row: r.row, column: "ФИО", message: "«\(r.name)» этой же организации уже есть в строке \(first).")) } else { seen[key] = r.row }
        }
        let record = StaffImport()
        record.regionID = scope.regionID
        record.municipalityID = scope.municipalityID
        record.schoolID = scope.schoolID
        record.keep(data, name: name)
        record.uploadedBy = user.login
        guard problems.isEmpty else {
            let merged = problems
            record.accepted = false
            record.outcome = "не принят: " + merged.prefix(3).map(\.description).joined(separator: "; ")
            try await req.audited { db in
                try await record.create(on: db)
                return try AuditNote(action: "import", entity: "staff", id: record.id, summary: "Список работников «\(name)» не принят (ошибок: \(merged.count))",
                                     after: ["file": name, "sha256": record.sha256], municipalityID: scope.municipalityID, regionID: scope.regionID, schoolID: scope.schoolID)
            }
            return req.redirect(to: back, error: "Ничего не сохранено. Исправьте и повторите:\n" + merged.map(\.description).joined(separator: "\n"))
        }
        let existing = try await scope.query(on: req.db).all()
        var byPerson: [String: StaffMember] = [:]
        for m in existing { byPerson[StaffStore.comparable(m.name) + "|" + (m.$school.id?.uuidString ?? "")] = m }
        var accounts: [UUID?: [User]] = [:]
        for sid in Set(resolved.map(\.1)) { accounts[sid] = try await StaffStore.accounts(schoolID: sid, municipalityID: scope.municipalityID, on: req.db) }
        var created: [StaffMember] = []
        var changed: [StaffMember] = []
        for (r, sid) in resolved {
            let m = byPerson[StaffStore.comparable(r.name) + "|" + (sid?.uuidString ?? "")] ?? StaffMember()
            let subjects = r.subjects.joined(separator: "; ")
            if m.id != nil {
                if m.position == r.position && m.subjects == subjects { continue }
                changed.append(m)
            } else {
                m.regionID = scope.regionID
                m.municipalityID = scope.municipalityID
                m.$school.id = sid
                m.name = r.name
                m.createdBy = user.login
                created.append(m)
            }
            m.position = r.position
            m.subjects = subjects
            if m.userID == nil { m.userID = StaffStore.matchingAccount(name: r.name, among: accounts[sid] ?? []) }
        }
        let outcome = "принят: добавлено \(created.count), обновлено \(changed.count), без изменений \(resolved.count - created.count - changed.count)"
        record.accepted = true
        record.outcome = outcome
        let toSave = created + changed
        try await req.audited { db in
            for m in toSave { try await m.save(on: db) }
            try await record.create(on: db)
            return try AuditNote(action: "import", entity: "staff", id: record.id, summary: "Список работников «\(name)» \(outcome)",
                                 after: ["file": name, "sha256": record.sha256], municipalityID: scope.municipalityID, regionID: scope.regionID, schoolID: scope.schoolID)
        }
        return req.redirect(to: back, ok: "Список работников \(outcome).")
    }

    static func importFile(req: Request) async throws -> Response {
        let scope = try StaffScope(req.user)
        guard let f = try await importsQuery(scope, on: req.db).filter(\.$id == req.pathID("importID")).first() else { throw AppError.notFound }
        let ext = (f.fileName as NSString).pathExtension.lowercased()
        return Download.stored(f, type: ext == "xlsx" ? Download.xlsxType : ext == "csv" ? Download.csvType : "application/octet-stream")
    }

    // MARK: coverage, the PD report, evidence for 3.4

    static func coverage(req: Request) async throws -> Response {
        let model = try await StaffCoverage.query(req)
        return Layout.page(req, title: "Охват курсами", body: model.view(req.pageContext()), crumbs: [Crumb(Site.staff.url, "Кадры и курсы")], paper: .landscape)
    }

    static func reportDocx(req: Request) async throws -> Response {
        let model = try await StaffCoverage.query(req)
        return try Download.docx(model.document(), name: model.fileName)
    }

    static func reportXlsx(req: Request) async throws -> Response {
        let model = try await StaffCoverage.query(req)
        let data = try XLSXWriter(sheets: model.sheets()).data()
        return Download.file(data, type: Download.xlsxType, name: model.fileName + ".xlsx")
    }

    /// The PD report (DOCX) with its tables (XLSX) go to the report on 3.4: the district's for a
    /// specialist, the school's own for a head, at the checkpoint due on or after today.
    static func attach(req: Request) async throws -> Response {
        let user = try req.user
        let scope = try StaffScope(user)
        let back = Site.staffCoverage.url
        let today = try await req.today()
        let result = try await CheckpointReport.checkpoint(on: today, req, number: "3.4", municipalityID: scope.municipalityID, forSchool: user.role == .head)
        let (measure, checkpoint): (Measure, Checkpoint)
        switch result {
        case .failure(let problem): return req.redirect(to: back, error: problem.description)
        case .success(let found): (measure, checkpoint) = found
        }
        guard user.role == .head || user.canReportDistrict(for: measure) else {
            return req.redirect(to: back, error: "По мероприятию 3.4 вы не отчитываетесь.")
        }
        let model = try await StaffCoverage.query(req)
        let files: [(name: String, type: String, data: Data)] = [
            (model.fileName + ".docx", Download.docxType, try model.document().data()),
            (model.fileName + ".xlsx", Download.xlsxType, try XLSXWriter(sheets: model.sheets()).data()),
        ]
        try await CheckpointReport.attach(req, checkpoint: checkpoint, of: measure, schoolID: scope.schoolID, files: files,
                                          summary: "Отчёт о повышении квалификации на \(today.russian) приложен к мероприятию 3.4 (\(checkpoint.label))")
        return req.redirect(to: Site.checkpointReport.url(checkpoint.id!).query(["party": scope.schoolID?.uuidString ?? "district"]),
                            ok: "Отчёт о повышении квалификации (DOCX и XLSX) приложен к мероприятию 3.4, контрольная точка «\(checkpoint.label)». Проверьте статус и текст отчёта.")
    }

    // MARK: API

    struct APIStaff: Content {
        var name: String
        var school: String?
        var position: String
        var lastCourse: String?
        var nextDue: String?
        var status: String
    }

    struct APIStaffList: Content { var staff: [APIStaff] }

    /// `GET /api/v1/staff/courses`: everyone in the caller's scope with their last course's end,
    /// the next due date and the status.
    static func api(req: Request) async throws -> APIStaffList {
        let scope = try StaffScope(req.user)
        let rows = try await StaffStore.rows(scope, today: try await req.today(), on: req.db)
        return APIStaffList(staff: rows.map { r in
            APIStaff(name: r.member.name, school: r.school?.login, position: r.member.position, lastCourse: r.lastEnd?.iso, nextDue: r.nextDue?.iso, status: r.status.rawValue)
        })
    }
}
