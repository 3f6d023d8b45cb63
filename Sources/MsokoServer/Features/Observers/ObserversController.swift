import Fluent
import SQLKit
import MsokoCore
import Vapor

/// Observers (measures 1.1–1.3): the registry, assignments per procedure with the conflict rules,
/// the observer's own view with the «акт наблюдения» (made for a phone), and every act for
/// specialists.
enum ObserversController {
    static func register(_ app: Application) {
        app.on(Site.observers, use: registry)
        app.on(Site.observerAdd, use: add)
        app.on(Site.observerActs, use: acts)
        app.on(Site.observerCoverage, use: coverage)
        app.on(Site.observerOrder, use: order)
        app.on(Site.observerAct, use: actView)
        app.on(Site.observerActFile, use: actFile)
        app.on(Site.observerAssignments, use: assignments)
        app.on(Site.observerAssign, use: assign)
        app.on(Site.observerSuggest, use: suggest)
        app.on(Site.observerUnassign, use: unassign)
        app.on(Site.myAssignments, use: mine)
        app.on(Site.actForm, use: actForm)
        // Any account may be an observer's (a specialist, a parent): the observer record decides.
        app.on(Site.actSubmit, authorize: { req in _ = try await assignmentOf(req, try await own(req)) }, use: saveAct)
    }

    // MARK: registry

    static func registry(req: Request) async throws -> Response {
        let model = try await ObserverRegistry.query(user: req.user, on: req.db)
        return Layout.page(req, title: "Наблюдатели", body: model.view(req.pageContext()))
    }

    struct AddForm: Content {
        var fullName: String
        var kind: String
        var workSchool: String?
        var workplace: String?
        var children: String?
        var tied: String?
        var login: String?
    }

    static func add(req: Request) async throws -> Response {
        let mid = try req.user.requireMunicipalityID()
        let form = try req.content.decode(AddForm.self)
        let schools = try await ObserverStore.schools(municipalityID: mid, on: req.db)
        let byLogin = Dictionary(uniqueKeysWithValues: schools.values.map { ($0.login, $0) })
        var errors: [String] = []
        let name = form.fullName.trimmingCharacters(in: .whitespaces)
        if name.isEmpty { errors.append("Поле «ФИО»: укажите наблюдателя.") }
        guard let kind = ConflictRules.Kind(rawValue: form.kind) else { throw AppError.badInput("Поле «Кто»: недопустимое значение.") }
        let work = (form.workSchool ?? "").isEmpty ? nil : byLogin[form.workSchool!]
        if !(form.workSchool ?? "").isEmpty && work == nil { errors.append("Поле «Работает в школе»: школы \(form.workSchool!) в районе нет.") }
        var children: [(School, String)] = []
        for (i, line) in (form.children ?? "").split(whereSeparator: \.isNewline).enumerated() {
            let parts = line.split(separator: " ").map(String.init)
            guard parts.count >= 2, let s = byLogin[parts[0].lowercased()] else {
                errors.append("Поле «Дети», строка \(i + 1): «\(line)» — ожидается «логин школы класс» школы района.")
                continue
            }
            children.append((s, WorkRecord.normalizeClass(parts.dropFirst().joined())))
        }
        var tied: [School] = []
        for login in (form.tied ?? "").split(separator: " ").map({ $0.lowercased() }) {
            if let s = byLogin[login] { tied.append(s) } else { errors.append("Поле «Связанные школы»: школы \(login) в районе нет.") }
        }
        var account: User?
        if let login = form.login?.trimmingCharacters(in: .whitespaces), !login.isEmpty {
            account = try await User.query(on: req.db).filter(\.$login == login).filter(\.$municipality.$id == mid).first()
            if account == nil { errors.append("Поле «Учётная запись»: пользователя \(login) в районе нет.") }
        }
        guard errors.isEmpty else {
            return req.redirect(to: Site.observers.url, error: "Наблюдатель не добавлен.\n" + errors.joined(separator: "\n"))
        }
        guard let m = try await Municipality.find(mid, on: req.db) else { throw AppError.notFound }
        let o = Observer()
        o.fullName = name
        o.kind = kind.rawValue
        o.workSchoolID = work?.id
        o.workplace = form.workplace?.trimmingCharacters(in: .whitespaces) ?? ""
        o.userID = account?.id
        o.isActive = true
        o.regionID = m.$region.id
        o.municipalityID = mid
        let ties = children.map { ($0.0, $0.1, "child") } + tied.map { ($0, "", "school") }
        try await req.audited { db in
            try await o.create(on: db)
            for (s, c, kind) in ties {
                let t = ObserverTie()
                t.$observer.id = try o.requireID()
                t.$school.id = try s.requireID()
                t.className = c
                t.kind = kind
                try await t.create(on: db)
            }
            return try AuditNote(action: "create", entity: "observer", id: o.id, summary: "Добавлен наблюдатель \(name)",
                                 after: ["name": name, "kind": kind.rawValue], municipalityID: mid, regionID: m.$region.id)
        }
        return req.redirect(to: Site.observers.url, ok: "Наблюдатель «\(name)» добавлен.")
    }

