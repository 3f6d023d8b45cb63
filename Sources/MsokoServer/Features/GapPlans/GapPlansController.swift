import Fluent
import MsokoCore
import Vapor

/// Class plans to close the gaps (measure 2.3, issue 13 §2): drafting from a class's gaps, the
/// plan's page, its items and individual routes. Rights: `GapPlanRights`.
enum GapPlansController {
    static func register(_ app: Application) {
        app.on(Site.gapPlanDraft, use: draft)
        app.on(Site.gapPlan, use: page)
        app.on(Site.gapPlanDeleteConfirm, use: confirmDelete)
        app.on(Site.gapPlanDelete, use: delete)
        app.on(Site.gapItemAdd, use: addItem)
        app.on(Site.gapItemSave, use: saveItem)
        app.on(Site.gapItemDeleteConfirm, use: confirmDeleteItem)
        app.on(Site.gapItemDelete, use: deleteItem)
        app.on(Site.gapRouteAdd, use: addRoute)
        app.on(Site.gapRouteSave, authorize: { req in _ = try await route(req, editing: true) }, use: saveRoute)
        app.on(Site.gapFile, use: file)
        app.on(Site.gapItemRecommend, use: recommend)
        app.on(Site.gapItemUnrecommend, use: unrecommend)
    }

    // MARK: drafting

    /// Drafts the class's plan from its gaps in the procedure (or opens the one already drafted).
    static func draft(req: Request) async throws -> Response {
        let (user, p, s, className) = try await GroupScope.classOf(req)
        guard try await GapPlanStore.mayDraft(user, procedure: p, school: s, className: className, on: req.db) else { throw AppError.forbidden }
        let pid = try p.requireID(), sid = try s.requireID()
        if let existing = try await GapPlan.query(on: req.db).filter(\.$procedure.$id == pid).filter(\.$school.$id == sid).filter(\.$className == className).first() {
            return req.redirect(to: Site.gapPlan.url(try existing.requireID()), info: "План для \(className) по этой процедуре уже составлен — он открыт.")
        }
        let l = try await GapsQuery.load(p, school: s, className: className, on: req.db)
        let deficits = GapPlanning.draft(l.gaps)
        let back = Site.gapsClass.url(pid, s.login, className)
        guard !deficits.isEmpty else {
            return req.redirect(to: back, info: "План не составлен: требований, которые класс не освоил или не освоила хотя бы четверть класса, нет. Обучающихся с пробелами можно вести по индивидуальным маршрутам.")
        }
        let today = try await req.today()
        let responsible = try await classTeacher(school: sid, schoolYear: p.schoolYear, className: className, on: req.db) ?? (user.role == .teacher ? user.id : nil)
        let (plan, items) = try drafted(deficits, procedure: p, school: s, className: className, works: l.gaps.works, responsible: responsible, today: today, by: user.login)
        let title = ProcedureStore.title(p)
        try await req.audited { db in
            try await plan.create(on: db)
            for item in items {
                item.$plan.id = try plan.requireID()
                try await item.create(on: db)
            }
            return try AuditNote(action: "create", entity: "gap_plan", id: plan.id, summary: "Составлен план ликвидации пробелов \(className) (\(s.login)) по \(title): \(items.count) п.",
                                 after: ["class": className, "items": items.map(\.code).joined(separator: ", ")],
                                 municipalityID: plan.municipalityID, regionID: plan.regionID, schoolID: sid)
        }
        return req.redirect(to: Site.gapPlan.url(try plan.requireID()), ok: "План составлен из пробелов класса: \(Plural.count(items.count, "пункт", "пункта", "пунктов")). Проверьте формы работы, ответственных и сроки.")
    }

