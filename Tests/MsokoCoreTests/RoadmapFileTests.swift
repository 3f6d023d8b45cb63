import XCTest
@testable import MsokoCore

/// The seed roadmap: from shared/ beside the project when present, else the bundled JSON.
enum SeedRoadmap {
    static var root: URL { URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent() }
    static var jsonURL: URL { root.appendingPathComponent("Sources/MsokoServer/Resources/roadmap-2025-2026.json") }
    static var markdownURL: URL { root.deletingLastPathComponent().appendingPathComponent("shared/seed/roadmap-2025-2026.md") }

    static func document() throws -> RoadmapDocument {
        try RoadmapFileReader.read(data: Data(contentsOf: jsonURL), fileName: "roadmap-2025-2026.json")
    }
}

final class RoadmapFileTests: XCTestCase {
    /// Issue 11: a roadmap carried into another school year moves the years its texts name (its
    /// own, the one before), not a law's year; measures, owners and results are kept.
    func testMovedToTheNextSchoolYear() throws {
        let doc = try SeedRoadmap.document()
        let next = try doc.moved(to: "2026-2027")
        XCTAssertEqual(next.year, "2026-2027")
        XCTAssertTrue(next.title.hasSuffix("на 2026-2027 учебный год"), next.title)
        XCTAssertEqual(next.measures.map(\.number), doc.measures.map(\.number))
        XCTAssertEqual(next.measures.map(\.responsible), doc.measures.map(\.responsible))
        let seminar = try XCTUnwrap(next.measures.first { $0.title.contains("типичных ошибок") })
        XCTAssertTrue(seminar.title.contains("в 2025-2026 учебном году"), seminar.title)
        let law = RoadmapDocument(year: "2025-2026", title: "План на 2025-2026", sections: [RoadmapSection(number: "1", title: "Раздел", measures: [
            RoadmapMeasure(number: "1.1", title: "По закону от 29.12.2012 № 273-ФЗ, цели до 2030 года", timing: "до 31.01.2026", responsible: "УО", expectedResult: "2025 год"),
        ])])
        let moved = try law.moved(to: "2027-2028").measures[0]
        XCTAssertEqual(moved.title, "По закону от 29.12.2012 № 273-ФЗ, цели до 2030 года")
        XCTAssertEqual(moved.timing, "до 31.01.2028")
        XCTAssertEqual(moved.expectedResult, "2027 год")
        XCTAssertThrowsError(try law.moved(to: "следующий"))
    }

