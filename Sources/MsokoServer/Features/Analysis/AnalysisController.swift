import Fluent
import MsokoCore
import Vapor

/// Analysis pages of a procedure: the district (specialists, methodists, admins), a school (and a
/// head for their own school only, against the district — never other schools by name), a class;
/// every page's tables as XLSX, the справки as DOCX.
enum AnalysisController {
    static func register(_ app: Application) {
        app.on(Site.analysis, use: KeptPages.keep(district))
        app.on(Site.analysisReport, use: districtReport)
        app.on(Site.analysisSchool, use: KeptPages.keep(school))
        app.on(Site.analysisSchoolReport, use: schoolReport)
        app.on(Site.analysisClass, use: KeptPages.keep(schoolClass))
        app.on(Site.analysisOrder, use: order)
        app.on(Site.analysisAttach, use: attach)
    }

    struct Loaded {
        var user: User
        var procedure: Procedure
        var analysis: ResultsAnalysis
        /// The district's works the analysis was made from (codes only).
        var works: WorkTable
    }

    static func load(_ req: Request) async throws -> Loaded {
        let user = try req.user
        let p = try await Procedures.find(req)
        let loaded = try await AnalysisQuery.load(procedure: p, municipalityID: user.requireMunicipalityID(), on: req.db)
        return Loaded(user: user, procedure: p, analysis: loaded.analysis, works: loaded.works)
    }

    /// The school of the path, checked against the user's scope (`GroupScope`): a head only their
    /// own; a teacher only the class of the path, and only one of their own classes.
    static func schoolKey(_ req: Request, _ l: Loaded) async throws -> String {
        guard let login = req.parameters.get("login") else { throw AppError.notFound }
        try await GroupScope.admit(l.user, procedure: l.procedure, school: login, className: req.parameters.get("className"), on: req.db)
        return login
    }

    static func wantsXLSX(_ req: Request) -> Bool { req.query[String.self, at: "format"] == "xlsx" }

    // MARK: pages

    static func district(req: Request) async throws -> Response {
        let user = try req.user
        if user.role == .head {
            guard let s = try await Schools.own(of: user, on: req.db) else { throw AppError.forbidden }
            let p = try await Procedures.find(req)
            return req.redirect(to: Site.analysisSchool.url(try p.requireID(), s.login))
        }
        let l = try await load(req)
        let a = l.analysis
        if wantsXLSX(req) {
            return try Download.xlsx(AnalysisTables.all([a.district], a) + [AnalysisTables.marks(a.schools, a).titled("Отметки по школам"),
                                                                            AnalysisTables.tasksByGroup(a.schools, wider: [a.district], a).titled("Задания по школам")],
                                     name: "Анализ \(ProcedureStore.title(l.procedure))")
        }
        let pid = try l.procedure.requireID()
        var model = AnalysisPage(l, title: "Анализ результатов: район", groups: [a.district], docx: Site.analysisReport.url(pid), xlsx: Site.analysis.url(pid).query(["format": "xlsx"]),
                                 withOrder: true, attach: true)
        model.list = AnalysisPage.List(heading: "Школы", hint: "В порядке логинов ФИС ОКО. Таблица служит управлению качеством и не публикуется как рейтинг.",
                                       table: AnalysisTables.marksCompact(a.schools, a), links: a.schools.map { Site.analysisSchool.url(pid, $0.school ?? "") })
        model.taskList = AnalysisPage.List(heading: "Выполнение заданий по школам", hint: "Как в ФИС ОКО: строка — школа, столбец — задание. В порядке логинов, не рейтинг.",
                                           table: AnalysisTables.tasksByGroup(a.schools, wider: [a.district], a),
                                           links: a.schools.map { Site.analysisSchool.url(pid, $0.school ?? "") })
        model.dynamics = try await dynamics(req, l)
        return Layout.page(req, title: "Анализ результатов", body: model.view(req.pageContext()), crumbs: Crumb.procedure(l.procedure), paper: .landscape)
    }

