import Fluent
import MsokoCore
import Vapor

/// Parents' access to result sheets without an account (issue 14 §3-4): the school issues a code
/// per sheet (valid until a date it sets, 60 days by default), revokes or reissues it; a parent
/// opens `/r/CODE` on a phone; every opening is recorded and audited; misses are throttled per
/// client address; «охват» per class; the record that a class and its parents were informed,
/// attached to measure 2.2's report in one click.
///
/// Decisions: the district sees participant codes and figures but not the parents' access codes
/// (it needs no way into a family's page); an opening by a signed-in user (a teacher trying the
/// link) is shown but not counted as the family's.
enum SheetAccessController {
    static func register(_ app: Application) {
        app.on(Site.sheetsCoverage, use: coverage)
        app.on(Site.sheetCodesIssue, use: issue)
        app.on(Site.sheetCode, use: codePage)
        app.on(Site.sheetCodeRevoke, use: revoke)
        app.on(Site.sheetCodeReissue, use: reissue)
        app.on(Site.sheetInformingCreate, use: createInforming)
        app.on(Site.sheetInformingFile, use: informingFile)
        app.on(Site.sheetInformingAttach, use: attachInforming)
        app.on(Site.sheetInformingDeleteConfirm, use: confirmDeleteInforming)
        app.on(Site.sheetInformingDelete, use: deleteInforming)
        app.on(Site.parentEntry, use: parentEntry)
        app.on(Site.parentSheet, use: parentSheet)
    }

    static let defaultDays = 60
    static let maxDays = 366


    // MARK: The school's side

    struct IssueForm: Content { var expires: String? }

    /// Codes for every participant of the class without a valid one; the date applies to all the
    /// class's valid codes (the school moves the deadline for the class at once).
    static func issue(req: Request) async throws -> Response {
        let (user, p, s, className) = try await GroupScope.classOf(req)
        let login = s.login
        let (pid, sid) = (try p.requireID(), try s.requireID())
        let back = Site.sheets.url(pid, login, className)
        let today = try await req.today()
        var errors: [String] = []
        guard let expires = FormDate.parse(try req.content.decode(IssueForm.self).expires, field: "Действуют до", required: true, errors: &errors) else {
            return req.redirect(to: back, error: "Коды не выданы. " + errors.joined(separator: " "))
        }
        guard expires >= today, expires <= today.adding(days: maxDays) else {
            return req.redirect(to: back, error: "Коды не выданы. Поле «Действуют до»: дата от сегодняшней (\(today.russian)) до \(today.adding(days: maxDays).russian).")
        }
        let students = Set(try await GapsQuery.works(p, school: s, className: className, on: req.db).works.map(\.code))
        guard !students.isEmpty else { throw AppError.notFound }
        let existing = try await SheetAccess.codes(procedureID: pid, schoolID: sid, className: className, on: req.db)
        let current = SheetAccess.current(existing, today: today.iso)
        let missing = students.subtracting(current.keys).sorted()
        let by = user.login
        try await req.audited { db in
            for c in current.values where c.expiresOn != expires.iso {
                c.expiresOn = expires.iso
                try await c.save(on: db)
            }
            for code in missing {
                try await make(procedure: p, school: s, className: className, student: code, expires: expires.iso, by: by).create(on: db)
            }
            return try AuditNote(action: "create", entity: "sheet_code", id: nil,
                                 summary: "Коды доступа родителей: \(className) (\(s.login)), \(ProcedureStore.title(p)) — выдано \(missing.count), действуют до \(expires.russian)",
                                 after: ["class": className, "works": String(students.count), "date": expires.iso],
                                 municipalityID: s.$municipality.id, regionID: s.regionID, schoolID: sid)
        }
        let text = missing.isEmpty ? "Новых кодов не понадобилось: у каждого участника есть действующий код. Срок — до \(expires.russian)."
            : "Выдано кодов: \(missing.count). Коды класса действуют до \(expires.russian); они напечатаны на листах."
        return req.redirect(to: back.fragment("codes"), ok: text)
    }

