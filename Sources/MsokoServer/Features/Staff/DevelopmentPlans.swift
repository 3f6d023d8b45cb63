import Fluent
import MsokoCore
import Vapor

/// Teachers' individual development plans (ИОМ, issue 16 §3): recorded by the head of the school
/// from the teacher's own diagnostic (a self-assessment, a test of professional deficits) — not
/// from ВПР results, which do not evaluate teachers — and kept to the school: its head keeps them,
/// the teacher reads their own (through the account linked on the staff list); the district sees
/// none of them, which is why they are not on the person's page for district roles.
enum DevelopmentPlans {
    static func register(_ app: Application) {
        app.on(Site.developmentPlanAdd, use: add)
        app.on(Site.developmentPlan, use: page)
        app.on(Site.developmentPlanUpdate, use: update)
        app.on(Site.developmentPlanDeleteConfirm, use: confirmDelete)
        app.on(Site.developmentPlanDelete, use: delete)
    }

    /// Plans of a person, if the user may read them (their school's head; the teacher themself).
    static func plans(of m: StaffMember, user: User, on db: Database) async throws -> [DevelopmentPlan]? {
        guard mayRead(m, user: user) else { return nil }
        return try await DevelopmentPlan.query(on: db).filter(\.$staff.$id == m.requireID()).sort(\.$createdAt, .descending).all()
    }

    static func mayRead(_ m: StaffMember, user: User) -> Bool {
        guard let s = m.$school.id, m.municipalityID == user.$municipality.id else { return false }
        switch user.role {
        case .head: return user.$school.id == s
        case .teacher: return m.userID != nil && m.userID == user.id
        default: return false
        }
    }

    /// The plan of the path: 404 outside the district, 403 to anyone but the school's head and the teacher.
    static func load(_ req: Request) async throws -> (DevelopmentPlan, StaffMember) {
        let user = try req.user
        guard let p = try await DevelopmentPlan.query(on: req.db).filter(\.$id == req.pathID("developmentPlanID")).with(\.$staff).first(),
              p.staff.municipalityID == user.$municipality.id else { throw AppError.notFound }
        guard mayRead(p.staff, user: user) else { throw AppError.forbidden }
        return (p, p.staff)
    }

    static func editable(_ req: Request) async throws -> (DevelopmentPlan, StaffMember) {
        let (p, m) = try await load(req)
        guard try req.user.role == .head else { throw AppError.forbidden }
        return (p, m)
    }

    struct Form: Content {
        var schoolYear: String?
        var diagnostic: String?
        var goals: String?
        var activities: String?
        var direction: String?
        var state: String?
        var result: String?
    }

    static func fill(_ p: DevelopmentPlan, _ f: Form, errors: inout [String]) {
        let year = (f.schoolYear ?? "").trimmingCharacters(in: .whitespaces)
        do { _ = try RoadmapDocument.startYear(of: year) } catch { errors.append("Поле «Учебный год»: «\(year)» — ожидается вид 2025-2026.") }
        p.schoolYear = year
        p.diagnostic = FormText.read(f.diagnostic, "Результаты диагностики педагога", max: 3000, required: true, &errors)
        p.goals = FormText.read(f.goals, "Цели", max: 2000, required: true, &errors)
        p.activities = FormText.read(f.activities, "Мероприятия", max: 5000, required: true, &errors)
        if let d = CourseDirection(rawValue: f.direction ?? "") { p.direction = d.rawValue } else { errors.append("Поле «Направление»: выберите направление.") }
        p.state = f.state == "done" ? "done" : "active"
        p.result = FormText.read(f.result, "Итог", max: 3000, required: false, &errors)
        if p.state == "done" && p.result.isEmpty { errors.append("Поле «Итог»: опишите итог — маршрут отмечен выполненным.") }
    }

    static func add(req: Request) async throws -> Response {
        let user = try req.user
        let (m, scope) = try await StaffStore.member(req)
        guard let sid = m.$school.id, scope.canEdit(m), user.role == .head else { throw AppError.forbidden }
        let back = Site.staffMember.url(m.id!)
        let p = DevelopmentPlan()
        p.$staff.id = try m.requireID()
        p.$school.id = sid
        p.createdBy = user.login
        var errors: [String] = []
        fill(p, try req.content.decode(Form.self), errors: &errors)
        guard errors.isEmpty else { return req.redirect(to: back.fragment("iom"), error: "ИОМ не записан.\n" + errors.joined(separator: "\n")) }
        try await req.audited { db in
            try await p.create(on: db)
            return try AuditNote(action: "create", entity: "development_plan", id: p.id, summary: "Записан ИОМ педагога (\(p.schoolYear))",
                                 municipalityID: m.municipalityID, regionID: m.regionID, schoolID: sid)
        }
        return req.redirect(to: Site.developmentPlan.url(p.id!), ok: "Индивидуальный маршрут записан.")
    }

    static func page(req: Request) async throws -> Response {
        let (p, m) = try await load(req)
        let canEdit = try req.user.role == .head
        let model = DevelopmentPlanPage(plan: p, member: m, canEdit: canEdit)
        let crumbs = canEdit ? [Crumb(Site.staff.url, "Кадры и курсы"), Crumb(Site.staffMember.url(m.id!), m.name)] : [Crumb(Site.tasks.url, "Мои задачи")]
        return Layout.page(req, title: "ИОМ педагога", body: model.view(req.pageContext()), crumbs: crumbs)
    }

