import Fluent
import Foundation
import MsokoCore
import XCTest
import XCTVapor
@testable import MsokoServer

/// Staff, courses and the three-year cycle (issue 16 §3, §4) on the demo district, whose clock in
/// the tests is 20 January 2026 in Tomsk.
final class StaffServerTests: XCTestCase {
    struct List: Decodable {
        struct Person: Decodable { var name: String; var school: String?; var position: String; var lastCourse: String?; var nextDue: String?; var status: String }
        var staff: [Person]
    }

    func api(_ b: Browser) async throws -> [List.Person] {
        let res = try await b.get("/api/v1/staff/courses")
        assertStatus(res, .ok)
        return try JSONDecoder().decode(List.self, from: Data(res.body.readableBytesView)).staff
    }

    func testTheAPIGivesEveryoneInScopeWithTheThreeYearRule() async throws {
        try await withApp { app in
            let s = Browser(app)
            try await s.login("specialist")
            let all = try await api(s)
            XCTAssertEqual(Set(all.map(\.status)), ["current", "due", "overdue", "none"])
            XCTAssertTrue(all.contains { $0.school == nil }, "the department's own staff")
            XCTAssertEqual(Set(all.compactMap(\.school)).count, 10)
            let today = LocalDate(midYear, in: TimeZone(identifier: "Asia/Tomsk")!)
            for p in all {
                XCTAssertEqual(p.nextDue, p.lastCourse.map { CourseCycle.nextDue(after: LocalDate(iso: $0)!).iso }, p.name)
                XCTAssertEqual(p.status, CourseCycle.status(lastEnd: p.lastCourse.flatMap(LocalDate.init(iso:)), today: today).rawValue, p.name)
            }
            let h = Browser(app)
            try await h.login("head-zyr")
            let own = try await api(h)
            XCTAssertFalse(own.isEmpty)
            XCTAssertEqual(Set(own.map(\.school)), ["edu700101"])
            // The head's list page shows no other school's people; another school's person is refused.
            let mihPerson = try await StaffMember.query(on: app.db).filter(\.$school.$id == app.school("edu700102").requireID()).first()!
            assertNotContains(try await h.get("/staff"), mihPerson.name)
            assertStatus(try await h.get("/staff/\(mihPerson.id!)"), .forbidden)
            assertStatus(try await h.post("/staff/\(mihPerson.id!)", ["name": "Взлом Взлом", "position": "x"]), .forbidden)
            assertEq(try await StaffMember.find(mihPerson.id, on: app.db)?.name, mihPerson.name)
        }
    }

