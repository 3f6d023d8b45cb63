import Foundation

/// Checks the rows of one sheet and turns them into works.
struct Checker {
    let file: String
    let sheet: String?
    let spec: ProcedureSpec
    let layout: ResultsLayout
    let rows: [[String]]
    let limits: ResultsReader.Limits
    var problemCount = 0
    /// Where each distinct problem (column and message) already is in `result.problems`.
    var seen: [String: Int] = [:]
    var expectedSchool: String?
    /// The forms a school's login may take (a district setting).
    var logins = LoginPattern.standard
    /// The title above the header names another subject or grade.
    var wrongTitle = false
    /// Streams every row with its index (a CSV); nil: the rows are `rows` (an XLSX sheet).
    var dataRows: ((_ body: (_ row: CellRow, _ index: Int) -> Void) -> Void)?
    /// An upper bound on the works, to size the tables once.
    var expectedRows = 0
    /// A large CSV to read in blocks at once (nil: one pass over `dataRows` or `rows`).
    var blocks: CSVBlocks?
    /// The index of the first data row, when not worked out from the layout (a block after the first).
    var firstDataRow: Int?
    /// Whether repeated participant codes are reported row by row. A block leaves them to one check
    /// over the joined table; a one-pass read checks the table first and reads again row by row only
    /// when there is something to report (`run`).
    var checkCodes = true

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

