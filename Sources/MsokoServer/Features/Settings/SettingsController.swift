import Fluent
import MsokoCore
import Vapor

/// The district's settings: report letterhead and signature block, time zone.
enum SettingsController {
    static func register(_ app: Application) {
        app.on(Site.settings, use: page)
        app.on(Site.settingsSave, use: save)
    }

    static func municipality(_ req: Request) async throws -> (User, Municipality) {
        let user = try req.user
        guard let mid = user.municipalityID, let m = try await Municipality.find(mid, on: req.db) else { throw AppError.notFound }
        return (user, m)
    }

    static func page(req: Request) async throws -> Response {
        let (_, m) = try await municipality(req)
        let letterhead = try await Settings.letterhead(m, on: req.db)
        let signature = try await Settings.signature(m, on: req.db)
        let schoolSignature = try await Settings.schoolSignature(m, on: req.db)
        let types = try await Settings.procedureTypes(municipalityID: m.id, on: req.db)
        let order = try await Settings.orderTemplate(municipalityID: m.id, on: req.db)
        let logins = try await Settings.loginPattern(municipalityID: m.id, on: req.db)
        let model = SettingsPage(departmentName: m.departmentName, timeZone: m.timeZone, letterhead: letterhead, signature: signature,
                                 schoolSignature: schoolSignature, procedureTypes: types, orderTemplate: order, loginPattern: logins.description)
        return Layout.page(req, title: "Настройки", body: model.view(req.pageContext()))
    }

    struct Form: Content {
        var departmentName: String
        var timeZone: String
        var letterhead: String
        var signature: String
        var schoolSignature: String?
        var procedureTypes: String?
        var orderTemplate: String?
        var resetOrderTemplate: String?
        var loginPattern: String?
    }

    static func save(req: Request) async throws -> Response {
        let (_, m) = try await municipality(req)
        let form = try req.content.decode(Form.self)
        guard TimeZone(identifier: form.timeZone) != nil else {
            return req.redirect(to: Site.settings.url, error: "Часовой пояс «\(form.timeZone)» неизвестен: выберите его из списка.")
        }
        let oldLogins = try await Settings.loginPattern(municipalityID: m.id, on: req.db).description
        let logins: String
        switch form.loginPattern.map(LoginPattern.parse) {
        case nil: logins = oldLogins
        case .success(let p)?: logins = p.description
        case .failure(let e)?: return req.redirect(to: Site.settings.url, error: "Виды логинов школ не сохранены: \(e.description)")
        }
        guard !form.departmentName.trimmingCharacters(in: .whitespaces).isEmpty else {
            return req.redirect(to: Site.settings.url, error: "Укажите наименование органа управления образованием.")
        }
        let oldTypes = try await Settings.procedureTypes(municipalityID: m.id, on: req.db).joined(separator: "\n")
        let types = form.procedureTypes.map { ProcedureTypes.parse($0).joined(separator: "\n") } ?? oldTypes
        guard !types.isEmpty else {
            return req.redirect(to: Site.settings.url, error: "Список видов оценочных процедур не может быть пустым.")
        }
        let oldOrder = try await Settings.orderTemplate(municipalityID: m.id, on: req.db)
        let order = form.resetOrderTemplate == "1" ? Settings.defaultOrderTemplate
            : (form.orderTemplate ?? oldOrder).replacingOccurrences(of: "\r\n", with: "\n")
        let unknown = OrderTemplate.unknownKeys(in: order)
        guard unknown.isEmpty else {
            return req.redirect(to: Site.settings.url, error: "Шаблон приказа не сохранён: неизвестные подстановки \(unknown.map { "{\($0)}" }.joined(separator: ", ")). Допустимы: \(OrderTemplate.keys.map { "{\($0.key)}" }.joined(separator: ", ")).")
        }
        let before = ["departmentName": m.departmentName, "timeZone": m.timeZone,
                      "letterhead": try await Settings.letterhead(m, on: req.db), "signature": try await Settings.signature(m, on: req.db),
                      "schoolSignature": try await Settings.schoolSignature(m, on: req.db), "procedureTypes": oldTypes, "orderTemplate": oldOrder,
                      "loginPattern": oldLogins]
        let schoolSignature = form.schoolSignature ?? before["schoolSignature"]!
        let after = ["departmentName": form.departmentName, "timeZone": form.timeZone, "letterhead": form.letterhead, "signature": form.signature,
                     "schoolSignature": schoolSignature, "procedureTypes": types, "orderTemplate": order, "loginPattern": logins]
        try await req.audited { db in
            m.departmentName = form.departmentName
            m.timeZone = form.timeZone
            try await m.save(on: db)
            try await Settings.set(Settings.letterheadKey, form.letterhead.replacingOccurrences(of: "\r\n", with: "\n"), municipalityID: m.id, on: db)
            try await Settings.set(Settings.signatureKey, form.signature.replacingOccurrences(of: "\r\n", with: "\n"), municipalityID: m.id, on: db)
            try await Settings.set(Settings.schoolSignatureKey, schoolSignature.replacingOccurrences(of: "\r\n", with: "\n"), municipalityID: m.id, on: db)
            if types != oldTypes { try await Settings.set(Settings.procedureTypesKey, types, municipalityID: m.id, on: db) }
            if logins != oldLogins { try await Settings.set(Settings.loginPatternKey, logins, municipalityID: m.id, on: db) }
            if order != oldOrder { try await Settings.set(Settings.orderTemplateKey, order, municipalityID: m.id, on: db) }
            return try AuditNote(action: "update", entity: "settings", id: m.id, summary: "Изменены настройки района", before: before, after: after,
                                 municipalityID: m.id, regionID: m.$region.id)
        }
        return req.redirect(to: Site.settings.url, ok: "Настройки сохранены.")
    }
}

