import Fluent
import MsokoCore
import Vapor

/// Login, logout, password change and the first-run page that creates the first administrator.
enum AuthController {
    static func register(_ app: Application) {
        app.on(Site.login, use: loginPage)
        app.on(Site.loginSubmit, use: login)
        app.on(Site.logout, use: logout)
        app.on(Site.account, use: accountPage)
        app.on(Site.accountPassword, use: changePassword)
        app.on(Site.setup, use: setupPage)
        app.on(Site.setupSubmit, use: setup)
    }

    struct LoginForm: Content {
        var login: String
        var password: String
        var next: String?
    }

    static func loginPage(req: Request) async throws -> Response {
        if try await User.query(on: req.db).count() == 0 { return req.redirect(to: Site.setup.url) }
        if req.currentUser != nil { return req.redirect(to: Site.home.url) }
        return try await renderLogin(req, error: nil, login: "", next: req.query[String.self, at: "next"])
    }

    static func renderLogin(_ req: Request, error: String?, login: String, next: String?, status: HTTPResponseStatus = .ok) async throws -> Response {
        let model = LoginPage(error: error, login: login, next: next, demo: try await Settings.isDemo(on: req.db))
        return Layout.page(req, title: "Вход", body: model.view(req.pageContext()), status: status)
    }

    static func login(req: Request) async throws -> Response {
        let form = try req.content.decode(LoginForm.self)
        let login = String(form.login.trimmingCharacters(in: .whitespaces).lowercased().prefix(100))
        let config = req.msokoConfig
        let address = req.clientAddress
        if case .locked(let wait) = try await Throttle.attempt(login: login, address: address, limit: config.maxLoginFailures, on: req.db, now: req.now) {
            return try await renderLogin(req, error: "Слишком много неудачных попыток входа. Повторите через \(wait) мин.", login: login, next: form.next, status: .tooManyRequests)
        }
        // The same work whether or not the login exists (no enumeration by timing).
        let user = try await User.query(on: req.db).filter(\.$login == login).first()
        let (password, hash) = (form.password, user?.passwordHash ?? Passwords.dummyHash)
        // bcrypt takes a core for a tenth of a second: off the two cooperative threads.
        let matches = await offCooperativePool { Passwords.verify(password, hash: hash) }
        guard let user, matches, !user.isDisabled else {
            return try await renderLogin(req, error: "Неверный логин или пароль (или учётная запись отключена).", login: login, next: form.next, status: .unauthorized)
        }
        try await Throttle.succeeded(login: login, address: address, limit: config.maxLoginFailures, on: req.db)
        // A fresh session on login (no session fixation): the old one, if any, ends.
        try await req.signIn(user)
        var target = SafeRedirect.path(form.next)
        // Those whose work is a list of their own (acts, works to re-score, their classes' results)
        // land on it; the others on the roadmap or, a head, their school.
        if [.observer, .commission, .teacher].contains(user.role), target == Site.home.url.path { target = Site.tasks.url.path }
        return req.redirect(to: target)
    }

    static func logout(req: Request) async throws -> Response {
        try await req.signOut()
        return req.redirect(to: Site.login.url)
    }

    static func accountPage(req: Request) async throws -> Response {
        let user = try req.user
        let model = AccountPage(user: user, schoolName: try await Schools.own(of: user, on: req.db)?.fullName)
        return Layout.page(req, title: "Учётная запись", body: model.view(req.pageContext()))
    }

    struct PasswordForm: Content { var current: String; var new: String; var `repeat`: String }

    static func changePassword(req: Request) async throws -> Response {
        let user = try req.user
        let form = try req.content.decode(PasswordForm.self)
        guard Passwords.verify(form.current, hash: user.passwordHash) else {
            return req.redirect(to: Site.account.url, error: "Текущий пароль указан неверно.")
        }
        if let weak = Passwords.weakness(form.new, login: user.login) {
            return req.redirect(to: Site.account.url, error: weak)
        }
        guard form.new == form.`repeat` else {
            return req.redirect(to: Site.account.url, error: "Новый пароль и повтор не совпадают.")
        }
        user.passwordHash = try Passwords.hash(form.new)
        let keep = req.sessionState.record?.id
        try await req.db.writeTransaction { db in
            try await user.save(on: db)
            // Every other session of the user ends: whoever knew the old password is signed out.
            try await SessionRevocation.endAll(of: user.requireID(), except: keep, on: db)
            try await Audit.record(on: db, actor: user.login, action: "password", entity: "user", id: user.id?.uuidString,
                                   summary: "Пользователь \(user.login) сменил пароль", municipalityID: user.municipalityID, regionID: user.regionID)
        }
        return req.redirect(to: Site.account.url, ok: "Пароль изменён. Сеансы на других устройствах завершены.")
    }

