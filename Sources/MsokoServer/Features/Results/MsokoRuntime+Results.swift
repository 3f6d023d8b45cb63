import Fluent
import Foundation
import MsokoCore
import Vapor

/// Procedures and their results from the command line (`msoko procedure`, `import`, `export`).
extension MsokoRuntime {
    /// Creates a procedure from a specification file; returns its id.
    public func addProcedure(specData: Data, file: String, municipality name: String?) async throws -> UUID {
        let spec: ProcedureSpec
        do { spec = try ProcedureSpec.read(data: specData, file: file) } catch let e as SpecError { throw ConfigError(e.description) }
        let m = try await municipality(named: name)
        do {
            return try await ProcedureStore.create(spec, regionID: m.$region.id, municipalityID: m.id, actor: "cli", file: file, on: db).requireID()
        } catch let e as SpecError { throw ConfigError(e.description) }
    }

    public struct ImportReport: Sendable {
        public var problems: [String]
        public var warnings: [String]
        public var works: Int
        public var schools: [String]
        /// Logins the file names that msoko does not know.
        public var missingSchools: [String] = []
    }

    public func importResults(data: Data, file: String, procedureID: UUID, school: String?, createSchools: Bool) async throws -> ImportReport {
        guard let procedure = try await Procedure.find(procedureID, on: db) else { throw ConfigError("Процедура \(procedureID) не найдена.") }
        var schoolModel: School?
        if let school {
            guard let s = try await School.query(on: db).filter(\.$login == school.lowercased()).first() else {
                throw ConfigError("Школа \(school) не найдена.")
            }
            schoolModel = s
        }
        let request = ResultsStore.Request(data: data, fileName: file, procedure: procedure, actor: "cli", school: schoolModel,
                                           municipalityID: procedure.municipalityID, createSchools: createSchools)
        let outcome = try await ResultsStore.importFile(request, on: db)
        return ImportReport(problems: outcome.file.problems.map(\.description), warnings: outcome.file.warnings.map(\.description),
                            works: outcome.upload == nil ? 0 : outcome.file.works.count, schools: outcome.replacedSchools,
                            missingSchools: outcome.missingSchools)
    }

    /// The stored results of a procedure as XLSX or CSV (by the file's extension).
    public func exportResults(procedureID: UUID, fileName: String) async throws -> Data {
        guard let procedure = try await Procedure.find(procedureID, on: db) else { throw ConfigError("Процедура \(procedureID) не найдена.") }
        let rows = try await ResultsQuery.exportRows(procedure: procedure, schoolID: nil, on: db)
        let spec = try ProcedureStore.spec(of: procedure)
        return fileName.lowercased().hasSuffix(".csv") ? ResultsExport.csv(spec: spec, rows: rows) : try ResultsExport.xlsx(spec: spec, rows: rows)
    }
}