    // MARK: assignments

    static func assignments(req: Request) async throws -> Response {
        let p = try await Procedures.find(req)
        let model = try await ProcedureObservers.query(procedure: p, user: req.user, on: req.db)
        return Layout.page(req, title: "Наблюдатели", body: model.view(req.pageContext()), crumbs: Crumb.procedure(p))
    }

    struct AssignForm: Content { var participant: UUID; var observer: UUID }

    static func assign(req: Request) async throws -> Response {
        let user = try req.user
        let p = try await Procedures.find(req)
        let form = try req.content.decode(AssignForm.self)
        let mid = try user.requireMunicipalityID()
        let schools = try await ObserverStore.schools(municipalityID: mid, on: req.db)
        guard let pp = try await ProcedureParticipant.find(form.participant, on: req.db), pp.$procedure.id == p.id, let school = schools[pp.$school.id],
              let o = try await Observer.query(on: req.db).filter(\.$id == form.observer).filter(\.$municipalityID == mid).with(\.$ties).first() else { throw AppError.notFound }
        let problems = try await ObserverStore.assign(o, procedure: p, school: school, className: pp.className, date: pp.date ?? "", actor: user.login, schools: schools, on: req.db)
        let back = Site.observerAssignments.url(try p.requireID())
        return problems.isEmpty ? req.redirect(to: back, ok: "\(o.fullName) назначен(а): \(school.shortName), \(pp.className).")
                                : req.redirect(to: back, error: "Назначение не сохранено.\n" + problems.joined(separator: "\n"))
    }

    static func suggest(req: Request) async throws -> Response {
        let user = try req.user
        let p = try await Procedures.find(req)
        let mid = try user.requireMunicipalityID()
        let schools = try await ObserverStore.schools(municipalityID: mid, on: req.db)
        let observers = try await ObserverStore.observers(municipalityID: mid, on: req.db).filter(\.isActive)
        let assigned = try await ObserverAssignment.query(on: req.db).filter(\.$procedure.$id == p.requireID()).all()
        let open = try await ProcedureParticipant.query(on: req.db).filter(\.$procedure.$id == p.requireID()).all()
            .filter { pp in schools[pp.$school.id] != nil && !assigned.contains { $0.$school.id == pp.$school.id && $0.className == pp.className } }
        let slots = open.map { ConflictRules.Slot(school: schools[$0.$school.id]!.login, schoolName: schools[$0.$school.id]!.shortName, className: $0.className, date: $0.date ?? "") }
        let busy = try await ObserverStore.busy(municipalityID: mid, schools: schools, on: req.db)
        let priority = try await prioritySchools(municipalityID: mid, schools: schools, on: req.db)
        let back = Site.observerAssignments.url(try p.requireID())
        let form = try req.content.decode(SuggestForm.self)
        guard form.confirm == "1" else {
            // First the proposal, shown for the specialist to check; nothing is saved yet.
            let plan = ConflictRules.suggest(slots: slots, observers: observers.map { ObserverStore.profile($0, schools: schools) },
                                             busy: observers.map { busy[$0.id!] ?? [] }, priority: priority)
            let rows = plan.map { s, o in
                SuggestionPreview.Row(participant: open[s].id!, observer: observers[o].id!, observerName: observers[o].fullName,
                                      place: "\(schools[open[s].$school.id]!.shortName)\(open[s].className.isEmpty ? "" : ", \(open[s].className)")",
                                      date: LocalDate.russian(open[s].date ?? ""), priority: priority.contains(schools[open[s].$school.id]!.login))
            }
            let model = SuggestionPreview(procedure: p, rows: rows, unfilled: slots.count - plan.count)
            return Layout.page(req, title: "Предложенные назначения", body: model.view(req.pageContext()), crumbs: Crumb.procedure(p))
        }
        // Confirmed: the ticked pairs, each checked again by the rules as it is saved.
        var made: [String] = [], refused: [String] = []
        for pick in form.pick ?? [] {
            let ids = pick.split(separator: ":").compactMap { UUID(uuidString: String($0)) }
            guard ids.count == 2, let pp = open.first(where: { $0.id == ids[0] }), let o = observers.first(where: { $0.id == ids[1] }),
                  let school = schools[pp.$school.id] else { continue }
            let problems = try await ObserverStore.assign(o, procedure: p, school: school, className: pp.className, date: pp.date ?? "",
                                                          actor: user.login, schools: schools, on: req.db)
            if problems.isEmpty { made.append("\(o.fullName) → \(school.shortName) \(pp.className)") } else { refused += problems }
        }
        if made.isEmpty && refused.isEmpty { return req.redirect(to: back, info: "Ничего не назначено: не отмечено ни одного предложения.") }
        let text = (made.isEmpty ? "" : "Назначено: " + made.joined(separator: "; ") + ".") + (refused.isEmpty ? "" : "\nНе назначено:\n" + refused.joined(separator: "\n"))
        return refused.isEmpty ? req.redirect(to: back, ok: text) : req.redirect(to: back, error: text)
    }

