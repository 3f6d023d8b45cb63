import Fluent
import MsokoCore
import Vapor

/// The demo district: Зырянский район (Томская область), 2025-2026, the four schools named in
/// measure 1.2 and six further schools marked as demo, demo accounts (password «demo») and a
/// seeded history of reports so that the dashboard has something to show.
enum DemoDistrict {
    struct Account {
        let login: String
        let name: String
        let role: Role
        let school: String?
        let description: String
    }

    static let accounts: [Account] = [
        Account(login: "specialist", name: "Самойлова А.Л.", role: .specialist, school: nil, description: "специалист Управления образования"),
        Account(login: "head-zyr", name: "Кузнецова Н.В.", role: .head, school: "edu700101", description: "директор МБОУ «Зырянская СОШ»"),
        Account(login: "head-mih", name: "Петров С.А.", role: .head, school: "edu700102", description: "директор МОУ «Михайловская СОШ»"),
        Account(login: "teacher", name: "Смирнова О.И.", role: .teacher, school: "edu700101", description: "учитель 4А, Зырянская СОШ"),
        Account(login: "methodist", name: "Лебедева Т.М.", role: .methodist, school: nil, description: "руководитель РМО учителей математики"),
        Account(login: "observer", name: "Орлова Е.П.", role: .observer, school: nil, description: "общественный наблюдатель (родитель)"),
        Account(login: "commission", name: "Васильев Д.Н.", role: .commission, school: nil, description: "член муниципальной комиссии"),
        Account(login: "admin", name: "Администратор системы", role: .admin, school: nil, description: "администратор"),
    ]

    static let schools: [SchoolRecord] = [
        SchoolRecord(login: "edu700101", fullName: "Муниципальное бюджетное общеобразовательное учреждение «Зырянская средняя общеобразовательная школа»", shortName: "МБОУ «Зырянская СОШ»", type: .sosh),
        SchoolRecord(login: "edu700102", fullName: "Муниципальное общеобразовательное учреждение «Михайловская средняя общеобразовательная школа»", shortName: "МОУ «Михайловская СОШ»", type: .sosh),
        SchoolRecord(login: "edu700103", fullName: "Муниципальное бюджетное общеобразовательное учреждение «Семёновская основная общеобразовательная школа»", shortName: "МБОУ «Семёновская ООШ»", type: .oosh),
        SchoolRecord(login: "edu700104", fullName: "Муниципальное бюджетное общеобразовательное учреждение «Причулымская основная общеобразовательная школа»", shortName: "МБОУ «Причулымская ООШ»", type: .oosh),
        SchoolRecord(login: "edu700105", fullName: "Муниципальное бюджетное общеобразовательное учреждение «Высоковская средняя общеобразовательная школа» (демо)", shortName: "МБОУ «Высоковская СОШ»", type: .sosh),
        SchoolRecord(login: "edu700106", fullName: "Муниципальное бюджетное общеобразовательное учреждение «Чердатская средняя общеобразовательная школа» (демо)", shortName: "МБОУ «Чердатская СОШ»", type: .sosh),
        SchoolRecord(login: "edu700107", fullName: "Муниципальное бюджетное общеобразовательное учреждение «Окунеевская основная общеобразовательная школа» (демо)", shortName: "МБОУ «Окунеевская ООШ»", type: .oosh),
        SchoolRecord(login: "edu700108", fullName: "Муниципальное бюджетное общеобразовательное учреждение «Берёзовская основная общеобразовательная школа» (демо)", shortName: "МБОУ «Берёзовская ООШ»", type: .oosh),
        SchoolRecord(login: "edu700109", fullName: "Муниципальное бюджетное общеобразовательное учреждение «Шиняевская основная общеобразовательная школа» (демо)", shortName: "МБОУ «Шиняевская ООШ»", type: .oosh),
        SchoolRecord(login: "edu700110", fullName: "Муниципальное бюджетное общеобразовательное учреждение «Зырянская средняя общеобразовательная школа № 2» (демо)", shortName: "МБОУ «Зырянская СОШ № 2»", type: .sosh),
    ]

