import Crypto
import Fluent
import MsokoCore
import Vapor

/// Analysis pages of a procedure: the district (specialists, methodists, admins), a school (and a
/// head for their own school only, against the district — never other schools by name), a class;
/// every page's tables as XLSX, the справки as DOCX.
enum AnalysisController {
    static func register(_ app: Application) {
        app.on(Site.analysis, use: district)
        app.on(Site.analysisReport, use: districtReport)
        app.on(Site.analysisSchool, use: school)
        app.on(Site.analysisSchoolReport, use: schoolReport)
        app.on(Site.analysisClass, use: schoolClass)
        app.on(Site.analysisOrder, use: order)
        app.on(Site.analysisAttach, use: attach)
    }

    static let districtReaders: Set<Role> = [.specialist, .admin, .methodist]

    struct Loaded {
        var user: User
        var procedure: Procedure
        var analysis: ResultsAnalysis
    }

    static func load(_ req: Request) async throws -> Loaded {
        let user = try req.require(ProcedureController.readers)
        let p = try await ProcedureController.find(req)
        let a = try await AnalysisQuery.analysis(procedure: p, municipalityID: user.requireMunicipalityID(), on: req.db)
        return Loaded(user: user, procedure: p, analysis: a)
    }

    /// The school of the path, checked against the user's scope: a head only their own.
    static func schoolKey(_ req: Request, _ l: Loaded) async throws -> String {
        guard let login = req.parameters.get("login") else { throw AppError.notFound }
        if l.user.role == .head {
            guard let sid = l.user.$school.id, let own = try await School.find(sid, on: req.db), own.login == login else { throw AppError.forbidden }
        } else if !districtReaders.contains(l.user.role) {
            throw AppError.forbidden
        }
        return login
    }

    static func base(_ p: Procedure) -> String { "/procedures/\(p.id!.uuidString)/analysis" }

    // MARK: pages

    static func district(req: Request) async throws -> Response {
        let user = try req.require(ProcedureController.readers)
        if user.role == .head {
            guard let sid = user.$school.id, let s = try await School.find(sid, on: req.db) else { throw AppError.forbidden }
            let p = try await ProcedureController.find(req)
            return req.redirect(to: "\(base(p))/schools/\(s.login)")
        }
        let l = try await load(req)
        let a = l.analysis
        let groups = [a.district]
        if req.query[String.self, at: "format"] == "xlsx" {
            return try xlsx(AnalysisTables.all(groups, a) + [AnalysisTables.marks(a.schools, a)], name: "Анализ \(ProcedureStore.title(l.procedure))")
        }
        var html = header(req, l, title: "Анализ результатов: район", docx: "\(base(l.procedure))/report.docx", attach: true)
        guard a.district.participants > 0 else { return page(req, l, html + empty(l.procedure), title: "Анализ результатов") }
        html += sections(groups, a, base: base(l.procedure))
        // Schools: the department's working table, in login order — not a ranking.
        html += "<h2>Школы</h2><p class=\"muted\">В порядке логинов ФИС ОКО. Таблица служит управлению качеством и не публикуется как рейтинг.</p>"
        html += table(AnalysisTables.marksCompact(a.schools, a), links: a.schools.map { "\(base(l.procedure))/schools/\($0.school ?? "")" })
        html += try await dynamicsSection(req, l)
        return page(req, l, html, title: "Анализ результатов")
    }

    static func school(req: Request) async throws -> Response {
        let l = try await load(req)
        let key = try await schoolKey(req, l)
        let a = l.analysis
        guard let s = a.school(key) else { throw AppError.notFound }
        let groups = [s, a.district]
        if req.query[String.self, at: "format"] == "xlsx" {
            return try xlsx(AnalysisTables.all(groups, a) + [AnalysisTables.marks(a.classes(of: key), a)], name: "Анализ \(key) \(ProcedureStore.title(l.procedure))")
        }
        var html = header(req, l, title: "Анализ результатов: \(s.schoolName ?? key)", docx: "\(base(l.procedure))/schools/\(key)/report.docx",
                          xlsx: "\(base(l.procedure))/schools/\(key)?format=xlsx", attach: l.user.role == .head)
        html += sections(groups, a, base: base(l.procedure))
        let classes = a.classes(of: key)
        html += "<h2>Классы</h2>" + table(AnalysisTables.marksCompact(classes, a),
                                          links: classes.map { "\(base(l.procedure))/schools/\(key)/classes/\(($0.className ?? "").addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? "")" })
        html += try await dynamicsSection(req, l, school: key)
        var crumbs = [("/procedures", "Оценочные процедуры"), ("/procedures/\(l.procedure.id!.uuidString)", ProcedureStore.title(l.procedure))]
        if l.user.role != .head { crumbs.append((base(l.procedure), "Анализ: район")) }
        return Layout.page(req, title: "Анализ: \(s.schoolName ?? key)", body: html, crumbs: crumbs)
    }

