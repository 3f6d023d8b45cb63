import Fluent
import MsokoCore
import Vapor

/// Uploading results files (all-or-nothing), the list of accepted versions, downloads.
enum ResultsUploadController {
    static func register(_ app: Application) {
        app.on(Site.resultsUpload, authorize: { req in _ = try await ProcedureController.find(req) }, use: upload)
        app.on(Site.resultsExport, use: export)
        app.on(Site.uploadedFile, use: downloadUpload)
    }

    static func uploadForm(_ req: Request, procedure p: Procedure, user: User) -> String {
        guard user.role == .specialist || user.role == .head else { return "" }
        let scope = user.role == .head
            ? "<p>Файл вашей школы: строки других школ будут ошибкой. Новая загрузка заменяет прежние результаты школы.</p>"
            : "<p>Муниципальная выгрузка ФИС ОКО со всеми школами или файл одной школы. Заменяются результаты только тех школ, что есть в файле.</p><label for=\"school\">Чей файл (необязательно)</label><input type=\"text\" id=\"school\" name=\"school\" placeholder=\"edu700101\" pattern=\"edu[0-9]{6}\"><div class=\"hint\">Укажите логин школы, если в файле нет столбца «ОО» и строки с названием школы.</div>"
        return """
        <section class="card no-print"><h2>Загрузить результаты</h2>\(scope)
        <form method="post" action="\(uploadAction(req, "/procedures/\(p.id!)/results"))" enctype="multipart/form-data" data-progress="1">\(csrfField(req))
        <label for="file">Файл XLSX или CSV</label><input type="file" id="file" name="file" accept=".xlsx,.csv,.txt" required>
        <div class="hint">Файл принимается целиком или не принимается совсем; при ошибках показывается полный список с номерами строк.</div>
        <progress class="upload-progress" max="100" value="0" hidden></progress>
        <div class="actions"><button class="btn" type="submit">Загрузить</button></div>
        </form></section>
        <script src="/static/upload.js"></script>
        """
    }

    struct UploadForm: Content { var file: File; var school: String? }

    static func upload(req: Request) async throws -> Response {
        let user = try req.require([.specialist, .head])
        let p = try await ProcedureController.find(req)
        let form = try req.content.decode(UploadForm.self)
        var school: School?
        if user.role == .head {
            guard let sid = user.$school.id else { throw AppError.forbidden }
            school = try await School.find(sid, on: req.db)
        } else if let login = form.school?.trimmingCharacters(in: .whitespaces).lowercased(), !login.isEmpty {
            guard let s = try await School.query(on: req.db).filter(\.$login == login).filter(\.$municipality.$id == user.requireMunicipalityID()).first() else {
                return problemsPage(req, p, [ImportProblem(file: form.file.filename, row: nil, column: nil, message: "школа \(login) не найдена в районе.")], warnings: [])
            }
            school = s
        }
        let request = ResultsStore.Request(data: Data(buffer: form.file.data), fileName: UploadName.clean(form.file.filename), procedure: p, actor: user.login,
                                           school: school, municipalityID: try user.requireMunicipalityID())
        let outcome = try await ResultsStore.importFile(request, on: req.importDB)
        guard outcome.upload != nil else {
            return problemsPage(req, p, outcome.file.problems, warnings: outcome.file.warnings)
        }
        var text = "Файл «\(form.file.filename)» принят: работ \(outcome.file.works.count), школы: \(outcome.replacedSchools.joined(separator: ", "))."
        if !outcome.file.warnings.isEmpty { text += "\nПредупреждения:\n" + outcome.file.warnings.map(\.description).joined(separator: "\n") }
        Flash.set(req, outcome.file.warnings.isEmpty ? "ok" : "info", text)
        return req.redirect(to: "/procedures/\(p.id!)")
    }

