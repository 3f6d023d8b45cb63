import Fluent
import MsokoCore
import Vapor

/// Who sees and edits which meeting and decision (issue 15 §1-2), and the loaders that apply it.
///
/// - Specialists and administrators read every meeting and decision of their district; specialists
///   edit the district's meetings (a school's own pedagogical council or ШМО sitting is the school's).
/// - A head reads the meetings they took part in or that concern their school (an interview with it,
///   an item or a decision about it, its own council) and, in them, only what concerns their school:
///   items and decisions about another school and the other schools' attendees are left out, so that
///   another school is never named to them. A head edits their school's own meetings.
/// - A teacher reads the meetings they took part in and their school's own, cut the same way.
/// - A methodist reads and edits the association sittings they run (created or chair), and reads
///   the meetings they took part in.
/// Decisions: a head sees those addressed to their school or to them; a teacher or methodist those
/// addressed to them (a methodist also those of the sittings they run).
struct MeetingViewer: Sendable {
    var userID: UUID
    var role: Role
    var municipalityID: UUID
    var schoolID: UUID?
    /// The methodical associations the user leads (issue 16 §1): a methodist their РМО, a teacher
    /// marked as the head of their school's ШМО; their sittings are the leader's to run.
    var leads: Set<UUID> = []

    init(_ user: User, leads: Set<UUID> = []) throws {
        userID = try user.requireID()
        role = user.role
        municipalityID = try user.requireMunicipalityID()
        schoolID = user.$school.id
        self.leads = leads
    }

    /// Heads and teachers see a meeting cut to their school.
    var isSchoolBound: Bool { role == .head || role == .teacher }
    var seesDistrict: Bool { role == .specialist || role == .admin }

    /// Whether an item, a decision or an attendee tied to `school` (nil: the district's) is shown.
    func shows(school: UUID?) -> Bool { !isSchoolBound || school == nil || school == schoolID }

    func runs(_ m: Meeting) -> Bool { m.createdByID == userID || m.chairID == userID || m.associationID.map(leads.contains) == true }

    func sees(_ m: Meeting, participants: [MeetingParticipant], itemSchools: [UUID?], decisionSchools: [UUID?]) -> Bool {
        guard m.municipalityID == municipalityID else { return false }
        if seesDistrict { return true }
        if participants.contains(where: { $0.userID == userID }) { return true }
        switch role {
        case .head:
            guard let s = schoolID else { return false }
            return m.$school.id == s || itemSchools.contains(s) || decisionSchools.contains(s)
        case .teacher:
            return schoolID != nil && m.$school.id == schoolID && (m.meetingKind == .pedagogicalCouncil || m.meetingKind == .methodAssociation)
                || m.meetingKind == .methodAssociation && runs(m)
        case .methodist:
            return m.meetingKind == .methodAssociation && runs(m)
        default:
            return false
        }
    }

    /// Edits the meeting: its header, participants, items, minutes and decisions.
    func edits(_ m: Meeting) -> Bool {
        guard m.municipalityID == municipalityID else { return false }
        switch role {
        case .specialist: return !(m.meetingKind.belongsToSchool || (m.meetingKind == .methodAssociation && m.$school.id != nil))
        case .head: return schoolID != nil && m.$school.id == schoolID && (m.meetingKind == .pedagogicalCouncil || m.meetingKind == .methodAssociation)
        case .methodist: return m.meetingKind == .methodAssociation && m.$school.id == nil && runs(m)
        // A teacher marked as the head of their school's association runs its sittings.
        case .teacher: return m.meetingKind == .methodAssociation && m.$school.id != nil && m.$school.id == schoolID && m.associationID.map(leads.contains) == true
        default: return false
        }
    }

    /// The kinds this user may create.
    var creatableKinds: [MeetingKind] {
        switch role {
        case .specialist: return [.headsMeeting, .interview, .methodAssociation, .commission, .other]
        case .head: return [.pedagogicalCouncil, .methodAssociation]
        case .methodist: return [.methodAssociation]
        default: return []
        }
    }

