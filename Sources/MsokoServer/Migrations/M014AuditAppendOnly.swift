import Fluent
import SQLKit

/// The audit log is append-only in the database itself (issue 20 §4), not only by code: a trigger
/// refuses every UPDATE and DELETE of `audit_entries` (and TRUNCATE on PostgreSQL). Reverting the
/// migrations (the demo's reset) drops the trigger first.
struct M014AuditAppendOnly: AsyncMigration {
    func prepare(on db: Database) async throws {
        guard let sql = db as? SQLDatabase else { return }
        if sql.dialect.name == "sqlite" {
            for op in ["UPDATE", "DELETE"] {
                try await sql.raw("""
                    CREATE TRIGGER audit_entries_no_\(unsafeRaw: op.lowercased()) BEFORE \(unsafeRaw: op) ON audit_entries
                    BEGIN SELECT RAISE(ABORT, 'журнал изменений только дополняется'); END
                    """).run()
            }
        } else {
            try await sql.raw("""
                CREATE OR REPLACE FUNCTION msoko_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN RAISE EXCEPTION 'журнал изменений только дополняется'; END $$
                """).run()
            try await sql.raw("CREATE TRIGGER audit_entries_append_only BEFORE UPDATE OR DELETE ON audit_entries FOR EACH ROW EXECUTE FUNCTION msoko_audit_append_only()").run()
            try await sql.raw("CREATE TRIGGER audit_entries_no_truncate BEFORE TRUNCATE ON audit_entries FOR EACH STATEMENT EXECUTE FUNCTION msoko_audit_append_only()").run()
        }
    }

    func revert(on db: Database) async throws {
        guard let sql = db as? SQLDatabase else { return }
        if sql.dialect.name == "sqlite" {
            try await sql.raw("DROP TRIGGER IF EXISTS audit_entries_no_update").run()
            try await sql.raw("DROP TRIGGER IF EXISTS audit_entries_no_delete").run()
        } else {
            try await sql.raw("DROP TRIGGER IF EXISTS audit_entries_append_only ON audit_entries").run()
            try await sql.raw("DROP TRIGGER IF EXISTS audit_entries_no_truncate ON audit_entries").run()
            try await sql.raw("DROP FUNCTION IF EXISTS msoko_audit_append_only()").run()
        }
    }
}
