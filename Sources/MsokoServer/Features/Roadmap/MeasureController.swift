import Fluent
import MsokoCore
import Vapor

/// A measure's page: its texts, checkpoints and every report the user may see.
enum MeasureController {
    static func register(_ app: Application) {
        app.on(Site.measure, use: show)
    }

    /// The measure, checked against the user's municipality.
    static func find(_ req: Request) async throws -> Measure {
        let measure = try await req.find(Measure.self, "measureID")
        guard measure.municipalityID == (try req.user.municipalityID) else { throw AppError.notFound }
        return measure
    }

    static func show(req: Request) async throws -> Response {
        let user = try req.user
        let measure = try await find(req)
        guard let tracker = try await Tracker.load(municipalityID: measure.municipalityID, year: nil, on: req.db, now: req.now),
              let m = tracker.measures.first(where: { $0.id == measure.id }) else { throw AppError.notFound }
        let model = MeasurePage(measure: m, tracker: tracker, user: user, history: try await history(req, measure: m, tracker: tracker, user: user),
                                names: try await People.names(municipalityID: user.municipalityID, on: req.db))
        return Layout.page(req, title: "Мероприятие \(m.number)", body: model.view(req.pageContext()), crumbs: [Crumb(Site.home.url, "Дорожная карта")])
    }
}

extension MeasureController {
    /// The measure's history from the audit log: edits of the measure and the reports the user may see.
    static func history(_ req: Request, measure m: Measure, tracker: Tracker, user: User) async throws -> [AuditEntry] {
        var ids = [m.id!.uuidString]
        for cp in tracker.checkpoints(of: m) {
            for party in tracker.parties(for: m) {
                if let sid = party.schoolID, !(tracker.schoolsByID[sid].map(user.canSee(school:)) ?? false) { continue }
                if let r = tracker.report(cp, party), let id = r.id { ids.append(id.uuidString) }
            }
        }
        return try await AuditEntry.query(on: req.db).filter(\.$municipalityID == m.municipalityID)
            .filter(\.$entityID ~~ ids).sort(\.$at, .descending).limit(50).all()
    }
}

enum Format {
    static func dateTime(_ date: Date, _ zone: TimeZone) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "ru_RU")
        f.timeZone = zone
        f.dateFormat = "dd.MM.yyyy HH:mm"
        return f.string(from: date)
    }

    static func size(_ bytes: Int) -> String { ByteSize.format(bytes) }
}

/// A measure: what it is, each checkpoint's reports the reader may see, its history. The tracker is
/// loaded and the history read before the view.
struct MeasurePage {
    var measure: Measure
    var tracker: Tracker
    var user: User
    var history: [AuditEntry]
    var names: [String: String]

    func view(_ ctx: PageContext) -> HTML {
        let m = measure
        let executors = ExecutorParser.executors(from: m.responsible).map(\.russian).joined(separator: "; ")
        var html: HTML = """
        <h1>\(m.number). \(m.title)</h1>
        \(ctx.flash)
        <section class="card">
        <p><strong>Раздел:</strong> \(m.sectionNumber). \(m.sectionTitle)</p>
        <p><strong>Срок реализации:</strong> \(m.timing)</p>
        <p><strong>Ответственные исполнители:</strong> \(m.responsible) <span class="hint">(отчитываются: \(executors)\(ExecutorParser.schoolsReport(m.responsible) ? ", каждая школа отдельно" : ""))</span></p>
        <p><strong>Ожидаемые результаты:</strong> \(m.expectedResult)</p>
        </section>
        """
        if user.role == .specialist {
            html += """
            <div class="actions no-print"><a class="btn secondary" href="\(Site.measureEdit.url(m.id!))">Изменить</a>
            <a class="btn secondary" href="\(Site.measureDeleteConfirm.url(m.id!))">Удалить</a></div>
            """
        }
        for cp in tracker.checkpoints(of: m) {
            let window = cp.windowStart.flatMap(LocalDate.init(iso:)).map { "с \($0.russian) " } ?? ""
            html += #"<h2>\#(cp.label) <small class="muted">\#(window)до \#(tracker.due(cp).russian)</small> \#(HTML.badge(tracker.status(cp, measure: m)))</h2>"#
            let visible = tracker.parties(for: m).filter { party in
                switch party {
                case .district: return true
                case .school(let id): return tracker.schoolsByID[id].map(user.canSee(school:)) ?? false
                }
            }
            if visible.isEmpty {
                html += #"<p class="muted">Отчёты школ видны специалистам Управления образования и руководителям школ.</p>"#
                continue
            }
            html += HTML.table(head: #"<th>Кто отчитывается</th><th>Статус</th><th>Отчёт</th><th>Подтверждения</th><th class="no-print"></th>"#, rows: visible.map { party in
                let report = tracker.report(cp, party)
                let files = HTML(tracker.files(report).map { f in #"<a href="\#(Site.evidence.url(f.id))">\#(f.fileName)</a>"# as HTML }, separator: "<br>")
                let canWrite: Bool = {
                    switch party {
                    case .district: return user.canReportDistrict(for: m)
                    case .school(let id): return tracker.schoolsByID[id].map(user.canReport(forSchool:)) ?? false
                    }
                }()
                let updated: HTML = report.map { r in #"<div class="hint">\#(r.updatedBy.map { People.name($0, in: names) } ?? "") \#(r.updatedAt.map { Format.dateTime($0, tracker.municipality.zone) } ?? "")</div>"# } ?? ""
                let reportURL = Site.checkpointReport.url(cp.id!).query(["party": party.schoolID?.uuidString ?? "district"])
                let action: HTML = canWrite ? #"<a class="btn secondary" href="\#(reportURL)">\#(report == nil ? "Отчитаться" : "Изменить отчёт")</a>"# : ""
                return #"<tr><td>\#(DashboardController.partyLink(party, tracker: tracker))</td><td>\#(HTML.badge(tracker.status(cp, party)))</td><td>\#(HTML.lines(report?.text ?? ""))\#(updated)</td><td>\#(files)</td><td class="no-print">\#(action)</td></tr>"#
            })
        }
        if !history.isEmpty {
            let rows: [HTML] = history.map { e in
                "<tr><td>\(Format.dateTime(e.at, tracker.municipality.zone))</td><td>\(People.name(e.userLogin, in: names))</td><td>\(e.summary ?? e.action)</td></tr>"
            }
            html += "<h2>История</h2>\(HTML.table(head: "<th>Когда</th><th>Кто</th><th>Что</th>", rows: rows))"
        }
        return html
    }
}
