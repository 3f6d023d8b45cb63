import Vapor

/// The page frame: header with the user's navigation, main content, footer.
enum Layout {
    static func page(_ req: Request, title: String, body: String, crumbs: [(String, String)] = []) -> Response {
        HTMLResponse.make(render(req, title: title, body: body, crumbs: crumbs))
    }

    static func render(_ req: Request, title: String, body: String, crumbs: [(String, String)] = []) -> String {
        let user = req.currentUser
        var nav = ""
        if let user {
            var links: [(String, String)] = []
            if user.role.readsRoadmap {
                links.append(("/", "Дорожная карта"))
            }
            links.append(("/tasks", "Мои задачи"))
            if [.specialist, .admin, .methodist, .head].contains(user.role) {
                links.append(("/procedures", "Процедуры"))
                links.append(("/calendar", "Календарь"))
            }
            if user.role == .specialist || user.role == .admin {
                links.append(("/objectivity", "Объективность"))
                links.append(("/observers", "Наблюдатели"))
            }
            if [.specialist, .methodist].contains(user.role) { links.append(("/seminars", "Семинары")) }
            if user.role == .observer { links.append(("/observer", "Мои назначения")) }
            if user.role == .commission { links.append(("/commission", "Перепроверка")) }
            if user.role.seesDistrict { links.append(("/schools", "Школы")) }
            if user.role == .head, let schoolID = user.$school.id { _ = schoolID; links.append(("/my-school", "Моя школа")) }
            if user.role.seesDistrict { links.append(("/audit", "Журнал изменений")) }
            if user.role == .admin { links.append(("/admin/users", "Пользователи")) }
            if user.role.seesDistrict { links.append(("/settings", "Настройки")) }
            let current = req.url.path
            nav = links.map { href, label in
                let active = (href == "/" ? current == "/" : current.hasPrefix(href)) ? #" aria-current="page""# : ""
                return #"<a href="\#(href)"\#(active)>\#(esc(label))</a>"#
            }.joined()
            nav = """
            <nav class="main-nav" aria-label="Основное меню">\(nav)</nav>
            <div class="user-box"><a href="/account" title="Учётная запись">\(esc(user.name))</a> · \(esc(user.role.russian))
            \(postButton(req, action: "/logout", label: "Выйти", style: "link"))</div>
            """
        }
        let crumbHTML = crumbs.isEmpty ? "" : "<nav class=\"crumbs\" aria-label=\"Навигация\">" + crumbs.map { href, label in
            #"<a href="\#(esc(href))">\#(esc(label))</a>"#
        }.joined(separator: " › ") + "</nav>"
        return """
        <!DOCTYPE html>
        <html lang="ru">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(esc(title)) — МСОКО</title>
        <link rel="stylesheet" href="/static/msoko.css">
        </head>
        <body>
        <a class="skip" href="#main">Перейти к содержанию</a>
        <header class="top">
        <a class="brand" href="/"><span class="logo" aria-hidden="true">М</span> МСОКО<small>муниципальная система оценки качества образования</small></a>
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
    static func render(request: Request, status: HTTPResponseStatus, message: String) -> String {
        let heading: String
        switch status.code {
        case 403: heading = "Доступ запрещён"
        case 404: heading = "Не найдено"
        case 400..<500: heading = "Ошибка в запросе"
        default: heading = "Что-то пошло не так"
        }
        let body = """
        <section class="card narrow">
        <h1>\(heading) <small class="muted">(\(status.code))</small></h1>
        <p>\(esc(message))</p>
        <p><a class="btn" href="/">На главную</a></p>
        </section>
        """
        return Layout.render(request, title: heading, body: body)
    }
}
