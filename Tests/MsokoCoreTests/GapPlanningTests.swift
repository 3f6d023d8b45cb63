import XCTest
@testable import MsokoCore

/// Plans drafted from a class's gaps, the closing rule, before/after and the re-diagnosis sheet
/// (issue 13 §2-3), on the hand-made works of `GapsTests`.
final class GapPlanningTests: XCTestCase {
    let gaps = Gaps.group(GapsTests.works, spec: GapsTests.spec)

    func testTheDraftTakesSystemicDeficitsFirstThenRequirementsAQuarterOfTheClassHasNotMastered() {
        // A: not mastered by w2, w4, w5 (60 %, systemic); B: w3, w4, w5 (60 %, systemic; w2 at the
        // border is not counted); C (level В): w3, w5 (40 %), the class's completion 31.4 % ≥ 30 %.
        let items = GapPlanning.draft(gaps)
        XCTAssertEqual(items.map(\.code), ["A", "B", "C"])
        XCTAssertEqual(items.map(\.systemic), [true, true, false])
        XCTAssertEqual(items.map(\.students), [["w2", "w4", "w5"], ["w3", "w4", "w5"], ["w3", "w5"]])
        XCTAssertEqual(items[2].share, 0.4, accuracy: 1e-9)
        XCTAssertEqual(items.map(\.form), [WorkForm.revisionLesson, WorkForm.revisionLesson, WorkForm.groupSessions])
        XCTAssertEqual(items.map(\.hours), [2, 2, 1])
        XCTAssertEqual(items[1].tasks, ["2К1", "2К2", "3"])
        XCTAssertEqual(items[2].completion!, 11.0 / 35.0, accuracy: 1e-9)
    }

    func testARequirementFewStudentsMissIsLeftToIndividualRoutes() {
        // Only w2 misses A (1 of 4 = 25 % → drafted); with five works and one missing (20 %) it is not.
        let four = Gaps.group([GapsTests.works[0], GapsTests.works[1], GapsTests.works[2], GapsTests.works[0]], spec: GapsTests.spec)
        XCTAssertTrue(GapPlanning.draft(four).contains { $0.code == "A" })
        let five = Gaps.group([GapsTests.works[0], GapsTests.works[1], GapsTests.works[2], GapsTests.works[0], GapsTests.works[0]], spec: GapsTests.spec)
        XCTAssertFalse(GapPlanning.draft(five).contains { $0.code == "A" })
        XCTAssertEqual(GapPlanning.individual(gaps).map(\.code), ["w5"], "w4 misses A and B only (C at the border)")
        XCTAssertTrue(GapPlanning.draft(Gaps.group([GapsTests.works[0]], spec: GapsTests.spec)).isEmpty)
    }

    func testAnItemClosesOnlyWithAReDiagnosisResultAndAnOutcome() {
        XCTAssertNotNil(GapPlanning.problem(status: .closed, outcome: .eliminated, rediagnosed: false))
        XCTAssertNotNil(GapPlanning.problem(status: .closed, outcome: nil, rediagnosed: true))
        XCTAssertNotNil(GapPlanning.problem(status: .inWork, outcome: .partial, rediagnosed: true))
        XCTAssertNil(GapPlanning.problem(status: .closed, outcome: .partial, rediagnosed: true))
        XCTAssertNil(GapPlanning.problem(status: .inWork, outcome: nil, rediagnosed: false))
        XCTAssertNil(GapPlanning.problem(status: .planned, outcome: nil, rediagnosed: false))
    }

    /// Tasks «1» on A (max 2) and «2» on C (max 4); w5 did not take the re-diagnosis.
    var after: GroupGaps {
        let tasks = [Rediagnosis.Task(number: "1", code: "A", max: 2), Rediagnosis.Task(number: "2", code: "C", max: 4)]
        let rows = [Rediagnosis.Row(code: "w1", scores: [2, 4]), Rediagnosis.Row(code: "w2", scores: [2, 1]), Rediagnosis.Row(code: "w3", scores: [2, 1]),
                    Rediagnosis.Row(code: "w4", scores: [1, nil]), Rediagnosis.Row(code: "w5", scores: [nil, nil])]
        return Rediagnosis.gaps(tasks, rows: rows, requirements: Gaps.requirements(of: GapsTests.spec), className: "5А")
    }

