import MsokoCore
import Vapor

/// The version for the visually impaired (ГОСТ Р 52872-2019): text size and colour scheme, chosen
/// with the switches at the top of every public page and kept in a cookie for the public pages.
struct PublicView: Equatable, Sendable {
    enum Scheme: String, CaseIterable, Sendable {
        case normal, bw, wb, blue
        var title: String {
            switch self {
            case .normal: "Обычная"
            case .bw: "Чёрным по белому"
            case .wb: "Белым по чёрному"
            case .blue: "Тёмно-синим по голубому"
            }
        }
        var short: String {
            switch self {
            case .normal: "Цвет"
            case .bw: "Ч/Б"
            case .wb: "Б/Ч"
            case .blue: "Синий"
            }
        }
    }

    var size = 0
    var scheme = Scheme.normal

    static let cookie = "msoko_view"
    static let sizes = ["Обычный", "Крупный", "Очень крупный"]

    init(size: Int = 0, scheme: Scheme = .normal) {
        self.size = min(max(size, 0), 2)
        self.scheme = scheme
    }

    /// «1-bw»; anything else is the ordinary view.
    init(cookie: String?) {
        let parts = (cookie ?? "").split(separator: "-")
        self.init(size: parts.first.flatMap { Int($0) } ?? 0, scheme: parts.count > 1 ? Scheme(rawValue: String(parts[1])) ?? .normal : .normal)
    }

    var cookieValue: String { "\(size)-\(scheme.rawValue)" }
    var isAccessible: Bool { size > 0 || scheme != .normal }
    var classes: String { "pub size-\(size) scheme-\(scheme.rawValue)" }

    static func of(_ req: Request) -> PublicView { PublicView(cookie: req.cookies[cookie]?.string) }
}

/// The frame of the public pages: the district's name, its sections, the switches of the version
/// for the visually impaired, and a footer with the staff's sign-in. No account, no personal data,
/// no script; cacheable for a minute by browsers and proxies (`Vary: Cookie` for the view).
enum PublicLayout {
    enum Section: String { case home, schedule, results, documents, news, school }

    static func sections(_ snapshot: PublicSnapshot) -> [(Section, SiteURL, String)] {
        let all: [(Section, SiteURL, String)] = [(.home, Site.publicHome.url, "Главная"), (.schedule, Site.publicSchedule.url, "График процедур"), (.results, Site.publicResults.url, "Результаты"),
         (.documents, Site.publicDocuments.url, "Документы"), (.news, Site.publicNews.url, "Новости")]
        return all.map { ($0.0, snapshot.link($0.1), $0.2) }
    }

    static func page(_ req: Request, title: String, snapshot: PublicSnapshot?, section: Section?, body: HTML, status: HTTPResponseStatus = .ok,
                     feed: SiteURL? = nil) -> PublicCache.Page {
        let district = snapshot?.district
        let view = PublicView.of(req)
        let here = req.url.path + (req.url.query.map { "?" + $0 } ?? "")
        let nav = HTML((snapshot.map(sections) ?? []).map { s, url, label in
            #"<a href="\#(url)"\#(s == section ? #" aria-current="page""# as HTML : "")>\#(label)</a>"#
        }, separator: "")
        func viewLink(_ v: PublicView, _ label: String, _ current: Bool, _ name: String) -> HTML {
            #"<a class="view-opt\#(current ? " on" : "")" href="\#(Site.publicView.url.query(["size": String(v.size), "scheme": v.scheme.rawValue, "back": here]))" aria-label="\#(name)"\#(current ? #" aria-current="true""# as HTML : "")>\#(label)</a>"#
        }
        let sizes = HTML(PublicView.sizes.indices.map { i in
            viewLink(PublicView(size: i, scheme: view.scheme), ["А", "А+", "А++"][i], view.size == i, "Размер шрифта: \(PublicView.sizes[i].lowercased())")
        }, separator: "")
        let schemes = HTML(PublicView.Scheme.allCases.map { s in
            viewLink(PublicView(size: view.size, scheme: s), s.short, view.scheme == s, "Цветовая схема: \(s.title.lowercased())")
        }, separator: "")
        let toggle: HTML = view.isAccessible
            ? #"<a class="view-toggle" href="\#(Site.publicView.url.query(["size": "0", "scheme": "normal", "back": here]))">Обычная версия сайта</a>"#
            : #"<a class="view-toggle" href="\#(Site.publicView.url.query(["size": "1", "scheme": "bw", "back": here]))">Версия для слабовидящих</a>"#
        let html: HTML = """
        <!DOCTYPE html>
        <html lang="ru" class="\(view.classes)">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(title)\(district.map { " — " + $0.name } ?? "") — открытая информация</title>
        <link rel="stylesheet" href="\(Site.css.url)">
        \(feed.map { #"<link rel="alternate" type="application/atom+xml" title="Новости" href="\#($0)">"# as HTML })
        </head>
        <body>
        <a class="skip" href="#main">Перейти к содержанию</a>
        <div class="view-bar" role="region" aria-label="Настройки отображения">
        \(toggle)
        \(view.isAccessible ? #"<span class="view-group"><span class="view-label">Размер:</span>\#(sizes)</span><span class="view-group"><span class="view-label">Цвет:</span>\#(schemes)</span>"# as HTML : "")
        </div>
        <header class="pub-top">
        <a class="pub-brand" href="\(snapshot?.link(Site.publicHome.url) ?? Site.publicHome.url)"><span class="pub-emblem" aria-hidden="true">i</span><span><strong>\(district?.department ?? "Открытая информация об оценке качества образования")</strong>
        <small>Открытая информация об оценке качества образования\(district.map { " · " + $0.name } ?? "")</small></span></a>
        \(district == nil ? "" : #"<nav class="pub-nav" aria-label="Разделы">\#(nav)</nav>"# as HTML)
        </header>
        <main id="main" class="pub-main">
        \(body)
        </main>
        <footer class="pub-foot">
        <p>Сведения о процедурах оценки качества образования публикуются по мероприятию 4.1 дорожной карты. Результаты приводятся только в целом по району и по школе на её собственной странице; рейтинги школ не составляются, результаты ВПР не используются для оценки учителей. Группы менее чем из \(snapshot?.minimum ?? Suppression.defaultMinimum) участников не показываются.</p>
        <p><a href="\(Site.login.url)">Вход для сотрудников</a>\(feed.map { #" · <a href="\#($0)">Новости в формате Atom</a>"# as HTML })</p>
        </footer>
        </body>
        </html>
        """
        return PublicCache.Page(status: status, headers: headers(), body: html.markup)
    }

    /// HTML for a minute in any cache; the view (cookie) changes the page.
    static func headers(contentType: String = "text/html; charset=utf-8") -> HTTPHeaders {
        var h = HTTPHeaders()
        h.replaceOrAdd(name: .contentType, value: contentType)
        h.replaceOrAdd(name: .cacheControl, value: "public, max-age=60")
        h.replaceOrAdd(name: .vary, value: "Cookie")
        return h
    }
}
