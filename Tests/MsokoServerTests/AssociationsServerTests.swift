import Fluent
import Foundation
import MsokoCore
import XCTest
import XCTVapor
@testable import MsokoServer

/// Methodical associations, their sittings and the library of recommendations (issue 16 §1) on the
/// demo district.
final class AssociationsServerTests: XCTestCase {
    func rmo(_ app: Application) async throws -> MethodAssociation {
        try await MethodAssociation.query(on: app.db).filter(\.$school.$id == nil).first()!
    }

    func shmo(_ app: Application) async throws -> MethodAssociation {
        try await MethodAssociation.query(on: app.db).filter(\.$school.$id != nil).first()!
    }

    func testTheLeaderOfASchoolAssociationRunsItsSittingsAndNoOneElseOutsideTheSchool() async throws {
        try await withApp { app in
            let shmo = try await shmo(app), rmo = try await rmo(app)
            let sitting = try await Meeting.query(on: app.db).filter(\.$associationID == shmo.requireID()).sort(\.$date).first()!
            let rmoSitting = try await Meeting.query(on: app.db).filter(\.$associationID == rmo.requireID()).sort(\.$date).first()!
            // The demo teacher leads the ШМО: its sitting is theirs to edit; the РМО's is not.
            let t = Browser(app)
            try await t.login("teacher")
            let page = try await t.get("/meetings/\(sitting.id!)")
            assertStatus(page, .ok)
            assertContains(page, "meetings/\(sitting.id!)/items")
            let add = try await t.post("/meetings/\(sitting.id!)/items", ["title": "О повторной диагностике"])
            assertStatus(add, .seeOther)
            assertEq(try await MeetingItem.query(on: app.db).filter(\.$meeting.$id == sitting.requireID()).filter(\.$title == "О повторной диагностике").count(), 1)
            assertStatus(try await t.post("/meetings/\(rmoSitting.id!)/items", ["title": "x"]), .forbidden)
            assertStatus(try await t.get("/meetings/new"), .forbidden)
            // Another school's head sees neither the ШМО nor its sitting; every reader sees the РМО.
            let mih = Browser(app)
            try await mih.login("head-mih")
            assertStatus(try await mih.get("/associations/\(shmo.id!)"), .forbidden)
            assertStatus(try await mih.get("/meetings/\(sitting.id!)"), .forbidden)
            assertStatus(try await mih.get("/associations/\(rmo.id!)"), .ok)
            assertNotContains(try await mih.get("/associations"), "/associations/\(shmo.id!)")
            // Another teacher of the school reads the ШМО but does not keep it.
            let zyr = try await app.school("edu700101")
            let other = User(login: "teacher2", name: "Орлова Н.П.", role: .teacher, passwordHash: try Bcrypt.hash("demo"), regionID: zyr.regionID, municipalityID: zyr.$municipality.id, schoolID: zyr.id)
            try await other.create(on: app.db)
            let t2 = Browser(app)
            try await t2.login("teacher2")
            assertStatus(try await t2.get("/associations/\(shmo.id!)"), .ok)
            assertStatus(try await t2.post("/associations/\(shmo.id!)/sittings", ["date": "01.03.2026", "topic": "x"]), .forbidden)
            assertStatus(try await t2.post("/meetings/\(sitting.id!)/items", ["title": "x"]), .forbidden)
        }
    }

    func testASittingPlannedFromTheAssociationIsAMeetingWithItsMembers() async throws {
        try await withApp { app in
            let rmo = try await rmo(app)
            let m = Browser(app)
            try await m.login("methodist")
            _ = try await m.get("/associations/\(rmo.id!)")
            let bad = try await m.post("/associations/\(rmo.id!)/sittings", ["date": "31.02.2026", "time": "25:00", "topic": ""])
            assertStatus(bad, .seeOther)
            let badPage = try await m.get("/associations/\(rmo.id!)")
            assertContains(badPage, "Поле «Дата»")
            assertContains(badPage, "Поле «Время»")
            assertContains(badPage, "Поле «Тема»")
            let before = try await Meeting.query(on: app.db).count()
            assertStatus(try await m.post("/associations/\(rmo.id!)/sittings", ["date": "18.03.2026", "time": "14:30", "topic": "Итоги перепроверки", "place": "ИМЦ"]), .seeOther)
            assertEq(try await Meeting.query(on: app.db).count(), before + 1)
            let made = try await Meeting.query(on: app.db).filter(\.$title == "Итоги перепроверки").first()!
            XCTAssertEqual(made.associationID, rmo.id)
            XCTAssertEqual(made.kind, MeetingKind.methodAssociation.rawValue)
            XCTAssertNil(made.$school.id)
            let members = try await AssociationMember.query(on: app.db).filter(\.$association.$id == rmo.requireID()).count()
            assertEq(try await MeetingParticipant.query(on: app.db).filter(\.$meeting.$id == made.requireID()).count(), members)
            assertContains(try await m.get("/meetings"), "Итоги перепроверки")
            assertStatus(try await m.get("/meetings/\(made.id!)/protocol.docx"), .ok)
            // A member joins from the staff list; a person of the department cannot be added twice.
            let candidate = try await StaffMember.query(on: app.db).filter(\.$name == "Фёдорова Е.С.").first()!
            assertStatus(try await m.post("/associations/\(rmo.id!)/members", ["staff": candidate.id!.uuidString]), .seeOther)
            assertEq(try await AssociationMember.query(on: app.db).filter(\.$association.$id == rmo.requireID()).count(), members + 1)
            _ = try await m.post("/associations/\(rmo.id!)/members", ["staff": candidate.id!.uuidString])
            assertContains(try await m.get("/associations/\(rmo.id!)"), "уже в объединении")
        }
    }

