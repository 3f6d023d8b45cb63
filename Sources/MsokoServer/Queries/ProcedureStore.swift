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
        try apply(spec, type: type, to: p)
        p.createdBy = actor
        p.regionID = regionID
        p.municipalityID = municipalityID
        try await db.writeTransaction { db in
            try await p.create(on: db)
            try await Audit.record(on: db, actor: actor, action: "create", entity: "procedure", id: p.id?.uuidString,
                                   summary: "Создана процедура \(spec.type) \(spec.year) \(spec.subject) \(spec.grade) класс",
                                   municipalityID: municipalityID, regionID: regionID)
        }
        return p
    }

    /// The procedure's columns from its specification, the type spelled as the district's list spells it.
    static func apply(_ spec: ProcedureSpec, type: String, to p: Procedure) throws {
        var stored = spec
        stored.type = type
        p.type = type
        p.year = spec.year
        // A spring procedure of 2026 belongs to the school year 2025-2026; an autumn one to 2026-2027.
        p.schoolYear = "\(spec.year - 1)-\(spec.year)"
        p.subject = spec.subject
        p.grade = spec.grade
        p.form = spec.form
        p.spec = try Audit.json(stored)
    }

    /// Replaces a procedure's specification (the form or a corrected JSON); audited with the
    /// fields before and after.
    static func update(_ p: Procedure, to spec: ProcedureSpec, actor: String?, on db: Database) async throws {
        let types = try await Settings.procedureTypes(municipalityID: p.municipalityID, on: db)
        guard let type = ProcedureTypes.match(spec.type, in: types) ?? (spec.type == p.type ? p.type : nil) else {
            throw SpecError(file: "форма", problems: ["«Вид процедуры»: «\(spec.type)» нет в списке района (\(types.joined(separator: ", ")))"])
        }
        let before = try JSONDecoder().decode(ProcedureSpec.self, from: Data(p.spec.utf8))
        try apply(spec, type: type, to: p)
        let (was, now) = (SpecSummary(before), SpecSummary(try ProcedureStore.spec(of: p)))
        try await db.writeTransaction { db in
            try await p.save(on: db)
            try await Audit.record(on: db, actor: actor, action: "update", entity: "procedure", id: p.id?.uuidString,
                                   summary: "Изменена спецификация \(title(p))", before: was, after: now,
                                   municipalityID: p.municipalityID, regionID: p.regionID)
        }
    }

    /// Why a new specification cannot replace the old one once results are loaded (the works were
    /// checked against the tasks, maxima and scale); nil when only what may change has changed.
    static func fixedByResults(old: ProcedureSpec, new: ProcedureSpec) -> String? {
        if old.tasks.map(\.number) != new.tasks.map(\.number) || old.tasks.map(\.max) != new.tasks.map(\.max) {
            return "Результаты уже загружены: номера заданий и максимальные баллы не меняются (работы проверены по ним). Чтобы изменить задания, создайте новую процедуру."
        }
        if old.scale != new.scale { return "Результаты уже загружены: шкала перевода не меняется (отметки работ выставлены по ней)." }
        if old.type != new.type || old.year != new.year || old.subject != new.subject || old.grade != new.grade {
            return "Результаты уже загружены: вид, год, предмет и класс процедуры не меняются."
        }
        return nil
    }

    /// A specification as the audit log shows it: readable fields, not the JSON.
    struct SpecSummary: Encodable {
        var type: String
        var year: Int
        var subject: String
        var grade: Int
        var form: String
        var tasks: String
        var scale: String
        init(_ s: ProcedureSpec) {
            type = s.type
            year = s.year
            subject = s.subject
            grade = s.grade
            form = ProcedureStore.formName(s.form)
            tasks = s.tasks.map { "\($0.number) (\($0.max) б., \($0.level.rawValue)\($0.requirements.isEmpty ? "" : ", требований: \($0.requirements.count)"))" }.joined(separator: "; ")
            scale = s.scale.map { "3 — от \($0.three), 4 — от \($0.four), 5 — от \($0.five)" } ?? "—"
        }
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