    func testAStaffListIsTakenWholeOrNotAtAllAndEveryFileIsKept() async throws {
        try await withApp { app in
            let s = Browser(app)
            try await s.login("specialist")
            _ = try await s.get("/staff")
            let before = try await StaffMember.query(on: app.db).count()
            let broken = """
            ФИО;Должность;ОО;Предметы
            Новикова Ирина Сергеевна;учитель химии;edu700101;Химия, Биология
            ;учитель;edu700101;
            Гусев Артём Олегович;учитель;edu799999;Физика
            Лаптева Мария Ивановна;;МБОУ «Семёновская ООШ»;
            """
            let res = try await s.postMultipart("/staff/import", [:], files: [("file", "кадры.csv", Array(broken.utf8))])
            assertStatus(res, .seeOther)
            let page = try await s.get("/staff")
            assertContains(page, "Ничего не сохранено")
            assertContains(page, "кадры.csv, строка 3, столбец «ФИО»: не заполнено.")
            assertContains(page, "кадры.csv, строка 4, столбец «ОО»: «edu799999» — такой школы в районе нет")
            assertContains(page, "кадры.csv, строка 5, столбец «Должность»: не заполнена.")
            assertEq(try await StaffMember.query(on: app.db).count(), before, "nothing half-stored")
            var kept = try await StaffImport.query(on: app.db).all()
            XCTAssertEqual(kept.count, 1)
            XCTAssertFalse(kept[0].accepted)
            XCTAssertEqual(kept[0].data, Data(broken.utf8), "the rejected file is kept as sent")

            // A good list as XLSX: two new people, one already listed (updated, courses kept), one of the department.
            let zyr = try await app.school("edu700101")
            let teacher = try await StaffMember.query(on: app.db).filter(\.$school.$id == zyr.requireID()).filter(\.$name == "Смирнова О.И.").first()!
            let courses = try await CourseRecord.query(on: app.db).filter(\.$staff.$id == teacher.requireID()).count()
            let sheet = XLSXWriter.Sheet(name: "Кадры", rows: [
                ["ФИО", "Должность", "ОО", "Предметы"].map { .text($0) },
                ["Новикова Ирина Сергеевна", "учитель химии", "edu700101", "Химия, Биология"].map { .text($0) },
                ["смирнова  О.И.", "учитель начальных классов, руководитель ШМО", zyr.shortName, "Русский язык, Математика"].map { .text($0) },
                ["Лаптева Мария Ивановна", "учитель", "МБОУ «Семёновская ООШ»", ""].map { .text($0) },
                ["Кочетков Олег Юрьевич", "ведущий специалист", "", ""].map { .text($0) },
            ])
            let xlsx = try XLSXWriter(sheets: [sheet]).data()
            assertStatus(try await s.postMultipart("/staff/import", [:], files: [("file", "кадры.xlsx", Array(xlsx))]), .seeOther)
            assertContains(try await s.get("/staff"), "Список работников принят: добавлено 3, обновлено 1, без изменений 0.")
            assertEq(try await StaffMember.query(on: app.db).count(), before + 3)
            let updated = try await StaffMember.find(teacher.id, on: app.db)!
            XCTAssertEqual(updated.position, "учитель начальных классов, руководитель ШМО")
            XCTAssertEqual(updated.name, "Смирнова О.И.", "the name as first entered")
            assertEq(try await CourseRecord.query(on: app.db).filter(\.$staff.$id == teacher.requireID()).count(), courses)
            let dept = try await StaffMember.query(on: app.db).filter(\.$name == "Кочетков Олег Юрьевич").first()!
            XCTAssertNil(dept.$school.id)
            kept = try await StaffImport.query(on: app.db).sort(\.$createdAt).all()
            XCTAssertEqual(kept.map(\.accepted), [false, true])
            let download = try await s.get("/staff-imports/\(kept[1].id!)")
            assertStatus(download, .ok)
            XCTAssertEqual(Data(download.body.readableBytesView), xlsx)
            // Audited.
            assertEq(try await AuditEntry.query(on: app.db).filter(\.$entity == "staff").filter(\.$action == "import").count(), 2)
        }
    }

    func testAHeadListsOnlyTheirOwnSchool() async throws {
        try await withApp { app in
            let h = Browser(app)
            try await h.login("head-zyr")
            _ = try await h.get("/staff")
            let before = try await StaffMember.query(on: app.db).count()
            let other = "ФИО;Должность;ОО;Предметы\nНовикова Ирина Сергеевна;учитель;edu700102;Химия\n"
            assertStatus(try await h.postMultipart("/staff/import", [:], files: [("file", "s.csv", Array(other.utf8))]), .seeOther)
            assertContains(try await h.get("/staff"), "«edu700102» — не ваша школа")
            assertEq(try await StaffMember.query(on: app.db).count(), before)
            // Without an «ОО» column the list is the head's own school.
            let own = "ФИО;Должность;Предметы\nНовикова Ирина Сергеевна;учитель химии;Химия\n"
            assertStatus(try await h.postMultipart("/staff/import", [:], files: [("file", "s.csv", Array(own.utf8))]), .seeOther)
            let added = try await StaffMember.query(on: app.db).filter(\.$name == "Новикова Ирина Сергеевна").first()!
            let zyrID = try await app.school("edu700101").id
            XCTAssertEqual(added.$school.id, zyrID)
            // A specialist's list needs the column.
            let s = Browser(app)
            try await s.login("specialist")
            _ = try await s.get("/staff")
            assertStatus(try await s.postMultipart("/staff/import", [:], files: [("file", "s.csv", Array(own.utf8))]), .seeOther)
            assertContains(try await s.get("/staff"), "нет столбца «ОО»")
        }
    }

