import Foundation
import XCTest
@testable import MsokoCore

/// The statistics under the graded risk: tails, the weighted Fisher combination, the robust funnel.
final class EvidenceTests: XCTestCase {
    func testSelectionFindsWhatTheSortPutsThere() {
        // Random values with many repeats, already sorted, reversed, all equal, a sawtooth (a
        // median-of-three killer's shape), and lengths on both sides of the sort cut-off (16).
        var rng = SplitMix64(seed: 7)
        var inputs: [[Double]] = [[], [1], Array(repeating: 2.5, count: 300)]
        for n in [2, 5, 17, 18, 33, 100, 1_000, 20_001] {
            inputs.append((0..<n).map { _ in Double(rng.next() % 50) / 7 - 3 })
            inputs.append((0..<n).map { _ in Double(bitPattern: rng.next() >> 2) * (rng.next() % 2 == 0 ? 1 : -1) })
            inputs.append((0..<n).map(Double.init))
            inputs.append((0..<n).reversed().map(Double.init))
            inputs.append((0..<n).map { Double($0 % 2 == 0 ? $0 : n - $0) })
        }
        for values in inputs where !values.isEmpty {
            let sorted = values.sorted()
            for k in Set([0, values.count / 10, values.count / 2, (values.count * 9) / 10, values.count - 1]) {
                var work = values
                XCTAssertEqual(work.select(k, in: 0..<values.count), sorted[k], "n \(values.count), k \(k)")
                XCTAssertTrue(work[..<k].allSatisfy { $0 <= sorted[k] } && work[k...].allSatisfy { $0 >= sorted[k] })
                // A second order statistic above the first, as the funnel takes the 90th after the 10th.
                let k2 = (values.count * 9) / 10
                if k2 >= k { XCTAssertEqual(work.select(k2, in: k..<values.count), sorted[k2]) }
                XCTAssertEqual(work.sorted(), sorted, "nothing lost or duplicated")
            }
        }
    }

    /// The honest spread's solve replays the plain bisection with Newton's bracket: the same τ² to
    /// the last bit, on spreads from none to far more than the sampling noise, small and large
    /// samples, standard errors from tiny to large, roots past the bisection's upper end (4¹⁰).
    func testTheSpreadSolveIsTheBisectionBitForBit() {
        var rng = SplitMix64(seed: 11)
        func uniform() -> Double { Double(rng.next() >> 11) / Double(1 << 53) }
        var solved = 0
        for trial in 0..<400 {
            let n = [3, 4, 7, 20, 150, 2_000, 40_000][trial % 7]
            let tau2 = [0, 1e-6, 0.003, 0.05, 1, 30, 2e6][(trial / 7) % 7]
            let seScale = [1e-4, 0.02, 0.3, 5][(trial / 49) % 4]
            var r2: [Double] = [], se2: [Double] = []
            for _ in 0..<n {
                let se = seScale * (0.2 + 2 * uniform())
                // |r| of a normal with variance se² + τ² (Box–Muller), as the groups below the line give.
                let z = (-2 * log(max(uniform(), 1e-300))).squareRoot() * cos(2 * .pi * uniform())
                let r = z * (se * se + tau2).squareRoot()
                r2.append(r * r)
                se2.append(se * se)
            }
            let fast = Evidence.Null.halfNormalSpread(r2: r2, se2: se2)
            let plain = plainBisection(r2: r2, se2: se2)
            XCTAssertEqual(fast.bitPattern, plain.bitPattern, "n \(n), τ² \(tau2), se \(seScale): \(fast) against \(plain)")
            if plain > 0 { solved += 1 }
        }
        XCTAssertGreaterThan(solved, 250, "most samples have a spread to solve for")
        // Nothing over n at 0: no spread.
        XCTAssertEqual(Evidence.Null.halfNormalSpread(r2: [0, 0, 0], se2: [1, 1, 1]), 0)
        XCTAssertEqual(Evidence.Null.halfNormalSpread(r2: [0.5, 0.1, 0.2], se2: [1, 1, 1]), 0)
    }

    /// The plain bisection `halfNormalSpread` replays (its code before 2026-12-04).
    private func plainBisection(r2: [Double], se2: [Double]) -> Double {
        func excess(_ t2: Double) -> Double {
            var acc = 0.0
            for k in r2.indices { acc = acc + r2[k] / (se2[k] + t2) }
            return acc - Double(r2.count)
        }
        guard excess(0) > 0 else { return 0 }
        var lo = 0.0, hi = 1.0
        while excess(hi) > 0 && hi < 1e6 { hi *= 4 }
        for _ in 0..<60 { let m = (lo + hi) / 2; if excess(m) > 0 { lo = m } else { hi = m } }
        return (lo + hi) / 2
    }

