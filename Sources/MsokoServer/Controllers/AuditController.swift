import Fluent
import Vapor

/// The audit log for specialists and administrators (read only: nothing edits it).
enum AuditController {
    static func register(_ app: Application) {
        app.get("audit", use: page)
    }

    static func entries(_ req: Request, limit: Int) async throws -> [AuditEntry] {
        let user = try req.require([.specialist, .admin])
        return try await AuditEntry.query(on: req.db).filter(\.$municipalityID == user.municipalityID)
            .sort(\.$at, .descending).limit(limit).all()
    }

    static func page(req: Request) async throws -> Response {
        let limit = min(max(req.query[Int.self, at: "limit"] ?? 200, 1), 5000)
        let list = try await entries(req, limit: limit)
        let zone = try await req.tracker()?.municipality.zone ?? TimeZone(identifier: "Europe/Moscow")!
        var html = "<h1>Журнал изменений</h1><p class=\"muted\">Каждое изменение: кто, когда, что, значения до и после. Записи не редактируются и не удаляются. Показаны последние \(list.count).</p>"
        html += "<div class=\"table-wrap\"><table><thead><tr><th>Когда</th><th>Кто</th><th>Действие</th><th>Что</th><th class=\"hide-sm\">До / после</th></tr></thead><tbody>"
        for e in list {
            let diff = [e.before.map { "до: " + $0 }, e.after.map { "после: " + $0 }].compactMap { $0 }.joined(separator: "\n")
            html += "<tr><td>\(Format.dateTime(e.at, zone))</td><td>\(esc(e.userLogin ?? "система"))</td><td>\(esc(e.action))</td><td>\(esc(e.summary ?? e.entity))</td><td class=\"hide-sm\"><small>\(escLines(String(diff.prefix(600))))</small></td></tr>"
        }
        html += "</tbody></table></div>"
        return Layout.page(req, title: "Журнал изменений", body: html)
    }
}
