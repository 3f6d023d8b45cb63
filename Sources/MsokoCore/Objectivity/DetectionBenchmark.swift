import Foundation

/// How well the objectivity analysis finds planted manipulations (issue 12 §3): families of
/// synthetic regions, one for tuning (`SyntheticDistrict`, on which thresholds and weights were
/// chosen) and held-out ones (`SyntheticRegion` under other assumptions and specifications, never
/// tuned on); per kind of manipulation and strength band, ROC AUC of the school's risk against the
/// truth and the share flagged at the threshold, beside a deliberately naive baseline on the same
/// data. Schools with fewer works than the settings' minimum are not assessed and not counted.
public enum DetectionBenchmark {
    /// One simulated region with its truth.
    public struct Case: Sendable {
        public var spec: ProcedureSpec
        public var works: WorkTable
        public var enrolment: [String: [String: Int]]
        /// Per school login: the manipulation (nil: honest), its band, whether the school is strong.
        public var truth: [(login: String, manipulation: SyntheticDistrict.Manipulation?, strength: SyntheticRegion.Strength?, strong: Bool, inClass: Bool)]
    }

    public struct Family: Sendable {
        public var name: String
        public var heldOut: Bool
        /// A region of `schools` schools from `seed`, `share` of them manipulated.
        public var make: @Sendable (_ schools: Int, _ seed: UInt64, _ share: Double) -> Case
    }

    /// A school's scores in one case.
    struct Scored {
        var family: String
        var heldOut: Bool
        var manipulation: SyntheticDistrict.Manipulation?
        var strength: SyntheticRegion.Strength?
        var strong: Bool
        var inClass: Bool
        var risk: Double
        var baseline: Double
        /// Per indicator (its ordinal): the larger of the school's own z and its classes' (each class's
        /// counted k times, as the risk does) — what one sign alone would rank by.
        var signs: [Int: Double] = [:]
    }

    public struct Row: Sendable {
        public var label: String
        public var schools: Int
        public var auc: Double
        public var baselineAUC: Double
        public var flagged: Double
    }

    public struct Report: Sendable {
        /// Held-out families: per kind × band, per band, overall.
        public var rows: [Row]
        /// Per family: overall.
        public var families: [Row]
        public var honest: Int
        public var honestFlagged: Double
        public var strongHonest: Int
        public var strongHonestFlagged: Int
        /// The largest share of a region's assessed schools that share one risk value.
        public var largestTie: Double
        public var seconds: Double
        /// The same families and seeds with nobody manipulating (a district where all is well): its
        /// assessed schools, the share flagged, its strong schools and how many of them flagged.
        public var clean = 0
        public var cleanFlagged = 0.0
        public var cleanStrong = 0
        public var cleanStrongFlagged = 0
        /// Indicators behind the honest schools flagged (school or class level), how often.
        public var falseSignals: [String: Int]
        public var strongFlags: [String]
        public var threshold: Double
        /// Rows on the tuning family rather than the held-out ones.
        public var tuning = false
        /// The empirical null fitted on the honest schools alone (the truth known; no district has it).
        public var oracle = false
        /// Per kind at weak and ordinary strengths: ROC AUC of each sign alone (indicator → AUC), to
        /// set beside the combined risk's — what combining costs (docs/objectivity.md).
        public var signRows: [(label: String, auc: [ObjectivitySignal.Indicator: Double])] = []
    }

    // MARK: families

    /// The national-scale procedure of the benchmarks: 15 tasks of mathematics, grade 6.
    public static let mathematics: ProcedureSpec = {
        let layout: [(String, Int, TaskLevel)] = [("1", 1, .basic), ("2", 1, .basic), ("3", 1, .basic), ("4", 2, .basic), ("5", 1, .basic),
                                                  ("6.1", 1, .basic), ("6.2", 1, .advanced), ("7", 2, .basic), ("8", 2, .advanced), ("9", 2, .advanced),
                                                  ("10", 1, .basic), ("11", 2, .advanced), ("12", 2, .advanced), ("13", 2, .high), ("14", 2, .high)]
        let tasks = layout.enumerated().map { i, t in
            TaskSpec(number: t.0, max: t.1, level: t.2, requirements: [Requirement(code: "\(i / 2 + 1).\(i % 2 + 1)", text: "Требование \(i / 2 + 1).\(i % 2 + 1)")])
        }
        return ProcedureSpec(type: "ВПР", year: 2026, subject: "Математика", grade: 6, form: "paper", tasks: tasks, scale: MarkScale(three: 6, four: 11, five: 16))
    }()

