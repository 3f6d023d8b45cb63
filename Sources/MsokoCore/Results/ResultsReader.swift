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
    /// `logins`: the forms a school login may take (the district's setting).
    /// `threads`: a large CSV is read in that many blocks at once (see `Checker.readBlocks`).
    public static func read(data: Data, file: String, spec: ProcedureSpec, school: String? = nil, logins: LoginPattern = .standard,
                            limits: Limits = Limits(), threads: Int = Parallelism.threads) -> ResultsFile {
        var result = ResultsFile()
        func refuse(_ message: String) -> ResultsFile {
            result.problems = [ImportProblem(file: file, row: nil, column: nil, message: message)]
            return result
        }
        guard !data.isEmpty else { return refuse("файл пустой.") }
        guard data.count <= limits.maxFileBytes else {
            return refuse("файл \(ByteSize.exceeding(data.count, limit: limits.maxFileBytes)).")
        }
        if data.starts(with: [0x50, 0x4B]) {
            // A sheet is read twice as it is inflated, never kept whole: its first rows to find the
            // header, then every row through the checks (inflating on one core, scanning on another).
            let book: XLSXBook
            var sheetLimits = SheetLimits()
            sheetLimits.zip.maxTotalBytes = Int(clamping: limits.maxUnzippedBytes)
            sheetLimits.zip.maxEntryBytes = Int(clamping: limits.maxUnzippedBytes)
            do { book = try XLSXBook(data: data, file: file, limits: sheetLimits) } catch { return refuse(unreadable(error, limits: limits)) }
            // Every sheet with a results header: one sheet, or one per class (or per school).
            var found: [(sheet: Int, head: [[String]], layout: ResultsLayout, estimate: Int)] = []
            for k in book.sheets.indices where book.archive.entry(book.sheets[k].path) != nil {
                var head: [[String]] = []
                var headBytes = 0
                do {
                    try book.forEachRow(sheet: k, threads: 1, chunk: 1 << 16) { row, index in
                        guard index < headRows else { return false }
                        head.place(row, at: index)
                        headBytes += (0..<row.count).reduce(32) { $0 + row.rawCell($1).count + 24 }
                        return head.count < headRows
                    }
                } catch { return refuse(unreadable(error, limits: limits)) }
                guard let layout = ResultsLayout.find(in: head) else { continue }
                // Rows to size the tables for, from the sheet's declared size and the bytes of its first rows.
                let perRow = max(64, headBytes / max(1, head.count))
                found.append((k, head, layout, min(1_048_576, book.declaredSize(sheet: k) / perRow + 1)))
            }
            guard !found.isEmpty else { return refuse(noHeader) }
            var seenCodes: [String: String] = [:]
            for (index, sheet) in found.enumerated() {
                let sheetName = book.sheets[sheet.sheet].name
                var part = ResultsFile()
                var checker = Checker(file: file, sheet: sheetName, spec: spec, layout: sheet.layout, rows: sheet.head, limits: limits)
                checker.expectedSchool = school?.lowercased()
                checker.logins = logins
                checker.expectedRows = sheet.estimate
                var failure: Error?
                checker.dataRows = { body in
                    do {
                        // A small sheet on this thread alone (a thread costs more than it saves), as for a CSV.
                        let cores = book.declaredSize(sheet: sheet.sheet) >= parallelFrom ? threads : 1
                        try book.forEachRow(sheet: sheet.sheet, threads: cores) { row, i in body(row, i); return true }
                    } catch { failure = error }
                }
                checker.run(into: &part)
                // The sheet broke off (damaged, past a limit): nothing of it is kept.
                if let failure { return refuse(unreadable(failure, limits: limits)) }
                guard found.count > 1 else { part.sheet = sheetName; return part }
                // A participant code appears once in a school across all the sheets.
                for w in part.works {
                    let key = (w.schoolLogin ?? w.schoolName ?? "") + "\u{1}" + w.code
                    if let other = seenCodes[key] {
                        part.problems.append(ImportProblem(file: "\(file), лист «\(sheetName)»", row: w.row, column: "Код участника",
                                                           message: "код участника \(w.code) уже встречался в этой школе (лист «\(other)»)."))
                    } else {
                        seenCodes[key] = sheetName
                    }
                }
                if index == 0 {
                    result = part
                    result.works = WorkTable(taskCount: spec.tasks.count)
                    result.works.append(contentsOf: part.works)
                    result.sheet = found.map { book.sheets[$0.sheet].name }.joined(separator: ", ")
                } else {
                    result.works.append(contentsOf: part.works)
                    result.problems += part.problems
                    result.warnings += part.warnings
                    for (s, classes) in part.enrolment { result.enrolment[s, default: [:]].merge(classes) { a, _ in a } }
                    if let d = part.declaredParticipants { result.declaredParticipants = (result.declaredParticipants ?? 0) + d }
                }
            }
            return result
        }
        if data.starts(with: Array("%PDF".utf8)) || data.starts(with: [0xD0, 0xCF, 0x11, 0xE0]) || data.prefix(4096).contains(0) {
            return refuse("это не таблица: ожидается XLSX или CSV (файл похож на PDF, старый XLS или другой двоичный файл).")
        }
        // A CSV is not kept as a table: its first lines find the header, then rows stream through
        // the checks as bytes. UTF-8 is scanned in place; anything else is Windows-1251, decoded first.
        var clock = PhaseClock("чтение")
        // (Its lines counted in the same pass, to size the tables.)
        let (valid, lines) = data.withUnsafeBytes { TextDecoding.validUTF8Lines($0.assumingMemoryBound(to: UInt8.self), threads: threads) }
        clock.lap("проверка UTF-8, строки")
        var decoded: [UInt8] = []
        if !valid {
            guard let text = TextDecoding.decode(data) else { return refuse("не удалось прочитать текст (ожидается CSV в UTF-8 или Windows-1251).") }
            decoded = Array(text.utf8)
        }
        func check(_ bytes: UnsafeBufferPointer<UInt8>) -> ResultsFile {
            var head: [[String]] = []
            CSVTable.forEachCellRow(utf8: bytes) { row in head.append(row.strings); return head.count < headRows }
            guard let layout = ResultsLayout.find(in: head) else { return refuse(noHeader) }
            var checker = Checker(file: file, sheet: nil, spec: spec, layout: layout, rows: head, limits: limits)
            checker.expectedSchool = school?.lowercased()
            checker.logins = logins
            checker.expectedRows = valid ? lines : CSVTable.lineCount(bytes, threads: threads)
            clock.lap("заголовок")
            if threads > 1 && bytes.count >= parallelFrom { checker.blocks = CSVBlocks(bytes: bytes, parts: threads) }
            checker.dataRows = { body in
                var index = 0
                CSVTable.forEachCellRow(utf8: bytes) { row in
                    defer { index += 1 }
                    body(row, index)
                    return true
                }
            }
            checker.run(into: &result)
            return result
        }
        if valid {
            return data.withUnsafeBytes { check($0.assumingMemoryBound(to: UInt8.self)) }
        }
        return decoded.withUnsafeBufferPointer { check($0) }
    }

    /// Why a workbook could not be read, in the words of an import problem.
    static func unreadable(_ error: Error, limits: Limits) -> String {
        guard let e = error as? SpreadsheetError else { return "не является таблицей Excel (XLSX) — возможно, файл повреждён." }
        if case .tooLarge(_, let reason) = e, reason.hasPrefix("часть") {
            return "книга распаковывается больше чем в \(ByteSize.format(Int(clamping: limits.maxUnzippedBytes))) или сжата подозрительно сильно — файл не принят."
        }
        return e.reason
    }

    /// Rows at the top of a sheet or file where the header is looked for.
    static let headRows = 60

    /// Files smaller than this are read on one thread: starting threads costs more than it saves.
    static let parallelFrom = 1 << 20

    static let noHeader = "не найдена строка заголовка: ожидаются столбцы «Код участника», «Класс» и столбцы заданий (например «1 (2б)»)."

}

