import Fluent
import Foundation
import MsokoCore
import XCTest
import XCTVapor
@testable import MsokoServer

/// Meetings, decisions and their API (issue 15 §1, §2, §4a) on the demo district, whose clock in
/// the tests is 20 January 2026 in Tomsk.
final class MeetingsServerTests: XCTestCase {
    func meeting(_ app: Application, _ date: String, school: String? = nil) async throws -> Meeting {
        let q = Meeting.query(on: app.db).filter(\.$date == date)
        if let school { q.filter(\.$school.$id == (try await app.school(school).requireID())) }
        return try await q.first()!
    }

    func testTheDemoHoldsTheYearsMeetingsWithDecisionsInEveryStatus() async throws {
        try await withApp { app in
            // The associations' sittings (issue 16) are theirs; the rest are the meetings of issue 15.
            let kinds = try await Meeting.query(on: app.db).filter(\.$associationID == nil).all().map { "\($0.kind) \($0.date)" }.sorted()
            XCTAssertEqual(kinds, ["headsMeeting 2025-08-27", "headsMeeting 2026-01-28", "headsMeeting 2026-03-25",
                                   "interview 2025-09-16", "interview 2025-09-17", "interview 2025-09-18", "interview 2025-09-18"])
            let today = LocalDate(midYear, in: TimeZone(identifier: "Asia/Tomsk")!)
            let statuses = Set(try await Decision.query(on: app.db).all().map { $0.status(today: today) })
            XCTAssertEqual(statuses, Set(DecisionStatus.allCases))
        }
    }

    func testAHeadSeesOnlyWhatConcernsTheirSchool() async throws {
        try await withApp { app in
            let august = try await meeting(app, "2025-08-27")
            let zyrInterview = try await meeting(app, "2025-09-16", school: "edu700101")
            let mih = Browser(app)
            try await mih.login("head-mih")
            let page = try await mih.get("/meetings/\(august.id!)")
            assertStatus(page, .ok)
            assertContains(page, "Рассмотреть на педагогическом совете")
            // Another school's decision, attendee and name are not shown to this head.
            assertNotContains(page, "Утвердить в школах локальные акты")
            assertNotContains(page, "Кузнецова")
            assertNotContains(page, "Зырянская")
            assertContains(page, "и ещё 9")
            let docx = try await mih.get("/meetings/\(august.id!)/protocol.docx")
            assertStatus(docx, .ok)
            let xml = try documentXML(Data(buffer: docx.body))
            XCTAssertFalse(xml.contains("Зырянская"))
            XCTAssertTrue(xml.contains("Рассмотреть на педагогическом совете"))
            assertStatus(try await mih.get("/meetings/\(zyrInterview.id!)"), .forbidden)
            // The API: decisions addressed to the school or to the head, nothing else.
            let api = try await mih.get("/api/v1/decisions")
            struct List: Decodable { struct D: Decodable { var text: String; var status: String; var owner: Owner }; struct Owner: Decodable { var kind: String; var school: String? }; var decisions: [D] }
            let list = try JSONDecoder().decode(List.self, from: Data(buffer: api.body))
            XCTAssertEqual(list.decisions.count, 2)
            XCTAssertTrue(list.decisions.allSatisfy { $0.owner.school == "edu700102" })
            // A teacher sees no district meeting; the interview's owner (head-zyr) does.
            let teacher = Browser(app)
            try await teacher.login("teacher")
            assertStatus(try await teacher.get("/meetings/\(august.id!)"), .forbidden)
            let zyr = Browser(app)
            try await zyr.login("head-zyr")
            assertStatus(try await zyr.get("/meetings/\(zyrInterview.id!)"), .ok)
        }
    }

