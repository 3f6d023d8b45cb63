import Foundation

/// Difficulty level of a task: базовый, повышенный, высокий.
public enum TaskLevel: String, Codable, CaseIterable, Sendable {
    case basic = "Б"
    case advanced = "П"
    case high = "В"

    /// Reads «Б», «б», Latin look-alikes («B» for «В»), «базовый» and the like.
    public init?(text: String) {
        let t = Lookalikes.cyrillic(text.trimmingCharacters(in: .whitespaces)).uppercased()
        switch t {
        case "Б", "БАЗОВЫЙ", "Б.": self = .basic
        case "П", "ПОВЫШЕННЫЙ", "П.": self = .advanced
        case "В", "ВЫСОКИЙ", "В.": self = .high
        default: return nil
        }
    }

    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let level = TaskLevel(text: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "level"))
        }
        self = level
    }
}

/// A checked requirement / planned result (КЭС, ПРООП) with its code.
public struct Requirement: Codable, Equatable, Sendable {
    public var code: String
    public var text: String
    public init(code: String, text: String) {
        self.code = code
        self.text = text
    }
}

public struct TaskSpec: Codable, Equatable, Sendable {
    /// «1», «9.1», «2К1» (criteria К1, К2 … of a Russian-language task).
    public var number: String
    public var max: Int
    public var level: TaskLevel
    public var requirements: [Requirement]

    public init(number: String, max: Int, level: TaskLevel, requirements: [Requirement] = []) {
        self.number = number
        self.max = max
        self.level = level
        self.requirements = requirements
    }

    enum CodingKeys: String, CodingKey { case number, max, level, requirements }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        number = TaskNumber.normalize(try c.decode(String.self, forKey: .number))
        max = try c.decode(Int.self, forKey: .max)
        level = try c.decode(TaskLevel.self, forKey: .level)
        requirements = try c.decodeIfPresent([Requirement].self, forKey: .requirements) ?? []
    }
}

/// Minimum primary score for marks 3, 4 and 5.
public struct MarkScale: Codable, Equatable, Sendable {
    public var three: Int
    public var four: Int
    public var five: Int

    public init(three: Int, four: Int, five: Int) {
        self.three = three
        self.four = four
        self.five = five
    }

    public func mark(for score: Int) -> Int {
        score >= five ? 5 : score >= four ? 4 : score >= three ? 3 : 2
    }

    enum CodingKeys: String, CodingKey {
        case three = "3", four = "4", five = "5"
    }
}

/// Reference figures (region, Russia) as fractions 0..1.
public struct ReferenceFigures: Codable, Equatable, Sendable {
    /// Share of each mark, keys «2» … «5».
    public var marks: [String: Double]?
    /// Completion of each task (fraction of its max score), keys are task numbers.
    public var tasks: [String: Double]?
    /// The row's name as ФИС ОКО prints it («Томская обл.», «Вся выборка»); nil: the level's default.
    public var label: String?
    public init(marks: [String: Double]? = nil, tasks: [String: Double]? = nil, label: String? = nil) {
        self.marks = marks
        self.tasks = tasks
        self.label = label
    }
}

/// The specification of an assessment procedure: what `msoko procedure add --spec` reads
/// (schema in docs/specification-format.md).
public struct ProcedureSpec: Codable, Equatable, Sendable {
    public var type: String
    public var year: Int
    public var subject: String
    public var grade: Int
    public var form: String?
    public var tasks: [TaskSpec]
    public var scale: MarkScale?
    public var reference: [String: ReferenceFigures]?

    public init(type: String, year: Int, subject: String, grade: Int, form: String? = nil, tasks: [TaskSpec],
                scale: MarkScale?, reference: [String: ReferenceFigures]? = nil) {
        self.type = type
        self.year = year
        self.subject = subject
        self.grade = grade
        self.form = form
        self.tasks = tasks
        self.scale = scale
        self.reference = reference
    }

    public var maxScore: Int { tasks.reduce(0) { $0 + $1.max } }

    /// A reference row's name as ФИС ОКО prints it: the label stored with the figures, else
    /// «Вся выборка» for Russia and «Регион» for the region.
    public func referenceName(_ level: ReferenceTable.Level) -> String {
        if let l = reference?[level.rawValue]?.label?.trimmingCharacters(in: .whitespaces), !l.isEmpty { return l }
        return level.defaultName
    }