    /// Sees a decision in the register (its meeting's visibility aside).
    func sees(_ d: Decision, meetingRunByMe: Bool) -> Bool {
        guard d.municipalityID == municipalityID else { return false }
        if seesDistrict { return true }
        if d.ownerUserID == userID { return true }
        switch role {
        case .head: return schoolID != nil && d.$school.id == schoolID
        case .methodist, .teacher: return meetingRunByMe
        default: return false
        }
    }

    /// Reports on a decision: its owner (the user; a school's head; for the department, a specialist).
    func reports(_ d: Decision) -> Bool {
        guard d.municipalityID == municipalityID else { return false }
        switch d.ownerKind {
        case "user": return d.ownerUserID == userID
        case "school": return role == .head && schoolID != nil && d.$school.id == schoolID
        default: return role == .specialist
        }
    }
}

/// A meeting as one user may see it: items, participants and decisions already cut to their scope.
struct LoadedMeeting {
    var meeting: Meeting
    var viewer: MeetingViewer
    var school: School?
    var participants: [MeetingParticipant]
    /// Attendees left out of a head's copy (other schools').
    var hiddenParticipants: Int
    var items: [MeetingItem]
    var decisions: [Decision]
    /// Open decisions of earlier meetings of the kind, carried onto this agenda.
    var carried: [Decision]
    var carriedMeetings: [UUID: Meeting]
    var today: LocalDate
    var zone: TimeZone

    var id: UUID { meeting.id! }
    var canEdit: Bool { viewer.edits(meeting) }
    func decisions(of item: MeetingItem) -> [Decision] { decisions.filter { $0.itemID == item.id } }
}

enum MeetingStore {
    static func viewer(_ req: Request) async throws -> MeetingViewer { try await viewer(try req.user, on: req.db) }

    /// The viewer with the associations the user leads.
    static func viewer(_ user: User, on db: Database) async throws -> MeetingViewer {
        let leads = try await MethodAssociation.query(on: db).filter(\.$leaderID == user.requireID()).field(\.$id).all().compactMap(\.id)
        return try MeetingViewer(user, leads: Set(leads))
    }

    /// The meetings the user sees, newest first, with their counts of visible items and decisions
    /// (four queries whatever the number of meetings).
    static func visible(_ req: Request) async throws -> [(meeting: Meeting, items: Int, decisions: Int)] {
        try await visible(viewer(req), on: req.db)
    }

    static func visible(_ v: MeetingViewer, on db: Database) async throws -> [(meeting: Meeting, items: Int, decisions: Int)] {
        let meetings = try await Meeting.query(on: db).filter(\.$municipalityID == v.municipalityID).with(\.$school).sort(\.$date, .descending).sort(\.$time, .descending).all()
        let ids = meetings.compactMap(\.id)
        guard !ids.isEmpty else { return [] }
        let participants = Dictionary(grouping: try await MeetingParticipant.query(on: db).filter(\.$meeting.$id ~~ ids).all(), by: { $0.$meeting.id })
        let items = Dictionary(grouping: try await MeetingItem.query(on: db).filter(\.$meeting.$id ~~ ids).all(), by: { $0.$meeting.id })
        let decisions = Dictionary(grouping: try await Decision.query(on: db).filter(\.$meeting.$id ~~ ids).all(), by: { $0.$meeting.id! })
        return meetings.compactMap { m in
            let mi = items[m.id!] ?? [], md = decisions[m.id!] ?? []
            guard v.sees(m, participants: participants[m.id!] ?? [], itemSchools: mi.map(\.schoolID), decisionSchools: md.map(\.$school.id)) else { return nil }
            return (m, mi.filter { v.shows(school: $0.schoolID) }.count, md.filter { v.shows(school: $0.$school.id) }.count)
        }
    }

