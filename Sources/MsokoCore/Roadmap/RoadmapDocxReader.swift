import Foundation

/// Reads the roadmap from the Word document districts keep it in: top-level paragraphs become
/// text lines, table rows become rows of cell texts (a cell's paragraphs joined with spaces).
/// The archive goes through `ZipReader` (the same limits as a results workbook) and
/// `word/document.xml` through the byte scanner of the sheets: no entity expansion, invalid
/// UTF-8 refused, nesting counted, a time budget.
enum RoadmapDocxReader {
    /// A roadmap is a few hundred kilobytes of XML; 64 MB inflated is far beyond any real one.
    static let limits = ZipLimits(maxEntryBytes: 64 << 20, maxTotalBytes: 64 << 20, seconds: 30)
    static let maxTableDepth = 64

    static func lines(data: Data, fileName: String, limits: ZipLimits = limits) throws -> [RoadmapLine] {
        func unreadable(_ reason: String = "не удалось прочитать документ Word (DOCX): файл повреждён или это не DOCX.") -> RoadmapFileError {
            .unreadable(file: fileName, reason: reason)
        }
        let budget = ReadBudget(seconds: limits.seconds)
        let xml: Data
        do {
            let archive = try ZipReader(data: data, limits: limits)
            var used = 0
            guard let part = try archive.extract("word/document.xml", used: &used, budget: budget) else { throw unreadable() }
            xml = part
        } catch let e as ZipError {
            switch e {
            case .tooLarge: throw unreadable("документ распаковывается больше 64 МБ или сжат подозрительно сильно — файл не принят.")
            case .timeOut: throw unreadable("чтение документа заняло слишком много времени — файл не принят.")
            case .corrupt, .unsupported: throw unreadable()
            }
        }
        guard xml.withUnsafeBytes({ TextDecoding.isValidUTF8($0.bindMemory(to: UInt8.self)) }) else {
            throw unreadable("документ Word содержит текст не в кодировке UTF-8 — файл повреждён.")
        }
        do {
            return try xml.withUnsafeBytes { try collect($0.bindMemory(to: UInt8.self), budget: budget) }
        } catch SheetScanner.Failure.timeOut {
            throw unreadable("чтение документа заняло слишком много времени — файл не принят.")
        } catch {
            throw unreadable("в документе Word таблицы вложены глубже \(maxTableDepth) уровней — файл не принят.")
        }
    }

    /// Paragraphs outside tables, and rows of the outermost tables (nested tables' text joins
    /// the cell that holds them).
    static func collect(_ xml: UnsafeBufferPointer<UInt8>, budget: ReadBudget) throws -> [RoadmapLine] {
        var lines: [RoadmapLine] = []
        var tableDepth = 0
        var row: [String]?
        var cell: [String]?
        var paragraph = ""
        var tags = 0
        var i = 0
        func endParagraph() {
            let text = paragraph.trimmingCharacters(in: .whitespaces)
            paragraph = ""
            if cell != nil {
                if !text.isEmpty { cell?.append(text) }
            } else if tableDepth == 0, !text.isEmpty {
                lines.append(.text(text))
            }
        }
        while let tag = SheetScanner.nextTag(xml, from: i) {
            tags &+= 1
            if tags & 0xFFFF == 0, budget.isExpired { throw SheetScanner.Failure.timeOut }
            i = tag.end
            if tag.close {
                if tag.named("w:p", in: xml) {
                    endParagraph()
                } else if tag.named("w:tc", in: xml), tableDepth == 1 {
                    row?.append((cell ?? []).joined(separator: " "))
                    cell = nil
                } else if tag.named("w:tr", in: xml), tableDepth == 1 {
                    if let row { lines.append(.row(row)) }
                    row = nil
                } else if tag.named("w:tbl", in: xml) {
                    tableDepth = max(0, tableDepth - 1)
                }
                continue
            }
            if tag.named("w:tbl", in: xml) {
                if !tag.selfClosing { tableDepth += 1 }
                if tableDepth > maxTableDepth { throw SheetScanner.Failure.malformed }
            } else if tag.named("w:tr", in: xml), tableDepth == 1, !tag.selfClosing {
                row = []
            } else if tag.named("w:tc", in: xml), tableDepth == 1, !tag.selfClosing {
                cell = []
            } else if tag.named("w:p", in: xml) {
                paragraph = ""
                if tag.selfClosing { endParagraph() }
            } else if tag.named("w:t", in: xml), !tag.selfClosing {
                var end = i
                while end < xml.count && xml[end] != UInt8(ascii: "<") { end += 1 }
                paragraph += SheetScanner.decodeText(UnsafeBufferPointer(rebasing: xml[i..<end]))
                i = end
            } else if tag.named("w:tab", in: xml) || tag.named("w:br", in: xml) {
                paragraph += " "
            }
        }
        return lines
    }
}
