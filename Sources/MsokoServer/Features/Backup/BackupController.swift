import Fluent
import Foundation
import Vapor

/// The administrator's backups (issue 20 §1): the last copy and its check, the copies kept in the
/// folder, «Сделать копию сейчас», and the settings of the daily copy (folder, how many to keep).
/// The settings are the installation's (not a district's): one database, one copy.
enum BackupController {
    static func register(_ app: Application) {
        app.on(Site.backups, use: page)
        app.on(Site.backupNow, use: now)
        app.on(Site.backupSettings, use: saveSettings)
    }

    static let folderKey = "backup.folder", keepKey = "backup.keep", dailyKey = "backup.daily", lastKey = "backup.last"

    struct Last: Codable {
        var file: String
        var at: Date
        var size: Int
        var sound: Bool
        var summary: String
        var by: String
    }

    struct Config {
        var folder: String
        var keep: Int
        var daily: Bool
    }

    static func config(_ app: Application, on db: Database) async throws -> Config {
        let folder = try await Settings.get(folderKey, municipalityID: nil, on: db).flatMap { $0.isEmpty ? nil : $0 }
            ?? URL(fileURLWithPath: app.msokoConfig.dataDirectory).appendingPathComponent("backups").path
        let keep = try await Settings.get(keepKey, municipalityID: nil, on: db).flatMap(Int.init) ?? 7
        let daily = try await Settings.get(dailyKey, municipalityID: nil, on: db) == "1"
        return Config(folder: folder, keep: keep, daily: daily)
    }

    static func last(on db: Database) async throws -> Last? {
        guard let text = try await Settings.get(lastKey, municipalityID: nil, on: db) else { return nil }
        return try? JSONDecoder().decode(Last.self, from: Data(text.utf8))
    }

    /// The copies in the folder, newest first: the files this page names «msoko-…».
    static func copies(in folder: String) -> [(name: String, size: Int, at: Date)] {
        let fm = FileManager.default
        let names = (try? fm.contentsOfDirectory(atPath: folder)) ?? []
        return names.filter { $0.hasPrefix("msoko-") && ($0.hasSuffix(".sqlite") || $0.hasSuffix(".dump")) }.compactMap { n in
            guard let a = try? fm.attributesOfItem(atPath: folder + "/" + n) else { return nil }
            return (n, (a[.size] as? Int) ?? 0, (a[.modificationDate] as? Date) ?? .distantPast)
        }.sorted { $0.name > $1.name }
    }

    /// A copy into the folder with a dated name, checked; the oldest beyond `keep` removed; recorded
    /// and audited. Used by the button and by the daily copy.
    static func make(_ app: Application, by actor: String, municipalityID: UUID? = nil) async throws -> Last {
        let db = app.db
        let c = try await config(app, on: db)
        let stamp = ISO8601DateFormatter.string(from: app.now, timeZone: TimeZone(identifier: "UTC")!, formatOptions: [.withFullDate, .withTime, .withTimeZone])
        let ext = { if case .postgres = app.msokoConfig.database { return "dump" } else { return "sqlite" } }()
        let file = c.folder + "/msoko-\(stamp.replacingOccurrences(of: ":", with: "")).\(ext)"
        let v = try await MsokoRuntime(app: app).backup(to: file)
        for old in copies(in: c.folder).dropFirst(max(1, c.keep)) { try? FileManager.default.removeItem(atPath: c.folder + "/" + old.name) }
        let size = ((try? FileManager.default.attributesOfItem(atPath: file))?[.size] as? Int) ?? 0
        let last = Last(file: file, at: app.now, size: size, sound: v.sound, summary: v.summary, by: actor)
        let json = String(decoding: try JSONEncoder().encode(last), as: UTF8.self)
        try await Settings.set(lastKey, json, municipalityID: nil, on: db)
        try await Audit.write(try AuditNote(action: "create", entity: "backup", id: nil, summary: "Резервная копия \((file as NSString).lastPathComponent): \(v.sound ? "исправна" : "неисправна")",
                                            after: ["file": file, "size": String(size)], municipalityID: municipalityID, regionID: nil), actor: actor, on: db)
        return last
    }

    static func page(req: Request) async throws -> Response {
        let c = try await config(req.application, on: req.db)
        let body = BackupPage(config: c, last: try await last(on: req.db), copies: copies(in: c.folder), zone: try await req.municipalityZone()).view(req.pageContext())
        return Layout.page(req, title: "Резервные копии", body: body)
    }

    static func now(req: Request) async throws -> Response {
        do {
            let last = try await make(req.application, by: try req.user.login, municipalityID: try req.user.municipalityID)
            guard last.sound else { return req.redirect(to: Site.backups.url, error: "Копия записана, но не прошла проверку:\n\(last.summary)") }
            return req.redirect(to: Site.backups.url, ok: "Копия записана и проверена: \((last.file as NSString).lastPathComponent), \(Format.size(last.size)).")
        } catch let e as ConfigError {
            return req.redirect(to: Site.backups.url, error: "Копия не сделана: \(e.description)")
        }
    }

