import Foundation

/// Reads a results file (XLSX or CSV) against a procedure's specification and checks every row.
/// Nothing here decides what is stored: the caller stores the works only when `problems` is empty.
public enum ResultsReader {
    public struct Limits: Sendable {
        /// Largest file accepted (default 50 MB).
        public var maxFileBytes: Int
        /// Largest total the ZIP of an XLSX may expand to (default 1 GB).
        public var maxUnzippedBytes: Int64
        /// Problems listed before «и ещё N».
        public var maxProblems: Int
        public init(maxFileBytes: Int = 50 * 1024 * 1024, maxUnzippedBytes: Int64 = 1 << 30, maxProblems: Int = 1000) {
            self.maxFileBytes = maxFileBytes
            self.maxUnzippedBytes = maxUnzippedBytes
            self.maxProblems = maxProblems
        }
    }

    /// `school`: whose file it is (a school's own upload, `--school`): rows without a school are
    /// that school's, rows of any other school are an error.
    public static func read(data: Data, file: String, spec: ProcedureSpec, school: String? = nil, limits: Limits = Limits()) -> ResultsFile {
        var result = ResultsFile()
        func refuse(_ message: String) -> ResultsFile {
            result.problems = [ImportProblem(file: file, row: nil, column: nil, message: message)]
            return result
        }
        guard !data.isEmpty else { return refuse("файл пустой.") }
        guard data.count <= limits.maxFileBytes else {
            return refuse("файл \(megabytes(data.count)) больше допустимых \(megabytes(limits.maxFileBytes)).")
        }
        let sheets: [(name: String?, rows: [[String]])]
        // A CSV is not kept as a table: its first lines find the header, then rows stream through the checks.
        var csvBytes: [UInt8]?
        if data.starts(with: [0x50, 0x4B]) {
            do {
                if try XLSXSheetReader.unzippedSize(data: data) > limits.maxUnzippedBytes {
                    return refuse("книга распаковывается больше чем в \(megabytes(Int(limits.maxUnzippedBytes))) — файл не принят.")
                }
                sheets = try XLSXSheetReader.sheets(data: data, file: file).map { ($0.name, $0.rows) }
            } catch let e as SpreadsheetError {
                return refuse(e.description.replacingOccurrences(of: "Файл \(file): ", with: ""))
            } catch {
                return refuse("не является таблицей Excel (XLSX) — возможно, файл повреждён.")
            }
        } else {
            if data.starts(with: Array("%PDF".utf8)) || data.starts(with: [0xD0, 0xCF, 0x11, 0xE0]) || data.prefix(4096).contains(0) {
                return refuse("это не таблица: ожидается XLSX или CSV (файл похож на PDF, старый XLS или другой двоичный файл).")
            }
            // UTF-8 is scanned as it is; anything else is Windows-1251 and decoded first.
            var bytes = [UInt8](data)
            if String(validating: bytes, as: UTF8.self) == nil {
                guard let text = TextDecoding.decode(data) else { return refuse("не удалось прочитать текст (ожидается CSV в UTF-8 или Windows-1251).") }
                bytes = Array(text.utf8)
            }
            var head: [[String]] = []
            CSVTable.forEachRow(utf8: bytes) { row in head.append(row); return head.count < 60 }
            sheets = [(nil, head)]
            csvBytes = bytes
        }
        guard let (sheetName, rows, layout) = sheets.lazy.compactMap({ s in ResultsLayout.find(in: s.rows).map { (s.name, s.rows, $0) } }).first else {
            return refuse("не найдена строка заголовка: ожидаются столбцы «Код участника», «Класс» и столбцы заданий (например «1 (2б)»).")
        }
        result.sheet = sheetName
        var checker = Checker(file: file, sheet: sheetName, spec: spec, layout: layout, rows: rows, limits: limits)
        checker.expectedSchool = school?.lowercased()
        if let csvBytes {
            checker.dataRows = { body in
                var index = 0
                CSVTable.forEachRow(utf8: csvBytes) { row in
                    defer { index += 1 }
                    body(row, index)
                    return true
                }
            }
        }
        checker.run(into: &result)
        return result
    }

