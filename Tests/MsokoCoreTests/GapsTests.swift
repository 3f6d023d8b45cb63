import XCTest
@testable import MsokoCore

/// Gaps per requirement on hand-made works (issue 13 §1): a requirement checked by several tasks
/// of mixed levels, criteria-scored parts, «X», the borderline thresholds, systemic deficits.
final class GapsTests: XCTestCase {
    // A: tasks 1 (Б) and 4 (П) → judged as Б, max 3. B: criteria 2К1, 2К2 and task 3, all Б, max 7.
    // C: 5.1 and 5.2, both В, max 7. Task 6 checks no requirement.
    static let spec = ProcedureSpec(type: "ВПР", year: 2026, subject: "Математика", grade: 5, form: "paper", tasks: [
        TaskSpec(number: "1", max: 1, level: .basic, requirements: [Requirement(code: "A", text: "Требование А")]),
        TaskSpec(number: "2К1", max: 3, level: .basic, requirements: [Requirement(code: "B", text: "Требование Б")]),
        TaskSpec(number: "2К2", max: 2, level: .basic, requirements: [Requirement(code: "B", text: "Требование Б")]),
        TaskSpec(number: "3", max: 2, level: .basic, requirements: [Requirement(code: "B", text: "Требование Б")]),
        TaskSpec(number: "4", max: 2, level: .advanced, requirements: [Requirement(code: "A", text: "Требование А")]),
        TaskSpec(number: "5.1", max: 3, level: .high, requirements: [Requirement(code: "C", text: "Требование В")]),
        TaskSpec(number: "5.2", max: 4, level: .high, requirements: [Requirement(code: "C", text: "Требование В")]),
        TaskSpec(number: "6", max: 1, level: .basic, requirements: []),
    ], scale: MarkScale(three: 5, four: 10, five: 15))

    static let X = WorkRecord.notDone

    static func work(_ code: String, _ scores: [UInt8], className: String = "5А") -> WorkRecord {
        WorkRecord(schoolLogin: "edu1", schoolName: nil, code: code, className: className, variant: nil, gender: nil, scores: scores,
                   primaryScore: scores.reduce(0) { $0 + ($1 == X ? 0 : Int($1)) }, mark: nil, journalMark: nil, row: 1)
    }

    static let works = [
        work("w1", [1, 3, 2, 2, 2, 3, 4, 1]),     // everything full
        work("w2", [0, 2, 1, 1, X, 2, X, 0]),     // A 0/3; B 4/7 = 57.1 % (border); C 2/7 = 28.6 % (border)
        work("w3", [1, 1, 1, 0, 1, 0, 0, 1]),     // A 2/3; B 2/7; C 0
        work("w4", [0, 0, 0, 0, 0, 2, 0, 0]),     // A 0; B 0; C 2/7 (border)
        work("w5", [X, X, X, X, X, X, X, X]),     // nothing done: counts 0 points
    ]

    func testARequirementCollectsItsTasksAndIsJudgedByTheEasiestLevel() {
        let reqs = Gaps.requirements(of: Self.spec)
        XCTAssertEqual(reqs.map(\.code), ["A", "B", "C"])
        XCTAssertEqual(reqs.map(\.tasks), [["1", "4"], ["2К1", "2К2", "3"], ["5.1", "5.2"]])
        XCTAssertEqual(reqs.map(\.level), [.basic, .basic, .high])
        XCTAssertEqual(reqs.map(\.max), [3, 7, 7])
    }

    func testStudentsVerdictsWithBorderlineAndX() {
        let g = Gaps.group(Self.works, spec: Self.spec)
        XCTAssertEqual(g.works, 5)
        let byCode = Dictionary(uniqueKeysWithValues: g.students.map { ($0.code, $0) })
        XCTAssertEqual(byCode["w1"]!.verdicts, [.mastered, .mastered, .mastered])
        XCTAssertEqual(byCode["w2"]!.verdicts, [.notMastered, .borderline, .borderline])
        XCTAssertEqual(byCode["w2"]!.completion[1], 4.0 / 7, accuracy: 1e-12)
        XCTAssertEqual(byCode["w3"]!.verdicts, [.mastered, .notMastered, .notMastered])
        XCTAssertEqual(byCode["w4"]!.notMastered, ["A", "B"])
        XCTAssertEqual(byCode["w4"]!.borderline, ["C"])
        XCTAssertEqual(byCode["w5"]!.notMastered, ["A", "B", "C"], "«X» counts 0 points")
        // Only the student with three requirements not mastered is listed for individual work.
        XCTAssertEqual(g.forIndividualWork.map(\.code), ["w5"])
    }