    struct SuggestForm: Content {
        var confirm: String?
        /// «participantID:observerID» for each ticked proposal.
        var pick: [String]?
    }

    /// Schools to observe first: those named in measure 1.2 of the roadmap, then those with signs of
    /// non-objectivity in any procedure.
    static func prioritySchools(municipalityID: UUID, schools: [UUID: School], on db: Database) async throws -> [String] {
        var out: [String] = []
        if let m = try await Measure.query(on: db).filter(\.$municipalityID == municipalityID).filter(\.$number == "1.2").first() {
            let text = m.title + " " + m.expectedResult
            for s in schools.values.sorted(by: { $0.login < $1.login }) {
                let core = s.shortName.split(separator: "«").last.map { String($0.prefix { $0 != "»" }) } ?? s.shortName
                if !core.isEmpty && text.contains(core) { out.append(s.login) }
            }
        }
        let settings = try await Settings.objectivity(municipalityID: municipalityID, on: db)
        for p in try await Procedure.query(on: db).filter(\.$municipalityID == municipalityID).all() {
            let (_, risks, _) = try await AnalysisQuery.objectivity(procedure: p, municipalityID: municipalityID, on: db)
            for r in risks where r.hasSigns(settings) && !out.contains(r.school) { out.append(r.school) }
        }
        return out
    }

    static func unassign(req: Request) async throws -> Response {
        let user = try req.user
        let a = try await req.find(ObserverAssignment.self, "assignmentID")
        guard a.municipalityID == user.municipalityID else { throw AppError.notFound }
        let back = Site.observerAssignments.url(a.$procedure.id)
        if try await ObservationAct.query(on: req.db).filter(\.$assignment.$id == a.requireID()).first()?.submittedAt != nil {
            return req.redirect(to: back, error: "Назначение не снято: наблюдатель уже подал акт.")
        }
        try await req.audited { db in
            try await a.delete(on: db)
            return try AuditNote(action: "unassign", entity: "observer", id: a.id, summary: "Снято назначение наблюдателя",
                                 before: ["class": a.className, "date": a.date], municipalityID: a.municipalityID, regionID: a.regionID)
        }
        return req.redirect(to: back, ok: "Назначение снято.")
    }

    // MARK: coverage and the order

    static func coverage(req: Request) async throws -> Response {
        let model = try await ObserverCoverage.query(user: req.user, on: req.db)
        return Layout.page(req, title: "Охват наблюдением", body: model.view, crumbs: [Crumb(Site.observers.url, "Наблюдатели")], paper: .landscape)
    }

