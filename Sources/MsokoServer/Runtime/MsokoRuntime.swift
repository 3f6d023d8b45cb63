import Fluent
import Foundation
import Logging
import MsokoCore
import Vapor

/// Opens msoko's database for the command line and the server: configures, migrates, and
/// offers the operations the `msoko` subcommands run.
public final class MsokoRuntime: @unchecked Sendable {
    public let app: Application
    private static let logging: Void = {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .notice
            return handler
        }
    }()

    /// `arguments` are what Vapor's own command line sees (for `serve`).
    public static func open(dataDirectory: String?, arguments: [String] = ["msoko"]) async throws -> MsokoRuntime {
        _ = logging
        let config = try AppConfig.from(dataDirectory: dataDirectory)
        let app = try await Application.make(Environment(name: "production", arguments: arguments))
        do {
            if let today = ProcessInfo.processInfo.environment["MSOKO_TODAY"], !today.isEmpty {
                guard let date = LocalDate(iso: today) else { throw ConfigError("MSOKO_TODAY должна быть датой вида 2026-01-20, а не «\(today)».") }
                let fixed = Calendar(identifier: .gregorian).date(from: DateComponents(timeZone: TimeZone(identifier: "UTC"), year: date.year, month: date.month, day: date.day, hour: 6))!
                // The pinned day, with time running from the start: session expiry and login
                // back-off need a clock that moves.
                let started = Date()
                app.storage[ClockKey.self] = { fixed.addingTimeInterval(Date().timeIntervalSince(started)) }
            }
            try await configure(app, config: config)
            try await app.autoMigrate()
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
        return MsokoRuntime(app: app)
    }

    init(app: Application) { self.app = app }

    public func close() async {
        try? await app.asyncShutdown()
    }

    public var db: Database { app.db }

    public var describeDatabase: String {
        switch app.msokoConfig.database {
        case .sqlite(let path): return "SQLite: \(path)"
        case .sqliteMemory: return "SQLite в памяти"
        case .postgres: return "PostgreSQL (DATABASE_URL)"
        }
    }

    func municipality(named name: String?) async throws -> Municipality {
        let all = try await Municipality.query(on: db).all()
        if let name {
            guard let m = all.first(where: { $0.name == name }) else { throw ConfigError("Муниципалитет «\(name)» не найден.") }
            return m
        }
        guard all.count == 1, let only = all.first else {
            throw ConfigError(all.isEmpty
                ? "В базе нет муниципалитета: создайте администратора (msoko user add … --role admin) или откройте /setup в браузере."
                : "В базе несколько муниципалитетов: укажите --municipality.")
        }
        return only
    }

    public func serve() async throws {
        BackupController.startDaily(app)
        KeptAnalyses.warm(app)
        try await app.execute()
    }
}
