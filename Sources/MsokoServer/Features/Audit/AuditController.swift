import Fluent
import Vapor

/// The audit log for specialists and administrators (read only: nothing edits it).
enum AuditController {
    static func register(_ app: Application) {
        app.on(Site.audit, use: page)
    }

    static func entries(_ req: Request, limit: Int) async throws -> [AuditEntry] {
        let user = try req.require([.specialist, .admin])
        return try await AuditEntry.query(on: req.db).filter(\.$municipalityID == user.municipalityID)
            .sort(\.$at, .descending).limit(limit).all()
    }

    static let actionNames = [
        "create": "создание", "update": "изменение", "delete": "удаление", "load": "загрузка", "demo": "демо",
        "password": "смена пароля", "password-reset": "сброс пароля", "disable": "отключение", "enable": "включение", "revoke": "отзыв",
    ]

    /// Before/after JSON as lines: «поле: было → стало» for changed fields of an edit, «поле: значение» otherwise.
    static func changes(before: String?, after: String?) -> String {
        func object(_ text: String?) -> [String: Any]? {
            guard let data = text?.data(using: .utf8) else { return nil }
            return try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        }
        func show(_ v: Any?) -> String {
            switch v {
            case nil, is NSNull: return "—"
            case let s as String: return s.isEmpty ? "«»" : s
            case let a as [Any]: return a.map { show($0) }.joined(separator: "; ")
            default: return "\(v!)"
            }
        }
        let b = object(before), a = object(after)
        if let b, let a {
            return Set(b.keys).union(a.keys).sorted().compactMap { key in
                show(b[key]) == show(a[key]) ? nil : "\(key): \(show(b[key])) → \(show(a[key]))"
            }.joined(separator: "\n")
        }
        if let only = a ?? b {
            return (a == nil ? "было:\n" : "") + only.keys.sorted().map { "\($0): \(show(only[$0]))" }.joined(separator: "\n")
        }
        return [before, after].compactMap { $0 }.joined(separator: "\n")
    }

    static func page(req: Request) async throws -> Response {
        let limit = min(max(req.query[Int.self, at: "limit"] ?? 200, 1), 5000)
        let list = try await entries(req, limit: limit)
        let zone = try await req.tracker()?.municipality.zone ?? TimeZone(identifier: "Europe/Moscow")!
        var html = "<h1>Журнал изменений</h1><p class=\"muted\">Каждое изменение: кто, когда, что, значения до и после. Записи не редактируются и не удаляются. Показаны последние \(list.count).</p>"
        html += "<div class=\"table-wrap\"><table><thead><tr><th>Когда</th><th>Кто</th><th>Действие</th><th>Что</th><th class=\"hide-sm\">До / после</th></tr></thead><tbody>"
        for e in list {
            let diff = changes(before: e.before, after: e.after)
            html += "<tr><td>\(Format.dateTime(e.at, zone))</td><td>\(esc(e.userLogin ?? "система"))</td><td>\(esc(actionNames[e.action] ?? e.action))</td><td>\(esc(e.summary ?? e.entity))</td><td class=\"hide-sm\"><small>\(escLines(String(diff.prefix(800))))</small></td></tr>"
        }
        html += "</tbody></table></div>"
        return Layout.page(req, title: "Журнал изменений", body: html)
    }
}
