import Foundation

/// The statistics behind the graded risk (docs/objectivity.md, «Риск»): each sign's deviation judged
/// against how much honest groups of the district vary (an empirical null, as in Spiegelhalter's
/// funnel plots), the signs of a group combined by a weighted Fisher test truncated at p = ½, and the curve from the
/// combined evidence to a risk 0..1. Written here because none of the packages msoko may use has
/// the incomplete gamma function or a robust funnel fit; the formulas are the textbook ones.
public enum Evidence {
    // MARK: normal and gamma tails

    /// P(Z ≥ z) for a standard normal Z.
    public static func upperTail(_ z: Double) -> Double { 0.5 * erfc(z / 2.0.squareRoot()) }

    /// The z whose upper tail is `p` (accurate for tiny p as well).
    public static func zOfUpperTail(_ p: Double) -> Double {
        if p <= 0 { return 38 }
        if p >= 1 { return -38 }
        return -ObjectivityAnalysis.normalQuantile(p)
    }

    /// The regularized upper incomplete gamma Q(a, x) = Γ(a, x) / Γ(a): a series below a + 1, a
    /// continued fraction (modified Lentz) above, so that small tails keep their precision.
    public static func gammaQ(_ a: Double, _ x: Double) -> Double { gammaTails(a, x).upper }

    /// Both tails, P(a, x) and Q(a, x): the one computed directly keeps its precision near 0.
    static func gammaTails(_ a: Double, _ x: Double) -> (lower: Double, upper: Double) {
        guard x > 0 else { return (0, 1) }
        let logPrefix = a * log(x) - x - lgamma(a)
        if x < a + 1 {
            var sum = 1 / a, term = 1 / a, n = a
            for _ in 0..<500 {
                n += 1
                term *= x / n
                sum += term
                if abs(term) < abs(sum) * 1e-15 { break }
            }
            let lower = min(1, sum * exp(logPrefix))
            return (lower, 1 - lower)
        }
        let tiny = 1e-300
        var b = x + 1 - a, c = 1 / tiny, d = 1 / b, h = d
        for i in 1..<500 {
            let an = -Double(i) * (Double(i) - a)
            b += 2
            d = an * d + b
            if abs(d) < tiny { d = tiny }
            c = b + an / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < 1e-15 { break }
        }
        let upper = min(1, exp(logPrefix) * h)
        return (1 - upper, upper)
    }

    /// The mid-p upper tail P(X > k) + ½·P(X = k) of a count X of `n` that is binomial with rate
    /// `mean` when `rho` is 0, else beta-binomial with that mean and intra-group correlation `rho`
    /// (α + β = 1/ρ − 1). The probability at k from log-gamma, the tail by the ratio of neighbours.
    public static func betaBinomialMidP(atLeast k: Int, of n: Int, mean p: Double, rho: Double) -> Double {
        guard n > 0, k >= 0, k <= n else { return k > n ? 0 : 1 }
        let binomial = rho < 1e-9
        let s = binomial ? 0 : 1 / rho - 1
        let a = p * s, b = (1 - p) * s
        func lbeta(_ x: Double, _ y: Double) -> Double { lgamma(x) + lgamma(y) - lgamma(x + y) }
        let K = Double(k), N = Double(n)
        var logAt = lgamma(N + 1) - lgamma(K + 1) - lgamma(N - K + 1)
        logAt += binomial ? K * log(p) + (N - K) * log(1 - p) : lbeta(K + a, N - K + b) - lbeta(a, b)
        let at = exp(logAt)
        var term = at, above = 0.0
        for j in k..<n {
            let J = Double(j)
            term *= (N - J) / (J + 1) * (binomial ? p / (1 - p) : (J + a) / (N - J - 1 + b))
            above += term
            if term < above * 1e-17 { break }
        }
        return min(1, max(above + at / 2, 1e-300))
    }

    // MARK: combining signs