    func testTheDecisionsAPIWritesEveryFieldAndFiltersByStatus() async throws {
        try await withApp { app in
            let s = Browser(app)
            try await s.login("specialist")
            let all = try await s.get("/api/v1/decisions")
            assertStatus(all, .ok)
            let json = try JSONSerialization.jsonObject(with: Data(buffer: all.body)) as! [String: Any]
            let decisions = json["decisions"] as! [[String: Any]]
            let stored = try await Decision.query(on: app.db).count()
            XCTAssertEqual(decisions.count, stored)
            for d in decisions {
                XCTAssertEqual(Set(d.keys), ["id", "text", "owner", "deadline", "status", "meeting"])
                let owner = d["owner"] as! [String: Any]
                XCTAssertEqual(Set(owner.keys), ["kind", "name", "school"], "school is null, not missing")
                XCTAssertTrue(["assigned", "inProgress", "done", "overdue", "cancelled"].contains(d["status"] as! String))
                XCTAssertNotNil((d["deadline"] as? String).flatMap(LocalDate.init(iso:)))
            }
            let overdue = try await s.get("/api/v1/decisions?status=overdue")
            let od = (try JSONSerialization.jsonObject(with: Data(buffer: overdue.body)) as! [String: Any])["decisions"] as! [[String: Any]]
            XCTAssertEqual(od.count, 2)
            XCTAssertTrue(od.allSatisfy { $0["status"] as? String == "overdue" })
            assertStatus(try await s.get("/api/v1/decisions?status=late"), .badRequest)
            let meetings = try await s.get("/api/v1/meetings")
            let ms = (try JSONSerialization.jsonObject(with: Data(buffer: meetings.body)) as! [String: Any])["meetings"] as! [[String: Any]]
            assertEq(ms.count, 7 + (try await Meeting.query(on: app.db).filter(\.$associationID != nil).count()))
            XCTAssertEqual(Set(ms[0].keys), ["id", "kind", "date", "title", "items", "decisions"])
        }
    }

