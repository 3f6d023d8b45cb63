import Fluent
import MsokoCore
import Vapor

/// User management in the browser (administrators): create accounts, one account for every
/// school head in one step, reset passwords, disable and enable accounts.
enum AdminUsersController {
    static func register(_ app: Application) {
        app.on(Site.users, use: list)
        app.on(Site.userCreate, use: create)
        app.on(Site.userCreateHeads, use: createHeads)
        app.on(Site.userPassword, use: resetPassword)
        app.on(Site.userDisable, use: disable)
        app.on(Site.userEnable, use: enable)
        app.on(Site.user, use: editForm)
        app.on(Site.userUpdate, use: update)
    }

    static func list(req: Request) async throws -> Response {
        let admin = try req.user
        let users = try await User.query(on: req.db).filter(\.$municipality.$id == admin.requireMunicipalityID()).with(\.$school).sort(\.$role).sort(\.$login).all()
        let model = UserList(users: users, me: admin.id, schools: try await Schools.all(of: admin, on: req.db).map { ($0.login, "\($0.login) — \($0.shortName)") })
        return Layout.page(req, title: "Пользователи", body: model.view(req.pageContext()))
    }

    struct CreateForm: Content { var login: String; var name: String; var role: String; var school: String? }

    static func create(req: Request) async throws -> Response {
        let admin = try req.user
        let form = try req.content.decode(CreateForm.self)
        do {
            let (user, password) = try await UserService.create(login: form.login, name: form.name, roleText: form.role,
                                                                 schoolLogin: form.school, password: nil, actor: admin.login,
                                                                 municipalityID: admin.municipalityID, on: req.db)
            return secretPage(req, title: "Пользователь создан", intro: "Создан пользователь \(user.login).", rows: [(user.login, user.name, password)])
        } catch let error as UserService.Failure {
            return req.redirect(to: Site.users.url, error: error.description)
        }
    }

    static func createHeads(req: Request) async throws -> Response {
        let admin = try req.user
        let schools = try await Schools.all(of: admin, activeOnly: true, on: req.db)
        let lines = try await req.db.writeTransaction { db -> [(String, String, String)] in
            var lines: [(String, String, String)] = []
            for school in schools {
                let hasHead = try await User.query(on: db).filter(\.$school.$id == school.requireID()).filter(\.$role == .head).count() > 0
                if hasHead { continue }
                let (user, password) = try await UserService.create(login: "head-\(school.login)", name: "Руководитель \(school.shortName)", roleText: "head",
                                                                     schoolLogin: school.login, password: nil, actor: admin.login,
                                                                     municipalityID: admin.municipalityID, on: db)
                lines.append((user.login, school.shortName, password))
            }
            return lines
        }
        guard !lines.isEmpty else {
            return req.redirect(to: Site.users.url, info: "У всех школ уже есть руководители.")
        }
        return secretPage(req, title: "Учётные записи руководителей", intro: "Созданы учётные записи руководителей школ: \(lines.count).", rows: lines)
    }