    /// A language procedure unlike the mathematics one: criteria-scored dictation and tasks of up to 4 points.
    public static let russian: ProcedureSpec = {
        let layout: [(String, Int, TaskLevel)] = [("1К1", 4, .basic), ("1К2", 3, .basic), ("1К3", 2, .basic), ("2", 3, .basic), ("3", 1, .basic),
                                                  ("4", 1, .basic), ("5", 2, .advanced), ("6", 2, .advanced), ("7", 1, .basic), ("8", 2, .advanced),
                                                  ("9", 1, .high), ("10", 2, .high), ("11", 1, .advanced), ("12", 2, .high)]
        let tasks = layout.map { TaskSpec(number: $0.0, max: $0.1, level: $0.2) }
        return ProcedureSpec(type: "ВПР", year: 2026, subject: "Русский язык", grade: 5, form: "paper", tasks: tasks, scale: MarkScale(three: 10, four: 16, five: 22))
    }()

    /// The tuning family and three held-out ones.
    public static let families: [Family] = [
        Family(name: "A: SyntheticDistrict, математика 6 (настройка)", heldOut: false) { schools, seed, share in
            let d = SyntheticDistrict(spec: mathematics, schools: schools, manipulatedShare: share, seed: seed, bands: true)
            return Case(spec: d.spec, works: d.works, enrolment: d.enrolment,
                        truth: d.schools.map { ($0.login, $0.manipulation, $0.manipulation == nil ? nil : $0.strength, $0.kind == .strong, $0.manipulatedClass != nil) })
        },
        held("B: SyntheticRegion, математика 6", mathematics) { _ in },
        held("C: SyntheticRegion, русский язык 5, малые классы и сёла", russian) { u in
            u.classSizes = 8...22
            u.ruralShare = 0.3
            u.strongShare = 0.12
            u.schoolSD = 0.35
            u.classSD = 0.4
            u.journalNoise = 0.9
        },
        held("D: SyntheticRegion, математика 6, разброс трудности и дискриминации", mathematics) { u in
            u.difficultySD = 0.8
            u.discriminationSD = 0.45
            u.schoolSD = 0.55
            u.strongShare = 0.22
            u.absenceMax = 0.12
        },
    ]

    /// A held-out family: `SyntheticRegion` under its default assumptions changed by `assume`.
    static func held(_ name: String, _ spec: ProcedureSpec, _ assume: @escaping @Sendable (inout SyntheticRegion.Assumptions) -> Void) -> Family {
        Family(name: name, heldOut: true) { schools, seed, share in
            var u = SyntheticRegion.Assumptions()
            assume(&u)
            u.manipulatedShare = share
            return region(SyntheticRegion(spec: spec, schools: schools, assumptions: u, seed: seed))
        }
    }

    static func region(_ r: SyntheticRegion) -> Case {
        Case(spec: r.spec, works: r.works, enrolment: r.enrolment, truth: r.schools.map { ($0.login, $0.manipulation, $0.strength, $0.kind == .strong, $0.manipulatedClass != nil) })
    }

    // MARK: running

