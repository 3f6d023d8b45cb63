import Fluent
import Foundation
import MsokoCore

/// A seminar for teachers (measure 3.2): planned from the typical grading errors of a procedure's
/// re-check (its tasks and error types), run by an association, with materials, attendance and the
/// participants' feedback; its effect is the next re-check's discrepancy on the same tasks.
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
    /// Task numbers the seminar works through, «8, 9.2».
    @Field(key: "tasks") var tasks: String
    /// The error types, as the handout names them, one a line.
    @Field(key: "error_types") var errorTypes: String
    @Field(key: "materials") var materials: String
    @OptionalField(key: "association_id") var associationID: UUID?

    init() {}

    var taskList: [String] { SeminarEffect.tasks(tasks) }
    var localDate: LocalDate { LocalDate(iso: date) ?? LocalDate(year: 2000, month: 1, day: 1) }
}

/// A participant's feedback: a mark of usefulness 1…5 and a comment, as collected on the day.
final class SeminarFeedback: Model, @unchecked Sendable {
    static let schema = "seminar_feedback"

    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Parent(key: "seminar_id") var seminar: Seminar
    @Field(key: "rating") var rating: Int
    @Field(key: "comment") var comment: String
    @Field(key: "created_by") var createdBy: String

    init() {}
}

/// A seminar's material (the handout, slides, a list of participants), kept whole.
final class SeminarFile: Model, StoredFile, @unchecked Sendable {
    static let schema = "seminar_files"

    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Parent(key: "seminar_id") var seminar: Seminar
    @Field(key: "file_name") var fileName: String
    @Field(key: "content_type") var contentType: String
    @Field(key: "size") var size: Int
    @Field(key: "sha256") var sha256: String
    @Field(key: "data") var data: Data
    @Field(key: "uploaded_by") var uploadedBy: String

    init() {}
}
