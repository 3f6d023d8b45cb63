import Foundation
import XCTest
@testable import MsokoCore
@testable import MsokoFuzzing

/// The files of the attack on msoko (rebuilt in `HostileFiles`): each aborted, hung or exhausted
/// the server before; each must now be refused quickly, in Russian, without runaway memory.
final class HostileFilesTests: XCTestCase {
    static let files: [String: HostileFiles.File] = {
        Dictionary(uniqueKeysWithValues: ((try? HostileFiles.all()) ?? []).map { ($0.name, $0) })
    }()

    func file(_ name: String) throws -> Data { try XCTUnwrap(Self.files[name]?.bytes, name) }

    func results(_ name: String) throws -> ResultsFile {
        ResultsReader.read(data: try file(name), file: "\(name).xlsx", spec: FuzzTargets.spec)
    }

    override func setUp() { _ = Self.files }

    /// Refused with one problem that contains `needle`, within `seconds`, adding at most `megabytes`.
    func assertRefused(_ name: String, _ needle: String, seconds: Double = 5, megabytes: Int = 400, file: StaticString = #filePath, line: UInt = #line) throws {
        let data = try self.file(name)
        Memory.resetPeak()
        let before = Memory.resident
        let start = Date()
        let r = ResultsReader.read(data: data, file: "\(name).xlsx", spec: FuzzTargets.spec)
        let took = Date().timeIntervalSince(start)
        XCTAssertEqual(r.works.count, 0, name, file: file, line: line)
        XCTAssertEqual(r.problems.count, 1, "\(name): \(r.problems)", file: file, line: line)
        XCTAssertTrue(r.problems.first?.message.contains(needle) == true, "\(name): \(r.problems.first?.message ?? "")", file: file, line: line)
        XCTAssertLessThan(took, seconds, name, file: file, line: line)
        XCTAssertLessThan(Memory.peak - before, megabytes << 20, name, file: file, line: line)
    }

    func testColumnFarPastXFDIsRefusedWithoutAllocating() throws {
        try assertRefused("column-ZZZZZZZ", "лист «Лист1», строка 2: ссылка на столбец дальше XFD")
        try assertRefused("column-overflow", "дальше XFD")
    }

    func testRowNumberPastExcelIsRefused() throws {
        try assertRefused("row-4e9", "лист «Лист1»: номер строки 4000000000 больше 1 048 576")
        XCTAssertThrowsError(try ListFile.rows(data: try file("padded-cells"), file: "s.xlsx")) { error in
            XCTAssertTrue("\(error)".contains("слишком много пустых ячеек"), "\(error)")
        }
        // The last row Excel has is still read (one row, a million empty ones before it).
        let rows = try ListFile.rows(data: try file("row-1e6-gap"), file: "s.xlsx")
        XCTAssertEqual(rows.count, 1_048_576)
        XCTAssertEqual(rows.last, ["1"])
    }

    func testInvalidUTF8InWorkbookPartsIsAFileProblem() throws {
        try assertRefused("rels-invalid-utf8", "повреждена часть книги xl/_rels/workbook.xml.rels")
        XCTAssertThrowsError(try ListFile.rows(data: try file("workbook-invalid-utf8"), file: "s.xlsx")) { error in
            XCTAssertEqual(error as? SpreadsheetError, .badXML(file: "s.xlsx", part: "xl/workbook.xml"))
        }
    }

    func testFlippedBytesInTheCentralDirectoryAreRefused() throws {
        let flipped = Self.files.keys.filter { $0.hasPrefix("central-flip") }.sorted()
        XCTAssertEqual(flipped.count, 8)
        for name in flipped {
            let r = try results(name)
            XCTAssertEqual(r.works.count, 0, name)
            XCTAssertFalse(r.problems.isEmpty, name)
        }
        // Every single byte of the directory and of the end record, flipped in turn.
        let valid = try HostileFiles.workbook(sheet: "<worksheet><sheetData><row r=\"1\"><c r=\"A1\"><v>1</v></c></row></sheetData></worksheet>")
        let start = try XCTUnwrap(HostileFiles.centralRecords(valid).first)
        for i in start..<valid.count {
            for bit in [0, 7] {
                var bytes = valid
                bytes[i] ^= UInt8(1 << bit)
                _ = try? XLSXSheetReader.sheets(data: bytes, file: "f.xlsx")
            }
        }
    }

    func testTruncatedDeflateStreamEndsAtOnce() throws {
        try assertRefused("truncated-stream", "повреждена часть книги xl/worksheets/sheet1.xml", seconds: 1)
    }

    func testZipBombsAreStoppedWhateverTheDirectorySays() throws {
        // Honest directory: refused from the ratio before anything is inflated.
        try assertRefused("bomb-honest", "распаковывается больше", seconds: 2, megabytes: 50)
        // Understated directory: inflating stops one byte past what it claims.
        try assertRefused("bomb-understated", "распаковывается больше", seconds: 2, megabytes: 50)
    }

    func testSharedStringAmplificationAndLongCellsAreRefused() throws {
        // The sheet is streamed: its text is counted as it is read, not kept (once 900 MB).
        try assertRefused("shared-amplification", "больше 512 МБ", seconds: 10, megabytes: 100)
        try assertRefused("cell-too-long", "больше 32 767 символов")
    }

