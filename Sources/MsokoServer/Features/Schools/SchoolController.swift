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
        let user = try req.require([.specialist, .admin, .methodist])
        let tracker = try await req.tracker()
        let schools = try await School.query(on: req.db).filter(\.$municipality.$id == user.municipalityID ?? UUID())
            .sort(\.$login).all()
        var html = "<h1>Школы</h1>\(Flash.take(req))"
        if user.role == .admin || user.role == .specialist {
            html += "<div class=\"actions no-print\"><a class=\"btn secondary\" href=\"/admin/schools\">Добавить или импортировать школы</a></div>"
        }
        if schools.isEmpty { return Layout.page(req, title: "Школы", body: html + "<p class=\"muted\">Школ пока нет.</p>") }
        html += "<p class=\"muted\">Сведения о выполнении дорожной карты — для управления качеством, а не для рейтинга школ.</p>"
        html += "<div class=\"table-wrap\"><table><thead><tr><th>Логин ФИС ОКО</th><th>Школа</th><th>Тип</th><th>Отчёты по дорожной карте</th><th class=\"num\">Выполнено</th><th class=\"num\">Просрочено</th></tr></thead><tbody>"
        for s in schools {
            var statuses: [CheckpointStatus] = []
            if let tracker, let sid = s.id {
                for m in tracker.measures where ExecutorParser.schoolsReport(m.responsible) {
                    statuses += tracker.checkpoints(of: m).map { tracker.status($0, .school(sid)) }
                }
            }
            html += "<tr><td><code>\(esc(s.login))</code></td><td><a href=\"/schools/\(s.id!)\">\(esc(s.shortName))</a>\(s.isDemo ? " <span class=\"badge st-notStarted\">демо</span>" : "")\(s.isActive ? "" : " <span class=\"badge st-overdue\">не действует</span>")\(user.role == .admin || user.role == .specialist ? " <a class=\"no-print hint\" href=\"/admin/schools/\(s.id!)\">изменить</a>" : "")</td><td>\(esc(s.type))</td><td>\(DashboardController.progressBar(statuses))</td><td class=\"num\">\(statuses.filter { $0 == .done }.count) из \(statuses.count)</td><td class=\"num\">\(statuses.filter { $0 == .overdue }.count)</td></tr>"
        }
        html += "</tbody></table></div>"
        return Layout.page(req, title: "Школы", body: html)
    }

    static func find(_ req: Request) async throws -> School {
        let user = try req.requireUser()
        guard let id = req.parameters.get("schoolID", as: UUID.self), let school = try await School.find(id, on: req.db),
              school.$municipality.id == user.municipalityID else { throw AppError.notFound }
        guard user.canSee(school: school) || (user.role == .teacher && user.$school.id == school.id) else { throw AppError.forbidden }
        return school
    }

    static func show(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let school = try await find(req)
        let sid = try school.requireID()
        var html = "<h1>\(esc(school.shortName))</h1><p class=\"muted\">\(esc(school.fullName)) · логин ФИС ОКО <code>\(esc(school.login))</code> · \(esc(school.type))</p>\(Flash.take(req))"
        if user.role != .teacher, let tracker = try await req.tracker() {
            var rows: [(Measure, Checkpoint, CheckpointStatus)] = []
            for m in tracker.measures where ExecutorParser.schoolsReport(m.responsible) {
                for cp in tracker.checkpoints(of: m) { rows.append((m, cp, tracker.status(cp, .school(sid)))) }
            }
            let counts = Tracker.counts(rows.map(\.2))
            html += """
            <div class="actions no-print"><a class="btn" href="/schools/\(sid)/report.docx">Отчёт школы (DOCX)</a> <a class="btn secondary" href="/schools/\(sid)/report.xlsx">Таблица (XLSX)</a></div>
            <div class="grid" style="margin-top:16px">
            \(DashboardController.stat(rows.count, "контрольных точек школы"))
            \(DashboardController.stat(counts[.done] ?? 0, "выполнено", "ok"))
            \(DashboardController.stat(counts[.inProgress] ?? 0, "в работе"))
            \(DashboardController.stat(counts[.overdue] ?? 0, "просрочено", (counts[.overdue] ?? 0) > 0 ? "bad" : ""))
            </div>
            <h2>Что школа должна по дорожной карте</h2>
            <div class="table-wrap"><table><thead><tr><th>№</th><th>Мероприятие</th><th>Контрольная точка</th><th>Срок</th><th>Статус</th><th>Отчёт</th><th class="no-print"></th></tr></thead><tbody>
            """
            let order: [CheckpointStatus: Int] = [.overdue: 0, .inProgress: 1, .notStarted: 2, .done: 3]
            for (m, cp, status) in rows.sorted(by: { (order[$0.2]!, $0.1.due, $0.0.position) < (order[$1.2]!, $1.1.due, $1.0.position) }) {
                let report = tracker.report(cp, .school(sid))
                let nFiles = tracker.files(report).count
                let excerpt = report.map { String($0.text.prefix(140)) + ($0.text.count > 140 ? "…" : "") } ?? ""
                let action = user.canReport(forSchool: school) ? "<a class=\"btn secondary\" href=\"/checkpoints/\(cp.id!)/report?party=\(sid)\">\(report == nil ? "Отчитаться" : "Изменить отчёт")</a>" : ""
                html += "<tr><td class=\"measure-no\"><a href=\"/measures/\(m.id!)\">\(esc(m.number))</a></td><td>\(esc(String(m.title.prefix(100))))\(m.title.count > 100 ? "…" : "")</td><td>\(esc(cp.label))</td><td>\(esc(tracker.due(cp).russian))</td><td>\(statusBadge(status))</td><td>\(esc(excerpt))\(nFiles > 0 ? "<div class=\"hint\">файлов: \(nFiles)</div>" : "")</td><td class=\"no-print\">\(action)</td></tr>"
            }
            html += "</tbody></table></div>"
        }
        html += try await classesSection(req, school: school, user: user)
        return Layout.page(req, title: school.shortName, body: html, crumbs: user.role.seesDistrict ? [("/schools", "Школы")] : [])
    }

    static func classesSection(_ req: Request, school: School, user: User) async throws -> String {
        let classes = try await SchoolClass.query(on: req.db).filter(\.$school.$id == school.requireID())
            .with(\.$teachers).sort(\.$schoolYear, .descending).sort(\.$grade).sort(\.$name).all()
        var html = "<h2>Классы</h2>"
        if classes.isEmpty {
            html += "<p class=\"muted\">Классы не внесены.</p>"
        } else {
            html += "<div class=\"table-wrap\"><table><thead><tr><th>Учебный год</th><th>Класс</th><th class=\"num\">Обучающихся</th><th>Учителя</th></tr></thead><tbody>"
            for c in classes {
                html += "<tr><td>\(esc(c.schoolYear))</td><td>\(esc(c.name))</td><td class=\"num\">\(c.enrolment)</td><td>\(esc(c.teachers.map(\.name).joined(separator: ", ")))</td></tr>"
            }
            html += "</tbody></table></div>"
        }
        if user.role == .specialist || user.role == .admin || (user.role == .head && user.$school.id == school.id) {
            let teachers = try await User.query(on: req.db).filter(\.$school.$id == school.requireID()).filter(\.$role == .teacher).sort(\.$name).all()
            let options = teachers.map { "<option value=\"\($0.id!)\">\(esc($0.name))</option>" }.joined()
            html += """
            <section class="card no-print"><h3>Добавить или изменить класс</h3>
            <form method="post" action="/schools/\(school.id!)/classes">\(csrfField(req))
            <label for="schoolYear">Учебный год</label><input type="text" id="schoolYear" name="schoolYear" value="2025-2026" pattern="20[0-9]{2}-20[0-9]{2}" required>
            <label for="name">Класс</label><input type="text" id="name" name="name" placeholder="4А" required>
            <label for="enrolment">Обучающихся</label><input type="number" id="enrolment" name="enrolment" min="0" max="60" required>
            <label for="teacherID">Учитель</label><select id="teacherID" name="teacherID"><option value="">— не указан —</option>\(options)</select>
            <div class="actions"><button class="btn" type="submit">Сохранить класс</button></div>
            </form></section>
            """
        }
        return html
    }
}
