import Fluent

/// The municipal re-check commission's samples, blind items and re-scorings (issue 5 §3).
struct M007CreateRechecks: AsyncMigration {
    func prepare(on db: Database) async throws {
        try await db.schema("recheck_samples")
            .id()
            .field("region_id", .uuid, .required)
            .field("municipality_id", .uuid, .required, .references("municipalities", "id"))
            .field("procedure_id", .uuid, .required, .references("procedures", "id", onDelete: .cascade))
            .field("size", .int, .required)
            .field("control_share", .double, .required)
            .field("double_scoring", .bool, .required)
            .field("tasks", .string, .required)
            .field("created_by", .string, .required)
            .field("created_at", .datetime)
            .create()
        try await db.schema("recheck_items")
            .id()
            .field("sample_id", .uuid, .required, .references("recheck_samples", "id", onDelete: .cascade))
            .field("work_id", .uuid, .required, .references("works", "id", onDelete: .cascade))
            .field("school_id", .uuid, .required, .references("schools", "id"))
            .field("blind_code", .string, .required)
            .field("reason", .string, .required)
            .unique(on: "sample_id", "blind_code")
            .create()
        try await db.schema("recheck_scorings")
            .id()
            .field("item_id", .uuid, .required, .references("recheck_items", "id", onDelete: .cascade))
            .field("user_id", .uuid, .required, .references("users", "id"))
            .field("scores", .data)
            .field("submitted_at", .datetime)
            .unique(on: "item_id", "user_id")
            .create()
    }

    func revert(on db: Database) async throws {
        for table in ["recheck_scorings", "recheck_items", "recheck_samples"] { try await db.schema(table).delete() }
    }
}
