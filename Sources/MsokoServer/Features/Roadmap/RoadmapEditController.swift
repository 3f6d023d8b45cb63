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

    static func formHTML(_ req: Request, action: String, values: Form, errors: [String], submit: String) -> String {
        let errorHTML = errors.isEmpty ? "" : "<div class=\"flash error\" role=\"alert\"><ul class=\"errors\">" + errors.map { "<li>\(esc($0))</li>" }.joined() + "</ul></div>"
        func field(_ name: String, _ label: String, _ value: String, hint: String = "", area: Bool = false) -> String {
            let input = area
                ? "<textarea id=\"\(name)\" name=\"\(name)\" required>\(esc(value))</textarea>"
                : "<input type=\"text\" id=\"\(name)\" name=\"\(name)\" value=\"\(esc(value))\" required>"
            return "<label for=\"\(name)\">\(label)</label>\(input)" + (hint.isEmpty ? "" : "<div class=\"hint\">\(hint)</div>")
        }
        return """
        \(errorHTML)
        <section class="card"><form method="post" action="\(action)">\(csrfField(req))
        \(field("sectionNumber", "Номер раздела", values.sectionNumber))
        \(field("sectionTitle", "Название раздела", values.sectionTitle))
        \(field("number", "Номер мероприятия", values.number, hint: "Например 1.7"))
        \(field("title", "Наименование мероприятия", values.title, area: true))
        \(field("timing", "Срок реализации", values.timing, hint: "Как в дорожной карте: «Январь, май», «Май-август», «Январь (региональный мониторинг), май (ВГР)», «Постоянно», «В течение учебного года»."))
        \(field("responsible", "Ответственные исполнители", values.responsible, hint: "«Руководители образовательных организаций» — отчитывается каждая школа; «специалисты Управления образования», ФИО или «руководители методических объединений» — отчёт района."))
        \(field("expectedResult", "Ожидаемые результаты", values.expectedResult, area: true))
        <div class="actions"><button class="btn" type="submit">\(submit)</button><a class="btn secondary" href="/">Отмена</a></div>
        </form></section>
        """
    }

    static func roadmap(_ req: Request) async throws -> (User, Roadmap) {
        let user = try req.require([.specialist])
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
        return Layout.page(req, title: "Новое мероприятие", body: "<h1>Новое мероприятие</h1>" + formHTML(req, action: "/measures", values: empty, errors: [], submit: "Добавить"),
                           crumbs: [("/", "Дорожная карта")])
    }

    static func create(req: Request) async throws -> Response {
        let (user, roadmap) = try await roadmap(req)
        let form = try req.content.decode(Form.self)
        let errors = try await validate(form, roadmap: roadmap, excluding: nil, on: req.db)
        if !errors.isEmpty {
            let r = Layout.page(req, title: "Новое мероприятие", body: "<h1>Новое мероприятие</h1>" + formHTML(req, action: "/measures", values: form, errors: errors, submit: "Добавить"))
            r.status = .unprocessableEntity
            return r
        }
        let measure = try await req.db.transaction { db -> Measure in
            let all = try await Measure.query(on: db).filter(\.$roadmap.$id == roadmap.requireID()).sort(\.$position).all()
            let m = Measure()
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
            try await Audit.record(on: db, actor: user.login, action: "create", entity: "measure", id: m.id?.uuidString,
                                   summary: "Добавлено мероприятие \(m.number)", after: RoadmapStore.snapshot(m),
                                   municipalityID: m.municipalityID, regionID: m.regionID)
            return m
        }
        Flash.set(req, "ok", "Мероприятие \(measure.number) добавлено.")
        return req.redirect(to: "/measures/\(measure.id!)")
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
        return Layout.page(req, title: "Изменить мероприятие", body: "<h1>Мероприятие \(esc(m.number)): изменить</h1><p class=\"hint\">Если изменить срок, контрольные точки будут пересчитаны; отчёты сохраняются по порядку точек, лишние точки удаляются вместе с отчётами.</p>" + formHTML(req, action: "/measures/\(m.id!)", values: values, errors: [], submit: "Сохранить"),
                           crumbs: [("/", "Дорожная карта"), ("/measures/\(m.id!)", "Мероприятие \(m.number)")])
    }

    static func update(req: Request) async throws -> Response {
        let (user, roadmap) = try await roadmap(req)
        let m = try await MeasureController.find(req)
        let form = try req.content.decode(Form.self)
        let errors = try await validate(form, roadmap: roadmap, excluding: m.id, on: req.db)
        if !errors.isEmpty {
            let r = Layout.page(req, title: "Изменить мероприятие", body: "<h1>Мероприятие \(esc(m.number)): изменить</h1>" + formHTML(req, action: "/measures/\(m.id!)", values: form, errors: errors, submit: "Сохранить"))
            r.status = .unprocessableEntity
            return r
        }
        let before = RoadmapStore.snapshot(m)
        try await req.db.transaction { db in
            apply(form, to: m)
            try await m.save(on: db)
            try await RoadmapStore.syncCheckpoints(m, startYear: RoadmapDocument.startYear(of: roadmap.schoolYear), on: db)
            try await Audit.record(on: db, actor: user.login, action: "update", entity: "measure", id: m.id?.uuidString,
                                   summary: "Изменено мероприятие \(m.number)", before: before, after: RoadmapStore.snapshot(m),
                                   municipalityID: m.municipalityID, regionID: m.regionID)
        }
        Flash.set(req, "ok", "Мероприятие \(m.number) сохранено.")
        return req.redirect(to: "/measures/\(m.id!)")
    }

    static func confirmDelete(req: Request) async throws -> Response {
        _ = try await roadmap(req)
        let m = try await MeasureController.find(req)
        let reports = try await CheckpointReport.query(on: req.db).join(Checkpoint.self, on: \CheckpointReport.$checkpoint.$id == \Checkpoint.$id)
            .filter(Checkpoint.self, \.$measure.$id == m.requireID()).count()
        let html = """
        <section class="card narrow"><h1>Удалить мероприятие \(esc(m.number))?</h1>
        <p>«\(esc(m.title))»</p>
        <p>Будут удалены его контрольные точки и отчёты (сейчас отчётов: \(reports)) с подтверждающими файлами. Запись с прежним содержанием мероприятия останется в журнале изменений.</p>
        <div class="actions">\(postButton(req, action: "/measures/\(m.id!)/delete", label: "Удалить мероприятие", style: "danger"))<a class="btn secondary" href="/measures/\(m.id!)">Отмена</a></div>
        </section>
        """
        return Layout.page(req, title: "Удаление мероприятия", body: html)
    }

    static func delete(req: Request) async throws -> Response {
        let (user, _) = try await roadmap(req)
        let m = try await MeasureController.find(req)
        try await req.db.transaction { db in
            try await Audit.record(on: db, actor: user.login, action: "delete", entity: "measure", id: m.id?.uuidString,
                                   summary: "Удалено мероприятие \(m.number)", before: RoadmapStore.snapshot(m),
                                   municipalityID: m.municipalityID, regionID: m.regionID)
            try await RoadmapStore.deleteMeasure(m, on: db)
        }
        Flash.set(req, "ok", "Мероприятие \(m.number) удалено.")
        return req.redirect(to: "/")
    }

    static func loadForm(req: Request) async throws -> Response {
        try req.require([.specialist])
        let html = """
        <h1>Загрузить дорожную карту</h1>\(Flash.take(req))
        <section class="card">
        <p>Документ Word (DOCX) с таблицей дорожной карты, та же таблица в markdown или файл JSON в формате msoko (docs/roadmap-format.md). Если дорожная карта этого учебного года уже есть, мероприятия обновляются по номерам, отсутствующие в файле — удаляются вместе с отчётами.</p>
        <form method="post" action="\(uploadAction(req, "/roadmap/load"))" enctype="multipart/form-data">\(csrfField(req))
        <label for="file">Файл</label><input type="file" id="file" name="file" accept=".docx,.json,.md,.txt" required>
        <label for="year">Учебный год (если его нет в файле)</label><input type="text" id="year" name="year" placeholder="2025-2026">
        <div class="actions"><button class="btn" type="submit">Загрузить</button></div>
        </form></section>
        """
        return Layout.page(req, title: "Загрузка дорожной карты", body: html)
    }

    struct LoadForm: Content { var file: File; var year: String? }

    static func load(req: Request) async throws -> Response {
        let user = try req.require([.specialist])
        let form = try req.content.decode(LoadForm.self)
        guard let mid = user.municipalityID, let m = try await Municipality.find(mid, on: req.db) else { throw AppError.notFound }
        do {
            let year = form.year.flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 }
            let doc = try RoadmapFileReader.read(data: Data(buffer: form.file.data), fileName: form.file.filename, year: year)
            try await RoadmapStore.load(doc, municipality: m, actor: user.login, on: req.db)
            Flash.set(req, "ok", "Дорожная карта \(doc.year) загружена: разделов \(doc.sections.count), мероприятий \(doc.measures.count).")
            return req.redirect(to: "/")
        } catch let error as RoadmapFileError {
            Flash.set(req, "error", "Ничего не загружено. " + error.description)
            return req.redirect(to: "/roadmap/load")
        }
    }
}
