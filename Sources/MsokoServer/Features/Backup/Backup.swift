import Fluent
import FluentPostgresDriver
import FluentSQLiteDriver
import Foundation
import SQLKit
import Vapor

/// Backups that restore (issue 20 §1). Every file msoko keeps lives in the database beside its
/// SHA-256 (`StoredFile`), so one consistent copy of the database is the whole of a district's data.
///
/// - SQLite: `VACUUM INTO` — a consistent, compacted copy taken inside one read transaction while
///   the server goes on writing (WAL): the copy is the database as of one moment.
/// - PostgreSQL: `pg_dump --format=custom` (found on the PATH), restored by `pg_restore`.
///
/// Verification opens the copy: a SQLite copy directly (`PRAGMA integrity_check`, the migrations
/// applied, every table's rows, every stored file's SHA-256 recomputed); a PostgreSQL dump by
/// `pg_restore --list` (every msoko table's data present) — for the full check, restore it into a
/// scratch database and verify that (docs/backups.md).
public enum Backup {
    public enum Kind: String, Sendable { case sqlite, postgres }

    /// What a verification found: tables with their rows, stored files checked, problems (empty: sound).
    public struct Verification: Sendable {
        public var kind: Kind
        public var tables: [(name: String, rows: Int)] = []
        public var files = 0
        public var migrations = 0
        public var problems: [String] = []
        public var sound: Bool { problems.isEmpty }

        public var summary: String {
            var lines = ["Копия: \(kind == .sqlite ? "SQLite" : "PostgreSQL (pg_dump)")."]
            if migrations > 0 { lines.append("Миграций применено: \(migrations).") }
            lines.append("Таблиц: \(tables.count), строк: \(tables.reduce(0) { $0 + $1.rows }).")
            if kind == .sqlite { lines.append("Хранимых файлов проверено по SHA-256: \(files).") }
            lines.append(problems.isEmpty ? "Копия исправна." : "Неисправности (\(problems.count)):\n" + problems.joined(separator: "\n"))
            return lines.joined(separator: "\n")
        }
    }

    static func kind(of path: String) throws -> Kind {
        guard let h = FileHandle(forReadingAtPath: path) else { throw ConfigError("Файл копии «\(path)» не найден или недоступен для чтения.") }
        defer { try? h.close() }
        let head = h.readData(ofLength: 16)
        if head.starts(with: Array("SQLite format 3".utf8)) { return .sqlite }
        if head.starts(with: Array("PGDMP".utf8)) { return .postgres }
        throw ConfigError("«\(path)» — не резервная копия msoko: ожидается файл SQLite или архив pg_dump (custom).")
    }

