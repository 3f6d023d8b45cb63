import Fluent
import MsokoCore
import SQLKit
import Vapor

/// The classes a teacher is linked to (a school's page links them) and the results of those
/// classes the teacher may open: the class in its own school year, and the same students a school
/// year earlier — 5А of 2026-2027 was 4А of 2025-2026, and its new teacher needs that spring's ВПР
/// in September. Nothing else of the school: a teacher sees their own classes, read-only.
enum TeacherClasses {
    /// A class as the results name it: the procedure's school year and the class name.
    struct Key: Hashable {
        var schoolYear: String
        var className: String
    }

    /// One procedure's results of one of the teacher's classes.
    struct Result {
        var procedure: Procedure
        var schoolLogin: String
        var className: String
        var works: Int
        /// The class the teacher has now, when the results are of its previous year («5А, в прошлом году 4А»).
        var nowCalled: String?
    }

    /// Each result key the teacher may open, with the class's present name where it is a year earlier.
    static func keys(of user: User, on db: Database) async throws -> [Key: String?] {
        guard user.role == .teacher, let uid = user.id else { return [:] }
        let links = try await ClassTeacher.query(on: db).filter(\.$teacher.$id == uid).with(\.$schoolClass).all()
        var out: [Key: String?] = [:]
        for c in links.map(\.schoolClass) where c.$school.id == user.$school.id {
            let name = WorkRecord.normalizeClass(c.name)
            out[Key(schoolYear: c.schoolYear, className: name)] = .some(nil)
            if let year = previousSchoolYear(c.schoolYear), let earlier = classAYearEarlier(name) {
                let key = Key(schoolYear: year, className: earlier)
                if out[key] == nil { out[key] = .some(name) }
            }
        }
        return out
    }

    /// «2026-2027» → «2025-2026».
    static func previousSchoolYear(_ y: String) -> String? {
        let parts = y.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 2 else { return nil }
        return "\(parts[0] - 1)-\(parts[1] - 1)"
    }

    /// «5А» → «4А»; nil for a first grade or a name without a grade.
    static func classAYearEarlier(_ name: String) -> String? {
        let digits = name.prefix { $0.isNumber }
        guard let grade = Int(digits), grade > 1 else { return nil }
        return "\(grade - 1)\(name.dropFirst(digits.count))"
    }

    /// Whether the teacher may open this class's results of `p` in `schoolLogin`.
    static func admits(_ user: User, procedure p: Procedure, schoolLogin: String, className: String, on db: Database) async throws -> Bool {
        guard let own = try await Schools.own(of: user, on: db), own.login == schoolLogin else { return false }
        return try await keys(of: user, on: db)[Key(schoolYear: p.schoolYear, className: WorkRecord.normalizeClass(className))] != nil
    }

    /// The results of the teacher's classes, newest procedure first.
    static func results(of user: User, on db: Database) async throws -> [Result] {
        let keys = try await keys(of: user, on: db)
        guard !keys.isEmpty, let school = try await Schools.own(of: user, on: db), let sid = school.id, let sql = db as? SQLDatabase else { return [] }
        // Works per procedure and class of the teacher's school: one grouped count.
        let rows = try await sql.select().column("procedure_id").column("class_name").column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n")
            .from(WorkRow.schema).where("school_id", .equal, SQLBind(sid)).groupBy("procedure_id").groupBy("class_name").all()
        var counts: [UUID: [String: Int]] = [:]
        for r in rows {
            counts[try r.decode(column: "procedure_id", as: UUID.self), default: [:]][try r.decode(column: "class_name", as: String.self)] = try r.decode(column: "n", as: Int.self)
        }
        var out: [Result] = []
        for p in try await Procedures.visible(to: user, on: db) {
            guard let pid = p.id, let classes = counts[pid] else { continue }
            for (name, n) in classes.sorted(by: { $0.key < $1.key }) {
                if let now = keys[Key(schoolYear: p.schoolYear, className: name)] {
                    out.append(Result(procedure: p, schoolLogin: school.login, className: name, works: n, nowCalled: now))
                }
            }
        }
        return out
    }
}
