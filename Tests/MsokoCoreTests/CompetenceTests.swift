import XCTest
@testable import MsokoCore

/// Staff and courses (issue 16 §3): the three-year cycle, the staff list, coverage.
final class CompetenceTests: XCTestCase {
    func d(_ iso: String) -> LocalDate { LocalDate(iso: iso)! }

    func testTheNextCourseIsDueThreeYearsAfterTheLastOneEnded() {
        XCTAssertEqual(CourseCycle.nextDue(after: d("2023-05-12")), d("2026-05-12"))
        // 29 February: three years later has no 29 February, so the 28th.
        XCTAssertEqual(CourseCycle.nextDue(after: d("2024-02-29")), d("2027-02-28"))
        XCTAssertEqual(CourseCycle.nextDue(after: d("2023-12-31")), d("2026-12-31"))
        // Six months ahead of 31 August is the last day of February (a leap year's 29th).
        XCTAssertEqual(CourseCycle.adding(months: 6, to: d("2027-08-31")), d("2028-02-29"))
        XCTAssertEqual(CourseCycle.adding(months: 6, to: d("2026-08-31")), d("2027-02-28"))
        XCTAssertEqual(CourseCycle.adding(months: 6, to: d("2026-10-15")), d("2027-04-15"))
    }

    func testStatusIsCurrentDueOverdueOrNone() {
        let today = d("2026-01-20")
        XCTAssertEqual(CourseCycle.status(lastEnd: nil, today: today), .none)
        // Due on 20 July 2026: exactly six months ahead — due; a day later — still current.
        XCTAssertEqual(CourseCycle.status(lastEnd: d("2023-07-20"), today: today), .due)
        XCTAssertEqual(CourseCycle.status(lastEnd: d("2023-07-21"), today: today), .current)
        // Due today: not yet past — due; due yesterday — overdue.
        XCTAssertEqual(CourseCycle.status(lastEnd: d("2023-01-20"), today: today), .due)
        XCTAssertEqual(CourseCycle.status(lastEnd: d("2023-01-19"), today: today), .overdue)
        // The 29 February course: due 28 February 2027; overdue from 1 March 2027.
        XCTAssertEqual(CourseCycle.status(lastEnd: d("2024-02-29"), today: d("2027-02-28")), .due)
        XCTAssertEqual(CourseCycle.status(lastEnd: d("2024-02-29"), today: d("2027-03-01")), .overdue)
        XCTAssertEqual(CourseCycle.status(lastEnd: d("2024-02-29"), today: d("2026-08-27")), .current)
        XCTAssertEqual(CourseCycle.status(lastEnd: d("2024-02-29"), today: d("2026-08-28")), .due)
    }

    func testCoverageCountsPeopleWithACourseStillInItsThreeYears() {
        let today = d("2026-01-20")
        let people = [
            CourseCoverage.Person(courses: [(d("2025-05-01"), .assessmentCompetence, .state, 36), (d("2024-03-01"), .deficits, .municipal, 24)]),
            CourseCoverage.Person(courses: [(d("2023-07-01"), .effectiveSchool, .other, 72)]),
            CourseCoverage.Person(courses: [(d("2022-12-01"), .assessmentCompetence, .state, 36)]),
            CourseCoverage.Person(courses: []),
        ]
        let c = CourseCoverage(people, today: today)
        XCTAssertEqual(c.staff, 4)
        XCTAssertEqual(c.covered, 2)
        XCTAssertEqual(c.due, 1)
        XCTAssertEqual(c.overdue, 1)
        XCTAssertEqual(c.none, 1)
        XCTAssertEqual(c.byDirection, [.assessmentCompetence: 1, .deficits: 1, .effectiveSchool: 1])
        XCTAssertEqual(c.courses, 3)
        XCTAssertEqual(c.hours, 132)
        XCTAssertEqual(c.publicProvider, 2)
        XCTAssertEqual(c.coveredShare, 0.5)
        XCTAssertNil(CourseCoverage([], today: today).coveredShare)
    }

