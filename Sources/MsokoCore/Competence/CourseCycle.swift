import Foundation

/// Professional development of teachers, deputies, heads and the department's specialists
/// (roadmap 3.4, issue 16 §3): the three-year cycle of courses and what a course record says.
/// Rules only; the records live in the server.

/// The roadmap's three directions of 3.4, or another.
public enum CourseDirection: String, CaseIterable, Codable, Sendable {
    case effectiveSchool
    case assessmentCompetence
    case deficits
    case other

    /// As measure 3.4 names it.
    public var title: String {
        switch self {
        case .effectiveSchool: return "Модель оценки качества образования в условиях построения эффективной школы"
        case .assessmentCompetence: return "Профессиональная компетентность в области оценки качества образования"
        case .deficits: return "Ликвидация профессиональных дефицитов"
        case .other: return "Другое направление"
        }
    }

    /// A column heading's few words.
    public var shortTitle: String {
        switch self {
        case .effectiveSchool: return "Эффективная школа"
        case .assessmentCompetence: return "Оценка качества"
        case .deficits: return "Дефициты"
        case .other: return "Другое"
        }
    }
}

/// Who provided a course. Since 1 September 2025 further professional education of
/// general-education teachers is to come from state and municipal organisations, so the kind is
/// shown beside every course.
public enum ProviderKind: String, CaseIterable, Codable, Sendable {
    case state
    case municipal
    case other

    public var title: String {
        switch self {
        case .state: return "государственная организация"
        case .municipal: return "муниципальная организация"
        case .other: return "иная организация"
        }
    }
}

/// Where a person stands in the three-year cycle (the API's `status`).
public enum CourseStatus: String, CaseIterable, Codable, Sendable {
    /// The next course is more than six months away.
    case current
    /// Due within six months of today (today included).
    case due
    /// The due date has passed.
    case overdue
    /// No course recorded.
    case none

    public var title: String {
        switch self {
        case .current: return "действует"
        case .due: return "срок подходит"
        case .overdue: return "срок прошёл"
        case .none: return "курсов нет"
        }
    }

    /// Needs the head's attention (reminders, the list of who is due).
    public var needsCourse: Bool { self == .due || self == .overdue || self == .none }
}

public enum CourseCycle {
    /// Years between courses.
    public static let years = 3
    /// How far ahead «срок подходит» looks.
    public static let warningMonths = 6

    /// `months` calendar months after `date`, the day clamped to the month's length (31 August + 6
    /// months is the last day of February; 29 February + 36 months is 28 February).
    public static func adding(months: Int, to date: LocalDate) -> LocalDate {
        let index = date.year * 12 + (date.month - 1) + months
        let year = index / 12, month = index % 12 + 1
        return LocalDate(year: year, month: month, day: min(date.day, LocalDate.daysIn(month: month, year: year)))
    }

    /// The next course is due three years after the end of the last one.
    public static func nextDue(after end: LocalDate) -> LocalDate {
        adding(months: years * 12, to: end)
    }

    /// The status on `today` (in the district's time zone) of a person whose last course ended on
    /// `lastEnd`: overdue past the due date, due when it falls within six months of today.
    public static func status(lastEnd: LocalDate?, today: LocalDate) -> CourseStatus {
        guard let lastEnd else { return .none }
        let due = nextDue(after: lastEnd)
        if due < today { return .overdue }
        if due <= adding(months: warningMonths, to: today) { return .due }
        return .current
    }

    /// Whether a course ending on `end` still counts on `today` (its three years have not run out):
    /// what coverage counts.
    public static func counts(end: LocalDate, today: LocalDate) -> Bool {
        end <= today && !(nextDue(after: end) < today)
    }
}

/// What a person's position makes them, for the coverage by category.
public enum StaffCategory: String, CaseIterable, Codable, Sendable {
    case teacher
    case deputy
    case head
    case specialist
    case other

    public var title: String {
        switch self {
        case .teacher: return "учителя"
        case .deputy: return "заместители руководителей"
        case .head: return "руководители"
        case .specialist: return "специалисты Управления"
        case .other: return "другие"
        }
    }

    /// From the position as typed: «учитель математики», «заместитель директора по УВР», «директор»;
    /// anyone in the department (no school) is a specialist.
    public static func of(position: String, inDepartment: Bool) -> StaffCategory {
        if inDepartment { return .specialist }
        let p = position.lowercased()
        if p.contains("заместител") || p.hasPrefix("зам.") || p.hasPrefix("зам ") { return .deputy }
        if p.contains("директор") || p.contains("заведующ") || p.contains("руководител") || p.contains("начальник") { return .head }
        if p.contains("учител") || p.contains("преподавател") || p.contains("педагог") { return .teacher }
        return .other
    }
}

/// Coverage by courses (3.4): for a group of people (a school, the department, the district), how
/// many have a course that still counts, by direction, and where the cycle stands.
public struct CourseCoverage: Sendable {
    /// One person: when their courses ended, in which direction, from which kind of provider.
    public struct Person: Sendable {
        public var courses: [(end: LocalDate, direction: CourseDirection, provider: ProviderKind, hours: Int)]
        public init(courses: [(end: LocalDate, direction: CourseDirection, provider: ProviderKind, hours: Int)]) { self.courses = courses }
    }

    public var staff = 0
    /// People with a course that still counts (ended within the last three years).
    public var covered = 0
    public var due = 0
    public var overdue = 0
    public var none = 0
    /// People with a counting course in each direction.
    public var byDirection: [CourseDirection: Int] = [:]
    /// Counting courses and their hours; of them from state or municipal providers.
    public var courses = 0
    public var hours = 0
    public var publicProvider = 0

    public init() {}

    public init(_ people: [Person], today: LocalDate) {
        for p in people { add(p, today: today) }
    }

    public mutating func add(_ p: Person, today: LocalDate) {
        staff += 1
        let last = p.courses.map(\.end).filter { $0 <= today }.max()
        switch CourseCycle.status(lastEnd: last, today: today) {
        case .due: due += 1
        case .overdue: overdue += 1
        case .none: none += 1
        case .current: break
        }
        let counting = p.courses.filter { CourseCycle.counts(end: $0.end, today: today) }
        if !counting.isEmpty { covered += 1 }
        for d in Set(counting.map(\.direction)) { byDirection[d, default: 0] += 1 }
        courses += counting.count
        hours += counting.reduce(0) { $0 + $1.hours }
        publicProvider += counting.filter { $0.provider != .other }.count
    }

    /// The share covered, nil for nobody.
    public var coveredShare: Double? { staff > 0 ? Double(covered) / Double(staff) : nil }

}
