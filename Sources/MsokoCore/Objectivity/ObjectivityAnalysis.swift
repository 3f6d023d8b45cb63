import Foundation

/// Signs of non-objective results for every school and class of an analysis (DESIGN.md, «Signs of
/// non-objective results»; docs/objectivity.md). Each group is compared with the rest of the
/// district (the district without the group's school), so a manipulated school does not hide in a
/// reference it inflates itself. One pass over the works, grouped by class.
public enum ObjectivityAnalysis {
    public struct Inputs: Sendable {
        /// Students per school key and class, where known (participation).
        public var enrolment: [String: [String: Int]]
        /// Classes an observer attended, per school key ("" for the whole school).
        public var observed: [String: Set<String>]
        /// Violations in submitted observers' acts, per school key and class ("" for the whole school).
        public var violations: [String: [String: [String]]]
        /// Per school key: (school − commission) primary score of each re-scored work.
        public var recheck: [String: [Double]]
        /// The same procedure a year earlier, per «school|class» («school|» for the school).
        public var previousYear: [String: GroupFigures] = [:]
        /// The same cohort a year later (grade + 1, the class letter kept), per «school|class» of this procedure.
        public var nextCohort: [String: GroupFigures] = [:]
        public init(enrolment: [String: [String: Int]] = [:], observed: [String: Set<String>] = [:], violations: [String: [String: [String]]] = [:],
                    recheck: [String: [Double]] = [:]) {
            self.enrolment = enrolment
            self.observed = observed
            self.violations = violations
            self.recheck = recheck
        }
    }

