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
        /// School keys left out when the honest spread of each sign is fitted (the empirical null):
        /// only the detection benchmark's «oracle» sets it, to measure what fitting the null on a
        /// district with manipulated schools in it costs. Their own signs are judged as usual.
        public var outOfNull: Set<String> = []
        public init(enrolment: [String: [String: Int]] = [:], observed: [String: Set<String>] = [:], violations: [String: [String: [String]]] = [:],
                    recheck: [String: [Double]] = [:]) {
            self.enrolment = enrolment
            self.observed = observed
            self.violations = violations
            self.recheck = recheck
        }
    }

    /// What the signs need of each work from the works alone: normed Guttman errors, a hash of the
    /// score vector, the primary score, its class, the works class by class and each class's band of
    /// strength. Independent of the analysis, so `msoko analyze` computes it on a thread of its own
    /// while the analysis runs (the analysis leaves a core idle in its serial steps, and the classes'
    /// order and bands are serial steps themselves).
    public struct PerWork: Sendable {
        var guttman: [Float], hash: [UInt64], primaryOf: [Int32]
        /// Each work's points on the basic tasks, the others, the one-point tasks and the multi-point
        /// ones, 16 bits each from the lowest (`Split`), for the conditional tables; empty when a sum
        /// could pass 16 bits (more than 258 tasks), and the tables then add the points themselves.
        var splitPoints: [UInt64]
        let taskCount: Int
        /// The schools (keyed as the analysis keys them) and classes of the works; each work's class;
        /// the works class by class (`order`, class c at `start[c]..<start[c + 1]`); each class's
        /// band of strength (the lower, middle or upper third of the district's works by its mean).
        let schoolKeys: [String], schoolOfKey: [String: Int], classSchool: [Int], classText: [UInt32]
        var workClass: [Int32], order: [Int]
        let start: [Int], classBand: [UInt8]
        /// Classes' strength bands for the identical-works expectation: thirds (5 and 8 were measured
        /// and gave the same detection: docs/objectivity.md).
        static let bands = 3

        /// The four sums of `splitPoints`, by their place.
        enum Split: Int, CaseIterable { case basic, other, onePoint, multiPoint }

        /// The tasks each sum adds up.
        static func tasks(_ split: Split, _ spec: ProcedureSpec) -> [Int] {
            spec.tasks.indices.filter {
                switch split {
                case .basic: spec.tasks[$0].level == .basic
                case .other: spec.tasks[$0].level != .basic
                case .onePoint: spec.tasks[$0].max == 1
                case .multiPoint: spec.tasks[$0].max >= 2
                }
            }
        }
    }

    public static func perWork(_ works: borrowing WorkTable, spec: ProcedureSpec, threads: Int = Parallelism.threads) -> PerWork {
        let T = spec.tasks.count
        let maxes = spec.tasks.map(\.max)
        var clock = PhaseClock("признаки")
        // Item steps (task t, score ≥ k) ordered from the most to the least often passed in the district.
        var stepPass: [(t: Int, k: Int, n: Int)] = []
        // Works counted per task and cell byte in runs on every core (each run its own counts, added
        // after): a slot for each of the 256 values, so that a cell is counted without a branch or a
        // clamp («X» is 255 and never read; a score past the task's maximum — which the reader does
        // not let in — counts as the maximum, as a step passed).
        let runs = max(1, min(threads * 4, works.count / 100_000))
        let partial = UnsafeMutableBufferPointer<Int>.allocate(capacity: runs * T * 256)
        partial.initialize(repeating: 0)
        defer { partial.deallocate() }
        works.scores.withUnsafeBufferPointer { scores in
            nonisolated(unsafe) let (scores, counts) = (scores, partial)
            Parallelism.forEachRun(of: works.count, runs: runs, threads: threads) { run, range in
                let base = run * T * 256
                for i in range {
                    for t in 0..<T { counts[base + t << 8 + Int(scores[i * T + t])] += 1 }
                }
            }
        }
        func worksAt(_ t: Int, _ v: Int) -> Int { (0..<runs).reduce(0) { $0 + partial[$1 * T * 256 + t << 8 + v] } }
        for t in 0..<T {
            var cumulative = maxes[t] < 254 ? ((maxes[t] + 1)...254).reduce(0) { $0 + worksAt(t, $1) } : 0
            for k in Swift.stride(from: maxes[t], through: 1, by: -1) {
                cumulative += worksAt(t, k)
                stepPass.append((t, k, cumulative))
            }
        }
        stepPass.sort { $0.n > $1.n }
        let steps = stepPass.count
        // A work's Guttman errors without going through the steps: ordered by how often they are
        // passed, step j (from 0) is passed with j − (steps passed before it) easier ones failed, so
        // the errors are (the sum of the passed steps' places) − P(P − 1)/2 for P steps passed — the
        // same integer the pairs give. Per task and cell byte, one word: the places of the steps its
        // score passes (from bit 20) and how many it passes (below), added up over the tasks.
        precondition(T < 4096 && steps < 1 << 20, "the steps' places and counts fit their fields")
        var stepWord = [UInt64](repeating: 0, count: T * 256)
        for (place, step) in stepPass.enumerated() {
            for v in step.k...255 where v != Int(WorkRecord.notDone) { stepWord[step.t << 8 + v] += UInt64(place) << 20 | 1 }
        }
        // The conditional tables' sums in the same pass (a cell's points in the 16 bits of each sum its
        // task belongs to): the tables adding them up themselves took 0.08 s of a country on one core.
        let splitting = T * 254 < 1 << 16
        var splitWord = [UInt64](repeating: 0, count: splitting ? T * 256 : 0)
        if splitting {
            for split in PerWork.Split.allCases {
                for t in PerWork.tasks(split, spec) {
                    for v in 0...255 { splitWord[t << 8 + v] += UInt64(WorkRecord.points(UInt8(v))) << (16 * UInt64(split.rawValue)) }
                }
            }
        }
        var splitPoints = Parallelism.array(repeating: UInt64(0), count: splitting ? works.count : 0, threads: threads)

        clock.lap("шаги заданий")
        // Per work: normed Guttman errors and a hash of the score vector. Identical vectors are
        // judged against works with the same primary score across the district: strong students
        // coincide on a full score by ability, not by copying.
        // (Zeroed on every core: the first touch of 24 MB of pages on one core was most of a step.)
        var guttman = Parallelism.array(repeating: Float(0), count: works.count, threads: threads)
        var hash = Parallelism.array(repeating: UInt64(0), count: works.count, threads: threads)
        var primaryOf = Parallelism.array(repeating: Int32(0), count: works.count, threads: threads)
        // Works are independent here: in chunks on every core, each writing its own rows.
        let count = works.count
        guttman.withUnsafeMutableBufferPointer { g in
            hash.withUnsafeMutableBufferPointer { hh in
                primaryOf.withUnsafeMutableBufferPointer { pp in
                    splitPoints.withUnsafeMutableBufferPointer { lp in
                        works.scores.withUnsafeBufferPointer { sc in
                            nonisolated(unsafe) let (g, hh, pp, lp, sc) = (g, hh, pp, lp, sc)
                            Parallelism.forEachRun(of: count, runs: min(64, count / 50_000), threads: threads) { [stepWord, splitWord] _, range in
                                stepWord.withUnsafeBufferPointer { sw in
                                    splitWord.withUnsafeBufferPointer { lw in
                                        for i in range {
                                            let base = i * T
                                            var primary = 0, word: UInt64 = 0, split: UInt64 = 0
                                            var h: UInt64 = 0xcbf2_9ce4_8422_2325
                                            for t in 0..<T {
                                                let s = sc[base + t]
                                                word &+= sw[t << 8 + Int(s)]
                                                h = (h ^ UInt64(s)) &* 0x100_0000_01b3
                                                primary &+= WorkRecord.points(s)
                                            }
                                            if splitting {
                                                for t in 0..<T { split &+= lw[t << 8 + Int(sc[base + t])] }
                                                lp[i] = split
                                            }
                                            let passed = Int(word & 0xF_FFFF)
                                            let errors = Int(word >> 20) - passed * (passed - 1) / 2
                                            g[i] = passed > 0 && passed < steps ? Float(errors) / Float(passed * (steps - passed)) : 0
                                            hh[i] = h
                                            pp[i] = Int32(primary)
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        clock.lap("Гуттман и ключи работ")
        // Work → school and class, as the analysis keys them.
        var schoolOfKey = [String: Int](minimumCapacity: works.schoolTable.count)
        var schoolKeys: [String] = []
        let schoolIndexOfTable: [Int] = works.schoolTable.map { s in
            let key = s.login ?? s.name ?? ""
            if let i = schoolOfKey[key] { return i }
            schoolKeys.append(key)
            schoolOfKey[key] = schoolKeys.count - 1
            return schoolKeys.count - 1
        }
        // (Room for about two classes a school from the start: the table grows by rehashing otherwise.)
        var classOfKey = [Int: Int](minimumCapacity: works.schoolTable.count * 2)
        var classSchool: [Int] = [], classText: [UInt32] = []
        var workClass = Parallelism.array(repeating: Int32(0), count: works.count, threads: threads)
        // (A file's rows come class by class: per work only a comparison with the work above; the
        // dictionary is asked only when the school or class changes.)
        var lastKey = -1, lastClass = 0
        works.school.withUnsafeBufferPointer { school in
            works.classText.withUnsafeBufferPointer { text in
                workClass.withUnsafeMutableBufferPointer { wc in
                    precondition(school.count == wc.count && text.count == wc.count)
                    var lastSchool = UInt32.max, lastText = UInt32.max
                    for i in 0..<wc.count {
                        if school[i] != lastSchool || text[i] != lastText {
                            (lastSchool, lastText) = (school[i], text[i])
                            let s = schoolIndexOfTable[Int(school[i])]
                            let key = s << 32 | Int(text[i])
                            if key != lastKey {
                                lastKey = key
                                lastClass = classOfKey[key] ?? {
                                    classSchool.append(s)
                                    classText.append(text[i])
                                    classOfKey[key] = classSchool.count - 1
                                    return classSchool.count - 1
                                }()
                            }
                        }
                        wc[i] = Int32(lastClass)
                    }
                }
            }
        }

        clock.lap("классы работ")
        // Classes' works together: a counting sort of work indices by class.
        let classCount = classSchool.count
        // (Through buffers: as array subscripts in this function the loops kept a uniqueness check
        // and an end-of-mutation call per work, 1.5 million of each for a country.)
        var start = [Int](repeating: 0, count: classCount + 1)
        var order = Parallelism.array(repeating: 0, count: works.count, threads: threads)
        start.withUnsafeMutableBufferPointer { st in
            order.withUnsafeMutableBufferPointer { or in
                workClass.withUnsafeBufferPointer { wc in
                    for c in wc { st[Int(c) + 1] += 1 }
                    for c in 0..<classCount { st[c + 1] += st[c] }
                    var fill = Array(st)
                    fill.withUnsafeMutableBufferPointer { fl in
                        for i in wc.indices { or[fl[Int(wc[i])]] = i; fl[Int(wc[i])] += 1 }
                    }
                }
            }
        }
        // Each class's sum over its works (together in `order`), the classes in runs on every core.
        var classSum = [Int](repeating: 0, count: classCount)
        classSum.withUnsafeMutableBufferPointer { cs in
            nonisolated(unsafe) let cs = cs
            Parallelism.forEachRun(of: classCount, runs: threads * 8, threads: threads) { [order, start, primaryOf] _, range in
                for c in range { cs[c] = order[start[c]..<start[c + 1]].reduce(0) { $0 + Int(primaryOf[$1]) } }
            }
        }
        // A class's band: where its mean stands among the district's works (its classes' midrank, so
        // that classes of one mean share a band): the lower, middle or upper third.
        let classMean = (0..<classCount).map { c in Double(classSum[c]) / Double(max(1, start[c + 1] - start[c])) }
        let byMean = (0..<classCount).sorted { classMean[$0] < classMean[$1] }
        var classBand = [UInt8](repeating: 0, count: classCount)
        let bands = PerWork.bands
        var below = 0, tie = 0
        while tie < byMean.count {
            var end = tie, inTie = 0
            while end < byMean.count && classMean[byMean[end]] == classMean[byMean[tie]] { inTie += start[byMean[end] + 1] - start[byMean[end]]; end += 1 }
            let position = (Double(below) + Double(inTie) / 2) / Double(max(1, works.count))
            for k in tie..<end { classBand[byMean[k]] = UInt8(min(bands - 1, Int(position * Double(bands)))) }
            below += inTie
            tie = end
        }
        clock.lap("полосы классов")
        return PerWork(guttman: guttman, hash: hash, primaryOf: primaryOf, splitPoints: splitPoints, taskCount: T, schoolKeys: schoolKeys, schoolOfKey: schoolOfKey,
                       classSchool: classSchool, classText: classText, workClass: workClass, order: order, start: start, classBand: classBand)
    }

    /// Schools first (in the analysis' order), each followed by its classes.
    /// `threads`: how many cores the passes use (the same risks whatever the number).
    public static func evaluate(_ works: consuming WorkTable, analysis a: ResultsAnalysis, settings: ObjectivitySettings = ObjectivitySettings(),
                                inputs: Inputs = Inputs(), threads: Int = Parallelism.threads, perWork given: consuming PerWork? = nil) -> [GroupRisk] {
        let spec = a.spec
        let T = spec.tasks.count
        guard T > 0, !works.isEmpty else { return [] }
        let maxes = spec.tasks.map(\.max)

        var clock = PhaseClock("признаки")
        // Per work (from its scores alone): computed here, or before — beside the analysis, by a caller
        // with a core to spare (`perWork`).
        var pre = given.take() ?? perWork(works, spec: spec, threads: threads)
        precondition(pre.guttman.count == works.count && pre.workClass.count == works.count && pre.taskCount == T, "per-work passes of other works")
        var (guttman, hash, primaryOf, workClass, order, splitPoints) = (pre.guttman, pre.hash, pre.primaryOf, pre.workClass, pre.order, pre.splitPoints)
        (pre.guttman, pre.hash, pre.primaryOf, pre.workClass, pre.order, pre.splitPoints) = ([], [], [], [], [], [])
        let (schoolKeys, schoolOfKey, classSchool, classText, start, classBand) = (pre.schoolKeys, pre.schoolOfKey, pre.classSchool, pre.classText, pre.start, pre.classBand)
        let classCount = classSchool.count, bands = PerWork.bands
        clock.lap("шаги заданий, Гуттман, классы работ")
        // Pairs of works with the same primary score that coincide, over the district; for each school
        // the same without its own works (copies must not set their own expectation). Also *among
        // works of classes of the same strength* (a band of the class's mean primary score: the
        // lower, middle and upper third of the district's works): in a strong class a work one point
        // short of the maximum has almost surely missed the hardest task, so such works coincide far
        // more often than the district's works with that score do (an honest gymnasium class had z
        // 5.1). A class's expected pairs take the higher of the two rates — its band's where the
        // rest of the district has 30 works in it — so that a strong class is not flagged for the
        // way strong students coincide, and no class is judged more strictly than by the district.
        // Works sorted by (vector, band, school) within each score: a run of one vector gives the
        // district's pairs, its sub-runs by band and by school what each band and each school's own
        // works add (no hash tables: a country has 1.5 million works).
        let levels = spec.maxScore + 1
        var schoolClasses = [[Int]](repeating: [], count: schoolKeys.count)
        for c in 0..<classCount { schoolClasses[classSchool[c]].append(c) }
        let cells = levels * bands
        var perCell = [Int](repeating: 0, count: cells)
        var ownCell = Parallelism.array(repeating: Int32(0), count: schoolKeys.count * cells, threads: threads)
        // Works bucketed by primary score (a counting sort): pairs only form within a score, so each
        // bucket is sorted and counted on its own, the buckets on every core, each writing only its
        // own score's entries.
        // (The counting sort in runs of works on every core: each run counts its works per score,
        // then places them from its own offsets. The order within a bucket does not matter: the
        // bucket is sorted by all it holds.)
        let scatterRuns = max(1, min(threads * 4, works.count / 50_000))
        var runCounts = [Int](repeating: 0, count: scatterRuns * levels)
        runCounts.withUnsafeMutableBufferPointer { rc in
            nonisolated(unsafe) let rc = rc
            Parallelism.forEachRun(of: works.count, runs: scatterRuns, threads: threads) { [primaryOf] run, range in
                for i in range { rc[run * levels + Int(primaryOf[i])] += 1 }
            }
        }
        var bucketStart = [Int](repeating: 0, count: levels + 1)
        var runNext = [Int](repeating: 0, count: scatterRuns * levels)
        var at = 0
        for v in 0..<levels {
            bucketStart[v] = at
            for r in 0..<scatterRuns { runNext[r * levels + v] = at; at += runCounts[r * levels + v] }
        }
        bucketStart[levels] = at
        // Each work placed exactly once by the scatter (the runs' counts add up to every work): the
        // array is filled there, on every core, not zeroed first on one.
        precondition(at == works.count)
        var keyed = [(key: UInt64, band: UInt8, school: Int32)](unsafeUninitializedCapacity: works.count) { kb, initialized in
            nonisolated(unsafe) let kb = kb
            Parallelism.forEachRun(of: works.count, runs: scatterRuns, threads: threads) { [primaryOf, workClass, classSchool, classBand, hash, runNext] run, range in
                var next = Array(runNext[(run * levels)..<((run + 1) * levels)])
                for i in range {
                    let c = Int(workClass[i]), v = Int(primaryOf[i])
                    (kb.baseAddress! + next[v]).initialize(to: (hash[i], classBand[c], Int32(classSchool[c])))
                    next[v] += 1
                }
            }
            initialized = works.count
        }
        clock.lap("раскладка по баллам")
        // Works per school and cell, the schools in runs on every core (each writes its own rows and
        // adds them to its run's sums, which make the district's: summed over the schools on one
        // core, 40 000 schools × 93 cells were a serial 4 ms).
        let cellRuns = threads * 16
        var runCells = [Int](repeating: 0, count: cellRuns * cells)
        ownCell.withUnsafeMutableBufferPointer { oc in
            runCells.withUnsafeMutableBufferPointer { rc in
                nonisolated(unsafe) let (oc, rc) = (oc, rc)
                Parallelism.forEachRun(of: schoolKeys.count, runs: cellRuns, threads: threads) { [schoolClasses, order, start, primaryOf, classBand] run, range in
                    for school in range {
                        for c in schoolClasses[school] {
                            for i in order[start[c]..<start[c + 1]] { oc[school * cells + Int(primaryOf[i]) * bands + Int(classBand[c])] += 1 }
                        }
                        for cell in 0..<cells { rc[run * cells + cell] += Int(oc[school * cells + cell]) }
                    }
                }
            }
        }
        for run in 0..<cellRuns { for cell in 0..<cells { perCell[cell] += runCells[run * cells + cell] } }
        clock.lap("работы школ по ячейкам")
        // Per score (all bands) and per cell (score × band): the district's coinciding pairs; per
        // school, the pairs its own works make with the district, to subtract.
        var scorePairs = [Int](repeating: 0, count: levels), cellPairs = [Int](repeating: 0, count: cells)
        var ownScorePairs = [Int32](repeating: 0, count: schoolKeys.count * levels)
        var ownCellPairs = [Int32](repeating: 0, count: schoolKeys.count * cells)
        keyed.withUnsafeMutableBufferPointer { kb in
            scorePairs.withUnsafeMutableBufferPointer { sp in
                cellPairs.withUnsafeMutableBufferPointer { cp in
                    ownScorePairs.withUnsafeMutableBufferPointer { osp in
                        ownCellPairs.withUnsafeMutableBufferPointer { ocp in
                            nonisolated(unsafe) let (kb, sp, cp, osp, ocp) = (kb, sp, cp, osp, ocp)
                            Parallelism.perform(iterations: levels, threads: threads) { [bucketStart] v in
                                @inline(__always) func pairs(_ n: Int) -> Int { n * (n - 1) / 2 }
                                let bucket = UnsafeMutableBufferPointer(rebasing: kb[bucketStart[v]..<bucketStart[v + 1]])
                                // By vector (a radix sort of the hashes), then each run of one vector — a few
                                // works, mostly — by band and school: only the runs need the finer order.
                                Self.radixSortByKey(bucket)
                                var runSchools: [Int32] = []
                                var run = 0
                                while run < bucket.count {
                                    var end = run
                                    while end < bucket.count && bucket[end].key == bucket[run].key { end += 1 }
                                    let c = end - run
                                    if c >= 2 {
                                        var runOfVector = UnsafeMutableBufferPointer(rebasing: bucket[run..<end])
                                        runOfVector.sort { ($0.band, $0.school) < ($1.band, $1.school) }
                                        sp[v] += pairs(c)
                                        runSchools.removeAll(keepingCapacity: true)
                                        for k in run..<end { runSchools.append(bucket[k].school) }
                                        runSchools.sort()
                                        var k = 0
                                        while k < runSchools.count {
                                            var e = k
                                            while e < runSchools.count && runSchools[e] == runSchools[k] { e += 1 }
                                            osp[Int(runSchools[k]) * levels + v] += Int32(clamping: pairs(c) - pairs(c - (e - k)))
                                            k = e
                                        }
                                        var band = run
                                        while band < end {
                                            var bandEnd = band
                                            while bandEnd < end && bucket[bandEnd].band == bucket[band].band { bandEnd += 1 }
                                            let cb = bandEnd - band, cell = v * bands + Int(bucket[band].band)
                                            cp[cell] += pairs(cb)
                                            var sub = band
                                            while sub < bandEnd {
                                                var subEnd = sub
                                                while subEnd < bandEnd && bucket[subEnd].school == bucket[sub].school { subEnd += 1 }
                                                ocp[Int(bucket[sub].school) * cells + cell] += Int32(clamping: pairs(cb) - pairs(cb - (subEnd - sub)))
                                                sub = subEnd
                                            }
                                            band = bandEnd
                                        }
                                    }
                                    run = end
                                }
                            }
                        }
                    }
                }
            }
        }
        keyed = []
        // How often two works of the rest of the district with score v coincide, for school s and a
        // class in `band`: the higher of the district's rate and the band's (where the band has 30 works).
        @Sendable func coincide(_ s: Int, _ v: Int, _ band: Int, _ perCell: [Int], _ ownCell: [Int32], _ scorePairs: [Int], _ ownScorePairs: [Int32],
                                _ cellPairs: [Int], _ ownCellPairs: [Int32]) -> Double {
            var n = 0
            for b in 0..<bands { n += perCell[v * bands + b] - Int(ownCell[s * cells + v * bands + b]) }
            let all = n < 2 ? 0 : Double(scorePairs[v] - Int(ownScorePairs[s * levels + v])) / (Double(n) * Double(n - 1) / 2)
            let cell = v * bands + band
            let m = perCell[cell] - Int(ownCell[s * cells + cell])
            guard m >= 30 else { return all }
            return max(all, Double(cellPairs[cell] - Int(ownCellPairs[s * cells + cell])) / (Double(m) * Double(m - 1) / 2))
        }
        clock.lap("совпадения по району")
        var classPairs = [Int](repeating: 0, count: classCount)
        var classExpectedPairs = [Double](repeating: 0, count: classCount)
        var classLargest = [Int](repeating: 0, count: classCount)
        // ВПР mark against journal mark, per class: a 4 × 4 table (marks 2–5).
        // (One flat array, 16 entries a class: nested arrays would be retained and released on every
        // read, from every thread at once.)
        var classJournal = [Int](repeating: 0, count: 16 * classCount)
        let mins = spec.scale.map { [$0.three, $0.four, $0.five] }
        // Classes are independent: in runs of classes on every thread, each writing its own entries.
        // Identical vectors within a class counted by sorting the class's hashes (no hash table).
        classPairs.withUnsafeMutableBufferPointer { pb in
            classExpectedPairs.withUnsafeMutableBufferPointer { eb in
                classLargest.withUnsafeMutableBufferPointer { lb in
                    classJournal.withUnsafeMutableBufferPointer { jb in
                        nonisolated(unsafe) let (pb, eb, lb, jb) = (pb, eb, lb, jb)
                        Parallelism.forEachRun(of: classCount, runs: threads * 16, threads: threads) { [order, start, hash, primaryOf, classSchool, classBand, perCell, ownCell, scorePairs, ownScorePairs, cellPairs, ownCellPairs, works] _, range in
                            var byScore = [Int](repeating: 0, count: spec.maxScore + 1)
                            var vectors: [UInt64] = []
                            for c in range {
                                for v in byScore.indices { byScore[v] = 0 }
                                vectors.removeAll(keepingCapacity: true)
                                for i in order[start[c]..<start[c + 1]] {
                                    vectors.append(hash[i])
                                    byScore[Int(primaryOf[i])] += 1
                                    let journal = Int(works.marks[i] >> 4)
                                    if let mins, journal >= 2 {
                                        let p = Int(primaryOf[i])
                                        let mark = p >= mins[2] ? 5 : p >= mins[1] ? 4 : p >= mins[0] ? 3 : 2
                                        jb[c * 16 + (mark - 2) * 4 + journal - 2] += 1
                                    }
                                }
                                vectors.sort()
                                var pairs = 0, largest = 0, k = 0
                                while k < vectors.count {
                                    var e = k + 1
                                    while e < vectors.count && vectors[e] == vectors[k] { e += 1 }
                                    pairs += (e - k) * (e - k - 1) / 2
                                    largest = max(largest, e - k)
                                    k = e
                                }
                                pb[c] = pairs
                                lb[c] = largest
                                let school = classSchool[c], band = Int(classBand[c])
                                eb[c] = byScore.indices.reduce(0.0) { sum, v in
                                    byScore[v] < 2 ? sum : sum + Double(byScore[v] * (byScore[v] - 1) / 2)
                                        * coincide(school, v, band, perCell, ownCell, scorePairs, ownScorePairs, cellPairs, ownCellPairs)
                                }
                            }
                        }
                    }
                }
            }
        }
        (ownCell, ownScorePairs, ownCellPairs) = ([], [], [])
        clock.lap("классы: совпадения, журнал")
        var districtJournal = [Int](repeating: 0, count: 16)
        for c in 0..<classCount { for k in 0..<16 { districtJournal[k] += classJournal[c * 16 + k] } }

        // The district's misfit threshold per primary score: the settings' quantile of normed Guttman
        // errors among works with that score (a weak work is more erratic than a strong one by nature,
        // so a weak school must not look misfitting for being weak).
        let scoreLevels = spec.maxScore + 1
        let perScore = (0..<scoreLevels).map { v in (0..<bands).reduce(0) { $0 + perCell[v * bands + $1] } }
        // (Counted in runs of works on every core, each run its own bins, added after.)
        let binRuns = max(1, min(threads * 4, works.count / 100_000))
        var runBins = [Int](repeating: 0, count: binRuns * 1001 * scoreLevels)
        runBins.withUnsafeMutableBufferPointer { rb in
            nonisolated(unsafe) let rb = rb
            Parallelism.forEachRun(of: works.count, runs: binRuns, threads: threads) { [primaryOf, guttman] run, range in
                let base = run * 1001 * scoreLevels
                for i in range { rb[base + Int(primaryOf[i]) * 1001 + Int((min(max(guttman[i], 0), 1) * 1000).rounded())] += 1 }
            }
        }
        var bins = [Int](repeating: 0, count: 1001 * scoreLevels)
        for run in 0..<binRuns { for b in bins.indices { bins[b] += runBins[run * 1001 * scoreLevels + b] } }
        var cuts = [Float](repeating: 1, count: scoreLevels)
        for v in 0..<scoreLevels {
            let total = perScore[v]
            var seen = 0
            for b in 0...1000 {
                seen += bins[v * 1001 + b]
                if total > 0 && Double(seen) >= settings.personFitQuantile * Double(total) { cuts[v] = Float(b) / 1000; break }
            }
        }
        // Each class's misfits from its own works (classes in runs on every core), a school's from its classes'.
        var schoolMisfit = [Int](repeating: 0, count: schoolKeys.count), classMisfit = [Int](repeating: 0, count: classCount)
        classMisfit.withUnsafeMutableBufferPointer { cm in
            nonisolated(unsafe) let cm = cm
            Parallelism.forEachRun(of: classCount, runs: threads * 16, threads: threads) { [order, start, guttman, primaryOf, cuts] _, range in
                for c in range {
                    var n = 0
                    for i in order[start[c]..<start[c + 1]] where guttman[i] > cuts[Int(primaryOf[i])] { n += 1 }
                    cm[c] = n
                }
            }
        }
        for c in 0..<classCount { schoolMisfit[classSchool[c]] += classMisfit[c] }
        let districtMisfit = schoolMisfit.reduce(0, +)

        clock.lap("пороги Гуттмана")
        // Per work: points on basic and on П/В tasks (help during the work shows as П/В points
        // above what the basic ones predict), on one-point and on multi-point tasks (lenient
        // scoring shows on the tasks a teacher scores by criteria).
        // (Those sums were made in the per-work pass, where they fit its 16-bit fields.)
        // The two tables are independent: one on each of two cores.
        let splits: [(PerWork.Split, PerWork.Split)] = [(.basic, .other), (.onePoint, .multiPoint)]
        let built = UnsafeMutableBufferPointer<ConditionalTable?>.allocate(capacity: 2)
        built.initialize(repeating: nil)
        nonisolated(unsafe) let tables = built
        Parallelism.perform(iterations: 2, threads: threads) { [workClass, works, splitPoints] k in
            let (condition, outcome) = (PerWork.tasks(splits[k].0, spec), PerWork.tasks(splits[k].1, spec))
            tables[k] = splitPoints.isEmpty
                ? ConditionalTable(condition: condition, outcome: outcome, works: works, maxes: maxes, classOf: workClass, classes: classCount)
                : ConditionalTable(condition: condition, outcome: outcome, sums: splitPoints, fields: (splits[k].0.rawValue, splits[k].1.rawValue),
                                   maxes: maxes, classOf: workClass, classes: classCount)
        }
        let profile = built[0]!, criteria = built[1]!
        built.deinitialize()
        built.deallocate()
        splitPoints = []
        clock.lap("условные таблицы")
        // The works are not read past this point (the tables above hold what the groups need): a
        // caller that hands them over (`consume`) lets a country's 70 MB go before the peak.
        let texts = works.texts
        works = WorkTable(taskCount: 0)
        // Enrolment: the district's share of the enrolled who did not write.
        var enrolledTotal = 0, writtenTotal = 0
        var schoolEnrolled: [String: (enrolled: Int, written: Int)] = [:]
        // (The groups by index, here and below: a copy of each group's figures retains and releases
        // its arrays, on one thread, 120 000 times.)
        for i in a.groups.indices where !inputs.enrolment.isEmpty && a.groups[i].level == .class {
            guard let key = a.groups[i].school, let e = inputs.enrolment[key]?[a.groups[i].className ?? ""], e > 0 else { continue }
            let written = min(a.groups[i].participants, e)
            enrolledTotal += e
            writtenTotal += written
            schoolEnrolled[key, default: (0, 0)].enrolled += e
            schoolEnrolled[key, default: (0, 0)].written += written
        }

        // Groups come as each school followed by its classes: one segment per school, judged on every
        // thread (each segment reads only what is shared and fixed by now), joined in the analysis' order.
        let district = a.district
        let groups = a.groups
        var segments: [Range<Int>] = []
        for i in groups.indices where groups[i].level != .district {
            if groups[i].level == .school || segments.isEmpty { segments.append(i..<(i + 1)) } else { segments[segments.count - 1] = segments[segments.count - 1].lowerBound..<(i + 1) }
        }
        let chunks = min(segments.count, max(1, threads * 16))
        // Each run of schools writes its entries and pending signs into its own stretch of the two
        // arrays' storage (from its first group's index: a group gives at most one of each), and the
        // stretches are then moved together in place, bitwise: appending the runs' arrays copied each
        // entry, retaining its texts and signs, and then released the runs' — on one thread; moving
        // them from buffers of their own into the arrays touched 20 MB of fresh memory for a country.
        // The groups' raw signs in one buffer per run of schools, room for the most a group can have
        // (one per indicator; what a run does not write is reserved, not touched): no array of its
        // own per group, which the combination below freed on another thread than the one that made
        // it — each free then waited for that thread's allocator lock. A run's buffer is a few
        // megabytes, so it comes from the allocator's heaps — reusing what the works' columns left
        // there — rather than fresh pages (one buffer for all, 110 MB, cost a country 8 000 page
        // faults more), and goes as soon as its run's groups are judged.
        let rawsPerGroup = ObjectivitySignal.Indicator.allCases.count
        let rawRuns = UnsafeMutableBufferPointer<UnsafeMutablePointer<Raw>?>.allocate(capacity: chunks)
        rawRuns.initialize(repeating: nil)
        let made = UnsafeMutableBufferPointer<(from: Int, risks: Int, pending: Int)>.allocate(capacity: chunks)
        made.initialize(repeating: (0, 0, 0))
        nonisolated(unsafe) let (madeOut, rawRunsOut) = (made, rawRuns)
        // The groups read through their buffer (a group copied out of the array retains and releases
        // its four arrays and three texts), and per run of schools one set of scratch arrays for a
        // group's classes, works and journal tables (a country has 120 000 groups).
        var pending: [Pending] = []
        var out = [GroupRisk](unsafeUninitializedCapacity: groups.count) { outBuffer, outCount in
            pending = [Pending](unsafeUninitializedCapacity: groups.count) { pendingBuffer, pendingCount in
                nonisolated(unsafe) let (risksOut, pendingOut) = (outBuffer.baseAddress!, pendingBuffer.baseAddress!)
                groups.withUnsafeBufferPointer { groupBuffer in
                    nonisolated(unsafe) let gb = groupBuffer
                    // The arrays built above, captured as they are now.
                    Parallelism.forEachRun(of: segments.count, runs: chunks, threads: threads) { [classJournal, schoolMisfit, classMisfit, classPairs, classExpectedPairs, classLargest,
                                                                                                  schoolOfKey, schoolClasses, classText, order, start, districtJournal, schoolEnrolled,
                                                                                                  enrolmentKnown = !inputs.enrolment.isEmpty, enrolledTotal, writtenTotal, segments] chunk, range in
                        let from = segments[range.lowerBound].lowerBound
                        var (risks, pendings, rawCount) = (0, 0, 0)
                        func emit(_ risk: GroupRisk) { (risksOut + from + risks).initialize(to: risk); risks += 1 }
                        let raws = UnsafeMutablePointer<Raw>.allocate(capacity: (segments[range.upperBound - 1].upperBound - from) * rawsPerGroup)
                        rawRunsOut[chunk] = raws
                        func add(_ raw: Raw) { (raws + rawCount).initialize(to: raw); rawCount += 1 }
                        var reference = GroupFigures(level: .district, school: nil, schoolName: nil, className: nil, taskCount: 0, maxScore: -1)
                        var profileReference = ConditionalTable.Reference(), criteriaReference = ConditionalTable.Reference()
                        var classes: [Int] = [], groupWorks: [Int] = [], profileSums: [Double] = [], criteriaSums: [Double] = []
                        var own = [Int](repeating: 0, count: 16), rest = [Int](repeating: 0, count: 16)
                        for segment in segments[range] {
                            // The school's key, index and enrolment, looked up once for it and its classes.
                            var schoolKey: String?
                            var s = -1
                            var schoolEnrolment: [String: Int]?
                            var mine = (enrolled: 0, written: 0)
                            for gi in segment {
                                // The rest of the district, once per school (its classes share it).
                                if gb[gi].level == .school {
                                    schoolKey = gb[gi].school
                                    reference.becomeDifference(district, gb.baseAddress! + gi)
                                    s = schoolKey.flatMap { schoolOfKey[$0] } ?? -1
                                    schoolEnrolment = enrolmentKnown ? schoolKey.flatMap { inputs.enrolment[$0] } : nil
                                    mine = schoolKey.flatMap { schoolEnrolled[$0] } ?? (0, 0)
                                }
                                guard let key = gb[gi].school, s >= 0, schoolKey == key else { continue }
                                let isClass = gb[gi].level == .class
                                let participants = gb[gi].participants
                                var risk = GroupRisk(school: key, schoolName: gb[gi].schoolName, className: gb[gi].className, participants: participants, risk: 0, note: nil)
                                guard participants >= settings.minimumGroup, reference.participants >= settings.minimumGroup else {
                                    risk.note = participants < settings.minimumGroup ? "менее \(settings.minimumGroup) работ: признаки не оцениваются" : "нет группы для сравнения"
                                    emit(risk)
                                    continue
                                }
                                classes.removeAll(keepingCapacity: true)
                                if isClass {
                                    let name = gb[gi].className
                                    for c in schoolClasses[s] where texts[Int(classText[c])] == name { classes.append(c) }
                                } else {
                                    classes += schoolClasses[s]
                                }
                                groupWorks.removeAll(keepingCapacity: true)
                                for c in classes { groupWorks += order[start[c]..<start[c + 1]] }
                                if !isClass {
                                    // A school's works are all its classes': the tables' references without them.
                                    profile.reference(without: groupWorks, into: &profileReference, sums: &profileSums)
                                    criteria.reference(without: groupWorks, into: &criteriaReference, sums: &criteriaSums)
                                }
                                var misfit = schoolMisfit[s]
                                if isClass { misfit = 0; for c in classes { misfit += classMisfit[c] } }
                                let referenceMisfit = Double(districtMisfit - schoolMisfit[s]) / Double(reference.participants)

                                let firstRaw = rawCount
                                if let x = highResults(gb.baseAddress! + gi, reference) { add(x) }
                                if let x = profile.excess(groupWorks, profileReference, indicator: .taskProfileInversion) { add(x) }
                                if let x = criteria.excess(groupWorks, criteriaReference, indicator: .lenientScoring) { add(x) }
                                if let x = heaping(gb.baseAddress! + gi, reference, spec) { add(x) }
                                // The journal tables of the group and of the rest of the district (the district's less the school's).
                                // (Through buffers: as array subscripts the compiler may keep a uniqueness check and
                                // an end-of-mutation call on each of these sums — 16 million for a country.)
                                own.withUnsafeMutableBufferPointer { o in
                                    rest.withUnsafeMutableBufferPointer { r in
                                        for k in 0..<16 { (o[k], r[k]) = (0, districtJournal[k]) }
                                        for c in classes { for k in 0..<16 { o[k] += classJournal[c * 16 + k] } }
                                        for c in schoolClasses[s] { for k in 0..<16 { r[k] -= classJournal[c * 16 + k] } }
                                    }
                                }
                                if let x = journal(own: own, rest: rest) { add(x) }
                                add(personFit(misfit: misfit, n: participants, reference: referenceMisfit))
                                var pairs = 0, expected = 0.0, largest = 0
                                for c in classes { (pairs, expected, largest) = (pairs + classPairs[c], expected + classExpectedPairs[c], max(largest, classLargest[c])) }
                                add(identical(pairs: pairs, expected: expected, largest: largest, settings))
                                let enrolled = isClass ? schoolEnrolment?[gb[gi].className ?? ""] : schoolEnrolment.map { $0.values.reduce(0, +) }
                                if let e = enrolled, e > 0 {
                                    let restEnrolled = enrolledTotal - mine.enrolled, restWritten = writtenTotal - mine.written
                                    let absent0 = restEnrolled > 0 ? Double(restEnrolled - restWritten) / Double(restEnrolled) : 0.04
                                    add(participation(written: participants, enrolled: e, referenceAbsent: absent0))
                                }
                                if let x = observer(gb.baseAddress! + gi, a: a, key: key, inputs: inputs, settings) { add(Raw(own: x, passes: true)) }
                                if !isClass, let d = inputs.recheck[key], let x = recheckSign(d, settings) { add(x) }
                                // (The key only where there are other years: a country's file has none, and 120 000 groups.)
                                if !inputs.previousYear.isEmpty || !inputs.nextCohort.isEmpty {
                                    let groupKey = "\(key)|\(gb[gi].className ?? "")"
                                    if let before = inputs.previousYear[groupKey], let x = yearSign(gb[gi], before, settings) { add(x) }
                                    if let after = inputs.nextCohort[groupKey], let x = cohortSign(gb[gi], after, settings) { add(x) }
                                }
                                let mean0 = reference.meanPrimaryScore ?? 0
                                var squares = 0.0
                                for v in reference.histogram.indices { squares += Double(reference.histogram[v]) * pow(Double(v) - mean0, 2) }
                                let sd0 = squares / Double(max(1, reference.participants - 1))
                                let level = ((gb[gi].meanPrimaryScore ?? 0) - mean0) / max(sd0.squareRoot(), 0.5)
                                precondition(rawCount - firstRaw <= rawsPerGroup, "one raw sign per indicator")
                                (pendingOut + from + pendings).initialize(to: Pending(index: risks, isClass: isClass, school: s, level: level,
                                                                                      run: chunk, raws: firstRaw..<rawCount))
                                pendings += 1
                                emit(risk)
                            }
                        }
                        madeOut[chunk] = (from, risks, pendings)
                    }
                }
                // The runs' stretches moved down together, in order (each lands at or before where it is).
                var offset = 0
                for part in made {
                    (risksOut + outCount).moveInitialize(from: risksOut + part.from, count: part.risks)
                    (pendingOut + pendingCount).moveInitialize(from: pendingOut + part.from, count: part.pending)
                    for k in pendingCount..<(pendingCount + part.pending) { pendingOut[k].index += offset }
                    (outCount, pendingCount, offset) = (outCount + part.risks, pendingCount + part.pending, offset + part.risks)
                }
            }
        }
        clock.lap("группы: сырые признаки")
        // Where each run's groups are in `pending` (they are judged by run, below).
        var pendingStart = [0]
        for part in made { pendingStart.append(pendingStart.last! + part.pending) }
        made.deallocate()
        // What only the passes above needed goes now, before the groups' signs are judged (the peak
        // of a country's run is here): the per-work columns.
        (hash, guttman, primaryOf, order, workClass, classJournal) = ([], [], [], [], [], [])

        // Each sign judged against the honest groups of its level (schools, classes), then combined.
        // Indexed by indicator (its place in allCases) × 2 + (class ? 1 : 0).
        let indicators = ObjectivitySignal.Indicator.allCases
        // (In a closure of its own, so that the samples go once the fits are made.)
        let nulls: [Evidence.Null] = {
            var samples = [[(e: Double, se: Double, level: Double)]](repeating: [], count: indicators.count * 2)
            // (The groups and their signs read in place, by index, here and below: `for p in pending`
            // copies each group's entry and each sign, retaining and releasing what they hold — on
            // one thread, 120 000 groups with eight signs each.)
            var classes = 0
            for k in pending.indices where pending[k].isClass { classes += 1 }
            for k in samples.indices { samples[k].reserveCapacity(k % 2 == 1 ? classes : pending.count - classes) }
            // (The oracle's set is empty outside `msoko bench objectivity --oracle`: not asked then,
            // since asking hashes each school's key — 120 000 times on one thread for a country.)
            let leftOut = inputs.outOfNull
            pending.withUnsafeBufferPointer { pb in
                for k in pb.indices where leftOut.isEmpty || !leftOut.contains(schoolKeys[pb[k].school]) {
                    let (side, level) = (pb[k].isClass ? 1 : 0, pb[k].level)
                    let rb = UnsafeBufferPointer(start: rawRuns[pb[k].run]! + pb[k].raws.lowerBound, count: pb[k].raws.count)
                    for r in rb.indices where rb[r].ownZ == nil { samples[rb[r].indicator.ordinal * 2 + side].append((rb[r].e, rb[r].se, level)) }
                }
            }
            // The fits are independent: both cores.
            let fitted = UnsafeMutableBufferPointer<Evidence.Null>.allocate(capacity: samples.count)
            fitted.initialize(repeating: Evidence.Null())
            defer { fitted.deallocate() }
            nonisolated(unsafe) let into = fitted
            let frozen = samples
            // The largest samples first, so that the cores finish together (the classes' are twice the schools').
            let bySize = samples.indices.sorted { (samples[$0].count, $1) > (samples[$1].count, $0) }
            Parallelism.perform(iterations: samples.count, threads: threads) { j in
                let k = bySize[j]
                let indicator = indicators[k / 2]
                guard refitted.contains(indicator) else { return }
                into[k] = Evidence.Null.fit(frozen[k], regress: regressed.contains(indicator), lowerHalf: indicator != .participation)
            }
            return Array(fitted)
        }()
        clock.lap("нулевые модели")
        var assessedClasses = [Int](repeating: 0, count: schoolKeys.count)
        for k in pending.indices where pending[k].isClass { assessedClasses[pending[k].school] += 1 }
        var zOwn = [Double](repeating: -38, count: out.count)
        // Each group's signs judged and combined: independent, by the runs that made them, on every
        // thread. The judged signs go straight into the group's entry, its raw signs are let go in
        // place, and a run's buffer once its groups are done (a country has 120 000 groups with eight
        // signs each).
        zOwn.withUnsafeMutableBufferPointer { zb in
            out.withUnsafeMutableBufferPointer { ob in
                pending.withUnsafeMutableBufferPointer { pb in
                    nonisolated(unsafe) let (zb, ob, pb) = (zb, ob, pb)
                    Parallelism.perform(iterations: chunks, threads: threads) { [pendingStart] run in
                        for k in pendingStart[run]..<pendingStart[run + 1] {
                            // (The group's entry read in place — a copy retains and releases what
                            // it holds — and its signs through their buffer.)
                            let (index, side, level) = (pb[k].index, pb[k].isClass ? 1 : 0, pb[k].level)
                            let rb = UnsafeMutableBufferPointer(start: rawRunsOut[run]! + pb[k].raws.lowerBound, count: pb[k].raws.count)
                            let judged = [Contribution](unsafeUninitializedCapacity: rb.count) { buffer, n in
                                for r in rb.indices {
                                    (buffer.baseAddress! + r).initialize(to: contribution(rb[r], null: nulls[rb[r].indicator.ordinal * 2 + side], level: level, spec: spec, settings))
                                }
                                n = rb.count
                            }
                            _ = rb.deinitialize()
                            zb[index] = Evidence.truncatedFisherZ(judged.lazy.map { (z: $0.signal.z, weight: $0.weight) }).z
                            ob[index].contributions = judged
                        }
                        rawRunsOut[run]?.deallocate()
                    }
                }
            }
        }
        rawRuns.deallocate()
        // A class is one of the school's k assessed classes: its p-value counts k times (Bonferroni),
        // and the school's risk is the higher of its own and its classes'.
        clock.lap("комбинация")
        // Per school: its best class's z and entry (−1: none assessed). Arrays, not a dictionary:
        // this runs on one thread over a country's 120 000 groups.
        var bestClassZ = [Double](repeating: -.infinity, count: schoolKeys.count)
        var bestClassIndex = [Int](repeating: -1, count: schoolKeys.count)
        for j in pending.indices {
            let p = (index: pending[j].index, isClass: pending[j].isClass, school: pending[j].school)
            var z = zOwn[p.index]
            if p.isClass {
                let k = Double(max(1, assessedClasses[p.school]))
                if k > 1 { z = Evidence.zOfUpperTail(min(1, Evidence.upperTail(z) * k)) }
                if z > bestClassZ[p.school] { (bestClassZ[p.school], bestClassIndex[p.school]) = (z, p.index) }
            }
            out[p.index].risk = Evidence.risk(z: z)
            zOwn[p.index] = z
        }
        // The sentences, in runs of groups on every thread (each writes only its own groups; the
        // risks and class names it reads of other groups are copied first).
        clock.lap("класс → школа")
        var riskOf: [Double] = [], nameOf: [String?] = []
        riskOf.reserveCapacity(out.count)
        nameOf.reserveCapacity(out.count)
        for k in out.indices {
            riskOf.append(out[k].risk)
            nameOf.append(out[k].className)
        }
        let (finalZ, risks, names) = (zOwn, riskOf, nameOf)
        out.withUnsafeMutableBufferPointer { ob in
            nonisolated(unsafe) let ob = ob
            Parallelism.forEachRun(of: pending.count, runs: threads * 16, threads: threads) { [pending, bestClassZ, bestClassIndex, assessedClasses] _, range in
                for k in range {
                    let p = (index: pending[k].index, isClass: pending[k].isClass, school: pending[k].school)
                    // Also for a school of one class (its own and its class's figures are the same works,
                    // judged against schools and against classes): a school has signs whenever a class has.
                    let best = bestClassIndex[p.school]
                    if !p.isClass, best >= 0, bestClassZ[p.school] > finalZ[p.index] {
                        ob[p.index].risk = risks[best]
                        if assessedClasses[p.school] >= 2 { ob[p.index].riskFromClass = names[best] }
                    }
                    // Sentences for what is shown, in place: the signs past their thresholds, and all of a flagged group's.
                    let flagged = ob[p.index].risk >= settings.riskThreshold
                    for c in ob[p.index].contributions.indices where ob[p.index].contributions[c].passes || flagged {
                        ob[p.index].contributions[c].signal.explanation = sentence(ob[p.index].contributions[c].signal, spec: spec, settings)
                    }
                }
            }
        }
        clock.lap("лучший класс, предложения")
        return out
    }

    /// Sorts works keyed by their score vector's hash by the hash alone: least significant digit
    /// first, 11 bits a pass (six passes for 64 bits), through a buffer of the same size. A
    /// comparison sort of (hash, band, school) made the district's identical works the largest step
    /// of the signs (0.18 s of a country on one thread; 0.10 s so). Hand-written: no listed package
    /// sorts records by radix.
    static func radixSortByKey(_ a: UnsafeMutableBufferPointer<(key: UInt64, band: UInt8, school: Int32)>) {
        let n = a.count
        guard n > 64 else {
            var small = a
            small.sort { $0.key < $1.key }
            return
        }
        let other = UnsafeMutableBufferPointer<(key: UInt64, band: UInt8, school: Int32)>.allocate(capacity: n)
        defer { other.deallocate() }
        var counts = [Int](repeating: 0, count: 2048)
        var (from, to) = (a, other)
        var shift: UInt64 = 0
        while shift < 64 {
            for d in counts.indices { counts[d] = 0 }
            for i in 0..<n { counts[Int((from[i].key >> shift) & 2047)] += 1 }
            // A digit all the keys share moves nothing: the pass is skipped.
            if counts[Int((from[0].key >> shift) & 2047)] != n {
                var at = 0
                for d in counts.indices { (counts[d], at) = (at, at + counts[d]) }
                for i in 0..<n {
                    let d = Int((from[i].key >> shift) & 2047)
                    (to.baseAddress! + counts[d]).initialize(to: from[i])
                    counts[d] += 1
                }
                swap(&from, &to)
            }
            shift += 11
        }
        if from.baseAddress != a.baseAddress { _ = a.update(fromContentsOf: from) }
    }

    // MARK: signs before the empirical null

    /// One sign of one group before it is judged against the honest groups.
    /// (The fields in this order so that the one-byte ones fill the optional's padding: 72 bytes,
    /// not 80 — a country's groups make 900 000 raw signs.)
    struct Raw {
        /// Deviation from the reference and its sampling standard error, in the units of the sign's margin.
        var e = 0.0
        var se = 1.0
        /// What the sentence states.
        var value = 0.0
        var reference = 0.0
        var extra = 0.0
        /// A z of the sign's own (counts against chance, acts, re-checks, other years), not refitted …
        var ownZ: Double?
        var indicator: ObjectivitySignal.Indicator
        /// … and whether it passes its threshold, decided where it is computed.
        var ownPasses = false
        /// The sentence of a sign that brings its own.
        var ownExplanation = ""

        init(indicator: ObjectivitySignal.Indicator, e: Double, se: Double, value: Double, reference: Double, extra: Double = 0) {
            self.indicator = indicator
            self.e = e
            self.se = se
            self.value = value
            self.reference = reference
            self.extra = extra
        }

        init(own x: ObjectivitySignal, passes: Bool) {
            indicator = x.indicator
            value = x.value
            reference = x.reference
            extra = x.threshold
            ownZ = x.z
            ownPasses = passes
            ownExplanation = x.explanation
        }
    }

    struct Pending {
        var index: Int
        var isClass: Bool
        var school: Int
        /// The group's mean primary score against the reference's, in the reference's standard
        /// deviations: the level every sign's honest centre moves with. The conditional signs once
        /// took their level on their condition tasks (which the help or leniency they measure does
        /// not raise), but easy basic tasks are all passed in a strong school, that level stopped
        /// growing at the top, and honest strong groups sat about one z above their line; on the
        /// primary score the bias is gone at the cost of little (docs/objectivity.md).
        var level: Double
        /// Where its raw signs are: the run of schools that made them, and their place in that run's
        /// buffer (`evaluate`).
        var run: Int
        var raws: Range<Int>
    }

    /// Signs judged against the spread of honest groups; the others bring their own z.
    static let refitted: Set<ObjectivitySignal.Indicator> = [.highResults, .taskProfileInversion, .lenientScoring, .thresholdHeaping, .journalMismatch, .personFit, .participation]
    /// Signs whose honest centre may move with the group's level (strong groups differ by nature).
    static let regressed: Set<ObjectivitySignal.Indicator> = [.taskProfileInversion, .lenientScoring, .thresholdHeaping, .journalMismatch, .personFit]

    static func contribution(_ r: Raw, null: Evidence.Null, level: Double, spec: ProcedureSpec, _ s: ObjectivitySettings) -> Contribution {
        let weight = r.indicator.weight
        if let z = r.ownZ {
            let x = ObjectivitySignal(indicator: r.indicator, value: r.value, threshold: r.extra, reference: r.reference, z: z, explanation: r.ownExplanation)
            return Contribution(signal: x, weight: weight, passes: r.ownPasses)
        }
        let z = r.indicator == .participation ? participationZ(r, null: null)
            : r.indicator == .personFit ? personFitZ(r, null: null, level: level)
            : null.z(r.e, se: r.se, level: level)
        let cut = r.indicator == .thresholdHeaping ? s.heapingZ : s.signalZ
        var deviation = null.deviation(atZ: cut, se: r.se, level: level)
        if r.indicator == .personFit, r.extra >= 1 {
            // The count's own threshold: the fewest misfits whose tail reaches the level (n + 1: none).
            // The tail grows with the count, so the first count that reaches it is found by probing
            // outward from where the normal approximation puts it — two or three tails a group
            // instead of the seven of a search over 0…n (a country has 120 000 groups) — then by
            // halving the bracket; the answer is the same first count either way.
            let n = Int(r.extra.rounded())
            func reaches(_ count: Int) -> Bool {
                guard count <= n else { return true }
                var probe = r
                probe.value = Double(count) / Double(n)
                return personFitZ(probe, null: null, level: level) >= cut
            }
            let estimate = ((r.reference + deviation) * Double(n)).rounded(.up)
            let guess = estimate.isFinite ? min(max(0, Int(estimate)), n + 1) : n + 1
            var low = 0, high = n + 1, step = 1
            if reaches(guess) {
                high = guess
                while high - step >= 0 {
                    if reaches(high - step) { high -= step; step *= 2 } else { low = high - step + 1; break }
                }
            } else {
                low = guess + 1
                while low - 1 + step <= n {
                    if reaches(low - 1 + step) { high = low - 1 + step; break } else { low += step; step *= 2 }
                }
            }
            while low < high {
                let mid = (low + high) / 2
                if reaches(mid) { high = mid } else { low = mid + 1 }
            }
            deviation = Double(low) / Double(n) - r.reference
        }
        let passes: Bool, threshold: Double
        switch r.indicator {
        case .highResults, .taskProfileInversion, .lenientScoring, .journalMismatch, .personFit:
            // Stated as a share above the reference: past the z level and the sign's margin.
            let margin = r.indicator == .highResults ? s.highResultsMargin : r.indicator == .taskProfileInversion ? s.inversionMargin
                : r.indicator == .lenientScoring ? s.lenientMargin : r.indicator == .journalMismatch ? s.journalMargin : s.personFitMargin
            passes = z >= cut && r.e >= margin
            threshold = r.reference + max(margin, deviation)
        case .thresholdHeaping:
            // e is per work of the windows under and at the thresholds; extra is their number.
            passes = z >= cut
            threshold = r.reference + deviation * r.extra
        case .participation:
            passes = z >= cut && r.value < s.participationMinimum
            threshold = s.participationMinimum
        default:
            passes = z >= cut
            threshold = r.reference
        }
        let x = ObjectivitySignal(indicator: r.indicator, value: r.value, threshold: threshold, reference: r.reference, z: z, explanation: "")
        return Contribution(signal: x, weight: weight, passes: passes)
    }

    // MARK: indicators

    static func pp(_ v: Double) -> String { ReferenceTable.format((v * 1000).rounded() / 10) }

    /// The sentence a specialist pastes into a справка, from the sign's figures.
    static func sentence(_ x: ObjectivitySignal, spec: ProcedureSpec, _ s: ObjectivitySettings) -> String {
        switch x.indicator {
        case .highResults:
            return "Доля отметок «4» и «5» — \(pp(x.value)) % при \(pp(x.reference)) % в остальных школах района (\(x.value >= x.reference ? "выше" : "ниже") на \(pp(abs(x.value - x.reference))) п. п.)."
        case .taskProfileInversion:
            return "Задания повышенного и высокого уровня выполнены на \(pp(x.value)) % при ожидаемых \(pp(x.reference)) % — столько набирают участники с теми же баллами за базовые задания в остальных школах района."
        case .lenientScoring:
            return "За задания с развёрнутым ответом (от 2 баллов) получено \(pp(x.value)) % от максимума при ожидаемых \(pp(x.reference)) % — столько получают участники с теми же баллами за остальные задания в остальных школах района."
        case .thresholdHeaping:
            let scale = spec.scale.map { "(«3» — \($0.three), «4» — \($0.four), «5» — \(Plural.points($0.five)))" } ?? ""
            return "Ровно на границах отметок \(scale) \(Plural.works(Int(x.value.rounded()))) при ожидаемых \(Int(x.reference.rounded())) по распределению баллов в остальных школах района, приведённому к уровню группы; на один-два балла ниже границ работ меньше ожидаемого."
        case .journalMismatch:
            return "Отметку за работу выше журнальной получили \(pp(x.value)) % участников; в остальных школах района при тех же отметках за работу — \(pp(x.reference)) %."
        case .personFit:
            return "У \(pp(x.value)) % работ нетипичный набор ответов (решены трудные задания при нерешённых лёгких) при \(pp(x.reference)) % в остальных школах района."
        case .participation:
            return "Работу писали \(pp(x.value)) % обучающихся при \(pp(x.reference)) % в остальных школах района: возможно, к работе не допущены слабые обучающиеся."
        default:
            return x.explanation
        }
    }

    static func binomialSE(_ p0: Double, _ n: Int) -> Double {
        let p = min(max(p0, 0.01), 0.99)
        return (p * (1 - p) / Double(max(n, 1))).squareRoot()
    }

    /// (The group by its address, here, in `heaping`, `observer` and `becomeDifference`: a group passed by value out of the
    /// analysis' buffer is copied first, its four arrays and three texts retained and released —
    /// 120 000 groups, several calls each. Read through `pointee`, nothing is copied.)
    static func highResults(_ g: UnsafePointer<GroupFigures>, _ ref: GroupFigures) -> Raw? {
        guard let q = g.pointee.qualityRate, let q0 = ref.qualityRate else { return nil }
        return Raw(indicator: .highResults, e: q - q0, se: binomialSE(q0, g.pointee.participants), value: q, reference: q0)
    }

    /// Works at each mark's threshold against the scores just below it (t−1, t−2), where a teacher
    /// who lifts a score over the threshold takes them from. What to expect comes from the rest of
    /// the district's distribution of primary scores tilted exponentially to the group's mean (the
    /// distribution closest to the reference with the group's mean): a strong group's slope is
    /// allowed for, and the district's own shape at the thresholds is the yardstick. The three
    /// thresholds are pooled.
    static func heaping(_ g: UnsafePointer<GroupFigures>, _ ref: GroupFigures, _ spec: ProcedureSpec) -> Raw? {
        guard let scale = spec.scale, let mean = g.pointee.meanPrimaryScore else { return nil }
        // (The histograms read in place, as doubles, the reference's with ½ added: no arrays made per group.)
        return g.pointee.histogram.withUnsafeBufferPointer { h in ref.histogram.withUnsafeBufferPointer { rc in
            @inline(__always) func r(_ v: Int) -> Double { Double(rc[v]) + 0.5 }
            let centre = Double(rc.count - 1) / 2
            // The tilt λ whose distribution r·e^{λ(v − centre)} has the group's mean: Newton's method
            // (the mean's derivative in λ is the variance), powers by multiplication; bisection guards it.
            func moments(_ lambda: Double) -> (mean: Double, variance: Double) {
                let step = exp(lambda)
                var w = exp(-lambda * centre), s = 0.0, sv = 0.0, svv = 0.0
                for v in rc.indices {
                    let x = r(v) * w
                    s += x; sv += x * Double(v); svv += x * Double(v * v)
                    w *= step
                }
                let m = sv / s
                return (m, max(svv / s - m * m, 1e-9))
            }
            let target = min(max(mean, 0.05), Double(rc.count - 1) - 0.05)
            var lambda = 0.0, lo = -4.0, hi = 4.0
            for _ in 0..<40 {
                let (m, v) = moments(lambda)
                if abs(m - target) < 1e-9 { break }
                if m < target { lo = lambda } else { hi = lambda }
                var next = lambda - (m - target) / v
                if !(next > lo && next < hi) { next = (lo + hi) / 2 }
                lambda = next
            }
            var observed = 0.0, expected = 0.0, variance = 0.0, window = 0.0
            for k in 0..<3 {
                let t = k == 0 ? scale.three : k == 1 ? scale.four : scale.five
                guard t >= 2 && t < h.count else { continue }
                let n = Double(h[t]) + Double(h[t - 1]) + Double(h[t - 2])
                guard n > 0 else { continue }
                let p0 = r(t) / (r(t) + r(t - 1) * exp(-lambda) + r(t - 2) * exp(-2 * lambda))
                observed += Double(h[t])
                expected += n * p0
                variance += n * p0 * (1 - p0)
                window += n
            }
            guard variance > 0 else { return nil }
            return Raw(indicator: .thresholdHeaping, e: (observed - expected) / window, se: variance.squareRoot() / window, value: observed, reference: expected, extra: window)
        } }
    }

    /// Works whose ВПР mark is above the journal mark, against what the rest of the district shows
    /// for works with the same ВПР mark: a strong school's «5» next to a journal «5» is no sign,
    /// a «5» next to a journal «3» more often than elsewhere is. Tables are 4 × 4 (ВПР mark × journal mark).
    static func journal(own: [Int], rest: [Int]) -> Raw? {
        var observed = 0.0, expected = 0.0, variance = 0.0, compared = 0
        for m in 0..<4 {
            let n = (0..<4).reduce(0) { $0 + own[m * 4 + $1] }
            let n0 = (0..<4).reduce(0) { $0 + rest[m * 4 + $1] }
            compared += n
            guard n > 0 else { continue }
            let higher = (0..<m).reduce(0) { $0 + own[m * 4 + $1] }
            let higher0 = (0..<m).reduce(0) { $0 + rest[m * 4 + $1] }
            let p0 = n0 > 0 ? (Double(higher0) + 0.5) / (Double(n0) + 1) : 0.5
            observed += Double(higher)
            expected += Double(n) * p0
            variance += Double(n) * p0 * (1 - p0)
        }
        guard compared >= 10, variance > 0 else { return nil }
        let n = Double(compared)
        return Raw(indicator: .journalMismatch, e: (observed - expected) / n, se: variance.squareRoot() / n, value: observed / n, reference: expected / n)
    }

    /// `extra` keeps the number of works: the z is a count's tail (`personFitZ`).
    static func personFit(misfit: Int, n: Int, reference m0: Double) -> Raw {
        let m = Double(misfit) / Double(n)
        return Raw(indicator: .personFit, e: m - m0, se: binomialSE(m0, n), value: m, reference: m0, extra: Double(n))
    }

    /// The z of a group's count of misfitting works, as participation's: beta-binomial around the
    /// reference's share moved by the fitted line at the group's level, the honest spread τ² as the
    /// intra-group correlation, the mid-p upper tail. A misfit is one work in ten by construction, so
    /// a class of fifteen with five misfits was z 3.0 as a normal deviation and is 2.4 as a count.
    static func personFitZ(_ r: Raw, null: Evidence.Null, level: Double) -> Double {
        let n = Int(r.extra.rounded())
        guard n > 0 else { return 0 }
        return countZ(Int((r.value * Double(n)).rounded()), of: n, expected: r.reference + null.a + null.b * level, null: null)
    }

    static func identical(pairs: Int, expected: Double, largest: Int, _ s: ObjectivitySettings) -> Raw {
        let z = poissonZ(observed: pairs, mean: max(expected, 1e-9))
        // The sentence only where there are pairs to speak of (a country has a hundred thousand groups).
        let x = ObjectivitySignal(indicator: .identicalPatterns, value: Double(pairs), threshold: expected, reference: expected, z: z,
                                  explanation: pairs == 0 ? "Совпадающих по всем заданиям пар работ нет." : "Совпадающих по всем заданиям пар работ — \(pairs) (наибольшая группа одинаковых работ — \(largest)) при ожидаемых \(ReferenceTable.format((expected * 100).rounded() / 100)) случайно.")
        return Raw(own: x, passes: (largest >= 3 || pairs >= 2) && z >= s.signalZ)
    }

    /// The share of the enrolled who did not write, against the rest of the district's.
    /// `extra` keeps the enrolment: the z is a count's tail (`participationZ`), not a normal deviation.
    static func participation(written: Int, enrolled: Int, referenceAbsent a0: Double) -> Raw {
        let share = min(1, Double(written) / Double(enrolled))
        return Raw(indicator: .participation, e: (1 - share) - a0, se: binomialSE(max(a0, 0.02), enrolled), value: share, reference: 1 - a0,
                   extra: Double(enrolled))
    }

    /// The z of a group's absent count against honest groups: the count is beta-binomial — each
    /// group's own absence rate varies around the reference's (shifted by the fitted centre) with the
    /// fitted spread τ² between groups — and its one-sided mid-p tail gives z. The normal
    /// approximation it replaces had a heavy upper tail for small classes (three of ten absent is
    /// z 3.6 against 5 %, while the binomial tail is z 2.3), behind most honest schools flagged.
    static func participationZ(_ r: Raw, null: Evidence.Null) -> Double {
        let enrolled = Int(r.extra.rounded())
        guard enrolled > 0 else { return 0 }
        let absent = enrolled - min(enrolled, Int((r.value * Double(enrolled)).rounded()))
        return countZ(absent, of: enrolled, expected: (1 - r.reference) + null.a, null: null)
    }

    /// The upper mid-p tail, as z, of `count` of `n` beta-binomial around the `expected` share
    /// (kept within 0.005…0.95), the fitted honest spread τ² between groups as the intra-group
    /// correlation (τ² = p(1 − p)·ρ): participation's absent and person-fit's misfitting works.
    static func countZ(_ count: Int, of n: Int, expected: Double, null: Evidence.Null) -> Double {
        let p = min(max(expected, 0.005), 0.95)
        let rho = min(null.tau2 / (p * (1 - p)), 0.5)
        return Evidence.zOfUpperTail(Evidence.betaBinomialMidP(atLeast: count, of: n, mean: p, rho: rho))
    }

    /// An observer's act with violations in this school (or class); or, where some classes were
    /// observed and others not, results in the unobserved classes far above the observed ones.
    static func observer(_ g: UnsafePointer<GroupFigures>, a: ResultsAnalysis, key: String, inputs: Inputs, _ s: ObjectivitySettings) -> ObjectivitySignal? {
        // (No act and no observed class anywhere — a file given to `msoko analyze`: no lookup by key.)
        guard !inputs.violations.isEmpty || !inputs.observed.isEmpty else { return nil }
        let acts = inputs.violations[key] ?? [:]
        let found = g.pointee.level == .class ? (acts[g.pointee.className ?? ""] ?? []) + (acts[""] ?? []) : acts.values.flatMap { $0 }
        if !found.isEmpty {
            return ObjectivitySignal(indicator: .observerEffect, value: Double(found.count), threshold: 1, reference: 0, z: s.signalZ + 2.5,
                                     explanation: "В акте наблюдения отмечены нарушения: \(Set(found).sorted().joined(separator: "; ")).")
        }
        guard g.pointee.level == .school, let observed = inputs.observed[key], !observed.contains("") else { return nil }
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

    /// A jump against the same procedure a year earlier, passing or not.
    static func yearSign(_ g: GroupFigures, _ before: GroupFigures, _ s: ObjectivitySettings) -> Raw? {
        guard let (z, now, then) = qualityZ(g, before) else { return nil }
        let x = ObjectivitySignal(indicator: .yearAnomaly, value: now, threshold: then + s.yearMargin, reference: then, z: z,
                                  explanation: "Доля «4» и «5» выросла за год с \(pp(then)) % до \(pp(now)) %: резкий скачок требует проверки.")
        return Raw(own: x, passes: z >= s.signalZ && now - then >= s.yearMargin)
    }

    /// The same students a year later do far worse, passing or not.
    static func cohortSign(_ g: GroupFigures, _ after: GroupFigures, _ s: ObjectivitySettings) -> Raw? {
        guard let (z, now, later) = qualityZ(g, after) else { return nil }
        let x = ObjectivitySignal(indicator: .cohortAnomaly, value: now, threshold: later + s.yearMargin, reference: later, z: z,
                                  explanation: "Через год те же обучающиеся показали долю «4» и «5» \(pp(later)) % против \(pp(now)) % в этой работе.")
        return Raw(own: x, passes: z >= s.signalZ && now - later >= s.yearMargin)
    }

    static func yearJump(_ g: GroupFigures, _ before: GroupFigures, _ s: ObjectivitySettings) -> ObjectivitySignal? {
        yearSign(g, before, s).flatMap { $0.ownPasses ? signal($0) : nil }
    }

    static func cohortFall(_ g: GroupFigures, _ after: GroupFigures, _ s: ObjectivitySettings) -> ObjectivitySignal? {
        cohortSign(g, after, s).flatMap { $0.ownPasses ? signal($0) : nil }
    }

    static func recheck(_ differences: [Double], _ s: ObjectivitySettings) -> ObjectivitySignal? {
        recheckSign(differences, s).flatMap { $0.ownPasses ? signal($0) : nil }
    }

    static func signal(_ r: Raw) -> ObjectivitySignal {
        ObjectivitySignal(indicator: r.indicator, value: r.value, threshold: r.extra, reference: r.reference, z: r.ownZ ?? 0, explanation: r.ownExplanation)
    }

    /// One-sided z of observing `observed` or more from a Poisson mean, with the mid-p correction
    /// (half the probability of exactly `observed`): no pairs at all is z ≈ 0, not a sign against.
    static func poissonZ(observed: Int, mean: Double) -> Double {
        // P(X ≥ k) = 1 − Σ_{i<k} e^−λ λ^i / i!
        var term = exp(-mean), cdf = 0.0
        for i in 0..<observed {
            cdf += term
            term *= mean / Double(i + 1)
        }
        let p = max(1 - cdf - term / 2, 1e-300)
        return Evidence.zOfUpperTail(p)
    }
}

extension GroupFigures {
    /// Becomes `a` without `o`'s figures (the district without one school), in place: the arrays it
    /// already has are written over, not allocated anew (a country has 40 000 schools).
    mutating func becomeDifference(_ a: GroupFigures, _ op: UnsafePointer<GroupFigures>) {
        // (`op` by its address: see `ObjectivityAnalysis.highResults`.)
        (level, school, schoolName, className, enrolled, shownInFull) = (a.level, a.school, a.schoolName, a.className, a.enrolled, a.shownInFull)
        participants = a.participants - op.pointee.participants
        primarySum = a.primarySum - op.pointee.primarySum
        (journalLower, journalSame) = (a.journalLower - op.pointee.journalLower, a.journalSame - op.pointee.journalSame)
        (journalHigher, journalGapTwoOrMore) = (a.journalHigher - op.pointee.journalHigher, a.journalGapTwoOrMore - op.pointee.journalGapTwoOrMore)
        func difference(_ x: inout [Int], _ p: [Int], _ q: [Int]) {
            if x.count != p.count { x = [Int](repeating: 0, count: p.count) }
            for k in p.indices { x[k] = p[k] - q[k] }
        }
        difference(&marks, a.marks, op.pointee.marks)
        difference(&taskPoints, a.taskPoints, op.pointee.taskPoints)
        difference(&histogram, a.histogram, op.pointee.histogram)
        difference(&taskPointsByMark, a.taskPointsByMark, op.pointee.taskPointsByMark)
    }
}
