import Fluent
import MsokoCore
import Vapor

/// The demo district's staff and courses (issue 16 §4): the heads, deputies and teachers of every
/// school and the department's specialists, with courses ending at set distances from the day the
/// demo is loaded, so that whenever it runs some are current, some due, some overdue, some have none.
/// Accounts with the same name (the demo heads, the teacher, the specialist, the methodist) are linked.
enum DemoStaff {
    static let surnames = ["Иванова", "Соколов", "Попова", "Морозова", "Волков", "Фёдорова", "Алексеева", "Никитин", "Егорова", "Павлова",
                           "Романов", "Захарова", "Белова", "Медведев", "Комарова", "Орлов", "Киселёва", "Макарова", "Андреев", "Ковалёва"]
    static let initials = ["А.В.", "Е.С.", "М.И.", "Н.П.", "О.А.", "Т.Г.", "И.Н.", "Л.К.", "С.М.", "В.Д."]

    struct Person {
        var name: String
        var position: String
        var subjects: String
        /// Days since their last course ended, nil for none; a second, older course where given.
        var ended: [(days: Int, direction: CourseDirection, kind: ProviderKind, hours: Int, title: String)]
    }

    static let courseTitles: [CourseDirection: String] = [
        .effectiveSchool: "Управление качеством образования в эффективной школе",
        .assessmentCompetence: "Оценка качества образования: объективность проведения и проверки оценочных процедур",
        .deficits: "Ликвидация профессиональных дефицитов: методика преподавания предмета по результатам ВПР",
        .other: "Современные образовательные технологии",
    ]

    static func load(municipality m: Municipality, now: Date, on db: Database) async throws {
        let mid = try m.requireID()
        let today = LocalDate(now, in: m.zone)
        let schools = try await School.query(on: db).filter(\.$municipality.$id == mid).sort(\.$login).all()
        let users = try await User.query(on: db).filter(\.$municipality.$id == mid).all()
        // The cycle's length in days, give or take: due = a little less than three years ago.
        let cycle = 3 * 365
        var k = 0
        func next() -> Int { k += 1; return k }
        func course(_ days: Int, _ d: CourseDirection, _ kind: ProviderKind = .state, _ hours: Int = 36) -> (days: Int, direction: CourseDirection, kind: ProviderKind, hours: Int, title: String) {
            (days, d, kind, hours, courseTitles[d]!)
        }
        var plan: [(School?, Person)] = []
        for (i, s) in schools.enumerated() {
            let head = users.first { $0.role == .head && $0.$school.id == s.id }
            // Patterns of the cycle turn with the school, so every school has a mix.
            let patterns: [[(days: Int, direction: CourseDirection, kind: ProviderKind, hours: Int, title: String)]] = [
                [course(200, .effectiveSchool, .state, 72)],
                [course(cycle - 90, .assessmentCompetence), course(cycle + 400, .other, .other, 16)],
                [course(cycle + 60, .deficits, .municipal)],
                [course(400, .deficits, .municipal, 24), course(900, .assessmentCompetence)],
                [],
                [course(cycle - 30, .assessmentCompetence, .other, 18)],
            ]
            var people: [Person] = [
                Person(name: head?.name ?? "\(surnames[(i * 3) % 20]) \(initials[i % 10])", position: "директор", subjects: "", ended: patterns[i % 6]),
                Person(name: "\(surnames[(i * 3 + 1) % 20]) \(initials[(i + 3) % 10])", position: "заместитель директора по учебно-воспитательной работе", subjects: "Математика",
                       ended: patterns[(i + 1) % 6]),
                Person(name: "\(surnames[(i * 3 + 2) % 20]) \(initials[(i + 5) % 10])", position: "учитель начальных классов", subjects: "Русский язык, Математика, Окружающий мир",
                       ended: patterns[(i + 2) % 6]),
                Person(name: "\(surnames[(i * 3 + 4) % 20]) \(initials[(i + 7) % 10])", position: "учитель математики", subjects: "Математика", ended: patterns[(i + 3) % 6]),
                Person(name: "\(surnames[(i * 3 + 5) % 20]) \(initials[(i + 1) % 10])", position: "учитель русского языка и литературы", subjects: "Русский язык, Литература",
                       ended: patterns[(i + 4) % 6]),
            ]
            if let teacher = users.first(where: { $0.role == .teacher && $0.$school.id == s.id }) {
                people.append(Person(name: teacher.name, position: "учитель начальных классов", subjects: "Русский язык, Математика, Окружающий мир",
                                     ended: [course(500, .assessmentCompetence, .state, 36)]))
            }
            plan += people.map { (s, $0) }
        }
        for u in users where u.role == .specialist || u.role == .methodist {
            plan.append((nil, Person(name: u.name, position: u.role == .specialist ? "главный специалист Управления образования" : "методист Управления образования, руководитель РМО учителей математики",
                                     subjects: u.role == .methodist ? "Математика" : "", ended: u.role == .specialist ? [course(cycle - 100, .effectiveSchool, .state, 72)] : [course(300, .assessmentCompetence, .state, 36)])))
        }
        for (school, p) in plan {
            let s = StaffMember()
            s.regionID = m.$region.id
            s.municipalityID = mid
            s.$school.id = school?.id
            s.name = p.name
            s.position = p.position
            s.subjects = StaffListReader.subjects(p.subjects).joined(separator: "; ")
            s.userID = StaffStore.matchingAccount(name: p.name, among: users.filter { $0.$school.id == school?.id })
            s.createdBy = "demo"
            try await s.create(on: db)
            for c in p.ended {
                let end = today.adding(days: -c.days)
                let r = CourseRecord()
                r.$staff.id = try s.requireID()
                r.title = c.title
                r.provider = c.kind == .state ? "ТОИПКРО (Томский областной институт повышения квалификации и переподготовки работников образования)"
                    : c.kind == .municipal ? "Информационно-методический центр Зырянского района" : "АНО ДПО «Педагогический университет»"
                r.providerKind = c.kind.rawValue
                r.hours = c.hours
                r.startDate = end.adding(days: -(c.hours / 6 + 4)).iso
                r.endDate = end.iso
                r.certificateNumber = String(format: "70-%06d", 120_000 + next() * 37)
                r.direction = c.direction.rawValue
                r.createdBy = "demo"
                try await r.create(on: db)
            }
        }
        // The demo teacher's ИОМ, recorded by the head of «Зырянская СОШ» from the teacher's own diagnostic.
        if let teacher = users.first(where: { $0.role == .teacher }), let sid = teacher.$school.id,
           let me = try await StaffMember.query(on: db).filter(\.$userID == teacher.requireID()).first() {
            let start = today.month >= 9 ? today.year : today.year - 1
            let p = DevelopmentPlan()
            p.$staff.id = try me.requireID()
            p.$school.id = sid
            p.schoolYear = "\(start)-\(start + 1)"
            p.diagnostic = "Самодиагностика профессиональных затруднений: затруднения в применении критериев оценивания заданий с развёрнутым ответом и в подборе заданий на работу с информацией."
            p.goals = "Освоить единые критерии оценивания развёрнутых ответов; научиться строить задания на чтение таблиц и диаграмм."
            p.activities = "Семинар-практикум РМО по критериям оценивания — октябрь\nВзаимопроверка работ с коллегой по ШМО — ноябрь–декабрь\nКурсы «Оценка качества образования: объективность проведения и проверки» — до марта"
            p.direction = CourseDirection.assessmentCompetence.rawValue
            p.state = "active"
            p.result = ""
            p.createdBy = "demo"
            try await p.create(on: db)
        }
    }
}