    /// Schools first (in the analysis' order), each followed by its classes.
    public static func evaluate(_ works: WorkTable, analysis a: ResultsAnalysis, settings: ObjectivitySettings = ObjectivitySettings(),
                                inputs: Inputs = Inputs()) -> [GroupRisk] {
        let spec = a.spec
        let T = spec.tasks.count
        guard T > 0, !works.isEmpty else { return [] }
        let maxes = spec.tasks.map(\.max)

        // Work → school and class, as the analysis keys them.
        var schoolOfKey: [String: Int] = [:]
        var schoolKeys: [String] = []
        let schoolIndexOfTable: [Int] = works.schoolTable.map { s in
            let key = s.login ?? s.name ?? ""
            if let i = schoolOfKey[key] { return i }
            schoolKeys.append(key)
            schoolOfKey[key] = schoolKeys.count - 1
            return schoolKeys.count - 1
        }
        var classOfKey: [Int: Int] = [:]
        var classSchool: [Int] = [], classText: [UInt32] = []
        var workClass = [Int32](repeating: 0, count: works.count)
        for i in 0..<works.count {
            let s = schoolIndexOfTable[Int(works.school[i])]
            let key = s << 32 | Int(works.classText[i])
            let c = classOfKey[key] ?? {
                classSchool.append(s)
                classText.append(works.classText[i])
                classOfKey[key] = classSchool.count - 1
                return classSchool.count - 1
            }()
            workClass[i] = Int32(c)
        }

        // Item steps (task t, score ≥ k) ordered from the most to the least often passed in the district.
        var stepPass: [(t: Int, k: Int, n: Int)] = []
        var atLeast = maxes.map { [Int](repeating: 0, count: $0 + 1) }
        works.scores.withUnsafeBufferPointer { scores in
            for i in 0..<works.count {
                for t in 0..<T {
                    let s = scores[i * T + t]
                    if s != WorkRecord.notDone && s > 0 { atLeast[t][Int(min(s, UInt8(maxes[t])))] += 1 }
                }
            }
        }
        for t in 0..<T {
            var cumulative = 0
            for k in stride(from: maxes[t], through: 1, by: -1) {
                cumulative += atLeast[t][k]
                stepPass.append((t, k, cumulative))
            }
        }
        stepPass.sort { $0.n > $1.n }
        let steps = stepPass.count

        // Classes' works together: a counting sort of work indices by class.
        let classCount = classSchool.count
        var start = [Int](repeating: 0, count: classCount + 1)
        for c in workClass { start[Int(c) + 1] += 1 }
        for c in 0..<classCount { start[c + 1] += start[c] }
        var order = [Int](repeating: 0, count: works.count)
        var fill = start
        for i in 0..<works.count { order[fill[Int(workClass[i])]] = i; fill[Int(workClass[i])] += 1 }

        // Per work: normed Guttman errors and a hash of the score vector. Identical vectors are
        // judged against works with the same primary score across the district: strong students
        // coincide on a full score by ability, not by copying.
        var guttman = [Float](repeating: 0, count: works.count)
        var hash = [UInt64](repeating: 0, count: works.count)
        var primaryOf = [Int32](repeating: 0, count: works.count)
        works.scores.withUnsafeBufferPointer { scores in
            for i in 0..<works.count {
                let row = UnsafeBufferPointer(rebasing: scores[(i * T)..<((i + 1) * T)])
                var failed = 0, errors = 0, passed = 0, primary = 0
                for step in stepPass {
                    let s = row[step.t]
                    if s != WorkRecord.notDone && Int(s) >= step.k { errors += failed; passed += 1 } else { failed += 1 }
                }
                guttman[i] = passed > 0 && passed < steps ? Float(errors) / Float(passed * (steps - passed)) : 0
                var h: UInt64 = 0xcbf2_9ce4_8422_2325
                for s in row {
                    h = (h ^ UInt64(s)) &* 0x100_0000_01b3
                    if s != WorkRecord.notDone { primary += Int(s) }
                }
                hash[i] = h
                primaryOf[i] = Int32(primary)
            }
        }
        // Pairs of works with the same primary score that coincide, over the district; for each
        // school the same without its own works (copies must not set their own expectation).
        var vectorCount: [UInt64: Int] = [:]
        var perScore = [Int](repeating: 0, count: spec.maxScore + 1)
        func vectorKey(_ i: Int) -> UInt64 { hash[i] &+ UInt64(primaryOf[i]) &* 0x9E37_79B9_7F4A_7C15 }
        for i in 0..<works.count {
            vectorCount[vectorKey(i), default: 0] += 1
            perScore[Int(primaryOf[i])] += 1
        }
        var coincidingPairs = [Int](repeating: 0, count: spec.maxScore + 1)
        var counted = Set<UInt64>()
        for i in 0..<works.count where counted.insert(vectorKey(i)).inserted {
            let c = vectorCount[vectorKey(i)]!
            coincidingPairs[Int(primaryOf[i])] += c * (c - 1) / 2
        }
        // Per school: its works' vectors and scores, to take out of the district's figures.
        var schoolCoincide: [[Double]] = []
        var schoolClasses = [[Int]](repeating: [], count: schoolKeys.count)
        for c in 0..<classCount { schoolClasses[classSchool[c]].append(c) }
        for s in 0..<schoolKeys.count {
            var own: [UInt64: Int] = [:]
            var ownScore = [Int](repeating: 0, count: spec.maxScore + 1)
            for c in schoolClasses[s] {
                for i in order[start[c]..<start[c + 1]] { own[vectorKey(i), default: 0] += 1; ownScore[Int(primaryOf[i])] += 1 }
            }
            var pairs = coincidingPairs
            // Subtract, score by score, the pairs the school's own works make with the district.
            var byScore: [Int: [(c: Int, k: Int)]] = [:]
            for c in schoolClasses[s] {
                for i in order[start[c]..<start[c + 1]] {
                    let key = vectorKey(i)
                    if let k = own[key] {
                        byScore[Int(primaryOf[i]), default: []].append((vectorCount[key]!, k))
                        own[key] = nil
                    }
                }
            }
            for (score, list) in byScore {
                for (c, k) in list { pairs[score] -= c * (c - 1) / 2 - (c - k) * (c - k - 1) / 2 }
            }
            schoolCoincide.append(perScore.indices.map { v in
                let n = perScore[v] - ownScore[v]
                return n < 2 ? 0 : Double(pairs[v]) / (Double(n) * Double(n - 1) / 2)
            })
        }
        var classPairs = [Int](repeating: 0, count: classCount)
        var classExpectedPairs = [Double](repeating: 0, count: classCount)
        var classLargest = [Int](repeating: 0, count: classCount)
        // ВПР mark against journal mark, per class: a 4 × 4 table (marks 2–5).
        var classJournal = [[Int]](repeating: [Int](repeating: 0, count: 16), count: classCount)
        let mins = spec.scale.map { [$0.three, $0.four, $0.five] }
        for c in 0..<classCount {
            var vectors: [UInt64: Int] = [:]
            var byScore = [Int](repeating: 0, count: spec.maxScore + 1)
            for i in order[start[c]..<start[c + 1]] {
                vectors[hash[i], default: 0] += 1
                byScore[Int(primaryOf[i])] += 1
                let journal = Int(works.marks[i] >> 4)
                if let mins, journal >= 2 {
                    let p = Int(primaryOf[i])
                    let mark = p >= mins[2] ? 5 : p >= mins[1] ? 4 : p >= mins[0] ? 3 : 2
                    classJournal[c][(mark - 2) * 4 + journal - 2] += 1
                }
            }
            classPairs[c] = vectors.values.reduce(0) { $0 + $1 * ($1 - 1) / 2 }
            classLargest[c] = vectors.values.max() ?? 0
            let coincide = schoolCoincide[classSchool[c]]
            classExpectedPairs[c] = byScore.indices.reduce(0.0) { $0 + Double(byScore[$1] * (byScore[$1] - 1) / 2) * coincide[$1] }
        }
        var districtJournal = [Int](repeating: 0, count: 16)
        for c in 0..<classCount { for k in 0..<16 { districtJournal[k] += classJournal[c][k] } }

        // The district's misfit threshold per primary score: the settings' quantile of normed Guttman
        // errors among works with that score (a weak work is more erratic than a strong one by nature,
        // so a weak school must not look misfitting for being weak).
        let scoreLevels = spec.maxScore + 1
        var bins = [Int](repeating: 0, count: 1001 * scoreLevels)
        for i in 0..<works.count { bins[Int(primaryOf[i]) * 1001 + Int((min(max(guttman[i], 0), 1) * 1000).rounded())] += 1 }
        var cuts = [Float](repeating: 1, count: scoreLevels)
        for v in 0..<scoreLevels {
            let total = perScore[v]
            var seen = 0
            for b in 0...1000 {
                seen += bins[v * 1001 + b]
                if total > 0 && Double(seen) >= settings.personFitQuantile * Double(total) { cuts[v] = Float(b) / 1000; break }
            }
        }
        var schoolMisfit = [Int](repeating: 0, count: schoolKeys.count), classMisfit = [Int](repeating: 0, count: classCount)
        for i in 0..<works.count where guttman[i] > cuts[Int(primaryOf[i])] {
            classMisfit[Int(workClass[i])] += 1
            schoolMisfit[classSchool[Int(workClass[i])]] += 1
        }
        let districtMisfit = schoolMisfit.reduce(0, +)

        var out: [GroupRisk] = []
        let district = a.district
        // Groups come as each school followed by its classes: the school's figures are at hand.
        var schoolGroup = district
        for g in a.groups where g.level != .district {
            if g.level == .school { schoolGroup = g }
            guard let key = g.school, let s = schoolOfKey[key], schoolGroup.school == key else { continue }
            let reference = district.minus(schoolGroup)
            var signals: [ObjectivitySignal] = []
            var risk = GroupRisk(school: key, schoolName: g.schoolName, className: g.className, participants: g.participants, risk: 0, signals: [], note: nil)
            guard g.participants >= settings.minimumGroup, reference.participants >= settings.minimumGroup else {
                risk.note = g.participants < settings.minimumGroup ? "менее \(settings.minimumGroup) работ: признаки не оцениваются" : "нет группы для сравнения"
                out.append(risk)
                continue
            }
            let classes: [Int] = g.level == .class
                ? schoolClasses[s].filter { works.texts[Int(classText[$0])] == g.className }
                : schoolClasses[s]
            let misfit = g.level == .class ? classes.reduce(0) { $0 + classMisfit[$1] } : schoolMisfit[s]
            let referenceMisfit = Double(districtMisfit - schoolMisfit[s]) / Double(reference.participants)

            if let x = highResults(g, reference, settings) { signals.append(x) }
            if let x = inversion(g, reference, spec, settings) { signals.append(x) }
            if let x = heaping(g, spec, settings) { signals.append(x) }
            var own = [Int](repeating: 0, count: 16), school = [Int](repeating: 0, count: 16)
            for c in classes { for k in 0..<16 { own[k] += classJournal[c][k] } }
            for c in schoolClasses[s] { for k in 0..<16 { school[k] += classJournal[c][k] } }
            let rest = (0..<16).map { districtJournal[$0] - school[$0] }
            if let x = journal(own: own, rest: rest, settings) { signals.append(x) }
            if let x = personFit(misfit: misfit, n: g.participants, reference: referenceMisfit, settings) { signals.append(x) }
            let pairs = classes.reduce(0) { $0 + classPairs[$1] }, expected = classes.reduce(0.0) { $0 + classExpectedPairs[$1] }
            let largest = classes.map { classLargest[$0] }.max() ?? 0
            if let x = identical(pairs: pairs, expected: expected, largest: largest, settings) { signals.append(x) }
            let enrolled = g.level == .class ? inputs.enrolment[key]?[g.className ?? ""] : inputs.enrolment[key].map { $0.values.reduce(0, +) }
            if let e = enrolled, let x = participation(g, enrolled: e, reference, settings) { signals.append(x) }
            if let x = observer(g, a: a, key: key, inputs: inputs, settings) { signals.append(x) }
            if g.level == .school, let d = inputs.recheck[key], let x = recheck(d, settings) { signals.append(x) }
            let groupKey = "\(key)|\(g.className ?? "")"
            if let before = inputs.previousYear[groupKey], let x = yearJump(g, before, settings) { signals.append(x) }
            if let after = inputs.nextCohort[groupKey], let x = cohortFall(g, after, settings) { signals.append(x) }
            risk.signals = signals
            risk.risk = combine(signals, settings)
            out.append(risk)
        }
        return out
    }

