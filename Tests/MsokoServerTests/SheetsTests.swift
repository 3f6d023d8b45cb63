import Fluent
import Foundation
import MsokoCore
import XCTest
import XCTVapor
@testable import MsokoServer

/// A class's batch of individual result sheets (issue 14 §1) on the demo ВПР: a sheet per work,
/// codes only, the requirement in words, the school's next steps from its plan; the DOCX batch.
final class SheetsTests: XCTestCase {
    func testTheBatchHasASheetPerWorkWithTheSchoolsNextSteps() async throws {
        try await withApp { app in
            let p = try await app.demoVPR()
            let b = Browser(app)
            try await b.login("teacher")
            let res = try await b.get("/procedures/\(p.id!)/sheets/schools/edu700101/classes/4%D0%90")
            assertStatus(res, .ok)
            let school = try await app.school("edu700101")
            let works = try await GapsQuery.works(p, school: school, className: "4А", on: app.db).works
            let page = res.body.string
            XCTAssertEqual(page.components(separatedBy: #"<section class="card sheet""#).count - 1, works.count)
            for w in works { assertContains(res, "Результаты участника \(w.code)") }
            let spec = try ProcedureStore.spec(of: p)
            assertContains(res, spec.tasks[0].requirements[0].text)
            // The demo plan names students under its open items, and one has a route: both on their sheets.
            let route = try await GapRoute.query(on: app.db).first()!
            let sheet = page.components(separatedBy: "Результаты участника \(route.studentCode)")[1].components(separatedBy: "</section>")[0]
            XCTAssertTrue(sheet.contains("Индивидуальный образовательный маршрут"), sheet)
            XCTAssertTrue(sheet.contains("Что сделает школа"))
            let docx = try await b.get("/procedures/\(p.id!)/sheets/schools/edu700101/classes/4%D0%90?format=docx")
            assertStatus(docx, .ok)
            let xml = try documentXML(Data(docx.body.readableBytesView))
            XCTAssertEqual(xml.components(separatedBy: #"<w:br w:type="page"/>"#).count - 1, works.count - 1, "a page per student")
            for w in works { XCTAssertTrue(xml.contains("Результаты участника \(w.code)")) }
            // Scope: another school's head and a teacher for a class not theirs are refused.
            let mih = Browser(app)
            try await mih.login("head-mih")
            assertStatus(try await mih.get("/procedures/\(p.id!)/sheets/schools/edu700101/classes/4%D0%90"), .forbidden)
            assertStatus(try await b.get("/procedures/\(p.id!)/sheets/schools/edu700101/classes/5%D0%90"), .forbidden)
            assertStatus(try await b.get("/procedures/\(p.id!)/sheets/schools/edu700102/classes/4%D0%90"), .forbidden)
        }
    }
}