    // MARK: first run

    static func setupPage(req: Request) async throws -> Response {
        guard try await User.query(on: req.db).count() == 0 else { return req.redirect(to: Site.login.url) }
        return Layout.page(req, title: "Первый запуск", body: SetupPage().view(req.pageContext()))
    }

    struct SetupForm: Content {
        var region: String; var municipality: String; var department: String; var timeZone: String
        var login: String; var name: String; var password: String
    }

    static func setup(req: Request) async throws -> Response {
        guard try await User.query(on: req.db).count() == 0 else { throw AppError.forbidden }
        let form = try req.content.decode(SetupForm.self)
        let problem: String? = {
            if [form.region, form.municipality, form.department, form.name].contains(where: { $0.trimmingCharacters(in: .whitespaces).isEmpty }) {
                return "Заполните все поля."
            }
            if TimeZone(identifier: form.timeZone) == nil { return "Неизвестный часовой пояс «\(form.timeZone)»." }
            if !UserValidation.isValidLogin(form.login) { return UserValidation.loginRule }
            return Passwords.weakness(form.password, login: form.login)
        }()
        if let problem {
            return req.redirect(to: Site.setup.url, error: problem)
        }
        let admin = try await req.db.writeTransaction { db -> User in
            let municipality = try await Organisations.ensureMunicipality(region: form.region, name: form.municipality,
                                                                          department: form.department, timeZone: form.timeZone, on: db)
            let user = User(login: form.login.lowercased(), name: form.name, role: .admin, passwordHash: try Passwords.hash(form.password),
                            regionID: municipality.$region.id, municipalityID: municipality.id, schoolID: nil)
            try await user.create(on: db)
            try await Audit.record(on: db, actor: user.login, action: "create", entity: "user", id: user.id?.uuidString,
                                   summary: "Первый запуск: создан администратор \(user.login)", municipalityID: municipality.id, regionID: municipality.$region.id)
            return user
        }
        try await req.signIn(admin)
        return req.redirect(to: Site.schoolsAdmin.url, ok: "Администратор создан. Добавьте школы и пользователей, загрузите дорожную карту.")
    }
}

enum UserValidation {
    static let loginRule = "Логин: 2–40 символов, латинские буквы, цифры, точка, дефис или подчёркивание."
    static func isValidLogin(_ login: String) -> Bool {
        login.range(of: #"^[A-Za-z0-9._-]{2,40}$"#, options: .regularExpression) != nil
    }
}

/// Where a login may send the user on: a path of this site only. `//host`, `/\\host`, a tab or
/// any other control character or backslash (which browsers read as a slash) goes to «/».
enum SafeRedirect {
    static func path(_ next: String?) -> String {
        guard let next, next.hasPrefix("/"), !next.hasPrefix("//"), next.count <= 2000,
              !next.unicodeScalars.contains(where: { $0.value < 0x21 || $0.value == 0x7F || $0 == "\\" || $0.properties.generalCategory == .format }),
              URLComponents(string: next)?.host == nil else { return Site.home.url.path }
        return next
    }
}

/// The sign-in form; on the demo district, its accounts.
struct LoginPage {
    var error: String?
    var login: String
    var next: String?
    var demo: Bool

