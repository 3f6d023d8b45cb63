import Fluent
import MsokoCore
import Vapor

/// The calendar of procedures: a month grid, a week or a day; the district or one school.
struct CalendarPage {
    enum View: String { case day, week, month }

    struct Entry {
        var procedureID: UUID
        var title: String
        /// «ВПР Математика»: the month grid's short name.
        var shortName: String
        var className: String
        var school: String
        var warnings: [String]
    }

    var mode: View
    var anchor: LocalDate
    var from: LocalDate
    var to: LocalDate
    var previous: LocalDate
    var next: LocalDate
    var heading: String
    var today: LocalDate
    /// Entries in the range by date.
    var entries: [LocalDate: [Entry]]
    var warningCount: Int
    var anyDated: Bool
    /// The school choice (id, name) for district users; nil for a head.
    var schools: [(value: String, label: String)]?
    var school: UUID?
    var showsSchool: Bool
    /// Meetings, interviews and decision deadlines in the range, by date (issue 15 §5).
    var events: [LocalDate: [CalendarEvent]] = [:]

    func event(_ e: CalendarEvent) -> HTML {
        let compact = mode == .month
        switch e.kind {
        case .meeting:
            let time: HTML = e.time.isEmpty ? "" : "\(e.time) "
            return #"<li class="event"><a href="\#(e.url)" title="\#(e.title): \#(e.detail)">\#(time)\#(compact ? e.short : e.title)</a>\#(compact ? "" : " — \(e.detail)")</li>"#
        case .deadline:
            let cls: HTML = e.overdue ? " overdue" : ""
            return #"<li class="event deadline\#(cls)"><a href="\#(e.url)" title="\#(e.detail)">\#(e.short)\#(compact ? "" : ": \(e.detail)")</a></li>"#
        }
    }

    static let weekdays = ["Пн", "Вт", "Ср", "Чт", "Пт", "Сб", "Вс"]
    static let months = ["январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август", "сентябрь", "октябрь", "ноябрь", "декабрь"]

    /// Monday = 0.
    static func weekday(_ d: LocalDate) -> Int {
        var c = Calendar(identifier: .gregorian)
        c.timeZone = TimeZone(identifier: "UTC")!
        let date = c.date(from: DateComponents(year: d.year, month: d.month, day: d.day))!
        return (c.component(.weekday, from: date) + 5) % 7
    }

    static func query(user: User, view requested: String?, date: String?, school: UUID?, today: LocalDate, on db: Database) async throws -> CalendarPage {
        var all = try await ProcedureDates.items(user: user, on: db)
        if let school { all = all.filter { $0.school.id == school } }
        let view = View(rawValue: requested ?? "") ?? .month
        // Without a date: this month if it has procedures, else the next month that has, else the last.
        var anchor = date.flatMap(LocalDate.init(iso:)) ?? {
            if all.contains(where: { $0.entry.date.year == today.year && $0.entry.date.month == today.month }) { return today }
            return all.first(where: { $0.entry.date >= today })?.entry.date ?? all.last?.entry.date ?? today
        }()
        let (from, to, prev, next, heading): (LocalDate, LocalDate, LocalDate, LocalDate, String)
        switch view {
        case .day:
            (from, to) = (anchor, anchor)
            (prev, next) = (anchor.adding(days: -1), anchor.adding(days: 1))
            heading = anchor.russian
        case .week:
            let monday = anchor.adding(days: -weekday(anchor))
            (from, to) = (monday, monday.adding(days: 6))
            (prev, next) = (monday.adding(days: -7), monday.adding(days: 7))
            heading = "\(from.russian) – \(to.russian)"
        case .month:
            anchor = LocalDate(year: anchor.year, month: anchor.month, day: 1)
            from = anchor
            to = LocalDate.lastDay(ofMonth: anchor.month, year: anchor.year)
            prev = anchor.month == 1 ? LocalDate(year: anchor.year - 1, month: 12, day: 1) : LocalDate(year: anchor.year, month: anchor.month - 1, day: 1)
            next = to.adding(days: 1)
            heading = "\(months[anchor.month - 1].capitalized) \(anchor.year)"
        }
        let inRange = all.filter { $0.entry.date >= from && $0.entry.date <= to }
        let entries = Dictionary(grouping: inRange, by: \.entry.date).mapValues { items in
            items.map { i in
                Entry(procedureID: i.procedure.id!, title: ProcedureStore.title(i.procedure), shortName: "\(i.procedure.type) \(i.procedure.subject)",
                      className: i.entry.className.isEmpty ? "вся школа" : i.entry.className, school: i.school.shortName, warnings: i.warnings)
            }
        }
        let schools = user.role == .head ? nil : try await Schools.all(of: user, on: db).map { ($0.id!.uuidString, $0.shortName) }
        var page = CalendarPage(mode: view, anchor: anchor, from: from, to: to, previous: prev, next: next, heading: heading, today: today, entries: entries,
                                warningCount: inRange.filter { !$0.warnings.isEmpty }.count, anyDated: !all.isEmpty, schools: schools, school: school,
                                showsSchool: user.role != .head)
        // With a school chosen, only what is about that school.
        let events = try await CalendarEvents.of(user, today: today, on: db).filter { $0.date >= from && $0.date <= to && (school == nil || $0.school == school) }
        page.events = Dictionary(grouping: events, by: \.date)
        return page
    }
}