    /// The meeting of the path parameter `meetingID`: 404 for another district's, 403 outside the scope.
    static func load(_ req: Request, id: UUID? = nil) async throws -> LoadedMeeting {
        let v = try await viewer(req)
        let mid = try id ?? req.pathID("meetingID")
        guard let m = try await Meeting.query(on: req.db).filter(\.$id == mid).with(\.$school).first(), m.municipalityID == v.municipalityID else { throw AppError.notFound }
        let participants = try await MeetingParticipant.query(on: req.db).filter(\.$meeting.$id == mid).sort(\.$position).all()
        let items = try await MeetingItem.query(on: req.db).filter(\.$meeting.$id == mid).sort(\.$position).all()
        let decisions = try await Decision.query(on: req.db).filter(\.$meeting.$id == mid).with(\.$school).sort(\.$createdAt).all()
        guard v.sees(m, participants: participants, itemSchools: items.map(\.schoolID), decisionSchools: decisions.map(\.$school.id)) else { throw AppError.forbidden }
        let zone = try await req.municipalityZone()
        let today = LocalDate(req.now, in: zone)
        let (carried, carriedMeetings) = try await carriedDecisions(into: m, on: req.db)
        let shownParticipants = participants.filter { v.shows(school: $0.schoolID) }
        return LoadedMeeting(meeting: m, viewer: v, school: m.school, participants: shownParticipants, hiddenParticipants: participants.count - shownParticipants.count,
                             items: items.filter { v.shows(school: $0.schoolID) }, decisions: decisions.filter { v.shows(school: $0.$school.id) },
                             carried: carried.filter { v.shows(school: $0.$school.id) }, carriedMeetings: carriedMeetings, today: today, zone: zone)
    }

    /// The open decisions of earlier meetings of the same kind (for an interview or a school's own
    /// meeting: with the same school), oldest meeting first (`AgendaCarry`).
    static func carriedDecisions(into m: Meeting, on db: Database) async throws -> ([Decision], [UUID: Meeting]) {
        let earlier = try await Meeting.query(on: db).filter(\.$municipalityID == m.municipalityID).filter(\.$kind == m.kind)
            .filter(\.$date <= m.date).filter(\.$id != m.id!).all()
        guard !earlier.isEmpty else { return ([], [:]) }
        let byID = Dictionary(uniqueKeysWithValues: earlier.map { ($0.id!, $0) })
        let open = try await Decision.query(on: db).filter(\.$meeting.$id ~~ Array(byID.keys))
            .filter(\.$state ~~ [DecisionState.assigned.rawValue, DecisionState.inProgress.rawValue]).with(\.$school).all()
        let carried = open.filter { d in
            guard let e = byID[d.$meeting.id!] else { return false }
            return AgendaCarry.carries(.init(meeting: e.id!, kind: e.meetingKind, date: e.localDate, school: e.$school.id, state: d.decisionState),
                                       into: m.id!, kind: m.meetingKind, date: m.localDate, school: m.$school.id)
        }
        return (carried.sorted { (byID[$0.$meeting.id!]!.date, $0.createdAt ?? .distantPast) < (byID[$1.$meeting.id!]!.date, $1.createdAt ?? .distantPast) }, byID)
    }

    /// The decision of the path parameter `decisionID` with its meeting, if the user sees it.
    static func decision(_ req: Request, id: UUID? = nil) async throws -> (Decision, LoadedMeeting?) {
        let v = try await viewer(req)
        guard let d = try await Decision.query(on: req.db).filter(\.$id == (try id ?? req.pathID("decisionID"))).with(\.$school).first(),
              d.municipalityID == v.municipalityID else { throw AppError.notFound }
        var meeting: LoadedMeeting?
        if let mid = d.$meeting.id {
            // A decision of a meeting the user may not open is still theirs to see if addressed to them.
            do { meeting = try await load(req, id: mid) } catch AppError.forbidden { meeting = nil }
        }
        let runs = meeting.map { v.runs($0.meeting) } ?? false
        guard v.sees(d, meetingRunByMe: runs) || (meeting?.decisions.contains { $0.id == d.id } ?? false) else { throw AppError.forbidden }
        return (d, meeting)
    }

    /// Decisions the user sees in the register, with their meetings (two queries).
    static func register(_ req: Request) async throws -> [(Decision, Meeting?)] {
        try await register(viewer(req), on: req.db)
    }

