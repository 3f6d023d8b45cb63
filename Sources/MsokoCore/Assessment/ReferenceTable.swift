import Foundation

/// Reference figures pasted from a ФИС ОКО report table (copied from the report page or its
/// Excel file, so cells are separated by tabs): the table of marks («Группы участников … 2 3 4 5»,
/// percentages) and the table of task completion (a header of task numbers, percentages below).
/// Either or both may be pasted; rows are chosen by their label: «Вся выборка» (or «Россия», «РФ»)
/// is Russia, the first other row is the region (ФИС ОКО lists the region right after the whole
/// sample, then the district and its schools). A pasted table with a single data row gives that row.
public enum ReferenceTable {
    public enum Level: String, Sendable, CaseIterable {
        case region, russia
        public var title: String { self == .region ? "Регион" : "Россия" }
        /// The row's name in ФИС ОКО reports when none was entered.
        public var defaultName: String { self == .region ? "Регион" : "Вся выборка" }
    }

    public struct Parsed: Equatable, Sendable {
        public var figures: ReferenceFigures
        /// The labels of the rows taken («Томская обл.»), for the user to confirm.
        public var rows: [String]
    }

    public struct Failure: Error, Equatable, CustomStringConvertible, Sendable {
        public var problems: [String]
        public var description: String { problems.joined(separator: "\n") }
    }

    /// What a pasted ФИС ОКО table can be: a few header and data rows, one column per task.
    public static let maxBytes = 256 * 1024
    public static let maxLines = 1000
    public static let maxCells = 500

    public static func parse(_ text: String, spec: ProcedureSpec, level: Level) throws -> Parsed {
        let tooLarge = "вставлено больше, чем бывает в таблице ФИС ОКО (до \(maxLines) строк и \(maxCells) столбцов, \(maxBytes / 1024) КБ): вставьте только таблицу «Статистика по отметкам» или «Выполнение заданий»."
        guard text.utf8.count <= maxBytes else { throw Failure(problems: [tooLarge]) }
        let lines = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
            .split(separator: "\n", omittingEmptySubsequences: false).map { cells(String($0)) }
        guard lines.count <= maxLines, lines.allSatisfy({ $0.count <= maxCells }) else { throw Failure(problems: [tooLarge]) }
        let taskNumbers = Set(spec.tasks.map(\.number))
        var marks: [String: Double]?
        var tasks: [String: Double]?
        var taken: [String] = []
        var problems: [String] = []

        var i = 0
        while i < lines.count {
            let header = lines[i]
            let labels = header.map { ResultsLayout.task($0)?.0 }
            // «2 3 4 5» alone: not the run inside a task header «1 2 3 4 5 6».
            let markStart = (0..<max(0, header.count - 3)).first { k in
                (0..<4).allSatisfy { header[k + $0] == String($0 + 2) } && (k == 0 || header[k - 1] != "1")
                    && (k + 4 >= header.count || ResultsLayout.task(header[k + 4]) == nil)
            }
            let taskCount = labels.compactMap { $0 }.filter(taskNumbers.contains).count
            let isTaskHeader = taskCount >= 2 && taskCount * 2 >= min(spec.tasks.count, labels.compactMap { $0 }.count) && markStart == nil
            guard markStart != nil || isTaskHeader else { i += 1; continue }
            let headerLine = i + 1
            // The data rows under this header, up to the next header, a line without numbers or the end.
            var rows: [(line: Int, label: String, cells: [String])] = []
            var k = i + 1
            while k < lines.count {
                let cells = lines[k]
                if cells.allSatisfy(\.isEmpty) {
                    if rows.isEmpty { k += 1; continue } else { break }
                }
                if cells.allSatisfy({ number($0) == nil }) || startsTasks(cells, spec: spec) { break }
                let label = cells.prefix { number($0) == nil }.filter { !$0.isEmpty }.joined(separator: " ")
                let key = ResultsLayout.key(label)
                if key.hasPrefix("макс") || key.hasPrefix("уровень") { k += 1; continue }
                // A next header: a row of marks or task numbers without a label.
                if label.isEmpty && cells.allSatisfy({ ResultsLayout.task($0) != nil || $0.isEmpty }) { break }
                rows.append((k + 1, label, cells))
                k += 1
            }
            i = k
            guard let row = choose(rows, level: level) else {
                problems.append("под заголовком в строке \(headerLine) нет строки с числами\(rows.isEmpty ? "" : " для уровня «\(level.title)»").")
                continue
            }
            // Columns are matched from the right: a pasted header loses its merged cells on the left.
            func value(at column: Int) -> String? {
                let index = row.cells.count - (header.count - column)
                return index >= 0 && index < row.cells.count ? row.cells[index] : nil
            }
            if let start = markStart {
                var found: [String: Double] = [:]
                for m in 0..<4 {
                    guard let text = value(at: start + m), let v = number(text) else {
                        problems.append("строка \(row.line) («\(row.label)»): нет доли отметки «\(m + 2)».")
                        continue
                    }
                    found[String(m + 2)] = v
                }
                let sum = found.values.reduce(0, +)
                if found.count == 4 {
                    if abs(sum - 100) <= 1.5 {
                        marks = found.mapValues { $0 / 100 }
                    } else if abs(sum - 1) <= 0.015 {
                        marks = found
                    } else {
                        problems.append("строка \(row.line) («\(row.label)»): доли отметок в сумме \(format(sum)), ожидается 100 %.")
                    }
                }
            } else {
                var found: [String: Double] = [:]
                for (column, label) in labels.enumerated() {
                    guard let n = label, taskNumbers.contains(n) else { continue }
                    guard let text = value(at: column), let v = number(text) else {
                        problems.append("строка \(row.line) («\(row.label)»): нет выполнения задания \(n).")
                        continue
                    }
                    if !(0...100).contains(v) {
                        problems.append("строка \(row.line) («\(row.label)»): выполнение задания \(n) \(format(v)) % — ожидается от 0 до 100.")
                    } else {
                        found[n] = v / 100
                    }
                }
                tasks = found
            }
            taken.append(row.label.isEmpty ? "строка \(row.line)" : row.label)
        }
        if marks == nil && tasks == nil && problems.isEmpty {
            problems.append("не найдена строка заголовка: вставьте таблицу вместе с заголовком — «2 3 4 5» для отметок или номера заданий для выполнения заданий.")
        }
        guard problems.isEmpty else { throw Failure(problems: problems) }
        return Parsed(figures: ReferenceFigures(marks: marks, tasks: tasks), rows: taken)
    }

