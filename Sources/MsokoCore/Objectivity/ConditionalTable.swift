import Foundation

/// Points on some tasks (the outcome) against points on others (the condition), as the district
/// scores them: what a group's works score on the outcome tasks given their points on the condition
/// tasks and the strength of their class, against the rest of the district (the group's school taken
/// out). A strong school's works are compared with equally strong works elsewhere, so strength alone
/// is no sign; help with hard tasks, or lenient scoring of criteria-scored tasks, is.
struct ConditionalTable {
    private let x: [UInt16]
    private let y: [UInt16]
    private let l: [Float]
    let xMax: Int
    let yMax: Int
    private var district: [Double]

    /// The reference of one school: per condition score, the expected outcome for works of a class
    /// of average strength, how it moves with the class's strength, and the variance around that.
    struct Reference {
        var mean: [Double] = []
        var slope: [Double] = []
        var classMean: [Double] = []
        var variance: [Double] = []
    }

    init(condition: [Int], outcome: [Int], works: WorkTable, maxes: [Int], classOf workClass: [Int32], classes classCount: Int) {
        let xMax = condition.reduce(0) { $0 + maxes[$1] }
        let T = maxes.count
        var xs = [UInt16](repeating: 0, count: works.count), ys = [UInt16](repeating: 0, count: works.count)
        works.scores.withUnsafeBufferPointer { scores in
            for i in 0..<works.count {
                var sx = 0, sy = 0
                for t in condition { sx &+= WorkRecord.points(scores[i &* T &+ t]) }
                for t in outcome { sy &+= WorkRecord.points(scores[i &* T &+ t]) }
                xs[i] = UInt16(min(sx, xMax))
                ys[i] = UInt16(sy)
            }
        }
        self.init(x: xs, y: ys, xMax: xMax, yMax: outcome.reduce(0) { $0 + maxes[$1] }, classOf: workClass, classes: classCount)
    }

    /// The same from each work's condition and outcome points already added up: the 16-bit fields
    /// `fields` of `sums` (`ObjectivityAnalysis.PerWork.splitPoints`).
    init(condition: [Int], outcome: [Int], sums: [UInt64], fields: (condition: Int, outcome: Int), maxes: [Int], classOf workClass: [Int32], classes classCount: Int) {
        let xMax = condition.reduce(0) { $0 + maxes[$1] }
        let (xShift, yShift) = (UInt64(16 * fields.condition), UInt64(16 * fields.outcome))
        let xs = sums.map { UInt16(min(Int(($0 >> xShift) & 0xFFFF), xMax)) }
        let ys = sums.map { UInt16(truncatingIfNeeded: $0 >> yShift) }
        self.init(x: xs, y: ys, xMax: xMax, yMax: outcome.reduce(0) { $0 + maxes[$1] }, classOf: workClass, classes: classCount)
    }

    private init(x xs: [UInt16], y ys: [UInt16], xMax: Int, yMax: Int, classOf workClass: [Int32], classes classCount: Int) {
        self.xMax = xMax
        self.yMax = yMax
        let count = xs.count
        // Each work's classmates' mean condition points (itself left out, so that its own luck on the
        // condition tasks does not enter twice): how strong the class it is taught in is.
        var classSum = [Double](repeating: 0, count: classCount), classN = [Double](repeating: 0, count: classCount)
        var overall = 0.0
        for i in 0..<count { overall += Double(xs[i]) }
        overall /= Double(max(1, count))
        for i in 0..<count { classSum[Int(workClass[i])] += Double(xs[i]); classN[Int(workClass[i])] += 1 }
        // On the logit scale of the share of condition points: near the top the few condition tasks
        // are all passed and a raw mean stops telling a strong class from a very strong one.
        let scale = { (m: Double) -> Double in log((m + 0.5) / (Double(xMax) - m + 0.5)) }
        var ls = [Float](repeating: Float(scale(overall)), count: count)
        var district = [Double](repeating: 0, count: Self.fields * (xMax + 1))
        for i in 0..<count {
            let c = Int(workClass[i])
            if classN[c] >= 2 { ls[i] = Float(scale((classSum[c] - Double(xs[i])) / (classN[c] - 1))) }
            Self.add(&district, x: Int(xs[i]), y: Double(ys[i]), l: Double(ls[i]), sign: 1)
        }
        x = xs
        y = ys
        l = ls
        self.district = district
    }

    /// Per condition score: works, Σy, Σy², ΣL, ΣL², ΣyL (L: the classmates' mean condition points).
    static let fields = 6
    static func add(_ t: inout [Double], x: Int, y: Double, l: Double, sign: Double) {
        let k = fields * x
        t[k] += sign
        t[k + 1] += sign * y
        t[k + 2] += sign * y * y
        t[k + 3] += sign * l
        t[k + 4] += sign * l * l
        t[k + 5] += sign * y * l
    }

