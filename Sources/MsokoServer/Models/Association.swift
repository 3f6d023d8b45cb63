import Fluent
import Foundation
import MsokoCore

/// A methodical association (roadmap 3.1, issue 16 §1): the district's (РМО, `school` nil) or a
/// school's (ШМО) for a subject, led by a user — a methodist for the district's, a teacher of the
/// school for a school's (the mark gives that teacher the association's pages; no new role).
final class MethodAssociation: Model, @unchecked Sendable {
    static let schema = "method_associations"

    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?
    @Field(key: "region_id") var regionID: UUID
    @Field(key: "municipality_id") var municipalityID: UUID
    @OptionalParent(key: "school_id") var school: School?
    @Field(key: "subject") var subject: String
    /// «РМО учителей математики».
    @Field(key: "name") var name: String
    @OptionalField(key: "leader_id") var leaderID: UUID?
    @Field(key: "created_by") var createdBy: String

    init() {}

    var isDistrict: Bool { $school.id == nil }
    var kindTitle: String { isDistrict ? "районное методическое объединение" : "школьное методическое объединение" }
}

/// A member of an association: a person on the staff list.
final class AssociationMember: Model, @unchecked Sendable {
    static let schema = "association_members"

    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Parent(key: "association_id") var association: MethodAssociation
    @Parent(key: "staff_id") var staff: StaffMember

    init() {}
}

/// A methodical recommendation: a document or a link, with the subject, grades and requirement
/// codes it addresses; issued by an association (at one of its sittings) or added to the library.
final class Recommendation: Model, @unchecked Sendable {
    static let schema = "recommendations"

    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Field(key: "region_id") var regionID: UUID
    @Field(key: "municipality_id") var municipalityID: UUID
    @OptionalParent(key: "association_id") var association: MethodAssociation?
    /// The sitting that issued it (an association's meeting), if any.
    @OptionalField(key: "meeting_id") var meetingID: UUID?
    @Field(key: "title") var title: String
    @Field(key: "description") var description: String
    @Field(key: "subject") var subject: String
    /// «4; 5» as stored; `gradeList` reads them.
    @Field(key: "grades") var grades: String
    /// «1.2; 4.1» as stored; `codeList` reads them.
    @Field(key: "codes") var codes: String
    /// A web address, empty for a document.
    @Field(key: "url") var url: String
    @Field(key: "created_by") var createdBy: String
    @OptionalField(key: "created_by_id") var createdByID: UUID?

    init() {}

    var gradeList: [Int] { RecommendationMatch.grades(grades).grades }
    var codeList: [String] { RecommendationMatch.codes(codes).codes }
}

/// A recommendation's document, kept whole.
final class RecommendationFile: Model, StoredFile, @unchecked Sendable {
    static let schema = "recommendation_files"

    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Parent(key: "recommendation_id") var recommendation: Recommendation
    @Field(key: "file_name") var fileName: String
    @Field(key: "content_type") var contentType: String
    @Field(key: "size") var size: Int
    @Field(key: "sha256") var sha256: String
    @Field(key: "data") var data: Data
    @Field(key: "uploaded_by") var uploadedBy: String

    init() {}
}

/// A recommendation attached to an item of a class's gap plan («чем работать»).
final class GapItemRecommendation: Model, @unchecked Sendable {
    static let schema = "gap_item_recommendations"

    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Parent(key: "item_id") var item: GapPlanItem
    @Parent(key: "recommendation_id") var recommendation: Recommendation
    @Field(key: "attached_by") var attachedBy: String

    init() {}
}
