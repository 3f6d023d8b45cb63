import Fluent

/// Parents' access codes to result sheets and the records that classes were informed (issue 14).
struct M012CreateSheetAccess: AsyncMigration {
    func prepare(on db: Database) async throws {
        try await db.schema(SheetCode.schema)
            .id()
            .field("region_id", .uuid, .required)
            .field("municipality_id", .uuid, .required, .references("municipalities", "id"))
            .field("procedure_id", .uuid, .required, .references("procedures", "id", onDelete: .cascade))
            .field("school_id", .uuid, .required, .references("schools", "id"))
            .field("class_name", .string, .required)
            .field("student_code", .string, .required)
            .field("code", .string, .required)
            .field("expires_on", .string, .required)
            .field("revoked_at", .datetime)
            .field("created_by", .string, .required)
            .field("openings", .int, .required)
            .field("first_opened_at", .datetime)
            .field("last_opened_at", .datetime)
            .field("created_at", .datetime)
            .unique(on: "code")
            .create()
        try await db.schema(SheetInforming.schema)
            .id()
            .field("region_id", .uuid, .required)
            .field("municipality_id", .uuid, .required, .references("municipalities", "id"))
            .field("procedure_id", .uuid, .required, .references("procedures", "id", onDelete: .cascade))
            .field("school_id", .uuid, .required, .references("schools", "id"))
            .field("class_name", .string, .required)
            .field("date", .string, .required)
            .field("kind", .string, .required)
            .field("note", .string, .required)
            .field("file_name", .string)
            .field("content_type", .string)
            .field("size", .int)
            .field("sha256", .string)
            .field("data", .data)
            .field("created_by", .string, .required)
            .field("attached_at", .datetime)
            .field("created_at", .datetime)
            .create()
    }

    func revert(on db: Database) async throws {
        try await db.schema(SheetInforming.schema).delete()
        try await db.schema(SheetCode.schema).delete()
    }
}
