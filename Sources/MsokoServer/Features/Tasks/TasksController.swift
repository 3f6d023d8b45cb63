import Fluent
import MsokoCore
import Vapor

/// «Мои задачи»: what the signed-in user must report, overdue first.
enum TasksController {
    static func register(_ app: Application) {
        app.on(Site.tasks, use: tasks)
    }

    static func tasks(req: Request) async throws -> Response {
        let user = try req.requireUser()
        var html = "<h1>Мои задачи</h1>\(Flash.take(req))"
        var rows: [(Measure, Checkpoint, Party, CheckpointStatus)] = []
        var tracker: Tracker?
        if [.head, .specialist, .methodist].contains(user.role) {
            tracker = try await req.tracker()
        }
        if let tracker {
            for m in tracker.measures {
                for cp in tracker.checkpoints(of: m) {
                    for party in tracker.parties(for: m) {
                        let mine: Bool
                        switch party {
                        case .district: mine = user.canReportDistrict(for: m)
                        case .school(let id): mine = user.role == .head && user.$school.id == id
                        }
                        if mine {
                            let s = tracker.status(cp, party)
                            if s != .done { rows.append((m, cp, party, s)) }
                        }
                    }
                }
            }
        }
        if rows.isEmpty {
            let explanation: String
            switch user.role {
            case .observer: explanation = "Здесь появятся назначения наблюдателем на оценочные процедуры и формы актов наблюдения."
            case .commission: explanation = "Здесь появятся работы, назначенные вам для перепроверки в муниципальной комиссии."
            case .teacher: explanation = "Здесь появятся результаты ваших классов, дефициты и планы ликвидации пробелов."
            case .admin: explanation = "Администратор управляет <a href=\"/admin/users\">пользователями</a>, <a href=\"/admin/schools\">школами</a> и <a href=\"/settings\">настройками</a>."
            default: explanation = "Все контрольные точки, за которые вы отвечаете, выполнены."
            }
            html += "<section class=\"card\"><p>Открытых задач нет.</p><p class=\"muted\">\(explanation)</p></section>"
            return Layout.page(req, title: "Мои задачи", body: html)
        }
        let order: [CheckpointStatus: Int] = [.overdue: 0, .inProgress: 1, .notStarted: 2, .done: 3]
        rows.sort { (order[$0.3]!, $0.1.due, $0.0.position) < (order[$1.3]!, $1.1.due, $1.0.position) }
        html += "<p class=\"muted\">Открытых контрольных точек: \(rows.count), из них просрочено: \(rows.filter { $0.3 == .overdue }.count).</p>"
        // A head reports for their own school only, so the «for whom» column is shown to district roles.
        let showParty = user.role != .head
        html += "<div class=\"table-wrap\"><table><thead><tr><th>Срок</th><th>Мероприятие</th><th>Контрольная точка</th>\(showParty ? "<th>За кого</th>" : "")<th>Статус</th><th class=\"no-print\"></th></tr></thead><tbody>"
        for (m, cp, party, status) in rows {
            let who = showParty ? "<td>\(esc(tracker!.partyName(party)))</td>" : ""
            html += "<tr><td>\(esc(tracker!.due(cp).russian))</td><td><a href=\"/measures/\(m.id!)\">\(esc(m.number))</a> \(esc(String(m.title.prefix(100))))\(m.title.count > 100 ? "…" : "")</td><td>\(esc(cp.label))</td>\(who)<td>\(statusBadge(status))</td><td class=\"no-print\"><a class=\"btn secondary\" href=\"/checkpoints/\(cp.id!)/report?party=\(party.schoolID?.uuidString ?? "district")\">Отчитаться</a></td></tr>"
        }
        html += "</tbody></table></div>"
        return Layout.page(req, title: "Мои задачи", body: html)
    }
}