    func testPositionsFallIntoCategories() {
        XCTAssertEqual(StaffCategory.of(position: "учитель математики", inDepartment: false), .teacher)
        XCTAssertEqual(StaffCategory.of(position: "Заместитель директора по УВР", inDepartment: false), .deputy)
        XCTAssertEqual(StaffCategory.of(position: "зам. директора", inDepartment: false), .deputy)
        XCTAssertEqual(StaffCategory.of(position: "Директор", inDepartment: false), .head)
        XCTAssertEqual(StaffCategory.of(position: "педагог-психолог", inDepartment: false), .teacher)
        XCTAssertEqual(StaffCategory.of(position: "главный специалист", inDepartment: true), .specialist)
        XCTAssertEqual(StaffCategory.of(position: "библиотекарь", inDepartment: false), .other)
    }

    func testAGoodStaffListIsRead() {
        let rows = [
            ["Список работников на 01.09.2025"],
            [],
            ["№", "ФИО", "Должность", "ОО", "Предметы"],
            ["1", "  Иванова   Анна Петровна ", "учитель математики", "edu700101", "Математика, Информатика; математика"],
            ["2", "Петров-Водкин К. С.", "директор", "МБОУ «Зырянская СОШ»", ""],
            ["", "", "", "", ""],
            ["3", "Самойлова Анна Леонидовна", "главный специалист", "", ""],
        ]
        let r = StaffListReader.read(rows: rows, file: "кадры.xlsx")
        XCTAssertEqual(r.problems, [])
        XCTAssertTrue(r.hasSchoolColumn)
        XCTAssertEqual(r.records.map(\.name), ["Иванова Анна Петровна", "Петров-Водкин К. С.", "Самойлова Анна Леонидовна"])
        XCTAssertEqual(r.records[0].subjects, ["Математика", "Информатика"])
        XCTAssertEqual(r.records.map(\.row), [4, 5, 7])
        XCTAssertEqual(r.records[2].school, "")
        // The header as other lists spell it.
        let other = StaffListReader.read(rows: [["Фамилия, имя, отчество", "Должность", "Логин ОО", "Преподаваемые предметы"], ["Орлов Иван Ильич", "учитель", "edu700102", "Физика"]], file: "s.csv")
        XCTAssertEqual(other.problems, [])
        XCTAssertEqual(other.records.first?.school, "edu700102")
    }

    func testABrokenStaffListNamesEveryRowAndColumnAtOnce() {
        let rows = [
            ["ФИО", "Должность", "ОО", "Предметы"],
            ["", "учитель", "edu700101", ""],
            ["Иванова123", "учитель", "edu700101", ""],
            ["Иванова Анна Петровна", "", "edu700101", ""],
            ["Петрова Ольга Ивановна", "учитель", "edu700101", String(repeating: "Я", count: 120)],
            ["Сидоров Пётр Петрович", "учитель", "edu700101", "Физика"],
            ["сидоров  пётр петрович", "учитель физики", "EDU700101", ""],
        ]
        let r = StaffListReader.read(rows: rows, file: "кадры.csv")
        XCTAssertEqual(r.problems.map { "\($0.row ?? 0) \($0.column ?? "")" }, ["2 ФИО", "3 ФИО", "4 Должность", "5 Предметы", "7 ФИО"])
        XCTAssertTrue(r.problems[4].description.contains("уже есть в строке 6"), r.problems[4].description)
        XCTAssertTrue(r.problems[0].description.hasPrefix("кадры.csv, строка 2, столбец «ФИО»"), r.problems[0].description)
        let noHeader = StaffListReader.read(rows: [["Фамилия", "Имя"], ["Иванова", "Анна"]], file: "x.xlsx")
        XCTAssertEqual(noHeader.records, [])
        XCTAssertEqual(noHeader.problems.count, 1)
        XCTAssertTrue(noHeader.problems[0].description.contains("«ФИО», «Должность»"))
        let empty = StaffListReader.read(rows: [["ФИО", "Должность"]], file: "x.xlsx")
        XCTAssertEqual(empty.problems.map(\.message), ["в файле нет ни одного работника."])
        XCTAssertFalse(empty.hasSchoolColumn)
    }
}

