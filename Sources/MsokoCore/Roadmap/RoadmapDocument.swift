import Foundation

/// A district's «дорожная карта»: sections of measures, exactly as the district wrote them.
/// This is the file format `msoko roadmap load` reads (see docs/roadmap-format.md).
public struct RoadmapDocument: Codable, Equatable, Sendable {
    /// School year as «2025-2026».
    public var year: String
    public var title: String
    public var sections: [RoadmapSection]

    public init(year: String, title: String, sections: [RoadmapSection]) {
        self.year = year
        self.title = title
        self.sections = sections
    }

    public var measures: [RoadmapMeasure] { sections.flatMap(\.measures) }

    /// First calendar year of the school year («2025-2026» → 2025).
    public static func startYear(of schoolYear: String) throws -> Int {
        let parts = schoolYear.split(whereSeparator: { $0 == "-" || $0 == "–" || $0 == "/" })
        guard parts.count == 2, let first = Int(parts[0]), let second = Int(parts[1]), second == first + 1 else {
            throw RoadmapFileError.badYear(schoolYear)
        }
        return first
    }
}

public struct RoadmapSection: Codable, Equatable, Sendable {
    public var number: String
    public var title: String
    public var measures: [RoadmapMeasure]

    public init(number: String, title: String, measures: [RoadmapMeasure]) {
        self.number = number
        self.title = title
        self.measures = measures
    }
}

public struct RoadmapMeasure: Codable, Equatable, Sendable {
    /// «1.2» (without the trailing dot the table shows).
    public var number: String
    public var title: String
    /// The roadmap's own timing text, e.g. «Январь, май».
    public var timing: String
    /// The roadmap's own text of the responsible executors.
    public var responsible: String
    public var expectedResult: String

    public init(number: String, title: String, timing: String, responsible: String, expectedResult: String) {
        self.number = number
        self.title = title
        self.timing = timing
        self.responsible = responsible
        self.expectedResult = expectedResult
    }
}

public enum RoadmapFileError: Error, Equatable, CustomStringConvertible, Sendable {
    case badYear(String)
    case unreadable(file: String, reason: String)
    case empty(file: String)
    case measure(file: String, number: String, reason: String)

    public var description: String {
        switch self {
        case .badYear(let y):
            return "Учебный год «\(y)» указан неверно: ожидается вид «2025-2026»."
        case .unreadable(let file, let reason):
            return "Файл \(file): \(reason)"
        case .empty(let file):
            return "Файл \(file): не найдено ни одного мероприятия."
        case .measure(let file, let number, let reason):
            return "Файл \(file), мероприятие \(number): \(reason)"
        }
    }
}

extension RoadmapDocument {
    /// The same roadmap for another school year: measures, owners and expected results kept, and
    /// the years written in the texts moved by as many years — «на 2025-2026 учебный год» becomes
    /// «на 2026-2027 учебный год», «ошибок 2024-2025 учебного года» the year before the new one,
    /// «до 31.01.2026» «до 31.01.2027» — since a roadmap's texts speak of years relative to its own;
    /// years further away (a law of 2012, a goal for 2030) are left as written.
    /// Checkpoints are not part of the document: they are derived anew from the timings.
    public func moved(to year: String) throws -> RoadmapDocument {
        let oldStart = try Self.startYear(of: self.year)
        let delta = try Self.startYear(of: year) - oldStart
        // Only years near the roadmap's own (the year before, its two calendar years): a law «от
        // 29.12.2012» or a target for 2030 keeps its year.
        let near = (oldStart - 1)...(oldStart + 1)
        func shift(_ text: String) -> String {
            guard delta != 0 else { return text }
            var out = ""
            var rest = Substring(text)
            // Four-digit years from 2000 to 2099, not inside a longer number.
            while let r = rest.range(of: #"(?<![0-9])20[0-9]{2}(?![0-9])"#, options: .regularExpression) {
                out += rest[..<r.lowerBound]
                let y = Int(rest[r])!
                out += String(near.contains(y) ? y + delta : y)
                rest = rest[r.upperBound...]
            }
            return out + rest
        }
        var doc = self
        doc.year = year
        doc.title = shift(title)
        doc.sections = sections.map { s in
            var s = s
            s.title = shift(s.title)
            s.measures = s.measures.map { m in
                RoadmapMeasure(number: m.number, title: shift(m.title), timing: shift(m.timing), responsible: m.responsible,
                               expectedResult: shift(m.expectedResult))
            }
            return s
        }
        return doc
    }
}
