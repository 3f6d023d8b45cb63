import Fluent
import MsokoCore
import Vapor

/// What the work on the gaps shows (issue 13 §4): per school the plans in place, items
/// re-diagnosed, the share of deficits eliminated, overdue items — a picture of the work, never a
/// ranking (schools in login order) and never a teacher's score; the class plan and the school's
/// summary as DOCX and XLSX, and attached to measure 2.3's report in one click.
enum GapOverviewController {
    static func register(_ app: Application) {
        app.on(Site.gapPlans, use: overview)
        app.on(Site.gapSchool, use: school)
        app.on(Site.gapSchoolDocx, use: schoolDocx)
        app.on(Site.gapSchoolXlsx, use: schoolXlsx)
        app.on(Site.gapSchoolAttach, use: attachSchool)
        app.on(Site.gapPlanDocx, use: planDocx)
        app.on(Site.gapPlanXlsx, use: planXlsx)
        app.on(Site.gapPlanAttach, use: attachPlan)
    }

    static func overview(req: Request) async throws -> Response {
        let user = try req.user
        if user.role == .head {
            // A head's overview is their school's page, here under the menu's address.
            guard let s = try await Schools.own(of: user, on: req.db) else { throw AppError.forbidden }
            return try await schoolPage(req, school: s)
        }
        let plans = try await GapPlanStore.visible(to: user, on: req.db)
        let summaries = try await PlanSummary.make(plans, today: try await req.today(), on: req.db)
        if user.role == .teacher {
            let list: HTML = summaries.isEmpty
                ? .emptyState("Планов, где вы ответственный или которые составлены для ваших классов, нет.", more: #"<p class="muted">План составляется со страницы «Пробелы» класса (раздел «Мои задачи» → «Пробелы»).</p>"#)
                : GapOverviewPages.plans(summaries, showSchool: false)
            let body: HTML = "<h1>Ликвидация пробелов: мои планы</h1>\(req.pageContext().flash)\(list)"
            return Layout.page(req, title: "Ликвидация пробелов", body: body)
        }
        let schools = try await Schools.all(of: user, activeOnly: true, on: req.db)
        return Layout.page(req, title: "Ликвидация пробелов", body: GapOverviewPages.district(schools: schools, summaries: summaries, ctx: req.pageContext()), paper: .landscape)
    }

    static func schoolData(_ req: Request) async throws -> (School, [PlanSummary]) {
        try await summaries(req, school: try await Schools.find(req))
    }

    static func summaries(_ req: Request, school s: School) async throws -> (School, [PlanSummary]) {
        let user = try req.user
        if user.role == .teacher { throw AppError.forbidden }
        let plans = try await GapPlanStore.visible(to: user, schoolID: s.requireID(), on: req.db)
        return (s, try await PlanSummary.make(plans, today: try await req.today(), on: req.db))
    }

    static func school(req: Request) async throws -> Response {
        try await schoolPage(req, school: try await Schools.find(req))
    }

    static func schoolPage(_ req: Request, school: School) async throws -> Response {
        let (s, summaries) = try await summaries(req, school: school)
        let user = try req.user
        // The procedures with the school's results: where its plans are drafted from (the classes' gaps pages).
        let withResults = Set(try await WorkRow.query(on: req.db).filter(\.$school.$id == s.requireID()).field(\.$procedure.$id).unique().all().map(\.$procedure.id))
        let procedures = try await Procedures.visible(to: user, on: req.db).filter { $0.id.map(withResults.contains) == true }
        let body = GapOverviewPages.school(s, summaries: summaries, procedures: procedures, isHead: user.role == .head, ctx: req.pageContext())
        var crumbs: [Crumb] = []
        if user.role != .head { crumbs.append(Crumb(Site.gapPlans.url, "Ликвидация пробелов")) }
        return Layout.page(req, title: "Ликвидация пробелов: \(s.shortName)", body: body, crumbs: crumbs, paper: .landscape)
    }

    static func schoolXlsx(req: Request) async throws -> Response {
        let (s, summaries) = try await schoolData(req)
        return try Download.xlsx([GapDocuments.summaryTable(summaries)], name: "Ликвидация пробелов \(s.shortName)")
    }

    static func schoolDocx(req: Request) async throws -> Response {
        let (s, summaries) = try await schoolData(req)
        return try Download.docx(try await GapDocuments.summary(req, school: s, summaries: summaries), name: "Ликвидация пробелов \(s.shortName)")
    }

    static func planData(_ req: Request) async throws -> (LoadedPlan, PlanProgress) {
        let l = try await GapPlanStore.load(req)
        return (l, try await PlanProgress.make(l, on: req.db))
    }

    static func planDocx(req: Request) async throws -> Response {
        let (l, p) = try await planData(req)
        return try Download.docx(try await GapDocuments.plan(req, l, progress: p), name: GapDocuments.planName(l))
    }

    static func planXlsx(req: Request) async throws -> Response {
        let (l, p) = try await planData(req)
        return try Download.xlsx(GapDocuments.planTables(l, progress: p), name: GapDocuments.planName(l))
    }

    static func attachPlan(req: Request) async throws -> Response {
        let (l, p) = try await planData(req)
        guard l.rights.canEdit else { throw AppError.forbidden }
        let doc = try await GapDocuments.plan(req, l, progress: p)
        return try await attach(req, school: l.school, schoolYear: l.procedure.schoolYear, doc: doc, name: GapDocuments.planName(l) + ".docx",
                                what: "План \(l.plan.className)", back: Site.gapPlan.url(l.id))
    }

    static func attachSchool(req: Request) async throws -> Response {
        let (s, summaries) = try await schoolData(req)
        guard try req.user.role == .head else { throw AppError.forbidden }
        let years = Set(summaries.map(\.plan.procedure.schoolYear))
        let back = Site.gapSchool.url(try s.requireID())
        guard let year = years.sorted().last else { return req.redirect(to: back, error: "Планов нет — прикладывать нечего.") }
        return try await attach(req, school: s, schoolYear: year, doc: try await GapDocuments.summary(req, school: s, summaries: summaries),
                                name: "Ликвидация пробелов \(s.shortName).docx", what: "Сводка школы", back: back)
    }

    /// Adds the document to the school's report of measure 2.3 at its next checkpoint (the last
    /// one, when all have passed), as the analysis does for 2.1.
    static func attach(_ req: Request, school s: School, schoolYear: String, doc: DocxDocument, name: String, what: String, back: SiteURL) async throws -> Response {
        let user = try req.user
        guard user.canReport(forSchool: s) else { throw AppError.forbidden }
        // The work is reported in the school year it is done in (now), else in the procedure's.
        let (measure, checkpoint): (Measure, Checkpoint)
        switch try await CheckpointReport.schoolCheckpoint(req, number: "2.3", title: "Ликвидация пробелов", schoolYear: schoolYear) {
        case .failure(let problem): return req.redirect(to: back, error: problem.description)
        case .success(let found): (measure, checkpoint) = found
        }
        try await CheckpointReport.attach(req, checkpoint: checkpoint, of: measure, schoolID: s.id, name: name, data: try doc.data(),
                                          summary: "\(what) приложен(а) к мероприятию 2.3 (\(checkpoint.label))")
        return req.redirect(to: back, ok: "«\(name)» приложен к отчёту по мероприятию 2.3, контрольная точка «\(checkpoint.label)».")
    }
}

/// One plan's figures for the overviews: computed from its items, routes and re-diagnoses without
/// reading the works (a re-diagnosed item: one of its students took a re-diagnosis of its requirement).
struct PlanSummary: Sendable {
    var plan: GapPlan
    var items: [GapPlanItem]
    var routes: [GapRoute]
    var rediagnosed: Int
    var today: LocalDate

