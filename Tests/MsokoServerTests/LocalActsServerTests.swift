import Fluent
import Foundation
import MsokoCore
import XCTest
import XCTVapor
@testable import MsokoServer

/// Local acts (issue 17) on the demo district (today 20 January 2026: the window is May–August 2025):
/// a head carries a new Положение о ВСОКО through the district's review to adoption and
/// publication; the checklist's rules, superseded citations, the district's view, the lists, 1.6
/// evidence, the API and its scope.
final class LocalActsServerTests: XCTestCase {
    static let docx: [UInt8] = [0x50, 0x4B, 0x03, 0x04] + Array("демо-акт".utf8)

    func zyr(_ app: Application) async throws -> UUID { try await app.school("edu700101").requireID() }

    func testAHeadCarriesAnActThroughReviewToAdoption() async throws {
        try await withApp { app in
            let sid = try await zyr(app)
            let head = Browser(app)
            try await head.login("head-zyr")
            let page = try await head.get("/local-acts/schools/\(sid)")
            assertStatus(page, .ok)
            assertContains(page, "не обновлён")

            // Every problem at once; nothing stored.
            let before = try await LocalActVersion.query(on: app.db).count()
            try await head.postMultipart("/local-acts/schools/\(sid)/versions", ["act": "vsoko", "citations": "Приказ | 1 | 31.02.2020"], files: [("file", "акт.exe", [1, 2, 3])])
            let bad = try await head.get("/local-acts/schools/\(sid)")
            assertContains(bad, "Редакция не отправлена")
            assertContains(bad, "Поле «Файл»: «акт.exe»")
            assertContains(bad, "Поле «Что изменено»")
            assertContains(bad, "строка 1: дата «31.02.2020»")
            let unchanged = try await LocalActVersion.query(on: app.db).count()
            XCTAssertEqual(unchanged, before)

            let sent = try await head.postMultipart("/local-acts/schools/\(sid)/versions",
                                                    ["act": "vsoko", "changes": "Добавлены ВПР и меры объективности", "citations": "Федеральный закон «Об образовании в Российской Федерации» | 273-ФЗ | 29.12.2012"],
                                                    files: [("file", "Положение о ВСОКО.docx", Self.docx)])
            assertStatus(sent, .seeOther)
            let v = try await LocalActVersion.query(on: app.db).filter(\.$school.$id == sid).filter(\.$act == "vsoko").sort(\.$number, .descending).first()!
            XCTAssertEqual(v.number, 2)
            XCTAssertEqual(v.versionState, .review)
            XCTAssertEqual(Array(v.data), Self.docx, "the file kept whole")
            assertContains(try await head.get("/local-acts/schools/\(sid)"), "на согласовании")
            // The head cannot adopt before the district's review.
            try await head.get("/local-act-versions/\(v.id!)")
            try await head.post("/local-act-versions/\(v.id!)/adopt", ["pedsovetDate": "2026-01-10", "pedsovetProtocol": "3", "councilDate": "2026-01-12", "orderNumber": "5-од", "orderDate": "2026-01-15"])
            assertContains(try await head.get("/local-act-versions/\(v.id!)"), "Принять можно после рассмотрения")

            // The specialist reviews with the checklist: every item answered, a «нет» needs a remark and rules out «согласовать».
            let specialist = Browser(app)
            try await specialist.login("specialist")
            let waiting = try await specialist.get("/local-acts")
            assertContains(waiting, "/local-act-versions/\(v.id!)")
            let review = try await specialist.get("/local-act-versions/\(v.id!)")
            assertContains(review, "Названы ВПР и другие оценочные процедуры")
            let items = LocalActs.defaults[0].checklist.count
            var form = ["decision": "agreed", "comment": ""]
            for i in 0..<items { form["verdict\(i)"] = i == 1 ? "no" : "yes" }
            try await specialist.post("/local-act-versions/\(v.id!)/review", form)
            let refused = try await specialist.get("/local-act-versions/\(v.id!)")
            assertContains(refused, "при «нет» напишите замечание")
            assertContains(refused, "верните редакцию на доработку")
            form["decision"] = "returned"
            form["remark1"] = "Не указаны независимые наблюдатели."
            form["comment"] = "Дополните раздел 4."
            assertStatus(try await specialist.post("/local-act-versions/\(v.id!)/review", form), .seeOther)
            let returned = try await LocalActVersion.find(v.id, on: app.db)!
            XCTAssertEqual(returned.versionState, .returned)

            // The head sees the remark and answers it; then adopts with the chain checked.
            let seen = try await head.get("/local-act-versions/\(v.id!)")
            assertContains(seen, "Не указаны независимые наблюдатели.")
            assertStatus(try await head.post("/local-act-versions/\(v.id!)/answer", ["answer": "Раздел 4 дополнен: наблюдатели на каждой процедуре."]), .seeOther)
            try await head.post("/local-act-versions/\(v.id!)/adopt", ["pedsovetDate": "2026-01-16", "pedsovetProtocol": "", "councilDate": "2026-01-25", "orderNumber": "5-од", "orderDate": "2026-01-15"])
            let chain = try await head.get("/local-act-versions/\(v.id!)")
            assertContains(chain, "Не принят")
            assertContains(chain, "протокол №»: укажите номер")
            assertContains(chain, "не может быть раньше педсовета")
            assertContains(chain, "ещё не наступило")
            assertStatus(try await head.post("/local-act-versions/\(v.id!)/adopt", ["pedsovetDate": "2026-01-10", "pedsovetProtocol": "3", "councilDate": "2026-01-12", "orderNumber": "5-од", "orderDate": "2026-01-15"]), .seeOther)
            let adopted = try await LocalActVersion.find(v.id, on: app.db)!
            XCTAssertEqual(adopted.versionState, .adopted)
            XCTAssertEqual(adopted.orderDate, "2026-01-15")
            // Adopted in January: after the 2025 window, so the act counts as updated in this cycle.
            let school = try await head.get("/local-acts/schools/\(sid)")
            assertContains(school, "принят")
            assertStatus(try await head.post("/local-act-versions/\(v.id!)/publish", ["date": "2026-01-16", "url": "javascript:alert(1)"]), .seeOther)
            assertContains(try await head.get("/local-act-versions/\(v.id!)"), "ссылка вида https://")
            try await head.post("/local-act-versions/\(v.id!)/publish", ["date": "2026-01-16", "url": "https://zyr.example.ru/vsoko.pdf"])
            let api = try await head.get("/api/v1/local-acts")
            let json = try JSONSerialization.jsonObject(with: Data(api.body.readableBytesView)) as! [String: Any]
            let schools = json["schools"] as! [[String: Any]]
            XCTAssertEqual(schools.map { $0["school"] as! String }, ["edu700101"], "a head sees their own school only")
            let acts = schools[0]["acts"] as! [[String: Any]]
            let vsoko = acts.first { ($0["title"] as! String).contains("ВСОКО") }!
            XCTAssertEqual(vsoko["status"] as? String, "published")
            XCTAssertEqual(vsoko["version"] as? Int, 2)
            XCTAssertEqual(vsoko["adopted"] as? String, "2026-01-15")
            let missing = acts.first { ($0["title"] as! String).contains("маршруте") }!
            XCTAssertEqual(missing["status"] as? String, "missing")
            XCTAssertTrue(missing["version"] is NSNull, "null, not absent")
            XCTAssertTrue(missing["adopted"] is NSNull)
            // The adopted version cannot be deleted; the audit has the chain.
            assertStatus(try await head.get("/local-act-versions/\(v.id!)/delete"), .forbidden)
            let audit = try await AuditEntry.query(on: app.db).filter(\.$entity == "local_act").count()
            XCTAssertGreaterThanOrEqual(audit, 5)
        }
    }

