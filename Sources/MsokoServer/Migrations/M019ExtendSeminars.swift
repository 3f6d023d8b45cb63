import Fluent
import SQLKit

/// Seminars planned from the typical grading errors (issue 16 §2): the tasks and error types, the
/// association that runs it, the materials with files, the participants' feedback.
struct M019ExtendSeminars: AsyncMigration {
    func prepare(on db: Database) async throws {
        try await db.schema("seminars")
            .field("tasks", .string, .required, .sql(.default("")))
            .update()
        try await db.schema("seminars")
            .field("error_types", .string, .required, .sql(.default("")))
            .update()
        try await db.schema("seminars")
            .field("materials", .string, .required, .sql(.default("")))
            .update()
        try await db.schema("seminars")
            .field("association_id", .uuid)
            .update()
        try await db.schema("seminar_feedback")
            .id()
            .field("seminar_id", .uuid, .required, .references("seminars", "id", onDelete: .cascade))
            .field("rating", .int, .required)
            .field("comment", .string, .required)
            .field("created_by", .string, .required)
            .field("created_at", .datetime)
            .create()
        try await db.schema("seminar_files")
            .id()
            .field("seminar_id", .uuid, .required, .references("seminars", "id", onDelete: .cascade))
            .field("file_name", .string, .required)
            .field("content_type", .string, .required)
            .field("size", .int, .required)
            .field("sha256", .string, .required)
            .field("data", .data, .required)
            .field("uploaded_by", .string, .required)
            .field("created_at", .datetime)
            .create()
    }

    func revert(on db: Database) async throws {
        try await db.schema("seminar_files").delete()
        try await db.schema("seminar_feedback").delete()
        for f in ["association_id", "materials", "error_types", "tasks"] { try await db.schema("seminars").deleteField(FieldKey(stringLiteral: f)).update() }
    }
}
