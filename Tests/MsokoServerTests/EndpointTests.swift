import Fluent
import SQLKit
import XCTest
import XCTVapor
@testable import MsokoServer

/// The endpoint table (`Site`) is what the server does: every registered route has a line, every
/// role gets what its line says, refused writes change nothing, and the menu is the table's.
final class EndpointTests: XCTestCase {
    static let logins = ["-", "specialist", "head-zyr", "teacher", "methodist", "observer", "commission", "admin"]

    func testEveryRegisteredRouteHasALineAndEveryLineIsRegistered() async throws {
        try await withApp(demo: false) { app in
            let table = Site.all.map { "\($0.method.rawValue) /\($0.pattern)" }
            XCTAssertEqual(Set(table).count, table.count, "an endpoint is listed twice")
            let registered = app.routes.all.map { r in "\(r.method.rawValue) /" + r.path.map(\.description).joined(separator: "/") }
            XCTAssertEqual(registered.filter { !table.contains($0) }, [], "registered without a line in Site")
            XCTAssertEqual(table.filter { !registered.contains($0) }, [], "a line in Site that nothing registers")
            for e in Site.all {
                let parameters = e.pattern.split(separator: "/").filter { $0.hasPrefix(":") }.count
                XCTAssertEqual(e.arity, parameters, "\(e.pattern): the type's parameters differ from the path's")
                if e.menu != nil { XCTAssertTrue(e.method == .GET && parameters == 0, "\(e.pattern): only a plain GET can be in the menu") }
            }
        }
    }

