import Fluent
import MsokoCore
import Vapor

/// Whose results of a procedure a user may open, by school login and class: district roles any
/// school of their district, a head only their own school, a teacher only one of their own classes
/// (`TeacherClasses`) and only with the class named. The analysis pages, the gaps pages and the
/// gaps API ask the same question here, so they cannot disagree.
enum GroupScope {
    /// Throws 403 when the user may not open `login` (and `className`) of `p`.
    static func admit(_ user: User, procedure p: Procedure, school login: String, className: String?, on db: Database) async throws {
        switch user.role {
        case .specialist, .admin, .methodist:
            return
        case .head:
            guard let own = try await Schools.own(of: user, on: db), own.login == login else { throw AppError.forbidden }
        case .teacher:
            guard let name = className, try await TeacherClasses.admits(user, procedure: p, schoolLogin: login, className: name, on: db) else { throw AppError.forbidden }
        default:
            throw AppError.forbidden
        }
    }

    /// The school `login` of the user's district (404 for none), after `admit`.
    static func school(_ user: User, procedure p: Procedure, login: String, className: String?, on db: Database) async throws -> School {
        try await admit(user, procedure: p, school: login, className: className, on: db)
        guard let s = try await School.query(on: db).filter(\.$login == login).filter(\.$municipality.$id == user.requireMunicipalityID()).first() else {
            throw AppError.notFound
        }
        return s
    }

    /// A class's page or form (`…/procedures/:procedureID/…/schools/:login/classes/:className`): the
    /// user, the procedure, the school after `admit`, the class name as the results write it.
    static func classOf(_ req: Request) async throws -> (user: User, procedure: Procedure, school: School, className: String) {
        let user = try req.user
        let p = try await Procedures.find(req)
        guard let login = req.parameters.get("login"), let raw = req.parameters.get("className") else { throw AppError.notFound }
        let className = WorkRecord.normalizeClass(raw)
        return (user, p, try await school(user, procedure: p, login: login, className: className, on: req.db), className)
    }

    /// A stored record of one class (a parent's code, a record of informing) named by the path
    /// parameter `name`, with its procedure and school, after the class's scope is checked.
    static func record<M: ClassRecord>(_ type: M.Type, _ req: Request, _ name: String) async throws -> (M, Procedure, School) {
        let user = try req.user
        guard let r = try await M.find(try req.pathID(name), on: req.db), r.municipalityID == user.municipalityID else { throw AppError.notFound }
        let p = try await Procedures.find(r.procedureID, for: user, on: req.db)
        guard let found = try await School.find(r.schoolID, on: req.db) else { throw AppError.notFound }
        return (r, p, try await school(user, procedure: p, login: found.login, className: r.className, on: req.db))
    }
}

/// A record kept per class of a procedure in a school.
protocol ClassRecord: Model where IDValue == UUID {
    var municipalityID: UUID { get }
    var procedureID: UUID { get }
    var schoolID: UUID { get }
    var className: String { get }
}
