import Fluent

/// Methodical associations, their members, the library of recommendations with their files and
/// their links to gap plan items; a meeting may be an association's sitting (issue 16 §1).
struct M018CreateAssociations: AsyncMigration {
    func prepare(on db: Database) async throws {
        try await db.schema("method_associations")
            .id()
            .field("region_id", .uuid, .required)
            .field("municipality_id", .uuid, .required, .references("municipalities", "id"))
            .field("school_id", .uuid, .references("schools", "id"))
            .field("subject", .string, .required)
            .field("name", .string, .required)
            .field("leader_id", .uuid, .references("users", "id", onDelete: .setNull))
            .field("created_by", .string, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .create()
        try await db.schema("association_members")
            .id()
            .field("association_id", .uuid, .required, .references("method_associations", "id", onDelete: .cascade))
            .field("staff_id", .uuid, .required, .references("staff_members", "id", onDelete: .cascade))
            .field("created_at", .datetime)
            .unique(on: "association_id", "staff_id")
            .create()
        try await db.schema("recommendations")
            .id()
            .field("region_id", .uuid, .required)
            .field("municipality_id", .uuid, .required, .references("municipalities", "id"))
            .field("association_id", .uuid, .references("method_associations", "id", onDelete: .setNull))
            .field("meeting_id", .uuid, .references("meetings", "id", onDelete: .setNull))
            .field("title", .string, .required)
            .field("description", .string, .required)
            .field("subject", .string, .required)
            .field("grades", .string, .required)
            .field("codes", .string, .required)
            .field("url", .string, .required)
            .field("created_by", .string, .required)
            .field("created_by_id", .uuid, .references("users", "id", onDelete: .setNull))
            .field("created_at", .datetime)
            .create()
        try await db.schema("recommendation_files")
            .id()
            .field("recommendation_id", .uuid, .required, .references("recommendations", "id", onDelete: .cascade))
            .field("file_name", .string, .required)
            .field("content_type", .string, .required)
            .field("size", .int, .required)
            .field("sha256", .string, .required)
            .field("data", .data, .required)
            .field("uploaded_by", .string, .required)
            .field("created_at", .datetime)
            .create()
        try await db.schema("gap_item_recommendations")
            .id()
            .field("item_id", .uuid, .required, .references("gap_plan_items", "id", onDelete: .cascade))
            .field("recommendation_id", .uuid, .required, .references("recommendations", "id", onDelete: .cascade))
            .field("attached_by", .string, .required)
            .field("created_at", .datetime)
            .unique(on: "item_id", "recommendation_id")
            .create()
        // A sitting of an association is a meeting that names it (no foreign key: SQLite adds a
        // column with one only without enforcing it; the association's deletion clears it by hand).
        try await db.schema("meetings").field("association_id", .uuid).update()
    }

    func revert(on db: Database) async throws {
        try await db.schema("meetings").deleteField("association_id").update()
        for s in ["gap_item_recommendations", "recommendation_files", "recommendations", "association_members", "method_associations"] { try await db.schema(s).delete() }
    }
}
