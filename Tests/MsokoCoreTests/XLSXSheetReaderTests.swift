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
        XCTAssertEqual(shared, ["нуль", "один", ""])
        var limits = SheetScanner.Limits()
        let rows = try SheetScanner.rows(Data(sheet.utf8), shared: shared, limits: &limits)
        XCTAssertEqual(rows.count, 5)
        XCTAssertEqual(rows[0], ["ВП&<1> \"x\"", "", "один"])
        XCTAssertEqual(rows[1], [])
        XCTAssertEqual(rows[2], ["", "7", "2", "", "ИСТИНА"])
        XCTAssertEqual(rows[3], [])
        XCTAssertEqual(rows[4], ["раз два", "3"])
    }
}
