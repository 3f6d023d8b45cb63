import Fluent
import SQLKit
import MsokoCore
import Vapor

/// Reading stored works back.
enum ResultsQuery {
    /// Works of a procedure (optionally one school) as export rows, by school login, class and code.
    /// `municipalityID` limits a regional procedure to one district's schools.
    static func exportRows(procedure: Procedure, schoolID: UUID?, municipalityID: UUID? = nil, on db: Database) async throws -> [ResultsExport.Row] {
        let q = WorkRow.query(on: db).filter(\.$procedure.$id == (try procedure.requireID()))
        if let schoolID { q.filter(\.$school.$id == schoolID) }
        if let municipalityID { q.filter(\.$municipalityID == municipalityID) }
        let works = try await q.all()
        let schoolIDs = Array(Set(works.map { $0.$school.id }))
        let schools = try await School.query(on: db).filter(\.$id ~~ schoolIDs).with(\.$municipality).all()
        let byID = Dictionary(uniqueKeysWithValues: schools.map { ($0.id!, $0) })
        return works.map { w in
            let s = byID[w.$school.id]!
            let record = WorkRecord(schoolLogin: s.login, schoolName: s.shortName, code: w.code, className: w.className,
                                    variant: w.variant, gender: w.gender, scores: [UInt8](w.scores), primaryScore: w.primaryScore,
                                    mark: w.mark, journalMark: w.journalMark, row: 0)
            return ResultsExport.Row(schoolLogin: s.login, municipality: s.municipality.name, schoolName: s.shortName, work: record)
        }.sorted { ($0.schoolLogin, $0.work.className, $0.work.code) < ($1.schoolLogin, $1.work.className, $1.work.code) }
    }

    /// Works per school and class: what arrived.
    static func counts(procedureID: UUID, on db: Database) async throws -> [UUID: [String: Int]] {
        let works = try await WorkRow.query(on: db).filter(\.$procedure.$id == procedureID).field(\.$school.$id).field(\.$className).all()
        var out: [UUID: [String: Int]] = [:]
        for w in works { out[w.$school.id, default: [:]][w.className, default: 0] += 1 }
        return out
    }

    /// Works per procedure in one district (or one school of it): one grouped count for the whole
    /// procedures list.
    static func worksPerProcedure(municipalityID: UUID, schoolID: UUID?, on db: Database) async throws -> [UUID: Int] {
        guard let sql = db as? SQLDatabase else { return [:] }
        var q = sql.select().column("procedure_id").column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n")
            .from(WorkRow.schema).where("municipality_id", .equal, SQLBind(municipalityID))
        if let schoolID { q = q.where("school_id", .equal, SQLBind(schoolID)) }
        var out: [UUID: Int] = [:]
        for row in try await q.groupBy("procedure_id").all() {
            out[try row.decode(column: "procedure_id", as: UUID.self)] = try row.decode(column: "n", as: Int.self)
        }
        return out
    }
}
