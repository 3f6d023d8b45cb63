import Fluent
import MsokoCore
import Vapor

/// Editing the roadmap (specialists): add, edit, remove measures; load a roadmap file.
/// Every change is audited; timing edits regenerate checkpoints and keep reports by order.
enum RoadmapEditController {
    static func register(_ app: Application) {
        app.on(Site.measureNew, use: newForm)
        app.on(Site.measureCreate, use: create)
        app.on(Site.measureEdit, use: editForm)
        app.on(Site.measureUpdate, use: update)
        app.on(Site.measureDeleteConfirm, use: confirmDelete)
        app.on(Site.measureDelete, use: delete)
        app.on(Site.roadmapLoad, use: loadForm)
        app.on(Site.roadmapLoadSubmit, use: load)
        app.on(Site.roadmapCopy, use: copy)
    }

    struct CopyForm: Content { var year: String }

    /// «Скопировать дорожную карту на следующий учебный год»: the measures, owners and expected
    /// results of `year` into the next school year, checkpoints derived anew from the timings;
    /// reports and evidence stay with the old year, which stays readable.
    static func copy(req: Request) async throws -> Response {
        let user = try req.user
        let form = try req.content.decode(CopyForm.self)
        guard let mid = user.municipalityID, let m = try await Municipality.find(mid, on: req.db) else { throw AppError.notFound }
        let start: Int
        do { start = try RoadmapDocument.startYear(of: form.year) } catch {
            return req.redirect(to: Site.home.url, error: "Копия не создана: учебный год «\(form.year)» — ожидается вид 2025-2026.")
        }
        guard let source = try await Roadmap.query(on: req.db).filter(\.$municipality.$id == mid).filter(\.$schoolYear == form.year).first() else {
            return req.redirect(to: Site.home.url, error: "Копия не создана: дорожной карты на \(form.year) учебный год в районе нет.")
        }
        let next = "\(start + 1)-\(start + 2)"
        if try await Roadmap.query(on: req.db).filter(\.$municipality.$id == mid).filter(\.$schoolYear == next).first() != nil {
            return req.redirect(to: Site.home.url.query(["year": next]), error: "Дорожная карта на \(next) учебный год уже есть — копия не создана.")
        }
        let document = try await RoadmapStore.document(of: source, on: req.db).moved(to: next)
        let roadmap = try await RoadmapStore.load(document, municipality: m, actor: user.login, on: req.db)
        try await Audit.record(on: req.db, actor: user.login, action: "copy", entity: "roadmap", id: roadmap.id?.uuidString,
                               summary: "Дорожная карта \(form.year) скопирована на \(next) учебный год: \(document.measures.count) мероприятий",
                               municipalityID: mid, regionID: m.$region.id)
        return req.redirect(to: Site.home.url.query(["year": next]),
                            ok: "Дорожная карта скопирована на \(next) учебный год: мероприятий \(document.measures.count), контрольные точки рассчитаны по срокам нового года. Отчёты \(form.year) остались в прежнем году.")
    }

    struct Form: Content {
        var sectionNumber: String
        var sectionTitle: String
        var number: String
        var title: String
        var timing: String
        var responsible: String
        var expectedResult: String
    }

    /// The measure form page (new or edit), with the problems of a refused submission.
    static func formPage(_ req: Request, _ model: MeasureForm, status: HTTPResponseStatus = .ok) -> Response {
        var crumbs = [Crumb(Site.home.url, "Дорожная карта")]
        if let id = model.measureID { crumbs.append(Crumb(Site.measure.url(id), "Мероприятие \(model.values.number)")) }
        return Layout.page(req, title: model.measureID == nil ? "Новое мероприятие" : "Изменить мероприятие", body: model.view(req.pageContext()), crumbs: crumbs, status: status)
    }

    static func roadmap(_ req: Request) async throws -> (User, Roadmap) {
        let user = try req.user
        guard let roadmap = try await Roadmap.query(on: req.db).filter(\.$municipality.$id == user.municipalityID ?? UUID())
            .sort(\.$schoolYear, .descending).first() else { throw AppError.notFound }
        return (user, roadmap)
    }

