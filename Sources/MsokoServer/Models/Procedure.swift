import Fluent
import Foundation

/// An assessment procedure (ВПР, региональный мониторинг, ВГР …) with its specification.
/// `municipality_id` is null for a procedure a regional centre holds for many districts.
final class Procedure: Model, @unchecked Sendable {
    static let schema = "procedures"

    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Field(key: "type") var type: String
    @Field(key: "year") var year: Int
    @Field(key: "school_year") var schoolYear: String
    @Field(key: "subject") var subject: String
    @Field(key: "grade") var grade: Int
    @OptionalField(key: "form") var form: String?
    /// The specification as JSON (`ProcedureSpec`).
    @Field(key: "spec") var spec: String
    @OptionalField(key: "created_by") var createdBy: String?
    @Field(key: "region_id") var regionID: UUID
    @OptionalField(key: "municipality_id") var municipalityID: UUID?

    init() {}
}

/// A school (and optionally a class) taking part in a procedure, with its date.
final class ProcedureParticipant: Model, @unchecked Sendable {
    static let schema = "procedure_participants"

    @ID(key: .id) var id: UUID?
    @Parent(key: "procedure_id") var procedure: Procedure
    @Parent(key: "school_id") var school: School
    /// «4А»; empty for the whole school.
    @Field(key: "class_name") var className: String
    /// «YYYY-MM-DD», when set.
    @OptionalField(key: "date") var date: String?
    @Field(key: "region_id") var regionID: UUID
    @Field(key: "municipality_id") var municipalityID: UUID

    init() {}
}

/// An accepted results file: kept whole (bytes and SHA-256), one version per upload.
final class ResultUpload: Model, @unchecked Sendable {
    static let schema = "result_uploads"

    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Parent(key: "procedure_id") var procedure: Procedure
    @Field(key: "file_name") var fileName: String
    @Field(key: "size") var size: Int
    @Field(key: "sha256") var sha256: String
    @Field(key: "data") var data: Data
    @Field(key: "uploaded_by") var uploadedBy: String
    @Field(key: "works_count") var worksCount: Int
    /// Logins of the schools whose results this upload replaced, comma-separated.
    @Field(key: "schools") var schools: String
    /// The school the upload was made for (a school's own upload), if any.
    @OptionalField(key: "school_id") var schoolID: UUID?
    @Field(key: "warnings") var warnings: String
    @Field(key: "region_id") var regionID: UUID
    @OptionalField(key: "municipality_id") var municipalityID: UUID?

    init() {}
}

/// One participant's work. Scores are one byte per task in the specification's order
/// (255 = task not done), so a work is a compact row and analysis reads columns of bytes.
final class WorkRow: Model, @unchecked Sendable {
    static let schema = "works"

    @ID(key: .id) var id: UUID?
    @Parent(key: "procedure_id") var procedure: Procedure
    @Parent(key: "upload_id") var upload: ResultUpload
    @Parent(key: "school_id") var school: School
    @Field(key: "class_name") var className: String
    @Field(key: "code") var code: String
    @OptionalField(key: "variant") var variant: String?
    @OptionalField(key: "gender") var gender: String?
    @Field(key: "scores") var scores: Data
    @Field(key: "primary_score") var primaryScore: Int
    @OptionalField(key: "mark") var mark: Int?
    @OptionalField(key: "journal_mark") var journalMark: Int?
    @Field(key: "region_id") var regionID: UUID
    @Field(key: "municipality_id") var municipalityID: UUID

    init() {}
}
