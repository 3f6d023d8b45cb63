import Fluent
import MsokoCore
import Vapor

/// The demo district's observers: a parent with an account (`observer`), two specialists with
/// their ties, a parent who teaches in another school, and one without ties; a few assignments for
/// the spring 2026 ВПР, one act submitted with no violations and one with violations.
enum DemoObservers {
    static func load(municipality m: Municipality, on db: Database) async throws {
        let mid = try m.requireID()
        let schools = Dictionary(uniqueKeysWithValues: try await School.query(on: db).filter(\.$municipality.$id == mid).all().map { ($0.login, $0) })
        func user(_ login: String) async throws -> UUID? { try await User.query(on: db).filter(\.$login == login).first()?.id }
        let people: [(String, ConflictRules.Kind, String?, String?, [(String, String)], [String])] = [
            ("Орлова Е.П.", .publicObserver, "observer", nil, [("edu700101", "4А")], []),
            ("Самойлова А.Л.", .specialist, "specialist", nil, [], ["edu700110"]),
            ("Лебедева Т.М.", .specialist, "methodist", nil, [], ["edu700102"]),
            ("Ковалёва И.С.", .publicObserver, nil, "edu700103", [("edu700104", "4А")], []),
            ("Никитин П.В.", .publicObserver, nil, nil, [], []),
        ]
        var made: [String: Observer] = [:]
        for (name, kind, login, work, children, tied) in people {
            let o = Observer()
            o.fullName = name
            o.kind = kind.rawValue
            if let login { o.userID = try await user(login) }
            o.workSchoolID = work.flatMap { schools[$0]?.id }
            o.workplace = kind == .specialist ? "Управление образования" : ""
            o.isActive = true
            o.regionID = m.$region.id
            o.municipalityID = mid
            try await o.create(on: db)
            for (login, cls) in children { try await tie(o, schools[login]!, cls, "child", on: db) }
            for login in tied { try await tie(o, schools[login]!, "", "school", on: db) }
            made[name] = o
        }
        let all = Array(schools.values)
        let byID = Dictionary(uniqueKeysWithValues: all.map { ($0.id!, $0) })
        func place(_ subject: String, _ grade: Int, _ school: String, _ observer: String, act: (violations: [String], notes: String)?) async throws {
            guard let p = try await Procedure.query(on: db).filter(\.$year == 2026).filter(\.$subject == subject).filter(\.$grade == grade).first(),
                  let s = schools[school], let pp = try await ProcedureParticipant.query(on: db).filter(\.$procedure.$id == p.requireID()).filter(\.$school.$id == s.requireID()).first(),
                  let o = try await Observer.query(on: db).filter(\.$id == made[observer]!.requireID()).with(\.$ties).first() else { return }
            let problems = try await ObserverStore.assign(o, procedure: p, school: s, className: pp.className, date: pp.date ?? "", actor: "demo", schools: byID, on: db)
            guard problems.isEmpty, let act else { return }
            guard let a = try await ObserverAssignment.query(on: db).filter(\.$procedure.$id == p.requireID()).filter(\.$school.$id == s.requireID())
                .filter(\.$observer.$id == o.requireID()).first() else { return }
            let record = ObservationAct()
            record.$assignment.id = try a.requireID()
            record.stages = ObservationChecklist.stages.prefix(2).joined(separator: "\n")
            record.violations = act.violations.joined(separator: "\n")
            record.noViolations = act.violations.isEmpty
            record.notes = act.notes
            // Filed on the day of the work, in the afternoon, in the district's time.
            record.submittedAt = LocalDate(iso: pp.date ?? "").map { $0.start(in: m.zone).addingTimeInterval(15 * 3600 + 20 * 60) } ?? Date()
            record.submittedBy = "demo"
            try await record.create(on: db)
        }
        try await place("Математика", 4, "edu700102", "Орлова Е.П.", act: ([], "Работа прошла спокойно, рассадка по одному."))
        try await place("Математика", 5, "edu700105", "Никитин П.В.", act: ([ObservationChecklist.violations[2]], "Учитель класса находилась в аудитории и отвечала на вопросы по заданиям 8–13."))
        try await place("Математика", 4, "edu700103", "Лебедева Т.М.", act: nil)
        try await place("Русский язык", 4, "edu700108", "Самойлова А.Л.", act: nil)
        // Left for the demo observer to fill in.
        for school in ["edu700106", "edu700107", "edu700109"] { try await place("Русский язык", 4, school, "Орлова Е.П.", act: nil) }
    }

    static func tie(_ o: Observer, _ s: School, _ cls: String, _ kind: String, on db: Database) async throws {
        let t = ObserverTie()
        t.$observer.id = try o.requireID()
        t.$school.id = try s.requireID()
        t.className = cls
        t.kind = kind
        try await t.create(on: db)
    }
}
