import Fluent
import MsokoCore
import Foundation
import XCTest
import XCTVapor
@testable import MsokoServer

final class AdministrationTests: XCTestCase {
    func testAdminCreatesHeadsForEverySchoolInOneStep() async throws {
        try await withApp { app in
            let admin = Browser(app)
            try await admin.login("admin")
            try await admin.get("/admin/users")
            // The passwords are shown on the page that made them, not carried to the next one.
            let made = try await admin.post("/admin/users/heads", [:])
            assertStatus(made, .ok)
            XCTAssertEqual(made.headers.first(name: .cacheControl), "no-store")
            let password = try XCTUnwrap(secret(of: "head-edu700104", in: made.body.string))
            let page = try await admin.get("/admin/users")
            assertContains(page, "head-edu700103")
            assertNotContains(page, password)
            assertEq(try await User.query(on: app.db).filter(\.$role == .head).count(), 10)
            // No secret sits in the database for a later page.
            let flashes = try await UserSession.query(on: app.db).all().compactMap(\.flash)
            XCTAssertFalse(flashes.contains { $0.contains(password) })
            // The password shown once works.
            assertStatus(try await Browser(app).login("head-edu700104", password: password), .seeOther)
            // Second run creates nothing.
            try await admin.post("/admin/users/heads", [:])
            assertContains(try await admin.get("/admin/users"), "У всех школ уже есть руководители")
        }
    }

    func testCreateDisableEnableAndResetPassword() async throws {
        try await withApp { app in
            let admin = Browser(app)
            try await admin.login("admin")
            try await admin.get("/admin/users")
            let created = try await admin.post("/admin/users", ["login": "Deputy-Zyr", "name": "Зам. директора", "role": "head", "school": "edu700101"])
            assertContains(created, "Создан пользователь deputy-zyr")
            XCTAssertNotNil(secret(of: "deputy-zyr", in: created.body.string))
            try await admin.post("/admin/users", ["login": "t2", "name": "Учитель", "role": "teacher", "school": ""])
            assertContains(try await admin.get("/admin/users"), "укажите школу")
            try await admin.post("/admin/users", ["login": "специалист", "name": "X", "role": "specialist", "school": ""])
            assertContains(try await admin.get("/admin/users"), "Логин: 2–40 символов")

            let mih = try await User.query(on: app.db).filter(\.$login == "head-mih").first()!
            assertStatus(try await admin.post("/admin/users/\(mih.id!)/disable", [:]), .seeOther)
            assertStatus(try await Browser(app).login("head-mih"), .unauthorized)
            try await admin.post("/admin/users/\(mih.id!)/enable", [:])
            assertStatus(try await Browser(app).login("head-mih"), .seeOther)
            // A reset ends the user's sessions and shows the new password once.
            let signedIn = Browser(app)
            try await signedIn.login("head-mih")
            assertStatus(try await signedIn.get("/tasks"), .ok)
            let reset = try await admin.post("/admin/users/\(mih.id!)/password", [:])
            let password = try XCTUnwrap(secret(of: "head-mih", in: reset.body.string))
            assertContains(reset, "его сеансы завершены")
            assertStatus(try await signedIn.get("/tasks"), .seeOther)
            assertStatus(try await Browser(app).login("head-mih"), .unauthorized)
            assertStatus(try await Browser(app).login("head-mih", password: password), .seeOther)
            // Editing: a head becomes a teacher of another school; a teacher without a school is refused.
            try await admin.get("/admin/users/\(mih.id!)")
            assertStatus(try await admin.post("/admin/users/\(mih.id!)", ["name": "Петров С.А.", "role": "teacher", "school": "edu700103", "subject": ""]), .seeOther)
            let edited = try await User.find(mih.id, on: app.db)!
            XCTAssertEqual(edited.role, .teacher)
            assertEq(edited.$school.id, try await app.school("edu700103").id)
            try await admin.post("/admin/users/\(mih.id!)", ["name": "Петров С.А.", "role": "teacher", "school": "", "subject": ""])
            assertContains(try await admin.get("/admin/users/\(mih.id!)"), "укажите школу")
            let audit = try await AuditEntry.query(on: app.db).filter(\.$entity == "user").filter(\.$userLogin == "admin").all()
            XCTAssertEqual(Set(audit.map(\.action)), ["create", "disable", "enable", "password-reset", "update"])
        }
    }