    func testGammaTailsAgainstClosedForms() {
        // Q(1, x) = e^−x; Q(1/2, x) = erfc(√x).
        for x in [0.01, 0.5, 1, 3, 10, 40] {
            XCTAssertEqual(Evidence.gammaQ(1, x), exp(-x), accuracy: 1e-12 * max(1, exp(-x)) + 1e-15, "\(x)")
            XCTAssertEqual(Evidence.gammaQ(0.5, x) / erfc(x.squareRoot()), 1, accuracy: 1e-9, "\(x)")
        }
        XCTAssertEqual(Evidence.gammaQ(3, 0), 1)
    }

    func testFisherOfOneSignIsThatSign() {
        // One p-value: −2 ln p is exactly χ²(2), and the combination gives p back.
        for z in [-1.0, 0, 1.5, 3, 6] {
            let combined = Evidence.weightedFisherZ([(z, 0.8)])
            XCTAssertEqual(combined.p, Evidence.upperTail(z), accuracy: 1e-9 * max(1e-12, Evidence.upperTail(z)) + 1e-14)
            XCTAssertEqual(combined.z, z, accuracy: 1e-6)
        }
    }

    func testFisherAddsEvidenceAndOneStrongSignCarries() {
        let moderate = Evidence.weightedFisherZ([(2, 1), (2, 1), (2, 1)]).z
        XCTAssertGreaterThan(moderate, 2.5, "three moderate signs add up")
        let single = Evidence.weightedFisherZ([(5, 1), (0, 1), (0, 1), (0, 1)]).z
        XCTAssertGreaterThan(single, 3.5, "one strong sign among four is not diluted away")
        XCTAssertLessThan(Evidence.weightedFisherZ([(5, 0.2), (0, 1), (0, 1)]).z, single, "a light weight counts less")
        // No evidence at all still ranks: lower z for more negative signs, never a tie at p = 1.
        XCTAssertLessThan(Evidence.weightedFisherZ([(-3, 1), (-3, 1)]).z, Evidence.weightedFisherZ([(-2, 1), (-2, 1)]).z)
    }

    /// Tails against scipy.stats (binom, betabinom: sf(k) + pmf(k)/2).
    func testBetaBinomialMidPAgainstScipy() {
        XCTAssertEqual(Evidence.betaBinomialMidP(atLeast: 3, of: 10, mean: 0.05, rho: 0), 0.006266027658593743, accuracy: 1e-12)
        XCTAssertEqual(Evidence.betaBinomialMidP(atLeast: 8, of: 25, mean: 0.1, rho: 0), 0.0013594304329389727, accuracy: 1e-12)
        XCTAssertEqual(Evidence.betaBinomialMidP(atLeast: 8, of: 25, mean: 0.1, rho: 0.05), 0.025848615850443825, accuracy: 1e-12)
        XCTAssertEqual(Evidence.betaBinomialMidP(atLeast: 0, of: 10, mean: 0.05, rho: 0), 0.7006315303808106, accuracy: 1e-12)
        XCTAssertEqual(Evidence.betaBinomialMidP(atLeast: 10, of: 10, mean: 0.05, rho: 0), 0.5 * pow(0.05, 10), accuracy: 1e-25)
        // Overdispersion widens the tail: the same count is less surprising.
        XCTAssertGreaterThan(Evidence.betaBinomialMidP(atLeast: 5, of: 20, mean: 0.05, rho: 0.1), Evidence.betaBinomialMidP(atLeast: 5, of: 20, mean: 0.05, rho: 0))
    }

    /// Three of ten absent against 5 % is z 2.5 as a binomial count (the normal approximation said
    /// 3.6 and flagged honest small classes); eight of 25 against 10 % is z 3.0.
    func testParticipationIsACountNotANormalDeviation() {
        let small = ObjectivityAnalysis.participation(written: 7, enrolled: 10, referenceAbsent: 0.05)
        XCTAssertEqual(ObjectivityAnalysis.participationZ(small, null: Evidence.Null()), 2.4968, accuracy: 1e-3)
        XCTAssertGreaterThan((small.e) / small.se, 3.5, "the normal approximation it replaces")
        let larger = ObjectivityAnalysis.participation(written: 17, enrolled: 25, referenceAbsent: 0.1)
        XCTAssertEqual(ObjectivityAnalysis.participationZ(larger, null: Evidence.Null()), 2.9979, accuracy: 1e-3)
        // The fitted honest spread between groups lowers it; a centre above the reference too.
        XCTAssertLessThan(ObjectivityAnalysis.participationZ(larger, null: Evidence.Null(a: 0, b: 0, tau2: 0.002)), 2.9)
        XCTAssertLessThan(ObjectivityAnalysis.participationZ(larger, null: Evidence.Null(a: 0.03, b: 0, tau2: 0)), 2.9)
        // Nobody absent still ranks: fewer enrolled, less evidence of full attendance.
        let all10 = ObjectivityAnalysis.participation(written: 10, enrolled: 10, referenceAbsent: 0.05)
        let all30 = ObjectivityAnalysis.participation(written: 30, enrolled: 30, referenceAbsent: 0.05)
        XCTAssertLessThan(ObjectivityAnalysis.participationZ(all30, null: Evidence.Null()), ObjectivityAnalysis.participationZ(all10, null: Evidence.Null()))
    }

