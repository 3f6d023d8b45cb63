import Fluent
import MsokoCore
import Vapor

/// A personal iCalendar feed (issue 15 §5): a secret address a phone or Outlook subscribes to,
/// with the user's meetings and interviews, the deadlines of their decisions and the procedure
/// dates in their scope. The page makes the address (shown once: only its SHA-256 is kept),
/// makes a new one (the old stops working) or revokes it.
enum CalendarFeedController {
    static func register(_ app: Application) {
        app.on(Site.calendarFeed, use: page)
        app.on(Site.calendarFeedCreate, use: create)
        app.on(Site.calendarFeedRevoke, use: revoke)
        app.on(Site.calendarICS, use: feed)
    }

    static func active(_ user: User, on db: Database) async throws -> CalendarFeed? {
        try await CalendarFeed.query(on: db).filter(\.$user.$id == user.requireID()).filter(\.$revokedAt == nil).first()
    }

    static func page(req: Request) async throws -> Response {
        let user = try req.user
        let feed = try await active(user, on: req.db)
        let zone = try await req.municipalityZone()
        return Layout.page(req, title: "Календарь на телефоне", body: CalendarFeedPage(feed: feed, zone: zone, address: nil).view(req.pageContext()))
    }

    /// A new secret address; an older one of the user stops working. The page shows it this once.
    static func create(req: Request) async throws -> Response {
        let user = try req.user
        let token = Tokens.random()
        let feed = CalendarFeed()
        feed.$user.id = try user.requireID()
        feed.tokenHash = Tokens.hash(token)
        let renewed = try await active(user, on: req.db) != nil
        try await req.audited { db in
            try await CalendarFeed.query(on: db).filter(\.$user.$id == user.requireID()).filter(\.$revokedAt == nil).set(\.$revokedAt, to: Date()).update()
            try await feed.create(on: db)
            return try AuditNote(action: "create", entity: "calendar_feed", id: feed.id, summary: "\(user.name): \(renewed ? "новая ссылка на календарь (прежняя отключена)" : "ссылка на календарь")",
                                 municipalityID: user.municipalityID, regionID: user.regionID, schoolID: user.$school.id)
        }
        let address = PublicAddress.url(req, Site.calendarICS.url(token + ".ics"))
        let zone = try await req.municipalityZone()
        return Layout.page(req, title: "Календарь на телефоне", body: CalendarFeedPage(feed: feed, zone: zone, address: address).view(req.pageContext()))
    }

    static func revoke(req: Request) async throws -> Response {
        let user = try req.user
        guard try await active(user, on: req.db) != nil else { return req.redirect(to: Site.calendarFeed.url, info: "Ссылки на календарь нет.") }
        try await req.audited { db in
            try await CalendarFeed.query(on: db).filter(\.$user.$id == user.requireID()).filter(\.$revokedAt == nil).set(\.$revokedAt, to: Date()).update()
            return try AuditNote(action: "revoke", entity: "calendar_feed", id: nil, summary: "\(user.name): ссылка на календарь отключена",
                                 municipalityID: user.municipalityID, regionID: user.regionID, schoolID: user.$school.id)
        }
        return req.redirect(to: Site.calendarFeed.url, ok: "Ссылка отключена: календарь по ней больше не обновляется.")
    }