    // MARK: indicators

    static func binomialZ(_ share: Double, _ p0: Double, _ n: Int) -> Double {
        let p = min(max(p0, 0.01), 0.99)
        return (share - p) / (p * (1 - p) / Double(max(n, 1))).squareRoot()
    }

    static func pp(_ v: Double) -> String { ReferenceTable.format((v * 1000).rounded() / 10) }

    static func highResults(_ g: GroupFigures, _ ref: GroupFigures, _ s: ObjectivitySettings) -> ObjectivitySignal? {
        guard let q = g.qualityRate, let q0 = ref.qualityRate else { return nil }
        let z = binomialZ(q, q0, g.participants)
        guard z >= s.signalZ, q - q0 >= s.highResultsMargin else { return nil }
        return ObjectivitySignal(indicator: .highResults, value: q, threshold: q0 + s.highResultsMargin, reference: q0, z: z,
                                 explanation: "Доля отметок «4» и «5» — \(pp(q)) % при \(pp(q0)) % в остальных школах района (выше на \(pp(q - q0)) п. п.).")
    }

    static func logit(_ p: Double) -> Double { log(p / (1 - p)) }

    static func inversion(_ g: GroupFigures, _ ref: GroupFigures, _ spec: ProcedureSpec, _ s: ObjectivitySettings) -> ObjectivitySignal? {
        var easy: [(d: Double, v: Double)] = [], hard: [(d: Double, v: Double)] = []
        for (t, task) in spec.tasks.enumerated() {
            let n = Double(g.participants * task.max), n0 = Double(ref.participants * task.max)
            // Half a point either side keeps the logit finite at 0 % and 100 %.
            let c = (Double(g.taskPoints[t]) + 0.5) / (n + 1), c0 = (Double(ref.taskPoints[t]) + 0.5) / (n0 + 1)
            let d = logit(c) - logit(c0)
            let v = 1 / (n * c * (1 - c)) + 1 / (n0 * c0 * (1 - c0))
            if task.level == .basic { easy.append((d, v)) } else { hard.append((d, v)) }
        }
        guard !easy.isEmpty, !hard.isEmpty else { return nil }
        let mean = { (xs: [(d: Double, v: Double)]) in xs.reduce(0) { $0 + $1.d } / Double(xs.count) }
        let variance = { (xs: [(d: Double, v: Double)]) in xs.reduce(0) { $0 + $1.v } / Double(xs.count * xs.count) }
        let gap = mean(hard) - mean(easy)
        let z = gap / (variance(hard) + variance(easy)).squareRoot()
        guard z >= s.signalZ, gap >= s.inversionLogits else { return nil }
        return ObjectivitySignal(indicator: .taskProfileInversion, value: gap, threshold: s.inversionLogits, reference: 0, z: z,
                                 explanation: "Задания повышенного и высокого уровня выполнены заметно лучше, чем базовые, относительно остальных школ района (разрыв \(ReferenceTable.format((gap * 100).rounded() / 100)) логита).")
    }

