import Foundation
import XCTest
@testable import MsokoCore

/// Reference figures pasted from ФИС ОКО report tables.
final class ReferenceTableTests: XCTestCase {
    let spec = ProcedureSpec(type: "ВПР", year: 2026, subject: "Математика", grade: 4,
                             tasks: ["1", "2", "3", "4", "5", "6"].map { TaskSpec(number: $0, max: 1, level: .basic) }, scale: nil)

    /// As copied from the report page: the merged header cells land on a line of their own.
    let marksTable = """
    Статистика по отметкам
    Группы участников\tКол-во ОО\tКол-во участников\tРаспределение групп баллов в %
    2\t3\t4\t5
    Вся выборка\t39 015\t1 436 172\t3,41\t23,56\t46,7\t26,33
    Томская обл.\t327\t10 654\t4,12\t27,1\t45,08\t23,7
    Зырянский муниципальный район\t10\t152\t5,3\t30,9\t42,1\t21,7
    """

    let tasksTable = """
    Выполнение заданий (в % от числа участников)
    \tКол-во уч.\t1\t2\t3\t4\t5\t6
    Макс балл\t\t1\t1\t1\t1\t1\t1
    Вся выборка\t1436172\t92\t71,5\t80\t55\t61\t33,3
    Томская обл.\t10654\t90\t70\t78,25\t52\t60\t30
    """

    func testMarksAndTasksForTheRegionAndRussia() throws {
        let region = try ReferenceTable.parse(marksTable + "\n\n" + tasksTable, spec: spec, level: .region)
        XCTAssertEqual(region.rows, ["Томская обл.", "Томская обл."])
        XCTAssertEqual(region.figures.marks?["2"] ?? 0, 0.0412, accuracy: 1e-9)
        XCTAssertEqual(region.figures.marks?["5"] ?? 0, 0.237, accuracy: 1e-9)
        XCTAssertEqual(region.figures.tasks?["3"] ?? 0, 0.7825, accuracy: 1e-9)
        XCTAssertEqual(region.figures.tasks?.count, 6)

        // Without the title lines between them, the tables are told apart by their headers.
        let bare = [marksTable, tasksTable].map { $0.split(separator: "\n").dropFirst().joined(separator: "\n") }
        XCTAssertEqual(try ReferenceTable.parse(bare.joined(separator: "\n"), spec: spec, level: .region), region)
        let russia = try ReferenceTable.parse(tasksTable + "\n" + marksTable, spec: spec, level: .russia)
        XCTAssertEqual(russia.rows, ["Вся выборка", "Вся выборка"])
        XCTAssertEqual(russia.figures.marks?["4"] ?? 0, 0.467, accuracy: 1e-9)
        XCTAssertEqual(russia.figures.tasks?["6"] ?? 0, 0.333, accuracy: 1e-9)
    }

    func testASingleRowAndSemicolons() throws {
        let parsed = try ReferenceTable.parse("2;3;4;5\nТомская обл.;0,05;0,3;0,45;0,2", spec: spec, level: .russia)
        XCTAssertEqual(parsed.figures.marks, ["2": 0.05, "3": 0.3, "4": 0.45, "5": 0.2], "fractions summing to 1 are kept as they are")
        XCTAssertNil(parsed.figures.tasks)
    }

    func testProblemsNameTheLine() {
        XCTAssertThrowsError(try ReferenceTable.parse("2\t3\t4\t5\nТомская обл.\t4\t27\t45\t3", spec: spec, level: .region)) {
            XCTAssertEqual("\($0)", "строка 2 («Томская обл.»): доли отметок в сумме 79, ожидается 100 %.")
        }
        XCTAssertThrowsError(try ReferenceTable.parse("1\t2\t3\nРегион\t90\t170\t80", spec: spec, level: .region)) {
            XCTAssertEqual("\($0)", "строка 2 («Регион»): выполнение задания 2 170 % — ожидается от 0 до 100.")
        }
        XCTAssertThrowsError(try ReferenceTable.parse("просто текст", spec: spec, level: .region)) {
            XCTAssertTrue("\($0)".contains("не найдена строка заголовка"))
        }
        XCTAssertThrowsError(try ReferenceTable.parse("2\t3\t4\t5\nВся выборка\t4\t27\t45\t24\nРФ\t4\t27\t45\t24", spec: spec, level: .region)) {
            XCTAssertTrue("\($0)".contains("нет строки с числами для уровня «Регион»"), "\($0)")
        }
    }

    /// The figures of a справка's sentences print as `%.2f` does, trailing zeros dropped, with a
    /// comma — worked out directly on the common path, checked here against the formatter itself on
    /// random figures, on hundredths, and on figures next to a half-hundredth.
    func testTwoDecimalsAsPrintfPrintsThem() {
        func printf(_ v: Double) -> String {
            var text = String(format: "%.2f", v)
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
            return text.replacingOccurrences(of: ".", with: ",")
        }
        var g = SplitMix64(seed: 11)
        var values: [Double] = [0, 0.005, 0.015, 0.125, 0.375, 1.005, 2.675, 99.995, 999_999.99, 1e6, 1e7 + 0.125, -0.004, -1.5, 0.1 + 0.2]
        for _ in 0..<20_000 { values.append(Double(g.next() % 1_000_000_000) / 1000) }
        for k in 0..<20_000 { values.append(Double(k) / 100); values.append(Double(k) / 200) }
        for _ in 0..<5_000 { let v = Double(g.next() % 100_000) / 100 + 0.005; values += [v, v.nextUp, v.nextDown] }
        for v in values { XCTAssertEqual(ReferenceTable.format(v), printf(v), "\(v)") }
        XCTAssertEqual(ReferenceTable.format(12), "12")
        XCTAssertEqual(ReferenceTable.format(0.5), "0,5")
        XCTAssertEqual(ReferenceTable.format(3.14159), "3,14")
        XCTAssertEqual(ReferenceTable.format(0.049), "0,05")
    }
}
