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

/// Reads XLSX worksheets into rows of strings: shared strings, inline strings, numbers, booleans.
/// The workbook's small parts go through Foundation's XMLParser; worksheets and shared strings
/// through `SheetScanner`, which handles a region's 200 MB sheet.
public enum XLSXSheetReader {
    /// The first worksheet's rows.
    public static func rows(data: Data, file: String) throws -> [[String]] {
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
        let shared = try part("xl/sharedStrings.xml").map { SheetScanner.sharedStrings([UInt8]($0)) } ?? []
        var out: [(name: String, rows: [[String]])] = []
        for (name, path) in list.prefix(limit) {
            guard let sheet = try part(path) else { continue }
            do {
                out.append((name, try SheetScanner.rows([UInt8](sheet), shared: shared)))
            } catch {
                throw SpreadsheetError.badXML(file: file, part: path)
            }
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
