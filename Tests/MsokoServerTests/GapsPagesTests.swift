import Fluent
import Foundation
import MsokoCore
import XCTest
import XCTVapor
@testable import MsokoServer

/// The gaps pages and the gaps API on the demo ВПР (issue 13 §1, §5): figures from the stored works,
/// the same as the analysis gives per task, codes only, scope per role.
final class GapsPagesTests: XCTestCase {
    func testTheAPIGivesEveryRequirementAndEveryWorkOfTheClass() async throws {
        try await withApp { app in
            let p = try await app.demoVPR()
            let b = Browser(app)
            try await b.login("specialist")
            let res = try await b.get("/api/v1/procedures/\(p.id!)/gaps?school=edu700102&class=4%D0%90")
            assertStatus(res, .ok)
            let json = try JSONSerialization.jsonObject(with: Data(res.body.readableBytesView)) as! [String: Any]
            XCTAssertEqual(json["school"] as? String, "edu700102")
            XCTAssertEqual(json["class"] as? String, "4А")
            // Each demo requirement is checked by one task: its completion is the analysis' task completion.
            let analysis = try await AnalysisQuery.analysis(procedure: p, municipalityID: app.school("edu700102").$municipality.id, on: app.db)
            let group = analysis.group(school: "edu700102", className: "4А")!
            XCTAssertEqual(json["works"] as? Int, group.participants)
            let requirements = json["requirements"] as! [[String: Any]]
            let spec = analysis.spec
            XCTAssertEqual(requirements.count, spec.tasks.count)
            for (t, r) in requirements.enumerated() {
                XCTAssertEqual(r["code"] as? String, spec.tasks[t].requirements[0].code)
                XCTAssertEqual(r["tasks"] as? [String], [spec.tasks[t].number])
                XCTAssertEqual(r["completion"] as! Double, group.taskCompletion(t, max: spec.tasks[t].max)!, accuracy: 1e-12)
                XCTAssertEqual(r["verdict"] as? String, Mastery(completion: r["completion"] as! Double, level: spec.tasks[t].level).rawValue)
            }
            let students = json["students"] as! [[String: Any]]
            XCTAssertEqual(students.count, group.participants, "every work, also those with nothing not mastered")
            XCTAssertTrue(students.allSatisfy { $0["notMastered"] is [String] && ($0["code"] as? String)?.isEmpty == false })

            // A school: «class» is there, as null.
            let school = try await b.get("/api/v1/procedures/\(p.id!)/gaps?school=edu700102")
            assertStatus(school, .ok)
            XCTAssertTrue(school.body.string.contains("\"class\":null"), school.body.string)
            // Unknown school, unknown class, no school.
            assertStatus(try await b.get("/api/v1/procedures/\(p.id!)/gaps?school=edu799999"), .notFound)
            assertStatus(try await b.get("/api/v1/procedures/\(p.id!)/gaps?school=edu700102&class=9%D0%AF"), .notFound)
            let missing = try await b.get("/api/v1/procedures/\(p.id!)/gaps")
            assertStatus(missing, .badRequest)
            XCTAssertTrue(missing.body.string.contains("параметр school"), missing.body.string)
        }
    }

