import Foundation

/// The figures of one group of works — the district (the whole file), a school or a class — as
/// counts and sums, exact; shares and means are computed from them on demand.
public struct GroupFigures: Sendable, Equatable {
    public enum Level: String, Sendable { case district, school, `class` }
    /// Under 20 works: figures are shown with a caution; under 10: no percentages.
    public enum SmallGroup: String, Sendable { case limited, suppressed }

    public var level: Level
    /// The `ОО` login or, without one, the school's name; nil for the district.
    public var school: String?
    public var schoolName: String?
    public var className: String?
    public var participants = 0
    /// Works with mark 2, 3, 4, 5 (from the scale); all zero without a scale.
    public var marks: [Int]
    public var primarySum = 0
    /// Points per task, in the specification's order («X» counts 0).
    public var taskPoints: [Int]
    /// Works per primary score 0 … max.
    public var histogram: [Int]
    /// Points per task of the works with mark 2, 3, 4, 5, in one array: mark m's task t at
    /// (m − 2) × tasks + t (one allocation for the four: a country has 120 000 groups). Empty
    /// when the analysis was made without them (`ResultsAnalysis.analyze(…, byMark: false)`).
    public var taskPointsByMark: [Int]
    /// ВПР mark against the journal mark, over works that have both: below, equal, above.
    public var journalLower = 0
    public var journalSame = 0
    public var journalHigher = 0
    /// Works whose ВПР mark and journal mark differ by two or more.
    public var journalGapTwoOrMore = 0
    /// Students in the class (or the school's classes of the grade) where known.
    public var enrolled: Int?
    /// Set where a group is shown as itself — a school's or a class's own page and справка, seen
    /// by that school and by the district that supports it — rather than compared with others or
    /// published. Then a group under 10 works keeps its percentages, with a caution, instead of «—»:
    /// a rural school of seven works must see its own results (ФИС ОКО shows them too).
    public var shownInFull = false

    public init(level: Level, school: String?, schoolName: String?, className: String?, taskCount: Int, maxScore: Int) {
        self.level = level
        self.school = school
        self.schoolName = schoolName
        self.className = className
        marks = [0, 0, 0, 0]
        taskPoints = [Int](repeating: 0, count: taskCount)
        histogram = [Int](repeating: 0, count: maxScore + 1)
        taskPointsByMark = [Int](repeating: 0, count: 4 * taskCount)
    }

    /// Without its arrays, for a group whose figures are all filled afterwards (`ResultsAnalysis.analyze`
    /// makes 120 000 of them for a country on one thread).
    init(unfilled level: Level, school: String?, schoolName: String?, className: String?) {
        self.level = level
        self.school = school
        self.schoolName = schoolName
        self.className = className
        (marks, taskPoints, histogram, taskPointsByMark) = ([], [], [], [])
    }

    public var smallGroup: SmallGroup? { participants < 10 ? .suppressed : participants < 20 ? .limited : nil }
    /// Whether the group's shares are withheld («—»): under 10 works, and compared or published.
    public var sharesHidden: Bool { smallGroup == .suppressed && !shownInFull }
    /// The group as shown to itself (see `shownInFull`).
    public var inFull: GroupFigures {
        var g = self
        g.shownInFull = true
        return g
    }
    var marked: Int { marks.reduce(0, +) }

    public var meanPrimaryScore: Double? { participants == 0 ? nil : Double(primarySum) / Double(participants) }
    public var meanMark: Double? {
        marked == 0 ? nil : Double(marks.enumerated().reduce(0) { $0 + ($1.offset + 2) * $1.element }) / Double(marked)
    }
    /// Share of each mark, «2» … «5».
    public func markShare(_ mark: Int) -> Double? { marked == 0 ? nil : Double(marks[mark - 2]) / Double(marked) }
    /// Успеваемость: share of marks 3, 4, 5.
    public var passRate: Double? { marked == 0 ? nil : Double(marks[1] + marks[2] + marks[3]) / Double(marked) }
    /// Качество знаний: share of marks 4 and 5.
    public var qualityRate: Double? { marked == 0 ? nil : Double(marks[2] + marks[3]) / Double(marked) }
    public var participation: Double? { enrolled.flatMap { $0 > 0 ? Double(participants) / Double($0) : nil } }
    public var journalCompared: Int { journalLower + journalSame + journalHigher }

    /// Completion of task `t`: points over the maximum the group could score.
    public func taskCompletion(_ t: Int, max: Int) -> Double? {
        participants == 0 ? nil : Double(taskPoints[t]) / Double(participants * max)
    }

    public func taskCompletion(_ t: Int, max: Int, mark: Int) -> Double? {
        precondition(!taskPointsByMark.isEmpty || taskPoints.isEmpty, "the analysis was made without the points by mark (byMark: false)")
        let n = marks[mark - 2]
        return n == 0 ? nil : Double(taskPointsByMark[(mark - 2) * taskPoints.count + t]) / Double(n * max)
    }
}

/// Whether a task is mastered, by its level: Б ≥ 60 %, borderline 57–60 %; П and В ≥ 30 %, borderline 28.5–30 %.
public enum Mastery: String, Sendable {
    case mastered, borderline, notMastered

    public init(completion: Double, level: TaskLevel) {
        let threshold = level == .basic ? 0.6 : 0.3
        let borderline = level == .basic ? 0.57 : 0.285
        self = completion >= threshold ? .mastered : completion >= borderline ? .borderline : .notMastered
    }

    public var title: String {
        switch self {
        case .mastered: return "освоено"
        case .borderline: return "на границе"
        case .notMastered: return "не освоено"
        }
    }
}
