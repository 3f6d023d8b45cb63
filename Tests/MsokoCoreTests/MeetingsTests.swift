import XCTest
@testable import MsokoCore

/// Decisions' status rules, the agenda's carried decisions and the meeting documents (issue 15).
final class MeetingsTests: XCTestCase {
    let today = LocalDate(year: 2026, month: 1, day: 20)

    func testAnOpenDecisionIsOverdueTheDayAfterItsDeadlineNotOnIt() {
        XCTAssertEqual(DecisionStatus(.assigned, deadline: LocalDate(year: 2026, month: 1, day: 19), today: today), .overdue)
        XCTAssertEqual(DecisionStatus(.inProgress, deadline: LocalDate(year: 2026, month: 1, day: 19), today: today), .overdue)
        XCTAssertEqual(DecisionStatus(.assigned, deadline: today, today: today), .assigned)
        XCTAssertEqual(DecisionStatus(.inProgress, deadline: LocalDate(year: 2026, month: 2, day: 1), today: today), .inProgress)
        // Done or cancelled is never overdue, whatever the date; no deadline, never overdue.
        XCTAssertEqual(DecisionStatus(.done, deadline: LocalDate(year: 2025, month: 1, day: 1), today: today), .done)
        XCTAssertEqual(DecisionStatus(.cancelled, deadline: LocalDate(year: 2025, month: 1, day: 1), today: today), .cancelled)
        XCTAssertEqual(DecisionStatus(.assigned, deadline: nil, today: today), .assigned)
        XCTAssertTrue(DecisionStatus.overdue.isOpen)
        XCTAssertFalse(DecisionStatus.done.isOpen)
    }

    func testTheDistrictsDateDecidesOverdue() {
        // 19 January 2026, 20:00 UTC is already the 20th in Tomsk (UTC+7) but still the 19th in Moscow.
        let instant = Date(timeIntervalSince1970: 1_768_852_800)
        let deadline = LocalDate(year: 2026, month: 1, day: 19)
        let tomsk = LocalDate(instant, in: TimeZone(identifier: "Asia/Tomsk")!)
        let moscow = LocalDate(instant, in: TimeZone(identifier: "Europe/Moscow")!)
        XCTAssertEqual(DecisionStatus(.assigned, deadline: deadline, today: tomsk), .overdue)
        XCTAssertEqual(DecisionStatus(.assigned, deadline: deadline, today: moscow), .assigned)
    }

    func testTheAgendaCarriesOpenDecisionsOfEarlierMeetingsOfItsKind() {
        let this = UUID(), earlier = UUID(), school = UUID(), other = UUID()
        let d = LocalDate(year: 2026, month: 1, day: 28)
        func e(_ kind: MeetingKind, _ date: LocalDate, _ state: DecisionState, school s: UUID? = nil, meeting: UUID = earlier) -> AgendaCarry.Earlier {
            AgendaCarry.Earlier(meeting: meeting, kind: kind, date: date, school: s, state: state)
        }
        let august = LocalDate(year: 2025, month: 8, day: 27)
        XCTAssertTrue(AgendaCarry.carries(e(.headsMeeting, august, .assigned), into: this, kind: .headsMeeting, date: d, school: nil))
        XCTAssertTrue(AgendaCarry.carries(e(.headsMeeting, august, .inProgress), into: this, kind: .headsMeeting, date: d, school: nil))
        XCTAssertFalse(AgendaCarry.carries(e(.headsMeeting, august, .done), into: this, kind: .headsMeeting, date: d, school: nil))
        XCTAssertFalse(AgendaCarry.carries(e(.headsMeeting, august, .cancelled), into: this, kind: .headsMeeting, date: d, school: nil))
        // Another kind, a later meeting, the meeting itself: not carried.
        XCTAssertFalse(AgendaCarry.carries(e(.interview, august, .assigned, school: school), into: this, kind: .headsMeeting, date: d, school: nil))
        XCTAssertFalse(AgendaCarry.carries(e(.headsMeeting, LocalDate(year: 2026, month: 3, day: 25), .assigned), into: this, kind: .headsMeeting, date: d, school: nil))
        XCTAssertFalse(AgendaCarry.carries(e(.headsMeeting, august, .assigned, meeting: this), into: this, kind: .headsMeeting, date: d, school: nil))
        // An interview carries the earlier interviews with the same school only.
        XCTAssertTrue(AgendaCarry.carries(e(.interview, august, .assigned, school: school), into: this, kind: .interview, date: d, school: school))
        XCTAssertFalse(AgendaCarry.carries(e(.interview, august, .assigned, school: other), into: this, kind: .interview, date: d, school: school))
    }

