import Fluent
import Foundation
import MsokoCore
import Vapor

/// Schools and the municipality from the command line (`msoko school`).
extension MsokoRuntime {
    public func addSchools(rows: [[String]], file: String, municipality name: String?) async throws -> (created: Int, updated: Int) {
        let m = try await municipality(named: name)
        let logins = try await Settings.loginPattern(municipalityID: m.id, on: db)
        let (records, problems) = SchoolListReader.read(rows: rows, file: file, logins: logins)
        guard problems.isEmpty else { throw ConfigError(problems.map(\.description).joined(separator: "\n")) }
        do {
            return try await Organisations.upsert(records, municipality: m, actor: "cli", on: db)
        } catch let e as AppError {
            throw ConfigError(e.reason)
        }
    }

    /// Creates the region and municipality when the database has none (for a first admin from the CLI).
    public func ensureMunicipality(region: String, name: String, department: String, timeZone: String) async throws {
        guard TimeZone(identifier: timeZone) != nil else { throw ConfigError("Неизвестный часовой пояс «\(timeZone)».") }
        _ = try await Organisations.ensureMunicipality(region: region, name: name, department: department, timeZone: timeZone, on: db)
    }
}
