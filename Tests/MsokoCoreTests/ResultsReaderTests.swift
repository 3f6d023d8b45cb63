import Foundation
import XCTest
@testable import MsokoCore

final class ProcedureSpecTests: XCTestCase {
    let json = #"""
    {"type": "ВПР", "year": 2026, "subject": "Математика", "grade": 4,
     "tasks": [{"number": "1", "max": 1, "level": "Б", "requirements": [{"code": "1.1", "text": "Счёт"}]},
               {"number": "2", "max": 2, "level": "Б"},
               {"number": "3.1", "max": 1, "level": "П"},
               {"number": "3.2", "max": 2, "level": "В"}],
     "scale": {"3": 2, "4": 4, "5": 5},
     "reference": {"region": {"marks": {"2": 0.1, "3": 0.4, "4": 0.35, "5": 0.15}, "tasks": {"1": 0.9}}}}
    """#

    func testReadsASpecification() throws {
        let spec = try ProcedureSpec.read(data: Data(json.utf8), file: "spec.json")
        XCTAssertEqual(spec.tasks.map(\.number), ["1", "2", "3.1", "3.2"])
        XCTAssertEqual(spec.maxScore, 6)
        XCTAssertEqual(spec.scale?.mark(for: 1), 2)
        XCTAssertEqual(spec.scale?.mark(for: 4), 4)
        XCTAssertEqual(spec.scale?.mark(for: 6), 5)
        XCTAssertEqual(spec.tasks[3].level, .high)
        XCTAssertEqual(spec.reference?["region"]?.marks?["3"], 0.4)
    }

    func testCriteriaTasksAndLatinLookalikes() throws {
        let text = #"{"type":"ВПР","year":2026,"subject":"Русский язык","grade":5,"tasks":[{"number":"1K1","max":4,"level":"B"},{"number":"1К2","max":3,"level":"Б"}]}"#
        let spec = try ProcedureSpec.read(data: Data(text.utf8), file: "s.json")
        XCTAssertEqual(spec.tasks.map(\.number), ["1К1", "1К2"])
        XCTAssertEqual(spec.tasks[0].level, .high)
        XCTAssertNil(spec.scale)
    }

    func testProblemsNameTheField() {
        let bad = #"{"type":"ВПР","year":2026,"subject":"Математика","grade":14,"tasks":[{"number":"1","max":0,"level":"Б"},{"number":"1","max":2,"level":"Б"}],"scale":{"3":3,"4":2,"5":9}}"#
        XCTAssertThrowsError(try ProcedureSpec.read(data: Data(bad.utf8), file: "s.json")) { error in
            let text = "\(error)"
            for needle in ["«grade»", "tasks[0].max", "tasks[1].number: задание 1 повторяется", "«scale»: минимальные баллы должны возрастать", "больше максимального первичного балла 2"] {
                XCTAssertTrue(text.contains(needle), "\(needle) in \(text)")
            }
        }
        XCTAssertThrowsError(try ProcedureSpec.read(data: Data(#"{"type":"ВПР"}"#.utf8), file: "s.json")) { error in
            XCTAssertTrue("\(error)".contains("нет поля «year»"), "\(error)")
        }
        XCTAssertThrowsError(try ProcedureSpec.read(data: Data(#"{"type":"ВПР","year":2026,"subject":"М","grade":4,"tasks":[{"number":"1","max":1,"level":"Z"}]}"#.utf8), file: "s.json")) { error in
            XCTAssertTrue("\(error)".contains("tasks[0].level"), "\(error)")
        }
    }
}

/// The small mathematics specification the reader tests use.
let testSpec = ProcedureSpec(type: "ВПР", year: 2026, subject: "Математика", grade: 4, tasks: [
        TaskSpec(number: "1", max: 1, level: .basic), TaskSpec(number: "2", max: 2, level: .basic),
        TaskSpec(number: "3.1", max: 1, level: .advanced), TaskSpec(number: "3.2", max: 2, level: .high),
    ], scale: MarkScale(three: 2, four: 4, five: 5))

final class ResultsReaderTests: XCTestCase {
    let spec = testSpec

    let header = "ОО;Муниципалитет;Название ОО;Код участника;Класс;Вариант;Пол;1 (1б);2 (2б);3.1 (1б);3.2 (2б);Первичный балл;Отметка;Отметка по журналу"

    func csv(_ lines: [String], title: String = "ВПР 2026 Математика 4 класс", count: Int? = nil) -> Data {
        let meta = [title, "Кол-во участников: \(count ?? lines.count)", "Максимальный первичный балл: 6", "", ";;;;;;;Б;Б;П;В;;;"]
        return Data((meta + [header] + lines).joined(separator: "\r\n").utf8)
    }

    func read(_ data: Data, school: String? = nil) -> ResultsFile {
        ResultsReader.read(data: data, file: "results.csv", spec: spec, school: school)
    }

    func testReadsAMunicipalExport() {
        let r = read(csv([
            "edu700101;Зырянский район;МБОУ «Зырянская СОШ»;10001;4а;1;М;1;2;X;1;4;4;5",
            "edu700101;Зырянский район;МБОУ «Зырянская СОШ»;10002;4 А;2;Ж;0;Х;0;0;0;2;3",
            ";;;;;;;;;;;;;",
            "edu700102;Зырянский район;МОУ «Михайловская СОШ»;10001;4Б;1;М;1;2;1;2;6;5;",
        ]))
        XCTAssertEqual(r.problems, [])
        XCTAssertEqual(r.works.count, 3)
        XCTAssertEqual(r.title, "ВПР 2026 Математика 4 класс")
        XCTAssertEqual(r.schools, ["edu700101", "edu700102"])
        XCTAssertEqual(r.works[0].scores, [1, 2, WorkRecord.notDone, 1])
        XCTAssertEqual(r.works[0].className, "4А")
        XCTAssertEqual(r.works[1].className, "4А")
        XCTAssertEqual(r.works[1].scores[1], WorkRecord.notDone, "Cyrillic Х is not done too")
        XCTAssertEqual(r.works[0].row, 7)
        XCTAssertEqual(r.works[2].row, 10, "an empty row is skipped but still counts for row numbers")
        XCTAssertNil(r.works[2].journalMark)
        XCTAssertEqual(r.works[2].mark, 5)
        XCTAssertEqual(r.warnings.count, 1, "4 declared, 3 works")
    }

    func testEveryKindOfBadRowIsReportedWithItsRowAndColumn() {
        let r = read(csv([
            "edu700101;;;10001;4А;1;М;1;3;0;0;3;3;4",        // 7: score above max (task 2)
            "edu700101;;;10002;4А;1;М;1;-1;0;0;0;2;4",       // 8: negative
            "edu700101;;;10003;4А;1;М;1;два;0;0;1;2;4",      // 9: not a number
            "edu700101;;;10004;4А;1;М;1;;0;0;1;2;4",         // 10: empty task cell
            "edu700101;;;10005;4А;1;М;1;1;0;0;5;3;4",        // 11: primary score ≠ sum
            "edu700101;;;10006;4А;1;М;1;1;1;1;4;3;4",        // 12: mark ≠ scale
            "edu700101;;;10006;4А;1;М;0;0;0;0;0;2;4",        // 13: duplicate code in a school
            "edu700101;;;10008;4А;1;М;0;0;0;0;0;2;7",        // 14: journal mark not 2..5
        ]))
        let found = r.problems.map { "\($0.row ?? 0): \($0.message)" }
        let expected: [(Int, String)] = [
            (7, "балл 3 за задание 2 больше максимального (2)"), (8, "отрицательный балл -1 за задание 2"),
            (9, "«два» — не балл за задание 2"), (10, "пустая ячейка задания 2"),
            (11, "первичный балл 5 не равен сумме баллов за задания (2)"),
            (12, "отметка 3 не соответствует первичному баллу 4 по шкале перевода (должна быть 4)"),
            (13, "код участника 10006 уже встречался в этой школе"), (14, "«7» — не отметка по журналу"),
        ]
        for (row, text) in expected {
            XCTAssertTrue(found.contains { $0.hasPrefix("\(row): ") && $0.contains(text) }, "row \(row): \(text)\n\(found.joined(separator: "\n"))")
        }
        XCTAssertEqual(r.problems.count, expected.count)
        XCTAssertEqual(r.problems.first?.column, "2 (2б)")
        XCTAssertTrue(r.problems.first!.description.hasPrefix("results.csv, строка 7, столбец «2 (2б)»: балл 3"))
        XCTAssertFalse(r.isValid)
    }

    func testHeaderProblems() {
        let wrongMax = csv(["edu700101;;;1;4А;1;М;1;1;0;0;2;3;4"]).replacingHeader("2 (2б)", with: "2 (3б)")
        XCTAssertTrue(read(wrongMax).problems.contains { $0.message.contains("у задания 2 максимальный балл 3, а в спецификации — 2") })
        let missing = csv(["edu700101;;;1;4А;1;М;1;1;0;0;2;3;4"]).replacingHeader("3.2 (2б)", with: "Примечание")
        XCTAssertTrue(read(missing).problems.contains { $0.message.contains("нет столбца задания 3.2") })
        let extra = csv(["edu700101;;;1;4А;1;М;1;1;0;0;2;3;4"]).replacingHeader("3.2 (2б)", with: "9 (2б)")
        XCTAssertTrue(read(extra).problems.contains { $0.message.contains("задания 9 нет в спецификации") })
        let noClass = csv(["edu700101;;;1;4А;1;М;1;1;0;0;2;3;4"]).replacingHeader("Класс", with: "Группа")
        XCTAssertTrue(read(noClass).problems.contains { $0.message.contains("нет обязательного столбца «Класс»") })
        let subject = read(csv(["edu700101;;;1;4А;1;М;1;1;0;0;2;3;4"], title: "ВПР 2026 Русский язык 5 класс"))
        XCTAssertTrue(subject.problems.contains { $0.message.contains("предмет «Русский язык», а процедура — «Математика»") && $0.row == 1 })
        XCTAssertTrue(subject.problems.contains { $0.message.contains("5 класс, а процедура — для 4 класса") })
    }

    /// Issue 11: a missing column does not hide the row errors; the same problem on many rows is one
    /// entry with its rows counted; another school's rows in a school's file are one line.
    func testOnePassListsEverythingAndSummarisesRepeats() {
        let rows = ["edu700101;;;1;4А;1;М;1;3;0;0;2;3;4", "edu700101;;;2;4А;1;М;1;1;0;0;2;3;4"]
        let noColumn = read(csv(rows).replacingHeader("3.2 (2б)", with: "Примечание"))
        XCTAssertTrue(noColumn.problems.contains { $0.message.contains("нет столбца задания 3.2") })
        XCTAssertTrue(noColumn.problems.contains { $0.row == 7 && $0.message.contains("балл 3 за задание 2 больше максимального (2)") },
                      noColumn.problems.map(\.description).joined(separator: "\n"))
        XCTAssertTrue(noColumn.works.isEmpty)
        // A file of another subject stops at the title: its rows would only repeat that.
        let subject = read(csv(rows, title: "ВПР 2026 Русский язык 4 класс"))
        XCTAssertFalse(subject.problems.contains { $0.row == 7 })

        // The district's file uploaded by one school: 5 rows of another school, one problem.
        let district = (0..<5).map { "edu700102;;;\($0);4А;1;М;1;1;0;0;2;3;4" } + ["edu700101;;;9;4А;1;М;1;1;0;0;2;3;4"]
        let own = read(csv(district), school: "edu700101")
        let foreign = own.problems.filter { $0.message.contains("не относящихся к вашей ОО") }
        XCTAssertEqual(foreign.count, 1)
        XCTAssertEqual(foreign.first?.count, 5)
        XCTAssertTrue(foreign.first!.description.hasPrefix("results.csv, строки 7–11 (5\u{00A0}строк), столбец «ОО»"), foreign.first!.description)
        XCTAssertEqual(own.problems.count, 1, "the other school's cells are not checked")

        // Repeats on rows that are not consecutive: the rows listed.
        let gaps = read(csv(["edu700101;;;1;4А;1;М;1;;0;0;2;3;4", "edu700101;;;2;4А;1;М;1;1;0;0;2;3;4", "edu700101;;;3;4А;1;М;1;;0;0;2;3;4"]))
        XCTAssertEqual(gaps.problems.count, 1)
        XCTAssertTrue(gaps.problems[0].description.contains("строки 7, 9 (2\u{00A0}строки)"), gaps.problems[0].description)
    }

    /// A header over two rows (merged cells): the task numbers come from the second row; a data row
    /// under a one-row header is never taken for a second header row.
    func testHeaderOverTwoRows() {
        let text = "ОО;Код участника;Класс;Задания;;;\n;;;1 (1б);2 (2б);3.1 (1б);3.2 (2б)\nedu700101;1;4А;1;2;0;1\nedu700101;2;4А;0;1;1;2\n"
        let r = read(Data(text.utf8))
        XCTAssertEqual(r.problems, [])
        XCTAssertEqual(r.works.map(\.scores), [[1, 2, 0, 1], [0, 1, 1, 2]])
        XCTAssertEqual(r.works.first?.row, 3)
        let one = "ОО;Код участника;Класс;1;2;3.1;3.2;Примечание\nedu700101;1;4А;1;2;0;1;2\n"
        let single = read(Data(one.utf8))
        XCTAssertEqual(single.problems, [])
        XCTAssertEqual(single.works.count, 1)
    }

    /// Logins of other forms (`sch` + six digits) are accepted by default; the forms are a setting.
    func testLoginForms() {
        let sch = read(csv(["sch701000;;;1;4А;1;М;1;1;0;0;2;3;4"]))
        XCTAssertEqual(sch.problems, [])
        XCTAssertEqual(sch.works.first?.schoolLogin, "sch701000")
        let odd = read(csv(["school-7;;;1;4А;1;М;1;1;0;0;2;3;4"]))
        XCTAssertTrue(odd.problems.contains { $0.message.contains("«school-7» не похоже на логин школы в ФИС ОКО (ожидается вид edu000000 или sch000000 или spo000000") })
        guard case .success(let custom) = LoginPattern.parse("mou0000, edu000000") else { return XCTFail() }
        XCTAssertTrue(custom.accepts("MOU1234"))
        XCTAssertFalse(custom.accepts("sch701000"))
        let r = ResultsReader.read(data: csv(["mou1234;;;1;4А;1;М;1;1;0;0;2;3;4"]), file: "r.csv", spec: spec, logins: custom)
        XCTAssertEqual(r.problems, [])
        guard case .failure(let e) = LoginPattern.parse("edu"), case .failure = LoginPattern.parse(""), case .failure = LoginPattern.parse("эду000000") else { return XCTFail() }
        XCTAssertTrue(e.description.contains("«edu»"))
        XCTAssertEqual(LoginPattern(setting: nil), .standard)
    }

    func testFilesThatAreNotResults() {
        XCTAssertEqual(read(Data()).problems.first?.message, "файл пустой.")
        XCTAssertTrue(read(Data("%PDF-1.7 binary".utf8)).problems[0].message.contains("это не таблица"))
        XCTAssertTrue(read(Data([0x50, 0x4B, 3, 4, 20, 0, 0, 0])).problems[0].message.contains("XLSX"))
        XCTAssertTrue(read(Data("просто текст\nбез заголовка".utf8)).problems[0].message.contains("не найдена строка заголовка"))
        XCTAssertTrue(read(csv([])).problems[0].message.contains("нет ни одной работы"))
        let small = ResultsReader.read(data: Data(repeating: 65, count: 2000), file: "big.csv", spec: spec, limits: .init(maxFileBytes: 1000))
        XCTAssertTrue(small.problems[0].message.contains("больше допустимых"))
    }

    func testSingleSchoolFileAndSchoolScope() {
        let text = """
        ВПР 2026 Математика 4 класс
        МБОУ «Зырянская СОШ» (edu700101) | Кол-во участников: 1
        Код участника,Класс,Вариант,1 (1б),2 (2б),3.1(1 б.),3.2 (2б),Первичный балл,Отметка,Отметка по журналу,ФИО
        20001,4А,1,1,1,1,1,4,4,4,Иванов Иван
        """
        let r = read(Data(text.utf8))
        XCTAssertEqual(r.problems, [])
        XCTAssertEqual(r.works.first?.schoolLogin, "edu700101")
        XCTAssertEqual(r.works.first?.schoolName, "МБОУ «Зырянская СОШ»")
        XCTAssertTrue(r.warnings.contains { $0.message.contains("столбец с именами не читается") })
        // Uploaded as another school's file: every row is refused.
        let other = read(Data(text.utf8), school: "edu700102")
        XCTAssertTrue(other.problems.contains { $0.message.contains("строки школ, не относящихся к вашей ОО: файл загружается за школу edu700102") })
        // No school at all: refused unless the upload names it.
        let anonymous = text.replacingOccurrences(of: "МБОУ «Зырянская СОШ» (edu700101) | ", with: "")
        XCTAssertTrue(read(Data(anonymous.utf8)).problems.contains { $0.message.contains("не указана школа") })
        XCTAssertEqual(read(Data(anonymous.utf8), school: "edu700103").works.first?.schoolLogin, "edu700103")
    }

    func testWindows1251AndTabs() {
        let text = "Код участника\tКласс\t1\t2\t3.1\t3.2\n1\t4б\t1\t2\t1\t2\n"
        let bytes = text.unicodeScalars.map { s -> UInt8 in s.value >= 0x0410 && s.value <= 0x044F ? UInt8(s.value - 0x0410 + 0xC0) : UInt8(s.value) }
        let r = read(Data(bytes), school: "edu700101")
        XCTAssertEqual(r.problems, [])
        XCTAssertEqual(r.works.first?.className, "4Б")
        XCTAssertEqual(r.works.first?.mark, 5, "mark from the scale when the file has none")
    }

    func testTaskHeaderForms() {
        for (label, number, max) in [("1", "1", nil), ("9.1", "9.1", nil), ("1 (2б)", "1", 2), ("1(2 б.)", "1", 2), ("2К1 (1б)", "2К1", 1), ("2K2 (3б)", "2К2", 3), ("5.", "5", nil)] as [(String, String, Int?)] {
            let t = ResultsLayout.task(label)
            XCTAssertEqual(t?.0, number, label)
            XCTAssertEqual(t?.1, max, label)
        }
        XCTAssertNil(ResultsLayout.task("Класс"))
        XCTAssertNil(ResultsLayout.task("2026-04-22"))
    }

    func testTitleParsing() {
        XCTAssertEqual(Checker.title("ВПР 2026 Математика 4 класс")?.subject, "Математика")
        XCTAssertEqual(Checker.title("ВПР 2026 Русский язык 5 класс")?.grade, 5)
        XCTAssertEqual(Checker.title("ВПР 2026 Окружающий мир 4 кл.")?.subject, "Окружающий мир")
        XCTAssertNil(Checker.title("Кол-во участников: 12"))
    }

    /// The samples beside the project (format examples) read without problems.
    func testSharedSamples() throws {
        let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("shared/samples")
        guard FileManager.default.fileExists(atPath: dir.path) else { throw XCTSkip("shared/samples is not beside the project") }
        let math = try ProcedureSpec.read(data: Data(contentsOf: dir.appendingPathComponent("spec-math-4.json")), file: "spec-math-4.json")
        let municipal = ResultsReader.read(data: try Data(contentsOf: dir.appendingPathComponent("fisoko-municipal-sample.xlsx")), file: "m.xlsx", spec: math)
        XCTAssertEqual(municipal.problems, [])
        XCTAssertEqual(municipal.works.count, municipal.declaredParticipants)
        XCTAssertEqual(municipal.schools.count, 3)
        let russian = try ProcedureSpec.read(data: Data(contentsOf: dir.appendingPathComponent("spec-russian-5.json")), file: "spec-russian-5.json")
        let school = ResultsReader.read(data: try Data(contentsOf: dir.appendingPathComponent("fisoko-school-sample.xlsx")), file: "s.xlsx", spec: russian)
        XCTAssertEqual(school.problems, [])
        XCTAssertEqual(school.works.count, school.declaredParticipants)
        XCTAssertEqual(school.fileSchoolLogin, "edu700101")
        XCTAssertEqual(Set(school.works.map(\.className)), ["5А", "5Б"])
        XCTAssertNotNil(school.sheet)
    }
}

extension Data {
    func replacingHeader(_ old: String, with new: String) -> Data {
        Data(String(decoding: self, as: UTF8.self).replacingOccurrences(of: old, with: new).utf8)
    }
}

final class ResultsExportTests: XCTestCase {
    func testExportReadsBackUnchangedAsXLSXAndCSV() throws {
        let spec = testSpec
        var w1 = WorkRecord(schoolLogin: "edu700101", schoolName: "МБОУ «Зырянская СОШ»", code: "10001", className: "4А", variant: "1", gender: "М",
                            scores: [1, 2, WorkRecord.notDone, 1], primaryScore: 4, mark: 4, journalMark: 5, row: 7)
        w1.municipality = "Зырянский район"
        var w2 = WorkRecord(schoolLogin: "edu700102", schoolName: "Школа; с точкой с запятой", code: "007", className: "4Б", variant: nil, gender: nil,
                            scores: [0, 0, 0, 0], primaryScore: 0, mark: 2, journalMark: nil, row: 8)
        w2.municipality = "Зырянский район"
        let rows = [w1, w2].map { ResultsExport.Row(schoolLogin: $0.schoolLogin!, municipality: "Зырянский район", schoolName: $0.schoolName!, work: $0) }
        let files: [(Data, String)] = [(try ResultsExport.xlsx(spec: spec, rows: rows), "e.xlsx"), (ResultsExport.csv(spec: spec, rows: rows), "e.csv")]
        for (data, name) in files {
            let back = ResultsReader.read(data: data, file: name, spec: spec)
            XCTAssertEqual(back.problems, [], name)
            XCTAssertEqual(back.warnings, [], name)
            XCTAssertEqual(Array(back.works), [w1, w2], name)
            XCTAssertEqual(back.declaredParticipants, 2)
        }
    }
}

final class ResultsGeneratorTests: XCTestCase {
    func testSameSeedSameWorksAndTheyPassTheReader() {
        let plans = [ResultsGenerator.SchoolPlan(login: "edu700101", name: "Школа 1", municipality: "Район", ability: 0.8, classes: [("4А", 25), ("4Б", 20)]),
                     ResultsGenerator.SchoolPlan(login: "edu700102", name: "Школа 2", municipality: "Район", ability: -0.8, classes: [("4А", 30)])]
        let a = ResultsGenerator(spec: testSpec, seed: 7).rows(for: plans)
        let b = ResultsGenerator(spec: testSpec, seed: 7).rows(for: plans)
        XCTAssertEqual(a.map(\.work), b.map(\.work))
        XCTAssertNotEqual(a.map(\.work.scores), ResultsGenerator(spec: testSpec, seed: 8).rows(for: plans).map(\.work.scores))
        XCTAssertEqual(a.count, 75)
        let back = ResultsReader.read(data: ResultsExport.csv(spec: testSpec, rows: a), file: "g.csv", spec: testSpec)
        XCTAssertEqual(back.problems, [])
        // A stronger school scores higher on average; journal marks follow ability.
        func mean(_ login: String) -> Double {
            let s = a.filter { $0.schoolLogin == login }.map { Double($0.work.primaryScore) }
            return s.reduce(0, +) / Double(s.count)
        }
        XCTAssertGreaterThan(mean("edu700101"), mean("edu700102"))
        let agree = a.filter { abs(($0.work.journalMark ?? 0) - ($0.work.mark ?? 0)) <= 1 }.count
        XCTAssertGreaterThan(Double(agree) / Double(a.count), 0.7)
        XCTAssertTrue(a.contains { $0.work.scores.contains(WorkRecord.notDone) })
    }
}

final class CalendarRulesTests: XCTestCase {
    func entry(_ id: String, _ procedure: String, _ cls: String, _ day: Int, month: Int = 4, type: String = "ВПР") -> CalendarEntry {
        CalendarEntry(id: id, procedure: procedure, type: type, year: 2026, school: "edu700101", className: cls, date: LocalDate(year: 2026, month: month, day: day))
    }

    func testVPRWindowAndClashes() {
        let all = [entry("1", "ВПР Математика 4", "4А", 22), entry("2", "ВПР Русский язык 4", "4А", 22), entry("3", "ВПР Русский язык 4", "4Б", 22),
                   entry("4", "ВПР Окружающий мир 4", "4А", 15), entry("5", "ВГР Математика 4", "", 22, type: "ВГР"), entry("6", "ВПР Математика 5", "5А", 20, month: 5)]
        XCTAssertEqual(CalendarRules.warnings(for: all[0], among: all), [
            "в 4А 22.04.2026 уже проводится «ВПР Русский язык 4»", "в 4А 22.04.2026 уже проводится «ВГР Математика 4»",
        ])
        XCTAssertEqual(CalendarRules.warnings(for: all[3], among: all), ["дата 15.04.2026 вне периода ВПР (20.04.2026 – 20.05.2026)"])
        XCTAssertEqual(CalendarRules.warnings(for: all[5], among: all), [], "20 May is inside the window")
        XCTAssertEqual(CalendarRules.warnings(for: all[4], among: all).count, 3, "a whole-school date clashes with every class that day")
    }
}

/// Issue 11: a procedure's specification from a form, and from the header of a ФИС ОКО export.
final class SpecFormTests: XCTestCase {
    func filled() -> SpecForm {
        var f = SpecForm()
        (f.type, f.year, f.subject, f.grade, f.form) = ("ВПР", "2026", "Математика", "4", "paper")
        f.tasks = [
            .init(number: "1", max: "1", level: "Б", requirements: "1.1 Счёт в пределах 100\nУмение читать таблицы"),
            .init(number: "2k1", max: "2", level: "п"),
            .init(),
        ]
        (f.three, f.four, f.five) = ("1", "2", "3")
        return f
    }

    func testAFilledFormMakesTheSpecification() throws {
        let spec = try filled().spec().get()
        XCTAssertEqual(spec.tasks.map(\.number), ["1", "2К1"])
        XCTAssertEqual(spec.tasks.map(\.level), [.basic, .advanced])
        XCTAssertEqual(spec.tasks[0].requirements, [Requirement(code: "1.1", text: "Счёт в пределах 100"), Requirement(code: "", text: "Умение читать таблицы")])
        XCTAssertEqual(spec.scale, MarkScale(three: 1, four: 2, five: 3))
        XCTAssertEqual(spec.form, "paper")
        // And back: the form shows what was stored.
        XCTAssertEqual(SpecForm(spec: spec).tasks[0].requirements, "1.1 Счёт в пределах 100\nУмение читать таблицы")
        var noScale = filled()
        (noScale.three, noScale.four, noScale.five) = ("", "", "")
        XCTAssertNil(try noScale.spec().get().scale)
    }

    func testEveryProblemNamedByItsField() {
        var f = filled()
        f.year = "двадцать"
        f.grade = "12"
        f.subject = " "
        f.tasks = [.init(number: "1", max: "0", level: "Б"), .init(number: "1", max: "2", level: "Х"), .init(number: "а", max: "1")]
        f.four = ""
        guard case .failure(let e) = f.spec() else { return XCTFail("accepted") }
        let text = e.problems.joined(separator: "\n")
        for needle in ["«Год проведения»: «двадцать»", "«Класс»: «12»", "«Предмет»: не указан", "Задание в строке 1 (1): максимальный балл «0»",
                       "Задание в строке 2: задание 1 уже есть выше", "Задание в строке 2: уровень «Х»", "Задание в строке 3: номер «а»",
                       "«Шкала перевода»: укажите целые минимальные баллы"] {
            XCTAssertTrue(text.contains(needle), "\(needle)\n\(text)")
        }
        var empty = SpecForm()
        (empty.type, empty.year, empty.subject, empty.grade) = ("ВПР", "2026", "Математика", "4")
        guard case .failure(let none) = empty.spec() else { return XCTFail() }
        XCTAssertTrue(none.problems.contains("«Задания»: нет ни одного задания."))
        var high = filled()
        high.five = "9"
        guard case .failure(let scale) = high.spec() else { return XCTFail() }
        XCTAssertTrue(scale.problems[0].contains("балл на «5» (9) больше максимального первичного балла 3"))
    }

    func testStartedFromTheHeaderOfAnExport() throws {
        let rows: [[String]] = [
            ["ВПР 2026 Русский язык 5 класс"], ["МБОУ «Зырянская СОШ» (edu700101)"], [],
            ["", "", "", "Б", "Б", "П", "В", ""],
            ["Код участника", "Класс", "Вариант", "1К1 (3б)", "1К2 (2б)", "2 (1б)", "3", "Отметка"],
            ["10001", "5А", "1", "3", "2", "1", "2", "5"],
        ]
        let (f, notes) = try XCTUnwrap(SpecForm.fromResultsHeader(rows: rows))
        XCTAssertEqual([f.type, f.year, f.subject, f.grade], ["ВПР", "2026", "Русский язык", "5"])
        XCTAssertEqual(f.tasks.map(\.number), ["1К1", "1К2", "2", "3"])
        XCTAssertEqual(f.tasks.map(\.max), ["3", "2", "1", ""])
        XCTAssertEqual(f.tasks.map(\.level), ["Б", "Б", "П", "В"])
        XCTAssertTrue(notes.contains { $0.contains("у заданий 3 в заголовке нет максимального балла") })
        XCTAssertNil(SpecForm.fromResultsHeader(rows: [["просто"], ["таблица"]]))
    }
}
