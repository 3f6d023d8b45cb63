import Fluent
import MsokoCore
import Vapor

/// Who publishes what (4.1): a specialist the district's news and documents, the settings (the
/// minimum group, which schools show their own results), and may take down a school's item; a
/// head their own school's news, documents and website addresses; an admin reads.
struct PublicationScope {
    var user: User
    var municipality: Municipality
    /// The head's school; nil for the district's roles.
    var school: School?

    var isDistrict: Bool { user.role == .specialist }
    var canPublish: Bool { user.role == .specialist || (user.role == .head && school != nil) }

    static func of(_ req: Request) async throws -> PublicationScope {
        let user = try req.user
        guard let m = try await Municipality.find(user.requireMunicipalityID(), on: req.db) else { throw AppError.notFound }
        if user.role == .head {
            guard let s = try await Schools.own(of: user, on: req.db) else { throw AppError.forbidden }
            return PublicationScope(user: user, municipality: m, school: s)
        }
        return PublicationScope(user: user, municipality: m, school: nil)
    }

    /// An item of the district (404 otherwise) that this user may change: a head only their school's (403).
    func check(municipalityID: UUID, school itemSchool: UUID?) throws {
        guard municipalityID == municipality.id else { throw AppError.notFound }
        if user.role == .head, itemSchool == nil || itemSchool != school?.id { throw AppError.forbidden }
    }
}

enum PublicationController {
    static func register(_ app: Application) {
        app.on(Site.publication, use: page)
        app.on(Site.newsCreate, use: createNews)
        app.on(Site.newsDeleteConfirm, use: confirmDeleteNews)
        app.on(Site.newsDelete, use: deleteNews)
        app.on(Site.publicDocumentCreate, authorize: { req in
            guard try await PublicationScope.of(req).canPublish else { throw AppError.forbidden }
        }, use: createDocument)
        app.on(Site.publicDocumentFile, use: file)
        app.on(Site.publicDocumentPublish, use: publish)
        app.on(Site.publicDocumentUnpublish, use: unpublish)
        app.on(Site.publicDocumentDeleteConfirm, use: confirmDeleteDocument)
        app.on(Site.publicDocumentDelete, use: deleteDocument)
        app.on(Site.publicationSettings, use: saveSettings)
        app.on(Site.publicationSchool, use: saveSchool)
    }

    static let fileTypes: Set<String> = ["pdf", "docx", "doc", "odt", "xlsx", "rtf"]

    // MARK: the page

    static func page(req: Request) async throws -> Response {
        let scope = try await PublicationScope.of(req)
        let mid = try scope.municipality.requireID()
        let schools = try await School.query(on: req.db).filter(\.$municipality.$id == mid).filter(\.$isActive == true).sort(\.$login).all()
        let news = NewsPost.query(on: req.db).filter(\.$municipalityID == mid).sort(\.$publishedAt, .descending)
        let docs = PublicDocument.query(on: req.db).filter(\.$municipalityID == mid)
            .field(\.$id).field(\.$school.$id).field(\.$kind).field(\.$title).field(\.$number).field(\.$docDate).field(\.$fileName).field(\.$size)
            .field(\.$uploadedBy).field(\.$published).field(\.$publishedAt).field(\.$publishedBy).field(\.$createdAt).sort(\.$createdAt, .descending)
        if let s = scope.school {
            news.filter(\.$school.$id == s.id)
            docs.filter(\.$school.$id == s.id)
        }
        let settings = try await SchoolPublicSettings.query(on: req.db).filter(\.$school.$id ~~ schools.compactMap(\.id)).all()
        let model = PublicationPage(scope: scope, schools: scope.school.map { [$0] } ?? schools, settings: settings, news: try await news.all(), documents: try await docs.all(),
                                    minimum: try await PublicSnapshot.minimum(municipalityID: mid, on: req.db), base: PublicAddress.base(req), zone: scope.municipality.zone)
        return Layout.page(req, title: "Открытая информация", body: model.view(req.pageContext()))
    }

    // MARK: news

    struct NewsForm: Content { var title: String?; var body: String? }

