import Fluent
import Foundation
import MsokoCore
import XCTest
import XCTVapor
@testable import MsokoServer

/// Analysis pages on the demo ВПР: figures equal to `msoko analyze` on the exported file, drill-down,
/// scope (a head sees their school against the district only), XLSX and DOCX downloads.
final class AnalysisPagesTests: XCTestCase {
    func demoProcedure(_ app: Application) async throws -> Procedure {
        try await Procedure.query(on: app.db).filter(\.$year == 2026).filter(\.$subject == "Математика").filter(\.$grade == 4).first()!
    }

    func testPagesShowTheFiguresAnalyzeGivesAndDrillDown() async throws {
        try await withApp { app in
            let p = try await demoProcedure(app)
            let base = "/procedures/\(p.id!)/analysis"
            let s = Browser(app)
            try await s.login("specialist")
            assertContains(try await s.get("/procedures/\(p.id!)"), "\(base)\">Анализ результатов</a>")

            // The same figures as `msoko analyze` on the district's exported file.
            let csv = try await s.get("/procedures/\(p.id!)/export/csv")
            let out = try MsokoTextFile.analyze(files: [("export.csv", Data(csv.body.readableBytesView))], specData: Data(p.spec.utf8), specFile: "spec.json", format: .json)
            XCTAssertEqual(out.problems, [])
            let json = try JSONSerialization.jsonObject(with: out.data!) as! [String: Any]
            let groups = json["groups"] as! [[String: Any]]
            let district = groups[0]
            let marks = district["marks"] as! [String: Int]
            let n = district["participants"] as! Int
            func pct(_ v: Double) -> String { ReferenceTable.format((v * 1000).rounded() / 10) }
            let page = try await s.get(base)
            assertStatus(page, .ok)
            assertContains(page, "<td>Все школы</td><td class=\"num\">\(n)</td><td class=\"num\">\(marks["2"]!) (\(pct(Double(marks["2"]!) / Double(n))) %)</td>")
            assertContains(page, "<td class=\"num\">\(pct(district["passRate"] as! Double))</td>")
            let task1 = (district["taskCompletion"] as! [String: Double])["1"]!
            assertContains(page, "<td class=\"num\">\(pct(task1))</td>")
            assertContains(page, "<svg viewBox")
            assertContains(page, "Динамика по годам")
            assertContains(page, "\(base)/schools/edu700102\">МОУ «Михайловская СОШ»")

            // Drill down: a school, then a class; the figures of the school match analyze's.
            let school = groups.first { $0["level"] as? String == "school" && $0["school"] as? String == "edu700102" }!
            let schoolPage = try await s.get("\(base)/schools/edu700102")
            assertStatus(schoolPage, .ok)
            assertContains(schoolPage, "<td>МОУ «Михайловская СОШ» *</td><td class=\"num\">\(school["participants"] as! Int)</td>")
            assertContains(schoolPage, "\(base)/schools/edu700102/classes/4%D0%90\">МОУ «Михайловская СОШ» · 4А")
            let classPage = try await s.get("\(base)/schools/edu700102/classes/4%D0%90")
            assertStatus(classPage, .ok)
            assertContains(classPage, "не используются для оценки работы учителя")

            // Every table as XLSX; the справки as DOCX.
            let xlsx = try await s.get("\(base)?format=xlsx")
            let sheets = try XLSXSheetReader.sheets(data: Data(xlsx.body.readableBytesView), file: "a.xlsx")
            XCTAssertEqual(sheets.map(\.name), ["Отметки", "Задания", "Распределение баллов", "Планируемые результаты", "Задания по группам отметок", "Сравнение с журналом", "Отметки (2)"])
            XCTAssertEqual(sheets[0].rows[1].prefix(2), ["Все школы", String(n)])
            let docx = try await s.get("\(base)/report.docx")
            assertStatus(docx, .ok)
            let xml = try documentXML(Data(docx.body.readableBytesView))
            XCTAssertTrue(xml.contains("Аналитическая справка"))
            XCTAssertTrue(xml.contains("Зырянский район"))
            XCTAssertTrue(xml.contains("c:chart"), "native Word charts")
            assertStatus(try await s.get("\(base)/schools/edu700102/report.docx"), .ok)
            assertStatus(try await s.get("\(base)/schools/edu799999"), .notFound)

            let methodist = Browser(app)
            try await methodist.login("methodist")
            assertStatus(try await methodist.get(base), .ok)
        }
    }

    func testAHeadSeesTheirSchoolAgainstTheDistrictOnly() async throws {
        try await withApp { app in
            let p = try await demoProcedure(app)
            let base = "/procedures/\(p.id!)/analysis"
            let head = Browser(app)
            try await head.login("head-mih")
            assertLocation(try await head.get(base), "\(base)/schools/edu700102")
            let page = try await head.get("\(base)/schools/edu700102")
            assertStatus(page, .ok)
            assertContains(page, "Все школы")
            assertNotContains(page, "Зырянская")
            assertNotContains(page, "\(base)/schools/edu700101")
            assertStatus(try await head.get("\(base)/schools/edu700101"), .forbidden)
            assertStatus(try await head.get("\(base)/schools/edu700101/classes/4%D0%90"), .forbidden)
            assertStatus(try await head.get("\(base)/report.docx"), .forbidden)
            assertStatus(try await head.get("\(base)/schools/edu700101/report.docx"), .forbidden)
            let own = try await head.get("\(base)/schools/edu700102/report.docx")
            assertStatus(own, .ok)
            XCTAssertFalse(try documentXML(Data(own.body.readableBytesView)).contains("Зырянская СОШ"), "no other school in a head's справка")
            let xlsx = try await head.get("\(base)/schools/edu700102?format=xlsx")
            let names = try XLSXSheetReader.sheets(data: Data(xlsx.body.readableBytesView), file: "a.xlsx").flatMap { $0.rows.map { $0.first ?? "" } }
            XCTAssertFalse(names.contains { $0.contains("Зырянская") })

            let teacher = Browser(app)
            try await teacher.login("teacher")
            assertStatus(try await teacher.get(base), .forbidden)
        }
    }
}
