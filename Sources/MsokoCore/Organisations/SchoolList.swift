import Foundation

/// Types of schools (ОО) a district has.
public enum SchoolType: String, Codable, CaseIterable, Sendable {
    case sosh = "СОШ"
    case oosh = "ООШ"
    case nosh = "НОШ"
    case gymnasium = "гимназия"
    case lyceum = "лицей"
    case boarding = "школа-интернат"
    case other = "иное"

    /// Reads a type as people write it (case and ё/е tolerant).
    public init?(text: String) {
        let t = text.trimmingCharacters(in: .whitespaces).lowercased().replacingOccurrences(of: "ё", with: "е")
        guard let match = SchoolType.allCases.first(where: { $0.rawValue.lowercased() == t }) else {
            if t.hasPrefix("гимназ") { self = .gymnasium; return }
            if t.hasPrefix("лице") { self = .lyceum; return }
            if t.contains("интернат") { self = .boarding; return }
            return nil
        }
        self = match
    }
}

public struct SchoolRecord: Equatable, Sendable {
    public var login: String
    public var fullName: String
    public var shortName: String
    public var type: SchoolType
    public init(login: String, fullName: String, shortName: String, type: SchoolType) {
        self.login = login
        self.fullName = fullName
        self.shortName = shortName
        self.type = type
    }

    /// ФИС ОКО logins look like `edu700101` (or another form the district accepts).
    public static func isValidLogin(_ login: String, _ logins: LoginPattern = .standard) -> Bool {
        logins.accepts(login)
    }
}

/// One problem of an imported file. The same problem on many rows is one entry (`count` rows, the
/// first of them in `rows`), so a file of another school reads «строки 5–143 (139 строк): …», not
/// 139 identical lines.
public struct ImportProblem: Equatable, Sendable, CustomStringConvertible {
    public var file: String
    public var row: Int?
    public var column: String?
    public var message: String
    /// Rows with this same problem (the first `sampleLimit` kept), and how many in all.
    public private(set) var rows: [Int] = []
    public private(set) var count = 1
    private var lastRow: Int?
    static let sampleLimit = 8

    public init(file: String, row: Int?, column: String?, message: String) {
        self.file = file
        self.row = row
        self.column = column
        self.message = message
        if let row { rows = [row]; lastRow = row }
    }

    /// The same problem on one more row.
    public mutating func repeatOn(row: Int?) {
        count += 1
        guard let row else { return }
        if rows.count < Self.sampleLimit { rows.append(row) }
        lastRow = row
    }

    public var description: String {
        var place = file
        if count > 1, let first = rows.first, let last = lastRow {
            // Consecutive rows as a range; otherwise the first few and the last.
            if last - first + 1 == count {
                place += ", строки \(first)–\(last)"
            } else {
                let shown = rows.map(String.init).joined(separator: ", ")
                place += count > rows.count ? ", строки \(shown), … \(last)" : ", строки \(shown)"
            }
            place += " (\(Plural.rows(count)))"
        } else if let row {
            place += ", строка \(row)"
        }
        // «Логин», or for a spreadsheet the letter with the header: H («1 (1б)»).
        if let column { place += column.contains("«") ? ", столбец \(column)" : ", столбец «\(column)»" }
        return "\(place): \(message)"
    }
}

/// Reads a list of schools: a header row with «Логин» (or «ФИС ОКО», «login»),
/// «Полное наименование», «Краткое наименование», «Тип»; one school a row.
public enum SchoolListReader {
    public static func read(rows: [[String]], file: String, logins: LoginPattern = .standard) -> (schools: [SchoolRecord], problems: [ImportProblem]) {
        var problems: [ImportProblem] = []
        guard let headerIndex = rows.firstIndex(where: { row in row.contains { column(for: $0) == .login } }) else {
            return ([], [ImportProblem(file: file, row: nil, column: nil,
                                       message: "не найдена строка заголовка со столбцом «Логин» (логин ФИС ОКО, например edu700101).")])
        }
        let header = rows[headerIndex].map(column(for:))
        for required in [Column.login, .fullName] where !header.contains(required) {
            problems.append(ImportProblem(file: file, row: headerIndex + 1, column: required.russian, message: "нет обязательного столбца."))
        }
        if !problems.isEmpty { return ([], problems) }
        var schools: [SchoolRecord] = []
        var seen = Set<String>()
        for (offset, row) in rows.enumerated().dropFirst(headerIndex + 1) {
            let rowNumber = offset + 1
            if row.allSatisfy({ $0.trimmingCharacters(in: .whitespaces).isEmpty }) { continue }
            func value(_ c: Column) -> String {
                guard let i = header.firstIndex(of: c), i < row.count else { return "" }
                return row[i].trimmingCharacters(in: .whitespaces)
            }
            let login = value(.login).lowercased()
            let fullName = value(.fullName)
            var shortName = value(.shortName)
            let typeText = value(.type)
            if !SchoolRecord.isValidLogin(login, logins) {
                problems.append(ImportProblem(file: file, row: rowNumber, column: Column.login.russian,
                                              message: "«\(login)» не похоже на логин школы в ФИС ОКО (\(logins.explanation))."))
                continue
            }
            if !seen.insert(login).inserted {
                problems.append(ImportProblem(file: file, row: rowNumber, column: Column.login.russian, message: "логин \(login) повторяется."))
            }
            if fullName.isEmpty {
                problems.append(ImportProblem(file: file, row: rowNumber, column: Column.fullName.russian, message: "не указано полное наименование."))
            }
            let type: SchoolType
            if typeText.isEmpty {
                type = SchoolType.allCases.first { fullName.contains($0.rawValue) } ?? .other
            } else if let t = SchoolType(text: typeText) {
                type = t
            } else {
                problems.append(ImportProblem(file: file, row: rowNumber, column: Column.type.russian,
                                              message: "неизвестный тип «\(typeText)»; допустимо: \(SchoolType.allCases.map(\.rawValue).joined(separator: ", "))."))
                continue
            }
            if shortName.isEmpty { shortName = fullName }
            schools.append(SchoolRecord(login: login, fullName: fullName, shortName: shortName, type: type))
        }
        if schools.isEmpty && problems.isEmpty {
            problems.append(ImportProblem(file: file, row: nil, column: nil, message: "в файле нет ни одной школы."))
        }
        return (schools, problems)
    }

    enum Column: Equatable {
        case login, fullName, shortName, type, unknown
        var russian: String {
            switch self {
            case .login: return "Логин"
            case .fullName: return "Полное наименование"
            case .shortName: return "Краткое наименование"
            case .type: return "Тип"
            case .unknown: return "?"
            }
        }
    }

    static func column(for header: String) -> Column {
        let h = header.lowercased().replacingOccurrences(of: "ё", with: "е").trimmingCharacters(in: .whitespaces)
        if h.contains("логин") || h == "login" || h.contains("фис око") || h == "оо" { return .login }
        if h.contains("полное") || h == "наименование" || h == "название оо" { return .fullName }
        if h.contains("кратк") { return .shortName }
        if h == "тип" || h.contains("тип оо") { return .type }
        return .unknown
    }
}
