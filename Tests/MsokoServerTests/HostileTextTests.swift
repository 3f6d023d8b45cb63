import Fluent
import Foundation
import MsokoCore
import XCTest
import XCTVapor
import ZIPFoundation
@testable import MsokoServer

/// Free text with quotes, apostrophes and angle brackets is accepted and shown as typed: every
/// page of every role, and the documents, escape it (issue 10).
final class HostileTextTests: XCTestCase {
    static let payload = #"МБОУ «Школа» O'Brien "'><img src=x onerror=alert(1)>"#
    /// What must never appear in a page: the payload's markup, raw.
    static let raw = #"<img src=x onerror=alert(1)>"#

    func testHtmlEscapesAllFiveCharacters() {
        let text = #"a & b < c > d " e ' f"#
        let html: HTML = "<p title=\"\(text)\">\(text)</p>"
        XCTAssertEqual(html.markup, #"<p title="a &amp; b &lt; c &gt; d &quot; e &#39; f">a &amp; b &lt; c &gt; d &quot; e &#39; f</p>"#)
        let inner: HTML = "<b>\(Self.payload)</b>"
        XCTAssertEqual(("<div>\(inner)</div>" as HTML).markup, "<div>" + inner.markup + "</div>", "HTML is inserted as it is")
        XCTAssertEqual(HTML.lines("a<\nb").markup, "a&lt;<br>b")
        XCTAssertEqual(HTML.escape("без спецсимволов"), "без спецсимволов")
    }

    /// Seeds every free-text field with the payload: school names, a user's and an observer's
    /// name, a report's text and its file's name, a seminar's topic, a measure's title, an
    /// uploaded results file's name.
    func seed(_ app: Application) async throws {
        let p = Self.payload
        // Through the forms, as people type it (a browser sends a file name's `"` as %22).
        let (head, _, url) = try await app.headOnReportForm()
        assertStatus(try await head.postMultipart(url, ["status": "inProgress", "text": "Сделано: \(p)"], files: [("files[]", "\(p.replacingOccurrences(of: "\"", with: "%22")).pdf", Array("%PDF-1.4".utf8))]), .seeOther)
        let specialist = Browser(app)
        try await specialist.login("specialist")
        let zyr = try await app.school("edu700101")
        assertStatus(try await specialist.post("/admin/schools/\(zyr.id!)", ["fullName": "\(p) (полное)", "shortName": p, "type": "СОШ", "isActive": "1"]), .seeOther)
        assertStatus(try await specialist.post("/seminars", ["date": "01.02.2026", "topic": p, "participants": "\(p)\nвторая строка", "invited": "3", "attended": "2"]), .seeOther)
        // Directly where a form is not the point.
        let m = try await app.measure("1.4")
        m.title = p
        try await m.save(on: app.db)
        for o in try await Observer.query(on: app.db).all() {
            o.fullName = p
            try await o.save(on: app.db)
        }
        let teacher = try await User.query(on: app.db).filter(\.$login == "teacher").first()!
        teacher.name = p
        try await teacher.save(on: app.db)
        for u in try await ResultUpload.query(on: app.db).all() {
            u.fileName = "\(p).xlsx"
            try await u.save(on: app.db)
        }
        // Meetings: titles, places, chairs, participants, minutes, decisions and reports (issue 15).
        for mt in try await Meeting.query(on: app.db).all() {
            (mt.title, mt.place, mt.chairName, mt.number) = (p, p, p, p)
            try await mt.save(on: app.db)
        }
        for pp in try await MeetingParticipant.query(on: app.db).all() {
            (pp.name, pp.post) = (p, p)
            try await pp.save(on: app.db)
        }
        for it in try await MeetingItem.query(on: app.db).all() {
            (it.title, it.heard, it.spoke, it.decided) = (p, p, p, p)
            try await it.save(on: app.db)
        }
        for d in try await Decision.query(on: app.db).all() {
            (d.text, d.report, d.reportForm) = (p, p, p)
            try await d.save(on: app.db)
        }
        // Staff and courses (issue 16 §3): names, positions, subjects, courses, certificates.
        for st in try await StaffMember.query(on: app.db).all() {
            (st.position, st.subjects) = (p, p)
            if st.name != "Смирнова О.И." { st.name = p }  // the fixture is found by name
            try await st.save(on: app.db)
        }
        for c in try await CourseRecord.query(on: app.db).all() {
            (c.title, c.provider, c.certificateNumber) = (p, p, p)
            try await c.save(on: app.db)
        }
        for d in try await DevelopmentPlan.query(on: app.db).all() {
            (d.diagnostic, d.goals, d.activities, d.result) = (p, p, p, p)
            try await d.save(on: app.db)
        }
        for s in try await Seminar.query(on: app.db).all() {
            (s.errorTypes, s.materials, s.tasks) = (p, p, p)
            try await s.save(on: app.db)
        }
        // Associations and recommendations (issue 16 §1).
        for a in try await MethodAssociation.query(on: app.db).all() {
            (a.name, a.subject) = (p, p)
            try await a.save(on: app.db)
        }
        for r in try await Recommendation.query(on: app.db).all() {
            (r.title, r.description, r.subject) = (p, p, p)
            try await r.save(on: app.db)
        }
        // Open information (issue 18): news and published documents, on the public pages and the publishers'.
        for n in try await NewsPost.query(on: app.db).all() {
            (n.title, n.body) = (p, "\(p)\n\n\(p)")
            try await n.save(on: app.db)
        }
        for d in try await PublicDocument.query(on: app.db).all() {
            (d.title, d.number, d.fileName) = (p, p, "\(p).docx")
            try await d.save(on: app.db)
        }
        assertEq(try await app.school("edu700101").shortName, p, "the name is stored as typed")
    }

    func testEveryPageOfEveryRoleShowsHostileTextEscaped() async throws {
        try await withApp { app in
            try await seed(app)
            let fixtures = try await EndpointTests.fixtures(app)
            var failures: [String] = []
            var pages = 0
            var seen = 0
            for login in EndpointTests.logins.dropFirst() {
                let b = Browser(app)
                try await b.login(login)
                let role = try await User.query(on: app.db).filter(\.$login == login).first()!.role
                for e in Site.all where e.method == .GET && e.admits(role) && !e.pattern.hasPrefix("static/") {
                    let res = try await b.get(EndpointTests.path(e, fixtures))
                    guard res.status == .ok else { continue }
                    pages += 1
                    let key = "\(login) GET /\(e.pattern)"
                    let type = res.headers.contentType
                    if type == .json {
                        // JSON is not markup: the text as typed, served as application/json with nosniff.
                        XCTAssertNoThrow(try JSONSerialization.jsonObject(with: Data(buffer: res.body)), key)
                    } else if type == .html {
                        if res.body.string.contains(Self.raw) { failures.append("\(key): the payload unescaped") }
                        if res.body.string.contains("onerror=alert(1)") { seen += 1 }
                        if let markup = EndpointTests.escapedTwice(res) { failures.append("\(key): escaped twice: …\(markup)…") }
                    } else if e.pattern.hasSuffix(".docx") || e.pattern.hasSuffix(".xlsx") || e.pattern.hasSuffix("/export/:format") {
                        let xml = try Self.partsXML(Data(buffer: res.body))
                        if xml.contains(Self.raw) || xml.contains("<img") { failures.append("\(key): the payload unescaped in the document") }
                        if xml.contains("onerror=alert(1)") { seen += 1 }
                    }
                }
            }
            XCTAssertEqual(failures, [], failures.joined(separator: "\n"))
            XCTAssertGreaterThan(pages, 150)
            XCTAssertGreaterThan(seen, 40, "the payload is shown on many pages (as text)")
        }
    }

    func testPayloadShowsAsTypedOnTheSchoolsAndSeminarsPages() async throws {
        try await withApp { app in
            try await seed(app)
            let b = Browser(app)
            try await b.login("specialist")
            let escaped = HTML.escape(Self.payload)
            for path in ["/schools", "/seminars", "/", "/observers"] {
                let body = try await b.get(path).body.string
                XCTAssertTrue(body.contains(escaped), "\(path): the payload as escaped text")
            }
        }
    }

    /// Every XML part of a DOCX or XLSX, joined.
    static func partsXML(_ data: Data) throws -> String {
        let archive = try Archive(data: data, accessMode: .read)
        var text = ""
        for entry in archive where entry.path.hasSuffix(".xml") {
            var out = Data()
            _ = try archive.extract(entry) { out.append($0) }
            text += String(decoding: out, as: UTF8.self)
        }
        return text
    }
}
