import Foundation
import XCTest
@testable import MsokoCore

/// Every statistic of the analysis against figures worked out by hand on a small file.
final class ResultsAnalysisTests: XCTestCase {
    static let spec = ProcedureSpec(type: "ВПР", year: 2026, subject: "Математика", grade: 4, tasks: [
        TaskSpec(number: "1", max: 1, level: .basic, requirements: [Requirement(code: "R1", text: "Счёт")]),
        TaskSpec(number: "2", max: 2, level: .basic, requirements: [Requirement(code: "R1", text: "Счёт"), Requirement(code: "R2", text: "Задачи")]),
        TaskSpec(number: "3", max: 2, level: .advanced, requirements: [Requirement(code: "R2", text: "Задачи")]),
    ], scale: MarkScale(three: 2, four: 4, five: 5))

    // Primary scores 3, 1, 5, 3, 0 → marks 3, 2, 5, 3, 2; journal 4, 2, 3, none, 4.
    static let file = """
    ОО;Название ОО;Код участника;Класс;1;2;3;Отметка по журналу
    edu700101;Школа А;1;4А;1;2;X;4
    edu700101;Школа А;2;4 а;0;1;0;2
    edu700101;Школа А;3;4Б;1;2;2;3
    edu700102;Школа Б;1;4А;1;1;1;
    edu700102;Школа Б;2;4А;0;0;0;4
    """

    func analysis() -> ResultsAnalysis {
        let r = ResultsReader.read(data: Data(Self.file.utf8), file: "r.csv", spec: Self.spec)
        XCTAssertEqual(r.problems, [])
        return ResultsAnalysis.analyze(r.works, spec: Self.spec, enrolment: ["edu700101": ["4А": 4, "4Б": 2]])
    }

    func testDistrictFigures() {
        let a = analysis()
        XCTAssertEqual(a.groups.map { "\($0.level.rawValue) \($0.school ?? "-") \($0.className ?? "-")" },
                       ["district - -", "school edu700101 -", "class edu700101 4А", "class edu700101 4Б", "school edu700102 -", "class edu700102 4А"])
        let d = a.district
        XCTAssertEqual(d.participants, 5)
        XCTAssertEqual(d.marks, [2, 2, 0, 1])
        XCTAssertEqual(d.meanPrimaryScore, 2.4)
        XCTAssertEqual(d.meanMark, 3.0)
        XCTAssertEqual(d.passRate, 0.6)
        XCTAssertEqual(d.qualityRate, 0.2)
        XCTAssertEqual(d.taskCompletion(0, max: 1), 0.6)
        XCTAssertEqual(d.taskCompletion(1, max: 2), 0.6)
        XCTAssertEqual(d.taskCompletion(2, max: 2), 0.3, "X counts 0 points")
        XCTAssertEqual(d.histogram, [1, 1, 0, 2, 0, 1])
        XCTAssertEqual([d.journalLower, d.journalSame, d.journalHigher, d.journalGapTwoOrMore], [2, 1, 1, 2])
        XCTAssertEqual(d.smallGroup, .suppressed)
        XCTAssertEqual(d.taskCompletion(1, max: 2, mark: 2), 0.25)
        XCTAssertEqual(d.taskCompletion(0, max: 1, mark: 4), nil, "nobody got a 4")
        // Each mark's own row of the table (one array for the four marks): «3» is works 1 and 4.
        XCTAssertEqual((0..<3).map { d.taskCompletion($0, max: [1, 2, 2][$0], mark: 3) }, [1.0, 0.75, 0.25])
        XCTAssertEqual((0..<3).map { d.taskCompletion($0, max: [1, 2, 2][$0], mark: 2) }, [0.0, 0.25, 0.0])
        let req = a.requirements(d)
        XCTAssertEqual(req.map(\.code), ["R1", "R2"])
        XCTAssertEqual(req.map(\.completion), [0.6, 0.45])
        XCTAssertNil(d.enrolled, "the district's enrolment is known only when every school's is")
    }

