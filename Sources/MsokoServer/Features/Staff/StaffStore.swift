import Fluent
import MsokoCore
import Vapor

/// Whose staff a user sees and keeps (issue 16 §3): a specialist, an administrator and a methodist
/// see the district's schools and the department; a head their own school only. A specialist keeps
/// them all; a head their school's staff; the rest read. Every query below applies this in the
/// query itself.
struct StaffScope: Sendable {
    var municipalityID: UUID
    var regionID: UUID
    /// A head's school: the only staff they see.
    var schoolID: UUID?
    var role: Role

    init(_ user: User) throws {
        municipalityID = try user.requireMunicipalityID()
        guard let region = user.regionID else { throw AppError.forbidden }
        regionID = region
        role = user.role
        if user.role == .head {
            guard let s = user.$school.id else { throw AppError.forbidden }
            schoolID = s
        }
    }

    /// The whole district read-only, for figures every reader sees aggregated (the needs' roll-up):
    /// nothing can be edited through it (`canEdit` is false for an administrator).
    init(municipalityID: UUID, regionID: UUID) {
        self.municipalityID = municipalityID
        self.regionID = regionID
        role = .admin
    }

    var seesDistrict: Bool { schoolID == nil }

    /// Whether the user may change a person's record (and their courses).
    func canEdit(_ m: StaffMember) -> Bool {
        guard m.municipalityID == municipalityID else { return false }
        switch role {
        case .specialist: return true
        case .head: return m.$school.id != nil && m.$school.id == schoolID
        default: return false
        }
    }

    var canEditAny: Bool { role == .specialist || role == .head }

    func query(on db: Database) -> QueryBuilder<StaffMember> {
        let q = StaffMember.query(on: db).filter(\.$municipalityID == municipalityID)
        if let schoolID { q.filter(\.$school.$id == schoolID) }
        return q
    }
}

/// A person with where they stand in the three-year cycle.
struct StaffRow: Sendable {
    var member: StaffMember
    var school: School?
    var courses: [CourseRecord]
    var status: CourseStatus
    var lastEnd: LocalDate?
    var nextDue: LocalDate?

    init(member: StaffMember, school: School?, courses: [CourseRecord], today: LocalDate) {
        self.member = member
        self.school = school
        self.courses = courses.sorted { ($0.endDate, $0.startDate) > ($1.endDate, $1.startDate) }
        lastEnd = self.courses.first?.end
        nextDue = lastEnd.map(CourseCycle.nextDue(after:))
        status = CourseCycle.status(lastEnd: lastEnd, today: today)
    }

    /// «Управление образования» for the department's own staff.
    var schoolName: String { school?.shortName ?? StaffStore.department }
}

enum StaffStore {
    static let department = "Управление образования"

    /// Everyone in scope with their courses, schools first in login order (the department last), by name.
    static func rows(_ scope: StaffScope, today: LocalDate, on db: Database) async throws -> [StaffRow] {
        let members = try await scope.query(on: db).with(\.$school).all()
        let ids = members.compactMap(\.id)
        var courses: [UUID: [CourseRecord]] = [:]
        if !ids.isEmpty {
            for c in try await CourseRecord.query(on: db).filter(\.$staff.$id ~~ ids).all() { courses[c.$staff.id, default: []].append(c) }
        }
        return members.map { StaffRow(member: $0, school: $0.school, courses: courses[$0.id!] ?? [], today: today) }
            .sorted { ($0.school?.login ?? "\u{10FFFF}", $0.member.name) < ($1.school?.login ?? "\u{10FFFF}", $1.member.name) }
    }

    /// The person of the path (`:staffID`): 404 outside the user's district, 403 outside their
    /// scope (another school's teacher for a head), as every loader answers.
    static func member(_ req: Request) async throws -> (StaffMember, StaffScope) {
        let scope = try StaffScope(req.user)
        return (try await member(req.pathID("staffID"), scope, on: req.db), scope)
    }

    static func member(_ id: UUID, _ scope: StaffScope, on db: Database) async throws -> StaffMember {
        guard let m = try await StaffMember.query(on: db).filter(\.$id == id).filter(\.$municipalityID == scope.municipalityID).with(\.$school).first() else { throw AppError.notFound }
        if let own = scope.schoolID, m.$school.id != own { throw AppError.forbidden }
        return m
    }

    /// The course of the path (`:courseID`) with its person, in the user's scope.
    static func course(_ req: Request) async throws -> (CourseRecord, StaffMember, StaffScope) {
        let scope = try StaffScope(req.user)
        guard let c = try await CourseRecord.find(req.pathID("courseID"), on: req.db) else { throw AppError.notFound }
        return (c, try await member(c.$staff.id, scope, on: req.db), scope)
    }

    /// Accounts a person may be linked to: users of their school, or (for the department) the
    /// district's own roles.
    static func accounts(schoolID: UUID?, municipalityID: UUID, on db: Database) async throws -> [User] {
        let q = User.query(on: db).filter(\.$municipality.$id == municipalityID).filter(\.$isDisabled == false)
        if let schoolID { q.filter(\.$school.$id == schoolID) } else { q.filter(\.$school.$id == nil).filter(\.$role ~~ [.specialist, .admin, .methodist]) }
        return try await q.sort(\.$name).all()
    }

    /// The one account whose name is the person's (spaces, case and «ё» aside), if exactly one.
    static func matchingAccount(name: String, among users: [User]) -> UUID? {
        let key = comparable(name)
        let found = users.filter { comparable($0.name) == key }
        return found.count == 1 ? found[0].id : nil
    }

    static func comparable(_ name: String) -> String {
        StaffListReader.clean(name).lowercased().replacingOccurrences(of: "ё", with: "е")
    }

    /// The head's reminders for «Мои задачи»: their school's people due, overdue or without a course;
    /// a specialist's, the department's own staff.
    static func reminders(for user: User, today: LocalDate, on db: Database) async throws -> [StaffRow] {
        guard user.role == .head || user.role == .specialist else { return [] }
        let scope = try StaffScope(user)
        var rows = try await rows(scope, today: today, on: db)
        if user.role == .specialist { rows = rows.filter { $0.member.$school.id == nil } }
        let order: [CourseStatus: Int] = [.overdue: 0, .none: 1, .due: 2, .current: 3]
        return rows.filter { $0.status.needsCourse }.sorted { (order[$0.status]!, $0.nextDue?.iso ?? "", $0.member.name) < (order[$1.status]!, $1.nextDue?.iso ?? "", $1.member.name) }
    }
}
