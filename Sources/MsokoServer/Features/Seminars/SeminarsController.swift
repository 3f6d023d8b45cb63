import Fluent
import MsokoCore
import Vapor

/// Typical grading errors (measure 3.2): the seminar handout from the commission's re-check, and the
/// record of seminars held.
enum SeminarsController {
    static func register(_ app: Application) {
        app.on(Site.seminars, use: list)
        app.on(Site.seminarAdd, use: add)
        app.on(Site.gradingErrors, use: handout)
    }

    static let editors: Set<Role> = [.specialist, .methodist]

    static func handout(req: Request) async throws -> Response {
        let user = try req.require([.specialist, .admin, .methodist])
        let p = try await ProcedureController.find(req)
        let mid = try user.requireMunicipalityID()
        guard let sample = try await RecheckController.sample(p, municipalityID: mid, on: req.db) else { throw AppError.notFound }
        let items = try await RecheckItem.query(on: req.db).filter(\.$sample.$id == sample.requireID()).with(\.$work).all()
        let scored = try await RecheckScoring.query(on: req.db).filter(\.$item.$id ~~ items.compactMap(\.id)).all().filter { $0.submittedAt != nil }
        let spec = try ProcedureStore.spec(of: p)
        let chosen = Set(RecheckController.selected(sample, spec))
        let rescored: [(code: String, school: [UInt8], commission: [UInt8])] = items.compactMap { item in
            let done = scored.filter { $0.$item.id == item.id }.compactMap { $0.scores.map { [UInt8]($0) } }
            guard let first = done.first else { return nil }
            let school = [UInt8](item.work.scores)
            return (item.blindCode, school, first.indices.map { chosen.contains($0) ? first[$0] : school[$0] })
        }.sorted { $0.code < $1.code }
        let l = AnalysisController.Loaded(user: user, procedure: p, analysis: try await AnalysisQuery.analysis(procedure: p, municipalityID: mid, on: req.db))
        let doc = GradingErrors.handout(procedure: ProcedureStore.title(p).replacingOccurrences(of: " · ", with: " "),
                                        errors: GradingErrors.tasks(rescored, spec: spec), works: rescored.count, context: try await AnalysisController.context(req, l))
        return try AnalysisController.docx(doc, name: "Типичные ошибки оценивания \(ProcedureStore.title(p))")
    }

    static func list(req: Request) async throws -> Response {
        let user = try req.require([.specialist, .admin, .methodist])
        let mid = try user.requireMunicipalityID()
        let seminars = try await Seminar.query(on: req.db).filter(\.$municipalityID == mid).with(\.$procedure).sort(\.$date, .descending).all()
        let procedures = try await ProcedureController.visible(req)
        var html = "<h1>Семинары по типичным ошибкам оценивания</h1>\(Flash.take(req))"
        html += "<p class=\"hint\">Материал к семинару — «Типичные ошибки оценивания» на странице перепроверки процедуры (мероприятие 3.2).</p>"
        if seminars.isEmpty { html += "<section class=\"card\"><p>Семинаров пока не записано.</p></section>" }
        else {
            html += "<div class=\"table-wrap\"><table><thead><tr><th>Дата</th><th>Тема</th><th>Процедура</th><th>Участники</th><th class=\"num\">Явка</th></tr></thead><tbody>"
            for s in seminars {
                let share = s.invited > 0 ? " (\(ReferenceTable.format((Double(s.attended) * 1000 / Double(s.invited)).rounded() / 10)) %)" : ""
                html += "<tr><td>\(esc(LocalDate(iso: s.date)?.russian ?? s.date))</td><td>\(esc(s.topic))</td><td>\(esc(s.procedure.map(ProcedureStore.title) ?? "—"))</td><td>\(esc(s.participants).replacingOccurrences(of: "\n", with: "<br>"))</td><td class=\"num\">\(s.attended) из \(s.invited)\(share)</td></tr>"
            }
            html += "</tbody></table></div>"
        }
        if editors.contains(user.role) {
            let options = procedures.map { "<option value=\"\($0.id!.uuidString)\">\(esc(ProcedureStore.title($0)))</option>" }.joined()
            html += """
            <section class="card no-print"><h2>Записать семинар</h2>
            <form method="post" action="/seminars">\(csrfField(req))
            <label for="date">Дата</label><input type="text" id="date" name="date" placeholder="ДД.ММ.ГГГГ" required>
            <label for="topic">Тема</label><input type="text" id="topic" name="topic" required maxlength="300">
            <label for="procedure">По результатам процедуры</label><select id="procedure" name="procedure"><option value="">—</option>\(options)</select>
            <label for="participants">Участники (школы или учителя), по строке</label><textarea id="participants" name="participants"></textarea>
            <label for="invited">Приглашено</label><input type="number" id="invited" name="invited" min="0" required>
            <label for="attended">Присутствовало</label><input type="number" id="attended" name="attended" min="0" required>
            <div class="actions"><button class="btn" type="submit">Записать</button></div>
            </form></section>
            """
        }
        return Layout.page(req, title: "Семинары", body: html)
    }

