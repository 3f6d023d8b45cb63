import Fluent
import MsokoCore
import Vapor

/// Creating and editing a procedure's specification in a form — type, subject, grade, tasks with
/// number, maximum, level and requirements, the mark scale — or starting it from the header of a
/// ФИС ОКО results export. The JSON specification stays as import (the procedures list) and export
/// (`spec.json`). Once results are loaded, what they were checked against (the tasks and their
/// maxima, the scale, the type, year, subject and grade) is fixed; levels, requirements and the
/// form of the procedure can still be corrected.
enum ProcedureFormController {
    static func register(_ app: Application) {
        app.on(Site.procedureNew, use: new)
        app.on(Site.procedureNewSubmit, use: create)
        app.on(Site.procedureFromHeader, use: fromHeader)
        app.on(Site.procedureEdit, use: edit)
        app.on(Site.procedureUpdate, use: update)
        app.on(Site.procedureSpecJSON, use: specJSON)
    }

    /// Blank task rows offered below the filled ones.
    static let blankRows = 5

    static func new(req: Request) async throws -> Response {
        var form = SpecForm()
        form.year = String(try await req.today().year)
        form.type = try await types(req).first ?? ""
        return try await render(req, SpecFormPage(form: form, types: types(req), procedure: nil, locked: false))
    }

    static func types(_ req: Request) async throws -> [String] {
        try await Settings.procedureTypes(municipalityID: req.user.municipalityID, on: req.db)
    }

    static func render(_ req: Request, _ model: SpecFormPage, status: HTTPStatus = .ok) async throws -> Response {
        var crumbs = [Crumb(Site.procedures.url, "Оценочные процедуры")]
        if let p = model.procedure { crumbs = Crumb.procedure(p) }
        return Layout.page(req, title: model.title, body: model.view(req.pageContext()), crumbs: crumbs, status: status)
    }

    /// The posted fields: scalar fields, and the task rows as parallel lists (`number[]`, `max[]` …).
    struct Posted: Content {
        var type: String?
        var year: String?
        var subject: String?
        var grade: String?
        var form: String?
        var number: [String]?
        var max: [String]?
        var level: [String]?
        var requirements: [String]?
        var three: String?
        var four: String?
        var five: String?
        /// «Добавить строки»: show more blank task rows, save nothing.
        var more: String?

        var specForm: SpecForm {
            var f = SpecForm()
            f.type = type ?? ""
            f.year = year ?? ""
            f.subject = subject ?? ""
            f.grade = grade ?? ""
            f.form = form ?? ""
            let numbers = number ?? [], maxima = max ?? [], levels = level ?? [], reqs = requirements ?? []
            let count = Swift.max(numbers.count, maxima.count, reqs.count)
            f.tasks = (0..<count).map { i in
                SpecForm.TaskRow(number: i < numbers.count ? numbers[i] : "", max: i < maxima.count ? maxima[i] : "",
                                 level: i < levels.count ? levels[i] : "Б", requirements: i < reqs.count ? reqs[i] : "")
            }
            f.three = three ?? ""
            f.four = four ?? ""
            f.five = five ?? ""
            return f
        }
    }

    static func create(req: Request) async throws -> Response {
        let user = try req.user
        let posted = try req.content.decode(Posted.self)
        var form = posted.specForm
        let types = try await types(req)
        if posted.more != nil {
            form.tasks += Array(repeating: SpecForm.TaskRow(), count: 10)
            return try await render(req, SpecFormPage(form: form, types: types, procedure: nil, locked: false, extraRows: 0))
        }
        switch form.spec() {
        case .failure(let e):
            return try await render(req, SpecFormPage(form: form, types: types, procedure: nil, locked: false, errors: e.problems), status: .unprocessableEntity)
        case .success(let spec):
            guard let mid = user.municipalityID, let m = try await Municipality.find(mid, on: req.db) else { throw AppError.notFound }
            do {
                let p = try await ProcedureStore.create(spec, regionID: m.$region.id, municipalityID: mid, actor: user.login, file: "форма", on: req.db)
                return req.redirect(to: Site.procedure.url(try p.requireID()), ok: "Процедура создана: \(ProcedureStore.title(p)).")
            } catch let e as SpecError {
                return try await render(req, SpecFormPage(form: form, types: types, procedure: nil, locked: false, errors: e.problems), status: .unprocessableEntity)
            }
        }
    }

