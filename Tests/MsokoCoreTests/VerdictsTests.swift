import Foundation
import XCTest
@testable import MsokoCore

/// Verdicts beside the absolute thresholds: against the group's references, the weakest named,
/// the schools for support, the words in their plural forms.
final class VerdictsTests: XCTestCase {
    static let spec = ProcedureSpec(type: "ВПР", year: 2026, subject: "Математика", grade: 4, tasks: [
        TaskSpec(number: "1", max: 1, level: .basic, requirements: [Requirement(code: "R1", text: "Счёт")]),
        TaskSpec(number: "2", max: 2, level: .advanced, requirements: [Requirement(code: "R2", text: "Задачи")]),
        TaskSpec(number: "3", max: 1, level: .basic, requirements: [Requirement(code: "R3", text: "Величины")]),
        TaskSpec(number: "4", max: 2, level: .high, requirements: [Requirement(code: "R4", text: "Рассуждения")]),
    ], scale: MarkScale(three: 2, four: 4, five: 5))

    /// A group of `n` works whose task completions are `completion` (points rounded to whole works).
    static func group(_ level: GroupFigures.Level, _ n: Int, _ completion: [Double], school: String? = nil, twos: Int = 0) -> GroupFigures {
        var g = GroupFigures(level: level, school: school, schoolName: school.map { "Школа \($0)" }, className: level == .class ? "4А" : nil,
                             taskCount: spec.tasks.count, maxScore: spec.maxScore)
        g.participants = n
        g.taskPoints = zip(completion, spec.tasks).map { c, t in Int((c * Double(n * t.max)).rounded()) }
        g.marks = [twos, n - twos, 0, 0]
        return g
    }

    func analysis(_ groups: [GroupFigures], reference: [String: ReferenceFigures]? = nil) -> ResultsAnalysis {
        var spec = Self.spec
        spec.reference = reference
        return ResultsAnalysis(spec: spec, groups: groups)
    }

    func testAClassIsJudgedAgainstItsSchoolAndTheDistrict() {
        let district = Self.group(.district, 200, [0.75, 0.45, 0.80, 0.35])
        let school = Self.group(.school, 40, [0.70, 0.35, 0.75, 0.34], school: "A")
        let cls = Self.group(.class, 20, [0.50, 0.325, 0.70, 0.325], school: "A")
        let a = analysis([district, school, cls])
        let v = Verdicts.tasks([cls, school, district], a)
        XCTAssertEqual(v[0].mastery, .notMastered)
        XCTAssertEqual(v[0].below.map(\.reference), ["школы", "района"])
        XCTAssertEqual(v[0].comparisonText, "ниже школы на 20,0\u{00A0}п.\u{00A0}п.; ниже района на 25,0\u{00A0}п.\u{00A0}п.")
        XCTAssertEqual(v[1].mastery, .mastered, "32.5 % on a П task passes the absolute bar…")
        XCTAssertEqual(v[1].below.map(\.reference), ["района"], "…but is 12.5 p. p. below the district, and only 2.5 below the school")
        XCTAssertTrue(v[1].isWeak)
        XCTAssertEqual(v[2].below.map(\.reference), ["района"], "exactly 10 p. p. below is called out")
        XCTAssertFalse(v[3].isWeak, "2 p. p. below is not")
        XCTAssertEqual(Verdicts.weakest(v).rows.sorted(), [0, 1, 2])
        XCTAssertTrue(Verdicts.weakest(v).weak)

        let table = AnalysisTables.tasks([cls, school, district], a)
        XCTAssertEqual(table.header.last, "Сравнение")
        XCTAssertEqual(table.highlighted, [0, 1, 2])
        guard case .text(let said) = table.rows[1].last! else { return XCTFail() }
        XCTAssertEqual(said, "ниже района на 12,5\u{00A0}п.\u{00A0}п.")
        XCTAssertEqual(Verdicts.requirements([cls, school, district], a).map(\.isWeak), [true, true, true, false])
    }

