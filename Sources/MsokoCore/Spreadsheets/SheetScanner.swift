import Foundation

/// A byte-level scanner for worksheet and shared-strings XML. Hand-written because Foundation's
/// XMLParser (libxml2) refuses the 200 MB sheets a regional export produces and builds far more
/// objects than needed; OOXML's cell markup is regular enough to scan directly: `<row r>`,
/// `<c r t>`, `<v>`, inline `<is><t>` (with rich-text runs), entities and character references.
enum SheetScanner {
    /// One tag: its name, whether it closes (`</x>`) or closes itself (`<x/>`), its attribute bytes,
    /// and where the text after it starts.
    struct Tag {
        var name: ArraySlice<UInt8>
        var close: Bool
        var selfClosing: Bool
        var attributes: ArraySlice<UInt8>
        var end: Int
    }

    /// The next tag at or after `i`, nil at the end of the document.
    static func nextTag(_ xml: [UInt8], from i: Int) -> Tag? {
        let n = xml.count
        guard let lt = xml[i..<n].firstIndex(of: UInt8(ascii: "<")), lt + 1 < n else { return nil }
        let close = xml[lt + 1] == UInt8(ascii: "/")
        let nameStart = close ? lt + 2 : lt + 1
        var j = nameStart
        while j < n, !isDelimiter(xml[j]) { j += 1 }
        guard let gt = xml[j..<n].firstIndex(of: UInt8(ascii: ">")) else { return nil }
        return Tag(name: xml[nameStart..<j], close: close, selfClosing: gt > j && xml[gt - 1] == UInt8(ascii: "/"),
                   attributes: xml[j..<gt], end: gt + 1)
    }

    /// Rows of a worksheet, numbered as the spreadsheet shows them (missing rows become empty rows).
    static func rows(_ xml: [UInt8], shared: [String]) throws -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var rowNumber = 0
        var column = 0
        var cellType: UInt8 = UInt8(ascii: "n")  // first letter of t=: s, n, b, i(nlineStr), e, (s)tr
        var value = ""
        var inCell = false
        var inPhonetic = false
        var i = 0
        let n = xml.count
        while i < n {
            guard let tag = nextTag(xml, from: i) else {
                if xml[i..<n].contains(UInt8(ascii: "<")) { throw SpreadsheetError.badXML(file: "", part: "") }
                break
            }
            let (name, close, selfClosing, attributes) = (tag.name, tag.close, tag.selfClosing, tag.attributes)
            i = tag.end
            if close {
                if name.elementsEqual("row".utf8) {
                    while rows.count < rowNumber - 1 { rows.append([]) }
                    rows.append(row)
                } else if name.elementsEqual("c".utf8), inCell {
                    put(&row, column, cellValue(value, type: cellType, shared: shared))
                    inCell = false
                    column += 1
                } else if name.elementsEqual("rPh".utf8) {
                    inPhonetic = false
                } else if name.elementsEqual("sheetData".utf8) {
                    break
                }
                continue
            }
            if name.elementsEqual("row".utf8) {
                row = []
                column = 0
                rowNumber = attribute("r", in: attributes).flatMap { Int(String(decoding: $0, as: UTF8.self)) } ?? rowNumber + 1
                if selfClosing {
                    while rows.count < rowNumber - 1 { rows.append([]) }
                    rows.append([])
                }
            } else if name.elementsEqual("c".utf8) {
                if let ref = attribute("r", in: attributes), let c = columnIndex(ref) { column = c }
                if let t = attribute("t", in: attributes), let first = t.first {
                    // «str» (a formula's text) must not read as «s» (a shared string index).
                    cellType = t.count == 3 && first == UInt8(ascii: "s") ? UInt8(ascii: "t") : first
                } else {
                    cellType = UInt8(ascii: "n")
                }
                value = ""
                inCell = !selfClosing
                if selfClosing { column += 1 }
            } else if name.elementsEqual("rPh".utf8) {
                inPhonetic = !selfClosing
            } else if (name.elementsEqual("v".utf8) || name.elementsEqual("t".utf8)) && inCell && !selfClosing && !inPhonetic {
                guard let end = xml[i..<n].firstIndex(of: UInt8(ascii: "<")) else { break }
                value += decodeText(xml[i..<end])
                i = end
            }
        }
        return rows
    }

    /// The strings of xl/sharedStrings.xml, rich-text runs joined, phonetic runs skipped.
    static func sharedStrings(_ xml: [UInt8]) -> [String] {
        var out: [String] = []
        var current = ""
        var inPhonetic = false
        var i = 0
        let n = xml.count
        while i < n {
            guard let tag = nextTag(xml, from: i) else { break }
            let (name, close, selfClosing) = (tag.name, tag.close, tag.selfClosing)
            i = tag.end
            if close {
                if name.elementsEqual("si".utf8) { out.append(current) } else if name.elementsEqual("rPh".utf8) { inPhonetic = false }
                continue
            }
            if name.elementsEqual("si".utf8) {
                current = ""
                if selfClosing { out.append("") }
            } else if name.elementsEqual("rPh".utf8) {
                inPhonetic = !selfClosing
            } else if name.elementsEqual("t".utf8), !selfClosing, !inPhonetic {
                guard let end = xml[i..<n].firstIndex(of: UInt8(ascii: "<")) else { break }
                current += decodeText(xml[i..<end])
                i = end
            }
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

    /// Zero-based column of a cell reference's letters («AB12» → 27), from bytes.
    @inline(__always) static func columnIndex(_ ref: ArraySlice<UInt8>) -> Int? {
        var n = 0
        for b in ref {
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

    /// The value of attribute `name` (`name="…"` or `name='…'`) in a tag's attribute bytes.
    static func attribute(_ name: String, in bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8>? {
        let key = Array(name.utf8)
        var i = bytes.startIndex
        while i < bytes.endIndex {
            // An attribute name starts after whitespace.
            if (bytes[i] == UInt8(ascii: " ") || bytes[i] == UInt8(ascii: "\t") || bytes[i] == UInt8(ascii: "\n") || bytes[i] == UInt8(ascii: "\r")),
               i + key.count + 2 < bytes.endIndex, bytes[(i + 1)..<(i + 1 + key.count)].elementsEqual(key), bytes[i + 1 + key.count] == UInt8(ascii: "=") {
                let quote = bytes[i + 2 + key.count]
                let start = i + 3 + key.count
                guard let end = bytes[start...].firstIndex(of: quote) else { return nil }
                return bytes[start..<end]
            }
            i += 1
        }
        return nil
    }

    /// UTF-8 text with the five XML entities and numeric character references decoded.
    static func decodeText(_ bytes: ArraySlice<UInt8>) -> String {
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