    func testScopeHeadOwnSchoolTeacherOwnClassWithTheClassNamed() async throws {
        try await withApp { app in
            let p = try await app.demoVPR()
            let head = Browser(app)
            try await head.login("head-zyr")
            assertStatus(try await head.get("/api/v1/procedures/\(p.id!)/gaps?school=edu700101"), .ok)
            assertStatus(try await head.get("/api/v1/procedures/\(p.id!)/gaps?school=edu700102"), .forbidden)
            assertStatus(try await head.get("/procedures/\(p.id!)/gaps/schools/edu700102"), .forbidden)
            let teacher = Browser(app)
            try await teacher.login("teacher")
            let noClass = try await teacher.get("/api/v1/procedures/\(p.id!)/gaps?school=edu700101")
            assertStatus(noClass, .badRequest)
            XCTAssertTrue(noClass.body.string.contains("параметр class"), noClass.body.string)
            assertStatus(try await teacher.get("/api/v1/procedures/\(p.id!)/gaps?school=edu700101&class=4%D0%90"), .ok)
            assertStatus(try await teacher.get("/api/v1/procedures/\(p.id!)/gaps?school=edu700102&class=4%D0%90"), .forbidden)
            // A teacher's procedures are those with their classes' results.
            let list = try JSONSerialization.jsonObject(with: Data(try await teacher.get("/api/v1/procedures").body.readableBytesView)) as! [String: Any]
            let procedures = list["procedures"] as! [[String: Any]]
            XCTAssertTrue(procedures.contains { $0["id"] as? String == p.id!.uuidString })
            XCTAssertTrue(procedures.allSatisfy { ($0["grade"] as? Int) == 4 }, "\(procedures)")
            let all = try JSONSerialization.jsonObject(with: Data(try await head.get("/api/v1/procedures").body.readableBytesView)) as! [String: Any]
            XCTAssertGreaterThan((all["procedures"] as! [Any]).count, procedures.count)
        }
    }

    func testSchoolAndClassPagesAndTheirTables() async throws {
        try await withApp { app in
            let p = try await app.demoVPR()
            let b = Browser(app)
            try await b.login("specialist")
            let base = "/procedures/\(p.id!)/gaps/schools/edu700102"
            let school = try await b.get(base)
            assertStatus(school, .ok)
            assertContains(school, "Пробелы в знаниях: МОУ «Михайловская СОШ»")
            assertContains(school, "<h2>Требования</h2>")
            assertContains(school, "<h2>Классы</h2>")
            assertContains(school, "\(base)/classes/4%D0%90\">4А</a>")
            let l = try await GapsQuery.load(p, school: app.school("edu700102"), className: nil, on: app.db)
            for f in l.gaps.systemic { assertContains(school, "<b>\(f.requirement.code)</b>") }
            if l.gaps.systemic.isEmpty { assertContains(school, "Системных дефицитов нет") }
            let page = try await b.get("\(base)/classes/4%D0%90")
            assertStatus(page, .ok)
            assertContains(page, "<table class=\"gap-matrix\">")
            for s in l.gaps.students { assertContains(page, "<td>\(s.code)</td>") }
            assertStatus(try await b.get("\(base)/classes/9%D0%AF"), .notFound)
            // The analysis pages lead here.
            assertContains(try await b.get("/procedures/\(p.id!)/analysis/schools/edu700102"), "href=\"\(base)\">Пробелы в знаниях</a>")
            // XLSX: the same tables, codes only.
            let xlsx = try await b.get("\(base)?format=xlsx")
            assertStatus(xlsx, .ok)
            XCTAssertEqual(Array(Data(xlsx.body.readableBytesView).prefix(2)), [0x50, 0x4B])
        }
    }

    func testTheCohortMovesWithTheSchoolYear() {
        func procedure(_ year: String, _ grade: Int) -> Procedure {
            let p = Procedure()
            p.schoolYear = year
            p.grade = grade
            return p
        }
        let spring4 = procedure("2025-2026", 4)
        XCTAssertEqual(GapsQuery.cohortClass(from: spring4, to: procedure("2026-2027", 5), className: "4А"), "5А")
        XCTAssertEqual(GapsQuery.cohortClass(from: spring4, to: procedure("2025-2026", 4), className: "4А"), "4А")
        XCTAssertEqual(GapsQuery.cohortClass(from: spring4, to: procedure("2026-2027", 5), className: nil), "")
        XCTAssertNil(GapsQuery.cohortClass(from: spring4, to: procedure("2025-2026", 5), className: "4А"), "another cohort")
        XCTAssertNil(GapsQuery.cohortClass(from: spring4, to: procedure("2026-2027", 4), className: "4А"), "next year's fourth graders")
    }
}