    static func saveSettings(req: Request) async throws -> Response {
        let folder = ((try? req.content.get(String.self, at: "folder")) ?? "").trimmingCharacters(in: .whitespaces)
        let keepText = ((try? req.content.get(String.self, at: "keep")) ?? "").trimmingCharacters(in: .whitespaces)
        let daily = (try? req.content.get(String.self, at: "daily")) != nil
        var errors: [String] = []
        if !folder.isEmpty && !folder.hasPrefix("/") { errors.append("Поле «Папка»: укажите полный путь, начиная с «/».") }
        let keep = Int(keepText)
        if keep == nil || !(1...365).contains(keep!) { errors.append("Поле «Хранить копий»: целое число от 1 до 365.") }
        if errors.isEmpty, !folder.isEmpty {
            do { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) } catch {
                errors.append("Поле «Папка»: «\(folder)» не создаётся (нет прав или путь занят файлом).")
            }
        }
        guard errors.isEmpty, let keep else { return req.redirect(to: Site.backups.url, error: "Не сохранено.\n" + errors.joined(separator: "\n")) }
        let before = try await config(req.application, on: req.db)
        try await req.audited { db in
            try await Settings.set(folderKey, folder, municipalityID: nil, on: db)
            try await Settings.set(keepKey, String(keep), municipalityID: nil, on: db)
            try await Settings.set(dailyKey, daily ? "1" : "0", municipalityID: nil, on: db)
            return try AuditNote(action: "update", entity: "settings", id: nil, summary: "Резервные копии: \(daily ? "ежедневно" : "вручную"), хранить \(keep)",
                                 before: ["text": before.folder, "number": String(before.keep), "status": before.daily ? "ежедневно" : "вручную"],
                                 after: ["text": folder, "number": String(keep), "status": daily ? "ежедневно" : "вручную"], municipalityID: try req.user.municipalityID, regionID: nil)
        }
        return req.redirect(to: Site.backups.url, ok: "Сохранено.")
    }

    /// The daily copy while `msoko serve` runs: every hour, a copy when the setting is on and the
    /// last one is 24 hours old or more (with two app nodes, each may make one; docs/backups.md).
    static func startDaily(_ app: Application) {
        Task.detached {
            while !Task.isCancelled {
                do {
                    let c = try await config(app, on: app.db)
                    let previous = try await last(on: app.db)
                    if c.daily, previous.map({ app.now.timeIntervalSince($0.at) >= 24 * 3600 - 60 }) ?? true {
                        _ = try await make(app, by: "система (ежедневная копия)")
                    }
                } catch {
                    app.logger.error("Ежедневная резервная копия не сделана: \(error)")
                }
                try? await Task.sleep(nanoseconds: 3600 * 1_000_000_000)
            }
        }
    }
}

struct BackupPage {
    var config: BackupController.Config
    var last: BackupController.Last?
    var copies: [(name: String, size: Int, at: Date)]
    var zone: TimeZone

    func when(_ d: Date) -> String { Format.dateTime(d, zone) }

    func view(_ ctx: PageContext) -> HTML {
        var html: HTML = #"<h1>Резервные копии</h1><p class="muted">Копия базы со всеми хранимыми файлами (SQLite — VACUUM INTO, PostgreSQL — pg_dump), проверенная после записи: целостность, строки таблиц, SHA-256 каждого файла. Восстановление — командой <code>msoko restore ФАЙЛ</code> в пустую папку данных или пустую базу.</p>\#(ctx.flash)"#
        if let last {
            html += #"""
            <section class="card"><h2>Последняя копия</h2>
            <p><b>\#(when(last.at))</b> — \#((last.file as NSString).lastPathComponent), \#(Format.size(last.size)); \#(last.sound ? #"<span class="badge st-done">исправна</span>"# as HTML : #"<span class="badge st-overdue">неисправна</span>"#) · \#(last.by)</p>
            <p class="hint">\#(HTML.lines(last.summary))</p></section>
            """#
        } else {
            html += HTML.emptyState("Копий ещё не было.")
        }
        html += #"<div class="actions">\#(HTML.postButton(ctx, action: Site.backupNow.url, label: "Сделать копию сейчас", style: ""))</div>"#
        html += #"""
        <section class="card"><h2>Ежедневная копия</h2>
        <form method="post" action="\#(Site.backupSettings.url)">\#(ctx.csrfField)
        <p class="choice"><label><input type="checkbox" name="daily" value="1"\#(config.daily ? " checked" : "")> делать копию раз в сутки, пока работает сервер</label></p>
        <label>Папка (полный путь; пусто — папка данных/backups) <input type="text" name="folder" value="\#(config.folder)" maxlength="500"></label>
        <label>Хранить копий (старые удаляются) <input type="number" name="keep" value="\#(config.keep)" min="1" max="365"></label>
        <div class="actions"><button class="btn" type="submit">Сохранить</button></div></form></section>
        """#
        html += "<h2>Копии в папке</h2>"
        html += copies.isEmpty ? HTML.emptyState("В папке \(config.folder) копий нет.") : HTML.table(head: "<th>Файл</th><th>Размер</th><th>Записан</th>", rows: copies.map { c in
            "<tr><td>\(c.name)</td><td>\(Format.size(c.size))</td><td>\(when(c.at))</td></tr>"
        })
        return html
    }
}
