import Fluent
import MsokoCore
import Vapor

/// The library of methodical recommendations (3.1): documents and links with the subject, grades
/// and requirement codes they address, issued by an association (at a sitting) or added by the
/// district; found from a gap («что почитать / чем работать») by subject, grade and code.
enum RecommendationsController {
    static func register(_ app: Application) {
        app.on(Site.recommendations, use: list)
        app.on(Site.recommendationCreate, authorize: { req in
            guard try await mayAdd(AssociationRights(req.user, on: req.db)) else { throw AppError.forbidden }
        }, use: create)
        app.on(Site.recommendation, use: page)
        app.on(Site.recommendationFile, use: file)
        app.on(Site.recommendationDeleteConfirm, use: confirmDelete)
        app.on(Site.recommendationDelete, use: delete)
    }

    /// Specialists, methodists and heads add to the library; a teacher only as the leader of an association.
    static func mayAdd(_ r: AssociationRights) -> Bool {
        switch r.role {
        case .specialist, .methodist, .head: return true
        case .teacher: return !r.leads.isEmpty
        default: return false
        }
    }

    /// The associations a user may issue a recommendation for.
    static func keptAssociations(_ r: AssociationRights, on db: Database) async throws -> [MethodAssociation] {
        try await AssociationStore.visible(r, on: db).filter(r.keeps)
    }

    static func list(req: Request) async throws -> Response {
        let r = try await AssociationRights(req.user, on: req.db)
        var all = try await RecommendationQuery.library(municipalityID: r.municipalityID, on: req.db)
        let subject = (req.query[String.self, at: "subject"] ?? "").trimmingCharacters(in: .whitespaces)
        let grade = req.query[String.self, at: "grade"].flatMap { Int($0) }
        let code = (req.query[String.self, at: "code"] ?? "").trimmingCharacters(in: .whitespaces)
        var scored = false
        if !subject.isEmpty, let grade, !code.isEmpty {
            all = RecommendationQuery.matching(all, subject: subject, grade: grade, code: code).map(\.rec)
            scored = true
        } else {
            if !subject.isEmpty { all = all.filter { Gaps.subjectKey($0.subject) == Gaps.subjectKey(subject) } }
            if let grade { all = all.filter { $0.gradeList.isEmpty || $0.gradeList.contains(grade) } }
        }
        let add = mayAdd(r)
        let kept = add ? try await keptAssociations(r, on: req.db) : []
        let model = RecommendationLibrary(rows: all, subject: subject, grade: grade, code: code, matched: scored, canAdd: add,
                                          associations: kept.map { ($0.id!.uuidString, $0.name) }, associationRequired: r.role == .teacher)
        return Layout.page(req, title: "Методические рекомендации", body: model.view(req.pageContext()), crumbs: [Crumb(Site.associations.url, "Методические объединения")])
    }

    struct Form: Content {
        var title: String?
        var description: String?
        var subject: String?
        var grades: String?
        var codes: String?
        var url: String?
        var association: String?
        var sitting: String?
        var file: File?
    }

    static let fileTypes: Set<String> = ["pdf", "docx", "doc", "odt", "pptx", "xlsx", "rtf"]

