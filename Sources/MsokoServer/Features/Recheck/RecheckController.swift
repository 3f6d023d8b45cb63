import Fluent
import SQLKit
import MsokoCore
import Vapor

/// The municipal re-check commission (measure 3.3): a specialist draws a sample (risk-based plus a
/// random control share) and prints the list with blind codes to pull the paper originals; each
/// commission member sees only the works assigned to them, by blind code, without the school or its
/// scores, and enters task scores; the discrepancy analysis compares school and commission. The
/// handout of typical grading errors (measure 3.2) is made from the same re-scoring.
enum RecheckController {
    static func register(_ app: Application) {
        app.on(Site.recheck, use: page)
        app.on(Site.recheckCreate, use: create)
        app.on(Site.recheckReport, use: report)
        app.on(Site.recheckOrder, use: order)
        app.on(Site.gradingErrors, use: gradingErrors)
        app.on(Site.commission, use: mine)
        app.on(Site.scoring, use: form)
        app.on(Site.scoringSave, use: save)
    }

    static func page(req: Request) async throws -> Response {
        let p = try await Procedures.find(req)
        let model = try await RecheckPage.query(procedure: p, user: req.user, on: req.db)
        return Layout.page(req, title: "Перепроверка работ", body: model.view(req.pageContext()), crumbs: Crumb.procedure(p), paper: .landscape)
    }

    /// The procedure, the district's sample (404 without one) and what the documents need.
    static func loadSample(_ req: Request) async throws -> (Procedure, RecheckSample, ProcedureSpec, AnalyticalReport.Context) {
        let user = try req.user
        let p = try await Procedures.find(req)
        guard let sample = try await RecheckSample.latest(of: p, municipalityID: user.requireMunicipalityID(), on: req.db) else { throw AppError.notFound }
        return (p, sample, try ProcedureStore.spec(of: p), try await DocumentContext.make(req, user: user, procedure: p))
    }

    /// «Справка о результатах перепроверки».
    static func report(req: Request) async throws -> Response {
        let (p, sample, spec, ctx) = try await loadSample(req)
        let items = try await RecheckItem.query(on: req.db).filter(\.$sample.$id == sample.requireID()).with(\.$school).all()
        let pairs = try await sample.pairs(spec: spec, on: req.db)
        let doc = RecheckDocuments.report(procedure: p, sample: sample, spec: spec, items: items, pairs: pairs, context: ctx)
        return try Download.docx(doc, name: "Справка о перепроверке \(ProcedureStore.title(p))")
    }

    /// «Типичные ошибки оценивания»: the seminar handout (measure 3.2) from the commission's scores.
    static func gradingErrors(req: Request) async throws -> Response {
        let (p, sample, spec, ctx) = try await loadSample(req)
        let rescored = try await sample.rescoredWorks(spec: spec, on: req.db).map { ($0.code, $0.pair.schoolScores, $0.pair.commissionScores) }
        let doc = GradingErrors.handout(procedure: ProcedureStore.title(p).replacingOccurrences(of: " · ", with: " "),
                                        errors: GradingErrors.tasks(rescored, spec: spec), works: rescored.count, context: ctx)
        return try Download.docx(doc, name: "Типичные ошибки оценивания \(ProcedureStore.title(p))")
    }

    /// «О создании муниципальной комиссии по перепроверке», with the members (users with that role).
    static func order(req: Request) async throws -> Response {
        let p = try await Procedures.find(req)
        let mid = try req.user.requireMunicipalityID()
        guard let m = try await Municipality.find(mid, on: req.db) else { throw AppError.notFound }
        let members = try await commissionMembers(mid, byName: true, on: req.db)
        let doc = RecheckDocuments.order(procedure: p, members: members.map(\.name), letterhead: try await Settings.letterhead(m, on: req.db),
                                         signature: try await Settings.signature(m, on: req.db))
        return try Download.docx(doc, name: "Приказ о комиссии по перепроверке \(ProcedureStore.title(p))")
    }

    /// The district's active commission members (in the order they were added, or by name).
    static func commissionMembers(_ mid: UUID, byName: Bool = false, on db: Database) async throws -> [User] {
        let q = User.query(on: db).filter(\.$municipality.$id == mid).filter(\.$role == .commission).filter(\.$isDisabled == false)
        if byName { q.sort(\.$name) }
        return try await q.all()
    }

