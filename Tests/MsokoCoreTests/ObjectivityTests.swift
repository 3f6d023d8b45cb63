import Foundation
import XCTest
@testable import MsokoCore

/// Each indicator on small made cases that must and must not trigger it: an honest background
/// district (the seeded generator, no manipulations) plus one school built for the case.
final class ObjectivityTests: XCTestCase {
    // Three basic one-point tasks, three advanced two-point ones; «3» from 3, «4» from 5, «5» from 7 of 9.
    static let spec = ProcedureSpec(type: "ВПР", year: 2026, subject: "Математика", grade: 5, tasks:
        (1...3).map { TaskSpec(number: "\($0)", max: 1, level: .basic) } + (4...6).map { TaskSpec(number: "\($0)", max: 2, level: .advanced) },
        scale: MarkScale(three: 3, four: 5, five: 7))

    static let background = SyntheticDistrict(spec: spec, schools: 40, manipulatedShare: 0, seed: 11)

    /// Works of the school under test, by ability, before the case changes them.
    func students(_ n: Int, ability: Double, seed: UInt64) -> [[UInt8]] {
        var rng = SplitMix64(seed: seed)
        let difficulty = [-1.2, -1.0, -0.8, 0.2, 0.4, 0.6]
        return (0..<n).map { _ in SyntheticDistrict.scores(theta: ability + rng.normal(), spec: Self.spec, difficulty: difficulty, rng: &rng) }
    }

    func evaluate(_ rows: [[UInt8]], journal: (Int) -> Int? = { _ in nil }, enrolled: Int? = nil, observed: [String: Set<String>] = [:],
                  violations: [String: [String: [String]]] = [:]) -> GroupRisk {
        var works = Self.background.works
        for (i, scores) in rows.enumerated() {
            let primary = scores.reduce(0) { $0 + ($1 == WorkRecord.notDone ? 0 : Int($1)) }
            let mark = Self.spec.scale!.mark(for: primary)
            works.append(WorkRecord(schoolLogin: "edu799999", schoolName: "Проверяемая школа", code: "\(i)", className: "5А", variant: nil, gender: nil,
                                    scores: scores, primaryScore: primary, mark: mark, journalMark: journal(mark), row: 0))
        }
        var enrolment = Self.background.enrolment
        if let enrolled { enrolment["edu799999"] = ["5А": enrolled] }
        let a = ResultsAnalysis.analyze(works, spec: Self.spec)
        let risks = ObjectivityAnalysis.evaluate(works, analysis: a, inputs: .init(enrolment: enrolment, observed: observed, violations: violations))
        return risks.first { $0.school == "edu799999" && $0.className == nil }!
    }

    func fired(_ r: GroupRisk) -> Set<ObjectivitySignal.Indicator> { Set(r.signals.map(\.indicator)) }

    func testAnOrdinaryHonestSchoolIsClear() {
        let r = evaluate(students(25, ability: 0, seed: 1), journal: { $0 })
        XCTAssertEqual(r.signals, [])
        XCTAssertLessThan(r.risk, 0.5)
    }

    func testHighResultsAloneDoNotMakeARisk() {
        let r = evaluate(students(30, ability: 1.6, seed: 2), journal: { $0 })
        let high = r.contributions.first { $0.signal.indicator == .highResults }!
        XCTAssertGreaterThan(high.signal.z, 1, "the results are high: \(r.contributions)")
        XCTAssertLessThan(high.weight, 0.5, "and they weigh little")
        XCTAssertFalse(fired(r).contains(.taskProfileInversion), "uniformly strong is not inverted: \(r.signals)")
        XCTAssertLessThan(r.risk, 0.5, "a strong school is not flagged for being strong")
        let sentence = ObjectivityAnalysis.sentence(high.signal, spec: Self.spec, ObjectivitySettings())
        XCTAssertTrue(sentence.hasPrefix("Доля отметок «4» и «5» — "), sentence)
    }

    func testHelpOnHardTasksInvertsTheProfile() {
        // Weak students who nevertheless get the hard tasks right.
        let rows = students(25, ability: -0.5, seed: 3).map { s in s.enumerated().map { t, v in t >= 3 ? 2 : v } }
        let r = evaluate(rows)
        XCTAssertTrue(fired(r).contains(.taskProfileInversion), "\(r.signals)")
        XCTAssertTrue(fired(r).contains(.personFit), "hard solved while easy failed: \(r.signals)")
        XCTAssertGreaterThanOrEqual(r.risk, 0.5)
    }

