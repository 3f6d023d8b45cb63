import Foundation

/// Who may observe where (issue 5 §1): no parent in a procedure of their child's class, no employee
/// of the school, no specialist at a school they are tied to, and one place a day. Each conflict
/// comes with a sentence the specialist sees when the assignment is refused.
public enum ConflictRules {
    public enum Kind: String, Sendable, CaseIterable {
        case specialist, publicObserver = "public"
        public var title: String { self == .specialist ? "специалист Управления образования" : "общественный наблюдатель" }
    }

    public struct Observer: Sendable {
        public var name: String
        public var kind: Kind
        /// The school where the observer works, if a school.
        public var workSchool: String?
        /// (school login, class) of each child.
        public var children: [(school: String, className: String)]
        /// Schools a specialist is tied to (curator, former employee, relative there).
        public var tiedSchools: [String]
        public init(name: String, kind: Kind, workSchool: String? = nil, children: [(school: String, className: String)] = [], tiedSchools: [String] = []) {
            self.name = name
            self.kind = kind
            self.workSchool = workSchool
            self.children = children
            self.tiedSchools = tiedSchools
        }
    }

    /// A place to observe: a school (and a class, or the whole school when empty) on a date.
    public struct Slot: Sendable, Equatable {
        public var school: String
        public var schoolName: String
        public var className: String
        public var date: String
        public init(school: String, schoolName: String, className: String, date: String) {
            self.school = school
            self.schoolName = schoolName
            self.className = className
            self.date = date
        }
    }

    /// Why `observer` may not observe `slot`, given the places they already have (empty: allowed).
    public static func conflicts(_ o: Observer, _ slot: Slot, busy: [Slot] = []) -> [String] {
        var out: [String] = []
        for child in o.children where child.school == slot.school && (slot.className.isEmpty || child.className == slot.className) {
            out.append("\(o.name) — родитель обучающегося \(child.className) этой школы: наблюдать процедуру в классе своего ребёнка нельзя.")
        }
        if o.workSchool == slot.school {
            out.append("\(o.name) работает в \(slot.schoolName): работник школы не может быть в ней наблюдателем.")
        }
        if o.kind == .specialist && o.tiedSchools.contains(slot.school) {
            out.append("\(o.name) связан(а) с \(slot.schoolName) (курирует школу или работал(а) в ней): назначение специалиста в связанную школу запрещено.")
        }
        if let other = busy.first(where: { $0.date == slot.date && !$0.date.isEmpty && $0 != slot }) {
            out.append("\(o.name) в этот день (\(LocalDate.russian(other.date))) уже назначен(а) в \(other.schoolName)\(other.className.isEmpty ? "" : ", \(other.className)").")
        }
        return out
    }

    /// Assignments for the open slots, priority schools first: each slot gets the first observer
    /// without a conflict, spreading the load (the least busy first). Returns (slot index, observer index).
    public static func suggest(slots: [Slot], observers: [Observer], busy: [[Slot]], priority: [String]) -> [(slot: Int, observer: Int)] {
        var busy = busy
        let rank = Dictionary(priority.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        let order = slots.indices.sorted { (rank[slots[$0].school] ?? Int.max, slots[$0].date, $0) < (rank[slots[$1].school] ?? Int.max, slots[$1].date, $1) }
        var out: [(Int, Int)] = []
        for s in order {
            let candidates = observers.indices.sorted { (busy[$0].count, $0) < (busy[$1].count, $1) }
            if let o = candidates.first(where: { conflicts(observers[$0], slots[s], busy: busy[$0]).isEmpty }) {
                out.append((s, o))
                busy[o].append(slots[s])
            }
        }
        return out
    }
}

/// The «акт наблюдения»: the stages an observer may attend and the checklist of typical violations.
public enum ObservationChecklist {
    public static let stages = [
        "получение и хранение материалов", "проведение работы", "проверка работ по критериям", "внесение результатов в ФИС ОКО",
    ]
    public static let violations = [
        "посторонние лица в аудитории", "использование телефонов и справочных материалов", "подсказки организаторов или учителей",
        "обучающиеся сидят не по одному, обмениваются работами", "материалы вскрыты или распечатаны заранее", "несоблюдение времени выполнения",
        "проверка не по критериям или проверку ведёт учитель класса", "исправления в работах после сбора", "отсутствие видеонаблюдения (для компьютерной формы)",
    ]
}