    static func schoolClass(req: Request) async throws -> Response {
        let l = try await load(req)
        let key = try await schoolKey(req, l)
        let a = l.analysis
        guard let name = req.parameters.get("className"), let c = a.group(school: key, className: name), let s = a.school(key) else { throw AppError.notFound }
        let groups = [c, s, a.district]
        if req.query[String.self, at: "format"] == "xlsx" {
            return try xlsx(AnalysisTables.all(groups, a), name: "Анализ \(key) \(name) \(ProcedureStore.title(l.procedure))")
        }
        var html = header(req, l, title: "Анализ результатов: \(s.schoolName ?? key), \(name)", docx: nil,
                          xlsx: "\(base(l.procedure))/schools/\(key)/classes/\(name.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? "")?format=xlsx")
        html += "<p class=\"muted\">Результаты класса не используются для оценки работы учителя: они показывают, какие умения требуют внимания.</p>"
        html += sections(groups, a, base: base(l.procedure))
        var crumbs = [("/procedures", "Оценочные процедуры"), ("/procedures/\(l.procedure.id!.uuidString)", ProcedureStore.title(l.procedure))]
        if l.user.role != .head { crumbs.append((base(l.procedure), "Анализ: район")) }
        crumbs.append(("\(base(l.procedure))/schools/\(key)", s.schoolName ?? key))
        return Layout.page(req, title: "Анализ: \(name)", body: html, crumbs: crumbs)
    }

    // MARK: documents

    static func context(_ req: Request, _ l: Loaded) async throws -> AnalyticalReport.Context {
        let mid = try l.user.requireMunicipalityID()
        guard let m = try await Municipality.find(mid, on: req.db) else { throw AppError.notFound }
        let dates = try await ProcedureParticipant.query(on: req.db).filter(\.$procedure.$id == l.procedure.requireID()).all().compactMap(\.date).sorted()
        let shown = dates.map { d in d.split(separator: "-").reversed().joined(separator: ".") }
        let today = DateFormatter()
        today.dateFormat = "dd.MM.yyyy"
        today.timeZone = TimeZone(identifier: m.timeZone)
        return AnalyticalReport.Context(letterhead: try await Settings.letterhead(m, on: req.db).components(separatedBy: "\n"),
                                        signature: try await Settings.signature(m, on: req.db).components(separatedBy: "\n"),
                                        territory: m.name, dates: shown.isEmpty ? "" : (shown.first == shown.last ? shown[0] : "\(shown.first!)–\(shown.last!)"),
                                        form: ProcedureController.formName(l.procedure.form) == "—" ? "" : ProcedureController.formName(l.procedure.form),
                                        today: today.string(from: req.application.now))
    }

    static func districtReport(req: Request) async throws -> Response {
        let l = try await load(req)
        guard districtReaders.contains(l.user.role) else { throw AppError.forbidden }
        let doc = AnalyticalReport.district(l.analysis, context: try await context(req, l))
        return try docx(doc, name: "Аналитическая справка \(ProcedureStore.title(l.procedure))")
    }

    static func schoolReport(req: Request) async throws -> Response {
        let l = try await load(req)
        let key = try await schoolKey(req, l)
        var ctx = try await context(req, l)
        if l.user.role == .head { ctx.signature = [] }
        guard let doc = AnalyticalReport.school(l.analysis, school: key, context: ctx) else { throw AppError.notFound }
        return try docx(doc, name: "Аналитическая справка \(key) \(ProcedureStore.title(l.procedure))")
    }

    /// The draft order «Об итогах …» from the district's template.
    static func order(req: Request) async throws -> Response {
        let l = try await load(req)
        guard l.user.role == .specialist || l.user.role == .admin else { throw AppError.forbidden }
        let mid = try l.user.requireMunicipalityID()
        guard let m = try await Municipality.find(mid, on: req.db) else { throw AppError.notFound }
        let ctx = try await context(req, l)
        let template = try await Settings.orderTemplate(municipalityID: mid, on: req.db)
        let values = OrderTemplate.values(l.analysis, context: ctx, department: m.departmentName, responsible: "заместителя начальника Управления образования",
                                          schoolYear: l.procedure.schoolYear)
        let doc = OrderTemplate.document(OrderTemplate.fill(template, values: values), title: "Приказ об итогах \(ProcedureStore.title(l.procedure))")
        return try docx(doc, name: "Проект приказа об итогах \(ProcedureStore.title(l.procedure))")
    }

