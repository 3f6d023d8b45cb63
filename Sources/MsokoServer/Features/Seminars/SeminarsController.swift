import Fluent
import MsokoCore
import Vapor

/// Seminars on typical grading errors (measure 3.2, issue 16 §2): planned from the commission's
/// re-scoring of a procedure (its tasks and error types, the handout from `Recheck/`), run by an
/// association, with materials, attendance and the participants' feedback; the seminar's effect is
/// the discrepancy on the same tasks at the next re-check of the subject, before and after.
enum SeminarsController {
    static func register(_ app: Application) {
        app.on(Site.seminars, use: list)
        app.on(Site.seminarNew, use: new)
        app.on(Site.seminarAdd, use: add)
        app.on(Site.seminar, use: page)
        app.on(Site.seminarUpdate, use: update)
        app.on(Site.seminarFeedbackAdd, use: addFeedback)
        app.on(Site.seminarFileAdd, authorize: { req in _ = try await load(req) }, use: addFile)
        app.on(Site.seminarFile, use: file)
        app.on(Site.seminarDeleteConfirm, use: confirmDelete)
        app.on(Site.seminarDelete, use: delete)
    }

    static let editors: Set<Role> = [.specialist, .methodist]

    /// The seminar of the path, in the user's district.
    static func load(_ req: Request) async throws -> Seminar {
        guard let s = try await Seminar.query(on: req.db).filter(\.$id == req.pathID("seminarID")).filter(\.$municipalityID == req.user.requireMunicipalityID())
            .with(\.$procedure).first() else { throw AppError.notFound }
        return s
    }

    // MARK: the list

    static func list(req: Request) async throws -> Response {
        let user = try req.user
        let mid = try user.requireMunicipalityID()
        let seminars = try await Seminar.query(on: req.db).filter(\.$municipalityID == mid).with(\.$procedure).sort(\.$date, .descending).all()
        let ids = seminars.compactMap(\.id)
        let feedback = ids.isEmpty ? [] : try await SeminarFeedback.query(on: req.db).filter(\.$seminar.$id ~~ ids).all()
        let associations = try await MethodAssociation.query(on: req.db).filter(\.$municipalityID == mid).all()
        let names = Dictionary(associations.compactMap { a in a.id.map { ($0, a.name) } }, uniquingKeysWith: { a, _ in a })
        // Procedures whose re-check can give a seminar its tasks: those with a sample.
        let procedures = try await Procedures.visible(to: user, on: req.db)
        var withSample: [(id: UUID, title: String)] = []
        if editors.contains(user.role) {
            let sampled = Set(try await RecheckSample.query(on: req.db).filter(\.$municipalityID == mid).all().map { $0.$procedure.id })
            withSample = procedures.filter { $0.id.map(sampled.contains) == true }.map { ($0.id!, ProcedureStore.title($0)) }
        }
        let rows = seminars.map { s in
            let f = feedback.filter { $0.$seminar.id == s.id }
            return SeminarList.Row(id: s.id!, date: s.localDate, topic: s.topic, procedure: s.procedure.map(ProcedureStore.title), association: s.associationID.flatMap { names[$0] },
                                   tasks: s.taskList, attended: s.attended, invited: s.invited,
                                   rating: f.isEmpty ? nil : Double(f.reduce(0) { $0 + $1.rating }) / Double(f.count), responses: f.count)
        }
        let model = SeminarList(rows: rows, sampled: withSample, canPlan: editors.contains(user.role), today: try await req.today())
        return Layout.page(req, title: "Семинары", body: model.view(req.pageContext()))
    }

    // MARK: planning

    /// The form, prefilled from `?procedure=`'s typical grading errors when it has a re-check.
    static func new(req: Request) async throws -> Response {
        let user = try req.user
        let mid = try user.requireMunicipalityID()
        var draft = SeminarForm.Values()
        if let pid = req.query[String.self, at: "procedure"].flatMap(UUID.init(uuidString:)) {
            let p = try await Procedures.find(pid, for: user, on: req.db)
            draft.procedure = pid.uuidString
            draft.topic = "Типичные ошибки оценивания: \(ProcedureStore.title(p).replacingOccurrences(of: " · ", with: " "))"
            if let sample = try await RecheckSample.latest(of: p, municipalityID: mid, on: req.db) {
                let spec = try ProcedureStore.spec(of: p)
                let rescored = try await sample.rescoredWorks(spec: spec, on: req.db).map { ($0.code, $0.pair.schoolScores, $0.pair.commissionScores) }
                let errors = GradingErrors.tasks(rescored, spec: spec).prefix(5)
                draft.tasks = errors.map(\.task.number).joined(separator: ", ")
                draft.errorTypes = errors.map(SeminarForm.errorLine).joined(separator: "\n")
                draft.materials = "Раздаточный материал «Типичные ошибки оценивания» (по результатам перепроверки, \(Plural.works(rescored.count)))."
                draft.fromRecheck = rescored.count
            }
        }
        return try await formPage(req, draft)
    }

