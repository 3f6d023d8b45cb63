import Fluent
import MsokoCore
import Vapor

/// Which district the public pages are about, from the cached directory (no query per request).
enum PublicSite {
    static func directory(_ req: Request) async throws -> PublicCache.Directory {
        try await req.application.publicCache.directory(now: req.now, db: req.application.db)
    }

    /// `?district=` or, where the installation holds one district, that one; nil when it holds
    /// several and none is chosen (the home page then lists them), or none at all.
    static func district(_ req: Request) async throws -> Municipality? {
        let dir = try await directory(req)
        if let text = req.query[String.self, at: "district"] {
            guard let id = UUID(uuidString: text), let m = dir.districts.first(where: { $0.id == id }) else { throw AppError.notFound }
            return m
        }
        return dir.districts.count == 1 ? dir.districts[0] : nil
    }

    /// The chosen district; 404 where none can be chosen (every page but the home page).
    static func chosen(_ req: Request) async throws -> Municipality {
        guard let m = try await district(req) else { throw AppError.notFound }
        return m
    }

    /// The district of the path's school (`:login`); an unknown or inactive school is 404.
    static func schoolDistrict(_ req: Request) async throws -> (Municipality, String) {
        let dir = try await directory(req)
        guard let login = req.parameters.get("login")?.lowercased(), let id = dir.schools[login],
              let m = dir.districts.first(where: { $0.id == id }) else { throw AppError.notFound }
        return (m, login)
    }

    static func today(_ s: PublicSnapshot, _ req: Request) -> LocalDate { LocalDate(req.now, in: s.district.zone) }

    /// The page of `m` for this address, view and day: served as rendered before from the same
    /// snapshot, or rendered now and kept.
    static func serve(_ req: Request, _ m: Municipality, render: (PublicSnapshot) throws -> PublicCache.Page) async throws -> Response {
        let key = "\(req.url.path)?\(req.url.query ?? "")|\(PublicView.of(req).cookieValue)|\(LocalDate(req.now, in: m.zone).iso)"
        let cache = req.application.publicCache
        let (snapshot, kept) = try await cache.snapshot(m, page: key, now: req.now, db: req.application.db)
        if let kept { return kept.response }
        let page = try render(snapshot)
        await cache.keep(page, key: key, from: snapshot)
        return page.response
    }
}

/// The public pages (4.1, issue 18): no account, read only, rendered from the district's snapshot.
enum PublicController {
    static func register(_ app: Application) {
        app.on(Site.publicHome, use: home)
        app.on(Site.publicSchedule, use: schedule)
        app.on(Site.publicResults, use: results)
        app.on(Site.publicDocuments, use: documents)
        app.on(Site.publicDocument, use: document)
        app.on(Site.publicNews, use: news)
        app.on(Site.publicFeed, use: feed)
        app.on(Site.publicSchool, use: school)
        app.on(Site.publicEmbed, use: embed)
        app.on(Site.publicView, use: view)
    }

    static func feedURL(_ s: PublicSnapshot, school: String? = nil) -> SiteURL {
        s.link(Site.publicFeed.url).query(["school": school])
    }

    /// `/public`: the district's page, or — where the installation holds several — the list to choose from.
    static func home(req: Request) async throws -> Response {
        guard let m = try await PublicSite.district(req) else {
            let all = try await PublicSite.directory(req).districts
            return PublicLayout.page(req, title: "Выбор района", snapshot: nil, section: nil,
                                     body: PublicPages.chooser(all.map { ($0.id!, $0.name, $0.departmentName) })).response
        }
        return try await PublicSite.serve(req, m) { s in
            PublicLayout.page(req, title: "Главная", snapshot: s, section: .home, body: PublicPages.home(s, today: PublicSite.today(s, req)), feed: feedURL(s))
        }
    }

    static func schedule(req: Request) async throws -> Response {
        func text(_ key: String) -> String? { req.query[String.self, at: key].map { $0.trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 } }
        let period = text("period").flatMap { ["coming", "past", "all"].contains($0) ? $0 : nil } ?? "coming"
        let filter = PublicPages.ScheduleFilter(school: text("school")?.lowercased(), grade: text("grade").flatMap(Int.init), subject: text("subject"), period: period)
        return try await PublicSite.serve(req, try await PublicSite.chosen(req)) { s in
            PublicLayout.page(req, title: "График процедур", snapshot: s, section: .schedule, body: PublicPages.schedule(s, today: PublicSite.today(s, req), filter: filter), feed: feedURL(s))
        }
    }

    static func results(req: Request) async throws -> Response {
        try await PublicSite.serve(req, try await PublicSite.chosen(req)) { s in
            let asked = req.query[String.self, at: "procedure"]
            let chosen = asked.flatMap(UUID.init(uuidString:)).flatMap { s.procedure($0) }
            if asked != nil, chosen == nil || chosen?.participants == 0 { throw AppError.notFound }
            let selected = chosen ?? s.procedures.first { $0.participants > 0 }
            return PublicLayout.page(req, title: "Результаты", snapshot: s, section: .results, body: PublicPages.results(s, selected: selected), feed: feedURL(s))
        }
    }