    func testASpecialistHoldsAHeadsMeetingFromThePrefilledAgendaAndAHeadReports() async throws {
        try await withApp { app in
            let s = Browser(app)
            try await s.login("specialist")
            try await s.get("/meetings/new?kind=headsMeeting")
            // Problems are named all at once; nothing is stored.
            let bad = try await s.post("/meetings", ["kind": "headsMeeting", "title": "", "date": "31.02.2026", "time": "25:00"])
            assertStatus(bad, .seeOther)
            let shown = try await s.get("/meetings/new?kind=headsMeeting")
            assertContains(shown, "Поле «Тема»: заполните.")
            assertContains(shown, "Поле «Время»: «25:00»")
            assertContains(shown, "Поле «Дата»")
            let before = try await Meeting.query(on: app.db).count()
            assertEq(before, 7 + (try await Meeting.query(on: app.db).filter(\.$associationID != nil).count()))
            let res = try await s.post("/meetings", ["kind": "headsMeeting", "title": "Об объективности ВПР", "date": "29.01.2026", "time": "10:00",
                                                     "chair": "", "chairName": "Самойлова Анна Леонидовна", "chairPost": "начальник отдела",
                                                     "inviteHeads": "1", "prefill": "1"])
            assertStatus(res, .seeOther)
            let m = try await Meeting.query(on: app.db).filter(\.$date == "2026-01-29").first()!
            assertLocation(res, "/meetings/\(m.id!)")
            // One item per school with signs of non-objective results, tied to it; every head invited.
            let items = try await MeetingItem.query(on: app.db).filter(\.$meeting.$id == m.requireID()).sort(\.$position).all()
            XCTAssertFalse(items.isEmpty)
            XCTAssertTrue(items.allSatisfy { $0.schoolID != nil && $0.linkKind == "objectivity" })
            let participants = try await MeetingParticipant.query(on: app.db).filter(\.$meeting.$id == m.requireID()).count()
            XCTAssertEqual(participants, 1 + 10)
            // The agenda opens with the open decisions of earlier heads' meetings.
            let page = try await s.get("/meetings/\(m.id!)")
            assertContains(page, "О ходе исполнения ранее принятых решений")
            assertContains(page, "Рассмотреть на педагогическом совете вопрос объективности")
            assertNotContains(page, "Обеспечить присутствие независимых наблюдателей")  // done
            // Two decisions: one to a school, one to the department.
            let mih = try await app.school("edu700102").requireID()
            let item = items[0]
            let d1 = try await s.post("/meetings/\(m.id!)/decisions", ["item": item.id!.uuidString, "text": "Провести педагогический совет по объективности",
                                                                       "owner": "school:\(mih)", "deadline": "20.02.2026", "reportForm": "протокол"])
            assertStatus(d1, .seeOther)
            let d2 = try await s.post("/meetings/\(m.id!)/decisions", ["item": item.id!.uuidString, "text": "Направить наблюдателей",
                                                                       "owner": "department", "deadline": "01.03.2026"])
            assertStatus(d2, .seeOther)
            let bad2 = try await s.post("/meetings/\(m.id!)/decisions", ["item": item.id!.uuidString, "text": "", "owner": "school:\(UUID())", "deadline": ""])
            assertStatus(bad2, .seeOther)
            let count = try await Decision.query(on: app.db).filter(\.$meeting.$id == m.requireID()).count()
            XCTAssertEqual(count, 2)
            // The order drafted from the decisions.
            let order = try await s.get("/meetings/\(m.id!)/order.docx")
            assertStatus(order, .ok)
            let xml = try documentXML(Data(buffer: order.body))
            XCTAssertTrue(xml.contains("ПРИКАЗЫВАЮ:"))
            XCTAssertTrue(xml.contains("1. Провести педагогический совет по объективности. Ответственный: МОУ «Михайловская СОШ». Срок: до 20.02.2026."))
            XCTAssertTrue(xml.contains("3. Контроль за исполнением приказа"))
            // The protocol and the order go to the district's report on 1.5 in one click each.
            let evidenceBefore = try await EvidenceFile.query(on: app.db).count()
            assertStatus(try await s.post("/meetings/\(m.id!)/attach", [:]), .seeOther)
            assertStatus(try await s.post("/meetings/\(m.id!)/attach", ["document": "order"]), .seeOther)
            let attached = try await EvidenceFile.query(on: app.db).sort(\.$createdAt).all().suffix(2).map(\.fileName)
            let evidenceAfter = try await EvidenceFile.query(on: app.db).count()
            XCTAssertEqual(evidenceAfter, evidenceBefore + 2)
            XCTAssertEqual(Set(attached.map { $0.components(separatedBy: " ").first! }), ["Протокол", "Приказ"])
            // The head of that school reports it done, with a file; «Мои задачи» listed it.
            let head = Browser(app)
            try await head.login("head-mih")
            let tasks = try await head.get("/tasks")
            assertContains(tasks, "Провести педагогический совет по объективности")
            let decision = try await Decision.query(on: app.db).filter(\.$text == "Провести педагогический совет по объективности").first()!
            assertStatus(try await head.get("/decisions/\(decision.id!)"), .ok)
            let empty = try await head.postMultipart("/decisions/\(decision.id!)/report", ["report": "", "state": "done"], files: [])
            assertStatus(empty, .seeOther)
            let still = try await Decision.find(decision.id, on: app.db)!
            XCTAssertEqual(still.state, "assigned", "«выполнено» needs the report's text")
            let ok = try await head.postMultipart("/decisions/\(decision.id!)/report", ["report": "Педсовет проведён 10.02.2026", "state": "done"],
                                                  files: [("files[]", "протокол.pdf", Array("%PDF-1.4 test".utf8))])
            assertStatus(ok, .seeOther)
            let done = try await Decision.find(decision.id, on: app.db)!
            XCTAssertEqual(done.state, "done")
            let files = try await DecisionFile.query(on: app.db).filter(\.$decision.$id == decision.requireID()).count()
            XCTAssertEqual(files, 1)
            // Another head may not report on it, nor see it.
            let zyr = Browser(app)
            try await zyr.login("head-zyr")
            assertStatus(try await zyr.get("/decisions/\(decision.id!)"), .forbidden)
            assertStatus(try await zyr.postMultipart("/decisions/\(decision.id!)/report", ["report": "x", "state": "done"], files: []), .forbidden)
            // The report's file: kept whole, for those who see the decision only.
            let file = try await DecisionFile.query(on: app.db).filter(\.$decision.$id == decision.requireID()).first()!
            XCTAssertEqual(file.sha256, Checksum.sha256(Data("%PDF-1.4 test".utf8)))
            let got = try await head.get("/decision-files/\(file.id!)")
            assertStatus(got, .ok)
            XCTAssertEqual(got.body.string, "%PDF-1.4 test")
            assertStatus(try await zyr.get("/decision-files/\(file.id!)"), .forbidden)
            assertStatus(try await s.get("/decision-files/\(file.id!)"), .ok)
            // Audited: creation, decisions, the report.
            let audited = try await AuditEntry.query(on: app.db).filter(\.$entity ~~ ["meeting", "decision"]).count()
            XCTAssertEqual(audited, 4)
            let attachedAudit = try await AuditEntry.query(on: app.db).filter(\.$entity == "evidence").filter(\.$action == "attach").count()
            XCTAssertGreaterThanOrEqual(attachedAudit, 2)
        }
    }

