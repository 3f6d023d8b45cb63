import Foundation

/// A byte-level scanner for worksheet and shared-strings XML. Hand-written because Foundation's
/// XMLParser (libxml2) refuses the 200 MB sheets a regional export produces and builds far more
/// objects than needed; OOXML's cell markup is regular enough to scan directly: `<row r>`,
/// `<c r t>`, `<v>`, inline `<is><t>` (with rich-text runs), entities and character references.
enum SheetScanner {
    /// One tag, as positions in the document (no slices: they would retain the buffer per tag):
    /// its name, whether it closes (`</x>`) or closes itself (`<x/>`), its attributes, and where the
    /// text after it starts.
    struct Tag {
        var nameStart: Int
        var nameEnd: Int
        var close: Bool
        var selfClosing: Bool
        var attributesEnd: Int
        var end: Int

        /// Whether the tag's name is `literal` (ASCII).
        @inline(__always) func named(_ literal: StaticString, in xml: UnsafeBufferPointer<UInt8>) -> Bool {
            let count = literal.utf8CodeUnitCount
            guard nameEnd - nameStart == count else { return false }
            let p = literal.utf8Start
            for k in 0..<count where xml[nameStart + k] != p[k] { return false }
            return true
        }
    }

    /// The next tag at or after `i`, nil at the end of the document.
    @inline(__always) static func nextTag(_ xml: UnsafeBufferPointer<UInt8>, from start: Int) -> Tag? {
        let n = xml.count
        var lt = start
        while lt < n && xml[lt] != UInt8(ascii: "<") { lt += 1 }
        guard lt + 1 < n else { return nil }
        let close = xml[lt + 1] == UInt8(ascii: "/")
        let nameStart = close ? lt + 2 : lt + 1
        var j = nameStart
        while j < n, !isDelimiter(xml[j]) { j += 1 }
        var gt = j
        while gt < n && xml[gt] != UInt8(ascii: ">") { gt += 1 }
        guard gt < n else { return nil }
        return Tag(nameStart: nameStart, nameEnd: j, close: close, selfClosing: gt > j && xml[gt - 1] == UInt8(ascii: "/"),
                   attributesEnd: gt, end: gt + 1)
    }

    /// What a scan may build (`sheet`), its deadline, and the cells and text built so far.
    struct Limits {
        var sheet = SheetLimits()
        var budget = ReadBudget.unlimited
        var cells = 0
        var textBytes = 0
        /// Empty cells a gap before a cell fills in, against the cells the sheet really has: a
        /// kilobyte of `<c r="XFD1"/>` must not become hundreds of megabytes of empty strings.
        var padding = 0
        var realCells = 0
    }

    /// Why a scan stopped; the reader turns it into a `SpreadsheetError` naming the file and part.
    enum Failure: Error {
        case malformed
        /// The row number as the file writes it (it may not fit an integer).
        case row(String)
        case column(row: Int)
        case cells(row: Int)
        case padding(row: Int)
        case text(row: Int)
        case cell(row: Int?)
        case timeOut

        /// `place`: where, as the user knows it («лист «Результаты»», «общие строки книги»).
        func error(file: String, part: String, place: String) -> SpreadsheetError {
            func at(_ row: Int?) -> String { row.map { "\(place), строка \($0)" } ?? place }
            switch self {
            case .malformed: return .badXML(file: file, part: part)
            case .row(let n): return .tooLarge(file: file, reason: "\(place): номер строки \(n.prefix(20)) больше 1 048 576 (предел Excel)")
            case .column(let r): return .tooLarge(file: file, reason: "\(at(r)): ссылка на столбец дальше XFD (16 384-го, предела Excel)")
            case .cells(let r): return .tooLarge(file: file, reason: "\(at(r)): на листе больше 40 миллионов ячеек")
            case .padding(let r): return .tooLarge(file: file, reason: "\(at(r)): на листе слишком много пустых ячеек перед заполненными (ссылки на далёкие столбцы)")
            case .text(let r): return .tooLarge(file: file, reason: "\(at(r)): текст ячеек вместе больше 512 МБ")
            case .cell(let r): return .tooLarge(file: file, reason: "\(at(r)): в ячейке больше 32 767 символов (предел Excel)")
            case .timeOut: return .timeOut(file: file)
            }
        }
    }