/// The library of recommendations (issue 16 §1): codes and grades as typed, what answers a gap.
final class RecommendationMatchTests: XCTestCase {
    func testCodesAndGradesAreReadAsTypedWithEveryProblemNamed() {
        XCTAssertEqual(RecommendationMatch.codes("1.2, 4.1.3; 1.2\nПР5.1").codes, ["1.2", "4.1.3", "ПР5.1"])
        XCTAssertEqual(RecommendationMatch.codes("").codes, [])
        let bad = RecommendationMatch.codes("1.2, <b>, задачи")
        XCTAssertEqual(bad.codes, ["1.2"])
        XCTAssertEqual(bad.problems.count, 2)
        XCTAssertEqual(RecommendationMatch.grades("4, 5").grades, [4, 5])
        XCTAssertEqual(RecommendationMatch.grades("5–7; 10").grades, [5, 6, 7, 10])
        XCTAssertEqual(RecommendationMatch.grades("12, 3-1, x").problems.count, 3)
    }

    func testARecommendationAnswersAGapByItsCodeFirst() {
        func score(_ subject: String, _ grades: [Int], _ codes: [String], _ code: String, grade: Int = 4, gapSubject: String = "Математика") -> Int? {
            RecommendationMatch.score(subject: subject, grades: grades, codes: codes, gapSubject: gapSubject, grade: grade, code: code)
        }
        XCTAssertEqual(score("Математика", [4], ["4.3", "4.10"], "4.10"), 3)
        XCTAssertEqual(score("математика ", [], ["4"], "4.10"), 2, "a broader code; subject spelled otherwise")
        XCTAssertNil(score("Математика", [], ["4.1"], "4.10"), "4.1 is not a part of 4.10")
        XCTAssertEqual(score("Математика", [4, 5], [], "4.10"), 1, "general for the subject and grade")
        XCTAssertNil(score("Математика", [5], ["4.10"], "4.10"), "another grade")
        XCTAssertNil(score("Русский язык", [4], ["4.10"], "4.10"), "another subject")
    }
}

/// A seminar's effect (issue 16 §2): the discrepancy on its tasks before and after.
final class SeminarEffectTests: XCTestCase {
    func testTheDiscrepancyOnTheSeminarsTasksIsComparedByTaskNumber() {
        let a = ProcedureSpec(type: "ВПР", year: 2025, subject: "Математика", grade: 4, tasks: [TaskSpec(number: "1", max: 1, level: .basic), TaskSpec(number: "8", max: 2, level: .advanced)], scale: MarkScale(three: 1, four: 2, five: 3))
        // The next year's specification puts task 8 elsewhere and has no task 1.
        let b = ProcedureSpec(type: "ВПР", year: 2025, subject: "Математика", grade: 4, tasks: [TaskSpec(number: "8", max: 2, level: .advanced), TaskSpec(number: "9", max: 1, level: .basic)], scale: MarkScale(three: 1, four: 2, five: 3))
        let before: [(school: [UInt8], commission: [UInt8])] = [([1, 2], [1, 1]), ([0, 2], [0, 0]), ([1, 1], [1, 1]), ([1, WorkRecord.notDone], [1, 0])]
        let after: [(school: [UInt8], commission: [UInt8])] = [([2, 1], [2, 1]), ([1, 0], [2, 0]), ([2, 1], [2, 1]), ([0, 0], [0, 0])]
        let c = SeminarEffect.compare(tasks: SeminarEffect.tasks("8, 1; 8"), before: (a, before), after: (b, after))
        XCTAssertEqual(c.map(\.number), ["8", "1"])
        XCTAssertEqual(c[0].before, SeminarEffect.Figures(works: 4, meanDifference: 0.75, meanAbsolute: 0.75, discrepantShare: 0.5))
        XCTAssertEqual(c[0].after, SeminarEffect.Figures(works: 4, meanDifference: -0.25, meanAbsolute: 0.25, discrepantShare: 0.25))
        XCTAssertEqual(c[0].verdict(), .smaller)
        XCTAssertNil(c[1].after, "task 1 is not in the next re-check")
        XCTAssertNil(c[1].verdict())
        XCTAssertEqual(SeminarEffect.compare(tasks: ["8"], before: (a, before), after: nil)[0].verdict(), nil)
        let same = SeminarEffect.TaskChange(number: "8", before: .init(works: 1, meanDifference: 0.5, meanAbsolute: 0.5, discrepantShare: 0.5),
                                            after: .init(works: 1, meanDifference: 0.52, meanAbsolute: 0.52, discrepantShare: 0.5))
        XCTAssertEqual(same.verdict(), .same)
    }
}