    static func school(req: Request) async throws -> Response {
        let l = try await load(req)
        let key = try await schoolKey(req, l)
        let a = l.analysis
        // A school's page shows its own figures in full, however few the works (the district's
        // list of schools, which compares them, does not).
        guard let s = a.school(key)?.inFull else { throw AppError.notFound }
        let classes = a.classes(of: key).map(\.inFull)
        if wantsXLSX(req) {
            return try Download.xlsx(AnalysisTables.all([s, a.district], a) + [AnalysisTables.marks(classes, a).titled("Отметки по классам"),
                                                                               AnalysisTables.tasksByGroup(classes, wider: [s, a.district], a).titled("Задания по классам")], name: "Анализ \(s.schoolName ?? key) \(ProcedureStore.title(l.procedure))")
        }
        let pid = try l.procedure.requireID()
        var model = AnalysisPage(l, title: "Анализ результатов: \(s.schoolName ?? key)", groups: [s, a.district], docx: Site.analysisSchoolReport.url(pid, key),
                                 xlsx: Site.analysisSchool.url(pid, key).query(["format": "xlsx"]), attach: l.user.role == .head)
        model.gaps = Site.gapsSchool.url(pid, key)
        model.list = AnalysisPage.List(heading: "Классы", hint: nil, table: AnalysisTables.marksCompact(classes, a),
                                       links: classes.map { Site.analysisClass.url(pid, key, $0.className ?? "") })
        model.taskList = AnalysisPage.List(heading: "Выполнение заданий по классам", hint: nil,
                                           table: AnalysisTables.tasksByGroup(classes, wider: [s, a.district], a),
                                           links: classes.map { Site.analysisClass.url(pid, key, $0.className ?? "") })
        model.dynamics = try await dynamics(req, l, school: key)
        return Layout.page(req, title: "Анализ: \(s.schoolName ?? key)", body: model.view(req.pageContext()), crumbs: crumbs(l), paper: .landscape)
    }

    static func schoolClass(req: Request) async throws -> Response {
        let l = try await load(req)
        let key = try await schoolKey(req, l)
        let a = l.analysis
        guard let name = req.parameters.get("className"), let c = a.group(school: key, className: name)?.inFull, let s = a.school(key)?.inFull else { throw AppError.notFound }
        let works = l.works.filter { $0.schoolLogin == key && $0.className == c.className }
        if wantsXLSX(req) {
            return try Download.xlsx(AnalysisTables.all([c, s, a.district], a) + [AnalysisTables.pupils(works, a.spec)], name: "Анализ \(s.schoolName ?? key) \(name) \(ProcedureStore.title(l.procedure))")
        }
        let pid = try l.procedure.requireID()
        var model = AnalysisPage(l, title: "Анализ результатов: \(s.schoolName ?? key), \(name)", groups: [c, s, a.district], docx: nil,
                                 xlsx: Site.analysisClass.url(pid, key, name).query(["format": "xlsx"]))
        model.gaps = Site.gapsClass.url(pid, key, c.className ?? name)
        model.note = "Результаты класса не используются для оценки работы учителя: они показывают, какие умения требуют внимания."
        model.pupils = AnalysisTables.pupils(works, a.spec)
        let schoolCrumb: [Crumb] = Site.analysisSchool.admits(l.user.role) ? [Crumb(Site.analysisSchool.url(pid, key), s.schoolName ?? key)] : []
        return Layout.page(req, title: "Анализ: \(name)", body: model.view(req.pageContext()), crumbs: crumbs(l) + schoolCrumb, paper: .landscape)
    }

    /// The way back, through the pages the user may open: procedures, the procedure and the
    /// district's analysis; a teacher's is «Мои задачи», where their classes' results are listed.
    static func crumbs(_ l: Loaded) -> [Crumb] {
        guard Site.procedure.admits(l.user.role) else { return [Crumb(Site.tasks.url, "Мои задачи")] }
        return Crumb.procedure(l.procedure) + (l.user.role == .head ? [] : [Crumb(Site.analysis.url(l.procedure.id!), "Анализ: район")])
    }

    /// The same procedure in earlier years, with this year last; nil when there is no earlier one.
    static func dynamics(_ req: Request, _ l: Loaded, school: String? = nil) async throws -> AnalysisTable? {
        let earlier = try await AnalysisQuery.dynamics(procedure: l.procedure, municipalityID: l.user.requireMunicipalityID(), school: school, on: req.db)
        guard !earlier.isEmpty, let now = school.map({ l.analysis.school($0) }) ?? l.analysis.district else { return nil }
        let rows = (earlier + [(l.procedure.year, now)]).map { year, g -> [XLSXWriter.Cell] in
            [.text(String(year)), .number(g.participants), AnalysisTables.percent(g.markShare(2), g), AnalysisTables.percent(g.passRate, g),
             AnalysisTables.percent(g.qualityRate, g), AnalysisTables.mean(g.meanPrimaryScore)]
        }
        return AnalysisTable(title: "Динамика", header: ["Год", "Работ", "«2», %", "Успеваемость, %", "Качество, %", "Средний первичный балл"], rows: rows,
                             notes: ["Та же процедура по тому же предмету и классу в прошлые годы (другие обучающиеся и, возможно, другой вариант работы)."])
    }

    // MARK: documents

