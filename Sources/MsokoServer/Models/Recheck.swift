import Fluent
import Foundation

/// A sample of works for the municipal commission to re-score blind.
final class RecheckSample: Model, @unchecked Sendable {
    static let schema = "recheck_samples"

    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Parent(key: "procedure_id") var procedure: Procedure
    @Field(key: "size") var size: Int
    @Field(key: "control_share") var controlShare: Double
    @Field(key: "double_scoring") var doubleScoring: Bool
    /// Task numbers re-scored, comma-separated; empty: every task.
    @Field(key: "tasks") var tasks: String
    @Field(key: "created_by") var createdBy: String
    @Field(key: "region_id") var regionID: UUID
    @Field(key: "municipality_id") var municipalityID: UUID

    init() {}
}

/// A work in a sample, known to the commission only by its blind code.
final class RecheckItem: Model, @unchecked Sendable {
    static let schema = "recheck_items"

    @ID(key: .id) var id: UUID?
    @Parent(key: "sample_id") var sample: RecheckSample
    @Parent(key: "work_id") var work: WorkRow
    @Parent(key: "school_id") var school: School
    @Field(key: "blind_code") var blindCode: String
    /// `risk` (chosen for signs of non-objectivity) or `control` (random).
    @Field(key: "reason") var reason: String

    init() {}
}

/// One commission member's scores for an item (one byte a task, 255 = not done), once submitted.
final class RecheckScoring: Model, @unchecked Sendable {
    static let schema = "recheck_scorings"

    @ID(key: .id) var id: UUID?
    @Parent(key: "item_id") var item: RecheckItem
    @Parent(key: "user_id") var user: User
    @OptionalField(key: "scores") var scores: Data?
    @OptionalField(key: "submitted_at") var submittedAt: Date?

    init() {}
}