    static func formPage(_ req: Request, _ values: SeminarForm.Values) async throws -> Response {
        let user = try req.user
        let mid = try user.requireMunicipalityID()
        let associations = try await MethodAssociation.query(on: req.db).filter(\.$municipalityID == mid).filter(\.$school.$id == nil).sort(\.$name).all()
        let model = SeminarForm(values: values, procedures: try await Procedures.visible(to: user, on: req.db).map { ($0.id!.uuidString, ProcedureStore.title($0)) },
                                associations: associations.map { ($0.id!.uuidString, $0.name) })
        return Layout.page(req, title: "Семинар", body: model.view(req.pageContext()), crumbs: [Crumb(Site.seminars.url, "Семинары")])
    }

    struct Form: Content {
        var date: String
        var topic: String
        var procedure: String?
        var association: String?
        var tasks: String?
        var errorTypes: String?
        var materials: String?
        var participants: String?
        var invited: String?
        var attended: String?
    }

    /// Reads the form into `s`, naming every problem; the procedure and the association must be the district's.
    static func fill(_ s: Seminar, _ form: Form, req: Request, errors: inout [String]) async throws {
        let user = try req.user
        let date = FormDate.parse(form.date, field: "Дата", required: true, errors: &errors)
        s.date = date?.iso ?? ""
        s.topic = FormText.read(form.topic, "Тема", max: 300, required: true, &errors)
        s.tasks = SeminarEffect.tasks(form.tasks ?? "").joined(separator: ", ")
        s.errorTypes = FormText.read(form.errorTypes, "Типичные ошибки", max: 3000, required: false, &errors)
        s.materials = FormText.read(form.materials, "Материалы", max: 3000, required: false, &errors)
        s.participants = FormText.read(form.participants, "Участники", max: 5000, required: false, &errors).replacingOccurrences(of: "\r\n", with: "\n")
        func count(_ v: String?, _ field: String) -> Int {
            let t = (v ?? "").trimmingCharacters(in: .whitespaces)
            if t.isEmpty { return 0 }
            guard let n = Int(t), (0...10_000).contains(n) else { errors.append("Поле «\(field)»: «\(t)» — целое число от 0."); return 0 }
            return n
        }
        s.invited = count(form.invited, "Приглашено")
        s.attended = count(form.attended, "Присутствовало")
        if s.attended > s.invited && s.invited > 0 { errors.append("Поле «Присутствовало»: больше, чем приглашено (\(s.invited)).") }
        if s.invited == 0 && s.attended > 0 { s.invited = s.attended }
        s.$procedure.id = nil
        if let id = form.procedure.flatMap(UUID.init(uuidString:)) {
            if let p = try await Procedures.visible(to: user, on: req.db).first(where: { $0.id == id }) {
                s.$procedure.id = p.id
                let numbers = Set(try ProcedureStore.spec(of: p).tasks.map(\.number))
                if let bad = s.taskList.first(where: { !numbers.contains($0) }) {
                    errors.append("Поле «Задания»: задания «\(bad)» нет в спецификации процедуры.")
                }
            } else {
                errors.append("Поле «Процедура»: процедура не найдена.")
            }
        }
        s.associationID = nil
        if let id = form.association.flatMap(UUID.init(uuidString:)) {
            if let a = try await MethodAssociation.query(on: req.db).filter(\.$id == id).filter(\.$municipalityID == s.municipalityID).first() { s.associationID = a.id } else {
                errors.append("Поле «Проводит»: такого объединения нет.")
            }
        }
    }

    static func add(req: Request) async throws -> Response {
        let user = try req.user
        let mid = try user.requireMunicipalityID()
        guard let m = try await Municipality.find(mid, on: req.db) else { throw AppError.notFound }
        let form = try req.content.decode(Form.self)
        let s = Seminar()
        s.regionID = m.$region.id
        s.municipalityID = mid
        s.createdBy = user.login
        var errors: [String] = []
        try await fill(s, form, req: req, errors: &errors)
        guard errors.isEmpty else {
            return req.redirect(to: Site.seminarNew.url.query(["procedure": form.procedure]), error: "Семинар не записан.\n" + errors.joined(separator: "\n"))
        }
        try await req.audited { db in
            try await s.create(on: db)
            return try AuditNote(action: "create", entity: "seminar", id: s.id, summary: "Записан семинар «\(s.topic)» \(s.localDate.russian)",
                                 after: ["topic": s.topic, "date": s.date, "tasks": s.tasks, "attended": "\(s.attended) из \(s.invited)"], municipalityID: mid, regionID: m.$region.id)
        }
        return req.redirect(to: Site.seminar.url(s.id!), ok: "Семинар «\(s.topic)» записан.")
    }