    /// Misfitting works are counted, and their count judged by its binomial tail (scipy:
    /// binom.sf(5, 15, 0.1) + binom.pmf(5, 15, 0.1) / 2 → z 2.4331), not as a normal deviation (3.01);
    /// the fitted line moves the expected share with the group's level.
    func testPersonFitIsACountToo() {
        let r = ObjectivityAnalysis.personFit(misfit: 5, n: 15, reference: 0.1)
        XCTAssertEqual(ObjectivityAnalysis.personFitZ(r, null: Evidence.Null(), level: 0), 2.4331, accuracy: 1e-3)
        XCTAssertGreaterThan(r.e / r.se, 3.0, "the normal approximation it replaces")
        // A line a + b·level: at level 2 with b = −0.02 the expected share is 6 % (scipy: z 3.1654).
        XCTAssertEqual(ObjectivityAnalysis.personFitZ(r, null: Evidence.Null(a: 0, b: -0.02, tau2: 0), level: 2), 3.1654, accuracy: 1e-3)
        XCTAssertLessThan(ObjectivityAnalysis.personFitZ(r, null: Evidence.Null(a: 0, b: 0, tau2: 0.005), level: 0), 2.4)
        // The threshold shown is the count's own: the fewest misfits whose tail reaches the level.
        let settings = ObjectivitySettings()
        let judged = ObjectivityAnalysis.contribution(r, null: Evidence.Null(), level: 0, spec: DetectionBenchmark.mathematics, settings)
        let atThreshold = ObjectivityAnalysis.personFit(misfit: Int((judged.signal.threshold * 15).rounded()), n: 15, reference: 0.1)
        let below = ObjectivityAnalysis.personFit(misfit: Int((judged.signal.threshold * 15).rounded()) - 1, n: 15, reference: 0.1)
        XCTAssertGreaterThanOrEqual(ObjectivityAnalysis.personFitZ(atThreshold, null: Evidence.Null(), level: 0), settings.signalZ)
        XCTAssertLessThan(ObjectivityAnalysis.personFitZ(below, null: Evidence.Null(), level: 0), settings.signalZ)
    }

    /// The count's threshold is searched from the normal approximation's estimate outward; whether
    /// that estimate is right, too low or too high (a wide honest spread, a line in the level, tiny
    /// and large groups), the count found is the first one whose tail reaches the level — as a
    /// search over every count finds it — and n + 1 where none does.
    func testPersonFitThresholdIsTheFirstCountThatReachesTheLevel() {
        var settings = ObjectivitySettings()
        settings.personFitMargin = 0 // the threshold shown is then the count's own, not the margin
        let nulls = [Evidence.Null(), Evidence.Null(a: 0.05, b: 0, tau2: 0.01), Evidence.Null(a: -0.04, b: 0.02, tau2: 0),
                     Evidence.Null(a: 0, b: 0, tau2: 0.08)]
        var checked = 0
        let cases = [1, 2, 3, 5, 9, 15, 40, 120].flatMap { n in [0.01, 0.1, 0.3, 0.6].flatMap { reference in
            nulls.flatMap { null in [-1.5, 0.0, 2.0].map { level in (n: n, reference: reference, null: null, level: level) } } } }
        for (n, reference, null, level) in cases {
            func z(_ misfit: Int) -> Double {
                ObjectivityAnalysis.personFitZ(ObjectivityAnalysis.personFit(misfit: misfit, n: n, reference: reference), null: null, level: level)
            }
            let first = (0...n).first { z($0) >= settings.signalZ } ?? n + 1
            let judged = ObjectivityAnalysis.contribution(ObjectivityAnalysis.personFit(misfit: 0, n: n, reference: reference), null: null, level: level,
                                                          spec: DetectionBenchmark.mathematics, settings)
            // (Shown as a share above the reference: a first count under it shows the reference.)
            let expected = reference + max(0, Double(first) / Double(n) - reference)
            XCTAssertEqual(judged.signal.threshold, expected, accuracy: 1e-12, "n \(n), reference \(reference), \(null), level \(level)")
            if Double(first) / Double(n) > reference { checked += 1 }
        }
        XCTAssertGreaterThan(checked, cases.count / 2, "most cases have a count of their own above the reference")
    }