    /// Another school's head can neither send a version for a school not theirs nor open, answer,
    /// adopt or delete its versions; nothing is stored.
    func testAnotherSchoolsHeadIsRefused() async throws {
        try await withApp { app in
            let sid = try await zyr(app)
            let own = Browser(app)
            try await own.login("head-zyr")
            try await own.get("/local-acts/schools/\(sid)")
            try await own.postMultipart("/local-acts/schools/\(sid)/versions",
                                        ["act": "vsoko", "changes": "Новая редакция", "citations": ""], files: [("file", "Положение.docx", Self.docx)])
            let v = try await LocalActVersion.query(on: app.db).filter(\.$school.$id == sid).sort(\.$number, .descending).first()!
            let before = try await LocalActVersion.query(on: app.db).count()

            let other = Browser(app)
            try await other.login("head-mih")
            assertStatus(try await other.get("/local-acts/schools/\(sid)"), .forbidden)
            try await other.get("/local-acts")
            let sent = try await other.postMultipart("/local-acts/schools/\(sid)/versions",
                                                     ["act": "vsoko", "changes": "Чужая редакция", "citations": ""], files: [("file", "Чужое.docx", Self.docx)])
            assertStatus(sent, .forbidden)
            assertStatus(try await other.get("/local-act-versions/\(v.id!)"), .forbidden)
            assertStatus(try await other.get("/local-act-versions/\(v.id!)/file"), .forbidden)
            assertStatus(try await other.post("/local-act-versions/\(v.id!)/answer", ["answer": "чужой ответ"]), .forbidden)
            assertStatus(try await other.post("/local-act-versions/\(v.id!)/adopt", ["pedsovetDate": "2026-01-10", "pedsovetProtocol": "3", "councilDate": "2026-01-12", "orderNumber": "5-од", "orderDate": "2026-01-15"]), .forbidden)
            assertStatus(try await other.post("/local-act-versions/\(v.id!)/delete", [:]), .forbidden)
            let after = try await LocalActVersion.query(on: app.db).count()
            XCTAssertEqual(after, before, "nothing stored or deleted")
            let still = try await LocalActVersion.find(v.id, on: app.db)
            XCTAssertEqual(still?.versionState, v.versionState)
        }
    }