    func testAManagerCancelsWithAReasonAndOverdueFollowsTheClock() async throws {
        let later = midYear.addingTimeInterval(40 * 86_400)
        try await withApp(now: midYear, clock: { later }) { app in
            let s = Browser(app)
            try await s.login("specialist")
            // Recorded outside a meeting, due on the day the demo was loaded: 40 days later it is overdue.
            let res = try await s.post("/decisions", ["text": "Подготовить справку", "owner": "department", "deadline": "25.01.2026"])
            assertStatus(res, .seeOther)
            let d = try await Decision.query(on: app.db).filter(\.$text == "Подготовить справку").first()!
            let register = try await s.get("/decisions?status=overdue")
            assertContains(register, "Подготовить справку")
            let noReason = try await s.post("/decisions/\(d.id!)", ["text": d.text, "owner": "department", "deadline": "25.01.2026", "state": "cancelled"])
            assertStatus(noReason, .seeOther)
            let unchanged = try await Decision.find(d.id, on: app.db)!
            XCTAssertEqual(unchanged.state, "assigned")
            assertStatus(try await s.post("/decisions/\(d.id!)", ["text": d.text, "owner": "department", "deadline": "25.01.2026", "state": "cancelled", "reason": "Поручение утратило актуальность"]), .seeOther)
            let cancelled = try await Decision.find(d.id, on: app.db)!
            XCTAssertEqual(cancelled.state, "cancelled")
            XCTAssertTrue(cancelled.report.contains("Поручение утратило актуальность"))
            // A head cannot manage a district decision.
            let head = Browser(app)
            try await head.login("head-zyr")
            assertStatus(try await head.post("/decisions/\(d.id!)", ["text": "x", "owner": "department", "deadline": "01.01.2026", "state": "done"]), .forbidden)
        }
    }

    func testTemplatesAreCheckedAndUsed() async throws {
        try await withApp { app in
            let s = Browser(app)
            try await s.login("specialist")
            try await s.get("/meetings/templates")
            let bad = try await s.post("/meetings/templates", ["protocolText": "# ПРОТОКОЛ {итоги}", "orderText": MeetingDocuments.defaultOrderTemplate])
            assertStatus(bad, .seeOther)
            assertContains(try await s.get("/meetings/templates"), "неизвестные подстановки {итоги}")
            assertStatus(try await s.post("/meetings/templates", ["protocolText": "# ПРОТОКОЛ № {номер} НАШ\n{ход}", "orderText": MeetingDocuments.defaultOrderTemplate]), .seeOther)
            assertContains(try await s.get("/meetings/templates"), "Шаблоны сохранены.")
            let august = try await meeting(app, "2025-08-27")
            let xml = try documentXML(Data(buffer: try await s.get("/meetings/\(august.id!)/protocol.docx").body))
            XCTAssertTrue(xml.contains("ПРОТОКОЛ №\u{00A0}5 НАШ"), "the district's own heading")
        }
    }

    func testAnInterviewDossierHoldsTheSchoolsFactsOfThePreviousYear() async throws {
        try await withApp { app in
            let interview = try await meeting(app, "2025-09-16", school: "edu700101")
            let head = Browser(app)
            try await head.login("head-zyr")
            let page = try await head.get("/meetings/\(interview.id!)/dossier")
            assertStatus(page, .ok)
            assertContains(page, "итоги 2024-2025 учебного года")
            // The school's procedures of 2024-2025, not those of the year after; no other school named.
            let zyr = try await app.school("edu700101")
            let counts = try await ResultsQuery.worksPerProcedure(municipalityID: zyr.$municipality.id, schoolID: zyr.id, on: app.db)
            let procedures = try await Procedure.query(on: app.db).all().filter { (counts[$0.id!] ?? 0) > 0 }
            XCTAssertTrue(procedures.contains { $0.schoolYear == "2024-2025" } && procedures.contains { $0.schoolYear == "2025-2026" })
            let body = page.body.string
            let results = String(body[body.range(of: "1. Результаты оценочных процедур")!.upperBound..<body.range(of: "2. Объективность результатов")!.lowerBound])
            for p in procedures {
                XCTAssertEqual(results.contains(ProcedureStore.title(p)), p.schoolYear == "2024-2025", ProcedureStore.title(p))
            }
            assertContains(page, "Проанализировать расхождение отметок")
            assertNotContains(page, "Михайловская")
            let docx = try await head.get("/meetings/\(interview.id!)/dossier.docx")
            assertStatus(docx, .ok)
            let xml = try documentXML(Data(buffer: docx.body))
            XCTAssertTrue(xml.contains("Материалы к собеседованию"))
            XCTAssertTrue(xml.contains("Проанализировать расхождение отметок"))
            // Only an interview has a dossier; another school's head does not see this one.
            let august = try await meeting(app, "2025-08-27")
            let s = Browser(app)
            try await s.login("specialist")
            assertStatus(try await s.get("/meetings/\(august.id!)/dossier"), .notFound)
            let mih = Browser(app)
            try await mih.login("head-mih")
            assertStatus(try await mih.get("/meetings/\(interview.id!)/dossier"), .forbidden)
        }
    }