    static func districtReport(req: Request) async throws -> Response {
        let l = try await load(req)
        let doc = AnalyticalReport.district(l.analysis, context: try await DocumentContext.make(req, user: l.user, procedure: l.procedure))
        return try Download.docx(doc, name: "Аналитическая справка \(ProcedureStore.title(l.procedure))")
    }

    static func schoolReport(req: Request) async throws -> Response {
        let l = try await load(req)
        let key = try await schoolKey(req, l)
        var ctx = try await DocumentContext.make(req, user: l.user, procedure: l.procedure)
        if l.user.role == .head { ctx.signature = [] }
        guard let doc = AnalyticalReport.school(l.analysis, school: key, context: ctx) else { throw AppError.notFound }
        return try Download.docx(doc, name: "Аналитическая справка \(l.analysis.school(key)?.schoolName ?? key) \(ProcedureStore.title(l.procedure))")
    }

    /// The draft order «Об итогах …» from the district's template.
    static func order(req: Request) async throws -> Response {
        let l = try await load(req)
        let mid = try l.user.requireMunicipalityID()
        guard let m = try await Municipality.find(mid, on: req.db) else { throw AppError.notFound }
        let ctx = try await DocumentContext.make(req, user: l.user, procedure: l.procedure)
        let template = try await Settings.orderTemplate(municipalityID: mid, on: req.db)
        let values = OrderTemplate.values(l.analysis, context: ctx, department: m.departmentName, responsible: "заместителя начальника Управления образования",
                                          schoolYear: l.procedure.schoolYear)
        let doc = OrderTemplate.document(OrderTemplate.fill(template, values: values), title: "Приказ об итогах \(ProcedureStore.title(l.procedure))")
        return try Download.docx(doc, name: "Проект приказа об итогах \(ProcedureStore.title(l.procedure))")
    }

    /// Attaches the справка (the district's for a specialist, their school's for a head) to the
    /// report on measure 2.1 «Анализ результатов оценочных процедур» of the procedure's school year:
    /// the first checkpoint due on or after the procedure's last date, or else the last one.
    static func attach(req: Request) async throws -> Response {
        let l = try await load(req)
        let mid = try l.user.requireMunicipalityID()
        let p = l.procedure
        let back = Site.analysis.url(try p.requireID())
        guard let roadmap = try await Roadmap.query(on: req.db).filter(\.$municipality.$id == mid).filter(\.$schoolYear == p.schoolYear).first(),
              let measure = try await Measure.query(on: req.db).filter(\.$roadmap.$id == roadmap.requireID()).filter(\.$number == "2.1").first() else {
            return req.redirect(to: back, error: "В дорожной карте \(p.schoolYear) нет мероприятия 2.1 «Анализ результатов оценочных процедур» — справку не к чему приложить.")
        }
        let school: School?
        let doc: DocxDocument
        var ctx = try await DocumentContext.make(req, user: l.user, procedure: p)
        if l.user.role == .head {
            guard let s = try await Schools.own(of: l.user, on: req.db), ExecutorParser.schoolsReport(measure.responsible) else { throw AppError.forbidden }
            ctx.signature = []
            guard let d = AnalyticalReport.school(l.analysis, school: s.login, context: ctx) else { return req.redirect(to: back, error: "Результатов школы в этой процедуре нет.") }
            (school, doc) = (s, d)
        } else {
            guard l.user.canReportDistrict(for: measure) else { throw AppError.forbidden }
            (school, doc) = (nil, AnalyticalReport.district(l.analysis, context: ctx))
        }
        let checkpoints = try await Checkpoint.query(on: req.db).filter(\.$measure.$id == measure.requireID()).sort(\.$due).all()
        let lastDate = try await ProcedureParticipant.query(on: req.db).filter(\.$procedure.$id == p.requireID()).all().compactMap(\.date).max() ?? "\(p.year)-01-01"
        guard let checkpoint = checkpoints.first(where: { $0.due >= lastDate }) ?? checkpoints.last else {
            return req.redirect(to: back, error: "У мероприятия 2.1 нет контрольных точек.")
        }
        let data = try doc.data()
        let name = "Аналитическая справка \(p.type) \(p.year) \(p.subject) \(p.grade) кл\(school.map { " \($0.shortName)" } ?? "").docx"
        try await CheckpointReport.attach(req, checkpoint: checkpoint, of: measure, schoolID: school?.id, name: name, data: data,
                                          summary: "Справка по \(ProcedureStore.title(p)) приложена к мероприятию 2.1 (\(checkpoint.label))")
        return req.redirect(to: Site.checkpointReport.url(try checkpoint.requireID()).query(["party": school?.id?.uuidString ?? "district"]),
                            ok: "Справка «\(name)» приложена к отчёту по мероприятию 2.1, контрольная точка «\(checkpoint.label)». Проверьте статус и текст отчёта.")
    }
}
