import Fluent
import MsokoCore
import Vapor

/// The schools list (district roles) and a school's page: what it owes and its classes.
enum SchoolController {
    static func register(_ app: Application) {
        app.on(Site.schools, use: list)
        app.on(Site.school, use: show)
    }

    static func list(req: Request) async throws -> Response {
        let user = try req.user
        let model = SchoolList(schools: try await Schools.all(of: user, on: req.db), tracker: try await req.tracker(),
                               edits: user.role == .admin || user.role == .specialist)
        return Layout.page(req, title: "Школы", body: model.view(req.pageContext()))
    }

    static func show(req: Request) async throws -> Response {
        let user = try req.user
        let school = try await Schools.find(req)
        let sid = try school.requireID()
        let classes = try await SchoolClass.query(on: req.db).filter(\.$school.$id == sid)
            .with(\.$teachers).sort(\.$schoolYear, .descending).sort(\.$grade).sort(\.$name).all()
        let editsClasses = user.role == .specialist || user.role == .admin || (user.role == .head && user.$school.id == school.id)
        let teachers = editsClasses ? try await User.query(on: req.db).filter(\.$school.$id == sid).filter(\.$role == .teacher).sort(\.$name).all() : []
        var model = SchoolPage(school: school, user: user, tracker: user.role == .teacher ? nil : try await req.tracker(), classes: classes,
                               editsClasses: editsClasses, teachers: teachers.map { ($0.id!.uuidString, $0.name) })
        if Site.analysisSchool.admits(user.role) { model.results = try await SchoolResults.query(school: school, user: user, on: req.db) }
        return Layout.page(req, title: school.shortName, body: model.view(req.pageContext()), crumbs: user.role.seesDistrict ? [Crumb(Site.schools.url, "Школы")] : [])
    }
}

/// The schools of the district with their roadmap reports (a working table, not a ranking).
struct SchoolList {
    var schools: [School]
    var tracker: Tracker?
    var edits: Bool

    func view(_ ctx: PageContext) -> HTML {
        var html: HTML = "<h1>Школы</h1>\(ctx.flash)"
        if edits {
            html += #"<div class="actions no-print"><a class="btn secondary" href="\#(Site.schoolsAdmin.url)">Добавить или импортировать школы</a></div>"#
        }
        if schools.isEmpty {
            html += #"<p class="muted">Школ пока нет.</p>"#
            return html
        }
        html += #"<p class="muted">Сведения о выполнении дорожной карты — для управления качеством, а не для рейтинга школ.</p>"#
        html += HTML.table(head: #"<th>Логин ФИС ОКО</th><th>Школа</th><th>Тип</th><th>Отчёты по дорожной карте</th><th class="num">Выполнено</th><th class="num">Просрочено</th>"#, rows: schools.map { s in
            var statuses: [CheckpointStatus] = []
            if let tracker, let sid = s.id {
                for m in tracker.measures where ExecutorParser.schoolsReport(m.responsible) {
                    statuses += tracker.checkpoints(of: m).map { tracker.status($0, .school(sid)) }
                }
            }
            let demo: HTML = s.isDemo ? #" <span class="badge st-notStarted">демо</span>"# : ""
            let closed: HTML = s.isActive ? "" : #" <span class="badge st-overdue">не действует</span>"#
            let edit: HTML = edits ? #" <a class="no-print hint" href="\#(Site.schoolEdit.url(s.id!))">изменить</a>"# : ""
            return #"<tr><td><code>\#(s.login)</code></td><td><a href="\#(Site.school.url(s.id!))">\#(s.shortName)</a>\#(demo)\#(closed)\#(edit)</td><td>\#(s.type)</td><td>\#(HTML.progressBar(statuses))</td><td class="num">\#(statuses.filter { $0 == .done }.count) из \#(statuses.count)</td><td class="num">\#(statuses.filter { $0 == .overdue }.count)</td></tr>"#
        })
        return html
    }
}

