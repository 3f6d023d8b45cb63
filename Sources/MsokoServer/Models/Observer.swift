import Fluent
import Foundation

/// A department specialist or a public observer (a parent), with their ties.
final class Observer: Model, @unchecked Sendable {
    static let schema = "observers"

    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Field(key: "full_name") var fullName: String
    /// `specialist` or `public` (ConflictRules.Kind).
    @Field(key: "kind") var kind: String
    /// The account the observer signs in with, when they have one.
    @OptionalField(key: "user_id") var userID: UUID?
    /// The school the observer works in, if a school.
    @OptionalField(key: "work_school_id") var workSchoolID: UUID?
    @Field(key: "workplace") var workplace: String
    @Field(key: "is_active") var isActive: Bool
    @Field(key: "region_id") var regionID: UUID
    @Field(key: "municipality_id") var municipalityID: UUID
    @Children(for: \.$observer) var ties: [ObserverTie]

    init() {}
}

/// A child in a school's class (`child`) or a specialist's tie to a school (`school`).
final class ObserverTie: Model, @unchecked Sendable {
    static let schema = "observer_ties"

    @ID(key: .id) var id: UUID?
    @Parent(key: "observer_id") var observer: Observer
    @Parent(key: "school_id") var school: School
    @Field(key: "class_name") var className: String
    @Field(key: "kind") var kind: String

    init() {}
}

/// An observer assigned to a school (and class) of a procedure on a date.
final class ObserverAssignment: Model, @unchecked Sendable {
    static let schema = "observer_assignments"

    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Parent(key: "observer_id") var observer: Observer
    @Parent(key: "procedure_id") var procedure: Procedure
    @Parent(key: "school_id") var school: School
    @Field(key: "class_name") var className: String
    @Field(key: "date") var date: String
    @Field(key: "created_by") var createdBy: String
    @Field(key: "region_id") var regionID: UUID
    @Field(key: "municipality_id") var municipalityID: UUID

    init() {}
}

/// The observer's act: locked once submitted.
final class ObservationAct: Model, @unchecked Sendable {
    static let schema = "observation_acts"

    @ID(key: .id) var id: UUID?
    @Parent(key: "assignment_id") var assignment: ObserverAssignment
    /// Newline-separated items of `ObservationChecklist`.
    @Field(key: "stages") var stages: String
    @Field(key: "violations") var violations: String
    @Field(key: "no_violations") var noViolations: Bool
    @Field(key: "notes") var notes: String
    @OptionalField(key: "submitted_at") var submittedAt: Date?
    @OptionalField(key: "submitted_by") var submittedBy: String?

    init() {}
}

/// A photo or file attached to an act.
final class ActFile: Model, @unchecked Sendable {
    static let schema = "act_files"

    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Parent(key: "act_id") var act: ObservationAct
    @Field(key: "file_name") var fileName: String
    @Field(key: "content_type") var contentType: String
    @Field(key: "size") var size: Int
    @Field(key: "sha256") var sha256: String
    @Field(key: "data") var data: Data

    init() {}
}
