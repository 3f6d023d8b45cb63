import Fluent
import MsokoCore
import Vapor

/// Assessment procedures: the list, a procedure's page (specification, what arrived per school
/// and class, accepted files), creating one from a specification file.
enum ProcedureController {
    static func register(_ app: Application) {
        app.on(Site.procedures, use: list)
        app.on(Site.procedureCreate, use: create)
        app.on(Site.procedure, use: show)
    }

    static let readers: Set<Role> = [.specialist, .admin, .methodist, .head]

    /// The procedures the user's district sees: its own and its region's (a regional centre's).
    static func visible(_ req: Request) async throws -> [Procedure] {
        let user = try req.require(readers)
        let mid = try user.requireMunicipalityID()
        guard let m = try await Municipality.find(mid, on: req.db) else { return [] }
        return try await Procedure.query(on: req.db).filter(\.$regionID == m.$region.id)
            .group(.or) { $0.filter(\.$municipalityID == mid).filter(\.$municipalityID == nil) }
            .sort(\.$year, .descending).sort(\.$subject).sort(\.$grade).all()
    }

    static func find(_ req: Request) async throws -> Procedure {
        guard let id = req.parameters.get("procedureID", as: UUID.self),
              let p = try await visible(req).first(where: { $0.id == id }) else { throw AppError.notFound }
        return p
    }

    static func list(req: Request) async throws -> Response {
        let user = try req.require(readers)
        let procedures = try await visible(req)
        var html = "<h1>Оценочные процедуры</h1>\(Flash.take(req))"
        if procedures.isEmpty {
            html += "<section class=\"card\"><p>Процедур пока нет.</p></section>"
        } else {
            html += "<div class=\"table-wrap\"><table><thead><tr><th>Процедура</th><th>Учебный год</th><th>Форма</th><th class=\"num\">Заданий</th><th class=\"num\">Работ загружено</th></tr></thead><tbody>"
            for p in procedures {
                let q = WorkRow.query(on: req.db).filter(\.$procedure.$id == p.id!)
                if user.role == .head, let sid = user.$school.id { q.filter(\.$school.$id == sid) }
                let works = try await q.count()
                // An unreadable stored specification shows as «—», not as zero tasks.
                let tasks = (try? ProcedureStore.spec(of: p).tasks.count).map(String.init) ?? "—"
                html += "<tr><td><a href=\"/procedures/\(p.id!)\">\(esc(ProcedureStore.title(p)))</a></td><td>\(esc(p.schoolYear))</td><td>\(esc(formName(p.form)))</td><td class=\"num\">\(tasks)</td><td class=\"num\">\(works)</td></tr>"
            }
            html += "</tbody></table></div>"
        }
        if user.role == .specialist {
            html += """
            <section class="card no-print"><h2>Новая процедура</h2>
            <p>Загрузите спецификацию (JSON): задания, максимальные баллы, уровни, проверяемые требования и шкалу перевода — формат в docs/specification-format.md.</p>
            <form method="post" action="\(uploadAction(req, "/procedures"))" enctype="multipart/form-data">\(csrfField(req))
            <label for="spec">Спецификация</label><input type="file" id="spec" name="spec" accept=".json" required>
            <div class="actions"><button class="btn" type="submit">Создать процедуру</button></div>
            </form></section>
            """
        }
        return Layout.page(req, title: "Оценочные процедуры", body: html)
    }

    static func formName(_ form: String?) -> String {
        switch form {
        case "paper": return "на бумаге"
        case "computer": return "компьютерная"
        default: return "—"
        }
    }

    struct CreateForm: Content { var spec: File }

    static func create(req: Request) async throws -> Response {
        let user = try req.require([.specialist])
        let form = try req.content.decode(CreateForm.self)
        guard let mid = user.municipalityID, let m = try await Municipality.find(mid, on: req.db) else { throw AppError.notFound }
        do {
            let spec = try ProcedureSpec.read(data: Data(buffer: form.spec.data), file: form.spec.filename)
            let p = try await ProcedureStore.create(spec, regionID: m.$region.id, municipalityID: mid, actor: user.login, file: form.spec.filename, on: req.db)
            Flash.set(req, "ok", "Процедура создана: \(ProcedureStore.title(p)).")
            return req.redirect(to: "/procedures/\(p.id!)")
        } catch let e as SpecError {
            Flash.set(req, "error", "Процедура не создана.\n" + e.description)
            return req.redirect(to: "/procedures")
        }
    }