    /// Without the points by mark (`msoko analyze`'s JSON without `--details`): every other figure
    /// the same, on one thread and on three, in 32 and 64 bits, and the JSON without details the same bytes.
    func testTheAnalysisWithoutPointsByMarkKeepsEveryOtherFigure() {
        let r = ResultsReader.read(data: Data(Self.file.utf8), file: "r.csv", spec: Self.spec)
        let full = analysis()
        for (threads, wide) in [(1, false), (3, false), (2, true)] {
            let lean = ResultsAnalysis.analyze(r.works, spec: Self.spec, enrolment: ["edu700101": ["4А": 4, "4Б": 2]], threads: threads, wideCounts: wide, byMark: false)
            XCTAssertEqual(lean.groups.map(\.taskPointsByMark), Array(repeating: [], count: full.groups.count))
            var withoutByMark = full.groups
            for k in withoutByMark.indices { withoutByMark[k].taskPointsByMark = [] }
            XCTAssertEqual(lean.groups, withoutByMark, "threads \(threads), wide \(wide)")
            XCTAssertEqual(AnalysisJSON.data(lean, details: false), AnalysisJSON.data(full, details: false))
        }
        XCTAssertNotEqual(full.district.taskPointsByMark, [], "the pages and documents still get them")
    }

    /// A school's classes in the order a person reads them: «9А» before «10А», «6Б» before «6В»,
    /// whatever order the file gives them in (each distinct name compared once).
    func testClassesComeInNaturalOrder() {
        let rows = ["10А", "6В", "9А", "6Б", "10Б", "6б", "11А"].enumerated().map { "edu700101;Школа А;\($0.offset + 1);\($0.element);1;1;1;" }
        let file = "ОО;Название ОО;Код участника;Класс;1;2;3;Отметка по журналу\n" + rows.joined(separator: "\n")
        let r = ResultsReader.read(data: Data(file.utf8), file: "r.csv", spec: Self.spec)
        XCTAssertEqual(r.problems, [])
        for threads in [1, 2] {
            let a = ResultsAnalysis.analyze(r.works, spec: Self.spec, threads: threads)
            XCTAssertEqual(a.groups.compactMap(\.className), ["6Б", "6В", "9А", "10А", "10Б", "11А"], "«6б» is class 6Б")
        }
    }

    func testSchoolAndClassFigures() {
        let a = analysis()
        let s = a.school("edu700101")!
        XCTAssertEqual(s.schoolName, "Школа А")
        XCTAssertEqual(s.participants, 3)
        XCTAssertEqual(s.marks, [1, 1, 0, 1])
        XCTAssertEqual(s.meanPrimaryScore, 3)
        XCTAssertEqual(s.taskCompletion(0, max: 1), 2.0 / 3.0)
        XCTAssertEqual(s.taskCompletion(1, max: 2), 5.0 / 6.0)
        XCTAssertEqual(s.taskCompletion(2, max: 2), 2.0 / 6.0)
        XCTAssertEqual([s.journalLower, s.journalSame, s.journalHigher, s.journalGapTwoOrMore], [1, 1, 1, 1])
        XCTAssertEqual(s.enrolled, 6)
        XCTAssertEqual(s.participation, 0.5)
        let a4 = a.group(school: "edu700101", className: "4А")!
        XCTAssertEqual(a4.participants, 2, "«4 а» is class 4А")
        XCTAssertEqual(a4.enrolled, 4)
        let b4 = a.group(school: "edu700101", className: "4Б")!
        XCTAssertEqual(b4.taskCompletion(2, max: 2), 1)
        let other = a.school("edu700102")!
        XCTAssertEqual(other.taskCompletion(1, max: 2), 0.25)
        XCTAssertEqual(other.journalCompared, 1, "a work without a journal mark is not compared")
    }

