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

    static func calendar(req: Request) async throws -> Response {
        let user = try req.user
        let today = try await req.today()
        let model = try await CalendarPage.query(user: user, view: req.query[String.self, at: "view"], date: req.query[String.self, at: "date"],
                                                 school: req.query[String.self, at: "school"].flatMap(UUID.init(uuidString:)), today: today, on: req.db)
        return Layout.page(req, title: "Календарь", body: model.view, paper: .landscape)
    }

    struct ParticipantForm: Content { var school: String?; var className: String?; var date: String }

    static func saveParticipant(req: Request) async throws -> Response {
        let user = try req.user
        let p = try await Procedures.find(req)
        let form = try req.content.decode(ParticipantForm.self)
        let back = Site.procedure.url(try p.requireID())
        let school: School
        if user.role == .head {
            guard let s = try await Schools.own(of: user, on: req.db) else { throw AppError.forbidden }
            school = s
        } else {
            guard let login = form.school?.lowercased(), let s = try await School.query(on: req.db).filter(\.$login == login)
                .filter(\.$municipality.$id == user.requireMunicipalityID()).first() else {
                return req.redirect(to: back, error: "Выберите школу района.")
            }
            school = s
        }
        guard let date = LocalDate(iso: form.date) else {
            return req.redirect(to: back, error: "Поле «Дата»: ожидается дата (ГГГГ-ММ-ДД), получено «\(form.date)».")
        }
        let cls = WorkRecord.normalizeClass(form.className ?? "")
        if !cls.isEmpty, Int(cls.prefix { $0.isNumber }) != p.grade {
            return req.redirect(to: back, error: "Класс \(cls) не \(p.grade)-й параллели: процедура для \(p.grade) класса.")
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
        try await req.audited { db in
            try await participant.save(on: db)
            return try AuditNote(action: existing == nil ? "create" : "update", entity: "procedure_date", id: participant.id,
                                 summary: "\(ProcedureStore.title(p)): \(school.login) \(cls.isEmpty ? "вся школа" : cls) — \(date.russian)",
                                 before: before.map { ["date": $0] }, after: ["date": date.iso],
                                 municipalityID: school.$municipality.id, regionID: school.regionID, schoolID: school.id)
        }
        let warnings = try await ProcedureDates.items(user: user, on: req.db).first { $0.participant.id == participant.id }?.warnings ?? []
        let text = "Дата сохранена: \(school.shortName), \(cls.isEmpty ? "вся школа" : cls), \(date.russian)."
        return warnings.isEmpty ? req.redirect(to: back, ok: text) : req.redirect(to: back, info: text + "\nПредупреждение: " + warnings.joined(separator: "; ") + ".")
    }

    static func deleteParticipant(req: Request) async throws -> Response {
        let user = try req.user
        guard let participant = try await ProcedureParticipant.query(on: req.db).filter(\.$id == req.pathID("participantID")).with(\.$procedure).with(\.$school).first(),
              participant.municipalityID == user.municipalityID else { throw AppError.notFound }
        if user.role == .head { guard participant.$school.id == user.$school.id else { throw AppError.forbidden } }
        try await req.audited { db in
            try await participant.delete(on: db)
            return try AuditNote(action: "delete", entity: "procedure_date", id: participant.id,
                                 summary: "\(ProcedureStore.title(participant.procedure)): снята дата \(participant.school.login) \(participant.className)",
                                 before: ["date": participant.date ?? ""], municipalityID: participant.municipalityID, regionID: participant.regionID,
                                 schoolID: participant.$school.id)
        }
        return req.redirect(to: Site.procedure.url(participant.$procedure.id), ok: "Участник снят с процедуры.")
    }
}

/// The dated participants of the district's procedures, with the calendar's warnings.
enum ProcedureDates {
    struct Item {
        let entry: CalendarEntry
        let participant: ProcedureParticipant
        let procedure: Procedure
        let school: School
        var warnings: [String]
    }

    /// Every dated participant in the user's scope, with its warnings (computed across the district).
    static func items(user: User, on db: Database) async throws -> [Item] {
        let mid = try user.requireMunicipalityID()
        let participants = try await ProcedureParticipant.query(on: db).filter(\.$municipalityID == mid).filter(\.$date != nil)
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
}

/// The procedure page's section: participants with dates and warnings, and the form.
struct ParticipantsSection {
    struct Row {
        var id: UUID
        var date: String
        var school: String
        var className: String
        var warnings: String
        var canEdit: Bool
    }

    var rows: [Row]
    var canAssign: Bool
    /// The district's active schools (login, name) for a specialist; empty for a head (their own school).
    var schools: [(value: String, label: String)]

    static func query(procedure p: Procedure, user: User, on db: Database) async throws -> ParticipantsSection {
        let items = try await ProcedureDates.items(user: user, on: db).filter { $0.procedure.id == p.id }
        let schools = user.role == .specialist ? try await Schools.all(of: user, activeOnly: true, on: db).map { ($0.login, $0.shortName) } : []
        return ParticipantsSection(rows: items.map { i in
            Row(id: i.participant.id!, date: i.entry.date.russian, school: i.school.shortName, className: i.entry.className.isEmpty ? "вся школа" : i.entry.className,
                warnings: i.warnings.joined(separator: "; "), canEdit: user.role == .specialist || (user.role == .head && i.school.id == user.$school.id))
        }, canAssign: user.role == .specialist || user.role == .head, schools: schools)
    }

    func view(_ ctx: PageContext, procedure p: Procedure) -> HTML {
        var html: HTML = "<h2>Участники и даты</h2>"
        html += rows.isEmpty
            ? #"<p class="muted">Даты не назначены. Пока классы не перечислены, принимаются результаты любых классов этой параллели.</p>"#
            : HTML.table(head: #"<th>Дата</th><th>Школа</th><th>Класс</th><th>Предупреждения</th><th class="no-print"></th>"#, rows: rows.map { r in
                let remove: HTML = r.canEdit ? .postButton(ctx, action: Site.participantDelete.url(r.id), label: "Снять", style: "secondary small") : ""
                return #"<tr><td>\#(r.date)</td><td>\#(r.school)</td><td>\#(r.className)</td><td>\#(r.warnings)</td><td class="no-print">\#(remove)</td></tr>"#
            })
        guard canAssign else { return html }
        let schoolField: HTML = schools.isEmpty ? "" : .schoolSelect(id: "pschool", name: "school", label: "Школа", schools: schools)
        html += """
        <section class="card no-print"><h3>Назначить дату</h3>
        <form method="post" action="\(Site.participantSave.url(p.id!))">\(ctx.csrfField)\(schoolField)
        <label for="pclass">Класс</label><input type="text" id="pclass" name="className" placeholder="\(p.grade)А (пусто — вся параллель школы)">
        <label for="pdate">Дата</label><input type="date" id="pdate" name="date" required>
        <div class="hint">Предупреждения (дата вне периода ВПР, две процедуры в классе в один день) не мешают сохранению.</div>
        <div class="actions"><button class="btn" type="submit">Сохранить дату</button></div>
        </form></section>
        """
        return html
    }
}