    static func create(req: Request) async throws -> Response {
        let user = try req.user
        let r = try await AssociationRights(user, on: req.db)
        let f = try req.content.decode(Form.self)
        var errors: [String] = []
        let rec = Recommendation()
        rec.regionID = r.regionID
        rec.municipalityID = r.municipalityID
        rec.title = FormText.read(f.title, "Название", max: 300, required: true, &errors)
        rec.description = FormText.read(f.description, "Кратко о содержании", max: 3000, required: false, &errors)
        rec.subject = FormText.read(f.subject, "Предмет", max: 100, required: true, &errors)
        let grades = RecommendationMatch.grades(f.grades ?? "")
        errors += grades.problems.map { "Поле «Классы»: \($0)." }
        rec.grades = grades.grades.map(String.init).joined(separator: "; ")
        let codes = RecommendationMatch.codes(f.codes ?? "")
        errors += codes.problems.map { "Поле «Коды требований»: \($0)." }
        rec.codes = codes.codes.joined(separator: "; ")
        let url = (f.url ?? "").trimmingCharacters(in: .whitespaces)
        if !url.isEmpty && (url.count > 1000 || !(url.lowercased().hasPrefix("https://") || url.lowercased().hasPrefix("http://")) || url.contains(where: \.isWhitespace)) {
            errors.append("Поле «Ссылка»: «\(url.prefix(60))» — ожидается адрес, начинающийся с https:// или http://.")
        }
        rec.url = url
        // Whose: an association the user keeps (a teacher must name one), and one of its sittings.
        let kept = try await keptAssociations(r, on: req.db)
        let chosen = (f.association ?? "").trimmingCharacters(in: .whitespaces)
        if chosen.isEmpty {
            if r.role == .teacher { errors.append("Поле «Объединение»: выберите объединение, которым вы руководите.") }
        } else if let a = kept.first(where: { $0.id?.uuidString == chosen }) {
            rec.$association.id = a.id
            let sitting = (f.sitting ?? "").trimmingCharacters(in: .whitespaces)
            if !sitting.isEmpty {
                if let m = try await AssociationStore.sittings(a, on: req.db).first(where: { $0.id?.uuidString == sitting }) { rec.meetingID = m.id } else {
                    errors.append("Поле «Заседание»: это не заседание объединения «\(a.name)».")
                }
            }
        } else {
            errors.append("Поле «Объединение»: такого объединения среди ваших нет.")
        }
        let kept_file = EvidenceRules.upload(f.file, field: "Поле «Файл»", maxBytes: req.msokoConfig.maxEvidenceBytes, extensions: fileTypes, errors: &errors)
        if kept_file == nil && url.isEmpty && errors.isEmpty { errors.append("Приложите файл рекомендации или укажите ссылку на неё.") }
        rec.createdBy = user.login
        rec.createdByID = user.id
        let back = rec.$association.id.map { Site.association.url($0) } ?? Site.recommendations.url
        guard errors.isEmpty else { return req.redirect(to: back, error: "Рекомендация не добавлена.\n" + errors.joined(separator: "\n")) }
        try await req.audited { db in
            try await rec.create(on: db)
            var after = ["title": rec.title, "subject": rec.subject, "codes": rec.codes, "url": rec.url]
            if let k = kept_file {
                let file = RecommendationFile()
                file.$recommendation.id = try rec.requireID()
                file.keep(k, by: user.login)
                try await file.create(on: db)
                after["file"] = file.fileName
                after["sha256"] = file.sha256
            }
            return try AuditNote(action: "create", entity: "recommendation", id: rec.id, summary: "В библиотеку добавлена рекомендация «\(rec.title)»",
                                 after: after, municipalityID: rec.municipalityID, regionID: rec.regionID)
        }
        return req.redirect(to: Site.recommendation.url(rec.id!), ok: "Рекомендация «\(rec.title)» добавлена в библиотеку.")
    }

    /// The recommendation of the path, in the user's district (the library is the district's).
    static func load(_ req: Request) async throws -> (Recommendation, AssociationRights) {
        let r = try await AssociationRights(req.user, on: req.db)
        guard let rec = try await Recommendation.query(on: req.db).filter(\.$id == req.pathID("recommendationID")).filter(\.$municipalityID == r.municipalityID)
            .with(\.$association).first() else { throw AppError.notFound }
        return (rec, r)
    }

    /// Its author, a specialist, or whoever keeps its association may delete it.
    static func mayDelete(_ rec: Recommendation, _ r: AssociationRights) -> Bool {
        r.role == .specialist || rec.createdByID == r.userID || rec.association.map(r.keeps) == true
    }

    static func page(req: Request) async throws -> Response {
        let (rec, r) = try await load(req)
        let file = try await RecommendationFile.query(on: req.db).filter(\.$recommendation.$id == rec.requireID()).field(\.$id).field(\.$fileName).field(\.$size).first()
        let attached = try await GapItemRecommendation.query(on: req.db).filter(\.$recommendation.$id == rec.requireID()).count()
        let sitting = try await rec.meetingID.asyncMap { try await Meeting.find($0, on: req.db) } ?? nil
        let model = RecommendationPage(rec: rec, file: file, sitting: sitting, attached: attached, canDelete: mayDelete(rec, r))
        return Layout.page(req, title: rec.title, body: model.view(req.pageContext()), crumbs: [Crumb(Site.recommendations.url, "Методические рекомендации")])
    }

