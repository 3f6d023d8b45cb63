import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import XCTest
import ZIPFoundation
@testable import MsokoCore

final class DocxDocumentTests: XCTestCase {
    func entry(_ data: Data, _ path: String) throws -> Data {
        let archive = try Archive(data: data, accessMode: .read)
        guard let e = archive[path] else { throw CocoaError(.fileNoSuchFile) }
        var out = Data()
        _ = try archive.extract(e) { out.append($0) }
        return out
    }

    func testWritesAWellFormedPackage() throws {
        var doc = DocxDocument(title: "Проверка <&>", orientation: .landscape)
        doc.paragraph("Заголовок", style: .title)
        doc.paragraph("Текст с символами < & > \" и управляющим \u{0001} символом")
        doc.add(DocxDocument.Table(widths: [1, 2], header: ["№", "Мероприятие"], rows: [[.init("1.1"), .init("Строка 1\nСтрока 2")]]))
        let data = try doc.data()
        for part in ["[Content_Types].xml", "_rels/.rels", "word/document.xml", "word/styles.xml", "docProps/core.xml"] {
            let xml = try entry(data, part)
            let parser = XMLParser(data: xml)
            XCTAssertTrue(parser.parse(), "\(part) is not well-formed: \(String(describing: parser.parserError))")
        }
        let body = String(decoding: try entry(data, "word/document.xml"), as: UTF8.self)
        XCTAssertTrue(body.contains("Текст с символами &lt; &amp; &gt; &quot;"))
        XCTAssertFalse(body.contains("\u{0001}"))
        XCTAssertTrue(body.contains("w:orient=\"landscape\""))
        XCTAssertTrue(body.contains("Строка 2"))
        XCTAssertTrue(body.contains("<w:tblHeader/>"))
    }

    func testExecutionReportContainsMeasuresReportsAndSignature() throws {
        let report = RoadmapExecutionReport(
            letterhead: ["Управление образования"], title: "Отчёт", subject: "Район", schoolYear: "2025-2026",
            asOf: LocalDate(year: 2026, month: 2, day: 1),
            sections: [.init(number: "1", title: "Объективность", measures: [
                .init(number: "1.4", title: "Анализ", timing: "Январь, май", responsible: "Специалисты", expectedResult: "Справки",
                      checkpoints: [.init(label: "Январь 2026", due: LocalDate(year: 2026, month: 1, day: 31), status: .done,
                                          entries: [.init(who: "МБОУ «Зырянская СОШ»", status: .done, text: "Справка подготовлена", evidence: ["spravka.pdf"])])]),
            ])],
            signature: ["Начальник ____ / И.О. Фамилия /"],
            appendix: [.init(school: "МОУ «Михайловская СОШ»", measure: "1.4", checkpoint: "Январь 2026",
                             entry: .init(who: "МОУ «Михайловская СОШ»", status: .inProgress, text: "Справка в работе", evidence: []))])
        XCTAssertEqual(report.summary.first { $0.0 == .done }?.1, 1)
        let body = String(decoding: try entry(try report.document().data(), "word/document.xml"), as: UTF8.self)
        for needle in ["Управление образования", "Анализ", "Январь 2026 (до 31.01.2026): выполнено", "Справка подготовлена", "spravka.pdf", "И.О. Фамилия", "01.02.2026", "Приложение. Отчёты образовательных организаций", "МОУ «Михайловская СОШ»", "Справка в работе"] {
            XCTAssertTrue(body.contains(needle), needle)
        }
    }
}

final class ListReadersTests: XCTestCase {
    func testWindows1251AndUTF8() {
        let cp1251: [UInt8] = [0xCB, 0xEE, 0xE3, 0xE8, 0xED, 0x3B, 0xA8, 0xEB, 0xEA, 0xE0]  // «Логин;Ёлка»
        XCTAssertEqual(TextDecoding.decode(Data(cp1251)), "Логин;Ёлка")
        XCTAssertEqual(TextDecoding.decode(Data([0xEF, 0xBB, 0xBF] + Array("Логин".utf8))), "Логин")
    }

    func testCSVSeparatorsAndQuotes() {
        XCTAssertEqual(CSVTable(text: "a;b\r\n\"x;y\";\"say \"\"hi\"\"\"\n").rows, [["a", "b"], ["x;y", "say \"hi\""]])
        XCTAssertEqual(CSVTable(text: "a,b\n1,2").rows, [["a", "b"], ["1", "2"]])
        XCTAssertEqual(CSVTable(text: "a\tb\n1\t2\n").rows, [["a", "b"], ["1", "2"]])
    }

    func testSchoolListReportsRowAndColumn() {
        let rows = CSVTable(text: """
        Логин;Полное наименование;Краткое наименование;Тип
        edu700201;МБОУ «Новая СОШ»;;СОШ
        edu70020;Плохой логин;;СОШ
        edu700203;Гимназия № 1;;колледж
        edu700201;Дубль;;ООШ
        """).rows
        let (schools, problems) = SchoolListReader.read(rows: rows, file: "schools.csv")
        XCTAssertEqual(schools.first?.shortName, "МБОУ «Новая СОШ»")
        XCTAssertEqual(problems.map(\.row), [3, 4, 5])
        XCTAssertEqual(problems[0].column, "Логин")
        XCTAssertEqual(problems[1].column, "Тип")
        XCTAssertTrue(problems[2].description.hasPrefix("schools.csv, строка 5, столбец «Логин»"))
        let (_, missing) = SchoolListReader.read(rows: [["Название"], ["x"]], file: "f.csv")
        XCTAssertEqual(missing.count, 1)
    }
}
