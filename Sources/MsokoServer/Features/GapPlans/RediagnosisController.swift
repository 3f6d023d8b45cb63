import Fluent
import MsokoCore
import Vapor

/// A school's own re-diagnosis of a plan's class (issue 13 §3): its tasks mapped to the plan's
/// requirement codes (or one «освоено / не освоено» per requirement), the scores typed in a grid
/// or uploaded (the file kept), and before / after per requirement and student.
///
/// Decision: a re-diagnosis is not a district procedure (it never enters the district's analysis,
/// objectivity screening or calendar): it belongs to one plan and is judged by the same `Gaps` rules.
enum RediagnosisController {
    static func register(_ app: Application) {
        app.on(Site.rediagnosisNew, use: new)
        app.on(Site.rediagnosisCreate, use: create)
        app.on(Site.rediagnosis, use: page)
        app.on(Site.rediagnosisSave, use: save)
        app.on(Site.rediagnosisUpload, authorize: { req in _ = try await load(req, editing: true) }, use: upload)
        app.on(Site.rediagnosisTemplate, use: template)
        app.on(Site.rediagnosisAttach, use: attach)
        app.on(Site.rediagnosisDeleteConfirm, use: confirmDelete)
        app.on(Site.rediagnosisDelete, use: delete)
    }

    static func plan(_ req: Request) async throws -> LoadedPlan {
        let l = try await GapPlanStore.load(req)
        guard l.rights.rediagnoses else { throw AppError.forbidden }
        return l
    }

    static func new(req: Request) async throws -> Response {
        let l = try await plan(req)
        let page = RediagnosisPages.new(l, ctx: req.pageContext())
        return Layout.page(req, title: "Повторная диагностика", body: page, crumbs: [Crumb(Site.gapPlans.url, "Ликвидация пробелов"), Crumb(Site.gapPlan.url(l.id), l.title)])
    }

    struct NewForm: Content {
        var date: String
        var mode: String
        var number: [String]?
        var code: [String]?
        var max: [String]?
    }

    static func create(req: Request) async throws -> Response {
        let user = try req.user
        let l = try await plan(req)
        let f = try req.content.decode(NewForm.self)
        let progress = try await PlanProgress.make(l, on: req.db)
        let back = Site.rediagnosisNew.url(l.id)
        var errors: [String] = []
        let date = GapPlansController.date(f.date, "Дата", "Повторная диагностика", &errors)
        if date == nil && errors.isEmpty { errors.append("Поле «Дата»: укажите дату повторной диагностики.") }
        let tasks: [Rediagnosis.Task]
        let students: [String]
        let all = progress.before.students.map(\.code)
        switch f.mode {
        case "requirements":
            let codes = l.items.map(\.code)
            if codes.isEmpty { errors.append("В плане нет пунктов: не по чему вносить результаты.") }
            tasks = codes.map { Rediagnosis.Task(number: $0, code: $0, max: 1) }
            let concerned = Set(l.items.flatMap(\.studentCodes))
            students = concerned.isEmpty ? all : all.filter(concerned.contains)
        case "tasks":
            let numbers = f.number ?? [], codes = f.code ?? [], maxes = f.max ?? []
            var list: [Rediagnosis.Task] = []
            for i in numbers.indices {
                let n = TaskNumber.normalize(numbers[i])
                let m = i < maxes.count ? maxes[i].trimmingCharacters(in: .whitespaces) : ""
                if n.isEmpty && m.isEmpty { continue }
                list.append(Rediagnosis.Task(number: n, code: i < codes.count ? codes[i] : "", max: Int(m) ?? 0))
            }
            errors += Rediagnosis.problems(tasks: list, codes: Set(progress.requirements.map(\.code)))
            tasks = list
            students = all
        default:
            throw AppError.badInput("Поле «Вид»: недопустимое значение.")
        }
        guard errors.isEmpty, let date else { return req.redirect(to: back, error: "Повторная диагностика не создана.\n" + errors.joined(separator: "\n")) }
        let r = GapRediagnosis()
        r.$plan.id = l.id
        r.date = date.iso
        r.mode = f.mode
        r.tasks = try GapRediagnosis.json(tasks)
        r.rows = try GapRediagnosis.json(students.map { Rediagnosis.Row(code: $0, scores: tasks.map { _ in nil }) })
        r.createdBy = user.login
        let plan = l.plan
        try await req.audited { db in
            try await r.create(on: db)
            return try AuditNote(action: "create", entity: "gap_rediagnosis", id: r.id, summary: "Повторная диагностика \(plan.className) (\(l.school.login)) \(date.russian)",
                                 after: ["tasks": tasks.map { "\($0.number)→\($0.code)" }.joined(separator: ", ")], municipalityID: plan.municipalityID, regionID: plan.regionID, schoolID: l.school.id)
        }
        return req.redirect(to: Site.rediagnosis.url(try r.requireID()), ok: "Повторная диагностика создана. Внесите результаты в таблицу или загрузите файл.")
    }

