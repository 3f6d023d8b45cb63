import Foundation

/// A roadmap as a sequence of lines: a paragraph of text or a table row of cells. The markdown
/// and the DOCX forms of a roadmap both become this, and one reader understands it.
enum RoadmapLine: Equatable {
    case text(String)
    case row([String])
}

/// Reads the roadmap's table: section rows («| 1. Мероприятия … | | |» or a bare line
/// «4. Информационное …»), measure rows «| 1.2. | title | timing | responsible | result |».
/// Separator rows and the header row are skipped; text before the first section is the title.
enum RoadmapMarkdownReader {
    static func read(_ text: String, fileName: String, year: String?) throws -> RoadmapDocument {
        try read(lines: markdownLines(text), fileName: fileName, year: year)
    }

    static func markdownLines(_ text: String) -> [RoadmapLine] {
        text.components(separatedBy: .newlines).compactMap { raw in
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty { return nil }
            return line.hasPrefix("|") ? .row(splitRow(line)) : .text(line)
        }
    }

    static func read(lines: [RoadmapLine], fileName: String, year: String?) throws -> RoadmapDocument {
        var sections: [RoadmapSection] = []
        var title = ""
        var titleLines: [String] = []
        for item in lines {
            if case .row(let cells) = item {
                if cells.allSatisfy({ $0.allSatisfy { "-: ".contains($0) } }) { continue }
                let nonEmpty = cells.filter { !$0.isEmpty }
                guard let first = nonEmpty.first else { continue }
                if let (number, rest) = numberedPrefix(cells.first ?? ""), number.contains(".") {
                    // Measure row: number in the first cell.
                    guard rest.isEmpty else { continue }
                    guard cells.count >= 5 else {
                        throw RoadmapFileError.measure(file: fileName, number: number, reason: "в строке таблицы меньше пяти столбцов.")
                    }
                    let measure = RoadmapMeasure(number: number, title: cells[1], timing: cells[2],
                                                 responsible: cells[3], expectedResult: cells[4])
                    guard !sections.isEmpty else {
                        throw RoadmapFileError.measure(file: fileName, number: number, reason: "мероприятие стоит до первого раздела.")
                    }
                    sections[sections.count - 1].measures.append(measure)
                } else if nonEmpty.count == 1, let (number, rest) = numberedPrefix(first), !number.contains(".") {
                    sections.append(RoadmapSection(number: number, title: rest, measures: []))
                }
                continue
            }
            guard case .text(let raw) = item else { continue }
            let line = raw.trimmingCharacters(in: .whitespaces)
            if let (number, rest) = numberedPrefix(line), !number.contains("."), !rest.isEmpty {
                sections.append(RoadmapSection(number: number, title: rest, measures: []))
            } else if sections.isEmpty {
                titleLines.append(line.replacingOccurrences(of: "*", with: ""))
            }
        }
        title = titleLines.joined(separator: " ").trimmingCharacters(in: .whitespaces)
        let schoolYear = year ?? Self.findYear(in: title) ?? ""
        guard !schoolYear.isEmpty else {
            throw RoadmapFileError.unreadable(file: fileName, reason: "не найден учебный год (например «2025-2026»): укажите его в заголовке или параметром --year.")
        }
        return RoadmapDocument(year: schoolYear, title: title, sections: sections.filter { !$0.measures.isEmpty })
    }

    static func splitRow(_ line: String) -> [String] {
        var body = Substring(line)
        if body.hasPrefix("|") { body = body.dropFirst() }
        if body.hasSuffix("|") { body = body.dropLast() }
        return body.split(separator: "|", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
    }

    /// «1.2. Title» → ("1.2", "Title"); «4. Title» → ("4", "Title"); nil when no leading number.
    static func numberedPrefix(_ text: String) -> (String, String)? {
        var number = ""
        var index = text.startIndex
        while index < text.endIndex, text[index].isNumber || text[index] == "." {
            number.append(text[index])
            index = text.index(after: index)
        }
        guard let firstChar = number.first, firstChar.isNumber else { return nil }
        while number.hasSuffix(".") { number.removeLast() }
        let rest = text[index...].trimmingCharacters(in: .whitespaces)
        return (number, rest)
    }

    static func findYear(in text: String) -> String? {
        guard let range = text.range(of: #"20\d\d\s*[-–]\s*20\d\d"#, options: .regularExpression) else { return nil }
        return text[range].replacingOccurrences(of: " ", with: "").replacingOccurrences(of: "–", with: "-")
    }
}
