import Foundation

/// Whether a seminar on typical grading errors (roadmap 3.2, issue 16 §2) changed how schools
/// score: the re-check discrepancy (school − commission) on the seminar's tasks at the re-check it
/// was planned from, and at the next re-check of the same subject after it. Tasks are matched by
/// number (ВПР keeps its numbering from year to year); a task the other re-check lacks has no figure.
public enum SeminarEffect {
    public struct Figures: Sendable, Equatable {
        /// Re-scored works.
        public var works: Int
        /// Mean of school − commission, in points (positive: the schools score higher).
        public var meanDifference: Double
        /// Mean of |school − commission|.
        public var meanAbsolute: Double
        /// Works where the school's score differs from the commission's.
        public var discrepantShare: Double
    }

    public enum Verdict: String, Sendable {
        case smaller, same, larger

        public var title: String {
            switch self {
            case .smaller: return "расхождение уменьшилось"
            case .same: return "без заметных изменений"
            case .larger: return "расхождение выросло"
            }
        }
    }

    public struct TaskChange: Sendable, Equatable {
        public var number: String
        public var before: Figures?
        public var after: Figures?

        /// Compared by the mean absolute discrepancy; a change under `tolerance` points is none.
        public func verdict(tolerance: Double = 0.05) -> Verdict? {
            guard let b = before, let a = after else { return nil }
            if a.meanAbsolute < b.meanAbsolute - tolerance { return .smaller }
            if a.meanAbsolute > b.meanAbsolute + tolerance { return .larger }
            return .same
        }
    }

    /// The figures of task `index` over re-scored works (a task not done counts as 0 points).
    public static func figures(_ pairs: [(school: [UInt8], commission: [UInt8])], index: Int) -> Figures? {
        let usable = pairs.filter { index < $0.school.count && index < $0.commission.count }
        guard !usable.isEmpty else { return nil }
        let points = WorkRecord.points
        let d = usable.map { points($0.school[index]) - points($0.commission[index]) }
        let n = Double(d.count)
        return Figures(works: d.count, meanDifference: Double(d.reduce(0, +)) / n, meanAbsolute: Double(d.reduce(0) { $0 + abs($1) }) / n,
                       discrepantShare: Double(d.filter { $0 != 0 }.count) / n)
    }

    /// Before and after for each of `tasks` (numbers as the seminar lists them).
    public static func compare(tasks: [String], before: (spec: ProcedureSpec, pairs: [(school: [UInt8], commission: [UInt8])])?,
                               after: (spec: ProcedureSpec, pairs: [(school: [UInt8], commission: [UInt8])])?) -> [TaskChange] {
        func fig(_ side: (spec: ProcedureSpec, pairs: [(school: [UInt8], commission: [UInt8])])?, _ number: String) -> Figures? {
            guard let side, let i = side.spec.tasks.firstIndex(where: { $0.number == TaskNumber.normalize(number) }) else { return nil }
            return figures(side.pairs, index: i)
        }
        return tasks.map { TaskChange(number: TaskNumber.normalize($0), before: fig(before, $0), after: fig(after, $0)) }
    }

    /// Task numbers as typed: «8, 9.2; 10».
    public static func tasks(_ text: String) -> [String] {
        var seen = Set<String>()
        return text.split(whereSeparator: { $0 == "," || $0 == ";" || $0 == " " || $0.isNewline }).map { TaskNumber.normalize(String($0)) }
            .filter { !$0.isEmpty && seen.insert($0).inserted }
    }
}