    /// Weighted Fisher: T = Σ wᵢ·(−2 ln pᵢ) over one-sided p-values; under the hypothesis of an
    /// honest group each −2 ln pᵢ is χ² with 2 degrees of freedom, and T is referred to a scaled χ²
    /// with the same mean and variance (Satterthwaite): c·χ²(ν), c = Σw²/Σw, ν = 2(Σw)²/Σw².
    /// Returns the combined one-sided p-value and its z. One strong sign carries the result (unlike Stouffer's
    /// mean of z, which a single sign among six dilutes); several moderate signs add up.
    /// The z comes from whichever tail is small, so that groups with no evidence at all still differ
    /// (a ranking, not a mass of ties at p = 1).
    public static func weightedFisherZ<S: Collection>(_ zs: S) -> (p: Double, z: Double) where S.Element == (z: Double, weight: Double) {
        var t = 0.0, sw = 0.0, sw2 = 0.0
        for x in zs where x.weight > 0 {
            let p = max(upperTail(x.z), 1e-300)
            t += x.weight * -2 * log(p)
            sw += x.weight
            sw2 += x.weight * x.weight
        }
        guard sw > 0 else { return (1, -38) }
        let c = sw2 / sw, nu = 2 * sw * sw / sw2
        let tails = gammaTails(nu / 2, t / (2 * c))
        // z = Φ⁻¹(1 − Q) = Φ⁻¹(P): from the upper tail when it is small, else from the lower.
        return (tails.upper, tails.upper < 0.5 ? zOfUpperTail(tails.upper) : -zOfUpperTail(tails.lower))
    }

    /// Weighted Fisher truncated at p = ½ (the truncated product method of Zaykin et al., 2002,
    /// with weights): only a sign on the manipulation's side of its honest centre (z > 0) adds
    /// evidence, T = Σ wᵢ·(−2 ln 2pᵢ) over the signs with pᵢ < ½; a sign below its centre adds
    /// none instead of taking away. Keeping the weakest students away raises absence but lowers the
    /// class's misfits, journal gap and П/В excess: plain Fisher let those falls cancel the absence
    /// (the kind's weak band: 0.72 combined against 0.91 for participation alone).
    /// Under honesty each term is 0 with probability ½ and else χ² with 2 degrees of freedom
    /// (2p is uniform below ½): mean 1, variance 3. T is referred to c·χ²(ν) with T's mean Σw and
    /// variance 3Σw² (Satterthwaite: c = 3Σw²/(2Σw), ν = 2(Σw)²/(3Σw²)). A group with no sign
    /// above its centre (T = 0) ranks below every group with some evidence, among such groups by
    /// the plain weighted Fisher z, so that they still differ.
    public static func truncatedFisherZ<S: Collection>(_ zs: S) -> (p: Double, z: Double) where S.Element == (z: Double, weight: Double) {
        var t = 0.0, sw = 0.0, sw2 = 0.0
        for x in zs where x.weight > 0 {
            let p = max(upperTail(x.z), 1e-300)
            if p < 0.5 { t += x.weight * -2 * log(2 * p) }
            sw += x.weight
            sw2 += x.weight * x.weight
        }
        guard sw > 0 else { return (1, -38) }
        guard t > 0 else { return (1, noEvidenceZ + weightedFisherZ(zs).z / 10) }
        let c = 3 * sw2 / (2 * sw), nu = 2 * sw * sw / (3 * sw2)
        let tails = gammaTails(nu / 2, t / (2 * c))
        // z = Φ⁻¹(1 − Q) = Φ⁻¹(P): from the upper tail when it is small, else from the lower.
        let z = tails.upper < 0.5 ? zOfUpperTail(tails.upper) : -zOfUpperTail(tails.lower)
        return (tails.upper, max(z, noEvidenceZ + 0.1))
    }

    /// The same for an array of literals (`[(2, 1), (0, 1)]`: a literal cannot take its type from
    /// the generic forms, which take any collection so that the groups' signs need no array each).
    public static func weightedFisherZ(_ zs: [(z: Double, weight: Double)]) -> (p: Double, z: Double) { weightedFisherZ(zs[...]) }
    public static func truncatedFisherZ(_ zs: [(z: Double, weight: Double)]) -> (p: Double, z: Double) { truncatedFisherZ(zs[...]) }

    /// Where groups with no sign above its honest centre are placed (below any other group).
    static let noEvidenceZ = -10.0

    /// The risk 0..1 from the combined evidence z: a logistic curve, 0.5 at `Evidence.flagZ`, rising
    /// by `Evidence.slope` per unit of z. The default «есть признаки» from 0.5 is therefore z ≥ flagZ.
    public static func risk(z: Double) -> Double { 1 / (1 + exp(-slope * (z - flagZ))) }
    /// Chosen on the tuning family (`SyntheticDistrict`) so that about 1 % of honest schools reach
    /// 0.5 there; see docs/objectivity.md.
    public static let flagZ = 2.8
    public static let slope = 1.6