    // MARK: one seminar

    static func page(req: Request) async throws -> Response {
        let user = try req.user
        let s = try await load(req)
        let sid = try s.requireID()
        let feedback = try await SeminarFeedback.query(on: req.db).filter(\.$seminar.$id == sid).sort(\.$createdAt).all()
        let files = try await SeminarFile.query(on: req.db).filter(\.$seminar.$id == sid).field(\.$id).field(\.$fileName).field(\.$size).all()
        let association = try await s.associationID.asyncMap { try await MethodAssociation.find($0, on: req.db) } ?? nil
        let effect = try await SeminarEffectQuery.query(s, user: user, on: req.db)
        let canEdit = editors.contains(user.role)
        let model = SeminarPage(seminar: s, association: association, feedback: feedback, files: files, effect: effect, canEdit: canEdit,
                                form: canEdit ? SeminarForm(values: .init(s), procedures: try await Procedures.visible(to: user, on: req.db).map { ($0.id!.uuidString, ProcedureStore.title($0)) },
                                                            associations: try await MethodAssociation.query(on: req.db).filter(\.$municipalityID == s.municipalityID).filter(\.$school.$id == nil).sort(\.$name).all().map { ($0.id!.uuidString, $0.name) }) : nil)
        return Layout.page(req, title: s.topic, body: model.view(req.pageContext()), crumbs: [Crumb(Site.seminars.url, "Семинары")], paper: .landscape)
    }

    static func update(req: Request) async throws -> Response {
        let s = try await load(req)
        let before = ["topic": s.topic, "date": s.date, "tasks": s.tasks, "attended": "\(s.attended) из \(s.invited)"]
        var errors: [String] = []
        try await fill(s, try req.content.decode(Form.self), req: req, errors: &errors)
        let back = Site.seminar.url(s.id!)
        guard errors.isEmpty else { return req.redirect(to: back, error: "Не сохранено.\n" + errors.joined(separator: "\n")) }
        try await req.audited { db in
            try await s.save(on: db)
            return try AuditNote(action: "update", entity: "seminar", id: s.id, summary: "Изменён семинар «\(s.topic)» \(s.localDate.russian)",
                                 before: before, after: ["topic": s.topic, "date": s.date, "tasks": s.tasks, "attended": "\(s.attended) из \(s.invited)"],
                                 municipalityID: s.municipalityID, regionID: s.regionID)
        }
        return req.redirect(to: back, ok: "Сохранено.")
    }

    struct FeedbackForm: Content { var rating: String?; var comment: String? }

    static func addFeedback(req: Request) async throws -> Response {
        let s = try await load(req)
        let back = Site.seminar.url(s.id!)
        let f = try req.content.decode(FeedbackForm.self)
        var errors: [String] = []
        let rating = Int((f.rating ?? "").trimmingCharacters(in: .whitespaces))
        if rating == nil || !(1...5).contains(rating!) { errors.append("Поле «Оценка»: выберите от 1 до 5.") }
        let comment = FormText.read(f.comment, "Отзыв", max: 2000, required: false, &errors)
        guard errors.isEmpty, let rating else { return req.redirect(to: back, error: "Отзыв не записан.\n" + errors.joined(separator: "\n")) }
        let fb = SeminarFeedback()
        fb.$seminar.id = try s.requireID()
        fb.rating = rating
        fb.comment = comment
        fb.createdBy = try req.user.login
        try await req.audited { db in
            try await fb.create(on: db)
            return try AuditNote(action: "create", entity: "seminar_feedback", id: fb.id, summary: "Семинар «\(s.topic)»: записан отзыв участника (\(rating))",
                                 municipalityID: s.municipalityID, regionID: s.regionID)
        }
        return req.redirect(to: back.fragment("feedback"), ok: "Отзыв записан.")
    }

    struct FileForm: Content { var file: File? }
    static let fileTypes: Set<String> = ["pdf", "docx", "doc", "odt", "pptx", "ppt", "xlsx", "jpg", "jpeg", "png"]