    /// A plan and its items (not yet stored) from the drafted deficits: it starts today, the work
    /// takes four weeks and the re-diagnosis follows a week later; the class's teacher is responsible.
    static func drafted(_ drafted: [GapPlanning.DraftItem], procedure p: Procedure, school s: School, className: String, works: Int,
                        responsible: UUID?, today: LocalDate, by login: String) throws -> (GapPlan, [GapPlanItem]) {
        let plan = GapPlan()
        plan.$procedure.id = try p.requireID()
        plan.$school.id = try s.requireID()
        plan.className = className
        plan.works = works
        plan.createdBy = login
        plan.regionID = s.regionID
        plan.municipalityID = s.$municipality.id
        let items = drafted.enumerated().map { i, d in
            let item = GapPlanItem()
            item.position = i + 1
            item.code = d.code
            item.text = d.text
            item.tasks = d.tasks.joined(separator: ", ")
            item.share = d.share
            item.completion = d.completion
            item.systemic = d.systemic
            item.students = GapText.join(d.students)
            item.form = d.form
            item.hours = d.hours
            item.$responsible.id = responsible
            item.starts = today.iso
            item.ends = today.adding(days: 28).iso
            item.checkMethod = checkMethod
            item.rediagnosisDate = today.adding(days: 35).iso
            item.status = ItemStatus.planned.rawValue
            return item
        }
        return (plan, items)
    }

    static let checkMethod = "повторная диагностика: задания школы на то же требование"

    /// The teacher linked to the class in the procedure's school year (the first, if several).
    static func classTeacher(school: UUID, schoolYear: String, className: String, on db: Database) async throws -> UUID? {
        let classes = try await SchoolClass.query(on: db).filter(\.$school.$id == school).filter(\.$schoolYear == schoolYear).all()
        guard let c = classes.first(where: { WorkRecord.normalizeClass($0.name) == className }) else { return nil }
        return try await ClassTeacher.query(on: db).filter(\.$schoolClass.$id == c.requireID()).first()?.$teacher.id
    }

    // MARK: the plan

    static func page(req: Request) async throws -> Response {
        let l = try await GapPlanStore.load(req)
        let progress = try await PlanProgress.make(l, on: req.db)
        let staff = l.rights.canEdit || !l.rights.ownItems.isEmpty || !l.rights.ownRoutes.isEmpty ? try await GapPlanStore.staff(of: l.school.requireID(), on: req.db) : []
        let user = try req.user
        // «Чем работать»: the district's recommendations attached to each item, and those that match it.
        let attached = try await RecommendationQuery.attached(itemIDs: l.items.compactMap(\.id), on: req.db)
        let library = l.items.contains(where: { l.rights.recommends(item: $0.id) }) ? try await RecommendationQuery.library(municipalityID: l.plan.municipalityID, on: req.db) : []
        var matching: [UUID: [Recommendation]] = [:]
        for item in l.items where l.rights.recommends(item: item.id) {
            let taken = Set((attached[item.id!] ?? []).map { $0.rec.id })
            matching[item.id!] = RecommendationQuery.matching(library, subject: l.procedure.subject, grade: l.procedure.grade, code: item.code).map(\.rec).filter { !taken.contains($0.id) }
        }
        let model = GapPlanPage(l: l, progress: progress, staff: staff, userID: user.id, role: user.role, attached: attached, matching: matching)
        var crumbs = [Crumb(Site.gapPlans.url, "Ликвидация пробелов")]
        if Site.gapSchool.admits(user.role) { crumbs.append(Crumb(Site.gapSchool.url(try l.school.requireID()), l.school.shortName)) }
        return Layout.page(req, title: l.title, body: model.view(req.pageContext()), crumbs: crumbs, paper: .landscape)
    }

    static func editable(_ req: Request) async throws -> LoadedPlan {
        let l = try await GapPlanStore.load(req)
        guard l.rights.canEdit else { throw AppError.forbidden }
        return l
    }

    static func confirmDelete(req: Request) async throws -> Response {
        let l = try await editable(req)
        return Layout.page(req, title: "Удаление плана", body: ConfirmPage.view(req.pageContext(), title: "Удалить план?",
            text: "План «\(l.plan.className)» по \(ProcedureStore.title(l.procedure)) будет удалён со всеми пунктами, индивидуальными маршрутами, повторными диагностиками и файлами. Запись об удалении останется в журнале изменений.",
            action: Site.gapPlanDelete.url(l.id), cancel: Site.gapPlan.url(l.id)))
    }