    /// Attaches the справка (the district's for a specialist, their school's for a head) to the
    /// report on measure 2.1 «Анализ результатов оценочных процедур» of the procedure's school year:
    /// the first checkpoint due on or after the procedure's last date, or else the last one.
    static func attach(req: Request) async throws -> Response {
        let l = try await load(req)
        let mid = try l.user.requireMunicipalityID()
        let p = l.procedure
        func fail(_ message: String) -> Response {
            Flash.set(req, "error", message)
            return req.redirect(to: base(p))
        }
        guard let roadmap = try await Roadmap.query(on: req.db).filter(\.$municipality.$id == mid).filter(\.$schoolYear == p.schoolYear).first(),
              let measure = try await Measure.query(on: req.db).filter(\.$roadmap.$id == roadmap.requireID()).filter(\.$number == "2.1").first() else {
            return fail("В дорожной карте \(p.schoolYear) нет мероприятия 2.1 «Анализ результатов оценочных процедур» — справку не к чему приложить.")
        }
        let school: School?
        let doc: DocxDocument
        var ctx = try await context(req, l)
        if l.user.role == .head {
            guard let sid = l.user.$school.id, let s = try await School.find(sid, on: req.db), ExecutorParser.schoolsReport(measure.responsible) else { throw AppError.forbidden }
            ctx.signature = []
            guard let d = AnalyticalReport.school(l.analysis, school: s.login, context: ctx) else { return fail("Результатов школы в этой процедуре нет.") }
            (school, doc) = (s, d)
        } else {
            guard l.user.canReportDistrict(for: measure) else { throw AppError.forbidden }
            (school, doc) = (nil, AnalyticalReport.district(l.analysis, context: ctx))
        }
        let checkpoints = try await Checkpoint.query(on: req.db).filter(\.$measure.$id == measure.requireID()).sort(\.$due).all()
        let lastDate = try await ProcedureParticipant.query(on: req.db).filter(\.$procedure.$id == p.requireID()).all().compactMap(\.date).max() ?? "\(p.year)-01-01"
        guard let checkpoint = checkpoints.first(where: { $0.due >= lastDate }) ?? checkpoints.last else {
            return fail("У мероприятия 2.1 нет контрольных точек.")
        }
        let data = try doc.data()
        let name = "Аналитическая справка \(p.type) \(p.year) \(p.subject) \(p.grade) кл\(school.map { " \($0.login)" } ?? "").docx"
        let user = l.user
        try await req.db.transaction { db in
            let q = CheckpointReport.query(on: db).filter(\.$checkpoint.$id == (try checkpoint.requireID()))
            if let sid = school?.id { q.filter(\.$schoolID == sid) } else { q.filter(\.$schoolID == nil) }
            let report = try await q.first() ?? {
                let r = CheckpointReport()
                r.$checkpoint.id = try checkpoint.requireID()
                r.regionID = measure.regionID
                r.municipalityID = measure.municipalityID
                r.schoolID = school?.id
                r.status = CheckpointStatus.inProgress.rawValue
                r.text = ""
                return r
            }()
            report.updatedBy = user.login
            try await report.save(on: db)
            let e = EvidenceFile()
            e.$report.id = try report.requireID()
            e.fileName = name
            e.contentType = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            e.size = data.count
            e.sha256 = SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
            e.data = data
            e.uploadedBy = user.login
            e.regionID = measure.regionID
            e.municipalityID = measure.municipalityID
            e.schoolID = school?.id
            try await e.create(on: db)
            try await Audit.record(on: db, actor: user.login, action: "attach", entity: "evidence", id: e.id?.uuidString,
                                   summary: "Справка по \(ProcedureStore.title(p)) приложена к мероприятию 2.1 (\(checkpoint.label))",
                                   after: ["file": name, "sha256": e.sha256], municipalityID: measure.municipalityID, regionID: measure.regionID, schoolID: school?.id)
        }
        Flash.set(req, "ok", "Справка «\(name)» приложена к отчёту по мероприятию 2.1, контрольная точка «\(checkpoint.label)». Проверьте статус и текст отчёта.")
        return req.redirect(to: "/checkpoints/\(checkpoint.id!.uuidString)/report?party=\(school?.id?.uuidString ?? "district")")
    }

