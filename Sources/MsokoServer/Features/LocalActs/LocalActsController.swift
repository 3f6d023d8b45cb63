import Fluent
import MsokoCore
import Vapor

/// Each school's local acts on assessment (measure 1.6, issue 17): the district's list of required
/// acts with review checklists and its list of superseded normative acts; per school and act the
/// versions with their files, citations, the district's review, the school's answers, the adoption
/// chain and the publication; the district's view; evidence for 1.6; the API.
///
/// Decisions: a version is adopted only after the district has reviewed it (agreed, or returned and
/// answered) — the review is the point of the measure; the councils' opinion is part of the chain
/// (ст. 30 ФЗ «Об образовании»: acts on students' assessment take it into account); a new version may
/// be sent while an earlier one waits (the newest is the act's state, the earlier stay as history).
enum LocalActsController {
    static func register(_ app: Application) {
        app.on(Site.localActs, use: district)
        app.on(Site.localActsSettings, use: settings)
        app.on(Site.localActsSettingsSave, use: saveSettings)
        app.on(Site.localActsSchool, use: school)
        app.on(Site.localActUpload, use: upload)
        app.on(Site.localActsAttach, use: attach)
        app.on(Site.localActVersion, use: version)
        app.on(Site.localActFile, use: file)
        app.on(Site.localActReview, use: review)
        app.on(Site.localActAnswer, use: answer)
        app.on(Site.localActAdopt, use: adopt)
        app.on(Site.localActPublish, use: publish)
        app.on(Site.localActDeleteConfirm, use: confirmDelete)
        app.on(Site.localActDelete, use: delete)
        app.on(Site.apiLocalActs, use: api)
    }

    static let fileTypes: Set<String> = ["pdf", "docx", "doc", "odt"]

    /// One school's acts: per act of the district's list (and any act no longer listed that has
    /// versions) its versions, newest first, and its state.
    struct SchoolActs {
        struct Act {
            var type: LocalActType
            var listed: Bool
            var versions: [LocalActVersion]
            var status: ActStatus
            var flagged: Int
            var latest: LocalActVersion? { versions.first }
            var adopted: LocalActVersion? { versions.first { $0.versionState == .adopted } }
        }
        var school: School
        var acts: [Act]
    }

    static func load(_ schools: [School], types: [LocalActType], superseded: [SupersededAct], today: LocalDate, on db: Database) async throws -> [SchoolActs] {
        let ids = try schools.map { try $0.requireID() }
        let versions = try await LocalActVersion.query(on: db).filter(\.$school.$id ~~ ids).sort(\.$number, .descending)
            .field(\.$id).field(\.$school.$id).field(\.$act).field(\.$number).field(\.$fileName).field(\.$state).field(\.$orderDate).field(\.$publishedOn)
            .field(\.$citationsJSON).field(\.$createdAt).field(\.$changes).field(\.$pedsovetDate).field(\.$pedsovetProtocol).field(\.$councilDate)
            .field(\.$orderNumber).field(\.$publishedURL).field(\.$createdBy).field(\.$size).field(\.$sha256).field(\.$contentType)
            .field(\.$regionID).field(\.$municipalityID).all()
        return schools.map { s in
            let mine = versions.filter { $0.$school.id == s.id }
            var kinds = types.map { ($0, true) }
            for key in Set(mine.map(\.act)) where !types.contains(where: { $0.key == key }) {
                kinds.append((LocalActType(key: key, title: "Акт «\(key)» (исключён из перечня)", required: false), false))
            }
            return SchoolActs(school: s, acts: kinds.map { type, listed in
                let vs = mine.filter { $0.act == type.key }
                return SchoolActs.Act(type: type, listed: listed, versions: vs, status: LocalActs.status(vs.map(\.facts), today: today),
                                      flagged: vs.first.map { LocalActs.flags($0.citations, superseded: superseded).count } ?? 0)
            })
        }
    }


