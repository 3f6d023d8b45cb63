import Fluent
import MsokoCore
import Vapor

/// Assessment procedures: the list, a procedure's page (specification, what arrived per school
/// and class, accepted files, dates), creating one from a specification file.
enum ProcedureController {
    static func register(_ app: Application) {
        app.on(Site.procedures, use: list)
        app.on(Site.procedureCreate, use: create)
        app.on(Site.procedure, use: show)
    }

    static func list(req: Request) async throws -> Response {
        let model = try await ProcedureList.query(user: req.user, on: req.db)
        return Layout.page(req, title: "Оценочные процедуры", body: model.view(req.pageContext()))
    }

    struct CreateForm: Content { var spec: File }

    static func create(req: Request) async throws -> Response {
        let user = try req.user
        let form = try req.content.decode(CreateForm.self)
        guard let mid = user.municipalityID, let m = try await Municipality.find(mid, on: req.db) else { throw AppError.notFound }
        do {
            let spec = try ProcedureSpec.read(data: Data(buffer: form.spec.data), file: form.spec.filename)
            let p = try await ProcedureStore.create(spec, regionID: m.$region.id, municipalityID: mid, actor: user.login, file: form.spec.filename, on: req.db)
            return req.redirect(to: Site.procedure.url(try p.requireID()), ok: "Процедура создана: \(ProcedureStore.title(p)).")
        } catch let e as SpecError {
            return req.redirect(to: Site.procedures.url, error: "Процедура не создана.\n" + e.description)
        }
    }

    static func show(req: Request) async throws -> Response {
        let p = try await Procedures.find(req)
        let model = try await ProcedurePage.query(procedure: p, user: req.user, zone: req.municipalityZone(),
                                                  allFiles: (try? req.query.get(String.self, at: "files")) == "all", on: req.db)
        return Layout.page(req, title: ProcedureStore.title(p), body: model.view(req.pageContext()), crumbs: [Crumb(Site.procedures.url, "Оценочные процедуры")])
    }
}

/// The procedures list: one grouped count of works for all rows.
struct ProcedureList {
    struct Row {
        var id: UUID
        var title: String
        var schoolYear: String
        var form: String
        /// «—» where the stored specification cannot be read.
        var tasks: String
        var works: Int
    }

    var rows: [Row]
    var canCreate: Bool

    static func query(user: User, on db: Database) async throws -> ProcedureList {
        let procedures = try await Procedures.visible(to: user, on: db)
        let works = try await ResultsQuery.worksPerProcedure(municipalityID: user.requireMunicipalityID(), schoolID: user.role == .head ? user.$school.id : nil, on: db)
        return ProcedureList(rows: procedures.map { p in
            Row(id: p.id!, title: ProcedureStore.title(p), schoolYear: p.schoolYear, form: ProcedureStore.formName(p.form),
                tasks: (try? ProcedureStore.spec(of: p).tasks.count).map(String.init) ?? "—", works: works[p.id!] ?? 0)
        }, canCreate: user.role == .specialist)
    }

    func view(_ ctx: PageContext) -> HTML {
        var html: HTML = "<h1>Оценочные процедуры</h1>\(ctx.flash)"
        html += rows.isEmpty ? .emptyState("Процедур пока нет.") : .table(
            head: #"<th>Процедура</th><th>Учебный год</th><th>Форма</th><th class="num">Заданий</th><th class="num">Работ загружено</th>"#,
            rows: rows.map { r in
                #"<tr><td><a href="\#(Site.procedure.url(r.id))">\#(r.title)</a></td><td>\#(r.schoolYear)</td><td>\#(r.form)</td><td class="num">\#(r.tasks)</td><td class="num">\#(r.works)</td></tr>"#
            })
        if canCreate {
            html += """
            <section class="card no-print"><h2>Новая процедура</h2>
            <p>Заполните спецификацию в форме: вид, предмет, класс, задания с максимальными баллами, уровнями и проверяемыми требованиями, шкалу перевода. Задания можно прочитать из заголовка выгрузки результатов ФИС ОКО.</p>
            <div class="actions"><a class="btn" href="\(Site.procedureNew.url)">Создать процедуру</a></div>
            <details><summary>Загрузить готовую спецификацию (JSON)</summary>
            <p class="hint">Формат — в docs/specification-format.md; файл JSON любой процедуры можно скачать на её странице.</p>
            <form method="post" action="\(ctx.uploadAction(Site.procedureCreate.url))" enctype="multipart/form-data">\(ctx.csrfField)
            <label for="spec">Спецификация</label><input type="file" id="spec" name="spec" accept=".json" required>
            <div class="actions"><button class="btn secondary" type="submit">Создать из файла</button></div>
            </form></details></section>
            """
        }
        return html
    }
}
