import Fluent
import Foundation
import MsokoCore
import XCTest
import XCTVapor
@testable import MsokoServer

/// Every role lands on its work, and no link shows a role a page it may not open.
final class EveryRoleTests: XCTestCase {
    func mathFour(_ app: Application) async throws -> Procedure {
        try await app.demoVPR()
    }

    func testATeacherSeesTheirOwnClassesResultsAndNothingElse() async throws {
        try await withApp { app in
            let p = try await mathFour(app)
            let base = "/procedures/\(p.id!)/analysis/schools"
            let teacher = Browser(app)
            assertLocation(try await teacher.login("teacher"), "/tasks")
            let tasks = try await teacher.get("/tasks")
            assertContains(tasks, "Результаты моих классов")
            assertContains(tasks, "\(base)/edu700101/classes/4%D0%90")

            let page = try await teacher.get("\(base)/edu700101/classes/4%D0%90")
            assertStatus(page, .ok)
            assertContains(page, "Результаты участников")
            let works = try await WorkRow.query(on: app.db).filter(\.$procedure.$id == p.requireID()).with(\.$school).all()
                .filter { $0.school.login == "edu700101" && $0.className == "4А" }
            XCTAssertFalse(works.isEmpty)
            for w in works { assertContains(page, "<td>\(w.code)</td>") }
            assertNotContains(page, "/procedures/\(p.id!)\"") // no crumb to the procedure the teacher may not open
            assertContains(page, "Таблицы (XLSX)")
            let xlsx = try await teacher.get("\(base)/edu700101/classes/4%D0%90?format=xlsx")
            assertStatus(xlsx, .ok)
            let sheets = try XLSXSheetReader.sheets(data: Data(xlsx.body.readableBytesView), file: "a.xlsx")
            XCTAssertTrue(sheets.contains { $0.rows.contains { $0.first == works[0].code } }, "the participants' sheet")

            // Not their class, not their school, not the school's or the district's pages.
            assertStatus(try await teacher.get("\(base)/edu700101/classes/4%D0%91"), .forbidden)
            assertStatus(try await teacher.get("\(base)/edu700102/classes/4%D0%90"), .forbidden)
            assertStatus(try await teacher.get("\(base)/edu700101"), .forbidden)
            assertStatus(try await teacher.get("/procedures/\(p.id!)/analysis"), .forbidden)
        }
    }

    func testATeacherOfAClassSeesItsResultsOfTheYearBefore() async throws {
        try await withApp { app in
            // The teacher now teaches 5А of the next school year: the spring's 4А are the same students.
            let school = try await app.school("edu700101")
            let teacher = try await User.query(on: app.db).filter(\.$login == "teacher").first()!
            try await ClassTeacher.query(on: app.db).filter(\.$teacher.$id == teacher.requireID()).delete()
            let next = try SchoolClass(school: school, schoolYear: "2026-2027", name: "5А", grade: 5, enrolment: 8)
            try await next.create(on: app.db)
            try await next.$teachers.attach(teacher, on: app.db)
            let b = Browser(app)
            try await b.login("teacher")
            let tasks = try await b.get("/tasks")
            assertContains(tasks, "(сейчас 5А)")
            let p = try await mathFour(app)
            assertStatus(try await b.get("/procedures/\(p.id!)/analysis/schools/edu700101/classes/4%D0%90"), .ok)
            XCTAssertEqual(TeacherClasses.classAYearEarlier("11Б"), "10Б")
            XCTAssertNil(TeacherClasses.classAYearEarlier("1А"))
            XCTAssertEqual(TeacherClasses.previousSchoolYear("2026-2027"), "2025-2026")
        }
    }

    func testASmallSchoolSeesItsOwnFiguresAndTheDistrictsListOfSchoolsHidesThem() async throws {
        try await withApp { app in
            let p = try await mathFour(app)
            let base = "/procedures/\(p.id!)/analysis"
            let a = try await AnalysisQuery.analysis(procedure: p, municipalityID: app.school("edu700101").$municipality.id, on: app.db)
            let zyr = try XCTUnwrap(a.school("edu700101"))
            XCTAssertLessThan(zyr.participants, 10, "the demo's Зырянская СОШ is a small school")
            let passRate = ReferenceTable.format(((zyr.passRate ?? 0) * 1000).rounded() / 10)

            let head = Browser(app)
            try await head.login("head-zyr")
            let own = try await head.get("\(base)/schools/edu700101")
            assertContains(own, "Работ меньше 10: каждая работа заметно меняет доли (1 из \(zyr.participants)")
            assertContains(own, "<td class=\"num\">\(passRate)</td>")
            assertContains(own, "освоено")
            let docx = try await head.get("\(base)/schools/edu700101/report.docx")
            let disposition = docx.headers.first(name: .contentDisposition) ?? ""
            XCTAssertTrue(disposition.contains("Зырянская".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!), "named by the school's short name: \(disposition)")
            XCTAssertFalse(disposition.contains("edu700101"), disposition)
            let xml = try documentXML(Data(docx.body.readableBytesView))
            XCTAssertTrue(xml.contains(passRate), "the school's справка shows its own figures")
            XCTAssertFalse(xml.contains("доли и выводы по группе не приводятся"))

            // The district's table of schools compares them: the small school's shares stay hidden.
            let s = Browser(app)
            try await s.login("specialist")
            let district = try await s.get(base)
            let row = try XCTUnwrap(district.body.string.components(separatedBy: "<tr>").first { $0.contains("Зырянская СОШ»") && $0.contains("edu700101") })
            XCTAssertFalse(row.contains(">\(passRate)<"), row)
            XCTAssertTrue(row.contains("<td class=\"num\">—</td>"), row)
        }
    }