    func testScoresPushedOverThresholdsHeapThere() {
        // Every work one or two points under a threshold is lifted onto it.
        let rows = students(60, ability: 0, seed: 4).map { s -> [UInt8] in
            var s = s
            let primary = s.reduce(0) { $0 + ($1 == WorkRecord.notDone ? 0 : Int($1)) }
            guard let target = [3, 5, 7].first(where: { primary < $0 && primary >= $0 - 2 }) else { return s }
            var missing = target - primary
            for t in (0..<6).reversed() where missing > 0 {
                let v = s[t] == WorkRecord.notDone ? 0 : Int(s[t]), room = (t < 3 ? 1 : 2) - v
                if room > 0 { let add = min(room, missing); s[t] = UInt8(v + add); missing -= add }
            }
            return s
        }
        XCTAssertTrue(fired(evaluate(rows)).contains(.thresholdHeaping))
        XCTAssertFalse(fired(evaluate(students(60, ability: 0, seed: 4))).contains(.thresholdHeaping), "the same school unpushed")
    }

    func testMarksAboveTheJournalAreAMismatch() {
        let rows = students(30, ability: 0, seed: 5)
        XCTAssertTrue(fired(evaluate(rows, journal: { max(2, $0 - 1) })).contains(.journalMismatch))
        XCTAssertFalse(fired(evaluate(rows, journal: { $0 })).contains(.journalMismatch))
        XCTAssertFalse(fired(evaluate(rows, journal: { min(5, $0 + 1) })).contains(.journalMismatch), "marks below the journal are not this sign")
    }

    /// Where tasks discriminate, a strong student one point short of the maximum has almost surely
    /// missed the same hardest task, so a strong class's works of that score coincide far more often
    /// than the district's works of that score (an honest gymnasium class of a held-out region had
    /// identical works at z 5.1). A class's expected pairs take the higher of the district's rate and
    /// the rate among classes of its own strength: the honest strong class is clear, copying still shows.
    func testIdenticalWorksOfAStrongClassAreJudgedAgainstEquallyStrongClasses() {
        let spec = Self.spec
        var works = WorkTable(taskCount: spec.tasks.count)
        func add(_ school: String, _ cls: String, _ rows: [[UInt8]]) {
            for (i, scores) in rows.enumerated() {
                let primary = scores.reduce(0) { $0 + Int($1) }
                works.append(WorkRecord(schoolLogin: school, schoolName: school, code: "\(cls)\(i)", className: cls, variant: nil, gender: nil,
                                        scores: scores, primaryScore: primary, mark: spec.scale!.mark(for: primary), journalMark: nil, row: 0))
            }
        }
        let full: [UInt8] = [1, 1, 1, 2, 2, 2], short: [UInt8] = [1, 1, 1, 2, 2, 1]
        let eights: [[UInt8]] = [[1, 1, 1, 2, 1, 2], [1, 1, 1, 1, 2, 2], [1, 1, 0, 2, 2, 2], [1, 0, 1, 2, 2, 2]]
        var rng = SplitMix64(seed: 3)
        let difficulty = [-1.2, -1.0, -0.8, 0.2, 0.4, 0.6]
        for k in 0..<20 { add("edu7100\(String(format: "%02d", k))", "5А", Array(repeating: short, count: 6) + Array(repeating: full, count: 6)) }
        for k in 0..<40 {
            let others = (0..<9).map { _ in SyntheticDistrict.scores(theta: -0.5 + rng.normal(), spec: spec, difficulty: difficulty, rng: &rng) }
            add("edu7200\(String(format: "%02d", k))", "5А", (0..<3).map { eights[($0 + k) % 4] } + others)
        }
        func identical(_ rows: [[UInt8]]) -> Double {
            var all = works
            for (i, scores) in rows.enumerated() {
                let primary = scores.reduce(0) { $0 + Int($1) }
                all.append(WorkRecord(schoolLogin: "edu799999", schoolName: "Проверяемая школа", code: "\(i)", className: "5А", variant: nil, gender: nil,
                                      scores: scores, primaryScore: primary, mark: spec.scale!.mark(for: primary), journalMark: nil, row: 0))
            }
            let risks = ObjectivityAnalysis.evaluate(all, analysis: ResultsAnalysis.analyze(all, spec: spec))
            let school = risks.first { $0.school == "edu799999" && $0.className == nil }!
            return school.contributions.first { $0.signal.indicator == .identicalPatterns }!.signal.z
        }
        // Six works one point short, all missing the hardest task, as in every strong class: against
        // the whole district (where works of 8 points miss various tasks) that is z 2.2.
        XCTAssertLessThan(identical(Array(repeating: short, count: 6) + Array(repeating: full, count: 6)), 1)
        // Half of the class hands in one work of 6 points.
        let copy: [UInt8] = [1, 1, 0, 2, 1, 1]
        XCTAssertGreaterThan(identical(Array(repeating: short, count: 3) + Array(repeating: full, count: 3) + Array(repeating: copy, count: 6)), 4)
    }