    static func file(req: Request) async throws -> Response {
        let (rec, _) = try await load(req)
        guard let f = try await RecommendationFile.query(on: req.db).filter(\.$recommendation.$id == rec.requireID()).first() else { throw AppError.notFound }
        return Download.stored(f, type: f.contentType)
    }

    static func confirmDelete(req: Request) async throws -> Response {
        let (rec, r) = try await load(req)
        guard mayDelete(rec, r) else { throw AppError.forbidden }
        let attached = try await GapItemRecommendation.query(on: req.db).filter(\.$recommendation.$id == rec.requireID()).count()
        return Layout.page(req, title: "Удаление рекомендации", body: ConfirmPage.view(req.pageContext(), title: "Удалить рекомендацию «\(rec.title)»?",
            text: "Рекомендация и её файл будут удалены из библиотеки\(attached > 0 ? " и откреплены от пунктов планов ликвидации пробелов (\(attached))" : ""). Запись об удалении останется в журнале изменений.",
            action: Site.recommendationDelete.url(rec.id!), cancel: Site.recommendation.url(rec.id!)))
    }

    static func delete(req: Request) async throws -> Response {
        let (rec, r) = try await load(req)
        guard mayDelete(rec, r) else { throw AppError.forbidden }
        try await req.audited { db in
            try await GapItemRecommendation.query(on: db).filter(\.$recommendation.$id == rec.requireID()).delete()
            try await RecommendationFile.query(on: db).filter(\.$recommendation.$id == rec.requireID()).delete()
            try await rec.delete(on: db)
            return try AuditNote(action: "delete", entity: "recommendation", id: rec.id, summary: "Из библиотеки удалена рекомендация «\(rec.title)»",
                                 before: ["title": rec.title], municipalityID: rec.municipalityID, regionID: rec.regionID)
        }
        return req.redirect(to: Site.recommendations.url, ok: "Рекомендация удалена.")
    }
}

/// How recommendations are shown: a table, the form to add one.
enum RecommendationViews {
    static func table(_ recs: [Recommendation]) -> HTML {
        HTML.table(head: "<th>Рекомендация</th><th>Предмет</th><th>Классы</th><th>Коды требований</th><th>Объединение</th>", rows: recs.map { r in
            #"<tr><td><a href="\#(Site.recommendation.url(r.id!))">\#(r.title)</a>\#(r.url.isEmpty ? "" : #" <small class="muted">(ссылка)</small>"# as HTML)</td><td>\#(r.subject)</td><td>\#(r.gradeList.isEmpty ? "все" : r.gradeList.map(String.init).joined(separator: ", "))</td><td>\#(r.codeList.isEmpty ? "—" : r.codeList.joined(separator: ", "))</td><td>\#(r.association?.name ?? "—")</td></tr>"#
        })
    }

    static func form(_ ctx: PageContext, associations: [(value: String, label: String)], sittings: [(value: String, label: String)], subject: String, associationRequired: Bool = false) -> HTML {
        let fixed = associations.count == 1 && !sittings.isEmpty
        return """
        <details class="card no-print"><summary>Добавить рекомендацию</summary>
        <form method="post" action="\(ctx.uploadAction(Site.recommendationCreate.url))" enctype="multipart/form-data">
        <label for="r-title">Название</label><input type="text" id="r-title" name="title" required maxlength="300">
        <label for="r-description">Кратко о содержании</label><textarea id="r-description" name="description" maxlength="3000"></textarea>
        <div class="filter-row"><div><label for="r-subject">Предмет</label><input type="text" id="r-subject" name="subject" value="\(subject)" required maxlength="100"></div>
        <div><label for="r-grades">Классы</label><input type="text" id="r-grades" name="grades" placeholder="4, 5 или 5-7; пусто — все"></div></div>
        <label for="r-codes">Коды проверяемых требований (КЭС)</label><input type="text" id="r-codes" name="codes" placeholder="1.2, 4.1">
        <p class="hint">По кодам рекомендацию находят из пробелов класса и прикрепляют к пунктам планов ликвидации пробелов.</p>
        \(associations.isEmpty ? "" : #"<label for="r-association">Объединение</label><select id="r-association" name="association">\#(associationRequired || fixed ? "" : #"<option value="">— (библиотека района)</option>"# as HTML)\#(HTML.options(associations))</select>"# as HTML)
        \(sittings.isEmpty ? "" : #"<label for="r-sitting">Принята на заседании</label><select id="r-sitting" name="sitting"><option value="">—</option>\#(HTML.options(sittings))</select>"# as HTML)
        <label for="r-file">Файл (PDF, DOCX, ODT, PPTX)</label><input type="file" id="r-file" name="file" accept=".pdf,.docx,.doc,.odt,.pptx,.xlsx,.rtf">
        <label for="r-url">или ссылка</label><input type="url" id="r-url" name="url" maxlength="1000" placeholder="https://">
        <div class="actions"><button class="btn" type="submit">Добавить</button></div>
        </form></details>
        """
    }
}