    // MARK: an empirical null

    /// How honest groups of one level vary on one sign: the centre of the deviations as a line in
    /// the group's level (`a + b·level`: strong groups may differ systematically, and must not be
    /// flagged for it) and the spread between groups beyond sampling noise (τ²). Fitted robustly
    /// (z winsorized at the 10th and 90th percentiles, as Spiegelhalter's funnel plots do; clipping harder above moved the centre of honest groups down and flagged strong schools on the tuning family) so that
    /// the manipulated groups themselves set neither; τ² from the groups below the line alone, since
    /// a manipulation only ever raises a sign: τ² solves Σ r²/(se² + τ²) = their number there (a
    /// half-normal moment estimate).
    public struct Null: Sendable, Equatable {
        public var a = 0.0, b = 0.0, tau2 = 0.0
        public init(a: Double = 0, b: Double = 0, tau2: Double = 0) { self.a = a; self.b = b; self.tau2 = tau2 }

        /// z of a deviation `e` with standard error `se` at `level`: (e − a − b·level) / √(se² + τ²).
        /// A small group's noise dominates its denominator, a large group's the honest spread τ:
        /// neither is flagged for what honest groups of its size show.
        public func z(_ e: Double, se: Double, level: Double) -> Double {
            (e - a - b * level) / (se * se + tau2).squareRoot()
        }
        /// The deviation at which z reaches `z`.
        public func deviation(atZ z: Double, se: Double, level: Double) -> Double {
            a + b * level + z * (se * se + tau2).squareRoot()
        }

        /// Fits over groups' (deviation, standard error, level); `regress` allows the line in the
        /// level. From 5 to `minimumGroups` − 1 groups only the spread is fitted (`fitSpread`); under
        /// 5, the null of the sampling model (0, 0, 0).
        public static let minimumGroups = 20

        /// `lowerHalf`: the spread from the groups below the line (signs that honest groups can move
        /// either way); without it, from all groups, winsorized (signs bounded below, like absence,
        /// whose lower half is squeezed against zero).
        public static func fit(_ xs: [(e: Double, se: Double, level: Double)], regress: Bool, lowerHalf: Bool = true) -> Null {
            let groups = xs.filter { $0.se > 0 && $0.e.isFinite && $0.level.isFinite }
            guard groups.count >= 5 else { return Null() }
            // Under 20 groups there are too few to place a centre or a line: the sampling model's
            // centre (0), and the spread from all groups (a few cannot be split into halves).
            if groups.count < minimumGroups {
                return fitSpread(groups)
            }
            var null = Null()
            let canRegress = regress
            for _ in 0..<3 {
                // Winsorized standardized residuals under the current null.
                let z = groups.map { null.z($0.e, se: $0.se, level: $0.level) }
                // The 10th and 90th percentiles as `z.sorted()` places them, without the sort.
                var order = z
                let lo = order.select(z.count / 10, in: 0..<z.count)
                let hi = order.select((z.count * 9) / 10, in: z.count / 10..<z.count)
                let clipped = zip(groups, z).map { g, zi -> (e: Double, se: Double, level: Double) in
                    let total = (g.se * g.se + null.tau2).squareRoot()
                    return (null.a + null.b * g.level + min(max(zi, lo), hi) * total, g.se, g.level)
                }
                // Weighted least squares of the clipped deviations on the level.
                var sw = 0.0, sx = 0.0, sy = 0.0, sxx = 0.0, sxy = 0.0
                for g in clipped {
                    let w = 1 / (g.se * g.se + null.tau2)
                    sw += w; sx += w * g.level; sy += w * g.e; sxx += w * g.level * g.level; sxy += w * g.level * g.e
                }
                let det = sw * sxx - sx * sx
                if canRegress && det > 1e-12 * sw * sw {
                    null.b = (sw * sxy - sx * sy) / det
                    null.a = (sy - null.b * sx) / sw
                } else {
                    null.b = 0
                    null.a = sy / sw
                }
                if !lowerHalf {
                    // DerSimonian–Laird on the clipped deviations around the line.
                    var q = 0.0, w1 = 0.0, w2 = 0.0
                    for g in clipped {
                        let w = 1 / (g.se * g.se)
                        let r = g.e - null.a - null.b * g.level
                        q += w * r * r
                        w1 += w
                        w2 += w * w
                    }
                    let df = Double(clipped.count - (canRegress ? 2 : 1))
                    let denominator = w1 - w2 / w1
                    null.tau2 = denominator > 0 ? max(0, (q - df) / denominator) : 0
                } else {
                    // The spread from the groups below the line: manipulation only raises a sign, so
                    // the lower half is what honest groups look like. Solve Σ r²/(se² + τ²) = count there.
                    let below = groups.filter { $0.e < null.a + null.b * $0.level }
                    // r² and se² worked out once (the same values, summed in the same order, as
                    // computing them in each of the bisection's seventy sums).
                    let r2 = below.map { g -> Double in let r = g.e - null.a - null.b * g.level; return r * r }
                    let se2 = below.map { $0.se * $0.se }
                    null.tau2 = below.count < 3 ? 0 : halfNormalSpread(r2: r2, se2: se2)
                }
            }
            return null
        }

