import Fluent
import XCTest
import XCTVapor
@testable import MsokoServer

final class AuthTests: XCTestCase {
    func testLoginLogoutAndWrongPassword() async throws {
        try await withApp { app in
            let b = Browser(app)
            let page = try await b.get("/login")
            XCTAssertTrue(page.body.string.contains("head-zyr"), "demo logins are listed on a demo database")
            let bad = try await b.login("specialist", password: "nope")
            XCTAssertEqual(bad.status, .unauthorized)
            XCTAssertTrue(bad.body.string.contains("Неверный логин или пароль"))
            let ok = try await b.login("specialist")
            XCTAssertEqual(ok.status, .seeOther)
            XCTAssertTrue(ok.headers.first(name: .setCookie)?.contains("HttpOnly") ?? false)
            XCTAssertTrue(ok.headers.first(name: .setCookie)?.contains("SameSite=Lax") ?? false)
            assertStatus(try await b.get("/"), .ok)
            assertStatus(try await b.post("/logout", [:]), .seeOther)
            let after = try await b.get("/")
            XCTAssertEqual(after.status, .seeOther)
            XCTAssertEqual(after.headers.first(name: .location), "/login")
        }
    }

    func testPasswordsAreHashed() async throws {
        try await withApp { app in
            let user = try await User.query(on: app.db).filter(\.$login == "admin").first()!
            XCTAssertTrue(user.passwordHash.hasPrefix("$2"), "bcrypt hash")
            XCTAssertFalse(user.passwordHash.contains("demo"))
        }
    }

    func testThrottlingLocksAfterRepeatedFailures() async throws {
        try await withApp { app in
            let b = Browser(app)
            for _ in 0..<5 { assertStatus(try await b.login("head-zyr", password: "wrong"), .unauthorized) }
            let locked = try await b.login("head-zyr")
            XCTAssertEqual(locked.status, .tooManyRequests)
            XCTAssertTrue(locked.body.string.contains("Слишком много неудачных попыток"))
            // Another login is not affected.
            assertStatus(try await Browser(app).login("head-mih"), .seeOther)
        }
    }

    func testCSRFIsRequiredOnForms() async throws {
        try await withApp { app in
            let b = Browser(app)
            try await b.login("specialist")
            let res = try await b.post("/settings", ["departmentName": "X", "timeZone": "Asia/Tomsk", "letterhead": "", "signature": ""], withCSRF: false)
            XCTAssertEqual(res.status, .forbidden)
            b.csrf = "forged"
            assertStatus(try await b.post("/settings", ["departmentName": "X", "timeZone": "Asia/Tomsk", "letterhead": "", "signature": ""]), .forbidden)
            let m = try await Municipality.query(on: app.db).first()!
            XCTAssertNotEqual(m.departmentName, "X")
        }
    }

    func testPasswordChange() async throws {
        try await withApp { app in
            let b = Browser(app)
            try await b.login("teacher")
            try await b.get("/account")
            assertStatus(try await b.post("/account/password", ["current": "demo", "new": "short", "repeat": "short"]), .seeOther)
            assertContains(try await b.get("/account"), "не короче 8")
            try await b.post("/account/password", ["current": "demo", "new": "Новый-пароль-1", "repeat": "Новый-пароль-1"])
            assertStatus(try await Browser(app).login("teacher"), .unauthorized)
            assertStatus(try await Browser(app).login("teacher", password: "Новый-пароль-1"), .seeOther)
        }
    }

    func testFirstRunCreatesAdministrator() async throws {
        try await withApp(demo: false) { app in
            let b = Browser(app)
            let login = try await b.get("/login")
            XCTAssertEqual(login.headers.first(name: .location), "/setup")
            try await b.get("/setup")
            let res = try await b.post("/setup", ["region": "Томская область", "municipality": "Асиновский район",
                                                  "department": "Управление образования", "timeZone": "Asia/Tomsk",
                                                  "login": "chief", "name": "Иванов И.И.", "password": "длинный-пароль"])
            XCTAssertEqual(res.status, .seeOther)
            assertStatus(try await b.get("/admin/schools"), .ok)
            assertLocation(try await Browser(app).get("/setup"), "/login")
            assertNotContains(try await Browser(app).get("/login"), "head-zyr")
        }
    }

    func testErrorPagesAreFriendly() async throws {
        try await withApp { app in
            let b = Browser(app)
            try await b.login("head-mih")
            let res = try await b.get("/audit")
            XCTAssertEqual(res.status, .forbidden)
            XCTAssertTrue(res.body.string.contains("Доступ запрещён"))
            let missing = try await b.get("/measures/\(UUID())")
            XCTAssertEqual(missing.status, .notFound)
            XCTAssertTrue(missing.body.string.contains("Не найдено"))
        }
    }
}

final class BodyLimitTests: XCTestCase {
    func testOversizedFormsAndFilesAreRefused() async throws {
        // A 1 MB evidence limit keeps the test quick; the default is 20 MB.
        try await withApp(maxEvidenceBytes: 1024 * 1024) { app in
            let anon = Browser(app)
            try await anon.get("/login")
            let big = String(repeating: "x", count: 2 * 1024 * 1024)
            let res = try await anon.post("/login", ["login": "specialist", "password": big])
            assertStatus(res, .payloadTooLarge)
            assertContains(res, "больше допустимого")

            let (head, _, url) = try await app.headOnReportForm()
            let huge = Array("%PDF-1.4\n".utf8) + [UInt8](repeating: 0x20, count: 1_300_000)
            let upload = try await head.postMultipart(url, ["status": "inProgress", "text": "x"],
                                                      files: [("files[]", "скан.pdf", huge)])
            assertStatus(upload, .unprocessableEntity)
            assertContains(upload, "Файл «скан.pdf»: 1,2 МБ — больше допустимых 1 МБ.")
            assertEq(try await EvidenceFile.query(on: app.db).count(), 0)
        }
    }
}