    /// «О назначении наблюдателей» for a procedure, with the assignments in an appendix table.
    static func order(req: Request) async throws -> Response {
        let p = try await Procedures.find(req)
        let mid = try req.user.requireMunicipalityID()
        guard let m = try await Municipality.find(mid, on: req.db) else { throw AppError.notFound }
        let assigned = try await ObserverAssignment.query(on: req.db).filter(\.$procedure.$id == p.requireID()).filter(\.$municipalityID == mid)
            .with(\.$school).with(\.$observer).sort(\.$date).all()
        let doc = ObserverOrder.document(procedure: p, assigned: assigned, letterhead: try await Settings.letterhead(m, on: req.db), signature: try await Settings.signature(m, on: req.db))
        return try Download.docx(doc, name: "Приказ о назначении наблюдателей \(ProcedureStore.title(p))")
    }

    // MARK: the observer's own view

    /// The signed-in user's observer record: 403 for a user who is not an observer.
    static func own(_ req: Request) async throws -> Observer {
        guard let o = try await Observer.query(on: req.db).filter(\.$userID == req.user.id).first() else { throw AppError.forbidden }
        return o
    }

    static func mine(req: Request) async throws -> Response {
        let model = try await MyAssignments.query(observer: own(req), on: req.db)
        return Layout.page(req, title: "Мои назначения", body: model.view(req.pageContext()))
    }

    /// The observer's own assignment of the path; another's is 404.
    static func assignmentOf(_ req: Request, _ o: Observer) async throws -> ObserverAssignment {
        guard let a = try await ObserverAssignment.query(on: req.db).filter(\.$id == req.pathID("assignmentID")).with(\.$procedure).with(\.$school).first(),
              a.$observer.id == o.id else { throw AppError.notFound }
        return a
    }

    static func actForm(req: Request) async throws -> Response {
        let a = try await assignmentOf(req, own(req))
        let act = try await ObservationAct.query(on: req.db).filter(\.$assignment.$id == a.requireID()).first()
        return try await renderAct(req, a, act: act, errors: [])
    }

    static func renderAct(_ req: Request, _ a: ObserverAssignment, act: ObservationAct?, errors: [String], status: HTTPStatus = .ok) async throws -> Response {
        let model = try await ActForm.query(assignment: a, act: act, errors: errors, on: req.db)
        return Layout.page(req, title: "Акт наблюдения", body: model.view(req.pageContext()), crumbs: [Crumb(Site.myAssignments.url, "Мои назначения")], status: status)
    }

    struct ActFields: Content {
        var action: String?
        var notes: String?
        var noViolations: String?
        var files: [File]?
    }