    func testSchoolsAddImportAllOrNothing() async throws {
        try await withApp { app in
            let admin = Browser(app)
            try await admin.login("specialist")
            try await admin.get("/admin/schools")
            try await admin.post("/admin/schools", ["login": "edu700111", "fullName": "МБОУ «Новая СОШ»", "shortName": "", "type": "СОШ"])
            assertContains(try await admin.get("/admin/schools"), "Добавлено школ: 1")
            let bad = "Логин;Полное наименование;Краткое наименование;Тип\nedu700112;Школа А;;СОШ\nedu7001;Школа Б;;СОШ\n"
            try await admin.postMultipart("/admin/schools/import", [:], files: [("file", "schools.csv", Array(bad.utf8))])
            let page = try await admin.get("/admin/schools")
            assertContains(page, "Ничего не сохранено")
            assertContains(page, "schools.csv, строка 3, столбец «Логин»")
            assertEq(try await School.query(on: app.db).filter(\.$login == "edu700112").count(), 0)
            // Windows-1251, semicolons: accepted whole.
            let good = "Логин;Полное наименование;Краткое наименование;Тип\nedu700112;Лицей № 1;Лицей;лицей\nedu700101;МБОУ «Зырянская средняя школа»;МБОУ «Зырянская СОШ»;СОШ\n"
            let cp1251 = good.unicodeScalars.map { s -> UInt8 in
                switch s.value {
                case 0x0410...0x044F: return UInt8(s.value - 0x0410 + 0xC0)
                case 0x2116: return 0xB9
                case 0xAB: return 0xAB
                case 0xBB: return 0xBB
                default: return UInt8(s.value)
                }
            }
            try await admin.postMultipart("/admin/schools/import", [:], files: [("file", "schools.csv", cp1251)])
            assertContains(try await admin.get("/admin/schools"), "Добавлено школ: 1, обновлено: 1")
            assertEq(try await app.school("edu700112").type, "лицей")
            // XLSX from LibreOffice is read too; a broken one is named.
            let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("MsokoCoreTests/Fixtures")
            let xlsx = try Data(contentsOf: fixtures.appendingPathComponent("schools-libreoffice.xlsx"))
            try await admin.postMultipart("/admin/schools/import", [:], files: [("file", "Школы.xlsx", Array(xlsx))])
            assertContains(try await admin.get("/admin/schools"), "Добавлено школ: 2")
            try await admin.postMultipart("/admin/schools/import", [:], files: [("file", "fake.xlsx", Array("%PDF-1.4".utf8))])
            assertContains(try await admin.get("/admin/schools"), "Файл fake.xlsx: не является книгой Excel")
            assertEq(try await app.school("edu700101").fullName, "МБОУ «Зырянская средняя школа»")
            // A school that closes stops reporting; its row stays.
            let closing = try await app.school("edu700110")
            try await admin.get("/admin/schools/\(closing.id!)")
            assertStatus(try await admin.post("/admin/schools/\(closing.id!)", ["fullName": closing.fullName, "shortName": closing.shortName, "type": "СОШ", "isActive": "0"]), .seeOther)
            let api = try await admin.get("/api/v1/roadmap")
            assertNotContains(api, "edu700110")
            assertContains(try await admin.get("/schools"), "не действует")
        }
    }

