import Fluent
import MsokoCore
import Vapor

/// The district's library of methodical recommendations as the gaps pages and the plans read it:
/// what answers a requirement of a subject and grade, and what is attached to a plan's items.
enum RecommendationQuery {
    /// The district's recommendations, newest first.
    static func library(municipalityID: UUID, on db: Database) async throws -> [Recommendation] {
        try await Recommendation.query(on: db).filter(\.$municipalityID == municipalityID).with(\.$association).sort(\.$createdAt, .descending).all()
    }

    /// Those answering `code` of `subject` in `grade`, best first (the code itself, a broader code,
    /// the subject and grade in general), then by title.
    static func matching(_ library: [Recommendation], subject: String, grade: Int, code: String) -> [(rec: Recommendation, score: Int)] {
        library.compactMap { r in
            RecommendationMatch.score(subject: r.subject, grades: r.gradeList, codes: r.codeList, gapSubject: subject, grade: grade, code: code).map { (r, $0) }
        }.sorted { ($1.score, $0.rec.title) < ($0.score, $1.rec.title) }
    }

    /// The recommendations attached to each of `itemIDs`, in the order attached.
    static func attached(itemIDs: [UUID], on db: Database) async throws -> [UUID: [(link: GapItemRecommendation, rec: Recommendation)]] {
        guard !itemIDs.isEmpty else { return [:] }
        let links = try await GapItemRecommendation.query(on: db).filter(\.$item.$id ~~ itemIDs).with(\.$recommendation).sort(\.$createdAt).all()
        return Dictionary(grouping: links.map { (link: $0, rec: $0.recommendation) }, by: { $0.link.$item.id })
    }

    /// «Что почитать»: the library filtered to a requirement, for a link from a gap.
    static func url(subject: String, grade: Int, code: String) -> SiteURL {
        Site.recommendations.url.query(["subject": subject, "grade": String(grade), "code": code])
    }
}
