import Fluent
import MsokoCore
import Vapor

/// The district dashboard: progress by section and measure, overdue items, what falls due
/// in the next 30 days.
enum DashboardController {
    static func register(_ app: Application) {
        app.on(Site.home, use: KeptPages.keep(dashboard))
        app.on(Site.mySchool, use: mySchool)
    }

    static func mySchool(req: Request) async throws -> Response {
        guard let sid = try req.user.$school.id else { throw AppError.notFound }
        return req.redirect(to: Site.school.url(sid))
    }

    static func dashboard(req: Request) async throws -> Response {
        let user = try req.user
        if user.role == .head, let sid = user.$school.id { return req.redirect(to: Site.school.url(sid)) }
        guard user.role.readsRoadmap else { return req.redirect(to: Site.tasks.url) }
        guard let tracker = try await req.tracker() else {
            return Layout.page(req, title: "Дорожная карта", body: emptyState(user))
        }
        var model = DashboardPage(tracker: tracker, years: try await req.roadmapYears(), role: user.role)
        model.allOverdue = req.query[String.self, at: "overdue"] == "all"
        model.decisions = try await DecisionSummary.make(req)
        return Layout.page(req, title: "Дорожная карта", body: model.view(req.pageContext()))
    }

    /// Links to the district's other roadmaps, when it has more than one.
    static func yearLinks(_ years: [String], current: String) -> HTML {
        guard years.count > 1 else { return "" }
        let links = HTML(years.map { y in
            y == current ? "<strong>\(y)</strong>" : #"<a href="\#(Site.home.url.query(["year": y]))">\#(y)</a>"#
        }, separator: " · ")
        return #"<nav class="no-print" aria-label="Учебный год"><p>Учебный год: \#(links)</p></nav>"#
    }

    /// Tells that the roadmap's school year is over, so every unfinished checkpoint shows as overdue.
    static func yearNote(_ tracker: Tracker) -> HTML {
        guard let start = try? RoadmapDocument.startYear(of: tracker.roadmap.schoolYear),
              tracker.today > LocalDate(year: start + 1, month: 8, day: 31) else { return "" }
        return #"<div class="flash info">Учебный год \#(tracker.roadmap.schoolYear) завершён: все невыполненные контрольные точки показаны как просроченные. Дорожную карту нового года можно скопировать из этой или загрузить из файла.</div>"#
    }

    static func emptyState(_ user: User) -> HTML {
        let load: HTML = user.role == .specialist || user.role == .admin
            ? #"<p><a class="btn" href="\#(Site.roadmapLoad.url)">Загрузить дорожную карту</a></p><p class="hint">Формат файла описан в docs/roadmap-format.md; подходит и таблица дорожной карты в markdown.</p>"#
            : ""
        return "<h1>Дорожная карта</h1>\(HTML.emptyState("Дорожная карта на учебный год ещё не загружена.", more: load))"
    }

    /// « · до 31.01.2026» unless the label already names the date.
    static func dueSuffix(_ cp: Checkpoint, _ tracker: Tracker) -> HTML {
        let due = tracker.due(cp).russian
        return cp.label.contains(due) ? "" : #" <span class="muted">· до \#(due)</span>"#
    }

    static func itemTable(_ items: [(Measure, Checkpoint, Party, CheckpointStatus)], tracker: Tracker, showSchools: Bool) -> HTML {
        HTML.table(head: "<th>Срок</th><th>Мероприятие</th><th>Контрольная точка</th>\(showSchools ? "<th>Кто отчитывается</th>" as HTML : "")<th>Статус</th>", rows: items.map { m, cp, party, status in
            let who: HTML = showSchools ? "<td>\(partyLink(party, tracker: tracker))</td>" : ""
            let title = String(m.title.prefix(90)) + (m.title.count > 90 ? "…" : "")
            return #"<tr><td>\#(tracker.due(cp).russian)</td><td><a href="\#(Site.measure.url(m.id!))">\#(m.number)</a> \#(title)</td><td>\#(cp.label)</td>\#(who)<td>\#(HTML.badge(status))</td></tr>"#
        })
    }

    static func partyLink(_ party: Party, tracker: Tracker) -> HTML {
        switch party {
        case .district: return "\(tracker.partyName(party))"
        case .school(let id): return #"<a href="\#(Site.school.url(id))">\#(tracker.partyName(party))</a>"#
        }
    }
}

