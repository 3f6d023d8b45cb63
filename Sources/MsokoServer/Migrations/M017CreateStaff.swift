import Fluent

/// Staff of schools and of the department, their courses with certificates, and the staff lists
/// as uploaded (issue 16 §3).
struct M017CreateStaff: AsyncMigration {
    func prepare(on db: Database) async throws {
        try await db.schema("staff_members")
            .id()
            .field("region_id", .uuid, .required)
            .field("municipality_id", .uuid, .required, .references("municipalities", "id"))
            .field("school_id", .uuid, .references("schools", "id"))
            .field("name", .string, .required)
            .field("position", .string, .required)
            .field("subjects", .string, .required)
            .field("user_id", .uuid, .references("users", "id", onDelete: .setNull))
            .field("created_by", .string, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .create()
        try await db.schema("course_records")
            .id()
            .field("staff_id", .uuid, .required, .references("staff_members", "id", onDelete: .cascade))
            .field("title", .string, .required)
            .field("provider", .string, .required)
            .field("provider_kind", .string, .required)
            .field("hours", .int, .required)
            .field("start_date", .string, .required)
            .field("end_date", .string, .required)
            .field("certificate_number", .string, .required)
            .field("direction", .string, .required)
            .field("created_by", .string, .required)
            .field("created_at", .datetime)
            .create()
        try await db.schema("course_files")
            .id()
            .field("course_id", .uuid, .required, .references("course_records", "id", onDelete: .cascade))
            .field("file_name", .string, .required)
            .field("content_type", .string, .required)
            .field("size", .int, .required)
            .field("sha256", .string, .required)
            .field("data", .data, .required)
            .field("uploaded_by", .string, .required)
            .field("created_at", .datetime)
            .create()
        try await db.schema("staff_imports")
            .id()
            .field("region_id", .uuid, .required)
            .field("municipality_id", .uuid, .required, .references("municipalities", "id"))
            .field("school_id", .uuid, .references("schools", "id"))
            .field("file_name", .string, .required)
            .field("size", .int, .required)
            .field("sha256", .string, .required)
            .field("data", .data, .required)
            .field("uploaded_by", .string, .required)
            .field("outcome", .string, .required)
            .field("accepted", .bool, .required)
            .field("created_at", .datetime)
            .create()
    }

    func revert(on db: Database) async throws {
        for s in ["staff_imports", "course_files", "course_records", "staff_members"] { try await db.schema(s).delete() }
    }
}
