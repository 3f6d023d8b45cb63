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

/// An XLSX workbook opened for reading: its visible worksheets and shared strings. A worksheet's
/// rows are read as the sheet is inflated (`forEachRow`): in pieces of a megabyte, inflating on one
/// core while the other scans, so memory does not grow with the sheet (a region's is hundreds of
/// megabytes of XML). Every part goes through `ZipReader` (sizes and CRC checked) and the byte
/// scanners of `SheetScanner`; no XML parser that expands entities or trusts its input is used.
public final class XLSXBook {
    public let file: String
    let archive: ZipReader
    let limits: SheetLimits
    let budget: ReadBudget
    /// Bytes the parts read so far inflate to, each part counted once (a sheet may be read twice:
    /// its first rows to find the header, then whole).
    var used = 0
    var counted: Set<String> = []
    /// Visible worksheets in workbook order (every sheet, when all are hidden): name and part.
    public private(set) var sheets: [(name: String, path: String)]
    private(set) var shared: SheetScanner.SharedStrings

    public init(data: Data, file: String, limits: SheetLimits = SheetLimits()) throws {
        guard data.starts(with: [0x50, 0x4B]) else { throw SpreadsheetError.notSpreadsheet(file: file) }
        self.file = file
        self.limits = limits
        budget = ReadBudget(seconds: limits.zip.seconds)
        do { archive = try ZipReader(data: data, limits: limits.zip) } catch { throw SpreadsheetError.from(error, file: file) }
        sheets = []
        shared = SheetScanner.SharedStrings()
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
        sheets = list.map { ($0.0, $0.1) }
        var reader = SheetScanner.StringsReader(limits: SheetScanner.Limits(sheet: limits, budget: budget))
        do {
            if try stream("xl/sharedStrings.xml", threads: 1, feed: { try reader.feed($0, final: $1) }) {
                shared = reader.strings
            }
        } catch let e as SheetScanner.Failure {
            throw e.error(file: file, part: "xl/sharedStrings.xml", place: "общие строки книги")
        }
    }

    /// A small part (the workbook, its relationships) whole, checked to be UTF-8.
    func part(_ path: String) throws -> Data? {
        guard let entry = archive.entry(path) else { return nil }
        let bytes: Data
        do {
            bytes = try archive.extract(entry, used: &used, budget: budget)
            counted.insert(path)
        } catch { throw SpreadsheetError.from(error, file: file) }
        guard bytes.withUnsafeBytes({ TextDecoding.isValidUTF8($0.bindMemory(to: UInt8.self)) }) else {
            throw SpreadsheetError.badXML(file: file, part: path)
        }
        return bytes
    }

    /// The rows of worksheet `index`, each lent to `body` with its index (the row number minus
    /// one) as soon as it is read; `body` returns false to stop. `limits` counts the cells and
    /// text built (per read: give the same value to several reads to count them together).
    /// `threads` > 1: inflating and scanning on two cores. `chunk`: the piece inflated at a time.
    public func forEachRow(sheet index: Int, threads: Int = Parallelism.threads, chunk: Int = 1 << 20,
                           _ body: (CellRow, Int) throws -> Bool) throws {
        var scan = SheetScanner.Limits(sheet: limits, budget: budget)
        try forEachRow(sheet: index, threads: threads, chunk: chunk, limits: &scan, body)
    }

    func forEachRow(sheet index: Int, threads: Int, chunk: Int, limits scan: inout SheetScanner.Limits,
                    _ body: (CellRow, Int) throws -> Bool) throws {
        let (name, path) = sheets[index]
        var reader = SheetScanner.RowReader(shared: shared, limits: scan)
        do {
            _ = try stream(path, threads: threads, chunk: chunk, feed: { try reader.feed($0, final: $1, emit: body) })
        } catch let e as SheetScanner.Failure {
            throw e.error(file: file, part: path, place: "лист «\(name)»")
        }
        scan = reader.limits
    }