    struct HeaderForm: Content { var file: File }

    /// The form filled from a results export's header, for the specialist to complete and save;
    /// nothing is stored (the file is read for its header only and not kept).
    static func fromHeader(req: Request) async throws -> Response {
        let upload = try req.content.decode(HeaderForm.self)
        let name = UploadName.clean(upload.file.filename)
        let types = try await types(req)
        var blank = SpecForm()
        blank.year = String(try await req.today().year)
        let rows: [[String]]
        do {
            rows = try await OfficeConversion.listRows(Data(buffer: upload.file.data), file: name)
        } catch let e as SpreadsheetError {
            return try await render(req, SpecFormPage(form: blank, types: types, procedure: nil, locked: false, errors: [e.description]), status: .unprocessableEntity)
        }
        guard let (form, notes) = SpecForm.fromResultsHeader(rows: rows) else {
            return try await render(req, SpecFormPage(form: blank, types: types, procedure: nil, locked: false,
                                                      errors: ["\(name): не найдена строка заголовка со столбцом «Код участника» — это не выгрузка результатов ФИС ОКО."]),
                                    status: .unprocessableEntity)
        }
        var filled = form
        // The type as the district's list spells it.
        filled.type = ProcedureTypes.match(form.type, in: types) ?? form.type
        return try await render(req, SpecFormPage(form: filled, types: types, procedure: nil, locked: false,
                                                  notice: "Задания прочитаны из заголовка файла «\(name)». " + notes.joined(separator: " ").capitalizedFirst
                                                    + " Проверьте и нажмите «Создать процедуру»."))
    }

    /// The district's own procedure, for its specialist.
    static func ownProcedure(_ req: Request) async throws -> Procedure {
        let p = try await Procedures.find(req)
        guard p.municipalityID != nil, p.municipalityID == (try req.user.municipalityID) else { throw AppError.forbidden }
        return p
    }

    static func hasWorks(_ p: Procedure, on db: Database) async throws -> Bool {
        try await WorkRow.query(on: db).filter(\.$procedure.$id == p.requireID()).limit(1).count() > 0
    }

    static func edit(req: Request) async throws -> Response {
        let p = try await ownProcedure(req)
        let spec = try ProcedureStore.spec(of: p)
        return try await render(req, SpecFormPage(form: SpecForm(spec: spec), types: types(req), procedure: p, locked: hasWorks(p, on: req.db)))
    }

    static func update(req: Request) async throws -> Response {
        let p = try await ownProcedure(req)
        let old = try ProcedureStore.spec(of: p)
        let locked = try await hasWorks(p, on: req.db)
        let posted = try req.content.decode(Posted.self)
        var form = posted.specForm
        form.reference = old.reference
        let types = try await types(req)
        if posted.more != nil, !locked {
            form.tasks += Array(repeating: SpecForm.TaskRow(), count: 10)
            return try await render(req, SpecFormPage(form: form, types: types, procedure: p, locked: locked, extraRows: 0))
        }
        switch form.spec() {
        case .failure(let e):
            return try await render(req, SpecFormPage(form: form, types: types, procedure: p, locked: locked, errors: e.problems), status: .unprocessableEntity)
        case .success(let spec):
            if locked, let reason = ProcedureStore.fixedByResults(old: old, new: spec) {
                return try await render(req, SpecFormPage(form: form, types: types, procedure: p, locked: locked, errors: [reason]), status: .unprocessableEntity)
            }
            do {
                try await ProcedureStore.update(p, to: spec, actor: try req.user.login, on: req.db)
            } catch let e as SpecError {
                return try await render(req, SpecFormPage(form: form, types: types, procedure: p, locked: locked, errors: e.problems), status: .unprocessableEntity)
            }
            return req.redirect(to: Site.procedure.url(try p.requireID()), ok: "Спецификация сохранена.")
        }
    }