/// Needs of subject teams (issue 16 §3): drawn from the re-check and the gaps, small teams rolled up.
final class CompetenceNeedsTests: XCTestCase {
    func testNeedsBelongToTeamsAndTeamsUnderThreeRollIntoTheDistrict() {
        let e = [
            CompetenceNeeds.Evidence(school: "edu1", subject: "Математика", team: 3, systemic: ["4.3"], rescored: 4, discrepant: 2, typicalTasks: [], covered: [.deficits: 1]),
            CompetenceNeeds.Evidence(school: "edu2", subject: "Математика", team: 5, systemic: [], rescored: 10, discrepant: 2, typicalTasks: [], covered: [:]),
            CompetenceNeeds.Evidence(school: "edu3", subject: "Математика", team: 2, systemic: ["4.8"], rescored: 2, discrepant: 2, typicalTasks: ["8"], covered: [.assessmentCompetence: 1]),
            CompetenceNeeds.Evidence(school: "edu4", subject: "математика", team: 1, systemic: ["4.8", "4.9"], rescored: 2, discrepant: 0, typicalTasks: [], covered: [:]),
            CompetenceNeeds.Evidence(school: "edu5", subject: "Русский язык", team: 0, systemic: [], rescored: 0, discrepant: 0, typicalTasks: [], covered: [:]),
        ]
        let rows = CompetenceNeeds.rows(e)
        XCTAssertEqual(rows.map { $0.school ?? "район" }, ["edu1", "edu2", "район", "район"])
        // 2 of 4 re-scored works differ (≥ 30 %), and systemic deficits.
        XCTAssertEqual(rows[0].needs.map(\.direction), [.assessmentCompetence, .deficits])
        XCTAssertTrue(rows[0].needs[0].reason.contains("2 из 4"))
        // 2 of 10 is under 30 %: no need from the re-check.
        XCTAssertEqual(rows[1].needs, [])
        // The two small mathematics teams together: 3 people, 2 schools, no school named.
        XCTAssertNil(rows[2].school)
        XCTAssertEqual(rows[2].schools, 2)
        XCTAssertEqual(rows[2].team, 3)
        XCTAssertEqual(rows[2].needs.map(\.direction), [.assessmentCompetence, .deficits])
        XCTAssertTrue(rows[2].needs[1].reason.contains("4.8, 4.9"))
        XCTAssertEqual(rows[2].covered, [.assessmentCompetence: 1])
        XCTAssertEqual(rows[3].needs, [])
        // Too few re-scored works count for nothing on their own.
        XCTAssertEqual(CompetenceNeeds.rows([CompetenceNeeds.Evidence(school: "x", subject: "М", team: 4, systemic: [], rescored: 2, discrepant: 2, typicalTasks: [], covered: [:])])[0].needs, [])
    }
}
