import Foundation

/// Knowledge gaps per requirement (issue 13 §1, docs/gaps.md): for a student (participant code), a
/// class or a school, each requirement of the specification (проверяемое требование, a КЭС code)
/// with its completion — the points scored on the tasks that check it over their maximum — and a
/// verdict against the thresholds of the easiest level among those tasks (Б: mastered from 60 %,
/// borderline from 57 %; П/В: 30 % and 28.5 %). A requirement that at least half of a group's
/// students have not mastered is a «системный дефицит»; a student with three or more requirements
/// not mastered is listed for individual work.
public enum Gaps {
    /// The share of a group's works not mastering a requirement from which it is a systemic deficit.
    public static let systemicShare = 0.5
    /// Requirements not mastered from which a student is listed for individual work.
    public static let individualMinimum = 3

    /// The requirements of a specification in the order they first appear, each with its tasks.
    /// A task that checks no requirement is left out (it has nothing to be a gap in).
    public static func requirements(of spec: ProcedureSpec) -> [GapRequirement] {
        var order: [String] = []
        var found: [String: GapRequirement] = [:]
        for (t, task) in spec.tasks.enumerated() {
            for r in task.requirements {
                if var g = found[r.code] {
                    g.tasks.append(task.number)
                    g.taskIndexes.append(t)
                    g.max += task.max
                    if task.level.rank < g.level.rank { g.level = task.level }
                    found[r.code] = g
                } else {
                    order.append(r.code)
                    found[r.code] = GapRequirement(code: r.code, text: r.text, tasks: [task.number], level: task.level, max: task.max, taskIndexes: [t])
                }
            }
        }
        return order.map { found[$0]! }
    }

    /// The gaps of one group (a class, a school) from its works: every work a student's row, every
    /// requirement the group's figure. «X» (a task not done) counts 0 points.
    public static func group<S: Sequence>(_ works: S, spec: ProcedureSpec) -> GroupGaps where S.Element == WorkRecord {
        let reqs = requirements(of: spec)
        var points = [Int](repeating: 0, count: reqs.count)
        var notMastered = [Int](repeating: 0, count: reqs.count)
        var borderline = [Int](repeating: 0, count: reqs.count)
        var students: [StudentGaps] = []
        for w in works {
            var completion: [Double] = []
            var verdicts: [Mastery] = []
            completion.reserveCapacity(reqs.count)
            for (k, r) in reqs.enumerated() {
                var p = 0
                for t in r.taskIndexes where t < w.scores.count && w.scores[t] != WorkRecord.notDone { p += Int(w.scores[t]) }
                points[k] += p
                let c = r.max > 0 ? Double(p) / Double(r.max) : 0
                let v = Mastery(completion: c, level: r.level)
                if v == .notMastered { notMastered[k] += 1 } else if v == .borderline { borderline[k] += 1 }
                completion.append(c)
                verdicts.append(v)
            }
            students.append(StudentGaps(code: w.code, className: w.className, completion: completion, verdicts: verdicts,
                                        notMastered: reqs.indices.filter { verdicts[$0] == .notMastered }.map { reqs[$0].code },
                                        borderline: reqs.indices.filter { verdicts[$0] == .borderline }.map { reqs[$0].code }))
        }
        let n = students.count
        let figures = reqs.enumerated().map { k, r -> GapFigure in
            let completion = n > 0 && r.max > 0 ? Double(points[k]) / Double(r.max * n) : nil
            return GapFigure(requirement: r, completion: completion, verdict: completion.map { Mastery(completion: $0, level: r.level) },
                             works: n, notMastered: notMastered[k], borderline: borderline[k])
        }
        return GroupGaps(requirements: figures, students: students)
    }

    /// A subject as two specifications must share it for their codes to match: case, «ё» and spaces aside.
    public static func subjectKey(_ subject: String) -> String {
        subject.lowercased().replacingOccurrences(of: "ё", with: "е").split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    /// The same requirement followed across procedures (ВГР → regional monitoring → next year's
    /// ВПР): for each requirement of `current`, its figure in every other procedure of the same
    /// subject whose specification has the same code. Only requirements found elsewhere are listed;
    /// `others` in the order to show (oldest first).
    public static func follow(_ current: GroupGaps, subject: String, others: [(label: String, subject: String, gaps: GroupGaps)]) -> [FollowedRequirement] {
        let key = subjectKey(subject)
        let same = others.filter { subjectKey($0.subject) == key }
        return current.requirements.compactMap { f in
            let points = same.compactMap { o -> FollowedRequirement.Point? in
                guard let g = o.gaps.requirements.first(where: { $0.requirement.code == f.requirement.code }) else { return nil }
                return .init(label: o.label, works: g.works, completion: g.completion, verdict: g.verdict, notMasteredShare: g.notMasteredShare)
            }
            return points.isEmpty ? nil : FollowedRequirement(code: f.requirement.code, text: f.requirement.text, points: points)
        }
    }
}

extension TaskLevel {
    /// Б 0, П 1, В 2: the easiest of several levels is the one with the lowest rank.
    var rank: Int { TaskLevel.allCases.firstIndex(of: self)! }
}

/// A requirement of a specification and the tasks that check it.
public struct GapRequirement: Sendable, Equatable {
    public var code: String
    public var text: String
    /// The numbers of the tasks that check it, in the specification's order.
    public var tasks: [String]
    /// The easiest level among those tasks: its thresholds judge the requirement.
    public var level: TaskLevel
    /// The points of those tasks together (one work's maximum).
    public var max: Int
    /// The tasks' places in the specification.
    public var taskIndexes: [Int]
}

/// A requirement in a group: its completion over the group's works, the verdict, and how many of
/// the group's students have not mastered it.
public struct GapFigure: Sendable, Equatable {
    public var requirement: GapRequirement
    /// Points over (works × maximum), unrounded; nil for a group without works.
    public var completion: Double?
    public var verdict: Mastery?
    public var works: Int
    /// Works (students) below the borderline threshold, and at the border.
    public var notMastered: Int
    public var borderline: Int

    public var notMasteredShare: Double { works > 0 ? Double(notMastered) / Double(works) : 0 }
    /// «Системный дефицит»: not mastered by at least half of the group.
    public var isSystemic: Bool { works > 0 && notMasteredShare >= Gaps.systemicShare }
}

/// One student's (one work's) requirements.
public struct StudentGaps: Sendable, Equatable {
    public var code: String
    public var className: String
    /// Per requirement, in the order of `Gaps.requirements(of:)`.
    public var completion: [Double]
    public var verdicts: [Mastery]
    /// Codes of the requirements not mastered (below the borderline threshold), and at the border.
    public var notMastered: [String]
    public var borderline: [String]

    public var needsIndividualWork: Bool { notMastered.count >= Gaps.individualMinimum }
}

/// The gaps of a class or a school.
public struct GroupGaps: Sendable, Equatable {
    public var requirements: [GapFigure]
    /// Every work of the group, in the order given.
    public var students: [StudentGaps]

    public var works: Int { students.count }

    public var systemic: [GapFigure] { requirements.filter(\.isSystemic) }
    /// Students with `Gaps.individualMinimum` or more requirements not mastered.
    public var forIndividualWork: [StudentGaps] { students.filter(\.needsIndividualWork) }
}

/// A requirement's figures in other procedures that share its code within the subject.
public struct FollowedRequirement: Sendable, Equatable {
    public struct Point: Sendable, Equatable {
        public var label: String
        public var works: Int
        public var completion: Double?
        public var verdict: Mastery?
        public var notMasteredShare: Double
    }
    public var code: String
    public var text: String
    public var points: [Point]
}