    static func register(_ v: MeetingViewer, on db: Database) async throws -> [(Decision, Meeting?)] {
        let all = try await Decision.query(on: db).filter(\.$municipalityID == v.municipalityID).with(\.$school).sort(\.$createdAt, .descending).all()
        let mids = Array(Set(all.compactMap { $0.$meeting.id }))
        let meetings = mids.isEmpty ? [:] : Dictionary(uniqueKeysWithValues: try await Meeting.query(on: db).filter(\.$id ~~ mids).all().map { ($0.id!, $0) })
        return all.compactMap { d in
            let m = d.$meeting.id.flatMap { meetings[$0] }
            return v.sees(d, meetingRunByMe: m.map { v.runs($0) } ?? false) ? (d, m) : nil
        }
    }

    /// «Управление образования», «МБОУ «Зырянская СОШ»», «Кузнецова Н.В.» — a decision's owner in words.
    static func ownerName(_ d: Decision, users: [UUID: User]) -> String {
        switch d.ownerKind {
        case "user": return d.ownerUserID.flatMap { users[$0] }.map { person($0, school: d.school) } ?? "исполнитель не указан"
        case "school": return d.school?.shortName ?? "школа"
        default: return "Управление образования"
        }
    }

    /// «Кузнецова Н.В., руководитель МБОУ «Зырянская СОШ»».
    static func person(_ u: User, school: School?) -> String {
        let post = post(of: u, school: school)
        return post.isEmpty ? u.name : "\(u.name), \(post)"
    }

    /// A user's post as a protocol writes it.
    static func post(of u: User, school: School?) -> String {
        switch u.role {
        case .head: return "руководитель " + (school?.shortName ?? "ОО")
        case .teacher: return "учитель" + (school.map { " " + $0.shortName } ?? "")
        case .specialist: return "специалист Управления образования"
        case .methodist: return "руководитель РМО" + (u.subject.map { " учителей (\($0))" } ?? "")
        case .admin: return ""
        case .observer: return "общественный наблюдатель"
        case .commission: return "член муниципальной комиссии"
        }
    }

    /// The district's users by id (for owners' and chairs' names), one query.
    static func users(municipalityID: UUID, on db: Database) async throws -> [UUID: User] {
        Dictionary(uniqueKeysWithValues: try await User.query(on: db).filter(\.$municipality.$id == municipalityID).all().map { ($0.id!, $0) })
    }
}

/// The dashboard's block of decisions (issue 15 §2): how many are open, the overdue ones first.
struct DecisionSummary {
    struct Row {
        var id: UUID
        var text: String
        var owner: String
        var deadline: LocalDate?
    }

    var open = 0
    var overdue: [Row] = []

    static func make(_ req: Request) async throws -> DecisionSummary {
        let user = try req.user
        guard Site.decisions.admits(user.role) else { return DecisionSummary() }
        let today = try await req.today()
        let rows = try await MeetingStore.register(req).map(\.0).filter { $0.status(today: today).isOpen }
        let users = try await MeetingStore.users(municipalityID: try user.requireMunicipalityID(), on: req.db)
        let late = rows.filter { $0.status(today: today) == .overdue }.sorted { ($0.deadline ?? "") < ($1.deadline ?? "") }
        return DecisionSummary(open: rows.count, overdue: late.map { Row(id: $0.id!, text: $0.text, owner: MeetingStore.ownerName($0, users: users), deadline: $0.deadlineDate) })
    }

    var view: HTML {
        guard open > 0 else { return "" }
        var html: HTML = #"<h2>Решения на контроле</h2><p>Открытых решений совещаний и собеседований: \#(open), из них просрочено: \#(overdue.count). <a href="\#(Site.decisions.url)">Реестр решений</a></p>"#
        if !overdue.isEmpty {
            html += HTML.table(head: "<th>Срок</th><th>Решение</th><th>Ответственный</th>", rows: overdue.prefix(10).map { r in
                #"<tr><td class="nowrap">\#(r.deadline?.russian ?? "—")</td><td><a href="\#(Site.decision.url(r.id))">\#(r.text)</a></td><td>\#(r.owner)</td></tr>"#
            })
        }
        return html
    }
}
