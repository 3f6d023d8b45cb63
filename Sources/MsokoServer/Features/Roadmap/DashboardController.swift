import Fluent
import MsokoCore
import Vapor

/// The district dashboard: progress by section and measure, overdue items, what falls due
/// in the next 30 days.
enum DashboardController {
    static func register(_ app: Application) {
        app.on(Site.home, use: dashboard)
        app.on(Site.mySchool, use: mySchool)
    }

    static func mySchool(req: Request) async throws -> Response {
        let user = try req.require([.head, .teacher])
        guard let sid = user.$school.id else { throw AppError.notFound }
        return req.redirect(to: "/schools/\(sid)")
    }

    static func dashboard(req: Request) async throws -> Response {
        let user = try req.requireUser()
        if user.role == .head, let sid = user.$school.id { return req.redirect(to: "/schools/\(sid)") }
        guard user.role.readsRoadmap else { return req.redirect(to: "/tasks") }
        guard let tracker = try await req.tracker() else {
            return Layout.page(req, title: "Дорожная карта", body: emptyState(user))
        }
        let showSchools = user.role.seesDistrict || user.role == .methodist
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

        var html = """
        <h1>\(esc(tracker.roadmap.title.isEmpty ? "Дорожная карта" : "Дорожная карта \(tracker.roadmap.schoolYear)"))</h1>
        <p class="muted">\(esc(tracker.roadmap.title)) · \(esc(tracker.municipality.name)) · сегодня \(tracker.today.russian)</p>
        \(Flash.take(req))\(yearNote(tracker))\(try await yearLinks(req, current: tracker.roadmap.schoolYear))
        <div class="actions no-print">
        <a class="btn" href="/reports/roadmap.docx?year=\(esc(tracker.roadmap.schoolYear))">Отчёт о реализации (DOCX)</a>
        <a class="btn secondary" href="/reports/roadmap.docx?year=\(esc(tracker.roadmap.schoolYear))&amp;details=1">С приложением отчётов школ (DOCX)</a>
        <a class="btn secondary" href="/reports/roadmap.xlsx?year=\(esc(tracker.roadmap.schoolYear))&amp;details=1">Таблица исполнения (XLSX)</a>
        \(user.role == .specialist ? #"<a class="btn secondary" href="/measures/new">Добавить мероприятие</a><a class="btn secondary" href="/roadmap/load">Загрузить дорожную карту</a>"# : "")
        </div>
        <div class="grid" style="margin-top:16px">
        \(stat(cpStatuses.count, "контрольных точек"))
        \(stat(counts[.done] ?? 0, "выполнено", "ok"))
        \(stat(counts[.inProgress] ?? 0, "в работе"))
        \(stat(counts[.overdue] ?? 0, "просрочено", (counts[.overdue] ?? 0) > 0 ? "bad" : ""))
        </div>
        """
        html += "<h2>Ход выполнения по разделам</h2><div class=\"table-wrap\"><table><thead><tr><th>Раздел</th><th>Выполнение отчётов</th><th class=\"num\">Выполнено</th><th class=\"num\">Просрочено</th></tr></thead><tbody>"
        for section in tracker.sections {
            let s = items.filter { $0.measure.sectionNumber == section.number }.map(\.status)
            html += "<tr><td>\(esc(section.number)). \(esc(section.title))</td><td>\(progressBar(s))</td><td class=\"num\">\(s.filter { $0 == .done }.count) из \(s.count)</td><td class=\"num\">\(s.filter { $0 == .overdue }.count)</td></tr>"
        }
        html += "</tbody></table></div>"

        html += "<h2>Ближайшие 30 дней</h2>"
        html += soon.isEmpty ? "<p class=\"muted\">В ближайшие 30 дней сроков нет.</p>" : itemTable(soon.prefix(50).map { ($0.measure, $0.cp, $0.party, $0.status) }, tracker: tracker, showSchools: showSchools)
        html += "<h2>Просрочено</h2>"
        if overdue.isEmpty {
            html += "<p class=\"muted\">Просроченных контрольных точек нет.</p>"
        } else if showSchools {
            // Who is behind: one line per party, the full list folded below it.
            var byParty: [(Party, Int)] = []
            for item in overdue {
                if let i = byParty.firstIndex(where: { $0.0 == item.party }) { byParty[i].1 += 1 } else { byParty.append((item.party, 1)) }
            }
            html += "<div class=\"table-wrap\"><table><thead><tr><th>Кто отчитывается</th><th class=\"num\">Просрочено контрольных точек</th></tr></thead><tbody>"
            for (party, n) in byParty.sorted(by: { $0.1 > $1.1 }) {
                html += "<tr><td>\(partyLink(party, tracker: tracker))</td><td class=\"num\">\(n)</td></tr>"
            }
            html += "</tbody></table></div>"
            html += "<details class=\"no-print\"><summary>Весь список просроченного (\(overdue.count))</summary>"
            html += itemTable(overdue.map { ($0.measure, $0.cp, $0.party, $0.status) }, tracker: tracker, showSchools: true)
            html += "</details>"
        } else {
            html += "<p>Просрочено контрольных точек: \(overdue.count).</p>"
        }

        html += "<h2>Мероприятия</h2>"
        for section in tracker.sections {
            html += "<h3 class=\"section-title\">\(esc(section.number)). \(esc(section.title))</h3>"
            html += "<div class=\"table-wrap\"><table><thead><tr><th>№</th><th>Мероприятие</th><th class=\"hide-sm\">Срок</th><th class=\"hide-sm\">Ответственные</th><th>Контрольные точки</th><th>Отчёты</th></tr></thead><tbody>"
            for m in section.measures {
                let cps = tracker.checkpoints(of: m).map { cp in
                    "<li>\(statusBadge(tracker.status(cp, measure: m))) \(esc(cp.label))\(Self.dueSuffix(cp, tracker))</li>"
                }.joined()
                let s = items.filter { $0.measure.id == m.id }.map(\.status)
                html += """
                <tr><td class="measure-no">\(esc(m.number))</td><td><a href="/measures/\(m.id!)">\(esc(m.title))</a></td>
                <td class="hide-sm">\(esc(m.timing))</td><td class="hide-sm">\(esc(m.responsible))</td>
                <td><ul class="cp-list">\(cps)</ul></td><td>\(progressBar(s))<div class="hint">\(s.filter { $0 == .done }.count) из \(s.count) выполнено</div></td></tr>
                """
            }
            html += "</tbody></table></div>"
        }
        return Layout.page(req, title: "Дорожная карта", body: html)
    }

