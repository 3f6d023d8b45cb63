import Fluent
import MsokoCore
import Vapor

/// Observers as the conflict rules see them, and the places to observe in a procedure.
enum ObserverStore {
    static func profile(_ o: Observer, schools: [UUID: School]) -> ConflictRules.Observer {
        ConflictRules.Observer(
            name: o.fullName, kind: ConflictRules.Kind(rawValue: o.kind) ?? .publicObserver,
            workSchool: o.workSchoolID.flatMap { schools[$0]?.login },
            children: o.ties.filter { $0.kind == "child" }.compactMap { t in schools[t.$school.id].map { ($0.login, t.className) } },
            tiedSchools: o.ties.filter { $0.kind == "school" }.compactMap { schools[$0.$school.id]?.login })
    }

    static func observers(municipalityID: UUID, on db: Database) async throws -> [Observer] {
        try await Observer.query(on: db).filter(\.$municipalityID == municipalityID).with(\.$ties).sort(\.$fullName).all()
    }

    static func schools(municipalityID: UUID, on db: Database) async throws -> [UUID: School] {
        Dictionary(uniqueKeysWithValues: try await School.query(on: db).filter(\.$municipality.$id == municipalityID).all().map { ($0.id!, $0) })
    }

    static func slot(_ a: ObserverAssignment, _ schools: [UUID: School]) -> ConflictRules.Slot {
        let s = schools[a.$school.id]
        return ConflictRules.Slot(school: s?.login ?? "", schoolName: s?.shortName ?? "", className: a.className, date: a.date)
    }

    /// Every assignment of the district's observers (for «one place a day»).
    static func busy(municipalityID: UUID, schools: [UUID: School], on db: Database) async throws -> [UUID: [ConflictRules.Slot]] {
        var out: [UUID: [ConflictRules.Slot]] = [:]
        for a in try await ObserverAssignment.query(on: db).filter(\.$municipalityID == municipalityID).all() {
            out[a.$observer.id, default: []].append(slot(a, schools))
        }
        return out
    }

    /// Assigns after checking the rules; the explanations when refused.
    static func assign(_ o: Observer, procedure p: Procedure, school: School, className: String, date: String, actor: String,
                       schools: [UUID: School], on db: Database) async throws -> [String] {
        let target = ConflictRules.Slot(school: school.login, schoolName: school.shortName, className: className, date: date)
        let busy = try await busy(municipalityID: school.$municipality.id, schools: schools, on: db)[o.id!] ?? []
        let problems = ConflictRules.conflicts(profile(o, schools: schools), target, busy: busy)
        guard problems.isEmpty else { return problems }
        if busy.contains(target) { return ["\(o.fullName) уже назначен(а) сюда."] }
        let a = ObserverAssignment()
        a.$observer.id = try o.requireID()
        a.$procedure.id = try p.requireID()
        a.$school.id = try school.requireID()
        a.className = className
        a.date = date
        a.createdBy = actor
        a.regionID = school.regionID
        a.municipalityID = school.$municipality.id
        try await db.writeTransaction { db in
            try await a.create(on: db)
            try await Audit.record(on: db, actor: actor, action: "assign", entity: "observer", id: a.id?.uuidString,
                                   summary: "\(o.fullName) назначен(а) наблюдателем: \(ProcedureStore.title(p)), \(school.shortName)\(className.isEmpty ? "" : " \(className)"), \(LocalDate.russian(date))",
                                   after: ["observer": o.fullName, "school": school.login, "class": className, "date": date],
                                   municipalityID: school.$municipality.id, regionID: school.regionID, schoolID: school.id)
        }
        return []
    }
}