    func testACourseMovesThePersonOutOfTheRemindersAndItsCertificateStaysInScope() async throws {
        try await withApp { app in
            let zyr = try await app.school("edu700101").requireID()
            let h = Browser(app)
            try await h.login("head-zyr")
            let tasks = try await h.get("/tasks")
            let rows = try await StaffStore.rows(StaffScope(User.query(on: app.db).filter(\.$login == "head-zyr").first()!), today: LocalDate(midYear, in: TimeZone(identifier: "Asia/Tomsk")!), on: app.db)
            let needing = rows.filter { $0.status.needsCourse }
            XCTAssertFalse(needing.isEmpty)
            for r in needing { assertContains(tasks, "/staff/\(r.member.id!)\">\(r.member.name)</a>") }
            for r in rows where !r.status.needsCourse { assertNotContains(tasks, "/staff/\(r.member.id!)") }
            let mih = try await StaffMember.query(on: app.db).filter(\.$school.$id == app.school("edu700102").requireID()).all()
            for m in mih { assertNotContains(tasks, "/staff/\(m.id!)") }

            let person = needing.first { $0.status == .none } ?? needing[0]
            let id = person.member.id!
            _ = try await h.get("/staff/\(id)")
            // A course still to end, and one ending before it began: refused with every problem named.
            let bad = try await h.postMultipart("/staff/\(id)/courses", ["title": "Оценка", "provider": "ТОИПКРО", "providerKind": "state", "hours": "0",
                                                                          "start": "10.01.2026", "end": "01.02.2026", "direction": "x"], files: [])
            assertStatus(bad, .seeOther)
            let badPage = try await h.get("/staff/\(id)")
            assertContains(badPage, "Поле «Часов»")
            assertContains(badPage, "Поле «Окончание»: 01.02.2026 ещё не наступило.")
            assertContains(badPage, "Поле «Направление»")
            assertEq(try await CourseRecord.query(on: app.db).filter(\.$staff.$id == id).count(), person.courses.count)
            let pdf = Array("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n".utf8)
            let good = try await h.postMultipart("/staff/\(id)/courses", ["title": "Объективность оценивания", "provider": "ТОИПКРО", "providerKind": "state", "hours": "36",
                                                                           "start": "12.01.2026", "end": "16.01.2026", "certificate": "70-000123", "direction": "assessmentCompetence"],
                                                 files: [("file", "удостоверение.pdf", pdf)])
            assertStatus(good, .seeOther)
            assertContains(try await h.get("/staff/\(id)"), "следующий — до 16.01.2029")
            assertNotContains(try await h.get("/tasks"), "/staff/\(id)")
            let file = try await CourseFile.query(on: app.db).filter(\.$fileName == "удостоверение.pdf").first()!
            XCTAssertEqual(file.data, Data(pdf))
            assertStatus(try await h.get("/course-files/\(file.id!)"), .ok)
            let other = Browser(app)
            try await other.login("head-mih")
            assertStatus(try await other.get("/course-files/\(file.id!)"), .forbidden)
            assertEq(try await AuditEntry.query(on: app.db).filter(\.$entity == "course").filter(\.$action == "create").count(), 1)
            _ = zyr
        }
    }

    func testTheReportIsAValidDocumentAndWorkbookAndGoesTo34() async throws {
        try await withApp { app in
            let s = Browser(app)
            try await s.login("specialist")
            let docx = try await s.get("/staff/report.docx")
            assertStatus(docx, .ok)
            let xml = try documentXML(Data(docx.body.readableBytesView))
            XCTAssertTrue(xml.contains("Отчёт о повышении квалификации"))
            XCTAssertTrue(xml.contains("Ликвидация профессиональных дефицитов"))
            XCTAssertTrue(xml.contains("МБОУ «Зырянская СОШ»") || xml.contains("МБОУ &#171;Зырянская СОШ&#187;") || xml.contains("Зырянская СОШ"))
            let xlsx = try await s.get("/staff/report.xlsx")
            assertStatus(xlsx, .ok)
            let rows = try XLSXSheetReader.rows(data: Data(xlsx.body.readableBytesView), file: "r.xlsx")
            XCTAssertTrue(rows.contains { $0.first == "Итого" }, "\(rows.prefix(5))")
            // The page's figures are the API's.
            let all = try await api(s)
            let total = rows.first { $0.first == "Итого" }!
            XCTAssertEqual(total[1], "\(all.count)")
            XCTAssertEqual(total[total.count - 2], "\(all.filter { $0.status == "overdue" }.count)")
            XCTAssertEqual(total[total.count - 1], "\(all.filter { $0.status == "none" }.count)")
            // One click: the report and its tables in the district's report on 3.4.
            _ = try await s.get("/staff/coverage")
            let attach = try await s.post("/staff/attach", [:])
            assertStatus(attach, .seeOther)
            let cps = try await app.checkpoints("3.4").map { try $0.requireID() }
            let reports = try await CheckpointReport.query(on: app.db).filter(\.$checkpoint.$id ~~ cps).filter(\.$schoolID == nil).all().map { try $0.requireID() }
            let files = try await EvidenceFile.query(on: app.db).filter(\.$report.$id ~~ reports).all().map(\.fileName)
            XCTAssertTrue(files.contains { $0.hasPrefix("Повышение квалификации на ") && $0.hasSuffix(".docx") }, "\(files)")
            XCTAssertTrue(files.contains { $0.hasSuffix(".xlsx") }, "\(files)")
            // A head's report is their school's.
            let h = Browser(app)
            try await h.login("head-zyr")
            let own = try documentXML(Data(try await h.get("/staff/report.docx").body.readableBytesView))
            XCTAssertFalse(own.contains("Михайловская"))
            XCTAssertTrue(own.contains("Зырянская"))
        }
    }
}

