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

    /// Rows of a worksheet, numbered as the spreadsheet shows them (missing rows become empty rows).
    static func rows(_ bytes: [UInt8], shared: [String]) throws -> [[String]] {
        try bytes.withUnsafeBufferPointer { xml in try rows(xml, shared: shared) }
    }

    static func rows(_ xml: UnsafeBufferPointer<UInt8>, shared: [String]) throws -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var rowNumber = 0
        var column = 0
        var cellType: UInt8 = UInt8(ascii: "n")  // first letter of t=: s, n, b, i(nlineStr), e; «str» becomes t
        var value = ""
        var inCell = false
        var inPhonetic = false
        var i = 0
        let n = xml.count
        while i < n {
            guard let tag = nextTag(xml, from: i) else {
                if (i..<n).contains(where: { xml[$0] == UInt8(ascii: "<") }) { throw SpreadsheetError.badXML(file: "", part: "") }
                break
            }
            i = tag.end
            if tag.close {
                if tag.named("c", in: xml) {
                    if inCell {
                        put(&row, column, cellValue(value, type: cellType, shared: shared))
                        inCell = false
                        column += 1
                    }
                } else if tag.named("row", in: xml) {
                    while rows.count < rowNumber - 1 { rows.append([]) }
                    rows.append(row)
                } else if tag.named("rPh", in: xml) {
                    inPhonetic = false
                } else if tag.named("sheetData", in: xml) {
                    break
                }
                continue
            }
            if tag.named("c", in: xml) {
                if let ref = attribute("r", in: xml, tag), let c = columnIndex(xml, ref) { column = c }
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
                value += decodeText(UnsafeBufferPointer(rebasing: xml[i..<end]))
                i = end
            } else if tag.named("row", in: xml) {
                row = []
                column = 0
                rowNumber = attribute("r", in: xml, tag).flatMap { Int(String(decoding: UnsafeBufferPointer(rebasing: xml[$0]), as: UTF8.self)) } ?? rowNumber + 1
                if tag.selfClosing {
                    while rows.count < rowNumber - 1 { rows.append([]) }
                    rows.append([])
                }
            } else if tag.named("rPh", in: xml) {
                inPhonetic = !tag.selfClosing
            }
        }
        return rows
    }

    /// The strings of xl/sharedStrings.xml, rich-text runs joined, phonetic runs skipped.
    static func sharedStrings(_ bytes: [UInt8]) -> [String] {
        bytes.withUnsafeBufferPointer { xml in
            var out: [String] = []
            var current = ""
            var inPhonetic = false
            var i = 0
            let n = xml.count
            while i < n {
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
                    i = end
                }
            }
            return out
        }
    }

    @inline(__always) static func isDelimiter(_ b: UInt8) -> Bool {
        b == UInt8(ascii: " ") || b == UInt8(ascii: ">") || b == UInt8(ascii: "/") || b == UInt8(ascii: "\t") || b == UInt8(ascii: "\n") || b == UInt8(ascii: "\r")
    }

    static func put(_ row: inout [String], _ column: Int, _ value: String) {
        if column >= row.count { row.append(contentsOf: repeatElement("", count: column - row.count + 1)) }
        row[column] = value
    }

    /// Zero-based column of a cell reference's letters («AB12» → 27).
    @inline(__always) static func columnIndex(_ xml: UnsafeBufferPointer<UInt8>, _ ref: Range<Int>) -> Int? {
        var n = 0
        for k in ref {
            let b = xml[k]
            guard b >= 65 && b <= 90 else { break }
            n = n * 26 + Int(b - 64)
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
