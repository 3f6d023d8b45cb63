import Fluent
import FluentSQLiteDriver
import Foundation
import NIOConcurrencyHelpers
import SQLiteKit
import Vapor

extension DatabaseID {
    /// A second pool on the same SQLite file for the long write of a results import, so that the
    /// one connection per event loop of the main pool stays free for everyone else's pages.
    static let sqliteImports = DatabaseID(string: "sqlite-imports")
}

/// SQLite as a server needs it: write-ahead logging (readers never wait for the writer) and a
/// busy timeout (a writer waits for the one before it instead of failing at once). WAL is a
/// property of the file, set once; the busy timeout belongs to each connection, and Fluent's
/// SQLite driver has no hook for new connections, so every connection is given it the first
/// time a request uses it.
enum SQLiteTuning {
    static let busyTimeoutMilliseconds = 30_000

    private final class Seen: @unchecked Sendable {
        let lock = NIOLock()
        var connections: [ObjectIdentifier: () -> AnyObject?] = [:]

        /// Whether `conn` is new (and remember it); a dead connection's slot is reused.
        func isNew(_ conn: SQLiteConnection) -> Bool {
            lock.withLock {
                let id = ObjectIdentifier(conn)
                if let alive = connections[id], alive() === conn { return false }
                connections[id] = { [weak conn] in conn }
                return true
            }
        }
    }

    private static let seen = Seen()

    static func enableWAL(on db: Database) async throws {
        guard let sql = db as? SQLDatabase else { return }
        try await sql.raw("PRAGMA journal_mode=WAL").run()
    }

    /// Gives the connection behind `db` its busy timeout, once.
    static func prepare(_ db: Database) async throws {
        guard let sqlite = db as? any SQLiteDatabase else { return }
        let isNew = try await sqlite.withConnection { conn in conn.eventLoop.makeSucceededFuture(seen.isNew(conn)) }.get()
        guard isNew, let sql = db as? SQLDatabase else { return }
        try await sql.raw("PRAGMA busy_timeout = \(unsafeRaw: String(busyTimeoutMilliseconds))").run()
    }
}

/// Runs `SQLiteTuning.prepare` for the request's connection (SQLite only).
struct SQLiteTuningMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: AsyncResponder) async throws -> Response {
        try await SQLiteTuning.prepare(request.db)
        return try await next.respond(to: request)
    }
}

/// A first-in first-out queue of async tasks, one at a time. Written by hand: no listed package has
/// an async semaphore (swift-async-algorithms has none; NIO's locks block threads).
actor FIFOGate {
    /// One results import at a time in this process: reading a region's file takes a core for a
    /// second or two, so uploads queue behind each other instead of starving everyone's pages.
    static let imports = FIFOGate()
    /// Every write to a SQLite file, in the order asked. SQLite has one write lock per file, and
    /// its busy handler, as sqlite-nio builds it (no `HAVE_USLEEP`), retries once a second instead
    /// of queueing: a writer could lose to imports handing the lock on to each other for the whole
    /// 30 s busy timeout while holding its event loop's only connection, and every page behind it
    /// on that loop failed (the soak in docs/benchmarks.md). Writers wait here instead, holding no
    /// connection, and reach SQLite one after another. See `Database.writing`.
    static let writes = FIFOGate()

    private var busy = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    private func enter() async {
        if busy {
            await withCheckedContinuation { waiting.append($0) }
        } else {
            busy = true
        }
    }

    private func leave() {
        if waiting.isEmpty { busy = false } else { waiting.removeFirst().resume() }
    }

    /// Waiting tasks (for tests and the soak's diagnosis).
    var queued: Int { waiting.count }

    nonisolated func run<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        await enter()
        do {
            let value = try await body()
            await leave()
            return value
        } catch {
            await leave()
            throw error
        }
    }
}

extension Database {
    /// Runs a write through `FIFOGate.writes` on SQLite (on PostgreSQL, which queues writers
    /// itself, directly). Not re-entrant: inside `body` write through the same `Database` only;
    /// a database already in a transaction is assumed to hold the gate (the transaction was
    /// opened by `writeTransaction`), so nothing waits on itself.
    func writing<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        guard self is any SQLiteDatabase, !inTransaction else { return try await body() }
        return try await FIFOGate.writes.run(body)
    }

    /// A transaction that writes: `writing` around Fluent's `transaction`. Every transaction in
    /// msoko goes through here; once it has committed, `DataVersion` moves on (what is computed
    /// from the data and kept — the public pages' figures — is then computed again).
    func writeTransaction<T: Sendable>(_ body: @escaping @Sendable (Database) async throws -> T) async throws -> T {
        let value = try await writing { try await self.transaction(body) }
        if !inTransaction { DataVersion.bump() }
        return value
    }
}

extension Request {
    /// Where a long write goes: the imports pool on SQLite files, else the usual database.
    var importDB: Database {
        application.databases.ids().contains(.sqliteImports) ? db(.sqliteImports) : db
    }
}

/// CPU-heavy work off Swift's cooperative threads (two on two cores), which every request needs.
func offCooperativePool<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
        DispatchQueue.global(qos: .userInitiated).async { continuation.resume(returning: work()) }
    }
}