    func testCopiedWorksAreIdenticalPatterns() {
        var rows = students(24, ability: 0, seed: 6)
        let leader: [UInt8] = [1, 0, 1, 2, 1, 0]
        for i in stride(from: 0, to: 24, by: 2) { rows[i] = leader }
        XCTAssertTrue(fired(evaluate(rows)).contains(.identicalPatterns))
        // Full scores coincide by ability, not by copying.
        let eights: [[UInt8]] = [[1, 1, 1, 2, 2, 1], [1, 1, 1, 2, 1, 2], [1, 1, 1, 1, 2, 2]]
        let strong = (0..<24).map { i in i % 2 == 0 ? [1, 1, 1, 2, 2, 2] as [UInt8] : eights[(i / 2) % 3] }
        XCTAssertFalse(fired(evaluate(strong)).contains(.identicalPatterns), "\(evaluate(strong).signals)")
    }

    func testWeakStudentsKeptAwayShowInParticipation() {
        let rows = students(20, ability: 0.3, seed: 7)
        XCTAssertTrue(fired(evaluate(rows, enrolled: 30)).contains(.participation))
        XCTAssertFalse(fired(evaluate(rows, enrolled: 21)).contains(.participation))
        XCTAssertFalse(fired(evaluate(rows)).contains(.participation), "no enrolment, no sign")
    }

    func testAnActWithViolationsIsAnObserverSign() {
        let rows = students(20, ability: 0, seed: 8)
        let r = evaluate(rows, violations: ["edu799999": ["5А": ["подсказки организаторов или учителей"]]])
        XCTAssertEqual(r.signals.first { $0.indicator == .observerEffect }?.explanation, "В акте наблюдения отмечены нарушения: подсказки организаторов или учителей.")
        XCTAssertGreaterThanOrEqual(r.risk, 0.5, "an observer's record of violations is strong evidence")
        XCTAssertFalse(fired(evaluate(rows, observed: ["edu799999": ["5А"]])).contains(.observerEffect), "observed, no violations: no sign")
    }

    func testAJumpOverAYearAndACohortThatFallsBack() {
        func group(_ marks: [Int]) -> GroupFigures {
            var g = GroupFigures(level: .school, school: "edu1", schoolName: nil, className: nil, taskCount: 1, maxScore: 1)
            g.marks = marks
            g.participants = marks.reduce(0, +)
            return g
        }
        let now = group([1, 4, 10, 10]), before = group([4, 12, 7, 2])
        let jump = ObjectivityAnalysis.yearJump(now, before, ObjectivitySettings())
        XCTAssertEqual(jump?.indicator, .yearAnomaly)
        XCTAssertEqual(jump?.explanation, "Доля «4» и «5» выросла за год с 36 % до 80 %: резкий скачок требует проверки.")
        XCTAssertNil(ObjectivityAnalysis.yearJump(group([2, 8, 10, 5]), group([3, 9, 9, 4]), ObjectivitySettings()), "ordinary fluctuation")
        XCTAssertEqual(ObjectivityAnalysis.cohortFall(now, before, ObjectivitySettings())?.indicator, .cohortAnomaly)
        XCTAssertNil(ObjectivityAnalysis.cohortFall(before, now, ObjectivitySettings()), "a cohort that improves is no sign")
    }

    func testSmallGroupsAreNotAssessed() {
        let r = evaluate(Array(repeating: [1, 1, 1, 2, 2, 2], count: 8))
        XCTAssertEqual(r.signals, [])
        XCTAssertEqual(r.risk, 0)
        XCTAssertEqual(r.note, "менее 10 работ: признаки не оцениваются")
    }

