import Foundation

/// The protocol of a meeting and the order drafted from its decisions (issue 15 §1), each from a
/// template the district edits as text, like the order «Об итогах …» (`OrderTemplate`: `# …`
/// centred and bold, `- …` a list item, `**…**` bold, `{ключ}` filled). Placeholders that stand for
/// several lines (the attendees, the agenda, the course of the meeting, the order's items) become
/// several paragraphs.
public enum MeetingDocuments {
    /// One decision as a document writes it.
    public struct Decision: Sendable {
        public var text: String
        /// «Кузнецова Н.В., директор МБОУ «Зырянская СОШ»», «МОУ «Михайловская СОШ»», «Управление образования».
        public var owner: String
        public var deadline: LocalDate?
        public var reportForm: String
        /// «выполнено», for the decisions of earlier meetings the agenda carries forward.
        public var status: String
        public init(text: String, owner: String, deadline: LocalDate?, reportForm: String = "", status: String = "") {
            self.text = text
            self.owner = owner
            self.deadline = deadline
            self.reportForm = reportForm
            self.status = status
        }
    }

    public struct Item: Sendable {
        public var title: String
        public var heard: String
        public var spoke: String
        public var decided: String
        public var decisions: [Decision]
        public init(title: String, heard: String = "", spoke: String = "", decided: String = "", decisions: [Decision] = []) {
            self.title = title
            self.heard = heard
            self.spoke = spoke
            self.decided = decided
            self.decisions = decisions
        }
    }

    public struct Attendee: Sendable {
        public var name: String
        public var post: String
        public init(name: String, post: String) {
            self.name = name
            self.post = post
        }
    }

    /// A meeting as its documents need it (already cut to what the reader may see).
    public struct Meeting: Sendable {
        public var department: String
        public var territory: String
        public var kind: MeetingKind
        public var title: String
        public var number: String
        public var date: LocalDate
        public var time: String
        public var place: String
        public var chair: Attendee?
        public var secretary: Attendee?
        public var attendees: [Attendee]
        /// Attendees a head's copy leaves out (the other schools'): counted, not named.
        public var hiddenAttendees: Int
        /// Earlier open decisions carried onto the agenda (item 1 when there are any).
        public var carried: [Decision]
        public var items: [Item]
        public var schoolYear: String
        public var signature: [String]
        /// The school an interview is with («МБОУ «Зырянская СОШ»»), named in the protocol's heading.
        public var school: String = ""
        public init(department: String, territory: String, kind: MeetingKind, title: String, number: String, date: LocalDate, time: String = "", place: String = "",
                    chair: Attendee? = nil, secretary: Attendee? = nil, attendees: [Attendee] = [], hiddenAttendees: Int = 0, carried: [Decision] = [],
                    items: [Item] = [], schoolYear: String = "", signature: [String] = [], school: String = "") {
            self.department = department
            self.territory = territory
            self.kind = kind
            self.title = title
            self.number = number
            self.date = date
            self.time = time
            self.place = place
            self.chair = chair
            self.secretary = secretary
            self.attendees = attendees
            self.hiddenAttendees = hiddenAttendees
            self.carried = carried
            self.items = items
            self.schoolYear = schoolYear
            self.signature = signature
            self.school = school
        }

        /// «собеседования с руководителем МБОУ «Зырянская СОШ»», «совещания руководителей …».
        public var of: String {
            kind == .interview && !school.isEmpty ? "собеседования с руководителем \(school)" : kind.protocolOf
        }

        /// Every decision of the meeting, in agenda order.
        public var decisions: [Decision] { items.flatMap(\.decisions) }
    }

    public static let carriedTitle = "О ходе исполнения ранее принятых решений"

    // MARK: the protocol