    /// A school login names a school of the administrator's own district: another district's
    /// school is «not found», and no user is made there.
    func testAdministratorCannotPlaceAUserInAnotherDistrictsSchool() async throws {
        try await withApp { app in
            let other = try await Organisations.ensureMunicipality(region: "Другая область", name: "Другой район", department: "Отдел образования",
                                                                   timeZone: "Europe/Moscow", on: app.db)
            try await School(regionID: other.$region.id, municipalityID: other.requireID(), login: "edu999901", fullName: "Чужая школа",
                             shortName: "Чужая", type: "СОШ").create(on: app.db)
            let admin = Browser(app)
            try await admin.login("admin")
            try await admin.post("/admin/users", ["login": "intruder", "name": "X", "role": "head", "school": "edu999901"])
            assertContains(try await admin.get("/admin/users"), "Школа с логином edu999901 не найдена")
            let made = try await User.query(on: app.db).filter(\.$login == "intruder").count()
            XCTAssertEqual(made, 0)
        }
    }

    func testClassesAreKeptPerSchoolYear() async throws {
        try await withApp { app in
            let zyr = try await app.school("edu700101")
            let head = Browser(app)
            try await head.login("head-zyr")
            try await head.get("/schools/\(zyr.id!)")
            assertStatus(try await head.post("/schools/\(zyr.id!)/classes", ["schoolYear": "2025-2026", "name": "9б", "enrolment": "21", "teacherID": ""]), .seeOther)
            let c = try await SchoolClass.query(on: app.db).filter(\.$name == "9Б").first()!
            XCTAssertEqual(c.grade, 9)
            XCTAssertEqual(c.enrolment, 21)
            XCTAssertEqual(c.municipalityID, zyr.$municipality.id)
            try await head.post("/schools/\(zyr.id!)/classes", ["schoolYear": "2025-2026", "name": "Б9", "enrolment": "21", "teacherID": ""])
            assertContains(try await head.get("/schools/\(zyr.id!)"), "ожидается номер параллели")
        }
    }

    func testRoadmapEditingIsValidatedAndAudited() async throws {
        try await withApp { app in
            let s = Browser(app)
            try await s.login("specialist")
            try await s.get("/measures/new")
            let fields = ["sectionNumber": "2", "sectionTitle": "Организация работы с результатами оценочных процедур", "number": "2.5",
                          "title": "Публичный отчёт о результатах", "timing": "Когда-нибудь", "responsible": "Специалисты Управления образования",
                          "expectedResult": "Отчёт"]
            let bad = try await s.post("/measures", fields)
            assertStatus(bad, .unprocessableEntity)
            assertContains(bad, "Поле «Срок реализации»: не удалось разобрать срок: «Когда-нибудь»")
            var good = fields
            good["timing"] = "Октябрь, июнь"
            assertStatus(try await s.post("/measures", good), .seeOther)
            let m = try await app.measure("2.5")
            assertEq(try await app.checkpoints("2.5").map(\.due), ["2025-10-31", "2026-06-30"])
            let m24 = try await app.measure("2.4")
            XCTAssertEqual(m.position, m24.position + 1, "placed at the end of its section")
            try await s.get("/measures/\(m.id!)/edit")
            good["timing"] = "Июнь"
            assertStatus(try await s.post("/measures/\(m.id!)", good), .seeOther)
            assertEq(try await app.checkpoints("2.5").map(\.due), ["2026-06-30"])
            assertContains(try await s.get("/measures/\(m.id!)/delete"), "Удалить мероприятие 2.5?")
            assertStatus(try await s.post("/measures/\(m.id!)/delete", [:]), .seeOther)
            assertEq(try await Measure.query(on: app.db).filter(\.$number == "2.5").count(), 0)
            assertEq(try await Checkpoint.query(on: app.db).filter(\.$measure.$id == m.requireID()).count(), 0)
            let actions = try await AuditEntry.query(on: app.db).filter(\.$entity == "measure").filter(\.$userLogin == "specialist").all().map(\.action)
            XCTAssertEqual(Set(actions), ["create", "update", "delete"])
            let deletion = try await AuditEntry.query(on: app.db).filter(\.$action == "delete").filter(\.$entity == "measure").first()!
            XCTAssertTrue(deletion.before?.contains("Публичный отчёт о результатах") ?? false)
            // The audit page shows it.
            assertContains(try await s.get("/audit"), "Удалено мероприятие 2.5")
        }
    }