    /// Works at each mark's threshold against the scores just below it (t−1, t−2), where a teacher
    /// who lifts a score over the threshold takes them from. What to expect comes from a straight
    /// line through the scores further away (t−4, t−3, t+1, t+2), so the group's own shape — a
    /// strong school's skew — is allowed for; the three thresholds are pooled.
    static func heaping(_ g: GroupFigures, _ spec: ProcedureSpec, _ s: ObjectivitySettings) -> ObjectivitySignal? {
        guard let scale = spec.scale else { return nil }
        let h = g.histogram.map(Double.init)
        var observed = 0.0, expected = 0.0, variance = 0.0
        for t in [scale.three, scale.four, scale.five] where t >= 2 {
            let around = [t - 4, t - 3, t + 1, t + 2].filter { $0 >= 0 && $0 < h.count }
            guard around.count >= 2 else { continue }
            // Least squares line through the points around.
            let mx = Double(around.reduce(0, +)) / Double(around.count)
            let my = around.reduce(0.0) { $0 + h[$1] } / Double(around.count)
            let sxx = around.reduce(0.0) { $0 + pow(Double($1) - mx, 2) }
            let slope = sxx > 0 ? around.reduce(0.0) { $0 + (Double($1) - mx) * (h[$1] - my) } / sxx : 0
            let fit = { (k: Int) in max(0.25, my + slope * (Double(k) - mx)) }
            let x = h[t], n = h[t] + h[t - 1] + h[t - 2]
            guard n > 0 else { continue }
            let p0 = fit(t) / (fit(t) + fit(t - 1) + fit(t - 2))
            observed += x
            expected += n * p0
            variance += n * p0 * (1 - p0)
        }
        guard variance > 0 else { return nil }
        let z = (observed - expected) / variance.squareRoot()
        guard z >= s.heapingZ else { return nil }
        return ObjectivitySignal(indicator: .thresholdHeaping, value: observed, threshold: expected + s.heapingZ * variance.squareRoot(), reference: expected, z: z,
                                 explanation: "Ровно на границах отметок («3» — \(scale.three), «4» — \(scale.four), «5» — \(Plural.points(scale.five))) \(Plural.works(Int(observed))) при ожидаемых \(Int(expected.rounded())) по соседним баллам; на один-два балла ниже границ работ меньше ожидаемого.")
    }

