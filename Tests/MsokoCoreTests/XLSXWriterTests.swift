import Foundation
import XCTest
@testable import MsokoCore

/// Workbooks as a person makes them: title, bold header, frozen panes, widths, formats, names.
final class XLSXWriterTests: XCTestCase {
    func part(_ data: Data, _ path: String) throws -> String {
        let zip = try ZipReader(data: data)
        var used = 0
        return String(decoding: try zip.extract(path, used: &used, budget: .unlimited) ?? Data(), as: UTF8.self)
    }

    func testATableSheetHasATitleABoldFrozenHeaderWidthsAndFormats() throws {
        let sheet = XLSXWriter.Sheet(name: "Отметки", rows: [[.text("Группа"), .text("Успеваемость, %"), .text("Средний балл")],
                                                            [.text("МБОУ «Зырянская СОШ»"), .percent(0.428571), .mean(6.2857)]],
                                     title: ["Отметки", "ВПР 2026 · Математика · 4 класс"], headerRows: 1, notes: ["Успеваемость — доля «3», «4», «5»."])
        let data = try XLSXWriter(sheets: [sheet]).data()
        let xml = try part(data, "xl/worksheets/sheet1.xml")
        XCTAssertTrue(xml.contains(#"<pane ySplit="4" topLeftCell="A5" activePane="bottomLeft" state="frozen"/>"#), "title, subtitle, a blank row, the header")
        XCTAssertTrue(xml.contains(#"<c r="B5" s="3"><v>0.428571</v></c>"#), "a share is a number in the 0.0% style")
        XCTAssertTrue(xml.contains(#"<c r="C5" s="4"><v>6.2857</v></c>"#), "a mean keeps its exact value in the 0.0 style")
        XCTAssertTrue(xml.contains(#"<c r="A4" t="inlineStr" s="1">"#), "the header is bold and shaded")
        XCTAssertTrue(xml.contains(#"<c r="A1" t="inlineStr" s="2">"#), "the title is large")
        XCTAssertTrue(xml.contains("Успеваемость — доля"), "the notes are under the table")
        XCTAssertTrue(xml.contains("<cols>"))
        let styles = try part(data, "xl/styles.xml")
        XCTAssertTrue(styles.contains(#"formatCode="0.0%""#) && styles.contains(#"formatCode="0.0""#))
        let workbook = try part(data, "xl/workbook.xml")
        XCTAssertTrue(workbook.contains(#"<definedName name="_xlnm.Print_Titles" localSheetId="0">'Отметки'!$4:$4</definedName>"#))
        // The writer's own reader reads the figures back as numbers.
        let read = try XLSXSheetReader.sheets(data: data, file: "a.xlsx")
        XCTAssertTrue(read[0].rows.contains { $0.first == "МБОУ «Зырянская СОШ»" })
    }

    func testSheetNamesAreDistinctAndLegal() throws {
        let w = XLSXWriter(sheets: ["Отметки", "Отметки", "отметки", "Задания: [все]/итог", String(repeating: "Я", count: 40)].map { XLSXWriter.Sheet(name: $0, rows: []) })
        XCTAssertEqual(w.sheetNames, ["Отметки", "Отметки 2", "отметки 3", "Задания все итог", String(repeating: "Я", count: 31)])
    }

    func testCellsShowOnPagesAsRussianTablesPrintThem() {
        XCTAssertEqual(XLSXWriter.Cell.percent(0.41).display, "41,0")
        XCTAssertEqual(XLSXWriter.Cell.percent(0.078313).display, "7,8")
        XCTAssertEqual(XLSXWriter.Cell.mean(3.8313).display, "3,83")
        var g = GroupFigures(level: .district, school: nil, schoolName: nil, className: nil, taskCount: 1, maxScore: 1)
        g.participants = 166
        XCTAssertEqual(AnalysisTables.countShare(68, 68.0 / 166, g), .text("68 (41,0 %)"), "a share in a count's cell has one decimal too")
    }
}