    static func delete(req: Request) async throws -> Response {
        let l = try await editable(req)
        let plan = l.plan
        try await req.audited { db in
            try await GapRediagnosis.query(on: db).filter(\.$plan.$id == plan.requireID()).delete()
            try await GapRoute.query(on: db).filter(\.$plan.$id == plan.requireID()).delete()
            try await GapFile.query(on: db).filter(\.$plan.$id == plan.requireID()).delete()
            try await GapPlanItem.query(on: db).filter(\.$plan.$id == plan.requireID()).delete()
            try await plan.delete(on: db)
            return try AuditNote(action: "delete", entity: "gap_plan", id: plan.id, summary: "Удалён план ликвидации пробелов \(plan.className) (\(l.school.login))",
                                 before: ["class": plan.className, "items": String(l.items.count)], municipalityID: plan.municipalityID, regionID: plan.regionID, schoolID: l.school.id)
        }
        return req.redirect(to: Site.gapPlans.url, ok: "План \(plan.className) удалён.")
    }

    // MARK: items

    struct AddItemForm: Content { var code: String }

    /// Adds a requirement of the procedure's specification the draft left out.
    static func addItem(req: Request) async throws -> Response {
        let l = try await editable(req)
        let code = try req.content.decode(AddItemForm.self).code
        let back = Site.gapPlan.url(l.id)
        let loaded = try await GapsQuery.works(l.procedure, school: l.school, className: l.plan.className, on: req.db)
        guard let k = loaded.gaps.requirements.firstIndex(where: { $0.requirement.code == code }) else {
            return req.redirect(to: back, error: "Поле «Требование»: «\(code)» нет в спецификации процедуры.")
        }
        if l.items.contains(where: { $0.code == code }) { return req.redirect(to: back, error: "Требование \(code) уже есть в плане.") }
        let f = loaded.gaps.requirements[k]
        let item = GapPlanItem()
        item.$plan.id = l.id
        item.position = (l.items.map(\.position).max() ?? 0) + 1
        item.code = code
        item.text = f.requirement.text
        item.tasks = f.requirement.tasks.joined(separator: ", ")
        item.share = f.notMasteredShare
        item.completion = f.completion
        item.systemic = f.isSystemic
        item.students = GapText.join(loaded.gaps.students.filter { $0.verdicts[k] == .notMastered }.map(\.code))
        item.form = WorkForm.groupSessions
        item.hours = 1
        item.checkMethod = checkMethod
        item.status = ItemStatus.planned.rawValue
        let plan = l.plan
        try await req.audited { db in
            try await item.create(on: db)
            return try AuditNote(action: "create", entity: "gap_plan_item", id: item.id, summary: "В план \(plan.className) (\(l.school.login)) добавлено требование \(code)",
                                 after: ["code": code], municipalityID: plan.municipalityID, regionID: plan.regionID, schoolID: l.school.id)
        }
        return req.redirect(to: back, ok: "Требование \(code) добавлено в план.")
    }

    struct ItemForm: Content {
        var form: String?
        var hours: String?
        var responsible: String?
        var students: String?
        var starts: String?
        var ends: String?
        var checkMethod: String?
        var rediagnosisDate: String?
        var status: String
        var outcome: String?
    }

    /// The item of the path with its plan; 403 unless the user edits it.
    static func item(_ req: Request) async throws -> (LoadedPlan, GapPlanItem) {
        let iid = try req.pathID("itemID")
        guard let item = try await GapPlanItem.find(iid, on: req.db) else { throw AppError.notFound }
        let l = try await GapPlanStore.load(req, id: item.$plan.id)
        guard let found = l.items.first(where: { $0.id == iid }), l.rights.edits(item: iid) else { throw AppError.forbidden }
        return (l, found)
    }

