import Crypto
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
        let user = try req.requireUser()
        guard let id = req.parameters.get("checkpointID", as: UUID.self),
              let cp = try await Checkpoint.find(id, on: req.db),
              cp.municipalityID == user.municipalityID,
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

    static func existingReport(_ t: Target, on db: Database) async throws -> CheckpointReport? {
        let q = CheckpointReport.query(on: db).filter(\.$checkpoint.$id == (try t.checkpoint.requireID()))
        if let sid = t.party.schoolID { q.filter(\.$schoolID == sid) } else { q.filter(\.$schoolID == nil) }
        return try await q.first()
    }

    static func form(req: Request) async throws -> Response {
        let t = try await target(req)
        return try await renderForm(req, t, errors: [], text: nil, status: nil)
    }

    static func renderForm(_ req: Request, _ t: Target, errors: [String], text: String?, status: String?, httpStatus: HTTPResponseStatus = .ok) async throws -> Response {
        let report = try await existingReport(t, on: req.db)
        var files: [EvidenceFile] = []
        if let report {
            files = try await EvidenceFile.query(on: req.db).filter(\.$report.$id == report.requireID())
                .field(\.$id).field(\.$fileName).field(\.$size).field(\.$uploadedBy).field(\.$createdAt).field(\.$report.$id).all()
        }
        let currentStatus = status ?? report?.status ?? CheckpointStatus.inProgress.rawValue
        let options = CheckpointStatus.settable.map { s in
            "<option value=\"\(s.rawValue)\"\(s.rawValue == currentStatus ? " selected" : "")>\(esc(s.russian))</option>"
        }.joined()
        let who = t.school?.shortName ?? "Управление образования (районный уровень)"
        let fileList = files.isEmpty ? "<p class=\"muted\">Файлов пока нет.</p>" : "<ul>" + files.map { f in
            "<li><a href=\"/evidence/\(f.id!)\">\(esc(f.fileName))</a> <span class=\"muted\">(\(Format.size(f.size)), \(esc(f.uploadedBy)))</span> <a href=\"/evidence/\(f.id!)/delete\">удалить</a></li>"
        }.joined() + "</ul>"
        let errorHTML = errors.isEmpty ? "" : "<div class=\"flash error\" role=\"alert\"><p>Отчёт не сохранён:</p><ul class=\"errors\">" + errors.map { "<li>\(esc($0))</li>" }.joined() + "</ul></div>"
        let maxMB = req.msokoConfig.maxEvidenceBytes / 1024 / 1024
        let body = """
        <h1>Отчёт: \(esc(t.measure.number)). \(esc(String(t.measure.title.prefix(120))))\(t.measure.title.count > 120 ? "…" : "")</h1>
        <p class="muted">Контрольная точка: \(esc(t.checkpoint.label)), срок — \(esc(LocalDate(iso: t.checkpoint.due)?.russian ?? t.checkpoint.due)). Отчитывается: \(esc(who)).</p>
        \(errorHTML)\(Flash.take(req))
        <section class="card">
        <form method="post" action="\(uploadAction(req, "/checkpoints/\(t.checkpoint.id!)/report?party=\(t.party.schoolID?.uuidString ?? "district")"))" enctype="multipart/form-data">
        \(csrfField(req))
        <label for="status">Статус</label>
        <select id="status" name="status">\(options)</select>
        <label for="text">Что сделано</label>
        <textarea id="text" name="text" maxlength="20000" placeholder="Кратко: что проведено, когда, какие документы подготовлены">\(esc(text ?? report?.text ?? ""))</textarea>
        <label for="files">Подтверждающие файлы</label>
        <input type="file" id="files" name="files[]" multiple accept=".pdf,.docx,.doc,.xlsx,.xls,.odt,.ods,.png,.jpg,.jpeg">
        <div class="hint">PDF, DOCX, XLSX, ODT/ODS, PNG или JPEG; не больше \(maxMB) МБ каждый.</div>
        <div class="actions"><button class="btn" type="submit">Сохранить отчёт</button>
        <a class="btn secondary" href="/measures/\(t.measure.id!)">Отмена</a></div>
        </form>
        </section>
        <section class="card"><h2>Загруженные подтверждения</h2>\(fileList)</section>
        """
        let response = Layout.page(req, title: "Отчёт по мероприятию \(t.measure.number)", body: body,
                                   crumbs: [("/", "Дорожная карта"), ("/measures/\(t.measure.id!)", "Мероприятие \(t.measure.number)")])
        response.status = httpStatus
        return response
    }

    struct ReportForm: Content {
        var status: String
        var text: String?
        var files: [File]?
    }

    static func save(req: Request) async throws -> Response {
        let user = try req.requireUser()
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
            try await req.db.transaction { db in
                let report = try await existingReport(t, on: db) ?? {
                    let r = CheckpointReport()
                    r.$checkpoint.id = try t.checkpoint.requireID()
                    r.regionID = t.measure.regionID
                    r.municipalityID = municipalityID
                    r.schoolID = t.party.schoolID
                    r.status = CheckpointStatus.notStarted.rawValue
                    r.text = ""
                    return r
                }()
                let before = report.id == nil ? nil : ReportDTO(status: report.status, text: report.text, files: [])
                report.status = status.rawValue
                report.text = text
                report.updatedBy = user.login
                try await report.save(on: db)
                var names: [String] = []
                for file in accepted {
                    let e = EvidenceFile()
                    e.$report.id = try report.requireID()
                    e.fileName = file.name
                    e.contentType = file.type
                    e.size = file.data.count
                    e.sha256 = SHA256.hash(data: file.data).map { String(format: "%02x", $0) }.joined()
                    e.data = file.data
                    e.uploadedBy = user.login
                    e.regionID = t.measure.regionID
                    e.municipalityID = municipalityID
                    e.schoolID = t.party.schoolID
                    try await e.create(on: db)
                    names.append("\(file.name) (sha256 \(e.sha256.prefix(12))…)")
                }
                try await Audit.record(on: db, actor: user.login, action: before == nil ? "create" : "update", entity: "checkpoint_report",
                                       id: report.id?.uuidString,
                                       summary: "Отчёт по \(t.measure.number) «\(t.checkpoint.label)»: \(t.school?.login ?? "район") — \(status.russian)",
                                       before: before, after: ReportDTO(status: status.rawValue, text: text, files: names),
                                       municipalityID: municipalityID, regionID: t.measure.regionID, schoolID: t.party.schoolID)
            }
        } catch let error as DatabaseError where error.isConstraintFailure {
            // Two people saved the first report of this checkpoint at the same moment: the other one won.
            return try await renderForm(req, t, errors: ["Отчёт одновременно сохранил другой пользователь. Проверьте его и сохраните ещё раз."],
                                        text: text, status: status.rawValue, httpStatus: .conflict)
        }
        Flash.set(req, "ok", "Отчёт сохранён\(accepted.isEmpty ? "" : ", файлов загружено: \(accepted.count)").")
        return req.redirect(to: "/measures/\(t.measure.id!)")
    }

    struct ReportDTO: Codable { var status: String; var text: String; var files: [String] }

    // MARK: evidence

    static func evidence(_ req: Request, loadData: Bool) async throws -> (EvidenceFile, CheckpointReport, Measure, School?) {
        let user = try req.requireUser()
        guard let id = req.parameters.get("fileID", as: UUID.self) else { throw AppError.notFound }
        let q = EvidenceFile.query(on: req.db).filter(\.$id == id)
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
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: file.contentType)
        headers.replaceOrAdd(name: .contentDisposition, value: ContentDisposition.attachment(file.fileName))
        headers.replaceOrAdd(name: "X-Content-SHA256", value: file.sha256)
        return Response(status: .ok, headers: headers, body: .init(data: file.data))
    }

    static func mayDelete(_ req: Request, report: CheckpointReport, measure: Measure, school: School?) throws {
        let user = try req.requireUser()
        if let school { guard user.canReport(forSchool: school) else { throw AppError.forbidden } }
        else { guard user.canReportDistrict(for: measure) else { throw AppError.forbidden } }
    }

    static func confirmDelete(req: Request) async throws -> Response {
        let (file, report, measure, school) = try await evidence(req, loadData: false)
        try mayDelete(req, report: report, measure: measure, school: school)
        let body = """
        <section class="card narrow">
        <h1>Удалить файл?</h1>
        <p>Файл «\(esc(file.fileName))» будет удалён из отчёта по мероприятию \(esc(measure.number)). Запись об удалении останется в журнале изменений.</p>
        <div class="actions">\(postButton(req, action: "/evidence/\(file.id!)/delete", label: "Удалить", style: "danger"))
        <a class="btn secondary" href="/measures/\(measure.id!)">Отмена</a></div>
        </section>
        """
        return Layout.page(req, title: "Удаление файла", body: body)
    }

    static func delete(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let (file, report, measure, school) = try await evidence(req, loadData: false)
        try mayDelete(req, report: report, measure: measure, school: school)
        try await req.db.transaction { db in
            try await EvidenceFile.query(on: db).filter(\.$id == file.requireID()).delete()
            try await Audit.record(on: db, actor: user.login, action: "delete", entity: "evidence_file", id: file.id?.uuidString,
                                   summary: "Удалён файл «\(file.fileName)» из отчёта по \(measure.number)",
                                   before: ["file": file.fileName, "sha256": file.sha256, "size": "\(file.size)"],
                                   municipalityID: file.municipalityID, regionID: file.regionID, schoolID: file.schoolID)
        }
        Flash.set(req, "ok", "Файл «\(file.fileName)» удалён.")
        return req.redirect(to: "/measures/\(measure.id!)")
    }
}

