import Fluent

/// Personal iCalendar feeds (issue 15 §5).
struct M016CreateCalendarFeeds: AsyncMigration {
    func prepare(on db: Database) async throws {
        try await db.schema("calendar_feeds")
            .id()
            .field("user_id", .uuid, .required, .references("users", "id", onDelete: .cascade))
            .field("token_hash", .string, .required)
            .field("revoked_at", .datetime)
            .field("last_read_at", .datetime)
            .field("created_at", .datetime)
            .unique(on: "token_hash")
            .create()
    }

    func revert(on db: Database) async throws { try await db.schema("calendar_feeds").delete() }
}