    /// Loads the demo district into an empty database. Throws if the database has data.
    static func load(on db: Database, now: Date, actor: String = "demo") async throws {
        guard try await Municipality.query(on: db).count() == 0, try await User.query(on: db).count() == 0 else {
            throw ConfigError("База данных не пуста: демонстрационный район загружается только в пустую базу (используйте msoko demo --reset).")
        }
        let demoHash = try Passwords.hash("demo")
        try await db.writeTransaction { db in
            try await Settings.set(Settings.demoKey, "1", municipalityID: nil, on: db)
            let m = try await Organisations.ensureMunicipality(
                region: "Томская область", name: "Зырянский район",
                department: "Управление образования Администрации Зырянского района", timeZone: "Asia/Tomsk", on: db)
            let mid = try m.requireID()
            try await Settings.set(Settings.letterheadKey, "Управление образования Администрации Зырянского района\nТомская область, с. Зырянское", municipalityID: mid, on: db)
            try await Settings.set(Settings.signatureKey, "Начальник Управления образования ____________________ / ____________ /\nИсполнитель: Самойлова А.Л., специалист Управления образования", municipalityID: mid, on: db)
            _ = try await Organisations.upsert(schools, municipality: m, actor: actor, isDemo: true, on: db)
            let all = try await School.query(on: db).filter(\.$municipality.$id == mid).all()
            let byLogin = Dictionary(uniqueKeysWithValues: all.map { ($0.login, $0) })
            for s in schools where !["edu700101", "edu700102", "edu700103", "edu700104"].contains(s.login) {
                byLogin[s.login]?.isDemo = true
            }
            var rng = SplitMix64(seed: 2025)
            var classes: [String: SchoolClass] = [:]
            for school in all {
                for (name, grade) in [("4А", 4), ("5А", 5), ("6А", 6), ("7А", 7), ("8А", 8)] {
                    let c = try SchoolClass(school: school, schoolYear: "2025-2026", name: name, grade: grade,
                                            enrolment: Int.random(in: 8...26, using: &rng))
                    try await c.create(on: db)
                    classes["\(school.login)/\(name)"] = c
                }
            }
            for a in accounts {
                let user = User(login: a.login, name: a.name, role: a.role, passwordHash: demoHash, regionID: m.$region.id,
                                municipalityID: mid, schoolID: a.school.flatMap { byLogin[$0]?.id })
                if a.role == .methodist { user.subject = "Математика" }
                try await user.create(on: db)
                if a.login == "teacher", let c = classes["edu700101/4А"] {
                    try await c.$teachers.attach(user, on: db) { $0.subject = "Начальные классы" }
                }
            }
            // The seed roadmap dated into the school year it is now in the district, so that a
            // newcomer sees a living year (the results are those of the spring before).
            let today = LocalDate(now, in: m.zone)
            let start = today.month >= 9 ? today.year : today.year - 1
            let document = try RoadmapStore.bundledDocument().moved(to: "\(start)-\(start + 1)")
            let roadmap = try await RoadmapStore.load(document, municipality: m, actor: actor, on: db)
            try await seedReports(roadmap: roadmap, municipality: m, schools: all, now: now, rng: &rng, on: db)
            try await DemoProcedures.load(municipality: m, schools: all, on: db)
            try await DemoObservers.load(municipality: m, on: db)
            try await DemoGapPlans.load(municipality: m, now: now, on: db)
            try await DemoSheets.load(municipality: m, now: now, on: db)
            try await DemoLocalActs.load(municipality: m, now: now, on: db)
            try await DemoMeetings.load(municipality: m, now: now, on: db)
            try await DemoStaff.load(municipality: m, now: now, on: db)
            try await DemoAssociations.load(municipality: m, now: now, on: db)
            try await DemoSeminars.load(municipality: m, now: now, on: db)
            try await DemoPublication.load(municipality: m, now: now, on: db)
            try await Audit.record(on: db, actor: actor, action: "demo", entity: "installation", id: nil,
                                   summary: "Загружен демонстрационный район", municipalityID: mid, regionID: m.$region.id)
        }
    }

