import Foundation

/// Meetings, interviews with heads and the decisions they take (roadmap 1.5 and 2.4, issue 15):
/// the rules that need no database — kinds, decision status (overdue is computed in the
/// district's time zone, never stored), which earlier decisions a new agenda carries forward.
public enum MeetingKind: String, CaseIterable, Codable, Sendable {
    case headsMeeting
    case interview
    case methodAssociation
    case pedagogicalCouncil
    case commission
    case other

    /// «Совещание руководителей ОО», as a list names it.
    public var title: String {
        switch self {
        case .headsMeeting: return "Совещание руководителей ОО"
        case .interview: return "Собеседование с руководителем ОО"
        case .methodAssociation: return "Заседание РМО / ШМО"
        case .pedagogicalCouncil: return "Педагогический совет"
        case .commission: return "Заседание комиссии"
        case .other: return "Другое"
        }
    }

    /// A word for a calendar's month cell.
    public var shortTitle: String {
        switch self {
        case .headsMeeting: return "Совещание"
        case .interview: return "Собеседование"
        case .methodAssociation: return "МО"
        case .pedagogicalCouncil: return "Педсовет"
        case .commission: return "Комиссия"
        case .other: return "Заседание"
        }
    }

    /// The words under «ПРОТОКОЛ № …»: «совещания руководителей общеобразовательных организаций».
    public var protocolOf: String {
        switch self {
        case .headsMeeting: return "совещания руководителей общеобразовательных организаций"
        case .interview: return "собеседования с руководителем общеобразовательной организации"
        case .methodAssociation: return "заседания методического объединения"
        case .pedagogicalCouncil: return "заседания педагогического совета"
        case .commission: return "заседания комиссии"
        case .other: return "заседания"
        }
    }

    /// The roadmap measure whose report a protocol of this kind is evidence for, if any.
    public var measure: String? {
        switch self {
        case .headsMeeting: return "1.5"
        case .interview: return "2.4"
        case .methodAssociation: return "3.1"
        case .commission: return "3.3"
        case .pedagogicalCouncil, .other: return nil
        }
    }

    /// A school's own meeting: its pedagogical council; a ШМО sitting is a method association with a school.
    public var belongsToSchool: Bool { self == .pedagogicalCouncil }
}

/// What a decision's owner has done about it, as stored; «просрочено» is not stored but computed.
public enum DecisionState: String, CaseIterable, Codable, Sendable {
    case assigned
    case inProgress
    case done
    case cancelled

    public var title: String {
        switch self {
        case .assigned: return "назначено"
        case .inProgress: return "в работе"
        case .done: return "выполнено"
        case .cancelled: return "снято"
        }
    }

    public var isOpen: Bool { self == .assigned || self == .inProgress }
}

/// A decision's status as shown and as the API gives it.
public enum DecisionStatus: String, CaseIterable, Codable, Sendable {
    case assigned
    case inProgress
    case done
    case overdue
    case cancelled

    public var title: String {
        switch self {
        case .assigned: return "назначено"
        case .inProgress: return "в работе"
        case .done: return "выполнено"
        case .overdue: return "просрочено"
        case .cancelled: return "снято"
        }
    }

    public var isOpen: Bool { self == .assigned || self == .inProgress || self == .overdue }

    /// An open decision whose deadline has passed in the district («today» is the district's date)
    /// is overdue; on the deadline day itself it is not yet. A decision without a deadline never is.
    public init(_ state: DecisionState, deadline: LocalDate?, today: LocalDate) {
        if state.isOpen, let d = deadline, d < today {
            self = .overdue
        } else {
            switch state {
            case .assigned: self = .assigned
            case .inProgress: self = .inProgress
            case .done: self = .done
            case .cancelled: self = .cancelled
            }
        }
    }
}

/// Which earlier decisions open a new meeting's agenda (issue 15 §1): the open and overdue ones of
/// earlier meetings of the same kind — for an interview, of earlier interviews with the same school.
public enum AgendaCarry {
    public struct Earlier: Sendable {
        public var meeting: UUID
        public var kind: MeetingKind
        public var date: LocalDate
        public var school: UUID?
        public var state: DecisionState
        public init(meeting: UUID, kind: MeetingKind, date: LocalDate, school: UUID?, state: DecisionState) {
            self.meeting = meeting
            self.kind = kind
            self.date = date
            self.school = school
            self.state = state
        }
    }

    /// Whether a decision taken at `earlier` is carried onto the agenda of a meeting of `kind` on
    /// `date` (about `school`, for an interview or a school's own meeting). A decision of the meeting
    /// itself or of a later one is not; a done or cancelled one is not.
    public static func carries(_ earlier: Earlier, into meeting: UUID, kind: MeetingKind, date: LocalDate, school: UUID?) -> Bool {
        guard earlier.meeting != meeting, earlier.state.isOpen, earlier.kind == kind, earlier.date <= date else { return false }
        switch kind {
        case .interview, .pedagogicalCouncil: return earlier.school == school
        case .methodAssociation: return earlier.school == school
        default: return true
        }
    }
}
