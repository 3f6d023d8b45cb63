import Foundation

/// The loop from a finding to its measured effect (issue 15 §4): what was measured when the
/// decision was taken, what the next comparable measurement shows, and the verdict.
public enum LoopVerdict: String, CaseIterable, Codable, Sendable {
    case improved, worsened, unchanged, notMeasured

    public var title: String {
        switch self {
        case .improved: return "улучшение"
        case .worsened: return "ухудшение"
        case .unchanged: return "без изменений"
        case .notMeasured: return "ещё не измерено"
        }
    }
}

/// One measurement of the indicator a finding is about, in the school (or the district).
public struct LoopMeasurement: Sendable, Equatable {
    /// «ВПР 2026 · Математика · 4 класс».
    public var label: String
    /// Signs of non-objective results: whether the group is at or above the flag, and its risk.
    public var flagged: Bool?
    public var risk: Double?
    /// Completion (0…1) of the requirements concerned (or of all tasks).
    public var completion: Double?
    /// For a decision of the whole district about objectivity: how many schools have signs.
    public var flaggedSchools: Int?

    public init(label: String, flagged: Bool? = nil, risk: Double? = nil, completion: Double? = nil, flaggedSchools: Int? = nil) {
        self.label = label
        self.flagged = flagged
        self.risk = risk
        self.completion = completion
        self.flaggedSchools = flaggedSchools
    }
}

public enum LoopRules {
    /// A change of completion of at least 5 percentage points is a change (issue 15 §4).
    public static let completionStep = 0.05

    /// The verdict: by the flag when the finding is about objectivity (the sign no longer fires →
    /// «улучшение», a flag that was not there → «ухудшение»), else by completion (±5 п. п.);
    /// «ещё не измерено» without a comparable measurement or a figure to compare.
    public static func verdict(before: LoopMeasurement, after: LoopMeasurement?) -> LoopVerdict {
        guard let after else { return .notMeasured }
        if let was = before.flaggedSchools {
            // The district's decision: fewer schools with signs is better, more is worse.
            guard let now = after.flaggedSchools else { return .notMeasured }
            return now < was ? .improved : now > was ? .worsened : .unchanged
        }
        if let was = before.flagged {
            guard let now = after.flagged else { return .notMeasured }
            if was && !now { return .improved }
            if !was && now { return .worsened }
            return .unchanged
        }
        guard let a = before.completion, let b = after.completion else { return .notMeasured }
        // Rounded to a hundredth of a point first, so that 5.000 п. п. computed as 4.9999… counts.
        let change = ((b - a) * 10_000).rounded() / 10_000
        if change >= completionStep { return .improved }
        if change <= -completionStep { return .worsened }
        return .unchanged
    }

    /// Completion of the requirements `codes` in a group (all tasks when `codes` is empty): points
    /// on the tasks that check them over their maximum; nil when none of the codes is in the
    /// specification or the group wrote nothing.
    public static func completion(codes: [String], in a: ResultsAnalysis, group g: GroupFigures) -> Double? {
        guard g.participants > 0 else { return nil }
        let tasks: [Int]
        if codes.isEmpty {
            tasks = Array(a.spec.tasks.indices)
        } else {
            let wanted = Set(codes)
            tasks = Array(Set(Gaps.requirements(of: a.spec).filter { wanted.contains($0.code) }.flatMap(\.taskIndexes))).sorted()
        }
        guard !tasks.isEmpty else { return nil }
        let points = tasks.reduce(0) { $0 + g.taskPoints[$1] }
        let max = tasks.reduce(0) { $0 + a.spec.tasks[$1].max } * g.participants
        return max == 0 ? nil : Double(points) / Double(max)
    }

    /// Completion of the requirements `codes` in a school's re-diagnosis of one class: points on its
    /// tasks that check them over their maximum, among the students who took it (a row with no score
    /// is a student who did not); nil when no task checks them or nobody took it.
    public static func completion(codes: [String], tasks: [Rediagnosis.Task], rows: [Rediagnosis.Row]) -> Double? {
        let wanted = Set(codes)
        let concerned = tasks.indices.filter { wanted.contains(tasks[$0].code) }
        let took = rows.filter { $0.scores.contains { $0 != nil } }
        guard !concerned.isEmpty, !took.isEmpty else { return nil }
        let points = took.reduce(0) { sum, r in sum + concerned.reduce(0) { $0 + ($1 < r.scores.count ? (r.scores[$1] ?? 0) : 0) } }
        let max = concerned.reduce(0) { $0 + tasks[$1].max } * took.count
        return max == 0 ? nil : Double(points) / Double(max)
    }
}
