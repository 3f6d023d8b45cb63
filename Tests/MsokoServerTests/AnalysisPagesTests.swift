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
        try await app.demoVPR()
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
            XCTAssertEqual(sheets.map(\.name), ["Отметки", "Задания", "Распределение баллов", "Планируемые результаты", "Задания по группам отметок", "Сравнение с журналом", "Отметки по школам", "Задания по школам"])
            XCTAssertEqual(sheets[0].rows.first, ["Отметки"], "a title over the table")
            XCTAssertEqual(sheets[0].rows.first { $0.first == "Все школы" }?.prefix(2), ["Все школы", String(n)])
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
            assertContains(page, "Динамика по годам")
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

    func testDraftOrderFromTheDistrictsTemplateAndTheSpravkaAttachedToMeasure21() async throws {
        try await withApp { app in
            let p = try await demoProcedure(app)
            let base = "/procedures/\(p.id!)/analysis"
            let s = Browser(app)
            try await s.login("specialist")
            let page = try await s.get(base)
            assertContains(page, "\(base)/order.docx")
            assertContains(page, "Приложить справку к мероприятию 2.1")

            // The shipped template, filled from the analysis.
            let a = try await AnalysisQuery.analysis(procedure: p, municipalityID: p.municipalityID!, on: app.db)
            let order = try documentXML(Data(try await s.get("\(base)/order.docx").body.readableBytesView))
            XCTAssertTrue(order.contains("ПРИКАЗ"))
            XCTAssertTrue(order.contains("Об итогах ВПР 2026 по предмету «Математика» в 4\u{00A0}классах"), "a number and its word are kept together")
            XCTAssertTrue(order.contains("участников — \(a.district.participants) из 10 общеобразовательных организаций"), order)
            XCTAssertTrue(order.contains("успеваемость — \(AnalyticalReport.pct(a.district.passRate))"))
            XCTAssertFalse(order.contains("{"), "every placeholder filled")

            // The district edits the template as text; an unknown placeholder is refused.
            let m = try await Municipality.find(p.municipalityID!, on: app.db)!
            let form = ["departmentName": m.departmentName, "timeZone": m.timeZone, "letterhead": "Шапка", "signature": "Начальник ______"]
            try await s.get("/settings")
            try await s.post("/settings", form.merging(["orderTemplate": "# Приказ {район}\n{оценка_учителя}"]) { $1 })
            assertContains(try await s.get("/settings"), "неизвестные подстановки {оценка_учителя}")
            try await s.post("/settings", form.merging(["orderTemplate": "# Приказ по {район}\r\nРабот: {участников}.\r\n{подпись}"]) { $1 })
            let custom = try documentXML(Data(try await s.get("\(base)/order.docx").body.readableBytesView))
            XCTAssertTrue(custom.contains("Приказ по Зырянский район"))
            XCTAssertTrue(custom.contains("Работ: \(a.district.participants)."))
            XCTAssertTrue(custom.contains("Начальник ______"))
            try await s.post("/settings", form.merging(["resetOrderTemplate": "1"]) { $1 })
            let reset = try documentXML(Data(try await s.get("\(base)/order.docx").body.readableBytesView))
            XCTAssertTrue(reset.contains("ПРИКАЗЫВАЮ"))

            // One click: the district справка becomes evidence of measure 2.1's May checkpoint.
            let attached = try await s.post("\(base)/attach", [:])
            assertStatus(attached, .seeOther)
            let location = attached.headers.first(name: .location) ?? ""
            XCTAssertTrue(location.hasSuffix("/report?party=district"), location)
            let files = try await EvidenceFile.query(on: app.db).filter(\.$fileName == "Аналитическая справка ВПР 2026 Математика 4 кл.docx").all()
            XCTAssertEqual(files.count, 1)
            let report = try await CheckpointReport.find(files[0].$report.id, on: app.db)!
            XCTAssertNil(report.schoolID)
            let checkpoint = try await Checkpoint.find(report.$checkpoint.id, on: app.db)!
            let measure = try await Measure.find(checkpoint.$measure.id, on: app.db)!
            XCTAssertEqual(measure.number, "2.1")
            XCTAssertTrue(checkpoint.due >= "2026-04-20", checkpoint.due)
            assertContains(try await s.get(location), "приложена к отчёту по мероприятию 2.1")
            assertEq(try await AuditEntry.query(on: app.db).filter(\.$action == "attach").count(), 1)

            // A head attaches their school's справка to their school's report; a methodist may not attach.
            let head = Browser(app)
            try await head.login("head-mih")
            try await head.get("\(base)/schools/edu700102")
            assertStatus(try await head.post("\(base)/attach", [:]), .seeOther)
            let own = try await EvidenceFile.query(on: app.db).filter(\.$fileName == "Аналитическая справка ВПР 2026 Математика 4 кл МОУ «Михайловская СОШ».docx").first()
            let mih = try await app.school("edu700102")
            XCTAssertEqual(own?.schoolID, mih.id)
            assertStatus(try await head.get("\(base)/order.docx"), .forbidden)
            let methodist = Browser(app)
            try await methodist.login("methodist")
            try await methodist.get(base)
            assertStatus(try await methodist.post("\(base)/attach", [:]), .forbidden)
        }
    }
}
