import Fluent
import Foundation
import SQLiteKit
import XCTest
import XCTVapor
@testable import MsokoServer

/// The write queue of SQLite (issue 20 §4, the soak): writers wait their turn in order without
/// holding a connection, so pages go on while they wait; an overloaded server answers 503.
final class WriteGateTests: XCTestCase {
    /// A flag another task can wait on.
    actor Latch {
        private var open = false
        private var waiting: [CheckedContinuation<Void, Never>] = []
        func release() { open = true; waiting.forEach { $0.resume() }; waiting = [] }
        func wait() async { if !open { await withCheckedContinuation { waiting.append($0) } } }
    }

    actor Log {
        var order: [Int] = []
        var inside = 0
        var most = 0
        func enter(_ k: Int) { order.append(k); inside += 1; most = max(most, inside) }
        func leave() { inside -= 1 }
    }

    func waitUntil(_ what: String, timeout: TimeInterval = 5, _ condition: () async -> Bool) async throws {
        let end = Date().addingTimeInterval(timeout)
        while !(await condition()) {
            if Date() > end { XCTFail("timed out waiting for \(what)"); return }
            try await Task.sleep(nanoseconds: 10_000_000)
        }
    }

    func testOneAtATimeInTheOrderAsked() async throws {
        let gate = FIFOGate()
        let log = Log()
        let first = Latch()
        let holder = Task { try await gate.run { await log.enter(0); await first.wait(); await log.leave() } }
        try await waitUntil("the first holder") { await log.order == [0] }
        var tasks: [Task<Void, Error>] = []
        for k in 1...6 {
            tasks.append(Task { try await gate.run { await log.enter(k); try await Task.sleep(nanoseconds: 2_000_000); await log.leave() } })
            try await waitUntil("task \(k) queued") { await gate.queued == k }
        }
        // A failing body lets the next one in too.
        struct Boom: Error {}
        let failing = Task { try await gate.run { () async throws -> Void in throw Boom() } }
        try await waitUntil("the failing task queued") { await gate.queued == 7 }
        let after = Task { try await gate.run { await log.enter(7); await log.leave() } }
        try await waitUntil("the last task queued") { await gate.queued == 8 }
        await first.release()
        try await holder.value
        for t in tasks { try await t.value }
        do { try await failing.value; XCTFail("the body's error reaches the caller") } catch is Boom {}
        try await after.value
        let order = await log.order, most = await log.most, queued = await gate.queued
        XCTAssertEqual(order, Array(0...7))
        XCTAssertEqual(most, 1)
        XCTAssertEqual(queued, 0)
    }

    /// While the write queue is held (a long import's transaction), a page opens at once, a change
    /// waits its turn — holding no connection, the page proves it — and lands when the queue moves.
    func testPagesGoOnWhileAWriteWaitsItsTurn() async throws {
        guard TestDB.postgresURL == nil else { throw XCTSkip("the write queue is SQLite's; PostgreSQL queues writers itself") }
        try await withApp { app in
            let user = Browser(app)
            try await user.login("specialist")
            let page = try await user.get("/account")
            assertStatus(page, .ok)
            let holding = Latch(), held = Latch()
            let holder = Task { try await FIFOGate.writes.run { await held.release(); await holding.wait() } }
            await held.wait()

            nonisolated(unsafe) let writer = user  // used by the task alone until it ends
            let change = Task { try await writer.post("/account/password", ["current": "demo", "new": "Очень-длинный-пароль-2026", "repeat": "Очень-длинный-пароль-2026"]).status }
            try await waitUntil("the change queued") { await FIFOGate.writes.queued == 1 }
            let started = Date()
            let other = Browser(app)
            other.cookie = user.cookie
            for path in ["/", "/procedures", "/objectivity", "/account"] {
                assertStatus(try await other.get(path), .ok)
            }
            XCTAssertLessThan(Date().timeIntervalSince(started), 5, "pages do not wait for the queued write")
            let audited = try await AuditEntry.query(on: app.db).filter(\.$action == "password").count()
            XCTAssertEqual(audited, 0, "the change waits while the queue is held")

            await holding.release()
            try await holder.value
            let status = try await change.value
            XCTAssertEqual(status, .seeOther)
            let after = try await AuditEntry.query(on: app.db).filter(\.$action == "password").count()
            XCTAssertEqual(after, 1)
            let queued = await FIFOGate.writes.queued
            XCTAssertEqual(queued, 0)
        }
    }

    func testAnOverloadedServerAnswers503WithRetryAfter() async throws {
        try await withApp(demo: false) { app in
            app.get("test-overload") { _ async throws -> String in throw ConnectionPoolTimeoutError.connectionRequestTimeout }
            let res = try await Browser(app).get("/test-overload")
            assertStatus(res, .serviceUnavailable)
            XCTAssertEqual(res.headers.first(name: "Retry-After"), "5")
            assertContains(res, "Сервер сейчас занят")
            XCTAssertFalse(FriendlyErrorMiddleware.isOverloaded(AppError.notFound))
        }
    }
}