    static func megabytes(_ bytes: Int) -> String {
        bytes >= 1 << 30 ? String(format: "%.1f ГБ", Double(bytes) / Double(1 << 30)) : String(format: "%.1f МБ", Double(bytes) / 1_048_576)
    }
}

extension XLSXSheetReader {
    /// The total size the archive's entries expand to, from the ZIP directory (no expansion).
    public static func unzippedSize(data: Data) throws -> Int64 {
        let archive = try Archive(data: data, accessMode: .read)
        return archive.reduce(Int64(0)) { $0 + Int64($1.uncompressedSize) }
    }
}

import ZIPFoundation

/// Checks the rows of one sheet and turns them into works.
struct Checker {
    let file: String
    let sheet: String?
    let spec: ProcedureSpec
    let layout: ResultsLayout
    let rows: [[String]]
    let limits: ResultsReader.Limits
    var problemCount = 0
    var expectedSchool: String?
    /// Streams every row with its index (a CSV); nil: the rows are `rows` (an XLSX sheet).
    var dataRows: ((_ body: (_ row: [String], _ index: Int) -> Void) -> Void)?
    /// One instance of each repeated text (school names, classes), so a region's works share them.
    var interned: [String: String] = [:]

    mutating func intern(_ s: String) -> String {
        if let known = interned[s] { return known }
        interned[s] = s
        return s
    }

    var place: String { sheet.map { "\(file), лист «\($0)»" } ?? file }

    init(file: String, sheet: String?, spec: ProcedureSpec, layout: ResultsLayout, rows: [[String]], limits: ResultsReader.Limits) {
        self.file = file
        self.sheet = sheet
        self.spec = spec
        self.layout = layout
        self.rows = rows
        self.limits = limits
    }

    func columnName(_ index: Int) -> String {
        let label = index < layout.labels.count ? layout.labels[index] : ""
        guard sheet != nil else { return label }
        // XLSX: the column letter as Excel shows it, then the header.
        var n = index + 1, letters = ""
        while n > 0 { letters = String(UnicodeScalar(UInt8(65 + (n - 1) % 26))) + letters; n = (n - 1) / 26 }
        return label.isEmpty ? letters : "\(letters) («\(label)»)"
    }

    mutating func problem(_ result: inout ResultsFile, row: Int?, column: Int?, _ message: String) {
        problemCount += 1
        if problemCount <= limits.maxProblems {
            result.problems.append(ImportProblem(file: place, row: row, column: column.map(columnName), message: message))
        }
    }

    mutating func run(into result: inout ResultsFile) {
        readMetadata(into: &result)
        let taskColumns = layout.taskColumns
        // Columns the specification needs, and task columns it does not know.
        for required in [ResultsLayout.Column.code, .className] where layout.index(of: required) == nil {
            problem(&result, row: layout.headerRow + 1, column: nil, "нет обязательного столбца «\(required == .code ? "Код участника" : "Класс")».")
        }
        for task in spec.tasks {
            guard let col = taskColumns[task.number] else {
                problem(&result, row: layout.headerRow + 1, column: nil, "нет столбца задания \(task.number) (\(task.max) б.).")
                continue
            }
            if let m = col.headerMax, m != task.max {
                problem(&result, row: layout.headerRow + 1, column: col.index,
                        "в заголовке у задания \(task.number) максимальный балл \(m), а в спецификации — \(task.max).")
            }
            if let lr = layout.levelRow, col.index < rows[lr].count, let level = TaskLevel(text: rows[lr][col.index]), level != task.level {
                result.warnings.append(ImportProblem(file: place, row: lr + 1, column: columnName(col.index),
                                                     message: "уровень задания \(task.number) в файле «\(level.rawValue)», в спецификации «\(task.level.rawValue)»; используется спецификация."))
            }
        }
        let known = Set(spec.tasks.map(\.number))
        for (number, col) in taskColumns where !known.contains(number) {
            problem(&result, row: layout.headerRow + 1, column: col.index, "задания \(number) нет в спецификации процедуры.")
        }
        if let col = layout.index(of: .personName) {
            result.warnings.append(ImportProblem(file: place, row: layout.headerRow + 1, column: columnName(col),
                                                 message: "столбец с именами не читается: в msoko хранятся только коды участников."))
        }
        guard result.problems.isEmpty else { return }
        readWorks(into: &result, taskColumns: taskColumns)
        if result.works.isEmpty && result.problems.isEmpty {
            problem(&result, row: nil, column: nil, "в файле нет ни одной работы (под строкой заголовка нет данных).")
        }
        if let declared = result.declaredParticipants, result.problems.isEmpty, declared != result.works.count {
            result.warnings.append(ImportProblem(file: place, row: nil, column: nil,
                                                 message: "в заголовке указано участников: \(declared), а строк с работами — \(result.works.count)."))
        }
        if problemCount > limits.maxProblems {
            result.problems.append(ImportProblem(file: place, row: nil, column: nil, message: "и ещё \(problemCount - limits.maxProblems) ошибок того же рода."))
        }
    }

