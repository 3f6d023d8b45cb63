import Fluent
import SQLKit

/// A checkpoint has at most one district-level report (school_id NULL). The unique constraint on
/// (checkpoint_id, school_id) does not cover it, since NULLs are distinct in SQL; a partial unique
/// index does, on SQLite and PostgreSQL alike.
struct M004AddDistrictReportUniqueIndex: AsyncMigration {
    func prepare(on db: Database) async throws {
        guard let sql = db as? SQLDatabase else { return }
        try await sql.raw("CREATE UNIQUE INDEX checkpoint_reports_district_unique ON checkpoint_reports (checkpoint_id) WHERE school_id IS NULL").run()
    }

    func revert(on db: Database) async throws {
        guard let sql = db as? SQLDatabase else { return }
        try await sql.raw("DROP INDEX IF EXISTS checkpoint_reports_district_unique").run()
    }
}
