import Fluent
import Foundation
import MsokoCore
import XCTest
import XCTVapor
import ZIPFoundation
@testable import MsokoServer

/// Test databases: SQLite in memory by default; PostgreSQL when MSOKO_TEST_DATABASE_URL is set
/// (the README's test script runs the suite once for each). Every test starts from a clean
/// database: PostgreSQL is reverted and migrated again.
enum TestDB {
    static var postgresURL: String? {
        let url = ProcessInfo.processInfo.environment["MSOKO_TEST_DATABASE_URL"]
        return url?.isEmpty == false ? url : nil
    }
}

/// 20 January 2026, noon in Tomsk: mid-year, so checkpoints are both past and future.
let midYear = Date(timeIntervalSince1970: 1_768_888_800)

func withApp(now: Date = midYear, demo: Bool = true, maxEvidenceBytes: Int = 20 * 1024 * 1024, trustProxy: Bool = false,
             clock: (@Sendable () -> Date)? = nil, database chosen: AppConfig.Database? = nil,
             _ body: (Application) async throws -> Void) async throws {
    let app = try await Application.make(.testing)
    app.storage[ClockKey.self] = clock ?? { now }
    let database: AppConfig.Database = chosen ?? TestDB.postgresURL.map { .postgres(url: $0) } ?? .sqliteMemory
    do {
        var config = AppConfig(database: database, dataDirectory: NSTemporaryDirectory(), maxEvidenceBytes: maxEvidenceBytes)
        config.trustProxy = trustProxy
        try await configure(app, config: config)
        if TestDB.postgresURL != nil {
            try await app.autoRevert()
        }
        try await app.autoMigrate()
        if demo { try await DemoDistrict.load(on: app.db, now: now) }
        try await body(app)
    } catch {
        try? await app.asyncShutdown()
        throw error
    }
    try await app.asyncShutdown()
}

/// A browser-like client: keeps msoko's cookies (the session, the anonymous CSRF token, a
/// one-shot message) and the page's CSRF token.
final class Browser {
    let app: Application
    var cookies: [String: String] = [:]
    var csrf: String?
    var bearer: String?

    init(_ app: Application) { self.app = app }

    /// The session cookie.
    var cookie: String? {
        get { cookies["msoko_session"] }
        set { cookies["msoko_session"] = newValue }
    }

    var headers: HTTPHeaders {
        var h = HTTPHeaders()
        if !cookies.isEmpty { h.add(name: .cookie, value: cookies.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")) }
        if let bearer { h.bearerAuthorization = BearerAuthorization(token: bearer) }
        return h
    }

    @discardableResult
    func get(_ path: String) async throws -> XCTHTTPResponse {
        let res = try await app.testable().sendRequest(.GET, path, headers: headers)
        remember(res)
        return res
    }

    @discardableResult
    func post(_ path: String, _ form: [String: String], withCSRF: Bool = true) async throws -> XCTHTTPResponse {
        var fields = form
        if withCSRF, let csrf { fields["_csrf"] = csrf }
        var h = headers
        h.contentType = .urlEncodedForm
        let body = fields.map { key, value in
            "\(key.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)=\(value.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)"
        }.joined(separator: "&")
        let res = try await app.testable().sendRequest(.POST, path, headers: h, body: ByteBuffer(string: body))
        remember(res)
        return res
    }

    /// A form with repeated fields (`number[]` …), in the order given, as a browser sends a table of inputs.
    @discardableResult
    func postForm(_ path: String, _ form: [String: String], lists: [String: [String]]) async throws -> XCTHTTPResponse {
        var pairs = form.map { ($0.key, $0.value) }
        if let csrf { pairs.append(("_csrf", csrf)) }
        for (key, values) in lists.sorted(by: { $0.key < $1.key }) { pairs += values.map { (key, $0) } }
        var h = headers
        h.contentType = .urlEncodedForm
        let body = pairs.map { key, value in
            "\(key.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)=\(value.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)"
        }.joined(separator: "&")
        let res = try await app.testable().sendRequest(.POST, path, headers: h, body: ByteBuffer(string: body))
        remember(res)
        return res
    }

    /// A multipart form with files: (field, file name, bytes).
    @discardableResult
    func postMultipart(_ path: String, _ form: [String: String], files: [(String, String, [UInt8])]) async throws -> XCTHTTPResponse {
        let boundary = "----msoko\(UUID().uuidString)"
        var body = ByteBuffer()
        let fields = form
        // An upload's token travels in the query string: the body is read after the role check.
        var path = path
        if let csrf { path += (path.contains("?") ? "&" : "?") + "_csrf=" + (csrf.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "") }
        for (k, v) in fields {
            body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(k)\"\r\n\r\n\(v)\r\n")
        }
        for (field, name, bytes) in files {
            body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(field)\"; filename=\"\(name)\"\r\nContent-Type: application/octet-stream\r\n\r\n")
            body.writeBytes(bytes)
            body.writeString("\r\n")
        }
        body.writeString("--\(boundary)--\r\n")
        var h = headers
        h.replaceOrAdd(name: .contentType, value: "multipart/form-data; boundary=\(boundary)")
        let res = try await app.testable().sendRequest(.POST, path, headers: h, body: body)
        remember(res)
        return res
    }