    public static let protocolKeys: [(key: String, meaning: String)] = [
        ("орган", "наименование органа управления образованием"), ("район", "муниципальное образование"),
        ("номер", "номер протокола"), ("вид", "вид заседания в родительном падеже: «совещания руководителей общеобразовательных организаций»"),
        ("тема", "название заседания"), ("дата", "дата заседания"), ("время", "время начала"), ("место", "место или ссылка"),
        ("председатель", "председатель с должностью"), ("председатель_фио", "председатель (ФИО)"),
        ("секретарь", "секретарь с должностью"), ("секретарь_фио", "секретарь (ФИО)"),
        ("число_присутствовавших", "сколько присутствовало"), ("присутствовали", "список присутствовавших с должностями (по строке)"),
        ("повестка", "пункты повестки (по строке)"), ("ход", "по каждому пункту: СЛУШАЛИ, ВЫСТУПИЛИ, РЕШИЛИ и решения с ответственными и сроками"),
    ]

    public static func protocolValues(_ m: Meeting) -> [String: String] {
        let agenda = agendaTitles(m)
        var attendees = m.attendees.map { "- " + line($0) }
        if m.hiddenAttendees > 0 {
            attendees.append("- и ещё \(m.hiddenAttendees) \(Plural.form(m.hiddenAttendees, "участник", "участника", "участников")) от других общеобразовательных организаций")
        }
        return [
            "орган": m.department, "район": m.territory, "номер": m.number.isEmpty ? "___" : m.number, "вид": m.of,
            "тема": m.title, "дата": m.date.russian, "время": m.time, "место": m.place.isEmpty ? "—" : m.place,
            "председатель": m.chair.map(line) ?? "—", "председатель_фио": m.chair?.name ?? "____________",
            "секретарь": m.secretary.map(line) ?? "—", "секретарь_фио": m.secretary?.name ?? "____________",
            "число_присутствовавших": String(m.attendees.count + m.hiddenAttendees),
            "присутствовали": attendees.isEmpty ? "—" : attendees.joined(separator: "\n"),
            "повестка": agenda.isEmpty ? "—" : agenda.enumerated().map { "\($0.offset + 1). \($0.element)" }.joined(separator: "\n"),
            "ход": course(m),
        ]
    }

    static func line(_ a: Attendee) -> String { a.post.isEmpty ? a.name : "\(a.name), \(a.post)" }

    static func agendaTitles(_ m: Meeting) -> [String] { (m.carried.isEmpty ? [] : [carriedTitle]) + m.items.map(\.title) }

    /// «1. О …», then СЛУШАЛИ, ВЫСТУПИЛИ, РЕШИЛИ and the numbered decisions of each item.
    static func course(_ m: Meeting) -> String {
        var lines: [String] = []
        var n = 0
        if !m.carried.isEmpty {
            n += 1
            lines.append("**\(n). \(carriedTitle)**")
            lines.append("**СЛУШАЛИ:** о ходе исполнения решений прошлых заседаний (\(m.carried.count)):")
            for d in m.carried { lines.append("- \(d.text) — \(d.owner)\(d.deadline.map { ", срок \($0.russian)" } ?? "")\(d.status.isEmpty ? "" : ": \(d.status)").") }
        }
        for item in m.items {
            n += 1
            lines.append("**\(n). \(item.title)**")
            if !item.heard.isEmpty { lines.append("**СЛУШАЛИ:** \(oneLine(item.heard))") }
            if !item.spoke.isEmpty { lines.append("**ВЫСТУПИЛИ:** \(oneLine(item.spoke))") }
            if !item.decided.isEmpty || !item.decisions.isEmpty {
                lines.append("**РЕШИЛИ:** \(oneLine(item.decided))")
                for (k, d) in item.decisions.enumerated() { lines.append("\(n).\(k + 1). \(decisionLine(d))") }
            }
        }
        return lines.isEmpty ? "Вопросы не рассматривались." : lines.joined(separator: "\n")
    }

    /// Text typed on several lines stays one paragraph of the document (a line break would start a new one).
    static func oneLine(_ s: String) -> String {
        s.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.joined(separator: " ")
    }