    /// Works whose ВПР mark is above the journal mark, against what the rest of the district shows
    /// for works with the same ВПР mark: a strong school's «5» next to a journal «5» is no sign,
    /// a «5» next to a journal «3» more often than elsewhere is. Tables are 4 × 4 (ВПР mark × journal mark).
    static func journal(own: [Int], rest: [Int], _ s: ObjectivitySettings) -> ObjectivitySignal? {
        var observed = 0.0, expected = 0.0, variance = 0.0, compared = 0
        for m in 0..<4 {
            let n = (0..<4).reduce(0) { $0 + own[m * 4 + $1] }
            let n0 = (0..<4).reduce(0) { $0 + rest[m * 4 + $1] }
            compared += n
            guard n > 0 else { continue }
            let higher = (0..<m).reduce(0) { $0 + own[m * 4 + $1] }
            let higher0 = (0..<m).reduce(0) { $0 + rest[m * 4 + $1] }
            // With no reference works of this mark, the expectation is the pooled one (below).
            let p0 = n0 > 0 ? (Double(higher0) + 0.5) / (Double(n0) + 1) : 0.5
            observed += Double(higher)
            expected += Double(n) * p0
            variance += Double(n) * p0 * (1 - p0)
        }
        guard compared >= 10, variance > 0 else { return nil }
        let z = (observed - expected) / variance.squareRoot()
        let share = observed / Double(compared), share0 = expected / Double(compared)
        guard z >= s.signalZ, share - share0 >= s.journalMargin else { return nil }
        return ObjectivitySignal(indicator: .journalMismatch, value: share, threshold: share0 + s.journalMargin, reference: share0, z: z,
                                 explanation: "Отметку за работу выше журнальной получили \(pp(share)) % участников; в остальных школах района при тех же отметках за работу — \(pp(share0)) %.")
    }

