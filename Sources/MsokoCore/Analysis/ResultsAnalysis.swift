import Foundation

/// The analysis of a procedure's works at district, school and class level: one pass over the
/// compact columns of a `WorkTable`, counts and sums per group in flat arrays, figures built at the
/// end. The web pages, the documents and `msoko analyze` all use this one implementation.
public struct ResultsAnalysis: Sendable {
    public var spec: ProcedureSpec
    /// The district first, then each school followed by its classes (schools in the order of
    /// their first work, classes by name).
    public var groups: [GroupFigures]

    public var district: GroupFigures { groups[0] }
    public var schools: [GroupFigures] { groups.filter { $0.level == .school } }
    public func school(_ key: String) -> GroupFigures? { groups.first { $0.level == .school && $0.school == key } }
    public func classes(of key: String) -> [GroupFigures] { groups.filter { $0.level == .class && $0.school == key } }
    public func group(school: String?, className: String?) -> GroupFigures? {
        guard let school else { return district }
        guard let className else { return self.school(school) }
        return groups.first { $0.level == .class && $0.school == school && $0.className == className }
    }

    /// `enrolment`: students per school key and class («4А»), where known. `threads`: the pass over
    /// the works is shared out by school (each thread adds its schools' works; the district's
    /// sums are added up at the end), so figures are the same whatever the count — they are sums
    /// of integers. `wideCounts`: the sums in 64 bits even where 32 suffice (the tests compare the two
    /// ways; a file too large for 32-bit sums takes the 64-bit one by itself). `byMark`: also each
    /// task's points by the works' marks (`GroupFigures.taskPointsByMark`), which only the tables of
    /// completion by mark groups read — the documents, the pages and `--details`; without it a
    /// country's groups take 90 MB less (their sums and figures) and the pass adds half as much.
    public static func analyze(_ works: WorkTable, spec: ProcedureSpec, enrolment: [String: [String: Int]] = [:],
                               threads: Int? = nil, wideCounts: Bool = false, byMark: Bool = true) -> ResultsAnalysis {
        let taskCount = spec.tasks.count
        precondition(works.taskCount == taskCount || works.isEmpty)
        let maxScore = spec.maxScore
        let threads = max(1, threads ?? (works.count >= 50_000 ? Parallelism.threads : 1))
        var clock = PhaseClock("анализ")
        var groups: [GroupFigures] = []
        // A group's figures are all filled from its sums below: made here without their arrays
        // (two allocations each, for 120 000 groups, on one thread).
        func newGroup(_ level: GroupFigures.Level, _ school: String?, _ name: String?, _ cls: String?) -> Int {
            groups.append(GroupFigures(unfilled: level, school: school, schoolName: name, className: cls))
            return groups.count - 1
        }
        // Room for a school and about two classes each from the start: the tables below grow by
        // rehashing, and the groups by moving, otherwise (this step runs on one thread).
        let expectedGroups = 1 + works.schoolTable.count * 3
        groups.reserveCapacity(expectedGroups)
        _ = newGroup(.district, nil, nil, nil)

        // First the groups of every work, in one pass: schools of the table merged by key (login,
        // or name without one), classes by school and name, numbered in the order they first appear.
        var schoolGroupOf = [Int](repeating: -1, count: works.schoolTable.count)
        var schoolGroupByKey = [String: Int](minimumCapacity: works.schoolTable.count)
        func schoolGroup(_ index: Int) -> Int {
            if schoolGroupOf[index] >= 0 { return schoolGroupOf[index] }
            let s = works.schoolTable[index]
            let key = s.login ?? s.name ?? ""
            let g = schoolGroupByKey[key] ?? newGroup(.school, key, s.name, nil)
            schoolGroupByKey[key] = g
            schoolGroupOf[index] = g
            return g
        }
        var classGroupByKey = [Int: Int](minimumCapacity: expectedGroups)
        /// Per group: the school group of a class, −1 for the others.
        var parentSchool: [Int] = []
        /// Per group: the text of a class's name (an index into the table's texts), for the order.
        var classTextOf: [UInt32] = []
        parentSchool.reserveCapacity(expectedGroups)
        classTextOf.reserveCapacity(expectedGroups)
        var lastClassKey = -1, lastClassGroup = -1
        var workSchool = Parallelism.array(repeating: Int32(0), count: works.count, threads: threads)
        var workClass = Parallelism.array(repeating: Int32(0), count: works.count, threads: threads)
        // Whether each school's works come together (a file as ФИС ОКО gives it): then the sums
        // below split the works into contiguous ranges.
        var lastSchoolGroup = -1, schoolsLeft = Set<Int>(minimumCapacity: works.schoolTable.count), schoolsTogether = true
        // Per work only a comparison with the work above and two stores: the lookups run where the
        // school or class changes (a country's 1.5 million works are 80 000 runs in a file as ФИС ОКО
        // gives it; this loop is on one thread, and was 55 ns a work through the lookups).
        var sg = -1
        works.school.withUnsafeBufferPointer { school in
            works.classText.withUnsafeBufferPointer { classText in
                workSchool.withUnsafeMutableBufferPointer { ws in
                    workClass.withUnsafeMutableBufferPointer { wc in
                        precondition(school.count == ws.count && classText.count == ws.count)
                        var lastSchool = UInt32.max, lastText = UInt32.max
                        for i in 0..<ws.count {
                            let (s, c) = (school[i], classText[i])
                            if s != lastSchool || c != lastText {
                                (lastSchool, lastText) = (s, c)
                                sg = schoolGroup(Int(s))
                                let classKey = sg << 32 | Int(c)
                                if classKey != lastClassKey {
                                    lastClassKey = classKey
                                    if sg != lastSchoolGroup {
                                        if lastSchoolGroup >= 0 { schoolsLeft.insert(lastSchoolGroup) }
                                        if schoolsLeft.contains(sg) { schoolsTogether = false }
                                        lastSchoolGroup = sg
                                    }
                                    if let g = classGroupByKey[classKey] {
                                        lastClassGroup = g
                                    } else {
                                        lastClassGroup = newGroup(.class, groups[sg].school, groups[sg].schoolName, works.texts[Int(c)])
                                        parentSchool.append(contentsOf: repeatElement(-1, count: groups.count - parentSchool.count))
                                        parentSchool[lastClassGroup] = sg
                                        classTextOf.append(contentsOf: repeatElement(0, count: groups.count - classTextOf.count))
                                        classTextOf[lastClassGroup] = c
                                        classGroupByKey[classKey] = lastClassGroup
                                    }
                                }
                            }
                            ws[i] = Int32(sg)
                            wc[i] = Int32(lastClassGroup)
                        }
                    }
                }
            }
        }

        clock.lap("группы работ")
        // Then the sums: a school's and its classes' by the thread that has the school, the
        // district's by every thread into its own row, added up after.
        // The counts in 32 bits when no sum can pass Int32.max (a work adds at most a score cell's
        // largest value, 254 — 255 is «X» — to a task's sum, and its primary score to the primary
        // sum): half the memory — a country's rows are 100 MB in 64 bits, whose first touch was
        // most of this step.
        let maxes = spec.tasks.map(\.max)
        let perWork = max(Int(WorkRecord.notDone) - 1, maxes.reduce(0, +))
        if !wideCounts && works.count <= Int(Int32.max) / perWork { sumAndFill(Int32.self) } else { sumAndFill(Int.self) }
        func sumAndFill<Count: FixedWidthInteger & BitwiseCopyable & Sendable>(_: Count.Type) {
            var acc = Accumulator<Count>(taskCount: taskCount, maxScore: maxScore, byMark: byMark, groups: groups.count, threads: threads)
            var partials = Accumulator<Count>(taskCount: taskCount, maxScore: maxScore, byMark: byMark, groups: threads)
            let mins = spec.scale.map { [$0.three, $0.four, $0.five] } ?? []
            let layout = acc.layout
            // Thread k adds the works of its range when each school's works come together (the ranges
            // cut where a school ends), else those of the schools numbered k modulo the threads.
            var cuts = [0]
            if schoolsTogether && threads > 1 {
                for k in 1..<threads {
                    var p = max(works.count * k / threads, cuts[k - 1])
                    while p > 0 && p < works.count && workSchool[p] == workSchool[p - 1] { p += 1 }
                    cuts.append(p)
                }
            }
            cuts.append(works.count)
            let (bounds, contiguous) = (cuts, cuts.count == threads + 1)
            works.scores.withUnsafeBufferPointer { scores in
                works.marks.withUnsafeBufferPointer { marks in
                    workSchool.withUnsafeBufferPointer { ws in
                        workClass.withUnsafeBufferPointer { wc in
                            acc.sums.withUnsafeMutableBufferPointer { sums in
                                partials.sums.withUnsafeMutableBufferPointer { partial in
                                    // Each thread writes only its schools' rows and its own district row.
                                    nonisolated(unsafe) let (scores, marks, ws, wc, sums, partial) = (scores, marks, ws, wc, sums, partial)
                                    Parallelism.perform(iterations: threads, threads: threads) { k in
                                        let range = contiguous ? bounds[k]..<bounds[k + 1] : 0..<ws.count
                                        for i in range where contiguous || Int(ws[i]) % threads == k {
                                            let row = UnsafeBufferPointer(rebasing: scores[(i * taskCount)..<((i + 1) * taskCount)])
                                            var primary = 0
                                            for t in 0..<taskCount { primary &+= min(WorkRecord.points(row[t]), maxes[t]) }
                                            var mark = 0
                                            if !mins.isEmpty { mark = primary >= mins[2] ? 5 : primary >= mins[1] ? 4 : primary >= mins[0] ? 3 : 2 }
                                            let journal = Int(marks[i] >> 4)
                                            layout.add(partial, group: k, scores: row, primary: primary, mark: mark, journal: journal)
                                            layout.add(sums, group: Int(ws[i]), scores: row, primary: primary, mark: mark, journal: journal)
                                            layout.add(sums, group: Int(wc[i]), scores: row, primary: primary, mark: mark, journal: journal)
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            clock.lap("суммы")
            for k in 0..<threads { for j in 0..<layout.stride { acc.sums[j] += partials.sums[k * layout.stride + j] } }
            // Each group's figures from its row: independent, in runs of groups on every thread.
            let filled = acc
            groups.withUnsafeMutableBufferPointer { gb in
                nonisolated(unsafe) let gb = gb
                Parallelism.forEachRun(of: gb.count, runs: threads * 16, threads: threads) { _, range in
                    for g in range {
                        filled.fill(&gb[g], group: g)
                        if gb[g].level == .class, let school = gb[g].school, let cls = gb[g].className {
                            gb[g].enrolled = enrolment[school]?[cls]
                        }
                    }
                }
            }
        }
        clock.lap("показатели групп")
        // Enrolment of a school: its classes of the grade; of the district: every school's.
        // (Indices, not `filter`: a copy of each school's figures costs more than the sums.)
        var districtEnrolled: Int? = enrolment.isEmpty ? nil : 0
        var anySchool = false
        for g in groups.indices where groups[g].level == .school {
            anySchool = true
            let known = enrolment.isEmpty ? nil : enrolment[groups[g].school ?? ""].map { $0.values.reduce(0, +) }
            groups[g].enrolled = known
            districtEnrolled = known.flatMap { k in districtEnrolled.map { $0 + k } }
        }
        if anySchool, let districtEnrolled { groups[0].enrolled = districtEnrolled }

        clock.lap("численность")
        // Order: district, then each school with its classes by name.
        // (A school's classes by the index of its group, not a dictionary of names: a country has
        // 80 000 classes; the names compared only within a school.)
        // The names compared once: each distinct class text gets its place among them (`localized-
        // StandardCompare`, «6Б» before «6В», «9А» before «10А»), and classes are sorted by that
        // place — the same order as comparing the names themselves (a stable sort keeps the order of
        // names that compare equal), without 80 000 string comparisons.
        var used = [Bool](repeating: false, count: works.texts.count)
        for (g, school) in parentSchool.enumerated() where school >= 0 { used[Int(classTextOf[g])] = true }
        var textRank = [Int](repeating: 0, count: works.texts.count)
        let rankedTexts = used.indices.filter { used[$0] }.sorted { works.texts[$0].localizedStandardCompare(works.texts[$1]) == .orderedAscending }
        var rank = 0
        for (k, t) in rankedTexts.enumerated() {
            if k > 0, works.texts[rankedTexts[k - 1]].localizedStandardCompare(works.texts[t]) != .orderedSame { rank = k }
            textRank[t] = rank
        }
        // Each school's classes together in one array (a counting sort by school, the classes in
        // the order of their groups — 40 000 small arrays cost more than the rest of this step),
        // then each school's few sorted in place by their names' places (the sort is stable).
        var firstClass = [Int](repeating: 0, count: groups.count + 1)
        for school in parentSchool where school >= 0 { firstClass[school + 1] += 1 }
        for g in 0..<groups.count { firstClass[g + 1] += firstClass[g] }
        var classList = [Int](repeating: 0, count: firstClass[groups.count])
        var nextSlot = firstClass
        for (g, school) in parentSchool.enumerated() where school >= 0 {
            classList[nextSlot[school]] = g
            nextSlot[school] += 1
        }
        var sequence = [0]
        sequence.reserveCapacity(groups.count)
        for s in groups.indices where groups[s].level == .school {
            sequence.append(s)
            let mine = firstClass[s]..<firstClass[s + 1]
            if mine.count > 1 { classList[mine].sort { textRank[Int(classTextOf[$0])] < textRank[Int(classTextOf[$1])] } }
            sequence += classList[mine]
        }
        // Put in that order in place, by swaps along each cycle of the permutation: no copy (which
        // retains and later releases each group's arrays) and no second array (a country's groups
        // take 18 MB, fresh pages each time).
        precondition(sequence.count == groups.count)
        var placed = [Bool](repeating: false, count: groups.count)
        groups.withUnsafeMutableBufferPointer { gb in
            for i in gb.indices where !placed[i] {
                // Along the cycle i → sequence[i] → …: each swap puts the group that belongs at j there.
                var j = i
                placed[j] = true
                while sequence[j] != i {
                    gb.swapAt(j, sequence[j])
                    j = sequence[j]
                    placed[j] = true
                }
            }
        }
        clock.lap("порядок")
        return ResultsAnalysis(spec: spec, groups: groups)
    }

    /// Achievement of each planned result (requirement) in a group: the points scored on the tasks
    /// that check it over their maximum (the tasks grouped once, by `Gaps.requirements(of:)`).
    public func requirements(_ g: GroupFigures) -> [(code: String, text: String, completion: Double?)] {
        Self.requirements(Gaps.requirements(of: spec), g)
    }

    /// The same for requirements grouped beforehand (the JSON writer groups them once for all groups).
    static func requirements(_ reqs: [GapRequirement], _ g: GroupFigures) -> [(code: String, text: String, completion: Double?)] {
        reqs.map { r in
            let points = r.taskIndexes.reduce(0) { $0 + g.taskPoints[$1] }
            let max = r.max * g.participants
            return (r.code, r.text, max == 0 ? nil : Double(points) / Double(max))
        }
    }
}

/// Counts and sums of every group in one flat array, a row of `Layout.stride` numbers a group,
/// so the pass over a country's works touches contiguous memory and threads can share it out.
struct Accumulator<Count: FixedWidthInteger & BitwiseCopyable & Sendable> {
    /// Where each figure sits in a group's row.
    struct Layout: Sendable {
        let taskCount: Int
        let histogramSize: Int
        /// Whether the rows hold each task's points by mark (see `ResultsAnalysis.analyze`'s `byMark`).
        let byMarkTasks: Bool
        // participants, primary sum, marks 2-5, journal (lower, same, higher, gap ≥ 2), then the arrays.
        static var participants: Int { 0 }
        static var primarySum: Int { 1 }
        static var marks: Int { 2 }
        static var journal: Int { 6 }
        var taskPoints: Int { 10 }
        var histogram: Int { 10 + taskCount }
        var byMark: Int { 10 + taskCount + histogramSize }
        var stride: Int { 10 + taskCount + histogramSize + (byMarkTasks ? 4 * taskCount : 0) }

        @inline(__always) func add(_ sums: UnsafeMutableBufferPointer<Count>, group g: Int, scores: UnsafeBufferPointer<UInt8>, primary: Int, mark: Int, journal j: Int) {
            let base = g * stride
            sums[base + Self.participants] &+= 1
            sums[base + Self.primarySum] &+= Count(truncatingIfNeeded: primary)
            sums[base + histogram + min(primary, histogramSize - 1)] &+= 1
            let points = base + taskPoints
            // «X» adds 0. Without a branch per task or an overflow check (the caller picks a
            // `Count` no sum can overflow), so that the loop runs in vector registers.
            if mark >= 2 && byMarkTasks {
                let markBase = base + byMark + (mark - 2) * taskCount
                for t in 0..<taskCount {
                    let v = Count(truncatingIfNeeded: WorkRecord.points(scores[t]))
                    sums[points + t] &+= v
                    sums[markBase + t] &+= v
                }
            } else {
                for t in 0..<taskCount { sums[points + t] &+= Count(truncatingIfNeeded: WorkRecord.points(scores[t])) }
            }
            if mark >= 2 {
                sums[base + Self.marks + mark - 2] &+= 1
                if j >= 2 {
                    sums[base + Self.journal + (mark < j ? 0 : mark == j ? 1 : 2)] &+= 1
                    if abs(mark - j) >= 2 { sums[base + Self.journal + 3] &+= 1 }
                }
            }
        }
    }

    let layout: Layout
    /// Int32 where the caller knows no sum can pass its limit (`ResultsAnalysis.analyze`), else Int.
    var sums: [Count]

    /// `threads`: the rows zeroed on that many cores — a country's 120 000 groups take 50 MB in 32 bits,
    /// whose first touch (page faults and zeroing) on one core was a fifth of the sums' time.
    init(taskCount: Int, maxScore: Int, byMark: Bool, groups: Int, threads: Int = 1) {
        layout = Layout(taskCount: taskCount, histogramSize: maxScore + 1, byMarkTasks: byMark)
        sums = Parallelism.array(repeating: 0, count: groups * layout.stride, threads: threads)
    }

    func fill(_ f: inout GroupFigures, group g: Int) {
        let base = g * layout.stride, T = layout.taskCount
        func slice(_ from: Int, _ count: Int) -> [Int] {
            [Int](unsafeUninitializedCapacity: count) { out, n in
                for k in 0..<count { out[k] = Int(sums[base + from + k]) }
                n = count
            }
        }
        f.participants = Int(sums[base + Layout.participants])
        f.primarySum = Int(sums[base + Layout.primarySum])
        f.marks = slice(Layout.marks, 4)
        f.taskPoints = slice(layout.taskPoints, T)
        f.histogram = slice(layout.histogram, layout.histogramSize)
        f.taskPointsByMark = layout.byMarkTasks ? slice(layout.byMark, 4 * T) : []
        f.journalLower = Int(sums[base + Layout.journal])
        f.journalSame = Int(sums[base + Layout.journal + 1])
        f.journalHigher = Int(sums[base + Layout.journal + 2])
        f.journalGapTwoOrMore = Int(sums[base + Layout.journal + 3])
    }
}