    static func decisionLine(_ d: Decision) -> String {
        var s = sentence(oneLine(d.text))
        s += " Ответственный: " + sentence(d.owner)
        if let dl = d.deadline { s += " Срок: до \(dl.russian)." }
        if !d.reportForm.isEmpty { s += " Форма отчёта: " + sentence(oneLine(d.reportForm)) }
        return s
    }

    /// The text ending in a full stop, not two («Лебедева Т.М.», «…в работе!»).
    static func sentence(_ s: String) -> String {
        guard let last = s.last else { return s }
        return ".!?…".contains(last) ? s : s + "."
    }

    public static var defaultProtocolTemplate: String {
        """
        # {орган}
        # ПРОТОКОЛ № {номер}
        # {вид}
        # «{тема}»

        {дата} {время}    {место}

        Председатель: {председатель}
        Секретарь: {секретарь}
        Присутствовали ({число_присутствовавших}):
        {присутствовали}

        # ПОВЕСТКА ДНЯ:
        {повестка}

        {ход}

        Председатель ____________________ / {председатель_фио} /
        Секретарь ____________________ / {секретарь_фио} /
        """
    }

    // MARK: the order

    public static let orderKeys: [(key: String, meaning: String)] = [
        ("орган", "наименование органа управления образованием"), ("район", "муниципальное образование"),
        ("дата", "дата приказа (сегодня)"), ("номер", "номер протокола"), ("вид", "вид заседания в родительном падеже"),
        ("тема", "название заседания"), ("дата_заседания", "дата заседания"), ("учебный_год", "учебный год"),
        ("мероприятие", "мероприятие дорожной карты: «1.5 …»"), ("пункты", "решения заседания — пункты приказа с ответственными и сроками"),
        ("пункт_контроля", "номер пункта о контроле (следующий за решениями)"), ("контроль", "на кого возложен контроль"), ("подпись", "блок подписи района"),
    ]

    public static func orderValues(_ m: Meeting, today: LocalDate, measure: String, control: String) -> [String: String] {
        let decisions = m.decisions
        return [
            "орган": m.department, "район": m.territory, "дата": today.russian, "номер": m.number.isEmpty ? "___" : m.number, "вид": m.of,
            "тема": m.title, "дата_заседания": m.date.russian, "учебный_год": m.schoolYear, "мероприятие": measure,
            "пункты": decisions.isEmpty ? "1. Принять к сведению информацию, рассмотренную на заседании."
                : decisions.enumerated().map { "\($0.offset + 1). \(decisionLine($0.element))" }.joined(separator: "\n"),
            "пункт_контроля": String(max(decisions.count, 1) + 1), "контроль": control, "подпись": m.signature.joined(separator: "\n"),
        ]
    }

    public static var defaultOrderTemplate: String {
        """
        # {орган}
        # {район}

        # ПРИКАЗ

        {дата}                                                  № ______

        # Об исполнении решений {вид} от {дата_заседания}

        В соответствии с дорожной картой по повышению качества образования на {учебный_год} учебный год (мероприятие {мероприятие}) и на основании протокола № {номер} {вид} «{тема}» от {дата_заседания}

        ПРИКАЗЫВАЮ:

        {пункты}
        {пункт_контроля}. Контроль за исполнением приказа возложить на {контроль}.

        {подпись}
        """
    }

    // MARK: shared

    /// Placeholders of `template` that are not among `keys`, for the settings form to refuse.
    public static func unknownKeys(in template: String, keys: [(key: String, meaning: String)]) -> [String] {
        let known = Set(keys.map(\.key))
        return OrderTemplate.placeholders(template).filter { !known.contains($0) }
    }

    public static func document(template: String, values: [String: String], title: String) -> DocxDocument {
        OrderTemplate.document(OrderTemplate.fill(template, values: values), title: title)
    }
}
