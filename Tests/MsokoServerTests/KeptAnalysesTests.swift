import Fluent
import Foundation
import MsokoCore
import SQLKit
import XCTest
import XCTVapor
@testable import MsokoServer

/// Analyses kept between requests (issue 19 §3): computed once, served again without reading the
/// works, computed again when — and only when — results, classes, thresholds or the other inputs
/// change; always equal to a fresh computation.
final class KeptAnalysesTests: XCTestCase {
    func procedure(_ app: Application, _ year: Int, _ subject: String, _ grade: Int) async throws -> Procedure {
        try await Procedure.query(on: app.db).filter(\.$year == year).filter(\.$subject == subject).filter(\.$grade == grade).first()!
    }

    /// What is kept forgotten; the demo's ВПР 2026 mathematics, grade 5, and the district.
    func start(_ app: Application) async throws -> (KeptAnalyses, Procedure, UUID) {
        await KeptAnalyses.shared.clear()
        let p = try await procedure(app, 2026, "Математика", 5)
        return (KeptAnalyses.shared, p, try await Municipality.query(on: app.db).first()!.requireID())
    }

    /// The analysis and signs computed from the database now, bypassing what is kept.
    func fresh(_ p: Procedure, _ mid: UUID, on db: Database) async throws -> (AnalysisQuery.Loaded, [GroupRisk]) {
        let stamp = try await KeptAnalyses.stamp(p, municipalityID: mid, on: db)
        let loaded = try await AnalysisQuery.compute(procedure: p, municipalityID: mid, enrolment: stamp.enrolment, on: db)
        let (inputs, signsStamp) = try await AnalysisQuery.signsInputs(procedure: p, municipalityID: mid, analysis: .init(loaded: loaded, stamp: stamp), on: db)
        return (loaded, ObjectivityAnalysis.evaluate(loaded.works, analysis: loaded.analysis, settings: signsStamp.settings, inputs: inputs))
    }

    func assertKeptIsFresh(_ app: Application, _ p: Procedure, _ mid: UUID, _ message: String, file: StaticString = #filePath, line: UInt = #line) async throws {
        let (kept, risks, settings) = try await AnalysisQuery.objectivity(procedure: p, municipalityID: mid, on: app.db)
        let (loaded, freshRisks) = try await fresh(p, mid, on: app.db)
        XCTAssertEqual(kept.works, loaded.works, message, file: file, line: line)
        XCTAssertEqual(kept.enrolment, loaded.enrolment, message, file: file, line: line)
        XCTAssertEqual(AnalysisJSON.data(kept.analysis, objectivity: risks, settings: settings),
                       AnalysisJSON.data(loaded.analysis, objectivity: freshRisks, settings: settings), message, file: file, line: line)
    }

