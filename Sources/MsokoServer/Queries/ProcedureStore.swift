import Fluent
import MsokoCore
import Vapor

/// Creating procedures from their specifications.
enum ProcedureStore {
    /// The specification's type must be on the district's list of procedure types (spelled as the
    /// list spells it); otherwise a `SpecError` naming the list.
    static func create(_ spec: ProcedureSpec, regionID: UUID, municipalityID: UUID?, actor: String?, file: String = "", on db: Database) async throws -> Procedure {
        let types = try await Settings.procedureTypes(municipalityID: municipalityID, on: db)
        guard let type = ProcedureTypes.match(spec.type, in: types) else {
            throw SpecError(file: file, problems: ["поле «type»: вида процедуры «\(spec.type)» нет в списке района (\(types.joined(separator: ", "))); добавьте его в настройках района"])
        }
        let p = Procedure()
        p.type = type
        p.year = spec.year
        // A spring procedure of 2026 belongs to the school year 2025-2026; an autumn one to 2026-2027.
        p.schoolYear = "\(spec.year - 1)-\(spec.year)"
        p.subject = spec.subject
        p.grade = spec.grade
        p.form = spec.form
        p.spec = try Audit.json(spec)
        p.createdBy = actor
        p.regionID = regionID
        p.municipalityID = municipalityID
        try await db.transaction { db in
            try await p.create(on: db)
            try await Audit.record(on: db, actor: actor, action: "create", entity: "procedure", id: p.id?.uuidString,
                                   summary: "Создана процедура \(spec.type) \(spec.year) \(spec.subject) \(spec.grade) класс",
                                   municipalityID: municipalityID, regionID: regionID)
        }
        return p
    }

    static func spec(of p: Procedure) throws -> ProcedureSpec {
        try JSONDecoder().decode(ProcedureSpec.self, from: Data(p.spec.utf8))
    }

    static func title(_ p: Procedure) -> String {
        "\(p.type) \(p.year) · \(p.subject) · \(p.grade) класс"
    }

    /// The form of the procedure in words: «на бумаге», «компьютерная», or «—».
    static func formName(_ form: String?) -> String {
        switch form {
        case "paper": return "на бумаге"
        case "computer": return "компьютерная"
        default: return "—"
        }
    }
}
