import Foundation

/// A task or planned result of a group judged twice: against the absolute threshold of its level
/// (`Mastery`) and against the group's references. The absolute thresholds alone say little —
/// 31 % on a В task is «освоено» — so a task is also called out when it is 10 percentage points or
/// more below a reference («ниже района на 12,3 п. п.»).
public struct Verdict: Sendable, Equatable {
    public struct Below: Sendable, Equatable {
        /// The reference in the genitive: «школы», «района», «региона», «России».
        public var reference: String
        /// How far below, as a fraction (0.123 = 12,3 п. п.).
        public var points: Double
    }

    public var completion: Double?
    public var mastery: Mastery?
    public var below: [Below] = []
    /// Completion over the mastery threshold of the level (negative: under it).
    public var margin: Double?

    /// Not mastered, or 10 p. p. or more below a reference.
    public var isWeak: Bool { mastery == .notMastered || !below.isEmpty }

    /// «ниже района на 12,3 п. п.; ниже региона на 10,5 п. п.», or empty.
    public var comparisonText: String {
        below.map { "ниже \($0.reference) на \(Verdicts.points($0.points))" }.joined(separator: "; ")
    }
}

/// The references of a group and the verdicts against them: a class is compared with its school
/// and the district, a school with the district, the district with the region and Russia where
/// their figures are entered. A reference too small to show its shares is left out, and so is
/// every comparison of a group whose own shares are hidden.
public enum Verdicts {
    /// 10 percentage points.
    public static let gap = 0.10

    public static func points(_ d: Double) -> String {
        ReferenceTable.oneDecimal(abs(d) * 100) + "\u{00A0}п.\u{00A0}п."
    }

    static func genitive(_ g: GroupFigures) -> String {
        switch g.level {
        case .class: return "класса"
        case .school: return "школы"
        case .district: return "района"
        }
    }

    static func genitive(_ l: ReferenceTable.Level) -> String { l == .region ? "региона" : "России" }

    static func threshold(_ level: TaskLevel) -> Double { level == .basic ? 0.6 : 0.3 }

    /// The wider groups of `groups` (the pages pass the group in focus first, then its school and
    /// the district), and the ФИС ОКО references for the district.
    static func references(_ groups: [GroupFigures], _ a: ResultsAnalysis) -> (groups: [GroupFigures], levels: [ReferenceTable.Level]) {
        guard let focus = groups.first else { return ([], []) }
        let wider = groups.dropFirst().filter { $0.level != focus.level && !$0.sharesHidden }
        let levels = focus.level == .district ? ReferenceTable.Level.allCases.filter { a.spec.reference?[$0.rawValue]?.tasks?.isEmpty == false } : []
        return (Array(wider), levels)
    }

    /// Whether `groups[0]` has any reference to be compared with (a «Сравнение» column).
    public static func compares(_ groups: [GroupFigures], _ a: ResultsAnalysis) -> Bool {
        let refs = references(groups, a)
        return !refs.groups.isEmpty || !refs.levels.isEmpty
    }

    /// One verdict per task of the specification, for `groups[0]`.
    public static func tasks(_ groups: [GroupFigures], _ a: ResultsAnalysis) -> [Verdict] {
        guard let g = groups.first else { return [] }
        let refs = references(groups, a)
        return a.spec.tasks.enumerated().map { t, task in
            guard !g.sharesHidden, let c = g.taskCompletion(t, max: task.max) else { return Verdict() }
            var v = Verdict(completion: c, mastery: Mastery(completion: c, level: task.level), margin: c - threshold(task.level))
            for r in refs.groups {
                if let rc = r.taskCompletion(t, max: task.max), rc - c >= gap - 1e-9 { v.below.append(.init(reference: genitive(r), points: rc - c)) }
            }
            for l in refs.levels {
                if let rc = a.spec.reference?[l.rawValue]?.tasks?[task.number], rc - c >= gap - 1e-9 { v.below.append(.init(reference: genitive(l), points: rc - c)) }
            }
            return v
        }
    }

    /// One verdict per planned result, in the order of `ResultsAnalysis.requirements`, for `groups[0]`.
    public static func requirements(_ groups: [GroupFigures], _ a: ResultsAnalysis) -> [Verdict] {
        guard let g = groups.first else { return [] }
        let refs = references(groups, a)
        let levels = AnalysisTables.requirementLevels(a.spec)
        let wider = refs.groups.map { a.requirements($0) }
        return a.requirements(g).enumerated().map { k, r in
            guard !g.sharesHidden, let c = r.completion else { return Verdict() }
            let level = levels[r.code] ?? .basic
            var v = Verdict(completion: c, mastery: Mastery(completion: c, level: level), margin: c - threshold(level))
            for (ref, list) in zip(refs.groups, wider) {
                if let rc = list[k].completion, rc - c >= gap - 1e-9 { v.below.append(.init(reference: genitive(ref), points: rc - c)) }
            }
            for l in refs.levels {
                if let rc = referenceCompletion(code: r.code, level: l, a.spec), rc - c >= gap - 1e-9 { v.below.append(.init(reference: genitive(l), points: rc - c)) }
            }
            return v
        }
    }

    /// A planned result's completion in a ФИС ОКО reference: its tasks' completions weighted by
    /// their maxima; nil unless every task that checks it has a reference figure.
    static func referenceCompletion(code: String, level: ReferenceTable.Level, _ spec: ProcedureSpec) -> Double? {
        guard let tasks = spec.reference?[level.rawValue]?.tasks else { return nil }
        var points = 0.0, max = 0
        for t in spec.tasks where t.requirements.contains(where: { $0.code == code }) {
            guard let c = tasks[t.number] else { return nil }
            points += c * Double(t.max)
            max += t.max
        }
        return max == 0 ? nil : points / Double(max)
    }

    /// The rows to highlight: the weak ones, weakest first; where none is weak, the three with the
    /// smallest margin over their threshold («наименее успешные»), so that a table and the text
    /// written from it always say where to look.
    public static func weakest(_ verdicts: [Verdict], fallback: Int = 3) -> (rows: [Int], weak: Bool) {
        let judged = verdicts.indices.filter { verdicts[$0].margin != nil }
        let byMargin = judged.sorted { (verdicts[$0].margin! - (verdicts[$0].below.map(\.points).max() ?? 0)) < (verdicts[$1].margin! - (verdicts[$1].below.map(\.points).max() ?? 0)) }
        let weak = byMargin.filter { verdicts[$0].isWeak }
        return weak.isEmpty ? (Array(byMargin.prefix(fallback)), false) : (weak, true)
    }
}
