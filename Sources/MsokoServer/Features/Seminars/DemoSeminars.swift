import Fluent
import MsokoCore
import Vapor

/// The demo district's re-checks and seminar (issue 16 §2): the commission re-scored 40 works of the
/// spring ВПР in mathematics, grade 4, in 2025 and again in 2026; in 2025 the schools scored the two
/// multi-point tasks of level П higher than the commission in about two works of five, in 2026 in
/// about one of eight. Between them, in the autumn, the РМО held a seminar planned from the 2025
/// errors, with attendance and feedback — so its page shows a computed before and after. These are
/// demonstration scores, made up here like the rest of the demo district; the effect is computed.
enum DemoSeminars {
    static func load(municipality m: Municipality, now: Date, on db: Database) async throws {
        let mid = try m.requireID()
        guard let commission = try await User.query(on: db).filter(\.$municipality.$id == mid).filter(\.$role == .commission).first(),
              let specialist = try await User.query(on: db).filter(\.$municipality.$id == mid).filter(\.$login == "specialist").first() else { return }
        let procedures = try await Procedure.query(on: db).filter(\.$municipalityID == mid).filter(\.$subject == "Математика").filter(\.$grade == 4).sort(\.$year).all()
        guard let before = procedures.first(where: { $0.year == 2025 }), let after = procedures.first(where: { $0.year == 2026 }) else { return }
        let spec = try ProcedureStore.spec(of: before)
        // The multi-point tasks of level П: where the district's schools are lenient.
        let lenient = spec.tasks.indices.filter { spec.tasks[$0].max >= 2 && spec.tasks[$0].level == .advanced }.prefix(2)
        func sample(_ p: Procedure, every: Int) async throws {
            let works = try await WorkRow.query(on: db).filter(\.$procedure.$id == p.requireID()).filter(\.$municipalityID == mid).sort(\.$code).all()
            let chosen = stride(from: 0, to: works.count, by: max(1, works.count / 40)).prefix(40).map { works[$0] }
            let s = RecheckSample()
            s.$procedure.id = try p.requireID()
            s.size = chosen.count
            s.controlShare = 1
            s.doubleScoring = false
            s.tasks = ""
            s.createdBy = specialist.login
            s.regionID = m.$region.id
            s.municipalityID = mid
            try await s.create(on: db)
            for (n, w) in chosen.enumerated() {
                let item = RecheckItem()
                item.$sample.id = try s.requireID()
                item.$work.id = try w.requireID()
                item.$school.id = w.$school.id
                item.blindCode = String(format: "К-%04d", n + 1)
                item.reason = "control"
                try await item.create(on: db)
                var scores = [UInt8](w.scores)
                for t in lenient where t < scores.count && scores[t] != WorkRecord.notDone && scores[t] > 0 && (n * 7 + t) % every == 0 {
                    scores[t] -= 1
                }
                let scoring = RecheckScoring()
                scoring.$item.id = try item.requireID()
                scoring.$user.id = try commission.requireID()
                scoring.scores = Data(scores)
                scoring.submittedAt = now
                try await scoring.create(on: db)
            }
        }
        try await sample(before, every: 2)
        try await sample(after, every: 8)

        let rmo = try await MethodAssociation.query(on: db).filter(\.$municipalityID == mid).filter(\.$school.$id == nil).first()
        let s = Seminar()
        s.$procedure.id = try before.requireID()
        // In the autumn after the 2025 re-check, before the 2026 procedure it is measured on.
        s.date = "\(before.year)-10-15"
        s.topic = "Типичные ошибки оценивания: ВПР 2025 Математика 4 класс"
        s.participants = "Учителя начальных классов и математики школ района (по одному от школы)\nРуководители ШМО"
        s.invited = 21
        s.attended = 18
        s.createdBy = "demo"
        s.regionID = m.$region.id
        s.municipalityID = mid
        s.tasks = lenient.map { spec.tasks[$0].number }.joined(separator: ", ")
        s.errorTypes = lenient.map { "Задание \(spec.tasks[$0].number): балл за неполное решение засчитан как за полное; не проверено обоснование ответа" }.joined(separator: "\n")
        s.materials = "Раздаточный материал «Типичные ошибки оценивания» по результатам перепроверки; критерии оценивания заданий с развёрнутым ответом."
        s.associationID = rmo?.id
        try await s.create(on: db)
        for (rating, comment) in [(5, "Разобрали критерии на примерах — стало понятно, где мы завышали."), (4, "Полезно, хотелось бы больше практики на работах."),
                                  (5, ""), (4, "Нужен такой же разбор по русскому языку."), (3, "")] {
            let f = SeminarFeedback()
            f.$seminar.id = try s.requireID()
            f.rating = rating
            f.comment = comment
            f.createdBy = "demo"
            try await f.create(on: db)
        }
    }
}
