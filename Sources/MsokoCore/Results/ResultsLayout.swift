import Foundation

/// The columns of a ФИС ОКО «Индивидуальные результаты» export (or a school's own form with the
/// same fields), found by their names in the header row.
struct ResultsLayout {
    enum Column: Equatable {
        case schoolLogin, municipality, schoolName, code, className, variant, gender
        case primaryScore, mark, journalMark, personName, enrolled
        case task(number: String, headerMax: Int?)
        case ignored
    }

    var headerRow: Int  // index into rows
    var columns: [Column]
    var labels: [String]
    var levelRow: Int?

    func index(of column: Column) -> Int? { columns.firstIndex(of: column) }

    /// Task column index for each spec task number.
    var taskColumns: [String: (index: Int, headerMax: Int?)] {
        var out: [String: (Int, Int?)] = [:]
        for (i, c) in columns.enumerated() {
            if case .task(let n, let m) = c { out[n] = (i, m) }
        }
        return out
    }

    /// Lowercase, ё → е, Latin look-alikes → Cyrillic, no spaces or punctuation.
    static func key(_ text: String) -> String {
        let t = Lookalikes.cyrillic(text).lowercased().replacingOccurrences(of: "ё", with: "е")
        return String(t.unicodeScalars.filter { CharacterSet.letters.contains($0) || CharacterSet.decimalDigits.contains($0) }.map(Character.init))
    }

    static let names: [String: Column] = [
        "оо": .schoolLogin, "логиноо": .schoolLogin, "логин": .schoolLogin,
        "муниципалитет": .municipality, "мо": .municipality,
        "названиеоо": .schoolName, "наименованиеоо": .schoolName, "оонаименование": .schoolName,
        "кодучастника": .code, "код": .code,
        "класс": .className, "вариант": .variant, "пол": .gender,
        "первичныйбалл": .primaryScore, "баллы": .primaryScore, "суммабаллов": .primaryScore,
        "отметка": .mark, "отметказаработу": .mark,
        "отметкапожурналу": .journalMark, "журнальнаяотметка": .journalMark, "отметкавжурнале": .journalMark,
        "обучающихсявклассе": .enrolled, "численностькласса": .enrolled, "учениковвклассе": .enrolled, "всегообучающихся": .enrolled,
        "фио": .personName, "фамилия": .personName, "имя": .personName, "фамилияимя": .personName, "фиоучастника": .personName,
    ]

    /// «1», «9.1», «1 (2б)», «1(2 б.)», «2К1 (1б)» → (number, max in the header).
    static func task(_ label: String) -> (String, Int?)? {
        // Most cells are not task labels: a label starts with a digit and is short. Checked first,
        // since the pattern is compiled anew on every call (a pasted table has thousands of cells).
        guard label.utf8.count <= 48, label.unicodeScalars.first(where: { $0 != " " && $0 != "\t" }).map({ ("0"..."9").contains($0) }) == true else {
            return nil
        }
        let t = Lookalikes.cyrillic(label).trimmingCharacters(in: .whitespaces)
        let pattern = #"^([0-9]+(?:\.[0-9]+)?(?:\s*[КкK]\s*[0-9]+)?)\s*(?:\(\s*([0-9]+)\s*[бБ]\.?\s*\)|\.)?$"#
        guard let r = t.range(of: pattern, options: .regularExpression) else { return nil }
        let matched = String(t[r])
        let numberPart = matched.prefix { $0 != "(" }.trimmingCharacters(in: CharacterSet(charactersIn: " ."))
        var max: Int?
        if let open = matched.firstIndex(of: "(") {
            max = Int(matched[matched.index(after: open)...].filter(\.isNumber))
        }
        return (TaskNumber.normalize(numberPart), max)
    }

    /// Finds the header row (the first with «Код участника») and maps its columns.
    static func find(in rows: [[String]]) -> ResultsLayout? {
        for (i, row) in rows.prefix(60).enumerated() where row.contains(where: { key($0) == "кодучастника" }) {
            let columns: [Column] = row.map { cell in
                if let c = names[key(cell)] { return c }
                if let (n, m) = task(cell) { return .task(number: n, headerMax: m) }
                return .ignored
            }
            var layout = ResultsLayout(headerRow: i, columns: columns, labels: row, levelRow: nil)
            // A header spread over two rows by merged cells: «Код участника», «Класс» merged down,
            // «Задания» merged across with the task numbers in the row below. The row below is a
            // second header row (not data) when its cell under «Код участника» is empty.
            let code = columns.firstIndex(of: .code)!
            if i + 1 < rows.count, (code >= rows[i + 1].count || rows[i + 1][code].trimmingCharacters(in: .whitespaces).isEmpty) {
                let below = rows[i + 1]
                var merged = false
                for c in 0..<below.count {
                    let cell = below[c]
                    guard !cell.trimmingCharacters(in: .whitespaces).isEmpty else { continue }
                    let label = c < layout.labels.count ? layout.labels[c] : ""
                    let isTask = ResultsLayout.task(cell)
                    let named = names[key(cell)]
                    guard c >= layout.columns.count || layout.columns[c] == .ignored else { continue }
                    while layout.columns.count <= c { layout.columns.append(.ignored); layout.labels.append("") }
                    if let (n, m) = isTask {
                        layout.columns[c] = .task(number: n, headerMax: m)
                    } else if let named {
                        layout.columns[c] = named
                    } else {
                        continue
                    }
                    layout.labels[c] = label.isEmpty ? cell : "\(label) \(cell)"
                    merged = true
                }
                if merged { layout.headerRow = i + 1 }
            }
            // A row of levels (Б / П / В) just above or below the header.
            for candidate in [i - 1, layout.headerRow + 1] where candidate >= 0 && candidate < rows.count {
                let cells = layout.taskColumns.values.map { $0.index < rows[candidate].count ? rows[candidate][$0.index] : "" }
                if !cells.isEmpty, cells.allSatisfy({ TaskLevel(text: $0) != nil }) { layout.levelRow = candidate }
            }
            return layout
        }
        return nil
    }
}