    static func docx(_ doc: DocxDocument, name: String) throws -> Response {
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
        headers.replaceOrAdd(name: .contentDisposition, value: ContentDisposition.attachment(name.replacingOccurrences(of: " · ", with: " ") + ".docx"))
        return Response(status: .ok, headers: headers, body: .init(data: try doc.data()))
    }

    static func xlsx(_ tables: [AnalysisTable], name: String) throws -> Response {
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        headers.replaceOrAdd(name: .contentDisposition, value: ContentDisposition.attachment(name.replacingOccurrences(of: " · ", with: " ") + ".xlsx"))
        // Sheet names must be unique: the schools' or classes' marks table is the second «Отметки».
        var seen: [String: Int] = [:]
        let sheets = tables.map { t -> XLSXWriter.Sheet in
            var sheet = t.sheet
            seen[sheet.name, default: 0] += 1
            if seen[sheet.name]! > 1 { sheet.name += " (\(seen[sheet.name]!))" }
            return sheet
        }
        return Response(status: .ok, headers: headers, body: .init(data: try XLSXWriter(sheets: sheets).data()))
    }

    // MARK: HTML

    static func page(_ req: Request, _ l: Loaded, _ html: String, title: String) -> Response {
        Layout.page(req, title: title, body: html, crumbs: [("/procedures", "Оценочные процедуры"), ("/procedures/\(l.procedure.id!.uuidString)", ProcedureStore.title(l.procedure))])
    }

    static func header(_ req: Request, _ l: Loaded, title: String, docx: String?, xlsx: String? = nil, attach: Bool = false) -> String {
        var links: [String] = []
        if let docx { links.append("<a class=\"btn\" href=\"\(esc(docx))\">Аналитическая справка (DOCX)</a>") }
        links.append("<a class=\"btn secondary\" href=\"\(esc(xlsx ?? "\(base(l.procedure))?format=xlsx"))\">Таблицы (XLSX)</a>")
        if xlsx == nil && (l.user.role == .specialist || l.user.role == .admin) {
            links.append("<a class=\"btn secondary\" href=\"\(base(l.procedure))/order.docx\">Проект приказа (DOCX)</a>")
        }
        if attach && (l.user.role == .specialist || l.user.role == .head) {
            links.append(postButton(req, action: "\(base(l.procedure))/attach", label: "Приложить справку к мероприятию 2.1", style: "secondary"))
        }
        return "<h1>\(esc(title))</h1><p class=\"muted\">\(esc(ProcedureStore.title(l.procedure)))</p><div class=\"no-print actions\">\(links.joined(separator: " "))</div>"
    }

    static func empty(_ p: Procedure) -> String {
        "<section class=\"card\"><p>Результатов пока нет: загрузите их на <a href=\"/procedures/\(p.id!.uuidString)\">странице процедуры</a>.</p></section>"
    }

    static func cellHTML(_ c: XLSXWriter.Cell) -> String {
        switch c {
        case .text(let t): return esc(t)
        case .number(let n): return String(n)
        case .decimal(let d): return ReferenceTable.format(d)
        case .empty: return ""
        }
    }

