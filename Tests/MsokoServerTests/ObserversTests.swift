import Fluent
import Foundation
import MsokoCore
import XCTest
import XCTVapor
@testable import MsokoServer

/// Observers: the registry, assignments refused with the rule's explanation, suggestions, the
/// observer's act (checked, submitted, then locked) and who sees what.
final class ObserversTests: XCTestCase {
    func vpr(_ app: Application) async throws -> Procedure {
        try await app.demoVPR()
    }

    func participant(_ app: Application, _ p: Procedure, _ login: String) async throws -> ProcedureParticipant {
        let s = try await app.school(login)
        return try await ProcedureParticipant.query(on: app.db).filter(\.$procedure.$id == p.requireID()).filter(\.$school.$id == s.requireID()).first()!
    }

    func testAssignmentsFollowTheRules() async throws {
        try await withApp { app in
            let p = try await vpr(app)
            let base = "/procedures/\(p.id!)/observers"
            let s = Browser(app)
            try await s.login("specialist")
            let page = try await s.get(base)
            assertContains(page, "Охвачено наблюдением: 2 из 10 мест проведения.")
            let orlova = try await Observer.query(on: app.db).filter(\.$fullName == "Орлова Е.П.").first()!
            // A parent in their child's class: refused, with the reason; nothing stored.
            let zyr = try await participant(app, p, "edu700101")
            let before = try await ObserverAssignment.query(on: app.db).count()
            try await s.post("\(base)/assign", ["participant": zyr.id!.uuidString, "observer": orlova.id!.uuidString])
            assertContains(try await s.get(base), "Орлова Е.П. — родитель обучающегося 4А этой школы: наблюдать процедуру в классе своего ребёнка нельзя.")
            assertEq(try await ObserverAssignment.query(on: app.db).count(), before)
            // An employee in their own school; a specialist in a tied school.
            let kovaleva = try await Observer.query(on: app.db).filter(\.$fullName == "Ковалёва И.С.").first()!
            try await s.post("\(base)/assign", ["participant": try await participant(app, p, "edu700103").id!.uuidString, "observer": kovaleva.id!.uuidString])
            assertContains(try await s.get(base), "работник школы не может быть в ней наблюдателем")
            let samoylova = try await Observer.query(on: app.db).filter(\.$fullName == "Самойлова А.Л.").first()!
            try await s.post("\(base)/assign", ["participant": try await participant(app, p, "edu700110").id!.uuidString, "observer": samoylova.id!.uuidString])
            assertContains(try await s.get(base), "назначение специалиста в связанную школу запрещено")
            // Allowed: recorded and audited.
            try await s.post("\(base)/assign", ["participant": try await participant(app, p, "edu700106").id!.uuidString, "observer": kovaleva.id!.uuidString])
            assertContains(try await s.get(base), "Ковалёва И.С. назначен(а): МБОУ «Чердатская СОШ», 4А.")
            assertEq(try await ObserverAssignment.query(on: app.db).count(), before + 1)
            assertEq(try await AuditEntry.query(on: app.db).filter(\.$entity == "observer").filter(\.$action == "assign").filter(\.$userLogin == "specialist").count(), 1)

            // Suggestions are shown first, nothing saved; the ticked ones are assigned without breaking a rule.
            let counted = try await ObserverAssignment.query(on: app.db).count()
            let preview = try await s.post("\(base)/suggest", [:])
            assertStatus(preview, .ok)
            assertContains(preview, "Пока вы не подтвердите, ничего не сохранено")
            assertEq(try await ObserverAssignment.query(on: app.db).count(), counted)
            let body = String(buffer: preview.body)
            let picks = body.components(separatedBy: #"name="pick[]" value=""#).dropFirst().map { String($0.prefix { $0 != "\"" }) }
            XCTAssertGreaterThan(picks.count, 1)
            try await s.postForm("\(base)/suggest", ["confirm": "1"], lists: ["pick[]": Array(picks.dropFirst())])
            assertContains(try await s.get(base), "Назначено: ")
            assertEq(try await ObserverAssignment.query(on: app.db).count(), counted + picks.count - 1, "the unticked one is not assigned")
            let all = try await ObserverAssignment.query(on: app.db).with(\.$observer).with(\.$school).all()
            let schools = try await ObserverStore.schools(municipalityID: p.municipalityID!, on: app.db)
            for a in all {
                let o = try await Observer.query(on: app.db).filter(\.$id == a.$observer.id).with(\.$ties).first()!
                let others = all.filter { $0.$observer.id == a.$observer.id && $0.id != a.id }.map { ObserverStore.slot($0, schools) }
                XCTAssertEqual(ConflictRules.conflicts(ObserverStore.profile(o, schools: schools), ObserverStore.slot(a, schools), busy: others), [],
                               "\(o.fullName) at \(a.school.login)")
            }

            // The order with the assignments, and the coverage dashboard.
            let order = try documentXML(Data(try await s.get("\(base)/order.docx").body.readableBytesView))
            XCTAssertTrue(order.contains("О назначении наблюдателей при проведении ВПР 2026 по предмету «Математика» в 4\u{00A0}классах"))
            XCTAssertTrue(order.contains("Ковалёва И.С.") && order.contains("МБОУ «Чердатская СОШ»"))
            let coverage = try await s.get("/observers/coverage")
            let places = try await ProcedureParticipant.query(on: app.db).count()
            let observedPlaces = try await ObserverAssignment.query(on: app.db).count()
            assertContains(coverage, "<td>ВПР</td><td class=\"num\">\(places)</td><td class=\"num\">\(observedPlaces)</td>")
            assertContains(coverage, "По школам")

            // Registry: adding checks every field.
            try await s.get("/observers")
            try await s.post("/observers", ["fullName": "Петрова", "kind": "public", "children": "edu799999 4А"])
            assertContains(try await s.get("/observers"), "Поле «Дети», строка 1: «edu799999 4А» — ожидается «логин школы класс» школы района.")
            try await s.post("/observers", ["fullName": "Петрова А.А.", "kind": "public", "children": "edu700102 4 б"])
            assertContains(try await s.get("/observers"), "ребёнок: МОУ «Михайловская СОШ», 4Б")

            let head = Browser(app)
            try await head.login("head-mih")
            assertStatus(try await head.get("/observers"), .forbidden)
            assertStatus(try await head.get(base), .forbidden)
        }
    }

    func testTheObserverFilesAnActThatThenLocks() async throws {
        try await withApp { app in
            let obs = Browser(app)
            try await obs.login("observer")
            let mine = try await obs.get("/observer")
            assertContains(mine, "МОУ «Михайловская СОШ»")
            let orlova = try await Observer.query(on: app.db).filter(\.$fullName == "Орлова Е.П.").first()!
            let p = try await Procedure.query(on: app.db).filter(\.$year == 2026).filter(\.$subject == "Русский язык").filter(\.$grade == 5).first()!
            let schools = try await ObserverStore.schools(municipalityID: p.municipalityID!, on: app.db)
            let o = try await Observer.query(on: app.db).filter(\.$id == orlova.id!).with(\.$ties).first()!
            let target = try await participant(app, p, "edu700104")
            let refused = try await ObserverStore.assign(o, procedure: p, school: schools[target.$school.id]!, className: target.className, date: "2026-05-12",
                                                         actor: "test", schools: schools, on: app.db)
            XCTAssertEqual(refused, [])
            let a = try await ObserverAssignment.query(on: app.db).filter(\.$procedure.$id == p.requireID()).filter(\.$observer.$id == o.requireID()).first()!
            let form = "/observer/assignments/\(a.id!)"
            assertContains(try await obs.get(form), "Нарушений не выявлено")
            // Both «violations» and «none» is refused; so is a submission without a stage.
            let both = try await obs.postMultipart(form, ["action": "submit", "stage0": "1", "violation1": "1", "noViolations": "1"], files: [])
            assertStatus(both, .unprocessableEntity)
            assertContains(both, "Отмечены и нарушения, и «Нарушений не выявлено» — оставьте одно.")
            assertContains(try await obs.postMultipart(form, ["action": "submit", "noViolations": "1"], files: []), "Отметьте хотя бы один этап")
            // A draft, then the act with a photo.
            try await obs.get(form)
            assertStatus(try await obs.postMultipart(form, ["action": "draft", "stage1": "1", "notes": "Черновик"], files: []), .seeOther)
            let jpeg: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0] + Array(repeating: 0, count: 64)
            try await obs.get(form)
            assertStatus(try await obs.postMultipart(form, ["action": "submit", "stage1": "1", "violation2": "1", "notes": "Подсказывали"], files: [("files[]", "фото.jpg", jpeg)]), .seeOther)
            let act = try await ObservationAct.query(on: app.db).filter(\.$assignment.$id == a.requireID()).first()!
            XCTAssertNotNil(act.submittedAt)
            XCTAssertEqual(act.violations, ObservationChecklist.violations[2])
            // Locked: the form shows the act read-only and a further post is refused.
            // The time it was submitted, in Russian and in the district's zone (not the server's, not «8:32 PM»).
            let zone = try await Municipality.query(on: app.db).first()!.zone
            let f = DateFormatter()
            f.timeZone = zone
            f.dateFormat = "dd.MM.yyyy HH:mm"
            assertContains(try await obs.get(form), "Акт подан \(f.string(from: act.submittedAt!)) и больше не изменяется")
            assertStatus(try await obs.postMultipart(form, ["action": "submit", "stage1": "1", "noViolations": "1"], files: []), .conflict)
            assertEq(try await ObservationAct.find(act.id, on: app.db)!.noViolations, false)

            // Specialists see every act and its files; another user's assignment is not the observer's.
            let s = Browser(app)
            try await s.login("specialist")
            let acts = try await s.get("/observers/acts")
            assertContains(acts, "/observers/acts/\(act.id!)\">нарушений: 1</a>")
            let view = try await s.get("/observers/acts/\(act.id!)")
            assertContains(view, "подсказки организаторов или учителей")
            assertContains(view, "фото.jpg")
            // Printable as the paper act: every stage and violation marked, lines for signatures.
            assertContains(view, "Акт общественного наблюдения")
            assertContains(view, "<tr><td>подсказки организаторов или учителей</td><td class=\"num\">✔</td></tr>")
            assertContains(view, "<tr><td>посторонние лица в аудитории</td><td class=\"num\">—</td></tr>")
            assertContains(view, "Общественный наблюдатель ____________________ / \(o.fullName) /")
            let other = try await ObserverAssignment.query(on: app.db).filter(\.$observer.$id != o.requireID()).first()!
            assertStatus(try await obs.get("/observer/assignments/\(other.id!)"), .notFound)
            assertStatus(try await obs.get("/observers/acts"), .forbidden)
        }
    }
}