    // MARK: the district

    static func district(req: Request) async throws -> Response {
        let user = try req.user
        if user.role == .head {
            guard let own = try await Schools.own(of: user, on: req.db) else { throw AppError.forbidden }
            return req.redirect(to: Site.localActsSchool.url(try own.requireID()))
        }
        let mid = try user.requireMunicipalityID()
        let types = try await Settings.localActTypes(municipalityID: mid, on: req.db)
        let superseded = try await Settings.superseded(municipalityID: mid, on: req.db)
        let today = try await req.today()
        let schools = try await Schools.all(of: user, activeOnly: true, on: req.db)
        let all = try await load(schools, types: types, superseded: superseded, today: today, on: req.db)
        let body = LocalActsDistrictPage(rows: all, types: types, today: today, zone: try await req.municipalityZone(), canEditSettings: Site.localActsSettings.admits(user.role)).view(req.pageContext())
        return Layout.page(req, title: "Локальные акты школ", body: body, paper: .landscape)
    }

    // MARK: the district's lists

    static func settings(req: Request) async throws -> Response {
        let user = try req.user
        let mid = try user.requireMunicipalityID()
        let body = LocalActsSettingsPage(types: try await Settings.localActTypes(municipalityID: mid, on: req.db),
                                         superseded: try await Settings.superseded(municipalityID: mid, on: req.db),
                                         canEdit: user.role == .specialist).view(req.pageContext())
        return Layout.page(req, title: "Перечень локальных актов", body: body, crumbs: [Crumb(Site.localActs.url, "Локальные акты")])
    }