    /// A small run of the held-out benchmark (one region of each held-out family): the risk ranks,
    /// beats the naive baseline, and keeps honest schools clear. The full table is `msoko bench objectivity`.
    func testOnHeldOutRegionsTheRiskRanksBeatsTheBaselineAndKeepsHonestSchoolsClear() {
        let report = DetectionBenchmark.run(families: Array(DetectionBenchmark.families.dropFirst()), schools: 120, seeds: [17])
        let overall = report.rows.last!
        let table = DetectionBenchmark.markdown(report)
        XCTAssertGreaterThanOrEqual(overall.auc, 0.85, table)
        XCTAssertGreaterThan(overall.auc, overall.baselineAUC + 0.1, table)
        XCTAssertLessThanOrEqual(report.honestFlagged, 0.03, table)
        XCTAssertEqual(report.strongHonestFlagged, 0, table)
        XCTAssertLessThanOrEqual(report.largestTie, 0.10, "a ranking, not a mass of ties: \(table)")
        XCTAssertTrue(table.contains("ROC AUC naive baseline"))
        // Each sign alone: the one made for a kind sees it at ordinary strength, and the table says so.
        let ordinary = { (m: SyntheticDistrict.Manipulation) in report.signRows.first { $0.label == "\(m.title) — обычные" }!.auc }
        XCTAssertGreaterThan(ordinary(.copying)[.identicalPatterns]!, 0.9, table)
        XCTAssertGreaterThan(ordinary(.thresholdPush)[.thresholdHeaping]!, 0.8, table)
        XCTAssertGreaterThan(ordinary(.weakKeptAway)[.participation]!, 0.8, table)
        XCTAssertLessThan(ordinary(.weakKeptAway)[.identicalPatterns]!, 0.7, table)
        XCTAssertTrue(table.contains("Each sign alone"))
    }

    /// The dump for recombining the signs: a line per assessed group, the truth and every indicator's z.
    func testTheDumpHasALinePerAssessedGroupWithEverySign() {
        let lines = LockedLines()
        let report = DetectionBenchmark.run(families: [DetectionBenchmark.families[1]], schools: 40, seeds: [3], dump: { lines.add($0) })
        let rows = lines.text.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        XCTAssertFalse(rows.isEmpty)
        XCTAssertTrue(rows.allSatisfy { $0.count == 10 + ObjectivitySignal.Indicator.allCases.count })
        XCTAssertTrue(rows.allSatisfy { $0[0] == "B" && $0[1] == "3" })
        XCTAssertEqual(rows.filter { $0[3].isEmpty }.count, report.honest + Int(report.rows.last!.schools), "a school line per assessed school")
        XCTAssertTrue(rows.contains { !$0[5].isEmpty }, "the truth is written")
    }

    func testTheTuningFamilyStaysWhereItWasTuned() {
        let report = DetectionBenchmark.run(families: [DetectionBenchmark.families[0]], schools: 120, seeds: [3], tuning: true)
        let table = DetectionBenchmark.markdown(report)
        XCTAssertGreaterThanOrEqual(report.rows.last!.auc, 0.92, table)
        XCTAssertLessThanOrEqual(report.honestFlagged, 0.03, table)
        // The same regions with nobody manipulating: the null is tighter there, and still honest
        // schools, strong ones included, stay clear.
        XCTAssertGreaterThan(report.clean, 50, table)
        XCTAssertLessThanOrEqual(report.cleanFlagged, 0.03, table)
        XCTAssertEqual(report.cleanStrongFlagged, 0, table)
    }

    func testTheOracleLeavesTheManipulatedOutOfTheNullButStillJudgesThem() {
        let c = DetectionBenchmark.families[0].make(120, 5, 0.25)
        let manipulated = Set(c.truth.filter { $0.manipulation != nil }.map(\.login))
        XCTAssertFalse(manipulated.isEmpty)
        let usual = DetectionBenchmark.assess(c, ObjectivitySettings()).schools
        let oracle = DetectionBenchmark.assess(c, ObjectivitySettings(), outOfNull: manipulated).schools
        XCTAssertEqual(Set(usual.keys), Set(oracle.keys), "every school is still judged")
        // The honest schools' signs are judged against a different (honest-only) spread.
        let honest = usual.keys.filter { !manipulated.contains($0) }
        let moved = honest.filter { key in
            zip(usual[key]!.contributions, oracle[key]!.contributions).contains { abs($0.signal.z - $1.signal.z) > 1e-9 }
        }
        XCTAssertGreaterThan(moved.count, honest.count / 2)
        // The manipulated quarter widens the fitted spread: without it, the same manipulated schools look worse.
        let sum = { (r: [String: GroupRisk]) in manipulated.compactMap { r[$0]?.risk }.reduce(0, +) }
        XCTAssertGreaterThan(sum(oracle), sum(usual))
        let report = DetectionBenchmark.run(families: [DetectionBenchmark.families[0]], schools: 60, seeds: [5], tuning: true, oracle: true)
        XCTAssertTrue(DetectionBenchmark.markdown(report).hasPrefix("Oracle:"))
    }

