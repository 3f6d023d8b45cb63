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
}