    struct CreateForm: Content { var size: Int; var control: Double; var double: String?; var tasks: String? }

    static func create(req: Request) async throws -> Response {
        let user = try req.user
        let p = try await Procedures.find(req)
        let mid = try user.requireMunicipalityID()
        let form = try req.content.decode(CreateForm.self)
        let back = Site.recheck.url(try p.requireID())
        guard (1...1000).contains(form.size), (0...100).contains(form.control) else {
            return req.redirect(to: back, error: "Выборка не сформирована: работ — от 1 до 1000, контрольная доля — от 0 до 100 %.")
        }
        if try await RecheckSample.latest(of: p, municipalityID: mid, on: req.db) != nil { throw AppError.conflict("Выборка для этой процедуры уже сформирована.") }
        let spec = try ProcedureStore.spec(of: p)
        let wanted = (form.tasks ?? "").split(whereSeparator: { $0 == "," || $0 == " " || $0 == ";" }).map { TaskNumber.normalize(String($0)) }
        let unknown = wanted.filter { n in !spec.tasks.contains { $0.number == n } }
        guard unknown.isEmpty else {
            return req.redirect(to: back, error: "Выборка не сформирована: заданий \(unknown.joined(separator: ", ")) в спецификации нет (есть: \(spec.tasks.map(\.number).joined(separator: ", "))).")
        }
        let members = try await commissionMembers(mid, on: req.db)
        let double = form.double == "1"
        guard members.count >= (double ? 2 : 1) else {
            return req.redirect(to: back, error: "Выборка не сформирована: в районе \(members.count) членов комиссии, нужно \(double ? "не меньше двух" : "хотя бы один") (роль «член комиссии» в пользователях).")
        }
        let (_, risks, settings) = try await AnalysisQuery.objectivity(procedure: p, municipalityID: mid, on: req.db)
        let works = try await WorkRow.query(on: req.db).filter(\.$procedure.$id == p.requireID()).filter(\.$municipalityID == mid).with(\.$school).all()
        let riskOf = Dictionary(risks.map { ("\($0.school)|\($0.className ?? "")", $0.risk) }, uniquingKeysWith: max)
        let candidates = works.map { w in
            Recheck.Candidate(id: w.id!, school: w.school.login, className: w.className,
                              risk: max(riskOf["\(w.school.login)|\(w.className)"] ?? 0, riskOf["\(w.school.login)|"] ?? 0))
        }
        let chosen = Recheck.sample(candidates, size: form.size, controlShare: form.control / 100, threshold: settings.riskThreshold,
                                    seed: UInt64(truncatingIfNeeded: req.application.now.timeIntervalSince1970.bitPattern))
        guard let m = try await Municipality.find(mid, on: req.db) else { throw AppError.notFound }
        let schoolOf = Dictionary(uniqueKeysWithValues: works.map { ($0.id!, $0.$school.id) })
        let s = RecheckSample()
        s.$procedure.id = try p.requireID()
        s.size = chosen.count
        s.controlShare = form.control / 100
        s.doubleScoring = double
        s.tasks = wanted.joined(separator: ",")
        s.createdBy = user.login
        s.regionID = m.$region.id
        s.municipalityID = mid
        let memberIDs = try members.map { try $0.requireID() }
        do {
            try await req.audited { db in
                try await s.create(on: db)
                for (n, c) in chosen.enumerated() {
                    let item = RecheckItem()
                    item.$sample.id = try s.requireID()
                    item.$work.id = c.candidate.id
                    item.$school.id = schoolOf[c.candidate.id]!
                    item.blindCode = c.code
                    item.reason = c.reason
                    try await item.create(on: db)
                    // Members in turn; with two re-scorers, the next member as well.
                    for k in 0..<(double ? 2 : 1) {
                        let scoring = RecheckScoring()
                        scoring.$item.id = try item.requireID()
                        scoring.$user.id = memberIDs[(n + k) % memberIDs.count]
                        try await scoring.create(on: db)
                    }
                }
                return try AuditNote(action: "create", entity: "recheck_sample", id: s.id, summary: "Выборка для перепроверки: \(ProcedureStore.title(p)), работ \(chosen.count)",
                                     after: ["size": "\(chosen.count)", "control": "\(form.control)", "double": double ? "да" : "нет"], municipalityID: mid, regionID: m.$region.id)
            }
        } catch let e as DatabaseError where e.isConstraintFailure {
            // A second submit that lost the race against the first (the unique index decides).
            throw AppError.conflict("Выборка для этой процедуры уже сформирована.")
        }
        return req.redirect(to: back, ok: "Выборка сформирована: \(Plural.works(chosen.count)).")
    }

