import Foundation

/// How well the objectivity analysis finds planted manipulations (issue 5 §5): synthetic districts
/// of several seeds, the school's risk = the highest of the school's and its classes' risks, ROC AUC
/// against the truth, shares flagged at the default threshold, per kind and overall.
public enum DetectionBenchmark {
    public struct Row: Sendable {
        public var label: String
        public var schools: Int
        public var auc: Double
        public var flagged: Double
    }

    public struct Report: Sendable {
        public var rows: [Row]
        public var honest: Int
        public var honestFlagged: Double
        public var strongHonest: Int
        public var strongHonestFlagged: Int
        public var seconds: Double
        /// Indicators behind the honest schools flagged (school or class level), how often.
        public var falseSignals: [String: Int]
        /// Honest strong schools flagged, with their signals.
        public var strongFlags: [String]
    }

    public static func run(spec: ProcedureSpec, schools: Int, seeds: [UInt64], settings: ObjectivitySettings = ObjectivitySettings()) -> Report {
        var scored: [(risk: Double, school: SyntheticDistrict.School)] = []
        var elapsed = 0.0
        var falseSignals: [String: Int] = [:]
        var strongFlags: [String] = []
        for seed in seeds {
            let district = SyntheticDistrict(spec: spec, schools: schools, seed: seed)
            let started = Date()
            let analysis = ResultsAnalysis.analyze(district.works, spec: spec, enrolment: district.enrolment)
            let risks = ObjectivityAnalysis.evaluate(district.works, analysis: analysis, settings: settings, inputs: .init(enrolment: district.enrolment))
            elapsed += Date().timeIntervalSince(started)
            var byLogin: [String: Double] = [:]
            for r in risks { byLogin[r.school] = max(byLogin[r.school] ?? 0, r.risk) }
            let honestLogins = Set(district.schools.filter { $0.manipulation == nil }.map(\.login))
            let strongLogins = Set(district.schools.filter { $0.kind == .strong && $0.manipulation == nil }.map(\.login))
            for r in risks where honestLogins.contains(r.school) && r.risk >= settings.riskThreshold {
                for x in r.signals { falseSignals["\(x.indicator.rawValue)\(r.className == nil ? "" : " (класс)")", default: 0] += 1 }
                if strongLogins.contains(r.school) {
                    strongFlags.append("seed \(seed), \(r.school) \(r.className ?? ""): " + r.signals.map { "\($0.indicator.rawValue) z=\(String(format: "%.1f", $0.z))" }.joined(separator: ", "))
                }
            }
            for s in district.schools { scored.append((byLogin[s.login] ?? 0, s)) }
        }
        let honest = scored.filter { $0.school.manipulation == nil }
        func row(_ label: String, _ positives: [(risk: Double, school: SyntheticDistrict.School)]) -> Row {
            Row(label: label, schools: positives.count, auc: auc(positives.map(\.risk), honest.map(\.risk)),
                flagged: Double(positives.filter { $0.risk >= settings.riskThreshold }.count) / Double(max(1, positives.count)))
        }
        var rows = SyntheticDistrict.Manipulation.allCases.map { m in row(m.title, scored.filter { $0.school.manipulation == m }) }
        rows.append(row("все манипуляции", scored.filter { $0.school.manipulation != nil }))
        let strong = honest.filter { $0.school.kind == .strong }
        return Report(rows: rows, honest: honest.count,
                      honestFlagged: Double(honest.filter { $0.risk >= settings.riskThreshold }.count) / Double(max(1, honest.count)),
                      strongHonest: strong.count, strongHonestFlagged: strong.filter { $0.risk >= settings.riskThreshold }.count, seconds: elapsed,
                      falseSignals: falseSignals, strongFlags: strongFlags)
    }

    /// Probability that a positive outranks a negative (ties count half).
    public static func auc(_ positives: [Double], _ negatives: [Double]) -> Double {
        guard !positives.isEmpty, !negatives.isEmpty else { return .nan }
        var wins = 0.0
        for p in positives { for n in negatives { wins += p > n ? 1 : p == n ? 0.5 : 0 } }
        return wins / Double(positives.count * negatives.count)
    }

    public static func markdown(_ r: Report) -> String {
        var s = "| manipulation | schools | ROC AUC | flagged at risk ≥ 0.5 |\n|---|---|---|---|\n"
        for row in r.rows {
            s += "| \(row.label) | \(row.schools) | \(String(format: "%.3f", row.auc)) | \(String(format: "%.0f %%", row.flagged * 100)) |\n"
        }
        s += "\nHonest schools: \(r.honest), flagged \(String(format: "%.1f %%", r.honestFlagged * 100)); honest strong schools: \(r.strongHonest), flagged \(r.strongHonestFlagged).\n"
        if !r.falseSignals.isEmpty {
            s += "Signals behind honest schools' flags: " + r.falseSignals.sorted { $0.value > $1.value }.map { "\($0.key) \($0.value)" }.joined(separator: ", ") + ".\n"
        }
        for f in r.strongFlags { s += "Strong honest school flagged: \(f).\n" }
        s += "Objectivity analysis time over all seeds: \(String(format: "%.2f", r.seconds)) s.\n"
        return s
    }
}