    func testEnrolmentFromAColumnOfTheFile() {
        let text = """
        ОО;Код участника;Класс;1;2;3;Обучающихся в классе
        edu700101;1;4А;1;2;1;30
        edu700101;2;4А;0;1;0;30
        edu700101;3;4Б;1;2;2;25
        """
        let r = ResultsReader.read(data: Data(text.utf8), file: "r.csv", spec: Self.spec)
        XCTAssertEqual(r.problems, [])
        XCTAssertEqual(r.enrolment, ["edu700101": ["4А": 30, "4Б": 25]])
        let a = ResultsAnalysis.analyze(r.works, spec: Self.spec, enrolment: r.enrolment)
        XCTAssertEqual(a.group(school: "edu700101", className: "4А")?.participation, 2.0 / 30.0)
        let bad = ResultsReader.read(data: Data((text + "\nedu700101;4;4А;1;1;1;31").utf8), file: "r.csv", spec: Self.spec)
        XCTAssertEqual(bad.problems.map(\.description), ["r.csv, строка 5, столбец «Обучающихся в классе»: в классе 4А уже указано обучающихся: 30, здесь — 31."])
        // Right under a row of the same class (which the reader does not look up again when the number is the same).
        let next = ResultsReader.read(data: Data((text + "\nedu700101;5;4Б;1;1;1;26\nedu700101;6;4Б;1;1;1;25\nedu700101;7;4Б;1;1;1;0").utf8), file: "r.csv", spec: Self.spec)
        XCTAssertEqual(next.problems.map(\.description), ["r.csv, строка 5, столбец «Обучающихся в классе»: в классе 4Б уже указано обучающихся: 25, здесь — 26.",
                                                            "r.csv, строка 7, столбец «Обучающихся в классе»: «0» — не число обучающихся в классе (от 1 до 100)."])
        XCTAssertEqual(next.enrolment, ["edu700101": ["4А": 30, "4Б": 25]])
    }

    func testMasteryThresholds() {
        XCTAssertEqual(Mastery(completion: 0.6, level: .basic), .mastered)
        XCTAssertEqual(Mastery(completion: 0.57, level: .basic), .borderline)
        XCTAssertEqual(Mastery(completion: 0.5699, level: .basic), .notMastered)
        XCTAssertEqual(Mastery(completion: 0.3, level: .advanced), .mastered)
        XCTAssertEqual(Mastery(completion: 0.285, level: .high), .borderline)
        XCTAssertEqual(Mastery(completion: 0.28, level: .advanced), .notMastered)
    }

    func testJSONCarriesFullFiguresAndTablesApplySmallGroupRules() throws {
        let a = analysis()
        let json = try JSONSerialization.jsonObject(with: AnalysisJSON.data(a)) as! [String: Any]
        XCTAssertEqual((json["procedure"] as! [String: Any])["subject"] as? String, "Математика")
        let groups = json["groups"] as! [[String: Any]]
        XCTAssertEqual(groups.count, 6)
        let d = groups[0]
        XCTAssertEqual(d["level"] as? String, "district")
        XCTAssert(d["school"] is NSNull)
        XCTAssertEqual(d["marks"] as? [String: Int], ["2": 2, "3": 2, "4": 0, "5": 1])
        XCTAssertEqual(d["meanPrimaryScore"] as? Double, 2.4)
        XCTAssertEqual(d["taskCompletion"] as? [String: Double], ["1": 0.6, "2": 0.6, "3": 0.3])
        XCTAssertEqual(d["scoreHistogram"] as? [String: Int], ["0": 1, "1": 1, "3": 2, "5": 1])
        XCTAssertEqual(d["journal"] as? [String: Int], ["lower": 2, "same": 1, "higher": 1, "gapTwoOrMore": 2])
        XCTAssertEqual(d["smallGroup"] as? String, "suppressed")
        XCTAssertEqual(groups[2]["class"] as? String, "4А")
        XCTAssertEqual(groups[2]["school"] as? String, "edu700101")
        // Planned results: R1 is tasks 1 and 2 (3 points a work), R2 tasks 2 and 3 (4 points); every
        // group's as the pages compute them.
        XCTAssertEqual(d["requirements"] as? [String: Double], ["R1": 0.6, "R2": 0.45])
        for (k, g) in groups.enumerated() {
            let expected = Dictionary(uniqueKeysWithValues: a.requirements(a.groups[k]).map { ($0.code, $0.completion) })
            let written = try XCTUnwrap(g["requirements"] as? [String: Any])
            XCTAssertEqual(Set(written.keys), Set(expected.keys))
            // (Within 10⁻¹²: Foundation's JSON parser on Linux may read the shortest digits one ulp off.)
            for (code, value) in written {
                if let e = expected[code] ?? nil { XCTAssertEqual(try XCTUnwrap(value as? Double), e, accuracy: 1e-12, "group \(k), \(code)") } else { XCTAssert(value is NSNull, "group \(k), \(code)") }
            }
        }

        // Pages and documents: no percentages for a group under 10.
        let marks = AnalysisTables.marksCompact([a.district], a)
        XCTAssertEqual(marks.rows[0][2], .text("2"))
        XCTAssertEqual(marks.rows[0][6], .text("—"))
    }