    struct Form: Content {
        var date: String
        var topic: String
        var procedure: String?
        var participants: String?
        var invited: Int
        var attended: Int
    }

    static func add(req: Request) async throws -> Response {
        let user = try req.require(editors)
        let mid = try user.requireMunicipalityID()
        let form = try req.content.decode(Form.self)
        var errors: [String] = []
        // «ДД.ММ.ГГГГ» as people type it, or ISO.
        let typed = form.date.trimmingCharacters(in: .whitespaces)
        let parts = typed.split(separator: ".")
        let date = parts.count == 3 ? LocalDate(iso: "\(parts[2])-\(parts[1].count == 1 ? "0" : "")\(parts[1])-\(parts[0].count == 1 ? "0" : "")\(parts[0])") : LocalDate(iso: typed)
        if date == nil { errors.append("Поле «Дата»: «\(form.date)» — ожидается ДД.ММ.ГГГГ.") }
        let topic = form.topic.trimmingCharacters(in: .whitespaces)
        if topic.isEmpty { errors.append("Поле «Тема»: укажите тему.") }
        if form.invited < 0 || form.attended < 0 || form.attended > form.invited { errors.append("«Присутствовало» — от 0 до числа приглашённых.") }
        var procedure: Procedure?
        if let id = form.procedure.flatMap(UUID.init(uuidString:)) {
            procedure = try await ProcedureController.visible(req).first { $0.id == id }
            if procedure == nil { errors.append("Поле «Процедура»: процедура не найдена.") }
        }
        guard errors.isEmpty, let date else {
            Flash.set(req, "error", "Семинар не записан.\n" + errors.joined(separator: "\n"))
            return req.redirect(to: "/seminars")
        }
        guard let m = try await Municipality.find(mid, on: req.db) else { throw AppError.notFound }
        let s = Seminar()
        s.$procedure.id = procedure?.id
        s.date = date.iso
        s.topic = topic
        s.participants = (form.participants ?? "").trimmingCharacters(in: .whitespacesAndNewlines).replacingOccurrences(of: "\r\n", with: "\n")
        s.invited = form.invited
        s.attended = form.attended
        s.createdBy = user.login
        s.regionID = m.$region.id
        s.municipalityID = mid
        try await req.db.transaction { db in
            try await s.create(on: db)
            try await Audit.record(on: db, actor: user.login, action: "create", entity: "seminar", id: s.id?.uuidString, summary: "Записан семинар «\(topic)» \(date.russian)",
                                   after: ["topic": topic, "date": date.iso, "attended": "\(form.attended) из \(form.invited)"], municipalityID: mid, regionID: m.$region.id)
        }
        Flash.set(req, "ok", "Семинар «\(topic)» записан.")
        return req.redirect(to: "/seminars")
    }
}