    func testComputedOnceAndAgainOnlyWhenTheInputsChange() async throws {
        try await withApp { app in
            let keeper = KeptAnalyses.shared
            await keeper.clear()
            let p = try await procedure(app, 2026, "Математика", 5)
            let m = try await Municipality.query(on: app.db).first()!
            let mid = try m.requireID()
            let s = Browser(app)
            try await s.login("specialist")
            let objectivity = "/procedures/\(p.id!)/objectivity", analysis = "/procedures/\(p.id!)/analysis"
            assertStatus(try await s.get(objectivity), .ok)
            let once = await keeper.computed
            XCTAssertGreaterThanOrEqual(once, 2, "the analysis and its signs")
            // Served again: the objectivity list, the analysis page, a school's page — nothing computed.
            assertStatus(try await s.get(objectivity), .ok)
            assertStatus(try await s.get(analysis), .ok)
            assertStatus(try await s.get("\(analysis)/schools/edu700102"), .ok)
            assertEq(await keeper.computed, once, "served from what is kept")
            try await assertKeptIsFresh(app, p, mid, "at the start")

            // A write that is not an input (a log entry) moves the data version: the stamp is read
            // again, equal, and nothing is computed.
            try await app.db.writeTransaction { db in
                try await Audit.record(on: db, actor: "test", action: "note", entity: "test", id: nil, summary: "запись не о результатах", after: ["x": "1"], municipalityID: m.id, regionID: m.$region.id)
            }
            assertStatus(try await s.get(objectivity), .ok)
            assertEq(await keeper.computed, once, "an unrelated write computes nothing")

            // Thresholds: the signs again, the analysis kept.
            var form = Dictionary(uniqueKeysWithValues: ObjectivitySettings.editable.map { ($0.name, ReferenceTable.format(ObjectivitySettings().value($0.name))) })
            assertContains(try await s.get("/objectivity"), "Окунеевская")
            form["riskThreshold"] = "0,99"
            assertStatus(try await s.post("/objectivity/thresholds", form), .seeOther)
            assertNotContains(try await s.get("/objectivity"), "Окунеевская")
            let (_, _, settings) = try await AnalysisQuery.objectivity(procedure: p, municipalityID: mid, on: app.db)
            assertEq(settings.riskThreshold, 0.99)
            try await assertKeptIsFresh(app, p, mid, "after the thresholds")

            // A class's enrolment: participation changes.
            let before = try await AnalysisQuery.load(procedure: p, municipalityID: mid, on: app.db).enrolment
            let cls = try await SchoolClass.query(on: app.db).filter(\.$municipalityID == mid).filter(\.$grade == 5).filter(\.$schoolYear == p.schoolYear).first()!
            let enrolled = cls.enrolment
            try await app.db.writeTransaction { db in
                cls.enrolment = enrolled + 7
                try await cls.save(on: db)
            }
            let after = try await AnalysisQuery.load(procedure: p, municipalityID: mid, on: app.db).enrolment
            XCTAssertNotEqual(before, after)
            try await assertKeptIsFresh(app, p, mid, "after an enrolment")

            // A corrected file of one school replaces its works: computed again, equal to fresh.
            let school = try await app.school("edu700102")
            let rows = try await ResultsQuery.exportRows(procedure: p, schoolID: school.requireID(), on: app.db)
            let spec = try ProcedureStore.spec(of: p)
            let kept = try await AnalysisQuery.load(procedure: p, municipalityID: mid, on: app.db).works.count
            let file = try ResultsExport.xlsx(spec: spec, rows: Array(rows.dropLast(3)))
            let computedBefore = await keeper.computed
            assertStatus(try await s.postMultipart("/procedures/\(p.id!)/results", ["school": "edu700102"], files: [("file", "исправленный.xlsx", Array(file))]), .seeOther)
            let computedAfterUpload = await keeper.computed
            XCTAssertGreaterThan(computedAfterUpload, computedBefore, "the upload computes the analysis")
            assertEq(try await AnalysisQuery.load(procedure: p, municipalityID: mid, on: app.db).works.count, kept - 3)
            assertStatus(try await s.get(objectivity), .ok)
            assertEq(await keeper.computed, computedAfterUpload, "the page after the upload uses what the upload computed")
            try await assertKeptIsFresh(app, p, mid, "after an upload")
        }
    }

    /// A change that reaches the database without this process's write (another node, a script)
    /// is seen once the entry's lifetime has passed.
    func testAChangeFromOutsideIsSeenAfterTheLifetime() async throws {
        try await withApp { app in
            let (keeper, p, mid) = try await start(app)
            let count = try await AnalysisQuery.load(procedure: p, municipalityID: mid, on: app.db).works.count
            let work = try await WorkRow.query(on: app.db).filter(\.$procedure.$id == p.requireID()).first()!
            try await (app.db as! any SQLDatabase).delete(from: "works").where("id", .equal, SQLBind(work.requireID())).run()
            assertEq(try await AnalysisQuery.load(procedure: p, municipalityID: mid, on: app.db).works.count, count, "within the lifetime")
            await keeper.setLifetime(0)
            assertEq(try await AnalysisQuery.load(procedure: p, municipalityID: mid, on: app.db).works.count, count - 1, "after it")
            await keeper.setLifetime(10)
            try await assertKeptIsFresh(app, p, mid, "after a change from outside")
        }
    }