    static func validate(_ form: Form, roadmap: Roadmap, excluding: UUID?, on db: Database) async throws -> [String] {
        var errors: [String] = []
        for (value, name) in [(form.sectionNumber, "Номер раздела"), (form.sectionTitle, "Название раздела"), (form.number, "Номер мероприятия"),
                              (form.title, "Наименование"), (form.timing, "Срок реализации"), (form.responsible, "Ответственные исполнители")]
            where value.trimmingCharacters(in: .whitespaces).isEmpty {
            errors.append("Поле «\(name)» не заполнено.")
        }
        if form.number.range(of: #"^\d+(\.\d+)+$"#, options: .regularExpression) == nil {
            errors.append("Поле «Номер мероприятия»: ожидается вид 1.7.")
        }
        let start = try RoadmapDocument.startYear(of: roadmap.schoolYear)
        do { _ = try TimingParser.checkpoints(for: form.timing, schoolYearStart: start) } catch let e as TimingError {
            errors.append("Поле «Срок реализации»: \(e.description)")
        }
        let q = Measure.query(on: db).filter(\.$roadmap.$id == (try roadmap.requireID())).filter(\.$number == form.number)
        if let excluding { q.filter(\.$id != excluding) }
        if try await q.count() > 0 { errors.append("Мероприятие с номером \(form.number) уже есть.") }
        return errors
    }

    static func newForm(req: Request) async throws -> Response {
        _ = try await roadmap(req)
        let empty = Form(sectionNumber: "", sectionTitle: "", number: "", title: "", timing: "", responsible: "", expectedResult: "")
        return formPage(req, MeasureForm(measureID: nil, values: empty, errors: []))
    }

    static func create(req: Request) async throws -> Response {
        let (_, roadmap) = try await roadmap(req)
        let form = try req.content.decode(Form.self)
        let errors = try await validate(form, roadmap: roadmap, excluding: nil, on: req.db)
        if !errors.isEmpty { return formPage(req, MeasureForm(measureID: nil, values: form, errors: errors), status: .unprocessableEntity) }
        let measure = Measure()
        try await req.audited { db in
            let all = try await Measure.query(on: db).filter(\.$roadmap.$id == roadmap.requireID()).sort(\.$position).all()
            let m = measure
            apply(form, to: m)
            m.$roadmap.id = try roadmap.requireID()
            m.regionID = roadmap.regionID
            m.municipalityID = roadmap.$municipality.id
            // Place it after the last measure of its section, or at the end.
            let after = all.last(where: { $0.sectionNumber == form.sectionNumber })?.position ?? (all.last?.position ?? 0)
            for other in all where other.position > after {
                other.position += 1
                try await other.save(on: db)
            }
            m.position = after + 1
            try await m.save(on: db)
            try await RoadmapStore.syncCheckpoints(m, startYear: RoadmapDocument.startYear(of: roadmap.schoolYear), on: db)
            return try AuditNote(action: "create", entity: "measure", id: m.id, summary: "Добавлено мероприятие \(m.number)", after: RoadmapStore.snapshot(m),
                                 municipalityID: m.municipalityID, regionID: m.regionID)
        }
        return req.redirect(to: Site.measure.url(try measure.requireID()), ok: "Мероприятие \(measure.number) добавлено.")
    }

