import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import ZIPFoundation

/// Reads the roadmap from the Word document districts keep it in: top-level paragraphs become
/// text lines, table rows become rows of cell texts (a cell's paragraphs joined with spaces).
enum RoadmapDocxReader {
    static func lines(data: Data, fileName: String) throws -> [RoadmapLine] {
        let unreadable = RoadmapFileError.unreadable(file: fileName, reason: "не удалось прочитать документ Word (DOCX): файл повреждён или это не DOCX.")
        let archive: Archive
        do { archive = try Archive(data: data, accessMode: .read) } catch { throw unreadable }
        guard let entry = archive["word/document.xml"] else { throw unreadable }
        var xml = Data()
        do { _ = try archive.extract(entry) { xml.append($0) } } catch { throw unreadable }
        let collector = DocumentLineCollector()
        let parser = XMLParser(data: xml)
        parser.delegate = collector
        guard parser.parse() else { throw unreadable }
        return collector.lines
    }
}

final class DocumentLineCollector: NSObject, XMLParserDelegate {
    var lines: [RoadmapLine] = []
    private var tableDepth = 0
    private var row: [String]?
    private var cell: [String]?
    private var paragraph = ""
    private var inText = false

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
        switch name {
        case "w:tbl": tableDepth += 1
        case "w:tr" where tableDepth == 1: row = []
        case "w:tc" where tableDepth == 1: cell = []
        case "w:p": paragraph = ""
        case "w:t": inText = true
        case "w:tab", "w:br": paragraph += " "
        default: break
        }
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        switch name {
        case "w:t": inText = false
        case "w:p":
            let text = paragraph.trimmingCharacters(in: .whitespaces)
            if cell != nil {
                if !text.isEmpty { cell?.append(text) }
            } else if tableDepth == 0, !text.isEmpty {
                lines.append(.text(text))
            }
        case "w:tc" where tableDepth == 1:
            row?.append((cell ?? []).joined(separator: " "))
            cell = nil
        case "w:tr" where tableDepth == 1:
            if let row { lines.append(.row(row)) }
            row = nil
        case "w:tbl": tableDepth -= 1
        default: break
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if inText { paragraph += string }
    }
}
