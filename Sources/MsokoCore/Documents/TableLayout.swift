import Foundation

/// Column widths of a DOCX table from its content, as a person sets a table in Word: no column is
/// narrower than its longest word (so «Успеваемость» never breaks into «Успев/аемос/ть»), spare room
/// goes to the columns whose text would otherwise wrap most, and a table too wide for the page at
/// the table style's 10 pt is set at 9 or 8 pt before any word has to break. Widths are estimated
/// from character classes of Times New Roman (no font metrics are available on a server);
/// deliberately generous, so that Word and LibreOffice fit what the estimate fits.
struct TableLayout {
    var widths: [Int]
    /// Half-points, when smaller than the style's 10 pt.
    var fontSize: Int?

    /// Cell padding, left and right (the table style's margins), plus a little slack.
    static let padding = 180

    init(_ t: DocxDocument.Table, available: Int) {
        let columns = max(t.header.count, t.rows.map(\.count).max() ?? 0, 1)
        func texts(_ c: Int) -> [(String, Bool)] {
            var out: [(String, Bool)] = c < t.header.count ? [(t.header[c], true)] : []
            for row in t.rows where c < row.count {
                for p in row[c].paragraphs { out.append((p.runs.map(\.text).joined(), p.runs.contains { $0.bold })) }
            }
            return out
        }
        let columnTexts = (0..<columns).map(texts)
        var chosen: (widths: [Int], size: Int?)?
        for size in [20, 18, 16] {
            let em = Double(size) * 10  // twips per em: a half-point is 10 twips
            let minimum = columnTexts.map { list in
                Int((list.map { text, bold in Self.longestWord(text).reduce(0.0) { $0 + Self.width($1, bold: bold) } }.max() ?? 0) * em) + Self.padding
            }
            let preferred = columnTexts.map { list in
                Int((list.map { text, bold in Typography.bind(text).reduce(0.0) { $0 + Self.width($1, bold: bold) } }.max() ?? 0) * em) + Self.padding
            }
            if minimum.reduce(0, +) <= available || size == 16 {
                chosen = (Self.share(available: available, minimum: minimum, preferred: preferred, hint: t.widths), size == 20 ? nil : size)
                break
            }
        }
        widths = chosen!.widths
        fontSize = chosen!.size
    }

    /// Minimum widths first; the room left goes where text would wrap (preferred − minimum),
    /// weighted by the caller's hint; what is still left widens every column by the hint.
    static func share(available: Int, minimum: [Int], preferred: [Int], hint: [Int]) -> [Int] {
        let n = minimum.count
        let weights = (0..<n).map { Double(max(1, $0 < hint.count ? hint[$0] : 1)) }
        let total = minimum.reduce(0, +)
        guard total < available else {
            // Too wide even at 8 pt: shrink in proportion (the longest words of the widest columns wrap).
            return minimum.map { Int(Double($0) * Double(available) / Double(total)) }
        }
        var widths = minimum
        var room = Double(available - total)
        let wants = (0..<n).map { Double(max(0, preferred[$0] - minimum[$0])) * weights[$0] }
        let wanted = wants.reduce(0, +)
        if wanted > 0 {
            let give = min(room, (0..<n).reduce(0.0) { $0 + Double(max(0, preferred[$1] - minimum[$1])) })
            for i in 0..<n {
                let extra = min(Double(max(0, preferred[i] - minimum[i])), give * wants[i] / wanted)
                widths[i] += Int(extra)
            }
            room = Double(available - widths.reduce(0, +))
        }
        if room > 0 {
            let w = weights.reduce(0, +)
            for i in 0..<n { widths[i] += Int(room * weights[i] / w) }
        }
        return widths
    }

    /// The longest run of characters that may not break: words, with no-break spaces binding.
    static func longestWord(_ text: String) -> String {
        Typography.bind(text).split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" })
            .max { $0.reduce(0.0) { $0 + width($1, bold: false) } < $1.reduce(0.0) { $0 + width($1, bold: false) } }.map(String.init) ?? ""
    }

    /// A character's advance in ems, by class (Times New Roman, rounded up), bold 6 % wider.
    static func width(_ c: Character, bold: Bool) -> Double {
        let w: Double
        if c == " " || c == "\u{00A0}" { w = 0.25 }
        else if c.isNumber { w = 0.5 }
        else if "ШЩЖМЮшщжмюы".contains(c) { w = 0.75 }
        else if c.isUppercase { w = 0.7 }
        else if c.isLetter { w = 0.49 }
        else if c == "%" { w = 0.83 }
        else if c == "—" { w = 1.0 }
        else if "«»*".contains(c) { w = 0.5 }
        else if ",.:;".contains(c) { w = 0.25 }
        else { w = 0.34 }
        return bold ? w * 1.06 : w
    }
}

/// Russian typesetting of generated text: a number stays with its unit and «№» with its number,
/// «п. п.» is never parted — no-break spaces where a line must not end.
public enum Typography {
    public static func bind(_ text: String) -> String {
        guard text.contains(" ") else { return text }
        var out = text
        out = out.replacingOccurrences(of: " %", with: "\u{00A0}%")
        out = out.replacingOccurrences(of: "п. п.", with: "п.\u{00A0}п.")
        out = out.replacingOccurrences(of: "№ ", with: "№\u{00A0}")
        // A number and the word after it: «7 работ», «17 баллов». «13 (7,8 %)» may wrap before
        // the bracket: a narrow column then reads «13» over «(7,8 %)», never «(7,8» over «%)».
        out = out.replacingOccurrences(of: #"(\d) (балл|работ|школ|обучающ|участник|задани|класс|чел\.|г\.|мин|дн)"#,
                                       with: "$1\u{00A0}$2", options: .regularExpression)
        return out
    }
}
