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
