import Foundation

/// One concrete due date derived from a measure's timing.
public struct CheckpointPlan: Equatable, Sendable {
    public var due: LocalDate
    /// Start of the window for a range («Май-август» → 1 May), nil for a single month.
    public var windowStart: LocalDate?
    public var label: String

    public init(due: LocalDate, windowStart: LocalDate? = nil, label: String) {
        self.due = due
        self.windowStart = windowStart
        self.label = label
    }
}

public enum TimingError: Error, Equatable, CustomStringConvertible, Sendable {
    case empty
    case unknownWord(String)
    case pastSchoolYear(String)
    case badRange(String)

    public var description: String {
        switch self {
        case .empty:
            return "срок не указан."
        case .unknownWord(let word):
            return "не удалось разобрать срок: «\(word)» — не месяц и не «Постоянно» / «В течение учебного года»."
        case .pastSchoolYear(let word):
            return "месяц «\(word)» выходит за пределы учебного года (август — август)."
        case .badRange(let text):
            return "не удалось разобрать период «\(text)»: ожидается вид «Май-август»."
        }
    }
}

/// Turns a roadmap timing text into checkpoints. The school year runs from 1 August of its
/// first year to 31 August of the next. Rules (issue 2):
/// - a list of months is read in order, each month the first one after the previous;
/// - a range «Май-август» is one checkpoint with a window (1 May - 31 August);
/// - a checkpoint is due on the last day of its month; a bracketed note labels it;
/// - «Постоянно», «В течение учебного года», «В течение года» are ongoing, reported quarterly
///   (31 October, 31 December, 31 March, 31 May).
public enum TimingParser {
    static let monthStems: [(stem: String, month: Int)] = [
        ("январ", 1), ("феврал", 2), ("март", 3), ("апрел", 4), ("май", 5), ("мая", 5),
        ("июн", 6), ("июл", 7), ("август", 8), ("сентябр", 9), ("октябр", 10), ("ноябр", 11), ("декабр", 12),
    ]
    public static let monthNames = ["январь", "февраль", "март", "апрель", "май", "июнь", "июль",
                                    "август", "сентябрь", "октябрь", "ноябрь", "декабрь"]
    static let ongoingPhrases = ["постоянно", "в течение учебного года", "в течение года", "ежемесячно", "в течение всего года"]

    public static func isOngoing(_ timing: String) -> Bool {
        ongoingPhrases.contains(normalize(timing))
    }

    public static func checkpoints(for timing: String, schoolYearStart: Int) throws -> [CheckpointPlan] {
        let text = normalize(timing)
        guard !text.isEmpty else { throw TimingError.empty }
        if ongoingPhrases.contains(text) {
            return quarterly(schoolYearStart: schoolYearStart)
        }
        let parts = splitTopLevel(timing)
        var plans: [CheckpointPlan] = []
        // Position within the school year: 0 = August of the first year … 12 = August of the next.
        var cursor = -1
        for part in parts {
            let (body, note) = splitNote(part)
            let rangeParts = body.split(whereSeparator: { $0 == "-" || $0 == "–" || $0 == "—" })
                .map { $0.trimmingCharacters(in: .whitespaces) }
            if rangeParts.count == 2 {
                guard let from = month(in: rangeParts[0]), let to = month(in: rangeParts[1]) else {
                    if month(in: rangeParts[0]) == nil && month(in: rangeParts[1]) == nil { throw TimingError.unknownWord(body) }
                    throw TimingError.badRange(part.trimmingCharacters(in: .whitespaces))
                }
                let startPos = try position(of: from, after: cursor, word: rangeParts[0])
                let endPos = try position(of: to, after: startPos, word: rangeParts[1])
                cursor = endPos
                let start = date(atPosition: startPos, schoolYearStart: schoolYearStart)
                let end = date(atPosition: endPos, schoolYearStart: schoolYearStart)
                let label = capitalized("\(rangeParts[0]) – \(rangeParts[1]) \(end.year)") + noteSuffix(note)
                plans.append(CheckpointPlan(due: LocalDate.lastDay(ofMonth: end.month, year: end.year),
                                            windowStart: LocalDate(year: start.year, month: start.month, day: 1),
                                            label: label))
            } else if rangeParts.count == 1, let m = month(in: body) {
                let pos = try position(of: m, after: cursor, word: body)
                cursor = pos
                let d = date(atPosition: pos, schoolYearStart: schoolYearStart)
                let label = capitalized("\(monthNames[m - 1]) \(d.year)") + noteSuffix(note)
                plans.append(CheckpointPlan(due: LocalDate.lastDay(ofMonth: d.month, year: d.year), label: label))
            } else if rangeParts.count > 2 {
                throw TimingError.badRange(part.trimmingCharacters(in: .whitespaces))
            } else {
                throw TimingError.unknownWord(body)
            }
        }
        guard !plans.isEmpty else { throw TimingError.empty }
        return plans
    }

