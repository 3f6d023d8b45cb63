import Fluent
import MsokoCore
import Vapor

/// The register of decisions (issue 15 §2): every decision with its owner, deadline, the form of
/// report expected and its status (overdue computed in the district's time zone); the owner's report
/// with files; a decision recorded outside a meeting; a decision attached to the roadmap's report.
/// Who manages a decision (its wording, owner, deadline, «снято») is who edits its meeting, or a
/// specialist for one recorded outside a meeting; who reports is its owner (`MeetingViewer.reports`).
enum DecisionsController {
    static func register(_ app: Application) {
        app.on(Site.decisions, use: list)
        app.on(Site.decisionCreate, use: create)
        app.on(Site.decision, use: page)
        app.on(Site.decisionUpdate, use: update)
        app.on(Site.decisionReport, authorize: { req in
            let (d, _) = try await MeetingStore.decision(req)
            guard try await MeetingStore.viewer(req).reports(d) else { throw AppError.forbidden }
        }, use: report)
        app.on(Site.decisionAttach, use: attach)
        app.on(Site.decisionDeleteConfirm, use: confirmDelete)
        app.on(Site.decisionDelete, use: delete)
        app.on(Site.decisionFile, use: file)
    }

    // MARK: owners

    struct OwnerChoice {
        var value: String
        var label: String
    }

    /// Whom a decision may be given to: the department, a school, a user (a school's meeting: that
    /// school and its staff only).
    static func ownerChoices(_ user: User, fixedSchool: UUID?, on db: Database) async throws -> [OwnerChoice] {
        var out: [OwnerChoice] = []
        let schoolBound = user.role.needsSchool || fixedSchool != nil && user.role != .specialist
        if !schoolBound { out.append(OwnerChoice(value: "department", label: "Управление образования")) }
        let schools = try await MeetingsController.schoolChoices(user, on: db).filter { fixedSchool == nil || !schoolBound || $0.id == fixedSchool }
        out += schools.map { OwnerChoice(value: "school:\($0.id!)", label: $0.shortName) }
        for (u, s) in try await MeetingsController.people(user, on: db) where !schoolBound || u.$school.id == (fixedSchool ?? user.$school.id) {
            out.append(OwnerChoice(value: "user:\(u.id!)", label: MeetingStore.person(u, school: s)))
        }
        return out
    }

    /// Fills a decision's wording, owner, deadline and report form from a form, naming each problem.
    static func fill(_ d: Decision, text: String?, owner: String?, deadline: String?, reportForm: String?, user: User, fixedSchool: UUID?,
                     place: String, errors: inout [String], on db: Database) async throws {
        d.text = MeetingsController.text(text, "Решение", max: 2000, required: true, &errors, place: place)
        d.reportForm = MeetingsController.text(reportForm, "Форма отчёта", max: 300, required: false, &errors, place: place)
        d.deadline = FormDate.parse(deadline, field: "Срок", place: place, required: true, errors: &errors)?.iso
        let choices = try await ownerChoices(user, fixedSchool: fixedSchool, on: db)
        guard let o = owner?.trimmingCharacters(in: .whitespaces), !o.isEmpty else {
            errors.append("\(place), поле «Ответственный»: выберите, кому поручено.")
            return
        }
        guard choices.contains(where: { $0.value == o }) else {
            errors.append("\(place), поле «Ответственный»: такого исполнителя нет среди доступных.")
            return
        }
        let parts = o.split(separator: ":", maxSplits: 1).map(String.init)
        switch parts[0] {
        case "department":
            d.ownerKind = "department"
            d.ownerUserID = nil
            d.$school.id = nil
        case "school":
            d.ownerKind = "school"
            d.ownerUserID = nil
            d.$school.id = UUID(uuidString: parts[1])
        default:
            d.ownerKind = "user"
            let uid = UUID(uuidString: parts[1])
            d.ownerUserID = uid
            d.$school.id = try await uid.asyncFlatMap { try await User.find($0, on: db)?.$school.id }
        }
    }