/// Needs without names, and the teacher's ИОМ kept to the school (issue 16 §3).
final class StaffNeedsServerTests: XCTestCase {
    func testNeedsNameNoTeacherAndRollSmallTeamsUp() async throws {
        try await withApp { app in
            let s = Browser(app)
            try await s.login("specialist")
            let page = try await s.get("/staff/needs")
            assertStatus(page, .ok)
            // The page's own content (the header names the signed-in specialist).
            let content = page.body.string.components(separatedBy: "<main").last ?? ""
            for person in try await StaffMember.query(on: app.db).all() { XCTAssertFalse(content.contains(HTML.escape(person.name)), person.name) }
            assertContains(page, "системные дефициты обучающихся по требованиям")
            // A school whose Russian-language team is under three is not a row of its own.
            let mih = try await app.school("edu700102")
            let team = try await StaffMember.query(on: app.db).filter(\.$school.$id == mih.requireID()).all().filter { $0.subjectList.contains("Русский язык") }
            XCTAssertLessThan(team.count, CompetenceNeeds.minimumTeam)
            let body = page.body.string
            let rows = body.components(separatedBy: "<tr>").filter { $0.contains(HTML.escape(mih.shortName)) }
            XCTAssertFalse(rows.contains { $0.contains("<td>Русский язык</td>") }, "the small team is rolled up")
            assertContains(page, "Район (")
            // A head sees their school's rows and the district's, not another school's.
            let h = Browser(app)
            try await h.login("head-zyr")
            let own = try await h.get("/staff/needs")
            assertNotContains(own, HTML.escape(mih.shortName))
        }
    }

    func testAHeadRecordsATeachersPlanThatOnlyTheSchoolSees() async throws {
        try await withApp { app in
            let zyr = try await app.school("edu700101")
            let person = try await StaffMember.query(on: app.db).filter(\.$school.$id == zyr.requireID()).filter(\.$name == "Волков Л.К.").first()!
            let h = Browser(app)
            try await h.login("head-zyr")
            _ = try await h.get("/staff/\(person.id!)")
            _ = try await h.post("/staff/\(person.id!)/plans", ["schoolYear": "2025", "diagnostic": "", "goals": "x", "activities": "y", "direction": "deficits", "state": "done"])
            let shown = try await h.get("/staff/\(person.id!)")
            assertContains(shown, "Поле «Учебный год»")
            assertContains(shown, "Поле «Результаты диагностики педагога»: заполните.")
            assertContains(shown, "Поле «Итог»")
            assertStatus(try await h.post("/staff/\(person.id!)/plans", ["schoolYear": "2025-2026", "diagnostic": "Самодиагностика: оценивание развёрнутых ответов",
                                                                      "goals": "Критерии", "activities": "Семинар — октябрь\nВзаимопроверка — ноябрь", "direction": "assessmentCompetence"]), .seeOther)
            let plan = try await DevelopmentPlan.query(on: app.db).filter(\.$staff.$id == person.requireID()).first()!
            assertStatus(try await h.get("/development-plans/\(plan.id!)"), .ok)
            // Kept to the school: the district and another school's head see none of it.
            let s = Browser(app)
            try await s.login("specialist")
            assertStatus(try await s.get("/development-plans/\(plan.id!)"), .forbidden)
            assertNotContains(try await s.get("/staff/\(person.id!)"), "/development-plans/")
            let mih = Browser(app)
            try await mih.login("head-mih")
            assertStatus(try await mih.get("/development-plans/\(plan.id!)"), .forbidden)
            // The demo teacher reads their own plan from «Мои задачи», not a colleague's.
            let t = Browser(app)
            try await t.login("teacher")
            let tasks = try await t.get("/tasks")
            assertContains(tasks, "Мой индивидуальный образовательный маршрут")
            assertStatus(try await t.get("/development-plans/\(plan.id!)"), .forbidden)
        }
    }
}