    /// A plausible year so far: most checkpoints already due are done by everyone, a few have a
    /// school that has not reported (overdue); those falling due in the next two months are under
    /// way — some parties done, some in progress, some not started. Later ones are not started.
    static func seedReports(roadmap: Roadmap, municipality: Municipality, schools: [School], now: Date,
                            rng: inout SplitMix64, on db: Database) async throws {
        let today = LocalDate(now, in: municipality.zone)
        let measures = try await Measure.query(on: db).filter(\.$roadmap.$id == roadmap.requireID()).sort(\.$position).all()
        for measure in measures {
            let cps = try await Checkpoint.query(on: db).filter(\.$measure.$id == measure.requireID()).sort(\.$seq).all()
            var parties: [School?] = []
            if ExecutorParser.districtReports(measure.responsible) { parties.append(nil) }
            if ExecutorParser.schoolsReport(measure.responsible) { parties += schools.map { Optional($0) } }
            for cp in cps {
                guard let due = LocalDate(iso: cp.due) else { continue }
                let days = today.days(until: due)
                guard days <= 60 else { continue }
                // Past: done by all, or (one time in six) one party that has not reported.
                let missing = days < 0 && Double.random(in: 0..<1, using: &rng) < 0.17 ? parties.indices.randomElement(using: &rng) : nil
                for (index, party) in parties.enumerated() {
                    let status: CheckpointStatus
                    if days < 0 {
                        guard index != missing else { continue }
                        status = .done
                    } else {
                        let roll = Double.random(in: 0..<1, using: &rng)
                        guard roll < 0.7 else { continue }
                        status = roll < 0.3 ? .done : .inProgress
                    }
                    let r = CheckpointReport()
                    r.$checkpoint.id = try cp.requireID()
                    r.regionID = municipality.$region.id
                    r.municipalityID = try municipality.requireID()
                    r.schoolID = party?.id
                    r.status = status.rawValue
                    r.text = reportText(measure: measure.number, done: status == .done, school: party?.shortName)
                    r.updatedBy = party == nil ? "specialist" : "demo"
                    try await r.create(on: db)
                }
            }
        }
    }

    static func reportText(measure: String, done: Bool, school: String?) -> String {
        let texts: [String: String] = [
            "1.1": "Процедуры проведены в соответствии с регламентом; назначены организаторы в аудиториях, работы проверены по критериям.",
            "1.2": "Специалисты Управления образования присутствовали на ВПР в четырёх школах; акты наблюдения составлены.",
            "1.3": "Привлечены общественные наблюдатели из числа родителей; проведён инструктаж, акты наблюдения приложены.",
            "1.4": "Подготовлена аналитическая справка по итогам процедур с анализом причин расхождения отметок.",
            "1.5": "Вопрос объективности рассмотрен на совещании руководителей; приняты управленческие решения.",
            "1.6": "Положение о ВСОКО приведено в соответствие с действующими требованиями, утверждено приказом.",
            "2.1": "Проведён анализ результатов, подготовлены аналитическая справка и приказ.",
            "2.2": "Результаты доведены до обучающихся и родителей на родительских собраниях и индивидуально.",
            "2.3": "Составлены планы ликвидации пробелов по классам; проводятся дополнительные занятия.",
            "2.4": "Собеседование проведено; по итогам приняты управленческие решения.",
            "3.1": "Проведено заседание методического объединения по вопросам оценивания.",
            "3.2": "Проведён семинар-практикум по разбору типичных ошибок при проверке работ.",
            "3.3": "Сформирована муниципальная комиссия, издан приказ Управления образования.",
            "3.4": "Педагоги прошли курсы повышения квалификации по направлениям дорожной карты.",
            "4.1": "Информация о процедурах оценки качества размещена на сайте школы и в родительских чатах.",
        ]
        let base = texts[measure] ?? "Работа ведётся по плану."
        return done ? base : "В работе: " + base.prefix(1).lowercased() + base.dropFirst()
    }
}