    func testInterviewsAreScheduledOncePerSchoolOnWorkingDays() async throws {
        try await withApp { app in
            let s = Browser(app)
            try await s.login("specialist")
            try await s.get("/meetings")
            // 5 September 2026 is a Saturday: the first interviews are on Monday the 7th, four a day.
            assertStatus(try await s.post("/meetings/interviews", ["start": "05.09.2026"]), .seeOther)
            let planned = try await Meeting.query(on: app.db).filter(\.$kind == "interview").filter(\.$date >= "2026-09-01").sort(\.$date).sort(\.$time).all()
            XCTAssertEqual(planned.count, 10)
            XCTAssertEqual(planned.map(\.date), Array(repeating: "2026-09-07", count: 4) + Array(repeating: "2026-09-08", count: 4) + ["2026-09-09", "2026-09-09"])
            XCTAssertEqual(planned.prefix(4).map(\.time), ["10:00", "11:00", "14:00", "15:00"])
            XCTAssertEqual(Set(planned.compactMap { $0.$school.id }).count, 10)
            let zyr = try await app.school("edu700101").requireID()
            let zyrMeeting = planned.first { $0.$school.id == zyr }!
            let heads = try await MeetingParticipant.query(on: app.db).filter(\.$meeting.$id == zyrMeeting.requireID()).all().map(\.name)
            XCTAssertTrue(heads.contains("Кузнецова Н.В."))
            // A school without a head's account gets its head typed in.
            let oku = try await app.school("edu700107").requireID()
            let okuMeeting = planned.first { $0.$school.id == oku }!
            let okuPeople = try await MeetingParticipant.query(on: app.db).filter(\.$meeting.$id == okuMeeting.requireID()).all().map(\.name)
            XCTAssertTrue(okuPeople.contains("Руководитель МБОУ «Окунеевская ООШ»"), "\(okuPeople)")
            // Again: nothing new. A bad date is named.
            assertStatus(try await s.post("/meetings/interviews", ["start": "07.09.2026"]), .seeOther)
            let again = try await Meeting.query(on: app.db).filter(\.$kind == "interview").count()
            XCTAssertEqual(again, 4 + 10)
            assertStatus(try await s.post("/meetings/interviews", ["start": "сентябрь"]), .seeOther)
            assertContains(try await s.get("/meetings?kind=interview"), "Поле «Начало собеседований»: «сентябрь»")
        }
    }

