import Fluent
import MsokoCore
import Vapor

/// «Мои задачи»: what the signed-in user must report, overdue first.
enum TasksController {
    static func register(_ app: Application) {
        app.on(Site.tasks, use: tasks)
    }

    static func tasks(req: Request) async throws -> Response {
        let user = try req.user
        var rows: [(Measure, Checkpoint, Party, CheckpointStatus)] = []
        var tracker: Tracker?
        if [.head, .specialist, .methodist].contains(user.role) {
            tracker = try await req.tracker()
        }
        if let tracker {
            for m in tracker.measures {
                for cp in tracker.checkpoints(of: m) {
                    for party in tracker.parties(for: m) {
                        let mine: Bool
                        switch party {
                        case .district: mine = user.canReportDistrict(for: m)
                        case .school(let id): mine = user.role == .head && user.$school.id == id
                        }
                        if mine {
                            let s = tracker.status(cp, party)
                            if s != .done { rows.append((m, cp, party, s)) }
                        }
                    }
                }
            }
        }
        let order: [CheckpointStatus: Int] = [.overdue: 0, .inProgress: 1, .notStarted: 2, .done: 3]
        rows.sort { (order[$0.3]!, $0.1.due, $0.0.position) < (order[$1.3]!, $1.1.due, $1.0.position) }
        var model = TaskList(role: user.role, rows: rows.map { m, cp, party, status in
            TaskList.Row(due: tracker!.due(cp).russian, measureID: m.id!, measureNumber: m.number, measureTitle: m.title, checkpoint: cp.label,
                         party: tracker!.partyName(party), status: status,
                         report: Site.checkpointReport.url(cp.id!).query(["party": party.schoolID?.uuidString ?? "district"]))
        })
        // Whoever is registered as an observer (a parent, a teacher, a specialist) has acts to file.
        if let observer = try await Observer.query(on: req.db).filter(\.$userID == user.requireID()).first() {
            model.acts = try await MyAssignments.query(observer: observer, on: req.db).rows.filter { !$0.submitted }
        }
        if Site.decisions.admits(user.role) {
            let v = try await MeetingStore.viewer(req)
            let today = try await req.today()
            let users = try await MeetingStore.users(municipalityID: v.municipalityID, on: req.db)
            model.decisions = try await MeetingStore.register(req).map(\.0).filter { v.reports($0) && $0.status(today: today).isOpen }
                .sorted { ($0.deadline ?? "9999") < ($1.deadline ?? "9999") }
                .map { TaskList.DecisionRow(id: $0.id!, text: $0.text, owner: MeetingStore.ownerName($0, users: users), deadline: $0.deadlineDate, status: $0.status(today: today)) }
        }
        // Courses (3.4): a head's staff, a specialist's department, whose three years run out or have.
        if user.role == .head || user.role == .specialist {
            model.courses = try await StaffStore.reminders(for: user, today: try await req.today(), on: req.db)
        }
        if user.role == .commission {
            model.scorings = try await CommissionWorks.query(member: user, on: req.db).rows.filter { !$0.submitted }
        }
        if user.role == .teacher, let me = try await StaffMember.query(on: req.db).filter(\.$userID == user.requireID()).first() {
            model.plans = try await DevelopmentPlans.plans(of: me, user: user, on: req.db)?.filter { !$0.isDone } ?? []
        }
        if user.role == .teacher {
            model.classes = try await TeacherClasses.results(of: user, on: req.db).map { r in
                TaskList.ClassResult(procedure: ProcedureStore.title(r.procedure), className: r.className, nowCalled: r.nowCalled, works: r.works,
                                     url: Site.analysisClass.url(r.procedure.id!, r.schoolLogin, r.className),
                                     gaps: Site.gapsClass.url(r.procedure.id!, r.schoolLogin, r.className))
            }
        }
        return Layout.page(req, title: "Мои задачи", body: model.view(req.pageContext()))
    }
}