    static func saveAct(req: Request) async throws -> Response {
        let user = try req.user
        let a = try await assignmentOf(req, own(req))
        let existing = try await ObservationAct.query(on: req.db).filter(\.$assignment.$id == a.requireID()).first()
        if existing?.submittedAt != nil { throw AppError.conflict("Акт уже подан и не изменяется.") }
        let form = try req.content.decode(ActFields.self)
        // Checkbox by checkbox: the form also carries files, so it is not a flat dictionary of strings.
        let checked = { (name: String) in (try? req.content.get(String.self, at: name)) == "1" }
        let stages = ObservationChecklist.stages.enumerated().filter { checked("stage\($0.offset)") }.map(\.element)
        let violations = ObservationChecklist.violations.enumerated().filter { checked("violation\($0.offset)") }.map(\.element)
        let none = form.noViolations == "1"
        let submit = form.action == "submit"
        var errors: [String] = []
        if submit && stages.isEmpty { errors.append("Отметьте хотя бы один этап, на котором вы присутствовали.") }
        if none && !violations.isEmpty { errors.append("Отмечены и нарушения, и «Нарушений не выявлено» — оставьте одно.") }
        if submit && !none && violations.isEmpty { errors.append("Отметьте нарушения или «Нарушений не выявлено».") }
        var accepted: [(String, String, Data)] = []
        for file in (form.files ?? []) where !file.filename.isEmpty || file.data.readableBytes > 0 {
            switch EvidenceRules.check(fileName: file.filename, data: file.data, maxBytes: req.msokoConfig.maxEvidenceBytes) {
            case .failure(let message): errors.append(message.description)
            case .success(let type): accepted.append((UploadName.clean(file.filename), type, Data(buffer: file.data)))
            }
        }
        let act = existing ?? ObservationAct()
        act.stages = stages.joined(separator: "\n")
        act.violations = violations.joined(separator: "\n")
        act.noViolations = none
        act.notes = (form.notes ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard errors.isEmpty else {
            act.$assignment.id = try a.requireID()
            return try await renderAct(req, a, act: act, errors: errors, status: .unprocessableEntity)
        }
        if submit { act.submittedAt = req.application.now; act.submittedBy = user.login }
        let files = accepted
        let existingID = existing?.id
        do {
            try await req.audited { db in
                act.$assignment.id = try a.requireID()
                // A submitted act is locked: the first statement claims the row only while it is not
                // submitted (a concurrent submission waits for this transaction, then finds it locked);
                // a new act is one per assignment by the unique index.
                if let existingID, let sql = db as? SQLDatabase {
                    let claimed = try await sql.update(ObservationAct.schema).set("submitted_at", to: SQLColumn("submitted_at"))
                        .where("id", .equal, SQLBind(existingID)).where("submitted_at", .is, SQLLiteral.null).returning("id").all()
                    guard !claimed.isEmpty else { throw AppError.conflict("Акт уже подан и не изменяется.") }
                }
                try await act.save(on: db)
                for (name, type, data) in files {
                    let f = ActFile()
                    f.$act.id = try act.requireID()
                    f.keep(data, name: name)
                    f.contentType = type
                    try await f.create(on: db)
                }
                return try AuditNote(action: submit ? "submit" : "update", entity: "observation_act", id: act.id,
                                     summary: (submit ? "Подан акт наблюдения: " : "Черновик акта наблюдения: ") + "\(a.school.shortName) \(a.className), \(LocalDate.russian(a.date))",
                                     after: ["stages": act.stages, "violations": act.violations, "noViolations": none ? "да" : "нет", "notes": act.notes],
                                     municipalityID: a.municipalityID, regionID: a.regionID, schoolID: a.$school.id)
            }
        } catch let e as DatabaseError where e.isConstraintFailure {
            throw AppError.conflict("Акт по этому назначению уже сохранён с другого устройства. Обновите страницу.")
        }
        return submit ? req.redirect(to: Site.myAssignments.url, ok: "Акт подан.") : req.redirect(to: Site.actForm.url(try a.requireID()), ok: "Черновик сохранён.")
    }

    // MARK: acts for specialists

    static func acts(req: Request) async throws -> Response {
        let model = try await ObservationActs.query(user: req.user, on: req.db)
        return Layout.page(req, title: "Акты наблюдения", body: model.view, crumbs: [Crumb(Site.observers.url, "Наблюдатели")], paper: .landscape)
    }

    /// An act of the user's district (404 otherwise) with its assignment.
    static func districtAct(_ req: Request, id: UUID) async throws -> (ObservationAct, ObserverAssignment) {
        guard let act = try await ObservationAct.find(id, on: req.db),
              let a = try await ObserverAssignment.query(on: req.db).filter(\.$id == act.$assignment.id).with(\.$procedure).with(\.$school).with(\.$observer).first(),
              a.municipalityID == (try req.user.municipalityID) else { throw AppError.notFound }
        return (act, a)
    }

    static func actView(req: Request) async throws -> Response {
        let (act, a) = try await districtAct(req, id: req.pathID("actID"))
        let files = try await ActFile.query(on: req.db).filter(\.$act.$id == act.requireID()).field(\.$id).field(\.$fileName).field(\.$size).field(\.$act.$id).all()
        let m = try await Municipality.find(a.school.$municipality.id, on: req.db)
        let model = ObservationActView(act: act, assignment: a, files: files.map { ($0.id!, $0.fileName) },
                                       zone: m?.zone ?? TimeZone(identifier: "Europe/Moscow")!, department: m?.departmentName ?? "")
        return Layout.page(req, title: "Акт наблюдения", body: model.view, crumbs: [Crumb(Site.observers.url, "Наблюдатели"), Crumb(Site.observerActs.url, "Акты наблюдения")])
    }

    static func actFile(req: Request) async throws -> Response {
        let f = try await req.find(ActFile.self, "fileID")
        _ = try await districtAct(req, id: f.$act.id)
        return Download.stored(f, type: f.contentType)
    }
}