    func testEveryEditableThresholdReadsAndWritesItsField() throws {
        var s = ObjectivitySettings()
        for (i, f) in ObjectivitySettings.editable.enumerated() {
            XCTAssertFalse(s.value(f.name).isNaN, f.name)
            XCTAssertTrue(f.range.contains(s.value(f.name)), "the default of \(f.name) is in its range")
            s.set(f.name, f.range.lowerBound + Double(i) * 0.001)
        }
        let back = try JSONDecoder().decode(ObjectivitySettings.self, from: JSONEncoder().encode(s))
        for (i, f) in ObjectivitySettings.editable.enumerated() { XCTAssertEqual(back.value(f.name), f.range.lowerBound + Double(i) * 0.001, accuracy: 1e-12, f.name) }
        XCTAssertEqual(try JSONDecoder().decode(ObjectivitySettings.self, from: Data("{}".utf8)), ObjectivitySettings(), "missing keys keep the defaults")
    }

    func testAUCCountsTiesAsHalf() {
        XCTAssertEqual(DetectionBenchmark.auc([0.3, 0.3, 0.9], [0.3, 0.1]), (1.5 + 1.5 + 2) / 6, accuracy: 1e-12)
    }

    func testAUC() {
        XCTAssertEqual(DetectionBenchmark.auc([0.9, 0.8], [0.1, 0.2]), 1)
        XCTAssertEqual(DetectionBenchmark.auc([0.5], [0.5]), 0.5)
        XCTAssertEqual(DetectionBenchmark.auc([0.1, 0.9], [0.5]), 0.5)
    }
}

/// The graded risk: contributions on every assessed group, weak signs, a class that raises its
/// school, lenient scoring as its own sign, determinism.
final class GradedRiskTests: XCTestCase {
    static let spec = ObjectivityTests.spec

    func testEveryAssessedGroupHasEveryComputableSignAndTheRiskRanks() {
        let d = SyntheticDistrict(spec: DetectionBenchmark.mathematics, schools: 80, seed: 21)
        let a = ResultsAnalysis.analyze(d.works, spec: d.spec, enrolment: d.enrolment)
        let risks = ObjectivityAnalysis.evaluate(d.works, analysis: a, inputs: .init(enrolment: d.enrolment))
        let assessed = risks.filter { $0.note == nil }
        XCTAssertFalse(assessed.isEmpty)
        for r in assessed {
            let kinds = Set(r.contributions.map(\.signal.indicator))
            XCTAssertTrue(kinds.isSuperset(of: [.highResults, .taskProfileInversion, .lenientScoring, .thresholdHeaping, .personFit, .identicalPatterns, .participation]), "\(r.school) \(kinds)")
            XCTAssertTrue(r.contributions.allSatisfy { $0.signal.z.isFinite && $0.weight > 0 })
        }
        let schools = assessed.filter { $0.className == nil }.map(\.risk)
        let largest = Dictionary(grouping: schools, by: { $0 }).values.map(\.count).max() ?? 0
        XCTAssertLessThanOrEqual(Double(largest), 0.1 * Double(schools.count), "a ranking, not a mass of ties")
        // Determinism: the same input, the same output to the last digit.
        let again = ObjectivityAnalysis.evaluate(d.works, analysis: a, inputs: .init(enrolment: d.enrolment))
        XCTAssertEqual(again, risks)
        XCTAssertEqual(AnalysisJSON.data(a, objectivity: again, details: false), AnalysisJSON.data(a, objectivity: risks, details: false))
    }

    func testAFlaggedGroupWithNoPassingSignListsItsTwoLargestContributionsAsWeak() {
        func c(_ i: ObjectivitySignal.Indicator, _ z: Double, _ w: Double) -> Contribution {
            Contribution(signal: ObjectivitySignal(indicator: i, value: 0, threshold: 0, reference: 0, z: z, explanation: i.rawValue), weight: w, passes: false)
        }
        var r = GroupRisk(school: "edu1", schoolName: nil, className: nil, participants: 40, risk: 0.6, note: nil,
                          contributions: [c(.highResults, 2.5, 0.2), c(.journalMismatch, 2.2, 0.8), c(.thresholdHeaping, 2.4, 1), c(.personFit, -1, 0.7)])
        XCTAssertEqual(r.weakSignals(ObjectivitySettings()).map(\.indicator), [.thresholdHeaping, .journalMismatch])
        r.risk = 0.3
        XCTAssertEqual(r.weakSignals(ObjectivitySettings()), [], "below the flag: nothing to explain")
        r.risk = 0.6
        r.riskFromClass = "5Б"
        XCTAssertEqual(r.weakSignals(ObjectivitySettings()), [], "the class explains itself")
    }