    static func personFit(misfit: Int, n: Int, reference m0: Double, _ s: ObjectivitySettings) -> ObjectivitySignal? {
        let m = Double(misfit) / Double(n)
        let z = binomialZ(m, m0, n)
        guard z >= s.signalZ, m - m0 >= s.personFitMargin else { return nil }
        return ObjectivitySignal(indicator: .personFit, value: m, threshold: m0 + s.personFitMargin, reference: m0, z: z,
                                 explanation: "У \(pp(m)) % работ нетипичный набор ответов (решены трудные задания при нерешённых лёгких) при \(pp(m0)) % в остальных школах района.")
    }

    static func identical(pairs: Int, expected: Double, largest: Int, _ s: ObjectivitySettings) -> ObjectivitySignal? {
        guard largest >= 3 || pairs >= 2 else { return nil }
        let z = poissonZ(observed: pairs, mean: max(expected, 1e-9))
        guard z >= s.signalZ else { return nil }
        return ObjectivitySignal(indicator: .identicalPatterns, value: Double(pairs), threshold: expected, reference: expected, z: z,
                                 explanation: "Совпадающих по всем заданиям пар работ — \(pairs) (наибольшая группа одинаковых работ — \(largest)) при ожидаемых \(ReferenceTable.format((expected * 100).rounded() / 100)) случайно.")
    }

    static func participation(_ g: GroupFigures, enrolled: Int, _ ref: GroupFigures, _ s: ObjectivitySettings) -> ObjectivitySignal? {
        guard enrolled > 0 else { return nil }
        let share = min(1, Double(g.participants) / Double(enrolled))
        let expected = 0.95
        let z = (expected - share) / (expected * (1 - expected) / Double(enrolled)).squareRoot()
        guard share < s.participationMinimum, z >= s.signalZ else { return nil }
        return ObjectivitySignal(indicator: .participation, value: share, threshold: s.participationMinimum, reference: expected, z: z,
                                 explanation: "Работу писали \(g.participants) из \(Plural.count(enrolled, "обучающегося", "обучающихся", "обучающихся")) (\(pp(share)) %): возможно, к работе не допущены слабые обучающиеся.")
    }

