import Fluent
import Foundation
import MsokoCore
import XCTest
import XCTVapor
@testable import MsokoServer

/// Class plans, their items and routes, the school's re-diagnosis and the overviews (issue 13 §2-4),
/// on the demo district: drafting by the same rules as `GapPlanning.draft`, the closing rule, rights
/// per role in the query, all-or-nothing scores, before/after, documents.
final class GapPlansTests: XCTestCase {
    func plan(_ app: Application, _ login: String) async throws -> GapPlan {
        try await GapPlan.query(on: app.db).filter(\.$school.$id == app.school(login).requireID()).first()!
    }

    func items(_ app: Application, _ plan: GapPlan) async throws -> [GapPlanItem] {
        try await GapPlanItem.query(on: app.db).filter(\.$plan.$id == plan.requireID()).sort(\.$position).all()
    }

    func testAHeadDraftsAClassPlanFromItsGapsOnceAndATeacherOnlyForTheirOwnClass() async throws {
        try await withApp { app in
            let math5 = try await Procedure.query(on: app.db).filter(\.$year == 2026).filter(\.$subject == "Математика").filter(\.$grade == 5).first()!
            let pid = try math5.requireID()
            let teacher = Browser(app)
            try await teacher.login("teacher")
            assertStatus(try await teacher.post("/procedures/\(pid)/gaps/schools/edu700101/classes/5%D0%90/plan", [:]), .forbidden)
            let head = Browser(app)
            try await head.login("head-zyr")
            let page = try await head.get("/procedures/\(pid)/gaps/schools/edu700101/classes/5%D0%90")
            assertContains(page, "Составить план ликвидации пробелов")
            let res = try await head.post("/procedures/\(pid)/gaps/schools/edu700101/classes/5%D0%90/plan", [:])
            assertStatus(res, .seeOther)
            let school = try await app.school("edu700101")
            let plan = try await GapPlan.query(on: app.db).filter(\.$procedure.$id == pid).filter(\.$school.$id == school.requireID()).first()!
            assertLocation(res, "/gap-plans/\(plan.id!)")
            let l = try await GapsQuery.works(math5, school: school, className: "5А", on: app.db)
            let expected = GapPlanning.draft(l.gaps)
            let stored = try await items(app, plan)
            XCTAssertFalse(expected.isEmpty)
            XCTAssertEqual(stored.map(\.code), expected.map(\.code))
            XCTAssertEqual(stored.map(\.studentCodes), expected.map(\.students))
            XCTAssertEqual(stored.map(\.systemic), expected.map(\.systemic))
            XCTAssertTrue(stored.allSatisfy { $0.itemStatus == .planned && $0.ends != nil && $0.rediagnosisDate != nil })
            XCTAssertEqual(plan.works, l.gaps.works)
            // A second click opens the same plan; the audit log has the first.
            assertLocation(try await head.post("/procedures/\(pid)/gaps/schools/edu700101/classes/5%D0%90/plan", [:]), "/gap-plans/\(plan.id!)")
            let got1 = try await GapPlan.query(on: app.db).filter(\.$procedure.$id == pid).count()
            XCTAssertEqual(got1, 1)
            let got2 = try await AuditEntry.query(on: app.db).filter(\.$entity == "gap_plan").filter(\.$action == "create").count()
            XCTAssertEqual(got2, 1)
            // Another school's head may not draft here.
            let mih = Browser(app)
            try await mih.login("head-mih")
            assertStatus(try await mih.post("/procedures/\(pid)/gaps/schools/edu700101/classes/5%D0%90/plan", [:]), .forbidden)
        }
    }

