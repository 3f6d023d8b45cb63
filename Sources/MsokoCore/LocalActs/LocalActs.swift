import Foundation

/// Each school's local acts on assessment (measure 1.6, «Корректировка локальных актов», May–August):
/// the district's list of required acts with its review checklists, the normative acts a version
/// cites and the district's list of superseded ones, and the state of a school's act against the
/// review window.
public struct LocalActType: Sendable, Equatable, Codable {
    /// Stable key a school's versions refer to («vsoko»).
    public var key: String
    public var title: String
    public var required: Bool
    /// The district's checklist when it reviews a version of this act.
    public var checklist: [String]

    public init(key: String, title: String, required: Bool = true, checklist: [String] = []) {
        self.key = key
        self.title = title
        self.required = required
        self.checklist = checklist
    }
}

/// A normative act a version cites, as typed in with the version (not read out of its file).
public struct Citation: Sendable, Equatable, Codable {
    public var title: String
    public var number: String
    /// «YYYY-MM-DD», or empty.
    public var date: String

    public init(title: String, number: String = "", date: String = "") {
        self.title = title
        self.number = number
        self.date = date
    }

    public var text: String {
        var s = title
        if !number.isEmpty { s += " № \(number)" }
        if !date.isEmpty { s += " от \(LocalDate.russian(date))" }
        return s
    }
}

/// A normative act the district knows to be replaced: a version that still cites it is flagged.
public struct SupersededAct: Sendable, Equatable, Codable {
    public var citation: Citation
    /// What replaced it, in words («приказ Минпросвещения России от … № …»).
    public var replacedBy: String

    public init(citation: Citation, replacedBy: String) {
        self.citation = citation
        self.replacedBy = replacedBy
    }
}

/// Where a school's act stands in the current review cycle (the API's `status`).
public enum ActStatus: String, Sendable, CaseIterable, Codable {
    case missing, notUpdated, underReview, adopted, published

    public var title: String {
        switch self {
        case .missing: return "нет"
        case .notUpdated: return "не обновлён"
        case .underReview: return "на согласовании"
        case .adopted: return "принят"
        case .published: return "опубликован"
        }
    }
}

public enum LocalActs {
    /// The usual set a district starts from (editable in its settings).
    public static let defaults: [LocalActType] = [
        LocalActType(key: "vsoko", title: "Положение о внутренней системе оценки качества образования (ВСОКО)", checklist: [
            "Названы ВПР и другие оценочные процедуры, в которых участвует школа, и их график",
            "Предусмотрены меры по обеспечению объективности (независимые наблюдатели, перепроверка работ)",
            "Результаты оценочных процедур не используются для оценки учителей и рейтингования",
            "Определён порядок анализа результатов и использования их для ликвидации пробелов",
            "Предусмотрено информирование обучающихся и родителей о результатах",
            "Ссылки на нормативные акты действующие",
        ]),
        LocalActType(key: "attestation", title: "Положение о формах, периодичности и порядке текущего контроля успеваемости и промежуточной аттестации обучающихся", checklist: [
            "Формы и периодичность текущего контроля определены по предметам",
            "Порядок промежуточной аттестации соответствует ФГОС и ФОП",
            "Результаты ВПР не выставляются как отметки за промежуточную аттестацию без решения педсовета",
            "Предусмотрен порядок ликвидации академической задолженности",
            "Ссылки на нормативные акты действующие",
        ]),
        LocalActType(key: "marks", title: "Положение о системе оценивания (оценки достижения планируемых результатов)", checklist: [
            "Критерии отметок согласованы с критериями оценочных процедур",
            "Определены требования к объективности текущего оценивания",
            "Ссылки на нормативные акты действующие",
        ]),
        LocalActType(key: "route", title: "Положение об индивидуальном образовательном маршруте", checklist: [
            "Основания для маршрута связаны с результатами оценочных процедур",
            "Предусмотрено согласие родителей (законных представителей)",
            "Определены проверка результата и сроки",
        ]),
        LocalActType(key: "shmo", title: "Положение о школьном методическом объединении (ШМО)", checklist: [
            "В задачах ШМО — анализ результатов оценочных процедур и типичных ошибок",
            "Ссылки на нормативные акты действующие",
        ]),
        LocalActType(key: "procedures", title: "Порядок проведения оценочных процедур (ВПР)", checklist: [
            "Назначены организаторы и независимые наблюдатели",
            "Определены проверка работ и перепроверка",
            "Определено хранение работ и протоколов соответствия кодов",
            "Ссылки на нормативные акты действующие",
        ]),
    ]

    /// The review window a date falls after: 1 May – 31 August of its year from 1 May on, else of
    /// the year before. An act adopted before the window's start has not been updated in this cycle.
    public static func window(containingOrBefore today: LocalDate) -> (start: LocalDate, end: LocalDate) {
        let year = today.month >= 5 ? today.year : today.year - 1
        return (LocalDate(year: year, month: 5, day: 1), LocalDate(year: year, month: 8, day: 31))
    }

    /// What the status needs to know of a version.
    public struct VersionFacts: Sendable, Equatable {
        public var number: Int
        /// The order that put it into force, if adopted.
        public var adoptedOn: LocalDate?
        public var published: Bool
        public init(number: Int, adoptedOn: LocalDate?, published: Bool) {
            self.number = number
            self.adoptedOn = adoptedOn
            self.published = published
        }
    }