    /// Lines above the header: the title, «Кол-во участников: N», the school line, the maximum score.
    mutating func readMetadata(into result: inout ResultsFile) {
        for (i, row) in rows.prefix(layout.headerRow).enumerated() {
            let cells = row.filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
            let line = cells.joined(separator: " ")
            let key = ResultsLayout.key(line)
            if result.title == nil, let title = Self.title(line) {
                result.title = line.trimmingCharacters(in: .whitespaces)
                if ResultsLayout.key(title.subject) != ResultsLayout.key(spec.subject) {
                    problem(&result, row: i + 1, column: nil, "в заголовке файла предмет «\(title.subject)», а процедура — «\(spec.subject)».")
                }
                if title.grade != spec.grade {
                    problem(&result, row: i + 1, column: nil, "в заголовке файла \(title.grade) класс, а процедура — для \(spec.grade) класса.")
                }
            }
            if let r = line.range(of: #"(?i)кол-?во\s+участников\s*:?\s*([0-9]+)"#, options: .regularExpression) {
                result.declaredParticipants = Int(line[r].filter(\.isNumber))
            }
            if let r = line.range(of: #"\(\s*edu[0-9]{6}\s*\)"#, options: .regularExpression) {
                result.fileSchoolLogin = line[r].filter { $0.isLetter || $0.isNumber }.lowercased()
                result.fileSchoolName = String(line[..<r.lowerBound]).trimmingCharacters(in: .whitespaces)
            }
            if key.hasPrefix("максимальныйпервичныйбалл"), let value = Int(key.dropFirst("максимальныйпервичныйбалл".count)), value != spec.maxScore {
                problem(&result, row: i + 1, column: nil, "в файле максимальный первичный балл \(value), а по спецификации — \(spec.maxScore).")
            }
        }
    }

    /// «ВПР 2026 Математика 4 класс» → (subject, grade).
    static func title(_ line: String) -> (subject: String, grade: Int)? {
        let pattern = #"^\s*\S+\s+20[0-9]{2}\s+(.+?)\s+([0-9]{1,2})\s*(класс|кл\.?)\s*$"#
        guard let r = line.range(of: pattern, options: [.regularExpression, .caseInsensitive]) else { return nil }
        let text = String(line[r]).trimmingCharacters(in: .whitespaces)
        var parts = text.split(separator: " ").map(String.init)
        guard parts.count >= 4 else { return nil }
        parts.removeFirst(2)
        if parts.last?.lowercased().hasPrefix("кл") == true { parts.removeLast() }
        var gradeText = parts.removeLast()
        if Int(gradeText) == nil, let last = parts.last, Int(last) != nil { gradeText = parts.removeLast() }
        guard let grade = Int(gradeText.filter(\.isNumber)) else { return nil }
        return (parts.joined(separator: " "), grade)
    }

