import Foundation

/// A CSV reader: separator `;`, `,` or tab, guessed from the first lines (a title line above the
/// table has none); quoted fields with doubled quotes; CRLF, LF or CR line ends. It scans UTF-8
/// bytes rather than Characters: a region's file has millions of cells.
public struct CSVTable: Sendable {
    public var rows: [[String]]

    public init(text: String) {
        self.init(utf8: Array(text.utf8))
    }

    public init(utf8 bytes: [UInt8]) {
        var rows: [[String]] = []
        Self.forEachRow(utf8: bytes) { row in rows.append(row); return true }
        self.rows = rows
    }

    /// Calls `body` with each row in turn, without keeping the table; `body` returns false to stop.
    public static func forEachRow(utf8 bytes: [UInt8], _ body: ([String]) -> Bool) {
        let head = bytes.prefix(8192)
        let candidates: [UInt8] = [UInt8(ascii: ";"), UInt8(ascii: "\t"), UInt8(ascii: ",")]
        let separator = candidates.max { a, b in head.lazy.filter { $0 == a }.count < head.lazy.filter { $0 == b }.count } ?? UInt8(ascii: ";")
        let quote = UInt8(ascii: "\""), cr = UInt8(ascii: "\r"), lf = UInt8(ascii: "\n")
        var row: [String] = []
        var field: [UInt8] = []
        var quoted = false
        var i = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        let n = bytes.count
        var fieldStart = i
        var plain = true  // the field is bytes[fieldStart..<i] with no quotes to undo
        func finishField() {
            row.append(plain ? String(decoding: bytes[fieldStart..<i], as: UTF8.self) : String(decoding: field, as: UTF8.self))
        }
        while i < n {
            let b = bytes[i]
            if quoted {
                if b == quote {
                    if i + 1 < n && bytes[i + 1] == quote { field.append(quote); i += 2; continue }
                    quoted = false
                } else {
                    field.append(b)
                }
                i += 1
                continue
            }
            if b == quote && (plain && i == fieldStart) {
                quoted = true
                plain = false
                field.removeAll(keepingCapacity: true)
                i += 1
                continue
            }
            if b == separator || b == lf || b == cr {
                finishField()
                if b != separator {
                    guard body(row) else { return }
                    row.removeAll(keepingCapacity: true)
                    if b == cr && i + 1 < n && bytes[i + 1] == lf { i += 1 }
                }
                i += 1
                fieldStart = i
                plain = true
                field.removeAll(keepingCapacity: true)
                continue
            }
            if !plain { field.append(b) }
            i += 1
        }
        if fieldStart < n || !row.isEmpty || !plain {
            finishField()
            _ = body(row)
        }
    }
}
