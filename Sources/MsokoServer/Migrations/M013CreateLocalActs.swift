import Fluent

/// Schools' local acts on assessment, their versions and the district's reviews (issue 17).
struct M013CreateLocalActs: AsyncMigration {
    func prepare(on db: Database) async throws {
        try await db.schema(LocalActVersion.schema)
            .id()
            .field("region_id", .uuid, .required)
            .field("municipality_id", .uuid, .required, .references("municipalities", "id"))
            .field("school_id", .uuid, .required, .references("schools", "id"))
            .field("act", .string, .required)
            .field("number", .int, .required)
            .field("file_name", .string, .required)
            .field("content_type", .string, .required)
            .field("size", .int, .required)
            .field("sha256", .string, .required)
            .field("data", .data, .required)
            .field("changes", .string, .required)
            .field("citations", .string, .required)
            .field("state", .string, .required)
            .field("pedsovet_date", .string)
            .field("pedsovet_protocol", .string)
            .field("council_date", .string)
            .field("order_number", .string)
            .field("order_date", .string)
            .field("published_on", .string)
            .field("published_url", .string)
            .field("created_by", .string, .required)
            .field("created_at", .datetime)
            .unique(on: "school_id", "act", "number")
            .create()
        try await db.schema(LocalActReview.schema)
            .id()
            .field("version_id", .uuid, .required, .references(LocalActVersion.schema, "id", onDelete: .cascade))
            .field("reviewer", .string, .required)
            .field("reviewer_name", .string, .required)
            .field("answers", .string, .required)
            .field("comment", .string, .required)
            .field("decision", .string, .required)
            .field("answer", .string)
            .field("answered_by", .string)
            .field("answered_at", .datetime)
            .field("created_at", .datetime)
            .create()
    }

    func revert(on db: Database) async throws {
        try await db.schema(LocalActReview.schema).delete()
        try await db.schema(LocalActVersion.schema).delete()
    }
}