    static func createNews(req: Request) async throws -> Response {
        let scope = try await PublicationScope.of(req)
        guard scope.canPublish else { throw AppError.forbidden }
        let form = try req.content.decode(NewsForm.self)
        var errors: [String] = []
        let n = NewsPost()
        n.title = FormText.read(form.title, "Заголовок", max: 200, required: true, &errors)
        n.body = FormText.read(form.body, "Текст", max: 5000, required: true, &errors)
        let back = Site.publication.url.fragment("news")
        guard errors.isEmpty else { return req.redirect(to: back, error: "Новость не опубликована.\n" + errors.joined(separator: "\n")) }
        n.municipalityID = try scope.municipality.requireID()
        n.regionID = scope.municipality.$region.id
        n.$school.id = scope.school?.id
        n.publishedAt = req.now
        n.createdBy = scope.user.login
        try await req.audited { db in
            try await n.create(on: db)
            return try AuditNote(action: "create", entity: "news_post", id: n.id, summary: "Опубликована новость «\(n.title)»\(scope.school.map { " (\($0.shortName))" } ?? "")",
                                 after: ["title": n.title, "body": n.body], municipalityID: n.municipalityID, regionID: n.regionID, schoolID: n.$school.id)
        }
        return req.redirect(to: back, ok: "Новость «\(n.title)» опубликована на открытой странице.")
    }

    static func loadNews(_ req: Request) async throws -> (PublicationScope, NewsPost) {
        let scope = try await PublicationScope.of(req)
        let n = try await req.find(NewsPost.self, "newsID")
        try scope.check(municipalityID: n.municipalityID, school: n.$school.id)
        return (scope, n)
    }

    static func confirmDeleteNews(req: Request) async throws -> Response {
        let (_, n) = try await loadNews(req)
        return Layout.page(req, title: "Удаление новости", body: ConfirmPage.view(req.pageContext(), title: "Снять новость «\(n.title)»?",
            text: "Новость исчезнет с открытых страниц и из ленты новостей. Запись о ней останется в журнале изменений.",
            action: Site.newsDelete.url(n.id!), cancel: Site.publication.url.fragment("news")))
    }

    static func deleteNews(req: Request) async throws -> Response {
        let (_, n) = try await loadNews(req)
        try await req.audited { db in
            try await n.delete(on: db)
            return try AuditNote(action: "delete", entity: "news_post", id: n.id, summary: "Снята новость «\(n.title)»",
                                 before: ["title": n.title, "body": n.body], municipalityID: n.municipalityID, regionID: n.regionID, schoolID: n.$school.id)
        }
        return req.redirect(to: Site.publication.url.fragment("news"), ok: "Новость снята.")
    }

    // MARK: documents

    struct DocumentForm: Content { var kind: String?; var title: String?; var number: String?; var date: String?; var file: File? }

    static func createDocument(req: Request) async throws -> Response {
        let scope = try await PublicationScope.of(req)
        let form = try req.content.decode(DocumentForm.self)
        var errors: [String] = []
        let kind = PublicDocument.Kind(rawValue: form.kind ?? "")
        if kind == nil { errors.append("Поле «Вид документа»: выберите из списка.") }
        let title = FormText.read(form.title, "Название", max: 300, required: true, &errors)
        let number = FormText.read(form.number, "Номер", max: 40, required: false, &errors)
        let date = FormDate.parse(form.date, field: "Дата документа", notAfter: LocalDate(req.now, in: scope.municipality.zone), errors: &errors)
        let upload = EvidenceRules.upload(form.file, field: "Поле «Файл»", maxBytes: req.msokoConfig.maxEvidenceBytes, extensions: fileTypes, errors: &errors)
        if upload == nil, errors.isEmpty { errors.append("Поле «Файл»: выберите файл документа.") }
        let back = Site.publication.url.fragment("documents")
        guard errors.isEmpty, let upload, let kind else { return req.redirect(to: back, error: "Документ не загружен.\n" + errors.joined(separator: "\n")) }
        // Uploaded unpublished: «Публиковать» is a separate, confirmed step.
        let d = PublicDocument(municipalityID: try scope.municipality.requireID(), regionID: scope.municipality.$region.id, school: scope.school?.id, kind: kind,
                               title: title, number: number, date: date?.iso, file: upload, by: scope.user.login, publishedAt: nil)
        try await req.audited { db in
            try await d.create(on: db)
            return try AuditNote(action: "create", entity: "public_document", id: d.id, summary: "Загружен документ для публикации «\(d.title)» (\(d.fileName)), не опубликован",
                                 after: ["title": d.title, "kind": d.documentKind.title, "file": d.fileName, "sha256": d.sha256],
                                 municipalityID: d.municipalityID, regionID: d.regionID, schoolID: d.$school.id)
        }
        return req.redirect(to: back, ok: "Документ «\(d.title)» загружен. Проверьте файл и включите «Публиковать».")
    }

