import Fluent

struct M002CreateAccounts: AsyncMigration {
    func prepare(on db: Database) async throws {
        try await db.schema("users")
            .id()
            .field("login", .string, .required)
            .field("name", .string, .required)
            .field("role", .string, .required)
            .field("password_hash", .string, .required)
            .field("is_disabled", .bool, .required)
            .field("subject", .string)
            .field("region_id", .uuid)
            .field("municipality_id", .uuid, .references("municipalities", "id"))
            .field("school_id", .uuid, .references("schools", "id"))
            .field("created_at", .datetime)
            .unique(on: "login")
            .create()
        try await db.schema("class_teachers")
            .id()
            .field("class_id", .uuid, .required, .references("school_classes", "id", onDelete: .cascade))
            .field("teacher_id", .uuid, .required, .references("users", "id", onDelete: .cascade))
            .field("subject", .string)
            .unique(on: "class_id", "teacher_id")
            .create()
        try await db.schema("user_tokens")
            .id()
            .field("user_id", .uuid, .required, .references("users", "id", onDelete: .cascade))
            .field("token_hash", .string, .required)
            .field("label", .string, .required)
            .field("revoked_at", .datetime)
            .field("created_at", .datetime)
            .unique(on: "token_hash")
            .create()
        try await db.schema("login_throttles")
            .id()
            .field("login", .string, .required)
            .field("failures", .int, .required)
            .field("window_start", .datetime, .required)
            .field("locked_until", .datetime)
            .unique(on: "login")
            .create()
        try await db.schema("settings")
            .id()
            .field("key", .string, .required)
            .field("value", .string, .required)
            .field("municipality_id", .uuid)
            .unique(on: "key", "municipality_id")
            .create()
    }

    func revert(on db: Database) async throws {
        for table in ["settings", "login_throttles", "user_tokens", "class_teachers", "users"] {
            try await db.schema(table).delete()
        }
    }
}