    func testTheObserverAndTheCommissionMemberLandOnTheirWork() async throws {
        try await withApp { app in
            let observer = Browser(app)
            assertLocation(try await observer.login("observer"), "/tasks")
            let tasks = try await observer.get("/tasks")
            assertContains(tasks, "Акты наблюдения к заполнению")
            let o = try await Observer.query(on: app.db).filter(\.$userID == User.query(on: app.db).filter(\.$login == "observer").first()!.id).first()!
            let open = try await ObserverAssignment.query(on: app.db).filter(\.$observer.$id == o.requireID()).all()
            XCTAssertFalse(open.isEmpty)
            for a in open where try await ObservationAct.query(on: app.db).filter(\.$assignment.$id == a.requireID()).first()?.submittedAt == nil {
                assertContains(tasks, "/observer/assignments/\(a.id!)")
            }

            let p = try await Procedure.query(on: app.db).filter(\.$year == 2026).filter(\.$subject == "Математика").filter(\.$grade == 5).first()!
            let s = Browser(app)
            try await s.login("specialist")
            assertStatus(try await s.post("/procedures/\(p.id!)/recheck", ["size": "6", "control": "0"]), .seeOther)
            let member = Browser(app)
            assertLocation(try await member.login("commission"), "/tasks")
            let mine = try await member.get("/tasks")
            assertContains(mine, "Ждут ваших баллов: 6\u{00A0}работ")
            for scoring in try await app.recheckScorings(p) {
                assertContains(mine, "/commission/scorings/\(scoring.id!)")
                assertContains(mine, scoring.item.blindCode)
            }
        }
    }

    /// Every role follows every link from its landing page (breadth first, a few hundred pages):
    /// none answers 403, 404 or a server error.
    func testNoLinkLeadsARoleToAPageItMayNotOpen() async throws {
        try await withApp { app in
            var failures: [String] = []
            for login in ["specialist", "head-zyr", "head-mih", "teacher", "methodist", "observer", "commission", "admin"] {
                let b = Browser(app)
                let landing = try await b.login(login).headers.first(name: .location) ?? "/"
                var queue = [(landing, "вход")]
                var seen: Set<String> = [landing]
                var visited = 0
                while !queue.isEmpty, visited < 160 {
                    let (path, from) = queue.removeFirst()
                    visited += 1
                    let res = try await b.get(path)
                    if res.status == .seeOther, let to = res.headers.first(name: .location) {
                        if !seen.contains(to) {
                            seen.insert(to)
                            queue.append((to, path))
                        }
                        continue
                    }
                    guard res.status == .ok else {
                        failures.append("\(login): \(path) (ссылка на \(from)) → \(res.status.code)")
                        continue
                    }
                    guard res.headers.contentType == .html else { continue }
                    for link in Self.links(res.body.string) where !seen.contains(link) {
                        seen.insert(link)
                        queue.append((link, path))
                    }
                }
            }
            XCTAssertEqual(failures, [], failures.joined(separator: "\n"))
        }
    }

    /// The site's own links of a page (`href="/…"`), entities decoded, fragments dropped.
    static func links(_ html: String) -> [String] {
        var out: [String] = []
        var rest = html[...]
        while let r = rest.range(of: #"href="/"#) {
            let start = rest.index(before: r.upperBound)
            guard let end = rest[start...].firstIndex(of: "\"") else { break }
            var link = String(rest[start..<end]).replacingOccurrences(of: "&amp;", with: "&")
            if let hash = link.firstIndex(of: "#") { link = String(link[..<hash]) }
            if !link.hasPrefix("//"), !link.hasPrefix("/static/"), !link.isEmpty { out.append(link) }
            rest = rest[end...]
        }
        return out
    }
}
