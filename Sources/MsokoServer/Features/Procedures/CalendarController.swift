import Fluent
import MsokoCore
import Vapor

/// The procedure calendar (month, week, day; the district or one school) and the dates of a
/// procedure's participants, with warnings that never block saving.
enum CalendarController {
    static func register(_ app: Application) {
        app.on(Site.calendar, use: calendar)
        app.on(Site.participantSave, use: saveParticipant)
        app.on(Site.participantDelete, use: deleteParticipant)
    }

    struct Item {
        let entry: CalendarEntry
        let participant: ProcedureParticipant
        let procedure: Procedure
        let school: School
        var warnings: [String]
    }

    /// Every dated participant in the user's scope, with its warnings (computed across the district).
    static func items(_ req: Request, user: User) async throws -> [Item] {
        let mid = try user.requireMunicipalityID()
        let participants = try await ProcedureParticipant.query(on: req.db).filter(\.$municipalityID == mid).filter(\.$date != nil)
            .with(\.$procedure).with(\.$school).all()
        var items: [Item] = participants.compactMap { p in
            guard let d = p.date.flatMap(LocalDate.init(iso:)) else { return nil }
            let e = CalendarEntry(id: p.id!.uuidString, procedure: ProcedureStore.title(p.procedure), type: p.procedure.type, year: p.procedure.year,
                                  school: p.school.login, className: p.className, date: d)
            return Item(entry: e, participant: p, procedure: p.procedure, school: p.school, warnings: [])
        }
        let entries = items.map(\.entry)
        for i in items.indices { items[i].warnings = CalendarRules.warnings(for: items[i].entry, among: entries) }
        if user.role == .head { items = items.filter { $0.school.id == user.$school.id } }
        return items.sorted { ($0.entry.date, $0.school.login, $0.entry.className) < ($1.entry.date, $1.school.login, $1.entry.className) }
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

    static func calendar(req: Request) async throws -> Response {
        let user = try req.require([.specialist, .admin, .methodist, .head])
        var all = try await items(req, user: user)
        let schoolFilter = req.query[String.self, at: "school"].flatMap(UUID.init(uuidString:))
        if let schoolFilter { all = all.filter { $0.school.id == schoolFilter } }
        let view = ["day", "week", "month"].contains(req.query[String.self, at: "view"] ?? "") ? req.query[String.self, at: "view"]! : "month"
        let today = try await req.tracker().map(\.today) ?? LocalDate(req.now, in: TimeZone(identifier: "Europe/Moscow")!)
        // Without a date: this month if it has procedures, else the next month that has, else the last.
        var anchor = req.query[String.self, at: "date"].flatMap(LocalDate.init(iso:)) ?? {
            if all.contains(where: { $0.entry.date.year == today.year && $0.entry.date.month == today.month }) { return today }
            return all.first(where: { $0.entry.date >= today })?.entry.date ?? all.last?.entry.date ?? today
        }()
        let (from, to, prev, next, heading): (LocalDate, LocalDate, LocalDate, LocalDate, String)
        switch view {
        case "day":
            (from, to) = (anchor, anchor)
            (prev, next) = (anchor.adding(days: -1), anchor.adding(days: 1))
            heading = anchor.russian
        case "week":
            let monday = anchor.adding(days: -weekday(anchor))
            (from, to) = (monday, monday.adding(days: 6))
            (prev, next) = (monday.adding(days: -7), monday.adding(days: 7))
            heading = "\(from.russian) – \(to.russian)"
        default:
            anchor = LocalDate(year: anchor.year, month: anchor.month, day: 1)
            from = anchor
            to = LocalDate.lastDay(ofMonth: anchor.month, year: anchor.year)
            prev = anchor.month == 1 ? LocalDate(year: anchor.year - 1, month: 12, day: 1) : LocalDate(year: anchor.year, month: anchor.month - 1, day: 1)
            next = to.adding(days: 1)
            heading = "\(months[anchor.month - 1].capitalized) \(anchor.year)"
        }
        let inRange = all.filter { $0.entry.date >= from && $0.entry.date <= to }
        let schoolParam = schoolFilter.map { "&school=\($0)" } ?? ""
        func link(_ label: String, view v: String, date d: LocalDate, current: Bool = false) -> String {
            "<a class=\"btn \(current ? "" : "secondary") small\" href=\"/calendar?view=\(v)&date=\(d.iso)\(schoolParam)\">\(esc(label))</a>"
        }
        var html = """
        <h1>Календарь оценочных процедур</h1>
        <div class="actions no-print">\(link("‹", view: view, date: prev)) <strong>\(esc(heading))</strong> \(link("›", view: view, date: next))
        \(link("День", view: "day", date: anchor, current: view == "day")) \(link("Неделя", view: "week", date: anchor, current: view == "week")) \(link("Месяц", view: "month", date: anchor, current: view == "month"))
        </div>
        """
        if user.role != .head {
            let schools = try await School.query(on: req.db).filter(\.$municipality.$id == user.requireMunicipalityID()).sort(\.$login).all()
            let options = schools.map { "<option value=\"\($0.id!)\"\($0.id == schoolFilter ? " selected" : "")>\(esc($0.shortName))</option>" }.joined()
            html += """
            <form method="get" action="/calendar" class="no-print"><input type="hidden" name="view" value="\(view)"><input type="hidden" name="date" value="\(anchor.iso)">
            <label for="school">Школа</label><select id="school" name="school"><option value="">Все школы района</option>\(options)</select>
            <div class="actions"><button class="btn secondary small" type="submit">Показать</button></div></form>
            """
        }
        let warningCount = inRange.filter { !$0.warnings.isEmpty }.count
        if warningCount > 0 { html += "<div class=\"flash info\">Предупреждений: \(warningCount) — см. отмеченные ⚠ записи.</div>" }
        // The month grid is compact (subject, class, school; warnings behind ⚠); week and day show everything.
        let compact = view == "month"
        func entryHTML(_ i: Item) -> String {
            let who = user.role == .head ? "" : " — \(esc(i.school.shortName))"
            let text = i.warnings.joined(separator: "; ")
            let warn = i.warnings.isEmpty ? "" : compact
                ? " <span class=\"warn\" title=\"\(esc(text))\" aria-label=\"Предупреждение: \(esc(text))\">⚠</span>"
                : "<div class=\"flash info\">⚠ \(esc(text))</div>"
            let name = compact ? "\(i.procedure.type) \(i.procedure.subject)" : ProcedureStore.title(i.procedure)
            return "<li><a href=\"/procedures/\(i.procedure.id!)\" title=\"\(esc(ProcedureStore.title(i.procedure)))\">\(esc(name))</a> · \(esc(i.entry.className.isEmpty ? "вся школа" : i.entry.className))\(who)\(warn)</li>"
        }
        if view == "month" {
            html += "<div class=\"table-wrap\"><table class=\"calendar\"><thead><tr>" + weekdays.map { "<th>\($0)</th>" }.joined() + "</tr></thead><tbody><tr>"
            html += String(repeating: "<td class=\"empty\"></td>", count: weekday(from))
            var day = from
            while day <= to {
                let list = inRange.filter { $0.entry.date == day }
                html += "<td\(day == today ? " class=\"today\"" : "")><div class=\"day\">\(day.day)</div>\(list.isEmpty ? "" : "<ul class=\"cp-list\">" + list.map(entryHTML).joined() + "</ul>")</td>"
                if weekday(day) == 6 && day < to { html += "</tr><tr>" }
                day = day.adding(days: 1)
            }
            html += String(repeating: "<td class=\"empty\"></td>", count: 6 - weekday(to)) + "</tr></tbody></table></div>"
        } else {
            var day = from
            while day <= to {
                let list = inRange.filter { $0.entry.date == day }
                html += "<h2>\(weekdays[weekday(day)]), \(day.russian)</h2>"
                html += list.isEmpty ? "<p class=\"muted\">Процедур нет.</p>" : "<ul>" + list.map(entryHTML).joined() + "</ul>"
                day = day.adding(days: 1)
            }
        }
        if all.isEmpty { html += "<p class=\"muted\">Даты процедур ещё не назначены: их задают на странице процедуры.</p>" }
        return Layout.page(req, title: "Календарь", body: html)
    }

    // MARK: participants

    struct ParticipantForm: Content { var school: String?; var className: String?; var date: String }

    static func saveParticipant(req: Request) async throws -> Response {
        let user = try req.require([.specialist, .head])
        let p = try await ProcedureController.find(req)
        let form = try req.content.decode(ParticipantForm.self)
        let back = "/procedures/\(p.id!)"
        let school: School
        if user.role == .head {
            guard let sid = user.$school.id, let s = try await School.find(sid, on: req.db) else { throw AppError.forbidden }
            school = s
        } else {
            guard let login = form.school?.lowercased(), let s = try await School.query(on: req.db).filter(\.$login == login)
                .filter(\.$municipality.$id == user.requireMunicipalityID()).first() else {
                Flash.set(req, "error", "Выберите школу района.")
                return req.redirect(to: back)
            }
            school = s
        }
        guard let date = LocalDate(iso: form.date) else {
            Flash.set(req, "error", "Поле «Дата»: ожидается дата (ГГГГ-ММ-ДД), получено «\(form.date)».")
            return req.redirect(to: back)
        }
        let cls = WorkRecord.normalizeClass(form.className ?? "")
        if !cls.isEmpty, Int(cls.prefix { $0.isNumber }) != p.grade {
            Flash.set(req, "error", "Класс \(cls) не \(p.grade)-й параллели: процедура для \(p.grade) класса.")
            return req.redirect(to: back)
        }
        let existing = try await ProcedureParticipant.query(on: req.db).filter(\.$procedure.$id == p.requireID())
            .filter(\.$school.$id == school.requireID()).filter(\.$className == cls).first()
        let participant = existing ?? ProcedureParticipant()
        let before = existing?.date
        participant.$procedure.id = try p.requireID()
        participant.$school.id = try school.requireID()
        participant.className = cls
        participant.date = date.iso
        participant.regionID = school.regionID
        participant.municipalityID = school.$municipality.id
        try await req.db.transaction { db in
            try await participant.save(on: db)
            try await Audit.record(on: db, actor: user.login, action: existing == nil ? "create" : "update", entity: "procedure_date", id: participant.id?.uuidString,
                                   summary: "\(ProcedureStore.title(p)): \(school.login) \(cls.isEmpty ? "вся школа" : cls) — \(date.russian)",
                                   before: before.map { ["date": $0] }, after: ["date": date.iso],
                                   municipalityID: school.$municipality.id, regionID: school.regionID, schoolID: school.id)
        }
        let mine = try await items(req, user: user).first { $0.participant.id == participant.id }
        let warnings = mine?.warnings ?? []
        Flash.set(req, warnings.isEmpty ? "ok" : "info",
                  "Дата сохранена: \(school.shortName), \(cls.isEmpty ? "вся школа" : cls), \(date.russian)." + (warnings.isEmpty ? "" : "\nПредупреждение: " + warnings.joined(separator: "; ") + "."))
        return req.redirect(to: back)
    }

    static func deleteParticipant(req: Request) async throws -> Response {
        let user = try req.require([.specialist, .head])
        guard let id = req.parameters.get("participantID", as: UUID.self),
              let participant = try await ProcedureParticipant.query(on: req.db).filter(\.$id == id).with(\.$procedure).with(\.$school).first(),
              participant.municipalityID == user.municipalityID else { throw AppError.notFound }
        if user.role == .head { guard participant.$school.id == user.$school.id else { throw AppError.forbidden } }
        try await req.db.transaction { db in
            try await participant.delete(on: db)
            try await Audit.record(on: db, actor: user.login, action: "delete", entity: "procedure_date", id: id.uuidString,
                                   summary: "\(ProcedureStore.title(participant.procedure)): снята дата \(participant.school.login) \(participant.className)",
                                   before: ["date": participant.date ?? ""], municipalityID: participant.municipalityID, regionID: participant.regionID,
                                   schoolID: participant.$school.id)
        }
        Flash.set(req, "ok", "Участник снят с процедуры.")
        return req.redirect(to: "/procedures/\(participant.procedure.id!)")
    }

    /// The procedure page's section: participants with dates and warnings, and the form.
    static func participantsSection(_ req: Request, procedure p: Procedure, user: User) async throws -> String {
        let all = try await items(req, user: user).filter { $0.procedure.id == p.id }
        var html = "<h2>Участники и даты</h2>"
        if all.isEmpty {
            html += "<p class=\"muted\">Даты не назначены. Пока классы не перечислены, принимаются результаты любых классов этой параллели.</p>"
        } else {
            html += "<div class=\"table-wrap\"><table><thead><tr><th>Дата</th><th>Школа</th><th>Класс</th><th>Предупреждения</th><th class=\"no-print\"></th></tr></thead><tbody>"
            for i in all {
                let canEdit = user.role == .specialist || (user.role == .head && i.school.id == user.$school.id)
                html += "<tr><td>\(i.entry.date.russian)</td><td>\(esc(i.school.shortName))</td><td>\(esc(i.entry.className.isEmpty ? "вся школа" : i.entry.className))</td><td>\(esc(i.warnings.joined(separator: "; ")))</td><td class=\"no-print\">\(canEdit ? postButton(req, action: "/participants/\(i.participant.id!)/delete", label: "Снять", style: "secondary small") : "")</td></tr>"
            }
            html += "</tbody></table></div>"
        }
        guard user.role == .specialist || user.role == .head else { return html }
        var schoolField = ""
        if user.role == .specialist {
            let schools = try await School.query(on: req.db).filter(\.$municipality.$id == user.requireMunicipalityID()).filter(\.$isActive == true).sort(\.$login).all()
            schoolField = "<label for=\"pschool\">Школа</label><select id=\"pschool\" name=\"school\">" + schools.map { "<option value=\"\($0.login)\">\(esc($0.shortName))</option>" }.joined() + "</select>"
        }
        html += """
        <section class="card no-print"><h3>Назначить дату</h3>
        <form method="post" action="/procedures/\(p.id!)/participants">\(csrfField(req))\(schoolField)
        <label for="pclass">Класс</label><input type="text" id="pclass" name="className" placeholder="\(p.grade)А (пусто — вся параллель школы)">
        <label for="pdate">Дата</label><input type="date" id="pdate" name="date" required>
        <div class="hint">Предупреждения (дата вне периода ВПР, две процедуры в классе в один день) не мешают сохранению.</div>
        <div class="actions"><button class="btn" type="submit">Сохранить дату</button></div>
        </form></section>
        """
        return html
    }
}
