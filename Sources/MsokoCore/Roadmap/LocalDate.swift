import Foundation

/// A calendar date without a time zone («2026-01-31»): checkpoints are due on a day in the
/// district's own calendar; the district's time zone decides when that day is over.
public struct LocalDate: Hashable, Comparable, Codable, Sendable, CustomStringConvertible {
    public var year: Int
    public var month: Int
    public var day: Int

    public init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses «YYYY-MM-DD».
    public init?(iso: String) {
        let parts = iso.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3, (1...12).contains(parts[1]),
              (1...LocalDate.daysIn(month: parts[1], year: parts[0])).contains(parts[2]) else { return nil }
        self.init(year: parts[0], month: parts[1], day: parts[2])
    }

    /// A date as a person types it: «15.04.2026», «5.4.2026» or «2026-04-15».
    public init?(typed: String) {
        let t = typed.trimmingCharacters(in: .whitespaces)
        let parts = t.split(separator: ".").map(String.init)
        if parts.count == 3, let d = Int(parts[0]), let m = Int(parts[1]), let y = Int(parts[2]), parts[2].count == 4 {
            self.init(iso: String(format: "%04d-%02d-%02d", y, m, d))
        } else {
            self.init(iso: t)
        }
    }

    /// The date it is now in `timeZone`.
    public init(_ instant: Date, in timeZone: TimeZone) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let c = calendar.dateComponents([.year, .month, .day], from: instant)
        self.init(year: c.year!, month: c.month!, day: c.day!)
    }

    public static func lastDay(ofMonth month: Int, year: Int) -> LocalDate {
        LocalDate(year: year, month: month, day: daysIn(month: month, year: year))
    }

    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    public var iso: String { String(format: "%04d-%02d-%02d", year, month, day) }
    /// «31.01.2026», the way Russian documents write dates.
    public var russian: String { String(format: "%02d.%02d.%04d", day, month, year) }
    public var description: String { iso }
    /// A stored «2026-04-15» as «15.04.2026»; text that is not such a date is returned as it is.
    public static func russian(_ iso: String) -> String { LocalDate(iso: iso)?.russian ?? iso }

    public var ordinal: Int { year * 10_000 + month * 100 + day }
    public static func < (lhs: LocalDate, rhs: LocalDate) -> Bool { lhs.ordinal < rhs.ordinal }

    /// Days from `self` to `other` (positive when `other` is later).
    public func days(until other: LocalDate) -> Int {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let a = calendar.date(from: DateComponents(year: year, month: month, day: day))!
        let b = calendar.date(from: DateComponents(year: other.year, month: other.month, day: other.day))!
        return calendar.dateComponents([.day], from: a, to: b).day!
    }

    /// The first instant of this day in `timeZone`.
    public func start(in timeZone: TimeZone) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        return calendar.date(from: DateComponents(year: year, month: month, day: day))!
    }

    /// 1 for Monday … 7 for Sunday (ISO 8601).
    public var isoWeekday: Int {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let d = calendar.date(from: DateComponents(year: year, month: month, day: day))!
        return (calendar.component(.weekday, from: d) + 5) % 7 + 1
    }

    public func adding(days: Int) -> LocalDate {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let a = calendar.date(from: DateComponents(year: year, month: month, day: day))!
        let b = calendar.date(byAdding: .day, value: days, to: a)!
        let c = calendar.dateComponents([.year, .month, .day], from: b)
        return LocalDate(year: c.year!, month: c.month!, day: c.day!)
    }
}
