import Fluent
import Foundation
import MsokoCore

/// A person on the staff of a school or of the department (issue 16 §3): teachers, deputies,
/// heads, the department's specialists. Names are of employees, kept for the department's own
/// records of courses; ВПР results are never joined to a person.
final class StaffMember: Model, @unchecked Sendable {
    static let schema = "staff_members"

    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?
    @Field(key: "region_id") var regionID: UUID
    @Field(key: "municipality_id") var municipalityID: UUID
    /// The school; nil for the department's own staff.
    @OptionalParent(key: "school_id") var school: School?
    @Field(key: "name") var name: String
    @Field(key: "position") var position: String
    /// Subjects taught, «; »-separated as stored (`subjectList` splits them).
    @Field(key: "subjects") var subjects: String
    /// The person's msoko account, where they have one.
    @OptionalField(key: "user_id") var userID: UUID?
    @Field(key: "created_by") var createdBy: String

    init() {}

    var subjectList: [String] { StaffListReader.subjects(subjects) }
    var category: StaffCategory { StaffCategory.of(position: position, inDepartment: $school.id == nil) }
}

/// A course of further professional education (or a seminar counted as such) a person finished.
final class CourseRecord: Model, @unchecked Sendable {
    static let schema = "course_records"

    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Parent(key: "staff_id") var staff: StaffMember
    @Field(key: "title") var title: String
    @Field(key: "provider") var provider: String
    /// `ProviderKind` raw value.
    @Field(key: "provider_kind") var providerKind: String
    @Field(key: "hours") var hours: Int
    /// «YYYY-MM-DD».
    @Field(key: "start_date") var startDate: String
    @Field(key: "end_date") var endDate: String
    @Field(key: "certificate_number") var certificateNumber: String
    /// `CourseDirection` raw value.
    @Field(key: "direction") var direction: String
    @Field(key: "created_by") var createdBy: String

    init() {}

    var end: LocalDate { LocalDate(iso: endDate) ?? LocalDate(year: 2000, month: 1, day: 1) }
    var start: LocalDate { LocalDate(iso: startDate) ?? end }
    var courseDirection: CourseDirection { CourseDirection(rawValue: direction) ?? .other }
    var kind: ProviderKind { ProviderKind(rawValue: providerKind) ?? .other }
}

/// A course's certificate (удостоверение) as uploaded, kept whole.
final class CourseFile: Model, StoredFile, @unchecked Sendable {
    static let schema = "course_files"

    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Parent(key: "course_id") var course: CourseRecord
    @Field(key: "file_name") var fileName: String
    @Field(key: "content_type") var contentType: String
    @Field(key: "size") var size: Int
    @Field(key: "sha256") var sha256: String
    @Field(key: "data") var data: Data
    @Field(key: "uploaded_by") var uploadedBy: String

    init() {}
}

/// A staff list as uploaded, kept whether or not it was accepted (every uploaded file is kept),
/// with what came of it.
final class StaffImport: Model, StoredFile, @unchecked Sendable {
    static let schema = "staff_imports"

    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Field(key: "region_id") var regionID: UUID
    @Field(key: "municipality_id") var municipalityID: UUID
    /// The school of a head's upload; nil for the district's.
    @OptionalField(key: "school_id") var schoolID: UUID?
    @Field(key: "file_name") var fileName: String
    @Field(key: "size") var size: Int
    @Field(key: "sha256") var sha256: String
    @Field(key: "data") var data: Data
    @Field(key: "uploaded_by") var uploadedBy: String
    /// «принят: добавлено 3, обновлено 5» or the first problems.
    @Field(key: "outcome") var outcome: String
    @Field(key: "accepted") var accepted: Bool

    init() {}
}

/// An individual development plan («индивидуальный образовательный маршрут педагога», ИОМ) a head
/// records for a teacher of their school from the teacher's own diagnostic — never from ВПР results.
/// Kept to the school: its head and the teacher (through their account) read it; the district does not.
final class DevelopmentPlan: Model, @unchecked Sendable {
    static let schema = "development_plans"

    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?
    @Parent(key: "staff_id") var staff: StaffMember
    @Parent(key: "school_id") var school: School
    @Field(key: "school_year") var schoolYear: String
    /// What the teacher's own diagnostic showed (a self-assessment, a test of professional deficits).
    @Field(key: "diagnostic") var diagnostic: String
    @Field(key: "goals") var goals: String
    /// Activities, one a line: what, in which form, by when.
    @Field(key: "activities") var activities: String
    /// `CourseDirection` raw value.
    @Field(key: "direction") var direction: String
    /// `active` or `done`.
    @Field(key: "state") var state: String
    @Field(key: "result") var result: String
    @Field(key: "created_by") var createdBy: String

    init() {}

    var courseDirection: CourseDirection { CourseDirection(rawValue: direction) ?? .deficits }
    var isDone: Bool { state == "done" }
}