    /// Rows of a worksheet, numbered as the spreadsheet shows them (missing rows become empty rows).
    static func rows(_ data: Data, shared: [String], limits: inout Limits) throws -> [[String]] {
        try data.withUnsafeBytes { raw in try rows(raw.bindMemory(to: UInt8.self), shared: shared, limits: &limits) }
    }

    static func rows(_ xml: UnsafeBufferPointer<UInt8>, shared: [String], limits: inout Limits) throws -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var rowNumber = 0
        var column = 0
        var cellType: UInt8 = UInt8(ascii: "n")  // first letter of t=: s, n, b, i(nlineStr), e; «str» becomes t
        var value = ""
        var inCell = false
        var inPhonetic = false
        var tags = 0
        var i = 0
        let n = xml.count
        func put(_ value: String) throws {
            if column >= limits.sheet.maxColumns { throw Failure.column(row: rowNumber) }
            let added = max(0, column + 1 - row.count)
            limits.cells += added
            limits.realCells += 1
            limits.padding += max(0, added - 1)
            if limits.padding > 2_000_000 + 4 * limits.realCells { throw Failure.padding(row: rowNumber) }
            limits.textBytes += value.utf8.count
            if limits.cells > limits.sheet.maxCells { throw Failure.cells(row: rowNumber) }
            if limits.textBytes > limits.sheet.maxTextBytes { throw Failure.text(row: rowNumber) }
            Self.put(&row, column, value)
        }
        func padRows() throws {
            guard rowNumber <= limits.sheet.maxRows else { throw Failure.row(String(rowNumber)) }
            while rows.count < rowNumber - 1 { rows.append([]) }
        }
        while i < n {
            tags &+= 1
            if tags & 0xFFFF == 0, limits.budget.isExpired { throw Failure.timeOut }
            guard let tag = nextTag(xml, from: i) else {
                if (i..<n).contains(where: { xml[$0] == UInt8(ascii: "<") }) { throw Failure.malformed }
                break
            }
            i = tag.end
            if tag.close {
                if tag.named("c", in: xml) {
                    if inCell {
                        try put(cellValue(value, type: cellType, shared: shared))
                        inCell = false
                        column += 1
                    }
                } else if tag.named("row", in: xml) {
                    try padRows()
                    rows.append(row)
                } else if tag.named("rPh", in: xml) {
                    inPhonetic = false
                } else if tag.named("sheetData", in: xml) {
                    break
                }
                continue
            }
            if tag.named("c", in: xml) {
                if let ref = attribute("r", in: xml, tag) {
                    switch columnIndex(xml, ref, limit: limits.sheet.maxColumns) {
                    case .some(let c) where c < 0: throw Failure.column(row: rowNumber)
                    case .some(let c): column = c
                    case .none: break
                    }
                }
                if let t = attribute("t", in: xml, tag), !t.isEmpty {
                    let first = xml[t.lowerBound]
                    // «str» (a formula's text) must not read as «s» (a shared string index).
                    cellType = t.count == 3 && first == UInt8(ascii: "s") ? UInt8(ascii: "t") : first
                } else {
                    cellType = UInt8(ascii: "n")
                }
                value = ""
                inCell = !tag.selfClosing
                if tag.selfClosing { column += 1 }
            } else if (tag.named("v", in: xml) || tag.named("t", in: xml)) && inCell && !tag.selfClosing && !inPhonetic {
                var end = i
                while end < n && xml[end] != UInt8(ascii: "<") { end += 1 }
                if end - i + value.utf8.count > limits.sheet.maxCellBytes * 2 { throw Failure.cell(row: rowNumber) }
                value += decodeText(UnsafeBufferPointer(rebasing: xml[i..<end]))
                if value.utf8.count > limits.sheet.maxCellBytes { throw Failure.cell(row: rowNumber) }
                i = end
            } else if tag.named("row", in: xml) {
                row = []
                column = 0
                let r = attribute("r", in: xml, tag)
                rowNumber = r.flatMap { rowIndex(xml, $0) } ?? rowNumber + 1
                if rowNumber > limits.sheet.maxRows {
                    throw Failure.row(r.map { String(decoding: UnsafeBufferPointer(rebasing: xml[$0]), as: UTF8.self) } ?? String(rowNumber))
                }
                if tag.selfClosing {
                    try padRows()
                    rows.append([])
                }
            } else if tag.named("rPh", in: xml) {
                inPhonetic = !tag.selfClosing
            }
        }
        return rows
    }

    /// A row's `r`: digits only, at most 9 of them (Excel stops at 1 048 576).
    static func rowIndex(_ xml: UnsafeBufferPointer<UInt8>, _ r: Range<Int>) -> Int? {
        guard !r.isEmpty, r.count <= 9 else { return r.isEmpty ? nil : Int.max }
        var n = 0
        for k in r {
            let b = xml[k]
            guard b >= 0x30 && b <= 0x39 else { return nil }
            n = n * 10 + Int(b - 0x30)
        }
        return n
    }

    /// The strings of xl/sharedStrings.xml, rich-text runs joined, phonetic runs skipped.
    static func sharedStrings(_ data: Data, limits: Limits) throws -> [String] {
        try data.withUnsafeBytes { raw in try sharedStrings(raw.bindMemory(to: UInt8.self), limits: limits) }
    }

    static func sharedStrings(_ xml: UnsafeBufferPointer<UInt8>, limits: Limits) throws -> [String] {
        var out: [String] = []
        var current = ""
        var inPhonetic = false
        var tags = 0
        var i = 0
        let n = xml.count
        while i < n {
            tags &+= 1
            if tags & 0xFFFF == 0, limits.budget.isExpired { throw Failure.timeOut }
            guard let tag = nextTag(xml, from: i) else { break }
            i = tag.end
            if tag.close {
                if tag.named("si", in: xml) { out.append(current) } else if tag.named("rPh", in: xml) { inPhonetic = false }
                continue
            }
            if tag.named("si", in: xml) {
                current = ""
                if tag.selfClosing { out.append("") }
            } else if tag.named("rPh", in: xml) {
                inPhonetic = !tag.selfClosing
            } else if tag.named("t", in: xml), !tag.selfClosing, !inPhonetic {
                var end = i
                while end < n && xml[end] != UInt8(ascii: "<") { end += 1 }
                current += decodeText(UnsafeBufferPointer(rebasing: xml[i..<end]))
                if current.utf8.count > limits.sheet.maxCellBytes { throw Failure.cell(row: nil) }
                i = end
            }
        }
        return out
    }

    /// The attributes of every element whose local name (after any prefix) is `name`, values
    /// decoded: for the workbook's small parts (sheet list, relationships).
    static func elements(_ data: Data, named name: String) -> [[String: String]] {
        data.withUnsafeBytes { raw in
            let xml = raw.bindMemory(to: UInt8.self)
            var out: [[String: String]] = []
            var i = 0
            while let tag = nextTag(xml, from: i) {
                i = tag.end
                guard !tag.close else { continue }
                let full = String(decoding: UnsafeBufferPointer(rebasing: xml[tag.nameStart..<tag.nameEnd]), as: UTF8.self)
                let local = full.split(separator: ":").last.map(String.init) ?? full
                guard local == name else { continue }
                out.append(attributes(xml, tag))
            }
            return out
        }
    }

    /// Every `key="value"` (or single-quoted) of a tag, values with entities decoded.
    static func attributes(_ xml: UnsafeBufferPointer<UInt8>, _ tag: Tag) -> [String: String] {
        var out: [String: String] = [:]
        var i = tag.nameEnd
        let end = tag.attributesEnd
        while i < end {
            while i < end, xml[i] == 0x20 || xml[i] == 0x09 || xml[i] == 0x0A || xml[i] == 0x0D || xml[i] == UInt8(ascii: "/") { i += 1 }
            let keyStart = i
            while i < end, xml[i] != UInt8(ascii: "="), xml[i] != 0x20 { i += 1 }
            guard i + 1 < end, xml[i] == UInt8(ascii: "=") else { break }
            let key = String(decoding: UnsafeBufferPointer(rebasing: xml[keyStart..<i]), as: UTF8.self)
            let quote = xml[i + 1]
            guard quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'") else { break }
            let valueStart = i + 2
            var stop = valueStart
            while stop < end, xml[stop] != quote { stop += 1 }
            guard stop < end else { break }
            out[key] = decodeText(UnsafeBufferPointer(rebasing: xml[valueStart..<stop]))
            i = stop + 1
        }
        return out
    }

    @inline(__always) static func isDelimiter(_ b: UInt8) -> Bool {
        b == UInt8(ascii: " ") || b == UInt8(ascii: ">") || b == UInt8(ascii: "/") || b == UInt8(ascii: "\t") || b == UInt8(ascii: "\n") || b == UInt8(ascii: "\r")
    }

    static func put(_ row: inout [String], _ column: Int, _ value: String) {
        if column >= row.count { row.append(contentsOf: repeatElement("", count: column - row.count + 1)) }
        row[column] = value
    }

    /// Zero-based column of a cell reference's letters («AB12» → 27); -1 past `limit` columns
    /// (counting stops there, so «ZZZZZZZZZZZZ1» neither overflows nor allocates).
    @inline(__always) static func columnIndex(_ xml: UnsafeBufferPointer<UInt8>, _ ref: Range<Int>, limit: Int = 16_384) -> Int? {
        var n = 0
        for k in ref {
            let b = xml[k]
            guard b >= 65 && b <= 90 else { break }
            n = n * 26 + Int(b - 64)
            if n > limit { return -1 }
        }
        return n > 0 ? n - 1 : nil
    }

    static func cellValue(_ raw: String, type: UInt8, shared: [String]) -> String {
        if type == UInt8(ascii: "s") {
            guard let index = Int(raw), index >= 0, index < shared.count else { return "" }
            return shared[index]
        }
        if type == UInt8(ascii: "b") { return raw == "1" ? "ИСТИНА" : "ЛОЖЬ" }
        if type == UInt8(ascii: "n"), raw.contains(where: { $0 == "." || $0 == "E" || $0 == "e" }), let d = Double(raw), d == d.rounded(), abs(d) < 1e15 {
            return String(Int(d))
        }
        return raw
    }

    /// The value of attribute `name` (`name="…"` or `name='…'`) of a tag, as a range of the document.
    static func attribute(_ name: StaticString, in xml: UnsafeBufferPointer<UInt8>, _ tag: Tag) -> Range<Int>? {
        let count = name.utf8CodeUnitCount
        let key = name.utf8Start
        var i = tag.nameEnd
        let end = tag.attributesEnd
        while i + count + 2 < end {
            let b = xml[i]
            if b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D {
                var same = true
                for k in 0..<count where xml[i + 1 + k] != key[k] { same = false; break }
                if same && xml[i + 1 + count] == UInt8(ascii: "=") {
                    let quote = xml[i + 2 + count]
                    let start = i + 3 + count
                    var stop = start
                    while stop < end && xml[stop] != quote { stop += 1 }
                    return stop < end ? start..<stop : nil
                }
            }
            i += 1
        }
        return nil
    }

    /// UTF-8 text with the five XML entities and numeric character references decoded.
    static func decodeText(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        guard bytes.contains(UInt8(ascii: "&")) else { return String(decoding: bytes, as: UTF8.self) }
        var out = [UInt8]()
        out.reserveCapacity(bytes.count)
        var i = bytes.startIndex
        while i < bytes.endIndex {
            let b = bytes[i]
            guard b == UInt8(ascii: "&"), let semi = bytes[i..<min(bytes.endIndex, i + 12)].firstIndex(of: UInt8(ascii: ";")) else {
                out.append(b)
                i += 1
                continue
            }
            let entity = String(decoding: bytes[(i + 1)..<semi], as: UTF8.self)
            var scalar: Unicode.Scalar?
            switch entity {
            case "amp": scalar = "&"
            case "lt": scalar = "<"
            case "gt": scalar = ">"
            case "quot": scalar = "\""
            case "apos": scalar = "'"
            default:
                if entity.hasPrefix("#x") || entity.hasPrefix("#X") { scalar = UInt32(entity.dropFirst(2), radix: 16).flatMap(Unicode.Scalar.init) }
                else if entity.hasPrefix("#") { scalar = UInt32(entity.dropFirst()).flatMap(Unicode.Scalar.init) }
            }
            if let scalar {
                out.append(contentsOf: Array(String(Character(scalar)).utf8))
                i = semi + 1
            } else {
                out.append(b)
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
