import Fluent
import MsokoCore
import Vapor

/// The audit log for specialists and administrators (read only: nothing edits it): in Russian, with
/// people's names, filtered by person, action, object and dates, a page of 50 at a time, each
/// change as fields with their values before and after.
enum AuditController {
    static func register(_ app: Application) {
        app.on(Site.audit, use: page)
    }

    static let pageSize = 50

    static let actionNames = [
        "create": "создание", "update": "изменение", "delete": "удаление", "load": "загрузка", "demo": "демо",
        "password": "смена пароля", "password-reset": "сброс пароля", "disable": "отключение", "enable": "включение", "revoke": "отзыв",
        "import": "загрузка файла", "assign": "назначение", "unassign": "снятие назначения", "attach": "приложение", "submit": "сдача",
        "copy": "копирование", "open": "просмотр", "reissue": "новый код",
    ]

    static let entityNames = [
        "measure": "мероприятие", "roadmap": "дорожная карта", "checkpoint_report": "отчёт по контрольной точке", "evidence": "подтверждение",
        "evidence_file": "файл отчёта", "school": "школа", "class": "класс", "enrolment": "численность классов", "user": "пользователь",
        "token": "API-токен", "settings": "настройки", "procedure": "процедура", "procedure_date": "дата процедуры", "results": "результаты",
        "observer": "наблюдатель", "observation_act": "акт наблюдения", "recheck_sample": "выборка для перепроверки",
        "recheck_scoring": "перепроверка", "seminar": "семинар", "installation": "установка",
        "sheet_code": "код доступа родителей", "sheet_informing": "информирование о результатах", "local_act": "локальный акт", "backup": "резервная копия",
    ]

    /// Field names of the stored before/after, as a user reads them; a field not listed shows its key.
    static let fieldNames = [
        "title": "Название", "timing": "Сроки", "responsible": "Ответственные", "expectedResult": "Ожидаемый результат", "number": "Номер",
        "section": "Раздел", "status": "Статус", "text": "Текст", "comment": "Комментарий", "login": "Логин", "name": "ФИО", "role": "Роль",
        "fullName": "Полное наименование", "shortName": "Краткое наименование", "type": "Тип", "isActive": "Действует", "isDisabled": "Отключена",
        "school": "Школа", "class": "Класс", "date": "Дата", "file": "Файл", "size": "Размер", "sha256": "Контрольная сумма", "works": "Работ",
        "subject": "Предмет", "topic": "Тема", "attended": "Участников", "kind": "Вид", "observer": "Наблюдатель", "stages": "Этапы",
        "violations": "Нарушения", "noViolations": "Нарушений нет", "notes": "Замечания", "scores": "Баллы", "enrolment": "Обучающихся",
        "control": "Контроль", "double": "Двойная проверка", "objectivity": "Пороги признаков", "departmentName": "Орган управления образованием",
        "timeZone": "Часовой пояс", "letterhead": "Шапка отчётов", "signature": "Подпись отчёта района", "schoolSignature": "Подпись отчёта школы",
        "procedureTypes": "Виды процедур", "orderTemplate": "Шаблон приказа", "loginPattern": "Виды логинов школ", "year": "Учебный год",
        "measures": "Мероприятий", "checkpoints": "Контрольные точки", "grade": "Класс (параллель)", "due": "Срок", "label": "Контрольная точка",
        "tasks": "Задания", "scale": "Шкала перевода", "form": "Форма проведения",
    ]

    /// One changed field: its label, the value before and after (nil: the entry has no such side).
    struct Field: Equatable {
        var label: String
        var before: String?
        var after: String?
    }

    /// Before/after JSON as fields: the changed ones of an edit, every one of a creation or deletion.
    static func fields(before: String?, after: String?) -> [Field] {
        func object(_ text: String?) -> [String: Any]? {
            guard let data = text?.data(using: .utf8) else { return nil }
            return try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        }
        func show(_ v: Any?) -> String {
            switch v {
            case nil, is NSNull: return "—"
            case let b as Bool: return b ? "да" : "нет"
            case let s as String:
                if s.isEmpty { return "«»" }
                if s.count == 10, let d = LocalDate(iso: s) { return d.russian }
                return s.count > 400 ? String(s.prefix(400)) + "…" : s
            case let a as [Any]: return a.map { show($0) }.joined(separator: "; ")
            case let o as [String: Any]: return o.keys.sorted().map { "\(label($0)): \(show(o[$0]))" }.joined(separator: "; ")
            default: return "\(v!)"
            }
        }
        let b = object(before), a = object(after)
        if b == nil && a == nil {
            // Not JSON: shown as it was stored.
            guard before != nil || after != nil else { return [] }
            return [Field(label: "Значение", before: before, after: after)]
        }
        let keys = Set(b?.keys.map { $0 } ?? []).union(a?.keys.map { $0 } ?? []).sorted { label($0) < label($1) }
        return keys.compactMap { key in
            let was = b.map { show($0[key]) }, now = a.map { show($0[key]) }
            if b != nil && a != nil && was == now { return nil }
            return Field(label: label(key), before: was, after: now)
        }
    }