    /// Truncated at p = ½: a sign below its honest centre takes nothing away (plain Fisher lets it);
    /// under honesty the combined z is still about standard normal in its upper tail; groups with no
    /// sign above its centre rank below all others and still differ among themselves.
    func testTheTruncatedCombinationIgnoresSignsBelowTheirCentre() {
        let absence = Evidence.truncatedFisherZ([(3, 1), (-1.5, 1), (-1.5, 1), (-1, 1)]).z
        XCTAssertEqual(absence, Evidence.truncatedFisherZ([(3, 1), (0, 1), (-0.2, 1), (-3, 1)]).z, accuracy: 1e-12)
        XCTAssertGreaterThan(absence, Evidence.weightedFisherZ([(3, 1), (-1.5, 1), (-1.5, 1), (-1, 1)]).z + 0.3)
        XCTAssertGreaterThan(Evidence.truncatedFisherZ([(2, 1), (2, 1), (2, 1)]).z, Evidence.truncatedFisherZ([(2, 1), (0, 1), (0, 1)]).z)
        // Honest groups: eight signs, msoko's weights, standard normal z's.
        var rng = SplitMix64(seed: 12)
        let weights = [0.2, 1, 0.9, 1, 0.8, 0.7, 1, 1]
        var above = [0, 0]
        let n = 40_000
        for _ in 0..<n {
            let z = Evidence.truncatedFisherZ(weights.map { (rng.normal(), $0) }).z
            if z > 1.645 { above[0] += 1 }
            if z > 2.326 { above[1] += 1 }
        }
        XCTAssertEqual(Double(above[0]) / Double(n), 0.05, accuracy: 0.012)
        XCTAssertEqual(Double(above[1]) / Double(n), 0.01, accuracy: 0.005)
        // No sign above its centre: below any evidence, and ranked by how far below.
        let none = Evidence.truncatedFisherZ([(-1, 1), (-1, 1)]).z
        XCTAssertLessThan(none, Evidence.truncatedFisherZ([(0.01, 1), (-3, 1)]).z)
        XCTAssertLessThan(Evidence.truncatedFisherZ([(-3, 1), (-3, 1)]).z, none)
    }

    func testEachIndicatorKnowsItsPlace() {
        for (i, x) in ObjectivitySignal.Indicator.allCases.enumerated() { XCTAssertEqual(x.ordinal, i, x.rawValue) }
        XCTAssertEqual(ObjectivitySignal.Indicator.highResults.weight, 0.2)
    }

    func testTheCurveIsOneHalfAtTheFlag() {
        XCTAssertEqual(Evidence.risk(z: Evidence.flagZ), 0.5, accuracy: 1e-12)
        XCTAssertLessThan(Evidence.risk(z: 0), 0.02)
        XCTAssertGreaterThan(Evidence.risk(z: 6), 0.99)
    }

    /// Deviations drawn with a known honest spread, a tenth of the groups raised: the fit finds the
    /// spread from the honest side and the raised groups stand out.
    func testTheFunnelFindsTheHonestSpreadDespiteRaisedGroups() {
        var rng = SplitMix64(seed: 99)
        let tau = 0.05
        var xs: [(e: Double, se: Double, level: Double)] = []
        for i in 0..<400 {
            let se = 0.02 + rng.uniform() * 0.08
            let level = rng.normal()
            var e = 0.03 * level + rng.normal() * (tau * tau + se * se).squareRoot()
            if i % 10 == 0 { e += 0.25 }
            xs.append((e, se, level))
        }
        let null = Evidence.Null.fit(xs, regress: true)
        XCTAssertEqual(null.tau2.squareRoot(), tau, accuracy: 0.02, "\(null)")
        XCTAssertEqual(null.b, 0.03, accuracy: 0.02, "\(null)")
        let raised = xs.enumerated().filter { $0.offset % 10 == 0 }.map { null.z($0.element.e, se: $0.element.se, level: $0.element.level) }
        let honest = xs.enumerated().filter { $0.offset % 10 != 0 }.map { null.z($0.element.e, se: $0.element.se, level: $0.element.level) }
        XCTAssertGreaterThan(raised.sorted()[raised.count / 2], 2.5)
        XCTAssertLessThan(Double(honest.filter { $0 > 2.58 }.count) / Double(honest.count), 0.03)
        // A small district: no centre or line, the spread alone; a handful: the sampling model.
        let small = Evidence.Null.fit(Array(xs.prefix(Evidence.Null.minimumGroups - 1)), regress: true)
        XCTAssertEqual(small.a, 0)
        XCTAssertEqual(small.b, 0)
        XCTAssertGreaterThan(small.tau2, 0)
        XCTAssertEqual(Evidence.Null.fit(Array(xs.prefix(4)), regress: true), Evidence.Null())
    }
}
