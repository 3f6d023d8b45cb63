import Fluent
import Vapor

/// The audit log for specialists and administrators (read only: nothing edits it).
enum AuditController {
    static func register(_ app: Application) {
        app.on(Site.audit, use: page)
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
        let zone = try await req.municipalityZone()
        let model = AuditLog(entries: try await Audit.entries(req, limit: limit).map { e in
            AuditLog.Row(at: Format.dateTime(e.at, zone), who: e.userLogin ?? "система", action: actionNames[e.action] ?? e.action,
                         what: e.summary ?? e.entity, changes: String(changes(before: e.before, after: e.after).prefix(800)))
        })
        return Layout.page(req, title: "Журнал изменений", body: model.view)
    }
}

/// The audit log page: the newest entries, each with what changed.
struct AuditLog {
    struct Row {
        var at: String
        var who: String
        var action: String
        var what: String
        var changes: String
    }

    var entries: [Row]

    var view: HTML {
        """
        <h1>Журнал изменений</h1><p class="muted">Каждое изменение: кто, когда, что, значения до и после. Записи не редактируются и не удаляются. Показаны последние \(entries.count).</p>
        \(HTML.table(head: #"<th>Когда</th><th>Кто</th><th>Действие</th><th>Что</th><th class="hide-sm">До / после</th>"#, rows: entries.map { e in
            #"<tr><td>\#(e.at)</td><td>\#(e.who)</td><td>\#(e.action)</td><td>\#(e.what)</td><td class="hide-sm"><small>\#(HTML.lines(e.changes))</small></td></tr>"#
        }))
        """
    }
}