    func meeting() -> MeetingDocuments.Meeting {
        MeetingDocuments.Meeting(
            department: "Управление образования", territory: "Зырянский район", kind: .headsMeeting, title: "Об объективности", number: "1",
            date: LocalDate(year: 2026, month: 1, day: 28), time: "10:00", place: "актовый зал",
            chair: .init(name: "Самойлова А.Л.", post: "специалист"), secretary: .init(name: "Григорьева Е.В.", post: ""),
            attendees: [.init(name: "Самойлова А.Л.", post: "специалист"), .init(name: "Петров С.А.", post: "руководитель МОУ «Михайловская СОШ»")],
            hiddenAttendees: 9,
            carried: [.init(text: "Провести педсовет", owner: "МОУ «Михайловская СОШ»", deadline: LocalDate(year: 2026, month: 1, day: 10), status: "просрочено")],
            items: [.init(title: "О результатах", heard: "Самойлова А.Л.\nо результатах", spoke: "", decided: "Принять к сведению",
                          decisions: [.init(text: "Назначить наблюдателей", owner: "Управление образования", deadline: LocalDate(year: 2026, month: 3, day: 1), reportForm: "приказ")])],
            schoolYear: "2025-2026", signature: ["Начальник ____ / ____ /"])
    }

    func testTheProtocolOpensWithCarriedDecisionsAndNumbersTheRest() {
        let v = MeetingDocuments.protocolValues(meeting())
        XCTAssertEqual(v["повестка"], "1. О ходе исполнения ранее принятых решений\n2. О результатах")
        let course = v["ход"] ?? ""
        XCTAssertTrue(course.hasPrefix("**1. О ходе исполнения ранее принятых решений**"), course)
        XCTAssertTrue(course.contains("- Провести педсовет — МОУ «Михайловская СОШ», срок 10.01.2026: просрочено."), course)
        XCTAssertTrue(course.contains("**2. О результатах**\n**СЛУШАЛИ:** Самойлова А.Л. о результатах\n**РЕШИЛИ:** Принять к сведению\n2.1. Назначить наблюдателей. Ответственный: Управление образования. Срок: до 01.03.2026. Форма отчёта: приказ."), course)
        XCTAssertFalse(course.contains("ВЫСТУПИЛИ"), "an empty «выступили» is left out")
        // A head's copy counts the other schools' attendees and does not name them.
        XCTAssertEqual(v["число_присутствовавших"], "11")
        XCTAssertTrue(v["присутствовали"]!.hasSuffix("- и ещё 9 участников от других общеобразовательных организаций"), v["присутствовали"]!)
        XCTAssertEqual(MeetingDocuments.unknownKeys(in: MeetingDocuments.defaultProtocolTemplate, keys: MeetingDocuments.protocolKeys), [])
        XCTAssertEqual(MeetingDocuments.unknownKeys(in: MeetingDocuments.defaultOrderTemplate, keys: MeetingDocuments.orderKeys), [])
        XCTAssertEqual(MeetingDocuments.unknownKeys(in: "{дата} {итоги}", keys: MeetingDocuments.orderKeys), ["итоги"])
        // An interview's protocol names the school it is with.
        var interview = meeting()
        interview.kind = .interview
        interview.school = "МБОУ «Зырянская СОШ»"
        XCTAssertEqual(MeetingDocuments.protocolValues(interview)["вид"], "собеседования с руководителем МБОУ «Зырянская СОШ»")
        XCTAssertEqual(v["вид"], "совещания руководителей общеобразовательных организаций")
    }

    func testTheOrderNumbersTheDecisionsAndPutsControlLast() {
        var m = meeting()
        m.items.append(.init(title: "Второй", decisions: [.init(text: "Провести семинар.", owner: "Лебедева Т.М.", deadline: nil)]))
        let v = MeetingDocuments.orderValues(m, today: today, measure: "1.5", control: "заместителя начальника")
        XCTAssertEqual(v["пункты"], "1. Назначить наблюдателей. Ответственный: Управление образования. Срок: до 01.03.2026. Форма отчёта: приказ.\n2. Провести семинар. Ответственный: Лебедева Т.М.")
        XCTAssertEqual(v["пункт_контроля"], "3")
        let text = OrderTemplate.fill(MeetingDocuments.defaultOrderTemplate, values: v)
        XCTAssertTrue(text.contains("ПРИКАЗЫВАЮ:\n\n1. Назначить"), text)
        XCTAssertTrue(text.contains("3. Контроль за исполнением приказа возложить на заместителя начальника."), text)
        XCTAssertFalse(text.contains("{"), text)
    }

    func testFillingIsOnePassSoTypedBracesStayText() {
        XCTAssertEqual(OrderTemplate.fill("{а} и {б} {", values: ["а": "{б}", "б": "2"]), "{б} и 2 {")
        XCTAssertEqual(OrderTemplate.fill("{неизвестно} {а}", values: ["а": "1"]), "{неизвестно} 1")
    }

    func testBoldRunsBetweenPairedMarkers() {
        let runs = OrderTemplate.runs("**СЛУШАЛИ:** текст **жирно** хвост **")
        XCTAssertEqual(runs.map(\.text), ["СЛУШАЛИ:", " текст ", "жирно", " хвост ", "**"])
        XCTAssertEqual(runs.map(\.bold), [true, false, true, false, false])
        XCTAssertEqual(OrderTemplate.runs("без разметки").map(\.text), ["без разметки"])
    }
}