    static func quarterly(schoolYearStart y: Int) -> [CheckpointPlan] {
        [
            CheckpointPlan(due: LocalDate(year: y, month: 10, day: 31), label: "Отчёт на 31.10.\(y)"),
            CheckpointPlan(due: LocalDate(year: y, month: 12, day: 31), label: "Отчёт на 31.12.\(y)"),
            CheckpointPlan(due: LocalDate(year: y + 1, month: 3, day: 31), label: "Отчёт на 31.03.\(y + 1)"),
            CheckpointPlan(due: LocalDate(year: y + 1, month: 5, day: 31), label: "Отчёт на 31.05.\(y + 1)"),
        ]
    }

    static func normalize(_ text: String) -> String {
        var t = text.lowercased().replacingOccurrences(of: "ё", with: "е")
        t = t.trimmingCharacters(in: CharacterSet(charactersIn: " ,.;\t\n"))
        while t.contains("  ") { t = t.replacingOccurrences(of: "  ", with: " ") }
        return t
    }

    /// Splits at commas and semicolons outside brackets; drops empty parts (trailing commas).
    static func splitTopLevel(_ text: String) -> [String] {
        var parts: [String] = []
        var current = ""
        var depth = 0
        for ch in text {
            if ch == "(" { depth += 1 }
            if ch == ")" { depth = max(0, depth - 1) }
            if (ch == "," || ch == ";") && depth == 0 {
                parts.append(current)
                current = ""
            } else {
                current.append(ch)
            }
        }
        parts.append(current)
        return parts.map { $0.trimmingCharacters(in: CharacterSet(charactersIn: " .\t\n")) }.filter { !$0.isEmpty }
    }

    /// «Январь (региональный мониторинг)» → («Январь», «региональный мониторинг»).
    static func splitNote(_ part: String) -> (String, String?) {
        guard let open = part.firstIndex(of: "("), let close = part.lastIndex(of: ")"), open < close else {
            return (part.trimmingCharacters(in: .whitespaces), nil)
        }
        let body = (String(part[..<open]) + String(part[part.index(after: close)...])).trimmingCharacters(in: .whitespaces)
        let note = part[part.index(after: open)..<close].trimmingCharacters(in: .whitespaces)
        return (body, note.isEmpty ? nil : note)
    }

    static func month(in word: String) -> Int? {
        let w = normalize(word)
        guard !w.isEmpty, !w.contains(" ") || w.split(separator: " ").count == 1 else { return nil }
        for (stem, m) in monthStems where w.hasPrefix(stem) && w.count <= stem.count + 3 { return m }
        return nil
    }

    /// The first position of `month` strictly after `cursor` (positions: Aug = 0 … next Aug = 12).
    static func position(of month: Int, after cursor: Int, word: String) throws -> Int {
        let base = (month - 8 + 12) % 12
        var pos = base
        while pos <= cursor { pos += 12 }
        guard pos <= 12 else { throw TimingError.pastSchoolYear(word) }
        return pos
    }

    static func date(atPosition pos: Int, schoolYearStart: Int) -> (year: Int, month: Int) {
        let absolute = 7 + pos  // August is month index 7 (0-based)
        return (schoolYearStart + absolute / 12, absolute % 12 + 1)
    }

    static func noteSuffix(_ note: String?) -> String { note.map { " (\($0))" } ?? "" }

    static func capitalized(_ s: String) -> String { s.prefix(1).uppercased() + s.dropFirst() }
}