    struct Loaded {
        var plan: LoadedPlan
        var rediagnosis: GapRediagnosis
        var tasks: [Rediagnosis.Task]
        var rows: [Rediagnosis.Row]
    }

    static func load(_ req: Request, editing: Bool) async throws -> Loaded {
        guard let r = try await GapRediagnosis.find(try req.pathID("rediagnosisID"), on: req.db) else { throw AppError.notFound }
        let l = try await GapPlanStore.load(req, id: r.$plan.id)
        if editing && !l.rights.rediagnoses { throw AppError.forbidden }
        return Loaded(plan: l, rediagnosis: r, tasks: try r.decodedTasks(), rows: try r.decodedRows())
    }

    static func page(req: Request) async throws -> Response {
        let d = try await load(req, editing: false)
        let progress = try await PlanProgress.make(d.plan, on: req.db)
        let body = RediagnosisPages.page(d, changes: progress.changes[d.rediagnosis.id!] ?? [], ctx: req.pageContext())
        return Layout.page(req, title: "Повторная диагностика \(LocalDate.russian(d.rediagnosis.date))", body: body,
                           crumbs: [Crumb(Site.gapPlans.url, "Ликвидация пробелов"), Crumb(Site.gapPlan.url(d.plan.id), d.plan.title)], paper: .landscape)
    }

    /// Saves the grid (cells `s_ROW_TASK`): all or nothing.
    static func save(req: Request) async throws -> Response {
        let d = try await load(req, editing: true)
        let form = try req.content.decode([String: String].self)
        let typed = d.rows.enumerated().map { r, row in (code: row.code, cells: d.tasks.indices.map { form["s_\(r)_\($0)"] ?? "" }) }
        let read = Rediagnosis.scores(rows: typed, tasks: d.tasks) { r, t in "Обучающийся \(typed[r].code), задание \(d.tasks[t].number)" }
        let here = Site.rediagnosis.url(try d.rediagnosis.requireID())
        guard read.problems.isEmpty else { return req.redirect(to: here, error: "Результаты не сохранены.\n" + read.problems.joined(separator: "\n")) }
        try await store(req, d, rows: read.rows, file: nil)
        return req.redirect(to: here, ok: "Результаты сохранены: \(Plural.count(read.rows.filter { $0.scores.contains { $0 != nil } }.count, "обучающийся", "обучающихся", "обучающихся")) с баллами.")
    }

    struct UploadForm: Content { var file: File? }

    static func upload(req: Request) async throws -> Response {
        let d = try await load(req, editing: true)
        let here = Site.rediagnosis.url(try d.rediagnosis.requireID())
        guard let file = try req.content.decode(UploadForm.self).file, file.data.readableBytes > 0 else {
            return req.redirect(to: here, error: "Выберите файл результатов (XLSX или CSV).")
        }
        let name = UploadName.clean(file.filename)
        let data = Data(buffer: file.data)
        let known = Set(try await GapsQuery.works(d.plan.procedure, school: d.plan.school, className: d.plan.plan.className, on: req.db).works.map(\.code))
        let cells: [[String]]
        do { cells = try ListFile.rows(data: data, file: name) } catch {
            return req.redirect(to: here, error: "Файл «\(name)» не прочитан: это не таблица XLSX или CSV.")
        }
        let read = Rediagnosis.read(cells, file: name, tasks: d.tasks, students: known)
        guard read.problems.isEmpty else { return req.redirect(to: here, error: "Файл не загружен, ничего не сохранено.\n" + read.problems.joined(separator: "\n")) }
        guard !read.rows.isEmpty else { return req.redirect(to: here, error: "Файл «\(name)»: нет ни одной строки с кодом участника.") }
        try await store(req, d, rows: read.rows, file: (name, data))
        return req.redirect(to: here, ok: "Файл «\(name)» загружен: \(Plural.count(read.rows.count, "обучающийся", "обучающихся", "обучающихся")).")
    }