    /// `tuning`: report the rows on the tuning family instead of the held-out ones (what tuning looks at).
    /// `oracle`: fit each sign's honest spread on the honest schools alone, using the truth — a ceiling
    /// that shows how much the manipulated schools in the fit cost (docs/objectivity.md).
    public static func run(families: [Family] = families, schools: Int, seeds: [UInt64], settings: ObjectivitySettings = ObjectivitySettings(),
                           tuning: Bool = false, oracle: Bool = false, dump: ((String) -> Void)? = nil) -> Report {
        var scored: [Scored] = []
        var elapsed = 0.0, largestTie = 0.0
        var falseSignals: [String: Int] = [:]
        var strongFlags: [String] = []
        var clean = 0, cleanFlagged = 0, cleanStrong = 0, cleanStrongFlagged = 0
        for family in families where family.heldOut != tuning {
            for seed in seeds {
                let c = family.make(schools, seed, 0)
                let schoolRisk = assess(c, settings).schools
                for t in c.truth {
                    guard let risk = schoolRisk[t.login]?.risk else { continue }
                    clean += 1
                    if t.strong { cleanStrong += 1 }
                    if risk >= settings.riskThreshold { cleanFlagged += 1; if t.strong { cleanStrongFlagged += 1 } }
                }
            }
        }
        for family in families {
            for seed in seeds {
                let c = family.make(schools, seed, 0.25)
                let started = Date()
                let (risks, schoolRisk) = assess(c, settings, outOfNull: oracle ? Set(c.truth.filter { $0.manipulation != nil }.map(\.login)) : [])
                elapsed += Date().timeIntervalSince(started)
                let baseline = naiveBaseline(c.works, spec: c.spec, minimum: settings.minimumGroup)
                dump?(dumpLines(risks, c, family: family.name, seed: seed))
                var values: [Double: Int] = [:]
                for t in c.truth {
                    guard let r = schoolRisk[t.login], let b = baseline[t.login] else { continue }
                    values[r.risk, default: 0] += 1
                    scored.append(Scored(family: family.name, heldOut: family.heldOut, manipulation: t.manipulation, strength: t.strength, strong: t.strong, inClass: t.inClass,
                                         risk: r.risk, baseline: b, signs: signZ(risks, school: t.login)))
                    guard t.manipulation == nil, r.risk >= settings.riskThreshold, family.heldOut != tuning else { continue }
                    for g in risks where g.school == t.login && g.risk >= settings.riskThreshold {
                        for x in g.shownSignals(settings) {
                            falseSignals["\(x.indicator.rawValue)\(g.className == nil ? "" : " (класс)")", default: 0] += 1
                        }
                    }
                    if t.strong {
                        strongFlags.append("\(family.name), seed \(seed), \(t.login): " + risks.filter { $0.school == t.login && $0.risk >= settings.riskThreshold }
                            .map { g in "\(g.className ?? "школа") " + g.contributions.filter { $0.signal.z > 1 }.map { "\($0.signal.indicator.rawValue) z=\(String(format: "%.1f", $0.signal.z))" }.joined(separator: ", ") }
                            .joined(separator: "; "))
                    }
                }
                let assessed = values.values.reduce(0, +)
                if assessed > 0 { largestTie = max(largestTie, Double(values.values.max() ?? 0) / Double(assessed)) }
            }
        }
        let heldOut = scored.filter { $0.heldOut != tuning }
        let honest = heldOut.filter { $0.manipulation == nil }
        func row(_ label: String, _ positives: [Scored], _ negatives: [Scored]) -> Row {
            Row(label: label, schools: positives.count, auc: auc(positives.map(\.risk), negatives.map(\.risk)),
                baselineAUC: auc(positives.map(\.baseline), negatives.map(\.baseline)),
                flagged: Double(positives.filter { $0.risk >= settings.riskThreshold }.count) / Double(max(1, positives.count)))
        }
        var rows: [Row] = []
        for band in SyntheticRegion.Strength.allCases {
            for m in SyntheticDistrict.Manipulation.allCases {
                rows.append(row("\(m.title) — \(band.title)", heldOut.filter { $0.manipulation == m && $0.strength == band }, honest))
            }
            rows.append(row("все — \(band.title)", heldOut.filter { $0.manipulation != nil && $0.strength == band }, honest))
        }
        rows.append(row("все, во всей школе", heldOut.filter { $0.manipulation != nil && !$0.inClass }, honest))
        rows.append(row("все, в одном классе школы", heldOut.filter { $0.manipulation != nil && $0.inClass }, honest))
        for m in SyntheticDistrict.Manipulation.allCases {
            rows.append(row("\(m.title) — в одном классе школы", heldOut.filter { $0.manipulation == m && $0.inClass }, honest))
        }
        rows.append(row("все манипуляции", heldOut.filter { $0.manipulation != nil }, honest))
        let familyRows = families.map { f in
            row(f.name, scored.filter { $0.family == f.name && $0.manipulation != nil }, scored.filter { $0.family == f.name && $0.manipulation == nil })
        }
        let strong = honest.filter(\.strong)
        let shown: [ObjectivitySignal.Indicator] = [.highResults, .taskProfileInversion, .lenientScoring, .thresholdHeaping, .journalMismatch, .personFit, .identicalPatterns, .participation]
        func signRow(_ label: String, _ positives: [Scored]) -> (label: String, auc: [ObjectivitySignal.Indicator: Double]) {
            (label, Dictionary(uniqueKeysWithValues: shown.map { i in
                (i, auc(positives.map { $0.signs[i.ordinal] ?? -38 }, honest.map { $0.signs[i.ordinal] ?? -38 }))
            }))
        }
        let signRows = [SyntheticRegion.Strength.weak, .ordinary].flatMap { b in
            SyntheticDistrict.Manipulation.allCases.map { m in signRow("\(m.title) — \(b.title)", heldOut.filter { $0.manipulation == m && $0.strength == b }) }
        }
        var report = Report(rows: rows, families: familyRows, honest: honest.count,
                      honestFlagged: Double(honest.filter { $0.risk >= settings.riskThreshold }.count) / Double(max(1, honest.count)),
                      strongHonest: strong.count, strongHonestFlagged: strong.filter { $0.risk >= settings.riskThreshold }.count,
                      largestTie: largestTie, seconds: elapsed, clean: clean, cleanFlagged: Double(cleanFlagged) / Double(max(1, clean)),
                      cleanStrong: cleanStrong, cleanStrongFlagged: cleanStrongFlagged,
                      falseSignals: falseSignals, strongFlags: strongFlags, threshold: settings.riskThreshold, tuning: tuning, oracle: oracle)
        report.signRows = signRows
        return report
    }