    static func ownerValue(_ d: Decision) -> String {
        switch d.ownerKind {
        case "user": return "user:\(d.ownerUserID?.uuidString ?? "")"
        case "school": return "school:\(d.$school.id?.uuidString ?? "")"
        default: return "department"
        }
    }

    struct DecisionDTO: Encodable {
        var text, owner, reportForm, state, report: String
        var deadline: String?
        init(_ d: Decision) {
            text = d.text; owner = ownerValue(d); reportForm = d.reportForm; state = d.state; report = d.report; deadline = d.deadline
        }
    }

    // MARK: the register

    static func list(req: Request) async throws -> Response {
        let user = try req.user
        let today = try await req.today()
        let rows = try await MeetingStore.register(req)
        let users = try await MeetingStore.users(municipalityID: try user.requireMunicipalityID(), on: req.db)
        let status = req.query[String.self, at: "status"].flatMap(DecisionStatus.init(rawValue:))
        let owners = user.role == .specialist ? try await ownerChoices(user, fixedSchool: nil, on: req.db) : []
        let model = DecisionRegister(rows: rows.map { d, m in
            DecisionRegister.Row(id: d.id!, text: d.text, owner: MeetingStore.ownerName(d, users: users), deadline: d.deadlineDate, status: d.status(today: today),
                                 meeting: m.map { ($0.id!, "\($0.kindTitle) \($0.localDate.russian)") })
        }, status: status, owners: owners, canCreate: Site.decisionCreate.admits(user.role), today: today)
        return Layout.page(req, title: "Реестр решений", body: model.view(req.pageContext()), crumbs: [Crumb(Site.meetings.url, "Совещания и решения")], paper: .landscape)
    }

    struct CreateForm: Content {
        var text: String?
        var owner: String?
        var deadline: String?
        var reportForm: String?
    }

    /// A decision recorded outside a meeting (a specialist's own instruction, an order's item).
    static func create(req: Request) async throws -> Response {
        let user = try req.user
        let f = try req.content.decode(CreateForm.self)
        guard let regionID = user.regionID else { throw AppError.forbidden }
        let d = Decision()
        var errors: [String] = []
        try await fill(d, text: f.text, owner: f.owner, deadline: f.deadline, reportForm: f.reportForm, user: user, fixedSchool: nil, place: "Новое решение", errors: &errors, on: req.db)
        guard errors.isEmpty else { return req.redirect(to: Site.decisions.url.fragment("new"), error: "Решение не записано.\n" + errors.joined(separator: "\n")) }
        d.regionID = regionID
        d.municipalityID = try user.requireMunicipalityID()
        d.state = DecisionState.assigned.rawValue
        d.report = ""
        d.createdBy = user.login
        try await req.audited { db in
            try await d.create(on: db)
            return try AuditNote(action: "create", entity: "decision", id: d.id, summary: "Записано решение вне заседания: «\(d.text)»",
                                 after: DecisionDTO(d), municipalityID: d.municipalityID, regionID: d.regionID, schoolID: d.$school.id)
        }
        return req.redirect(to: Site.decision.url(d.id!), ok: "Решение записано в реестр.")
    }

    // MARK: one decision

    /// Manages the decision: edits the meeting it was taken at, or (outside a meeting) is a specialist.
    static func manages(_ d: Decision, _ meeting: LoadedMeeting?, _ v: MeetingViewer) -> Bool {
        if let meeting { return meeting.canEdit }
        return d.$meeting.id == nil && v.role == .specialist && d.municipalityID == v.municipalityID
    }