    static func apply(_ form: Form, to m: Measure) {
        m.sectionNumber = form.sectionNumber.trimmingCharacters(in: .whitespaces)
        m.sectionTitle = form.sectionTitle.trimmingCharacters(in: .whitespaces)
        m.number = form.number.trimmingCharacters(in: .whitespaces)
        m.title = form.title.trimmingCharacters(in: .whitespacesAndNewlines)
        m.timing = form.timing.trimmingCharacters(in: .whitespaces)
        m.responsible = form.responsible.trimmingCharacters(in: .whitespaces)
        m.expectedResult = form.expectedResult.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func editForm(req: Request) async throws -> Response {
        _ = try await roadmap(req)
        let m = try await MeasureController.find(req)
        let values = Form(sectionNumber: m.sectionNumber, sectionTitle: m.sectionTitle, number: m.number, title: m.title,
                          timing: m.timing, responsible: m.responsible, expectedResult: m.expectedResult)
        return formPage(req, MeasureForm(measureID: try m.requireID(), values: values, errors: []))
    }

    static func update(req: Request) async throws -> Response {
        let (_, roadmap) = try await roadmap(req)
        let m = try await MeasureController.find(req)
        let form = try req.content.decode(Form.self)
        let errors = try await validate(form, roadmap: roadmap, excluding: m.id, on: req.db)
        if !errors.isEmpty { return formPage(req, MeasureForm(measureID: try m.requireID(), values: form, errors: errors), status: .unprocessableEntity) }
        let before = RoadmapStore.snapshot(m)
        try await req.audited { db in
            apply(form, to: m)
            try await m.save(on: db)
            try await RoadmapStore.syncCheckpoints(m, startYear: RoadmapDocument.startYear(of: roadmap.schoolYear), on: db)
            return try AuditNote(action: "update", entity: "measure", id: m.id, summary: "Изменено мероприятие \(m.number)", before: before, after: RoadmapStore.snapshot(m),
                                 municipalityID: m.municipalityID, regionID: m.regionID)
        }
        return req.redirect(to: Site.measure.url(try m.requireID()), ok: "Мероприятие \(m.number) сохранено.")
    }

    static func confirmDelete(req: Request) async throws -> Response {
        _ = try await roadmap(req)
        let m = try await MeasureController.find(req)
        let reports = try await CheckpointReport.query(on: req.db).join(Checkpoint.self, on: \CheckpointReport.$checkpoint.$id == \Checkpoint.$id)
            .filter(Checkpoint.self, \.$measure.$id == m.requireID()).count()
        let id = try m.requireID()
        let html: HTML = """
        <section class="card narrow"><h1>Удалить мероприятие \(m.number)?</h1>
        <p>«\(m.title)»</p>
        <p>Будут удалены его контрольные точки и отчёты (сейчас отчётов: \(reports)) с подтверждающими файлами. Запись с прежним содержанием мероприятия останется в журнале изменений.</p>
        <div class="actions">\(HTML.postButton(req.pageContext(), action: Site.measureDelete.url(id), label: "Удалить мероприятие", style: "danger"))<a class="btn secondary" href="\(Site.measure.url(id))">Отмена</a></div>
        </section>
        """
        return Layout.page(req, title: "Удаление мероприятия", body: html)
    }

    static func delete(req: Request) async throws -> Response {
        _ = try await roadmap(req)
        let m = try await MeasureController.find(req)
        let note = try AuditNote(action: "delete", entity: "measure", id: m.id, summary: "Удалено мероприятие \(m.number)", before: RoadmapStore.snapshot(m),
                                 municipalityID: m.municipalityID, regionID: m.regionID)
        try await req.audited { db in
            try await RoadmapStore.deleteMeasure(m, on: db)
            return note
        }
        return req.redirect(to: Site.home.url, ok: "Мероприятие \(m.number) удалено.")
    }

    static func loadForm(req: Request) async throws -> Response {
        let ctx = req.pageContext()
        let html: HTML = """
        <h1>Загрузить дорожную карту</h1>\(ctx.flash)
        <section class="card">
        <p>Документ Word (DOCX) с таблицей дорожной карты, та же таблица в markdown или файл JSON в формате msoko (docs/roadmap-format.md). Если дорожная карта этого учебного года уже есть, мероприятия обновляются по номерам, отсутствующие в файле — удаляются вместе с отчётами.</p>
        <form method="post" action="\(ctx.uploadAction(Site.roadmapLoadSubmit.url))" enctype="multipart/form-data">\(ctx.csrfField)
        <label for="file">Файл</label><input type="file" id="file" name="file" accept=".docx,.json,.md,.txt" required>
        <label for="year">Учебный год (если его нет в файле)</label><input type="text" id="year" name="year" placeholder="2025-2026">
        <div class="actions"><button class="btn" type="submit">Загрузить</button></div>
        </form></section>
        """
        return Layout.page(req, title: "Загрузка дорожной карты", body: html)
    }

    struct LoadForm: Content { var file: File; var year: String? }

    static func load(req: Request) async throws -> Response {
        let user = try req.user
        let form = try req.content.decode(LoadForm.self)
        guard let mid = user.municipalityID, let m = try await Municipality.find(mid, on: req.db) else { throw AppError.notFound }
        do {
            let year = form.year.flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 }
            let doc = try RoadmapFileReader.read(data: Data(buffer: form.file.data), fileName: form.file.filename, year: year)
            try await RoadmapStore.load(doc, municipality: m, actor: user.login, on: req.db)
            return req.redirect(to: Site.home.url, ok: "Дорожная карта \(doc.year) загружена: разделов \(doc.sections.count), мероприятий \(doc.measures.count).")
        } catch let error as RoadmapFileError {
            return req.redirect(to: Site.roadmapLoad.url, error: "Ничего не загружено. " + error.description)
        }
    }
}