    static func update(req: Request) async throws -> Response {
        let (p, m) = try await editable(req)
        var errors: [String] = []
        let before = ["state": p.state, "schoolYear": p.schoolYear]
        fill(p, try req.content.decode(Form.self), errors: &errors)
        let back = Site.developmentPlan.url(p.id!)
        guard errors.isEmpty else { return req.redirect(to: back, error: "Не сохранено.\n" + errors.joined(separator: "\n")) }
        try await req.audited { db in
            try await p.save(on: db)
            return try AuditNote(action: "update", entity: "development_plan", id: p.id, summary: "Изменён ИОМ педагога (\(p.schoolYear))",
                                 before: before, after: ["state": p.state, "schoolYear": p.schoolYear], municipalityID: m.municipalityID, regionID: m.regionID, schoolID: p.$school.id)
        }
        return req.redirect(to: back, ok: "Сохранено.")
    }

    static func confirmDelete(req: Request) async throws -> Response {
        let (p, m) = try await editable(req)
        return Layout.page(req, title: "Удаление ИОМ", body: ConfirmPage.view(req.pageContext(), title: "Удалить ИОМ \(m.name) на \(p.schoolYear)?",
            text: "Маршрут будет удалён; запись об удалении останется в журнале изменений.", action: Site.developmentPlanDelete.url(p.id!), cancel: Site.developmentPlan.url(p.id!)))
    }

    static func delete(req: Request) async throws -> Response {
        let (p, m) = try await editable(req)
        try await req.audited { db in
            try await p.delete(on: db)
            return try AuditNote(action: "delete", entity: "development_plan", id: p.id, summary: "Удалён ИОМ педагога (\(p.schoolYear))",
                                 municipalityID: m.municipalityID, regionID: m.regionID, schoolID: p.$school.id)
        }
        return req.redirect(to: Site.staffMember.url(m.id!), ok: "ИОМ удалён.")
    }

    static func form(_ ctx: PageContext, action: SiteURL, plan: DevelopmentPlan?, schoolYear: String) -> HTML {
        """
        <form method="post" action="\(action)">\(ctx.csrfField)
        <label for="d-year">Учебный год</label><input type="text" id="d-year" name="schoolYear" value="\(plan?.schoolYear ?? schoolYear)" required>
        <label for="d-diag">Результаты диагностики педагога</label><textarea id="d-diag" name="diagnostic" rows="3" required placeholder="самодиагностика, тест профессиональных дефицитов, посещённые уроки">\(plan?.diagnostic ?? "")</textarea>
        <p class="hint">Только собственная диагностика педагога: результаты ВПР для оценки учителя не используются.</p>
        <label for="d-goals">Цели</label><textarea id="d-goals" name="goals" rows="2" required>\(plan?.goals ?? "")</textarea>
        <label for="d-act">Мероприятия (по строке: что, в какой форме, срок)</label><textarea id="d-act" name="activities" rows="4" required>\(plan?.activities ?? "")</textarea>
        <label for="d-dir">Направление</label><select id="d-dir" name="direction">\(HTML.options(CourseDirection.allCases.map { ($0.rawValue, $0.title) }, selected: plan?.direction ?? CourseDirection.deficits.rawValue))</select>
        <label for="d-state">Состояние</label><select id="d-state" name="state">\(HTML.options([("active", "в работе"), ("done", "выполнен")], selected: plan?.state ?? "active"))</select>
        <label for="d-result">Итог</label><textarea id="d-result" name="result" rows="2">\(plan?.result ?? "")</textarea>
        <div class="actions"><button class="btn" type="submit">\(plan == nil ? "Записать" : "Сохранить")</button></div>
        </form>
        """
    }
}

struct DevelopmentPlanPage {
    var plan: DevelopmentPlan
    var member: StaffMember
    var canEdit: Bool

    func view(_ ctx: PageContext) -> HTML {
        let p = plan
        var html: HTML = """
        <h1>Индивидуальный образовательный маршрут педагога</h1>\(ctx.flash)
        <p>\(member.name), \(member.position); \(p.schoolYear) учебный год. Направление: \(p.courseDirection.title). Состояние: \(p.isDone ? "выполнен" : "в работе").</p>
        <h2>Результаты диагностики</h2><p>\(HTML.lines(p.diagnostic))</p>
        <h2>Цели</h2><p>\(HTML.lines(p.goals))</p>
        <h2>Мероприятия</h2><ul>\(HTML(p.activities.split(separator: "\n").map { "<li>\($0)</li>" as HTML }))</ul>
        """
        if !p.result.isEmpty { html += "<h2>Итог</h2><p>\(HTML.lines(p.result))</p>" as HTML }
        html += #"<p class="hint">Маршрут хранится в школе: его видят руководитель и сам педагог.</p>"#
        if canEdit {
            html += "<details class=\"card no-print\"><summary>Изменить</summary>\(DevelopmentPlans.form(ctx, action: Site.developmentPlanUpdate.url(p.id!), plan: p, schoolYear: p.schoolYear))</details>" as HTML
            html += #"<p class="no-print"><a class="btn danger-outline" href="\#(Site.developmentPlanDeleteConfirm.url(p.id!))">Удалить…</a></p>"#
        }
        return html
    }
}
