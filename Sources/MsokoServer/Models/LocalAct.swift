import Fluent
import Foundation
import MsokoCore

/// One version of a school's local act (measure 1.6): the file as uploaded, what changed, the
/// normative acts it cites, the district's reviews, then the adoption chain (педсовет, the
/// councils' opinion, the order) and its publication on the school's site.
final class LocalActVersion: Model, @unchecked Sendable {
    static let schema = "local_act_versions"

    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Parent(key: "school_id") var school: School
    /// `LocalActType.key`
    @Field(key: "act") var act: String
    /// 1, 2, … per school and act.
    @Field(key: "number") var number: Int
    @Field(key: "file_name") var fileName: String
    @Field(key: "content_type") var contentType: String
    @Field(key: "size") var size: Int
    @Field(key: "sha256") var sha256: String
    @Field(key: "data") var data: Data
    @Field(key: "changes") var changes: String
    /// `[Citation]` as JSON.
    @Field(key: "citations") var citationsJSON: String
    /// `LocalActVersion.State`
    @Field(key: "state") var state: String
    /// «YYYY-MM-DD»
    @OptionalField(key: "pedsovet_date") var pedsovetDate: String?
    @OptionalField(key: "pedsovet_protocol") var pedsovetProtocol: String?
    @OptionalField(key: "council_date") var councilDate: String?
    @OptionalField(key: "order_number") var orderNumber: String?
    @OptionalField(key: "order_date") var orderDate: String?
    @OptionalField(key: "published_on") var publishedOn: String?
    @OptionalField(key: "published_url") var publishedURL: String?
    @Field(key: "created_by") var createdBy: String
    @Field(key: "region_id") var regionID: UUID
    @Field(key: "municipality_id") var municipalityID: UUID
    @Children(for: \.$version) var reviews: [LocalActReview]

    init() {}

    enum State: String, CaseIterable {
        /// Sent to the district, not reviewed yet.
        case review
        /// Reviewed with remarks the school has to answer.
        case returned
        /// The school answered the remarks.
        case answered
        /// Reviewed without remarks.
        case agreed
        /// Put into force by the school's order.
        case adopted

        var title: String {
            switch self {
            case .review: return "на согласовании в Управлении образования"
            case .returned: return "возвращён с замечаниями"
            case .answered: return "замечания учтены, ответ дан"
            case .agreed: return "согласован"
            case .adopted: return "принят"
            }
        }
    }

    var versionState: State { State(rawValue: state) ?? .review }

    var citations: [Citation] {
        get { (try? JSONDecoder().decode([Citation].self, from: Data(citationsJSON.utf8))) ?? [] }
        set { citationsJSON = String(decoding: (try? JSONEncoder().encode(newValue)) ?? Data("[]".utf8), as: UTF8.self) }
    }

    var facts: LocalActs.VersionFacts {
        LocalActs.VersionFacts(number: number, adoptedOn: versionState == .adopted ? orderDate.flatMap(LocalDate.init(iso:)) : nil, published: publishedOn != nil)
    }
}

/// The district's review of a version: the checklist's items with a verdict and a remark each, an
/// overall remark, the decision; and the school's answer.
final class LocalActReview: Model, @unchecked Sendable {
    static let schema = "local_act_reviews"

    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Parent(key: "version_id") var version: LocalActVersion
    @Field(key: "reviewer") var reviewer: String
    @Field(key: "reviewer_name") var reviewerName: String
    /// `[ChecklistAnswer]` as JSON.
    @Field(key: "answers") var answersJSON: String
    @Field(key: "comment") var comment: String
    /// «agreed» or «returned».
    @Field(key: "decision") var decision: String
    @OptionalField(key: "answer") var answer: String?
    @OptionalField(key: "answered_by") var answeredBy: String?
    @OptionalField(key: "answered_at") var answeredAt: Date?

    init() {}

    struct ChecklistAnswer: Codable, Equatable {
        var item: String
        /// «yes», «no», «na»
        var verdict: String
        var comment: String
    }

    var answers: [ChecklistAnswer] {
        get { (try? JSONDecoder().decode([ChecklistAnswer].self, from: Data(answersJSON.utf8))) ?? [] }
        set { answersJSON = String(decoding: (try? JSONEncoder().encode(newValue)) ?? Data("[]".utf8), as: UTF8.self) }
    }
}

extension LocalActVersion: StoredFile {}
