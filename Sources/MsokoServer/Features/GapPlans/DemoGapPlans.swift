import Fluent
import MsokoCore
import Vapor

/// The demo district's work on the gaps, drafted by the same rules as a head's click: the plans of
/// two classes from the spring ВПР (МБОУ «Зырянская СОШ» 4А in mathematics, the demo teacher's
/// class, and «Михайловская СОШ» 4А in Russian), items in every status (one overdue), one
/// individual route with the parents' consent, and one re-diagnosis that closes two items (one
/// eliminated, one partly).
enum DemoGapPlans {
    static func load(municipality m: Municipality, now: Date, on db: Database) async throws {
        let today = LocalDate(now, in: m.zone)
        let drafted = today.adding(days: -60)
        let procedures = try await Procedure.query(on: db).filter(\.$municipalityID == m.requireID()).filter(\.$year == 2026).filter(\.$grade == 4).all()
        let users = try await User.query(on: db).filter(\.$municipality.$id == m.requireID()).all()
        for (login, subject, headLogin) in [("edu700101", "Математика", "head-zyr"), ("edu700102", "Русский язык", "head-mih")] {
            guard let p = procedures.first(where: { $0.subject == subject }),
                  let s = try await School.query(on: db).filter(\.$login == login).filter(\.$municipality.$id == m.requireID()).first() else { continue }
            let l = try await GapsQuery.works(p, school: s, className: "4А", on: db)
            let deficits = GapPlanning.draft(l.gaps)
            guard deficits.count >= 4 else { throw ConfigError("Демо: у \(login) 4А меньше четырёх дефицитов — план не показателен.") }
            let teacher = users.first { $0.login == "teacher" && $0.$school.id == s.id }
            let responsible = try await GapPlansController.classTeacher(school: s.requireID(), schoolYear: p.schoolYear, className: "4А", on: db) ?? teacher?.id
            let (plan, items) = try GapPlansController.drafted(deficits, procedure: p, school: s, className: "4А", works: l.gaps.works,
                                                               responsible: responsible, today: drafted, by: headLogin)
            try await plan.create(on: db)
            let pid = try plan.requireID()
            let first = login == "edu700101"
            for (i, item) in items.enumerated() {
                item.$plan.id = pid
                switch i {
                case 0...1 where first:
                    // Closed by the re-diagnosis below.
                    item.status = ItemStatus.closed.rawValue
                    item.startedOn = drafted.adding(days: 3).iso
                    item.closedOn = today.adding(days: -10).iso
                    item.rediagnosisDate = today.adding(days: -12).iso
                case 0...2:
                    item.status = ItemStatus.inWork.rawValue
                    item.startedOn = drafted.adding(days: 3).iso
                    item.ends = today.adding(days: 14).iso
                    item.rediagnosisDate = today.adding(days: 21).iso
                case 3:
                    // Overdue: its weeks have passed and it has not started.
                    item.ends = today.adding(days: -5).iso
                default:
                    item.starts = today.adding(days: 7).iso
                    item.ends = today.adding(days: 35).iso
                    item.rediagnosisDate = today.adding(days: 42).iso
                }
                try await item.create(on: db)
            }
            guard first else { continue }
            // The re-diagnosis: the school's own two tasks on the first two requirements; every
            // concerned student masters the first, half of them the second.
            let tasks = [Rediagnosis.Task(number: "1", code: items[0].code, max: 2), Rediagnosis.Task(number: "2", code: items[1].code, max: 2)]
            let second = items[1].studentCodes
            let rows = l.gaps.students.map { st -> Rediagnosis.Row in
                let k = second.firstIndex(of: st.code)
                return Rediagnosis.Row(code: st.code, scores: [2, k.map { $0 % 2 == 0 ? 2 : 0 } ?? 2])
            }
            let r = GapRediagnosis()
            r.$plan.id = pid
            r.date = today.adding(days: -12).iso
            r.mode = "tasks"
            r.tasks = try GapRediagnosis.json(tasks)
            r.rows = try GapRediagnosis.json(rows)
            r.createdBy = headLogin
            try await r.create(on: db)
            let after = Rediagnosis.gaps(tasks, rows: rows, requirements: Gaps.requirements(of: l.spec), className: "4А")
            let changes = GapPlanning.compare(before: l.gaps, after: after)
            for item in items.prefix(2) {
                guard let c = changes.first(where: { $0.code == item.code }), let o = GapPlanning.outcome(c, students: item.studentCodes) else {
                    throw ConfigError("Демо: повторная диагностика не дала результата по \(item.code).")
                }
                item.outcome = o.rawValue
                try await item.save(on: db)
            }
            // One individual route, consent recorded, in work.
            if let student = GapPlanning.individual(l.gaps).first {
                let route = GapRoute()
                route.$plan.id = pid
                route.studentCode = student.code
                route.requirements = GapText.join(student.requirements)
                route.work = "индивидуальные занятия по средам (1 час в неделю) и консультации по требованиям " + GapText.join(student.requirements)
                route.$responsible.id = responsible
                route.starts = drafted.adding(days: 7).iso
                route.ends = today.adding(days: 30).iso
                route.consentDate = drafted.adding(days: 5).iso
                route.status = ItemStatus.inWork.rawValue
                route.startedOn = drafted.adding(days: 7).iso
                try await route.create(on: db)
            }
        }
    }
}