    /// Links to the district's other roadmaps, when it has more than one.
    static func yearLinks(_ req: Request, current: String) async throws -> String {
        let years = try await req.roadmapYears()
        guard years.count > 1 else { return "" }
        return "<nav class=\"no-print\" aria-label=\"Учебный год\"><p>Учебный год: " + years.map { y in
            y == current ? "<strong>\(esc(y))</strong>" : "<a href=\"/?year=\(esc(y))\">\(esc(y))</a>"
        }.joined(separator: " · ") + "</p></nav>"
    }

    /// Tells that the roadmap's school year is over, so every unfinished checkpoint shows as overdue.
    static func yearNote(_ tracker: Tracker) -> String {
        guard let start = try? RoadmapDocument.startYear(of: tracker.roadmap.schoolYear),
              tracker.today > LocalDate(year: start + 1, month: 8, day: 31) else { return "" }
        return "<div class=\"flash info\">Учебный год \(esc(tracker.roadmap.schoolYear)) завершён: все невыполненные контрольные точки показаны как просроченные. Дорожную карту нового года можно загрузить на странице «Загрузить дорожную карту».</div>"
    }

    static func emptyState(_ user: User) -> String {
        var text = "<h1>Дорожная карта</h1><section class=\"card\"><p>Дорожная карта на учебный год ещё не загружена.</p>"
        if user.role == .specialist || user.role == .admin {
            text += "<p><a class=\"btn\" href=\"/roadmap/load\">Загрузить дорожную карту</a></p><p class=\"hint\">Формат файла описан в docs/roadmap-format.md; подходит и таблица дорожной карты в markdown.</p>"
        }
        return text + "</section>"
    }

    /// « · до 31.01.2026» unless the label already names the date.
    static func dueSuffix(_ cp: Checkpoint, _ tracker: Tracker) -> String {
        let due = tracker.due(cp).russian
        return cp.label.contains(due) ? "" : " <span class=\"muted\">· до \(due)</span>"
    }

    static func stat(_ value: Int, _ label: String, _ style: String = "") -> String {
        "<div class=\"stat \(style)\"><div class=\"num\">\(value)</div><div class=\"lbl\">\(esc(label))</div></div>"
    }

    static func progressBar(_ statuses: [CheckpointStatus]) -> String {
        guard !statuses.isEmpty else { return "<span class=\"muted\">—</span>" }
        let total = Double(statuses.count)
        var parts = ""
        var title: [String] = []
        for s in [CheckpointStatus.done, .inProgress, .overdue] {
            let n = statuses.filter { $0 == s }.count
            if n > 0 {
                parts += "<span class=\"p-\(s.rawValue)\" style=\"width:\(String(format: "%.1f", Double(n) * 100 / total))%\"></span>"
                title.append("\(s.russian): \(n)")
            }
        }
        return "<div class=\"progress\" role=\"img\" aria-label=\"\(esc(title.joined(separator: ", ")))\" title=\"\(esc(title.joined(separator: ", ")))\">\(parts)</div>"
    }

    static func itemTable(_ items: [(Measure, Checkpoint, Party, CheckpointStatus)], tracker: Tracker, showSchools: Bool) -> String {
        var html = "<div class=\"table-wrap\"><table><thead><tr><th>Срок</th><th>Мероприятие</th><th>Контрольная точка</th>\(showSchools ? "<th>Кто отчитывается</th>" : "")<th>Статус</th></tr></thead><tbody>"
        for (m, cp, party, status) in items {
            let who = showSchools ? "<td>\(partyLink(party, tracker: tracker))</td>" : ""
            html += "<tr><td>\(esc(tracker.due(cp).russian))</td><td><a href=\"/measures/\(m.id!)\">\(esc(m.number))</a> \(esc(String(m.title.prefix(90))))\(m.title.count > 90 ? "…" : "")</td><td>\(esc(cp.label))</td>\(who)<td>\(statusBadge(status))</td></tr>"
        }
        return html + "</tbody></table></div>"
    }

    static func partyLink(_ party: Party, tracker: Tracker) -> String {
        switch party {
        case .district: return esc(tracker.partyName(party))
        case .school(let id): return "<a href=\"/schools/\(id)\">\(esc(tracker.partyName(party)))</a>"
        }
    }
}