    /// Every assessed group of a case as CSV lines (`msoko bench objectivity --dump`): family letter,
    /// seed, school, class, works, the truth (manipulation, band, strong, in one class), risk, then each
    /// indicator's z in `Indicator.allCases` order (empty where the group has none) —
    /// what `scripts/bench/objectivity_combinations.py` recombines.
    static func dumpLines(_ risks: [GroupRisk], _ c: Case, family: String, seed: UInt64) -> String {
        let truth = Dictionary(c.truth.map { ($0.login, $0) }, uniquingKeysWith: { a, _ in a })
        var s = ""
        for g in risks where g.note == nil {
            guard let t = truth[g.school] else { continue }
            let zs = ObjectivitySignal.Indicator.allCases.map { i in g.contributions.first { $0.signal.indicator == i }.map { String(format: "%.4f", $0.signal.z) } ?? "" }
            s += "\(family.prefix(1)),\(seed),\(g.school),\(g.className ?? ""),\(g.participants),\(t.manipulation?.rawValue ?? ""),\(t.strength?.rawValue ?? ""),\(t.strong),\(t.inClass),\(g.risk)," + zs.joined(separator: ",") + "\n"
        }
        return s
    }

    /// Per indicator: the school's own z, or a class's (its p counted k times, as the risk does) when higher.
    static func signZ(_ risks: [GroupRisk], school: String) -> [Int: Double] {
        let groups = risks.filter { $0.school == school && $0.note == nil }
        let k = Double(max(1, groups.filter { $0.className != nil }.count))
        var out: [Int: Double] = [:]
        for g in groups {
            for c in g.contributions {
                let z = g.className == nil || k == 1 ? c.signal.z : Evidence.zOfUpperTail(min(1, Evidence.upperTail(c.signal.z) * k))
                out[c.signal.indicator.ordinal] = max(out[c.signal.indicator.ordinal] ?? -38, z)
            }
        }
        return out
    }