    func remember(_ res: XCTHTTPResponse) {
        for value in res.headers[.setCookie] {
            guard let eq = value.firstIndex(of: "=") else { continue }
            let name = String(value[..<eq])
            let v = value[value.index(after: eq)...].prefix { $0 != ";" }
            cookies[name] = v.isEmpty ? nil : String(v)
        }
        let text = res.body.string
        if let r = text.range(of: #"name="_csrf" value="[^"]+""#, options: .regularExpression) {
            csrf = String(text[r].dropFirst(#"name="_csrf" value=""#.count).dropLast())
        }
    }

    @discardableResult
    func login(_ login: String, password: String = "demo") async throws -> XCTHTTPResponse {
        try await get("/login")
        let res = try await post("/login", ["login": login, "password": password])
        if res.status == .seeOther { try await get("/tasks") }  // pick up the new session's CSRF token
        return res
    }
}

extension Application {
    func school(_ login: String) async throws -> School {
        try await School.query(on: db).filter(\.$login == login).first()!
    }

    func measure(_ number: String) async throws -> Measure {
        try await Measure.query(on: db).filter(\.$number == number).first()!
    }

    /// The demo's ВПР 2026, mathematics, grade 4: the procedure most tests read.
    func demoVPR() async throws -> Procedure {
        try await Procedure.query(on: db).filter(\.$year == 2026).filter(\.$subject == "Математика").filter(\.$grade == 4).first()!
    }

    func checkpoints(_ number: String) async throws -> [Checkpoint] {
        try await Checkpoint.query(on: db).filter(\.$measure.$id == measure(number).requireID()).sort(\.$seq).all()
    }
}

func assertStatus(_ res: XCTHTTPResponse, _ status: HTTPStatus, _ message: String = "", file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(res.status, status, message, file: file, line: line)
}

func assertContains(_ res: XCTHTTPResponse, _ needle: String, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertTrue(res.body.string.contains(needle), "«\(needle)» not in response", file: file, line: line)
}

func assertNotContains(_ res: XCTHTTPResponse, _ needle: String, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertFalse(res.body.string.contains(needle), "«\(needle)» unexpectedly in response", file: file, line: line)
}

func assertLocation(_ res: XCTHTTPResponse, _ location: String, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(res.headers.first(name: .location), location, file: file, line: line)
}

/// XCTAssertEqual without an autoclosure, so `try await` can stand in the arguments.
func assertEq<T: Equatable>(_ a: T, _ b: T, _ message: String = "", file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(a, b, message, file: file, line: line)
}

/// The text of word/document.xml inside a DOCX.
func documentXML(_ data: Data) throws -> String {
    let archive = try Archive(data: data, accessMode: .read)
    var out = Data()
    _ = try archive.extract(archive["word/document.xml"]!) { out.append($0) }
    return String(decoding: out, as: UTF8.self)
}

extension Application {
    /// The head of Зырянская СОШ signed in with the May 2026 checkpoint of measure 2.2 open:
    /// (browser, checkpoint, the report's URL).
    func headOnReportForm() async throws -> (Browser, Checkpoint, String) {
        let zyr = try await school("edu700101").requireID()
        let cp = try await checkpoints("2.2")[1]
        let head = Browser(self)
        try await head.login("head-zyr")
        let url = "/checkpoints/\(cp.id!)/report?party=\(zyr)"
        try await head.get(url)
        return (head, cp, url)
    }
}

extension Application {
    /// The commission's scorings of `p`'s sample (the demo has re-checks of its own, issue 16 §2).
    func recheckScorings(_ p: Procedure) async throws -> [RecheckScoring] {
        let samples = try await RecheckSample.query(on: db).filter(\.$procedure.$id == p.requireID()).all().compactMap(\.id)
        let items = try await RecheckItem.query(on: db).filter(\.$sample.$id ~~ samples).all().compactMap(\.id)
        return try await RecheckScoring.query(on: db).filter(\.$item.$id ~~ items).with(\.$item) { $0.with(\.$work) }.all()
    }

    func recheckItems(_ p: Procedure) async throws -> [RecheckItem] {
        let samples = try await RecheckSample.query(on: db).filter(\.$procedure.$id == p.requireID()).all().compactMap(\.id)
        return try await RecheckItem.query(on: db).filter(\.$sample.$id ~~ samples).with(\.$school).with(\.$work).all()
    }
}