    /// Generated passwords, shown on the page that made them and nowhere else: never kept for a
    /// next page (a session row would hold them in the database), not cached by the browser.
    static func secretPage(_ req: Request, title: String, intro: String, rows: [(login: String, who: String, password: String)]) -> Response {
        let body: [HTML] = rows.map { #"<tr><td><code>\#($0.login)</code></td><td>\#($0.who)</td><td><code class="secret">\#($0.password)</code></td></tr>"# }
        let html: HTML = """
        <h1>\(title)</h1>
        <div class="flash ok" role="status">\(intro) Пароли показаны один раз: запишите или распечатайте их сейчас и передайте лично. msoko их не хранит — при потере пароль можно только сбросить.</div>
        \(HTML.table(head: "<th>Логин</th><th>Кто</th><th>Пароль</th>", rows: body))
        <div class="actions no-print"><a class="btn" href="\(Site.users.url)">К пользователям</a></div>
        """
        let response = Layout.page(req, title: title, body: html)
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }

    static func target(_ req: Request) async throws -> (User, User) {
        let admin = try req.user
        let user = try await req.find(User.self, "userID")
        guard user.municipalityID == admin.municipalityID else { throw AppError.notFound }
        return (admin, user)
    }

    static func editForm(req: Request) async throws -> Response {
        let (admin, user) = try await target(req)
        let schools = try await Schools.all(of: admin, on: req.db)
        let model = UserEditForm(user: user, schools: schools.map { ($0.login, "\($0.login) — \($0.shortName)") },
                                 school: schools.first { $0.id == user.$school.id }?.login)
        return Layout.page(req, title: "Пользователь \(user.login)", body: model.view(req.pageContext()), crumbs: [Crumb(Site.users.url, "Пользователи")])
    }

    struct EditForm: Content { var name: String; var role: String; var school: String?; var subject: String? }

    static func update(req: Request) async throws -> Response {
        let (admin, user) = try await target(req)
        let form = try req.content.decode(EditForm.self)
        let back = Site.user.url(user.id!)
        guard let role = Role(rawValue: form.role) else { throw AppError.badInput("Поле «Роль»: недопустимое значение.") }
        let name = form.name.trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty else { return req.redirect(to: back, error: "Поле «ФИО» не заполнено.") }
        var school: School?
        if role.needsSchool {
            guard let login = form.school, !login.isEmpty,
                  let s = try await School.query(on: req.db).filter(\.$login == login).filter(\.$municipality.$id == admin.requireMunicipalityID()).first() else {
                return req.redirect(to: back, error: "Для роли «\(role.russian)» укажите школу.")
            }
            school = s
        }
        if user.id == admin.id && role != .admin {
            return req.redirect(to: back, error: "Нельзя снять роль администратора с собственной учётной записи.")
        }
        let before = ["name": user.name, "role": user.role.rawValue, "school": user.$school.id?.uuidString ?? "", "subject": user.subject ?? ""]
        user.name = name
        user.role = role
        user.$school.id = school?.id
        let schoolID = school?.id
        let subject = (form.subject ?? "").trimmingCharacters(in: .whitespaces)
        user.subject = subject.isEmpty ? nil : subject
        try await req.audited { db in
            try await user.save(on: db)
            return try AuditNote(action: "update", entity: "user", id: user.id, summary: "Изменён пользователь \(user.login)", before: before,
                                 after: ["name": name, "role": role.rawValue, "school": schoolID?.uuidString ?? "", "subject": user.subject ?? ""],
                                 municipalityID: user.municipalityID, regionID: user.regionID, schoolID: schoolID)
        }
        return req.redirect(to: Site.users.url, ok: "Пользователь \(user.login) сохранён.")
    }

    static func resetPassword(req: Request) async throws -> Response {
        let (admin, user) = try await target(req)
        let password = Passwords.generate()
        user.passwordHash = try Passwords.hash(password)
        try await req.db.writeTransaction { db in
            try await user.save(on: db)
            try await Throttle.clear(login: user.login, on: db)
            // The user's sessions end: whoever was signed in with the old password is signed out.
            try await SessionRevocation.endAll(of: user.requireID(), on: db)
            try await Audit.record(on: db, actor: admin.login, action: "password-reset", entity: "user", id: user.id?.uuidString,
                                   summary: "Сброшен пароль пользователя \(user.login)", municipalityID: user.municipalityID, regionID: user.regionID)
        }
        return secretPage(req, title: "Пароль сброшен", intro: "Новый пароль пользователя \(user.login); его сеансы завершены.", rows: [(user.login, user.name, password)])
    }

    static func disable(req: Request) async throws -> Response { try await setDisabled(req, true) }
    static func enable(req: Request) async throws -> Response { try await setDisabled(req, false) }

    static func setDisabled(_ req: Request, _ disabled: Bool) async throws -> Response {
        let (admin, user) = try await target(req)
        guard user.id != admin.id else { throw AppError.badInput("Нельзя отключить собственную учётную запись.") }
        user.isDisabled = disabled
        try await req.db.writeTransaction { db in
            try await user.save(on: db)
            if disabled {
                try await UserToken.query(on: db).filter(\.$user.$id == user.requireID()).set(\.$revokedAt, to: Date()).update()
                try await SessionRevocation.endAll(of: user.requireID(), on: db)
            }
            try await Audit.record(on: db, actor: admin.login, action: disabled ? "disable" : "enable", entity: "user", id: user.id?.uuidString,
                                   summary: "\(disabled ? "Отключена" : "Включена") учётная запись \(user.login)",
                                   before: ["isDisabled": !disabled], after: ["isDisabled": disabled],
                                   municipalityID: user.municipalityID, regionID: user.regionID)
        }
        return req.redirect(to: Site.users.url, ok: "Учётная запись \(user.login) \(disabled ? "отключена" : "включена").")
    }
}

/// Creating accounts, shared by the admin pages and `msoko user add`.
enum UserService {
    struct Failure: Error, CustomStringConvertible { let description: String }

