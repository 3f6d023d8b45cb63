import Fluent
import MsokoCore
import Vapor

/// The demo district's open information (4.1): published news of the department and of Зырянская
/// СОШ, published documents without names (an order on the procedures, the analytical справка, a
/// school's local act) and one uploaded but not yet published; Зырянская СОШ shows its own results
/// on its public page and lists its (made-up) website for the block.
enum DemoPublication {
    static func load(municipality m: Municipality, now: Date, on db: Database) async throws {
        let mid = try m.requireID()
        let today = LocalDate(now, in: m.zone)
        guard let zyr = try await School.query(on: db).filter(\.$municipality.$id == mid).filter(\.$login == "edu700101").first() else { return }
        let specialist = "specialist"

        /// An order through the department's order head (`DocxDocument.order`: letterhead, «ПРИКАЗ»,
        /// date and number lines, «ПРИКАЗЫВАЮ:»); other documents with a plain title.
        func doc(_ title: String, order: Bool, lines: [String]) throws -> Data {
            var d: DocxDocument
            if order, let preamble = lines.first {
                d = DocxDocument.order(title: title, letterhead: [m.departmentName], subject: title, preamble: preamble)
                for l in lines.dropFirst() { d.paragraph(l) }
            } else {
                d = DocxDocument(title: title)
                d.paragraph(m.departmentName, alignment: .center, bold: true)
                d.paragraph(title, style: .title, alignment: .center)
                for l in lines { d.paragraph(l) }
            }
            return try d.data()
        }
        func add(_ kind: PublicDocument.Kind, _ title: String, number: String, date: LocalDate, school: School?, published: Bool, lines: [String]) async throws {
            let d = PublicDocument(municipalityID: mid, regionID: m.$region.id, school: school?.id, kind: kind, title: title, number: number, date: date.iso,
                                   file: (title + ".docx", Download.docxType, try doc(title, order: kind == .order, lines: lines)), by: school == nil ? specialist : "head-zyr",
                                   publishedAt: published ? now : nil)
            try await d.create(on: db)
        }
        let spring = LocalDate(year: today.month >= 5 ? today.year : today.year - 1, month: 3, day: 12)
        try await add(.order, "О проведении всероссийских проверочных работ в \(spring.year) году", number: "45-о", date: spring, school: nil, published: true, lines: [
            "В соответствии с графиком проведения всероссийских проверочных работ",
            "1. Провести ВПР в общеобразовательных организациях района в сроки, установленные графиком.",
            "2. Обеспечить присутствие независимых наблюдателей в аудиториях при проведении работ.",
            "3. Провести выборочную перепроверку работ муниципальной комиссией.",
            "Версия для публикации: персональные данные наблюдателей и членов комиссии не приводятся."])
        try await add(.report, "Аналитическая справка по итогам ВПР \(spring.year) года", number: "", date: LocalDate(year: spring.year, month: 6, day: 20), school: nil, published: true, lines: [
            "Справка составлена по результатам всероссийских проверочных работ в целом по району; результаты отдельных школ не сравниваются."])
        try await add(.order, "О составе муниципальной комиссии по перепроверке работ", number: "46-о", date: spring.adding(days: 2), school: nil, published: false, lines: [
            "В целях объективной оценки результатов всероссийских проверочных работ",
            "1. Утвердить состав муниципальной комиссии (версия с фамилиями — для служебного пользования)."])
        try await add(.localAct, "Положение о внутренней системе оценки качества образования", number: "12", date: LocalDate(year: spring.year - 1, month: 8, day: 30), school: zyr, published: true, lines: [
            "Положение определяет порядок проведения оценочных процедур в школе и информирования родителей о результатах."])

        func post(_ title: String, _ body: String, daysAgo: Int, school: School?) async throws {
            let n = NewsPost()
            n.regionID = m.$region.id
            n.municipalityID = mid
            n.$school.id = school?.id
            n.title = title
            n.body = body
            n.publishedAt = now.addingTimeInterval(-Double(daysAgo) * 86_400)
            n.createdBy = school == nil ? specialist : "head-zyr"
            try await n.create(on: db)
        }
        try await post("Итоги ВПР \(spring.year) года в районе", "Опубликованы результаты всероссийских проверочных работ в целом по району в сравнении с регионом и Россией.\n\nРезультаты отдельных школ не сравниваются: рейтинги школ по ВПР не составляются.", daysAgo: 40, school: nil)
        try await post("Общественное наблюдение при проведении ВПР", "В дни проведения проверочных работ в аудиториях присутствовали специалисты Управления образования и общественные наблюдатели из числа родителей.\n\nРодители, желающие стать общественными наблюдателями, могут обратиться в школу или в Управление образования.", daysAgo: 25, school: nil)
        try await post("Работа муниципальной комиссии по перепроверке", "Муниципальная комиссия перепроверила выборку работ по математике. По итогам проведён семинар для учителей о типичных ошибках оценивания.", daysAgo: 10, school: nil)
        try await post("Родительское собрание по итогам ВПР", "Классные руководители рассказали родителям о результатах ВПР и о работе по ликвидации пробелов в знаниях. Листы результатов выданы с кодами доступа.", daysAgo: 5, school: zyr)

        let settings = SchoolPublicSettings()
        settings.$school.id = try zyr.requireID()
        settings.siteOrigins = "https://zyr-school.example.ru"
        settings.showResults = true
        settings.updatedBy = specialist
        try await settings.create(on: db)
    }
}