    /// The list of acts (title, required, checklist one item a line; a new one from the empty row;
    /// an act emptied of its title is removed) and the superseded acts, saved together; every problem
    /// named, nothing saved on one.
    static func saveSettings(req: Request) async throws -> Response {
        let user = try req.user
        let mid = try user.requireMunicipalityID()
        let old = try await Settings.localActTypes(municipalityID: mid, on: req.db)
        let oldSuperseded = try await Settings.superseded(municipalityID: mid, on: req.db)
        var errors: [String] = []
        var types: [LocalActType] = []
        let count = (try? req.content.get(Int.self, at: "count")) ?? old.count
        for i in 0...count {
            let title = ((try? req.content.get(String.self, at: "title\(i)")) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            let checklist = ((try? req.content.get(String.self, at: "checklist\(i)")) ?? "").components(separatedBy: .newlines)
                .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            let required = (try? req.content.get(String.self, at: "required\(i)")) != nil
            guard !title.isEmpty else {
                // A listed act emptied of its title leaves the list; the new row needs a title for its items.
                if i == count, !checklist.isEmpty { errors.append("Новый акт: укажите название (пункты проверки без названия акта не сохраняются).") }
                continue
            }
            if title.count > 300 { errors.append("Акт «\(title.prefix(40))…»: название длиннее 300 символов.") }
            let key = i < old.count && i < count ? old[i].key : "act-\(UUID().uuidString.prefix(8).lowercased())"
            if types.contains(where: { $0.title == title }) { errors.append("Акт «\(title)» указан дважды.") }
            types.append(LocalActType(key: key, title: title, required: required, checklist: checklist))
        }
        if types.isEmpty { errors.append("Перечень пуст: оставьте хотя бы один акт.") }
        let parsed = LocalActs.parseSuperseded((try? req.content.get(String.self, at: "superseded")) ?? "")
        errors += parsed.problems.map { "Утратившие силу акты, \($0)." }
        guard errors.isEmpty else { return req.redirect(to: Site.localActsSettings.url, error: "Не сохранено.\n" + errors.joined(separator: "\n")) }
        let (newTypes, newSuperseded) = (types, parsed.acts)
        let encode = { (v: any Encodable) throws -> String in String(decoding: try JSONEncoder().encode(v), as: UTF8.self) }
        let typesJSON = try encode(newTypes), supersededJSON = try encode(newSuperseded)
        let m = try await Municipality.find(mid, on: req.db)
        try await req.audited { db in
            try await Settings.set(Settings.localActsKey, typesJSON, municipalityID: mid, on: db)
            try await Settings.set(Settings.supersededKey, supersededJSON, municipalityID: mid, on: db)
            return try AuditNote(action: "update", entity: "settings", id: nil, summary: "Перечень локальных актов и утративших силу нормативных актов",
                                 before: ["localActs": old.map(\.title).joined(separator: "; "), "superseded": LocalActs.lines(oldSuperseded)],
                                 after: ["localActs": newTypes.map(\.title).joined(separator: "; "), "superseded": LocalActs.lines(newSuperseded)],
                                 municipalityID: mid, regionID: m?.$region.id)
        }
        return req.redirect(to: Site.localActsSettings.url, ok: "Сохранено: актов в перечне \(newTypes.count), утративших силу нормативных актов \(newSuperseded.count).")
    }

    // MARK: a school

    static func school(req: Request) async throws -> Response {
        let user = try req.user
        let s = try await Schools.find(req)
        guard user.canSee(school: s) else { throw AppError.forbidden }
        let mid = try user.requireMunicipalityID()
        let superseded = try await Settings.superseded(municipalityID: mid, on: req.db)
        let loaded = try await load([s], types: try await Settings.localActTypes(municipalityID: mid, on: req.db), superseded: superseded,
                                    today: try await req.today(), on: req.db)[0]
        let body = LocalActsSchoolPage(acts: loaded, superseded: superseded, isHead: user.role == .head, window: LocalActs.window(containingOrBefore: try await req.today()))
            .view(req.pageContext())
        let crumbs = user.role == .head ? [Crumb(Site.mySchool.url, "Моя школа")] : [Crumb(Site.localActs.url, "Локальные акты")]
        return Layout.page(req, title: "Локальные акты: \(s.shortName)", body: body, crumbs: crumbs)
    }

    struct UploadForm: Content {
        var act: String?
        var changes: String?
        var citations: String?
        var file: File?
    }

    static func upload(req: Request) async throws -> Response {
        let user = try req.user
        let s = try await Schools.find(req)
        guard user.role == .head, user.canSee(school: s) else { throw AppError.forbidden }
        let sid = try s.requireID()
        let back = Site.localActsSchool.url(sid)
        let f = try req.content.decode(UploadForm.self)
        let types = try await Settings.localActTypes(municipalityID: s.$municipality.id, on: req.db)
        var errors: [String] = []
        let type = types.first { $0.key == f.act }
        if type == nil { errors.append("Поле «Акт»: выберите акт из перечня.") }
        let previous = try await LocalActVersion.query(on: req.db).filter(\.$school.$id == sid).filter(\.$act == (f.act ?? "")).sort(\.$number, .descending).first()
        let changes = (f.changes ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if previous != nil && changes.isEmpty { errors.append("Поле «Что изменено»: опишите изменения по сравнению с редакцией \(previous!.number).") }
        if changes.count > 3000 { errors.append("Поле «Что изменено»: не больше 3000 символов.") }
        let parsed = LocalActs.parseCitations(f.citations ?? "")
        errors += parsed.problems.map { "Поле «Нормативные акты», \($0)." }
        let kept = EvidenceRules.upload(f.file, field: "Поле «Файл»", maxBytes: req.msokoConfig.maxEvidenceBytes, extensions: fileTypes, errors: &errors)
        if f.file == nil || (f.file?.filename.isEmpty ?? true) && (f.file?.data.readableBytes ?? 0) == 0 {
            errors.append("Поле «Файл»: выберите файл акта (PDF, DOCX, DOC или ODT).")
        }
        guard errors.isEmpty, let type, let kept else { return req.redirect(to: back, error: "Редакция не отправлена.\n" + errors.joined(separator: "\n")) }
        let v = LocalActVersion()
        v.$school.id = sid
        v.act = type.key
        v.number = (previous?.number ?? 0) + 1
        v.keep(kept.data, name: kept.name)
        v.contentType = kept.type
        v.changes = changes
        v.citations = parsed.citations
        v.state = LocalActVersion.State.review.rawValue
        v.createdBy = user.login
        v.regionID = s.regionID
        v.municipalityID = s.$municipality.id
        try await req.audited { db in
            try await v.create(on: db)
            return try AuditNote(action: "create", entity: "local_act", id: v.id, summary: "«\(type.title)», редакция \(v.number) (\(s.login)) отправлена на согласование",
                                 after: ["file": v.fileName, "sha256": v.sha256, "text": changes], municipalityID: v.municipalityID, regionID: v.regionID, schoolID: sid)
        }
        let flags = LocalActs.flags(parsed.citations, superseded: try await Settings.superseded(municipalityID: s.$municipality.id, on: req.db))
        let warning = flags.isEmpty ? "" : " Внимание: акт ссылается на утративший силу документ (\(flags.map { $0.citation.text }.joined(separator: "; "))) — исправьте до принятия."
        return req.redirect(to: Site.localActVersion.url(try v.requireID()), ok: "Редакция \(v.number) отправлена на согласование в Управление образования.\(warning)")
    }

    // MARK: a version

    struct Loaded {
        var version: LocalActVersion
        var school: School
        var type: LocalActType
        var reviews: [LocalActReview]
        var superseded: [SupersededAct]
    }

    static func loadVersion(_ req: Request) async throws -> Loaded {
        let user = try req.user
        let v = try await req.find(LocalActVersion.self, "versionID")
        guard v.municipalityID == user.municipalityID, let s = try await School.find(v.$school.id, on: req.db) else { throw AppError.notFound }
        guard user.canSee(school: s) else { throw AppError.forbidden }
        let types = try await Settings.localActTypes(municipalityID: v.municipalityID, on: req.db)
        let type = types.first { $0.key == v.act } ?? LocalActType(key: v.act, title: "Акт «\(v.act)» (исключён из перечня)", required: false)
        let reviews = try await LocalActReview.query(on: req.db).filter(\.$version.$id == v.requireID()).sort(\.$createdAt).all()
        return Loaded(version: v, school: s, type: type, reviews: reviews, superseded: try await Settings.superseded(municipalityID: v.municipalityID, on: req.db))
    }

    static func version(req: Request) async throws -> Response {
        let user = try req.user
        let l = try await loadVersion(req)
        let body = LocalActVersionPage(l: l, role: user.role, today: try await req.today(), zone: try await req.municipalityZone()).view(req.pageContext())
        return Layout.page(req, title: "\(l.type.title), редакция \(l.version.number)", body: body,
                           crumbs: [Crumb(Site.localActsSchool.url(try l.school.requireID()), "Локальные акты: \(l.school.shortName)")])
    }

    static func file(req: Request) async throws -> Response {
        let l = try await loadVersion(req)
        return Download.stored(l.version, type: l.version.contentType)
    }

    static func review(req: Request) async throws -> Response {
        let user = try req.user
        let l = try await loadVersion(req)
        let v = l.version
        let back = Site.localActVersion.url(try v.requireID())
        guard [.review, .answered].contains(v.versionState) else {
            return req.redirect(to: back, error: "Редакция \(v.versionState == .adopted ? "уже принята" : "уже рассмотрена и ждёт ответа школы") — рассматривать нечего.")
        }
        var errors: [String] = []
        var answers: [LocalActReview.ChecklistAnswer] = []
        for (i, item) in l.type.checklist.enumerated() {
            let verdict = (try? req.content.get(String.self, at: "verdict\(i)")) ?? ""
            let remark = ((try? req.content.get(String.self, at: "remark\(i)")) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            if !["yes", "no", "na"].contains(verdict) { errors.append("Пункт \(i + 1) «\(item)»: отметьте «да», «нет» или «не применимо».") }
            if verdict == "no" && remark.isEmpty { errors.append("Пункт \(i + 1) «\(item)»: при «нет» напишите замечание.") }
            answers.append(.init(item: item, verdict: verdict, comment: remark))
        }
        let comment = ((try? req.content.get(String.self, at: "comment")) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        let decision = (try? req.content.get(String.self, at: "decision")) ?? ""
        if !["agreed", "returned"].contains(decision) { errors.append("Решение: «согласовать» или «вернуть на доработку».") }
        if decision == "agreed" && answers.contains(where: { $0.verdict == "no" }) { errors.append("Решение: есть пункты с ответом «нет» — верните редакцию на доработку.") }
        if decision == "returned" && comment.isEmpty && !answers.contains(where: { !$0.comment.isEmpty }) { errors.append("Решение: при возврате напишите замечание.") }
        let flags = LocalActs.flags(v.citations, superseded: l.superseded)
        if decision == "agreed" && !flags.isEmpty { errors.append("Решение: акт ссылается на утративший силу документ (\(flags.map { $0.citation.text }.joined(separator: "; "))) — согласовать нельзя.") }
        if comment.count > 3000 { errors.append("Замечание: не больше 3000 символов.") }
        guard errors.isEmpty else { return req.redirect(to: back, error: "Рассмотрение не сохранено.\n" + errors.joined(separator: "\n")) }
        let r = LocalActReview()
        r.$version.id = try v.requireID()
        r.reviewer = user.login
        r.reviewerName = user.name
        r.answers = answers
        r.comment = comment
        r.decision = decision
        v.state = (decision == "agreed" ? LocalActVersion.State.agreed : .returned).rawValue
        let (school, title) = (l.school, l.type.title)
        try await req.audited { db in
            try await r.create(on: db)
            try await v.save(on: db)
            return try AuditNote(action: "update", entity: "local_act", id: v.id, summary: "«\(title)», редакция \(v.number) (\(school.login)): \(v.versionState.title)",
                                 after: ["status": v.versionState.title, "comment": comment], municipalityID: v.municipalityID, regionID: v.regionID, schoolID: school.id)
        }
        return req.redirect(to: back, ok: decision == "agreed" ? "Редакция согласована: школа может принять акт." : "Редакция возвращена с замечаниями: школа их видит и отвечает.")
    }

    static func answer(req: Request) async throws -> Response {
        let user = try req.user
        let l = try await loadVersion(req)
        let v = l.version
        let back = Site.localActVersion.url(try v.requireID())
        guard v.versionState == .returned, let r = l.reviews.last(where: { $0.decision == "returned" && $0.answer == nil }) else {
            return req.redirect(to: back, error: "Замечаний без ответа нет.")
        }
        let text = ((try? req.content.get(String.self, at: "answer")) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty, text.count <= 3000 else { return req.redirect(to: back, error: "Ответ не сохранён. Поле «Ответ на замечания»: \(text.isEmpty ? "напишите ответ" : "не больше 3000 символов").") }
        r.answer = text
        r.answeredBy = user.login
        r.answeredAt = req.now
        v.state = LocalActVersion.State.answered.rawValue
        let (school, title) = (l.school, l.type.title)
        try await req.audited { db in
            try await r.save(on: db)
            try await v.save(on: db)
            return try AuditNote(action: "update", entity: "local_act", id: v.id, summary: "«\(title)», редакция \(v.number) (\(school.login)): ответ на замечания",
                                 after: ["text": text], municipalityID: v.municipalityID, regionID: v.regionID, schoolID: school.id)
        }
        return req.redirect(to: back, ok: "Ответ на замечания сохранён; Управление образования его видит. Теперь акт можно принять.")
    }

    struct AdoptForm: Content {
        var pedsovetDate: String?
        var pedsovetProtocol: String?
        var councilDate: String?
        var orderNumber: String?
        var orderDate: String?
    }

    /// The adoption chain: педсовет (date, protocol), the councils' opinion (date), the order (number, date).
    static func adopt(req: Request) async throws -> Response {
        let l = try await loadVersion(req)
        let v = l.version
        let back = Site.localActVersion.url(try v.requireID())
        guard [.agreed, .answered].contains(v.versionState) else {
            return req.redirect(to: back, error: v.versionState == .adopted ? "Редакция уже принята." : "Принять можно после рассмотрения в Управлении образования (согласовано или замечания учтены).")
        }
        let f = try req.content.decode(AdoptForm.self)
        var errors: [String] = []
        let today = try await req.today()
        func date(_ text: String?, _ field: String) -> LocalDate? {
            FormDate.parse(text, field: field, required: true, notAfter: today, errors: &errors)
        }
        let pedsovet = date(f.pedsovetDate, "Педагогический совет, дата")
        let council = date(f.councilDate, "Мнение советов обучающихся и родителей, дата")
        let order = date(f.orderDate, "Приказ, дата")
        let protocolNumber = (f.pedsovetProtocol ?? "").trimmingCharacters(in: .whitespaces)
        let orderNumber = (f.orderNumber ?? "").trimmingCharacters(in: .whitespaces)
        if protocolNumber.isEmpty { errors.append("Поле «Педагогический совет, протокол №»: укажите номер протокола.") }
        if orderNumber.isEmpty { errors.append("Поле «Приказ, №»: укажите номер приказа.") }
        if protocolNumber.count > 40 || orderNumber.count > 40 { errors.append("Номера протокола и приказа — не длиннее 40 символов.") }
        if let p = pedsovet, let o = order, o < p { errors.append("Поле «Приказ, дата»: приказ (\(o.russian)) не может быть раньше педсовета (\(p.russian)).") }
        if let c = council, let o = order, o < c { errors.append("Поле «Приказ, дата»: приказ (\(o.russian)) издаётся после учёта мнения советов (\(c.russian)).") }
        let flags = LocalActs.flags(v.citations, superseded: l.superseded)
        if !flags.isEmpty { errors.append("Акт ссылается на утративший силу документ (\(flags.map { $0.citation.text }.joined(separator: "; "))): исправьте и отправьте новую редакцию.") }
        guard errors.isEmpty, let pedsovet, let council, let order else { return req.redirect(to: back, error: "Не принят.\n" + errors.joined(separator: "\n")) }
        v.pedsovetDate = pedsovet.iso
        v.pedsovetProtocol = protocolNumber
        v.councilDate = council.iso
        v.orderNumber = orderNumber
        v.orderDate = order.iso
        v.state = LocalActVersion.State.adopted.rawValue
        let (school, title) = (l.school, l.type.title)
        try await req.audited { db in
            try await v.save(on: db)
            return try AuditNote(action: "update", entity: "local_act", id: v.id, summary: "«\(title)», редакция \(v.number) (\(school.login)) принята приказом № \(orderNumber) от \(order.russian)",
                                 after: ["status": v.versionState.title, "date": order.iso, "number": orderNumber], municipalityID: v.municipalityID, regionID: v.regionID, schoolID: school.id)
        }
        return req.redirect(to: back, ok: "Принят приказом № \(orderNumber) от \(order.russian). Опубликуйте акт на сайте школы и отметьте это здесь.")
    }

    static func publish(req: Request) async throws -> Response {
        let l = try await loadVersion(req)
        let v = l.version
        let back = Site.localActVersion.url(try v.requireID())
        guard v.versionState == .adopted else { return req.redirect(to: back, error: "Опубликовать можно принятый акт.") }
        let today = try await req.today()
        let url = ((try? req.content.get(String.self, at: "url")) ?? "").trimmingCharacters(in: .whitespaces)
        var errors: [String] = []
        let d = FormDate.parse(try? req.content.get(String.self, at: "date"), field: "Дата публикации", required: true, notAfter: today, errors: &errors)
        if let d, let o = v.orderDate.flatMap(LocalDate.init(iso:)), d < o { errors.append("Поле «Дата публикации»: раньше приказа (\(o.russian)).") }
        if !url.isEmpty, !(url.hasPrefix("https://") || url.hasPrefix("http://")) || url.count > 500 || url.contains(" ") {
            errors.append("Поле «Адрес на сайте школы»: ссылка вида https://… без пробелов.")
        }
        guard errors.isEmpty, let d else { return req.redirect(to: back, error: "Не сохранено.\n" + errors.joined(separator: "\n")) }
        v.publishedOn = d.iso
        v.publishedURL = url.isEmpty ? nil : url
        let (school, title) = (l.school, l.type.title)
        // «Публиковать» on the school's open page (4.1): the adopted file as a published document,
        // the head having confirmed it holds no personal data.
        let toPublic = try req.content.decode([String: String].self)["toPublic"] == "on"
        let login = try req.user.login
        let document = toPublic ? PublicDocument(municipalityID: v.municipalityID, regionID: v.regionID, school: school.id, kind: .localAct, title: title,
                                                 number: v.orderNumber ?? "", date: v.orderDate, file: (v.fileName, v.contentType, v.data), by: login, publishedAt: req.now) : nil
        try await req.audited { db in
            try await v.save(on: db)
            try await document?.create(on: db)
            return try AuditNote(action: "update", entity: "local_act", id: v.id,
                                 summary: "«\(title)», редакция \(v.number) (\(school.login)) опубликована \(d.russian)\(document == nil ? "" : "; размещена на открытой странице школы, подтверждено отсутствие персональных данных")",
                                 after: ["date": d.iso, "text": url, "public": document == nil ? "нет" : "да"], municipalityID: v.municipalityID, regionID: v.regionID, schoolID: school.id)
        }
        return req.redirect(to: back, ok: "Отмечено: опубликован \(d.russian).\(document == nil ? "" : " Акт размещён на открытой странице школы.")")
    }

    static func confirmDelete(req: Request) async throws -> Response {
        let l = try await loadVersion(req)
        guard l.version.versionState != .adopted else { throw AppError.forbidden }
        return Layout.page(req, title: "Удаление редакции", body: ConfirmPage.view(req.pageContext(), title: "Удалить редакцию \(l.version.number)?",
            text: "Редакция \(l.version.number) акта «\(l.type.title)» (файл «\(l.version.fileName)») и её рассмотрения будут удалены. Принятые редакции не удаляются; запись об удалении останется в журнале изменений.",
            action: Site.localActDelete.url(try l.version.requireID()), cancel: Site.localActVersion.url(try l.version.requireID())))
    }

    static func delete(req: Request) async throws -> Response {
        let l = try await loadVersion(req)
        let v = l.version
        guard v.versionState != .adopted else { throw AppError.forbidden }
        let (school, title) = (l.school, l.type.title)
        try await req.audited { db in
            try await LocalActReview.query(on: db).filter(\.$version.$id == v.requireID()).delete()
            try await v.delete(on: db)
            return try AuditNote(action: "delete", entity: "local_act", id: v.id, summary: "«\(title)», редакция \(v.number) (\(school.login)) удалена",
                                 before: ["file": v.fileName, "sha256": v.sha256], municipalityID: v.municipalityID, regionID: v.regionID, schoolID: school.id)
        }
        return req.redirect(to: Site.localActsSchool.url(try school.requireID()), ok: "Редакция \(v.number) удалена.")
    }

    // MARK: evidence for 1.6

    /// The school's справка on its acts and the files of the versions adopted in this window go to its
    /// report of measure 1.6, in one click.
    static func attach(req: Request) async throws -> Response {
        let user = try req.user
        let s = try await Schools.find(req)
        guard user.role == .head, user.canReport(forSchool: s) else { throw AppError.forbidden }
        let back = Site.localActsSchool.url(try s.requireID())
        let today = try await req.today()
        let start = today.month >= 9 ? today.year : today.year - 1
        let (measure, checkpoint): (Measure, Checkpoint)
        switch try await CheckpointReport.schoolCheckpoint(req, number: "1.6", title: "Корректировка локальных актов", schoolYear: "\(start)-\(start + 1)") {
        case .failure(let problem): return req.redirect(to: back, error: problem.description)
        case .success(let found): (measure, checkpoint) = found
        }
        let mid = s.$municipality.id
        let loaded = try await load([s], types: try await Settings.localActTypes(municipalityID: mid, on: req.db),
                                    superseded: try await Settings.superseded(municipalityID: mid, on: req.db), today: today, on: req.db)[0]
        let window = LocalActs.window(containingOrBefore: today)
        let current = loaded.acts.compactMap(\.adopted).filter { ($0.orderDate.flatMap(LocalDate.init(iso:)) ?? window.start) >= window.start }
        guard !current.isEmpty || loaded.acts.contains(where: { $0.status == .underReview }) else {
            return req.redirect(to: back, error: "Прикладывать нечего: в этом цикле (с \(window.start.russian)) акты не обновлялись.")
        }
        var files: [(name: String, type: String, data: Data)] = [("Локальные акты \(s.shortName).docx", Download.docxType, try LocalActsDocument.make(loaded, today: today).data())]
        for v in current {
            guard let full = try await LocalActVersion.find(v.id, on: req.db) else { continue }
            files.append((full.fileName, full.contentType, full.data))
        }
        try await CheckpointReport.attach(req, checkpoint: checkpoint, of: measure, schoolID: s.id, files: files,
                                          summary: "Локальные акты \(s.login) приложены к мероприятию 1.6 (\(checkpoint.label))")
        return req.redirect(to: back, ok: "Приложено к отчёту по мероприятию 1.6, контрольная точка «\(checkpoint.label)»: справка и файлов актов — \(files.count - 1).")
    }

    // MARK: API

    struct APIAct: Content {
        var title: String
        var required: Bool
        var status: String
        var version: Int?
        var adopted: String?

        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(title, forKey: .title)
            try c.encode(required, forKey: .required)
            try c.encode(status, forKey: .status)
            try c.encode(version, forKey: .version)
            try c.encode(adopted, forKey: .adopted)
        }
    }
    struct APISchool: Content { var school: String; var acts: [APIAct] }
    struct APIList: Content { var schools: [APISchool] }

    /// `GET /api/v1/local-acts`: every school the caller may see (a head: their own), per act of the
    /// list its status, the newest version's number and the adopted version's order date.
    static func api(req: Request) async throws -> APIList {
        let user = try req.user
        let mid = try user.requireMunicipalityID()
        let schools: [School]
        if user.role == .head {
            guard let own = try await Schools.own(of: user, on: req.db) else { throw AppError.forbidden }
            schools = [own]
        } else {
            schools = try await Schools.all(of: user, activeOnly: true, on: req.db)
        }
        let loaded = try await load(schools, types: try await Settings.localActTypes(municipalityID: mid, on: req.db),
                                    superseded: try await Settings.superseded(municipalityID: mid, on: req.db), today: try await req.today(), on: req.db)
        return APIList(schools: loaded.map { s in
            APISchool(school: s.school.login, acts: s.acts.filter(\.listed).map { a in
                APIAct(title: a.type.title, required: a.type.required, status: a.status.rawValue, version: a.latest?.number, adopted: a.adopted?.orderDate)
            })
        })
    }
}
