import XCTest
@testable import MsokoCore

final class TimingParserTests: XCTestCase {
    func plans(_ text: String) throws -> [CheckpointPlan] {
        try TimingParser.checkpoints(for: text, schoolYearStart: 2025)
    }

    func testOngoingFormsAreQuarterly() throws {
        for text in ["Постоянно", "В течение учебного года", "В течение года", "  в течение учебного года. "] {
            let p = try plans(text)
            XCTAssertEqual(p.map(\.due.iso), ["2025-10-31", "2025-12-31", "2026-03-31", "2026-05-31"], text)
            XCTAssertTrue(TimingParser.isOngoing(text), text)
        }
    }

    func testMonthListReadInOrder() throws {
        let p = try plans("Январь, май")
        XCTAssertEqual(p.map(\.due.iso), ["2026-01-31", "2026-05-31"])
        XCTAssertEqual(p.map(\.label), ["Январь 2026", "Май 2026"])
    }

    func testTrailingCommaAndAugustFirst() throws {
        let p = try plans("Август, январь, март,")
        XCTAssertEqual(p.map(\.due.iso), ["2025-08-31", "2026-01-31", "2026-03-31"])
    }

    func testRangeIsOneWindow() throws {
        let p = try plans("Май-август")
        XCTAssertEqual(p.count, 1)
        XCTAssertEqual(p[0].windowStart?.iso, "2026-05-01")
        XCTAssertEqual(p[0].due.iso, "2026-08-31")
    }

    func testBracketedNotesLabelCheckpoints() throws {
        let p = try plans("Январь (региональный мониторинг), май (ВГР)")
        XCTAssertEqual(p.map(\.due.iso), ["2026-01-31", "2026-05-31"])
        XCTAssertEqual(p.map(\.label), ["Январь 2026 (региональный мониторинг)", "Май 2026 (ВГР)"])
    }

    func testSingleMonths() throws {
        XCTAssertEqual(try plans("Сентябрь").map(\.due.iso), ["2025-09-30"])
        XCTAssertEqual(try plans("Февраль").map(\.due.iso), ["2026-02-28"])
        XCTAssertEqual(try TimingParser.checkpoints(for: "Февраль", schoolYearStart: 2027).map(\.due.iso), ["2028-02-29"])
    }

    func testEachNextMonthIsAfterThePrevious() throws {
        // «Март, январь»: January comes after March, so it cannot be in the same school year.
        XCTAssertThrowsError(try plans("Март, январь")) { error in
            XCTAssertEqual(error as? TimingError, .pastSchoolYear("январь"))
        }
        XCTAssertEqual(try plans("Август, август").map(\.due.iso), ["2025-08-31", "2026-08-31"])
    }

    func testUnreadableTimingIsAnError() {
        XCTAssertThrowsError(try plans("Когда получится")) { error in
            guard case .unknownWord(let w)? = error as? TimingError else { return XCTFail("\(error)") }
            XCTAssertEqual(w, "Когда получится")
            XCTAssertTrue((error as! TimingError).description.contains("Когда получится"))
        }
        XCTAssertThrowsError(try plans("")) { XCTAssertEqual($0 as? TimingError, .empty) }
        XCTAssertThrowsError(try plans("Май-июнь-июль"))
    }

    func testEverySeedTimingParses() throws {
        let doc = try SeedRoadmap.document()
        for m in doc.measures {
            XCTAssertFalse(try plans(m.timing).isEmpty, m.number)
        }
    }
}

final class ExecutorAndStatusTests: XCTestCase {
    func testExecutors() {
        XCTAssertEqual(ExecutorParser.executors(from: "Руководители образовательных организаций, специалисты Управления образования"),
                       [.schoolHeads, .departmentSpecialists])
        XCTAssertEqual(ExecutorParser.executors(from: "Самойлова А.Л., руководители общеобразовательных организаций"),
                       [.person("Самойлова А.Л."), .schoolHeads])
        XCTAssertEqual(ExecutorParser.executors(from: "Руководители районных/школьных методических объединений"), [.methodAssociationHeads])
        XCTAssertEqual(ExecutorParser.executors(from: "Руководители районных методических объединений, руководители общеобразовательных организаций"),
                       [.methodAssociationHeads, .schoolHeads])
        XCTAssertTrue(ExecutorParser.schoolsReport("Руководители образовательных организаций"))
        XCTAssertFalse(ExecutorParser.districtReports("Руководители образовательных организаций"))
        XCTAssertFalse(ExecutorParser.schoolsReport("Специалисты Управления образования"))
        XCTAssertEqual(ExecutorParser.executors(from: "Завхоз"), [.other("Завхоз")])
    }

    func testEffectiveStatus() {
        let due = LocalDate(year: 2026, month: 1, day: 31)
        XCTAssertEqual(StatusRules.effective(stored: .inProgress, due: due, today: due), .inProgress)
        XCTAssertEqual(StatusRules.effective(stored: .inProgress, due: due, today: due.adding(days: 1)), .overdue)
        XCTAssertEqual(StatusRules.effective(stored: .notStarted, due: due, today: due.adding(days: 1)), .overdue)
        XCTAssertEqual(StatusRules.effective(stored: .done, due: due, today: due.adding(days: 100)), .done)
    }

    func testCombinedStatus() {
        XCTAssertEqual(StatusRules.combine([.done, .done]), .done)
        XCTAssertEqual(StatusRules.combine([.done, .overdue]), .overdue)
        XCTAssertEqual(StatusRules.combine([.done, .notStarted]), .inProgress)
        XCTAssertEqual(StatusRules.combine([.notStarted, .notStarted]), .notStarted)
        XCTAssertEqual(StatusRules.combine([]), .notStarted)
    }

    func testLocalDateInTimeZone() {
        // 2026-01-31 20:00 UTC is already 1 February in Tomsk (UTC+7).
        let instant = Date(timeIntervalSince1970: 1_769_889_600)
        XCTAssertEqual(LocalDate(instant, in: TimeZone(identifier: "Asia/Tomsk")!).iso, "2026-02-01")
        XCTAssertEqual(LocalDate(instant, in: TimeZone(identifier: "Europe/Moscow")!).iso, "2026-01-31")
    }
}

extension TimingParserTests {
    func testHyphenatedWordIsNotARange() {
        XCTAssertThrowsError(try plans("Когда-нибудь")) { XCTAssertEqual($0 as? TimingError, .unknownWord("Когда-нибудь")) }
        XCTAssertThrowsError(try plans("Май-потом")) { XCTAssertEqual($0 as? TimingError, .badRange("Май-потом")) }
    }
}