    static func loadDocument(_ req: Request) async throws -> (PublicationScope, PublicDocument) {
        let scope = try await PublicationScope.of(req)
        let d = try await req.find(PublicDocument.self, "documentID")
        guard d.municipalityID == scope.municipality.id else { throw AppError.notFound }
        return (scope, d)
    }

    static func loadForChange(_ req: Request) async throws -> (PublicationScope, PublicDocument) {
        let (scope, d) = try await loadDocument(req)
        try scope.check(municipalityID: d.municipalityID, school: d.$school.id)
        return (scope, d)
    }

    /// The file as uploaded, for the publishers to check before publishing (a head: their school's).
    static func file(req: Request) async throws -> Response {
        let (scope, d) = try await loadDocument(req)
        if scope.user.role == .head, d.$school.id != scope.school?.id { throw AppError.forbidden }
        return Download.stored(d, type: d.contentType)
    }

    struct PublishForm: Content { var confirm: String? }

    static func publish(req: Request) async throws -> Response {
        let (scope, d) = try await loadForChange(req)
        let back = Site.publication.url.fragment("doc-\(d.id!)")
        guard try req.content.decode(PublishForm.self).confirm == "on" else {
            return req.redirect(to: back, error: "Документ «\(d.title)» не опубликован: подтвердите, что в нём нет персональных данных (приказ о наблюдателях или комиссии публикуется в версии без фамилий — загрузите её отдельным документом).")
        }
        guard !d.published else { return req.redirect(to: back, info: "Документ уже опубликован.") }
        d.published = true
        d.publishedAt = req.now
        d.publishedBy = scope.user.login
        try await req.audited { db in
            try await d.save(on: db)
            return try AuditNote(action: "publish", entity: "public_document", id: d.id, summary: "Опубликован документ «\(d.title)»; подтверждено отсутствие персональных данных",
                                 before: ["published": "нет"], after: ["published": "да", "confirmed": scope.user.login, "sha256": d.sha256],
                                 municipalityID: d.municipalityID, regionID: d.regionID, schoolID: d.$school.id)
        }
        return req.redirect(to: back, ok: "Документ «\(d.title)» опубликован.")
    }

    static func unpublish(req: Request) async throws -> Response {
        let (_, d) = try await loadForChange(req)
        let back = Site.publication.url.fragment("doc-\(d.id!)")
        guard d.published else { return req.redirect(to: back, info: "Документ не опубликован.") }
        d.published = false
        try await req.audited { db in
            try await d.save(on: db)
            return try AuditNote(action: "unpublish", entity: "public_document", id: d.id, summary: "Снят с публикации документ «\(d.title)»",
                                 before: ["published": "да"], after: ["published": "нет"], municipalityID: d.municipalityID, regionID: d.regionID, schoolID: d.$school.id)
        }
        return req.redirect(to: back, ok: "Документ «\(d.title)» снят с публикации.")
    }

    static func confirmDeleteDocument(req: Request) async throws -> Response {
        let (_, d) = try await loadForChange(req)
        return Layout.page(req, title: "Удаление документа", body: ConfirmPage.view(req.pageContext(), title: "Удалить документ «\(d.title)»?",
            text: "Файл «\(d.fileName)» будет удалён\(d.published ? " и исчезнет с открытых страниц" : ""). Запись об удалении останется в журнале изменений.",
            action: Site.publicDocumentDelete.url(d.id!), cancel: Site.publication.url.fragment("documents")))
    }

    static func deleteDocument(req: Request) async throws -> Response {
        let (_, d) = try await loadForChange(req)
        try await req.audited { db in
            try await d.delete(on: db)
            return try AuditNote(action: "delete", entity: "public_document", id: d.id, summary: "Удалён документ «\(d.title)» (\(d.fileName))",
                                 before: ["title": d.title, "published": d.published ? "да" : "нет", "sha256": d.sha256],
                                 municipalityID: d.municipalityID, regionID: d.regionID, schoolID: d.$school.id)
        }
        return req.redirect(to: Site.publication.url.fragment("documents"), ok: "Документ удалён.")
    }