    /// Reads and checks a specification file; every problem names the field.
    public static func read(data: Data, file: String) throws -> ProcedureSpec {
        let spec: ProcedureSpec
        do {
            spec = try JSONDecoder().decode(ProcedureSpec.self, from: data)
        } catch let DecodingError.keyNotFound(key, ctx) {
            throw SpecError(file: file, problems: ["нет поля «\(path(ctx.codingPath + [key]))»"])
        } catch let DecodingError.typeMismatch(_, ctx) {
            throw SpecError(file: file, problems: ["поле «\(path(ctx.codingPath))»: неверный тип значения"])
        } catch let DecodingError.dataCorrupted(ctx) {
            let field = path(ctx.codingPath)
            throw SpecError(file: file, problems: [field.isEmpty ? "это не JSON" : "поле «\(field)»: недопустимое значение"])
        } catch let DecodingError.valueNotFound(_, ctx) {
            throw SpecError(file: file, problems: ["поле «\(path(ctx.codingPath))» пустое"])
        }
        let problems = spec.problems()
        if !problems.isEmpty { throw SpecError(file: file, problems: problems) }
        return spec
    }

    static func path(_ keys: [CodingKey]) -> String {
        keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".").replacingOccurrences(of: ".[", with: "[")
    }

    /// Everything wrong with the specification, in Russian.
    public func problems() -> [String] {
        var out: [String] = []
        if type.trimmingCharacters(in: .whitespaces).isEmpty { out.append("поле «type»: не указан вид процедуры") }
        if subject.trimmingCharacters(in: .whitespaces).isEmpty { out.append("поле «subject»: не указан предмет") }
        if !(2000...2100).contains(year) { out.append("поле «year»: год \(year) вне допустимого диапазона") }
        if !(1...11).contains(grade) { out.append("поле «grade»: класс \(grade) — ожидается от 1 до 11") }
        if tasks.isEmpty { out.append("поле «tasks»: нет ни одного задания") }
        var seen = Set<String>()
        for (i, t) in tasks.enumerated() {
            if !TaskNumber.isValid(t.number) { out.append("tasks[\(i)].number: номер задания «\(t.number)» — ожидается вид 1, 9.1 или 2К1") }
            if !seen.insert(t.number).inserted { out.append("tasks[\(i)].number: задание \(t.number) повторяется") }
            if !(1...100).contains(t.max) { out.append("tasks[\(i)].max: максимальный балл задания \(t.number) должен быть от 1 до 100") }
        }
        if let s = scale {
            if !(0 < s.three && s.three < s.four && s.four < s.five) {
                out.append("поле «scale»: минимальные баллы должны возрастать: 0 < «3» < «4» < «5» (сейчас \(s.three), \(s.four), \(s.five))")
            }
            if s.five > maxScore { out.append("поле «scale»: балл на «5» (\(s.five)) больше максимального первичного балла \(maxScore)") }
        }
        for (name, ref) in reference ?? [:] {
            for (k, v) in ref.marks ?? [:] where !(0...1).contains(v) || !["2", "3", "4", "5"].contains(k) {
                out.append("reference.\(name).marks.\(k): ожидается доля от 0 до 1 для отметок 2–5")
            }
            for (k, v) in ref.tasks ?? [:] {
                if !(0...1).contains(v) { out.append("reference.\(name).tasks.\(k): ожидается доля от 0 до 1") }
                if !seen.contains(TaskNumber.normalize(k)) { out.append("reference.\(name).tasks.\(k): такого задания нет в спецификации") }
            }
        }
        return out
    }
}

public struct SpecError: Error, Equatable, CustomStringConvertible, Sendable {
    public var file: String
    public var problems: [String]
    public init(file: String, problems: [String]) {
        self.file = file
        self.problems = problems
    }
    public var description: String {
        problems.map { "Спецификация \(file): \($0)." }.joined(separator: "\n")
    }
}

/// Task numbers as people write them: «1», «9.1», «2К1» (Cyrillic К; a Latin K is read as К).
public enum TaskNumber {
    public static func normalize(_ text: String) -> String {
        Lookalikes.cyrillic(text.trimmingCharacters(in: .whitespaces)).uppercased().replacingOccurrences(of: " ", with: "")
    }

    public static func isValid(_ number: String) -> Bool {
        number.range(of: #"^[0-9]+(\.[0-9]+)?(К[0-9]+)?$"#, options: .regularExpression) != nil
    }
}

/// Latin letters that look like Cyrillic ones, as they turn up in headers typed on a mixed keyboard.
public enum Lookalikes {
    static let map: [Character: Character] = [
        "A": "А", "B": "В", "C": "С", "E": "Е", "H": "Н", "K": "К", "M": "М", "O": "О", "P": "Р", "T": "Т", "X": "Х", "Y": "У",
        "a": "а", "c": "с", "e": "е", "k": "к", "o": "о", "p": "р", "x": "х", "y": "у",
    ]

    public static func cyrillic(_ s: String) -> String {
        String(s.map { map[$0] ?? $0 })
    }
}
