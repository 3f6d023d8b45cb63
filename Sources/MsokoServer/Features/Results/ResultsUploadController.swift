import Fluent
import MsokoCore
import Vapor

/// Uploading results files (all-or-nothing), downloads of accepted files and of the results.
/// The upload form and the list of accepted files are on the procedure's page.
enum ResultsUploadController {
    static func register(_ app: Application) {
        app.on(Site.resultsUpload, authorize: { req in _ = try await Procedures.find(req) }, use: upload)
        app.on(Site.resultsExport, use: export)
        app.on(Site.uploadedFile, use: downloadUpload)
    }

    struct UploadForm: Content { var file: File; var school: String?; var createSchools: String? }

    static func upload(req: Request) async throws -> Response {
        let user = try req.user
        let p = try await Procedures.find(req)
        let form = try req.content.decode(UploadForm.self)
        var school: School?
        if user.role == .head {
            guard let own = try await Schools.own(of: user, on: req.db) else { throw AppError.forbidden }
            school = own
        } else if let login = form.school?.trimmingCharacters(in: .whitespaces).lowercased(), !login.isEmpty {
            guard let s = try await School.query(on: req.db).filter(\.$login == login).filter(\.$municipality.$id == user.requireMunicipalityID()).first() else {
                return problems(req, RefusedFile(procedure: p, problems: [ImportProblem(file: form.file.filename, row: nil, column: nil, message: "школа \(login) не найдена в районе (поле «Чей файл»).")], warnings: []))
            }
            school = s
        }
        // Creating the schools a file names is for those who keep the list of schools (a specialist).
        let mayCreate = Site.schoolAdd.admits(user.role)
        let request = ResultsStore.Request(data: Data(buffer: form.file.data), fileName: UploadName.clean(form.file.filename), procedure: p, actor: user.login,
                                           school: school, municipalityID: try user.requireMunicipalityID(),
                                           createSchools: mayCreate && form.createSchools == "1")
        let outcome = try await ResultsStore.importFile(request, on: req.importDB)
        guard outcome.upload != nil else {
            var refused = RefusedFile(procedure: p, problems: outcome.file.problems, warnings: outcome.file.warnings)
            refused.missingSchools = mayCreate ? outcome.missingSchools : []
            refused.schoolLogin = form.school
            return problems(req, refused)
        }
        // The district's analysis and its signs are computed now, once, and kept for every page
        // that shows them (issue 19 §3). A failure here does not undo the import: the pages
        // compute it on their first visit instead.
        do {
            _ = try await AnalysisQuery.objectivity(procedure: p, municipalityID: user.requireMunicipalityID(), on: req.db)
        } catch {
            req.logger.warning("Анализ после загрузки не посчитан: \(String(reflecting: error))")
        }
        let back = Site.procedure.url(try p.requireID())
        let text = "Файл «\(form.file.filename)» принят: работ \(outcome.file.works.count), школы: \(outcome.replacedSchools.joined(separator: ", "))."
        guard outcome.file.warnings.isEmpty else {
            return req.redirect(to: back, info: text + "\nПредупреждения:\n" + outcome.file.warnings.map(\.description).joined(separator: "\n"))
        }
        return req.redirect(to: back, ok: text)
    }

    static func problems(_ req: Request, _ model: RefusedFile) -> Response {
        Layout.page(req, title: "Файл не принят", body: model.view(req.pageContext()), crumbs: Crumb.procedure(model.procedure), status: .unprocessableEntity)
    }

    static func downloadUpload(req: Request) async throws -> Response {
        let user = try req.user
        let u = try await req.find(ResultUpload.self, "uploadID")
        guard user.mayDownload(u, schoolLogin: try await Schools.own(of: user, on: req.db)?.login) else { throw AppError.forbidden }
        // The file as uploaded: XLSX, CSV, or an .xls/.ods read through LibreOffice.
        let type: String
        switch OfficeConversion.kind(of: u.data) {
        case .xls: type = "application/vnd.ms-excel"
        case .ods: type = "application/vnd.oasis.opendocument.spreadsheet"
        case nil: type = u.data.starts(with: [0x50, 0x4B]) ? Download.xlsxType : Download.csvType
        }
        return Download.stored(u, type: type)
    }

    static func export(req: Request) async throws -> Response {
        let user = try req.user
        let p = try await Procedures.find(req)
        let format = req.parameters.get("format") ?? ""
        guard format == "xlsx" || format == "csv" else { throw AppError.notFound }
        // A head exports only their own school's works.
        let schoolID = user.role == .head ? user.$school.id : nil
        if user.role == .head && schoolID == nil { throw AppError.forbidden }
        let rows = try await ResultsQuery.exportRows(procedure: p, schoolID: schoolID, municipalityID: user.requireMunicipalityID(), on: req.db)
        let spec = try ProcedureStore.spec(of: p)
        let data = format == "csv" ? ResultsExport.csv(spec: spec, rows: rows) : try ResultsExport.xlsx(spec: spec, rows: rows)
        return Download.file(data, type: format == "csv" ? Download.csvType : Download.xlsxType, name: "\(p.type) \(p.year) \(p.subject) \(p.grade).\(format)")
    }
}

/// A refused results file: all its problems, with a download of the list; nothing was stored.
/// When the file names schools msoko does not know, a specialist is offered to upload it again
/// with «создать недостающие школы» (the browser cannot resend the file by itself: it is chosen again).
struct RefusedFile {
    var procedure: Procedure
    var problems: [ImportProblem]
    var warnings: [ImportProblem]
    var missingSchools: [String] = []
    var schoolLogin: String?

    func view(_ ctx: PageContext) -> HTML {
        let lines = problems.map(\.description)
        let download = "data:text/plain;charset=utf-8," + (("\u{FEFF}" + lines.joined(separator: "\r\n")).addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")
        let count = Plural.count(lines.count, "ошибка", "ошибки", "ошибок")
        var html: HTML = """
        <h1>Файл не принят</h1>
        <div class="flash error" role="alert">Ничего не сохранено. Найдено: \(count) — ниже все сразу. Исправьте их в файле и загрузите его снова.</div>
        <div class="actions no-print"><a class="btn secondary" href="\(download)" download="ошибки.txt">Скачать список ошибок</a>
        <a class="btn" href="\(Site.procedure.url(procedure.id!))">К процедуре</a></div>
        <ol class="errors">\(lines.map { "<li>\($0)</li>" as HTML })</ol>
        """
        if !missingSchools.isEmpty {
            let schools = Plural.schools(missingSchools.count)
            html += """
            <section class="card no-print"><h2>Школ нет в msoko: \(schools)</h2>
            <p>\(missingSchools.joined(separator: ", ")). Если это школы вашего района, msoko может добавить их по данным файла (логин и название; тип и краткое наименование потом можно поправить в разделе «Школы»). Выберите тот же файл ещё раз:</p>
            <form method="post" action="\(ctx.uploadAction(Site.resultsUpload.url(procedure.id!)))" enctype="multipart/form-data" data-progress="1">\(ctx.csrfField)
            <input type="hidden" name="createSchools" value="1"><input type="hidden" name="school" value="\(schoolLogin ?? "")">
            <label for="file">Файл XLSX или CSV</label><input type="file" id="file" name="file" accept=".xlsx,.xls,.ods,.csv,.txt" required>
            <div class="actions"><button class="btn" type="submit">Создать недостающие школы и загрузить файл</button></div>
            </form></section>
            """
        }
        if !warnings.isEmpty { html += "<h2>Предупреждения</h2><ul>\(warnings.map { "<li>\($0.description)</li>" as HTML })</ul>" }
        return html
    }
}