    func testTheReDiagnosisIsJudgedAtTheRequirementsOwnLevel() {
        let a = after
        XCTAssertEqual(a.students.map(\.code), ["w1", "w2", "w3", "w4"], "a row without any score is a student who did not take it")
        // C is level В in the procedure: 1 of 4 = 25 % is below 28.5 % → not mastered; A (Б): 1 of 2 = 50 % → not mastered.
        XCTAssertEqual(a.students[1].verdicts, [.mastered, .notMastered])
        XCTAssertEqual(a.students[3].verdicts, [.notMastered, .notMastered], "a task left empty counts 0 points")
    }

    func testBeforeAndAfterCompareTheSameStudentsAndSuggestTheOutcome() {
        let changes = GapPlanning.compare(before: gaps, after: after)
        XCTAssertEqual(changes.map(\.code), ["A", "C"])
        let a = changes[0]
        XCTAssertEqual(a.students.map(\.code), ["w1", "w2", "w3", "w4"])
        XCTAssertEqual(a.notMasteredBefore, 2)   // w2, w4 (w5 is not in the re-diagnosis)
        XCTAssertEqual(a.notMasteredAfter, 1)    // w4: 1 of 2
        let before: Double = (1.0 + 2.0 / 3.0) / 4.0
        let after: Double = 3.5 / 4.0
        XCTAssertEqual(a.completionBefore!, before, accuracy: 1e-9)
        XCTAssertEqual(a.completionAfter!, after, accuracy: 1e-9)
        // The item's own students decide: w2 alone → eliminated; w2 and w4 → partly; w4 alone → not.
        XCTAssertEqual(GapPlanning.outcome(a, students: ["w2"]), .eliminated)
        XCTAssertEqual(GapPlanning.outcome(a, students: ["w2", "w4", "w5"]), .partial)
        XCTAssertEqual(GapPlanning.outcome(a, students: ["w4"]), .notEliminated)
        XCTAssertNil(GapPlanning.outcome(a, students: ["w5"]), "w5 was not re-diagnosed: no result, the item cannot close")
        // C: w3 not mastered before (0) and after (25 %) → not eliminated.
        XCTAssertEqual(GapPlanning.outcome(changes[1], students: ["w3"]), .notEliminated)
    }

    func testTheSheetIsReadWithEveryProblemNamedInOnePass() {
        let tasks = [Rediagnosis.Task(number: "1", code: "A", max: 2), Rediagnosis.Task(number: "2.1", code: "C", max: 4)]
        let good: [[String]] = [["Повторная диагностика"], ["Код участника", "1", "2.1"], ["w1", "2", "4"], ["w2", "X", ""], ["", "", ""]]
        let read = Rediagnosis.read(good, file: "r.xlsx", tasks: tasks, students: ["w1", "w2"])
        XCTAssertEqual(read.problems, [])
        XCTAssertEqual(read.rows, [Rediagnosis.Row(code: "w1", scores: [2, 4]), Rediagnosis.Row(code: "w2", scores: [nil, nil])])

        let bad: [[String]] = [["код", "1"], ["w1", "3"], ["w9", "1"], ["w1", "1"], ["", "2"], ["w2", "1,5"]]
        let problems = Rediagnosis.read(bad, file: "r.csv", tasks: tasks, students: ["w1", "w2"]).problems
        XCTAssertEqual(problems, [
            "Файл «r.csv», строка 1: нет столбца задания «2.1».",
            "Файл «r.csv», строка 3: кода участника «w9» нет среди работ класса.",
            "Файл «r.csv», строка 4: код «w1» повторяется.",
            "Файл «r.csv», строка 5: баллы без кода участника.",
            "Файл «r.csv», строка 2, столбец «1»: «3» — балл за задание 1 должен быть целым числом от 0 до 2 (или пусто, если не выполнялось).",
            "Файл «r.csv», строка 6, столбец «1»: «1,5» — балл за задание 1 должен быть целым числом от 0 до 2 (или пусто, если не выполнялось).",
        ])
        XCTAssertEqual(Rediagnosis.read([["ФИО", "1"]], file: "f.xlsx", tasks: tasks, students: []).problems, ["Файл «f.xlsx»: нет строки заголовка со столбцом «Код участника»."])
    }

    func testATaskListNamesItsProblems() {
        let problems = Rediagnosis.problems(tasks: [Rediagnosis.Task(number: "1", code: "A", max: 2), Rediagnosis.Task(number: "1", code: "Z", max: 0)], codes: ["A", "B"])
        XCTAssertEqual(problems, ["Задание 2: номер «1» повторяется.", "Задание 2: требование «Z» не из спецификации процедуры.", "Задание 2: максимальный балл — целое число от 1 до 20."])
        XCTAssertEqual(Rediagnosis.problems(tasks: [], codes: ["A"]), ["Добавьте хотя бы одно задание."])
    }
}