    /// Too few points on either side to condition on.
    var usable: Bool { xMax >= 2 && yMax >= 1 }

    /// The district without the works `own`; where fewer than 10 works remain at a condition score,
    /// the neighbouring scores are pooled in until there are (30 for the slope).
    ///
    /// Works with the same condition points are not equally strong: a student of a strong class with
    /// 5 of 8 basic points is, on average, stronger than one of a weak class with the same 5 (the
    /// few condition tasks measure ability with much noise, and the rest is regression to the class's
    /// level). So the expected outcome at each condition score moves with the classmates' mean
    /// condition points, by a slope fitted within that score across the district: an honest
    /// gymnasium's works are compared with equally placed works, not with the district's average at
    /// the same score.
    func reference(without own: [Int]) -> Reference {
        var r = Reference(), t: [Double] = []
        reference(without: own, into: &r, sums: &t)
        return r
    }

    /// The same into `r`, with `t` for the sums: their arrays reused from school to school (a
    /// country has 40 000 schools, each judged against two tables).
    func reference(without own: [Int], into r: inout Reference, sums t: inout [Double]) {
        guard usable else { r = Reference(); return }
        if t.count == district.count {
            for k in district.indices { t[k] = district[k] }
        } else {
            t = district
        }
        for i in own { Self.add(&t, x: Int(x[i]), y: Double(y[i]), l: Double(l[i]), sign: -1) }
        let f = Self.fields
        // (Every entry of `r` is written below for every score.)
        if r.mean.count != xMax + 1 {
            r = Reference(mean: [Double](repeating: 0, count: xMax + 1), slope: [Double](repeating: 0, count: xMax + 1),
                          classMean: [Double](repeating: 0, count: xMax + 1), variance: [Double](repeating: 0, count: xMax + 1))
        }
        for b in 0...xMax {
            // Mean and class mean at this score, pooling neighbours until 10 works.
            var n = 0.0, sy = 0.0, syy = 0.0, sl = 0.0, w = 0
            repeat {
                // b − w, then b + w (b alone at first), without an array for the two.
                for side in 0..<(w == 0 ? 1 : 2) {
                    let k = side == 0 ? b - w : b + w
                    guard k >= 0 && k <= xMax else { continue }
                    n += t[f * k]; sy += t[f * k + 1]; syy += t[f * k + 2]; sl += t[f * k + 3]
                }
                w += 1
            } while n < 10 && w <= xMax
            let mean = n > 0 ? sy / n : 0
            r.mean[b] = mean
            r.classMean[b] = n > 0 ? sl / n : 0
            // The slope from sums centred within each score (neighbours' levels do not leak into it).
            var m = 0.0, cyl = 0.0, cll = 0.0
            w = 0
            repeat {
                for side in 0..<(w == 0 ? 1 : 2) {
                    let k = side == 0 ? b - w : b + w
                    guard k >= 0 && k <= xMax && t[f * k] > 1 else { continue }
                    let nk = t[f * k]
                    m += nk
                    cyl += t[f * k + 5] - t[f * k + 1] * t[f * k + 3] / nk
                    cll += t[f * k + 4] - t[f * k + 3] * t[f * k + 3] / nk
                }
                w += 1
            } while m < 30 && w <= xMax
            let slope = cll > 1e-9 ? cyl / cll : 0
            r.slope[b] = slope
            // At least the variance of a quarter point, so that an all-or-nothing score is not certain.
            let total = n > 1 ? (syy - n * mean * mean) / (n - 1) : 0.25
            let explained = m > 1 ? slope * slope * cll / (m - 1) : 0
            r.variance[b] = max(total - explained, 0.0625)
        }
    }

    /// The group's outcome points against what its works' condition points predict: the deviation
    /// per work as a share of the outcome maximum, with its standard error.
    func excess(_ works: [Int], _ r: Reference, indicator: ObjectivitySignal.Indicator) -> ObjectivityAnalysis.Raw? {
        guard usable, !works.isEmpty, r.mean.count == xMax + 1 else { return nil }
        var observed = 0.0, expected = 0.0, variance = 0.0
        for i in works {
            let b = Int(x[i])
            observed += Double(y[i])
            expected += r.mean[b] + r.slope[b] * (Double(l[i]) - r.classMean[b])
            variance += r.variance[b]
        }
        let scale = Double(works.count * yMax)
        return ObjectivityAnalysis.Raw(indicator: indicator, e: (observed - expected) / scale, se: variance.squareRoot() / scale,
                                       value: observed / scale, reference: expected / scale)
    }
}
