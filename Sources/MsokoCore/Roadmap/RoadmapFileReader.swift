import Foundation

/// Reads a roadmap from JSON (the repository's data format), from the markdown table a district
/// keeps its roadmap in (the layout of shared/seed/roadmap-2025-2026.md), or from the same table
/// in a Word document (DOCX).
public enum RoadmapFileReader {
    public static func read(data: Data, fileName: String, year: String? = nil) throws -> RoadmapDocument {
        let document: RoadmapDocument
        if fileName.lowercased().hasSuffix(".json") {
            do {
                document = try JSONDecoder().decode(RoadmapDocument.self, from: data)
            } catch {
                throw RoadmapFileError.unreadable(file: fileName, reason: "не удалось прочитать JSON (\(describe(error))).")
            }
        } else if fileName.lowercased().hasSuffix(".docx") || data.starts(with: [0x50, 0x4B]) {
            let lines = try RoadmapDocxReader.lines(data: data, fileName: fileName)
            document = try RoadmapMarkdownReader.read(lines: lines, fileName: fileName, year: year)
        } else {
            guard let text = String(data: data, encoding: .utf8) else {
                throw RoadmapFileError.unreadable(file: fileName, reason: "текст не в кодировке UTF-8.")
            }
            document = try RoadmapMarkdownReader.read(text, fileName: fileName, year: year)
        }
        try validate(document, fileName: fileName)
        return document
    }

    public static func validate(_ document: RoadmapDocument, fileName: String) throws {
        _ = try RoadmapDocument.startYear(of: document.year)
        guard !document.measures.isEmpty else { throw RoadmapFileError.empty(file: fileName) }
        var seen = Set<String>()
        let startYear = try RoadmapDocument.startYear(of: document.year)
        for measure in document.measures {
            if measure.number.isEmpty {
                throw RoadmapFileError.measure(file: fileName, number: "?", reason: "не указан номер.")
            }
            if !seen.insert(measure.number).inserted {
                throw RoadmapFileError.measure(file: fileName, number: measure.number, reason: "номер повторяется.")
            }
            if measure.title.trimmingCharacters(in: .whitespaces).isEmpty {
                throw RoadmapFileError.measure(file: fileName, number: measure.number, reason: "не указано наименование.")
            }
            do {
                _ = try TimingParser.checkpoints(for: measure.timing, schoolYearStart: startYear)
            } catch let error as TimingError {
                throw RoadmapFileError.measure(file: fileName, number: measure.number, reason: error.description)
            }
        }
    }

    private static func describe(_ error: Error) -> String {
        if case DecodingError.keyNotFound(let key, _) = error { return "нет поля «\(key.stringValue)»" }
        if case DecodingError.typeMismatch(_, let ctx) = error {
            return "неверный тип поля «\(ctx.codingPath.map(\.stringValue).joined(separator: "."))»"
        }
        if case DecodingError.valueNotFound(_, let ctx) = error {
            return "пустое поле «\(ctx.codingPath.map(\.stringValue).joined(separator: "."))»"
        }
        return "синтаксическая ошибка"
    }
}