    /// An observer's act with violations in this school (or class); or, where some classes were
    /// observed and others not, results in the unobserved classes far above the observed ones.
    static func observer(_ g: GroupFigures, a: ResultsAnalysis, key: String, inputs: Inputs, _ s: ObjectivitySettings) -> ObjectivitySignal? {
        let acts = inputs.violations[key] ?? [:]
        let found = g.level == .class ? (acts[g.className ?? ""] ?? []) + (acts[""] ?? []) : acts.values.flatMap { $0 }
        if !found.isEmpty {
            return ObjectivitySignal(indicator: .observerEffect, value: Double(found.count), threshold: 1, reference: 0, z: s.signalZ + 2.5,
                                     explanation: "В акте наблюдения отмечены нарушения: \(Set(found).sorted().joined(separator: "; ")).")
        }
        guard g.level == .school, let observed = inputs.observed[key], !observed.contains("") else { return nil }
        let classes = a.classes(of: key)
        let seen = classes.filter { observed.contains($0.className ?? "") }, unseen = classes.filter { !observed.contains($0.className ?? "") }
        let good = { (xs: [GroupFigures]) in xs.reduce(0) { $0 + $1.marks[2] + $1.marks[3] } }
        let total = { (xs: [GroupFigures]) in xs.reduce(0) { $0 + $1.marks.reduce(0, +) } }
        let n1 = total(seen), n2 = total(unseen)
        guard n1 >= 10, n2 >= 10 else { return nil }
        let q1 = Double(good(seen)) / Double(n1), q2 = Double(good(unseen)) / Double(n2)
        let pooled = Double(good(seen) + good(unseen)) / Double(n1 + n2)
        let se = (pooled * (1 - pooled) * (1 / Double(n1) + 1 / Double(n2))).squareRoot()
        guard se > 0 else { return nil }
        let z = (q2 - q1) / se
        guard z >= s.signalZ, q2 - q1 >= s.highResultsMargin else { return nil }
        return ObjectivitySignal(indicator: .observerEffect, value: q2, threshold: q1 + s.highResultsMargin, reference: q1, z: z,
                                 explanation: "В классах без наблюдателя доля «4» и «5» — \(pp(q2)) %, в классах с наблюдателем — \(pp(q1)) %.")
    }

    /// Two-proportion z of the share of 4 and 5: `a` against `b`.
    static func qualityZ(_ a: GroupFigures, _ b: GroupFigures) -> (Double, Double, Double)? {
        guard let qa = a.qualityRate, let qb = b.qualityRate, a.participants >= 10, b.participants >= 10 else { return nil }
        let na = Double(a.marks.reduce(0, +)), nb = Double(b.marks.reduce(0, +))
        let pooled = (qa * na + qb * nb) / (na + nb)
        let se = (pooled * (1 - pooled) * (1 / na + 1 / nb)).squareRoot()
        guard se > 0 else { return nil }
        return ((qa - qb) / se, qa, qb)
    }

    /// A jump against the same procedure a year earlier.
    static func yearJump(_ g: GroupFigures, _ before: GroupFigures, _ s: ObjectivitySettings) -> ObjectivitySignal? {
        guard let (z, now, then) = qualityZ(g, before), z >= s.signalZ, now - then >= s.yearMargin else { return nil }
        return ObjectivitySignal(indicator: .yearAnomaly, value: now, threshold: then + s.yearMargin, reference: then, z: z,
                                 explanation: "Доля «4» и «5» выросла за год с \(pp(then)) % до \(pp(now)) %: резкий скачок требует проверки.")
    }