    /// Records a problem; the same message in the same column on another row joins its entry.
    mutating func problem(_ result: inout ResultsFile, row: Int?, column: Int?, _ message: String) {
        let name = column.map(columnName)
        let key = (name ?? "") + "\u{1}" + message
        if let i = seen[key] {
            result.problems[i].repeatOn(row: row)
            return
        }
        problemCount += 1
        if problemCount <= limits.maxProblems {
            seen[key] = result.problems.count
            result.problems.append(ImportProblem(file: place, row: row, column: name, message: message))
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
        // The rows are checked even when columns are missing or wrong, so that one pass lists every
        // problem — except for a file of another procedure (its title names another subject or
        // grade, or none of its task columns is known), whose rows would only repeat that.
        let anotherProcedure = wrongTitle || (!spec.tasks.isEmpty && !spec.tasks.contains { taskColumns[$0.number] != nil })
        if !anotherProcedure {
            if let blocks, let read = readBlocks(blocks, result: result, taskColumns: taskColumns) {
                result = read
            } else if checkCodes {
                // Repeated codes are looked for once over the table read (hash partitions, in cache)
                // rather than row by row: a valid file is read once. A file with any problem, or with a
                // code repeated, is read again with the row-by-row check, so that its problems come
                // in one pass's order and words (a repeat on a row that is itself wrong included).
                let (before, saved) = (result, self)
                checkCodes = false
                readWorks(into: &result, taskColumns: taskColumns)
                checkCodes = true
                if !result.problems.isEmpty || result.works.hasDuplicateCodes(threads: 1) {
                    (result, self) = (before, saved)
                    readWorks(into: &result, taskColumns: taskColumns)
                }
            } else {
                readWorks(into: &result, taskColumns: taskColumns)
            }
        }
        if result.works.isEmpty && result.problems.isEmpty {
            problem(&result, row: nil, column: nil, "в файле нет ни одной работы (под строкой заголовка нет данных).")
        }
        if let declared = result.declaredParticipants, result.problems.isEmpty, declared != result.works.count {
            result.warnings.append(ImportProblem(file: place, row: nil, column: nil,
                                                 message: "в заголовке указано участников: \(declared), а строк с работами — \(result.works.count)."))
        }
        if problemCount > limits.maxProblems {
            let more = Plural.count(problemCount - limits.maxProblems, "ошибка", "ошибки", "ошибок")
            result.problems.append(ImportProblem(file: place, row: nil, column: nil, message: "и ещё \(more) другого рода: исправьте показанные и загрузите файл снова."))
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
                    wrongTitle = true
                    problem(&result, row: i + 1, column: nil, "в заголовке файла предмет «\(title.subject)», а процедура — «\(spec.subject)».")
                }
                if title.grade != spec.grade {
                    wrongTitle = true
                    problem(&result, row: i + 1, column: nil, "в заголовке файла \(title.grade) класс, а процедура — для \(spec.grade) класса.")
                }
            }
            if let r = line.range(of: #"(?i)кол-?во\s+участников\s*:?\s*([0-9]+)"#, options: .regularExpression) {
                result.declaredParticipants = Int(line[r].filter(\.isNumber))
            }
            if let r = line.range(of: #"\(\s*[A-Za-z_]{2,8}[0-9]{3,9}\s*\)"#, options: .regularExpression),
               logins.accepts(line[r].filter { $0.isLetter || $0.isNumber || $0 == "_" }) {
                result.fileSchoolLogin = line[r].filter { $0.isLetter || $0.isNumber || $0 == "_" }.lowercased()
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
        let firstData = firstDataRow ?? max(layout.headerRow, layout.levelRow ?? -1) + 1
        // A task without its column (already reported) has index -1: its cells are not checked and
        // no row is taken as a work.
        let order = spec.tasks.map { taskColumns[$0.number]?.index ?? -1 }
        let complete = !order.contains(-1)
        let c = (code: layout.index(of: .code) ?? -1, cls: layout.index(of: .className) ?? -1, login: layout.index(of: .schoolLogin),
                 name: layout.index(of: .schoolName), municipality: layout.index(of: .municipality),
                 variant: layout.index(of: .variant), gender: layout.index(of: .gender),
                 primary: layout.index(of: .primaryScore), mark: layout.index(of: .mark), journal: layout.index(of: .journalMark),
                 enrolled: layout.index(of: .enrolled))
        var works = WorkTable(taskCount: order.count)
        works.reserveCapacity(max(0, expectedRows - firstData))
        var codes = CodeSet(expected: checkCodes ? max(0, expectedRows - firstData) : 0)
        // A row's scores in a buffer of its own: an array captured by the row closure below was
        // checked for uniqueness on every cell written.
        let scores = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: order.count)
        scores.initialize(repeating: 0)
        defer { scores.deallocate() }
        // Task maxima as bytes for the fast path (a task of more than 9 points takes the slow one).
        let maxes = spec.tasks.map { UInt8(min($0.max, 9)) }
        // Rows repeat their school, class, variant and gender: each is worked out when its bytes
        // differ from the row above, not on every row.
        var schoolCache = SchoolCache()
        var classCache = TextCache(), variantCache = TextCache(), genderCache = TextCache()
        var classNames: [String: UInt32] = [:]
        var loginOK: [String: Bool] = [:]
        var foreignSchools = Set<UInt32>()
        var lastEnrolled: (school: UInt32, cls: UInt32, n: Int) = (.max, 0, 0)
        let fileSchool = WorkTable.School(login: result.fileSchoolLogin, name: result.fileSchoolName, municipality: nil)
        let source = dataRows ?? { [rows] body in for (i, row) in rows.enumerated() { CellRow.with(row) { body($0, i) } } }
        source { row, i in
            guard i >= firstData, !row.isBlank else { return }
            let rowNumber = i + 1
            let code = row.cell(c.code)
            let cls = classCache.index(row.cell(c.cls)) { raw in
                let text = WorkRecord.normalizeClass(String(decoding: raw, as: UTF8.self))
                return classNames[text] ?? { let k = works.textIndex(text); classNames[text] = k; return k }()
            }
            // The school: its index, and what is wrong with it (repeated on each of its rows).
            let (school, schoolProblem) = schoolCache.lookup(row.cell(c.login ?? -1), row.cell(c.name ?? -1), row.cell(c.municipality ?? -1)) { l, n, m in
                var login = c.login.map { _ in Self.lowerASCII(String(decoding: l, as: UTF8.self)) }.flatMap { $0.isEmpty ? nil : $0 } ?? fileSchool.login
                let name = n.isEmpty ? fileSchool.name : String(decoding: n, as: UTF8.self)
                var message: String?
                if c.login != nil, let login, !(loginOK[login] ?? { let ok = logins.accepts(login); loginOK[login] = ok; return ok }()) {
                    message = "«\(login)» не похоже на логин школы в ФИС ОКО (\(logins.explanation))."
                }
                var foreign = false
                if let expected = expectedSchool {
                    if let login, login != expected { foreign = true }
                    login = login ?? expected
                }
                let municipality = m.isEmpty ? nil : String(decoding: m, as: UTF8.self)
                let index = works.schoolIndex(WorkTable.School(login: login, name: name, municipality: municipality), row: rowNumber)
                if foreign { foreignSchools.insert(index) }
                return (index, message)
            }
            // A row of another school in a school's own file: one summarised problem, its cells not checked.
            if expectedSchool != nil, foreignSchools.contains(school) {
                problem(&result, row: rowNumber, column: c.login,
                        "строки школ, не относящихся к вашей ОО: файл загружается за школу \(expectedSchool ?? ""), в нём должны быть только её строки.")
                return
            }
            if code.isEmpty && c.code >= 0 { problem(&result, row: rowNumber, column: c.code, "не указан код участника.") }
            if cls == 0 && c.cls >= 0 { problem(&result, row: rowNumber, column: c.cls, "не указан класс.") }
            if let schoolProblem { problem(&result, row: rowNumber, column: c.login, schoolProblem) }
            if checkCodes && !code.isEmpty && !codes.insert(school: school, code: code) {
                problem(&result, row: rowNumber, column: c.code, "код участника \(String(decoding: code, as: UTF8.self)) уже встречался в этой школе.")
            }
            var sum = 0
            var rowOK = complete
            for t in 0..<order.count where order[t] >= 0 {
                let index = order[t]
                let text = row.cell(index)
                // The usual cell first: one digit within the task's maximum.
                if text.count == 1, text[0] &- 0x30 <= maxes[t] {
                    scores[t] = text[0] &- 0x30
                    sum += Int(text[0] &- 0x30)
                    continue
                }
                let task = spec.tasks[t]
                if text.isEmpty {
                    problem(&result, row: rowNumber, column: index, "пустая ячейка задания \(task.number): поставьте балл или X, если задание не выполнялось.")
                    rowOK = false
                } else if Self.isNotDone(text) {
                    scores[t] = WorkRecord.notDone
                } else if let v = Self.integer(text) {
                    if v < 0 {
                        problem(&result, row: rowNumber, column: index, "отрицательный балл \(v) за задание \(task.number).")
                        rowOK = false
                    } else if v > task.max {
                        problem(&result, row: rowNumber, column: index, "балл \(v) за задание \(task.number) больше максимального (\(task.max)).")
                        rowOK = false
                    } else {
                        scores[t] = UInt8(v)
                        sum += v
                    }
                } else {
                    problem(&result, row: rowNumber, column: index,
                            "«\(String(decoding: text, as: UTF8.self))» — не балл за задание \(task.number): ожидается целое число от 0 до \(task.max) или X.")
                    rowOK = false
                }
            }
            var primary = sum
            if let p = c.primary, !row.cell(p).isEmpty {
                if let given = Self.integer(row.cell(p)) {
                    if rowOK && given != sum {
                        problem(&result, row: rowNumber, column: p, "первичный балл \(given) не равен сумме баллов за задания (\(sum)).")
                    }
                    primary = rowOK ? sum : given
                } else {
                    problem(&result, row: rowNumber, column: p, "«\(row.string(p))» — не первичный балл.")
                }
            }
            var mark: Int?
            if let m = c.mark, !row.cell(m).isEmpty {
                if let given = Self.integer(row.cell(m)), (2...5).contains(given) {
                    mark = given
                    if rowOK, let scale = spec.scale, scale.mark(for: sum) != given {
                        problem(&result, row: rowNumber, column: m,
                                "отметка \(given) не соответствует первичному баллу \(sum) по шкале перевода (должна быть \(scale.mark(for: sum))).")
                    }
                } else {
                    problem(&result, row: rowNumber, column: m, "«\(row.string(m))» — не отметка: ожидается 2, 3, 4 или 5.")
                }
            } else if let scale = spec.scale {
                mark = scale.mark(for: sum)
            }
            var journal: Int?
            if let j = c.journal, !row.cell(j).isEmpty {
                if let given = Self.integer(row.cell(j)), (2...5).contains(given) {
                    journal = given
                } else {
                    problem(&result, row: rowNumber, column: j, "«\(row.string(j))» — не отметка по журналу: ожидается 2, 3, 4 или 5.")
                }
            }
            // The class's enrolment, where the file has the column: the same number on each of its rows.
            // (The row above's class with the same number is recorded already: most rows, and
            // looking it up hashed a school's key and a Cyrillic class name on each of them.)
            if let e = c.enrolled, !row.cell(e).isEmpty, cls != 0,
               !(lastEnrolled.school == school && lastEnrolled.cls == cls && Self.integer(row.cell(e)) == lastEnrolled.n) {
                let schoolKey = works.schoolTable[Int(school)].login ?? works.schoolTable[Int(school)].name ?? ""
                let className = works.texts[Int(cls)]
                if let n = Self.integer(row.cell(e)), (1...100).contains(n) {
                    if let known = result.enrolment[schoolKey]?[className], known != n {
                        problem(&result, row: rowNumber, column: e, "в классе \(className) уже указано обучающихся: \(known), здесь — \(n).")
                    } else {
                        result.enrolment[schoolKey, default: [:]][className] = n
                        lastEnrolled = (school, cls, n)
                    }
                } else {
                    problem(&result, row: rowNumber, column: e, "«\(row.string(e))» — не число обучающихся в классе (от 1 до 100).")
                }
            }
            guard rowOK, !code.isEmpty, cls != 0 else { return }
            let variant = variantCache.index(row.cell(c.variant ?? -1)) { works.textIndex(String(decoding: $0, as: UTF8.self)) }
            let gender = genderCache.index(row.cell(c.gender ?? -1)) { works.textIndex(String(decoding: $0, as: UTF8.self).uppercased()) }
            works.append(school: school, code: code, classText: cls, variant: variant, gender: gender, scores: UnsafeBufferPointer(scores),
                         primaryScore: primary, mark: mark, journalMark: journal, row: rowNumber)
        }
        result.works = works
        if works.hasWork(ofSchoolWhere: { $0.login == nil && $0.name == nil }) {
            problem(&result, row: nil, column: nil, "в файле не указана школа: нет столбца «ОО» и строки «Название ОО (eduNNNNNN)» над таблицей.")
        }
    }

    /// Reads the works of a large CSV in blocks at once, each block with its own checker and table,
    /// then joins the tables in order (rows renumbered, schools and texts in the order they first
    /// appear), so the result is the one a single pass gives. Only a file without problems is read
    /// so: nil — and the caller reads the file again in one pass, for the problems in their one-pass
    /// order and wording — when a block has a problem, a participant code is repeated in a school
    /// across blocks, a class's enrolment differs between blocks, or a quoted field runs over a cut
    /// (the cut was not where a row starts).
    func readBlocks(_ blocks: CSVBlocks, result: ResultsFile, taskColumns: [String: (index: Int, headerMax: Int?)]) -> ResultsFile? {
        var clock = PhaseClock("чтение")
        let firstData = max(layout.headerRow, layout.levelRow ?? -1) + 1
        let bytes = blocks.bytes
        // The header and the rows above it stay in the first block.
        var headerRows = 0
        let dataStart = firstData == 0 ? blocks.start
            : CSVTable.forEachCellRow(utf8: bytes, separator: blocks.separator, from: blocks.start, until: bytes.count) { _ in headerRows += 1; return headerRows < firstData }
        var starts = CSVTable.blockStarts(bytes, parts: blocks.parts, minimum: dataStart)
        starts[0] = blocks.start
        let parts = starts.count
        guard parts > 1 else { return nil }
        let perBlock = expectedRows / parts + 1024
        let outcomes = UnsafeMutableBufferPointer<(file: ResultsFile, end: Int, rows: Int)?>.allocate(capacity: parts)
        outcomes.initialize(repeating: nil)
        defer { outcomes.deinitialize(); outcomes.deallocate() }
        // Each block reads the shared bytes and writes its own slot of `outcomes`.
        nonisolated(unsafe) let (base, shared, slots, cuts) = (self, blocks, outcomes, starts)
        Parallelism.perform(iterations: parts, threads: parts) { k in
            let (blocks, bytes, outcomes, starts) = (shared, shared.bytes, slots, cuts)
            var checker = base
            checker.blocks = nil
            // The first block's table becomes the whole file's: room for every row from the start,
            // so that the later blocks are copied into it once and it is never copied itself.
            checker.expectedRows = k == 0 ? base.expectedRows : perBlock
            checker.firstDataRow = k == 0 ? nil : 0
            checker.checkCodes = false
            let (from, until) = (starts[k], k + 1 < parts ? starts[k + 1] : bytes.count)
            var end = from, rows = 0
            checker.dataRows = { body in
                end = CSVTable.forEachCellRow(utf8: bytes, separator: blocks.separator, from: from, until: until) { row in
                    body(row, rows)
                    rows += 1
                    return true
                }
            }
            var part = ResultsFile()
            (part.fileSchoolLogin, part.fileSchoolName) = (result.fileSchoolLogin, result.fileSchoolName)
            checker.readWorks(into: &part, taskColumns: taskColumns)
            outcomes[k] = (part, end, rows)
        }
        clock.lap("блоки")
        var joined = result
        var offset = 0
        for k in 0..<parts {
            // Taken out of its slot, so that the first block's table is the only reference to its
            // columns and grows in place.
            guard var outcome = outcomes[k].take(), outcome.file.problems.isEmpty,
                  outcome.end == (k + 1 < parts ? starts[k + 1] : bytes.count) else { return nil }
            var works = WorkTable(taskCount: 0)
            swap(&works, &outcome.file.works)
            if k == 0 {
                joined.works = consume works
            } else {
                joined.works.append(contentsOf: works, rowOffset: offset, threads: parts)
            }
            let (part, rows) = (outcome.file, outcome.rows)
            for (school, classes) in part.enrolment {
                for (cls, n) in classes {
                    if let known = joined.enrolment[school]?[cls], known != n { return nil }
                    joined.enrolment[school, default: [:]][cls] = n
                }
            }
            offset += rows
        }
        clock.lap("соединение блоков")
        guard !joined.works.hasDuplicateCodes(threads: parts) else { return nil }
        clock.lap("повторы кодов")
        joined.blocksRead = parts
        return joined
    }

    /// The value worked out for a cell's bytes (its text's index); `make` must give the same value
    /// for the same bytes. The values of the few cells a column repeats (a class's name, «М» and
    /// «Ж», variants 1 and 2 — rows alternate between them) are kept, so that most rows make none.
    struct TextCache {
        /// Cells of up to eight bytes (a class's name, «М», a variant), packed into a word with
        /// their length: looked up among the last ones seen without a copy or a hash.
        var shortKeys: [UInt64] = [], shortCounts: [Int] = [], shortValues: [UInt32] = []
        var last = -1
        var seen: [ByteKey: UInt32] = [:]
        /// 0 for an empty cell.
        @inline(__always) mutating func index(_ raw: UnsafeBufferPointer<UInt8>, _ make: (UnsafeBufferPointer<UInt8>) -> UInt32) -> UInt32 {
            if raw.isEmpty { return 0 }
            guard raw.count <= 8 else { return long(raw, make) }
            var packed: UInt64 = 0
            for k in 0..<raw.count { packed |= UInt64(raw[k]) << (8 * UInt64(k)) }
            if last >= 0 && shortKeys[last] == packed && shortCounts[last] == raw.count { return shortValues[last] }
            for k in shortKeys.indices where shortKeys[k] == packed && shortCounts[k] == raw.count {
                last = k
                return shortValues[k]
            }
            let value = long(raw, make)
            if shortKeys.count < 32 {
                shortKeys.append(packed); shortCounts.append(raw.count); shortValues.append(value)
                last = shortKeys.count - 1
            }
            return value
        }

        /// Longer cells: the row above's kept, the others in a table of up to 4096.
        var lastLong: [UInt8] = [], lastLongValue: UInt32 = 0

        private mutating func long(_ raw: UnsafeBufferPointer<UInt8>, _ make: (UnsafeBufferPointer<UInt8>) -> UInt32) -> UInt32 {
            if !lastLong.isEmpty && raw.equals(lastLong) { return lastLongValue }
            lastLong.removeAll(keepingCapacity: true)
            lastLong.append(contentsOf: raw)
            if let known = seen[ByteKey(lastLong)] { lastLongValue = known; return known }
            lastLongValue = make(raw)
            if seen.count < 4096 { seen[ByteKey(lastLong)] = lastLongValue }
            return lastLongValue
        }
    }

    /// A row's school (its index and what is wrong with it) from its login, name and municipality
    /// cells: the row above's kept, and every school met in a table keyed by the three cells'
    /// bytes, so that rows in another order than school by school (sorted by code, shuffled) do
    /// not decode, normalise and hash the texts again on each row.
    struct SchoolCache {
        var probe: [UInt8] = [], last: [UInt8] = []
        var value: (UInt32, String?) = (0, nil)
        var filled = false
        var seen: [ByteKey: (UInt32, String?)] = [:]

        @inline(__always) mutating func lookup(_ l: UnsafeBufferPointer<UInt8>, _ n: UnsafeBufferPointer<UInt8>, _ m: UnsafeBufferPointer<UInt8>,
                                               _ make: (UnsafeBufferPointer<UInt8>, UnsafeBufferPointer<UInt8>, UnsafeBufferPointer<UInt8>) -> (UInt32, String?)) -> (UInt32, String?) {
            // The row above's school: its key compared in place (most rows), no key built.
            if filled && Self.isKey(last, of: l, n, m) { return value }
            // The key: each cell's length, then its bytes (no separator a cell could contain).
            probe.removeAll(keepingCapacity: true)
            Self.put(l, into: &probe)
            Self.put(n, into: &probe)
            Self.put(m, into: &probe)
            swap(&probe, &last)
            filled = true
            if let known = seen[ByteKey(last)] { value = known; return known }
            value = make(l, n, m)
            if seen.count < 1 << 20 { seen[ByteKey(last)] = value }
            return value
        }

        /// Whether `key` is what `put` makes of the three cells.
        @inline(__always) static func isKey(_ key: [UInt8], of l: UnsafeBufferPointer<UInt8>, _ n: UnsafeBufferPointer<UInt8>, _ m: UnsafeBufferPointer<UInt8>) -> Bool {
            guard key.count == 12 + l.count + n.count + m.count else { return false }
            return key.withUnsafeBytes { k in
                var at = 0
                return matches(k, &at, l) && matches(k, &at, n) && matches(k, &at, m)
            }
        }
        /// Whether the key at `at` is the cell's length and bytes; `at` moves past them.
        @inline(__always) private static func matches(_ k: UnsafeRawBufferPointer, _ at: inout Int, _ cell: UnsafeBufferPointer<UInt8>) -> Bool {
            guard k.loadUnaligned(fromByteOffset: at, as: UInt32.self) == UInt32(truncatingIfNeeded: cell.count).littleEndian else { return false }
            if cell.count > 0 && memcmp(k.baseAddress! + at + 4, cell.baseAddress!, cell.count) != 0 { return false }
            at += 4 + cell.count
            return true
        }

        @inline(__always) static func put(_ cell: UnsafeBufferPointer<UInt8>, into key: inout [UInt8]) {
            withUnsafeBytes(of: UInt32(truncatingIfNeeded: cell.count).littleEndian) { key.append(contentsOf: $0) }
            key.append(contentsOf: cell)
        }
    }

    /// Bytes (a cell's, or a school's three cells') as a dictionary key, hashed once by `CodeSet.hash` (an array of bytes as a key
    /// is hashed byte by byte through `Hasher`: a fifth of reading a file whose rows are not in
    /// school order).
    struct ByteKey: Hashable {
        let bytes: [UInt8]
        let hash: UInt64
        init(_ bytes: [UInt8]) {
            self.bytes = bytes
            hash = bytes.withUnsafeBufferPointer { CodeSet.hash(0, $0) }
        }
        static func == (a: ByteKey, b: ByteKey) -> Bool { a.hash == b.hash && a.bytes == b.bytes }
        func hash(into hasher: inout Hasher) { hasher.combine(hash) }
    }

    /// «X» or «Х» (Latin or Cyrillic, either case).
    @inline(__always) static func isNotDone(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        if b.count == 1 { return b[0] == 0x58 || b[0] == 0x78 }  // X x
        return b.count == 2 && ((b[0] == 0xD0 && b[1] == 0xA5) || (b[0] == 0xD1 && b[1] == 0x85))  // Х х
    }

    /// Lowercase; ASCII-only text (logins) without Foundation's Unicode case mapping.
    static func lowerASCII(_ s: String) -> String {
        s.utf8.contains(where: { $0 >= 0x41 && $0 <= 0x5A || $0 >= 0x80 }) ? s.lowercased() : s
    }

    /// «2», «-1», «2.0», «2,0» → the number, read from the bytes; anything else through `integer(String)`.
    @inline(__always) static func integer(_ b: UnsafeBufferPointer<UInt8>) -> Int? {
        var i = 0, negative = false, value = 0
        if i < b.count && b[i] == 0x2D { negative = true; i += 1 }
        let digitsStart = i
        while i < b.count, b[i] >= 0x30, b[i] <= 0x39, i - digitsStart < 9 { value = value * 10 + Int(b[i] - 0x30); i += 1 }
        if i > digitsStart && i < b.count && (b[i] == 0x2E || b[i] == 0x2C) {
            var k = i + 1
            while k < b.count && b[k] == 0x30 { k += 1 }
            if k == b.count && k > i + 1 { i = k }
        }
        if i == b.count && i > digitsStart { return negative ? -value : value }
        return integer(String(decoding: b, as: UTF8.self))
    }

    /// «2», «2.0», «2,0», «2e0» → 2; anything else nil.
    static func integer(_ text: String) -> Int? {
        if let v = Int(text) { return v }
        let t = text.replacingOccurrences(of: ",", with: ".")
        if let d = Double(t), d == d.rounded(), abs(d) < 1_000_000 { return Int(d) }
        return nil
    }
}

/// A CSV's bytes to read in `parts` blocks at once.
struct CSVBlocks {
    let bytes: UnsafeBufferPointer<UInt8>
    let separator: UInt8
    /// Where the first row starts (after a byte-order mark).
    let start: Int
    let parts: Int

    init(bytes: UnsafeBufferPointer<UInt8>, parts: Int) {
        self.bytes = bytes
        separator = CSVTable.guessSeparator(UnsafeBufferPointer(rebasing: bytes.prefix(8192)))
        start = bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0
        self.parts = parts
    }
}
