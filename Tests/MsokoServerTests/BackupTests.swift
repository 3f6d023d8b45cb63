import Fluent
import Foundation
import MsokoCore
import NIOConcurrencyHelpers
import SQLKit
import XCTest
import XCTVapor
@testable import MsokoServer

/// Backups that restore (issue 20 §1) on SQLite files: a copy taken while edits run is consistent
/// and verified; it restores into an empty folder only, and the restored database has the same
/// rows and files; a damaged copy is caught and not restored. (PostgreSQL: the command-line tests.)
final class BackupTests: XCTestCase {
    func folder() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("msoko-backup-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: dir) }
        return dir
    }

    func testACopyTakenWhileEditsRunRestoresWithTheSameRowsAndFiles() async throws {
        guard TestDB.postgresURL == nil else { throw XCTSkip("SQLite files only; PostgreSQL is covered by the command-line tests") }
        let dir = try folder()
        let copy = dir + "/copy.sqlite"
        try await withApp(database: .sqlite(path: dir + "/live/msoko.sqlite")) { app in
            let runtime = MsokoRuntime(app: app)
            let before = try await AuditEntry.query(on: app.db).count()
            let files = try await LocalActVersion.query(on: app.db).all().map { ($0.id!, $0.sha256) }
            XCTAssertGreaterThan(files.count, 10)
            // Edits keep coming while the copy is taken.
            let writer = Task {
                for i in 0..<200 {
                    try await Audit.record(on: app.db, actor: "test", action: "update", entity: "settings", id: nil, summary: "правка \(i)", municipalityID: nil, regionID: nil)
                }
            }
            let v = try await runtime.backup(to: copy)
            try await writer.value
            XCTAssertTrue(v.sound, v.summary)
            XCTAssertGreaterThan(v.files, 0)
            let after = try await AuditEntry.query(on: app.db).count()
            let inCopy = v.tables.first { $0.name == "audit_entries" }!.rows
            XCTAssertTrue((before...after).contains(inCopy), "the copy is the database at one moment: \(before) ≤ \(inCopy) ≤ \(after)")
            // Refuses to overwrite.
            do { _ = try await runtime.backup(to: copy); XCTFail("overwrote") } catch let e as ConfigError { XCTAssertTrue(e.description.contains("уже существует")) }

            // Restored into an empty folder: the same rows, the same files byte for byte.
            let restored = dir + "/restored"
            _ = try await Backup.restore(copy, dataDirectory: restored)
            let again = try await Backup.verify(restored + "/msoko.sqlite")
            XCTAssertTrue(again.sound)
            XCTAssertEqual(again.tables.map(\.name), v.tables.map(\.name))
            XCTAssertEqual(again.tables.map(\.rows), v.tables.map(\.rows))
            let copied = try await Backup.withSQLite(restored + "/msoko.sqlite") { sql in
                try await sql.raw("SELECT id, sha256 FROM local_act_versions").all().map { (try $0.decode(column: "id", as: UUID.self), try $0.decode(column: "sha256", as: String.self)) }
            }
            XCTAssertEqual(Set(copied.map { "\($0.0)\($0.1)" }), Set(files.map { "\($0.0)\($0.1)" }))
            // A folder that has a database is refused.
            do { _ = try await Backup.restore(copy, dataDirectory: restored); XCTFail("restored over a database") } catch let e as ConfigError {
                XCTAssertTrue(e.description.contains("только в пустую папку"), e.description)
            }
        }
    }

