import Fluent
import Foundation

/// A class's plan to close the gaps one procedure showed («план ликвидации пробелов», measure 2.3),
/// drafted by msoko and edited by the school.
final class GapPlan: Model, @unchecked Sendable {
    static let schema = "gap_plans"

    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?
    @Parent(key: "procedure_id") var procedure: Procedure
    @Parent(key: "school_id") var school: School
    /// «4А», as the results name it.
    @Field(key: "class_name") var className: String
    /// The class's works when the plan was drafted.
    @Field(key: "works") var works: Int
    @Field(key: "created_by") var createdBy: String
    @Field(key: "region_id") var regionID: UUID
    @Field(key: "municipality_id") var municipalityID: UUID
    @Children(for: \.$plan) var items: [GapPlanItem]
    @Children(for: \.$plan) var routes: [GapRoute]
    @Children(for: \.$plan) var rediagnoses: [GapRediagnosis]

    init() {}
}

/// One deficit of a plan: a requirement, its students, the work, who does it, when, and what came of it.
final class GapPlanItem: Model, @unchecked Sendable {
    static let schema = "gap_plan_items"

    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Parent(key: "plan_id") var plan: GapPlan
    @Field(key: "position") var position: Int
    @Field(key: "code") var code: String
    @Field(key: "text") var text: String
    /// Task numbers, «1, 9.1».
    @Field(key: "tasks") var tasks: String
    /// The share of the class not mastering the requirement when drafted.
    @Field(key: "share") var share: Double
    @OptionalField(key: "completion") var completion: Double?
    @Field(key: "systemic") var systemic: Bool
    /// Participant codes, «0101, 0104».
    @Field(key: "students") var students: String
    @Field(key: "form") var form: String
    @OptionalField(key: "hours") var hours: Int?
    @OptionalParent(key: "responsible_id") var responsible: User?
    /// «YYYY-MM-DD»
    @OptionalField(key: "starts") var starts: String?
    @OptionalField(key: "ends") var ends: String?
    @Field(key: "check_method") var checkMethod: String
    @OptionalField(key: "rediagnosis_date") var rediagnosisDate: String?
    /// `ItemStatus` and `GapOutcome` raw values.
    @Field(key: "status") var status: String
    @OptionalField(key: "outcome") var outcome: String?
    /// When the item went into work and was closed, «YYYY-MM-DD».
    @OptionalField(key: "started_on") var startedOn: String?
    @OptionalField(key: "closed_on") var closedOn: String?

    init() {}
}

/// An individual route («индивидуальный образовательный маршрут») of one student of a plan's class.
final class GapRoute: Model, @unchecked Sendable {
    static let schema = "gap_routes"

    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Parent(key: "plan_id") var plan: GapPlan
    @Field(key: "student_code") var studentCode: String
    /// Requirement codes, «4.2, 4.5».
    @Field(key: "requirements") var requirements: String
    @Field(key: "work") var work: String
    @OptionalParent(key: "responsible_id") var responsible: User?
    @OptionalField(key: "starts") var starts: String?
    @OptionalField(key: "ends") var ends: String?
    /// The date the parents gave written consent, and the scan of it (`GapFile`).
    @OptionalField(key: "consent_date") var consentDate: String?
    @OptionalField(key: "consent_file_id") var consentFileID: UUID?
    @Field(key: "status") var status: String
    @OptionalField(key: "outcome") var outcome: String?
    @OptionalField(key: "started_on") var startedOn: String?
    @OptionalField(key: "closed_on") var closedOn: String?

    init() {}
}

/// A school's own re-diagnosis of a plan's class: its tasks (each checks one requirement code) and
/// the students' scores, typed in a grid or uploaded (the file kept as a `GapFile`).
final class GapRediagnosis: Model, @unchecked Sendable {
    static let schema = "gap_rediagnoses"

    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?
    @Parent(key: "plan_id") var plan: GapPlan
    /// «YYYY-MM-DD»
    @Field(key: "date") var date: String
    /// `tasks` (the school's own tasks) or `requirements` (освоено / не освоено per requirement).
    @Field(key: "mode") var mode: String
    /// JSON: `[Rediagnosis.Task]` and `[Rediagnosis.Row]`.
    @Field(key: "tasks") var tasks: String
    @Field(key: "rows") var rows: String
    @Field(key: "created_by") var createdBy: String

    init() {}
}

/// A file of the gaps work kept whole: a parents' consent scan, an uploaded re-diagnosis sheet.
final class GapFile: Model, @unchecked Sendable {
    static let schema = "gap_files"

    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Parent(key: "plan_id") var plan: GapPlan
    /// `consent` or `rediagnosis`.
    @Field(key: "kind") var kind: String
    @Field(key: "file_name") var fileName: String
    @Field(key: "content_type") var contentType: String
    @Field(key: "size") var size: Int
    @Field(key: "sha256") var sha256: String
    @Field(key: "data") var data: Data
    @Field(key: "uploaded_by") var uploadedBy: String

    init() {}
}