    /// The same students a year later do far worse: this year's results look inflated.
    static func cohortFall(_ g: GroupFigures, _ after: GroupFigures, _ s: ObjectivitySettings) -> ObjectivitySignal? {
        guard let (z, now, later) = qualityZ(g, after), z >= s.signalZ, now - later >= s.yearMargin else { return nil }
        return ObjectivitySignal(indicator: .cohortAnomaly, value: now, threshold: later + s.yearMargin, reference: later, z: z,
                                 explanation: "Через год те же обучающиеся показали долю «4» и «5» \(pp(later)) % против \(pp(now)) % в этой работе.")
    }

    /// One-sided z of observing `observed` or more from a Poisson mean.
    static func poissonZ(observed: Int, mean: Double) -> Double {
        guard observed > 0 else { return 0 }
        // P(X ≥ k) = 1 − Σ_{i<k} e^−λ λ^i / i!
        var term = exp(-mean), cdf = 0.0
        for i in 0..<observed {
            cdf += term
            term *= mean / Double(i + 1)
        }
        let p = max(1 - cdf, 1e-300)
        return normalQuantile(1 - p)
    }

    /// Acklam's rational approximation of the standard normal quantile (relative error < 1.2e-9).
    static func normalQuantile(_ p: Double) -> Double {
        if p <= 0 { return -40 }
        if p >= 1 { return 40 }
        let a = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00]
        let b = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01, -1.328068155288572e+01]
        let c = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00]
        let d = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00]
        let low = 0.02425
        if p < low {
            let q = (-2 * log(p)).squareRoot()
            return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
        }
        if p > 1 - low {
            let q = (-2 * log(1 - p)).squareRoot()
            return -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
        }
        let q = p - 0.5, r = q * q
        return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
    }

    /// Weight of each indicator in the risk: high results alone never reach the «есть признаки»
    /// level (a strong school is not flagged for being strong); a strong sign of another kind does.
    static let weights: [ObjectivitySignal.Indicator: Double] = [
        .highResults: 0.25, .taskProfileInversion: 0.8, .thresholdHeaping: 0.8, .journalMismatch: 0.6, .personFit: 0.75,
        .identicalPatterns: 0.85, .participation: 0.75, .observerEffect: 0.6, .recheckDiscrepancy: 0.9, .cohortAnomaly: 0.7, .yearAnomaly: 0.6,
    ]

    /// 1 − Π(1 − cᵢ) over the signals that fired, cᵢ = weight × (0.5 at the threshold, rising with z to 1):
    /// one sign alone reaches «есть признаки» only when it is clearly past its threshold. High results
    /// only strengthen other evidence, in proportion to it: a strong school is never flagged for being
    /// strong, nor pushed over the line by it on a weak second sign.
    static func combine(_ signals: [ObjectivitySignal], _ s: ObjectivitySettings) -> Double {
        var keep = 1.0, high = 0.0
        for x in signals {
            let strength = min(1, 0.5 + 0.2 * max(0, x.z - (x.indicator == .thresholdHeaping ? s.heapingZ : s.signalZ)))
            let c = (weights[x.indicator] ?? 0.5) * strength
            if x.indicator == .highResults { high = c } else { keep *= 1 - c }
        }
        let risk = 1 - keep
        return risk + (1 - risk) * high * risk
    }
}

extension GroupFigures {
    /// These figures without another group's (the district without one school).
    func minus(_ o: GroupFigures) -> GroupFigures {
        var r = self
        r.participants -= o.participants
        for k in 0..<4 { r.marks[k] -= o.marks[k] }
        r.primarySum -= o.primarySum
        for t in r.taskPoints.indices { r.taskPoints[t] -= o.taskPoints[t] }
        for v in r.histogram.indices { r.histogram[v] -= o.histogram[v] }
        for k in 0..<4 { for t in r.taskPoints.indices { r.taskPointsByMark[k][t] -= o.taskPointsByMark[k][t] } }
        r.journalLower -= o.journalLower
        r.journalSame -= o.journalSame
        r.journalHigher -= o.journalHigher
        r.journalGapTwoOrMore -= o.journalGapTwoOrMore
        return r
    }
}