    static func addFile(req: Request) async throws -> Response {
        let s = try await load(req)
        let back = Site.seminar.url(s.id!)
        var errors: [String] = []
        guard let kept = EvidenceRules.upload(try req.content.decode(FileForm.self).file, field: "Поле «Файл»", maxBytes: req.msokoConfig.maxEvidenceBytes, extensions: fileTypes, errors: &errors) else {
            return req.redirect(to: back, error: errors.isEmpty ? "Выберите файл материала." : errors.joined(separator: "\n"))
        }
        let f = SeminarFile()
        f.$seminar.id = try s.requireID()
        f.keep(kept, by: try req.user.login)
        try await req.audited { db in
            try await f.create(on: db)
            return try AuditNote(action: "create", entity: "seminar_file", id: f.id, summary: "Семинар «\(s.topic)»: добавлен материал «\(f.fileName)»",
                                 after: ["file": f.fileName, "sha256": f.sha256], municipalityID: s.municipalityID, regionID: s.regionID)
        }
        return req.redirect(to: back, ok: "Материал «\(f.fileName)» добавлен.")
    }

    static func file(req: Request) async throws -> Response {
        guard let f = try await SeminarFile.find(req.pathID("fileID"), on: req.db),
              try await Seminar.query(on: req.db).filter(\.$id == f.$seminar.id).filter(\.$municipalityID == req.user.requireMunicipalityID()).count() == 1 else { throw AppError.notFound }
        return Download.stored(f, type: f.contentType)
    }

    static func confirmDelete(req: Request) async throws -> Response {
        let s = try await load(req)
        return Layout.page(req, title: "Удаление семинара", body: ConfirmPage.view(req.pageContext(), title: "Удалить семинар «\(s.topic)»?",
            text: "Запись о семинаре \(s.localDate.russian), отзывы участников и материалы будут удалены. Запись об удалении останется в журнале изменений.",
            action: Site.seminarDelete.url(s.id!), cancel: Site.seminar.url(s.id!)))
    }

    static func delete(req: Request) async throws -> Response {
        let s = try await load(req)
        try await req.audited { db in
            try await SeminarFeedback.query(on: db).filter(\.$seminar.$id == s.requireID()).delete()
            try await SeminarFile.query(on: db).filter(\.$seminar.$id == s.requireID()).delete()
            try await s.delete(on: db)
            return try AuditNote(action: "delete", entity: "seminar", id: s.id, summary: "Удалён семинар «\(s.topic)» \(s.localDate.russian)",
                                 before: ["topic": s.topic, "date": s.date], municipalityID: s.municipalityID, regionID: s.regionID)
        }
        return req.redirect(to: Site.seminars.url, ok: "Семинар удалён.")
    }
}

/// A seminar's effect (3.2): the discrepancy on its tasks at the re-check it was planned from (its
/// procedure's), and at the next re-check of the same subject and grade — the first later year's
/// procedure held after the seminar with re-scored works.
struct SeminarEffectQuery {
    var before: Procedure?
    var after: Procedure?
    var changes: [SeminarEffect.TaskChange]

    static func query(_ s: Seminar, user: User, on db: Database) async throws -> SeminarEffectQuery? {
        guard let p = s.procedure, !s.taskList.isEmpty else { return nil }
        func side(_ q: Procedure) async throws -> (spec: ProcedureSpec, pairs: [(school: [UInt8], commission: [UInt8])])? {
            guard let sample = try await RecheckSample.latest(of: q, municipalityID: s.municipalityID, on: db) else { return nil }
            let spec = try ProcedureStore.spec(of: q)
            let pairs = try await sample.pairs(spec: spec, on: db).map { (school: $0.schoolScores, commission: $0.commissionScores) }
            return pairs.isEmpty ? nil : (spec, pairs)
        }
        let before = try await side(p)
        var afterProcedure: Procedure?
        var after: (spec: ProcedureSpec, pairs: [(school: [UInt8], commission: [UInt8])])?
        let key = Gaps.subjectKey(p.subject)
        // Held after the seminar: a procedure's year is its spring's (ВПР from April).
        let later = try await Procedures.visible(to: user, on: db).filter { Gaps.subjectKey($0.subject) == key && $0.grade == p.grade && $0.year > p.year && "\($0.year)-04-01" > s.date }
        for q in later.sorted(by: { $0.year < $1.year }) {
            if let found = try await side(q) {
                (afterProcedure, after) = (q, found)
                break
            }
        }
        return SeminarEffectQuery(before: before == nil ? nil : p, after: afterProcedure, changes: SeminarEffect.compare(tasks: s.taskList, before: before, after: after))
    }
}