    func testLinksAreBuiltFromTheTable() {
        let id = UUID()
        XCTAssertEqual(Site.analysisClass.url(id, "edu700101", "4А").path, "/procedures/\(id)/analysis/schools/edu700101/classes/4%D0%90")
        XCTAssertEqual(Site.home.url.path, "/")
        XCTAssertEqual(Site.analysisClass.url(id, "a/b?c", "x").path, "/procedures/\(id)/analysis/schools/a%2Fb%3Fc/classes/x")
        XCTAssertEqual(Site.roadmapReportDocx.url.query(["year": "2025-2026", "details": "1", "none": nil]).path, "/reports/roadmap.docx?year=2025-2026&details=1")
        let html: HTML = #"<a href="\#(Site.roadmapReportDocx.url.query(["year": "a&b", "x": "1"]))">"#
        XCTAssertEqual(html.markup, #"<a href="/reports/roadmap.docx?year=a%26b&amp;x=1">"#)
    }

    /// Object ids for every path parameter, from the demo district; nil where the demo has none
    /// (then an admitted role gets 404 and a refused one still 403: the table is checked first).
    static func fixtures(_ app: Application) async throws -> [String: String] {
        let zyr = try await app.school("edu700101").requireID()
        let vpr = try await app.demoVPR().requireID()
        let work = try await WorkRow.query(on: app.db).filter(\.$procedure.$id == vpr).filter(\.$school.$id == zyr).first()
        let observer = try await Observer.query(on: app.db).filter(\.$userID == User.query(on: app.db).filter(\.$login == "observer").first()!.id).first()!
        let assignment = try await ObserverAssignment.query(on: app.db).filter(\.$observer.$id == observer.requireID()).first()
        // The demo's plan of the teacher's class (Зырянская СОШ 4А), with its item, route and re-diagnosis.
        let plan = try await GapPlan.query(on: app.db).filter(\.$school.$id == zyr).first()!
        let pid = try plan.requireID()
        let interview = try await Meeting.query(on: app.db).filter(\.$school.$id == zyr).filter(\.$kind == "interview").first()!.requireID()
        let rmo = try await MethodAssociation.query(on: app.db).filter(\.$school.$id == nil).first()!.requireID()
        let zyrStaff = try await StaffMember.query(on: app.db).filter(\.$school.$id == zyr).filter(\.$name == "Смирнова О.И.").first()!.requireID()
        return [
            "planID": pid.uuidString,
            "itemID": try await GapPlanItem.query(on: app.db).filter(\.$plan.$id == pid).first()!.requireID().uuidString,
            "routeID": try await GapRoute.query(on: app.db).filter(\.$plan.$id == pid).first()!.requireID().uuidString,
            "rediagnosisID": try await GapRediagnosis.query(on: app.db).filter(\.$plan.$id == pid).first()!.requireID().uuidString,
            "procedureID": vpr.uuidString, "schoolID": zyr.uuidString, "login": "edu700101", "className": work?.className ?? "4А", "format": "xlsx",
            "measureID": try await app.measure("1.4").requireID().uuidString,
            "checkpointID": try await app.checkpoints("2.2")[0].requireID().uuidString,
            "userID": try await User.query(on: app.db).filter(\.$login == "teacher").first()!.requireID().uuidString,
            "uploadID": try await ResultUpload.query(on: app.db).filter(\.$procedure.$id == vpr).first()?.id?.uuidString ?? UUID().uuidString,
            "assignmentID": assignment?.id?.uuidString ?? UUID().uuidString,
            "actID": try await ObservationAct.query(on: app.db).first()?.id?.uuidString ?? UUID().uuidString,
            "fileID": UUID().uuidString, "participantID": UUID().uuidString, "scoringID": UUID().uuidString,
            // The demo 4А's parents' codes and its record of informing (Зырянская СОШ).
            "codeID": try await SheetCode.query(on: app.db).filter(\.$school.$id == zyr).filter(\.$revokedAt == nil).first()!.requireID().uuidString,
            "code": try await SheetCode.query(on: app.db).filter(\.$school.$id == zyr).filter(\.$revokedAt == nil).first()!.code,
            "informingID": try await SheetInforming.query(on: app.db).filter(\.$school.$id == zyr).first()!.requireID().uuidString,
            // A version of a local act of Зырянская СОШ still on review (deletable by its head).
            "versionID": try await LocalActVersion.query(on: app.db).filter(\.$school.$id == zyr).filter(\.$act == "marks").first()!.requireID().uuidString,
            // The September interview with Зырянская СОШ, its item and the decision given to its head.
            "meetingID": interview.uuidString,
            "agendaItemID": try await MeetingItem.query(on: app.db).filter(\.$meeting.$id == interview).first()!.requireID().uuidString,
            "decisionID": try await Decision.query(on: app.db).filter(\.$meeting.$id == interview).first()!.requireID().uuidString,
            // A calendar feed's secret that no feed has (404 for everyone).
            "token": "unknown.ics",
            // A teacher of Зырянская СОШ on the staff list, and their course; no staff list was uploaded.
            "staffID": zyrStaff.uuidString,
            "courseID": try await CourseRecord.query(on: app.db).filter(\.$staff.$id == zyrStaff).first()!.requireID().uuidString,
            "importID": UUID().uuidString,
            // The district's РМО of mathematics (every reader sees it), a member, a recommendation
            // it issued and the demo's link of a recommendation to the 4А plan's item.
            "associationID": rmo.uuidString,
            "memberID": try await AssociationMember.query(on: app.db).filter(\.$association.$id == rmo).first()!.requireID().uuidString,
            "recommendationID": try await Recommendation.query(on: app.db).filter(\.$association.$id == rmo).first()!.requireID().uuidString,
            "linkID": try await GapItemRecommendation.query(on: app.db).first()!.requireID().uuidString,
            // The demo seminar planned from the 2025 re-check.
            "seminarID": try await Seminar.query(on: app.db).first()!.requireID().uuidString,
            // The demo teacher's ИОМ at Зырянская СОШ.
            "developmentPlanID": try await DevelopmentPlan.query(on: app.db).first()!.requireID().uuidString,
            // Зырянская СОШ's published local act and its news post (its head may change both).
            "documentID": try await PublicDocument.query(on: app.db).filter(\.$school.$id == zyr).first()!.requireID().uuidString,
            "newsID": try await NewsPost.query(on: app.db).filter(\.$school.$id == zyr).first()!.requireID().uuidString,
        ]
    }

    static func path(_ e: any EndpointEntry, _ fixtures: [String: String]) -> String {
        var path = "/" + e.pattern.split(separator: "/").map { $0.hasPrefix(":") ? SiteURL.encodeSegment(fixtures[String($0.dropFirst())]!) : String($0) }.joined(separator: "/")
        if e.pattern == Site.checkpointReport.pattern { path += "?party=" + fixtures["schoolID"]! }
        if e.pattern == Site.apiGaps.pattern { path += "?school=" + fixtures["login"]! + "&class=" + SiteURL.encodeSegment(fixtures["className"]!) }
        return path
    }

    /// Admitted, and still refused by the object's scope on these fixtures (not by the table):
    /// each with its reason.
    static let scopeRefusals: [String: String] = [
        // Not registered as observers: their own observer pages are refused by the loader; the
        // specialist and the methodist are observers, but the fixture assignment is not theirs.
        "teacher GET /observer": "403", "commission GET /observer": "403", "admin GET /observer": "403", "head-zyr GET /observer": "403",
        "teacher GET /observer/assignments/:assignmentID": "403", "commission GET /observer/assignments/:assignmentID": "403",
        "admin GET /observer/assignments/:assignmentID": "403", "head-zyr GET /observer/assignments/:assignmentID": "403",
        "specialist GET /observer/assignments/:assignmentID": "404", "methodist GET /observer/assignments/:assignmentID": "404",
        // The fixture checkpoint is a school's (Зырянская СОШ): a methodist does not report for a school.
        "methodist GET /checkpoints/:checkpointID/report": "403",
        // A teacher sees their school's page; other roles outside the district's see none.
        "observer GET /schools/:schoolID": "403", "commission GET /schools/:schoolID": "403",
        // The demo's uploaded results file is the district's, not one the school sent itself.
        "head-zyr GET /uploads/:uploadID": "403",
        // The interview with Зырянская СОШ: its head reads it and reports on the decision given to
        // them, but the district runs it; a teacher or methodist outside it sees none of it.
        "teacher GET /meetings/:meetingID": "403", "methodist GET /meetings/:meetingID": "403",
        "teacher GET /meetings/:meetingID/protocol.docx": "403", "methodist GET /meetings/:meetingID/protocol.docx": "403",
        "teacher GET /meetings/:meetingID/dossier": "403", "methodist GET /meetings/:meetingID/dossier": "403",
        "teacher GET /meetings/:meetingID/dossier.docx": "403", "methodist GET /meetings/:meetingID/dossier.docx": "403",
        "methodist GET /meetings/:meetingID/order.docx": "403", "head-zyr GET /meetings/:meetingID/order.docx": "403",
        "methodist GET /meetings/:meetingID/delete": "403", "head-zyr GET /meetings/:meetingID/delete": "403",
        "methodist GET /meeting-items/:agendaItemID/delete": "403", "head-zyr GET /meeting-items/:agendaItemID/delete": "403",
        "teacher GET /decisions/:decisionID": "403", "methodist GET /decisions/:decisionID": "403",
        "methodist GET /decisions/:decisionID/delete": "403", "head-zyr GET /decisions/:decisionID/delete": "403",
        // A teacher is admitted to the meeting editors' lines only for a school association they
        // lead (`MeetingViewer.edits`); the interview is not theirs, nor a new meeting of any kind.
        "teacher GET /meetings/new": "403", "teacher GET /meetings/:meetingID/delete": "403",
        "teacher GET /meeting-items/:agendaItemID/delete": "403", "teacher GET /decisions/:decisionID/delete": "403",
        // The interview is no association's sitting (404 to those who see it) and unseen by these.
        "teacher GET /meetings/:meetingID/recommendations.docx": "403", "methodist GET /meetings/:meetingID/recommendations.docx": "403",
        // The district's РМО is the specialist's to set up and the methodist's to keep: a head
        // manages only their school's, a teacher keeps only one they lead.
        "head-zyr GET /associations/:associationID/delete": "403",
        "head-zyr GET /recommendations/:recommendationID/delete": "403", "teacher GET /recommendations/:recommendationID/delete": "403",
    ]

    /// A page whose markup shows as text (a fragment built as `String` and escaped into `HTML`),
    /// or text escaped twice: the surrounding characters, or nil.
    static func escapedTwice(_ res: XCTHTTPResponse) -> String? {
        guard res.headers.contentType == .html else { return nil }
        // A snippet to copy (`<textarea class="code">`, the school's block) is markup shown as text on purpose.
        let body = res.body.string.replacingOccurrences(of: #"<textarea[^>]*class="code"[^>]*>[^<]*</textarea>"#, with: "", options: .regularExpression)
        // Any tag shown as text (the hostile texts' own `<img …>` aside), or an entity escaped again.
        let pattern = #"&lt;/?(?!img )[a-z][a-z0-9]*(\s|&gt;|/)|&amp;(lt|gt|quot|amp|#39);"#
        if let r = body.range(of: pattern, options: .regularExpression) {
            let from = body.index(r.lowerBound, offsetBy: -60, limitedBy: body.startIndex) ?? body.startIndex
            let to = body.index(r.upperBound, offsetBy: 60, limitedBy: body.endIndex) ?? body.endIndex
            return String(body[from..<to])
        }
        return nil
    }

    func testEveryEndpointAnswersEveryRoleAsTheTableSays() async throws {
        try await withApp { app in
            let fixtures = try await Self.fixtures(app)
            var failures: [String] = []
            for login in Self.logins {
                let b = Browser(app)
                let role = login == "-" ? nil : try await User.query(on: app.db).filter(\.$login == login).first()!.role
                if login != "-" { assertEq(try await b.login(login).status, .seeOther, login) }
                for e in Site.all where e.method == .GET && e.access != .anyone {
                    let res = try await b.get(Self.path(e, fixtures))
                    let location = res.headers.first(name: .location) ?? ""
                    let got = res.status == .seeOther ? (location.hasPrefix("/login") ? "L" : "R") : "\(res.status.code)"
                    let key = "\(login) GET /\(e.pattern)"
                    let isAPI = e.pattern.hasPrefix("api/")
                    var expected: Set<String>
                    if role == nil {
                        expected = [isAPI ? "401" : "L"]
                    } else if !e.admits(role) {
                        expected = ["403"]
                    } else if role.map(e.redirecting.contains) == true {
                        expected = ["R"]
                    } else if let refused = Self.scopeRefusals[key] {
                        expected = [refused]
                    } else {
                        // The page (or a file), a redirect the page makes, or 404 for a fixture the demo lacks.
                        expected = ["200", "R", "404"]
                    }
                    if !expected.contains(got) { failures.append("\(key): expected \(expected.sorted()), got \(got)") }
                    if let markup = Self.escapedTwice(res) { failures.append("\(key): markup escaped as text: …\(markup)…") }
                }
            }
            XCTAssertEqual(failures, [], failures.joined(separator: "\n"))
        }
    }

    /// Every table's rows, as text (SQLite: each column quoted; PostgreSQL: the row as text),
    /// except the sessions and sign-in attempts that signing in itself writes.
    static func snapshot(_ db: Database) async throws -> [String: String] {
        let sql = db as! any SQLDatabase
        var out: [String: String] = [:]
        if sql.dialect.name == "sqlite" {
            let tables = try await sql.raw("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all().map { try $0.decode(column: "name", as: String.self) }
            for t in tables where !["user_sessions", "login_attempts"].contains(t) {
                let columns = try await sql.raw("SELECT name FROM pragma_table_info(\(bind: t))").all().map { try $0.decode(column: "name", as: String.self) }
                let row = columns.map { "quote(\"\($0)\")" }.joined(separator: " || ',' || ")
                let text = try await sql.raw("SELECT count(*) AS n, coalesce(group_concat(r, '|'), '') AS rows FROM (SELECT \(unsafeRaw: row) AS r FROM \"\(unsafeRaw: t)\" ORDER BY r)").first()
                out[t] = try "\(text!.decode(column: "n", as: Int.self)):\(text!.decode(column: "rows", as: String.self))"
            }
        } else {
            let tables = try await sql.raw("SELECT tablename FROM pg_tables WHERE schemaname = 'public'").all().map { try $0.decode(column: "tablename", as: String.self) }
            for t in tables where !["user_sessions", "login_attempts"].contains(t) {
                let text = try await sql.raw("SELECT count(*)::text || ':' || coalesce(md5(string_agg(x::text, '|' ORDER BY x::text)), '') AS s FROM \"\(unsafeRaw: t)\" x").first()
                out[t] = try text!.decode(column: "s", as: String.self)
            }
        }
        return out
    }

    func testEveryWriteRefusedOutsideItsRolesChangesNothing() async throws {
        try await withApp { app in
            let fixtures = try await Self.fixtures(app)
            var browsers: [(String, Role?, Browser)] = []
            for login in Self.logins {
                let b = Browser(app)
                if login == "-" { try await b.get("/login") } else { assertEq(try await b.login(login).status, .seeOther, login) }
                let role = login == "-" ? nil : try await User.query(on: app.db).filter(\.$login == login).first()!.role
                browsers.append((login, role, b))
            }
            let before = try await Self.snapshot(app.db)
            var failures: [String] = []
            var tried = 0
            for e in Site.all where e.method == .POST && e.access != .anyone {
                for (login, role, b) in browsers where !e.admits(role) {
                    let form = ["name": "X", "status": "done", "text": "x", "date": "01.02.2026", "topic": "t", "invited": "1", "attended": "1"]
                    let res = e.upload != nil
                        ? try await b.postMultipart(Self.path(e, fixtures), form, files: [("file", "x.csv", Array("a;b\n".utf8))])
                        : try await b.post(Self.path(e, fixtures), form)
                    let location = res.headers.first(name: .location) ?? ""
                    let ok = role == nil ? (res.status == .seeOther && location.hasPrefix("/login")) || res.status == .unauthorized : res.status == .forbidden
                    if !ok { failures.append("\(login) POST /\(e.pattern): \(res.status.code) \(location)") }
                    tried += 1
                }
            }
            XCTAssertGreaterThan(tried, 100)
            XCTAssertEqual(failures, [], failures.joined(separator: "\n"))
            let after = try await Self.snapshot(app.db)
            XCTAssertEqual(after.keys.sorted(), before.keys.sorted())
            XCTAssertNotNil(before["audit_entries"])
            for (table, rows) in before where after[table] != rows { XCTFail("\(table) changed") }
        }
    }

    func testTheMenuIsTheTable() async throws {
        try await withApp { app in
            for login in Self.logins.dropFirst() {
                let user = try await User.query(on: app.db).filter(\.$login == login).first()!
                let isObserver = try await Observer.query(on: app.db).filter(\.$userID == user.id).count() > 0
                let b = Browser(app)
                try await b.login(login)
                let page = try await b.get("/tasks").body.string
                let nav = page.components(separatedBy: #"<nav class="main-nav""#).dropFirst().first?.components(separatedBy: "</nav>").first ?? ""
                let shown = nav.components(separatedBy: #"href=""#).dropFirst().map { String($0.prefix { $0 != "\"" }) }
                let expected = Site.all.filter { e in
                    guard let m = e.menu else { return false }
                    return e.access.allows(user.role) && (!m.observersOnly || isObserver)
                }.sorted { $0.menu!.order < $1.menu!.order }.map { "/" + $0.pattern }
                XCTAssertEqual(shown, expected, login)
                for href in shown {
                    let res = try await b.get(href)
                    XCTAssertTrue(res.status == .ok || (res.status == .seeOther && href == "/my-school"), "\(login) \(href): \(res.status)")
                }
            }
        }
    }
}
