import Foundation

/// A row of a staff list: a person, their position, school (as written: a login or a name; empty
/// for the department's own staff) and subjects.
public struct StaffRecord: Equatable, Sendable {
    public var name: String
    public var position: String
    public var school: String
    public var subjects: [String]
    public var row: Int
}

/// Reads staff lists (issue 16 §3): a header with «ФИО», «Должность», «ОО» and «Предметы»
/// (comma- or semicolon-separated), one person a row. The school is resolved by the caller (it
/// knows the district's logins and names); this checks what the file alone can tell, every row in
/// one pass.
public enum StaffListReader {
    public struct Result: Sendable {
        public var records: [StaffRecord]
        public var problems: [ImportProblem]
        /// Whether the file has an «ОО» column (a head's list of their own school may leave it out).
        public var hasSchoolColumn: Bool
    }

    enum Column: Int, CaseIterable { case name, position, school, subjects }

    static func column(_ header: String) -> Column? {
        let h = ResultsLayout.key(header)
        if h == "фио" || h.hasPrefix("фамилияимяотчество") || h == "фамилияио" || h == "работник" || h == "сотрудник" { return .name }
        if h.hasPrefix("должност") { return .position }
        if h == "оо" || h.contains("логин") || h == "школа" || h.hasPrefix("образовательнаяорганизация") || h == "организация" { return .school }
        if h.hasPrefix("предмет") || h.hasPrefix("преподаваемые") { return .subjects }
        return nil
    }

    /// Letters of any script, spaces, hyphens, dots and apostrophes: «Иванова-Петрова А.-М. С.».
    public static func isName(_ s: String) -> Bool {
        let words = s.split(separator: " ")
        return words.count >= 2 && s.unicodeScalars.allSatisfy { CharacterSet.letters.contains($0) || " -.'’".unicodeScalars.contains($0) }
            && s.contains(where: \.isLetter)
    }

    /// Spaces collapsed, «ё» kept: the name as it is stored and compared.
    public static func clean(_ s: String) -> String {
        s.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    public static func subjects(_ s: String) -> [String] {
        var seen = Set<String>()
        return s.split(whereSeparator: { $0 == "," || $0 == ";" || $0 == "\n" }).map { clean(String($0)) }.filter { !$0.isEmpty && seen.insert($0.lowercased()).inserted }
    }

    public static func read(rows: [[String]], file: String) -> Result {
        guard let headerIndex = rows.prefix(30).firstIndex(where: { r in
            let kinds = Set(r.compactMap(column))
            return kinds.contains(.name) && kinds.contains(.position)
        }) else {
            return Result(records: [], problems: [ImportProblem(file: file, row: nil, column: nil,
                                                                message: "не найдена строка заголовка со столбцами «ФИО», «Должность», «ОО» и «Предметы».")],
                          hasSchoolColumn: false)
        }
        var columns: [Column: Int] = [:]
        for (i, cell) in rows[headerIndex].enumerated() { if let c = column(cell), columns[c] == nil { columns[c] = i } }
        var records: [StaffRecord] = []
        var problems: [ImportProblem] = []
        var seen: [String: Int] = [:]
        for (offset, row) in rows.enumerated().dropFirst(headerIndex + 1) {
            let number = offset + 1
            func cell(_ c: Column) -> String {
                guard let i = columns[c], i < row.count else { return "" }
                return clean(row[i])
            }
            if row.allSatisfy({ $0.trimmingCharacters(in: .whitespaces).isEmpty }) { continue }
            var bad = false
            let name = cell(.name)
            if name.isEmpty {
                problems.append(ImportProblem(file: file, row: number, column: "ФИО", message: "не заполнено."))
                bad = true
            } else if !isName(name) {
                problems.append(ImportProblem(file: file, row: number, column: "ФИО", message: "«\(name)» — ожидаются фамилия, имя и отчество буквами."))
                bad = true
            } else if name.count > 200 {
                problems.append(ImportProblem(file: file, row: number, column: "ФИО", message: "длиннее 200 знаков."))
                bad = true
            }
            let position = cell(.position)
            if position.isEmpty {
                problems.append(ImportProblem(file: file, row: number, column: "Должность", message: "не заполнена."))
                bad = true
            } else if position.count > 200 {
                problems.append(ImportProblem(file: file, row: number, column: "Должность", message: "длиннее 200 знаков."))
                bad = true
            }
            let school = cell(.school)
            let subjects = subjects(columns[.subjects].flatMap { $0 < row.count ? row[$0] : nil } ?? "")
            if let long = subjects.first(where: { $0.count > 100 }) {
                problems.append(ImportProblem(file: file, row: number, column: "Предметы", message: "«\(long.prefix(40))…» — название предмета длиннее 100 знаков; предметы разделяются запятыми."))
                bad = true
            }
            if bad { continue }
            let key = name.lowercased() + "\u{1}" + school.lowercased()
            if let first = seen[key] {
                problems.append(ImportProblem(file: file, row: number, column: "ФИО", message: "«\(name)»\(school.isEmpty ? "" : " (\(school))") уже есть в строке \(first)."))
                continue
            }
            seen[key] = number
            records.append(StaffRecord(name: name, position: position, school: school, subjects: subjects, row: number))
        }
        if records.isEmpty && problems.isEmpty {
            problems.append(ImportProblem(file: file, row: nil, column: nil, message: "в файле нет ни одного работника."))
        }
        return Result(records: records, problems: problems, hasSchoolColumn: columns[.school] != nil)
    }
}