    static func page(req: Request) async throws -> Response {
        let user = try req.user
        let v = try await MeetingStore.viewer(req)
        let (d, meeting) = try await MeetingStore.decision(req)
        let today = try await req.today()
        let users = try await MeetingStore.users(municipalityID: v.municipalityID, on: req.db)
        let files = try await DecisionFile.query(on: req.db).filter(\.$decision.$id == d.requireID()).field(\.$id).field(\.$fileName).field(\.$size).field(\.$createdAt).field(\.$uploadedBy).all()
        let resolver = try await RecordLink.Resolver.load([(d.linkKind, d.linkProcedureID, d.linkRecordID)], schools: d.$school.id.map { [$0] } ?? [], on: req.db)
        let manages = manages(d, meeting, v)
        let model = DecisionPage(d: d, owner: MeetingStore.ownerName(d, users: users), status: d.status(today: today),
                                 meeting: meeting.map { ($0.id, "\($0.meeting.kindTitle) \($0.meeting.localDate.russian) «\($0.meeting.title)»") },
                                 link: resolver.shown(kind: d.linkKind, procedure: d.linkProcedureID, record: d.linkRecordID, school: d.$school.id, role: user.role),
                                 files: files.map { ($0.id!, $0.fileName, $0.size) }, reports: v.reports(d), manages: manages,
                                 owners: manages ? try await ownerChoices(user, fixedSchool: meeting?.meeting.$school.id, on: req.db) : [],
                                 canAttach: Site.decisionAttach.admits(user.role) && (manages || v.reports(d)))
        var crumbs = [Crumb(Site.meetings.url, "Совещания и решения"), Crumb(Site.decisions.url, "Реестр решений")]
        if let meeting { crumbs.append(Crumb(Site.meeting.url(meeting.id), "\(meeting.meeting.kindTitle) \(meeting.meeting.localDate.russian)")) }
        return Layout.page(req, title: "Решение", body: model.view(req.pageContext()), crumbs: crumbs)
    }

    struct UpdateForm: Content {
        var text: String?
        var owner: String?
        var deadline: String?
        var reportForm: String?
        var state: String?
        var reason: String?
    }

    static func update(req: Request) async throws -> Response {
        let user = try req.user
        let v = try await MeetingStore.viewer(req)
        let (d, meeting) = try await MeetingStore.decision(req)
        guard manages(d, meeting, v) else { throw AppError.forbidden }
        let f = try req.content.decode(UpdateForm.self)
        let back = Site.decision.url(d.id!)
        guard let state = f.state.flatMap(DecisionState.init(rawValue:)) else { throw AppError.badInput("Поле «Состояние»: недопустимое значение.") }
        let before = DecisionDTO(d)
        var errors: [String] = []
        try await fill(d, text: f.text, owner: f.owner, deadline: f.deadline, reportForm: f.reportForm, user: user,
                       fixedSchool: meeting?.meeting.$school.id, place: "Решение", errors: &errors, on: req.db)
        let reason = MeetingsController.text(f.reason, "Причина", max: 1000, required: state == .cancelled && d.decisionState != .cancelled, &errors, place: "Снятие с контроля")
        guard errors.isEmpty else { return req.redirect(to: back, error: "Решение не сохранено.\n" + errors.joined(separator: "\n")) }
        if state == .cancelled && d.decisionState != .cancelled {
            d.report = (d.report.isEmpty ? "" : d.report + "\n") + "Снято с контроля: \(reason)"
        }
        d.state = state.rawValue
        let today = try await req.today()
        try await req.audited { db in
            try await d.save(on: db)
            return try AuditNote(action: "update", entity: "decision", id: d.id, summary: "Решение «\(d.text)»: \(d.status(today: today).title)",
                                 before: before, after: DecisionDTO(d), municipalityID: d.municipalityID, regionID: d.regionID, schoolID: d.$school.id)
        }
        return req.redirect(to: back, ok: "Решение сохранено: \(d.status(today: today).title).")
    }

    struct ReportForm: Content {
        var report: String?
        var state: String?
        var files: [File]?
    }

