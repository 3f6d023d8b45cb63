import Fluent

/// Seminars on typical grading errors (measure 3.2): date, topic, participants, attendance.
struct M008CreateSeminars: AsyncMigration {
    func prepare(on db: Database) async throws {
        try await db.schema("seminars")
            .id()
            .field("region_id", .uuid, .required)
            .field("municipality_id", .uuid, .required, .references("municipalities", "id"))
            .field("procedure_id", .uuid, .references("procedures", "id", onDelete: .setNull))
            .field("date", .string, .required)
            .field("topic", .string, .required)
            .field("participants", .string, .required)
            .field("invited", .int, .required)
            .field("attended", .int, .required)
            .field("created_by", .string, .required)
            .field("created_at", .datetime)
            .create()
    }

    func revert(on db: Database) async throws {
        try await db.schema("seminars").delete()
    }
}