    func testSupersededCitationsBlockAgreementAndAdoption() async throws {
        try await withApp { app in
            let mih = try await app.school("edu700102").requireID()
            let flagged = try await LocalActVersion.query(on: app.db).filter(\.$school.$id == mih).filter(\.$act == "vsoko").first()!
            let specialist = Browser(app)
            try await specialist.login("specialist")
            let page = try await specialist.get("/local-act-versions/\(flagged.id!)")
            assertContains(page, "утратил силу")
            assertContains(page, "приказ Минпросвещения России от 22.03.2021 № 115")
            assertContains(try await specialist.get("/local-acts"), "утративший силу акт")
            // A new version citing it: the head is warned, the district cannot agree it, the head cannot adopt it.
            let head = Browser(app)
            try await head.login("head-mih")
            try await head.get("/local-acts/schools/\(mih)")
            try await head.postMultipart("/local-acts/schools/\(mih)/versions", ["act": "vsoko", "changes": "Новая редакция", "citations": "Приказ | 1015 | 30.08.2013"],
                                         files: [("file", "vsoko.docx", Self.docx)])
            let v = try await LocalActVersion.query(on: app.db).filter(\.$school.$id == mih).filter(\.$act == "vsoko").sort(\.$number, .descending).first()!
            assertContains(try await head.get("/local-act-versions/\(v.id!)"), "ссылается на утративший силу")
            try await specialist.get("/local-act-versions/\(v.id!)")
            var form = ["decision": "agreed"]
            for i in 0..<LocalActs.defaults[0].checklist.count { form["verdict\(i)"] = "yes" }
            try await specialist.post("/local-act-versions/\(v.id!)/review", form)
            assertContains(try await specialist.get("/local-act-versions/\(v.id!)"), "согласовать нельзя")
            let state = try await LocalActVersion.find(v.id, on: app.db)!.versionState
            XCTAssertEqual(state, .review)
            // Another school's head sees none of it.
            let zyr = Browser(app)
            try await zyr.login("head-zyr")
            assertStatus(try await zyr.get("/local-act-versions/\(v.id!)"), .forbidden)
            assertStatus(try await zyr.get("/local-acts/schools/\(mih)"), .forbidden)
            assertStatus(try await zyr.post("/local-act-versions/\(v.id!)/answer", ["answer": "x"]), .forbidden)
            // Deleting an unadopted version asks first, then removes it.
            assertStatus(try await head.get("/local-act-versions/\(v.id!)/delete"), .ok)
            assertStatus(try await head.post("/local-act-versions/\(v.id!)/delete", [:]), .seeOther)
            let gone = try await LocalActVersion.find(v.id, on: app.db)
            XCTAssertNil(gone)
        }
    }

