import Fluent
import MsokoCore
import Vapor

/// The demo district's meetings (issue 15 §4a): the heads' meetings of August 2025, January 2026
/// and March 2026 (measure 1.5), the September 2025 interviews with the heads of the four schools of
/// measure 1.2 (2.4), and their decisions in every status. Open decisions have deadlines counted
/// from the day the demo is loaded, so that whenever it runs some are open and some overdue.
enum DemoMeetings {
    struct Plan {
        var text: String
        var owner: Owner
        var days: Int?
        var deadline: String?
        var state: DecisionState
        var report: String = ""
        var reportForm: String = "справка"
    }

    enum Owner {
        case department
        case school(String)
        case user(String)
    }

    static func load(municipality m: Municipality, now: Date, on db: Database) async throws {
        let mid = try m.requireID()
        let today = LocalDate(now, in: m.zone)
        let schools = Dictionary(uniqueKeysWithValues: try await School.query(on: db).filter(\.$municipality.$id == mid).all().map { ($0.login, $0) })
        let users = Dictionary(uniqueKeysWithValues: try await User.query(on: db).filter(\.$municipality.$id == mid).all().map { ($0.login, $0) })
        guard let specialist = users["specialist"] else { throw ConfigError("Демо: нет специалиста.") }
        // The spring 2025 procedures the meetings and the September interviews discussed: the loop
        // measures their effect in the same procedures of 2026.
        let spring2025 = try await Procedure.query(on: db).filter(\.$municipalityID == mid).filter(\.$year == 2025).all()
        func p2025(_ subject: String, _ grade: Int) -> UUID? { spring2025.first { $0.subject == subject && $0.grade == grade }?.id }

        func meeting(_ kind: MeetingKind, _ date: String, _ time: String, _ number: String, _ title: String, school: String? = nil) async throws -> Meeting {
            let mt = Meeting()
            mt.regionID = m.$region.id
            mt.municipalityID = mid
            mt.kind = kind.rawValue
            mt.kindName = ""
            mt.title = title
            mt.number = number
            mt.date = date
            mt.time = time
            mt.place = kind == .interview ? "Управление образования, каб. 12" : "Управление образования, актовый зал"
            mt.$school.id = school.flatMap { schools[$0]?.id }
            mt.chairID = specialist.id
            mt.chairName = "Самойлова А.Л."
            mt.chairPost = "специалист Управления образования"
            mt.secretaryID = nil
            mt.secretaryName = "Григорьева Е.В."
            mt.secretaryPost = "методист Управления образования"
            mt.createdBy = specialist.login
            mt.createdByID = specialist.id
            try await mt.create(on: db)
            var people: [(UUID?, String, String, UUID?)] = [(specialist.id, "Самойлова А.Л.", "специалист Управления образования", nil),
                                                           (nil, "Григорьева Е.В.", "методист Управления образования", nil)]
            let invited: [School] = kind == .interview ? school.flatMap { schools[$0] }.map { [$0] } ?? [] : schools.values.sorted { $0.login < $1.login }
            for s in invited {
                if let head = users.values.first(where: { $0.role == .head && $0.$school.id == s.id }) {
                    people.append((head.id, head.name, "руководитель \(s.shortName)", s.id))
                } else {
                    people.append((nil, "Руководитель \(s.shortName)", "", s.id))
                }
            }
            for (i, p) in people.enumerated() {
                let row = MeetingParticipant()
                row.$meeting.id = try mt.requireID()
                row.userID = p.0
                row.name = p.1
                row.post = p.2
                row.schoolID = p.3
                row.position = i + 1
                try await row.create(on: db)
            }
            return mt
        }

        func item(_ mt: Meeting, _ position: Int, _ title: String, school: String? = nil, link: (RecordLink.Kind, UUID?)? = nil,
                  heard: String, spoke: String = "", decided: String, decisions: [Plan]) async throws {
            let it = MeetingItem()
            it.$meeting.id = try mt.requireID()
            it.position = position
            it.title = title
            it.schoolID = school.flatMap { schools[$0]?.id }
            if let (kind, id) = link, let id {
                it.linkKind = kind.rawValue
                if kind.isProcedure { it.linkProcedureID = id } else { it.linkRecordID = id }
            }
            it.heard = heard
            it.spoke = spoke
            it.decided = decided
            try await it.create(on: db)
            for p in decisions {
                let d = Decision()
                d.regionID = m.$region.id
                d.municipalityID = mid
                d.$meeting.id = mt.id
                d.itemID = it.id
                d.text = p.text
                switch p.owner {
                case .department:
                    d.ownerKind = "department"
                    d.$school.id = it.schoolID
                case .school(let login):
                    d.ownerKind = "school"
                    d.$school.id = schools[login]?.id
                case .user(let login):
                    d.ownerKind = "user"
                    d.ownerUserID = users[login]?.id
                    d.$school.id = users[login]?.$school.id
                }
                d.deadline = p.deadline ?? p.days.map { today.adding(days: $0).iso }
                d.reportForm = p.reportForm
                d.state = p.state.rawValue
                d.report = p.report
                if !p.report.isEmpty { d.reportedOn = min(today, LocalDate(iso: d.deadline ?? today.iso) ?? today).adding(days: -3).iso }
                d.linkKind = it.linkKind
                d.linkProcedureID = it.linkProcedureID
                d.linkRecordID = it.linkRecordID
                d.createdBy = specialist.login
                try await d.create(on: db)
            }
        }

        // August 2025: the year's results and objectivity (1.5).
        let august = try await meeting(.headsMeeting, "2025-08-27", "10:00", "5", "Об объективности проведения оценочных процедур в 2024-2025 учебном году и задачах на новый учебный год")
        try await item(august, 1, "Об итогах оценочных процедур 2024-2025 учебного года и объективности их проведения",
                       heard: "Самойлова А.Л. об итогах ВПР и региональных диагностик 2024-2025 учебного года, признаках необъективных результатов и работе наблюдателей.",
                       spoke: "Руководители ОО о мерах по обеспечению объективности в своих школах.",
                       decided: "Информацию принять к сведению.",
                       decisions: [
                           Plan(text: "Обеспечить присутствие независимых наблюдателей на ВПР во всех классах школ района", owner: .department, deadline: "2026-04-10", state: .done,
                                report: "Наблюдатели назначены во все классы (приказ Управления образования от 01.04.2026 № 87), акты наблюдения собраны в msoko.", reportForm: "приказ, акты наблюдения"),
                           Plan(text: "Утвердить в школах локальные акты о системе оценивания с учётом требований к объективности", owner: .school("edu700101"), deadline: "2025-10-01", state: .done,
                                report: "Положение о ВСОКО обновлено, утверждено приказом от 25.09.2025 № 112.", reportForm: "приказ ОО"),
                           Plan(text: "Рассмотреть на педагогическом совете вопрос объективности текущего оценивания и её соответствия результатам ВПР", owner: .school("edu700102"), days: -20,
                                state: .assigned, reportForm: "протокол педсовета"),
                       ])
        try await item(august, 2, "Об объективности результатов ВПР 2025 по математике в 4 классе МБОУ «Окунеевская ООШ»", school: "edu700107",
                       link: (.objectivity, p2025("Математика", 4)),
                       heard: "Признаки необъективных результатов: скопление работ на границах отметок.",
                       decided: "Признать результаты требующими проверки.",
                       decisions: [Plan(text: "Организовать перекрёстную проверку работ ВПР по математике учителями другой школы", owner: .school("edu700107"), deadline: "2026-04-30", state: .done,
                                        report: "Работы ВПР-2026 проверены комиссией с участием учителей МБОУ «Берёзовская ООШ», протокол приложен.", reportForm: "протокол проверки")])
        // September 2025: interviews with the heads (2.4).
        let interviewLinks: [String: (RecordLink.Kind, UUID?)] = ["edu700101": (.analysis, p2025("Математика", 4)), "edu700102": (.analysis, p2025("Русский язык", 4)),
                                                                  "edu700103": (.analysis, p2025("Математика", 5)), "edu700104": (.analysis, p2025("Математика", 5))]
        let interviews: [(String, String, [Plan])] = [
            ("edu700101", "2025-09-16", [Plan(text: "Проанализировать расхождение отметок за ВПР с журнальными отметками в 4А и принять меры", owner: .user("head-zyr"), days: 14, state: .inProgress,
                                              report: "Проведён анализ по математике; беседы с учителями начальных классов запланированы.", reportForm: "аналитическая справка")]),
            ("edu700102", "2025-09-17", [Plan(text: "Представить план ликвидации пробелов по русскому языку в 4-5 классах", owner: .school("edu700102"), days: -5, state: .assigned, reportForm: "план")]),
            ("edu700103", "2025-09-18", [Plan(text: "Организовать курсы повышения квалификации учителей по формированию функциональной грамотности", owner: .school("edu700103"), deadline: "2025-12-20", state: .done,
                                              report: "Двое учителей прошли курсы (72 ч), удостоверения приложены к отчёту школы.", reportForm: "удостоверения")]),
            ("edu700104", "2025-09-18", [Plan(text: "Провести внутришкольную перепроверку работ ВПР по математике 6 класса", owner: .school("edu700104"), deadline: "2025-11-01", state: .cancelled,
                                              report: "Снято с контроля: работы 6 класса перепроверены муниципальной комиссией (протокол от 20.10.2025).", reportForm: "протокол")]),
        ]
        for (i, (login, date, plans)) in interviews.enumerated() {
            let mt = try await meeting(.interview, date, "1\(i % 2 == 0 ? 0 : 4):00", "С-\(i + 1)", "Собеседование по результатам оценочных процедур и принятым управленческим решениям", school: login)
            try await item(mt, 1, "Результаты оценочных процедур прошлого учебного года, объективность и управленческие решения школы", school: login, link: interviewLinks[login],
                           heard: "Руководитель о результатах школы, признаках необъективности и выполнении планов ликвидации пробелов.",
                           decided: "Поручить руководителю ОО:", decisions: plans)
        }
        // January 2026: the half-year's findings (1.5).
        let january = try await meeting(.headsMeeting, "2026-01-28", "10:00", "1", "Об объективности оценочных процедур первого полугодия и исполнении ранее принятых решений")
        try await item(january, 1, "О результатах ВПР 2025 по математике в 4 классах и работе по устранению дефицитов", link: (.analysis, p2025("Математика", 4)),
                       heard: "Самойлова А.Л. о результатах диагностических работ и школах с признаками необъективности.",
                       decided: "Информацию принять к сведению.",
                       decisions: [Plan(text: "Направить специалистов Управления образования наблюдателями в школы с признаками необъективных результатов", owner: .department, days: 30,
                                        state: .inProgress, report: "Составлен график выездов, назначены наблюдатели в три школы.", reportForm: "график, приказ")])
        // March 2026: preparing the spring procedures (1.5).
        let march = try await meeting(.headsMeeting, "2026-03-25", "10:00", "2", "О подготовке к ВПР-2026 и обеспечении объективности их проведения")
        try await item(march, 1, "О мерах по обеспечению объективности ВПР-2026 в МБОУ «Высоковская СОШ»", school: "edu700105",
                       link: (.objectivity, p2025("Математика", 5)),
                       heard: "О результатах школы по математике в 5 классе в прошлом учебном году и организации проверки работ ВПР-2026.",
                       decided: "Усилить контроль за проведением и проверкой работ.",
                       decisions: [Plan(text: "Провести проверку работ ВПР школьной комиссией с участием учителей другой параллели", owner: .school("edu700105"), days: 10,
                                        state: .assigned, reportForm: "протокол школьной комиссии")])
    }
}