    static func table(_ t: AnalysisTable, links: [String] = []) -> String {
        var html = "<div class=\"table-wrap\"><table><thead><tr>" + t.header.enumerated().map { i, h in "<th\(i == 0 ? "" : " class=\"num\"")>\(esc(h))</th>" }.joined() + "</tr></thead><tbody>"
        for (r, row) in t.rows.enumerated() {
            html += "<tr>" + row.enumerated().map { i, c in
                let text = cellHTML(c)
                if i == 0, r < links.count { return "<td><a href=\"\(esc(links[r]))\">\(text)</a></td>" }
                if case .text = c, i > 0, Double(text.replacingOccurrences(of: ",", with: ".")) == nil, !text.hasPrefix("—"), !text.contains("(") { return "<td>\(text)</td>" }
                return "<td\(i == 0 ? "" : " class=\"num\"")>\(text)</td>"
            }.joined() + "</tr>"
        }
        html += "</tbody></table></div>"
        if !t.notes.isEmpty { html += "<p class=\"hint\">" + t.notes.map(esc).joined(separator: " ") + "</p>" }
        return html
    }

    /// Marks, tasks, distribution, planned results, mark groups, journal: `groups[0]` in focus.
    static func sections(_ groups: [GroupFigures], _ a: ResultsAnalysis, base: String) -> String {
        let g = groups[0]
        let spec = a.spec
        let refs = ReferenceTable.Level.allCases.filter { spec.reference?[$0.rawValue] != nil }
        var html = ""
        if g.smallGroup == .suppressed {
            html += "<div class=\"flash error\">Работ меньше 10: доли не показываются, выводы по группе не делаются.</div>"
        } else if g.smallGroup == .limited {
            html += "<div class=\"flash\">Работ меньше 20: выводы ограничены.</div>"
        }
        html += "<h2>Отметки</h2>" + table(AnalysisTables.marksCompact(groups, a))
        if spec.scale != nil && g.smallGroup != .suppressed {
            var series = groups.filter { $0.smallGroup != .suppressed }.map { c in SVGChart.Series(name: AnalysisTables.label(c), values: (2...5).map { c.markShare($0).map { $0 * 100 } }) }
            for r in refs { if let m = spec.reference?[r.rawValue]?.marks { series.append(SVGChart.Series(name: r.title, values: (2...5).map { m[String($0)].map { $0 * 100 } })) } }
            html += SVGChart.columns(title: "Отметки, % участников", categories: ["«2»", "«3»", "«4»", "«5»"], series: series)
        }

        html += "<h2>Выполнение заданий</h2>"
        if g.smallGroup != .suppressed {
            var profile = groups.enumerated().filter { $0.element.smallGroup != .suppressed }.map { i, c in
                SVGChart.Series(name: AnalysisTables.label(c), values: spec.tasks.enumerated().map { t, task in c.taskCompletion(t, max: task.max).map { $0 * 100 } }, line: i > 0)
            }
            for r in refs { if let tasks = spec.reference?[r.rawValue]?.tasks { profile.append(SVGChart.Series(name: r.title, values: spec.tasks.map { tasks[$0.number].map { $0 * 100 } }, line: true)) } }
            html += SVGChart.columns(title: "Выполнение заданий, % от максимального балла", categories: spec.tasks.map(\.number), series: profile)
        }
        html += table(AnalysisTables.tasks(groups, a))

        html += "<h2>Распределение первичных баллов</h2>"
        let markers = spec.scale.map { s in [(s.three, "«3»"), (s.four, "«4»"), (s.five, "«5»")].map { (before: $0.0, label: $0.1) } } ?? []
        html += SVGChart.columns(title: "Работ с каждым первичным баллом, %", categories: (0...spec.maxScore).map(String.init),
                                 series: groups.prefix(2).map { c in SVGChart.Series(name: AnalysisTables.label(c), values: c.histogram.map { c.participants == 0 ? nil : Double($0) * 100 / Double(c.participants) }) },
                                 markers: markers)

        if spec.tasks.contains(where: { !$0.requirements.isEmpty }) {
            html += "<h2>Достижение планируемых результатов</h2>" + table(AnalysisTables.requirements(groups, a))
        }
        if spec.scale != nil {
            html += "<h2>Задания по группам отметок</h2>" + table(AnalysisTables.byMark(g, a))
        }
        html += "<h2>Сравнение с отметками по журналу</h2>" + table(AnalysisTables.journalCompact(groups))
        if g.journalCompared > 0 && g.smallGroup != .suppressed {
            let series = groups.filter { $0.journalCompared > 0 && $0.smallGroup != .suppressed }.map { c in
                SVGChart.Series(name: AnalysisTables.label(c), values: [c.journalLower, c.journalSame, c.journalHigher].map { Double($0) * 100 / Double(c.journalCompared) })
            }
            html += SVGChart.columns(title: "Отметка за работу против журнальной, % сравненных работ", categories: ["понизили", "подтвердили", "повысили"], series: series)
        }
        return html
    }

    static func dynamicsSection(_ req: Request, _ l: Loaded, school: String? = nil) async throws -> String {
        let earlier = try await AnalysisQuery.dynamics(procedure: l.procedure, municipalityID: l.user.requireMunicipalityID(), school: school, on: req.db)
        guard !earlier.isEmpty, let now = school.map({ l.analysis.school($0) }) ?? l.analysis.district else { return "" }
        let rows = (earlier + [(l.procedure.year, now)]).map { year, g -> [XLSXWriter.Cell] in
            [.text(String(year)), .number(g.participants), AnalysisTables.percent(g.markShare(2), g), AnalysisTables.percent(g.passRate, g),
             AnalysisTables.percent(g.qualityRate, g), AnalysisTables.mean(g.meanPrimaryScore)]
        }
        let t = AnalysisTable(title: "Динамика", header: ["Год", "Работ", "«2», %", "Успеваемость, %", "Качество, %", "Средний первичный балл"], rows: rows,
                              notes: ["Та же процедура по тому же предмету и классу в прошлые годы (другие обучающиеся и, возможно, другой вариант работы)."])
        return "<h2>Динамика по годам</h2>" + table(t)
    }
}
