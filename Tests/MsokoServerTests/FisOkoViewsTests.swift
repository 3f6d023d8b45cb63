import Fluent
import Foundation
import MsokoCore
import XCTest
import XCTVapor
@testable import MsokoServer

/// Issue 11: what a ФИС ОКО user expects — «Выполнение заданий» a row per school, all of a school's
/// procedures on one page, the works behind the signs by code on the objectivity card.
final class FisOkoViewsTests: XCTestCase {
    func mathFour(_ app: Application) async throws -> UUID {
        try await app.demoVPR().requireID()
    }

    func testTaskCompletionWithARowPerSchoolAndPerClass() async throws {
        try await withApp { app in
            let pid = try await mathFour(app)
            let s = Browser(app)
            try await s.login("specialist")
            let page = try await s.get("/procedures/\(pid)/analysis")
            assertContains(page, "Выполнение заданий по школам")
            let body = String(buffer: page.body)
            let section = body.components(separatedBy: "Выполнение заданий по школам").last ?? ""
            XCTAssertTrue(section.contains("Зырянская СОШ") && section.contains("Михайловская СОШ"), "a row per school")
            let xlsx = try await s.get("/procedures/\(pid)/analysis?format=xlsx")
            let rows = try XLSXSheetReader.sheets(data: Data(xlsx.body.readableBytesView), file: "a.xlsx").map(\.name)
            XCTAssertTrue(rows.contains("Задания по школам"), "\(rows)")
            assertContains(try await s.get("/procedures/\(pid)/analysis/schools/edu700102"), "Выполнение заданий по классам")
        }
    }

    func testASchoolsProceduresOnOnePage() async throws {
        try await withApp { app in
            let zyr = try await app.school("edu700101").requireID()
            let head = Browser(app)
            try await head.login("head-zyr")
            let page = try await head.get("/schools/\(zyr)")
            assertContains(page, "Результаты оценочных процедур")
            assertContains(page, "ВПР 2026 · Математика · 4 класс")
            assertContains(page, "ВПР 2025 · Русский язык · 5 класс")
            assertContains(page, "/procedures/\(try await mathFour(app))/analysis/schools/edu700101")
            let teacher = Browser(app)
            try await teacher.login("teacher")
            assertNotContains(try await teacher.get("/schools/\(zyr)"), "Результаты оценочных процедур")
        }
    }

    func testTheObjectivityCardListsWorksByCode() async throws {
        try await withApp { app in
            let pid = try await mathFour(app)
            let s = Browser(app)
            try await s.login("specialist")
            let card = try await s.get("/procedures/\(pid)/objectivity/schools/edu700101")
            assertContains(card, "Работы для проверки (по кодам участников)")
        }
    }
}

final class SuspiciousWorksTests: XCTestCase {
    func testIdenticalMisfitAndAboveJournal() {
        let spec = ProcedureSpec(type: "ВПР", year: 2026, subject: "Математика", grade: 4,
                                 tasks: (1...4).map { TaskSpec(number: String($0), max: 1, level: $0 < 4 ? .basic : .high) }, scale: nil)
        var works = WorkTable(taskCount: 4)
        func add(_ school: String, _ code: String, _ scores: [UInt8], mark: Int? = nil, journal: Int? = nil) {
            works.append(WorkRecord(schoolLogin: school, schoolName: nil, code: code, className: "4А", variant: nil, gender: nil, scores: scores,
                                    primaryScore: Int(scores.reduce(0, +)), mark: mark, journalMark: journal, row: 0))
        }
        // The district: easy tasks first, the hard one rarely solved.
        for i in 0..<40 { add("edu700102", "d\(i)", i % 2 == 0 ? [1, 1, 0, 0] : [1, 0, 0, 0]) }
        for i in 0..<40 { add("edu700102", "e\(i)", [1, 1, 1, 0]) }
        add("edu700101", "10001", [1, 1, 0, 0]); add("edu700101", "10002", [1, 1, 0, 0])  // identical
        add("edu700101", "10003", [0, 0, 0, 0]); add("edu700101", "10004", [0, 0, 0, 0])  // identical zeros: expected
        add("edu700101", "10005", [0, 0, 1, 1])                                            // hard solved, easy failed
        add("edu700101", "10006", [1, 0, 0, 0], mark: 5, journal: 3)
        let f = SuspiciousWorks.find(in: works, school: "edu700101", spec: spec)
        XCTAssertEqual(f.identical.map { $0.map(\.code) }, [["10001", "10002"]])
        XCTAssertEqual(f.misfits.map(\.code), ["10005"])
        XCTAssertEqual(f.aboveJournal.map(\.code), ["10006"])
        XCTAssertEqual(f.identical.first?.first?.pattern, "1 1 0 0")
        XCTAssertTrue(SuspiciousWorks.find(in: works, school: "edu700199", spec: spec).isEmpty)
    }
}