    /// A header of the task table: the specification's first task numbers in order, at least two.
    static func startsTasks(_ cells: [String], spec: ProcedureSpec) -> Bool {
        let numbers = cells.compactMap { ResultsLayout.task($0)?.0 }
        return numbers.count >= 2 && spec.tasks.count >= 2 && Array(numbers.prefix(2)) == spec.tasks.prefix(2).map(\.number)
    }

    static func choose(_ rows: [(line: Int, label: String, cells: [String])], level: Level) -> (line: Int, label: String, cells: [String])? {
        if rows.count <= 1 { return rows.first }
        let russia = rows.first { isRussia($0.label) }
        switch level {
        case .russia: return russia
        case .region: return rows.first { !isRussia($0.label) }
        }
    }

    static func isRussia(_ label: String) -> Bool {
        let k = ResultsLayout.key(label)
        return k.hasPrefix("всявыборка") || k.hasPrefix("росси") || k == "рф"
    }

    /// Tabs (a copied table); `;` (a CSV line); otherwise runs of two or more spaces.
    static func cells(_ line: String) -> [String] {
        let parts: [Substring]
        if line.contains("\t") {
            parts = line.split(separator: "\t", omittingEmptySubsequences: false)
        } else if line.contains(";") {
            parts = line.split(separator: ";", omittingEmptySubsequences: false)
        } else {
            parts = line.components(separatedBy: "  ").map { Substring($0) }.filter { !$0.isEmpty }
        }
        return parts.map { $0.trimmingCharacters(in: .whitespaces.union(CharacterSet(charactersIn: "\u{00A0}"))) }
    }

    /// «5,23», «5.23», «5,23 %», «1 436 172» → the number.
    public static func number(_ text: String) -> Double? {
        let t = String(text.unicodeScalars.filter { !CharacterSet.whitespaces.contains($0) && $0 != "%" && $0 != "\u{00A0}" })
            .replacingOccurrences(of: ",", with: ".")
        guard !t.isEmpty, let v = Double(t), v.isFinite else { return nil }
        return v
    }

    /// A figure with exactly one decimal and a comma, as Russian tables print shares: «41,0», «7,8».
    public static func oneDecimal(_ v: Double) -> String {
        String(format: "%.1f", (v * 10).rounded() / 10).replacingOccurrences(of: ".", with: ",")
    }

    /// Two decimals at most, a comma, no trailing zeros: «12», «0,5», «3,14». What `%.2f` prints,
    /// worked out directly where that is certain (a figure from 0 to a million whose hundredfold is
    /// not within 10⁻⁶ of a half — the binary value and its product by 100 then round alike); Foundation's
    /// formatter otherwise (it costs microseconds, and a country's run writes a hundred thousand).
    public static func format(_ v: Double) -> String {
        if v >= 0, v < 1e6 {
            let x = v * 100
            let floor = x.rounded(.down)
            if abs(x - floor - 0.5) > 1e-6 {
                let n = Int(floor) + (x - floor > 0.5 ? 1 : 0)
                let whole = n / 100, cents = n % 100
                if cents == 0 { return String(whole) }
                if cents % 10 == 0 { return "\(whole),\(cents / 10)" }
                return cents < 10 ? "\(whole),0\(cents)" : "\(whole),\(cents)"
            }
        }
        var text = String(format: "%.2f", v)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text.replacingOccurrences(of: ".", with: ",")
    }
}