/// The district dashboard: the loaded roadmap tracker (statuses computed in memory), the school
/// years the district has roadmaps for, and the reader's role.
struct DashboardPage {
    /// Overdue items listed on the page at most.
    static let overdueListed = 200
    var tracker: Tracker
    /// The whole list of overdue items, not only the first `overdueListed` (`?overdue=all`).
    var allOverdue = false
    var years: [String]
    var role: Role
    /// The decisions of meetings the reader sees: how many are open, and the overdue ones.
    var decisions = DecisionSummary()

    /// The reports and the editing the reader's role may use (a teacher reads the roadmap only).
    func actions(_ year: String, _ ctx: PageContext) -> HTML {
        var links: [HTML] = []
        if Site.roadmapReportDocx.admits(role) {
            links.append(#"<a class="btn" href="\#(Site.roadmapReportDocx.url.query(["year": year]))">Отчёт о реализации (DOCX)</a>"#)
            links.append(#"<a class="btn secondary" href="\#(Site.roadmapReportDocx.url.query(["year": year, "details": "1"]))">С приложением отчётов школ (DOCX)</a>"#)
        }
        if Site.roadmapReportXlsx.admits(role) {
            links.append(#"<a class="btn secondary" href="\#(Site.roadmapReportXlsx.url.query(["year": year, "details": "1"]))">Таблица исполнения (XLSX)</a>"#)
        }
        if Site.measureNew.admits(role) { links.append(#"<a class="btn secondary" href="\#(Site.measureNew.url)">Добавить мероприятие</a>"#) }
        if Site.roadmapLoad.admits(role) { links.append(#"<a class="btn secondary" href="\#(Site.roadmapLoad.url)">Загрузить дорожную карту</a>"#) }
        // Carrying the roadmap into the next school year, when the district has none for it yet.
        // Offered from April of the year's second half (when next year's plan is drawn up) on.
        if Site.roadmapCopy.admits(role), let start = try? RoadmapDocument.startYear(of: year), !years.contains("\(start + 1)-\(start + 2)"),
           tracker.today >= LocalDate(year: start + 1, month: 4, day: 1) {
            links.append(#"<form method="post" action="\#(Site.roadmapCopy.url)" class="inline">\#(ctx.csrfField)<input type="hidden" name="year" value="\#(year)"><button class="btn secondary" type="submit">Скопировать дорожную карту на \#(start + 1)-\#(start + 2) учебный год</button></form>"#)
        }
        return links.isEmpty ? "" : #"<div class="actions no-print">\#(HTML(links, separator: " "))</div>"#
    }

    func view(_ ctx: PageContext) -> HTML {
        let showSchools = role.seesDistrict || role == .methodist
        var items: [(measure: Measure, cp: Checkpoint, party: Party, status: CheckpointStatus)] = []
        for m in tracker.measures {
            for cp in tracker.checkpoints(of: m) {
                for p in tracker.parties(for: m) { items.append((m, cp, p, tracker.status(cp, p))) }
            }
        }
        let cpStatuses = tracker.measures.flatMap { m in tracker.checkpoints(of: m).map { tracker.status($0, measure: m) } }
        let counts = Tracker.counts(cpStatuses)
        let soon = items.filter { item in
            let days = tracker.today.days(until: tracker.due(item.cp))
            return days >= 0 && days <= 30 && item.status != .done
        }
        let overdue = items.filter { $0.status == .overdue }
        let year = tracker.roadmap.schoolYear

        var html: HTML = """
        <h1>\(tracker.roadmap.title.isEmpty ? "Дорожная карта" : "Дорожная карта \(year)")</h1>
        <p class="muted">\(tracker.roadmap.title) · \(tracker.municipality.name) · сегодня \(tracker.today.russian)</p>
        \(ctx.flash)\(DashboardController.yearNote(tracker))\(DashboardController.yearLinks(years, current: year))
        \(actions(year, ctx))
        <div class="grid" style="margin-top:16px">
        \(HTML.stat(cpStatuses.count, "контрольных точек"))
        \(HTML.stat(counts[.done] ?? 0, "выполнено", "ok"))
        \(HTML.stat(counts[.inProgress] ?? 0, "в работе"))
        \(HTML.stat(counts[.overdue] ?? 0, "просрочено", (counts[.overdue] ?? 0) > 0 ? "bad" : ""))
        </div>
        <h2>Ход выполнения по разделам</h2>
        """
        html += HTML.table(head: #"<th>Раздел</th><th>Выполнение отчётов</th><th class="num">Выполнено</th><th class="num">Просрочено</th>"#, rows: tracker.sections.map { section in
            let s = items.filter { $0.measure.sectionNumber == section.number }.map(\.status)
            return #"<tr><td>\#(section.number). \#(section.title)</td><td>\#(HTML.progressBar(s))</td><td class="num">\#(s.filter { $0 == .done }.count) из \#(s.count)</td><td class="num">\#(s.filter { $0 == .overdue }.count)</td></tr>"#
        })
        html += "<h2>Ближайшие 30 дней</h2>"
        html += soon.isEmpty ? #"<p class="muted">В ближайшие 30 дней сроков нет.</p>"# : DashboardController.itemTable(soon.prefix(50).map { ($0.measure, $0.cp, $0.party, $0.status) }, tracker: tracker, showSchools: showSchools)
        html += "<h2>Просрочено</h2>"
        if overdue.isEmpty {
            html += #"<p class="muted">Просроченных контрольных точек нет.</p>"#
        } else if showSchools {
            // Who is behind: one line per party, the full list folded below it.
            var byParty: [(Party, Int)] = []
            for item in overdue {
                if let i = byParty.firstIndex(where: { $0.0 == item.party }) { byParty[i].1 += 1 } else { byParty.append((item.party, 1)) }
            }
            html += HTML.table(head: #"<th>Кто отчитывается</th><th class="num">Просрочено контрольных точек</th>"#, rows: byParty.sorted(by: { $0.1 > $1.1 }).map { party, n in
                #"<tr><td>\#(DashboardController.partyLink(party, tracker: tracker))</td><td class="num">\#(n)</td></tr>"#
            })
            // A region's hundreds of schools make thousands of overdue items: the page lists the
            // first ones and the whole list on request (`?overdue=all`, opened).
            let shown = allOverdue ? overdue[...] : overdue.prefix(Self.overdueListed)
            let rest: HTML = overdue.count > shown.count
                ? #"<p class="hint">Показаны первые \#(shown.count) из \#(overdue.count). <a href="\#(Site.home.url.query(["overdue": "all", "year": year]))#overdue">Показать все</a></p>"#
                : ""
            html += """
            <details class="no-print" id="overdue"\(allOverdue ? " open" : "")><summary>Весь список просроченного (\(overdue.count))</summary>
            \(DashboardController.itemTable(shown.map { ($0.measure, $0.cp, $0.party, $0.status) }, tracker: tracker, showSchools: true))\(rest)
            </details>
            """
        } else {
            html += "<p>Просрочено контрольных точек: \(overdue.count).</p>"
        }

        html += decisions.view

        html += "<h2>Мероприятия</h2>"
        for section in tracker.sections {
            html += #"<h3 class="section-title">\#(section.number). \#(section.title)</h3>"#
            html += HTML.table(head: #"<th>№</th><th>Мероприятие</th><th class="hide-sm">Срок</th><th class="hide-sm">Ответственные</th><th>Контрольные точки</th><th>Отчёты</th>"#, rows: section.measures.map { m in
                let cps = tracker.checkpoints(of: m).map { cp in
                    "<li>\(HTML.badge(tracker.status(cp, measure: m))) \(cp.label)\(DashboardController.dueSuffix(cp, tracker))</li>" as HTML
                }
                let s = items.filter { $0.measure.id == m.id }.map(\.status)
                return """
                <tr><td class="measure-no">\(m.number)</td><td><a href="\(Site.measure.url(m.id!))">\(m.title)</a></td>
                <td class="hide-sm">\(m.timing)</td><td class="hide-sm">\(m.responsible)</td>
                <td><ul class="cp-list">\(cps)</ul></td><td>\(HTML.progressBar(s))<div class="hint">\(s.filter { $0 == .done }.count) из \(s.count) выполнено</div></td></tr>
                """
            })
        }
        return html
    }
}