    func testRoadmapLoadFromMarkdownUpload() async throws {
        try await withApp { app in
            let s = Browser(app)
            try await s.login("specialist")
            try await s.get("/roadmap/load")
            let md = """
            План на 2026-2027 учебный год
            | 1. Объективность | | | | |
            | 1.1. | Наблюдение на ВПР | Апрель, май | Специалисты Управления образования | Акты |
            """
            assertStatus(try await s.postMultipart("/roadmap/load", ["year": ""], files: [("file", "plan.md", Array(md.utf8))]), .seeOther)
            assertEq(try await Roadmap.query(on: app.db).filter(\.$schoolYear == "2026-2027").count(), 1)
            // The current school year's roadmap stays the default; the other is a link away.
            let home = try await s.get("/")
            assertContains(home, "<h1>Дорожная карта 2025-2026</h1>")
            assertContains(home, "<a href=\"/?year=2026-2027\">2026-2027</a>")
            assertContains(try await s.get("/?year=2026-2027"), "<h1>Дорожная карта 2026-2027</h1>")
            assertContains(try await s.get("/api/v1/roadmap"), "\"year\":\"2025-2026\"")
            let broken = "| 1. Раздел | | | | |\n| 1.1. | X | Иногда | Специалисты | Y |"
            try await s.postMultipart("/roadmap/load", ["year": "2027-2028"], files: [("file", "broken.md", Array(broken.utf8))])
            let page = try await s.get("/roadmap/load")
            assertContains(page, "Ничего не загружено. Файл broken.md, мероприятие 1.1")
            assertEq(try await Roadmap.query(on: app.db).filter(\.$schoolYear == "2027-2028").count(), 0)
        }
    }

    func testSettingsTemplateGoesIntoTheReport() async throws {
        try await withApp { app in
            let s = Browser(app)
            try await s.login("specialist")
            try await s.get("/settings")
            try await s.post("/settings", ["departmentName": "Управление образования Администрации Зырянского района", "timeZone": "Asia/Tomsk",
                                           "letterhead": "БЛАНК УПРАВЛЕНИЯ\nул. Советская, 10", "signature": "Начальник ___ / Проверочная подпись /",
                                           "schoolSignature": "Директор {школа} ___ / подпись школы /"])
            let docx = try await s.get("/reports/roadmap.docx")
            let xml = try documentXML(Data(docx.body.readableBytesView))
            XCTAssertTrue(xml.contains("БЛАНК УПРАВЛЕНИЯ"))
            XCTAssertTrue(xml.contains("Проверочная подпись"))
            let zyr = try await app.school("edu700101").requireID()
            let schoolXML = try documentXML(Data(try await s.get("/schools/\(zyr)/report.docx").body.readableBytesView))
            XCTAssertTrue(schoolXML.contains("БЛАНК УПРАВЛЕНИЯ"))
            XCTAssertTrue(schoolXML.contains("Директор МБОУ «Зырянская СОШ» ___ / подпись школы /"))
            try await s.post("/settings", ["departmentName": "X", "timeZone": "Mars/Olympus", "letterhead": "", "signature": ""])
            assertContains(try await s.get("/settings"), "Часовой пояс «Mars/Olympus» неизвестен")
        }
    }