    /// The refused file's problems, all of them, with a download of the list.
    static func problemsPage(_ req: Request, _ p: Procedure, _ problems: [ImportProblem], warnings: [ImportProblem]) -> Response {
        let lines = problems.map(\.description)
        let download = "data:text/plain;charset=utf-8," + (("\u{FEFF}" + lines.joined(separator: "\r\n")).addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")
        var html = """
        <h1>Файл не принят</h1>
        <div class="flash error" role="alert">Ничего не сохранено: в файле ошибок — \(lines.count). Исправьте их и загрузите файл снова.</div>
        <div class="actions no-print"><a class="btn secondary" href="\(download)" download="ошибки.txt">Скачать список ошибок</a>
        <a class="btn" href="/procedures/\(p.id!)">К процедуре</a></div>
        <ol class="errors">
        """
        html += lines.map { "<li>\(esc($0))</li>" }.joined() + "</ol>"
        if !warnings.isEmpty { html += "<h2>Предупреждения</h2><ul>" + warnings.map { "<li>\(esc($0.description))</li>" }.joined() + "</ul>" }
        let response = Layout.page(req, title: "Файл не принят", body: html, crumbs: [("/procedures", "Оценочные процедуры"), ("/procedures/\(p.id!)", ProcedureStore.title(p))])
        response.status = .unprocessableEntity
        return response
    }

    /// Uploads a user may download: specialists all of their district's; a head only their school's own files.
    static func mayDownload(_ u: ResultUpload, user: User, schoolLogin: String?) -> Bool {
        switch user.role {
        case .specialist, .admin: return u.municipalityID == nil || u.municipalityID == user.municipalityID
        case .head: return (u.schoolID != nil && u.schoolID == user.$school.id) || (schoolLogin != nil && u.schools == schoolLogin)
        default: return false
        }
    }

    static func versions(_ req: Request, procedure p: Procedure, user: User) async throws -> String {
        let uploads = try await ResultUpload.query(on: req.db).filter(\.$procedure.$id == p.requireID())
            .field(\.$id).field(\.$fileName).field(\.$size).field(\.$sha256).field(\.$uploadedBy).field(\.$worksCount).field(\.$schools)
            .field(\.$schoolID).field(\.$warnings).field(\.$createdAt).field(\.$regionID).field(\.$municipalityID).field(\.$procedure.$id)
            .sort(\.$createdAt, .descending).all()
        let login = try await user.$school.get(on: req.db)?.login
        let mine = uploads.filter { mayDownload($0, user: user, schoolLogin: login) }
        var html = "<h2>Принятые файлы</h2>"
        let exportLinks = user.role == .specialist || user.role == .admin || user.role == .head
            ? "<div class=\"actions no-print\"><a class=\"btn secondary\" href=\"/procedures/\(p.id!)/export/xlsx\">Выгрузить результаты (XLSX)</a><a class=\"btn secondary\" href=\"/procedures/\(p.id!)/export/csv\">CSV</a></div>" : ""
        guard !mine.isEmpty else { return html + "<p class=\"muted\">Файлов пока нет.</p>" + exportLinks }
        let zone = try await req.tracker()?.municipality.zone ?? TimeZone(identifier: "Europe/Moscow")!
        html += "<div class=\"table-wrap\"><table><thead><tr><th>Когда</th><th>Кто</th><th>Файл</th><th class=\"num\">Работ</th><th>Школы</th></tr></thead><tbody>"
        for u in mine {
            html += "<tr><td>\(u.createdAt.map { Format.dateTime($0, zone) } ?? "")</td><td>\(esc(u.uploadedBy))</td><td><a href=\"/uploads/\(u.id!)\">\(esc(u.fileName))</a><div class=\"hint\">\(Format.size(u.size)), sha256 \(u.sha256.prefix(12))…</div>\(u.warnings.isEmpty ? "" : "<div class=\"hint\">есть предупреждения</div>")</td><td class=\"num\">\(u.worksCount)</td><td>\(esc(u.schools.replacingOccurrences(of: ",", with: ", ")))</td></tr>"
        }
        return html + "</tbody></table></div>" + exportLinks
    }

    static func downloadUpload(req: Request) async throws -> Response {
        let user = try req.require([.specialist, .admin, .head])
        guard let id = req.parameters.get("uploadID", as: UUID.self), let u = try await ResultUpload.find(id, on: req.db) else { throw AppError.notFound }
        let login = try await user.$school.get(on: req.db)?.login
        guard mayDownload(u, user: user, schoolLogin: login) else { throw AppError.forbidden }
        var headers = HTTPHeaders()
        let type = u.data.starts(with: [0x50, 0x4B]) ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" : "text/csv; charset=utf-8"
        headers.replaceOrAdd(name: .contentType, value: type)
        headers.replaceOrAdd(name: .contentDisposition, value: ContentDisposition.attachment(u.fileName))
        return Response(status: .ok, headers: headers, body: .init(data: u.data))
    }

    static func export(req: Request) async throws -> Response {
        let user = try req.require([.specialist, .admin, .head])
        let p = try await ProcedureController.find(req)
        let format = req.parameters.get("format") ?? ""
        guard format == "xlsx" || format == "csv" else { throw AppError.notFound }
        // A head exports only their own school's works.
        let schoolID = user.role == .head ? user.$school.id : nil
        if user.role == .head && schoolID == nil { throw AppError.forbidden }
        let rows = try await ResultsQuery.exportRows(procedure: p, schoolID: schoolID, municipalityID: user.requireMunicipalityID(), on: req.db)
        let spec = try ProcedureStore.spec(of: p)
        let data = format == "csv" ? ResultsExport.csv(spec: spec, rows: rows) : try ResultsExport.xlsx(spec: spec, rows: rows)
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: format == "csv" ? "text/csv; charset=utf-8" : "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        headers.replaceOrAdd(name: .contentDisposition, value: ContentDisposition.attachment("\(p.type) \(p.year) \(p.subject) \(p.grade).\(format)"))
        return Response(status: .ok, headers: headers, body: .init(data: data))
    }
}