    // MARK: settings

    static func saveSettings(req: Request) async throws -> Response {
        let scope = try await PublicationScope.of(req)
        let mid = try scope.municipality.requireID()
        let form = try req.content.decode([String: String].self)
        let back = Site.publication.url.fragment("settings")
        let text = (form["minimum"] ?? "").trimmingCharacters(in: .whitespaces)
        guard let minimum = Int(text), (5...100).contains(minimum) else {
            return req.redirect(to: back, error: "Настройки не сохранены.\nПоле «Наименьшая публикуемая группа»: «\(text)» — целое число от 5 до 100.")
        }
        let schools = try await School.query(on: req.db).filter(\.$municipality.$id == mid).filter(\.$isActive == true).all()
        let settings = try await SchoolPublicSettings.query(on: req.db).filter(\.$school.$id ~~ schools.compactMap(\.id)).all()
        let before = try await PublicSnapshot.minimum(municipalityID: mid, on: req.db)
        // The schools whose switch changes, worked out before the write.
        let changes: [(School, SchoolPublicSettings?, Bool)] = schools.compactMap { s in
            let on = form["results-\(s.login)"] == "on"
            let existing = settings.first { $0.$school.id == s.id }
            return (existing?.showResults ?? false) == on ? nil : (s, existing, on)
        }
        let changed = changes.map { "\($0.0.shortName): \($0.2 ? "показывать" : "не показывать")" }
        let login = scope.user.login
        try await req.audited { db in
            try await Settings.set(PublicSnapshot.minimumKey, String(minimum), municipalityID: mid, on: db)
            for (s, existing, on) in changes {
                let row = existing ?? SchoolPublicSettings()
                if existing == nil { row.$school.id = try s.requireID(); row.siteOrigins = "" }
                row.showResults = on
                row.updatedBy = login
                try await row.save(on: db)
            }
            return try AuditNote(action: "update", entity: "public_settings", id: nil, summary: "Настройки открытой информации: наименьшая группа \(minimum)\(changed.isEmpty ? "" : "; результаты школ — " + changed.joined(separator: ", "))",
                             before: ["minimum": String(before)], after: ["minimum": String(minimum), "schools": changed.joined(separator: "; ")], municipalityID: mid, regionID: scope.municipality.$region.id)
        }
        return req.redirect(to: back, ok: "Настройки сохранены.")
    }

    /// The school's website addresses (the sites that may frame its block).
    static func saveSchool(req: Request) async throws -> Response {
        let scope = try await PublicationScope.of(req)
        let s = try await req.find(School.self, "schoolID")
        guard s.$municipality.id == scope.municipality.id else { throw AppError.notFound }
        if scope.user.role == .head, s.id != scope.school?.id { throw AppError.forbidden }
        let form = try req.content.decode([String: String].self)
        let back = Site.publication.url.fragment("school-\(s.login)")
        let (origins, errors) = EmbedOrigins.parse(form["origins"] ?? "")
        guard errors.isEmpty else { return req.redirect(to: back, error: "Адреса не сохранены.\n" + errors.joined(separator: "\n")) }
        let existing = try await SchoolPublicSettings.query(on: req.db).filter(\.$school.$id == s.requireID()).first()
        let before = existing?.siteOrigins ?? ""
        let row = existing ?? SchoolPublicSettings()
        if existing == nil { row.$school.id = try s.requireID(); row.showResults = false }
        row.siteOrigins = origins.joined(separator: "\n")
        row.updatedBy = scope.user.login
        try await req.audited { db in
            try await row.save(on: db)
            return try AuditNote(action: "update", entity: "school_public_settings", id: row.id, summary: "Сайты, на которых показывается блок школы \(s.shortName): \(origins.isEmpty ? "не указаны" : origins.joined(separator: ", "))",
                                 before: ["origins": before], after: ["origins": row.siteOrigins], municipalityID: s.$municipality.id, regionID: s.regionID, schoolID: s.id)
        }
        return req.redirect(to: back, ok: origins.isEmpty ? "Адреса удалены: блок не показывается ни на одном сайте." : "Адреса сохранены. Вставьте код блока на сайт школы.")
    }
}