    func testTheDistrictIsJudgedAgainstTheRegionWhereEntered() {
        let district = Self.group(.district, 200, [0.75, 0.45, 0.80, 0.31])
        let a = analysis([district], reference: ["region": ReferenceFigures(tasks: ["1": 0.78, "2": 0.47, "3": 0.80, "4": 0.45])])
        let v = Verdicts.tasks([district], a)
        XCTAssertEqual(v[3].mastery, .mastered)
        XCTAssertEqual(v[3].comparisonText, "ниже региона на 14,0\u{00A0}п.\u{00A0}п.")
        XCTAssertEqual(v.filter(\.isWeak).count, 1)
        let (items, deficits) = AnalyticalReport.deficitList([district], a)
        XCTAssertTrue(deficits)
        XCTAssertEqual(items.map(\.code), ["R4"])
        let values = OrderTemplate.values(a, context: .init(), department: "УО", responsible: "зам.", schoolYear: "2025-2026")
        XCTAssertEqual(values["дефициты"], "«Рассуждения»")
        // The reference column is named as ФИС ОКО names the row.
        XCTAssertTrue(AnalysisTables.tasks([district], a).header.contains("Регион, %"))
        let named = analysis([district], reference: ["region": ReferenceFigures(tasks: ["1": 0.78], label: "Томская обл."),
                                                     "russia": ReferenceFigures(marks: ["2": 0.05, "3": 0.3, "4": 0.4, "5": 0.25])])
        XCTAssertTrue(AnalysisTables.tasks([district], named).header.contains("Томская обл., %"))
        XCTAssertEqual(AnalysisTables.marksCompact([district], named).rows.last?.first, .text("Вся выборка"))
    }

    func testWhereEverythingIsMasteredTheLeastMarginIsNamedNotAGenericPhrase() {
        let district = Self.group(.district, 200, [0.90, 0.31, 0.65, 0.50])
        let a = analysis([district])
        let v = Verdicts.tasks([district], a)
        XCTAssertTrue(v.allSatisfy { $0.mastery == .mastered })
        let (rows, weak) = Verdicts.weakest(v)
        XCTAssertFalse(weak)
        XCTAssertEqual(rows, [1, 2, 3], "margins 1, 5 and 20 p. p.")
        XCTAssertEqual(AnalysisTables.tasks([district], a).highlighted, [1, 2, 3])
        let text = AnalyticalReport.tasksText([district], a)
        XCTAssertTrue(text.contains("Наименьший запас над порогом — у заданий 2 (П, 31,0\u{00A0}%)"), text)
        let values = OrderTemplate.values(a, context: .init(), department: "УО", responsible: "зам.", schoolYear: "2025-2026")
        XCTAssertEqual(values["дефициты"], "«Задачи», «Величины», «Рассуждения» (освоены слабее других требований)")
    }

    func testAGroupWhoseSharesAreHiddenGetsNoVerdicts() {
        let district = Self.group(.district, 200, [0.75, 0.45, 0.80, 0.35])
        let small = Self.group(.school, 7, [0.2, 0.1, 0.2, 0.1], school: "S")
        let a = analysis([district, small])
        XCTAssertTrue(Verdicts.tasks([small, district], a).allSatisfy { $0.mastery == nil && $0.below.isEmpty })
        XCTAssertEqual(Verdicts.tasks([small.inFull, district], a)[0].mastery, .notMastered, "shown as itself, it is judged")
    }

    func testSchoolsForSupportByCountsWhateverTheirSize() {
        let district = Self.group(.district, 200, [0.75, 0.45, 0.80, 0.35])
        let a = analysis([district,
                          Self.group(.school, 7, [0.5, 0.3, 0.5, 0.3], school: "small", twos: 4),
                          Self.group(.school, 2, [0.5, 0.3, 0.5, 0.3], school: "tiny", twos: 1),
                          Self.group(.school, 20, [0.5, 0.3, 0.5, 0.3], school: "fifteen", twos: 3),
                          Self.group(.school, 12, [0.5, 0.3, 0.5, 0.3], school: "quarter", twos: 3)])
        XCTAssertEqual(AnalyticalReport.supportSchools(a).map(\.school), ["small", "quarter"])
        let values = OrderTemplate.values(a, context: .init(), department: "УО", responsible: "зам.", schoolYear: "2025-2026")
        XCTAssertEqual(values["школы_поддержки"], "Школа small, Школа quarter")
    }