    static func label(_ key: String) -> String { fieldNames[key] ?? key }

    /// The fields as text, one a line: «Сроки: Май → Июнь» (the API and tests).
    static func changes(before: String?, after: String?) -> String {
        fields(before: before, after: after).map { f in
            switch (f.before, f.after) {
            case let (b?, a?): return "\(f.label): \(b) → \(a)"
            case let (b?, nil): return "\(f.label): было \(b)"
            case let (nil, a?): return "\(f.label): \(a)"
            default: return f.label
            }
        }.joined(separator: "\n")
    }

    struct Filter {
        var user: String?
        var action: String?
        var entity: String?
        var from: LocalDate?
        var to: LocalDate?
        var page: Int
        var errors: [String] = []

        init(_ req: Request) {
            func text(_ key: String) -> String? {
                guard let v = req.query[String.self, at: key]?.trimmingCharacters(in: .whitespaces), !v.isEmpty else { return nil }
                return v
            }
            user = text("user")
            action = text("action")
            entity = text("entity")
            // A date that cannot be read is named on the page, not silently dropped.
            var errors: [String] = []
            func date(_ key: String, _ label: String) -> LocalDate? {
                guard let t = text(key) else { return nil }
                guard let d = LocalDate(typed: t) else { errors.append("Поле «\(label)»: «\(t)» — ожидается дата ДД.ММ.ГГГГ; условие не применено."); return nil }
                return d
            }
            from = date("from", "С")
            to = date("to", "По")
            self.errors = errors
            page = max(1, req.query[Int.self, at: "page"] ?? 1)
        }

        func url(page: Int) -> SiteURL {
            Site.audit.url.query(["user": user, "action": action, "entity": entity, "from": from?.russian, "to": to?.russian, "page": String(page)])
        }
    }

    static func page(req: Request) async throws -> Response {
        let user = try req.user
        let zone = try await req.municipalityZone()
        let filter = Filter(req)
        func scoped() -> QueryBuilder<AuditEntry> {
            let q = AuditEntry.query(on: req.db).filter(\.$municipalityID == user.municipalityID)
            if let u = filter.user { q.filter(\.$userLogin == u) }
            if let a = filter.action { q.filter(\.$action == a) }
            if let e = filter.entity { q.filter(\.$entity == e) }
            // Dates are days in the district's zone: from its first instant to the next day's.
            if let from = filter.from { q.filter(\.$at >= from.start(in: zone)) }
            if let to = filter.to { q.filter(\.$at < to.adding(days: 1).start(in: zone)) }
            return q
        }
        let total = try await scoped().count()
        let pages = max(1, (total + pageSize - 1) / pageSize)
        let current = min(filter.page, pages)
        let entries = try await scoped().sort(\.$at, .descending).range(((current - 1) * pageSize)..<(current * pageSize)).all()

        // People by login (names, not logins), and schools' logins in summaries shown by name.
        let names = try await People.names(municipalityID: user.municipalityID, on: req.db)
        let schools = try await School.query(on: req.db).filter(\.$municipality.$id == user.requireMunicipalityID()).all()
        let schoolNames = Dictionary(schools.map { ($0.login, $0.shortName) }, uniquingKeysWith: { a, _ in a })
        func who(_ login: String?) -> String { People.name(login, in: names) }
        let rows = entries.map { e in
            AuditLog.Row(at: Format.dateTime(e.at, zone), who: who(e.userLogin), login: e.userLogin ?? "",
                         action: actionNames[e.action] ?? e.action, entity: entityNames[e.entity] ?? e.entity,
                         what: named(e.summary ?? entityNames[e.entity] ?? e.entity, schools: schoolNames),
                         fields: fields(before: e.before, after: e.after))
        }
        let loggedUsers = try await AuditEntry.query(on: req.db).filter(\.$municipalityID == user.municipalityID)
            .unique().all(\.$userLogin).compactMap { $0 }
        let model = AuditLog(rows: rows, filter: filter, total: total, page: current, pages: pages,
                             users: loggedUsers.map { ($0, who($0)) }.sorted { $0.1 < $1.1 })
        return Layout.page(req, title: "Журнал изменений", body: model.view, paper: .landscape)
    }

