import Fluent
import MsokoCore
import Vapor

/// A class's individual result sheets (measure 2.2, issue 14 §1): one printed page per student,
/// codes only — a name never reaches msoko. `?format=docx` gives the batch as an editable Word
/// document. Scope as the class's gaps page (`GroupScope`): the district, the school's head, the
/// class's own teacher.
enum SheetsController {
    static func register(_ app: Application) {
        app.on(Site.sheets, use: batch)
    }

    static func batch(req: Request) async throws -> Response {
        let (user, p, s, className) = try await GroupScope.classOf(req)
        let login = s.login
        let all = try await GapsQuery.works(p, school: s, className: nil, on: req.db)
        let works = all.works.filter { $0.className == className }
        guard !works.isEmpty else { throw AppError.notFound }
        let next = try await nextSteps(p, school: s, className: className, on: req.db)
        let sheets = works.map { ResultSheets.sheet($0, spec: all.spec, classWorks: works, schoolWorks: all.works, next: next[$0.code] ?? []) }
        let header = try await header(p, school: s, className: className, on: req.db)
        let pid = try p.requireID()
        // The parents' codes are the school's: the head and the class's teacher see and print them.
        var panel: SchoolPanel?
        if user.role == .head || user.role == .teacher {
            let today = try await req.today()
            let codes = try await SheetAccess.codes(procedureID: pid, schoolID: s.requireID(), className: className, on: req.db)
            let current = SheetAccess.current(codes, today: today.iso)
            let informings = try await SheetInforming.query(on: req.db).filter(\.$procedure.$id == pid).filter(\.$school.$id == s.requireID())
                .filter(\.$className == className).sort(\.$date).all()
            panel = SchoolPanel(current: current, opened: SheetAccess.opened(codes), links: current.mapValues { SheetAccess.link(req, code: $0.code) },
                                defaultExpiry: (current.values.map(\.expiresOn).max() ?? today.adding(days: SheetAccessController.defaultDays).iso),
                                today: today.iso, informings: informings, canAttach: user.canReport(forSchool: s), zone: try await req.municipalityZone(),
                                issue: Site.sheetCodesIssue.url(pid, login, className), inform: Site.sheetInformingCreate.url(pid, login, className))
        }
        if req.query[String.self, at: "format"] == "docx" {
            let access = panel.map { p in p.current.mapValues { ResultSheets.Access(code: SheetAccess.grouped($0.code), link: p.links[$0.studentCode] ?? "", expires: LocalDate.russian($0.expiresOn)) } } ?? [:]
            return try Download.docx(ResultSheets.docx(sheets, header: header, access: access), name: "Листы результатов \(className) \(s.shortName) \(ProcedureStore.title(p))")
        }
        let body = SheetsPage(sheets: sheets, header: header, docx: Site.sheets.url(pid, login, className).query(["format": "docx"]), panel: panel).view(req.pageContext())
        var crumbs = Site.procedure.admits(user.role) ? Crumb.procedure(p) : [Crumb(Site.tasks.url, "Мои задачи")]
        crumbs.append(Crumb(Site.gapsClass.url(pid, login, className), "Пробелы: \(className)"))
        return Layout.page(req, title: "Листы результатов \(className)", body: body, crumbs: crumbs)
    }

    /// What every sheet of a class shares: the school, the procedure, the class's date of writing.
    static func header(_ p: Procedure, school s: School, className: String, on db: Database) async throws -> ResultSheets.Header {
        let dates = try await ProcedureParticipant.query(on: db).filter(\.$procedure.$id == p.requireID()).filter(\.$school.$id == s.requireID()).all()
            .filter { $0.className.isEmpty || WorkRecord.normalizeClass($0.className) == className }.compactMap(\.date).sorted()
        return ResultSheets.Header(school: s.fullName, procedure: ProcedureStore.title(p), date: dates.first.map(LocalDate.russian) ?? "")
    }

    /// Per student code, what the school's plans for this class and procedure say it will do: the
    /// items that name the student and their individual route.
    static func nextSteps(_ p: Procedure, school s: School, className: String, on db: Database) async throws -> [String: [String]] {
        guard let plan = try await GapPlan.query(on: db).filter(\.$procedure.$id == p.requireID()).filter(\.$school.$id == s.requireID())
            .filter(\.$className == className).first() else { return [:] }
        var out: [String: [String]] = [:]
        for item in try await GapPlanItem.query(on: db).filter(\.$plan.$id == plan.requireID()).sort(\.$position).all() where item.itemStatus != .closed {
            let text = "\(item.form.prefix(1).uppercased() + item.form.dropFirst()): \(item.text)" + (item.ends.map { " (до \(LocalDate.russian($0)))" } ?? "")
            for code in item.studentCodes { out[code, default: []].append(text) }
        }
        for r in try await GapRoute.query(on: db).filter(\.$plan.$id == plan.requireID()).all() where r.itemStatus != .closed {
            out[r.studentCode, default: []].append("Индивидуальный образовательный маршрут: \(r.work)" + (r.ends.map { " (до \(LocalDate.russian($0)))" } ?? ""))
        }
        return out
    }
}