    func testRussianPluralForms() {
        let nbsp = "\u{00A0}"
        XCTAssertEqual([0, 1, 2, 4, 5, 11, 12, 14, 21, 22, 25, 101, 111, 112, 1001].map { Plural.points($0) },
                       ["0 баллов", "1 балл", "2 балла", "4 балла", "5 баллов", "11 баллов", "12 баллов", "14 баллов", "21 балл", "22 балла",
                        "25 баллов", "101 балл", "111 баллов", "112 баллов", "1001 балл"].map { $0.replacingOccurrences(of: " ", with: nbsp) })
        XCTAssertEqual(Plural.studentsPrepositional(181), "181\(nbsp)обучающемся")
        XCTAssertEqual(Plural.studentsPrepositional(182), "182\(nbsp)обучающихся")
        XCTAssertEqual(Plural.works(139), "139\(nbsp)работ")
    }
}

/// DOCX tables set as a person sets them in Word.
final class DocxTableLayoutTests: XCTestCase {
    func testNoColumnIsNarrowerThanItsLongestWordAndWideTablesGetASmallerFont() {
        let header = ["Группа", "Работ", "«2»", "«3»", "«4»", "«5»", "Успеваемость, %", "Качество, %", "Средний балл", "Средняя отметка"]
        let row = ["МБОУ «Зырянская СОШ» *", "7", "4 (57,1 %)", "1 (14,3 %)", "1 (14,3 %)", "1 (14,3 %)", "42,9", "28,6", "6,29", "2,86"]
        let t = DocxDocument.Table(widths: [3] + Array(repeating: 1, count: 9), header: header, rows: [row.map { DocxDocument.Cell($0) }])
        let available = 11906 - 2268 - 567
        let layout = TableLayout(t, available: available)
        XCTAssertLessThanOrEqual(layout.widths.reduce(0, +), available)
        let em = Double(layout.fontSize ?? 20) * 10
        for (c, texts) in zip(0..., zip(header, row)) {
            for (text, bold) in [(texts.0, true), (texts.1, false)] {
                let word = TableLayout.longestWord(text)
                let need = word.reduce(0.0) { $0 + TableLayout.width($1, bold: bold) } * em + 160
                XCTAssertGreaterThanOrEqual(Double(layout.widths[c]), need, "«\(word)» must fit its column \(c) whole")
            }
        }
        XCTAssertNotNil(layout.fontSize, "ten figure columns on portrait A4 are set below 10 pt")
        XCTAssertNil(TableLayout(DocxDocument.Table(widths: [2, 3], header: ["Процедура", "ВПР"], rows: []), available: available).fontSize)
    }

    func testNumbersStayWithTheirUnits() {
        XCTAssertEqual(Typography.bind("13 (7,8 %)"), "13 (7,8\u{00A0}%)", "a count may wrap before its share, never a share before its sign")
        XCTAssertEqual(Typography.bind("ниже района на 12,3 п. п."), "ниже района на 12,3 п.\u{00A0}п.")
        XCTAssertEqual(Typography.bind("7 работ при 8 обучающихся, приказ № 15"), "7\u{00A0}работ при 8\u{00A0}обучающихся, приказ №\u{00A0}15")
    }

    func testRowsAreKeptWholeAndTheHeaderRepeats() throws {
        var doc = DocxDocument(title: "Т")
        doc.add(DocxDocument.Table(widths: [1, 1], header: ["А", "Б"], rows: [[DocxDocument.Cell("1"), DocxDocument.Cell("2")]]))
        let xml = doc.documentXML()
        XCTAssertTrue(xml.contains("<w:tr><w:trPr><w:tblHeader/><w:cantSplit/></w:trPr>"))
        XCTAssertTrue(xml.contains("<w:tr><w:trPr><w:cantSplit/></w:trPr>"))
    }
}