    /// Sixty-four requests for an analysis nobody has computed yet wait for one computation.
    func testConcurrentRequestsComputeOnce() async throws {
        try await withApp { app in
            let (keeper, p, mid) = try await start(app)
            let before = await keeper.computed
            let counts = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<64 { group.addTask { try await AnalysisQuery.load(procedure: p, municipalityID: mid, on: app.db).works.count } }
                return try await group.reduce(into: Set<Int>()) { $0.insert($1) }
            }
            XCTAssertEqual(counts.count, 1)
            assertEq(await keeper.computed, before + 1)
        }
    }

    /// Rendered pages kept per user: each session gets its own CSRF token in them, another user
    /// their own page, a one-shot message is shown, and a write makes the page again.
    func testKeptPagesCarryTheSessionsTokenAndAreMadeAgainAfterAWrite() async throws {
        try await withApp { app in
            KeptPages.clear()
            let p = try await procedure(app, 2026, "Математика", 5)
            let path = "/procedures/\(p.id!)/analysis"
            let a = Browser(app), b = Browser(app)
            try await a.login("specialist")
            try await b.login("specialist")
            let (tokenA, tokenB) = (a.csrf ?? "", b.csrf ?? "")
            XCTAssertNotEqual(tokenA, tokenB)
            let made = KeptPages.made
            let first = try await a.get(path)
            assertStatus(first, .ok)
            assertEq(KeptPages.made, made + 1)
            assertEq(a.csrf, tokenA, "the kept page carries the session's own token")
            let second = try await b.get(path)
            assertEq(KeptPages.made, made + 1, "the same user's other session is served the kept page")
            assertEq(b.csrf, tokenB)
            XCTAssertEqual(first.body.string.replacingOccurrences(of: tokenA, with: "T"), second.body.string.replacingOccurrences(of: tokenB, with: "T"))
            XCTAssertFalse(first.body.string.contains(KeptPages.marker))
            XCTAssertFalse(second.body.string.contains(KeptPages.marker))
            // The token served is the one the session checks: signing out with it works.
            assertStatus(try await b.post("/logout", [:]), .seeOther)

            // Another user: their own page, with their name.
            let names = Dictionary(uniqueKeysWithValues: try await User.query(on: app.db).all().map { ($0.login, $0.name) })
            let m = Browser(app)
            try await m.login("methodist")
            let theirs = try await m.get(path)
            assertContains(theirs, names["methodist"]!)
            assertNotContains(theirs, names["specialist"]!)
            assertContains(try await a.get(path), names["specialist"]!)
            assertEq(KeptPages.made, made + 2)

            // A one-shot message is shown on the page it was left for, and the page is kept again after.
            assertStatus(try await a.get("/objectivity"), .ok)
            let form = Dictionary(uniqueKeysWithValues: ObjectivitySettings.editable.map { ($0.name, ReferenceTable.format(ObjectivitySettings().value($0.name))) })
            assertLocation(try await a.post("/objectivity/thresholds", form), "/objectivity")
            assertContains(try await a.get("/objectivity"), "Пороги признаков сохранены.")
            assertNotContains(try await a.get("/objectivity"), "Пороги признаков сохранены.")

            // A committed write makes the page again.
            assertStatus(try await a.get(path), .ok)
            assertStatus(try await a.get(path), .ok)
            let before = KeptPages.made
            let mun = try await Municipality.query(on: app.db).first()!
            try await app.db.writeTransaction { db in
                try await Audit.record(on: db, actor: "test", action: "note", entity: "test", id: nil, summary: "запись", after: ["x": "1"], municipalityID: mun.id, regionID: mun.$region.id)
            }
            assertStatus(try await a.get(path), .ok)
            assertEq(KeptPages.made, before + 1)
        }
    }

    /// The methodist signed in, with two page reads (the first keeps the identity, the second is
    /// served by it); and the hash of the session's token, which keys the kept identity.
    private func methodistWithKeptIdentity(_ app: Application) async throws -> (Browser, String) {
        let b = Browser(app)
        try await b.login("methodist")
        assertStatus(try await b.get("/tasks"), .ok)
        assertStatus(try await b.get("/tasks"), .ok)
        return (b, Tokens.hash(b.cookie ?? ""))
    }

    /// The identity kept for page reads (`SignedInCache`): a signed-out session's cookie opens
    /// nothing at once, a role changed by the administrator shows at once, a one-shot message left
    /// by a form is shown, and a handler's change to its user reaches no other request.
    func testTheIdentityKeptForPagesEndsWithTheSession() async throws {
        try await withApp { app in
            let (b, hash) = try await methodistWithKeptIdentity(app)
            let kept = try XCTUnwrap(SignedInCache.entry(hash, now: midYear, mark: b.cookies[SessionCookies.writeMark] ?? ""), "kept after a page read")
            // Copies, not one shared object.
            let (s1, u1) = SignedInCache.copies(kept, tokenHash: hash)
            let (s2, u2) = SignedInCache.copies(kept, tokenHash: hash)
            XCTAssertFalse(s1 === s2 || u1 === u2)
            // Every stored field copied: the copy encodes as the user read from the database does.
            let stored = try await User.query(on: app.db).filter(\.$login == "methodist").first()!
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            XCTAssertEqual(try encoder.encode(stored.copy()), try encoder.encode(stored))
            XCTAssertEqual(try encoder.encode(u1), try encoder.encode(stored))
            u1.name = "изменено"
            XCTAssertNotEqual(u2.name, "изменено")

            // The administrator makes the methodist a specialist: the menu shows it at once.
            let before = try await b.get("/tasks").body.string
            XCTAssertFalse(before.contains(Role.specialist.russian))
            let admin = Browser(app)
            try await admin.login("admin")
            let user = try await User.query(on: app.db).filter(\.$login == "methodist").first()!
            try await admin.get("/admin/users/\(user.id!)")
            assertStatus(try await admin.post("/admin/users/\(user.id!)", ["name": user.name, "role": "specialist", "school": "", "subject": ""]), .seeOther)
            assertEq(try await User.find(user.id, on: app.db)?.role, .specialist)
            assertContains(try await b.get("/tasks"), Role.specialist.russian)

            // Past its lifetime, the first request reads the session again and the others are
            // served the entry meanwhile — for `grace` seconds at most.
            let now = Date()
            SignedInCache.entries.withLock { $0[hash]?.read = now.addingTimeInterval(-SignedInCache.lifetime - 0.5) }
            XCTAssertNil(SignedInCache.entry(hash, now: midYear, mark: b.cookies[SessionCookies.writeMark] ?? ""), "the first request after the lifetime reads it again")
            XCTAssertNotNil(SignedInCache.entry(hash, now: midYear, mark: b.cookies[SessionCookies.writeMark] ?? ""), "the others meanwhile are served the entry")
            SignedInCache.entries.withLock { $0[hash]?.read = now.addingTimeInterval(-SignedInCache.lifetime - SignedInCache.grace - 0.5) }
            XCTAssertNil(SignedInCache.entry(hash, now: midYear, mark: b.cookies[SessionCookies.writeMark] ?? ""))
            XCTAssertNil(SignedInCache.entry(hash, now: midYear, mark: b.cookies[SessionCookies.writeMark] ?? ""), "dropped after the grace")
            assertStatus(try await b.get("/tasks"), .ok)
            XCTAssertNotNil(SignedInCache.entry(hash, now: midYear, mark: b.cookies[SessionCookies.writeMark] ?? ""), "kept again by the next read")

            // Signed out: the same cookie opens nothing.
            let saved = b.cookies
            assertStatus(try await b.post("/logout", [:]), .seeOther)
            let stale = Browser(app)
            stale.cookies = saved
            assertLocation(try await stale.get("/tasks"), "/login?next=/tasks")
            XCTAssertNil(SignedInCache.entry(hash, now: midYear, mark: b.cookies[SessionCookies.writeMark] ?? ""))
        }
    }

    /// A one-shot message left by a form on one node is shown by the next page on another, whose
    /// identity kept from before the form no longer serves: the form's write gave the browser a
    /// new write mark. (Two nodes stand in as one process whose entry is put back as the other
    /// node would still have it.)
    func testAMessageLeftOnOneNodeIsShownOnAnother() async throws {
        try await withApp { app in
            let (b, hash) = try await methodistWithKeptIdentity(app)
            let markBefore = b.cookies[SessionCookies.writeMark] ?? ""
            XCTAssertFalse(markBefore.isEmpty, "signing in sets a write mark")
            let otherNode = try XCTUnwrap(SignedInCache.entry(hash, now: midYear, mark: markBefore), "kept after a page read")
            // A form that leaves a message: the session row is written, the mark changes.
            assertStatus(try await b.post("/seminars", ["date": "12.10.2025", "topic": "Критерии заданий 8–10", "invited": "10", "attended": "8"]), .seeOther)
            let markAfter = b.cookies[SessionCookies.writeMark] ?? ""
            XCTAssertNotEqual(markAfter, markBefore)
            // The other node still has the entry read before the form, valid there: nothing was
            // written in its process (its data version is the one it read at), and read just now.
            var stale = otherNode
            (stale.version, stale.read) = (DataVersion.current, Date())
            SignedInCache.entries.withLock { $0[hash] = stale }
            XCTAssertNotNil(SignedInCache.entry(hash, now: midYear, mark: markBefore), "it would serve the mark from before")
            SignedInCache.entries.withLock { $0[hash] = stale }
            assertContains(try await b.get("/tasks"), "Семинар «Критерии заданий 8–10» записан.")
            // Shown once: the message taken wrote the row again, with another mark.
            XCTAssertNotEqual(b.cookies[SessionCookies.writeMark] ?? "", markAfter)
            let again = try await b.get("/tasks").body.string
            XCTAssertFalse(again.contains("Семинар «Критерии заданий 8–10» записан."))
        }
    }

    /// While a kept page is made again, the page made before is served to the user's other
    /// requests — but not once the user has written since: they wait for the new one.
    func testWhileAPageIsMadeAgainTheOldOneServesUnlessTheUserWrote() async throws {
        try await withApp { app in
            KeptPages.clear()
            let user = try await User.query(on: app.db).filter(\.$login == "specialist").first()!
            @Sendable func request() -> Request {
                let req = Request(application: app, method: .GET, url: URI(path: "/kept-test"), on: app.eventLoopGroup.next())
                let record = UserSession()
                record.csrf = "token"
                record.flash = nil
                req.sessionState.record = record
                req.storage[CurrentUserKey.self] = user
                return req
            }
            func text(_ r: Response) -> String { r.body.string ?? "" }
            assertEq(text(try await KeptPages.page(request()) { HTMLResponse.make("<p>первая</p>") }), "<p>первая</p>")
            // Someone writes; the page is being made again (held at a gate).
            DataVersion.bump()
            let (gate, open) = AsyncStream<Void>.makeStream()
            let slow = Task { try await KeptPages.page(request()) {
                for await _ in gate { break }
                return HTMLResponse.make("<p>вторая</p>")
            } }
            try await Task.sleep(for: .milliseconds(300))
            let meanwhile = try await KeptPages.page(request()) {
                XCTFail("made twice")
                return HTMLResponse.make("")
            }
            assertEq(text(meanwhile), "<p>первая</p>", "the page made before, while the next is made")
            // The write was the user's: their next read waits for the page being made after it.
            KeptPages.wrote(user.id!)
            let waiting = Task { try await KeptPages.page(request()) {
                XCTFail("made twice")
                return HTMLResponse.make("")
            } }
            try await Task.sleep(for: .milliseconds(300))
            // The user writes again: the page being made began before that, so they make their own.
            DataVersion.bump()
            KeptPages.wrote(user.id!)
            assertEq(text(try await KeptPages.page(request()) { HTMLResponse.make("<p>третья</p>") }), "<p>третья</p>")
            open.yield()
            open.finish()
            assertEq(text(try await slow.value), "<p>вторая</p>")
            assertEq(text(try await waiting.value), "<p>вторая</p>", "a user who wrote waits for the page begun after their write")
            // The older making did not replace the newer page.
            assertEq(text(try await KeptPages.page(request()) {
                XCTFail("kept")
                return HTMLResponse.make("")
            }), "<p>третья</p>")
        }
    }
}