/// «Мои задачи»: the open checkpoints the user reports on, overdue first.
struct TaskList {
    struct Row {
        var due: String
        var measureID: UUID
        var measureNumber: String
        var measureTitle: String
        var checkpoint: String
        var party: String
        var status: CheckpointStatus
        var report: SiteURL
    }

    /// A teacher's class in one procedure.
    struct ClassResult {
        var procedure: String
        var className: String
        var nowCalled: String?
        var works: Int
        var url: SiteURL
        var gaps: SiteURL
    }

    var role: Role
    var rows: [Row]
    /// Observation acts not yet submitted (for a user registered as an observer).
    var acts: [MyAssignments.Row] = []
    /// Works waiting for this commission member's blind scores.
    var scorings: [CommissionWorks.Row] = []
    /// The results of a teacher's classes.
    var classes: [ClassResult] = []

    /// An open decision the user reports on (theirs, their school's for a head, the department's for a specialist).
    struct DecisionRow {
        var id: UUID
        var text: String
        var owner: String
        var deadline: LocalDate?
        var status: DecisionStatus
    }
    var decisions: [DecisionRow] = []
    /// People whose courses are due, overdue or missing (a head's school; a specialist's department).
    var courses: [StaffRow] = []
    /// A teacher's own development plans in work (ИОМ).
    var plans: [DevelopmentPlan] = []

