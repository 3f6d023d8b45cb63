import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import ZIPFoundation

public enum SpreadsheetError: Error, Equatable, CustomStringConvertible, Sendable {
    case notSpreadsheet(file: String)
    case noSheet(file: String)
    case badXML(file: String, part: String)

    public var description: String {
        switch self {
        case .notSpreadsheet(let f): return "Файл \(f): не является книгой Excel (XLSX) — возможно, он повреждён или переименован."
        case .noSheet(let f): return "Файл \(f): в книге нет ни одного листа."
        case .badXML(let f, let part): return "Файл \(f): повреждена часть книги \(part)."
        }
    }
}

/// Reads the first worksheet of a small XLSX (lists of schools, classes) into rows of strings:
/// shared strings, inline strings, numbers, booleans. Results files of a region need a streaming
/// scanner of their own (issue 3); lists are small, so Foundation's XMLParser is enough here.
public enum XLSXSheetReader {
    public static func rows(data: Data, file: String) throws -> [[String]] {
        guard data.starts(with: [0x50, 0x4B]) else { throw SpreadsheetError.notSpreadsheet(file: file) }
        let archive: Archive
        do { archive = try Archive(data: data, accessMode: .read) } catch { throw SpreadsheetError.notSpreadsheet(file: file) }
        func part(_ path: String) throws -> Data? {
            guard let entry = archive[path] else { return nil }
            var out = Data()
            do { _ = try archive.extract(entry) { out.append($0) } } catch { throw SpreadsheetError.badXML(file: file, part: path) }
            return out
        }
        guard let first = try sheets(data: data, file: file, limit: 1).first else { throw SpreadsheetError.noSheet(file: file) }
        return first.rows
    }

    /// Every worksheet (or the first `limit`), in workbook order, with its name.
    public static func sheets(data: Data, file: String, limit: Int = .max) throws -> [(name: String, rows: [[String]])] {
        guard data.starts(with: [0x50, 0x4B]) else { throw SpreadsheetError.notSpreadsheet(file: file) }
        let archive: Archive
        do { archive = try Archive(data: data, accessMode: .read) } catch { throw SpreadsheetError.notSpreadsheet(file: file) }
        func part(_ path: String) throws -> Data? {
            guard let entry = archive[path] else { return nil }
            var out = Data()
            do { _ = try archive.extract(entry) { out.append($0) } } catch { throw SpreadsheetError.badXML(file: file, part: path) }
            return out
        }
        guard let workbook = try part("xl/workbook.xml") else { throw SpreadsheetError.notSpreadsheet(file: file) }
        let wb = SheetListCollector()
        guard wb.run(workbook) else { throw SpreadsheetError.badXML(file: file, part: "xl/workbook.xml") }
        let rel = RelationshipCollector()
        if let rels = try part("xl/_rels/workbook.xml.rels") { _ = rel.run(rels) }
        var list: [(String, String)] = wb.sheets.compactMap { name, id in
            guard var target = rel.targets[id] else { return nil }
            if target.hasPrefix("/") { target.removeFirst() } else { target = "xl/" + target }
            return (name, target)
        }
        if list.isEmpty { list = [("Лист1", "xl/worksheets/sheet1.xml")] }
        var shared: [String] = []
        if let sst = try part("xl/sharedStrings.xml") {
            let p = SharedStringsParser()
            guard p.run(sst) else { throw SpreadsheetError.badXML(file: file, part: "xl/sharedStrings.xml") }
            shared = p.strings
        }
        var out: [(name: String, rows: [[String]])] = []
        for (name, path) in list.prefix(limit) {
            guard let sheet = try part(path) else { continue }
            let p = SheetParser(shared: shared)
            guard p.run(sheet) else { throw SpreadsheetError.badXML(file: file, part: path) }
            out.append((name, p.rows))
        }
        if out.isEmpty { throw SpreadsheetError.noSheet(file: file) }
        return out
    }

    /// «BC12» → 54 (zero-based column index).
    static func column(of ref: String) -> Int? {
        var n = 0
        var seen = false
        for u in ref.unicodeScalars {
            guard u.value >= 65 && u.value <= 90 else { break }
            n = n * 26 + Int(u.value - 64)
            seen = true
        }
        return seen ? n - 1 : nil
    }
}

/// Each parser conforms to XMLParserDelegate itself: on Linux the protocol's default methods
/// are bound where the conformance is declared, so a subclass's overrides would never be called.
protocol XMLRunner: XMLParserDelegate {}

extension XMLRunner {
    func run(_ data: Data) -> Bool {
        let parser = XMLParser(data: data)
        parser.delegate = self
        return parser.parse()
    }
}

final class SharedStringsParser: NSObject, XMLRunner {
    var strings: [String] = []
    private var current = ""
    private var inText = false
    private var inPhonetic = false

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
        switch name {
        case "si": current = ""
        case "t": inText = !inPhonetic
        case "rPh": inPhonetic = true
        default: break
        }
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        switch name {
        case "si": strings.append(current)
        case "t": inText = false
        case "rPh": inPhonetic = false
        default: break
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if inText { current += string }
    }
}

final class SheetParser: NSObject, XMLRunner {
    let shared: [String]
    var rows: [[String]] = []
    private var row: [Int: String] = [:]
    private var rowNumber = 0
    private var cellColumn = 0
    private var cellType = ""
    private var text = ""
    private var capturing = false

    init(shared: [String]) { self.shared = shared }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
        switch name {
        case "row":
            row = [:]
            rowNumber = Int(attributes["r"] ?? "") ?? (rowNumber + 1)
        case "c":
            cellColumn = attributes["r"].flatMap(XLSXSheetReader.column(of:)) ?? (row.keys.max().map { $0 + 1 } ?? 0)
            cellType = attributes["t"] ?? "n"
            text = ""
        case "v", "t":
            capturing = true
        default: break
        }
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        switch name {
        case "v", "t": capturing = false
        case "c":
            var value = text
            if cellType == "s", let i = Int(text), i >= 0, i < shared.count { value = shared[i] }
            if cellType == "b" { value = text == "1" ? "ИСТИНА" : "ЛОЖЬ" }
            if cellType == "n", let d = Double(text), d == d.rounded(), abs(d) < 1e15 { value = String(Int(d)) }
            row[cellColumn] = value
        case "row":
            // Rows keep their spreadsheet numbers: missing rows become empty rows.
            while rows.count < rowNumber - 1 { rows.append([]) }
            let width = (row.keys.max() ?? -1) + 1
            rows.append((0..<width).map { row[$0] ?? "" })
        default: break
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if capturing { text += string }
    }
}

final class SheetListCollector: NSObject, XMLRunner {
    var sheets: [(name: String, id: String)] = []
    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
        if name == "sheet", let id = attributes["r:id"] { sheets.append((attributes["name"] ?? "", id)) }
    }
}

final class RelationshipCollector: NSObject, XMLRunner {
    var targets: [String: String] = [:]
    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
        if name == "Relationship", let id = attributes["Id"], let t = attributes["Target"] { targets[id] = t }
    }
}