    func testAHeadSetsUpTheirSchoolsAssociationWithATeacherOfTheSchoolAsItsHead() async throws {
        try await withApp { app in
            let h = Browser(app)
            try await h.login("head-zyr")
            _ = try await h.get("/associations")
            let teacher = try await User.query(on: app.db).filter(\.$login == "teacher").first()!
            let methodist = try await User.query(on: app.db).filter(\.$login == "methodist").first()!
            _ = try await h.post("/associations", ["name": "ШМО учителей русского языка", "subject": "Русский язык", "leader": methodist.id!.uuidString])
            assertContains(try await h.get("/associations"), "ШМО руководит учитель этой школы")
            assertStatus(try await h.post("/associations", ["name": "ШМО учителей русского языка", "subject": "Русский язык", "leader": teacher.id!.uuidString,
                                                             "school": try await app.school("edu700102").id!.uuidString]), .seeOther)
            let made = try await MethodAssociation.query(on: app.db).filter(\.$name == "ШМО учителей русского языка").first()!
            assertEq(made.$school.id, try await app.school("edu700101").id, "a head's association is their school's whatever the form says")
            XCTAssertEqual(made.leaderID, teacher.id)
            assertEq(try await AuditEntry.query(on: app.db).filter(\.$entity == "association").filter(\.$action == "create").count(), 1)
        }
    }

    func testTheLibraryIsFoundFromAGapAndAMethodistAttachesARecommendationToAPlanItem() async throws {
        try await withApp { app in
            let zyr = try await app.school("edu700101")
            let plan = try await GapPlan.query(on: app.db).filter(\.$school.$id == zyr.requireID()).with(\.$procedure).first()!
            let items = try await GapPlanItem.query(on: app.db).filter(\.$plan.$id == plan.requireID()).sort(\.$position).all()
            let attached = Set(try await GapItemRecommendation.query(on: app.db).all().map { $0.$item.id })
            let library = try await Recommendation.query(on: app.db).all()
            // An item without a recommendation, with one in the library on its own code.
            let (item, rec) = items.lazy.compactMap { i -> (GapPlanItem, Recommendation)? in
                guard !attached.contains(i.id!), let r = library.first(where: { $0.codeList.contains(i.code) }) else { return nil }
                return (i, r)
            }.first!
            let m = Browser(app)
            try await m.login("methodist")
            let found = try await m.get("/recommendations?subject=\(plan.procedure.subject.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)&grade=\(plan.procedure.grade)&code=\(item.code)")
            assertStatus(found, .ok)
            assertContains(found, HTML.escape(rec.title))
            let planPage = try await m.get("/gap-plans/\(plan.id!)")
            assertContains(planPage, "gap-items/\(item.id!)/recommendations")
            assertStatus(try await m.post("/gap-items/\(item.id!)/recommendations", ["recommendation": rec.id!.uuidString]), .seeOther)
            let link = try await GapItemRecommendation.query(on: app.db).filter(\.$item.$id == item.requireID()).filter(\.$recommendation.$id == rec.requireID()).first()
            XCTAssertNotNil(link)
            assertEq(try await AuditEntry.query(on: app.db).filter(\.$entity == "gap_item_recommendation").count(), 1)
            // The school sees it on the plan; another school's head may not attach to this plan.
            let h = Browser(app)
            try await h.login("head-zyr")
            assertContains(try await h.get("/gap-plans/\(plan.id!)"), HTML.escape(rec.title))
            let mih = Browser(app)
            try await mih.login("head-mih")
            _ = try await mih.get("/recommendations")
            assertStatus(try await mih.post("/gap-items/\(item.id!)/recommendations", ["recommendation": rec.id!.uuidString]), .forbidden)
            assertStatus(try await mih.post("/gap-item-recommendations/\(link!.id!)/delete", [:]), .forbidden)
            // Detached by the methodist.
            assertStatus(try await m.post("/gap-item-recommendations/\(link!.id!)/delete", [:]), .seeOther)
            assertEq(try await GapItemRecommendation.query(on: app.db).filter(\.$id == link!.requireID()).count(), 0)
            // The gaps page links its systemic deficits to the library.
            let gaps = try await h.get("/procedures/\(plan.$procedure.id)/gaps/schools/edu700101/classes/4%D0%90")
            assertContains(gaps, "что почитать")
        }
    }

