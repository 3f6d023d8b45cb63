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

    /// `enrolment`: students per school key and class («4А»), where known.
    public static func analyze(_ works: WorkTable, spec: ProcedureSpec, enrolment: [String: [String: Int]] = [:]) -> ResultsAnalysis {
        let taskCount = spec.tasks.count
        precondition(works.taskCount == taskCount || works.isEmpty)
        let maxScore = spec.maxScore
        var acc = Accumulator(taskCount: taskCount, maxScore: maxScore)
        var groups: [GroupFigures] = []
        func newGroup(_ level: GroupFigures.Level, _ school: String?, _ name: String?, _ cls: String?) -> Int {
            groups.append(GroupFigures(level: level, school: school, schoolName: name, className: cls, taskCount: 0, maxScore: -1))
            acc.grow()
            return groups.count - 1
        }
        _ = newGroup(.district, nil, nil, nil)

        // Schools of the table merged by key (login, or name without one).
        var schoolGroupOf = [Int](repeating: -1, count: works.schoolTable.count)
        var schoolGroupByKey: [String: Int] = [:]
        func schoolGroup(_ index: Int) -> Int {
            if schoolGroupOf[index] >= 0 { return schoolGroupOf[index] }
            let s = works.schoolTable[index]
            let key = s.login ?? s.name ?? ""
            let g = schoolGroupByKey[key] ?? newGroup(.school, key, s.name, nil)
            schoolGroupByKey[key] = g
            schoolGroupOf[index] = g
            return g
        }
        var classGroupByKey: [Int: Int] = [:]
        var lastClassKey = -1, lastClassGroup = -1
        let mins = spec.scale.map { [$0.three, $0.four, $0.five] }
        let maxes = spec.tasks.map(\.max)

        works.scores.withUnsafeBufferPointer { scores in
            for i in 0..<works.count {
                let sg = schoolGroup(Int(works.school[i]))
                let classKey = sg << 32 | Int(works.classText[i])
                if classKey != lastClassKey {
                    lastClassKey = classKey
                    if let g = classGroupByKey[classKey] {
                        lastClassGroup = g
                    } else {
                        lastClassGroup = newGroup(.class, groups[sg].school, groups[sg].schoolName, works.texts[Int(works.classText[i])])
                        classGroupByKey[classKey] = lastClassGroup
                    }
                }
                let row = UnsafeBufferPointer(rebasing: scores[(i * taskCount)..<((i + 1) * taskCount)])
                var primary = 0
                for (t, s) in row.enumerated() where s != WorkRecord.notDone { primary += min(Int(s), maxes[t]) }
                var mark = 0
                if let mins { mark = primary >= mins[2] ? 5 : primary >= mins[1] ? 4 : primary >= mins[0] ? 3 : 2 }
                let journal = Int(works.marks[i] >> 4)
                acc.add(group: 0, scores: row, primary: primary, mark: mark, journal: journal)
                acc.add(group: sg, scores: row, primary: primary, mark: mark, journal: journal)
                acc.add(group: lastClassGroup, scores: row, primary: primary, mark: mark, journal: journal)
            }
        }
        for g in groups.indices {
            acc.fill(&groups[g], group: g)
            if groups[g].level == .class, let school = groups[g].school, let cls = groups[g].className {
                groups[g].enrolled = enrolment[school]?[cls]
            }
        }
        // Enrolment of a school: its classes of the grade; of the district: every school's.
        for g in groups.indices where groups[g].level == .school {
            let known = enrolment[groups[g].school ?? ""].map { $0.values.reduce(0, +) }
            groups[g].enrolled = known
        }
        let schoolTotals = groups.filter { $0.level == .school }.map(\.enrolled)
        if !schoolTotals.isEmpty, schoolTotals.allSatisfy({ $0 != nil }) { groups[0].enrolled = schoolTotals.compactMap { $0 }.reduce(0, +) }

        // Order: district, then each school with its classes by name.
        let district = groups[0]
        var ordered = [district]
        let classes = Dictionary(grouping: groups.filter { $0.level == .class }, by: { $0.school ?? "" })
        for s in groups where s.level == .school {
            ordered.append(s)
            ordered += (classes[s.school ?? ""] ?? []).sorted { ($0.className ?? "").localizedStandardCompare($1.className ?? "") == .orderedAscending }
        }
        return ResultsAnalysis(spec: spec, groups: ordered)
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

/// Counts and sums of every group in flat arrays, so the pass over a country's works touches
/// contiguous memory rather than a struct of arrays per group.
struct Accumulator {
    let taskCount: Int
    let histogramSize: Int
    var participants: [Int] = []
    var marks: [Int] = []
    var primarySum: [Int] = []
    var taskPoints: [Int] = []
    var histogram: [Int] = []
    var byMark: [Int] = []
    var journal: [Int] = []  // lower, same, higher, gap ≥ 2

    init(taskCount: Int, maxScore: Int) {
        self.taskCount = taskCount
        histogramSize = maxScore + 1
    }

    mutating func grow() {
        participants.append(0)
        primarySum.append(0)
        marks += [0, 0, 0, 0]
        journal += [0, 0, 0, 0]
        taskPoints += [Int](repeating: 0, count: taskCount)
        histogram += [Int](repeating: 0, count: histogramSize)
        byMark += [Int](repeating: 0, count: 4 * taskCount)
    }

    @inline(__always) mutating func add(group g: Int, scores: UnsafeBufferPointer<UInt8>, primary: Int, mark: Int, journal j: Int) {
        participants[g] += 1
        primarySum[g] += primary
        histogram[g * histogramSize + min(primary, histogramSize - 1)] += 1
        let base = g * taskCount
        let markBase = mark >= 2 ? (g * 4 + mark - 2) * taskCount : -1
        for t in 0..<taskCount {
            let s = scores[t]
            guard s != WorkRecord.notDone else { continue }
            taskPoints[base + t] += Int(s)
            if markBase >= 0 { byMark[markBase + t] += Int(s) }
        }
        if mark >= 2 {
            marks[g * 4 + mark - 2] += 1
            if j >= 2 {
                journal[g * 4 + (mark < j ? 0 : mark == j ? 1 : 2)] += 1
                if abs(mark - j) >= 2 { journal[g * 4 + 3] += 1 }
            }
        }
    }

    func fill(_ f: inout GroupFigures, group g: Int) {
        f.participants = participants[g]
        f.primarySum = primarySum[g]
        f.marks = Array(marks[(g * 4)..<(g * 4 + 4)])
        f.taskPoints = Array(taskPoints[(g * taskCount)..<((g + 1) * taskCount)])
        f.histogram = Array(histogram[(g * histogramSize)..<((g + 1) * histogramSize)])
        f.taskPointsByMark = (0..<4).map { k in Array(byMark[((g * 4 + k) * taskCount)..<((g * 4 + k + 1) * taskCount)]) }
        f.journalLower = journal[g * 4]
        f.journalSame = journal[g * 4 + 1]
        f.journalHigher = journal[g * 4 + 2]
        f.journalGapTwoOrMore = journal[g * 4 + 3]
    }
}