    mutating func readWorks(into result: inout ResultsFile, taskColumns: [String: (index: Int, headerMax: Int?)]) {
        let firstData = max(layout.headerRow, layout.levelRow ?? -1) + 1
        let order = spec.tasks.map { taskColumns[$0.number]!.index }
        let c = (code: layout.index(of: .code)!, cls: layout.index(of: .className)!, login: layout.index(of: .schoolLogin),
                 name: layout.index(of: .schoolName), municipality: layout.index(of: .municipality),
                 variant: layout.index(of: .variant), gender: layout.index(of: .gender),
                 primary: layout.index(of: .primaryScore), mark: layout.index(of: .mark), journal: layout.index(of: .journalMark))
        struct CodeKey: Hashable { let school: String; let code: String }
        var seenCodes = Set<CodeKey>()
        // Per distinct value, not per row: logins checked, classes normalised once.
        var loginOK: [String: Bool] = [:]
        var classNames: [String: String] = [:]
        let source = dataRows ?? { [rows] body in for (i, row) in rows.enumerated() { body(row, i) } }
        source { row, i in
            guard i >= firstData else { return }
            let rowNumber = i + 1
            func cell(_ index: Int?) -> String {
                guard let index, index < row.count else { return "" }
                return Self.trim(row[index])
            }
            if row.allSatisfy({ Self.trim($0).isEmpty }) { return }
            let code = cell(c.code)
            let rawClass = cell(c.cls)
            let cls = classNames[rawClass] ?? {
                let normalized = WorkRecord.normalizeClass(rawClass)
                classNames[rawClass] = normalized
                return normalized
            }()
            if code.isEmpty { problem(&result, row: rowNumber, column: c.code, "не указан код участника.") }
            if cls.isEmpty { problem(&result, row: rowNumber, column: c.cls, "не указан класс.") }
            var login = c.login.map { Self.lowerASCII(cell($0)) }.flatMap { $0.isEmpty ? nil : $0 } ?? result.fileSchoolLogin
            let name = c.name.map { cell($0) }.flatMap { $0.isEmpty ? nil : $0 } ?? result.fileSchoolName
            if c.login != nil, let login, !(loginOK[login] ?? {
                let ok = SchoolRecord.isValidLogin(login)
                loginOK[login] = ok
                return ok
            }()) {
                problem(&result, row: rowNumber, column: c.login, "«\(login)» не похоже на логин ФИС ОКО (edu и шесть цифр).")
            }
            if let expected = expectedSchool {
                if let login, login != expected {
                    problem(&result, row: rowNumber, column: c.login, "строка школы \(login), а файл загружается за школу \(expected).")
                }
                login = login ?? expected
            }
            let schoolKey = login ?? name ?? ""
            if !code.isEmpty && !seenCodes.insert(CodeKey(school: schoolKey, code: code)).inserted {
                problem(&result, row: rowNumber, column: c.code, "код участника \(code) уже встречался в этой школе.")
            }
            var scores: [UInt8] = []
            scores.reserveCapacity(order.count)
            var sum = 0
            var rowOK = true
            for (t, index) in order.enumerated() {
                let task = spec.tasks[t]
                let text = cell(index)
                if text.isEmpty {
                    problem(&result, row: rowNumber, column: index, "пустая ячейка задания \(task.number): поставьте балл или X, если задание не выполнялось.")
                    rowOK = false
                } else if Self.isNotDone(text) {
                    scores.append(WorkRecord.notDone)
                } else if let v = Self.integer(text) {
                    if v < 0 {
                        problem(&result, row: rowNumber, column: index, "отрицательный балл \(v) за задание \(task.number).")
                        rowOK = false
                    } else if v > task.max {
                        problem(&result, row: rowNumber, column: index, "балл \(v) за задание \(task.number) больше максимального (\(task.max)).")
                        rowOK = false
                    } else {
                        scores.append(UInt8(v))
                        sum += v
                    }
                } else {
                    problem(&result, row: rowNumber, column: index, "«\(text)» — не балл за задание \(task.number): ожидается целое число от 0 до \(task.max) или X.")
                    rowOK = false
                }
            }
            var primary = sum
            if c.primary != nil, !cell(c.primary).isEmpty {
                if let given = Self.integer(cell(c.primary)) {
                    if rowOK && given != sum {
                        problem(&result, row: rowNumber, column: c.primary, "первичный балл \(given) не равен сумме баллов за задания (\(sum)).")
                    }
                    primary = rowOK ? sum : given
                } else {
                    problem(&result, row: rowNumber, column: c.primary, "«\(cell(c.primary))» — не первичный балл.")
                }
            }
            var mark: Int?
            if c.mark != nil, !cell(c.mark).isEmpty {
                if let given = Self.integer(cell(c.mark)), (2...5).contains(given) {
                    mark = given
                    if rowOK, let scale = spec.scale, scale.mark(for: sum) != given {
                        problem(&result, row: rowNumber, column: c.mark,
                                "отметка \(given) не соответствует первичному баллу \(sum) по шкале перевода (должна быть \(scale.mark(for: sum))).")
                    }
                } else {
                    problem(&result, row: rowNumber, column: c.mark, "«\(cell(c.mark))» — не отметка: ожидается 2, 3, 4 или 5.")
                }
            } else if let scale = spec.scale {
                mark = scale.mark(for: sum)
            }
            var journal: Int?
            if c.journal != nil, !cell(c.journal).isEmpty {
                if let given = Self.integer(cell(c.journal)), (2...5).contains(given) {
                    journal = given
                } else {
                    problem(&result, row: rowNumber, column: c.journal, "«\(cell(c.journal))» — не отметка по журналу: ожидается 2, 3, 4 или 5.")
                }
            }
            guard rowOK, !code.isEmpty, !cls.isEmpty else { return }
            var work = WorkRecord(schoolLogin: login.map { intern($0) }, schoolName: name.map { intern($0) }, code: code, className: intern(cls),
                                  variant: c.variant.map { cell($0) }.flatMap { $0.isEmpty ? nil : $0 },
                                  gender: c.gender.map { cell($0).uppercased() }.flatMap { $0.isEmpty ? nil : $0 },
                                  scores: scores, primaryScore: primary, mark: mark, journalMark: journal, row: rowNumber)
            work.municipality = c.municipality.map { cell($0) }.flatMap { $0.isEmpty ? nil : intern($0) }
            result.works.append(work)
        }
        if result.works.contains(where: { $0.schoolLogin == nil && $0.schoolName == nil }) {
            problem(&result, row: nil, column: nil, "в файле не указана школа: нет столбца «ОО» и строки «Название ОО (eduNNNNNN)» над таблицей.")
        }
    }