    func testTheLoopCarriesAFindingToItsMeasuredEffect() async throws {
        try await withApp { app in
            let s = Browser(app)
            try await s.login("specialist")
            let page = try await s.get("/loop")
            assertStatus(page, .ok)
            // Окунеевская ООШ: signs in ВПР 2025 (математика, 4), the decision, and ВПР 2026 measured
            // independently here through the objectivity the district's pages use.
            let oku = try await app.school("edu700107")
            let mid = oku.$municipality.id
            let p2025 = try await Procedure.query(on: app.db).filter(\.$year == 2025).filter(\.$subject == "Математика").filter(\.$grade == 4).first()!
            let p2026 = try await Procedure.query(on: app.db).filter(\.$year == 2026).filter(\.$subject == "Математика").filter(\.$grade == 4).first()!
            func flagged(_ p: Procedure) async throws -> Bool {
                let (_, risks, settings) = try await AnalysisQuery.objectivity(procedure: p, municipalityID: mid, on: app.db)
                return risks.first { $0.school == "edu700107" && $0.className == nil }!.hasSigns(settings)
            }
            let (was, now) = (try await flagged(p2025), try await flagged(p2026))
            XCTAssertTrue(was, "the demo plants pushing over thresholds in 2025")
            let expected: LoopVerdict = was && !now ? .improved : !was && now ? .worsened : .unchanged
            let schoolPage = try await s.get("/loop/schools/\(oku.id!)")
            assertStatus(schoolPage, .ok)
            assertContains(schoolPage, "Организовать перекрёстную проверку работ ВПР")
            assertContains(schoolPage, "ВПР 2025 · Математика · 4 класс: есть признаки")
            assertContains(schoolPage, "ВПР 2026 · Математика · 4 класс: \(now ? "есть признаки" : "признаков нет")")
            assertContains(schoolPage, ">\(expected.title)</span>")
            // A decision about the spring 2026 procedure has no comparable measurement yet.
            assertContains(page, "ещё не измерено")
            let docx = try await s.get("/loop/report.docx")
            assertStatus(docx, .ok)
            let xml = try documentXML(Data(buffer: docx.body))
            XCTAssertTrue(xml.contains("Анализ эффективности принятых мер"))
            XCTAssertTrue(xml.contains("Организовать перекрёстную проверку работ ВПР"))
            // A head: their own school's page only; the district's view is not theirs.
            let head = Browser(app)
            try await head.login("head-zyr")
            assertStatus(try await head.get("/loop/schools/\(try await app.school("edu700101").requireID())"), .ok)
            assertStatus(try await head.get("/loop/schools/\(oku.id!)"), .forbidden)
            assertStatus(try await head.get("/loop"), .forbidden)
        }
    }

