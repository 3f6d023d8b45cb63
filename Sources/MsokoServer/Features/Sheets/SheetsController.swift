import Fluent
import MsokoCore
import Vapor

/// A class's individual result sheets (measure 2.2, issue 14 §1): one printed page per student,
/// codes only — a name never reaches msoko. `?format=docx` gives the batch as an editable Word
/// document. Scope as the class's gaps page (`GroupScope`): the district, the school's head, the
/// class's own teacher.
enum SheetsController {
    static func register(_ app: Application) {
        app.on(Site.sheets, use: batch)
    }

    static func batch(req: Request) async throws -> Response {
        let user = try req.user
        let p = try await Procedures.find(req)
        guard let login = req.parameters.get("login"), let raw = req.parameters.get("className") else { throw AppError.notFound }
        let className = WorkRecord.normalizeClass(raw)
        let s = try await GroupScope.school(user, procedure: p, login: login, className: className, on: req.db)
        let all = try await GapsQuery.works(p, school: s, className: nil, on: req.db)
        let works = all.works.filter { $0.className == className }
        guard !works.isEmpty else { throw AppError.notFound }
        let next = try await nextSteps(p, school: s, className: className, on: req.db)
        let sheets = works.map { ResultSheets.sheet($0, spec: all.spec, classWorks: works, schoolWorks: all.works, next: next[$0.code] ?? []) }
        let dates = try await ProcedureParticipant.query(on: req.db).filter(\.$procedure.$id == p.requireID()).filter(\.$school.$id == s.requireID()).all()
            .filter { $0.className.isEmpty || WorkRecord.normalizeClass($0.className) == className }.compactMap(\.date).sorted()
        let header = ResultSheets.Header(school: s.fullName, procedure: ProcedureStore.title(p), date: dates.first.map(LocalDate.russian) ?? "")
        if req.query[String.self, at: "format"] == "docx" {
            return try Download.docx(ResultSheets.docx(sheets, header: header), name: "Листы результатов \(className) \(s.shortName) \(ProcedureStore.title(p))")
        }
        let pid = try p.requireID()
        let body = SheetsPage(sheets: sheets, header: header, docx: Site.sheets.url(pid, login, className).query(["format": "docx"])).view(req.pageContext())
        var crumbs = Site.procedure.admits(user.role) ? Crumb.procedure(p) : [Crumb(Site.tasks.url, "Мои задачи")]
        crumbs.append(Crumb(Site.gapsClass.url(pid, login, className), "Пробелы: \(className)"))
        return Layout.page(req, title: "Листы результатов \(className)", body: body, crumbs: crumbs)
    }

    /// Per student code, what the school's plans for this class and procedure say it will do: the
    /// items that name the student and their individual route.
    static func nextSteps(_ p: Procedure, school s: School, className: String, on db: Database) async throws -> [String: [String]] {
        guard let plan = try await GapPlan.query(on: db).filter(\.$procedure.$id == p.requireID()).filter(\.$school.$id == s.requireID())
            .filter(\.$className == className).first() else { return [:] }
        var out: [String: [String]] = [:]
        for item in try await GapPlanItem.query(on: db).filter(\.$plan.$id == plan.requireID()).sort(\.$position).all() where item.itemStatus != .closed {
            let text = "\(item.form.prefix(1).uppercased() + item.form.dropFirst()): \(item.text)" + (item.ends.map { " (до \(LocalDate.russian($0)))" } ?? "")
            for code in item.studentCodes { out[code, default: []].append(text) }
        }
        for r in try await GapRoute.query(on: db).filter(\.$plan.$id == plan.requireID()).all() where r.itemStatus != .closed {
            out[r.studentCode, default: []].append("Индивидуальный образовательный маршрут: \(r.work)" + (r.ends.map { " (до \(LocalDate.russian($0)))" } ?? ""))
        }
        return out
    }
}

/// The batch on screen and in print: a sheet per student, each on its own printed page.
struct SheetsPage {
    var sheets: [ResultSheet]
    var header: ResultSheets.Header
    var docx: SiteURL

    func view(_ ctx: PageContext) -> HTML {
        var html: HTML = #"<div class="no-print"><h1>Листы результатов: \#(sheets.first?.className ?? "")</h1><p class="muted">\#(header.procedure). Листов: \#(sheets.count) — по одному на страницу при печати. Только коды участников: ФИО в msoko не хранятся.</p>"#
        html += #"<div class="actions"><button class="btn" type="button" onclick="window.print()">Печать</button> <a class="btn secondary" href="\#(docx)">Листы (DOCX)</a></div>\#(ctx.flash)</div>"#
        for s in sheets { html += sheet(s) }
        return html
    }

    func sheet(_ s: ResultSheet) -> HTML {
        let rows = s.tasks.map { t -> HTML in
            let cls: HTML = t.verdict == .notMastered ? #" class="gap-no""# : ""
            return #"<tr><td>\#(t.number)</td><td>\#(t.requirement.isEmpty ? "—" : t.requirement)</td><td class="num">\#(t.score.map(String.init) ?? "X")</td><td class="num">\#(t.max)</td><td\#(cls)>\#(t.verdict.title)</td></tr>"#
        }
        var html: HTML = #"""
        <section class="card sheet"><p class="muted sheet-school">\#(header.school)</p>
        <h2>Результаты участника \#(s.code)</h2>
        <p>\#(header.procedure); класс \#(s.className)\#(header.date.isEmpty ? "" : "; дата \(header.date)")\#(s.variant.map { "; вариант \($0)" } ?? "")</p>
        \#(HTML.table(head: #"<th>№</th><th>Что проверялось</th><th class="num">Балл</th><th class="num">Макс.</th><th>Освоено</th>"#, rows: rows))
        <p><b>Первичный балл: \#(s.primaryScore) из \#(s.maxScore)\#(s.mark.map { "; отметка «\($0)»" } ?? "")</b></p>
        <p class="hint">Класс: \#(ResultSheets.marks(s.classFigures)). Школа: \#(ResultSheets.marks(s.schoolFigures)).</p>
        """#
        if !s.recommendations.isEmpty { html += "<h3>Рекомендации</h3><ul>\(s.recommendations.map { "<li>\($0)</li>" as HTML })</ul>" }
        if !s.nextSteps.isEmpty { html += "<h3>Что сделает школа</h3><ul>\(s.nextSteps.map { "<li>\($0)</li>" as HTML })</ul>" }
        html += "</section>"
        return html
    }
}