    /// The feed: 404 for an unknown or revoked address, a disabled account, or one in no district.
    static func feed(req: Request) async throws -> Response {
        guard var token = req.parameters.get("token") else { throw AppError.notFound }
        if token.hasSuffix(".ics") { token.removeLast(4) }
        guard let feed = try await CalendarFeed.query(on: req.db).filter(\.$tokenHash == Tokens.hash(token)).filter(\.$revokedAt == nil).with(\.$user).first(),
              !feed.user.isDisabled, let mid = feed.user.municipalityID, let m = try await Municipality.find(mid, on: req.db) else { throw AppError.notFound }
        let user = feed.user
        let zone = m.zone
        let today = LocalDate(req.now, in: zone)
        var events: [ICalendar.Event] = []
        if Site.meetings.admits(user.role) {
            for e in try await CalendarEvents.of(user, today: today, on: req.db) {
                let url = Self.absolute(req, e.url)
                switch e.kind {
                case .meeting:
                    let start = e.time.isEmpty ? nil : instant(e.date, e.time, zone)
                    events.append(ICalendar.Event(uid: "meeting-\(e.id)@msoko", start: start, day: start == nil ? e.date : nil, summary: "\(e.title): \(e.detail)",
                                                  description: e.detail, location: e.place, url: url))
                case .deadline:
                    events.append(ICalendar.Event(uid: "decision-\(e.id)@msoko", day: e.date, summary: "\(e.overdue ? "Просрочено: " : "Срок: ")\(e.detail)",
                                                  description: e.place.isEmpty ? "Решение вне заседания" : "Решение: \(e.place)", url: url))
                }
            }
        }
        if Site.calendar.admits(user.role) || user.role == .teacher {
            for i in try await ProcedureDates.items(user: user, on: req.db) where user.role != .teacher || i.school.id == user.$school.id {
                events.append(ICalendar.Event(uid: "procedure-\(i.participant.id!)@msoko", day: i.entry.date,
                                              summary: "\(ProcedureStore.title(i.procedure)) — \(i.entry.className.isEmpty ? "вся школа" : i.entry.className), \(i.school.shortName)",
                                              url: Self.absolute(req, Site.procedure.url(i.procedure.id!))))
            }
        }
        feed.lastReadAt = Date()
        try await feed.save(on: req.db)
        let text = ICalendar.document(name: "МСОКО: \(user.name)", events: events, stamp: req.now)
        var headers = HTTPHeaders()
        headers.contentType = HTTPMediaType(type: "text", subType: "calendar", parameters: ["charset": "utf-8"])
        headers.add(name: .cacheControl, value: "private, max-age=300")
        return Response(status: .ok, headers: headers, body: .init(string: text))
    }

    /// The start of a meeting («10:00» on its date in the district's zone) as an instant.
    static func instant(_ d: LocalDate, _ time: String, _ zone: TimeZone) -> Date? {
        let p = time.split(separator: ":")
        guard p.count == 2, let h = Int(p[0]), let m = Int(p[1]) else { return nil }
        return d.start(in: zone).addingTimeInterval(TimeInterval(h * 3600 + m * 60))
    }

    static func absolute(_ req: Request, _ url: SiteURL) -> String? { PublicAddress.url(req, url) }
}

struct CalendarFeedPage {
    var feed: CalendarFeed?
    var zone: TimeZone
    /// The secret address, right after it was made (shown once).
    var address: String?

    func view(_ ctx: PageContext) -> HTML {
        var html: HTML = "<h1>Календарь на телефоне</h1>\(ctx.flash)"
        html += #"<p>Совещания и собеседования, сроки ваших решений и даты оценочных процедур можно видеть в календаре телефона или Outlook: подпишитесь на личную ссылку. Календарь обновляется сам (раз в час).</p>"#
        if let address {
            html += #"""
            <section class="card"><h2>Ваша ссылка</h2>
            <p><input type="text" readonly value="\#(address)" aria-label="Ссылка на календарь" onclick="this.select()" style="width:100%"></p>
            <p class="hint">Скопируйте её сейчас: msoko хранит не ссылку, а её отпечаток, и показать её снова не сможет. Если ссылка потеряна или попала к чужим — сделайте новую (прежняя перестанет работать) или отключите.</p>
            <p class="hint">iPhone: Настройки → Календарь → Учётные записи → Новая → Другое → Подписной календарь. Android (Google Календарь, на компьютере): «Другие календари» → «Добавить по URL». Outlook: «Добавить календарь» → «Из Интернета».</p></section>
            """#
        }
        if let feed, address == nil {
            let made = feed.createdAt.map { LocalDate($0, in: zone).russian } ?? "—"
            let read = feed.lastReadAt.map { LocalDate($0, in: zone).russian } ?? "ещё не запрашивался"
            html += #"<section class="card"><p>Ссылка создана \#(made); календарь по ней последний раз запрашивался: \#(read).</p></section>"#
        } else if feed == nil {
            html += #"<p class="muted">Ссылки пока нет.</p>"#
        }
        html += #"<div class="actions">\#(HTML.postButton(ctx, action: Site.calendarFeedCreate.url, label: feed == nil ? "Получить ссылку" : "Сделать новую ссылку", style: feed == nil ? "" : "secondary"))"#
        if feed != nil { html += HTML.postButton(ctx, action: Site.calendarFeedRevoke.url, label: "Отключить ссылку", style: "danger") }
        html += "</div>"
        return html
    }
}
