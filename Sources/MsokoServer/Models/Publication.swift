import Fluent
import Foundation

/// A document the district or a school publishes on its public pages (4.1): an order, a local
/// act, a справка. What is published is the file uploaded here — for an order that names
/// observers or commission members, the version without names. Unpublished until a specialist
/// (or the school's head, for the school's own) switches «публиковать» on, confirming that the
/// file holds no personal data.
final class PublicDocument: Model, UploadedFile, @unchecked Sendable {
    static let schema = "public_documents"

    enum Kind: String, CaseIterable, Sendable {
        case order, localAct = "local_act", report, other
        var title: String {
            switch self {
            case .order: "Приказ"
            case .localAct: "Локальный акт"
            case .report: "Справка, аналитический отчёт"
            case .other: "Иной документ"
            }
        }
        var plural: String {
            switch self {
            case .order: "Приказы"
            case .localAct: "Локальные акты"
            case .report: "Справки и аналитические отчёты"
            case .other: "Иные документы"
            }
        }
    }

    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Field(key: "region_id") var regionID: UUID
    @Field(key: "municipality_id") var municipalityID: UUID
    /// The school that publishes it; nil for the district's own.
    @OptionalParent(key: "school_id") var school: School?
    @Field(key: "kind") var kind: String
    @Field(key: "title") var title: String
    /// The document's number («45-о»), empty if none.
    @Field(key: "number") var number: String
    /// «YYYY-MM-DD», the document's date.
    @OptionalField(key: "doc_date") var docDate: String?
    @Field(key: "file_name") var fileName: String
    @Field(key: "content_type") var contentType: String
    @Field(key: "size") var size: Int
    @Field(key: "sha256") var sha256: String
    @Field(key: "data") var data: Data
    @Field(key: "uploaded_by") var uploadedBy: String
    @Field(key: "published") var published: Bool
    @OptionalField(key: "published_at") var publishedAt: Date?
    /// Who confirmed, when publishing, that the file holds no personal data.
    @OptionalField(key: "published_by") var publishedBy: String?

    init() {}

    /// A document of the district (`school` nil) or a school, from a checked upload; published at
    /// `publishedAt` by `login` (who confirmed it holds no personal data), or not yet when nil.
    convenience init(municipalityID: UUID, regionID: UUID, school: UUID?, kind: Kind, title: String, number: String, date: String?,
                     file: (name: String, type: String, data: Data), by login: String, publishedAt: Date?) {
        self.init()
        self.municipalityID = municipalityID
        self.regionID = regionID
        self.$school.id = school
        self.kind = kind.rawValue
        self.title = title
        self.number = number
        self.docDate = date
        keep(file, by: login)
        published = publishedAt != nil
        self.publishedAt = publishedAt
        publishedBy = publishedAt == nil ? nil : login
    }

    var documentKind: Kind { Kind(rawValue: kind) ?? .other }
}

/// A short post by the district or a school on the public pages and in the Atom feed.
final class NewsPost: Model, @unchecked Sendable {
    static let schema = "news_posts"

    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?
    @Field(key: "region_id") var regionID: UUID
    @Field(key: "municipality_id") var municipalityID: UUID
    @OptionalParent(key: "school_id") var school: School?
    @Field(key: "title") var title: String
    /// Plain text; paragraphs separated by empty lines.
    @Field(key: "body") var body: String
    @Field(key: "published_at") var publishedAt: Date
    @Field(key: "created_by") var createdBy: String

    init() {}
}

/// A school's public settings: the sites allowed to frame its block (one origin a line) and
/// whether the district shows the school's own results on its public page.
final class SchoolPublicSettings: Model, @unchecked Sendable {
    static let schema = "school_public_settings"

    @ID(key: .id) var id: UUID?
    @Parent(key: "school_id") var school: School
    @Field(key: "site_origins") var siteOrigins: String
    @Field(key: "show_results") var showResults: Bool
    @Field(key: "updated_by") var updatedBy: String
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}

    var origins: [String] { siteOrigins.split(separator: "\n").map(String.init) }
}
