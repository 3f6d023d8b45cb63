import Fluent
import MsokoCore
import Vapor

/// Reporting on a checkpoint (status, text, evidence files) and evidence downloads.
enum CheckpointController {
    static func register(_ app: Application) {
        app.on(Site.checkpointReport, use: form)
        app.on(Site.checkpointReportSubmit, authorize: { req in _ = try await target(req) }, use: save)
        app.on(Site.evidence, use: download)
        app.on(Site.evidenceDeleteConfirm, use: confirmDelete)
        app.on(Site.evidenceDelete, use: delete)
    }

    struct Target {
        let checkpoint: Checkpoint
        let measure: Measure
        let party: Party
        let school: School?
    }

    /// Resolves the checkpoint and the party from the URL and checks the user may write it.
    static func target(_ req: Request) async throws -> Target {
        let user = try req.user
        let cp = try await req.find(Checkpoint.self, "checkpointID")
        guard cp.municipalityID == user.municipalityID,
              let measure = try await Measure.find(cp.$measure.id, on: req.db) else { throw AppError.notFound }
        let partyText = req.query[String.self, at: "party"] ?? "district"
        if partyText == "district" {
            guard ExecutorParser.districtReports(measure.responsible) else { throw AppError.notFound }
            guard user.canReportDistrict(for: measure) else { throw AppError.forbidden }
            return Target(checkpoint: cp, measure: measure, party: .district, school: nil)
        }
        guard let sid = UUID(uuidString: partyText), let school = try await School.find(sid, on: req.db),
              ExecutorParser.schoolsReport(measure.responsible) else { throw AppError.notFound }
        guard user.canReport(forSchool: school) else { throw AppError.forbidden }
        return Target(checkpoint: cp, measure: measure, party: .school(sid), school: school)
    }

    static func form(req: Request) async throws -> Response {
        let t = try await target(req)
        return try await renderForm(req, t, errors: [], text: nil, status: nil)
    }

    static func renderForm(_ req: Request, _ t: Target, errors: [String], text: String?, status: String?, httpStatus: HTTPResponseStatus = .ok) async throws -> Response {
        let report = try await CheckpointReport.existing(t.checkpoint, schoolID: t.party.schoolID, on: req.db)
        var files: [EvidenceFile] = []
        if let report {
            files = try await EvidenceFile.query(on: req.db).filter(\.$report.$id == report.requireID())
                .field(\.$id).field(\.$fileName).field(\.$size).field(\.$uploadedBy).field(\.$createdAt).field(\.$report.$id).all()
        }
        let model = CheckpointReportForm(target: t, status: status ?? report?.status ?? CheckpointStatus.inProgress.rawValue, text: text ?? report?.text ?? "",
                                         files: files.map { ($0.id!, $0.fileName, $0.size, $0.uploadedBy) }, errors: errors,
                                         maxMB: req.msokoConfig.maxEvidenceBytes / 1024 / 1024)
        return Layout.page(req, title: "Отчёт по мероприятию \(t.measure.number)", body: model.view(req.pageContext()),
                           crumbs: [Crumb(Site.home.url, "Дорожная карта"), Crumb(Site.measure.url(t.measure.id!), "Мероприятие \(t.measure.number)")], status: httpStatus)
    }

    struct ReportForm: Content {
        var status: String
        var text: String?
        var files: [File]?
    }