/// New writes refused outside their role, and nothing changed by the attempt.
final class NewForbiddenWritesTests: XCTestCase {
    func testWritesOutsideTheRoleAreRefusedAndChangeNothing() async throws {
        try await withApp { app in
            let p = try await app.demoVPR()
            let pp = try await ProcedureParticipant.query(on: app.db).filter(\.$procedure.$id == p.requireID()).first()!
            let o = try await Observer.query(on: app.db).filter(\.$fullName == "Никитин П.В.").first()!
            let a = try await ObserverAssignment.query(on: app.db).first()!
            let scoring = UUID()
            let counts = { () async throws -> [Int] in
                [try await ObserverAssignment.query(on: app.db).count(), try await Observer.query(on: app.db).count(), try await Seminar.query(on: app.db).count(),
                 try await RecheckSample.query(on: app.db).count(), try await Setting.query(on: app.db).count()]
            }
            let before = try await counts()
            let writes: [(String, [String: String])] = [
                ("/procedures/\(p.id!)/observers/assign", ["participant": pp.id!.uuidString, "observer": o.id!.uuidString]),
                ("/procedures/\(p.id!)/observers/suggest", [:]),
                ("/observers/assignments/\(a.id!)/delete", [:]),
                ("/observers", ["fullName": "Х", "kind": "public"]),
                ("/objectivity/thresholds", ["riskThreshold": "0,9"]),
                ("/procedures/\(p.id!)/recheck", ["size": "5", "control": "20"]),
                ("/seminars", ["date": "01.10.2026", "topic": "Т", "invited": "1", "attended": "1"]),
                ("/commission/scorings/\(scoring)", ["t0": "1"]),
            ]
            for login in ["head-mih", "teacher", "observer"] {
                let b = Browser(app)
                try await b.login(login)
                try await b.get("/tasks")
                for (path, form) in writes {
                    let res = try await b.post(path, form)
                    XCTAssertTrue([.forbidden, .notFound].contains(res.status), "\(login) \(path): \(res.status)")
                }
            }
            assertEq(try await counts(), before)
        }
    }
}