    /// The analysis and the objectivity pass over one case: every group's risk, and the assessed
    /// schools' entries by login.
    static func assess(_ c: Case, _ settings: ObjectivitySettings, outOfNull: Set<String> = []) -> (all: [GroupRisk], schools: [String: GroupRisk]) {
        let analysis = ResultsAnalysis.analyze(c.works, spec: c.spec, enrolment: c.enrolment)
        var inputs = ObjectivityAnalysis.Inputs(enrolment: c.enrolment)
        inputs.outOfNull = outOfNull
        let risks = ObjectivityAnalysis.evaluate(c.works, analysis: analysis, settings: settings, inputs: inputs)
        var schools: [String: GroupRisk] = [:]
        for r in risks where r.className == nil && r.note == nil { schools[r.school] = r }
        return (risks, schools)
    }

    /// The naive baseline, exactly as issue 12 states it: per school, the sum of its ranks among the
    /// district's assessed schools on three figures, each against the rest of the district — the z of
    /// the mean primary score, (П/В completion − basic completion) minus the rest's, and the share of
    /// works whose mark is above the journal mark minus the rest's. Higher: more suspect.
    public static func naiveBaseline(_ works: WorkTable, spec: ProcedureSpec, minimum: Int) -> [String: Double] {
        struct Sums { var n = 0.0, sum = 0.0, sum2 = 0.0, basic = 0.0, hard = 0.0, compared = 0.0, raised = 0.0 }
        let basicMax = Double(spec.tasks.filter { $0.level == .basic }.reduce(0) { $0 + $1.max })
        let hardMax = Double(spec.tasks.filter { $0.level != .basic }.reduce(0) { $0 + $1.max })
        var bySchool: [String: Sums] = [:], keys: [String] = []
        var total = Sums()
        for w in works {
            let key = w.schoolLogin ?? w.schoolName ?? ""
            if bySchool[key] == nil { keys.append(key) }
            var s = bySchool[key] ?? Sums()
            var basic = 0.0, hard = 0.0
            for (t, task) in spec.tasks.enumerated() where w.scores[t] != WorkRecord.notDone {
                if task.level == .basic { basic += Double(w.scores[t]) } else { hard += Double(w.scores[t]) }
            }
            let p = Double(w.primaryScore)
            var add = Sums(n: 1, sum: p, sum2: p * p, basic: basic, hard: hard)
            if let mark = w.mark, let journal = w.journalMark { add.compared = 1; add.raised = mark > journal ? 1 : 0 }
            for x in [\Sums.n, \.sum, \.sum2, \.basic, \.hard, \.compared, \.raised] { s[keyPath: x] += add[keyPath: x]; total[keyPath: x] += add[keyPath: x] }
            bySchool[key] = s
        }
        let assessed = keys.filter { (bySchool[$0]?.n ?? 0) >= Double(minimum) }
        var figures: [[Double]] = [[], [], []]
        for key in assessed {
            let s = bySchool[key]!
            let rn = total.n - s.n
            let rMean = (total.sum - s.sum) / rn, rVar = max((total.sum2 - s.sum2) / rn - rMean * rMean, 1e-9)
            figures[0].append((s.sum / s.n - rMean) / (rVar / s.n).squareRoot())
            let profile = { (b: Double, h: Double, n: Double) in h / (n * max(hardMax, 1)) - b / (n * max(basicMax, 1)) }
            figures[1].append(profile(s.basic, s.hard, s.n) - profile(total.basic - s.basic, total.hard - s.hard, rn))
            let rc = total.compared - s.compared
            figures[2].append((s.compared > 0 ? s.raised / s.compared : 0) - (rc > 0 ? (total.raised - s.raised) / rc : 0))
        }
        var rankSum = [Double](repeating: 0, count: assessed.count)
        for f in figures {
            let order = f.indices.sorted { f[$0] < f[$1] }
            var i = 0
            while i < order.count {
                var j = i
                while j + 1 < order.count && f[order[j + 1]] == f[order[i]] { j += 1 }
                for k in i...j { rankSum[order[k]] += Double(i + j) / 2 + 1 }
                i = j + 1
            }
        }
        return Dictionary(uniqueKeysWithValues: zip(assessed, rankSum))
    }