    /// The owner's report: what was done, files, and «в работе» or «выполнено».
    static func report(req: Request) async throws -> Response {
        let user = try req.user
        let (d, _) = try await MeetingStore.decision(req)
        let f = try req.content.decode(ReportForm.self)
        let back = Site.decision.url(d.id!)
        guard let state = f.state.flatMap(DecisionState.init(rawValue:)), state == .inProgress || state == .done else {
            throw AppError.badInput("Поле «Состояние»: недопустимое значение.")
        }
        var errors: [String] = []
        if d.decisionState == .cancelled { errors.append("Решение снято с контроля — отчёт не принимается.") }
        let text = MeetingsController.text(f.report, "Отчёт", max: 8000, required: state == .done, &errors)
        var uploads: [(name: String, type: String, data: Data)] = []
        for (i, file) in (f.files ?? []).enumerated() {
            if let u = EvidenceRules.upload(file, field: "Файл \(i + 1)", maxBytes: req.msokoConfig.maxEvidenceBytes, errors: &errors) { uploads.append(u) }
        }
        guard errors.isEmpty else { return req.redirect(to: back, error: "Отчёт не сохранён.\n" + errors.joined(separator: "\n")) }
        let before = DecisionDTO(d)
        let today = try await req.today()
        d.report = text
        d.state = state.rawValue
        d.reportedOn = today.iso
        d.reportedBy = user.login
        let login = user.login
        let kept = uploads
        try await req.audited { db in
            try await d.save(on: db)
            var names: [String] = []
            for u in kept {
                let row = DecisionFile()
                row.$decision.id = d.id!
                row.keep(u.data, name: u.name)
                row.contentType = u.type
                row.uploadedBy = login
                try await row.create(on: db)
                names.append("\(u.name) (sha256 \(row.sha256.prefix(12))…)")
            }
            return try AuditNote(action: "report", entity: "decision", id: d.id, summary: "Отчёт по решению «\(d.text)»: \(state.title)",
                                 before: before, after: ["report": text, "state": state.rawValue, "files": names.joined(separator: "; ")],
                                 municipalityID: d.municipalityID, regionID: d.regionID, schoolID: d.$school.id)
        }
        return req.redirect(to: back, ok: "Отчёт сохранён: \(state.title)\(kept.isEmpty ? "" : ", файлов: \(kept.count)").")
    }

