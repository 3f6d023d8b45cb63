import Fluent
import SQLKit

/// One re-check sample per procedure and municipality, enforced by the database: six concurrent
/// «Сформировать выборку» made six samples. Data change: where duplicates already exist, the
/// earliest sample is kept and the later ones are deleted (their items and scorings with them,
/// by cascade) — the page only ever showed the first.
struct M010OneRecheckSamplePerProcedure: AsyncMigration {
    func prepare(on db: Database) async throws {
        let samples = try await RecheckSample.query(on: db).sort(\.$createdAt).all()
        var seen = Set<String>()
        for s in samples {
            let key = "\(s.$procedure.id)|\(s.municipalityID)"
            if !seen.insert(key).inserted {
                let items = try await RecheckItem.query(on: db).filter(\.$sample.$id == s.requireID()).all()
                try await RecheckScoring.query(on: db).filter(\.$item.$id ~~ items.compactMap(\.id)).delete()
                try await RecheckItem.query(on: db).filter(\.$sample.$id == s.requireID()).delete()
                try await s.delete(on: db)
            }
        }
        guard let sql = db as? SQLDatabase else { return }
        try await sql.create(index: "recheck_samples_procedure_municipality").unique().on("recheck_samples").column("procedure_id").column("municipality_id").run()
    }

    func revert(on db: Database) async throws {
        guard let sql = db as? SQLDatabase else { return }
        try await sql.drop(index: "recheck_samples_procedure_municipality").run()
    }
}
