import Foundation

/// A small CSV reader for lists (schools, classes): separator `;`, `,` or tab, guessed from
/// the first lines; quoted fields with doubled quotes. Results files get a streaming reader
/// of their own (issue 3); these lists are a few hundred lines.
public struct CSVTable: Sendable {
    public var rows: [[String]]

    public init(text: String) {
        // The separator is guessed from the first lines (a title line above the table has none).
        let head = text.prefix(8192)
        let candidates: [Character] = [";", "\t", ","]
        let separator = candidates.max { a, b in
            head.filter { $0 == a }.count < head.filter { $0 == b }.count
        } ?? ";"
        var rows: [[String]] = []
        var row: [String] = []
        var field = ""
        var quoted = false
        var chars = Array(text)
        if chars.last != "\n" { chars.append("\n") }
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if quoted {
                if c == "\"" {
                    if i + 1 < chars.count && chars[i + 1] == "\"" { field.append("\""); i += 1 } else { quoted = false }
                } else {
                    field.append(c)
                }
            } else if c == "\"" && field.isEmpty {
                quoted = true
            } else if c == separator {
                row.append(field); field = ""
            } else if c == "\n" || c == "\r\n" || c == "\r" {
                row.append(field); field = ""
                rows.append(row); row = []
            } else {
                field.append(c)
            }
            i += 1
        }
        self.rows = rows
    }
}
