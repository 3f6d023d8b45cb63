import Fluent
import Foundation
import MsokoCore
import NIOConcurrencyHelpers
import XCTest
import XCTVapor
@testable import MsokoServer

/// Parents' access without an account (issue 14 §3-4): codes issued by the school, `/r/CODE`
/// opening one sheet and recording it, wrong/expired/revoked codes refused alike and throttled,
/// «охват», the record of informing attached to measure 2.2.
final class SheetAccessTests: XCTestCase {
    static let batch = "/sheets/schools/edu700101/classes/4%D0%90"

    /// An anonymous GET from `address` (a proxy's X-Forwarded-For), its status and body.
    static func open(_ app: Application, _ path: String, from address: String? = nil) async throws -> XCTHTTPResponse {
        var h = HTTPHeaders()
        if let address { h.add(name: "X-Forwarded-For", value: address) }
        return try await app.testable().sendRequest(.GET, path, headers: h)
    }

    /// The demo's 4А codes replaced by fresh ones the head issues now.
    static func issued(_ app: Application, _ p: Procedure) async throws -> (Browser, [SheetCode]) {
        try await SheetCode.query(on: app.db).delete()
        let head = Browser(app)
        try await head.login("head-zyr")
        try await head.get("/procedures/\(p.id!)\(batch)")
        let res = try await head.post("/procedures/\(p.id!)\(batch)/codes", ["expires": "2026-03-01"])
        assertStatus(res, .seeOther)
        try await head.get("/procedures/\(p.id!)\(batch)")
        return (head, try await SheetCode.query(on: app.db).all())
    }