    static func create(login rawLogin: String, name: String, roleText: String, schoolLogin: String?, password: String?,
                       actor: String?, municipalityID: UUID?, on db: Database) async throws -> (User, String) {
        let login = rawLogin.trimmingCharacters(in: .whitespaces).lowercased()
        guard UserValidation.isValidLogin(login) else { throw Failure(description: UserValidation.loginRule) }
        guard let role = Role(rawValue: roleText) else {
            throw Failure(description: "Неизвестная роль «\(roleText)»; допустимо: \(Role.allCases.map(\.rawValue).joined(separator: ", ")).")
        }
        if try await User.query(on: db).filter(\.$login == login).count() > 0 {
            throw Failure(description: "Логин \(login) уже занят.")
        }
        var school: School?
        if let schoolLogin, !schoolLogin.isEmpty {
            // An administrator names a school of their own district only (the command line, without a district, any).
            let q = School.query(on: db).filter(\.$login == schoolLogin.lowercased())
            if let municipalityID { q.filter(\.$municipality.$id == municipalityID) }
            guard let s = try await q.first() else {
                throw Failure(description: "Школа с логином \(schoolLogin) не найдена.")
            }
            school = s
        }
        if role.needsSchool && school == nil { throw Failure(description: "Для роли «\(role.russian)» укажите школу (--school eduNNNNNN).") }
        if !role.needsSchool { school = nil }
        let pass = password ?? Passwords.generate()
        if let weak = Passwords.weakness(pass, login: login), password != nil, pass != "demo" { throw Failure(description: weak) }
        var mid = school?.$municipality.id ?? municipalityID
        if mid == nil { mid = try await Municipality.query(on: db).first()?.id }
        var municipality: Municipality?
        if let mid { municipality = try await Municipality.find(mid, on: db) }
        let user = User(login: login, name: name.isEmpty ? login : name, role: role, passwordHash: try Passwords.hash(pass),
                        regionID: municipality?.$region.id, municipalityID: mid, schoolID: school?.id)
        try await user.create(on: db)
        try await Audit.record(on: db, actor: actor, action: "create", entity: "user", id: user.id?.uuidString,
                               summary: "Создан пользователь \(login) (\(role.russian))",
                               after: ["login": login, "name": user.name, "role": role.rawValue, "school": school?.login ?? ""],
                               municipalityID: mid, regionID: municipality?.$region.id, schoolID: school?.id)
        return (user, pass)
    }
}

/// The district's users with their actions, and the forms to add one or every school's head.
struct UserList {
    var users: [User]
    /// The administrator viewing (who cannot disable themselves).
    var me: UUID?
    var schools: [(value: String, label: String)]