    static func save(req: Request) async throws -> Response {
        let user = try req.user
        let t = try await target(req)
        let form = try req.content.decode(ReportForm.self)
        var errors: [String] = []
        guard let status = CheckpointStatus(rawValue: form.status), CheckpointStatus.settable.contains(status) else {
            throw AppError.badInput("Поле «Статус»: недопустимое значение.")
        }
        let text = (form.text ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if text.count > 20000 { errors.append("Поле «Что сделано»: не больше 20 000 символов.") }
        if status == .done && text.isEmpty { errors.append("Поле «Что сделано»: опишите, что выполнено, прежде чем отметить «выполнено».") }
        let uploads = (form.files ?? []).filter { !$0.filename.isEmpty || $0.data.readableBytes > 0 }
        var acceptedFiles: [(name: String, type: String, data: Data)] = []
        for file in uploads {
            switch EvidenceRules.check(fileName: file.filename, data: file.data, maxBytes: req.msokoConfig.maxEvidenceBytes) {
            case .failure(let message): errors.append(message.description)
            case .success(let type): acceptedFiles.append((UploadName.clean(file.filename), type, Data(buffer: file.data)))
            }
        }
        if !errors.isEmpty {
            return try await renderForm(req, t, errors: errors, text: text, status: status.rawValue, httpStatus: .unprocessableEntity)
        }
        let municipalityID = t.measure.municipalityID
        let accepted = acceptedFiles
        do {
            try await req.audited { db in
                let report = try await CheckpointReport.forWriting(t.checkpoint, of: t.measure, schoolID: t.party.schoolID, status: .notStarted, on: db)
                let before = report.id == nil ? nil : ReportDTO(status: report.status, text: report.text, files: [])
                report.status = status.rawValue
                report.text = text
                report.updatedBy = user.login
                try await report.save(on: db)
                var names: [String] = []
                for file in accepted {
                    let e = try EvidenceFile.make(report: report, name: file.name, type: file.type, data: file.data, by: user.login,
                                                  regionID: t.measure.regionID, municipalityID: municipalityID, schoolID: t.party.schoolID)
                    try await e.create(on: db)
                    names.append("\(file.name) (sha256 \(e.sha256.prefix(12))…)")
                }
                return try AuditNote(action: before == nil ? "create" : "update", entity: "checkpoint_report", id: report.id,
                                     summary: "Отчёт по \(t.measure.number) «\(t.checkpoint.label)»: \(t.school?.login ?? "район") — \(status.russian)",
                                     before: before, after: ReportDTO(status: status.rawValue, text: text, files: names),
                                     municipalityID: municipalityID, regionID: t.measure.regionID, schoolID: t.party.schoolID)
            }
        } catch let error as DatabaseError where error.isConstraintFailure {
            // Two people saved the first report of this checkpoint at the same moment: the other one won.
            return try await renderForm(req, t, errors: ["Отчёт одновременно сохранил другой пользователь. Проверьте его и сохраните ещё раз."],
                                        text: text, status: status.rawValue, httpStatus: .conflict)
        }
        return req.redirect(to: Site.measure.url(try t.measure.requireID()), ok: "Отчёт сохранён\(accepted.isEmpty ? "" : ", файлов загружено: \(accepted.count)").")
    }

    struct ReportDTO: Codable { var status: String; var text: String; var files: [String] }

    // MARK: evidence

    static func evidence(_ req: Request, loadData: Bool) async throws -> (EvidenceFile, CheckpointReport, Measure, School?) {
        let user = try req.user
        let q = EvidenceFile.query(on: req.db).filter(\.$id == (try req.pathID("fileID")))
        if !loadData {
            q.field(\.$id).field(\.$fileName).field(\.$report.$id).field(\.$schoolID).field(\.$municipalityID).field(\.$size).field(\.$regionID).field(\.$sha256)
        }
        guard let file = try await q.first(), file.municipalityID == user.municipalityID,
              let report = try await CheckpointReport.find(file.$report.id, on: req.db),
              let cp = try await Checkpoint.find(report.$checkpoint.id, on: req.db),
              let measure = try await Measure.find(cp.$measure.id, on: req.db) else { throw AppError.notFound }
        var school: School?
        if let sid = report.schoolID {
            school = try await School.find(sid, on: req.db)
            guard let school, user.canSee(school: school) else { throw AppError.forbidden }
        } else {
            guard user.role.readsRoadmap else { throw AppError.forbidden }
        }
        return (file, report, measure, school)
    }

    static func download(req: Request) async throws -> Response {
        let (file, _, _, _) = try await evidence(req, loadData: true)
        return Download.stored(file, type: file.contentType)
    }

    static func mayDelete(_ req: Request, report: CheckpointReport, measure: Measure, school: School?) throws {
        let user = try req.user
        if let school { guard user.canReport(forSchool: school) else { throw AppError.forbidden } }
        else { guard user.canReportDistrict(for: measure) else { throw AppError.forbidden } }
    }

    static func confirmDelete(req: Request) async throws -> Response {
        let (file, report, measure, school) = try await evidence(req, loadData: false)
        try mayDelete(req, report: report, measure: measure, school: school)
        let body: HTML = """
        <section class="card narrow">
        <h1>Удалить файл?</h1>
        <p>Файл «\(file.fileName)» будет удалён из отчёта по мероприятию \(measure.number). Запись об удалении останется в журнале изменений.</p>
        <div class="actions">\(HTML.postButton(req.pageContext(), action: Site.evidenceDelete.url(try file.requireID()), label: "Удалить", style: "danger"))
        <a class="btn secondary" href="\(Site.measure.url(try measure.requireID()))">Отмена</a></div>
        </section>
        """
        return Layout.page(req, title: "Удаление файла", body: body)
    }

    static func delete(req: Request) async throws -> Response {
        let (file, report, measure, school) = try await evidence(req, loadData: false)
        try mayDelete(req, report: report, measure: measure, school: school)
        try await req.audited { db in
            try await EvidenceFile.query(on: db).filter(\.$id == file.requireID()).delete()
            return try AuditNote(action: "delete", entity: "evidence_file", id: file.id, summary: "Удалён файл «\(file.fileName)» из отчёта по \(measure.number)",
                                 before: ["file": file.fileName, "sha256": file.sha256, "size": "\(file.size)"],
                                 municipalityID: file.municipalityID, regionID: file.regionID, schoolID: file.schoolID)
        }
        return req.redirect(to: Site.measure.url(try measure.requireID()), ok: "Файл «\(file.fileName)» удалён.")
    }
}

/// The report form of a checkpoint for one party (the district or a school): status, text, files.
struct CheckpointReportForm {
    var target: CheckpointController.Target
    var status: String
    var text: String
    var files: [(id: UUID, name: String, size: Int, by: String)]
    var errors: [String]
    var maxMB: Int