    func testAnItemCannotCloseWithoutAReDiagnosisResult() async throws {
        try await withApp { app in
            let plan = try await plan(app, "edu700101")
            let list = try await items(app, plan)
            let open = list.first { $0.itemStatus == .inWork }!
            let b = Browser(app)
            try await b.login("teacher")
            let res = try await b.post("/gap-items/\(open.id!)", ["form": "урок", "status": "closed", "outcome": "eliminated"])
            assertStatus(res, .seeOther)
            assertContains(try await b.get("/gap-plans/\(plan.id!)"), "нельзя закрыть без результата повторной диагностики")
            try await open.$plan.load(on: app.db)
            let reloaded = try await GapPlanItem.find(open.id, on: app.db)!
            XCTAssertEqual(reloaded.itemStatus, .inWork, "nothing stored")
            // Closing without an outcome is refused too; a re-diagnosed item closes.
            let done = list[0]
            _ = try await b.post("/gap-items/\(done.id!)", ["form": "урок", "status": "closed", "outcome": ""])
            let got3 = try await GapPlanItem.find(done.id, on: app.db)!.outcome
            XCTAssertEqual(got3, done.outcome)
            _ = try await b.post("/gap-items/\(done.id!)", ["form": "урок повторения", "hours": "3", "status": "closed", "outcome": "partial", "ends": "01.12.2026"])
            let saved = try await GapPlanItem.find(done.id, on: app.db)!
            XCTAssertEqual(saved.itemOutcome, .partial)
            XCTAssertEqual(saved.hours, 3)
            XCTAssertEqual(saved.closedOn, done.closedOn, "the date it was closed stays")
            // Bad input: every problem named, nothing stored.
            _ = try await b.post("/gap-items/\(open.id!)", ["form": "", "hours": "-1", "starts": "31.02.2026", "status": "in_work"])
            let page = try await b.get("/gap-plans/\(plan.id!)")
            assertContains(page, "поле «Форма работы»: укажите форму работы")
            assertContains(page, "поле «Часов»: «-1»")
            assertContains(page, "поле «Начало»: «31.02.2026»")
            let got4 = try await GapPlanItem.find(open.id, on: app.db)!.form
            XCTAssertEqual(got4, open.form)
        }
    }

    func testRightsAreCheckedOnThePlansSchool() async throws {
        try await withApp { app in
            let zyr = try await plan(app, "edu700101"), mih = try await plan(app, "edu700102")
            let item = try await items(app, zyr)[2]
            for (login, path, status) in [("head-mih", "/gap-plans/\(zyr.id!)", HTTPStatus.forbidden), ("teacher", "/gap-plans/\(mih.id!)", .forbidden),
                                          ("specialist", "/gap-plans/\(zyr.id!)", .ok), ("methodist", "/gap-plans/\(mih.id!)", .ok),
                                          ("head-zyr", "/gap-plans/\(zyr.id!)", .ok), ("teacher", "/gap-plans/\(zyr.id!)", .ok),
                                          ("observer", "/gap-plans/\(zyr.id!)", .forbidden)] {
                let b = Browser(app)
                try await b.login(login)
                assertStatus(try await b.get(path), status, "\(login) \(path)")
            }
            // The district reads: no edit forms; a head of another school may not write.
            let spec = Browser(app)
            try await spec.login("specialist")
            assertNotContains(try await spec.get("/gap-plans/\(zyr.id!)"), "Сохранить пункт")
            assertStatus(try await spec.post("/gap-items/\(item.id!)", ["form": "x", "status": "planned"]), .forbidden)
            let other = Browser(app)
            try await other.login("head-mih")
            assertStatus(try await other.post("/gap-items/\(item.id!)", ["form": "x", "status": "planned"]), .forbidden)
            assertStatus(try await other.get("/gap-rediagnoses/\(try await GapRediagnosis.query(on: app.db).first()!.requireID())"), .forbidden)
            let got5 = try await GapPlanItem.find(item.id, on: app.db)!.form
            XCTAssertEqual(got5, item.form)
            // A teacher responsible for an item of another class edits that item only.
            let mihTeacher = User(login: "t-mih", name: "Учитель М.", role: .teacher, passwordHash: try Passwords.hash("demo"), regionID: mih.regionID,
                                  municipalityID: mih.municipalityID, schoolID: mih.$school.id)
            try await mihTeacher.create(on: app.db)
            let mihItems = try await items(app, mih)
            mihItems[0].$responsible.id = mihTeacher.id
            try await mihItems[0].save(on: app.db)
            let t = Browser(app)
            try await t.login("t-mih")
            let page = try await t.get("/gap-plans/\(mih.id!)")
            assertStatus(page, .ok)
            assertContains(page, "Сохранить пункт 1")
            assertNotContains(page, "Сохранить пункт 2")
            assertNotContains(page, "Удалить план")
            assertStatus(try await t.post("/gap-items/\(mihItems[1].id!)", ["form": "x", "status": "planned"]), .forbidden)
            assertStatus(try await t.get("/gap-plans/\(mih.id!)/delete"), .forbidden)
            assertStatus(try await t.post("/gap-items/\(mihItems[0].id!)", ["form": "консультации", "status": "in_work", "responsible": ""]), .seeOther)
            let saved = try await GapPlanItem.find(mihItems[0].id, on: app.db)!
            XCTAssertEqual(saved.form, "консультации")
            XCTAssertEqual(saved.itemStatus, .inWork)
            XCTAssertEqual(saved.$responsible.id, mihTeacher.id, "only the head gives an item to someone")
        }
    }

