import Fluent
import Foundation

/// A district's roadmap for one school year.
final class Roadmap: Model, @unchecked Sendable {
    static let schema = "roadmaps"

    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Field(key: "school_year") var schoolYear: String
    @Field(key: "title") var title: String
    @Field(key: "region_id") var regionID: UUID
    @Parent(key: "municipality_id") var municipality: Municipality
    @Children(for: \.$roadmap) var measures: [Measure]

    init() {}
}

/// A measure (мероприятие) with the roadmap's own texts.
final class Measure: Model, @unchecked Sendable {
    static let schema = "measures"

    @ID(key: .id) var id: UUID?
    @Field(key: "section_number") var sectionNumber: String
    @Field(key: "section_title") var sectionTitle: String
    @Field(key: "number") var number: String
    @Field(key: "position") var position: Int
    @Field(key: "title") var title: String
    @Field(key: "timing") var timing: String
    @Field(key: "responsible") var responsible: String
    @Field(key: "expected_result") var expectedResult: String
    @Field(key: "region_id") var regionID: UUID
    @Field(key: "municipality_id") var municipalityID: UUID
    @Parent(key: "roadmap_id") var roadmap: Roadmap
    @Children(for: \.$measure) var checkpoints: [Checkpoint]

    init() {}
}

/// A concrete due date derived from the measure's timing.
final class Checkpoint: Model, @unchecked Sendable {
    static let schema = "checkpoints"

    @ID(key: .id) var id: UUID?
    @Field(key: "seq") var seq: Int
    /// «YYYY-MM-DD»
    @Field(key: "due") var due: String
    @OptionalField(key: "window_start") var windowStart: String?
    @Field(key: "label") var label: String
    @Field(key: "region_id") var regionID: UUID
    @Field(key: "municipality_id") var municipalityID: UUID
    @Parent(key: "measure_id") var measure: Measure

    init() {}
}

/// One party's report on a checkpoint: a school's (school_id set) or the district's (nil).
final class CheckpointReport: Model, @unchecked Sendable {
    static let schema = "checkpoint_reports"

    @ID(key: .id) var id: UUID?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?
    @Field(key: "status") var status: String
    @Field(key: "text") var text: String
    @OptionalField(key: "updated_by") var updatedBy: String?
    @Field(key: "region_id") var regionID: UUID
    @Field(key: "municipality_id") var municipalityID: UUID
    @OptionalField(key: "school_id") var schoolID: UUID?
    @Parent(key: "checkpoint_id") var checkpoint: Checkpoint

    init() {}
}

/// An evidence file attached to a report; the bytes live in the database so that one
/// backup holds everything and several app nodes can serve them.
final class EvidenceFile: Model, @unchecked Sendable {
    static let schema = "evidence_files"

    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Field(key: "file_name") var fileName: String
    @Field(key: "content_type") var contentType: String
    @Field(key: "size") var size: Int
    @Field(key: "sha256") var sha256: String
    @Field(key: "data") var data: Data
    @Field(key: "uploaded_by") var uploadedBy: String
    @Field(key: "region_id") var regionID: UUID
    @Field(key: "municipality_id") var municipalityID: UUID
    @OptionalField(key: "school_id") var schoolID: UUID?
    @Parent(key: "report_id") var report: CheckpointReport

    init() {}
}

/// Append-only audit log: who, when, what, before/after (JSON).
final class AuditEntry: Model, @unchecked Sendable {
    static let schema = "audit_entries"

    @ID(key: .id) var id: UUID?
    @Field(key: "at") var at: Date
    @OptionalField(key: "user_login") var userLogin: String?
    @Field(key: "action") var action: String
    @Field(key: "entity") var entity: String
    @OptionalField(key: "entity_id") var entityID: String?
    @OptionalField(key: "summary") var summary: String?
    @OptionalField(key: "before") var before: String?
    @OptionalField(key: "after") var after: String?
    @OptionalField(key: "region_id") var regionID: UUID?
    @OptionalField(key: "municipality_id") var municipalityID: UUID?
    @OptionalField(key: "school_id") var schoolID: UUID?

    init() {}
}