    /// A gymnasium (strong, three classes) whose one class copies: the class surfaces and raises the
    /// school; the same gymnasium honest stays clear.
    func testAStrongSchoolsManipulatedClassSurfacesAndRaisesTheSchool() {
        let spec = DetectionBenchmark.mathematics
        let background = SyntheticDistrict(spec: spec, schools: 60, manipulatedShare: 0, seed: 5)
        var rng = SplitMix64(seed: 8)
        let difficulty = spec.tasks.map { $0.level == .basic ? -1.2 : $0.level == .advanced ? 0.2 : 1.0 }
        func gymnasium(copying: Bool) -> GroupRisk {
            var works = background.works
            for cls in ["6А", "6Б", "6В"] {
                var rows = (0..<25).map { _ in SyntheticDistrict.scores(theta: 1.1 + rng.normal(), spec: spec, difficulty: difficulty, rng: &rng) }
                if copying && cls == "6Б" { for i in stride(from: 0, to: 12, by: 2) { rows[i] = rows[1] } }
                for (i, s) in rows.enumerated() {
                    let p = s.reduce(0) { $0 + ($1 == WorkRecord.notDone ? 0 : Int($1)) }
                    works.append(WorkRecord(schoolLogin: "edu799998", schoolName: "Гимназия", code: "\(cls)\(i)", className: cls, variant: nil, gender: nil,
                                            scores: s, primaryScore: p, mark: spec.scale!.mark(for: p), journalMark: nil, row: 0))
                }
            }
            let a = ResultsAnalysis.analyze(works, spec: spec)
            return ObjectivityAnalysis.evaluate(works, analysis: a).first { $0.school == "edu799998" && $0.className == nil }!
        }
        let honest = gymnasium(copying: false)
        XCTAssertLessThan(honest.risk, 0.5, "\(honest.contributions)")
        let copied = gymnasium(copying: true)
        XCTAssertGreaterThanOrEqual(copied.risk, 0.5)
        XCTAssertEqual(copied.riskFromClass, "6Б")
    }

    func testLenientScoringOfMultiPointTasksIsItsOwnSign() {
        let background = ObjectivityTests.background
        var rng = SplitMix64(seed: 12)
        let difficulty = [-1.2, -1.0, -0.8, 0.2, 0.4, 0.6]
        var works = background.works
        for i in 0..<40 {
            var s = SyntheticDistrict.scores(theta: rng.normal(), spec: Self.spec, difficulty: difficulty, rng: &rng)
            // Every two-point task one point higher where there is room.
            for t in 3..<6 { let v = s[t] == WorkRecord.notDone ? 0 : Int(s[t]); if v < 2 { s[t] = UInt8(v + 1) } }
            let p = s.reduce(0) { $0 + ($1 == WorkRecord.notDone ? 0 : Int($1)) }
            works.append(WorkRecord(schoolLogin: "edu799997", schoolName: "Проверяемая", code: "\(i)", className: "5А", variant: nil, gender: nil,
                                    scores: s, primaryScore: p, mark: Self.spec.scale!.mark(for: p), journalMark: nil, row: 0))
        }
        let a = ResultsAnalysis.analyze(works, spec: Self.spec)
        let r = ObjectivityAnalysis.evaluate(works, analysis: a).first { $0.school == "edu799997" && $0.className == nil }!
        let lenient = r.signals.first { $0.indicator == .lenientScoring }
        XCTAssertNotNil(lenient, "\(r.contributions)")
        XCTAssertTrue(lenient?.explanation.hasPrefix("За задания с развёрнутым ответом (от 2 баллов) получено ") ?? false, lenient?.explanation ?? "")
        XCTAssertGreaterThanOrEqual(r.risk, 0.5)
    }
}

/// The expected outcome of a conditional sign moves with the strength of the work's class: few
/// condition tasks measure a student with much noise, so at the same condition points a strong
/// class's students are stronger than the district's average, and an honest gymnasium must not look
/// helped or leniently scored for it.
final class ConditionalTableTests: XCTestCase {
    func testHonestStrongSchoolsAreComparedWithEquallyStrongWorks() {
        let spec = DetectionBenchmark.mathematics
        let d = SyntheticDistrict(spec: spec, schools: 200, manipulatedShare: 0, seed: 5)
        let works = d.works
        var classOf: [String: Int32] = [:]
        let workClass: [Int32] = works.map { w in
            let key = "\(w.schoolLogin ?? "")|\(w.className ?? "")"
            if let c = classOf[key] { return c }
            classOf[key] = Int32(classOf.count)
            return classOf[key]!
        }
        let maxes = spec.tasks.map(\.max)
        let table = ConditionalTable(condition: spec.tasks.indices.filter { spec.tasks[$0].level == .basic },
                                     outcome: spec.tasks.indices.filter { spec.tasks[$0].level != .basic },
                                     works: works, maxes: maxes, classOf: workClass, classes: classOf.count)
        var bySchool: [String: [Int]] = [:]
        for (i, w) in works.enumerated() { bySchool[w.schoolLogin ?? "", default: []].append(i) }
        var corrected: [Double] = [], plain: [Double] = []
        for school in d.schools where school.kind == .strong {
            let own = bySchool[school.login]!
            var r = table.reference(without: own)
            let raw = table.excess(own, r, indicator: .taskProfileInversion)!
            corrected.append(raw.e / raw.se)
            // The same without the class's strength: the district's mean at each condition score.
            r.slope = r.slope.map { _ in 0 }
            let flat = table.excess(own, r, indicator: .taskProfileInversion)!
            plain.append(flat.e / flat.se)
        }
        let mean = { (xs: [Double]) in xs.reduce(0, +) / Double(xs.count) }
        XCTAssertGreaterThan(corrected.count, 10)
        // Before the empirical null (whose line in the level takes the rest): the class's strength
        // takes away most of what strength alone shows.
        XCTAssertGreaterThan(mean(plain), 1.5, "without the class's strength honest strong schools look helped: \(plain)")
        XCTAssertLessThan(mean(corrected), mean(plain) / 2.5, "with it much less: \(mean(corrected)) against \(mean(plain))")
    }