    func testDoublesAreWrittenAsDescriptionWritesThem() {
        // The JSON's numbers are `Double.description`'s shortest digits, written without a String:
        // shares of every size, tiny and huge values (the exponent forms), negative zero, integers.
        var values: [Double] = [0.1, 1.0 / 3, 2.5, -0.0, 1e-5, 0.0001, 1e15, 1e16, 123_456_789_012_345_680, .leastNonzeroMagnitude, 1e300, -7.25, 42]
        var rng = SplitMix64(seed: 11)
        for _ in 0..<20_000 {
            let n = Int(rng.next() % 40) + 1
            values.append(Double(rng.next() % UInt64(n + 1)) / Double(n))
            values.append(Double(bitPattern: rng.next() >> 1) * (rng.next() % 2 == 0 ? 1 : -1))
        }
        var w = AnalysisJSON.Writer()
        var expected: [UInt8] = []
        // Twice over: the second time most texts come from the writer's cache of recent doubles
        // (a thousand slots for 40 000 values: slots taken over by other values too).
        for v in values + values where v.isFinite {
            w.double(v)
            w.raw(",")
            if v == v.rounded() && abs(v) < 1e15 { expected += Array(String(Int(v)).utf8) } else { expected += Array(v.description.utf8) }
            expected.append(0x2C)
        }
        XCTAssertEqual(String(decoding: w.bytes, as: UTF8.self), String(decoding: expected, as: UTF8.self))
    }

    /// A sign's z to three decimals, written from its thousandths: the same bytes as the shortest
    /// digits of the rounded double — halves, negatives, whole numbers, negative zero, every size up
    /// to past where the shortcut stops, and the non-finite.
    func testThousandthsAreWrittenAsDoubleWritesThem() {
        var values: [Double] = [0, -0.0, 0.0004, -0.0004, 0.0005, -0.0005, 0.001, 0.01, 0.1, 1, -1, 2.5, -38, -9.9, 0.1005, 1.2345,
                                999_999_999.9994, 999_999_999.9996, 1e9 + 0.5, 1e12, 2e12 + 0.25, -3e13, 1e300, .infinity, -.infinity, .nan]
        var rng = SplitMix64(seed: 5)
        for _ in 0..<50_000 {
            let scale = [1.0, 10, 100, 1e4, 1e6, 1e9, 1e11][Int(rng.next() % 7)]
            let v = (Double(rng.next() >> 11) / Double(1 << 53) - 0.5) * 2 * scale
            values += [v, (v * 1000).rounded() / 1000, ((v * 1000).rounded() + 0.5) / 1000]
        }
        var fast = AnalysisJSON.Writer(), slow = AnalysisJSON.Writer()
        for v in values {
            fast.thousandths(v); fast.raw(",")
            slow.double((v * 1000).rounded() / 1000); slow.raw(",")
        }
        XCTAssertEqual(String(decoding: fast.bytes, as: UTF8.self), String(decoding: slow.bytes, as: UTF8.self))
    }