    func testTheHeadIssuesCodesAndAParentOpensExactlyTheirChildsSheet() async throws {
        try await withApp { app in
            let p = try await app.demoVPR()
            let (head, codes) = try await Self.issued(app, p)
            let works = try await GapsQuery.works(p, school: try await app.school("edu700101"), className: "4А", on: app.db).works
            XCTAssertEqual(Set(codes.map(\.studentCode)), Set(works.map(\.code)), "a code per participant")
            XCTAssertEqual(Set(codes.map(\.code)).count, codes.count)
            XCTAssertTrue(codes.allSatisfy { AccessCode.normalize($0.code) == $0.code && $0.expiresOn == "2026-03-01" })
            // Issuing again makes no new codes, only moves the date.
            try await head.post("/procedures/\(p.id!)\(Self.batch)/codes", ["expires": "2026-03-10"])
            let again = try await SheetCode.query(on: app.db).all()
            XCTAssertEqual(Set(again.map(\.code)), Set(codes.map(\.code)))
            XCTAssertTrue(again.allSatisfy { $0.expiresOn == "2026-03-10" })
            // Each sheet of the batch carries its code, its link and a QR code.
            let page = try await head.get("/procedures/\(p.id!)\(Self.batch)")
            for c in codes { assertContains(page, SheetAccess.grouped(c.code)); assertContains(page, "/r/\(c.code)") }
            XCTAssertEqual(page.body.string.components(separatedBy: #"<svg xmlns="http://www.w3.org/2000/svg" class="qr""#).count - 1, codes.count)

            // A parent (no session) opens one sheet: their child's, typed in any case with dashes.
            let c = codes.sorted { $0.studentCode < $1.studentCode }[1]
            let res = try await Self.open(app, "/r/" + SheetAccess.grouped(c.code).lowercased())
            assertStatus(res, .ok)
            assertContains(res, "Результаты участника \(c.studentCode)")
            for other in works where other.code != c.studentCode { assertNotContains(res, "Результаты участника \(other.code)") }
            XCTAssertEqual(res.headers.first(name: "Referrer-Policy"), "no-referrer")
            XCTAssertEqual(res.headers.first(name: .cacheControl), "no-store")
            // The opening is recorded and audited; the school sees «просмотрено».
            let opened = try await SheetCode.find(c.id, on: app.db)!
            XCTAssertEqual(opened.openings, 1)
            XCTAssertNotNil(opened.firstOpenedAt)
            let audit = try await AuditEntry.query(on: app.db).filter(\.$action == "open").all()
            XCTAssertEqual(audit.count, 1)
            XCTAssertNil(audit[0].userLogin)
            XCTAssertTrue(audit[0].summary?.contains(c.studentCode) == true)
            XCTAssertFalse(audit[0].summary?.contains(c.code) == true, "the code itself stays out of the log")
            let after = try await head.get("/procedures/\(p.id!)\(Self.batch)")
            let sheet = after.body.string.components(separatedBy: #"id="sheet-\#(c.studentCode)""#)[1].components(separatedBy: "</section>")[0]
            XCTAssertTrue(sheet.contains("просмотрено"), sheet)
            // A signed-in member of staff trying the link is not counted as the family.
            let staff = try await head.get("/r/\(c.code)")
            assertStatus(staff, .ok)
            assertContains(staff, "не засчитано")
            let count = try await SheetCode.find(c.id, on: app.db)!.openings
            XCTAssertEqual(count, 1)
            // The typed form leads to the same page.
            let typed = try await Self.open(app, "/r?code=" + SheetAccess.grouped(c.code).lowercased())
            assertStatus(typed, .seeOther)
            XCTAssertEqual(typed.headers.first(name: .location), "/r/\(c.code)")
        }
    }

    func testWrongExpiredAndRevokedCodesAreRefusedAlike() async throws {
        try await withApp { app in
            let p = try await app.demoVPR()
            let (head, codes) = try await Self.issued(app, p)
            let sorted = codes.sorted { $0.studentCode < $1.studentCode }
            let (revoked, expired, reissued) = (sorted[0], sorted[1], sorted[2])
            let page = try await head.get("/sheet-codes/\(revoked.id!)")
            assertStatus(page, .ok)
            assertContains(page, SheetAccess.grouped(revoked.code))
            assertStatus(try await head.post("/sheet-codes/\(revoked.id!)/revoke", [:]), .seeOther)
            expired.expiresOn = "2026-01-19"
            try await expired.save(on: app.db)
            let next = try await head.post("/sheet-codes/\(reissued.id!)/reissue", [:])
            assertStatus(next, .seeOther)
            let fresh = try await SheetCode.query(on: app.db).filter(\.$studentCode == reissued.studentCode).filter(\.$revokedAt == nil).all()
            XCTAssertEqual(fresh.count, 1)
            XCTAssertNotEqual(fresh[0].code, reissued.code)

            let unknown = String(repeating: "A", count: 12)
            var bodies: [String] = []
            for path in ["/r/\(revoked.code)", "/r/\(expired.code)", "/r/\(reissued.code)", "/r/\(unknown)", "/r/abc", "/r/%3Cscript%3E", "/r/\(String(revoked.code.prefix(11)))0"] {
                let res = try await Self.open(app, path)
                assertStatus(res, .notFound, path)
                bodies.append(res.body.string)
            }
            XCTAssertEqual(Set(bodies).count, 1, "one and the same answer tells a guesser nothing")
            assertStatus(try await Self.open(app, "/r/\(fresh[0].code)"), .ok)
            let audit = try await AuditEntry.query(on: app.db).filter(\.$entity == "sheet_code").all().map(\.action)
            XCTAssertEqual(Set(audit), ["create", "revoke", "reissue", "open"])
        }
    }

    func testMissesAreThrottledPerAddressInTheDatabase() async throws {
        let clock = NIOLockedValueBox(midYear)
        try await withApp(trustProxy: true, clock: { clock.withLockedValue { $0 } }) { app in
            let p = try await app.demoVPR()
            let (_, codes) = try await Self.issued(app, p)
            let good = codes[0].code
            var statuses: [HTTPStatus] = []
            for k in 0..<21 { statuses.append(try await Self.open(app, "/r/AAAAAAAAAA\(k % 2 == 0 ? "AA" : "C")", from: "203.0.113.5").status) }
            XCTAssertEqual(statuses.prefix(20).filter { $0 == .notFound }.count, 20)
            XCTAssertEqual(statuses.last, .tooManyRequests)
            // Over the limit even the right code waits; another address does not.
            let blocked = try await Self.open(app, "/r/\(good)", from: "203.0.113.5")
            assertStatus(blocked, .tooManyRequests)
            XCTAssertNotNil(blocked.headers.first(name: "Retry-After"))
            assertStatus(try await Self.open(app, "/r/\(good)", from: "198.51.100.1"), .ok)
            // The counters are rows in the database (shared by every app node).
            let row = try await LoginAttempt.find("sheet-code:203.0.113.5", on: app.db)
            XCTAssertEqual(row?.failures, 20, "the refused 21st is not counted: the window is fixed from the first miss")
            // When the window clears, the address may try again.
            clock.withLockedValue { $0 = midYear.addingTimeInterval(10 * 60 + 1) }
            assertStatus(try await Self.open(app, "/r/\(good)", from: "203.0.113.5"), .ok)
        }
    }

    func testTheAddressComesFromTheProxyOnlyWhenTrusted() async throws {
        try await withApp(trustProxy: false) { app in
            let p = try await app.demoVPR()
            let (_, codes) = try await Self.issued(app, p)
            // Without a trusted proxy a client cannot dodge the limit by naming a new address each time.
            for k in 0..<20 { assertStatus(try await Self.open(app, "/r/AAAAAAAAAAAA", from: "192.0.2.\(k)"), .notFound) }
            assertStatus(try await Self.open(app, "/r/\(codes[0].code)", from: "192.0.2.99"), .tooManyRequests)
        }
    }

    func testConcurrentGuessesGetNoMoreThanTheLimit() async throws {
        try await withApp(trustProxy: true) { app in
            let statuses = try await HardeningTests.concurrently(30) {
                try await Self.open(app, "/r/AAAAAAAAAAAA", from: "203.0.113.77").status
            }
            XCTAssertEqual(statuses.filter { $0 == .notFound }.count, 20, "\(statuses)")
            XCTAssertEqual(statuses.filter { $0 == .tooManyRequests }.count, 10)
        }
    }

    func testIssuingIsValidatedAndScoped() async throws {
        try await withApp { app in
            let p = try await app.demoVPR()
            try await SheetCode.query(on: app.db).delete()
            let head = Browser(app)
            try await head.login("head-zyr")
            try await head.get("/procedures/\(p.id!)\(Self.batch)")
            for (typed, problem) in [("", "укажите дату"), ("31.02.2026", "ожидается дата"), ("2026-01-01", "от сегодняшней"), ("2028-01-01", "от сегодняшней")] {
                try await head.post("/procedures/\(p.id!)\(Self.batch)/codes", ["expires": typed])
                let page = try await head.get("/procedures/\(p.id!)\(Self.batch)")
                assertContains(page, "Коды не выданы")
                assertContains(page, problem)
            }
            let none = try await SheetCode.query(on: app.db).count()
            XCTAssertEqual(none, 0)
            // The default date offered is 60 days on.
            let page = try await head.get("/procedures/\(p.id!)\(Self.batch)")
            assertContains(page, #"name="expires" value="2026-03-21""#)
            // Another school's head, and the district, cannot issue; the district sees no parents' codes.
            let mih = Browser(app)
            try await mih.login("head-mih")
            assertStatus(try await mih.post("/procedures/\(p.id!)\(Self.batch)/codes", ["expires": "2026-03-01"]), .forbidden)
            let specialist = Browser(app)
            try await specialist.login("specialist")
            assertStatus(try await specialist.post("/procedures/\(p.id!)\(Self.batch)/codes", ["expires": "2026-03-01"]), .forbidden)
            try await head.post("/procedures/\(p.id!)\(Self.batch)/codes", ["expires": "2026-03-01"])
            let code = try await SheetCode.query(on: app.db).first()!
            let district = try await specialist.get("/procedures/\(p.id!)\(Self.batch)")
            assertStatus(district, .ok)
            assertNotContains(district, code.code)
            assertNotContains(district, SheetAccess.grouped(code.code))
            assertStatus(try await mih.get("/sheet-codes/\(code.id!)"), .forbidden)
            assertStatus(try await mih.post("/sheet-codes/\(code.id!)/revoke", [:]), .forbidden)
            // The class's teacher manages their class's codes.
            let teacher = Browser(app)
            try await teacher.login("teacher")
            assertStatus(try await teacher.get("/sheet-codes/\(code.id!)"), .ok)
            // The DOCX the school prints carries each sheet's link and code.
            let docx = try await head.get("/procedures/\(p.id!)\(Self.batch)?format=docx")
            let xml = try documentXML(Data(docx.body.readableBytesView))
            XCTAssertTrue(xml.contains("/r/\(code.code)"))
            XCTAssertTrue(xml.contains(SheetAccess.grouped(code.code)))
        }
    }

    func testCoverageAndTheRecordOfInformingAttachedTo22() async throws {
        try await withApp { app in
            let p = try await app.demoVPR()
            let (head, codes) = try await Self.issued(app, p)
            for c in codes.prefix(3) { assertStatus(try await Self.open(app, "/r/\(c.code)"), .ok) }
            let coverage = try await head.get("/procedures/\(p.id!)/sheets")
            assertStatus(coverage, .ok)
            let row = coverage.body.string.components(separatedBy: ">4А</a>")[1].components(separatedBy: "</tr>")[0]
            let numbers = row.components(separatedBy: #"<td class="num">"#).dropFirst().map { $0.components(separatedBy: "<")[0] }
            XCTAssertEqual(numbers, [String(codes.count), String(codes.count), "3", "\(Int((3.0 / Double(codes.count) * 100).rounded())) %"])
            assertNotContains(coverage, "Михайловская")
            let district = Browser(app)
            try await district.login("specialist")
            let all = try await district.get("/procedures/\(p.id!)/sheets")
            assertContains(all, "Михайловская")

            // A teacher records the parents' meeting with its protocol; a bad file is named and nothing is stored.
            let teacher = Browser(app)
            try await teacher.login("teacher")
            try await teacher.get("/procedures/\(p.id!)\(Self.batch)")
            try await teacher.postMultipart("/procedures/\(p.id!)\(Self.batch)/informed", ["date": "2026-01-15", "kind": "meeting", "note": ""],
                                            files: [("file", "protocol.pdf", Array("not a pdf".utf8))])
            let bad = try await teacher.get("/procedures/\(p.id!)\(Self.batch)")
            assertContains(bad, "поле «Файл»")
            try await teacher.postMultipart("/procedures/\(p.id!)\(Self.batch)/informed", ["date": "2026-02-15", "kind": "meeting"], files: [])
            assertContains(try await teacher.get("/procedures/\(p.id!)\(Self.batch)"), "ещё не наступило")
            let before = try await SheetInforming.query(on: app.db).count()
            let pdf = Array("%PDF-1.4\n% протокол собрания\n".utf8)
            try await teacher.postMultipart("/procedures/\(p.id!)\(Self.batch)/informed", ["date": "2026-01-15", "kind": "meeting", "note": "21 из 25"],
                                            files: [("file", "protocol.pdf", pdf)])
            let records = try await SheetInforming.query(on: app.db).all()
            XCTAssertEqual(records.count, before + 1)
            let r = try XCTUnwrap(records.first { $0.note == "21 из 25" })
            XCTAssertEqual(r.data.map { Array($0) }, pdf)
            // Only the head attaches, in one click, to measure 2.2's report: the справка and the protocol.
            assertStatus(try await teacher.post("/sheet-informings/\(r.id!)/attach", [:]), .forbidden)
            try await head.get("/procedures/\(p.id!)\(Self.batch)")
            assertStatus(try await head.post("/sheet-informings/\(r.id!)/attach", [:]), .seeOther)
            let m = try await app.measure("2.2")
            let school = try await app.school("edu700101")
            let reports = try await CheckpointReport.query(on: app.db).filter(\.$schoolID == school.id).with(\.$checkpoint).all()
                .filter { $0.checkpoint.$measure.id == m.id }
            let files = try await EvidenceFile.query(on: app.db).filter(\.$report.$id ~~ reports.map { $0.id! }).all()
            XCTAssertEqual(Set(files.map(\.fileName)), ["Информирование 4А \(school.shortName) 15.01.2026.docx", "protocol.pdf"])
            let doc = try documentXML(files.first { $0.fileName.hasSuffix(".docx") }!.data)
            XCTAssertTrue(doc.contains("Семей открыли лист по коду"))
            XCTAssertTrue(doc.contains("21 из 25"))
            let attached = try await SheetInforming.find(r.id, on: app.db)
            XCTAssertNotNil(attached?.attachedAt)
            // Another school's head sees neither the record nor its file.
            let mih = Browser(app)
            try await mih.login("head-mih")
            assertStatus(try await mih.get("/sheet-informings/\(r.id!)/file"), .forbidden)
            let file = try await head.get("/sheet-informings/\(r.id!)/file")
            XCTAssertEqual(Array(file.body.readableBytesView), pdf)
            // Deleting asks first.
            assertStatus(try await teacher.get("/sheet-informings/\(r.id!)/delete"), .ok)
            try await teacher.get("/procedures/\(p.id!)\(Self.batch)")
            assertStatus(try await teacher.post("/sheet-informings/\(r.id!)/delete", [:]), .seeOther)
            let gone = try await SheetInforming.find(r.id, on: app.db)
            XCTAssertNil(gone)
        }
    }
}