    /// The decision with its report (and files) attached to the roadmap's report on its meeting's
    /// measure (1.5 or 2.4; a decision outside a meeting: 1.5), as a DOCX «Выписка из протокола».
    static func attach(req: Request) async throws -> Response {
        let user = try req.user
        let v = try await MeetingStore.viewer(req)
        let (d, meeting) = try await MeetingStore.decision(req)
        guard manages(d, meeting, v) || v.reports(d) else { throw AppError.forbidden }
        let back = Site.decision.url(d.id!)
        let number = meeting?.meeting.meetingKind.measure ?? "1.5"
        let today = try await req.today()
        let result = try await CheckpointReport.checkpoint(on: meeting?.meeting.localDate ?? today, req, number: number, municipalityID: v.municipalityID, forSchool: user.role == .head)
        let (measure, checkpoint): (Measure, Checkpoint)
        switch result {
        case .failure(let problem): return req.redirect(to: back, error: problem.description)
        case .success(let found): (measure, checkpoint) = found
        }
        let school: School? = user.role == .head ? try await Schools.own(of: user, on: req.db) : nil
        guard user.role == .head || user.canReportDistrict(for: measure) else {
            return req.redirect(to: back, error: "По мероприятию \(number) вы не отчитываетесь — решение прикладывает исполнитель мероприятия.")
        }
        let users = try await MeetingStore.users(municipalityID: v.municipalityID, on: req.db)
        var doc = DocxDocument(title: "Решение и отчёт об исполнении")
        doc.paragraph("Выписка из реестра решений", alignment: .center, bold: true)
        if let m = meeting?.meeting { doc.paragraph("\(m.kindTitle) от \(m.localDate.russian)\(m.number.isEmpty ? "" : ", протокол № \(m.number)"): «\(m.title)»") }
        doc.paragraph("Решение: \(d.text)")
        doc.paragraph("Ответственный: \(MeetingStore.ownerName(d, users: users)). Срок: \(d.deadlineDate?.russian ?? "не указан").\(d.reportForm.isEmpty ? "" : " Форма отчёта: \(d.reportForm).")")
        doc.paragraph("Состояние: \(d.status(today: today).title)\(d.reportedOn.map { ", отчёт от \(LocalDate.russian($0))" } ?? "").")
        if !d.report.isEmpty { doc.paragraph("Отчёт об исполнении: \(d.report)") }
        let files = try await DecisionFile.query(on: req.db).filter(\.$decision.$id == d.requireID()).all()
        var all: [(name: String, type: String, data: Data)] = [("Решение \(LocalDate.russian(d.deadline ?? today.iso)) \(String(d.text.prefix(40))).docx", Download.docxType, try doc.data())]
        all += files.map { ($0.fileName, $0.contentType, $0.data) }
        try await CheckpointReport.attach(req, checkpoint: checkpoint, of: measure, schoolID: school?.id, files: all,
                                          summary: "Решение «\(d.text)» с отчётом приложено к мероприятию \(number) (\(checkpoint.label))")
        return req.redirect(to: Site.checkpointReport.url(checkpoint.id!).query(["party": school?.id?.uuidString ?? "district"]),
                            ok: "Решение с отчётом приложено к мероприятию \(number), контрольная точка «\(checkpoint.label)».")
    }

    static func confirmDelete(req: Request) async throws -> Response {
        let v = try await MeetingStore.viewer(req)
        let (d, meeting) = try await MeetingStore.decision(req)
        guard manages(d, meeting, v) else { throw AppError.forbidden }
        return Layout.page(req, title: "Удаление решения", body: ConfirmPage.view(req.pageContext(), title: "Удалить решение?",
            text: "Решение «\(d.text)» будет удалено из реестра вместе с отчётом исполнителя и его файлами. Если решение просто больше не нужно, снимите его с контроля — оно останется в реестре. Запись об удалении останется в журнале изменений.",
            action: Site.decisionDelete.url(d.id!), cancel: Site.decision.url(d.id!)))
    }

    static func delete(req: Request) async throws -> Response {
        let v = try await MeetingStore.viewer(req)
        let (d, meeting) = try await MeetingStore.decision(req)
        guard manages(d, meeting, v) else { throw AppError.forbidden }
        try await req.audited { db in
            try await DecisionFile.query(on: db).filter(\.$decision.$id == d.requireID()).delete()
            try await d.delete(on: db)
            return try AuditNote(action: "delete", entity: "decision", id: d.id, summary: "Удалено решение «\(d.text)»",
                                 before: DecisionDTO(d), municipalityID: d.municipalityID, regionID: d.regionID, schoolID: d.$school.id)
        }
        return req.redirect(to: meeting.map { Site.meeting.url($0.id) } ?? Site.decisions.url, ok: "Решение «\(d.text)» удалено.")
    }

    /// A file of an owner's report, for those who see the decision.
    static func file(req: Request) async throws -> Response {
        guard let f = try await DecisionFile.find(try req.pathID("fileID"), on: req.db) else { throw AppError.notFound }
        // The decision's own rule: 404 for another district's, 403 outside the reader's scope.
        _ = try await MeetingStore.decision(req, id: f.$decision.id)
        return Download.stored(f, type: f.contentType)
    }
}

extension Optional {
    /// `flatMap` with an async throwing transform.
    func asyncFlatMap<U>(_ transform: (Wrapped) async throws -> U?) async rethrows -> U? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}