    func view(_ ctx: PageContext) -> HTML {
        let t = target
        let options = HTML.options(CheckpointStatus.settable.map { ($0.rawValue, $0.russian) }, selected: status)
        let who = t.school?.shortName ?? "Управление образования (районный уровень)"
        let items = files.map { f -> HTML in
            #"<li><a href="\#(Site.evidence.url(f.id))">\#(f.name)</a> <span class="muted">(\#(Format.size(f.size)), \#(f.by))</span> <a href="\#(Site.evidenceDeleteConfirm.url(f.id))">удалить</a></li>"#
        }
        let fileList: HTML = files.isEmpty ? #"<p class="muted">Файлов пока нет.</p>"# : "<ul>\(items)</ul>"
        let errorList: HTML = errors.isEmpty ? "" : #"<div class="flash error" role="alert"><p>Отчёт не сохранён:</p><ul class="errors">\#(errors.map { "<li>\($0)</li>" as HTML })</ul></div>"#
        let action = ctx.uploadAction(Site.checkpointReportSubmit.url(t.checkpoint.id!).query(["party": t.party.schoolID?.uuidString ?? "district"]))
        return """
        <h1>Отчёт: \(t.measure.number). \(String(t.measure.title.prefix(120)))\(t.measure.title.count > 120 ? "…" : "")</h1>
        <p class="muted">Контрольная точка: \(t.checkpoint.label), срок — \(LocalDate(iso: t.checkpoint.due)?.russian ?? t.checkpoint.due). Отчитывается: \(who).</p>
        \(errorList)\(ctx.flash)
        <section class="card">
        <form method="post" action="\(action)" enctype="multipart/form-data">
        \(ctx.csrfField)
        <label for="status">Статус</label>
        <select id="status" name="status">\(options)</select>
        <label for="text">Что сделано</label>
        <textarea id="text" name="text" maxlength="20000" placeholder="Кратко: что проведено, когда, какие документы подготовлены">\(text)</textarea>
        <label for="files">Подтверждающие файлы</label>
        <input type="file" id="files" name="files[]" multiple accept=".pdf,.docx,.doc,.xlsx,.xls,.odt,.ods,.png,.jpg,.jpeg">
        <div class="hint">PDF, DOCX, XLSX, ODT/ODS, PNG или JPEG; не больше \(maxMB) МБ каждый.</div>
        <div class="actions"><button class="btn" type="submit">Сохранить отчёт</button>
        <a class="btn secondary" href="\(Site.measure.url(t.measure.id!))">Отмена</a></div>
        </form>
        </section>
        <section class="card"><h2>Загруженные подтверждения</h2>\(fileList)</section>
        """
    }
}
