import Fluent
import SQLKit

/// Replaces Vapor's sessions, which wrote a row for every request (anonymous ones too, never
/// expired): the `user_sessions` table and the throttle table of the login.
struct M009ReplaceSessions: AsyncMigration {
    func prepare(on database: Database) async throws {
        try await database.schema(UserSession.schema)
            .id()
            .field("token_hash", .string, .required)
            .field("user_id", .uuid, .required, .references(User.schema, "id", onDelete: .cascade))
            .field("csrf", .string, .required)
            .field("flash", .string)
            .field("created_at", .datetime, .required)
            .field("expires_at", .datetime, .required)
            .field("touched_at", .datetime, .required)
            .unique(on: "token_hash")
            .create()
        if let sql = database as? SQLDatabase {
            try await sql.create(index: "user_sessions_user").on(UserSession.schema).column("user_id").run()
        }
        // Login attempts by key (account, address, account at address): counted atomically.
        try await database.schema(LoginAttempt.schema)
            .field("key", .string, .identifier(auto: false))
            .field("failures", .int, .required)
            .field("window_start", .double, .required)
            .field("locked_until", .double, .required)
            .field("lockouts", .int, .required)
            .create()
        // Vapor's session rows (every anonymous request made one) are dropped: nobody is signed
        // in through them any more.
        try await database.schema("_fluent_sessions").delete()
    }

    func revert(on database: Database) async throws {
        try await database.schema(UserSession.schema).delete()
        try await database.schema(LoginAttempt.schema).delete()
        try await database.schema("_fluent_sessions").id().field("key", .string, .required).field("data", .json, .required).unique(on: "key").create()
    }
}