    func testTheWriterEscapesTextsAndGrows() throws {
        // Texts that need escapes, Cyrillic, an empty one and one longer than the writer's memory,
        // read back by a JSON parser; the pieces around them where they were put.
        let texts = ["МБОУ «СОШ №1» \"Гимназия\"", "a\\b", "строка\nвторая\tтаб\r", "\u{01}\u{1F}", "", String(repeating: "Я", count: 5000)]
        var w = AnalysisJSON.Writer(capacity: 16)
        w.raw("[")
        for (k, t) in texts.enumerated() {
            if k > 0 { w.raw(",") }
            w.string(t)
            w.raw(","); w.int(-k * 1_000_000_007); w.raw(","); w.int(Int.min); w.raw(","); w.double(nil)
        }
        w.raw("]")
        let parsed = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(w.bytes)) as? [Any])
        XCTAssertEqual(parsed.count, texts.count * 4)
        for (k, t) in texts.enumerated() {
            XCTAssertEqual(parsed[k * 4] as? String, t)
            XCTAssertEqual((parsed[k * 4 + 1] as? NSNumber)?.int64Value, Int64(-k * 1_000_000_007))
            XCTAssertEqual((parsed[k * 4 + 2] as? NSNumber)?.int64Value, Int64.min)
            XCTAssertTrue(parsed[k * 4 + 3] is NSNull)
        }
        // Flushed to a sink: what was written goes out once, and the writer starts again.
        var out: [UInt8] = []
        let written = w.bytes
        w.sink = { out.append(contentsOf: $0) }
        w.flush()
        w.raw("x")
        XCTAssertEqual(out, written)
        XCTAssertEqual(w.bytes, Array("x".utf8))
    }

    func testTablesForALargeEnoughGroup() {
        // 20 works of one class: shares shown, the caution gone.
        let rows = (1...20).map { "edu700101;Школа А;\($0);4А;1;\($0 % 3);\($0 % 2 == 0 ? "X" : "1");" }
        let text = "ОО;Название ОО;Код участника;Класс;1;2;3;Отметка по журналу\n" + rows.joined(separator: "\n")
        let r = ResultsReader.read(data: Data(text.utf8), file: "r.csv", spec: Self.spec)
        let a = ResultsAnalysis.analyze(r.works, spec: Self.spec)
        XCTAssertNil(a.district.smallGroup)
        let tasks = AnalysisTables.tasks([a.district], a)
        XCTAssertEqual(tasks.rows[0][3], .percent(1))
        XCTAssertEqual(tasks.rows[0].last, .text("освоено"))
        // Task 3: ten works with 1 point of 2 → 25 %, below 28.5 % for П.
        XCTAssertEqual(tasks.rows[2][3], .percent(0.25))
        XCTAssertEqual(tasks.rows[2].last, .text("не освоено"))
    }

    func testAnalyticalReportOpensAsADocxWithCharts() throws {
        let a = analysis()
        let data = try AnalyticalReport.district(a, context: AnalyticalReport.Context(territory: "Зырянский район")).data()
        let archive = try Archive(data: data, accessMode: .read)
        XCTAssertNotNil(archive["word/charts/chart1.xml"])
        XCTAssertNotNil(archive["word/document.xml"])
        let school = try XCTUnwrap(AnalyticalReport.school(a, school: "edu700101", context: AnalyticalReport.Context()))
        XCTAssertEqual(school.title, "Аналитическая справка: ВПР 2026 по предмету «Математика», 4 класс")
    }
}

import ZIPFoundation
