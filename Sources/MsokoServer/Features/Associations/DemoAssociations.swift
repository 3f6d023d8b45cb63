import Fluent
import MsokoCore
import Vapor

/// The demo district's associations (issue 16 §4): the РМО of mathematics teachers led by the demo
/// methodist, with the district's mathematics and primary teachers, two sittings held and one
/// planned (the first discussed the spring ВПР and adopted recommendations); the ШМО of primary
/// teachers of «Зырянская СОШ» led by the demo teacher; a library of recommendations on the demo
/// procedures' requirement codes, one attached to an item of the demo 4А plan. Dates are counted
/// from the day the demo is loaded, so that there is always a sitting held and one to come.
enum DemoAssociations {
    static func load(municipality m: Municipality, now: Date, on db: Database) async throws {
        let mid = try m.requireID()
        let today = LocalDate(now, in: m.zone)
        let users = Dictionary(uniqueKeysWithValues: try await User.query(on: db).filter(\.$municipality.$id == mid).all().map { ($0.login, $0) })
        guard let methodist = users["methodist"], let teacher = users["teacher"], let specialist = users["specialist"] else { throw ConfigError("Демо: нет методиста или учителя.") }
        let zyr = try await School.query(on: db).filter(\.$municipality.$id == mid).filter(\.$login == "edu700101").first()
        let staff = try await StaffMember.query(on: db).filter(\.$municipalityID == mid).all()
        let math2025 = try await Procedure.query(on: db).filter(\.$municipalityID == mid).filter(\.$year == 2025).filter(\.$subject == "Математика").filter(\.$grade == 4).first()

        func association(_ name: String, _ subject: String, school: School?, leader: User) async throws -> MethodAssociation {
            let a = MethodAssociation()
            a.regionID = m.$region.id
            a.municipalityID = mid
            a.$school.id = school?.id
            a.subject = subject
            a.name = name
            a.leaderID = leader.id
            a.createdBy = "demo"
            try await a.create(on: db)
            return a
        }
        let rmo = try await association("РМО учителей математики", "Математика", school: nil, leader: methodist)
        let mathTeachers = staff.filter { $0.position.contains("математик") || ($0.$school.id != nil && $0.position.contains("начальных") && $0.subjectList.contains("Математика")) }
        for s in mathTeachers.filter({ $0.$school.id != nil }) {
            let member = AssociationMember()
            member.$association.id = try rmo.requireID()
            member.$staff.id = try s.requireID()
            try await member.create(on: db)
        }
        var shmo: MethodAssociation?
        if let zyr {
            let a = try await association("ШМО учителей начальных классов", "Математика", school: zyr, leader: teacher)
            for s in staff.filter({ $0.$school.id == zyr.id && ($0.position.contains("начальных") || $0.position.contains("заместитель")) }) {
                let member = AssociationMember()
                member.$association.id = try a.requireID()
                member.$staff.id = try s.requireID()
                try await member.create(on: db)
            }
            shmo = a
        }

        func sitting(_ a: MethodAssociation, days: Int, title: String, leader: User, item: (title: String, heard: String, decided: String)?) async throws -> Meeting {
            let mt = try await AssociationsController.sitting(of: a, date: today.adding(days: days), time: "15:00",
                                                              place: a.isDistrict ? "Управление образования, методический кабинет" : "\(zyr?.shortName ?? ""), кабинет 12",
                                                              topic: title, number: days < 0 ? "\(abs(days) / 40 + 1)" : "", leader: leader, by: leader, on: db)
            if let item {
                let it = MeetingItem()
                it.$meeting.id = try mt.requireID()
                it.position = 1
                it.title = item.title
                it.schoolID = nil
                it.linkKind = math2025 == nil ? nil : RecordLink.Kind.analysis.rawValue
                it.linkProcedureID = math2025?.id
                it.linkRecordID = nil
                it.heard = item.heard
                it.spoke = ""
                it.decided = item.decided
                try await it.create(on: db)
            }
            return mt
        }
        let first = try await sitting(rmo, days: -90, title: "Анализ результатов ВПР по математике в 4 классах, типичные ошибки и ошибки оценивания", leader: methodist,
                                      item: ("О результатах ВПР по математике (4 класс)", "Лебедева Т.М.: наименьшая доля участников освоила решение текстовых задач и работу с таблицами; при проверке заданий с развёрнутым ответом расходятся оценки экспертов.",
                                             "Принять методические рекомендации по работе с текстовыми задачами и таблицами; включить их в планы ликвидации пробелов 4-х классов."))
        _ = try await sitting(rmo, days: -20, title: "Единые подходы к оцениванию заданий с развёрнутым ответом", leader: methodist,
                              item: ("О критериях оценивания заданий 8 и 9.2", "Разбор работ с расхождениями оценок при перепроверке.", "Провести семинар-практикум по критериям оценивания для учителей 4-х классов."))
        _ = try await sitting(rmo, days: 45, title: "Подготовка к ВПР: формирование функциональной грамотности на уроках математики", leader: methodist, item: nil)
        if let shmo {
            _ = try await sitting(shmo, days: -30, title: "Ликвидация пробелов по результатам ВПР в 4А", leader: teacher,
                                  item: ("О плане ликвидации пробелов 4А", "Смирнова О.И. о пунктах плана и сроках повторной диагностики.", "Провести повторную диагностику по пунктам плана в установленные сроки."))
            _ = try await sitting(shmo, days: 60, title: "Итоги повторной диагностики", leader: teacher, item: nil)
        }

        struct Plan { var title: String; var description: String; var subject: String; var grades: String; var codes: String; var url: String; var byRMO: Bool }
        let plans = [
            Plan(title: "Решение текстовых задач в 4 классе: схемы, краткая запись, проверка ответа",
                 description: "Приёмы работы с задачами в одно–четыре действия: моделирование условия схемой, краткая запись, план решения, проверка ответа по условию; подборка задач по возрастанию сложности.",
                 subject: "Математика", grades: "4", codes: "4.3; 4.10", url: "", byRMO: true),
            Plan(title: "Чтение таблиц и диаграмм: задания на извлечение и сравнение данных",
                 description: "Система упражнений на чтение, заполнение и сравнение данных таблиц и столбчатых диаграмм; типичные ошибки учеников.",
                 subject: "Математика", grades: "4-5", codes: "4.7; 4.8", url: "", byRMO: true),
            Plan(title: "Критерии оценивания заданий с развёрнутым ответом (математика, 4 класс)",
                 description: "Разбор критериев с примерами работ, на которых расходятся оценки экспертов при перепроверке.",
                 subject: "Математика", grades: "4", codes: "4.10; 4.12", url: "", byRMO: true),
            Plan(title: "Геометрические задачи: периметр, площадь, построение фигур",
                 description: "Практические задания на измерение и построение; использование клетчатой бумаги.",
                 subject: "Математика", grades: "4", codes: "4.5; 4.6", url: "https://fioco.ru/", byRMO: false),
            Plan(title: "Орфограммы корня: система упражнений по результатам ВПР",
                 description: "Упражнения на проверяемые и непроверяемые безударные гласные, парные согласные.",
                 subject: "Русский язык", grades: "4-5", codes: "", url: "https://fioco.ru/", byRMO: false),
        ]
        var made: [Recommendation] = []
        for p in plans {
            let r = Recommendation()
            r.regionID = m.$region.id
            r.municipalityID = mid
            r.$association.id = p.byRMO ? rmo.id : nil
            r.meetingID = p.byRMO ? first.id : nil
            r.title = p.title
            r.description = p.description
            r.subject = p.subject
            r.grades = RecommendationMatch.grades(p.grades).grades.map(String.init).joined(separator: "; ")
            r.codes = RecommendationMatch.codes(p.codes).codes.joined(separator: "; ")
            r.url = p.url
            r.createdBy = p.byRMO ? methodist.login : specialist.login
            r.createdByID = p.byRMO ? methodist.id : specialist.id
            try await r.create(on: db)
            if p.url.isEmpty {
                // The document as the association would upload it: a short DOCX of its own.
                var doc = DocxDocument(title: p.title)
                doc.paragraph(p.title, style: .title, alignment: .center)
                doc.paragraph("\(rmo.name). Предмет: \(p.subject); классы: \(p.grades); требования: \(p.codes).")
                doc.paragraph(p.description)
                let file = RecommendationFile()
                file.$recommendation.id = try r.requireID()
                file.keep(try doc.data(), name: "\(p.title.prefix(60)).docx")
                file.contentType = Download.docxType
                file.uploadedBy = r.createdBy
                try await file.create(on: db)
            }
            made.append(r)
        }
        // One recommendation already attached to the demo 4А plan's item on its code, by the ШМО's leader.
        if let zyr, let plan = try await GapPlan.query(on: db).filter(\.$school.$id == zyr.requireID()).first() {
            let items = try await GapPlanItem.query(on: db).filter(\.$plan.$id == plan.requireID()).sort(\.$position).all()
            for item in items {
                guard let rec = made.first(where: { $0.codeList.contains(item.code) }) else { continue }
                let link = GapItemRecommendation()
                link.$item.id = try item.requireID()
                link.$recommendation.id = try rec.requireID()
                link.attachedBy = teacher.login
                try await link.create(on: db)
                break
            }
        }
    }
}
