import Fluent
import Foundation
import MsokoCore
import XCTest
import XCTVapor
@testable import MsokoServer

/// The re-check commission: a sample with blind codes, blind re-scoring (a member sees neither the
/// school nor its scores, nor works not assigned to them), the discrepancy figures and the sign.
final class RecheckServerTests: XCTestCase {
    func testBlindRescoringAndTheDiscrepancy() async throws {
        try await withApp { app in
            let p = try await Procedure.query(on: app.db).filter(\.$year == 2026).filter(\.$subject == "Математика").filter(\.$grade == 5).first()!
            let base = "/procedures/\(p.id!)/recheck"
            let s = Browser(app)
            try await s.login("specialist")
            assertContains(try await s.get(base), "Сформировать выборку")
            try await s.post(base, ["size": "0", "control": "30"])
            assertContains(try await s.get(base), "работ — от 1 до 1000")
            assertStatus(try await s.post(base, ["size": "8", "control": "25"]), .seeOther)
            let page = try await s.get(base)
            assertContains(page, "Выборка: 8\u{00A0}работ (из них контрольных 2)")
            // The risky school (planted help on hard tasks) is in the risk part.
            let items = try await app.recheckItems(p)
            XCTAssertTrue(items.contains { $0.reason == "risk" && $0.school.login == "edu700105" }, items.map { "\($0.school.login) \($0.reason)" }.description)

            // The member sees blind codes only.
            let member = Browser(app)
            try await member.login("commission")
            let mine = try await member.get("/commission")
            for item in items {
                assertContains(mine, item.blindCode)
                assertNotContains(mine, item.school.shortName)
            }
            let scorings = try await app.recheckScorings(p)
            let first = scorings[0]
            let form = try await member.get("/commission/scorings/\(first.id!)")
            assertNotContains(form, first.item.work.code)
            for school in ["Высоковская", "Зырянская", "Михайловская"] { assertNotContains(form, school) }
            let spec = try ProcedureStore.spec(of: p)
            // A wrong value is refused with the task named.
            var bad = Dictionary(uniqueKeysWithValues: spec.tasks.indices.map { ("t\($0)", "0") })
            bad["t0"] = "7"
            let refused = try await member.post("/commission/scorings/\(first.id!)", bad)
            assertStatus(refused, .unprocessableEntity)
            assertContains(refused, "Задание 1: «7» — ожидается целое число от 0 до 1 или X.")
            // The commission scores every work two points below the school on the first two-point task, or zero.
            for sc in scorings {
                let school = [UInt8](sc.item.work.scores)
                let values = spec.tasks.enumerated().map { t, _ -> String in
                    let v = school[t] == WorkRecord.notDone ? 0 : Int(school[t])
                    return String(spec.tasks[t].max >= 2 ? max(0, v - 2) : v)
                }
                try await member.get("/commission/scorings/\(sc.id!)")
                assertStatus(try await member.post("/commission/scorings/\(sc.id!)", Dictionary(uniqueKeysWithValues: values.enumerated().map { ("t\($0.offset)", $0.element) })), .seeOther)
            }
            assertStatus(try await member.post("/commission/scorings/\(first.id!)", bad), .conflict)
            let after = try await s.get(base)
            assertContains(after, "проверок сдано 8 из 8")
            assertContains(after, "Все перепроверенные")
            // The справка with the agreement figures, and the order forming the commission.
            let report = try documentXML(Data(try await s.get("\(base)/report.docx").body.readableBytesView))
            for needle in ["о результатах перепроверки работ ВПР 2026", "Перепроверено 8 из 8 отобранных работ", "Все перепроверенные", "κ взв.", "Систематически завышаются баллы за задания"] {
                XCTAssertTrue(report.contains(needle), needle)
            }
            let order = try documentXML(Data(try await s.get("\(base)/order.docx").body.readableBytesView))
            XCTAssertTrue(order.contains("Васильев Д.Н."))
            // The seminar handout: tasks over-scored, blind codes only.
            let handout = try documentXML(Data(try await s.get("\(base)/errors.docx").body.readableBytesView))
            XCTAssertTrue(handout.contains("Типичные ошибки оценивания"))
            XCTAssertTrue(handout.contains("критерии применяются мягче, чем положено"))
            XCTAssertTrue(handout.contains("работа К-"))
            for school in ["Высоковская", "Зырянская", "Михайловская"] { XCTAssertFalse(handout.contains(school), school) }
            // The seminar record: checked, then listed.
            let methodist = Browser(app)
            try await methodist.login("methodist")
            try await methodist.get("/seminars")
            try await methodist.post("/seminars", ["date": "12.10.2025", "topic": "Критерии заданий 8–10", "invited": "10", "attended": "12"])
            assertContains(try await methodist.get("/seminars/new"), "Поле «Присутствовало»: больше, чем приглашено (10).")
            try await methodist.post("/seminars", ["date": "12.10.2025", "topic": "Критерии заданий 8–10", "procedure": p.id!.uuidString, "participants": "МБОУ «Высоковская СОШ»", "invited": "10", "attended": "8"])
            let seminars = try await methodist.get("/seminars")
            assertContains(seminars, "<td class=\"nowrap\">12.10.2025</td>")
            assertContains(seminars, "Критерии заданий 8–10</a>")
            assertContains(seminars, "8 из 10 (80 %)")
            // Nobody else sees a member's items; a head sees no re-check at all.
            let head = Browser(app)
            try await head.login("head-mih")
            assertStatus(try await head.get("/commission"), .forbidden)
            assertStatus(try await head.get(base), .forbidden)
            assertStatus(try await head.get("/seminars"), .forbidden)
            // The re-check feeds the school's objectivity card.
            let card = try await s.get("/procedures/\(p.id!)/objectivity/schools/edu700105")
            assertContains(card, "При перепроверке")
        }
    }