/// The form of a measure: new (`measureID` nil) or an edit, with the problems of a refused submission.
struct MeasureForm {
    var measureID: UUID?
    var values: RoadmapEditController.Form
    var errors: [String]

    func field(_ name: String, _ label: String, _ value: String, hint: String = "", area: Bool = false) -> HTML {
        let input: HTML = area
            ? #"<textarea id="\#(name)" name="\#(name)" required>\#(value)</textarea>"#
            : #"<input type="text" id="\#(name)" name="\#(name)" value="\#(value)" required>"#
        let note: HTML = hint.isEmpty ? "" : #"<div class="hint">\#(hint)</div>"#
        return #"<label for="\#(name)">\#(label)</label>\#(input)\#(note)"#
    }

    func view(_ ctx: PageContext) -> HTML {
        var html: HTML
        let action: SiteURL
        if let measureID {
            html = "<h1>Мероприятие \(values.number): изменить</h1>"
            if errors.isEmpty { html += #"<p class="hint">Если изменить срок, контрольные точки будут пересчитаны; отчёты сохраняются по порядку точек, лишние точки удаляются вместе с отчётами.</p>"# }
            action = Site.measureUpdate.url(measureID)
        } else {
            html = "<h1>Новое мероприятие</h1>"
            action = Site.measureCreate.url
        }
        if !errors.isEmpty { html += #"<div class="flash error" role="alert"><ul class="errors">\#(errors.map { "<li>\($0)</li>" as HTML })</ul></div>"# }
        html += """
        <section class="card"><form method="post" action="\(action)">\(ctx.csrfField)
        \(field("sectionNumber", "Номер раздела", values.sectionNumber))
        \(field("sectionTitle", "Название раздела", values.sectionTitle))
        \(field("number", "Номер мероприятия", values.number, hint: "Например 1.7"))
        \(field("title", "Наименование мероприятия", values.title, area: true))
        \(field("timing", "Срок реализации", values.timing, hint: "Как в дорожной карте: «Январь, май», «Май-август», «Январь (региональный мониторинг), май (ВГР)», «Постоянно», «В течение учебного года»."))
        \(field("responsible", "Ответственные исполнители", values.responsible, hint: "«Руководители образовательных организаций» — отчитывается каждая школа; «специалисты Управления образования», ФИО или «руководители методических объединений» — отчёт района."))
        \(field("expectedResult", "Ожидаемые результаты", values.expectedResult, area: true))
        <div class="actions"><button class="btn" type="submit">\(measureID == nil ? "Добавить" : "Сохранить")</button><a class="btn secondary" href="\(Site.home.url)">Отмена</a></div>
        </form></section>
        """
        return html
    }
}
