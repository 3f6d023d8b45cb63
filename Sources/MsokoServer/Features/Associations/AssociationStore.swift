import Fluent
import MsokoCore
import Vapor

/// Who may do what with methodical associations (issue 16 §1). Everyone of the district's readers
/// sees the district's associations; a school's association is seen by the district's roles and by
/// that school's head and teachers. A specialist sets up and edits any association, a head their
/// school's; the association's leader (a methodist for the district's, a teacher marked as the head
/// of a school's) keeps its members, sittings and recommendations.
struct AssociationRights: Sendable {
    var userID: UUID
    var role: Role
    var municipalityID: UUID
    var regionID: UUID
    var schoolID: UUID?
    var leads: Set<UUID>

    init(_ user: User, on db: Database) async throws {
        userID = try user.requireID()
        role = user.role
        municipalityID = try user.requireMunicipalityID()
        guard let r = user.regionID else { throw AppError.forbidden }
        regionID = r
        schoolID = user.$school.id
        leads = Set(try await MethodAssociation.query(on: db).filter(\.$leaderID == userID).field(\.$id).all().compactMap(\.id))
    }

    func sees(_ a: MethodAssociation) -> Bool {
        guard a.municipalityID == municipalityID else { return false }
        if a.isDistrict { return true }
        switch role {
        case .specialist, .admin, .methodist: return true
        case .head, .teacher: return schoolID != nil && a.$school.id == schoolID
        default: return false
        }
    }

    /// Sets up the association: its name, subject, leader; deletes it.
    func manages(_ a: MethodAssociation) -> Bool {
        guard a.municipalityID == municipalityID else { return false }
        switch role {
        case .specialist: return true
        case .head: return !a.isDistrict && a.$school.id == schoolID
        default: return false
        }
    }

    /// Keeps its members, sittings and recommendations.
    func keeps(_ a: MethodAssociation) -> Bool { manages(a) || a.id.map(leads.contains) == true && sees(a) }

    /// Where a new association may be set up: a specialist anywhere, a head their school.
    var createsAny: Bool { role == .specialist || role == .head }
}

enum AssociationStore {
    /// The district's associations the user sees: the district's first, then by school login and name.
    static func visible(_ r: AssociationRights, on db: Database) async throws -> [MethodAssociation] {
        try await MethodAssociation.query(on: db).filter(\.$municipalityID == r.municipalityID).with(\.$school).all()
            .filter(r.sees)
            .sorted { ($0.school?.login ?? "", $0.subject, $0.name) < ($1.school?.login ?? "", $1.subject, $1.name) }
    }

    /// The association of the path (`:associationID`): 404 outside the district, 403 outside the scope.
    static func load(_ req: Request, id: UUID? = nil) async throws -> (MethodAssociation, AssociationRights) {
        let r = try await AssociationRights(req.user, on: req.db)
        guard let a = try await MethodAssociation.query(on: req.db).filter(\.$id == (try id ?? req.pathID("associationID")))
            .filter(\.$municipalityID == r.municipalityID).with(\.$school).first() else { throw AppError.notFound }
        guard r.sees(a) else { throw AppError.forbidden }
        return (a, r)
    }

    /// Who may lead an association: the district's methodists for the district's, the school's teachers for a school's.
    static func leaders(schoolID: UUID?, municipalityID: UUID, on db: Database) async throws -> [User] {
        let q = User.query(on: db).filter(\.$municipality.$id == municipalityID).filter(\.$isDisabled == false)
        if let schoolID { q.filter(\.$school.$id == schoolID).filter(\.$role == .teacher) } else { q.filter(\.$role == .methodist) }
        return try await q.sort(\.$name).all()
    }

    /// Its sittings (meetings that name it), by date.
    static func sittings(_ a: MethodAssociation, on db: Database) async throws -> [Meeting] {
        try await Meeting.query(on: db).filter(\.$associationID == a.requireID()).sort(\.$date).sort(\.$time).all()
    }
}
