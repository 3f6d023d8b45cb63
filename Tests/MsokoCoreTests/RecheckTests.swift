import XCTest
@testable import MsokoCore

final class RecheckTests: XCTestCase {
    func testSampleTakesRiskyClassesInTurnPlusARandomControl() {
        var candidates: [Recheck.Candidate] = []
        for (school, risk) in [("edu1", 0.9), ("edu2", 0.7), ("edu3", 0.1), ("edu4", 0.0)] {
            for _ in 0..<20 { candidates.append(.init(id: UUID(), school: school, className: "5А", risk: risk)) }
        }
        let s = Recheck.sample(candidates, size: 10, controlShare: 0.3, threshold: 0.5, seed: 1)
        XCTAssertEqual(s.count, 10)
        let risky = s.filter { $0.reason == "risk" }
        XCTAssertEqual(risky.count, 7)
        XCTAssertEqual(Set(risky.map(\.candidate.school)), ["edu1", "edu2"], "both risky classes, in turn")
        XCTAssertEqual(risky.filter { $0.candidate.school == "edu1" }.count, 4)
        XCTAssertEqual(Set(s.map(\.code)).count, 10, "blind codes are unique")
        XCTAssertTrue(s.allSatisfy { $0.code.hasPrefix("К-") })
        XCTAssertEqual(Set(s.map(\.candidate.id)).count, 10, "no work twice")
    }

    func testFiguresAndTheDiscrepancySign() {
        let spec = ProcedureSpec(type: "ВПР", year: 2026, subject: "М", grade: 4, tasks: [TaskSpec(number: "1", max: 2, level: .basic), TaskSpec(number: "2", max: 2, level: .advanced)],
                                 scale: MarkScale(three: 1, four: 2, five: 4))
        let pairs = (0..<6).map { _ in Recheck.Pair(school: "edu1", schoolScores: [2, 2], commissionScores: [1, 1]) }
        let f = Recheck.figures(pairs, spec: spec)
        XCTAssertEqual(f.meanDifference, 2)
        XCTAssertEqual(f.markChanged, 1, "every 5 became a 4")
        XCTAssertEqual(f.taskDifferences, [1, 1])
        let sign = ObjectivityAnalysis.recheck(f.differences, ObjectivitySettings())
        XCTAssertEqual(sign?.indicator, .recheckDiscrepancy)
        XCTAssertEqual(sign?.explanation, "При перепроверке 6 работ комиссия поставила в среднем на 2 первичного балла меньше, чем школа.")
        XCTAssertNil(ObjectivityAnalysis.recheck([0, 1, -1, 0, 0, 1], ObjectivitySettings()), "small differences either way: no sign")
    }
}

final class GradingErrorsTests: XCTestCase {
    func testSystematicOverScoringIsListedWithBlindExamples() {
        let spec = ProcedureSpec(type: "ВПР", year: 2026, subject: "М", grade: 4, tasks: [TaskSpec(number: "1", max: 1, level: .basic),
                                 TaskSpec(number: "2", max: 3, level: .advanced, requirements: [Requirement(code: "2.1", text: "Решать задачи")])], scale: nil)
        let rescored: [(code: String, school: [UInt8], commission: [UInt8])] = [
            ("К-0001", [1, 3], [1, 1]), ("К-0002", [1, 2], [1, 1]), ("К-0003", [0, 3], [0, 3]), ("К-0004", [1, 2], [1, 0]),
        ]
        let errors = GradingErrors.tasks(rescored, spec: spec)
        XCTAssertEqual(errors.map(\.task.number), ["2"], "task 1 is scored alike")
        XCTAssertEqual(errors[0].meanDifference, 1.25)
        XCTAssertEqual(errors[0].overScored, 0.75)
        XCTAssertEqual(errors[0].examples.map(\.code), ["К-0001", "К-0002", "К-0004"])
    }
}