    func view(_ ctx: PageContext) -> HTML {
        var demoBlock = HTML()
        if demo {
            let rows: [HTML] = DemoDistrict.accounts.map { a in
                "<tr><td><code>\(a.login)</code></td><td>\(a.description)</td></tr>"
            }
            demoBlock = """
            <section class="card narrow">
            <h2>Демонстрационный район</h2>
            <p>Это демонстрационная база (Зырянский район). Пароль всех учётных записей — <code>demo</code>.</p>
            <table class="demo-accounts"><thead><tr><th>Логин</th><th>Кто это</th></tr></thead><tbody>\(rows)</tbody></table>
            </section>
            """
        }
        let errorHTML: HTML = error.map { #"<div class="flash error" role="alert">\#($0)</div>"# } ?? ""
        let html: HTML = """
        <section class="card narrow">
        <h1>Вход в МСОКО</h1>
        \(ctx.flash)\(errorHTML)
        <form method="post" action="\(Site.loginSubmit.url)">
        \(ctx.csrfField)
        <input type="hidden" name="next" value="\(next ?? "")">
        <label for="login">Логин</label>
        <input type="text" id="login" name="login" value="\(login)" autocomplete="username" required autofocus>
        <label for="password">Пароль</label>
        <input type="password" id="password" name="password" autocomplete="current-password" required>
        <div class="actions"><button class="btn" type="submit">Войти</button></div>
        </form>
        <p class="hint">Родителям и общественности вход не нужен: <a href="\(Site.publicHome.url)">открытая информация об оценочных процедурах</a>; лист результатов ребёнка — <a href="\(Site.parentEntry.url)">по коду доступа</a>.</p>
        </section>
        \(demoBlock)
        """
        return html
    }
}

/// The user's own account: who they are, the password change.
struct AccountPage {
    var user: User
    var schoolName: String?

    func view(_ ctx: PageContext) -> HTML {
        let school: HTML = schoolName.map { "<p>Школа: \($0)</p>" } ?? ""
        let html: HTML = """
        <h1>Учётная запись</h1>
        \(ctx.flash)
        <section class="card">
        <p><strong>\(user.name)</strong> — <code>\(user.login)</code>, \(user.role.russian)</p>\(school)
        <p><a href="\(Site.calendarFeed.url)">Календарь на телефоне</a>: совещания, сроки решений и даты процедур по личной ссылке.</p>
        </section>
        <section class="card">
        <h2>Смена пароля</h2>
        <form method="post" action="\(Site.accountPassword.url)">
        \(ctx.csrfField)
        <label for="current">Текущий пароль</label><input type="password" id="current" name="current" autocomplete="current-password" required>
        <label for="new">Новый пароль</label><input type="password" id="new" name="new" autocomplete="new-password" minlength="8" required>
        <div class="hint">Не короче 8 символов, не из списка самых распространённых паролей и без логина. Надёжнее всего — три-четыре несвязанных слова.</div>
        <label for="repeat">Новый пароль ещё раз</label><input type="password" id="repeat" name="repeat" autocomplete="new-password" required>
        <div class="actions"><button class="btn" type="submit">Сменить пароль</button></div>
        </form>
        </section>
        """
        return html
    }
}

/// The first run: the administrator and the district.
struct SetupPage {
    func view(_ ctx: PageContext) -> HTML {
        let html: HTML = """
        <section class="card narrow">
        <h1>Первый запуск</h1>
        <p>В системе ещё нет пользователей. Создайте учётную запись администратора и укажите свой район.</p>
        \(ctx.flash)
        <form method="post" action="\(Site.setupSubmit.url)">
        \(ctx.csrfField)
        <label for="region">Регион</label><input type="text" id="region" name="region" placeholder="Томская область" required>
        <label for="municipality">Муниципалитет</label><input type="text" id="municipality" name="municipality" placeholder="Зырянский район" required>
        <label for="department">Орган управления образованием</label><input type="text" id="department" name="department" placeholder="Управление образования Администрации Зырянского района" required>
        <label for="timeZone">Часовой пояс</label><input type="text" id="timeZone" name="timeZone" value="Europe/Moscow" required>
        <div class="hint">Например Asia/Tomsk, Asia/Novosibirsk, Europe/Moscow — определяет, когда срок считается пропущенным.</div>
        <label for="login">Логин администратора</label><input type="text" id="login" name="login" value="admin" required>
        <label for="name">ФИО</label><input type="text" id="name" name="name" required>
        <label for="password">Пароль</label><input type="password" id="password" name="password" minlength="8" autocomplete="new-password" required>
        <div class="actions"><button class="btn" type="submit">Создать</button></div>
        </form>
        </section>
        """
        return html
    }
}
