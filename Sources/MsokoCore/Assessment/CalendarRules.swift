import Foundation

/// One procedure date of a school (and class) in the calendar.
public struct CalendarEntry: Equatable, Sendable {
    public var id: String
    public var procedure: String
    public var type: String
    public var year: Int
    public var school: String
    /// «4А»; empty for the whole school.
    public var className: String
    public var date: LocalDate
    public init(id: String, procedure: String, type: String, year: Int, school: String, className: String, date: LocalDate) {
        self.id = id
        self.procedure = procedure
        self.type = type
        self.year = year
        self.school = school
        self.className = className
        self.date = date
    }
}

/// Calendar warnings (never errors): a ВПР outside its window and two procedures in one class on one day.
public enum CalendarRules {
    /// ВПР 2025-26 runs 20 April – 20 May of the procedure's year (each school sets its own dates).
    public static func vprWindow(year: Int) -> ClosedRange<LocalDate> {
        LocalDate(year: year, month: 4, day: 20)...LocalDate(year: year, month: 5, day: 20)
    }

    /// Warnings for the entry `id` against all entries, in Russian.
    public static func warnings(for entry: CalendarEntry, among all: [CalendarEntry]) -> [String] {
        var out: [String] = []
        if entry.type.uppercased() == "ВПР", !vprWindow(year: entry.year).contains(entry.date) {
            let w = vprWindow(year: entry.year)
            out.append("дата \(entry.date.russian) вне периода ВПР (\(w.lowerBound.russian) – \(w.upperBound.russian))")
        }
        for other in all where other.id != entry.id && other.school == entry.school && other.date == entry.date && other.procedure != entry.procedure {
            // The same class, or the whole school against any of its classes.
            if other.className == entry.className || other.className.isEmpty || entry.className.isEmpty {
                let who = entry.className.isEmpty ? "в школе" : "в \(entry.className)"
                out.append("\(who) \(entry.date.russian) уже проводится «\(other.procedure)»")
            }
        }
        return out
    }
}