    /// The inflated size of worksheet `index` as the archive declares it (a bound on its rows).
    public func declaredSize(sheet index: Int) -> Int { archive.entry(sheets[index].path)?.uncompressedSize ?? 0 }

    /// Feeds part `path` to `feed` piece by piece, each piece checked to be UTF-8 first; what a
    /// call leaves unconsumed comes again at the head of the next. False when there is no such part.
    /// Reading goes on after the reader is done (to the part's end, whose CRC is then checked)
    /// unless `feed` asks to stop.
    func stream(_ path: String, threads: Int, chunk: Int = 1 << 20,
                feed: (UnsafeBufferPointer<UInt8>, _ final: Bool) throws -> SheetScanner.Fed) throws -> Bool {
        guard let entry = archive.entry(path) else { return false }
        let source: ZipReader.EntryStream
        do {
            if counted.contains(path) {
                var again = 0
                source = try archive.open(entry, used: &again, budget: budget)
            } else {
                source = try archive.open(entry, used: &used, budget: budget)
                counted.insert(path)
            }
        } catch { throw SpreadsheetError.from(error, file: file) }
        var carry: [UInt8] = []
        var validated = 0
        var stopped = false
        do {
            try ChunkPipeline.run(chunk: chunk, threads: threads, produce: { try source.read(into: $0) }) { piece in
                carry.append(contentsOf: piece)
                // Up to the last ASCII byte: a character the piece cuts waits for the next piece.
                var safe = carry.count
                while safe > validated, carry[safe - 1] >= 0x80 { safe -= 1 }
                let fed = try carry.withUnsafeBufferPointer { all -> SheetScanner.Fed in
                    guard TextDecoding.isValidUTF8(UnsafeBufferPointer(rebasing: all[validated..<safe])) else {
                        throw SpreadsheetError.badXML(file: file, part: path)
                    }
                    return try feed(UnsafeBufferPointer(rebasing: all[0..<safe]), false)
                }
                validated = safe - fed.consumed
                carry.removeFirst(fed.consumed)
                if fed.stop { stopped = true }
                return !fed.stop
            }
        } catch let e as ZipError {
            throw SpreadsheetError.from(e, file: file)
        }
        if !stopped {
            try carry.withUnsafeBufferPointer { all in
                guard TextDecoding.isValidUTF8(UnsafeBufferPointer(rebasing: all[validated...])) else {
                    throw SpreadsheetError.badXML(file: file, part: path)
                }
                _ = try feed(all, true)
            }
        }
        return true
    }
}

/// Reads XLSX worksheets into rows of strings: shared strings, inline strings, numbers, booleans
/// (the small lists: schools, staff, a roadmap; a results file is read row by row, `XLSXBook`).
public enum XLSXSheetReader {
    /// The first worksheet's rows.
    public static func rows(data: Data, file: String, limits: SheetLimits = SheetLimits()) throws -> [[String]] {
        guard let first = try sheets(data: data, file: file, limit: 1, limits: limits).first else { throw SpreadsheetError.noSheet(file: file) }
        return first.rows
    }

    /// Every visible worksheet (or the first `limit`), in workbook order, with its name; missing
    /// rows become empty rows.
    public static func sheets(data: Data, file: String, limit: Int = .max, limits: SheetLimits = SheetLimits()) throws -> [(name: String, rows: [[String]])] {
        let book = try XLSXBook(data: data, file: file, limits: limits)
        var scan = SheetScanner.Limits(sheet: limits, budget: book.budget)
        var out: [(name: String, rows: [[String]])] = []
        for k in book.sheets.indices.prefix(limit) where book.archive.entry(book.sheets[k].path) != nil {
            var rows: [[String]] = []
            try book.forEachRow(sheet: k, threads: 1, chunk: 1 << 20, limits: &scan) { row, index in
                rows.place(row, at: index)
                return true
            }
            out.append((book.sheets[k].name, rows))
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
