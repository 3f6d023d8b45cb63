import Fluent

/// Open information about assessment (4.1, issue 18): documents published by the district or a
/// school, news posts, and each school's public settings (the sites that may frame its block,
/// whether its own results appear on its public page).
struct M021CreatePublicInformation: AsyncMigration {
    func prepare(on db: Database) async throws {
        try await db.schema("public_documents")
            .id()
            .field("created_at", .datetime)
            .field("region_id", .uuid, .required)
            .field("municipality_id", .uuid, .required)
            .field("school_id", .uuid, .references("schools", "id"))
            .field("kind", .string, .required)
            .field("title", .string, .required)
            .field("number", .string, .required)
            .field("doc_date", .string)
            .field("file_name", .string, .required)
            .field("content_type", .string, .required)
            .field("size", .int, .required)
            .field("sha256", .string, .required)
            .field("data", .data, .required)
            .field("uploaded_by", .string, .required)
            .field("published", .bool, .required)
            .field("published_at", .datetime)
            .field("published_by", .string)
            .create()
        try await db.schema("news_posts")
            .id()
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .field("region_id", .uuid, .required)
            .field("municipality_id", .uuid, .required)
            .field("school_id", .uuid, .references("schools", "id"))
            .field("title", .string, .required)
            .field("body", .string, .required)
            .field("published_at", .datetime, .required)
            .field("created_by", .string, .required)
            .create()
        try await db.schema("school_public_settings")
            .id()
            .field("school_id", .uuid, .required, .references("schools", "id", onDelete: .cascade))
            .field("site_origins", .string, .required)
            .field("show_results", .bool, .required)
            .field("updated_by", .string, .required)
            .field("updated_at", .datetime)
            .unique(on: "school_id")
            .create()
    }

    func revert(on db: Database) async throws {
        try await db.schema("school_public_settings").delete()
        try await db.schema("news_posts").delete()
        try await db.schema("public_documents").delete()
    }
}
