import Fluent
import MsokoCore
import Vapor

/// «Анализ эффективности принятых мер» (issue 15 §4): the district's decisions counted by verdict,
/// each with its finding, the measurement then and the next one; a school's page from finding to
/// effect; the DOCX for the roadmap's execution report.
enum LoopController {
    static func register(_ app: Application) {
        app.on(Site.loop, use: district)
        app.on(Site.loopReport, use: report)
        app.on(Site.loopSchool, use: school)
    }

    /// Every decision of the district with its meeting, measured (the pages cut it to what the reader may see).
    static func districtRows(_ req: Request) async throws -> [LoopRow] {
        let user = try req.user
        let mid = try user.requireMunicipalityID()
        let decisions = try await Decision.query(on: req.db).filter(\.$municipalityID == mid).with(\.$school).sort(\.$createdAt).all()
        let mids = Array(Set(decisions.compactMap { $0.$meeting.id }))
        let meetings = mids.isEmpty ? [:] : Dictionary(uniqueKeysWithValues: try await Meeting.query(on: req.db).filter(\.$id ~~ mids).all().map { ($0.id!, $0) })
        return try await LoopQuery.rows(decisions.map { ($0, $0.$meeting.id.flatMap { meetings[$0] }) }, user: user, today: try await req.today(), on: req.db)
    }

    static func district(req: Request) async throws -> Response {
        let rows = try await districtRows(req)
        return Layout.page(req, title: "Анализ эффективности принятых мер", body: LoopDistrictPage(rows: rows).view, crumbs: [Crumb(Site.meetings.url, "Совещания и решения")], paper: .landscape)
    }

    static func report(req: Request) async throws -> Response {
        let rows = try await districtRows(req)
        let user = try req.user
        guard let m = try await Municipality.find(try user.requireMunicipalityID(), on: req.db) else { throw AppError.notFound }
        let today = try await req.today()
        var doc = DocxDocument(title: "Анализ эффективности принятых мер", orientation: .landscape)
        doc.paragraph(m.departmentName, alignment: .center, bold: true)
        doc.paragraph("Анализ эффективности принятых мер по результатам оценочных процедур", alignment: .center, bold: true)
        doc.paragraph("По состоянию на \(today.russian). Решения совещаний руководителей, собеседований и других заседаний, принятые по находкам (признаки необъективности, результаты, пробелы, акты наблюдения, перепроверка), и следующее сопоставимое измерение того же показателя.")
        let counts = LoopDistrictPage.counts(rows)
        doc.paragraph(LoopVerdict.allCases.map { "\($0.title) — \(counts[$0] ?? 0)" }.joined(separator: "; ") + ".")
        if rows.isEmpty {
            doc.paragraph("Решений, связанных с находками, нет.")
        } else {
            doc.add(DocxDocument.Table(widths: [28, 14, 20, 16, 16, 10], header: ["Решение, ответственный, состояние", "Школа", "Находка", "Было", "Стало", "Вывод"], rows: rows.map { r in
                [DocxDocument.Cell("\(r.decision.text) (\(r.owner); \(r.status.title))"), DocxDocument.Cell(r.school?.shortName ?? "район"), DocxDocument.Cell(r.finding),
                 DocxDocument.Cell(LoopQuery.describe(r.before)), DocxDocument.Cell(LoopQuery.describe(r.after)), DocxDocument.Cell(r.verdict.title, bold: true)]
            }))
        }
        doc.paragraph("Вывод «улучшение» — признак больше не выявляется (риск школы ниже порога) или выполнение требований выросло на 5 п. п. и более; «ухудшение» — обратное; «без изменений» — иначе; «ещё не измерено» — сопоставимого измерения пока нет.")
        return try Download.docx(doc, name: "Анализ эффективности принятых мер \(today.russian)")
    }

    static func school(req: Request) async throws -> Response {
        let user = try req.user
        let s = try await Schools.find(req)
        let sid = try s.requireID()
        let rows = try await districtRows(req).filter { $0.school?.id == sid }
        var crumbs: [Crumb] = [Crumb(Site.meetings.url, "Совещания и решения")]
        if Site.loop.admits(user.role) { crumbs.append(Crumb(Site.loop.url, "Анализ эффективности")) }
        return Layout.page(req, title: "От находки к результату: \(s.shortName)", body: LoopSchoolPage(school: s, rows: rows, role: user.role).view, crumbs: crumbs, paper: .landscape)
    }
}

struct LoopDistrictPage {
    var rows: [LoopRow]

    static func counts(_ rows: [LoopRow]) -> [LoopVerdict: Int] { Dictionary(grouping: rows, by: \.verdict).mapValues(\.count) }