    func testAReDiagnosisTypedInTheGridGivesBeforeAndAfterAndClosesTheItem() async throws {
        try await withApp { app in
            let plan = try await plan(app, "edu700102")
            let list = try await items(app, plan)
            let b = Browser(app)
            try await b.login("head-mih")
            // Its tasks: two on the first requirement, one on the second (a code not in the spec is refused).
            let bad = try await b.postForm("/gap-plans/\(plan.id!)/rediagnoses", ["date": "20.11.2026", "mode": "tasks"],
                                           lists: ["number[]": ["1", "2"], "code[]": [list[0].code, "9.99"], "max[]": ["2", "1"]])
            assertStatus(bad, .seeOther)
            let got6 = try await GapRediagnosis.query(on: app.db).filter(\.$plan.$id == plan.requireID()).count()
            XCTAssertEqual(got6, 0)
            let res = try await b.postForm("/gap-plans/\(plan.id!)/rediagnoses", ["date": "20.11.2026", "mode": "tasks"],
                                           lists: ["number[]": ["1", "2", "3", ""], "code[]": [list[0].code, list[0].code, list[1].code, list[1].code], "max[]": ["2", "1", "2", ""]])
            assertStatus(res, .seeOther)
            let r = try await GapRediagnosis.query(on: app.db).filter(\.$plan.$id == plan.requireID()).first()!
            XCTAssertEqual(try r.decodedTasks().map(\.number), ["1", "2", "3"])
            let rows = try r.decodedRows()
            let second = list[1].studentCodes
            // A score above the maximum: nothing stored, the cell named.
            var form: [String: String] = [:]
            for (i, row) in rows.enumerated() { form["s_\(i)_0"] = "2"; form["s_\(i)_1"] = "1"; form["s_\(i)_2"] = second.contains(row.code) ? "0" : "2" }
            form["s_0_0"] = "5"
            _ = try await b.post("/gap-rediagnoses/\(r.id!)", form)
            assertContains(try await b.get("/gap-rediagnoses/\(r.id!)"), "Обучающийся \(rows[0].code), задание 1: «5»")
            let got7 = try await GapRediagnosis.find(r.id, on: app.db)!.rows
            XCTAssertEqual(got7, r.rows)
            form["s_0_0"] = "2"
            assertStatus(try await b.post("/gap-rediagnoses/\(r.id!)", form), .seeOther)
            let page = try await b.get("/gap-rediagnoses/\(r.id!)")
            assertContains(page, "Результаты сохранены")
            // Before/after: the first requirement now mastered by everyone.
            let before = try await GapsQuery.works(try await Procedure.find(plan.$procedure.id, on: app.db)!, school: app.school("edu700102"), className: "4А", on: app.db)
            let k = before.gaps.requirements.firstIndex { $0.requirement.code == list[0].code }!
            let notBefore = before.gaps.students.filter { $0.verdicts[k] == .notMastered }.count
            assertContains(page, #"<td class="num">\#(rows.count)</td><td class="num">\#(notBefore)</td><td class="num">0</td>"#)
            // The first item closes as eliminated; the second (its students all at 0) as not eliminated.
            assertStatus(try await b.post("/gap-items/\(list[0].id!)", ["form": "урок", "status": "closed", "outcome": "eliminated"]), .seeOther)
            let got8 = try await GapPlanItem.find(list[0].id, on: app.db)!.itemStatus
            XCTAssertEqual(got8, .closed)
            let planPage = try await b.get("/gap-plans/\(plan.id!)")
            assertContains(planPage, "Повторная диагностика проведена: не устранён")
            // The district sees the school's closed deficit.
            let spec = Browser(app)
            try await spec.login("specialist")
            let district = try await spec.get("/gap-plans")
            assertContains(district, "Михайловская")
            let summaries = try await PlanSummary.make([plan], today: LocalDate(year: 2026, month: 12, day: 2), on: app.db)
            XCTAssertEqual(summaries[0].outcome(.eliminated), 1)
            XCTAssertEqual(summaries[0].rediagnosed, 2)
        }
    }

    func testAnUploadedSheetIsAllOrNothingAndKept() async throws {
        try await withApp { app in
            let plan = try await plan(app, "edu700101")
            let r = try await GapRediagnosis.query(on: app.db).filter(\.$plan.$id == plan.requireID()).first()!
            let rows = try r.decodedRows()
            let b = Browser(app)
            try await b.login("teacher")
            let template = try await b.get("/gap-rediagnoses/\(r.id!)/template.xlsx")
            assertStatus(template, .ok)
            let cells = try XLSXSheetReader.rows(data: Data(template.body.readableBytesView), file: "t.xlsx")
            XCTAssertTrue(cells.contains { $0.first == "Код участника" && $0.dropFirst().prefix(2) == ["1", "2"] })
            let badCSV = "Код участника;1;2\n\(rows[0].code);3;0\nZZZ;1;1\n"
            _ = try await b.postMultipart("/gap-rediagnoses/\(r.id!)/upload", [:], files: [("file", "r.csv", Array(badCSV.utf8))])
            let page = try await b.get("/gap-rediagnoses/\(r.id!)")
            assertContains(page, "Файл «r.csv», строка 3: кода участника «ZZZ» нет среди работ класса.")
            assertContains(page, "Файл «r.csv», строка 2, столбец «1»: «3»")
            let got9 = try await GapRediagnosis.find(r.id, on: app.db)!.rows
            XCTAssertEqual(got9, r.rows)
            let got10 = try await GapFile.query(on: app.db).count()
            XCTAssertEqual(got10, 0)
            let goodCSV = "Код участника;1;2\n" + rows.map { "\($0.code);1;2" }.joined(separator: "\n")
            _ = try await b.postMultipart("/gap-rediagnoses/\(r.id!)/upload", [:], files: [("file", "r.csv", Array(goodCSV.utf8))])
            let stored = try await GapRediagnosis.find(r.id, on: app.db)!.decodedRows()
            XCTAssertEqual(stored.map(\.scores), rows.map { _ in [1, 2] })
            let kept = try await GapFile.query(on: app.db).first()!
            XCTAssertEqual(kept.kind, "rediagnosis")
            XCTAssertEqual(kept.data, Data(goodCSV.utf8))
        }
    }

    func testARouteStartsWithTheParentsConsentAndKeepsTheScan() async throws {
        try await withApp { app in
            let plan = try await plan(app, "edu700102")
            let b = Browser(app)
            try await b.login("head-mih")
            let p = try await Procedure.find(plan.$procedure.id, on: app.db)!
            let l = try await GapsQuery.works(p, school: app.school("edu700102"), className: "4А", on: app.db)
            let student = l.gaps.students.max { $0.notMastered.count < $1.notMastered.count }!
            assertStatus(try await b.post("/gap-plans/\(plan.id!)/routes", ["student": student.code]), .seeOther)
            let route = try await GapRoute.query(on: app.db).filter(\.$plan.$id == plan.requireID()).first()!
            XCTAssertEqual(route.requirements, GapText.join(student.notMastered))
            _ = try await b.postMultipart("/gap-routes/\(route.id!)", ["requirements": route.requirements, "work": "занятия", "status": "in_work"], files: [])
            assertContains(try await b.get("/gap-plans/\(plan.id!)"), "начинается с письменного согласия родителей")
            let got11 = try await GapRoute.find(route.id, on: app.db)!.itemStatus
            XCTAssertEqual(got11, .planned)
            let scan = Array("%PDF-1.4\n%%EOF\n".utf8)
            let res = try await b.postMultipart("/gap-routes/\(route.id!)", ["requirements": route.requirements, "work": "занятия", "status": "in_work", "consentDate": "10.11.2026"],
                                                files: [("consent", "согласие.pdf", scan)])
            assertStatus(res, .seeOther)
            let saved = try await GapRoute.find(route.id, on: app.db)!
            XCTAssertEqual(saved.itemStatus, .inWork)
            XCTAssertEqual(saved.consentDate, "2026-11-10")
            let file = try await b.get("/gap-files/\(saved.consentFileID!)")
            assertStatus(file, .ok)
            XCTAssertEqual(Array(file.body.readableBytesView), scan)
            let other = Browser(app)
            try await other.login("head-zyr")
            assertStatus(try await other.get("/gap-files/\(saved.consentFileID!)"), .forbidden)
        }
    }

    func testThePlanAndTheSummaryAreDocumentsAndAttachTo23() async throws {
        try await withApp { app in
            let plan = try await plan(app, "edu700101")
            let b = Browser(app)
            try await b.login("head-zyr")
            let docx = try await b.get("/gap-plans/\(plan.id!)/plan.docx")
            assertStatus(docx, .ok)
            let xml = try documentXML(Data(docx.body.readableBytesView))
            XCTAssertTrue(xml.contains("План ликвидации пробелов в знаниях обучающихся 4А класса"))
            XCTAssertTrue(xml.contains("устранён частично"), "the re-diagnosis' outcome is in the plan")
            let xlsx = try await b.get("/gap-plans/\(plan.id!)/plan.xlsx")
            let sheet = try XLSXSheetReader.rows(data: Data(xlsx.body.readableBytesView), file: "p.xlsx")
            XCTAssertTrue(sheet.contains { $0.contains("Проверка результата") })
            let school = try await app.school("edu700101")
            assertStatus(try await b.get("/gap-plans/schools/\(school.id!)/summary.docx"), .ok)
            assertStatus(try await b.get("/gap-plans/schools/\(school.id!)/summary.xlsx"), .ok)
            // One click: the plan in the school's report of 2.3.
            let before = try await EvidenceFile.query(on: app.db).count()
            let res = try await b.post("/gap-plans/\(plan.id!)/attach", [:])
            assertStatus(res, .seeOther)
            let got12 = try await EvidenceFile.query(on: app.db).count()
            XCTAssertEqual(got12, before + 1)
            let e = try await EvidenceFile.query(on: app.db).sort(\.$createdAt, .descending).first()!
            XCTAssertTrue(e.fileName.hasPrefix("План ликвидации пробелов 4А"))
            let report = try await CheckpointReport.find(e.$report.id, on: app.db)!
            let cp = try await Checkpoint.find(report.$checkpoint.id, on: app.db)!
            let got13 = try await Measure.find(cp.$measure.id, on: app.db)!.number
            XCTAssertEqual(got13, "2.3")
            XCTAssertEqual(report.schoolID, school.id)
            // The re-diagnosis too: its before/after, in the same report.
            let r = try await GapRediagnosis.query(on: app.db).filter(\.$plan.$id == plan.requireID()).first()!
            assertStatus(try await b.post("/gap-rediagnoses/\(r.id!)/attach", [:]), .seeOther)
            let last = try await EvidenceFile.query(on: app.db).sort(\.$createdAt, .descending).first()!
            XCTAssertTrue(last.fileName.hasPrefix("Повторная диагностика 4А"), last.fileName)
            XCTAssertTrue(try documentXML(last.data).contains("Результаты повторной диагностики обучающихся 4А класса"))
            XCTAssertEqual(last.$report.id, e.$report.id)
        }
    }
}
