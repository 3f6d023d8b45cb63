import Foundation

/// An iCalendar (RFC 5545) feed that phones and Outlook subscribe to (issue 15 §5): meetings,
/// decision deadlines and procedure dates. Written by hand: the package mirror has no iCalendar
/// writer, and a feed needs only VEVENT with text escaping and line folding.
public enum ICalendar {
    public struct Event: Sendable, Equatable {
        public var uid: String
        /// A timed event (its start and end instants, written in UTC), or an all-day one (`day`).
        public var start: Date?
        public var end: Date?
        public var day: LocalDate?
        public var summary: String
        public var description: String
        public var location: String
        public var url: String?

        public init(uid: String, start: Date? = nil, end: Date? = nil, day: LocalDate? = nil, summary: String, description: String = "", location: String = "", url: String? = nil) {
            self.uid = uid
            self.start = start
            self.end = end
            self.day = day
            self.summary = summary
            self.description = description
            self.location = location
            self.url = url
        }
    }

    /// The whole feed, lines ending in CRLF as the standard asks.
    public static func document(name: String, events: [Event], stamp: Date) -> String {
        var lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//msoko//МСОКО//RU", "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
                     "X-WR-CALNAME:" + escape(name), "X-PUBLISHED-TTL:PT1H", "REFRESH-INTERVAL;VALUE=DURATION:PT1H"]
        for e in events {
            lines.append("BEGIN:VEVENT")
            lines.append("UID:" + escape(e.uid))
            lines.append("DTSTAMP:" + utc(stamp))
            if let start = e.start {
                lines.append("DTSTART:" + utc(start))
                lines.append("DTEND:" + utc(e.end ?? start.addingTimeInterval(3600)))
            } else if let d = e.day {
                lines.append("DTSTART;VALUE=DATE:" + date(d))
                lines.append("DTEND;VALUE=DATE:" + date(d.adding(days: 1)))
            }
            lines.append("SUMMARY:" + escape(e.summary))
            if !e.description.isEmpty { lines.append("DESCRIPTION:" + escape(e.description)) }
            if !e.location.isEmpty { lines.append("LOCATION:" + escape(e.location)) }
            if let url = e.url { lines.append("URL:" + url) }
            lines.append("END:VEVENT")
        }
        lines.append("END:VCALENDAR")
        return lines.map(fold).joined(separator: "\r\n") + "\r\n"
    }

    /// TEXT values: backslash, semicolon and comma escaped, line breaks as `\n` (RFC 5545 §3.3.11).
    public static func escape(_ s: String) -> String {
        var out = ""
        for c in s {
            switch c {
            case "\\": out += "\\\\"
            case ";": out += "\\;"
            case ",": out += "\\,"
            case "\n", "\r\n", "\r": out += "\\n"
            default: out.append(c)
            }
        }
        return out
    }

    /// Lines longer than 75 octets folded with CRLF and a space, never inside a UTF-8 character
    /// (RFC 5545 §3.1): Cyrillic takes two octets a letter.
    public static func fold(_ line: String) -> String {
        var out = ""
        var octets = 0
        for ch in line.unicodeScalars {
            let n = String(ch).utf8.count
            if octets + n > 75 {
                out += "\r\n "
                octets = 1
            }
            out.unicodeScalars.append(ch)
            octets += n
        }
        return out
    }

    static func utc(_ d: Date) -> String {
        var c = Calendar(identifier: .gregorian)
        c.timeZone = TimeZone(identifier: "UTC")!
        let x = c.dateComponents([.year, .month, .day, .hour, .minute, .second], from: d)
        return String(format: "%04d%02d%02dT%02d%02d%02dZ", x.year!, x.month!, x.day!, x.hour!, x.minute!, x.second!)
    }

    static func date(_ d: LocalDate) -> String { String(format: "%04d%02d%02d", d.year, d.month, d.day) }
}
