import Fluent

/// Regions, municipalities, schools and classes. Every school- or district-owned table
/// carries region_id and municipality_id so that a national installation can be sharded.
struct M001CreateOrganisations: AsyncMigration {
    func prepare(on db: Database) async throws {
        try await db.schema("regions")
            .id()
            .field("name", .string, .required)
            .field("code", .string, .required)
            .field("created_at", .datetime)
            .unique(on: "code")
            .create()
        try await db.schema("municipalities")
            .id()
            .field("region_id", .uuid, .required, .references("regions", "id"))
            .field("name", .string, .required)
            .field("department_name", .string, .required)
            .field("time_zone", .string, .required)
            .field("created_at", .datetime)
            .create()
        try await db.schema("schools")
            .id()
            .field("region_id", .uuid, .required)
            .field("municipality_id", .uuid, .required, .references("municipalities", "id"))
            .field("login", .string, .required)
            .field("full_name", .string, .required)
            .field("short_name", .string, .required)
            .field("type", .string, .required)
            .field("is_demo", .bool, .required)
            .field("is_active", .bool, .required)
            .field("created_at", .datetime)
            .unique(on: "login")
            .create()
        try await db.schema("school_classes")
            .id()
            .field("region_id", .uuid, .required)
            .field("municipality_id", .uuid, .required)
            .field("school_id", .uuid, .required, .references("schools", "id", onDelete: .cascade))
            .field("school_year", .string, .required)
            .field("name", .string, .required)
            .field("grade", .int, .required)
            .field("enrolment", .int, .required)
            .unique(on: "school_id", "school_year", "name")
            .create()
    }

    func revert(on db: Database) async throws {
        for table in ["school_classes", "schools", "municipalities", "regions"] {
            try await db.schema(table).delete()
        }
    }
}