    // MARK: the commission member's view: blind codes only

    static func mine(req: Request) async throws -> Response {
        let model = try await CommissionWorks.query(member: req.user, on: req.db)
        return Layout.page(req, title: "Перепроверка", body: model.view(req.pageContext()))
    }

    /// The member's own scoring of the path; another member's is 404 (it is not theirs to know of).
    static func scoring(_ req: Request) async throws -> (User, RecheckScoring, ProcedureSpec) {
        let user = try req.user
        guard let s = try await RecheckScoring.query(on: req.db).filter(\.$id == req.pathID("scoringID"))
            .with(\.$item, { $0.with(\.$sample) { $0.with(\.$procedure) } }).first(), s.$user.id == user.id else { throw AppError.notFound }
        return (user, s, try ProcedureStore.spec(of: s.item.sample.procedure))
    }

    static func form(req: Request) async throws -> Response {
        let (_, s, spec) = try await scoring(req)
        let values = s.scores.map { [UInt8]($0).map { $0 == WorkRecord.notDone ? "X" : String($0) } } ?? []
        return render(req, ScoringForm(scoring: s, spec: spec, values: values, errors: []))
    }

    static func render(_ req: Request, _ model: ScoringForm, status: HTTPStatus = .ok) -> Response {
        Layout.page(req, title: "Работа \(model.code)", body: model.view(req.pageContext()), crumbs: [Crumb(Site.commission.url, "Перепроверка")], status: status)
    }

    static func save(req: Request) async throws -> Response {
        let (_, s, spec) = try await scoring(req)
        guard s.submittedAt == nil else { throw AppError.conflict("Баллы уже сданы.") }
        let form = try req.content.decode([String: String].self)
        var scores: [UInt8] = []
        var errors: [String] = []
        let tasks = Set(s.item.sample.rescoredTasks(spec))
        let values = spec.tasks.indices.map { (form["t\($0)"] ?? "").trimmingCharacters(in: .whitespaces) }
        for (t, task) in spec.tasks.enumerated() {
            // A task the sample does not re-score: no entry (the school's score stands in the analysis).
            guard tasks.contains(t) else { scores.append(WorkRecord.notDone); continue }
            let text = values[t]
            if text.uppercased() == "X" || text.uppercased() == "Х" { scores.append(WorkRecord.notDone); continue }
            guard let v = Int(text), (0...task.max).contains(v) else {
                errors.append("Задание \(task.number): «\(text)» — ожидается целое число от 0 до \(task.max) или X.")
                continue
            }
            scores.append(UInt8(v))
        }
        guard errors.isEmpty else {
            return render(req, ScoringForm(scoring: s, spec: spec, values: values, errors: errors), status: .unprocessableEntity)
        }
        let entered = scores
        let sample = s.item.sample
        let code = s.item.blindCode
        let sid = try s.requireID()
        let now = req.application.now
        try await req.audited { db in
            // Scores lock with the first submission: the update takes effect only where none was
            // made yet, so of concurrent submissions exactly one is stored (and audited).
            guard let sql = db as? SQLDatabase else { throw AppError.conflict("База данных не поддерживает SQL.") }
            let updated = try await sql.update(RecheckScoring.schema)
                .set("scores", to: SQLBind(Data(entered))).set("submitted_at", to: SQLBind(now))
                .where("id", .equal, SQLBind(sid)).where("submitted_at", .is, SQLLiteral.null)
                .returning("id").all()
            guard !updated.isEmpty else { throw AppError.conflict("Баллы уже сданы.") }
            return try AuditNote(action: "submit", entity: "recheck_scoring", id: sid, summary: "Перепроверка: сданы баллы работы \(code)",
                                 after: ["scores": entered.map(String.init).joined(separator: " ")], municipalityID: sample.municipalityID, regionID: sample.regionID)
        }
        return req.redirect(to: Site.commission.url, ok: "Баллы работы \(code) сданы.")
    }
}