/// The library page, filtered by subject and grade, or matched to one requirement from a gap.
struct RecommendationLibrary {
    var rows: [Recommendation]
    var subject: String
    var grade: Int?
    var code: String
    var matched: Bool
    var canAdd: Bool
    var associations: [(value: String, label: String)]
    var associationRequired: Bool

    func view(_ ctx: PageContext) -> HTML {
        var html: HTML = """
        <h1>Методические рекомендации</h1>\(ctx.flash)
        <p class="hint">Библиотека района: документы и ссылки с предметом, классами и кодами проверяемых требований. Из пробелов класса сюда ведёт ссылка «что почитать» — с подбором по требованию.</p>
        <form method="get" action="\(Site.recommendations.url)" class="filters no-print">
        <label for="f-subject">Предмет</label><input type="text" id="f-subject" name="subject" value="\(subject)">
        <label for="f-grade">Класс</label><input type="number" id="f-grade" name="grade" min="1" max="11" value="\(grade.map(String.init) ?? "")">
        <label for="f-code">Код требования</label><input type="text" id="f-code" name="code" value="\(code)">
        <button class="btn secondary" type="submit">Найти</button></form>
        """
        if matched { html += #"<p>Подобраны к требованию <b>\#(code)</b> (\#(subject), \#(grade ?? 0) класс): сначала — по этому коду, затем — по более общему коду, затем — общие по предмету и классу.</p>"# }
        html += rows.isEmpty ? HTML.emptyState(matched || !subject.isEmpty ? "Подходящих рекомендаций нет." : "Рекомендаций пока нет.") : RecommendationViews.table(rows)
        if canAdd { html += RecommendationViews.form(ctx, associations: associations, sittings: [], subject: subject, associationRequired: associationRequired) }
        return html
    }
}

/// One recommendation: what it addresses, its document or link, where it came from.
struct RecommendationPage {
    var rec: Recommendation
    var file: RecommendationFile?
    var sitting: Meeting?
    var attached: Int
    var canDelete: Bool

    func view(_ ctx: PageContext) -> HTML {
        var html: HTML = """
        <h1>\(rec.title)</h1>\(ctx.flash)
        <p>\(rec.subject); классы: \(rec.gradeList.isEmpty ? "все" : rec.gradeList.map(String.init).joined(separator: ", ")); коды требований: \(rec.codeList.isEmpty ? "—" : rec.codeList.joined(separator: ", ")).</p>
        """
        if !rec.description.isEmpty { html += "<p>\(HTML.lines(rec.description))</p>" as HTML }
        if let a = rec.association { html += #"<p>Объединение: <a href="\#(Site.association.url(a.id!))">\#(a.name)</a>\#(sitting.map { m in #", заседание <a href="\#(Site.meeting.url(m.id!))">\#(m.localDate.russian)</a>"# as HTML } ?? "").</p>"# }
        var links: [HTML] = []
        if let file { links.append(#"<a class="btn" href="\#(Site.recommendationFile.url(rec.id!))">Скачать «\#(file.fileName)»</a>"#) }
        if !rec.url.isEmpty { links.append(#"<a class="btn secondary" href="\#(rec.url)" rel="noopener noreferrer" target="_blank">Открыть ссылку</a> <small class="muted">\#(rec.url)</small>"#) }
        html += #"<div class="actions">\#(links)</div>"#
        html += #"<p class="muted">Прикреплена к пунктам планов ликвидации пробелов: \#(attached).</p>"#
        if canDelete { html += #"<p class="no-print"><a class="btn danger-outline" href="\#(Site.recommendationDeleteConfirm.url(rec.id!))">Удалить…</a></p>"# }
        return html
    }
}
