import Foundation

public enum SpreadsheetError: Error, Equatable, CustomStringConvertible, Sendable {
    case notSpreadsheet(file: String)
    case noSheet(file: String)
    case badXML(file: String, part: String)
    /// Past a limit (rows, columns, cells, text, inflated size): `reason` says which, in Russian.
    case tooLarge(file: String, reason: String)
    case timeOut(file: String)
    /// A file that could not be made readable (an .xls or .ods without LibreOffice): `reason` says how to fix it.
    case unreadable(file: String, reason: String)

    public var description: String {
        switch self {
        case .notSpreadsheet(let f): return "Файл \(f): не является книгой Excel (XLSX) — возможно, он повреждён или переименован."
        case .noSheet(let f): return "Файл \(f): в книге нет ни одного листа."
        case .badXML(let f, let part): return "Файл \(f): повреждена часть книги \(part)."
        case .tooLarge(let f, let reason): return "Файл \(f): \(reason) — файл не принят."
        case .unreadable(let f, let reason): return "Файл \(f): \(reason)"
        case .timeOut(let f): return "Файл \(f): чтение заняло слишком много времени — файл, вероятно, повреждён или составлен так, чтобы помешать работе; не принят."
        }
    }

    /// The message without its «Файл X: » prefix (for lists that name the file themselves).
    public var reason: String {
        let d = description
        guard let r = d.range(of: ": ") else { return d }
        return String(d[r.upperBound...])
    }

    static func from(_ error: Error, file: String) -> SpreadsheetError {
        guard let e = error as? ZipError else { return .notSpreadsheet(file: file) }
        switch e {
        case .corrupt(let part) where part == "directory": return .notSpreadsheet(file: file)
        case .corrupt(let part): return .badXML(file: file, part: part)
        case .unsupported(let part): return .badXML(file: file, part: part + " (зашифрована или сжата неизвестным способом)")
        case .tooLarge(let part):
            return .tooLarge(file: file, reason: part == "directory"
                ? "в архиве книги слишком много частей"
                : "часть \(part) распаковывается больше допустимого или сжата подозрительно сильно")
        case .timeOut: return .timeOut(file: file)
        }
    }
}

/// What one worksheet read may build, checked before anything is allocated.
public struct SheetLimits: Sendable {
    /// Excel's own maxima: 1 048 576 rows, 16 384 columns (XFD).
    public var maxRows: Int
    public var maxColumns: Int
    /// Cells kept, counting the empty ones a gap before a cell fills in.
    public var maxCells: Int
    /// UTF-8 bytes of all the cells' text together (shared strings count at each use).
    public var maxTextBytes: Int
    /// UTF-8 bytes of one cell (Excel: 32 767 characters).
    public var maxCellBytes: Int
    public var zip: ZipLimits

    public init(maxRows: Int = 1_048_576, maxColumns: Int = 16_384, maxCells: Int = 40_000_000,
                maxTextBytes: Int = 512 << 20, maxCellBytes: Int = 131_072, zip: ZipLimits = ZipLimits()) {
        self.maxRows = maxRows
        self.maxColumns = maxColumns
        self.maxCells = maxCells
        self.maxTextBytes = maxTextBytes
        self.maxCellBytes = maxCellBytes
        self.zip = zip
    }
}

/// Reads XLSX worksheets into rows of strings: shared strings, inline strings, numbers, booleans.
/// Every part goes through `ZipReader` (sizes checked against the inflated bytes) and a byte
/// scanner (`SheetScanner`); no XML parser that expands entities or trusts its input is used.
public enum XLSXSheetReader {
    /// The first worksheet's rows.
    public static func rows(data: Data, file: String, limits: SheetLimits = SheetLimits()) throws -> [[String]] {
        guard let first = try sheets(data: data, file: file, limit: 1, limits: limits).first else { throw SpreadsheetError.noSheet(file: file) }
        return first.rows
    }

    /// Every visible worksheet (or the first `limit`), in workbook order, with its name.
    public static func sheets(data: Data, file: String, limit: Int = .max, limits: SheetLimits = SheetLimits()) throws -> [(name: String, rows: [[String]])] {
        guard data.starts(with: [0x50, 0x4B]) else { throw SpreadsheetError.notSpreadsheet(file: file) }
        let budget = ReadBudget(seconds: limits.zip.seconds)
        let archive: ZipReader
        do { archive = try ZipReader(data: data, limits: limits.zip) } catch { throw SpreadsheetError.from(error, file: file) }
        var used = 0
        func part(_ path: String) throws -> Data? {
            let bytes: Data?
            do { bytes = try archive.extract(path, used: &used, budget: budget) } catch { throw SpreadsheetError.from(error, file: file) }
            if let bytes, !bytes.withUnsafeBytes({ TextDecoding.isValidUTF8($0.bindMemory(to: UInt8.self)) }) {
                throw SpreadsheetError.badXML(file: file, part: path)
            }
            return bytes
        }
        guard let workbook = try part("xl/workbook.xml") else { throw SpreadsheetError.notSpreadsheet(file: file) }
        let sheetTags = SheetScanner.elements(workbook, named: "sheet")
        var targets: [String: String] = [:]
        if let rels = try part("xl/_rels/workbook.xml.rels") {
            for r in SheetScanner.elements(rels, named: "Relationship") {
                if let id = r["Id"], let t = r["Target"] { targets[id] = t }
            }
        }
        var list: [(String, String, Bool)] = sheetTags.compactMap { attributes in
            guard let id = attributes.first(where: { $0.key.hasSuffix(":id") })?.value, var target = targets[id] else { return nil }
            if target.hasPrefix("/") { target.removeFirst() } else { target = "xl/" + target }
            return (attributes["name"] ?? "", target, attributes["state"] == "hidden" || attributes["state"] == "veryHidden")
        }
        // Hidden sheets (templates, lookups) are not what a person sent, unless every sheet is hidden.
        if list.contains(where: { !$0.2 }) { list = list.filter { !$0.2 } }
        if list.isEmpty { list = [("Лист1", "xl/worksheets/sheet1.xml", false)] }
        var scan = SheetScanner.Limits(sheet: limits, budget: budget)
        let shared: [String]
        do {
            shared = try part("xl/sharedStrings.xml").map { try SheetScanner.sharedStrings($0, limits: scan) } ?? []
        } catch let e as SheetScanner.Failure {
            throw e.error(file: file, part: "xl/sharedStrings.xml", place: "общие строки книги")
        }
        var out: [(name: String, rows: [[String]])] = []
        for (name, path, _) in list.prefix(limit) {
            guard let sheet = try part(path) else { continue }
            do {
                out.append((name, try SheetScanner.rows(sheet, shared: shared, limits: &scan)))
            } catch let e as SheetScanner.Failure {
                throw e.error(file: file, part: path, place: "лист «\(name)»")
            } catch {
                throw SpreadsheetError.badXML(file: file, part: path)
            }
        }
        if out.isEmpty { throw SpreadsheetError.noSheet(file: file) }
        return out
    }

    /// «BC12» → 54 (zero-based column index); nil past Excel's last column (XFD).
    static func column(of ref: String) -> Int? {
        var n = 0
        var seen = false
        for u in ref.unicodeScalars {
            guard u.value >= 65 && u.value <= 90 else { break }
            n = n * 26 + Int(u.value - 64)
            if n > 16_384 { return nil }
            seen = true
        }
        return seen ? n - 1 : nil
    }
}
