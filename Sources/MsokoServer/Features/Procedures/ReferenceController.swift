import Fluent
import MsokoCore
import Vapor

/// Reference figures of a procedure (region, Russia): typed into a form or pasted from a ФИС ОКО
/// report table, which fills the form for the specialist to check before saving. Stored inside the
/// procedure's specification (`reference`), as fractions; the form shows percentages.
enum ReferenceController {
    static func register(_ app: Application) {
        app.on(Site.reference, use: page)
        app.on(Site.referenceSave, use: post)
    }

    /// A district specialist, for the district's own procedure.
    static func procedure(_ req: Request) async throws -> (Procedure, ProcedureSpec) {
        let p = try await Procedures.find(req)
        guard p.municipalityID != nil, p.municipalityID == (try req.user.municipalityID) else { throw AppError.forbidden }
        return (p, try ProcedureStore.spec(of: p))
    }

    static func level(_ text: String?) -> ReferenceTable.Level { ReferenceTable.Level(rawValue: text ?? "") ?? .region }

    /// The form's fields: `m2` … `m5` for marks, `t0` … for tasks in the specification's order, in %.
    static func fields(_ figures: ReferenceFigures?, spec: ProcedureSpec) -> [String: String] {
        var out: [String: String] = [:]
        for m in 2...5 { out["m\(m)"] = figures?.marks?[String(m)].map { percent($0) } ?? "" }
        for (i, t) in spec.tasks.enumerated() { out["t\(i)"] = figures?.tasks?[t.number].map { percent($0) } ?? "" }
        out["label"] = figures?.label ?? ""
        return out
    }

    static func percent(_ fraction: Double) -> String {
        let v = (fraction * 10000).rounded() / 100
        return ReferenceTable.format(v)
    }

    static func page(req: Request) async throws -> Response {
        let (p, spec) = try await procedure(req)
        let level = level(req.query[String.self, at: "level"])
        return render(req, ReferenceForm(procedure: p, spec: spec, level: level, values: fields(spec.reference?[level.rawValue], spec: spec)))
    }

    static func render(_ req: Request, _ model: ReferenceForm, status: HTTPStatus = .ok) -> Response {
        Layout.page(req, title: "Эталонные показатели", body: model.view(req.pageContext()), crumbs: Crumb.procedure(model.procedure), status: status)
    }

    static func post(req: Request) async throws -> Response {
        let (p, spec) = try await procedure(req)
        let form = try req.content.decode([String: String].self)
        let level = level(form["level"])
        if form["action"] == "parse" {
            let paste = form["paste"] ?? ""
            do {
                let parsed = try ReferenceTable.parse(paste, spec: spec, level: level)
                // What the paste lacks keeps the values already in the form.
                var values = fields(spec.reference?[level.rawValue], spec: spec)
                for (k, v) in fields(parsed.figures, spec: spec) where !v.isEmpty { values[k] = v }
                // The row's name as the report prints it («Томская обл.», «Вся выборка»).
                if let name = parsed.rows.first { values["label"] = name }
                let rows = Set(parsed.rows).sorted().map { "«\($0)»" }.joined(separator: ", ")
                return render(req, ReferenceForm(procedure: p, spec: spec, level: level, values: values, paste: paste,
                                                 notice: "Поля заполнены из таблицы (строка \(rows)). Проверьте значения и нажмите «Сохранить»."))
            } catch let e as ReferenceTable.Failure {
                return render(req, ReferenceForm(procedure: p, spec: spec, level: level, values: fields(spec.reference?[level.rawValue], spec: spec), paste: paste,
                                                 errors: e.problems, errorTitle: "Таблицу не удалось разобрать, поля не изменены:"), status: .unprocessableEntity)
            }
        }
        // Save: every field checked, nothing stored unless all are right.
        var errors: [String] = []
        func value(_ key: String, _ what: String) -> Double? {
            let text = (form[key] ?? "").trimmingCharacters(in: .whitespaces)
            guard !text.isEmpty else { return nil }
            guard let v = ReferenceTable.number(text), (0...100).contains(v) else {
                errors.append("\(what): «\(text)» — ожидается число от 0 до 100.")
                return nil
            }
            return v / 100
        }
        var marks: [String: Double] = [:]
        for m in 2...5 { if let v = value("m\(m)", "доля отметки «\(m)»") { marks[String(m)] = v } }
        if !marks.isEmpty && marks.count < 4 { errors.append("доли отметок: заполните все четыре или ни одной.") }
        let sum = marks.values.reduce(0, +) * 100
        if marks.count == 4 && abs(sum - 100) > 1.5 { errors.append("доли отметок в сумме \(ReferenceTable.format(sum)) %, ожидается 100 %.") }
        var tasks: [String: Double] = [:]
        for (i, t) in spec.tasks.enumerated() { if let v = value("t\(i)", "выполнение задания \(t.number)") { tasks[t.number] = v } }
        guard errors.isEmpty else {
            var values = fields(nil, spec: spec)
            for k in values.keys { values[k] = form[k] ?? "" }
            return render(req, ReferenceForm(procedure: p, spec: spec, level: level, values: values, errors: errors), status: .unprocessableEntity)
        }
        var updated = spec
        var reference = spec.reference ?? [:]
        // The row's name: as typed or pasted; else the region's own name, or ФИС ОКО's «Вся выборка».
        var label = (form["label"] ?? "").trimmingCharacters(in: .whitespaces)
        if label.isEmpty {
            label = level == .russia ? level.defaultName : (try await Region.find(p.regionID, on: req.db)?.name ?? level.defaultName)
        }
        let figures = ReferenceFigures(marks: marks.isEmpty ? nil : marks, tasks: tasks.isEmpty ? nil : tasks, label: String(label.prefix(80)))
        reference[level.rawValue] = figures.marks == nil && figures.tasks == nil ? nil : figures
        updated.reference = reference.isEmpty ? nil : reference
        let before = try Audit.json(spec.reference?[level.rawValue])
        let after = try Audit.json(reference[level.rawValue])
        p.spec = try Audit.json(updated)
        try await req.audited { db in
            try await p.save(on: db)
            return try AuditNote(action: "update", entity: "procedure", id: p.id, summary: "Эталонные показатели (\(level.title)) процедуры \(ProcedureStore.title(p))",
                                 before: ["reference.\(level.rawValue)": before], after: ["reference.\(level.rawValue)": after],
                                 municipalityID: p.municipalityID, regionID: p.regionID)
        }
        return req.redirect(to: Site.procedure.url(try p.requireID()),
                            ok: reference[level.rawValue] == nil ? "Показатели уровня «\(level.title)» удалены." : "Показатели уровня «\(level.title)» сохранены.")
    }
}