    func testARecommendationIsAddedWithItsCodesAndADocumentOrALinkOnly() async throws {
        try await withApp { app in
            let rmo = try await rmo(app)
            let m = Browser(app)
            try await m.login("methodist")
            _ = try await m.get("/recommendations")
            let before = try await Recommendation.query(on: app.db).count()
            _ = try await m.postMultipart("/recommendations", ["title": "Т", "subject": "Математика", "grades": "4, 12", "codes": "4.1, <script>", "url": "javascript:alert(1)"], files: [])
            let page = try await m.get("/recommendations")
            assertContains(page, "Поле «Классы»")
            assertContains(page, "Поле «Коды требований»")
            assertContains(page, "Поле «Ссылка»")
            _ = try await m.postMultipart("/recommendations", ["title": "Т", "subject": "Математика"], files: [])
            assertContains(try await m.get("/recommendations"), "Приложите файл рекомендации или укажите ссылку")
            assertEq(try await Recommendation.query(on: app.db).count(), before)
            let pdf = Array("%PDF-1.4\n%%EOF\n".utf8)
            assertStatus(try await m.postMultipart("/recommendations", ["title": "Смысловое чтение задач", "subject": "Математика", "grades": "4-5", "codes": "4.3",
                                                                         "association": rmo.id!.uuidString], files: [("file", "чтение.pdf", pdf)]), .seeOther)
            let made = try await Recommendation.query(on: app.db).filter(\.$title == "Смысловое чтение задач").first()!
            XCTAssertEqual(made.gradeList, [4, 5])
            XCTAssertEqual(made.codeList, ["4.3"])
            XCTAssertEqual(made.$association.id, rmo.id)
            let file = try await m.get("/recommendations/\(made.id!)/file")
            assertStatus(file, .ok)
            XCTAssertEqual(Array(file.body.readableBytesView), pdf)
            // A teacher who leads no association may not add to the library; the ШМО's leader may.
            let zyr = try await app.school("edu700101")
            let other = User(login: "teacher2", name: "Орлова Н.П.", role: .teacher, passwordHash: try Bcrypt.hash("demo"), regionID: zyr.regionID, municipalityID: zyr.$municipality.id, schoolID: zyr.id)
            try await other.create(on: app.db)
            let t2 = Browser(app)
            try await t2.login("teacher2")
            _ = try await t2.get("/recommendations")
            assertStatus(try await t2.postMultipart("/recommendations", ["title": "x", "subject": "x", "url": "https://example.org"], files: []), .forbidden)
            // Its author deletes it, after confirming.
            assertStatus(try await m.get("/recommendations/\(made.id!)/delete"), .ok)
            assertStatus(try await m.post("/recommendations/\(made.id!)/delete", [:]), .seeOther)
            assertEq(try await Recommendation.query(on: app.db).filter(\.$id == made.requireID()).count(), 0)
        }
    }

    func testASittingsRecommendationsNameRequirementsNeverTeachersOrSchools() async throws {
        try await withApp { app in
            let rmo = try await rmo(app)
            let first = try await Meeting.query(on: app.db).filter(\.$associationID == rmo.requireID()).sort(\.$date).first()!
            let m = Browser(app)
            try await m.login("methodist")
            let res = try await m.get("/meetings/\(first.id!)/recommendations.docx")
            assertStatus(res, .ok)
            // The writer keeps a short word with the next one (a no-break space): compare with spaces.
            let xml = try documentXML(Data(res.body.readableBytesView)).replacingOccurrences(of: "\u{00A0}", with: " ")
            XCTAssertTrue(xml.contains("Методические рекомендации"))
            // The requirements of the procedure the sitting discussed (its item's link), codes in cells.
            let p = try await Procedure.find(MeetingItem.query(on: app.db).filter(\.$meeting.$id == first.requireID()).first()!.linkProcedureID, on: app.db)!
            let codes = try ProcedureStore.spec(of: p).tasks.flatMap { $0.requirements.map(\.code) }
            XCTAssertGreaterThanOrEqual(codes.filter { xml.contains("<w:t xml:space=\"preserve\">\($0)</w:t>") }.count, 3, "the weak requirements of the procedure the sitting discussed")
            for rec in try await Recommendation.query(on: app.db).filter(\.$meetingID == first.id).all() { XCTAssertTrue(xml.contains(XMLText.escape(rec.title)), rec.title) }
            // No teacher's name (the leader signs) and no school's.
            for s in try await StaffMember.query(on: app.db).all() where s.name != "Лебедева Т.М." { XCTAssertFalse(xml.contains(s.name), s.name) }
            for s in try await School.query(on: app.db).all() { XCTAssertFalse(xml.contains(XMLText.escape(s.shortName)), s.shortName) }
        }
    }
}