    func view(_ ctx: PageContext) -> HTML {
        let roleOptions = HTML.options(Role.allCases.map { ($0.rawValue, $0.russian) })
        let schoolChoice = HTML.schoolSelect(id: "school", name: "school", label: "Школа (для руководителя и учителя)",
                                             schools: schools, blank: "—")
        let rows: [HTML] = users.map { u in
            let reset = HTML.postButton(ctx, action: Site.userPassword.url(u.id!), label: "Сбросить пароль", style: "secondary small")
            let toggle: HTML = u.id == me ? "" : HTML.postButton(ctx, action: u.isDisabled ? Site.userEnable.url(u.id!) : Site.userDisable.url(u.id!),
                                                                        label: u.isDisabled ? "Включить" : "Отключить", style: u.isDisabled ? "secondary small" : "danger-outline small")
            let state: HTML = u.isDisabled ? #"<span class="badge st-overdue">отключена</span>"# : #"<span class="badge st-done">активна</span>"#
            return #"<tr><td><a href="\#(Site.user.url(u.id!))"><code>\#(u.login)</code></a></td><td>\#(u.name)</td><td>\#(u.role.russian)</td><td>\#(u.school?.shortName ?? "")</td><td>\#(state)</td><td class="no-print" style="white-space:nowrap">\#(reset) \#(toggle)</td></tr>"#
        }
        let html: HTML = """
        <h1>Пользователи</h1>\(ctx.flash)
        \(HTML.table(head: #"<th>Логин</th><th>ФИО</th><th>Роль</th><th>Школа</th><th>Состояние</th><th class="no-print">Действия</th>"#, rows: rows))
        <section class="card"><h2>Новый пользователь</h2>
        <form method="post" action="\(Site.userCreate.url)">\(ctx.csrfField)
        <label for="login">Логин</label><input type="text" id="login" name="login" required pattern="[A-Za-z0-9._\\-]{2,40}">
        <div class="hint">\(UserValidation.loginRule)</div>
        <label for="name">ФИО</label><input type="text" id="name" name="name" required>
        <label for="role">Роль</label><select id="role" name="role">\(roleOptions)</select>
        \(schoolChoice)
        <div class="hint">Пароль будет создан автоматически и показан один раз.</div>
        <div class="actions"><button class="btn" type="submit">Создать</button></div>
        </form></section>
        <section class="card"><h2>Руководители всех школ</h2>
        <p>Создать учётную запись руководителя для каждой школы, у которой её ещё нет (логин <code>head-eduNNNNNN</code>). Пароли будут показаны один раз — раздайте их руководителям.</p>
        <form method="post" action="\(Site.userCreateHeads.url)">\(ctx.csrfField)<button class="btn" type="submit">Создать учётные записи руководителей</button></form>
        </section>
        """
        return html
    }
}

/// One user's name, role, school and subject.
struct UserEditForm {
    var user: User
    var schools: [(value: String, label: String)]
    var school: String?

    func view(_ ctx: PageContext) -> HTML {
        let roleOptions = HTML.options(Role.allCases.map { ($0.rawValue, $0.russian) }, selected: user.role.rawValue)
        let schoolChoice = HTML.schoolSelect(id: "school", name: "school", label: "Школа (для руководителя и учителя)",
                                             schools: schools, selected: school, blank: "—")
        let html: HTML = """
        <h1>Пользователь \(user.login)</h1>\(ctx.flash)
        <section class="card"><form method="post" action="\(Site.userUpdate.url(user.id!))">\(ctx.csrfField)
        <label for="name">ФИО</label><input type="text" id="name" name="name" value="\(user.name)" required>
        <label for="role">Роль</label><select id="role" name="role">\(roleOptions)</select>
        \(schoolChoice)
        <label for="subject">Предмет (для руководителя РМО)</label><input type="text" id="subject" name="subject" value="\(user.subject ?? "")">
        <div class="actions"><button class="btn" type="submit">Сохранить</button><a class="btn secondary" href="\(Site.users.url)">Отмена</a></div>
        </form></section>
        """
        return html
    }
}