    static func saveItem(req: Request) async throws -> Response {
        let (l, item) = try await item(req)
        let f = try req.content.decode(ItemForm.self)
        let back = Site.gapPlan.url(l.id).fragment("item-\(item.position)")
        var errors: [String] = []
        let n = "Пункт \(item.position) (\(item.code))"
        let starts = date(f.starts, "Начало", n, &errors)
        let ends = date(f.ends, "Окончание", n, &errors)
        let redate = date(f.rediagnosisDate, "Повторная диагностика", n, &errors)
        if let a = starts, let b = ends, b < a { errors.append("\(n), поле «Окончание»: раньше начала.") }
        var hours: Int?
        if let h = f.hours?.trimmingCharacters(in: .whitespaces), !h.isEmpty {
            if let v = Int(h), (0...200).contains(v) { hours = v } else { errors.append("\(n), поле «Часов»: «\(h)» — целое число от 0 до 200.") }
        }
        let form = (f.form ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if form.isEmpty { errors.append("\(n), поле «Форма работы»: укажите форму работы.") }
        if form.count > 500 { errors.append("\(n), поле «Форма работы»: не больше 500 символов.") }
        let check = (f.checkMethod ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if check.count > 500 { errors.append("\(n), поле «Как проверяется результат»: не больше 500 символов.") }
        let (status, outcome) = try Self.progress(f.status, f.outcome)
        let progress = try await PlanProgress.make(l, on: req.db)
        if let problem = GapPlanning.problem(status: status, outcome: outcome, rediagnosed: progress.rediagnosed(item)) { errors.append("\(n): \(problem)") }
        // Only the plan's editors give an item to someone or change its students.
        var responsible = item.$responsible.id
        var students = item.students
        if l.rights.canEdit {
            responsible = try await Self.responsible(f.responsible, l, n, &errors, on: req.db)
            let codes = GapText.codes(f.students ?? "")
            let known = Set(progress.before.students.map(\.code))
            let unknown = codes.filter { !known.contains($0) }
            if !unknown.isEmpty { errors.append("\(n), поле «Обучающиеся»: кодов \(unknown.joined(separator: ", ")) нет среди работ класса.") }
            students = GapText.join(codes)
        }
        guard errors.isEmpty else { return req.redirect(to: back, error: "Пункт не сохранён.\n" + errors.joined(separator: "\n")) }
        let today = try await req.today()
        let before = ItemDTO(item)
        item.form = form
        item.hours = hours
        item.$responsible.id = responsible
        item.students = students
        item.starts = starts?.iso
        item.ends = ends?.iso
        item.checkMethod = check
        item.rediagnosisDate = redate?.iso
        item.move(to: status, outcome: outcome, today: today)
        let after = ItemDTO(item)
        let plan = l.plan
        try await req.audited { db in
            try await item.save(on: db)
            return try AuditNote(action: "update", entity: "gap_plan_item", id: item.id,
                                 summary: "План \(plan.className) (\(l.school.login)), требование \(item.code): \(status.title)\(outcome.map { ", \($0.title)" } ?? "")",
                                 before: before, after: after, municipalityID: plan.municipalityID, regionID: plan.regionID, schoolID: l.school.id)
        }
        return req.redirect(to: back, ok: "Пункт \(item.position) (\(item.code)) сохранён: \(status.title)\(outcome.map { ", \($0.title)" } ?? "").")
    }

    struct ItemDTO: Encodable {
        var form: String, hours: Int?, responsible: String?, students: String, starts: String?, ends: String?, check: String, rediagnosis: String?, status: String, outcome: String?
        init(_ i: GapPlanItem) {
            form = i.form; hours = i.hours; responsible = i.$responsible.id?.uuidString; students = i.students; starts = i.starts; ends = i.ends
            check = i.checkMethod; rediagnosis = i.rediagnosisDate; status = i.status; outcome = i.outcome
        }
    }

    /// The status and outcome of a form (a value not offered is a bad request, not a typing error).
    static func progress(_ status: String, _ outcome: String?) throws -> (ItemStatus, GapOutcome?) {
        guard let s = ItemStatus(rawValue: status) else { throw AppError.badInput("Поле «Статус»: недопустимое значение.") }
        guard let o = outcome, !o.isEmpty else { return (s, nil) }
        guard let v = GapOutcome(rawValue: o) else { throw AppError.badInput("Поле «Результат»: недопустимое значение.") }
        return (s, v)
    }

    /// The responsible account chosen: one of the school's teachers or its head; nil for none.
    static func responsible(_ value: String?, _ l: LoadedPlan, _ what: String, _ errors: inout [String], on db: Database) async throws -> UUID? {
        guard let r = value, !r.isEmpty else { return nil }
        let staff = try await GapPlanStore.staff(of: l.school.requireID(), on: db)
        guard let id = UUID(uuidString: r), staff.contains(where: { $0.id == id }) else {
            errors.append("\(what), поле «Ответственный»: не учитель этой школы.")
            return nil
        }
        return id
    }

    /// A typed date («ДД.ММ.ГГГГ» or ISO), nil when empty; a wrong one adds a problem naming the field.
    static func date(_ text: String?, _ field: String, _ what: String, _ errors: inout [String]) -> LocalDate? {
        FormDate.parse(text, field: field, place: what, errors: &errors)
    }

    static func confirmDeleteItem(req: Request) async throws -> Response {
        let (l, item) = try await item(req)
        guard l.rights.canEdit else { throw AppError.forbidden }
        return Layout.page(req, title: "Удаление пункта", body: ConfirmPage.view(req.pageContext(), title: "Удалить пункт плана?",
            text: "Пункт \(item.position) — требование \(item.code) «\(item.text)» — будет удалён из плана \(l.plan.className). Запись об удалении останется в журнале изменений.",
            action: Site.gapItemDelete.url(try item.requireID()), cancel: Site.gapPlan.url(l.id)))
    }

    static func deleteItem(req: Request) async throws -> Response {
        let (l, item) = try await item(req)
        guard l.rights.canEdit else { throw AppError.forbidden }
        let plan = l.plan
        try await req.audited { db in
            try await item.delete(on: db)
            return try AuditNote(action: "delete", entity: "gap_plan_item", id: item.id, summary: "Из плана \(plan.className) (\(l.school.login)) удалено требование \(item.code)",
                                 before: ItemDTO(item), municipalityID: plan.municipalityID, regionID: plan.regionID, schoolID: l.school.id)
        }
        return req.redirect(to: Site.gapPlan.url(l.id), ok: "Пункт \(item.code) удалён из плана.")
    }

    // MARK: individual routes

    struct AddRouteForm: Content { var student: String }

    static func addRoute(req: Request) async throws -> Response {
        let l = try await editable(req)
        let code = try req.content.decode(AddRouteForm.self).student.trimmingCharacters(in: .whitespaces)
        let back = Site.gapPlan.url(l.id)
        let loaded = try await GapsQuery.works(l.procedure, school: l.school, className: l.plan.className, on: req.db)
        guard let s = loaded.gaps.students.first(where: { $0.code == code }) else {
            return req.redirect(to: back, error: "Поле «Обучающийся»: кода «\(code)» нет среди работ класса.")
        }
        if l.routes.contains(where: { $0.studentCode == code }) { return req.redirect(to: back, error: "У обучающегося \(code) маршрут уже есть.") }
        let today = try await req.today()
        let route = GapRoute()
        route.$plan.id = l.id
        route.studentCode = code
        route.requirements = GapText.join(s.notMastered)
        route.work = "индивидуальные занятия и консультации по требованиям " + GapText.join(s.notMastered)
        route.$responsible.id = l.items.compactMap { $0.$responsible.id }.first
        route.starts = today.iso
        route.ends = today.adding(days: 42).iso
        route.status = ItemStatus.planned.rawValue
        let plan = l.plan
        try await req.audited { db in
            try await route.create(on: db)
            return try AuditNote(action: "create", entity: "gap_route", id: route.id, summary: "Индивидуальный маршрут \(code) (\(plan.className), \(l.school.login))",
                                 after: ["requirements": route.requirements], municipalityID: plan.municipalityID, regionID: plan.regionID, schoolID: l.school.id)
        }
        return req.redirect(to: back.fragment("route-\(code)"), ok: "Маршрут обучающегося \(code) составлен. Запишите согласие родителей, прежде чем начать работу.")
    }

    static func route(_ req: Request, editing: Bool) async throws -> (LoadedPlan, GapRoute) {
        let rid = try req.pathID("routeID")
        guard let r = try await GapRoute.find(rid, on: req.db) else { throw AppError.notFound }
        let l = try await GapPlanStore.load(req, id: r.$plan.id)
        guard let found = l.routes.first(where: { $0.id == rid }) else { throw AppError.notFound }
        if editing && !l.rights.edits(route: rid) { throw AppError.forbidden }
        return (l, found)
    }

    struct RouteForm: Content {
        var requirements: String?
        var work: String?
        var responsible: String?
        var starts: String?
        var ends: String?
        var consentDate: String?
        var consent: File?
        var status: String
        var outcome: String?
    }

    static func saveRoute(req: Request) async throws -> Response {
        let user = try req.user
        let (l, route) = try await route(req, editing: true)
        let f = try req.content.decode(RouteForm.self)
        let back = Site.gapPlan.url(l.id).fragment("route-\(route.studentCode)")
        var errors: [String] = []
        let n = "Маршрут \(route.studentCode)"
        let starts = date(f.starts, "Начало", n, &errors)
        let ends = date(f.ends, "Окончание", n, &errors)
        let consentDate = date(f.consentDate, "Согласие родителей", n, &errors)
        if let a = starts, let b = ends, b < a { errors.append("\(n), поле «Окончание»: раньше начала.") }
        let work = (f.work ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if work.isEmpty { errors.append("\(n), поле «Содержание работы»: опишите работу.") }
        if work.count > 2000 { errors.append("\(n), поле «Содержание работы»: не больше 2000 символов.") }
        let progress = try await PlanProgress.make(l, on: req.db)
        let codes = GapText.codes(f.requirements ?? "")
        let known = Set(progress.requirements.map(\.code))
        if codes.isEmpty { errors.append("\(n), поле «Требования»: укажите хотя бы одно.") }
        let unknown = codes.filter { !known.contains($0) }
        if !unknown.isEmpty { errors.append("\(n), поле «Требования»: кодов \(unknown.joined(separator: ", ")) нет в спецификации процедуры.") }
        let (status, outcome) = try Self.progress(f.status, f.outcome)
        let hasConsent = consentDate != nil
        if status != .planned && !hasConsent { errors.append("\(n): работа по индивидуальному маршруту начинается с письменного согласия родителей — укажите его дату.") }
        let rediagnosed = progress.rediagnosed(student: route.studentCode, codes: codes)
        if let problem = GapPlanning.problem(status: status, outcome: outcome, rediagnosed: rediagnosed) {
            errors.append("\(n): " + problem.replacingOccurrences(of: "Пункт", with: "Маршрут").replacingOccurrences(of: "пункт", with: "маршрут"))
        }
        let upload = EvidenceRules.upload(f.consent, field: "\(n), поле «Скан согласия»", maxBytes: req.msokoConfig.maxEvidenceBytes, errors: &errors)
        var responsible = route.$responsible.id
        if l.rights.canEdit { responsible = try await Self.responsible(f.responsible, l, n, &errors, on: req.db) }
        guard errors.isEmpty else { return req.redirect(to: back, error: "Маршрут не сохранён.\n" + errors.joined(separator: "\n")) }
        let today = try await req.today()
        route.requirements = GapText.join(codes)
        route.work = work
        route.$responsible.id = responsible
        route.starts = starts?.iso
        route.ends = ends?.iso
        route.consentDate = consentDate?.iso
        route.move(to: status, outcome: outcome, today: today)
        let plan = l.plan
        let login = user.login
        let (kept, result) = (upload, outcome)
        try await req.audited { db in
            var fileNote: String?
            if let upload = kept {
                let g = try GapFile.make(plan: plan, kind: "consent", name: upload.name, type: upload.type, data: upload.data, by: login)
                try await g.create(on: db)
                route.consentFileID = g.id
                fileNote = "\(upload.name) (sha256 \(g.sha256.prefix(12))…)"
            }
            try await route.save(on: db)
            return try AuditNote(action: "update", entity: "gap_route", id: route.id, summary: "Индивидуальный маршрут \(route.studentCode) (\(plan.className), \(l.school.login)): \(status.title)",
                                 after: ["status": status.rawValue, "outcome": result?.rawValue ?? "", "consent": route.consentDate ?? "", "file": fileNote ?? ""],
                                 municipalityID: plan.municipalityID, regionID: plan.regionID, schoolID: l.school.id)
        }
        return req.redirect(to: back, ok: "Маршрут \(route.studentCode) сохранён: \(status.title).")
    }

    /// A kept file of a plan (a consent scan, a re-diagnosis sheet), for those who read the plan.
    static func file(req: Request) async throws -> Response {
        guard let f = try await GapFile.find(try req.pathID("fileID"), on: req.db) else { throw AppError.notFound }
        _ = try await GapPlanStore.load(req, id: f.$plan.id)
        return Download.file(f.data, type: f.contentType, name: f.fileName, sha256: f.sha256)
    }
}

/// «Удалить …?» with the button and a way back: every destructive action asks first.
enum ConfirmPage {
    static func view(_ ctx: PageContext, title: String, text: String, action: SiteURL, cancel: SiteURL) -> HTML {
        """
        <section class="card narrow">
        <h1>\(title)</h1>
        <p>\(text)</p>
        <div class="actions">\(HTML.postButton(ctx, action: action, label: "Удалить", style: "danger"))
        <a class="btn secondary" href="\(cancel)">Отмена</a></div>
        </section>
        """
    }
}

// MARK: methodical recommendations on items (issue 16 §1)

extension GapPlansController {

    /// The item of the path and its plan, if the user may attach recommendations to it.
    static func recommendable(_ req: Request) async throws -> (LoadedPlan, GapPlanItem) {
        let iid = try req.pathID("itemID")
        guard let item = try await GapPlanItem.find(iid, on: req.db) else { throw AppError.notFound }
        let l = try await GapPlanStore.load(req, id: item.$plan.id)
        guard let found = l.items.first(where: { $0.id == iid }), l.rights.recommends(item: iid) else { throw AppError.forbidden }
        return (l, found)
    }

    struct RecommendForm: Content { var recommendation: String? }

    static func recommend(req: Request) async throws -> Response {
        let (l, item) = try await recommendable(req)
        let back = Site.gapPlan.url(l.id).fragment("rec-\(item.position)")
        guard let rid = try req.content.decode(RecommendForm.self).recommendation.flatMap(UUID.init(uuidString:)),
              let rec = try await Recommendation.query(on: req.db).filter(\.$id == rid).filter(\.$municipalityID == l.plan.municipalityID).first() else {
            return req.redirect(to: back, error: "Пункт \(item.position): выберите рекомендацию из библиотеки района.")
        }
        if try await GapItemRecommendation.query(on: req.db).filter(\.$item.$id == item.requireID()).filter(\.$recommendation.$id == rid).count() > 0 {
            return req.redirect(to: back, info: "Рекомендация «\(rec.title)» уже прикреплена к пункту \(item.position).")
        }
        let link = GapItemRecommendation()
        link.$item.id = try item.requireID()
        link.$recommendation.id = rid
        link.attachedBy = try req.user.login
        let (plan, school) = (l.plan, l.school)
        try await req.audited { db in
            try await link.create(on: db)
            return try AuditNote(action: "attach", entity: "gap_item_recommendation", id: link.id,
                                 summary: "План \(plan.className) (\(school.login)), пункт \(item.position) \(item.code): прикреплена рекомендация «\(rec.title)»",
                                 municipalityID: plan.municipalityID, regionID: plan.regionID, schoolID: school.id)
        }
        return req.redirect(to: back, ok: "Рекомендация «\(rec.title)» прикреплена к пункту \(item.position).")
    }

    static func unrecommend(req: Request) async throws -> Response {
        guard let link = try await GapItemRecommendation.query(on: req.db).filter(\.$id == req.pathID("linkID")).with(\.$recommendation).first(),
              let item = try await GapPlanItem.find(link.$item.id, on: req.db) else { throw AppError.notFound }
        let l = try await GapPlanStore.load(req, id: item.$plan.id)
        guard l.rights.recommends(item: item.id) else { throw AppError.forbidden }
        let (plan, school, title) = (l.plan, l.school, link.recommendation.title)
        try await req.audited { db in
            try await link.delete(on: db)
            return try AuditNote(action: "detach", entity: "gap_item_recommendation", id: link.id,
                                 summary: "План \(plan.className) (\(school.login)), пункт \(item.position) \(item.code): откреплена рекомендация «\(title)»",
                                 municipalityID: plan.municipalityID, regionID: plan.regionID, schoolID: school.id)
        }
        return req.redirect(to: Site.gapPlan.url(l.id).fragment("rec-\(item.position)"), ok: "Рекомендация откреплена от пункта \(item.position).")
    }
}