    func testTheDistrictEditsItsListsWithEveryProblemNamed() async throws {
        try await withApp { app in
            let specialist = Browser(app)
            try await specialist.login("specialist")
            let page = try await specialist.get("/local-acts/settings")
            assertContains(page, "Положение о внутренней системе оценки качества")
            var form = ["count": String(LocalActs.defaults.count)]
            for (i, t) in LocalActs.defaults.enumerated() {
                form["title\(i)"] = i == 5 ? "" : t.title
                form["checklist\(i)"] = t.checklist.joined(separator: "\n")
                if t.required { form["required\(i)"] = "1" }
            }
            form["checklist0"] = "Один пункт\nВторой пункт"
            form["title\(LocalActs.defaults.count)"] = "Положение о комиссии по перепроверке"
            form["superseded"] = "Старый приказ | 99 | 01.01.2019 |"
            try await specialist.post("/local-acts/settings", form)
            assertContains(try await specialist.get("/local-acts/settings"), "строка 1: ожидается «название | номер | дата | чем заменён»")
            let unchanged = try await Settings.localActTypes(municipalityID: try await app.school("edu700101").$municipality.id, on: app.db)
            XCTAssertEqual(unchanged, LocalActs.defaults)
            form["superseded"] = "Старый приказ | 99 | 01.01.2019 | новый приказ № 100"
            assertStatus(try await specialist.post("/local-acts/settings", form), .seeOther)
            let mid = try await app.school("edu700101").$municipality.id
            let types = try await Settings.localActTypes(municipalityID: mid, on: app.db)
            XCTAssertEqual(types.count, LocalActs.defaults.count, "one removed, one added")
            XCTAssertEqual(types[0].key, "vsoko", "keys stay with their acts")
            XCTAssertEqual(types[0].checklist, ["Один пункт", "Второй пункт"])
            XCTAssertEqual(types.last?.title, "Положение о комиссии по перепроверке")
            XCTAssertFalse(types.contains { $0.key == "procedures" })
            let superseded = try await Settings.superseded(municipalityID: mid, on: app.db)
            XCTAssertEqual(superseded.map(\.citation.number), ["99"])
            // The removed act's versions stay, shown as outside the list.
            let school = try await specialist.get("/local-acts/schools/\(try await zyr(app))")
            assertContains(school, "исключён из перечня")
            // A methodist reads the lists and cannot save them.
            let methodist = Browser(app)
            try await methodist.login("methodist")
            assertStatus(try await methodist.get("/local-acts"), .ok)
            assertStatus(try await methodist.post("/local-acts/settings", form), .forbidden)
        }
    }

    func testTheHeadAttachesTheActsTo16() async throws {
        try await withApp { app in
            let sid = try await zyr(app)
            let head = Browser(app)
            try await head.login("head-zyr")
            try await head.get("/local-acts/schools/\(sid)")
            assertStatus(try await head.post("/local-acts/schools/\(sid)/attach", [:]), .seeOther)
            let page = try await head.get("/local-acts/schools/\(sid)")
            assertContains(page, "Приложено к отчёту по мероприятию 1.6")
            let m = try await app.measure("1.6")
            let reports = try await CheckpointReport.query(on: app.db).filter(\.$schoolID == sid).with(\.$checkpoint).all().filter { $0.checkpoint.$measure.id == m.id }
            let files = try await EvidenceFile.query(on: app.db).filter(\.$report.$id ~~ reports.map { $0.id! }).all()
            let names = files.map(\.fileName)
            XCTAssertTrue(names.contains("Локальные акты МБОУ «Зырянская СОШ».docx"), "\(names)")
            // The acts adopted in the window (three in the demo) with the справка.
            XCTAssertEqual(files.count, 4, "\(names)")
            let doc = try documentXML(files.first { $0.fileName.hasPrefix("Локальные акты") }!.data)
            XCTAssertTrue(doc.contains("не обновлён"))
            XCTAssertTrue(doc.contains("на согласовании"))
        }
    }
}
