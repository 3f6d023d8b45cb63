import Fluent
import Foundation
import MsokoCore
import Vapor

/// Text-file helpers for the command line.
public enum MsokoTextFile {
    /// Reads and checks a results file against a specification, without a database.
    public static func checkResults(data: Data, file: String, specData: Data, specFile: String, school: String?) throws -> MsokoRuntime.ImportReport {
        let spec: ProcedureSpec
        do { spec = try ProcedureSpec.read(data: specData, file: specFile) } catch let e as SpecError { throw ConfigError(e.description) }
        let readable: Data
        switch OfficeConversion.readable(data, file: file) {
        case .success(let d): readable = d
        case .failure(let e): return MsokoRuntime.ImportReport(problems: [e.description], warnings: [], works: 0, schools: [])
        }
        let r = ResultsReader.read(data: readable, file: file, spec: spec, school: school)
        return MsokoRuntime.ImportReport(problems: r.problems.map(\.description), warnings: r.warnings.map(\.description),
                                         works: r.works.count, schools: r.schools)
    }

    /// A specification and a generated results file of `rows` works (100 a school) as XLSX and CSV.
    public static func benchmarkFiles(rows: Int, seed: UInt64) throws -> [(String, Data)] {
        let spec = DemoProcedures.spec(subject: "Математика", grade: 4, year: 2026)
        let schools = (0..<max(1, rows / 100)).map { i in
            ResultsGenerator.SchoolPlan(login: String(format: "edu%06d", 700_000 + i), name: "Школа № \(i + 1)", municipality: "Район \(i / 50 + 1)",
                                        ability: 0, classes: [("4А", 50), ("4Б", 50)])
        }
        let generated = Array(ResultsGenerator(spec: spec, seed: seed).rows(for: schools).prefix(rows))
        return [("spec.json", Data(try Audit.json(spec).utf8)),
                ("results.xlsx", try ResultsExport.xlsx(spec: spec, rows: generated)),
                ("results.csv", ResultsExport.csv(spec: spec, rows: generated))]
    }

    /// Rows of an XLSX or CSV list; a Russian error naming the file otherwise.
    public static func rows(data: Data, file: String) throws -> [[String]] {
        do { return try ListFile.rows(data: data, file: file) } catch let e as SpreadsheetError { throw ConfigError(e.description) }
    }
}
