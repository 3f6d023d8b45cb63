import Foundation

/// Who must act on a measure, read from the roadmap's «Ответственные исполнители» text.
public enum Executor: Equatable, Hashable, Sendable {
    /// «специалисты Управления образования»
    case departmentSpecialists
    /// «руководители (обще)образовательных организаций»: every school reports separately.
    case schoolHeads
    /// «руководители районных (школьных) методических объединений»
    case methodAssociationHeads
    /// A named person, e.g. «Самойлова А.Л.».
    case person(String)
    /// Text that names nobody msoko knows; shown as written.
    case other(String)

    public var russian: String {
        switch self {
        case .departmentSpecialists: return "специалисты Управления образования"
        case .schoolHeads: return "руководители образовательных организаций"
        case .methodAssociationHeads: return "руководители методических объединений"
        case .person(let name): return name
        case .other(let text): return text
        }
    }
}

public enum ExecutorParser {
    public static func executors(from responsible: String) -> [Executor] {
        var result: [Executor] = []
        for raw in responsible.split(whereSeparator: { $0 == "," || $0 == ";" || $0 == "\n" }) {
            let piece = raw.trimmingCharacters(in: .whitespaces)
            guard !piece.isEmpty else { continue }
            let executor = classify(piece)
            if !result.contains(executor) { result.append(executor) }
        }
        return result
    }

    /// True when every school must report on the measure separately.
    public static func schoolsReport(_ responsible: String) -> Bool {
        executors(from: responsible).contains(.schoolHeads)
    }

    /// True when somebody at district level (specialists, a named person, methodical
    /// association heads) must act and report too.
    public static func districtReports(_ responsible: String) -> Bool {
        executors(from: responsible).contains { $0 != .schoolHeads }
    }

    static func classify(_ piece: String) -> Executor {
        let t = piece.lowercased().replacingOccurrences(of: "ё", with: "е")
        if t.contains("методическ") { return .methodAssociationHeads }
        if t.contains("руководител") && t.contains("образовательн") { return .schoolHeads }
        if t.contains("специалист") { return .departmentSpecialists }
        if piece.range(of: #"^[А-ЯЁ][а-яё]+(-[А-ЯЁ][а-яё]+)?\s+[А-ЯЁ]\.\s?[А-ЯЁ]\.?$"#, options: .regularExpression) != nil {
            return .person(piece)
        }
        return .other(piece)
    }
}