/// A school's page: what it owes by the roadmap (for those who report or check), its classes.
struct SchoolPage {
    var school: School
    var user: User
    var tracker: Tracker?
    var classes: [SchoolClass]
    var editsClasses: Bool
    var teachers: [(value: String, label: String)]
    /// All of the school's procedures on one page (nil: the role does not see results).
    var results: SchoolResults?

    func view(_ ctx: PageContext) -> HTML {
        let sid = school.id!
        var html: HTML = #"<h1>\#(school.shortName)</h1><p class="muted">\#(school.fullName) · логин ФИС ОКО <code>\#(school.login)</code> · \#(school.type)</p>\#(ctx.flash)"#
        if let tracker {
            var rows: [(Measure, Checkpoint, CheckpointStatus)] = []
            for m in tracker.measures where ExecutorParser.schoolsReport(m.responsible) {
                for cp in tracker.checkpoints(of: m) { rows.append((m, cp, tracker.status(cp, .school(sid)))) }
            }
            let counts = Tracker.counts(rows.map(\.2))
            let order: [CheckpointStatus: Int] = [.overdue: 0, .inProgress: 1, .notStarted: 2, .done: 3]
            let sorted = rows.sorted(by: { (order[$0.2]!, $0.1.due, $0.0.position) < (order[$1.2]!, $1.1.due, $1.0.position) })
            html += """
            <div class="actions no-print"><a class="btn" href="\(Site.schoolReportDocx.url(sid))">Отчёт школы (DOCX)</a> <a class="btn secondary" href="\(Site.schoolReportXlsx.url(sid))">Таблица (XLSX)</a> <a class="btn secondary" href="\(Site.localActsSchool.url(sid))">Локальные акты (1.6)</a></div>
            <div class="grid" style="margin-top:16px">
            \(HTML.stat(rows.count, "контрольных точек школы"))
            \(HTML.stat(counts[.done] ?? 0, "выполнено", "ok"))
            \(HTML.stat(counts[.inProgress] ?? 0, "в работе"))
            \(HTML.stat(counts[.overdue] ?? 0, "просрочено", (counts[.overdue] ?? 0) > 0 ? "bad" : ""))
            </div>
            <h2>Что школа должна по дорожной карте</h2>
            \(HTML.table(head: #"<th>№</th><th>Мероприятие</th><th>Контрольная точка</th><th>Срок</th><th>Статус</th><th>Отчёт</th><th class="no-print"></th>"#, rows: sorted.map { m, cp, status in
                let report = tracker.report(cp, .school(sid))
                let nFiles = tracker.files(report).count
                let excerpt = report.map { String($0.text.prefix(140)) + ($0.text.count > 140 ? "…" : "") } ?? ""
                let action: HTML = user.canReport(forSchool: school)
                    ? #"<a class="btn secondary" href="\#(Site.checkpointReport.url(cp.id!).query(["party": sid.uuidString]))">\#(report == nil ? "Отчитаться" : "Изменить отчёт")</a>"# : ""
                let title = String(m.title.prefix(100)) + (m.title.count > 100 ? "…" : "")
                let files: HTML = nFiles > 0 ? #"<div class="hint">файлов: \#(nFiles)</div>"# : ""
                return #"<tr><td class="measure-no"><a href="\#(Site.measure.url(m.id!))">\#(m.number)</a></td><td>\#(title)</td><td>\#(cp.label)</td><td>\#(tracker.due(cp).russian)</td><td>\#(HTML.badge(status))</td><td>\#(excerpt)\#(files)</td><td class="no-print">\#(action)</td></tr>"#
            }))
            """
        }
        if let results { html += results.view }
        html += classesSection(ctx)
        return html
    }