    func testAPersonalCalendarFeedIsSecretRevocableAndHoldsTheUsersMeetings() async throws {
        try await withApp { app in
            let head = Browser(app)
            try await head.login("head-mih")
            assertContains(try await head.get("/calendar/feed"), "Ссылки пока нет.")
            let made = try await head.post("/calendar/feed", [:])
            assertStatus(made, .ok)
            let body = made.body.string
            let r = body.range(of: #"/ical/[A-Za-z0-9_-]+\.ics"#, options: .regularExpression)!
            let path = String(body[r])
            // No session needed: the secret is the key.
            let feed = try await Browser(app).get(path)
            assertStatus(feed, .ok)
            XCTAssertEqual(feed.headers.contentType?.subType, "calendar")
            let text = feed.body.string
            XCTAssertTrue(text.hasPrefix("BEGIN:VCALENDAR\r\n"))
            let unfolded = text.replacingOccurrences(of: "\r\n ", with: "")
            XCTAssertTrue(text.components(separatedBy: "\r\n").allSatisfy { $0.utf8.count <= 75 }, "long lines are folded")
            // The head's meetings (the August heads' meeting, their interview) and their school's deadlines; not another school's interview.
            XCTAssertTrue(unfolded.contains("SUMMARY:Совещание руководителей ОО: Об объективности проведения оценочных процедур в 2024-2025 учебном году"))
            XCTAssertTrue(unfolded.contains("Собеседование с руководителем ОО: МОУ «Михайловская СОШ»"))
            XCTAssertFalse(unfolded.contains("Зырянская"))
            XCTAssertTrue(unfolded.contains("Представить план ликвидации пробелов по русскому языку"))
            // 27 August 2025, 10:00 in Tomsk (UTC+7) is 03:00 UTC.
            XCTAssertTrue(unfolded.contains("DTSTART:20250827T030000Z"))
            // A new link disables the old one; revoking disables the new.
            let again = try await head.post("/calendar/feed", [:])
            let b2 = again.body.string
            let path2 = String(b2[b2.range(of: #"/ical/[A-Za-z0-9_-]+\.ics"#, options: .regularExpression)!])
            XCTAssertNotEqual(path, path2)
            assertStatus(try await Browser(app).get(path), .notFound)
            assertStatus(try await Browser(app).get(path2), .ok)
            try await head.get("/calendar/feed")
            assertStatus(try await head.post("/calendar/feed/revoke", [:]), .seeOther)
            assertStatus(try await Browser(app).get(path2), .notFound)
            assertStatus(try await Browser(app).get("/ical/nonsense.ics"), .notFound)
            // The calendar page shows meetings beside the procedures.
            let cal = try await head.get("/calendar?view=month&date=2025-08-01")
            assertContains(cal, "Совещание руководителей ОО")
        }
    }

    func testICalendarTextIsEscapedAndFolded() {
        let long = String(repeating: "Объективность, решения; и \\ строки\n", count: 4)
        let doc = ICalendar.document(name: "МСОКО", events: [ICalendar.Event(uid: "a@msoko", day: LocalDate(year: 2026, month: 1, day: 28), summary: long)],
                                     stamp: Date(timeIntervalSince1970: 0))
        let lines = doc.components(separatedBy: "\r\n")
        XCTAssertTrue(lines.allSatisfy { $0.utf8.count <= 75 }, "no line over 75 octets")
        XCTAssertTrue(doc.contains("DTSTART;VALUE=DATE:20260128\r\nDTEND;VALUE=DATE:20260129"))
        let summary = doc.replacingOccurrences(of: "\r\n ", with: "").components(separatedBy: "\r\n").first { $0.hasPrefix("SUMMARY:") }!
        XCTAssertTrue(summary.hasPrefix("SUMMARY:Объективность\\, решения\\; и \\\\ строки\\nОбъективность"), summary)
        // Folding never cuts a two-octet letter.
        XCTAssertNotNil(String(data: Data(doc.utf8), encoding: .utf8))
        XCTAssertEqual(ICalendar.fold(String(repeating: "я", count: 40)).components(separatedBy: "\r\n ").map { $0.utf8.count }, [74, 6])
    }

    func testItemsAreCheckedAndAHeadRunsTheirOwnCouncil() async throws {
        try await withApp { app in
            let august = try await meeting(app, "2025-08-27")
            let vpr = try await app.demoVPR().requireID()
            let oku = try await app.school("edu700107").requireID()
            let s = Browser(app)
            try await s.login("specialist")
            try await s.get("/meetings/\(august.id!)")
            // An objectivity card is a school's: without the school the item is refused, all problems named.
            assertStatus(try await s.post("/meetings/\(august.id!)/items", ["title": "", "link": "objectivity:\(vpr)"]), .seeOther)
            let refused = try await s.get("/meetings/\(august.id!)")
            assertContains(refused, "Новый вопрос, поле «Вопрос»: заполните.")
            assertContains(refused, "карточка объективности — это карточка школы")
            assertStatus(try await s.post("/meetings/\(august.id!)/items", ["title": "О школе", "link": "objectivity:\(vpr)", "school": oku.uuidString, "heard": "Признаки"]), .seeOther)
            let item = try await MeetingItem.query(on: app.db).filter(\.$title == "О школе").first()!
            XCTAssertEqual(item.schoolID, oku)
            XCTAssertEqual(item.linkKind, "objectivity")
            XCTAssertEqual(item.linkProcedureID, vpr)
            assertStatus(try await s.post("/meeting-items/\(item.id!)", ["title": "О школе", "school": oku.uuidString, "link": "", "decided": "Принять к сведению"]), .seeOther)
            let saved = try await MeetingItem.find(item.id, on: app.db)!
            XCTAssertEqual(saved.decided, "Принять к сведению")
            XCTAssertNil(saved.linkKind)
            // A head holds the school's pedagogical council and gives a decision to a teacher of the school.
            let head = Browser(app)
            try await head.login("head-zyr")
            try await head.get("/meetings/new")
            assertStatus(try await head.post("/meetings", ["kind": "pedagogicalCouncil", "title": "Итоги ВПР", "date": "10.02.2026"]), .seeOther)
            let council = try await Meeting.query(on: app.db).filter(\.$kind == "pedagogicalCouncil").first()!
            let zyr = try await app.school("edu700101").id
            XCTAssertEqual(council.$school.id, zyr)
            try await head.get("/meetings/\(council.id!)")
            assertStatus(try await head.post("/meetings/\(council.id!)/items", ["title": "Объективность оценивания"]), .seeOther)
            let councilItem = try await MeetingItem.query(on: app.db).filter(\.$meeting.$id == council.requireID()).first()!
            let teacher = try await User.query(on: app.db).filter(\.$login == "teacher").first()!
            let mih = try await app.school("edu700102").requireID()
            // Another school is not among the owners a head may choose.
            assertStatus(try await head.post("/meetings/\(council.id!)/decisions", ["item": councilItem.id!.uuidString, "text": "x", "owner": "school:\(mih)", "deadline": "01.03.2026"]), .seeOther)
            let none = try await Decision.query(on: app.db).filter(\.$meeting.$id == council.requireID()).count()
            XCTAssertEqual(none, 0)
            assertStatus(try await head.post("/meetings/\(council.id!)/decisions", ["item": councilItem.id!.uuidString, "text": "Сверить журнальные отметки с результатами ВПР",
                                                                                    "owner": "user:\(teacher.id!)", "deadline": "01.03.2026"]), .seeOther)
            let t = Browser(app)
            try await t.login("teacher")
            assertContains(try await t.get("/tasks"), "Сверить журнальные отметки с результатами ВПР")
            assertStatus(try await t.get("/meetings/\(council.id!)"), .ok)
            // The district reads it but does not edit a school's council; another head does not see it.
            assertStatus(try await s.get("/meetings/\(council.id!)"), .ok)
            assertStatus(try await s.post("/meetings/\(council.id!)/items", ["title": "x"]), .forbidden)
            let other = Browser(app)
            try await other.login("head-mih")
            assertStatus(try await other.get("/meetings/\(council.id!)"), .forbidden)
        }
    }

    func testAGapPlanDecisionIsMeasuredByThePlansReDiagnosis() async throws {
        try await withApp { app in
            let zyr = try await app.school("edu700101")
            let plan = try await GapPlan.query(on: app.db).filter(\.$school.$id == zyr.requireID()).with(\.$items).with(\.$rediagnoses).with(\.$procedure).first()!
            let s = Browser(app)
            try await s.login("specialist")
            try await s.get("/meetings/new")
            assertStatus(try await s.post("/meetings", ["kind": "headsMeeting", "title": "О ликвидации пробелов", "date": "10.03.2026"]), .seeOther)
            let m = try await Meeting.query(on: app.db).filter(\.$date == "2026-03-10").first()!
            try await s.get("/meetings/\(m.id!)")
            assertStatus(try await s.post("/meetings/\(m.id!)/items", ["title": "План 4А", "school": zyr.id!.uuidString, "link": "gapPlan:\(plan.id!)"]), .seeOther)
            let item = try await MeetingItem.query(on: app.db).filter(\.$meeting.$id == m.requireID()).first()!
            assertStatus(try await s.post("/meetings/\(m.id!)/decisions", ["item": item.id!.uuidString, "text": "Закрыть пункты плана по итогам повторной диагностики",
                                                                       "owner": "school:\(zyr.id!)", "deadline": "01.04.2026"]), .seeOther)
            // Independently: the class's completion of the plan's requirements in the procedure, and in its re-diagnosis.
            // Only the requirements the re-diagnosis checked are compared (the demo's checks two of the plan's).
            let last = plan.rediagnoses.max { $0.date < $1.date }!
            let tasks = try last.decodedTasks()
            let codes = plan.items.map(\.code).filter { c in tasks.contains { $0.code == c } }
            XCTAssertEqual(codes.count, 2)
            let a = try await AnalysisQuery.analysis(procedure: plan.procedure, municipalityID: zyr.$municipality.id, on: app.db)
            let before = LoopRules.completion(codes: codes, in: a, group: a.group(school: "edu700101", className: plan.className)!)!
            let after = LoopRules.completion(codes: codes, tasks: tasks, rows: try last.decodedRows())!
            let expected = LoopRules.verdict(before: LoopMeasurement(label: "", completion: before), after: LoopMeasurement(label: "", completion: after))
            XCTAssertNotEqual(before, after)
            let page = try await s.get("/loop/schools/\(zyr.id!)")
            assertContains(page, "Закрыть пункты плана по итогам повторной диагностики")
            let list = codes.joined(separator: ", ")
            assertContains(page, "Повторная диагностика \(plan.className) (\(list)), \(LocalDate.russian(last.date)): выполнение \(AnalyticalReport.pct(after))")
            assertContains(page, "\(ProcedureStore.title(plan.procedure)), \(plan.className) (\(list)): выполнение \(AnalyticalReport.pct(before))")
            assertContains(page, ">\(expected.title)</span>")
        }
    }
}
