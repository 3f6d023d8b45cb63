import Fluent
import Foundation

/// A parent's access code to one participant's result sheet (issue 14 §3): 12 characters without
/// look-alikes (`AccessCode`), valid until `expiresOn` unless revoked; reissuing revokes the old
/// code and makes a new row. The code is kept as issued so that a batch can be printed again.
/// No name: the row knows the participant code only.
final class SheetCode: Model, @unchecked Sendable {
    static let schema = "sheet_codes"

    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Field(key: "code") var code: String
    @Parent(key: "procedure_id") var procedure: Procedure
    @Parent(key: "school_id") var school: School
    @Field(key: "class_name") var className: String
    @Field(key: "student_code") var studentCode: String
    /// The last day the code opens the sheet, «YYYY-MM-DD» in the district's time zone.
    @Field(key: "expires_on") var expiresOn: String
    @OptionalField(key: "revoked_at") var revokedAt: Date?
    @Field(key: "created_by") var createdBy: String
    /// Openings by the code; the first and the last.
    @Field(key: "openings") var openings: Int
    @OptionalField(key: "first_opened_at") var firstOpenedAt: Date?
    @OptionalField(key: "last_opened_at") var lastOpenedAt: Date?
    @Field(key: "region_id") var regionID: UUID
    @Field(key: "municipality_id") var municipalityID: UUID

    init() {}

    /// Opens the sheet on `today` («YYYY-MM-DD»).
    func isValid(today: String) -> Bool { revokedAt == nil && expiresOn >= today }
}

/// A record that a class and its parents were told their results (measure 2.2): the date, how,
/// a note, the file (a meeting's protocol, a signed list), kept whole.
final class SheetInforming: Model, @unchecked Sendable {
    static let schema = "sheet_informings"

    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Parent(key: "procedure_id") var procedure: Procedure
    @Parent(key: "school_id") var school: School
    @Field(key: "class_name") var className: String
    /// «YYYY-MM-DD»
    @Field(key: "date") var date: String
    /// `SheetInforming.kinds`
    @Field(key: "kind") var kind: String
    @Field(key: "note") var note: String
    @OptionalField(key: "file_name") var fileName: String?
    @OptionalField(key: "content_type") var contentType: String?
    @OptionalField(key: "size") var size: Int?
    @OptionalField(key: "sha256") var sha256: String?
    @OptionalField(key: "data") var data: Data?
    @Field(key: "created_by") var createdBy: String
    /// When it was attached to measure 2.2's report (nil: not yet).
    @OptionalField(key: "attached_at") var attachedAt: Date?
    @Field(key: "region_id") var regionID: UUID
    @Field(key: "municipality_id") var municipalityID: UUID

    init() {}

    static let kinds = [
        ("meeting", "родительское собрание"),
        ("class-hour", "классный час"),
        ("individual", "индивидуальные беседы"),
        ("sheets", "листы результатов выданы"),
    ]

    var kindTitle: String { Self.kinds.first { $0.0 == kind }?.1 ?? kind }
}

extension SheetCode: ClassRecord {
    var procedureID: UUID { $procedure.id }
    var schoolID: UUID { $school.id }
}

extension SheetInforming: ClassRecord {
    var procedureID: UUID { $procedure.id }
    var schoolID: UUID { $school.id }
}