/// The district's settings form.
struct SettingsPage {
    var departmentName: String
    var timeZone: String
    var letterhead: String
    var signature: String
    var schoolSignature: String
    var procedureTypes: [String]
    var orderTemplate: String
    var loginPattern: String

    func view(_ ctx: PageContext) -> HTML {
        let keys = HTML(OrderTemplate.keys.map { "<code>{\($0.key)}</code> — \($0.meaning)" as HTML }, separator: "; ")
        return """
        <h1>Настройки района</h1>\(ctx.flash)
        <section class="card">
        <form method="post" action="\(Site.settingsSave.url)">\(ctx.csrfField)
        <label for="departmentName">Орган управления образованием</label><input type="text" id="departmentName" name="departmentName" value="\(departmentName)" required>
        <label for="timeZone">Часовой пояс района</label><select id="timeZone" name="timeZone" required>\(RussianTimeZones.options(selected: timeZone))</select>
        <div class="hint">Даты и время на страницах и в документах показываются по этому поясу; от него зависит, когда контрольная точка становится просроченной.</div>
        <label for="loginPattern">Виды логинов школ в файлах ФИС ОКО</label><input type="text" id="loginPattern" name="loginPattern" value="\(loginPattern)" required>
        <div class="hint">Через запятую; 0 — любая цифра. По умолчанию \(LoginPattern.standard.description). Строка файла с логином другого вида не принимается.</div>
        <label for="letterhead">Шапка отчётов (бланк), по строке</label><textarea id="letterhead" name="letterhead">\(letterhead)</textarea>
        <label for="signature">Блок подписи отчёта района, по строке</label><textarea id="signature" name="signature">\(signature)</textarea>
        <label for="schoolSignature">Блок подписи отчёта школы, по строке</label><textarea id="schoolSignature" name="schoolSignature">\(schoolSignature)</textarea>
        <div class="hint">\(Settings.schoolPlaceholder) заменяется кратким наименованием школы.</div>
        <label for="procedureTypes">Виды оценочных процедур, по строке</label><textarea id="procedureTypes" name="procedureTypes" rows="8">\(procedureTypes.joined(separator: "\n"))</textarea>
        <div class="hint">Вид в спецификации новой процедуры («type») должен быть в этом списке. Уже созданные процедуры сохраняют свой вид.</div>
        <label for="orderTemplate">Шаблон приказа «Об итогах …»</label><textarea id="orderTemplate" name="orderTemplate" rows="16">\(orderTemplate)</textarea>
        <div class="hint">Строка «# …» — по центру полужирным, «- …» — пункт списка, каждая строка — отдельный абзац. Подстановки: \(keys).</div>
        <div class="check"><input type="checkbox" id="resetOrderTemplate" name="resetOrderTemplate" value="1"> <label for="resetOrderTemplate">Вернуть шаблон приказа, поставляемый с msoko</label></div>
        <div class="actions"><button class="btn" type="submit">Сохранить</button></div>
        </form></section>
        """
    }
}
