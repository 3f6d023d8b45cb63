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

    /// Where the next tag starts (`lt`, the end when there is none) and the tag, nil when its `>`
    /// is not in the buffer yet.
    @inline(__always) static func scanTag(_ xml: UnsafeBufferPointer<UInt8>, from start: Int) -> (lt: Int, tag: Tag?) {
        let n = xml.count
        var lt = start
        if let base = xml.baseAddress, start < n, let p = memchr(base + start, Int32(UInt8(ascii: "<")), n - start) {
            lt = UnsafePointer<UInt8>(p.assumingMemoryBound(to: UInt8.self)) - base
        } else {
            return (n, nil)
        }
        return (lt, nextTag(xml, from: lt))
    }

    /// How far a piece of a part was read: up to `consumed` (the rest starts an unfinished tag or
    /// text and comes again with the next piece), and whether the reader wants no more.
    struct Fed {
        var consumed: Int
        var stop: Bool
    }

    /// The rows of a worksheet, read piece by piece as the part is inflated: each row is lent to
    /// `emit` as cells with its index (the row number as the spreadsheet shows it, minus one) as
    /// soon as its `</row>` is read; missing rows are not emitted. The state between pieces is
    /// only what lies between tags, so a piece may end anywhere.
    struct RowReader {
        var limits: Limits
        let shared: SharedStrings
        var rowNumber = 0
        var column = 0
        var cellType: UInt8 = UInt8(ascii: "n")  // first letter of t=: s, n, b, i(nlineStr), e; «str» becomes t
        var inCell = false
        var inPhonetic = false
        var done = false
        var tags = 0
        /// The current cell's text, and the row's cells: cell i is `[bounds[2i], bounds[2i + 1])` of `bytes`.
        var value: [UInt8] = []
        var bytes: [UInt8] = []
        var bounds: [Int] = []

        init(shared: SharedStrings, limits: Limits) {
            self.shared = shared
            self.limits = limits
        }

        mutating func put() throws {
            if column >= limits.sheet.maxColumns { throw Failure.column(row: rowNumber) }
            let added = max(0, column + 1 - bounds.count / 2)
            limits.cells += added
            limits.realCells += 1
            limits.padding += max(0, added - 1)
            if limits.padding > 2_000_000 + 4 * limits.realCells { throw Failure.padding(row: rowNumber) }
            let from = bytes.count
            SheetScanner.cellValue(value, type: cellType, shared: shared, into: &bytes)
            limits.textBytes += bytes.count - from
            if limits.cells > limits.sheet.maxCells { throw Failure.cells(row: rowNumber) }
            if limits.textBytes > limits.sheet.maxTextBytes { throw Failure.text(row: rowNumber) }
            while bounds.count / 2 <= column { bounds.append(from); bounds.append(from) }
            bounds[2 * column] = from
            bounds[2 * column + 1] = bytes.count
        }

        mutating func endRow(_ emit: (CellRow, Int) throws -> Bool) throws -> Bool {
            guard rowNumber <= limits.sheet.maxRows else { throw Failure.row(String(rowNumber)) }
            defer { bytes.removeAll(keepingCapacity: true); bounds.removeAll(keepingCapacity: true) }
            return try bytes.withUnsafeBufferPointer { scratch in
                try bounds.withUnsafeBufferPointer { b in
                    try emit(CellRow(base: UnsafeBufferPointer(start: nil, count: 0), scratch: scratch, bounds: b), rowNumber - 1)
                }
            }
        }

        /// Reads `xml` (the part's next bytes, after what earlier calls left unconsumed). `final`:
        /// nothing follows, so an unfinished tag is damage.
        mutating func feed(_ xml: UnsafeBufferPointer<UInt8>, final: Bool, emit: (CellRow, Int) throws -> Bool) throws -> Fed {
            let n = xml.count
            var i = 0
            while i < n && !done {
                tags &+= 1
                if tags & 0xFFFF == 0, limits.budget.isExpired { throw Failure.timeOut }
                let (lt, found) = scanTag(xml, from: i)
                guard let tag = found else {
                    if lt >= n { return Fed(consumed: n, stop: false) }
                    if final { throw Failure.malformed }
                    // A tag longer than any a sheet has is not waited for.
                    if n - lt > 1 << 20 { throw Failure.malformed }
                    return Fed(consumed: lt, stop: false)
                }
                if tag.close {
                    i = tag.end
                    if tag.named("c", in: xml) {
                        if inCell {
                            try put()
                            inCell = false
                            column += 1
                        }
                    } else if tag.named("row", in: xml) {
                        if try !endRow(emit) { return Fed(consumed: i, stop: true) }
                    } else if tag.named("rPh", in: xml) {
                        inPhonetic = false
                    } else if tag.named("sheetData", in: xml) {
                        done = true
                    }
                    continue
                }
                if tag.named("c", in: xml) {
                    i = tag.end
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
                    value.removeAll(keepingCapacity: true)
                    inCell = !tag.selfClosing
                    if tag.selfClosing { column += 1 }
                } else if (tag.named("v", in: xml) || tag.named("t", in: xml)) && inCell && !tag.selfClosing && !inPhonetic {
                    // The text and the tag are read together: a text the piece cuts waits for the next.
                    var end = tag.end
                    if let base = xml.baseAddress, end < n, let p = memchr(base + end, Int32(UInt8(ascii: "<")), n - end) {
                        end = UnsafePointer<UInt8>(p.assumingMemoryBound(to: UInt8.self)) - base
                    } else {
                        end = n
                        if !final {
                            if n - tag.end + value.count > limits.sheet.maxCellBytes * 2 { throw Failure.cell(row: rowNumber) }
                            return Fed(consumed: lt, stop: false)
                        }
                    }
                    if end - tag.end + value.count > limits.sheet.maxCellBytes * 2 { throw Failure.cell(row: rowNumber) }
                    appendDecoded(UnsafeBufferPointer(rebasing: xml[tag.end..<end]), to: &value)
                    if value.count > limits.sheet.maxCellBytes { throw Failure.cell(row: rowNumber) }
                    i = end
                } else if tag.named("row", in: xml) {
                    i = tag.end
                    bytes.removeAll(keepingCapacity: true)
                    bounds.removeAll(keepingCapacity: true)
                    column = 0
                    let r = attribute("r", in: xml, tag)
                    rowNumber = r.flatMap { rowIndex(xml, $0) } ?? rowNumber + 1
                    if rowNumber > limits.sheet.maxRows {
                        throw Failure.row(r.map { String(decoding: UnsafeBufferPointer(rebasing: xml[$0]), as: UTF8.self) } ?? String(rowNumber))
                    }
                    if tag.selfClosing, try !endRow(emit) { return Fed(consumed: i, stop: true) }
                } else {
                    i = tag.end
                    if tag.named("rPh", in: xml) { inPhonetic = !tag.selfClosing }
                }
            }
            return Fed(consumed: done ? n : i, stop: false)
        }
    }

    /// The rows of a whole worksheet in memory, numbered as the spreadsheet shows them (missing
    /// rows become empty rows): for the small lists (schools, staff) and the tests.
    static func rows(_ data: Data, shared: SharedStrings, limits: inout Limits) throws -> [[String]] {
        var rows: [[String]] = []
        var reader = RowReader(shared: shared, limits: limits)
        _ = try data.withUnsafeBytes { raw in
            try reader.feed(raw.bindMemory(to: UInt8.self), final: true) { row, index in
                rows.place(row, at: index)
                return true
            }
        }
        limits = reader.limits
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

    /// The strings of xl/sharedStrings.xml as one run of bytes: string k is `[ends[k − 1], ends[k])`
    /// (a region's workbook may hold hundreds of thousands; one array, not an object each).
    struct SharedStrings {
        var bytes: [UInt8] = []
        var ends: [Int] = []

        var count: Int { ends.count }
        func string(_ k: Int) -> String {
            bytes.withUnsafeBufferPointer { String(decoding: UnsafeBufferPointer(rebasing: $0[(k == 0 ? 0 : ends[k - 1])..<ends[k]]), as: UTF8.self) }
        }
    }

    /// Reads xl/sharedStrings.xml piece by piece: rich-text runs joined, phonetic runs skipped.
    struct StringsReader {
        var limits: Limits
        var strings = SharedStrings()
        var inPhonetic = false
        var tags = 0

        init(limits: Limits) { self.limits = limits }

        mutating func feed(_ xml: UnsafeBufferPointer<UInt8>, final: Bool) throws -> Fed {
            let n = xml.count
            var i = 0
            while i < n {
                tags &+= 1
                if tags & 0xFFFF == 0, limits.budget.isExpired { throw Failure.timeOut }
                let (lt, found) = scanTag(xml, from: i)
                guard let tag = found else {
                    if lt >= n || final { return Fed(consumed: n, stop: false) }
                    if n - lt > 1 << 20 { throw Failure.malformed }
                    return Fed(consumed: lt, stop: false)
                }
                if tag.close {
                    i = tag.end
                    if tag.named("si", in: xml) {
                        strings.ends.append(strings.bytes.count)
                    } else if tag.named("rPh", in: xml) {
                        inPhonetic = false
                    }
                    continue
                }
                if tag.named("t", in: xml), !tag.selfClosing, !inPhonetic {
                    var end = n
                    if let base = xml.baseAddress, tag.end < n, let p = memchr(base + tag.end, Int32(UInt8(ascii: "<")), n - tag.end) {
                        end = UnsafePointer<UInt8>(p.assumingMemoryBound(to: UInt8.self)) - base
                    } else if !final {
                        if n - tag.end > limits.sheet.maxCellBytes * 2 { throw Failure.cell(row: nil) }
                        return Fed(consumed: lt, stop: false)
                    }
                    let start = strings.ends.last ?? 0
                    appendDecoded(UnsafeBufferPointer(rebasing: xml[tag.end..<end]), to: &strings.bytes)
                    if strings.bytes.count - start > limits.sheet.maxCellBytes { throw Failure.cell(row: nil) }
                    i = end
                    continue
                }
                i = tag.end
                if tag.named("si", in: xml) {
                    if strings.bytes.count > (strings.ends.last ?? 0) { strings.bytes.removeSubrange((strings.ends.last ?? 0)...) }
                    if tag.selfClosing { strings.ends.append(strings.bytes.count) }
                } else if tag.named("rPh", in: xml) {
                    inPhonetic = !tag.selfClosing
                }
            }
            return Fed(consumed: n, stop: false)
        }
    }

    /// The shared strings of a whole part in memory (the tests).
    static func sharedStrings(_ data: Data, limits: Limits) throws -> SharedStrings {
        var reader = StringsReader(limits: limits)
        _ = try data.withUnsafeBytes { raw in try reader.feed(raw.bindMemory(to: UInt8.self), final: true) }
        return reader.strings
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

    /// A cell's text as the sheet means it, appended to `out`: a shared string by its index,
    /// booleans as Excel shows them in Russian, whole numbers written as floats («1.0E0») as integers.
    static func cellValue(_ raw: [UInt8], type: UInt8, shared: SharedStrings, into out: inout [UInt8]) {
        if type == UInt8(ascii: "s") {
            var index = 0
            guard !raw.isEmpty, raw.count <= 12 else { return }
            for b in raw {
                guard b >= 0x30 && b <= 0x39 else { return }
                index = index * 10 + Int(b - 0x30)
            }
            guard index < shared.count else { return }
            let start = index == 0 ? 0 : shared.ends[index - 1]
            out.append(contentsOf: shared.bytes[start..<shared.ends[index]])
            return
        }
        if type == UInt8(ascii: "b") {
            out.append(contentsOf: (raw == [UInt8(ascii: "1")] ? "ИСТИНА" : "ЛОЖЬ").utf8)
            return
        }
        if type == UInt8(ascii: "n"), raw.contains(where: { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "E") || $0 == UInt8(ascii: "e") }),
           let d = Double(String(decoding: raw, as: UTF8.self)), d == d.rounded(), abs(d) < 1e15 {
            out.append(contentsOf: String(Int(d)).utf8)
            return
        }
        out.append(contentsOf: raw)
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
        appendDecoded(bytes, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// The same, appended to `out` as bytes.
    static func appendDecoded(_ bytes: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        guard let base = bytes.baseAddress, memchr(base, Int32(UInt8(ascii: "&")), bytes.count) != nil else {
            out.append(contentsOf: bytes)
            return
        }
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
                out.append(contentsOf: String(Character(scalar)).utf8)
                i = semi + 1
            } else {
                out.append(b)
                i += 1
            }
        }
    }
}
