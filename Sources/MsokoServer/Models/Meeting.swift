import Fluent
import Foundation
import MsokoCore

/// A meeting (issue 15 §1): a heads' meeting, an interview with a school's head, an association's
/// sitting, a school's pedagogical council, a commission's sitting or another kind the district names.
final class Meeting: Model, @unchecked Sendable {
    static let schema = "meetings"

    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?
    @Field(key: "region_id") var regionID: UUID
    @Field(key: "municipality_id") var municipalityID: UUID
    /// `MeetingKind` raw value.
    @Field(key: "kind") var kind: String
    /// The district's own name of an «other» kind («Августовская конференция»); empty otherwise.
    @Field(key: "kind_name") var kindName: String
    @Field(key: "title") var title: String
    /// The protocol's number, as the district numbers it («3», «12-с»); empty until given.
    @Field(key: "number") var number: String
    /// «YYYY-MM-DD» and «HH:MM» (empty when not set).
    @Field(key: "date") var date: String
    @Field(key: "time") var time: String
    @Field(key: "place") var place: String
    /// The school an interview is with, or whose pedagogical council or ШМО this is.
    @OptionalParent(key: "school_id") var school: School?
    @OptionalField(key: "chair_id") var chairID: UUID?
    @Field(key: "chair_name") var chairName: String
    @Field(key: "chair_post") var chairPost: String
    @OptionalField(key: "secretary_id") var secretaryID: UUID?
    @Field(key: "secretary_name") var secretaryName: String
    @Field(key: "secretary_post") var secretaryPost: String
    @Field(key: "created_by") var createdBy: String
    /// The account that created it (a methodist sees the association sittings they run).
    @OptionalField(key: "created_by_id") var createdByID: UUID?
    /// The methodical association whose sitting this is (issue 16 §1).
    @OptionalField(key: "association_id") var associationID: UUID?

    init() {}

    var meetingKind: MeetingKind { MeetingKind(rawValue: kind) ?? .other }
    var localDate: LocalDate { LocalDate(iso: date) ?? LocalDate(year: 2000, month: 1, day: 1) }
    /// «Совещание руководителей ОО», or the district's own name of an «other» kind.
    var kindTitle: String { meetingKind == .other && !kindName.isEmpty ? kindName : meetingKind.title }
}

/// Who took part: an msoko user (then the name is theirs when added) or a name typed in.
final class MeetingParticipant: Model, @unchecked Sendable {
    static let schema = "meeting_participants"

    @ID(key: .id) var id: UUID?
    @Parent(key: "meeting_id") var meeting: Meeting
    @OptionalField(key: "user_id") var userID: UUID?
    @Field(key: "name") var name: String
    @Field(key: "post") var post: String
    /// The participant's school (a head's), so that a head's copy can leave other schools out.
    @OptionalField(key: "school_id") var schoolID: UUID?
    @Field(key: "position") var position: Int

    init() {}
}

/// An agenda item with its minutes («слушали», «выступили», «решили») and the record it is about.
final class MeetingItem: Model, @unchecked Sendable {
    static let schema = "meeting_items"

    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Parent(key: "meeting_id") var meeting: Meeting
    @Field(key: "position") var position: Int
    @Field(key: "title") var title: String
    /// The one school the item is about (shown to that school's head only); nil for the district.
    @OptionalField(key: "school_id") var schoolID: UUID?
    /// `RecordLink.Kind` raw value, with the procedure or record it points at.
    @OptionalField(key: "link_kind") var linkKind: String?
    @OptionalField(key: "link_procedure_id") var linkProcedureID: UUID?
    @OptionalField(key: "link_record_id") var linkRecordID: UUID?
    @Field(key: "heard") var heard: String
    @Field(key: "spoke") var spoke: String
    @Field(key: "decided") var decided: String

    init() {}
}

/// A decision («управленческое решение») with its owner, deadline and the owner's report.
final class Decision: Model, @unchecked Sendable {
    static let schema = "decisions"

    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?
    @Field(key: "region_id") var regionID: UUID
    @Field(key: "municipality_id") var municipalityID: UUID
    /// The meeting and item it was taken at; nil for a decision recorded outside a meeting.
    @OptionalParent(key: "meeting_id") var meeting: Meeting?
    @OptionalField(key: "item_id") var itemID: UUID?
    @Field(key: "text") var text: String
    /// `user`, `school` or `department`.
    @Field(key: "owner_kind") var ownerKind: String
    @OptionalField(key: "owner_user_id") var ownerUserID: UUID?
    /// The owner school, or the school of the owning user: who may see it and whose loop it is.
    @OptionalParent(key: "school_id") var school: School?
    /// «YYYY-MM-DD», nil when none was set.
    @OptionalField(key: "deadline") var deadline: String?
    @Field(key: "report_form") var reportForm: String
    /// `DecisionState` raw value; «просрочено» is computed.
    @Field(key: "state") var state: String
    @Field(key: "report") var report: String
    @OptionalField(key: "reported_on") var reportedOn: String?
    @OptionalField(key: "reported_by") var reportedBy: String?
    /// The record it concerns (copied from its item, or chosen), as `MeetingItem`'s link.
    @OptionalField(key: "link_kind") var linkKind: String?
    @OptionalField(key: "link_procedure_id") var linkProcedureID: UUID?
    @OptionalField(key: "link_record_id") var linkRecordID: UUID?
    @Field(key: "created_by") var createdBy: String

    init() {}

    var decisionState: DecisionState { DecisionState(rawValue: state) ?? .assigned }
    var deadlineDate: LocalDate? { deadline.flatMap(LocalDate.init(iso:)) }
    func status(today: LocalDate) -> DecisionStatus { DecisionStatus(decisionState, deadline: deadlineDate, today: today) }
}

/// A file of an owner's report on a decision, kept whole (filled by `StoredFile.keep`).
final class DecisionFile: Model, StoredFile, @unchecked Sendable {
    static let schema = "decision_files"

    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Parent(key: "decision_id") var decision: Decision
    @Field(key: "file_name") var fileName: String
    @Field(key: "content_type") var contentType: String
    @Field(key: "size") var size: Int
    @Field(key: "sha256") var sha256: String
    @Field(key: "data") var data: Data
    @Field(key: "uploaded_by") var uploadedBy: String

    init() {}
}

/// A user's personal iCalendar feed (issue 15 §5): a secret URL, only its SHA-256 stored;
/// revoked by the user (or when a new one is made).
final class CalendarFeed: Model, @unchecked Sendable {
    static let schema = "calendar_feeds"

    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Parent(key: "user_id") var user: User
    @Field(key: "token_hash") var tokenHash: String
    @OptionalField(key: "revoked_at") var revokedAt: Date?
    @OptionalField(key: "last_read_at") var lastReadAt: Date?

    init() {}
}