        /// τ² solving Σ r²/(se² + τ²) = n (0 when even τ² = 0 leaves the sum at or under n): the
        /// bisection from [0, 1] (the upper end raised fourfold while the sum is still over n, up to
        /// 4¹⁰), sixty halvings, the midpoint.
        ///
        /// The same number, with about a third of the sums: the computed sum is non-increasing in τ²
        /// (each term is, rounding preserves it, and the terms are added in one fixed order), so once
        /// two points L < H are known with the sum over n at L and not over at H, every point up to L
        /// is over and every point from H is not — the bisection's answers there are known without
        /// summing. L and H come from Newton's method from 0, which approaches the root from below
        /// on this convex, decreasing function; the bisection is then replayed, and sums only at the
        /// points between L and H (its last few). Tested against the plain bisection, bit for bit
        /// (`EvidenceTests`). On a country's 80 000 classes this was most of the fits' 0.1 s.
        static func halfNormalSpread(r2: [Double], se2: [Double]) -> Double {
            let n = Double(r2.count)
            func excess(_ t2: Double) -> Double {
                var acc = 0.0
                for k in r2.indices { acc = acc + r2[k] / (se2[k] + t2) }
                return acc - n
            }
            guard excess(0) > 0 else { return 0 }
            // Newton from 0: L the highest point seen whose sum is over n.
            var low = 0.0, t = 0.0
            for _ in 0..<30 {
                var f = 0.0, slope = 0.0
                for k in r2.indices {
                    let q = 1 / (se2[k] + t)
                    f += r2[k] * q
                    slope -= r2[k] * q * q
                }
                f -= n
                guard f > 0, slope < 0 else { break }
                let next = t - f / slope
                guard next.isFinite, next > t else { break }
                if excess(next) > 0 { low = next } else { break }
                if next - t <= next * 1e-12 { break }
                t = next
            }
            // H: just above L, widened sixteenfold until the sum there is not over n (up to 4¹¹,
            // above any point the bisection can ask about; none found, every point above L is summed).
            // (Newton's last step was under 10⁻¹² of L, so L is within rounding of the root: H is
            // looked for from a few units in the last place up.)
            var high = Double.infinity, step = low > 0 ? low * 1e-15 : 1e-14
            while low + step < 4_194_304 {
                if excess(low + step) <= 0 { high = low + step; break }
                step *= 16
            }
            func over(_ m: Double) -> Bool { m <= low ? true : m >= high ? false : excess(m) > 0 }
            var lo = 0.0, hi = 1.0
            while over(hi) && hi < 1e6 { hi *= 4 }
            for _ in 0..<60 { let m = (lo + hi) / 2; if over(m) { lo = m } else { hi = m } }
            return (lo + hi) / 2
        }

        /// τ² alone around 0, by DerSimonian–Laird over all groups with z winsorized at the second
        /// lowest and second highest: a small district's spread, with no centre fitted.
        static func fitSpread(_ groups: [(e: Double, se: Double, level: Double)]) -> Null {
            let z = groups.map { $0.e / $0.se }.sorted()
            let lo = z[1], hi = z[z.count - 2]
            var q = 0.0, w1 = 0.0, w2 = 0.0
            for g in groups {
                let w = 1 / (g.se * g.se)
                let zi = min(max(g.e / g.se, lo), hi)
                q += zi * zi
                w1 += w
                w2 += w * w
            }
            let denominator = w1 - w2 / w1
            return Null(a: 0, b: 0, tau2: denominator > 0 ? max(0, (q - Double(groups.count)) / denominator) : 0)
        }
    }
}