    var count: Int { items.count }
    var inWork: Int { items.filter { $0.itemStatus == .inWork }.count }
    var closed: Int { items.filter { $0.itemStatus == .closed }.count }
    func outcome(_ o: GapOutcome) -> Int { items.filter { $0.itemOutcome == o }.count }
    var overdue: Int { items.filter { $0.isOverdue(today: today) }.count + routes.filter { $0.isOverdue(today: today) }.count }

    /// Three queries whatever the number of plans.
    static func make(_ plans: [GapPlan], today: LocalDate, on db: Database) async throws -> [PlanSummary] {
        let ids = plans.compactMap(\.id)
        guard !ids.isEmpty else { return [] }
        let items = try await GapPlanItem.query(on: db).filter(\.$plan.$id ~~ ids).sort(\.$position).all()
        let routes = try await GapRoute.query(on: db).filter(\.$plan.$id ~~ ids).all()
        let rediagnoses = try await GapRediagnosis.query(on: db).filter(\.$plan.$id ~~ ids).all()
        // Per plan and requirement code, the students a re-diagnosis checked on it (a student with
        // any score took it; a task left empty counts 0) — the rule `PlanProgress.rediagnosed` applies.
        var checked: [UUID: [String: Set<String>]] = [:]
        for r in rediagnoses {
            let took = Set(try r.decodedRows().filter { $0.scores.contains { $0 != nil } }.map(\.code))
            for task in try r.decodedTasks() { checked[r.$plan.id, default: [:]][task.code, default: []].formUnion(took) }
        }
        return plans.map { p in
            let its = items.filter { $0.$plan.id == p.id }
            let rediagnosed = its.filter { item in
                let students = checked[p.id!]?[item.code] ?? []
                return item.studentCodes.isEmpty ? !students.isEmpty : !students.isDisjoint(with: item.studentCodes)
            }.count
            return PlanSummary(plan: p, items: its, routes: routes.filter { $0.$plan.id == p.id }, rediagnosed: rediagnosed, today: today)
        }
    }
}

extension Array where Element == PlanSummary {
    var items: Int { reduce(0) { $0 + $1.count } }
    var rediagnosed: Int { reduce(0) { $0 + $1.rediagnosed } }
    var closed: Int { reduce(0) { $0 + $1.closed } }
    var eliminated: Int { reduce(0) { $0 + $1.outcome(.eliminated) } }
    var overdue: Int { reduce(0) { $0 + $1.overdue } }
    var routes: Int { reduce(0) { $0 + $1.routes.count } }
    /// Deficits eliminated over all items; nil without items.
    var eliminatedShare: Double? { items > 0 ? Double(eliminated) / Double(items) : nil }
}