    /// Probability that a positive outranks a negative (ties count half).
    public static func auc(_ positives: [Double], _ negatives: [Double]) -> Double {
        guard !positives.isEmpty, !negatives.isEmpty else { return .nan }
        let sorted = negatives.sorted()
        var wins = 0.0
        for p in positives {
            // Negatives below p, and equal to p (half).
            var lo = 0, hi = sorted.count
            while lo < hi { let m = (lo + hi) / 2; if sorted[m] < p { lo = m + 1 } else { hi = m } }
            var eq = lo
            while eq < sorted.count && sorted[eq] == p { eq += 1 }
            wins += Double(lo) + Double(eq - lo) / 2
        }
        return wins / Double(positives.count * negatives.count)
    }

    public static func markdown(_ r: Report) -> String {
        let f3 = { (v: Double) in v.isNaN ? "—" : String(format: "%.3f", v) }
        let which = r.tuning ? "The tuning family (A)" : "Held-out families (B, C, D)"
        var s = "\(which), every manipulated school against every honest one, schools with at least 10 works:\n\n"
        if r.oracle { s = "Oracle: each sign's honest spread fitted on the honest schools alone (the truth known).\n" + s }
        s += "| manipulation — strength | schools | ROC AUC msoko | ROC AUC naive baseline | flagged at risk ≥ \(String(format: "%.2f", r.threshold)) |\n|---|---|---|---|---|\n"
        for row in r.rows {
            s += "| \(row.label) | \(row.schools) | \(f3(row.auc)) | \(f3(row.baselineAUC)) | \(String(format: "%.0f %%", row.flagged * 100)) |\n"
        }
        s += "\nPer family (all manipulations against the family's honest schools):\n\n| family | manipulated | ROC AUC msoko | ROC AUC naive baseline | flagged |\n|---|---|---|---|---|\n"
        for row in r.families {
            s += "| \(row.label) | \(row.schools) | \(f3(row.auc)) | \(f3(row.baselineAUC)) | \(String(format: "%.0f %%", row.flagged * 100)) |\n"
        }
        s += "\n\(r.tuning ? "Tuning" : "Held-out") honest schools: \(r.honest), flagged \(String(format: "%.1f %%", r.honestFlagged * 100)); honest strong schools: \(r.strongHonest), flagged \(r.strongHonestFlagged).\n"
        s += "The same regions with nobody manipulating: \(r.clean) assessed schools, flagged \(String(format: "%.1f %%", r.cleanFlagged * 100)); strong schools: \(r.cleanStrong), flagged \(r.cleanStrongFlagged).\n"
        s += "Largest share of a region's assessed schools sharing one risk value: \(String(format: "%.1f %%", r.largestTie * 100)).\n"
        if !r.falseSignals.isEmpty {
            s += "Signs behind these honest schools' flags: " + r.falseSignals.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.map { "\($0.key) \($0.value)" }.joined(separator: ", ") + ".\n"
        }
        for f in r.strongFlags { s += "Strong honest school flagged: \(f).\n" }
        if !r.signRows.isEmpty, let first = r.signRows.first {
            let order = ObjectivitySignal.Indicator.allCases.filter { first.auc[$0] != nil }
            s += "\nEach sign alone (ROC AUC of its z, the school's or a class's, \(r.tuning ? "tuning" : "held-out") families):\n\n| manipulation | " + order.map(\.rawValue).joined(separator: " | ") + " |\n|---|" + order.map { _ in "---|" }.joined() + "\n"
            for row in r.signRows { s += "| \(row.label) | " + order.map { f3(row.auc[$0] ?? .nan) }.joined(separator: " | ") + " |\n" }
            s += "\n"
        }
        s += "Objectivity analysis time over all regions: \(String(format: "%.2f", r.seconds)) s.\n"
        return s
    }
}