/// The loop's before/after and verdict on hand-made procedures (issue 15 §4).
final class LoopTests: XCTestCase {
    func testTheVerdictFollowsTheFlagOrFivePointsOfCompletion() {
        let b = { (flag: Bool) in LoopMeasurement(label: "до", flagged: flag, risk: flag ? 0.9 : 0.1) }
        XCTAssertEqual(LoopRules.verdict(before: b(true), after: b(false)), .improved)
        XCTAssertEqual(LoopRules.verdict(before: b(false), after: b(true)), .worsened)
        XCTAssertEqual(LoopRules.verdict(before: b(true), after: b(true)), .unchanged)
        XCTAssertEqual(LoopRules.verdict(before: b(false), after: b(false)), .unchanged)
        XCTAssertEqual(LoopRules.verdict(before: b(true), after: nil), .notMeasured)
        XCTAssertEqual(LoopRules.verdict(before: b(true), after: LoopMeasurement(label: "мало работ")), .notMeasured)
        let c = { (v: Double) in LoopMeasurement(label: "", completion: v) }
        XCTAssertEqual(LoopRules.verdict(before: c(0.40), after: c(0.45)), .improved, "exactly 5 п. п. counts")
        XCTAssertEqual(LoopRules.verdict(before: c(0.40), after: c(0.449)), .unchanged)
        XCTAssertEqual(LoopRules.verdict(before: c(0.40), after: c(0.35)), .worsened)
        XCTAssertEqual(LoopRules.verdict(before: c(0.40), after: c(0.36)), .unchanged)
        let d = { (n: Int) in LoopMeasurement(label: "", flaggedSchools: n) }
        XCTAssertEqual(LoopRules.verdict(before: d(3), after: d(1)), .improved)
        XCTAssertEqual(LoopRules.verdict(before: d(1), after: d(2)), .worsened)
        XCTAssertEqual(LoopRules.verdict(before: d(0), after: d(0)), .unchanged)
    }

    func testCompletionOfARequirementBeforeAndAfter() {
        let spec = GapsTests.spec
        func analysis(_ works: [WorkRecord]) -> ResultsAnalysis {
            var t = WorkTable(taskCount: spec.tasks.count)
            for w in works { t.append(w) }
            return ResultsAnalysis.analyze(t, spec: spec)
        }
        // Requirement B (tasks 2К1, 2К2, 3; 7 points a work): 6 of 14 before, 10 of 14 after.
        let before = analysis([GapsTests.work("a", [1, 2, 1, 0, 0, 0, 0, 0]), GapsTests.work("b", [0, 1, 1, 1, 0, 0, 0, 0])])
        let after = analysis([GapsTests.work("c", [1, 3, 1, 1, 0, 0, 0, 0]), GapsTests.work("d", [0, 2, 1, 2, 0, 0, 0, 0])])
        let was = LoopRules.completion(codes: ["B"], in: before, group: before.school("edu1")!)!
        let now = LoopRules.completion(codes: ["B"], in: after, group: after.school("edu1")!)!
        XCTAssertEqual(was, 6.0 / 14, accuracy: 1e-12)
        XCTAssertEqual(now, 10.0 / 14, accuracy: 1e-12)
        XCTAssertEqual(LoopRules.verdict(before: LoopMeasurement(label: "", completion: was), after: LoopMeasurement(label: "", completion: now)), .improved)
        // All tasks when no code is given (the result of a procedure): 7 of 2 × 18 points before.
        XCTAssertEqual(LoopRules.completion(codes: [], in: before, group: before.district)!, 7.0 / 36, accuracy: 1e-12)
        XCTAssertNil(LoopRules.completion(codes: ["нет такого"], in: before, group: before.district))
    }

    func testCompletionInAReDiagnosisCountsThoseWhoTookIt() {
        let tasks = [Rediagnosis.Task(number: "1", code: "B", max: 2), Rediagnosis.Task(number: "2", code: "A", max: 1), Rediagnosis.Task(number: "3", code: "B", max: 3)]
        let rows = [Rediagnosis.Row(code: "a", scores: [2, 0, 1]), Rediagnosis.Row(code: "b", scores: [nil, 1, 3]), Rediagnosis.Row(code: "c", scores: [nil, nil, nil])]
        // B: tasks 1 and 3 (5 points a student), two students took it: (2 + 1) + (0 + 3) of 10.
        XCTAssertEqual(LoopRules.completion(codes: ["B"], tasks: tasks, rows: rows)!, 6.0 / 10, accuracy: 1e-12)
        XCTAssertEqual(LoopRules.completion(codes: ["A", "B"], tasks: tasks, rows: rows)!, 7.0 / 12, accuracy: 1e-12)
        XCTAssertNil(LoopRules.completion(codes: ["C"], tasks: tasks, rows: rows))
        XCTAssertNil(LoopRules.completion(codes: ["B"], tasks: tasks, rows: [rows[2]]))
    }
}