    /// The per-work pass adds up each work's points on the basic and the other tasks, the one-point
    /// and the multi-point ones, in 16-bit fields of one word; tables made from those sums are the
    /// tables that add the points themselves (with «X», on the tuning family's specification, for
    /// both splits and for schools taken out or not).
    func testTablesFromThePerWorkSumsAreTheTablesFromTheScores() {
        let spec = DetectionBenchmark.mathematics
        var works = SyntheticDistrict(spec: spec, schools: 60, manipulatedShare: 0.25, seed: 8).works
        works.append(WorkRecord(schoolLogin: "edu709999", schoolName: nil, code: "1", className: "6А", variant: nil, gender: nil,
                                scores: spec.tasks.map { _ in WorkRecord.notDone }, primaryScore: 0, mark: 2, journalMark: nil, row: 0))
        let made = ObjectivityAnalysis.perWork(works, spec: spec, threads: 2)
        XCTAssertEqual(made.splitPoints.count, works.count)
        XCTAssertTrue(works.indices.contains { works.scores[$0 * spec.tasks.count ..< ($0 + 1) * spec.tasks.count].contains(WorkRecord.notDone) }, "works with «X»")
        let maxes = spec.tasks.map(\.max)
        let classes = Int(made.workClass.max()!) + 1
        for (condition, outcome) in [(ObjectivityAnalysis.PerWork.Split.basic, ObjectivityAnalysis.PerWork.Split.other), (.onePoint, .multiPoint)] {
            let (c, o) = (ObjectivityAnalysis.PerWork.tasks(condition, spec), ObjectivityAnalysis.PerWork.tasks(outcome, spec))
            XCTAssertFalse(c.isEmpty || o.isEmpty)
            let direct = ConditionalTable(condition: c, outcome: o, works: works, maxes: maxes, classOf: made.workClass, classes: classes)
            let summed = ConditionalTable(condition: c, outcome: o, sums: made.splitPoints, fields: (condition.rawValue, outcome.rawValue),
                                          maxes: maxes, classOf: made.workClass, classes: classes)
            XCTAssertEqual(summed.xMax, direct.xMax)
            XCTAssertEqual(summed.yMax, direct.yMax)
            for own in [[], Array(0..<40), Array(stride(from: 3, to: works.count, by: 17))] {
                let (a, b) = (summed.reference(without: own), direct.reference(without: own))
                XCTAssertEqual(a.mean, b.mean, "\(condition), \(own.count) taken out")
                XCTAssertEqual(a.slope, b.slope)
                XCTAssertEqual(a.classMean, b.classMean)
                XCTAssertEqual(a.variance, b.variance)
                if !own.isEmpty { XCTAssertEqual(summed.excess(own, a, indicator: .lenientScoring)?.e, direct.excess(own, b, indicator: .lenientScoring)?.e) }
            }
        }
    }
}

/// Lines handed over by the benchmark (it may run cases on any thread).
final class LockedLines: @unchecked Sendable {
    private let lock = NSLock()
    private var lines = ""
    func add(_ s: String) { lock.lock(); lines += s; lock.unlock() }
    var text: String { lock.lock(); defer { lock.unlock() }; return lines }
}

