import Fluent
import MsokoCore
import Vapor

/// Knowledge gaps of a school and of a class in one procedure (measure 2.3, issue 13 §1): per
/// requirement, per student (codes only), systemic deficits, students for individual work, the same
/// requirements in the cohort's other procedures; each page's tables as XLSX. District roles see any
/// school of their district, a head their own, a teacher their own classes (`GroupScope`).
enum GapsController {
    static func register(_ app: Application) {
        app.on(Site.gapsSchool, use: school)
        app.on(Site.gapsClass, use: schoolClass)
    }

    static func wantsXLSX(_ req: Request) -> Bool { req.query[String.self, at: "format"] == "xlsx" }

    static func school(req: Request) async throws -> Response {
        try await page(req, className: nil)
    }

    static func schoolClass(req: Request) async throws -> Response {
        guard let name = req.parameters.get("className") else { throw AppError.notFound }
        return try await page(req, className: WorkRecord.normalizeClass(name))
    }

    static func page(_ req: Request, className: String?) async throws -> Response {
        let user = try req.user
        let p = try await Procedures.find(req)
        guard let login = req.parameters.get("login") else { throw AppError.notFound }
        let s = try await GroupScope.school(user, procedure: p, login: login, className: className, on: req.db)
        let l = try await GapsQuery.load(p, school: s, className: className, on: req.db)
        let classes = className == nil ? GapsQuery.classes(l) : []
        let followed = try await GapsQuery.followed(p, l, school: s, className: className, user: user, on: req.db)
        let pid = try p.requireID()
        let here = className.map { Site.gapsClass.url(pid, login, $0) } ?? Site.gapsSchool.url(pid, login)
        let title = "Пробелы в знаниях: \(s.shortName)" + (className.map { ", \($0)" } ?? "")
        if wantsXLSX(req) {
            var tables = [GapsTables.requirements(l.gaps)]
            if className == nil { tables.append(GapsTables.classes(classes)) }
            tables += [GapsTables.individual(l.gaps), GapsTables.students(l.gaps)]
            if !followed.isEmpty { tables.append(GapsTables.followed(followed)) }
            return try Download.xlsx(tables, name: "\(title) · \(ProcedureStore.title(p))")
        }
        var plan: HTML = ""
        if let name = className {
            let sid = try s.requireID()
            if let existing = try await GapPlan.query(on: req.db).filter(\.$procedure.$id == pid).filter(\.$school.$id == sid).filter(\.$className == name)
                .with(\.$school).with(\.$procedure).with(\.$items).with(\.$routes).first(),
               try await GapPlanStore.admitted(user, plan: existing, items: existing.items, routes: existing.routes, on: req.db) != nil {
                plan = #"<a class="btn" href="\#(Site.gapPlan.url(try existing.requireID()))">План ликвидации пробелов</a>"#
            } else if try await GapPlanStore.mayDraft(user, procedure: p, school: s, className: name, on: req.db) {
                plan = HTML.postButton(req.pageContext(), action: Site.gapPlanDraft.url(pid, login, name), label: "Составить план ликвидации пробелов", style: "")
            }
        }
        if let name = className { plan += #" <a class="btn secondary" href="\#(Site.sheets.url(pid, login, name))">Листы результатов</a> "# }
        let model = GapsPage(plan: plan,
            title: title, procedure: ProcedureStore.title(p), className: className, gaps: l.gaps,
            classes: classes, classLinks: classes.map { Site.gapsClass.url(pid, login, $0.name) },
            followed: followed, xlsx: here.query(["format": "xlsx"]),
            analysis: className.map { Site.analysisClass.url(pid, login, $0) } ?? Site.analysisSchool.url(pid, login),
            library: Site.recommendations.admits(user.role) ? (p.subject, p.grade) : nil)
        var crumbs = Site.procedure.admits(user.role) ? Crumb.procedure(p) : [Crumb(Site.tasks.url, "Мои задачи")]
        if className != nil && Site.gapsSchool.admits(user.role) { crumbs.append(Crumb(Site.gapsSchool.url(pid, login), "Пробелы: \(s.shortName)")) }
        return Layout.page(req, title: title, body: model.view(req.pageContext()), crumbs: crumbs, paper: .landscape)
    }
}