/// Which evidence files are accepted: by extension and by their first bytes, so that a
/// renamed executable is not stored as «report.pdf».
enum EvidenceRules {
    static let types: [String: String] = [
        "pdf": "application/pdf",
        "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "odt": "application/vnd.oasis.opendocument.text",
        "ods": "application/vnd.oasis.opendocument.spreadsheet",
        "doc": "application/msword",
        "xls": "application/vnd.ms-excel",
        "png": "image/png",
        "jpg": "image/jpeg",
        "jpeg": "image/jpeg",
    ]

    static func check(fileName: String, data: ByteBuffer, maxBytes: Int) -> Result<String, Message> {
        let ext = (fileName as NSString).pathExtension.lowercased()
        guard let type = types[ext] else {
            return .failure(Message("Файл «\(fileName)»: тип .\(ext) не принимается; допустимы PDF, DOCX, XLSX, ODT, ODS, DOC, XLS, PNG, JPEG."))
        }
        guard data.readableBytes > 0 else { return .failure(Message("Файл «\(fileName)»: файл пустой.")) }
        guard data.readableBytes <= maxBytes else {
            return .failure(Message("Файл «\(fileName)»: \(ByteSize.exceeding(data.readableBytes, limit: maxBytes))."))
        }
        let head = Array(data.getBytes(at: data.readerIndex, length: min(8, data.readableBytes)) ?? [])
        let ok: Bool
        switch ext {
        case "pdf": ok = head.starts(with: Array("%PDF".utf8))
        case "docx", "xlsx", "odt", "ods": ok = head.starts(with: [0x50, 0x4B, 0x03, 0x04])
        case "doc", "xls": ok = head.starts(with: [0xD0, 0xCF, 0x11, 0xE0])
        case "png": ok = head.starts(with: [0x89, 0x50, 0x4E, 0x47])
        default: ok = head.starts(with: [0xFF, 0xD8])
        }
        guard ok else { return .failure(Message("Файл «\(fileName)»: содержимое не похоже на файл .\(ext) (файл повреждён или переименован).")) }
        return .success(type)
    }

    struct Message: Error, CustomStringConvertible {
        let description: String
        init(_ d: String) { description = d }
    }
}

extension Result where Failure == EvidenceRules.Message {
    var failureText: String? { if case .failure(let m) = self { return m.description } else { return nil } }
}
