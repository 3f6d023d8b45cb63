import Foundation

/// Points on some tasks (the outcome) against points on others (the condition), as the district
/// scores them: what a group's works score on the outcome tasks given their points on the condition
/// tasks, against the rest of the district (the group's school taken out). A strong school's works
/// are compared with equally strong works elsewhere, so strength alone is no sign; help with hard
/// tasks, or lenient scoring of criteria-scored tasks, is.
struct ConditionalTable {
    private let x: [UInt16]
    private let y: [UInt16]
    let xMax: Int
    let yMax: Int
    /// Per condition score: works, Σ outcome, Σ outcome².
    private var district: [Double]

    /// The reference of one school: expected outcome and its variance per condition score.
    struct Reference {
        var mean: [Double] = []
        var variance: [Double] = []
        /// Mean and standard deviation of the condition points in the reference.
        var conditionMean = 0.0
        var conditionSD = 1.0
    }

    init(condition: [Int], outcome: [Int], works: WorkTable, maxes: [Int]) {
        let xMax = condition.reduce(0) { $0 + maxes[$1] }
        self.xMax = xMax
        yMax = outcome.reduce(0) { $0 + maxes[$1] }
        let T = maxes.count
        var xs = [UInt16](repeating: 0, count: works.count), ys = [UInt16](repeating: 0, count: works.count)
        var district = [Double](repeating: 0, count: 3 * (xMax + 1))
        works.scores.withUnsafeBufferPointer { scores in
            for i in 0..<works.count {
                var sx = 0, sy = 0
                for t in condition { let s = scores[i * T + t]; if s != WorkRecord.notDone { sx += Int(s) } }
                for t in outcome { let s = scores[i * T + t]; if s != WorkRecord.notDone { sy += Int(s) } }
                sx = min(sx, xMax)
                xs[i] = UInt16(sx)
                ys[i] = UInt16(sy)
                district[3 * sx] += 1
                district[3 * sx + 1] += Double(sy)
                district[3 * sx + 2] += Double(sy * sy)
            }
        }
        x = xs
        y = ys
        self.district = district
    }

    /// Too few points on either side to condition on.
    var usable: Bool { xMax >= 2 && yMax >= 1 }

    /// The district without the works `own`; where fewer than 10 works remain at a condition score,
    /// the neighbouring scores are pooled in until there are.
    func reference(without own: [Int]) -> Reference {
        guard usable else { return Reference() }
        var t = district
        for i in own {
            let b = Int(x[i]), v = Double(y[i])
            t[3 * b] -= 1
            t[3 * b + 1] -= v
            t[3 * b + 2] -= v * v
        }
        var r = Reference(mean: [Double](repeating: 0, count: xMax + 1), variance: [Double](repeating: 0, count: xMax + 1))
        var n0 = 0.0, s0 = 0.0, s20 = 0.0
        for b in 0...xMax { n0 += t[3 * b]; s0 += t[3 * b] * Double(b); s20 += t[3 * b] * Double(b * b) }
        if n0 > 1 {
            r.conditionMean = s0 / n0
            r.conditionSD = max(((s20 - n0 * r.conditionMean * r.conditionMean) / (n0 - 1)).squareRoot(), 0.5)
        }
        for b in 0...xMax {
            var n = 0.0, s = 0.0, s2 = 0.0, w = 0
            repeat {
                for k in (w == 0 ? [b] : [b - w, b + w]) where k >= 0 && k <= xMax {
                    n += t[3 * k]; s += t[3 * k + 1]; s2 += t[3 * k + 2]
                }
                w += 1
            } while n < 10 && w <= xMax
            let mean = n > 0 ? s / n : 0
            r.mean[b] = mean
            // At least the variance of a quarter point, so that an all-or-nothing score is not certain.
            r.variance[b] = n > 1 ? max((s2 - n * mean * mean) / (n - 1), 0.0625) : 0.25
        }
        return r
    }

    /// The group's outcome points against what its works' condition points predict: the deviation
    /// per work as a share of the outcome maximum, with its standard error.
    func excess(_ works: [Int], _ r: Reference, indicator: ObjectivitySignal.Indicator) -> ObjectivityAnalysis.Raw? {
        guard usable, !works.isEmpty, r.mean.count == xMax + 1 else { return nil }
        var observed = 0.0, expected = 0.0, variance = 0.0, condition = 0.0
        for i in works {
            let b = Int(x[i])
            condition += Double(b)
            observed += Double(y[i])
            expected += r.mean[b]
            variance += r.variance[b]
        }
        let scale = Double(works.count * yMax)
        var raw = ObjectivityAnalysis.Raw(indicator: indicator, e: (observed - expected) / scale, se: variance.squareRoot() / scale,
                                          value: observed / scale, reference: expected / scale)
        // The group's level on the condition tasks: the help or leniency being measured does not raise it.
        raw.level = (condition / Double(works.count) - r.conditionMean) / r.conditionSD
        return raw
    }
}