    /// The time zone is picked from a list of Russia's zones; the forms of school logins are a
    /// district setting that the results import and the school list then accept.
    func testTimeZoneFromAListAndLoginForms() async throws {
        try await withApp { app in
            let s = Browser(app)
            try await s.login("specialist")
            let page = try await s.get("/settings")
            assertContains(page, #"<option value="Asia/Tomsk" selected>Томск (МСК+4, UTC+7)</option>"#)
            assertContains(page, #"<option value="Europe/Kaliningrad">Калининград (МСК-1, UTC+2)</option>"#)
            assertContains(page, "edu000000, sch000000, spo000000")
            let form = ["departmentName": "Управление образования", "timeZone": "Asia/Krasnoyarsk", "letterhead": "", "signature": ""]
            try await s.post("/settings", form.merging(["loginPattern": "edu"]) { $1 })
            assertContains(try await s.get("/settings"), "Виды логинов школ не сохранены: «edu» — в виде логина нет ни одной цифры 0")
            try await s.post("/settings", form.merging(["loginPattern": "edu000000, mou0000"]) { $1 })
            let saved = try await s.get("/settings")
            assertContains(saved, #"<option value="Asia/Krasnoyarsk" selected>"#)
            assertContains(saved, #"value="edu000000, mou0000""#)
            let m = try await Municipality.query(on: app.db).first()!
            let pattern = try await Settings.loginPattern(municipalityID: m.id, on: app.db)
            XCTAssertTrue(pattern.accepts("mou1234"))
            try await s.get("/admin/schools")
            let added = try await s.post("/admin/schools", ["login": "mou1234", "fullName": "МОУ «Школа 1234»", "shortName": "Школа 1234", "type": "СОШ"])
            assertStatus(added, .seeOther)
            assertEq(try await app.school("mou1234").fullName, "МОУ «Школа 1234»")
        }
    }
}

final class AuditFormatTests: XCTestCase {
    func testChangesShowOnlyWhatChangedInRussian() {
        let text = AuditController.changes(before: #"{"timing":"Май","title":"A"}"#, after: #"{"timing":"Июнь","title":"A"}"#)
        XCTAssertEqual(text, "Сроки: Май → Июнь")
        XCTAssertEqual(AuditController.changes(before: nil, after: #"{"login":"x","school":"","isActive":true}"#), "Действует: да\nЛогин: x\nШкола: «»")
        XCTAssertEqual(AuditController.changes(before: #"{"file":"a.pdf"}"#, after: nil), "Файл: было a.pdf")
        XCTAssertEqual(AuditController.changes(before: nil, after: #"{"date":"2026-04-15"}"#), "Дата: 15.04.2026")
        XCTAssertEqual(AuditController.changes(before: nil, after: nil), "")
        XCTAssertEqual(AuditController.named("Изменена школа edu700101", schools: ["edu700101": "Зырянская СОШ"]), "Изменена школа Зырянская СОШ (edu700101)")
    }

    /// The log page: names instead of logins, Russian actions and objects, filters and pages.
    func testTheLogFiltersAndPages() async throws {
        try await withApp { app in
            let m = try await Municipality.query(on: app.db).first()!
            // 60 changes by the specialist a day ago, one by the head today.
            let now = app.now
            for i in 0..<60 {
                let e = AuditEntry()
                e.at = now.addingTimeInterval(-86_400 - Double(i) * 60)
                e.userLogin = "specialist"; e.action = "update"; e.entity = "measure"; e.summary = "Изменено мероприятие \(i)"
                e.before = #"{"timing":"Май"}"#; e.after = #"{"timing":"Июнь"}"#; e.municipalityID = m.id
                try await e.create(on: app.db)
            }
            let h = AuditEntry()
            h.at = now; h.userLogin = "head-zyr"; h.action = "import"; h.entity = "results"; h.summary = "Загружены результаты школы edu700101"
            h.municipalityID = m.id
            try await h.create(on: app.db)
            let s = Browser(app)
            try await s.login("specialist")
            let first = try await s.get("/audit")
            assertContains(first, "Страница 1 из ")
            assertContains(first, "Старее →")
            assertNotContains(first, "<td>specialist</td>")
            let specialist = try await User.query(on: app.db).filter(\.$login == "specialist").first()!
            assertContains(first, "<td>\(specialist.name)</td>")
            let head = try await s.get("/audit?user=head-zyr")
            assertContains(head, "записи 1–1 из 1")
            assertNotContains(head, "Изменено мероприятие")
            assertContains(head, "загрузка файла")
            assertContains(head, "МБОУ «Зырянская СОШ» (edu700101)")
            let measures = try await s.get("/audit?entity=measure&action=update&page=2")
            assertContains(measures, "Страница 2 из 2")
            assertContains(measures, "записи 51–")
            assertContains(measures, "Сроки:</span> <del>Май</del> → <ins>Июнь</ins>")
            let today = LocalDate(now, in: m.zone).russian
            let todays = try await s.get("/audit?from=\(today)&to=\(today)&entity=measure")
            assertContains(todays, "Записей с такими условиями нет")
            assertContains(try await s.get("/audit?from=31.02.2026"), "Поле «С»: «31.02.2026» — ожидается дата ДД.ММ.ГГГГ")
        }
    }
}

final class EscapingTests: XCTestCase {
    func testUserTextIsEscapedInPages() async throws {
        try await withApp { app in
            let (head, _, url) = try await app.headOnReportForm()
            try await head.postMultipart(url, ["status": "inProgress", "text": "<script>alert(1)</script> \"кавычки\""], files: [])
            let page = try await head.get("/measures/\(try await app.measure("2.2").requireID())")
            assertNotContains(page, "<script>alert(1)</script>")
            assertContains(page, "&lt;script&gt;alert(1)&lt;/script&gt; &quot;кавычки&quot;")
        }
    }
}

final class EnrolmentImportTests: XCTestCase {
    func testEnrolmentListAllOrNothing() async throws {
        try await withApp { app in
            let s = Browser(app)
            try await s.login("specialist")
            try await s.get("/admin/schools")
            let bad = "Логин;Класс;Обучающихся\nedu700101;4А;24\nedu700101;4Б;сто\nedu799999;4А;10\n"
            try await s.postMultipart("/admin/schools/enrolment", ["schoolYear": "2025-2026"], files: [("file", "классы.csv", Array(bad.utf8))])
            let page = try await s.get("/admin/schools")
            assertContains(page, "классы.csv, строка 3, столбец «Обучающихся»: «сто» — ожидается число от 0 до 60.")
            let zyr = try await app.school("edu700101").requireID()
            let before = try await SchoolClass.query(on: app.db).filter(\.$school.$id == zyr).filter(\.$name == "4А").first()!.enrolment
            XCTAssertNotEqual(before, 24)
            let good = "Логин;Класс;Обучающихся\nedu700101;4А;24\nedu700101;4 б;19\n"
            try await s.postMultipart("/admin/schools/enrolment", ["schoolYear": "2025-2026"], files: [("file", "классы.csv", Array(good.utf8))])
            assertContains(try await s.get("/admin/schools"), "Численность классов сохранена: добавлено 1, обновлено 1.")
            assertEq(try await SchoolClass.query(on: app.db).filter(\.$school.$id == zyr).filter(\.$name == "4А").first()!.enrolment, 24)
            assertEq(try await SchoolClass.query(on: app.db).filter(\.$school.$id == zyr).filter(\.$name == "4Б").first()!.grade, 4)
            let unknown = "Логин;Класс;Обучающихся\nedu799999;4А;10\n"
            try await s.postMultipart("/admin/schools/enrolment", ["schoolYear": "2025-2026"], files: [("file", "классы.csv", Array(unknown.utf8))])
            assertContains(try await s.get("/admin/schools"), "школа edu799999 не найдена в районе")
        }
    }
}

/// The password next to `login` on a page of generated passwords.
func secret(of login: String, in html: String) -> String? {
    guard let row = html.range(of: "<code>\(login)</code>"),
          let start = html.range(of: #"<code class="secret">"#, range: row.upperBound..<html.endIndex),
          let end = html.range(of: "</code>", range: start.upperBound..<html.endIndex) else { return nil }
    return String(html[start.upperBound..<end.lowerBound])
}