    func classesSection(_ ctx: PageContext) -> HTML {
        var html: HTML = "<h2>Классы</h2>"
        if classes.isEmpty {
            html += #"<p class="muted">Классы не внесены.</p>"#
        } else {
            html += HTML.table(head: #"<th>Учебный год</th><th>Класс</th><th class="num">Обучающихся</th><th>Учителя</th>"#, rows: classes.map { c in
                #"<tr><td>\#(c.schoolYear)</td><td>\#(c.name)</td><td class="num">\#(c.enrolment)</td><td>\#(c.teachers.map(\.name).joined(separator: ", "))</td></tr>"#
            })
        }
        if editsClasses {
            html += """
            <section class="card no-print"><h3>Добавить или изменить класс</h3>
            <form method="post" action="\(Site.schoolClassSave.url(school.id!))">\(ctx.csrfField)
            <label for="schoolYear">Учебный год</label><input type="text" id="schoolYear" name="schoolYear" value="2025-2026" pattern="20[0-9]{2}-20[0-9]{2}" required>
            <label for="name">Класс</label><input type="text" id="name" name="name" placeholder="4А" required>
            <label for="enrolment">Обучающихся</label><input type="number" id="enrolment" name="enrolment" min="0" max="60" required>
            <label for="teacherID">Учитель</label><select id="teacherID" name="teacherID"><option value="">— не указан —</option>\(HTML.options(teachers))</select>
            <div class="actions"><button class="btn" type="submit">Сохранить класс</button></div>
            </form></section>
            """
        }
        return html
    }
}

/// All of one school's procedures on one page, across subjects and years, as a school sees its
/// own results in ФИС ОКО: its figures in full whatever the size (with a caution for small
/// numbers), each linking to the procedure's analysis for the school.
struct SchoolResults {
    struct Row {
        var procedure: Procedure
        var figures: GroupFigures
    }

    var school: School
    var rows: [Row]

    static func query(school: School, user: User, on db: Database) async throws -> SchoolResults {
        var rows: [Row] = []
        for p in try await Procedures.visible(to: user, on: db) {
            let works = try await ResultsQuery.exportRows(procedure: p, schoolID: school.id, municipalityID: school.$municipality.id, on: db)
            guard !works.isEmpty else { continue }
            let spec = try ProcedureStore.spec(of: p)
            var table = WorkTable(taskCount: spec.tasks.count)
            for w in works { table.append(w.work) }
            // Only this school's works: the analysis's top group is the school.
            var g = ResultsAnalysis.analyze(table, spec: spec, enrolment: [:]).district
            g.shownInFull = true
            rows.append(Row(procedure: p, figures: g))
        }
        return SchoolResults(school: school, rows: rows)
    }

    var view: HTML {
        var html: HTML = "<h2>Результаты оценочных процедур</h2>"
        guard !rows.isEmpty else {
            html += #"<p class="muted">Результатов школы пока нет.</p>"#
            return html
        }
        func pct(_ v: Double?) -> HTML { "\(v.map { ReferenceTable.oneDecimal($0 * 100) } ?? "—")" }
        html += HTML.table(head: #"<th>Процедура</th><th>Учебный год</th><th class="num">Работ</th><th class="num">«2», %</th><th class="num">«3», %</th><th class="num">«4», %</th><th class="num">«5», %</th><th class="num">Успеваемость, %</th><th class="num">Качество, %</th><th class="num">Средний балл</th>"#,
                           rows: rows.map { r in
            let g = r.figures
            let small: HTML = g.smallGroup == nil ? "" : " *"
            let marks = HTML((2...5).map { #"<td class="num">\#(pct(g.markShare($0)))</td>"# as HTML })
            return #"<tr><td><a href="\#(Site.analysisSchool.url(r.procedure.id!, school.login))">\#(ProcedureStore.title(r.procedure))</a></td><td>\#(r.procedure.schoolYear)</td><td class="num">\#(g.participants)\#(small)</td>\#(marks)<td class="num">\#(pct(g.passRate))</td><td class="num">\#(pct(g.qualityRate))</td><td class="num">\#(g.meanPrimaryScore.map { ReferenceTable.oneDecimal($0) } ?? "—")</td></tr>"#
        })
        if rows.contains(where: { $0.figures.smallGroup != nil }) {
            html += #"<p class="hint">* Меньше 20 работ: доли считаются по малому числу работ, одна работа меняет их на несколько процентов; выводы — с осторожностью.</p>"#
        }
        return html
    }
}