    func view(_ ctx: PageContext) -> HTML {
        var own = HTML()
        if !decisions.isEmpty {
            own += "<h2>Решения к исполнению</h2>"
            own += .table(head: #"<th>Срок</th><th>Решение</th><th>Ответственный</th><th>Состояние</th><th class="no-print"></th>"#, rows: decisions.map { d in
                #"<tr><td class="nowrap">\#(d.deadline?.russian ?? "—")</td><td>\#(d.text)</td><td>\#(d.owner)</td><td>\#(HTML.badge(d.status))</td><td class="no-print"><a class="btn secondary" href="\#(Site.decision.url(d.id))">Отчитаться</a></td></tr>"#
            })
        }
        if !courses.isEmpty {
            own += "<h2>Курсы повышения квалификации</h2>"
            own += #"<p>Пора направить на курсы: \#(Plural.count(courses.count, "работник", "работника", "работников")) — срок прошёл у \#(courses.filter { $0.status == .overdue }.count), курсов не записано у \#(courses.filter { $0.status == .none }.count), срок подходит у \#(courses.filter { $0.status == .due }.count).</p>"#
            own += .table(head: #"<th>ФИО</th><th>Должность</th><th>Следующий срок</th><th>Статус</th>"#, rows: courses.prefix(20).map { r in
                #"<tr><td><a href="\#(Site.staffMember.url(r.member.id!))">\#(r.member.name)</a></td><td>\#(r.member.position)</td><td class="nowrap">\#(r.nextDue?.russian ?? "—")</td><td>\#(HTML.courseBadge(r.status))</td></tr>"#
            })
            if courses.count > 20 { own += #"<p><a href="\#(Site.staff.url)">Все \#(courses.count) — на странице «Кадры и курсы»</a></p>"# }
        }
        if !plans.isEmpty {
            own += "<h2>Мой индивидуальный образовательный маршрут</h2>"
            own += HTML(plans.map { #"<p><a href="\#(Site.developmentPlan.url($0.id!))">ИОМ на \#($0.schoolYear) учебный год</a> — \#($0.courseDirection.title)</p>"# as HTML })
        }
        if !acts.isEmpty {
            own += "<h2>Акты наблюдения к заполнению</h2>"
            own += .table(head: #"<th>Дата, место</th><th>Процедура</th><th>Состояние</th><th class="no-print"></th>"#, rows: acts.map { a in
                #"<tr><td>\#(a.heading)</td><td>\#(a.procedure)</td><td>\#(a.state)</td><td class="no-print"><a class="btn" href="\#(Site.actForm.url(a.id))">Заполнить акт</a></td></tr>"#
            })
        }
        if !scorings.isEmpty {
            own += "<h2>Работы на перепроверку</h2>"
            own += #"<p>Ждут ваших баллов: \#(Plural.works(scorings.count)). Проверка слепая: школа и баллы школы не показываются.</p>"#
            own += .table(head: #"<th>Слепой код</th><th>Процедура</th><th class="no-print"></th>"#, rows: scorings.map { w in
                #"<tr><td>\#(w.code)</td><td>\#(w.procedure)</td><td class="no-print"><a class="btn secondary" href="\#(Site.scoring.url(w.id))">Проверить</a></td></tr>"#
            })
        }
        if role == .teacher {
            own += "<h2>Результаты моих классов</h2>"
            if classes.isEmpty {
                own += .emptyState("Результатов ваших классов пока нет.", more: #"<p class="muted">Здесь появятся результаты классов, к которым вас привязал руководитель школы (на странице школы, раздел «Классы»), — после загрузки результатов процедуры.</p>"#)
            } else {
                own += .table(head: #"<th>Процедура</th><th>Класс</th><th class="num">Работ</th><th class="no-print"></th>"#, rows: classes.map { c in
                    let now: HTML = c.nowCalled.map { #" <span class="hint">(сейчас \#($0))</span>"# } ?? ""
                    return #"<tr><td>\#(c.procedure)</td><td>\#(c.className)\#(now)</td><td class="num">\#(c.works)</td><td class="no-print"><a class="btn secondary" href="\#(c.url)">Анализ</a> <a class="btn secondary" href="\#(c.gaps)">Пробелы</a></td></tr>"#
                })
                own += #"<p class="hint">Результаты класса показывают, какие умения требуют внимания; они не используются для оценки работы учителя.</p>"#
            }
        }
        guard !rows.isEmpty else {
            if !own.isEmpty { return "<h1>Мои задачи</h1>\(ctx.flash)\(own)" }
            let explanation: HTML
            switch role {
            case .observer: explanation = "Здесь появятся назначения наблюдателем на оценочные процедуры и формы актов наблюдения."
            case .commission: explanation = "Здесь появятся работы, назначенные вам для перепроверки в муниципальной комиссии."
            case .teacher: explanation = "Здесь появятся результаты ваших классов, дефициты и планы ликвидации пробелов."
            case .admin: explanation = #"Администратор управляет <a href="\#(Site.users.url)">пользователями</a>, <a href="\#(Site.schoolsAdmin.url)">школами</a> и <a href="\#(Site.settings.url)">настройками</a>."#
            default: explanation = "Все контрольные точки, за которые вы отвечаете, выполнены."
            }
            return "<h1>Мои задачи</h1>\(ctx.flash)\(HTML.emptyState("Открытых задач нет.", more: #"<p class="muted">\#(explanation)</p>"#))"
        }
        // A head reports for their own school only, so the «for whom» column is shown to district roles.
        let showParty = role != .head
        return """
        <h1>Мои задачи</h1>\(ctx.flash)\(own)
        \(own.isEmpty ? "" : "<h2>Контрольные точки дорожной карты</h2>" as HTML)
        <p class="muted">Открытых контрольных точек: \(rows.count), из них просрочено: \(rows.filter { $0.status == .overdue }.count).</p>
        \(HTML.table(head: "<th>Срок</th><th>Мероприятие</th><th>Контрольная точка</th>\(showParty ? "<th>За кого</th>" as HTML : "")<th>Статус</th><th class=\"no-print\"></th>", rows: rows.map { r in
            let title = String(r.measureTitle.prefix(100)) + (r.measureTitle.count > 100 ? "…" : "")
            return #"<tr><td>\#(r.due)</td><td><a href="\#(Site.measure.url(r.measureID))">\#(r.measureNumber)</a> \#(title)</td><td>\#(r.checkpoint)</td>\#(showParty ? "<td>\(r.party)</td>" as HTML : "")<td>\#(HTML.badge(r.status))</td><td class="no-print"><a class="btn secondary" href="\#(r.report)">Отчитаться</a></td></tr>"#
        }))
        """
    }
}