    static func show(req: Request) async throws -> Response {
        let user = try req.require(readers)
        let p = try await find(req)
        let spec = try ProcedureStore.spec(of: p)
        let pid = try p.requireID()
        var html = "<h1>\(esc(ProcedureStore.title(p)))</h1><p class=\"muted\">Учебный год \(esc(p.schoolYear)) · форма: \(esc(formName(p.form))) · максимальный первичный балл \(spec.maxScore)\(spec.scale.map { " · шкала: «3» от \($0.three), «4» от \($0.four), «5» от \($0.five)" } ?? "")</p>\(Flash.take(req))"
        let objectivityLink = [.specialist, .admin, .head].contains(user.role) ? " <a class=\"btn secondary\" href=\"/procedures/\(pid)/objectivity\">Признаки необъективности</a>" : ""
        html += "<div class=\"actions no-print\"><a class=\"btn\" href=\"/procedures/\(pid)/analysis\">Анализ результатов</a>\(objectivityLink)</div>"
        html += ResultsUploadController.uploadForm(req, procedure: p, user: user)

        // What arrived, per school and class, against enrolment where known.
        let counts = try await ResultsQuery.counts(procedureID: pid, on: req.db)
        var schools = try await School.query(on: req.db).filter(\.$municipality.$id == user.requireMunicipalityID()).sort(\.$login).all()
        if user.role == .head { schools = schools.filter { $0.id == user.$school.id } }
        let classes = try await SchoolClass.query(on: req.db).filter(\.$school.$id ~~ schools.compactMap(\.id))
            .filter(\.$schoolYear == p.schoolYear).filter(\.$grade == p.grade).all()
        html += "<h2>Поступившие работы</h2><div class=\"table-wrap\"><table><thead><tr><th>Школа</th><th>Класс</th><th class=\"num\">Работ</th><th class=\"num\">Обучающихся</th><th class=\"num\">Участие</th></tr></thead><tbody>"
        var any = false
        for s in schools {
            let received = counts[s.id!] ?? [:]
            let enrolled = Dictionary(classes.filter { $0.$school.id == s.id }.map { ($0.name, $0.enrolment) }, uniquingKeysWith: { a, _ in a })
            let names = Set(received.keys).union(enrolled.keys).sorted()
            if names.isEmpty { continue }
            any = true
            for name in names {
                let n = received[name] ?? 0
                let e = enrolled[name]
                let share = e.map { $0 > 0 ? "\(Int((Double(n) * 100 / Double($0)).rounded())) %" : "—" } ?? "—"
                html += "<tr><td>\(esc(s.shortName))</td><td>\(esc(name))</td><td class=\"num\">\(n)</td><td class=\"num\">\(e.map(String.init) ?? "—")</td><td class=\"num\">\(share)</td></tr>"
            }
        }
        html += "</tbody></table></div>"
        if !any { html = html.replacingOccurrences(of: "<h2>Поступившие работы</h2>", with: "<h2>Поступившие работы</h2><p class=\"muted\">Работ пока нет.</p>") }
        html += try await ResultsUploadController.versions(req, procedure: p, user: user)
        html += try await CalendarController.participantsSection(req, procedure: p, user: user)

        html += referenceSection(p, spec: spec, canEdit: user.role == .specialist && p.municipalityID != nil && p.municipalityID == user.municipalityID)
        // Task completion of the region and Russia, where entered, beside each task.
        let levels = ReferenceTable.Level.allCases.filter { spec.reference?[$0.rawValue]?.tasks?.isEmpty == false }
        html += "<h2>Задания</h2><div class=\"table-wrap\"><table><thead><tr><th>№</th><th>Уровень</th><th class=\"num\">Макс. балл</th>"
            + levels.map { "<th class=\"num\">\($0.title), %</th>" }.joined() + "<th>Проверяемые требования</th></tr></thead><tbody>"
        for t in spec.tasks {
            let reqs = t.requirements.map { "\(esc($0.code)) \(esc($0.text))" }.joined(separator: "<br>")
            let refs = levels.map { l in "<td class=\"num\">\(spec.reference?[l.rawValue]?.tasks?[t.number].map { ReferenceController.percent($0) } ?? "—")</td>" }.joined()
            html += "<tr><td>\(esc(t.number))</td><td>\(esc(t.level.rawValue))</td><td class=\"num\">\(t.max)</td>\(refs)<td>\(reqs)</td></tr>"
        }
        html += "</tbody></table></div>"
        return Layout.page(req, title: ProcedureStore.title(p), body: html, crumbs: [("/procedures", "Оценочные процедуры")])
    }

    /// Shares of marks for the region and Russia, where entered, and the way to enter them.
    static func referenceSection(_ p: Procedure, spec: ProcedureSpec, canEdit: Bool) -> String {
        var html = "<h2>Эталонные показатели</h2>"
        let withMarks = ReferenceTable.Level.allCases.filter { spec.reference?[$0.rawValue]?.marks != nil }
        if withMarks.isEmpty && (spec.reference ?? [:]).isEmpty {
            html += "<p class=\"muted\">Показатели региона и России не введены: анализ сравнит школы только с районом.</p>"
        } else if !withMarks.isEmpty {
            html += "<div class=\"table-wrap\"><table><thead><tr><th>Уровень</th>" + (2...5).map { "<th class=\"num\">«\($0)», %</th>" }.joined() + "</tr></thead><tbody>"
            for l in withMarks {
                let marks = spec.reference?[l.rawValue]?.marks ?? [:]
                html += "<tr><td>\(l.title)</td>" + (2...5).map { "<td class=\"num\">\(marks[String($0)].map { ReferenceController.percent($0) } ?? "—")</td>" }.joined() + "</tr>"
            }
            html += "</tbody></table></div>"
        }
        if canEdit {
            html += "<p class=\"no-print\"><a class=\"btn secondary small\" href=\"/procedures/\(p.id!.uuidString)/reference\">Ввести или вставить из отчёта ФИС ОКО</a></p>"
        }
        return html
    }
}