    func testRoadmapDocxUnderTheSameLimits() throws {
        for (name, needle) in [("docx-bomb", "64 МБ"), ("docx-invalid-utf8", "не в кодировке UTF-8"), ("docx-deep-tables", "вложены глубже")] {
            Memory.resetPeak()
            let before = Memory.resident
            XCTAssertThrowsError(try RoadmapFileReader.read(data: try file(name), fileName: "\(name).docx"), name) { error in
                XCTAssertTrue("\(error)".contains(needle), "\(name): \(error)")
            }
            XCTAssertLessThan(Memory.peak - before, 300 << 20, name)
        }
        // Entities are never expanded: the text keeps the reference, the reader does not grow.
        let lines = try RoadmapDocxReader.lines(data: try file("docx-entities"), fileName: "e.docx")
        XCTAssertEqual(lines.count, 1)
        XCTAssertTrue(lines.first.map { "\($0)" }?.contains("&c;") == true, "\(lines)")
    }

    func testAValidWorkbookStillReads() throws {
        let data = try ResultsExport.xlsx(spec: FuzzTargets.spec, rows: FuzzTargets.resultRows())
        let r = ResultsReader.read(data: data, file: "ok.xlsx", spec: FuzzTargets.spec)
        XCTAssertEqual(r.problems, [])
        XCTAssertEqual(r.works.count, 15)
        let zip = try ZipReader(data: data)
        XCTAssertEqual(Set(zip.entries.map(\.path)).isSuperset(of: ["xl/workbook.xml", "xl/worksheets/sheet1.xml"]), true)
        // The same workbook with the sheet's CRC-32 changed in the directory: every row is read and
        // checked before the end of the stream shows the damage, and none of them is kept.
        var damaged = data
        let sheet = try XCTUnwrap(zip.entry("xl/worksheets/sheet1.xml"))
        var p = 0
        while let r = damaged.range(of: Data([0x50, 0x4B, 0x01, 0x02]), in: p..<damaged.count) {
            let at = r.lowerBound + 42
            if Int(damaged[at]) | Int(damaged[at + 1]) << 8 | Int(damaged[at + 2]) << 16 | Int(damaged[at + 3]) << 24 == sheet.localHeaderOffset { damaged[r.lowerBound + 16] ^= 0xFF }
            p = r.upperBound
        }
        for threads in [1, 2] {
            let refused = ResultsReader.read(data: damaged, file: "crc.xlsx", spec: FuzzTargets.spec, threads: threads)
            XCTAssertEqual(refused.works.count, 0)
            XCTAssertEqual(refused.problems.map(\.message), ["повреждена часть книги xl/worksheets/sheet1.xml."])
        }
    }

    func testSizesReadDifferently() {
        XCTAssertEqual(ByteSize.format(20 << 20), "20 МБ")
        XCTAssertEqual(ByteSize.format(1536 << 10), "1,5 МБ")
        XCTAssertEqual(ByteSize.exceeding((50 << 20) + 30_000, limit: 50 << 20), "50,03 МБ — больше допустимых 50 МБ")
        XCTAssertEqual(ByteSize.exceeding((50 << 20) + 1, limit: 50 << 20), "52\u{00A0}428\u{00A0}801 байт — больше допустимых 52\u{00A0}428\u{00A0}800 байт (50 МБ)")
        let r = ResultsReader.read(data: Data(count: (50 << 20) + 1), file: "big.csv", spec: FuzzTargets.spec)
        XCTAssertTrue(r.problems.first?.message.contains("52\u{00A0}428\u{00A0}801 байт") == true, "\(r.problems)")
    }

    /// A school named like a formula stays text in the exported CSV (a leading apostrophe).
    func testCSVCellsThatSpreadsheetsRunAreNeutralised() {
        XCTAssertEqual(ResultsExport.csvLine([.text(#"=HYPERLINK("http://evil.example","click")"#), .text("+7"), .text("-1"), .text("@SUM(A1)"), .text("4А"), .number(-1)]),
                       #""'=HYPERLINK(""http://evil.example"",""click"")";'+7;'-1;'@SUM(A1);4А;-1"#)
        var rows = FuzzTargets.resultRows()
        rows[0].schoolName = "=cmd|' /C calc'!A0"
        let csv = String(decoding: ResultsExport.csv(spec: FuzzTargets.spec, rows: rows), as: UTF8.self)
        XCTAssertTrue(csv.contains(";'=cmd|' /C calc'!A0;"), csv)
        XCTAssertFalse(csv.contains(";=cmd"))
    }

    /// Found by the fuzzer: a header naming «обучающихся» twice and no «Класс» read row[-1].
    func testEnrolmentHeaderWithAKindTwiceIsNoHeader() {
        let (records, problems) = EnrolmentListReader.read(rows: [["Логин", "КлОбучающихся", "Обучающихся"], ["edu700301", "4А", "25"]], file: "e.csv")
        XCTAssertEqual(records, [])
        XCTAssertTrue(problems.first?.message.contains("не найдена строка заголовка") == true, "\(problems)")
    }

    /// Found by the fuzzer: a megabyte pasted as a ФИС ОКО table took 20 s (a regular expression
    /// compiled for every cell). Now a paste larger than any real table is refused at once, and a
    /// cell that cannot be a task label skips the pattern.
    func testAHugePasteIsRefusedQuickly() throws {
        let start = Date()
        let huge = String(repeating: "2\t3\t4\t5\nВся выборка\t1\t2\t3\t4\n", count: 30_000)
        XCTAssertThrowsError(try ReferenceTable.parse(huge, spec: FuzzTargets.spec, level: .russia)) { error in
            XCTAssertTrue("\(error)".contains("вставлено больше, чем бывает в таблице ФИС ОКО"), "\(error)")
        }
        let wide = (["Вся выборка"] + Array(repeating: "12,5", count: 499)).joined(separator: "\t")
        _ = try? ReferenceTable.parse(String(repeating: "2\t3\t4\t5\n" + wide + "\n", count: 200), spec: FuzzTargets.spec, level: .russia)
        XCTAssertLessThan(Date().timeIntervalSince(start), 5)
    }
}
