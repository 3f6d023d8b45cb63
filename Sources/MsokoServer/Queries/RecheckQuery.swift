import Fluent
import MsokoCore
import Vapor

/// The commission's re-check as other features read it: the analysis (differences per school),
/// the seminars' handout of typical grading errors.
extension RecheckSample {
    /// The district's latest sample for a procedure, if one was drawn.
    static func latest(of p: Procedure, municipalityID: UUID, on db: Database) async throws -> RecheckSample? {
        try await RecheckSample.query(on: db).filter(\.$procedure.$id == p.requireID()).filter(\.$municipalityID == municipalityID)
            .sort(\.$createdAt, .descending).first()
    }

    /// Indexes of the tasks the sample re-scores (all when none were chosen).
    func rescoredTasks(_ spec: ProcedureSpec) -> [Int] {
        let chosen = Set(tasks.split(separator: ",").map { TaskNumber.normalize(String($0)) })
        return spec.tasks.indices.filter { chosen.isEmpty || chosen.contains(spec.tasks[$0].number) }
    }

    /// Re-scored works, with the school's scores and the commission's.
    func pairs(spec: ProcedureSpec, on db: Database) async throws -> [Recheck.Pair] {
        try await rescoredWorks(spec: spec, on: db).map(\.pair)
    }

    /// Re-scored works by blind code, in code order, with the school's scores and the commission's.
    func rescoredWorks(spec: ProcedureSpec, on db: Database) async throws -> [(code: String, pair: Recheck.Pair)] {
        let items = try await RecheckItem.query(on: db).filter(\.$sample.$id == requireID()).with(\.$work).with(\.$school).all()
        let scorings = try await RecheckScoring.query(on: db).filter(\.$item.$id ~~ items.compactMap(\.id)).all().filter { $0.submittedAt != nil }
        let rescored = Set(rescoredTasks(spec))
        let byItem = Dictionary(grouping: scorings, by: { $0.$item.id })
        return items.compactMap { item in
            let done = (byItem[item.id!] ?? []).compactMap { $0.scores.map { [UInt8]($0) } }
            guard let first = done.first else { return nil }
            let school = [UInt8](item.work.scores)
            // Tasks the sample does not re-score keep the school's score (no difference counted);
            // two re-scorers: the mean per task, rounded down.
            let commission = first.indices.map { t -> UInt8 in
                guard rescored.contains(t) else { return school[t] }
                return done.count == 1 ? first[t] : UInt8(done.reduce(0) { $0 + WorkRecord.points($1[t]) } / done.count)
            }
            return (item.blindCode, Recheck.Pair(school: item.school.login, schoolScores: school, commissionScores: commission))
        }.sorted { $0.code < $1.code }
    }
}
