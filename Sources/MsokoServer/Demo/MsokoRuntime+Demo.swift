import Fluent
import Foundation
import MsokoCore
import Vapor

/// The demo district from the command line (`msoko demo`, `serve --demo`).
extension MsokoRuntime {
    public func isEmpty() async throws -> Bool {
        let users = try await User.query(on: db).count()
        let municipalities = try await Municipality.query(on: db).count()
        return users == 0 && municipalities == 0
    }

    public func isDemo() async throws -> Bool { try await Settings.isDemo(on: db) }

    public func loadDemo() async throws { try await DemoDistrict.load(on: db, now: app.now) }

    /// Empties the database (reverting and re-running migrations), then loads the demo.
    /// Refused unless the database is a demo database or empty, so a real district is never wiped.
    public func resetDemo() async throws {
        let empty = try await isEmpty()
        let demo = try await isDemo()
        guard empty || demo else {
            throw ConfigError("База данных не демонстрационная: --reset удаляет все данные и разрешён только для демонстрационной базы.")
        }
        try await app.autoRevert()
        try await app.autoMigrate()
        try await loadDemo()
    }
}
