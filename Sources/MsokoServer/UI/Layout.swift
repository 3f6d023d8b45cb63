import MsokoCore
import Vapor

/// A breadcrumb: where it leads and what it says.
struct Crumb: Sendable {
    var url: SiteURL
    var label: String

    init(_ url: SiteURL, _ label: String) {
        self.url = url
        self.label = label
    }
}

/// The navigation menu, read from the endpoint table: a user sees a link exactly when the
/// endpoint's access lets their role open it (and, for the observer's own pages, when they are
/// registered as an observer).
enum Menu {
    struct Link: Equatable {
        var url: SiteURL
        var label: String
        var group: MenuGroup? = nil
    }

    static func links(role: Role, isObserver: Bool) -> [Link] {
        Site.all.compactMap { e -> (Int, Link)? in
            guard let menu = e.menu, e.method == .GET, e.arity == 0, e.access.allows(role),
                  !menu.observersOnly || isObserver else { return nil }
            return (menu.order, Link(url: SiteURL(path: "/" + e.pattern), label: menu.label, group: menu.group))
        }.sorted { $0.0 < $1.0 }.map(\.1)
    }

    /// The bar: links in order, a group's links in one drop-down at the place of its first link; a
    /// group with a single link for this role shows that link on the bar.
    static func bar(_ links: [Link], current: String) -> HTML {
        func isCurrent(_ l: Link) -> Bool { l.url.path == "/" ? current == "/" : current.hasPrefix(l.url.path) }
        func anchor(_ l: Link) -> HTML {
            #"<a href="\#(l.url)"\#(isCurrent(l) ? #" aria-current="page""# as HTML : "")>\#(l.label)</a>"#
        }
        var out: [HTML] = []
        var done = Set<MenuGroup>()
        for l in links {
            guard let g = l.group else { out.append(anchor(l)); continue }
            if done.contains(g) { continue }
            done.insert(g)
            let members = links.filter { $0.group == g }
            if members.count == 1 { out.append(anchor(l)); continue }
            let active = members.contains(where: isCurrent)
            out.append(#"<details class="menu-group"><summary\#(active ? #" class="current""# as HTML : "")>\#(g.rawValue)</summary><div class="menu-items">\#(HTML(members.map(anchor), separator: ""))</div></details>"#)
        }
        return HTML(out, separator: "")
    }
}

/// The page frame: header with the user's navigation, main content, footer.
enum Layout {
    /// How a page goes on A4: portrait, or landscape for the wide tables of the analysis,
    /// objectivity and re-check pages a specialist takes to a meeting.
    enum Paper { case portrait, landscape }

    static func page(_ req: Request, title: String, body: HTML, crumbs: [Crumb] = [], status: HTTPResponseStatus = .ok, paper: Paper = .portrait) -> Response {
        HTMLResponse.make(render(req, title: title, body: body, crumbs: crumbs, paper: paper), status: status)
    }

    static func render(_ req: Request, title: String, body: HTML, crumbs: [Crumb] = [], paper: Paper = .portrait) -> HTML {
        var nav = HTML()
        if let user = req.currentUser {
            let current = req.url.path
            let links = Menu.bar(Menu.links(role: user.role, isObserver: req.isObserver), current: current)
            nav = """
            <nav class="main-nav" aria-label="Основное меню">\(links)</nav>
            <div class="user-box"><a href="\(Site.account.url)" title="Учётная запись: \(user.role.russian)">\(user.name)</a><span class="role"> · \(user.role.russian)</span>
            \(HTML.postButton(PageContext(csrfToken: req.csrfToken, flash: ""), action: Site.logout.url, label: "Выйти", style: "link"))</div>
            """
        }
        let crumbHTML: HTML = crumbs.isEmpty ? "" : #"<nav class="crumbs" aria-label="Навигация">\#(HTML(crumbs.map { c in #"<a href="\#(c.url)">\#(c.label)</a>"# as HTML }, separator: " › "))</nav>"#
        return """
        <!DOCTYPE html>
        <html lang="ru">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(title) — МСОКО</title>
        <link rel="stylesheet" href="\(Site.css.url)">
        \(paper == .landscape ? "<style>@page { size: A4 landscape; }</style>" as HTML : "")
        </head>
        <body>
        <a class="skip" href="#main">Перейти к содержанию</a>
        <header class="top">
        <a class="brand" href="\(Site.home.url)"><span class="logo" aria-hidden="true">М</span> МСОКО<small>муниципальная система оценки качества образования</small></a>
        \(nav)
        </header>
        <main id="main">
        \(crumbHTML)
        \(body)
        </main>
        <footer class="foot">msoko — открытая система оценки качества образования · результаты ВПР не используются для оценки учителей и рейтингов школ</footer>
        </body>
        </html>
        """
    }
}

enum ErrorPage {
    static func render(request: Request, status: HTTPResponseStatus, message: String) -> HTML {
        let heading: String
        switch status.code {
        case 403: heading = "Доступ запрещён"
        case 404: heading = "Не найдено"
        case 400..<500: heading = "Ошибка в запросе"
        default: heading = "Что-то пошло не так"
        }
        let body: HTML = """
        <section class="card narrow">
        <h1>\(heading) <small class="muted">(\(Int(status.code)))</small></h1>
        <p>\(message)</p>
        <p><a class="btn" href="\(Site.home.url)">На главную</a></p>
        </section>
        """
        return Layout.render(request, title: heading, body: body)
    }
}
