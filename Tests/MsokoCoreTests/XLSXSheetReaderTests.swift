import Foundation
import XCTest
@testable import MsokoCore

final class XLSXSheetReaderTests: XCTestCase {
    func fixture(_ name: String) throws -> Data {
        try Data(contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/\(name)"))
    }

    /// openpyxl writes inline strings, a merged title and real numbers.
    func testOpenpyxlFileWithTitleAndNumbers() throws {
        let rows = try ListFile.rows(data: fixture("schools-openpyxl.xlsx"), file: "schools-openpyxl.xlsx")
        XCTAssertEqual(rows[0].first, "Список школ Асиновского района")
        XCTAssertEqual(rows[1], [])
        XCTAssertEqual(rows[2], ["Логин", "Полное наименование", "Краткое наименование", "Тип"])
        XCTAssertEqual(rows[4], ["edu700302", "Гимназия № 2", "", "гимназия"])
        XCTAssertEqual(rows[5].first, "700303")
        let (schools, problems) = SchoolListReader.read(rows: rows, file: "schools-openpyxl.xlsx")
        XCTAssertEqual(schools.map(\.login), ["edu700301", "edu700302"])
        XCTAssertEqual(problems.map(\.row), [6], "the row number as the spreadsheet shows it")
    }

    /// LibreOffice writes shared strings.
    func testLibreOfficeFileWithSharedStrings() throws {
        let rows = try ListFile.rows(data: fixture("schools-libreoffice.xlsx"), file: "s.xlsx")
        XCTAssertEqual(rows[1], ["edu700301", "МБОУ «Первая СОШ»", "Первая СОШ", "СОШ"])
        let (schools, problems) = SchoolListReader.read(rows: rows, file: "s.xlsx")
        XCTAssertEqual(problems, [])
        XCTAssertEqual(schools.map(\.type), [.sosh, .gymnasium])
    }

    func testNotASpreadsheet() {
        XCTAssertThrowsError(try ListFile.rows(data: Data("%PDF-1.4 …".utf8), file: "list.xlsx")) { error in
            XCTAssertEqual(error as? SpreadsheetError, .notSpreadsheet(file: "list.xlsx"))
        }
        XCTAssertThrowsError(try ListFile.rows(data: Data([0x50, 0x4B, 0x03, 0x04, 0, 0, 1]), file: "broken.xlsx"))
        XCTAssertThrowsError(try ListFile.rows(data: Data(), file: "empty.csv"))
    }

    func testColumnReference() {
        XCTAssertEqual(XLSXSheetReader.column(of: "A1"), 0)
        XCTAssertEqual(XLSXSheetReader.column(of: "Z9"), 25)
        XCTAssertEqual(XLSXSheetReader.column(of: "AB12"), 27)
        XCTAssertNil(XLSXSheetReader.column(of: "12"))
    }
}

final class SheetScannerTests: XCTestCase {
    func testCellsRowsEntitiesAndRichText() throws {
        let sheet = """
        <worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&#1042;&#x41F;&amp;&lt;1&gt; &quot;x&quot;</t></is></c><c r="C1" t="s"><v>1</v></c></row>\
        <row r="3" spans="1:3"><c r="B3"><v>7</v></c><c r="C3" t="n"><v>2.0</v></c><c r="D3" s="1"/><c r="E3" t="b"><v>1</v></c></row>\
        <row r="4"/><row r="5"><c t="inlineStr"><is><r><t>ра</t></r><r><rPr><b/></rPr><t xml:space="preserve">з два</t></r></is></c><c><f>A1</f><v>3</v></c></row>\
        </sheetData><mergeCells count="1"><mergeCell ref="A1:B1"/></mergeCells></worksheet>
        """
        let shared = try SheetScanner.sharedStrings(Data(#"<sst><si><t>нуль</t></si><si><r><t>од</t></r><r><t>ин</t></r><rPh><t>ignored</t></rPh></si><si/></sst>"#.utf8), limits: .init())
        XCTAssertEqual((0..<shared.count).map(shared.string), ["нуль", "один", ""])
        var limits = SheetScanner.Limits()
        let rows = try SheetScanner.rows(Data(sheet.utf8), shared: shared, limits: &limits)
        XCTAssertEqual(rows.count, 5)
        XCTAssertEqual(rows[0], ["ВП&<1> \"x\"", "", "один"])
        XCTAssertEqual(rows[1], [])
        XCTAssertEqual(rows[2], ["", "7", "2", "", "ИСТИНА"])
        XCTAssertEqual(rows[3], [])
        XCTAssertEqual(rows[4], ["раз два", "3"])
    }

    /// A sheet read in pieces of any size, on one thread or two, gives the rows read whole: the
    /// pieces cut tags, entities, Cyrillic characters and shared-string indices anywhere.
    func testStreamedInPiecesOfAnySizeGivesTheSameRows() throws {
        var sheet = #"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1:F400"/><sheetData>"#
        for r in 1...400 {
            sheet += #"<row r="\#(r * 2)"><c r="A\#(r * 2)" t="s"><v>\#(r % 3)</v></c><c r="B\#(r * 2)" t="inlineStr"><is><t>Код&amp;\#(r) «ё»</t></is></c>"#
            sheet += #"<c r="D\#(r * 2)"><v>\#(r).0</v></c><c r="E\#(r * 2)" t="b"><v>\#(r % 2)</v></c><c r="F\#(r * 2)" t="inlineStr"><is><r><t>Ж</t></r><r><t>&#x44F;</t></r></is></c></row>"#
        }
        sheet += "</sheetData></worksheet>"
        let strings = #"<sst count="3"><si><t>нуль</t></si><si><t>один &lt;1&gt;</t></si><si><r><t>два</t></r><rPh><t>x</t></rPh></si></sst>"#
        let book = try XLSXBook(data: workbook(sheet: sheet, sharedStrings: strings), file: "p.xlsx")
        var whole: [[String]] = []
        var indices: [Int] = []
        try book.forEachRow(sheet: 0, threads: 1, chunk: 1 << 20) { row, index in whole.append(row.strings); indices.append(index); return true }
        XCTAssertEqual(whole.count, 400)
        XCTAssertEqual(indices.prefix(3), [1, 3, 5], "the index is the row number minus one; missing rows are not lent")
        XCTAssertEqual(whole[0], ["один <1>", "Код&1 «ё»", "", "1", "ИСТИНА", "Жя"])
        XCTAssertEqual(whole[1], ["два", "Код&2 «ё»", "", "2", "ЛОЖЬ", "Жя"])
        for (chunk, threads) in [(1, 1), (3, 2), (7, 1), (64, 2), (1000, 2)] {
            var rows: [[String]] = []
            try book.forEachRow(sheet: 0, threads: threads, chunk: chunk) { row, _ in rows.append(row.strings); return true }
            XCTAssertEqual(rows, whole, "pieces of \(chunk) bytes on \(threads) threads")
        }
        // Stopping early stops the inflating thread too.
        var seen = 0
        try book.forEachRow(sheet: 0, threads: 2, chunk: 16) { _, _ in seen += 1; return seen < 5 }
        XCTAssertEqual(seen, 5)
    }

    /// A damaged sheet breaks off the stream with the file's error, whatever the piece size, and a
    /// results import keeps nothing of it.
    func testDamageFoundWhileStreamingRefusesTheWholeFile() throws {
        var sheet = "<worksheet><sheetData>"
        for r in 1...2000 { sheet += #"<row r="\#(r)"><c t="inlineStr"><is><t>\#(r)</t></is></c></row>"# }
        sheet += "</sheetData></worksheet>"
        var data = workbook(sheet: sheet, sharedStrings: nil)
        // The CRC-32 of the sheet in its directory entry, changed: only the end of the stream can tell.
        let name = Data("xl/worksheets/sheet1.xml".utf8)
        var central = data.range(of: Data([0x50, 0x4B, 0x01, 0x02]))!.lowerBound
        while data[(central + 46)..<(central + 46 + name.count)] != name {
            central = data.range(of: Data([0x50, 0x4B, 0x01, 0x02]), in: (central + 4)..<data.count)!.lowerBound
        }
        data[central + 16] ^= 0xFF
        let book = try XLSXBook(data: data, file: "crc.xlsx")
        for threads in [1, 2] {
            var rows = 0
            XCTAssertThrowsError(try book.forEachRow(sheet: 0, threads: threads, chunk: 256) { _, _ in rows += 1; return true }) { error in
                XCTAssertEqual(error as? SpreadsheetError, .badXML(file: "crc.xlsx", part: "xl/worksheets/sheet1.xml"))
            }
            XCTAssertEqual(rows, 2000, "the rows came before the end showed the damage")
        }
    }

    /// A workbook of the given sheet XML (and shared strings), packed as Excel packs one.
    func workbook(sheet: String, sharedStrings: String?) -> Data {
        var parts: [(path: String, bytes: Data)] = [
            ("[Content_Types].xml", Data(#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>"#.utf8)),
            ("xl/workbook.xml", Data(#"<workbook xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Лист1" sheetId="1" r:id="rId1"/></sheets></workbook>"#.utf8)),
            ("xl/_rels/workbook.xml.rels", Data(#"<Relationships><Relationship Id="rId1" Target="worksheets/sheet1.xml"/></Relationships>"#.utf8)),
            ("xl/worksheets/sheet1.xml", Data(sheet.utf8)),
        ]
        if let sharedStrings { parts.append(("xl/sharedStrings.xml", Data(sharedStrings.utf8))) }
        return try! ZipPackage.build(parts)
    }
}

/// The two-stage pipeline under the XLSX reader: order kept, errors from either stage rethrown
/// after the producing thread has stopped, early stops, and nothing left running — many times over,
/// so that a race between the stages would show.
final class ChunkPipelineTests: XCTestCase {
    struct Broken: Error, Equatable { var at: Int }

    /// Produces bytes 0, 1, 2, … (mod 251) in pieces of up to `piece`, `total` in all; fails at `failAt`.
    final class Source: @unchecked Sendable {
        let total: Int, piece: Int, failAt: Int?
        var given = 0
        init(total: Int, piece: Int, failAt: Int? = nil) { (self.total, self.piece, self.failAt) = (total, piece, failAt) }
        func read(into out: UnsafeMutableBufferPointer<UInt8>) throws -> Int {
            if let failAt, given >= failAt { throw Broken(at: given) }
            let n = min(out.count, piece, total - given)
            for k in 0..<n { out[k] = UInt8((given + k) % 251) }
            given += n
            return n
        }
    }

    func testOrderErrorsAndStopsOnOneAndTwoThreads() throws {
        for round in 0..<200 {
            for threads in [1, 2] {
                let piece = 1 + round % 37
                // Whole: every byte in order.
                var seen = 0
                let source = Source(total: 5_000 + round, piece: piece)
                try ChunkPipeline.run(chunk: 64, buffers: 3, threads: threads, produce: { try source.read(into: $0) }) { bytes in
                    for b in bytes { XCTAssertEqual(Int(b), seen % 251); seen += 1 }
                    return true
                }
                XCTAssertEqual(seen, 5_000 + round)
                // The producer fails: what came before is consumed, then its error.
                var before = 0
                let failing = Source(total: 5_000, piece: piece, failAt: 1_000 + round)
                XCTAssertThrowsError(try ChunkPipeline.run(chunk: 64, threads: threads, produce: { try failing.read(into: $0) }) { before += $0.count; return true }) {
                    XCTAssertTrue($0 is Broken)
                }
                XCTAssertGreaterThanOrEqual(before, 1_000 + round)
                // The consumer fails, or stops: the call returns with the producer stopped.
                let long = Source(total: 1 << 20, piece: piece)
                XCTAssertThrowsError(try ChunkPipeline.run(chunk: 64, threads: threads, produce: { try long.read(into: $0) }) { _ in throw Broken(at: -1) }) {
                    XCTAssertEqual($0 as? Broken, Broken(at: -1))
                }
                let stopped = Source(total: 1 << 20, piece: piece)
                var pieces = 0
                try ChunkPipeline.run(chunk: 64, threads: threads, produce: { try stopped.read(into: $0) }) { _ in pieces += 1; return pieces < 3 }
                XCTAssertEqual(pieces, 3)
                XCTAssertLessThan(stopped.given, 1 << 20, "the producer stopped early")
            }
        }
    }
}