    /// Replaces the scores (the uploaded file kept with the plan), audited.
    static func store(_ req: Request, _ d: Loaded, rows: [Rediagnosis.Row], file: (name: String, data: Data)?) async throws {
        let r = d.rediagnosis
        let plan = d.plan.plan
        let login = try req.user.login
        let before = r.rows
        r.rows = try GapRediagnosis.json(rows)
        let school = d.plan.school.login
        try await req.audited { db in
            var note = ""
            if let file {
                let g = try GapFile.make(plan: plan, kind: "rediagnosis", name: file.name,
                                         type: file.name.lowercased().hasSuffix(".csv") ? Download.csvType : Download.xlsxType, data: file.data, by: login)
                try await g.create(on: db)
                note = "\(file.name) (sha256 \(g.sha256.prefix(12))…)"
            }
            try await r.save(on: db)
            return try AuditNote(action: "update", entity: "gap_rediagnosis", id: r.id, summary: "Результаты повторной диагностики \(plan.className) (\(school)) \(LocalDate.russian(r.date))",
                                 before: ["rows": before], after: ["rows": r.rows, "file": note], municipalityID: plan.municipalityID, regionID: plan.regionID, schoolID: plan.$school.id)
        }
    }

    /// The sheet to fill: a column per task, a row per student (codes only).
    static func template(req: Request) async throws -> Response {
        let d = try await load(req, editing: true)
        let table = AnalysisTable(title: "Повторная диагностика", header: ["Код участника"] + d.tasks.map(\.number),
                                  rows: d.rows.map { [.text($0.code)] + $0.scores.map { $0.map { .number($0) } ?? .text("") } },
                                  notes: d.rediagnosis.mode == "requirements" ? ["1 — требование освоено, 0 — не освоено, пусто — не проверялся."]
                                      : ["Баллы за задания: от 0 до максимального; пусто — не выполнял. Максимум: " + d.tasks.map { "\($0.number) — \($0.max)" }.joined(separator: ", ") + "."])
        return try Download.xlsx([table], name: "Повторная диагностика \(d.plan.plan.className) \(LocalDate.russian(d.rediagnosis.date))")
    }

    /// Its before/after as a Word document in the school's report of measure 2.3, in one click.
    static func attach(req: Request) async throws -> Response {
        let d = try await load(req, editing: true)
        guard d.plan.rights.canEdit else { throw AppError.forbidden }
        let progress = try await PlanProgress.make(d.plan, on: req.db)
        let changes = progress.changes[try d.rediagnosis.requireID()] ?? []
        let here = Site.rediagnosis.url(try d.rediagnosis.requireID())
        guard changes.contains(where: { !$0.students.isEmpty }) else { return req.redirect(to: here, error: "Результатов ещё нет — прикладывать нечего.") }
        let doc = try await GapDocuments.rediagnosis(req, d.plan, d.rediagnosis, changes: changes)
        return try await GapOverviewController.attach(req, school: d.plan.school, schoolYear: d.plan.procedure.schoolYear, doc: doc,
                                                      name: doc.title + ".docx", what: "Повторная диагностика \(d.plan.plan.className)", back: here)
    }

    static func confirmDelete(req: Request) async throws -> Response {
        let d = try await load(req, editing: true)
        guard d.plan.rights.canEdit else { throw AppError.forbidden }
        return Layout.page(req, title: "Удаление", body: ConfirmPage.view(req.pageContext(), title: "Удалить повторную диагностику?",
            text: "Повторная диагностика \(LocalDate.russian(d.rediagnosis.date)) класса \(d.plan.plan.className) будет удалена с результатами. Закрытые по ней пункты останутся закрытыми. Запись останется в журнале изменений.",
            action: Site.rediagnosisDelete.url(try d.rediagnosis.requireID()), cancel: Site.rediagnosis.url(try d.rediagnosis.requireID())))
    }

    static func delete(req: Request) async throws -> Response {
        let d = try await load(req, editing: true)
        guard d.plan.rights.canEdit else { throw AppError.forbidden }
        let r = d.rediagnosis, plan = d.plan.plan
        try await req.audited { db in
            try await r.delete(on: db)
            return try AuditNote(action: "delete", entity: "gap_rediagnosis", id: r.id, summary: "Удалена повторная диагностика \(plan.className) \(LocalDate.russian(r.date))",
                                 before: ["tasks": r.tasks, "rows": r.rows], municipalityID: plan.municipalityID, regionID: plan.regionID, schoolID: plan.$school.id)
        }
        return req.redirect(to: Site.gapPlan.url(d.plan.id), ok: "Повторная диагностика удалена.")
    }
}
