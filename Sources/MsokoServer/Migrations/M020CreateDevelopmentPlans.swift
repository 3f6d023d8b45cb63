import Fluent

/// Teachers' individual development plans (ИОМ), kept to their school (issue 16 §3).
struct M020CreateDevelopmentPlans: AsyncMigration {
    func prepare(on db: Database) async throws {
        try await db.schema("development_plans")
            .id()
            .field("staff_id", .uuid, .required, .references("staff_members", "id", onDelete: .cascade))
            .field("school_id", .uuid, .required, .references("schools", "id"))
            .field("school_year", .string, .required)
            .field("diagnostic", .string, .required)
            .field("goals", .string, .required)
            .field("activities", .string, .required)
            .field("direction", .string, .required)
            .field("state", .string, .required)
            .field("result", .string, .required)
            .field("created_by", .string, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .create()
    }

    func revert(on db: Database) async throws { try await db.schema("development_plans").delete() }
}