    /// «X» or «Х» (Latin or Cyrillic, either case), compared as bytes: String equality with a
    /// Cyrillic literal goes through Unicode normalisation, which is slow per cell.
    @inline(__always) static func isNotDone(_ s: String) -> Bool {
        var u = s.utf8.makeIterator()
        guard let a = u.next() else { return false }
        let b = u.next()
        if b == nil { return a == 0x58 || a == 0x78 }  // X x
        guard let b, u.next() == nil else { return false }
        return (a == 0xD0 && b == 0xA5) || (a == 0xD1 && b == 0x85)  // Х х
    }

    /// Lowercase; ASCII-only text (logins) without Foundation's Unicode case mapping.
    static func lowerASCII(_ s: String) -> String {
        s.utf8.contains(where: { $0 >= 0x41 && $0 <= 0x5A || $0 >= 0x80 }) ? s.lowercased() : s
    }

    /// Spaces and tabs off both ends; most cells have none, and Foundation's trimming is slow.
    @inline(__always) static func trim(_ s: String) -> String {
        guard let first = s.utf8.first, let last = s.utf8.last else { return s }
        let blank: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x09 || $0 == 0xA0 }
        if !blank(first) && !blank(last) && first != 0xC2 { return s }
        return s.trimmingCharacters(in: .whitespaces)
    }

    /// «2», «2.0», «2,0», « 2 » → 2; anything else nil.
    static func integer(_ text: String) -> Int? {
        if let v = Int(text) { return v }
        let t = text.replacingOccurrences(of: ",", with: ".")
        if let d = Double(t), d == d.rounded(), abs(d) < 1_000_000 { return Int(d) }
        return nil
    }
}