    /// The state of one school's act: none; its newest version not adopted yet (на согласовании);
    /// adopted before the current window began (не обновлён); adopted in it (принят); and published.
    public static func status(_ versions: [VersionFacts], today: LocalDate) -> ActStatus {
        guard let latest = versions.max(by: { $0.number < $1.number }) else { return .missing }
        guard let adopted = latest.adoptedOn else { return .underReview }
        if adopted < window(containingOrBefore: today).start { return .notUpdated }
        return latest.published ? .published : .adopted
    }

    /// The superseded acts a version's citations name: the same number (ignoring «№», spaces, case)
    /// and, where both give one, the same date; where either has no number, the same title.
    public static func flags(_ citations: [Citation], superseded: [SupersededAct]) -> [(citation: Citation, superseded: SupersededAct)] {
        citations.compactMap { c in
            superseded.first { s in
                let (a, b) = (normal(c.number), normal(s.citation.number))
                if !a.isEmpty && !b.isEmpty { return a == b && (c.date.isEmpty || s.citation.date.isEmpty || c.date == s.citation.date) }
                return normal(c.title) == normal(s.citation.title)
            }.map { (c, $0) }
        }
    }

    static func normal(_ s: String) -> String {
        s.lowercased().replacingOccurrences(of: "ё", with: "е").filter { !$0.isWhitespace && $0 != "№" && $0 != "\"" && $0 != "«" && $0 != "»" }
    }

    /// Citations typed one a line: «название | номер | дата» (number and date may be left out);
    /// problems named by line.
    public static func parseCitations(_ text: String) -> (citations: [Citation], problems: [String]) {
        var out: [Citation] = [], problems: [String] = []
        for (i, raw) in text.components(separatedBy: .newlines).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            guard !line.isEmpty else { continue }
            let parts = line.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count <= 3, !parts[0].isEmpty else {
                problems.append("строка \(i + 1): ожидается «название | номер | дата», а не «\(line.prefix(80))»")
                continue
            }
            var date = ""
            if parts.count == 3, !parts[2].isEmpty {
                guard let d = LocalDate(typed: parts[2]) else {
                    problems.append("строка \(i + 1): дата «\(parts[2])» — ожидается ДД.ММ.ГГГГ")
                    continue
                }
                date = d.iso
            }
            out.append(Citation(title: parts[0], number: parts.count >= 2 ? parts[1].replacingOccurrences(of: "№", with: "").trimmingCharacters(in: .whitespaces) : "", date: date))
        }
        return (out, problems)
    }

    /// Superseded acts one a line: «название | номер | дата | чем заменён».
    public static func parseSuperseded(_ text: String) -> (acts: [SupersededAct], problems: [String]) {
        var out: [SupersededAct] = [], problems: [String] = []
        for (i, raw) in text.components(separatedBy: .newlines).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            guard !line.isEmpty else { continue }
            let parts = line.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 4, !parts[0].isEmpty, !parts[3].isEmpty else {
                problems.append("строка \(i + 1): ожидается «название | номер | дата | чем заменён», а не «\(line.prefix(80))»")
                continue
            }
            var date = ""
            if !parts[2].isEmpty {
                guard let d = LocalDate(typed: parts[2]) else {
                    problems.append("строка \(i + 1): дата «\(parts[2])» — ожидается ДД.ММ.ГГГГ")
                    continue
                }
                date = d.iso
            }
            out.append(SupersededAct(citation: Citation(title: parts[0], number: parts[1].replacingOccurrences(of: "№", with: "").trimmingCharacters(in: .whitespaces), date: date), replacedBy: parts[3]))
        }
        return (out, problems)
    }

    public static func lines(_ citations: [Citation]) -> String {
        citations.map { c in [c.title, c.number, c.date.isEmpty ? "" : LocalDate.russian(c.date)].joined(separator: " | ") }.joined(separator: "\n")
    }

    public static func lines(_ superseded: [SupersededAct]) -> String {
        superseded.map { s in [s.citation.title, s.citation.number, s.citation.date.isEmpty ? "" : LocalDate.russian(s.citation.date), s.replacedBy].joined(separator: " | ") }.joined(separator: "\n")
    }

    /// The district's default list of superseded acts: the orders on the ВПР and on the organisation
    /// of the education process replaced since 2021 (a district edits it).
    public static let defaultSuperseded: [SupersededAct] = [
        SupersededAct(citation: Citation(title: "Приказ Минобрнауки России «Об утверждении Порядка организации и осуществления образовательной деятельности по основным общеобразовательным программам»", number: "1015", date: "2013-08-30"),
                      replacedBy: "приказ Минпросвещения России от 22.03.2021 № 115"),
        SupersededAct(citation: Citation(title: "Приказ Минобрнауки России «Об утверждении федерального государственного образовательного стандарта начального общего образования»", number: "373", date: "2009-10-06"),
                      replacedBy: "приказ Минпросвещения России от 31.05.2021 № 286"),
        SupersededAct(citation: Citation(title: "Приказ Минобрнауки России «Об утверждении федерального государственного образовательного стандарта основного общего образования»", number: "1897", date: "2010-12-17"),
                      replacedBy: "приказ Минпросвещения России от 31.05.2021 № 287"),
    ]
}
