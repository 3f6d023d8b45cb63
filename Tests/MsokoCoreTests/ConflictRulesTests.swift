import XCTest
@testable import MsokoCore

final class ConflictRulesTests: XCTestCase {
    let slot = ConflictRules.Slot(school: "edu700101", schoolName: "МБОУ «Зырянская СОШ»", className: "4А", date: "2026-04-22")

    func testAParentIsNotInTheirChildsClass() {
        let parent = ConflictRules.Observer(name: "Орлова Е.П.", kind: .publicObserver, children: [("edu700101", "4А")])
        XCTAssertEqual(ConflictRules.conflicts(parent, slot), ["Орлова Е.П. — родитель обучающегося 4А этой школы: наблюдать процедуру в классе своего ребёнка нельзя."])
        var other = slot
        other.className = "4Б"
        XCTAssertEqual(ConflictRules.conflicts(parent, other), [], "another class of the same school is allowed")
        other.className = ""
        XCTAssertFalse(ConflictRules.conflicts(parent, other).isEmpty, "the whole school includes the child's class")
    }

    func testAnEmployeeIsNotInTheirSchoolAndASpecialistNotInATiedOne() {
        let teacher = ConflictRules.Observer(name: "Иванова", kind: .publicObserver, workSchool: "edu700101")
        XCTAssertTrue(ConflictRules.conflicts(teacher, slot)[0].contains("работник школы"))
        let specialist = ConflictRules.Observer(name: "Самойлова", kind: .specialist, tiedSchools: ["edu700101"])
        XCTAssertTrue(ConflictRules.conflicts(specialist, slot)[0].contains("связанную школу"))
        let free = ConflictRules.Observer(name: "Лебедева", kind: .specialist, tiedSchools: ["edu700102"])
        XCTAssertEqual(ConflictRules.conflicts(free, slot), [])
        var elsewhere = slot
        elsewhere.school = "edu700103"
        elsewhere.schoolName = "МБОУ «Семёновская ООШ»"
        XCTAssertTrue(ConflictRules.conflicts(free, slot, busy: [elsewhere])[0].contains("в этот день (22.04.2026) уже назначен(а) в МБОУ «Семёновская ООШ»"))
    }

    func testSuggestionsAvoidConflictsAndServePriorityFirst() {
        let slots = [
            ConflictRules.Slot(school: "edu700105", schoolName: "Высоковская", className: "4А", date: "2026-04-22"),
            ConflictRules.Slot(school: "edu700101", schoolName: "Зырянская", className: "4А", date: "2026-04-22"),
        ]
        let observers = [ConflictRules.Observer(name: "Родитель", kind: .publicObserver, children: [("edu700101", "4А")]),
                         ConflictRules.Observer(name: "Специалист", kind: .specialist)]
        let plan = ConflictRules.suggest(slots: slots, observers: observers, busy: [[], []], priority: ["edu700101"])
        XCTAssertEqual(plan.map { "\($0.slot)-\($0.observer)" }, ["1-1", "0-0"], "the priority school first, and the parent not in their child's class")
    }
}
