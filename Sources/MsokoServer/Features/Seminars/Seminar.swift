import Fluent
import Foundation

/// A seminar for teachers (measure 3.2), with who took part.
final class Seminar: Model, @unchecked Sendable {
    static let schema = "seminars"

    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @OptionalParent(key: "procedure_id") var procedure: Procedure?
    /// «YYYY-MM-DD»
    @Field(key: "date") var date: String
    @Field(key: "topic") var topic: String
    /// Schools or people, one a line.
    @Field(key: "participants") var participants: String
    @Field(key: "invited") var invited: Int
    @Field(key: "attended") var attended: Int
    @Field(key: "created_by") var createdBy: String
    @Field(key: "region_id") var regionID: UUID
    @Field(key: "municipality_id") var municipalityID: UUID

    init() {}
}
