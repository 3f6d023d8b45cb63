import XCTest
@testable import MsokoCore

/// Individual result sheets and parents' access codes (issue 14 §1, §3) on the hand-made works of `GapsTests`.
final class ResultSheetTests: XCTestCase {
    func testASheetGivesEachTasksRequirementScoreAndVerdictWithoutTaskTexts() {
        let works = GapsTests.works
        let s = ResultSheets.sheet(works[1], spec: GapsTests.spec, classWorks: works, schoolWorks: works + [GapsTests.work("w6", [1, 3, 2, 2, 2, 3, 4, 1], className: "5Б")])
        XCTAssertEqual(s.code, "w2")
        XCTAssertEqual(s.tasks.map(\.number), ["1", "2К1", "2К2", "3", "4", "5.1", "5.2", "6"])
        XCTAssertEqual(s.tasks.map(\.score), [0, 2, 1, 1, nil, 2, nil, 0], "«X» is no score")
        XCTAssertEqual(s.tasks[1].requirement, "Требование Б")
        XCTAssertEqual(s.tasks[7].requirement, "", "a task that checks no requirement")
        // 2К1: 2 of 3 = 66.7 % ≥ 60 % (Б); 5.1: 2 of 3 = 66.7 % ≥ 30 % (В); 2К2: 1 of 2 = 50 % < 57 %.
        XCTAssertEqual(s.tasks.map(\.verdict), [.notMastered, .mastered, .notMastered, .notMastered, .notMastered, .mastered, .notMastered, .notMastered])
        XCTAssertEqual(s.primaryScore, 6)
        XCTAssertEqual(s.maxScore, 18)
        XCTAssertEqual(s.mark, 3, "no mark in the file: from the scale (5 → 3)")
        XCTAssertEqual(s.classFigures.works, 5)
        XCTAssertEqual(s.schoolFigures.works, 6)
        XCTAssertEqual(s.classFigures.meanScore!, Double(18 + 6 + 5 + 2 + 0) / 5, accuracy: 1e-9)
        XCTAssertEqual(s.classFigures.marks[5]!, 0.2, accuracy: 1e-9)
        XCTAssertEqual(s.classFigures.marks[3]!, 0.4, accuracy: 1e-9)   // w2 (6), w3 (5)
        XCTAssertEqual(s.classFigures.marks[2]!, 0.4, accuracy: 1e-9)   // w4 (2), w5 (0)
    }

    func testRecommendationsTakeTheWeakestRequirementsFirstAndAtMostThree() {
        // w2: A 0 % (not mastered), B 57.1 % (border), C 28.6 % (border).
        let w2 = Gaps.group([GapsTests.works[1]], spec: GapsTests.spec)
        XCTAssertEqual(ResultSheets.recommendations(w2), ["Повторить: Требование А (задания 1, 4).", "Повторить: Требование В (задания 5.1, 5.2).", "Повторить: Требование Б (задания 2К1, 2К2, 3)."])
        XCTAssertEqual(ResultSheets.recommendations(Gaps.group([GapsTests.works[0]], spec: GapsTests.spec)), [], "all mastered")
    }

    func testAccessCodesHaveNoLookAlikesAndAreReadAsTyped() {
        var rng = SplitMix64(seed: 7)
        let codes = (0..<2000).map { _ in AccessCode.make(using: &rng) }
        XCTAssertEqual(Set(codes).count, codes.count)
        for c in codes { XCTAssertEqual(c.count, 12); XCTAssertNil(c.first { "0O1IL5S2Z8BUV".contains($0) }) }
        let c = codes[0]
        let typed = c.lowercased().prefix(4) + "-" + c.dropFirst(4).prefix(4) + " " + c.dropFirst(8)
        XCTAssertEqual(AccessCode.normalize(String(typed)), c)
        XCTAssertNil(AccessCode.normalize(String(c.dropLast())))
        XCTAssertNil(AccessCode.normalize(String(c.dropLast()) + "O"))
    }
}