    func testASampleOfChosenTasks() async throws {
        try await withApp { app in
            let p = try await Procedure.query(on: app.db).filter(\.$year == 2026).filter(\.$subject == "Русский язык").filter(\.$grade == 5).first()!
            let base = "/procedures/\(p.id!)/recheck"
            let s = Browser(app)
            try await s.login("specialist")
            try await s.get(base)
            try await s.post(base, ["size": "4", "control": "50", "tasks": "1K1, 99"])
            assertContains(try await s.get(base), "заданий 99 в спецификации нет")
            try await s.post(base, ["size": "4", "control": "50", "tasks": "1K1; 5"])
            assertContains(try await s.get(base), "перепроверяются задания: 1К1, 5")
            let member = Browser(app)
            try await member.login("commission")
            let scoring = try await app.recheckScorings(p).first!
            let form = try await member.get("/commission/scorings/\(scoring.id!)")
            assertContains(form, "aria-label=\"Задание 1К1\"")
            assertContains(form, "aria-label=\"Задание 5\"")
            assertNotContains(form, "aria-label=\"Задание 2К1\"")
            let spec = try ProcedureStore.spec(of: p)
            let t1 = spec.tasks.firstIndex { $0.number == "1К1" }!, t5 = spec.tasks.firstIndex { $0.number == "5" }!
            assertStatus(try await member.post("/commission/scorings/\(scoring.id!)", ["t\(t1)": "0", "t\(t5)": "0"]), .seeOther)
            let sample = try await RecheckSample.latest(of: p, municipalityID: p.municipalityID!, on: app.db)!
            let pair = try await sample.pairs(spec: spec, on: app.db)[0]
            for t in spec.tasks.indices where t != t1 && t != t5 { XCTAssertEqual(pair.commissionScores[t], pair.schoolScores[t], "task \(spec.tasks[t].number) not re-scored") }
            XCTAssertEqual(pair.commissionScores[t1], 0)
        }
    }
}
