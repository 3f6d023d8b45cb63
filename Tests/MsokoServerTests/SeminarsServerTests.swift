import Fluent
import Foundation
import MsokoCore
import XCTest
import XCTVapor
@testable import MsokoServer

/// Seminars on typical grading errors (issue 16 §2) on the demo district: planned from a re-check,
/// attendance and feedback recorded, the effect at the next re-check before and after.
final class SeminarsServerTests: XCTestCase {
    func testASeminarIsPlannedFromTheRechecksErrorsAndShowsItsEffect() async throws {
        try await withApp { app in
            let m = Browser(app)
            try await m.login("methodist")
            let before = try await Procedure.query(on: app.db).filter(\.$year == 2025).filter(\.$subject == "Математика").filter(\.$grade == 4).first()!
            // The form is prefilled with the tasks the schools score higher than the commission.
            let form = try await m.get("/seminars/new?procedure=\(before.id!)")
            assertStatus(form, .ok)
            let spec = try ProcedureStore.spec(of: before)
            let sample = try await RecheckSample.latest(of: before, municipalityID: before.municipalityID!, on: app.db)!
            let rescored = try await sample.rescoredWorks(spec: spec, on: app.db).map { ($0.code, $0.pair.schoolScores, $0.pair.commissionScores) }
            let errors = GradingErrors.tasks(rescored, spec: spec)
            XCTAssertFalse(errors.isEmpty)
            assertContains(form, #"name="tasks" value="\#(errors.prefix(5).map(\.task.number).joined(separator: ", "))""#)
            assertContains(form, "школы ставят в среднем на")
            // Problems named at once; nothing stored.
            let count = try await Seminar.query(on: app.db).count()
            _ = try await m.post("/seminars", ["date": "31.09.2025", "topic": "", "procedure": before.id!.uuidString, "tasks": "8, 77", "invited": "5", "attended": "7"])
            let shown = try await m.get("/seminars/new")
            assertContains(shown, "Поле «Дата»")
            assertContains(shown, "Поле «Тема»: заполните.")
            assertContains(shown, "Поле «Задания»: задания «77» нет в спецификации процедуры.")
            assertContains(shown, "Поле «Присутствовало»: больше, чем приглашено (5).")
            assertEq(try await Seminar.query(on: app.db).count(), count)
            let tasks = errors.prefix(2).map(\.task.number).joined(separator: ", ")
            assertStatus(try await m.post("/seminars", ["date": "20.10.2025", "topic": "Критерии оценивания", "procedure": before.id!.uuidString, "tasks": tasks,
                                                         "invited": "20", "attended": "17"]), .seeOther)
            let made = try await Seminar.query(on: app.db).filter(\.$topic == "Критерии оценивания").with(\.$procedure).first()!
            let page = try await m.get("/seminars/\(made.id!)")
            assertStatus(page, .ok)
            // The effect: computed from both re-checks, here as the demo's smaller discrepancy.
            let effect = try await SeminarEffectQuery.query(made, user: User.query(on: app.db).filter(\.$login == "methodist").first()!, on: app.db)!
            XCTAssertEqual(effect.after?.year, 2026)
            XCTAssertEqual(effect.changes.first?.verdict(), .smaller)
            assertContains(page, "ВПР 2026 · Математика · 4 класс")
            assertContains(page, "расхождение уменьшилось")
            // Feedback: a mark 1…5, then the mean.
            _ = try await m.post("/seminars/\(made.id!)/feedback", ["rating": "9"])
            assertContains(try await m.get("/seminars/\(made.id!)"), "Поле «Оценка»: выберите от 1 до 5.")
            _ = try await m.post("/seminars/\(made.id!)/feedback", ["rating": "5", "comment": "Полезно"])
            _ = try await m.post("/seminars/\(made.id!)/feedback", ["rating": "4"])
            assertContains(try await m.get("/seminars/\(made.id!)"), "4,5 из 5")
            // A material, kept and served.
            let pdf = Array("%PDF-1.4\n%%EOF\n".utf8)
            assertStatus(try await m.postMultipart("/seminars/\(made.id!)/files", [:], files: [("file", "критерии.pdf", pdf)]), .seeOther)
            let f = try await SeminarFile.query(on: app.db).filter(\.$seminar.$id == made.requireID()).first()!
            let served = try await m.get("/seminar-files/\(f.id!)")
            XCTAssertEqual(Array(served.body.readableBytesView), pdf)
            // A seminar measured against a procedure held before it has no «after».
            let late = Seminar()
            late.$procedure.id = before.id
            (late.date, late.topic, late.participants, late.invited, late.attended, late.createdBy) = ("2026-09-01", "Поздний", "", 0, 0, "t")
            (late.regionID, late.municipalityID, late.tasks, late.errorTypes, late.materials) = (made.regionID, made.municipalityID, tasks, "", "")
            try await late.create(on: app.db)
            try await late.$procedure.load(on: app.db)
            let none = try await SeminarEffectQuery.query(late, user: User.query(on: app.db).filter(\.$login == "methodist").first()!, on: app.db)!
            XCTAssertNil(none.after)
            // Deleted after confirming, with its feedback and files.
            assertStatus(try await m.get("/seminars/\(made.id!)/delete"), .ok)
            assertStatus(try await m.post("/seminars/\(made.id!)/delete", [:]), .seeOther)
            assertEq(try await SeminarFeedback.query(on: app.db).filter(\.$seminar.$id == made.requireID()).count(), 0)
            assertEq(try await SeminarFile.query(on: app.db).filter(\.$seminar.$id == made.requireID()).count(), 0)
        }
    }
}