/// The reference figures form of one level: paste from a ФИС ОКО report, or type; percentages.
struct ReferenceForm {
    var procedure: Procedure
    var spec: ProcedureSpec
    var level: ReferenceTable.Level
    /// `m2` … `m5`, `t0` … as typed or stored.
    var values: [String: String]
    var paste = ""
    var notice = ""
    var errors: [String] = []
    var errorTitle = "Показатели не сохранены:"

    func view(_ ctx: PageContext) -> HTML {
        let pid = procedure.id!
        let tabs = ReferenceTable.Level.allCases.map { l -> HTML in
            l == level ? "<strong>\(l.title)</strong>" : #"<a href="\#(Site.reference.url(pid).query(["level": l.rawValue]))">\#(l.title)</a>"#
        }
        var html: HTML = #"<h1>Эталонные показатели</h1><p class="muted">\#(ProcedureStore.title(procedure))</p>\#(ctx.flash)<p class="tabs">\#(HTML(tabs, separator: " · "))</p>"#
        if !errors.isEmpty {
            html += #"<div class="flash error" role="alert"><p>\#(errorTitle)</p><ul>\#(errors.map { "<li>\($0)</li>" as HTML })</ul></div>"#
        }
        if !notice.isEmpty { html += #"<div class="flash ok">\#(notice)</div>"# }
        let action = Site.referenceSave.url(pid)
        let marks = HTML((2...5).map { m in
            #"<td class="num"><input class="figure" type="text" inputmode="decimal" size="6" name="m\#(m)" aria-label="Отметка «\#(m)», %" value="\#(values["m\(m)"] ?? "")"></td>"# as HTML
        })
        let tasks = spec.tasks.enumerated().map { i, t -> HTML in
            #"<tr><td>\#(t.number)</td><td>\#(t.level.rawValue)</td><td class="num">\#(t.max)</td><td class="num"><input class="figure" type="text" inputmode="decimal" size="6" name="t\#(i)" aria-label="Задание \#(t.number), %" value="\#(values["t\(i)"] ?? "")"></td></tr>"#
        }
        html += """
        <section class="card no-print"><h2>Вставить из отчёта ФИС ОКО</h2>
        <p>Скопируйте таблицу «Статистика по отметкам» и (или) «Выполнение заданий» вместе с заголовком — со страницы отчёта или из его файла Excel — и вставьте сюда. Для уровня «Россия» берётся строка «Вся выборка», для уровня «Регион» — первая строка после неё. Поля ниже заполнятся; проверьте их и сохраните.</p>
        <form method="post" action="\(action)">\(ctx.csrfField)<input type="hidden" name="level" value="\(level.rawValue)">
        <label for="paste">Таблица из отчёта</label><textarea id="paste" name="paste" rows="8">\(paste)</textarea>
        <div class="actions"><button class="btn" type="submit" name="action" value="parse">Заполнить поля из таблицы</button></div>
        </form></section>
        <section class="card"><h2>\(level.title): доли отметок и выполнение заданий, %</h2>
        <form method="post" action="\(action)">\(ctx.csrfField)<input type="hidden" name="level" value="\(level.rawValue)">
        <label for="label">Название строки, как в отчёте ФИС ОКО</label><input type="text" id="label" name="label" value="\(values["label"] ?? "")" placeholder="\(level == .russia ? "Вся выборка" : "Томская обл.")" maxlength="80">
        <div class="hint">Так строка будет подписана в таблицах анализа, справках и диаграммах. Пусто — \(level == .russia ? "«Вся выборка»" : "название региона").</div>
        \(HTML.table(head: "<th>Отметка</th>\((2...5).map { #"<th class="num">«\#($0)»</th>"# as HTML })", rows: ["<tr><td>Доля участников, %</td>\(marks)</tr>"]))
        \(HTML.table(head: #"<th>Задание</th><th>Уровень</th><th class="num">Макс. балл</th><th class="num">Выполнение, %</th>"#, rows: tasks))
        <div class="hint">Проценты от 0 до 100, дробная часть через запятую. Доли отметок вводятся все четыре (в сумме 100 %) или ни одной. Чтобы удалить показатели уровня, очистите поля и сохраните — прежние значения останутся в журнале изменений.</div>
        <div class="actions"><button class="btn" type="submit" name="action" value="save">Сохранить</button> <a class="btn secondary" href="\(Site.procedure.url(pid))">К процедуре</a></div>
        </form></section>
        """
        return html
    }
}