    static func verdictBadge(_ v: LoopVerdict) -> HTML {
        let cls = v == .improved ? "st-done" : v == .worsened ? "st-overdue" : v == .unchanged ? "st-inProgress" : "st-notStarted"
        return #"<span class="badge \#(cls)">\#(v.title)</span>"#
    }

    var view: HTML {
        let c = Self.counts(rows)
        var html: HTML = #"<h1>Анализ эффективности принятых мер</h1><p class="muted">Решения, принятые по находкам (признаки необъективности, результаты, пробелы, акты наблюдения, перепроверка), и следующее сопоставимое измерение того же показателя: та же процедура, предмет и класс через год или более поздняя процедура по тем же требованиям.</p>"#
        html += #"<div class="actions no-print"><a class="btn secondary" href="\#(Site.loopReport.url)">Анализ (DOCX)</a> <a class="btn secondary" href="\#(Site.decisions.url)">Реестр решений</a></div>"#
        html += #"<div class="grid" style="margin:16px 0">\#(HTML.stat(c[.improved] ?? 0, "улучшение", "ok"))\#(HTML.stat(c[.unchanged] ?? 0, "без изменений"))\#(HTML.stat(c[.worsened] ?? 0, "ухудшение", (c[.worsened] ?? 0) > 0 ? "bad" : ""))\#(HTML.stat(c[.notMeasured] ?? 0, "ещё не измерено"))</div>"#
        guard !rows.isEmpty else {
            html += HTML.emptyState("Решений, связанных с находками, пока нет.", more: #"<p class="muted">Решение попадает сюда, когда вопрос повестки, по которому оно принято, связан с карточкой объективности, анализом, планом ликвидации пробелов, актом наблюдения или перепроверкой.</p>"#)
            return html
        }
        html += HTML.table(head: "<th>Решение</th><th>Школа</th><th>Находка</th><th>Было</th><th>Стало</th><th>Вывод</th>", rows: rows.map { r in
            let school: HTML = r.school.map { s in #"<a href="\#(Site.loopSchool.url(s.id!))">\#(s.shortName)</a>"# } ?? "район"
            return #"<tr><td><a href="\#(Site.decision.url(r.decision.id!))">\#(r.decision.text)</a><br><small class="muted">\#(r.owner) · \#(r.status.title)</small></td><td>\#(school)</td><td>\#(r.finding)</td><td>\#(LoopQuery.describe(r.before))</td><td>\#(LoopQuery.describe(r.after))</td><td>\#(Self.verdictBadge(r.verdict))</td></tr>"#
        })
        html += #"<p class="hint">«Улучшение» — признак больше не выявляется (риск школы ниже порога) или выполнение требований выросло на 5 п. п. и более; «ухудшение» — обратное; «без изменений» — иначе; «ещё не измерено» — сопоставимого измерения пока нет. Школы не сравниваются между собой.</p>"#
        return html
    }
}

/// One school's page from finding to effect: per decision, the chain finding → agenda item →
/// decision → the owner's report → the next measurement, with before and after side by side.
struct LoopSchoolPage {
    var school: School
    var rows: [LoopRow]
    var role: Role

    var view: HTML {
        var html: HTML = #"<h1>От находки к результату: \#(school.shortName)</h1>"#
        guard !rows.isEmpty else {
            html += HTML.emptyState("Решений по находкам этой школы пока нет.")
            return html
        }
        for r in rows {
            let d = r.decision
            var steps: [HTML] = []
            steps.append(#"<li><b>Находка.</b> \#(r.finding)</li>"#)
            if let m = r.meeting {
                let item: HTML = r.item.map { #": вопрос «\#($0.title)»"# } ?? ""
                steps.append(#"<li><b>Обсуждение.</b> <a href="\#(Site.meeting.url(m.id!))">\#(m.kindTitle) \#(m.localDate.russian)</a>\#(item)</li>"#)
            }
            steps.append(#"<li><b>Решение.</b> <a href="\#(Site.decision.url(d.id!))">\#(d.text)</a> — \#(r.owner), срок \#(d.deadlineDate?.russian ?? "не указан"); \#(HTML.badge(r.status))</li>"#)
            steps.append(#"<li><b>Отчёт исполнителя.</b> \#(d.report.isEmpty ? "нет" : d.report)</li>"#)
            steps.append(#"<li><b>Следующее измерение.</b> \#(r.after?.label ?? "сопоставимого измерения пока нет")</li>"#)
            html += #"<section class="card"><ol class="loop">\#(HTML(steps))</ol>"#
            html += HTML.table(head: "<th>Было</th><th>Стало</th><th>Вывод</th>", rows: [#"<tr><td>\#(LoopQuery.describe(r.before))</td><td>\#(LoopQuery.describe(r.after))</td><td>\#(LoopDistrictPage.verdictBadge(r.verdict))</td></tr>"#])
            html += "</section>"
        }
        return html
    }
}