    static func specJSON(req: Request) async throws -> Response {
        let p = try await Procedures.find(req)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(try ProcedureStore.spec(of: p))
        return Download.file(data, type: "application/json; charset=utf-8",
                             name: "\(p.type) \(p.year) \(p.subject) \(p.grade) — спецификация.json")
    }
}

extension String {
    /// «в заголовке …» → «В заголовке …».
    var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}

/// The specification form: the procedure's heading fields, a table of tasks, the mark scale.
struct SpecFormPage {
    var form: SpecForm
    var types: [String]
    /// The procedure being edited; nil for a new one.
    var procedure: Procedure?
    /// Results are loaded: the tasks, maxima, scale and heading cannot change.
    var locked: Bool
    var errors: [String] = []
    var notice: String?
    var extraRows = ProcedureFormController.blankRows

    var title: String { procedure == nil ? "Новая процедура" : "Спецификация процедуры" }

    func input(_ name: String, _ label: String, _ value: String, type: String = "text", hint: String? = nil, fixed: Bool = false, attrs: HTML = "") -> HTML {
        let ro: HTML = fixed ? " readonly" : ""
        let h: HTML = hint.map { #"<div class="hint">\#($0)</div>"# } ?? ""
        return #"<div><label for="\#(name)">\#(label)</label><input type="\#(type)" id="\#(name)" name="\#(name)" value="\#(value)"\#(ro)\#(attrs)>\#(h)</div>"#
    }

    func taskRow(_ i: Int, _ t: SpecForm.TaskRow) -> HTML {
        let ro: HTML = locked && !t.number.isEmpty ? " readonly" : ""
        let levels = HTML(TaskLevel.allCases.map { l in
            l.rawValue == (TaskLevel(text: t.level)?.rawValue ?? "Б") ? #"<option value="\#(l.rawValue)" selected>\#(l.rawValue)</option>"# as HTML
                : #"<option value="\#(l.rawValue)">\#(l.rawValue)</option>"#
        }, separator: "")
        return """
        <tr><td class="num">\(i + 1)</td>
        <td><input type="text" name="number[]" value="\(t.number)" aria-label="Номер задания в строке \(i + 1)" size="5"\(ro)></td>
        <td><input type="number" name="max[]" value="\(t.max)" min="1" max="100" aria-label="Максимальный балл в строке \(i + 1)" style="width:5em"\(ro)></td>
        <td><select name="level[]" aria-label="Уровень в строке \(i + 1)">\(levels)</select></td>
        <td><textarea name="requirements[]" rows="2" aria-label="Требования в строке \(i + 1)">\(t.requirements)</textarea></td></tr>
        """
    }

    func view(_ ctx: PageContext) -> HTML {
        let action = procedure.map { Site.procedureUpdate.url($0.id!) } ?? Site.procedureNewSubmit.url
        var html: HTML = "<h1>\(title)</h1>\(ctx.flash)"
        if let p = procedure { html += "<p class=\"muted\">\(ProcedureStore.title(p))</p>" }
        if !errors.isEmpty {
            html += #"<div class="flash error" role="alert"><p>Не сохранено — исправьте:</p><ul>\#(errors.map { "<li>\($0)</li>" as HTML })</ul></div>"#
        }
        if let notice { html += #"<div class="flash info">\#(notice)</div>"# }
        if locked {
            html += #"<div class="flash info">Результаты уже загружены: задания, максимальные баллы, шкала перевода, вид, год, предмет и класс проверены по ним и не меняются. Можно уточнить уровни заданий, проверяемые требования и форму проведения.</div>"#
        }
        if procedure == nil {
            html += """
            <section class="card no-print"><h2>Начать с файла ФИС ОКО</h2>
            <p>Выберите выгрузку результатов этой процедуры (XLSX или CSV): номера заданий и максимальные баллы прочитаются из заголовка таблицы, вид, год, предмет и класс — из строки над ней. Файл не сохраняется.</p>
            <form method="post" action="\(ctx.uploadAction(Site.procedureFromHeader.url))" enctype="multipart/form-data">\(ctx.csrfField)
            <label for="headerFile">Файл результатов</label><input type="file" id="headerFile" name="file" accept=".xlsx,.xls,.ods,.csv,.txt" required>
            <div class="actions"><button class="btn secondary" type="submit">Заполнить задания из файла</button></div>
            </form></section>
            """
        }
        let typeOptions = HTML((types.contains(form.type) || form.type.isEmpty ? types : [form.type] + types).map { t in
            t == form.type ? #"<option selected>\#(t)</option>"# as HTML : "<option>\(t)</option>"
        }, separator: "")
        let formOptions = HTML([("", "не указана"), ("paper", "на бумаге"), ("computer", "компьютерная")].map { v, t in
            v == form.form ? #"<option value="\#(v)" selected>\#(t)</option>"# as HTML : #"<option value="\#(v)">\#(t)</option>"#
        }, separator: "")
        let typeField: HTML = locked
            ? #"<div><label for="type">Вид процедуры</label><input type="text" id="type" name="type" value="\#(form.type)" readonly></div>"#
            : #"<div><label for="type">Вид процедуры</label><select id="type" name="type" required>\#(typeOptions)</select><div class="hint">Список видов — в настройках района.</div></div>"#
        let rows = form.tasks + Array(repeating: SpecForm.TaskRow(), count: locked ? 0 : extraRows)
        html += """
        <form method="post" action="\(action)" class="spec-form">\(ctx.csrfField)
        <section class="card"><h2>Процедура</h2><div class="filter-row">
        \(typeField)
        \(input("year", "Год проведения", form.year, type: "number", hint: "Весна 2026 — учебный год 2025-2026.", fixed: locked, attrs: #" min="2000" max="2100" required"#))
        \(input("subject", "Предмет", form.subject, fixed: locked, attrs: " required"))
        \(input("grade", "Класс", form.grade, type: "number", fixed: locked, attrs: #" min="1" max="11" required"#))
        <div><label for="form">Форма проведения</label><select id="form" name="form">\(formOptions)</select></div>
        </div></section>
        <section class="card"><h2>Задания</h2>
        <p class="hint">Номер — как в ФИС ОКО: 1, 9.1 или 2К1 (критерий задания). Требования — по строке: код, пробел, формулировка («1.1 Умение выполнять арифметические действия»). Пустые строки не сохраняются.</p>
        <div class="table-wrap"><table class="spec-tasks"><thead><tr><th class="num">№</th><th>Задание</th><th>Макс. балл</th><th>Уровень</th><th>Проверяемые требования (КЭС, ПРООП)</th></tr></thead>
        <tbody>\(HTML(rows.enumerated().map { taskRow($0.offset, $0.element) }, separator: ""))</tbody></table></div>
        \(locked ? "" : #"<div class="actions"><button class="btn secondary" type="submit" name="more" value="1" formnovalidate>Добавить 10 строк</button></div>"# as HTML)
        </section>
        <section class="card"><h2>Шкала перевода в отметку</h2>
        <p class="hint">Минимальный первичный балл для каждой отметки; меньше балла на «3» — «2». Если шкалы нет (отметки берутся из файла), оставьте поля пустыми.</p>
        <div class="filter-row">
        \(input("three", "«3» — от", form.three, type: "number", fixed: locked, attrs: #" min="1""#))
        \(input("four", "«4» — от", form.four, type: "number", fixed: locked, attrs: #" min="1""#))
        \(input("five", "«5» — от", form.five, type: "number", fixed: locked, attrs: #" min="1""#))
        </div></section>
        <div class="actions"><button class="btn" type="submit">\(procedure == nil ? "Создать процедуру" : "Сохранить спецификацию")</button>
        <a class="btn secondary" href="\(procedure.map { Site.procedure.url($0.id!) } ?? Site.procedures.url)">Отмена</a></div>
        </form>
        """
        return html
    }
}
