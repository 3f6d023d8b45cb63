import Fluent
import MsokoCore
import Vapor

/// What the calendar shows beside the procedures (issue 15 §5): the meetings and interviews the
/// user sees and the deadlines of open decisions they report on (a specialist: every open decision
/// of the district, as on the dashboard). Read by the calendar page and the iCalendar feed.
struct CalendarEvent {
    enum Kind { case meeting, deadline }
    var kind: Kind
    var id: UUID
    var date: LocalDate
    /// «10:00», empty for a deadline or a meeting without a time.
    var time: String
    var title: String
    /// A word or two for a month's cell («Собеседование»).
    var short: String
    var detail: String
    var place: String
    var url: SiteURL
    var overdue: Bool
    /// The school it is about, if one (an interview, a decision of a school).
    var school: UUID?
}

enum CalendarEvents {
    static func of(_ user: User, today: LocalDate, on db: Database) async throws -> [CalendarEvent] {
        let v = try await MeetingStore.viewer(user, on: db)
        var out: [CalendarEvent] = []
        for row in try await MeetingStore.visible(v, on: db) {
            let m = row.meeting
            out.append(CalendarEvent(kind: .meeting, id: m.id!, date: m.localDate, time: m.time, title: "\(m.kindTitle)\(m.school.map { ": \($0.shortName)" } ?? "")",
                                     short: m.meetingKind == .other && !m.kindName.isEmpty ? m.kindName : m.meetingKind.shortTitle, detail: m.title, place: m.place, url: Site.meeting.url(m.id!), overdue: false, school: m.$school.id))
        }
        for (d, m) in try await MeetingStore.register(v, on: db) {
            let status = d.status(today: today)
            guard status.isOpen, let deadline = d.deadlineDate, v.reports(d) || v.role == .specialist else { continue }
            out.append(CalendarEvent(kind: .deadline, id: d.id!, date: deadline, time: "", title: "Срок решения", short: status == .overdue ? "Просрочено" : "Срок", detail: d.text,
                                     place: m.map { "\($0.kindTitle) \($0.localDate.russian)" } ?? "", url: Site.decision.url(d.id!), overdue: status == .overdue, school: d.$school.id))
        }
        return out.sorted { ($0.date, $0.time, $0.title) < ($1.date, $1.time, $1.title) }
    }
}