extension CalendarPage {
    func link(_ label: String, view v: View, date d: LocalDate, current: Bool = false) -> HTML {
        let url = Site.calendar.url.query(["view": v.rawValue, "date": d.iso, "school": school?.uuidString])
        return #"<a class="btn \#(current ? "" : "secondary") small" href="\#(url)">\#(label)</a>"#
    }

    /// The month grid is compact (subject, class, school; warnings behind ⚠); week and day show everything.
    func entry(_ e: Entry) -> HTML {
        let compact = mode == .month
        let who: HTML = showsSchool ? " — \(e.school)" : ""
        let text = e.warnings.joined(separator: "; ")
        let warn: HTML = e.warnings.isEmpty ? "" : compact
            ? #" <span class="warn" title="\#(text)" aria-label="Предупреждение: \#(text)">⚠</span>"#
            : #"<div class="flash info">⚠ \#(text)</div>"#
        return #"<li><a href="\#(Site.procedure.url(e.procedureID))" title="\#(e.title)">\#(compact ? e.shortName : e.title)</a> · \#(e.className)\#(who)\#(warn)</li>"#
    }

    var view: HTML {
        var html: HTML = """
        <h1>Календарь</h1>
        <p class="muted no-print">Оценочные процедуры, совещания и собеседования, сроки решений. <a href="\(Site.calendarFeed.url)">Календарь на телефоне</a></p>
        <div class="actions no-print">\(link("‹", view: mode, date: previous)) <strong>\(heading)</strong> \(link("›", view: mode, date: next))
        \(link("День", view: .day, date: anchor, current: mode == .day)) \(link("Неделя", view: .week, date: anchor, current: mode == .week)) \(link("Месяц", view: .month, date: anchor, current: mode == .month))
        </div>
        """
        if let schools {
            html += """
            <form method="get" action="\(Site.calendar.url)" class="no-print"><input type="hidden" name="view" value="\(mode.rawValue)"><input type="hidden" name="date" value="\(anchor.iso)">
            \(HTML.schoolSelect(id: "school", name: "school", label: "Школа", schools: schools, selected: school?.uuidString, blank: "Все школы района"))
            <div class="actions"><button class="btn secondary small" type="submit">Показать</button></div></form>
            """
        }
        if warningCount > 0 { html += #"<div class="flash info">Предупреждений: \#(warningCount) — см. отмеченные ⚠ записи.</div>"# }
        if mode == .month {
            // Weeks from Monday; the days before the first and after the last are empty cells.
            var cells: [HTML] = Array(repeating: #"<td class="empty"></td>"#, count: Self.weekday(from))
            var day = from
            while day <= to {
                let list = entries[day] ?? []
                let more = events[day] ?? []
                let items: HTML = list.isEmpty && more.isEmpty ? "" : #"<ul class="cp-list">\#(list.map(entry))\#(more.map(event))</ul>"#
                cells.append(#"<td\#(day == today ? #" class="today""# as HTML : "")><div class="day">\#(day.day)</div>\#(items)</td>"#)
                day = day.adding(days: 1)
            }
            cells += Array(repeating: #"<td class="empty"></td>"#, count: 6 - Self.weekday(to))
            let weeks = stride(from: 0, to: cells.count, by: 7).map { "<tr>\(Array(cells[$0..<min($0 + 7, cells.count)]))</tr>" as HTML }
            html += HTML.table(head: HTML(Self.weekdays.map { "<th>\($0)</th>" as HTML }), rows: weeks, class: "calendar")
        } else {
            var day = from
            while day <= to {
                let list = entries[day] ?? []
                let more = events[day] ?? []
                html += "<h2>\(Self.weekdays[Self.weekday(day)]), \(day.russian)</h2>"
                html += list.isEmpty && more.isEmpty ? #"<p class="muted">Процедур и совещаний нет.</p>"# : "<ul>\(list.map(entry))\(more.map(event))</ul>"
                day = day.adding(days: 1)
            }
        }
        if !anyDated { html += #"<p class="muted">Даты процедур ещё не назначены: их задают на странице процедуры.</p>"# }
        return html
    }
}