    func testGroupCompletionVerdictAndSystemicDeficits() {
        let g = Gaps.group(Self.works, spec: Self.spec)
        let (a, b, c) = (g.requirements[0], g.requirements[1], g.requirements[2])
        XCTAssertEqual(a.completion!, 5.0 / 15, accuracy: 1e-12)
        XCTAssertEqual(a.verdict, .notMastered)
        XCTAssertEqual(a.notMastered, 3)
        XCTAssertTrue(a.isSystemic)
        XCTAssertEqual(b.completion!, 13.0 / 35, accuracy: 1e-12)
        XCTAssertEqual(b.notMastered, 3)
        XCTAssertEqual(b.borderline, 1)
        XCTAssertTrue(b.isSystemic)
        // C is «освоено» for the class as a whole (11/35 = 31.4 % ≥ 30 %), yet two students have not
        // mastered it: 40 % of the class, not a systemic deficit.
        XCTAssertEqual(c.completion!, 11.0 / 35, accuracy: 1e-12)
        XCTAssertEqual(c.verdict, .mastered)
        XCTAssertEqual(c.notMastered, 2)
        XCTAssertEqual(c.borderline, 2)
        XCTAssertFalse(c.isSystemic)
        XCTAssertEqual(g.systemic.map(\.requirement.code), ["A", "B"])
    }

    func testExactlyHalfIsSystemicAndTheThresholdsAreInclusive() {
        // Two works: one not mastering A, one mastering it — half the class: a systemic deficit.
        let g = Gaps.group([Self.work("a", [0, 3, 2, 2, 0, 3, 4, 1]), Self.work("b", [1, 3, 2, 2, 2, 3, 4, 1])], spec: Self.spec)
        XCTAssertTrue(g.requirements[0].isSystemic)
        XCTAssertFalse(g.requirements[1].isSystemic)
        // 60 % exactly is mastered, 57 % exactly is the border, just under is not mastered.
        XCTAssertEqual(Mastery(completion: 0.6, level: .basic), .mastered)
        XCTAssertEqual(Mastery(completion: 57.0 / 100, level: .basic), .borderline)
        XCTAssertEqual(Mastery(completion: 0.5699, level: .basic), .notMastered)
        XCTAssertEqual(Mastery(completion: 0.3, level: .high), .mastered)
        XCTAssertEqual(Mastery(completion: 0.285, level: .advanced), .borderline)
        XCTAssertEqual(Mastery(completion: 0.2849, level: .advanced), .notMastered)
    }

    func testAnEmptyGroupHasNoFigures() {
        let g = Gaps.group([WorkRecord](), spec: Self.spec)
        XCTAssertEqual(g.works, 0)
        XCTAssertNil(g.requirements[0].completion)
        XCTAssertFalse(g.requirements[0].isSystemic)
        XCTAssertTrue(g.students.isEmpty)
    }

    func testTheSameCodeIsFollowedWithinTheSubjectOnly() {
        let now = Gaps.group(Self.works, spec: Self.spec)
        var laterSpec = Self.spec
        laterSpec.tasks = [TaskSpec(number: "1", max: 2, level: .basic, requirements: [Requirement(code: "A", text: "Требование А")]),
                           TaskSpec(number: "2", max: 1, level: .basic, requirements: [Requirement(code: "Z", text: "Другое")])]
        let later = Gaps.group([Self.work("x", [2, 0]), Self.work("y", [0, 1])], spec: laterSpec)
        let followed = Gaps.follow(now, subject: "Математика", others: [("ВГР, октябрь", " математика ", later), ("Другой предмет", "Русский язык", later)])
        XCTAssertEqual(followed.map(\.code), ["A"], "only codes found elsewhere, and only in the same subject")
        XCTAssertEqual(followed[0].points.map(\.label), ["ВГР, октябрь"])
        XCTAssertEqual(followed[0].points[0].completion!, 0.5, accuracy: 1e-12)
        XCTAssertEqual(followed[0].points[0].notMasteredShare, 0.5, accuracy: 1e-12)
    }
}