    func testBundledRoadmapHasAllSectionsAndMeasures() throws {
        let doc = try SeedRoadmap.document()
        XCTAssertEqual(doc.year, "2025-2026")
        XCTAssertEqual(doc.sections.map(\.number), ["1", "2", "3", "4"])
        XCTAssertEqual(doc.measures.map(\.number), ["1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "2.1", "2.2", "2.3", "2.4", "3.1", "3.2", "3.3", "3.4", "4.1"])
        let m15 = doc.measures.first { $0.number == "1.5" }!
        XCTAssertEqual(m15.timing, "Август, январь, март,")
        XCTAssertTrue(doc.measures.first { $0.number == "1.2" }!.title.contains("МБОУ «Причулымская ООШ»"))
        XCTAssertEqual(doc.measures.first { $0.number == "2.1" }!.responsible, "Самойлова А.Л., руководители общеобразовательных организаций")
    }

    func testMarkdownSeedReadsToTheBundledJSON() throws {
        let url = SeedRoadmap.markdownURL
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw XCTSkip("shared/seed is not beside the project")
        }
        let fromMarkdown = try RoadmapFileReader.read(data: Data(contentsOf: url), fileName: "roadmap-2025-2026.md")
        let bundled = try SeedRoadmap.document()
        XCTAssertEqual(fromMarkdown.sections, bundled.sections)
        XCTAssertEqual(fromMarkdown.year, "2025-2026")
    }

    func testMarkdownTable() throws {
        let md = """
        **План на 2026-2027 учебный год**

        | № | Мероприятие | Срок | Ответственные | Результат |
        |--|--|--|--|--|
        | 1. Объективность | | | | |
        | 1.1. | Наблюдение | Октябрь | Специалисты Управления образования | Акты |
        2. Информирование
        | 2.1. | Сайт | Постоянно | Руководители образовательных организаций | Новости |
        """
        let doc = try RoadmapFileReader.read(data: Data(md.utf8), fileName: "plan.md")
        XCTAssertEqual(doc.year, "2026-2027")
        XCTAssertEqual(doc.sections.map(\.title), ["Объективность", "Информирование"])
        XCTAssertEqual(doc.measures.map(\.number), ["1.1", "2.1"])
        XCTAssertEqual(try TimingParser.checkpoints(for: "Октябрь", schoolYearStart: 2026)[0].due.iso, "2026-10-31")
    }

    func testBadFilesNameTheProblem() {
        let badTiming = #"{"year":"2025-2026","title":"t","sections":[{"number":"1","title":"s","measures":[{"number":"1.1","title":"x","timing":"Иногда","responsible":"r","expectedResult":"e"}]}]}"#
        XCTAssertThrowsError(try RoadmapFileReader.read(data: Data(badTiming.utf8), fileName: "r.json")) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("r.json") && text.contains("1.1") && text.contains("Иногда"), text)
        }
        let duplicate = #"{"year":"2025-2026","title":"t","sections":[{"number":"1","title":"s","measures":[{"number":"1.1","title":"x","timing":"Май","responsible":"r","expectedResult":"e"},{"number":"1.1","title":"y","timing":"Май","responsible":"r","expectedResult":"e"}]}]}"#
        XCTAssertThrowsError(try RoadmapFileReader.read(data: Data(duplicate.utf8), fileName: "r.json")) { error in
            XCTAssertTrue("\(error)".contains("повторяется"))
        }
        XCTAssertThrowsError(try RoadmapFileReader.read(data: Data("{".utf8), fileName: "r.json")) { error in
            XCTAssertTrue("\(error)".contains("JSON"))
        }
        XCTAssertThrowsError(try RoadmapFileReader.read(data: Data("| 1.1. | x | Май | r | e |".utf8), fileName: "r.md"))
        let badYear = #"{"year":"2025","title":"t","sections":[]}"#
        XCTAssertThrowsError(try RoadmapFileReader.read(data: Data(badYear.utf8), fileName: "r.json")) { error in
            XCTAssertEqual(error as? RoadmapFileError, .badYear("2025"))
        }
    }
}

extension RoadmapFileTests {
    /// The roadmap table in a Word document: sections 1-3 as rows of the first table, section 4
    /// as a paragraph before a second table (the seed's own layout).
    func testDocxRoadmapReadsToTheBundledJSON() throws {
        let bundled = try SeedRoadmap.document()
        var doc = DocxDocument(title: "Дорожная карта", orientation: .landscape)
        doc.paragraph("«Дорожная карта» (план мероприятий) по повышению качества образования", style: .title)
        doc.paragraph("на 2025-2026 учебный год", alignment: .center)
        func rows(_ section: RoadmapSection) -> [[DocxDocument.Cell]] {
            [[.init("\(section.number). \(section.title)"), .init(""), .init(""), .init(""), .init("")]] + section.measures.map { m in
                [.init("\(m.number)."), .init(m.title), .init(m.timing), .init(m.responsible), .init(m.expectedResult)]
            }
        }
        let header = ["№ п/п", "Наименование мероприятия", "Срок реализации", "Ответственные исполнители", "Ожидаемые результаты"]
        doc.add(DocxDocument.Table(widths: [1, 4, 2, 3, 3], header: header, rows: bundled.sections.prefix(3).flatMap(rows)))
        let last = bundled.sections[3]
        doc.paragraph("\(last.number). \(last.title)")
        doc.add(DocxDocument.Table(widths: [1, 4, 2, 3, 3], header: [], rows: Array(rows(last).dropFirst())))
        let read = try RoadmapFileReader.read(data: try doc.data(), fileName: "Дорожная карта.docx")
        XCTAssertEqual(read.year, "2025-2026")
        XCTAssertEqual(read.sections, bundled.sections)
    }

    func testBrokenDocxIsNamed() {
        XCTAssertThrowsError(try RoadmapFileReader.read(data: Data([0x50, 0x4B, 3, 4, 0]), fileName: "карта.docx")) { error in
            XCTAssertTrue("\(error)".contains("карта.docx") && "\(error)".contains("DOCX"), "\(error)")
        }
    }
}