/// The identical-works step sorts a score's works by their vector's hash with a radix sort: the
/// same order of keys as a comparison sort, every record kept (small, large, keys sharing digits).
final class RadixSortTests: XCTestCase {
    func testTheRadixSortOrdersByKeyAndKeepsEveryRecord() {
        var rng = SplitMix64(seed: 5)
        for n in [0, 1, 2, 64, 65, 1000, 70_000] {
            for spread in [UInt64.max, 0xFFFF, 7, 0] {
                // Keys drawn from a range (repeated ones, digits all keys share) or from all 64 bits.
                let records = (0..<n).map { k in (key: rng.next() & spread | (spread == 0 ? 0xABCD_0000_0000_0000 : 0), band: UInt8(k % 3), school: Int32(k)) }
                var sorted = records
                sorted.withUnsafeMutableBufferPointer { ObjectivityAnalysis.radixSortByKey($0) }
                XCTAssertEqual(sorted.map(\.key), records.map(\.key).sorted(), "n \(n), spread \(spread)")
                XCTAssertEqual(sorted.map(\.school).sorted(), records.map(\.school), "n \(n), spread \(spread)")
                for k in sorted.indices { XCTAssertEqual(records[Int(sorted[k].school)].key, sorted[k].key) }
            }
        }
    }
}

/// The per-work pass takes each work's Guttman errors from a table of step places (the sum of its
/// passed steps' places less P(P − 1)/2) instead of walking the steps: the result must be the
/// definition's — pairs of steps where the easier (more often passed) is failed and the harder
/// passed, over passed × failed — for every work, with «X», tasks of one to four points, on one
/// thread and on three.
final class GuttmanErrorsTests: XCTestCase {
    func testGuttmanErrorsAreTheStepPairsOutOfOrder() {
        let spec = ProcedureSpec(type: "ВПР", year: 2026, subject: "Математика", grade: 6, tasks:
            [1, 2, 1, 3, 4, 2, 1].enumerated().map { TaskSpec(number: "\($0.offset + 1)", max: $0.element, level: $0.offset < 4 ? .basic : .advanced) },
            scale: MarkScale(three: 4, four: 8, five: 11))
        var rng = SplitMix64(seed: 21)
        var works = WorkTable(taskCount: spec.tasks.count)
        for i in 0..<3_000 {
            let theta = rng.normal()
            // Tasks of different difficulty (so that no two steps are passed equally often) and some «X».
            let scores: [UInt8] = spec.tasks.enumerated().map { t, task in
                if rng.uniform() < 0.04 { return WorkRecord.notDone }
                var s = 0
                for k in 1...task.max where rng.uniform() < 1 / (1 + exp(-(theta - Double(t) * 0.23 - Double(k) * 0.61 + 1.1))) { s = k }
                return UInt8(s)
            }
            works.append(WorkRecord(schoolLogin: "edu70\(1000 + i % 40)", schoolName: nil, code: "\(i)", className: "6А", variant: nil, gender: nil,
                                    scores: scores, primaryScore: scores.reduce(0) { $0 + WorkRecord.points($1) }, mark: nil, journalMark: nil, row: i + 1))
        }
        // The steps, easiest first, by the works that pass them.
        var steps: [(t: Int, k: Int, n: Int)] = []
        for (t, task) in spec.tasks.enumerated() {
            for k in 1...task.max { steps.append((t, k, works.indices.filter { works.scores[$0 * spec.tasks.count + t] != WorkRecord.notDone && works.scores[$0 * spec.tasks.count + t] >= k }.count)) }
        }
        steps.sort { $0.n > $1.n }
        XCTAssertEqual(Set(steps.map(\.n)).count, steps.count, "no two steps passed equally often: the order is the data's")
        let expected: [Float] = works.indices.map { i in
            let passed = steps.map { works.scores[i * spec.tasks.count + $0.t] != WorkRecord.notDone && Int(works.scores[i * spec.tasks.count + $0.t]) >= $0.k }
            var errors = 0
            for a in passed.indices { for b in (a + 1)..<passed.count where !passed[a] && passed[b] { errors += 1 } }
            let p = passed.filter { $0 }.count
            return p > 0 && p < steps.count ? Float(errors) / Float(p * (steps.count - p)) : 0
        }
        XCTAssertTrue(expected.contains { $0 > 0.2 } && expected.contains(0), "works that misfit and works that do not")
        for threads in [1, 3] {
            let made = ObjectivityAnalysis.perWork(works, spec: spec, threads: threads)
            let wrong = expected.indices.filter { made.guttman[$0] != expected[$0] }
            XCTAssertEqual(made.guttman.count, expected.count)
            XCTAssertTrue(wrong.isEmpty, "threads \(threads): \(wrong.count) works differ, the first \(wrong.first.map { "\($0): \(made.guttman[$0]) against \(expected[$0])" } ?? "")")
            XCTAssertEqual(made.primaryOf.map(Int.init), works.indices.map { works[$0].primaryScore }, "threads \(threads)")
        }
    }
}
