import Foundation

/// Status of a checkpoint (for one school or the district). Users set `notStarted`,
/// `inProgress` or `done`; `overdue` is computed: not done and the due day is over in the
/// district's time zone.
public enum CheckpointStatus: String, Codable, CaseIterable, Sendable {
    case notStarted
    case inProgress
    case done
    case overdue

    public var russian: String {
        switch self {
        case .notStarted: return "не начато"
        case .inProgress: return "в работе"
        case .done: return "выполнено"
        case .overdue: return "просрочено"
        }
    }

    /// The statuses a user may choose.
    public static let settable: [CheckpointStatus] = [.notStarted, .inProgress, .done]
}

public enum StatusRules {
    /// Effective status of one report: a stored status plus the due date and today.
    public static func effective(stored: CheckpointStatus, due: LocalDate, today: LocalDate) -> CheckpointStatus {
        if stored == .done { return .done }
        return today > due ? .overdue : stored
    }

    /// Status of a checkpoint from the effective statuses of everybody who must report:
    /// done when all are done; overdue when anyone is overdue; in progress when anyone has
    /// started or finished; otherwise not started.
    public static func combine(_ statuses: [CheckpointStatus]) -> CheckpointStatus {
        guard !statuses.isEmpty else { return .notStarted }
        if statuses.allSatisfy({ $0 == .done }) { return .done }
        if statuses.contains(.overdue) { return .overdue }
        if statuses.contains(where: { $0 == .inProgress || $0 == .done }) { return .inProgress }
        return .notStarted
    }
}
