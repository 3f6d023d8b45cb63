import Fluent
import MsokoCore
import Vapor

/// Typical grading errors (measure 3.2): the seminar handout from the commission's re-check, and the
/// record of seminars held.
enum SeminarsController {
    static func register(_ app: Application) {
        app.on(Site.seminars, use: list)
        app.on(Site.seminarAdd, use: add)
        app.on(Site.gradingErrors, use: handout)
    }

    static func handout(req: Request) async throws -> Response {
        let user = try req.user
        let p = try await ProcedureController.find(req)
        let mid = try user.requireMunicipalityID()
        guard let sample = try await RecheckController.sample(p, municipalityID: mid, on: req.db) else { throw AppError.notFound }
        let items = try await RecheckItem.query(on: req.db).filter(\.$sample.$id == sample.requireID()).with(\.$work).all()
        let scored = try await RecheckScoring.query(on: req.db).filter(\.$item.$id ~~ items.compactMap(\.id)).all().filter { $0.submittedAt != nil }
        let spec = try ProcedureStore.spec(of: p)
        let chosen = Set(RecheckController.selected(sample, spec))
        let rescored: [(code: String, school: [UInt8], commission: [UInt8])] = items.compactMap { item in
            let done = scored.filter { $0.$item.id == item.id }.compactMap { $0.scores.map { [UInt8]($0) } }
            guard let first = done.first else { return nil }
            let school = [UInt8](item.work.scores)
            return (item.blindCode, school, first.indices.map { chosen.contains($0) ? first[$0] : school[$0] })
        }.sorted { $0.code < $1.code }
        let l = AnalysisController.Loaded(user: user, procedure: p, analysis: try await AnalysisQuery.analysis(procedure: p, municipalityID: mid, on: req.db))
        let doc = GradingErrors.handout(procedure: ProcedureStore.title(p).replacingOccurrences(of: " · ", with: " "),
                                        errors: GradingErrors.tasks(rescored, spec: spec), works: rescored.count, context: try await AnalysisController.context(req, l))
        return try AnalysisController.docx(doc, name: "Типичные ошибки оценивания \(ProcedureStore.title(p))")
    }

    static func list(req: Request) async throws -> Response {
        let model = try await SeminarList.query(user: req.user, procedures: ProcedureController.visible(req), on: req.db)
        return Layout.page(req, title: "Семинары", body: model.view(req.pageContext()))
    }

    struct Form: Content {
        var date: String
        var topic: String
        var procedure: String?
        var participants: String?
        var invited: Int
        var attended: Int
    }

    static func add(req: Request) async throws -> Response {
        let user = try req.user
        let mid = try user.requireMunicipalityID()
        let form = try req.content.decode(Form.self)
        var errors: [String] = []
        // «ДД.ММ.ГГГГ» as people type it, or ISO.
        let typed = form.date.trimmingCharacters(in: .whitespaces)
        let parts = typed.split(separator: ".")
        let date = parts.count == 3 ? LocalDate(iso: "\(parts[2])-\(parts[1].count == 1 ? "0" : "")\(parts[1])-\(parts[0].count == 1 ? "0" : "")\(parts[0])") : LocalDate(iso: typed)
        if date == nil { errors.append("Поле «Дата»: «\(form.date)» — ожидается ДД.ММ.ГГГГ.") }
        let topic = form.topic.trimmingCharacters(in: .whitespaces)
        if topic.isEmpty { errors.append("Поле «Тема»: укажите тему.") }
        if form.invited < 0 || form.attended < 0 || form.attended > form.invited { errors.append("«Присутствовало» — от 0 до числа приглашённых.") }
        var procedure: Procedure?
        if let id = form.procedure.flatMap(UUID.init(uuidString:)) {
            procedure = try await ProcedureController.visible(req).first { $0.id == id }
            if procedure == nil { errors.append("Поле «Процедура»: процедура не найдена.") }
        }
        guard errors.isEmpty, let date else {
            Flash.set(req, "error", "Семинар не записан.\n" + errors.joined(separator: "\n"))
            return req.redirect(to: Site.seminars.url)
        }
        guard let m = try await Municipality.find(mid, on: req.db) else { throw AppError.notFound }
        let s = Seminar()
        s.$procedure.id = procedure?.id
        s.date = date.iso
        s.topic = topic
        s.participants = (form.participants ?? "").trimmingCharacters(in: .whitespacesAndNewlines).replacingOccurrences(of: "\r\n", with: "\n")
        s.invited = form.invited
        s.attended = form.attended
        s.createdBy = user.login
        s.regionID = m.$region.id
        s.municipalityID = mid
        try await req.db.transaction { db in
            try await s.create(on: db)
            try await Audit.record(on: db, actor: user.login, action: "create", entity: "seminar", id: s.id?.uuidString, summary: "Записан семинар «\(topic)» \(date.russian)",
                                   after: ["topic": topic, "date": date.iso, "attended": "\(form.attended) из \(form.invited)"], municipalityID: mid, regionID: m.$region.id)
        }
        Flash.set(req, "ok", "Семинар «\(topic)» записан.")
        return req.redirect(to: Site.seminars.url)
    }
}
