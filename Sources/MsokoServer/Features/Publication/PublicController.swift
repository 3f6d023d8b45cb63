import Fluent
import MsokoCore
import Vapor

/// Which district the public pages are about.
enum PublicSite {
    /// `?district=` or, where the installation holds one district, that one; nil when it holds
    /// several and none is chosen (the home page then lists them), or none at all.
    static func district(_ req: Request) async throws -> Municipality? {
        if let id = req.query[String.self, at: "district"].flatMap(UUID.init(uuidString:)) {
            guard let m = try await Municipality.find(id, on: req.db) else { throw AppError.notFound }
            return m
        }
        let all = try await Municipality.query(on: req.db).limit(2).all()
        return all.count == 1 ? all[0] : nil
    }

    /// The snapshot of the chosen district; 404 where none can be chosen (every page but the home page).
    static func snapshot(_ req: Request) async throws -> PublicSnapshot {
        guard let m = try await district(req) else { throw AppError.notFound }
        return try await req.application.publicCache.snapshot(m, now: req.now, db: req.application.db)
    }

    /// The school of the path and its district's snapshot; an unknown or inactive school is 404.
    static func school(_ req: Request) async throws -> (PublicSnapshot, PublicSnapshot.SchoolInfo) {
        guard let login = req.parameters.get("login")?.lowercased(),
              let s = try await School.query(on: req.db).filter(\.$login == login).filter(\.$isActive == true).first(),
              let m = try await Municipality.find(s.$municipality.id, on: req.db) else { throw AppError.notFound }
        let snapshot = try await req.application.publicCache.snapshot(m, now: req.now, db: req.application.db)
        guard let info = snapshot.school(login: login) else { throw AppError.notFound }
        return (snapshot, info)
    }

    static func today(_ s: PublicSnapshot, _ req: Request) -> LocalDate { LocalDate(req.now, in: s.district.zone) }
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
            let all = try await Municipality.query(on: req.db).sort(\.$name).all()
            return PublicLayout.page(req, title: "Выбор района", snapshot: nil, section: nil,
                                     body: PublicPages.chooser(all.map { ($0.id!, $0.name, $0.departmentName) }))
        }
        let s = try await req.application.publicCache.snapshot(m, now: req.now, db: req.application.db)
        return PublicLayout.page(req, title: "Главная", snapshot: s, section: .home, body: PublicPages.home(s, today: PublicSite.today(s, req)), feed: feedURL(s))
    }

    static func schedule(req: Request) async throws -> Response {
        let s = try await PublicSite.snapshot(req)
        func text(_ key: String) -> String? { req.query[String.self, at: key].map { $0.trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 } }
        let period = text("period").flatMap { ["coming", "past", "all"].contains($0) ? $0 : nil } ?? "coming"
        let filter = PublicPages.ScheduleFilter(school: text("school")?.lowercased(), grade: text("grade").flatMap(Int.init), subject: text("subject"), period: period)
        return PublicLayout.page(req, title: "График процедур", snapshot: s, section: .schedule, body: PublicPages.schedule(s, today: PublicSite.today(s, req), filter: filter), feed: feedURL(s))
    }

    static func results(req: Request) async throws -> Response {
        let s = try await PublicSite.snapshot(req)
        let chosen = req.query[String.self, at: "procedure"].flatMap(UUID.init(uuidString:)).flatMap { s.procedure($0) }
        if req.query[String.self, at: "procedure"] != nil, chosen == nil || chosen?.participants == 0 { throw AppError.notFound }
        let selected = chosen ?? s.procedures.first { $0.participants > 0 }
        return PublicLayout.page(req, title: "Результаты", snapshot: s, section: .results, body: PublicPages.results(s, selected: selected), feed: feedURL(s))
    }

    static func documents(req: Request) async throws -> Response {
        let s = try await PublicSite.snapshot(req)
        let school = try schoolFilter(req, s)
        return PublicLayout.page(req, title: "Документы", snapshot: s, section: .documents, body: PublicPages.documents(s, school: school), feed: feedURL(s))
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
        let s = try await PublicSite.snapshot(req)
        let school = try schoolFilter(req, s)
        return PublicLayout.page(req, title: "Новости", snapshot: s, section: .news, body: PublicPages.news(s, school: school, feed: feedURL(s, school: school?.login)),
                                 feed: feedURL(s, school: school?.login))
    }

    /// The Atom feed of the district's and its schools' news (`?school=` for one school's).
    static func feed(req: Request) async throws -> Response {
        let s = try await PublicSite.snapshot(req)
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
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: "application/atom+xml; charset=utf-8")
        let res = Response(status: .ok, headers: headers, body: .init(string: feed.xml))
        res.headers.replaceOrAdd(name: .cacheControl, value: "public, max-age=300")
        return res
    }

    static func school(req: Request) async throws -> Response {
        let (s, sc) = try await PublicSite.school(req)
        return PublicLayout.page(req, title: sc.shortName, snapshot: s, section: .school, body: PublicPages.school(s, sc, today: PublicSite.today(s, req)),
                                 feed: feedURL(s, school: sc.login))
    }

    /// The block for the school's website: the only page that may be framed, and only by the
    /// origins the school lists (none listed: by nobody).
    static func embed(req: Request) async throws -> Response {
        let (s, sc) = try await PublicSite.school(req)
        let res = HTMLResponse.make(PublicPages.embed(s, sc, today: PublicSite.today(s, req)))
        let ancestors = sc.origins.isEmpty ? "'none'" : sc.origins.joined(separator: " ")
        res.headers.replaceOrAdd(name: "Content-Security-Policy", value: "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors \(ancestors)")
        PublicLayout.cacheable(res)
        return res
    }

    /// Sets the view (text size, colour scheme) and goes back to the public page it was chosen on.
    static func view(req: Request) async throws -> Response {
        let size = req.query[String.self, at: "size"].flatMap(Int.init) ?? 0
        let scheme = req.query[String.self, at: "scheme"].flatMap(PublicView.Scheme.init(rawValue:)) ?? .normal
        let view = PublicView(size: size, scheme: scheme)
        // Only back to a public page of this site (no open redirect).
        var back = req.query[String.self, at: "back"] ?? ""
        if !(back == "/public" || back.hasPrefix("/public/") || back.hasPrefix("/public?")) || back.contains("//") || back.contains("\\") { back = Site.publicHome.url.path }
        let res = req.redirect(to: back)
        res.cookies[PublicView.cookie] = HTTPCookies.Value(string: view.cookieValue, expires: nil, maxAge: view.isAccessible ? 365 * 24 * 3600 : 0,
                                                             path: "/public", isSecure: false, isHTTPOnly: true, sameSite: .lax)
        res.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return res
    }
}
