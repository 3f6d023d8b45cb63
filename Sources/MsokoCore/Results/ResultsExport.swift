import Foundation

/// Writes works back in the ФИС ОКО «Индивидуальные результаты» layout (title, participant count,
/// maximum score, a row of levels, the header, one row per work), so that an export imports again
/// unchanged.
public enum ResultsExport {
    public struct Row: Sendable {
        public var schoolLogin: String
        public var municipality: String
        public var schoolName: String
        public var work: WorkRecord
        public init(schoolLogin: String, municipality: String, schoolName: String, work: WorkRecord) {
            self.schoolLogin = schoolLogin
            self.municipality = municipality
            self.schoolName = schoolName
            self.work = work
        }
    }

    public static func table(spec: ProcedureSpec, rows: [Row]) -> [[XLSXWriter.Cell]] {
        head(spec: spec, count: rows.count) + rows.map(line)
    }

    /// The lines above the works: title, participant count, maximum, levels, header.
    public static func head(spec: ProcedureSpec, count: Int) -> [[XLSXWriter.Cell]] {
        let fixed = ["ОО", "Муниципалитет", "Название ОО", "Код участника", "Класс", "Вариант", "Пол"]
        return [
            [.text("\(spec.type) \(spec.year) \(spec.subject) \(spec.grade) класс")],
            [.text("Кол-во участников: \(count)")],
            [.text("Максимальный первичный балл: \(spec.maxScore)")],
            [],
            Array(repeating: .empty, count: fixed.count) + spec.tasks.map { .text($0.level.rawValue) },
            (fixed + spec.tasks.map { "\($0.number) (\($0.max)б)" } + ["Первичный балл", "Отметка", "Отметка по журналу"]).map { .text($0) },
        ]
    }

    public static func line(_ r: Row) -> [XLSXWriter.Cell] {
        let w = r.work
        var line: [XLSXWriter.Cell] = [.text(r.schoolLogin), .text(r.municipality), .text(r.schoolName), .text(w.code), .text(w.className),
                                       w.variant.map { .text($0) } ?? .empty, w.gender.map { .text($0) } ?? .empty]
        line += w.scores.map { $0 == WorkRecord.notDone ? .text("X") : .number(Int($0)) }
        line += [.number(w.primaryScore), w.mark.map { .number($0) } ?? .empty, w.journalMark.map { .number($0) } ?? .empty]
        return line
    }

    public static func xlsx(spec: ProcedureSpec, rows: [Row]) throws -> Data {
        // The three title lines and the empty row as the sheet's title; the levels and the header
        // as its two header rows (bold, frozen) — cell for cell the layout of `table`.
        let all = table(spec: spec, rows: rows)
        let title = all.prefix(3).compactMap { if case .text(let t) = $0.first { return t } else { return nil } }
        return try XLSXWriter(sheets: [.init(name: "Индивидуальные результаты", rows: Array(all.dropFirst(4)), title: title, headerRows: 2)]).data()
    }

    /// CSV in UTF-8 with a BOM and `;`, as Excel in Russian opens it.
    public static func csv(spec: ProcedureSpec, rows: [Row]) -> Data {
        let text = table(spec: spec, rows: rows).map(csvLine).joined(separator: "\r\n") + "\r\n"
        return Data([0xEF, 0xBB, 0xBF]) + Data(text.utf8)
    }

    public static func csvLine(_ line: [XLSXWriter.Cell]) -> String {
        line.map { cell -> String in
            switch cell {
            case .text(let raw):
                let t = neutralized(raw)
                return t.contains(";") || t.contains("\"") || t.contains("\n") || t.contains("\r") ? "\"" + t.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : t
            case .number(let n): return String(n)
            case .decimal(let d), .percent(let d), .mean(let d): return String(d).replacingOccurrences(of: ".", with: ",")
            case .empty: return ""
            }
        }.joined(separator: ";")
    }

    /// Text that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, or a tab or carriage
    /// return before one) gets a leading apostrophe, as Excel and LibreOffice expect for text:
    /// a school named `=HYPERLINK(…)` stays a name in the exported CSV.
    public static func neutralized(_ text: String) -> String {
        guard let first = text.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) else { return text }
        return "'" + text
    }
}
