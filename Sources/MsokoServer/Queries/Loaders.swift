import Fluent
import MsokoCore
import Vapor

// One loader per object kind that several features open from a path. Each answers as msoko always
// has: no such object, or one of another municipality → 404; one in the user's municipality but
// outside their scope → 403. The endpoint table has already checked the role.

extension Request {
    /// The path parameter `name` as an identifier; a malformed one names no object (404).
    func pathID(_ name: String) throws -> UUID {
        guard let id = parameters.get(name, as: UUID.self) else { throw AppError.notFound }
        return id
    }

    /// The `M` whose identifier is the path parameter `name`, or 404. Its municipality and the
    /// user's scope are checked by the caller (each model keeps them in its own fields).
    func find<M: Model>(_ type: M.Type, _ name: String) async throws -> M where M.IDValue == UUID {
        guard let found = try await M.find(pathID(name), on: db) else { throw AppError.notFound }
        return found
    }
}

extension Request {
    /// The time zone of the signed-in user's municipality (Moscow where unknown).
    func municipalityZone() async throws -> TimeZone {
        guard let mid = currentUser?.municipalityID, let m = try await Municipality.find(mid, on: db) else { return TimeZone(identifier: "Europe/Moscow")! }
        return m.zone
    }

    /// Today in the user's district (its time zone), by the app's clock.
    func today() async throws -> LocalDate { LocalDate(now, in: try await municipalityZone()) }
}

enum Procedures {
    /// Procedures the user's district sees: its own and its region's (a regional centre's); nil for
    /// a district that no longer exists.
    private static func scoped(to user: User, on db: Database) async throws -> QueryBuilder<Procedure>? {
        let mid = try user.requireMunicipalityID()
        guard let m = try await Municipality.find(mid, on: db) else { return nil }
        return Procedure.query(on: db).filter(\.$regionID == m.$region.id)
            .group(.or) { $0.filter(\.$municipalityID == mid).filter(\.$municipalityID == nil) }
    }

    /// The procedures the user's district sees, newest first.
    static func visible(to user: User, on db: Database) async throws -> [Procedure] {
        try await scoped(to: user, on: db)?.sort(\.$year, .descending).sort(\.$subject).sort(\.$grade).all() ?? []
    }

    /// The procedure of the path (`:procedureID`), if the user's district sees it; else 404.
    static func find(_ req: Request) async throws -> Procedure {
        try await find(try req.pathID("procedureID"), for: req.user, on: req.db)
    }

    /// The procedure `id` if the user's district sees it, else 404.
    static func find(_ id: UUID, for user: User, on db: Database) async throws -> Procedure {
        guard let p = try await scoped(to: user, on: db)?.filter(\.$id == id).first() else { throw AppError.notFound }
        return p
    }
}

enum Schools {
    /// The school of the path (`:schoolID`): 404 outside the user's municipality, 403 outside
    /// their scope (a head or teacher sees only their own school).
    static func find(_ req: Request) async throws -> School {
        let user = try req.user
        let school = try await req.find(School.self, "schoolID")
        guard school.$municipality.id == user.municipalityID else { throw AppError.notFound }
        guard user.canSee(school: school) || (user.role == .teacher && user.$school.id == school.id) else { throw AppError.forbidden }
        return school
    }

    /// The schools of the user's district in login order (active ones only, if asked).
    static func all(of user: User, activeOnly: Bool = false, on db: Database) async throws -> [School] {
        let q = School.query(on: db).filter(\.$municipality.$id == (try user.requireMunicipalityID()))
        if activeOnly { q.filter(\.$isActive == true) }
        return try await q.sort(\.$login).all()
    }

    /// The school a head or teacher belongs to, if any.
    static func own(of user: User, on db: Database) async throws -> School? {
        guard let sid = user.$school.id else { return nil }
        return try await School.find(sid, on: db)
    }
}

/// The heading of a procedure's справки and orders: letterhead, signature, territory, dates, form.
enum DocumentContext {
    static func make(_ req: Request, user: User, procedure p: Procedure) async throws -> AnalyticalReport.Context {
        let mid = try user.requireMunicipalityID()
        guard let m = try await Municipality.find(mid, on: req.db) else { throw AppError.notFound }
        let dates = try await ProcedureParticipant.query(on: req.db).filter(\.$procedure.$id == p.requireID()).all().compactMap(\.date).sorted()
        let shown = dates.map { d in d.split(separator: "-").reversed().joined(separator: ".") }
        let today = DateFormatter()
        today.dateFormat = "dd.MM.yyyy"
        today.timeZone = TimeZone(identifier: m.timeZone)
        let form = ProcedureStore.formName(p.form)
        return AnalyticalReport.Context(letterhead: try await Settings.letterhead(m, on: req.db).components(separatedBy: "\n"),
                                        signature: try await Settings.signature(m, on: req.db).components(separatedBy: "\n"),
                                        territory: m.name, dates: shown.isEmpty ? "" : (shown.first == shown.last ? shown[0] : "\(shown.first!)–\(shown.last!)"),
                                        form: form == "—" ? "" : form,
                                        today: today.string(from: req.application.now))
    }
}

extension Crumb {
    /// The way back from a procedure's sub-page: the procedures, the procedure.
    static func procedure(_ p: Procedure) -> [Crumb] {
        [Crumb(Site.procedures.url, "Оценочные процедуры"), Crumb(Site.procedure.url(p.id!), ProcedureStore.title(p))]
    }
}