    func testADamagedCopyIsCaughtAndNotRestored() async throws {
        guard TestDB.postgresURL == nil else { throw XCTSkip("SQLite files only") }
        let dir = try folder()
        let copy = dir + "/copy.sqlite"
        try await withApp(database: .sqlite(path: dir + "/live/msoko.sqlite")) { app in
            _ = try await MsokoRuntime(app: app).backup(to: copy)
        }
        // A stored file's bytes changed behind its checksum.
        try await Backup.withSQLite(copy) { sql in
            try await sql.raw("UPDATE local_act_versions SET data = X'00010203' WHERE id = (SELECT id FROM local_act_versions LIMIT 1)").run()
        }
        let v = try await Backup.verify(copy)
        XCTAssertFalse(v.sound)
        XCTAssertEqual(v.problems.count, 1)
        XCTAssertTrue(v.problems[0].hasPrefix("Таблица local_act_versions, запись"), v.problems[0])
        do { _ = try await Backup.restore(copy, dataDirectory: dir + "/restored"); XCTFail("restored a damaged copy") } catch let e as ConfigError {
            XCTAssertTrue(e.description.contains("Копия неисправна"))
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/restored/msoko.sqlite"))
        // Not a copy at all.
        try Data("hello".utf8).write(to: URL(fileURLWithPath: dir + "/x.sqlite"))
        do { _ = try await Backup.verify(dir + "/x.sqlite"); XCTFail("accepted a text file") } catch let e as ConfigError {
            XCTAssertTrue(e.description.contains("не резервная копия"))
        }
    }

    func testTheAdministratorMakesACopyAndKeepsTheNewestOnes() async throws {
        guard TestDB.postgresURL == nil else { throw XCTSkip("SQLite files only") }
        let dir = try folder()
        let clock = NIOLockedValueBox(midYear)
        try await withApp(clock: { clock.withLockedValue { $0 } }, database: .sqlite(path: dir + "/live/msoko.sqlite")) { app in
            let admin = Browser(app)
            try await admin.login("admin")
            let empty = try await admin.get("/admin/backups")
            assertContains(empty, "Копий ещё не было.")
            // Settings checked: a relative folder and a count out of range are both named.
            try await admin.post("/admin/backups/settings", ["folder": "копии", "keep": "0"])
            let refused = try await admin.get("/admin/backups")
            assertContains(refused, "укажите полный путь")
            assertContains(refused, "от 1 до 365")
            assertStatus(try await admin.post("/admin/backups/settings", ["folder": dir + "/копии", "keep": "2", "daily": "1"]), .seeOther)
            for minute in 1...3 {
                clock.withLockedValue { $0 = midYear.addingTimeInterval(Double(minute) * 60) }
                try await admin.get("/admin/backups")
                assertStatus(try await admin.post("/admin/backups", [:]), .seeOther)
            }
            let page = try await admin.get("/admin/backups")
            assertContains(page, "Копия записана и проверена")
            assertContains(page, "исправна")
            let kept = BackupController.copies(in: dir + "/копии").map(\.name)
            XCTAssertEqual(kept.count, 2, "\(kept)")
            XCTAssertEqual(kept, ["msoko-2026-01-20T060300Z.sqlite", "msoko-2026-01-20T060200Z.sqlite"], "the newest two kept")
            let sound = try await Backup.verify(dir + "/копии/" + kept[0]).sound
            XCTAssertTrue(sound)
            let audit = try await AuditEntry.query(on: app.db).filter(\.$entity == "backup").count()
            XCTAssertEqual(audit, 3)
            let specialist = Browser(app)
            try await specialist.login("specialist")
            assertStatus(try await specialist.get("/admin/backups"), .forbidden)
        }
    }

    /// The audit log refuses changes in the database itself (issue 20 §4), on SQLite and PostgreSQL.
    func testTheAuditLogIsAppendOnlyInTheDatabase() async throws {
        try await withApp { app in
            let sql = app.db as! any SQLDatabase
            let before = try await AuditEntry.query(on: app.db).count()
            XCTAssertGreaterThan(before, 0)
            for statement in ["UPDATE audit_entries SET summary = 'стёрто'", "DELETE FROM audit_entries"] {
                do {
                    try await sql.raw(SQLQueryString(statement)).run()
                    XCTFail("\(statement) went through")
                } catch {
                    XCTAssertTrue(String(reflecting: error).contains("только дополняется"), String(reflecting: error))
                }
            }
            try await Audit.record(on: app.db, actor: "test", action: "update", entity: "settings", id: nil, summary: "новая запись", municipalityID: nil, regionID: nil)
            let after = try await AuditEntry.query(on: app.db).count()
            XCTAssertEqual(after, before + 1, "appending still works")
        }
    }
}