    static func make(procedure p: Procedure, school s: School, className: String, student: String, expires: String, by login: String) throws -> SheetCode {
        let c = SheetCode()
        c.code = AccessCode.make()
        c.$procedure.id = try p.requireID()
        c.$school.id = try s.requireID()
        c.className = className
        c.studentCode = student
        c.expiresOn = expires
        c.createdBy = login
        c.openings = 0
        c.regionID = s.regionID
        c.municipalityID = s.$municipality.id
        return c
    }

    /// A code with its procedure and school, after the class's scope is checked (the head of the
    /// school, the class's teacher).
    static func loadCode(_ req: Request) async throws -> (SheetCode, Procedure, School) {
        try await GroupScope.record(SheetCode.self, req, "codeID")
    }

    /// One participant's codes: the current one, its openings, the earlier ones; revoke or reissue.
    static func codePage(req: Request) async throws -> Response {
        let (c, p, s) = try await loadCode(req)
        let today = try await req.today()
        let all = try await SheetAccess.codes(procedureID: p.requireID(), schoolID: s.requireID(), className: c.className, on: req.db)
            .filter { $0.studentCode == c.studentCode }
        let zone = try await req.municipalityZone()
        let body = SheetCodePage(code: c, all: all, today: today.iso, zone: zone, procedure: ProcedureStore.title(p),
                                 link: SheetAccess.link(req, code: c.code), back: Site.sheets.url(try p.requireID(), s.login, c.className)).view(req.pageContext())
        var crumbs = Site.procedure.admits(try req.user.role) ? Crumb.procedure(p) : [Crumb(Site.tasks.url, "Мои задачи")]
        crumbs.append(Crumb(Site.sheets.url(try p.requireID(), s.login, c.className), "Листы результатов \(c.className)"))
        return Layout.page(req, title: "Код доступа: участник \(c.studentCode)", body: body, crumbs: crumbs)
    }

    static func revoke(req: Request) async throws -> Response {
        let (c, p, s) = try await loadCode(req)
        let back = Site.sheets.url(try p.requireID(), s.login, c.className).fragment("sheet-\(c.studentCode)")
        guard c.revokedAt == nil else { return req.redirect(to: back, error: "Код участника \(c.studentCode) уже отозван.") }
        c.revokedAt = req.now
        try await req.audited { db in
            try await c.save(on: db)
            return try AuditNote(action: "revoke", entity: "sheet_code", id: c.id, summary: "Код доступа родителей участника \(c.studentCode) (\(c.className), \(s.login)) отозван",
                                 municipalityID: c.municipalityID, regionID: c.regionID, schoolID: s.id)
        }
        return req.redirect(to: back, ok: "Код участника \(c.studentCode) отозван: ссылка с листа больше не открывается. Новый код выдаётся кнопкой «Выдать коды» или «Выдать новый код».")
    }

    /// A new code for the participant (the lost sheet's code stops working), valid as long as the
    /// old one was, or the default term when that has passed.
    static func reissue(req: Request) async throws -> Response {
        let (c, p, s) = try await loadCode(req)
        let today = try await req.today()
        let expires = c.expiresOn >= today.iso ? c.expiresOn : today.adding(days: defaultDays).iso
        let fresh = try make(procedure: p, school: s, className: c.className, student: c.studentCode, expires: expires, by: try req.user.login)
        let others = try await SheetAccess.codes(procedureID: p.requireID(), schoolID: s.requireID(), className: c.className, on: req.db)
            .filter { $0.studentCode == c.studentCode && $0.revokedAt == nil }
        let now = req.now
        try await req.audited { db in
            for o in others {
                o.revokedAt = now
                try await o.save(on: db)
            }
            try await fresh.create(on: db)
            return try AuditNote(action: "reissue", entity: "sheet_code", id: fresh.id, summary: "Новый код доступа родителей участника \(c.studentCode) (\(c.className), \(s.login)); прежний отозван",
                                 after: ["date": expires], municipalityID: c.municipalityID, regionID: c.regionID, schoolID: s.id)
        }
        return req.redirect(to: Site.sheetCode.url(try fresh.requireID()), ok: "Выдан новый код участника \(c.studentCode); прежний больше не действует. Напечатайте лист заново.")
    }