    /// «Изменена школа edu700101» → «Изменена школа Зырянская СОШ (edu700101)».
    static func named(_ summary: String, schools: [String: String]) -> String {
        var out = summary
        for (login, name) in schools where out.contains(login) {
            out = out.replacingOccurrences(of: login, with: "\(name) (\(login))")
        }
        return out
    }
}

/// The audit log page: filters, the entries of one page, each with its changed fields.
struct AuditLog {
    struct Row {
        var at: String
        var who: String
        var login: String
        var action: String
        var entity: String
        var what: String
        var fields: [AuditController.Field]
    }

    var rows: [Row]
    var filter: AuditController.Filter
    var total: Int
    var page: Int
    var pages: Int
    var users: [(login: String, name: String)]

    func select(_ name: String, _ label: String, _ options: [(String, String)], _ selected: String?) -> HTML {
        let opts = HTML(options.map { v, t in
            v == selected ? #"<option value="\#(v)" selected>\#(t)</option>"# as HTML : #"<option value="\#(v)">\#(t)</option>"#
        }, separator: "")
        return #"<div><label for="\#(name)">\#(label)</label><select id="\#(name)" name="\#(name)"><option value="">все</option>\#(opts)</select></div>"#
    }

    var filters: HTML {
        let actions = AuditController.actionNames.sorted { $0.value < $1.value }.map { ($0.key, $0.value) }
        let entities = AuditController.entityNames.sorted { $0.value < $1.value }.map { ($0.key, $0.value) }
        return """
        <form method="get" action="\(Site.audit.url)" class="card filters no-print">
        <div class="filter-row">
        \(select("user", "Кто", users.map { ($0.login, $0.name) }, filter.user))
        \(select("action", "Действие", actions, filter.action))
        \(select("entity", "Объект", entities, filter.entity))
        <div><label for="from">С (ДД.ММ.ГГГГ)</label><input type="text" id="from" name="from" value="\(filter.from?.russian ?? "")" placeholder="01.09.2026" inputmode="numeric"></div>
        <div><label for="to">По (ДД.ММ.ГГГГ)</label><input type="text" id="to" name="to" value="\(filter.to?.russian ?? "")" placeholder="31.12.2026" inputmode="numeric"></div>
        </div>
        <div class="actions"><button class="btn" type="submit">Показать</button><a class="btn secondary" href="\(Site.audit.url)">Сбросить</a></div>
        </form>
        """
    }

    func changes(_ fields: [AuditController.Field]) -> HTML {
        guard !fields.isEmpty else { return "" }
        let both = fields.contains { $0.before != nil } && fields.contains { $0.after != nil }
        return HTML(fields.map { f in
            let value: HTML
            switch (f.before, f.after) {
            case let (b?, a?) where both: value = #"<del>\#(b)</del> → <ins>\#(a)</ins>"#
            case let (b?, nil): value = #"<del>\#(b)</del>"#
            case let (_, a?): value = "\(a)"
            default: value = ""
            }
            return #"<div class="field"><span class="muted">\#(f.label):</span> \#(value)</div>"#
        }, separator: "")
    }

    var pager: HTML {
        guard pages > 1 else { return "" }
        func link(_ p: Int, _ text: String) -> HTML {
            #"<a class="btn secondary" href="\#(filter.url(page: p))">\#(text)</a>"#
        }
        return """
        <nav class="pager no-print" aria-label="Страницы журнала">\(page > 1 ? link(page - 1, "← Новее") : "")
        <span>Страница \(page) из \(pages)</span>\(page < pages ? link(page + 1, "Старее →") : "")</nav>
        """
    }

    var view: HTML {
        let shown = rows.isEmpty ? "" : "записи \((page - 1) * AuditController.pageSize + 1)–\((page - 1) * AuditController.pageSize + rows.count) из \(total)"
        var html: HTML = """
        <h1>Журнал изменений</h1><p class="muted">Каждое изменение: кто, когда, что, значения до и после. Записи не редактируются и не удаляются.</p>
        \(filters)
        """
        if !filter.errors.isEmpty {
            html += #"<div class="flash error" role="alert">\#(HTML(filter.errors.map { "<p>\($0)</p>" as HTML }, separator: ""))</div>"#
        }
        guard !rows.isEmpty else {
            html += #"<p class="muted">Записей с такими условиями нет.</p>"#
            return html
        }
        html += "<p>\(shown)</p>"
        html += HTML.table(head: #"<th>Когда</th><th>Кто</th><th>Действие</th><th>Что</th><th class="hide-sm">Изменения</th>"#, rows: rows.map { e in
            #"<tr><td class="nowrap">\#(e.at)</td><td>\#(e.who)</td><td>\#(e.action)<div class="hint">\#(e.entity)</div></td><td>\#(e.what)</td><td class="changes hide-sm">\#(changes(e.fields))</td></tr>"#
        })
        html += pager
        return html
    }
}