    static func documents(req: Request) async throws -> Response {
        try await PublicSite.serve(req, try await PublicSite.chosen(req)) { s in
            PublicLayout.page(req, title: "Документы", snapshot: s, section: .documents, body: PublicPages.documents(s, school: try schoolFilter(req, s)), feed: feedURL(s))
        }
    }

    /// `?school=LOGIN` of the district, or none; an unknown one is 404.
    static func schoolFilter(_ req: Request, _ s: PublicSnapshot) throws -> PublicSnapshot.SchoolInfo? {
        guard let login = req.query[String.self, at: "school"]?.lowercased(), !login.isEmpty else { return nil }
        guard let sc = s.school(login: login) else { throw AppError.notFound }
        return sc
    }

    /// A published document's file; unpublished or unknown is 404.
    static func document(req: Request) async throws -> Response {
        guard let d = try await PublicDocument.query(on: req.db).filter(\.$id == req.pathID("documentID")).filter(\.$published == true).first() else { throw AppError.notFound }
        let res = Download.stored(d, type: d.contentType)
        res.headers.replaceOrAdd(name: .cacheControl, value: "public, max-age=300")
        return res
    }

    static func news(req: Request) async throws -> Response {
        try await PublicSite.serve(req, try await PublicSite.chosen(req)) { s in
            let school = try schoolFilter(req, s)
            return PublicLayout.page(req, title: "Новости", snapshot: s, section: .news, body: PublicPages.news(s, school: school, feed: feedURL(s, school: school?.login)),
                                     feed: feedURL(s, school: school?.login))
        }
    }

    /// The Atom feed of the district's and its schools' news (`?school=` for one school's).
    static func feed(req: Request) async throws -> Response {
        try await PublicSite.serve(req, try await PublicSite.chosen(req)) { s in
            let school = try schoolFilter(req, s)
            let base = PublicAddress.base(req)
            let items = s.news.filter { school == nil || $0.school == school?.id }.prefix(50)
            let feed = AtomFeed(id: "urn:uuid:\(school?.id ?? s.district.id)".lowercased(), title: "Новости: \(school?.shortName ?? s.district.department)",
                                subtitle: "Оценочные процедуры, объективность, результаты — \(s.district.name)",
                                selfLink: base + feedURL(s, school: school?.login).path, pageLink: base + s.link(Site.publicNews.url).query(["school": school?.login]).path,
                                author: school?.shortName ?? s.district.department,
                                entries: items.map { n in
                                    AtomFeed.Entry(id: "urn:uuid:\(n.id.uuidString.lowercased())", title: n.title, updated: n.updatedAt, published: n.publishedAt,
                                                   link: base + s.link(Site.publicNews.url).fragment("news-\(n.id.uuidString)").path, author: s.author(n.school), content: n.body)
                                }, emptyUpdated: s.builtAt)
            var headers = PublicLayout.headers(contentType: "application/atom+xml; charset=utf-8")
            headers.replaceOrAdd(name: .cacheControl, value: "public, max-age=300")
            return PublicCache.Page(status: .ok, headers: headers, body: feed.xml)
        }
    }

    static func school(req: Request) async throws -> Response {
        let (m, login) = try await PublicSite.schoolDistrict(req)
        return try await PublicSite.serve(req, m) { s in
            guard let sc = s.school(login: login) else { throw AppError.notFound }
            return PublicLayout.page(req, title: sc.shortName, snapshot: s, section: .school, body: PublicPages.school(s, sc, today: PublicSite.today(s, req)),
                                     feed: feedURL(s, school: sc.login))
        }
    }

    /// The block for the school's website: the only page that may be framed, and only by the
    /// origins the school lists (none listed: by nobody).
    static func embed(req: Request) async throws -> Response {
        let (m, login) = try await PublicSite.schoolDistrict(req)
        return try await PublicSite.serve(req, m) { s in
            guard let sc = s.school(login: login) else { throw AppError.notFound }
            var headers = PublicLayout.headers()
            let ancestors = sc.origins.isEmpty ? "'none'" : sc.origins.joined(separator: " ")
            headers.replaceOrAdd(name: "Content-Security-Policy", value: "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors \(ancestors)")
            return PublicCache.Page(status: .ok, headers: headers, body: PublicPages.embed(s, sc, today: PublicSite.today(s, req)).markup)
        }
    }

    /// Sets the view (text size, colour scheme) and goes back to the public page it was chosen on.
    static func view(req: Request) async throws -> Response {
        let size = req.query[String.self, at: "size"].flatMap(Int.init) ?? 0
        let scheme = req.query[String.self, at: "scheme"].flatMap(PublicView.Scheme.init(rawValue:)) ?? .normal
        let view = PublicView(size: size, scheme: scheme)
        // Only back to a public page of this site (no open redirect).
        var back = req.query[String.self, at: "back"] ?? ""
        if !(back == "/public" || back.hasPrefix("/public/") || back.hasPrefix("/public?")) || back.contains("//") || back.contains("\\")
            || back.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) { back = Site.publicHome.url.path }
        let res = req.redirect(to: back)
        res.cookies[PublicView.cookie] = HTTPCookies.Value(string: view.cookieValue, expires: nil, maxAge: view.isAccessible ? 365 * 24 * 3600 : 0,
                                                             path: "/public", isSecure: false, isHTTPOnly: true, sameSite: .lax)
        res.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return res
    }
}
