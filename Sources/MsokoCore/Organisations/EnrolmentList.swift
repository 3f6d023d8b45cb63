import Foundation

public struct EnrolmentRecord: Equatable, Sendable {
    public var school: String
    public var className: String
    public var grade: Int
    public var enrolled: Int
    public var row: Int
}

/// Reads class enrolment lists: a header with «Логин» (or «ОО»), «Класс» and «Обучающихся»
/// («Численность», «Кол-во»); one class a row.
public enum EnrolmentListReader {
    public static func read(rows: [[String]], file: String, logins: LoginPattern = .standard) -> (records: [EnrolmentRecord], problems: [ImportProblem]) {
        func kind(_ header: String) -> Int? {
            let h = ResultsLayout.key(header)
            if h.contains("логин") || h == "оо" || h == "login" { return 0 }
            if h == "класс" || h == "class" { return 1 }
            if h.contains("обучающ") || h.contains("численност") || h.hasPrefix("колво") || h.hasPrefix("количество") || h == "enrolled" { return 2 }
            return nil
        }
        // All three kinds, each at least once («Кл Обучающихся» twice is not a «Класс» column).
        guard let headerIndex = rows.prefix(30).firstIndex(where: { Set($0.compactMap(kind)).count == 3 }) else {
            return ([], [ImportProblem(file: file, row: nil, column: nil,
                                       message: "не найдена строка заголовка со столбцами «Логин», «Класс» и «Обучающихся».")])
        }
        var columns = [Int](repeating: -1, count: 3)
        for (i, cell) in rows[headerIndex].enumerated() { if let k = kind(cell), columns[k] < 0 { columns[k] = i } }
        var records: [EnrolmentRecord] = []
        var problems: [ImportProblem] = []
        var seen = Set<String>()
        for (offset, row) in rows.enumerated().dropFirst(headerIndex + 1) {
            let rowNumber = offset + 1
            func cell(_ k: Int) -> String { columns[k] < row.count ? row[columns[k]].trimmingCharacters(in: .whitespaces) : "" }
            if row.allSatisfy({ $0.trimmingCharacters(in: .whitespaces).isEmpty }) { continue }
            let login = cell(0).lowercased()
            let cls = WorkRecord.normalizeClass(cell(1))
            guard SchoolRecord.isValidLogin(login, logins) else {
                problems.append(ImportProblem(file: file, row: rowNumber, column: "Логин", message: "«\(login)» не похоже на логин школы в ФИС ОКО (\(logins.explanation))."))
                continue
            }
            guard let grade = Int(cls.prefix { $0.isNumber }), (1...11).contains(grade) else {
                problems.append(ImportProblem(file: file, row: rowNumber, column: "Класс", message: "«\(cell(1))» — ожидается номер параллели 1–11 и буква, например 4А."))
                continue
            }
            guard let n = Checker.integer(cell(2)), (0...60).contains(n) else {
                problems.append(ImportProblem(file: file, row: rowNumber, column: "Обучающихся", message: "«\(cell(2))» — ожидается число от 0 до 60."))
                continue
            }
            if !seen.insert(login + "/" + cls).inserted {
                problems.append(ImportProblem(file: file, row: rowNumber, column: "Класс", message: "класс \(cls) школы \(login) повторяется."))
                continue
            }
            records.append(EnrolmentRecord(school: login, className: cls, grade: grade, enrolled: n, row: rowNumber))
        }
        if records.isEmpty && problems.isEmpty { problems.append(ImportProblem(file: file, row: nil, column: nil, message: "в файле нет ни одного класса.")) }
        return (records, problems)
    }
}