    // MARK: «Охват»

    /// Per class of the procedure: participants, codes that open a sheet, families reached, records
    /// of informing. A head sees their school; the district every school — listed by name, never
    /// ranked (these are figures of the work of informing, not of results).
    static func coverage(req: Request) async throws -> Response {
        let user = try req.user
        let p = try await Procedures.find(req)
        var schoolID: UUID?
        if user.role == .head {
            guard let own = try await Schools.own(of: user, on: req.db) else { throw AppError.forbidden }
            schoolID = try own.requireID()
        }
        let rows = try await SheetAccess.coverage(p, municipalityID: try user.requireMunicipalityID(), schoolID: schoolID, today: try await req.today().iso, on: req.db)
        let body = CoveragePage(procedure: p, rows: rows, district: user.role != .head).view(req.pageContext())
        return Layout.page(req, title: "Информирование о результатах", body: body, crumbs: Site.procedure.admits(user.role) ? Crumb.procedure(p) : [])
    }

    // MARK: The record that a class was informed (2.2)

    struct InformingForm: Content {
        var date: String?
        var kind: String?
        var note: String?
        var file: File?
    }

    static func createInforming(req: Request) async throws -> Response {
        let (user, p, s, className) = try await GroupScope.classOf(req)
        let login = s.login
        let back = Site.sheets.url(try p.requireID(), login, className).fragment("informed")
        let f = try req.content.decode(InformingForm.self)
        var errors: [String] = []
        let today = try await req.today()
        let date = GapPlansController.date(f.date, "Дата", "Информирование", &errors)
        if date == nil && errors.isEmpty { errors.append("Информирование, поле «Дата»: укажите дату собрания или классного часа.") }
        if let d = date, d > today { errors.append("Информирование, поле «Дата»: \(d.russian) ещё не наступило.") }
        let kind = f.kind ?? ""
        if !SheetInforming.kinds.contains(where: { $0.0 == kind }) { errors.append("Информирование, поле «Как»: выберите из списка.") }
        let note = (f.note ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if note.count > 1000 { errors.append("Информирование, поле «Примечание»: не больше 1000 символов.") }
        let upload = EvidenceRules.upload(f.file, field: "Информирование, поле «Файл»", maxBytes: req.msokoConfig.maxEvidenceBytes, errors: &errors)
        guard errors.isEmpty, let date else { return req.redirect(to: back, error: "Запись не сохранена.\n" + errors.joined(separator: "\n")) }
        let r = SheetInforming()
        r.$procedure.id = try p.requireID()
        r.$school.id = try s.requireID()
        r.className = className
        r.date = date.iso
        r.kind = kind
        r.note = note
        if let upload {
            r.fileName = upload.name
            r.contentType = upload.type
            r.size = upload.data.count
            r.sha256 = Checksum.sha256(upload.data)
            r.data = upload.data
        }
        r.createdBy = user.login
        r.regionID = s.regionID
        r.municipalityID = s.$municipality.id
        try await req.audited { db in
            try await r.create(on: db)
            return try AuditNote(action: "create", entity: "sheet_informing", id: r.id, summary: "Информирование о результатах: \(className) (\(s.login)), \(date.russian) — \(r.kindTitle)",
                                 after: ["date": r.date, "kind": r.kindTitle, "file": r.fileName ?? "", "sha256": r.sha256 ?? ""],
                                 municipalityID: r.municipalityID, regionID: r.regionID, schoolID: s.id)
        }
        return req.redirect(to: back, ok: "Записано: \(date.russian), \(r.kindTitle)." + (user.role == .head ? " Приложите запись к отчёту по мероприятию 2.2 кнопкой в списке." : ""))
    }

    /// A record with its procedure and school; scope as the class's sheets.
    static func loadInforming(_ req: Request) async throws -> (SheetInforming, Procedure, School) {
        try await GroupScope.record(SheetInforming.self, req, "informingID")
    }

    static func informingFile(req: Request) async throws -> Response {
        let (r, _, _) = try await loadInforming(req)
        guard let data = r.data, let name = r.fileName else { throw AppError.notFound }
        return Download.file(data, type: r.contentType ?? "application/octet-stream", name: name, sha256: r.sha256)
    }

    /// One click: a справка on the class's informing (date, how, participants, codes issued,
    /// families reached) and the record's file go to the school's report of measure 2.2.
    static func attachInforming(req: Request) async throws -> Response {
        let (r, p, s) = try await loadInforming(req)
        let user = try req.user
        guard user.canReport(forSchool: s) else { throw AppError.forbidden }
        let back = Site.sheets.url(try p.requireID(), s.login, r.className).fragment("informed")
        let (measure, checkpoint): (Measure, Checkpoint)
        switch try await CheckpointReport.schoolCheckpoint(req, number: "2.2", title: "Представление результатов обучающимся и родителям", schoolYear: p.schoolYear) {
        case .failure(let problem): return req.redirect(to: back, error: problem.description)
        case .success(let found): (measure, checkpoint) = found
        }
        let today = try await req.today()
        let row = try await SheetAccess.coverage(p, municipalityID: s.$municipality.id, schoolID: s.requireID(), today: today.iso, on: req.db)
            .first { $0.className == r.className }
        let name = "Информирование \(r.className) \(s.shortName) \(LocalDate.russian(r.date)).docx"
        var files: [(name: String, type: String, data: Data)] = [(name, Download.docxType, try InformingDocument.make(r, procedure: p, school: s, coverage: row, today: today.russian).data())]
        if let data = r.data, let fileName = r.fileName { files.append((fileName, r.contentType ?? "application/octet-stream", data)) }
        let now = req.now
        try await CheckpointReport.attach(req, checkpoint: checkpoint, of: measure, schoolID: s.id, files: files,
                                          summary: "Информирование \(r.className) (\(LocalDate.russian(r.date))) приложено к мероприятию 2.2 (\(checkpoint.label))") { db in
            r.attachedAt = now
            try await r.save(on: db)
        }
        return req.redirect(to: back, ok: "Приложено к отчёту по мероприятию 2.2, контрольная точка «\(checkpoint.label)»: справка\(files.count > 1 ? " и файл «\(files[1].name)»" : "").")
    }

    static func confirmDeleteInforming(req: Request) async throws -> Response {
        let (r, p, s) = try await loadInforming(req)
        return Layout.page(req, title: "Удаление записи", body: ConfirmPage.view(req.pageContext(), title: "Удалить запись об информировании?",
            text: "Запись «\(LocalDate.russian(r.date)) — \(r.kindTitle)» класса \(r.className)\(r.fileName.map { " с файлом «\($0)»" } ?? "") будет удалена. Приложенное к отчёту по 2.2 останется в отчёте; запись об удалении — в журнале изменений.",
            action: Site.sheetInformingDelete.url(try r.requireID()), cancel: Site.sheets.url(try p.requireID(), s.login, r.className)))
    }

    static func deleteInforming(req: Request) async throws -> Response {
        let (r, p, s) = try await loadInforming(req)
        try await req.audited { db in
            try await r.delete(on: db)
            return try AuditNote(action: "delete", entity: "sheet_informing", id: r.id, summary: "Запись об информировании \(r.className) (\(s.login)) от \(LocalDate.russian(r.date)) удалена",
                                 before: ["date": r.date, "kind": r.kindTitle, "file": r.fileName ?? ""], municipalityID: r.municipalityID, regionID: r.regionID, schoolID: s.id)
        }
        return req.redirect(to: Site.sheets.url(try p.requireID(), s.login, r.className).fragment("informed"), ok: "Запись удалена.")
    }

    // MARK: The parent's side: no account, a code

    /// The form to type a code from a sheet (the printed link is `/r/CODE`; this is for a code typed by hand).
    static func parentEntry(req: Request) async throws -> Response {
        if let typed = req.query[String.self, at: "code"], !typed.trimmingCharacters(in: .whitespaces).isEmpty {
            let cleaned = String(typed.uppercased().filter { $0.isLetter || $0.isNumber }.prefix(40))
            return req.redirect(to: Site.parentSheet.url(cleaned.isEmpty ? "-" : cleaned))
        }
        return ParentPages.response(req, title: "Результаты по коду", body: ParentPages.entry(), status: .ok)
    }

    /// `/r/CODE`: the sheet the code opens, or — for a malformed, unknown, expired or revoked code,
    /// or a sheet whose results are gone — one and the same 404, counted against the address.
    static func parentSheet(req: Request) async throws -> Response {
        let address = req.clientAddress
        let now = req.now
        if let wait = try await SheetCodeThrottle.blocked(address, on: req.db, now: now) { return ParentPages.tooMany(req, seconds: wait) }
        guard let opened = try await open(req, now: now) else {
            if let wait = try await SheetCodeThrottle.missed(address, on: req.db, now: now) { return ParentPages.tooMany(req, seconds: wait) }
            return ParentPages.notFound(req)
        }
        let (c, sheet, header) = opened
        let counted = req.currentUser == nil
        if counted {
            try await req.db.writeTransaction { db in
                c.openings += 1
                c.firstOpenedAt = c.firstOpenedAt ?? now
                c.lastOpenedAt = now
                try await c.save(on: db)
                try await Audit.write(try AuditNote(action: "open", entity: "sheet_code", id: c.id,
                                                    summary: "Лист результатов участника \(c.studentCode) (\(c.className)) открыт по коду родителя (\(c.openings)-й раз)",
                                                    municipalityID: c.municipalityID, regionID: c.regionID, schoolID: c.$school.id),
                                      actor: nil, on: db)
            }
        }
        return ParentPages.response(req, title: "Результаты участника \(c.studentCode)",
                                    body: ParentPages.sheet(sheet, header: header, expires: c.expiresOn, counted: counted), status: .ok)
    }

    /// The code's sheet, when the code is well formed, known, not revoked, not expired and its
    /// participant's work is still among the results.
    static func open(_ req: Request, now: Date) async throws -> (SheetCode, ResultSheet, ResultSheets.Header)? {
        guard let typed = req.parameters.get("code"), let code = AccessCode.normalize(typed),
              let c = try await SheetCode.query(on: req.db).filter(\.$code == code).first(),
              let m = try await Municipality.find(c.municipalityID, on: req.db),
              c.isValid(today: LocalDate(now, in: m.zone).iso),
              let p = try await Procedure.find(c.$procedure.id, on: req.db),
              let s = try await School.find(c.$school.id, on: req.db) else { return nil }
        let all = try await GapsQuery.works(p, school: s, className: nil, on: req.db)
        let classWorks = all.works.filter { $0.className == c.className }
        guard let work = classWorks.first(where: { $0.code == c.studentCode }) else { return nil }
        let next = try await SheetsController.nextSteps(p, school: s, className: c.className, on: req.db)
        let sheet = ResultSheets.sheet(work, spec: all.spec, classWorks: classWorks, schoolWorks: all.works, next: next[work.code] ?? [])
        return (c, sheet, try await SheetsController.header(p, school: s, className: c.className, on: req.db))
    }
}