    /// A program on the PATH (pg_dump, pg_restore), or a clear error naming the Debian package.
    static func tool(_ name: String) throws -> String {
        let dirs = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":").map(String.init)
        guard let found = dirs.map({ "\($0)/\(name)" }).first(where: FileManager.default.isExecutableFile) else {
            throw ConfigError("Не найдена программа \(name): установите клиент PostgreSQL (apt-get install postgresql-client) или добавьте его в PATH.")
        }
        return found
    }

    /// Runs a program, its standard error in the error when it fails.
    @discardableResult
    static func run(_ path: String, _ arguments: [String]) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: path)
        p.arguments = arguments
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        // Read before waiting: a long listing must not fill the pipe and stall the program.
        let output = out.fileHandleForReading.readDataToEndOfFile()
        let errors = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            throw ConfigError("\((path as NSString).lastPathComponent) завершилась с ошибкой \(p.terminationStatus): \(String(decoding: errors, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Tables with stored files: those that have both `data` and `sha256` columns.
    static func fileTables(_ sql: SQLDatabase, tables: [String]) async throws -> [String] {
        var out: [String] = []
        for t in tables {
            let columns = try await sql.raw("SELECT name FROM pragma_table_info(\(bind: t))").all().map { try $0.decode(column: "name", as: String.self) }
            if columns.contains("data") && columns.contains("sha256") { out.append(t) }
        }
        return out
    }

    /// Opens a SQLite file on its own (no migrations, no msoko tuning) for `body`.
    static func withSQLite<T>(_ path: String, _ body: (SQLDatabase) async throws -> T) async throws -> T {
        let app = try await Application.make(.testing)
        app.logger.logLevel = .error
        app.databases.use(.sqlite(.file(path)), as: .sqlite)
        do {
            guard let sql = app.db as? SQLDatabase else { throw ConfigError("SQLite недоступна.") }
            let value = try await body(sql)
            try await app.asyncShutdown()
            return value
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
    }

    /// Checks a copy (see the type's documentation).
    public static func verify(_ path: String) async throws -> Verification {
        switch try kind(of: path) {
        case .sqlite:
            return try await withSQLite(path) { sql in
                var v = Verification(kind: .sqlite)
                let integrity = try await sql.raw("PRAGMA integrity_check").all().map { try $0.decode(column: "integrity_check", as: String.self) }
                if integrity != ["ok"] { v.problems.append("Проверка целостности SQLite: " + integrity.prefix(10).joined(separator: "; ")) }
                let tables = try await sql.raw("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all()
                    .map { try $0.decode(column: "name", as: String.self) }
                guard tables.contains("_fluent_migrations") else {
                    v.problems.append("В копии нет таблицы миграций: это не база msoko.")
                    return v
                }
                v.migrations = try await sql.raw("SELECT count(*) AS n FROM _fluent_migrations").first()?.decode(column: "n", as: Int.self) ?? 0
                for t in tables {
                    let n = try await sql.raw("SELECT count(*) AS n FROM \(ident: t)").first()?.decode(column: "n", as: Int.self) ?? 0
                    v.tables.append((t, n))
                }
                for t in try await fileTables(sql, tables: tables) {
                    for row in try await sql.raw("SELECT id, sha256, data FROM \(ident: t) WHERE data IS NOT NULL").all() {
                        let data = try row.decode(column: "data", as: Data.self)
                        let sha = try row.decode(column: "sha256", as: String?.self) ?? ""
                        v.files += 1
                        if Checksum.sha256(data) != sha {
                            let id = (try? row.decode(column: "id", as: UUID.self))?.uuidString ?? "?"
                            v.problems.append("Таблица \(t), запись \(id): содержимое файла не совпадает с его контрольной суммой SHA-256.")
                        }
                    }
                }
                return v
            }
        case .postgres:
            let listing = try run(try tool("pg_restore"), ["--list", path])
            var v = Verification(kind: .postgres)
            for line in listing.split(separator: "\n") where line.contains(" TABLE DATA public ") {
                let parts = line.split(separator: " ")
                if let i = parts.firstIndex(of: "public"), i + 1 < parts.count { v.tables.append((String(parts[i + 1]), 0)) }
            }
            let names = Set(v.tables.map(\.name))
            for required in ["_fluent_migrations", "municipalities", "users", "audit_entries"] where !names.contains(required) {
                v.problems.append("В архиве нет данных таблицы \(required).")
            }
            return v
        }
    }
}

extension MsokoRuntime {
    /// A consistent copy of the running database into `out` (which must not exist), then verified.
    public func backup(to out: String) async throws -> Backup.Verification {
        guard !FileManager.default.fileExists(atPath: out) else { throw ConfigError("Файл «\(out)» уже существует: укажите новое имя (копия не перезаписывает файлы).") }
        let folder = (out as NSString).deletingLastPathComponent
        if !folder.isEmpty { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
        switch app.msokoConfig.database {
        case .sqlite:
            guard let sql = db as? SQLDatabase else { throw ConfigError("SQLite недоступна.") }
            try await sql.raw("VACUUM INTO \(bind: out)").run()
        case .sqliteMemory:
            throw ConfigError("База в памяти не копируется.")
        case .postgres(let url):
            let partial = out + ".partial"
            try? FileManager.default.removeItem(atPath: partial)
            do {
                try Backup.run(try Backup.tool("pg_dump"), ["--format=custom", "--no-owner", "--file=\(partial)", "--dbname=\(url)"])
                try FileManager.default.moveItem(atPath: partial, toPath: out)
            } catch {
                try? FileManager.default.removeItem(atPath: partial)
                throw error
            }
        }
        return try await Backup.verify(out)
    }
}

extension Backup {
    /// Restores a copy into an empty data folder (SQLite) or an empty database (`DATABASE_URL`),
    /// after verifying it; refuses a non-empty target. Nothing is half-restored: a SQLite copy is
    /// written beside its place and moved in; pg_restore runs as one transaction (`--single-transaction`).
    public static func restore(_ path: String, dataDirectory: String?) async throws -> Verification {
        let checked = try await verify(path)
        guard checked.sound else { throw ConfigError("Копия неисправна, восстановление не начато.\n" + checked.problems.joined(separator: "\n")) }
        let config = try AppConfig.from(dataDirectory: dataDirectory)
        switch (checked.kind, config.database) {
        case (.sqlite, .sqlite(let target)):
            let fm = FileManager.default
            for suffix in ["", "-wal", "-shm"] where fm.fileExists(atPath: target + suffix) {
                throw ConfigError("В папке данных уже есть база (\(target)): восстановление — только в пустую папку.")
            }
            try fm.createDirectory(atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            let temporary = target + ".restoring"
            try? fm.removeItem(atPath: temporary)
            try fm.copyItem(atPath: path, toPath: temporary)
            try fm.moveItem(atPath: temporary, toPath: target)
        case (.postgres, .postgres(let url)):
            let app = try await Application.make(.testing)
            app.logger.logLevel = .error
            var pg = try SQLPostgresConfiguration(url: url)
            if !url.contains("tlsmode") && !url.contains("sslmode") { pg.coreConfiguration.tls = .disable }
            app.databases.use(.postgres(configuration: pg), as: .psql)
            let tables: Int
            do {
                guard let sql = app.db as? SQLDatabase else { throw ConfigError("PostgreSQL недоступна.") }
                tables = try await sql.raw("SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = 'public'").first()?.decode(column: "n", as: Int.self) ?? 0
                try await app.asyncShutdown()
            } catch {
                try? await app.asyncShutdown()
                throw error
            }
            guard tables == 0 else { throw ConfigError("В базе DATABASE_URL уже есть таблицы (\(tables)): восстановление — только в пустую базу.") }
            try run(try tool("pg_restore"), ["--no-owner", "--exit-on-error", "--single-transaction", "--dbname=\(url)", path])
        case (.sqlite, _):
            throw ConfigError("Это копия SQLite: восстановите её в папку данных без DATABASE_URL.")
        case (.postgres, _):
            throw ConfigError("Это архив PostgreSQL: задайте DATABASE_URL пустой базы.")
        }
        return checked
    }
}
