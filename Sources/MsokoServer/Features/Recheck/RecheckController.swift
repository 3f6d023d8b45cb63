import Fluent
import SQLKit
import MsokoCore
import Vapor

/// The municipal re-check commission (issue 5 §3): a specialist draws a sample (risk-based plus a
/// random control share) and prints the list with blind codes to pull the paper originals; each
/// commission member sees only the works assigned to them, by blind code, without the school or its
/// scores, and enters task scores; the discrepancy analysis compares school and commission.
enum RecheckController {
    static func register(_ app: Application) {
        app.on(Site.recheck, use: page)
        app.on(Site.recheckCreate, use: create)
        app.on(Site.recheckReport, use: report)
        app.on(Site.recheckOrder, use: order)
        app.on(Site.commission, use: mine)
        app.on(Site.scoring, use: form)
        app.on(Site.scoringSave, use: save)
    }

    static let managers: Set<Role> = [.specialist, .admin]

    /// Indexes of the tasks a sample re-scores (all when none were chosen).
    static func selected(_ sample: RecheckSample, _ spec: ProcedureSpec) -> [Int] {
        let chosen = Set(sample.tasks.split(separator: ",").map { TaskNumber.normalize(String($0)) })
        return spec.tasks.indices.filter { chosen.isEmpty || chosen.contains(spec.tasks[$0].number) }
    }

    static func sample(_ p: Procedure, municipalityID: UUID, on db: Database) async throws -> RecheckSample? {
        try await RecheckSample.query(on: db).filter(\.$procedure.$id == p.requireID()).filter(\.$municipalityID == municipalityID).sort(\.$createdAt, .descending).first()
    }

    /// Re-scored works of the procedure's latest sample, with the school's scores and the commission's.
    static func pairs(_ sample: RecheckSample, on db: Database) async throws -> [Recheck.Pair] {
        let items = try await RecheckItem.query(on: db).filter(\.$sample.$id == sample.requireID()).with(\.$work).with(\.$school).all()
        let scorings = try await RecheckScoring.query(on: db).filter(\.$item.$id ~~ items.compactMap(\.id)).all().filter { $0.submittedAt != nil }
        guard let procedure = try await Procedure.find(sample.$procedure.id, on: db) else { return [] }
        let rescored = Set(selected(sample, try ProcedureStore.spec(of: procedure)))
        return items.compactMap { item in
            let done = scorings.filter { $0.$item.id == item.id }.compactMap { $0.scores.map { [UInt8]($0) } }
            guard let first = done.first else { return nil }
            // Two re-scorers: the mean per task, rounded down.
            let school = [UInt8](item.work.scores)
            // Tasks the sample does not re-score keep the school's score (no difference counted).
            let commission = first.indices.map { t -> UInt8 in
                guard rescored.contains(t) else { return school[t] }
                return done.count == 1 ? first[t] : UInt8(done.reduce(0) { $0 + Int($1[t] == WorkRecord.notDone ? 0 : $1[t]) } / done.count)
            }
            return Recheck.Pair(school: item.school.login, schoolScores: school, commissionScores: commission)
        }
    }

    static func page(req: Request) async throws -> Response {
        let user = try req.require(managers)
        let p = try await ProcedureController.find(req)
        let mid = try user.requireMunicipalityID()
        let spec = try ProcedureStore.spec(of: p)
        var html = "<h1>Перепроверка работ: \(esc(ProcedureStore.title(p)))</h1>\(Flash.take(req))"
        let members = try await User.query(on: req.db).filter(\.$municipality.$id == mid).filter(\.$role == .commission).all()
        guard let sample = try await sample(p, municipalityID: mid, on: req.db) else {
            html += """
            <section class="card"><h2>Выборка для муниципальной комиссии</h2>
            <p>Работы отбираются из классов с признаками необъективности (по убыванию риска, по очереди из каждого класса) и случайно из остальных — контрольная доля. Члены комиссии (\(members.count)) получают работы по слепым кодам.</p>
            <form method="post" action="/procedures/\(p.id!.uuidString)/recheck">\(csrfField(req))
            <label for="size">Работ в выборке</label><input type="number" id="size" name="size" min="1" max="1000" value="30" required>
            <label for="control">Контрольная (случайная) доля, %</label><input type="number" id="control" name="control" min="0" max="100" value="30" required>
            <label for="tasks">Задания для перепроверки (номера через запятую; пусто — все)</label><input type="text" id="tasks" name="tasks" placeholder="например: 8, 9.2, 10">
            <div class="check"><input type="checkbox" id="double" name="double" value="1"> <label for="double">Два независимых проверяющих на работу</label></div>
            <div class="actions"><button class="btn" type="submit">Сформировать выборку</button></div>
            </form></section>
            """
            return Layout.page(req, title: "Перепроверка работ", body: html, crumbs: [("/procedures", "Оценочные процедуры"), ("/procedures/\(p.id!.uuidString)", ProcedureStore.title(p))])
        }
        let items = try await RecheckItem.query(on: req.db).filter(\.$sample.$id == sample.requireID()).with(\.$work).with(\.$school).all()
            .sorted { $0.blindCode < $1.blindCode }
        let scorings = try await RecheckScoring.query(on: req.db).filter(\.$item.$id ~~ items.compactMap(\.id)).with(\.$user).all()
        let done = scorings.filter { $0.submittedAt != nil }.count
        html += "<div class=\"actions no-print\"><a class=\"btn\" href=\"/procedures/\(p.id!.uuidString)/recheck/report.docx\">Справка о перепроверке (DOCX)</a> <a class=\"btn secondary\" href=\"/procedures/\(p.id!.uuidString)/recheck/order.docx\">Приказ о комиссии (DOCX)</a> <a class=\"btn secondary\" href=\"/procedures/\(p.id!.uuidString)/recheck/errors.docx\">Типичные ошибки оценивания (DOCX)</a> <a class=\"btn secondary\" href=\"/seminars\">Семинары</a></div>"
        html += "<p>Выборка: \(items.count) работ (из них контрольных \(items.filter { $0.reason == "control" }.count)); перепроверяются задания: \(sample.tasks.isEmpty ? "все" : sample.tasks.replacingOccurrences(of: ",", with: ", ")); проверок сдано \(done) из \(scorings.count).</p>"

        let pairs = try await pairs(sample, on: req.db)
        if !pairs.isEmpty {
            let all = Recheck.figures(pairs, spec: spec)
            func row(_ name: String, _ f: Recheck.Figures) -> String {
                let fmt = { (v: Double?) in v.map { ReferenceTable.format(($0 * 100).rounded() / 100) } ?? "—" }
                return "<tr><td>\(esc(name))</td><td class=\"num\">\(f.works)</td><td class=\"num\">\(fmt(f.meanDifference))</td><td class=\"num\">\(f.markChanged.map { ReferenceTable.format(($0 * 1000).rounded() / 10) + " %" } ?? "—")</td><td class=\"num\">\(fmt(f.kappa))</td><td class=\"num\">\(fmt(f.weightedKappa))</td><td class=\"num\">\(fmt(f.icc))</td></tr>"
            }
            html += "<h2>Расхождения</h2><div class=\"table-wrap\"><table><thead><tr><th></th><th class=\"num\">Работ</th><th class=\"num\">Школа − комиссия, балл</th><th class=\"num\">Отметка изменилась</th><th class=\"num\">κ</th><th class=\"num\">κ взвеш.</th><th class=\"num\">ICC</th></tr></thead><tbody>"
            html += row("Все перепроверенные", all)
            for school in Set(pairs.map(\.school)).sorted() {
                let name = items.first { $0.school.login == school }?.school.shortName ?? school
                html += row(name, Recheck.figures(pairs.filter { $0.school == school }, spec: spec))
            }
            html += "</tbody></table></div>"
            html += "<h2>По заданиям: школа − комиссия, средний балл</h2><div class=\"table-wrap\"><table><thead><tr>" + spec.tasks.map { "<th class=\"num\">\(esc($0.number))</th>" }.joined() + "</tr></thead><tbody><tr>"
                + all.taskDifferences.map { "<td class=\"num\">\(ReferenceTable.format(($0 * 100).rounded() / 100))</td>" }.joined() + "</tr></tbody></table></div>"
            html += "<p class=\"hint\">Положительная разница — школа поставила больше, чем комиссия. κ — согласие отметок (1 — полное), взвешенный κ учитывает, насколько отметки разошлись; ICC — согласие первичных баллов.</p>"
        }
        html += "<h2>Список для подбора оригиналов</h2><p class=\"hint\">Только для специалиста: по этому списку достаются бумажные работы, на них пишется слепой код; членам комиссии видны лишь коды.</p>"
        html += "<div class=\"table-wrap\"><table><thead><tr><th>Слепой код</th><th>Школа</th><th>Класс</th><th>Код участника</th><th>Отбор</th><th>Проверяющие</th></tr></thead><tbody>"
        for item in items {
            let who = scorings.filter { $0.$item.id == item.id }.map { "\(esc($0.user.name))\($0.submittedAt != nil ? " ✓" : "")" }.joined(separator: ", ")
            html += "<tr><td>\(esc(item.blindCode))</td><td>\(esc(item.school.shortName))</td><td>\(esc(item.work.className))</td><td>\(esc(item.work.code))</td><td>\(item.reason == "risk" ? "признаки" : "контроль")</td><td>\(who)</td></tr>"
        }
        html += "</tbody></table></div>"
        return Layout.page(req, title: "Перепроверка работ", body: html, crumbs: [("/procedures", "Оценочные процедуры"), ("/procedures/\(p.id!.uuidString)", ProcedureStore.title(p))])
    }

    static func fmt(_ v: Double?) -> String { v.map { ReferenceTable.format(($0 * 100).rounded() / 100) } ?? "—" }

    /// «Справка о результатах перепроверки»: the sample, agreement overall and per school, tasks with
    /// systematic over-scoring, conclusions.
    static func report(req: Request) async throws -> Response {
        let user = try req.require(managers)
        let p = try await ProcedureController.find(req)
        let mid = try user.requireMunicipalityID()
        guard let sample = try await sample(p, municipalityID: mid, on: req.db) else { throw AppError.notFound }
        let spec = try ProcedureStore.spec(of: p)
        let pairs = try await pairs(sample, on: req.db)
        let items = try await RecheckItem.query(on: req.db).filter(\.$sample.$id == sample.requireID()).with(\.$school).all()
        let l = AnalysisController.Loaded(user: user, procedure: p, analysis: try await AnalysisQuery.analysis(procedure: p, municipalityID: mid, on: req.db))
        let ctx = try await AnalysisController.context(req, l)
        var doc = DocxDocument(title: "Справка о перепроверке: \(ProcedureStore.title(p))")
        for line in ctx.letterhead where !line.isEmpty { doc.paragraph(line, alignment: .center) }
        doc.paragraph("Справка", style: .title, alignment: .center)
        doc.paragraph("о результатах перепроверки работ \(p.type) \(p.year) по предмету «\(p.subject)», \(p.grade) класс, муниципальной комиссией", alignment: .center, bold: true)
        if !ctx.today.isEmpty { doc.paragraph(ctx.today, alignment: .right) }
        doc.paragraph("1. Выборка", style: .heading1)
        doc.paragraph("Перепроверено \(pairs.count) из \(items.count) отобранных работ \(Set(items.map(\.school.login)).count) школ: из классов с признаками необъективности — \(items.filter { $0.reason == "risk" }.count), контрольная случайная выборка — \(items.filter { $0.reason == "control" }.count). Проверка слепая: работы переданы комиссии под кодами, без баллов школы\(sample.doubleScoring ? "; каждую работу проверяли два члена комиссии независимо" : "").", alignment: .both)
        guard !pairs.isEmpty else {
            doc.paragraph("Баллы комиссии ещё не сданы.")
            return try AnalysisController.docx(doc, name: "Справка о перепроверке \(ProcedureStore.title(p))")
        }
        let all = Recheck.figures(pairs, spec: spec)
        doc.paragraph("2. Согласие оценивания", style: .heading1)
        var rows: [[DocxDocument.Cell]] = []
        func row(_ name: String, _ f: Recheck.Figures) -> [DocxDocument.Cell] {
            [DocxDocument.Cell(name), DocxDocument.Cell(String(f.works)), DocxDocument.Cell(fmt(f.meanDifference)),
             DocxDocument.Cell(f.markChanged.map { ReferenceTable.format(($0 * 1000).rounded() / 10) + " %" } ?? "—"),
             DocxDocument.Cell(fmt(f.kappa)), DocxDocument.Cell(fmt(f.weightedKappa)), DocxDocument.Cell(fmt(f.icc))]
        }
        rows.append(row("Все перепроверенные", all))
        let schools = Set(pairs.map(\.school)).sorted()
        for school in schools { rows.append(row(items.first { $0.school.login == school }?.school.shortName ?? school, Recheck.figures(pairs.filter { $0.school == school }, spec: spec))) }
        doc.add(DocxDocument.Table(widths: [4, 1, 2, 2, 1, 1, 1], header: ["Группа", "Работ", "Школа − комиссия, балл", "Отметка изменилась", "κ", "κ взв.", "ICC"], rows: rows))
        doc.paragraph("Положительная разница — школа поставила больше, чем комиссия. κ — согласие отметок (1 — полное, 0 — на уровне случайного), взвешенный κ учитывает величину расхождения; ICC — согласие первичных баллов.", style: .small)
        doc.paragraph("3. Задания", style: .heading1)
        doc.add(DocxDocument.Table(widths: [1, 1, 1, 2], header: ["Задание", "Уровень", "Макс.", "Школа − комиссия"], rows: spec.tasks.enumerated().map { t, task in
            [DocxDocument.Cell(task.number), DocxDocument.Cell(task.level.rawValue), DocxDocument.Cell(String(task.max)), DocxDocument.Cell(fmt(all.taskDifferences[t]))]
        }))
        let over = spec.tasks.indices.filter { all.taskDifferences[$0] >= 0.25 }.sorted { all.taskDifferences[$0] > all.taskDifferences[$1] }
        doc.paragraph("4. Выводы", style: .heading1)
        doc.paragraph(all.meanDifference >= 1 ? "Школы в среднем завышают первичный балл на \(fmt(all.meanDifference)) по сравнению с комиссией; отметка изменилась у \(all.markChanged.map { ReferenceTable.format(($0 * 1000).rounded() / 10) } ?? "—") % работ."
                      : "Существенного систематического завышения баллов не выявлено (средняя разница \(fmt(all.meanDifference)) балла).", alignment: .both)
        if !over.isEmpty {
            doc.paragraph("Систематически завышаются баллы за задания " + over.map { "\(spec.tasks[$0].number) (на \(fmt(all.taskDifferences[$0])))" }.joined(separator: ", ") + " — материал для семинара по типичным ошибкам оценивания (мероприятие 3.2).", alignment: .both)
        }
        for school in schools {
            let f = Recheck.figures(pairs.filter { $0.school == school }, spec: spec)
            if f.meanDifference >= 1 { doc.paragraph("— \(items.first { $0.school.login == school }?.school.shortName ?? school): завышение на \(fmt(f.meanDifference)) балла в среднем; рекомендуется обсудить с руководителем школы (мероприятие 1.5).", alignment: .both) }
        }
        doc.paragraph("")
        for line in ctx.signature where !line.isEmpty { doc.paragraph(line) }
        return try AnalysisController.docx(doc, name: "Справка о перепроверке \(ProcedureStore.title(p))")
    }

    /// «О создании муниципальной комиссии по перепроверке», with the members (users with that role).
    static func order(req: Request) async throws -> Response {
        let user = try req.require(managers)
        let p = try await ProcedureController.find(req)
        let mid = try user.requireMunicipalityID()
        guard let m = try await Municipality.find(mid, on: req.db) else { throw AppError.notFound }
        let members = try await User.query(on: req.db).filter(\.$municipality.$id == mid).filter(\.$role == .commission).filter(\.$isDisabled == false).sort(\.$name).all()
        var doc = DocxDocument.order(title: "Приказ о муниципальной комиссии по перепроверке", letterhead: try await Settings.letterhead(m, on: req.db).components(separatedBy: "\n"),
                                     subject: "О создании муниципальной комиссии по перепроверке работ \(p.type) \(p.year) по предмету «\(p.subject)», \(p.grade) класс",
                                     preamble: "В целях обеспечения объективности оценивания (мероприятие 3.3 дорожной карты по повышению качества образования на \(p.schoolYear) учебный год)")
        doc.paragraph("1. Создать муниципальную комиссию по перепроверке работ в составе:", alignment: .both)
        for (i, u) in members.enumerated() { doc.paragraph("\(i + 1)) \(u.name)") }
        if members.isEmpty { doc.paragraph("(состав комиссии не назначен: добавьте пользователей с ролью «член комиссии»)") }
        doc.paragraph("2. Комиссии перепроверить работы выборки по слепым кодам в соответствии с критериями оценивания и внести баллы в МСОКО.", alignment: .both)
        doc.paragraph("3. Руководителям общеобразовательных организаций обеспечить передачу оригиналов работ по списку выборки.", alignment: .both)
        doc.paragraph("4. Контроль исполнения приказа оставляю за собой.", alignment: .both)
        for line in try await Settings.signature(m, on: req.db).components(separatedBy: "\n") where !line.isEmpty { doc.paragraph(line) }
        return try AnalysisController.docx(doc, name: "Приказ о комиссии по перепроверке \(ProcedureStore.title(p))")
    }

    struct CreateForm: Content { var size: Int; var control: Double; var double: String?; var tasks: String? }

    static func create(req: Request) async throws -> Response {
        let user = try req.require([.specialist])
        let p = try await ProcedureController.find(req)
        let mid = try user.requireMunicipalityID()
        let form = try req.content.decode(CreateForm.self)
        let back = req.redirect(to: "/procedures/\(p.id!.uuidString)/recheck")
        guard (1...1000).contains(form.size), (0...100).contains(form.control) else {
            Flash.set(req, "error", "Выборка не сформирована: работ — от 1 до 1000, контрольная доля — от 0 до 100 %.")
            return back
        }
        if try await sample(p, municipalityID: mid, on: req.db) != nil { throw AppError.conflict("Выборка для этой процедуры уже сформирована.") }
        let spec = try ProcedureStore.spec(of: p)
        let wanted = (form.tasks ?? "").split(whereSeparator: { $0 == "," || $0 == " " || $0 == ";" }).map { TaskNumber.normalize(String($0)) }
        let unknown = wanted.filter { n in !spec.tasks.contains { $0.number == n } }
        guard unknown.isEmpty else {
            Flash.set(req, "error", "Выборка не сформирована: заданий \(unknown.joined(separator: ", ")) в спецификации нет (есть: \(spec.tasks.map(\.number).joined(separator: ", "))).")
            return back
        }
        let members = try await User.query(on: req.db).filter(\.$municipality.$id == mid).filter(\.$role == .commission).filter(\.$isDisabled == false).all()
        let double = form.double == "1"
        guard members.count >= (double ? 2 : 1) else {
            Flash.set(req, "error", "Выборка не сформирована: в районе \(members.count) членов комиссии, нужно \(double ? "не меньше двух" : "хотя бы один") (роль «член комиссии» в пользователях).")
            return back
        }
        let (loaded, risks, settings) = try await AnalysisQuery.objectivity(procedure: p, municipalityID: mid, on: req.db)
        _ = loaded
        let works = try await WorkRow.query(on: req.db).filter(\.$procedure.$id == p.requireID()).filter(\.$municipalityID == mid).with(\.$school).all()
        let riskOf = Dictionary(risks.map { ("\($0.school)|\($0.className ?? "")", $0.risk) }, uniquingKeysWith: max)
        let candidates = works.map { w in
            Recheck.Candidate(id: w.id!, school: w.school.login, className: w.className,
                              risk: max(riskOf["\(w.school.login)|\(w.className)"] ?? 0, riskOf["\(w.school.login)|"] ?? 0))
        }
        let chosen = Recheck.sample(candidates, size: form.size, controlShare: form.control / 100, threshold: settings.riskThreshold,
                                    seed: UInt64(truncatingIfNeeded: req.application.now.timeIntervalSince1970.bitPattern))
        guard let m = try await Municipality.find(mid, on: req.db) else { throw AppError.notFound }
        let byID = Dictionary(uniqueKeysWithValues: works.map { ($0.id!, $0) })
        let s = RecheckSample()
        s.$procedure.id = try p.requireID()
        s.size = chosen.count
        s.controlShare = form.control / 100
        s.doubleScoring = double
        s.tasks = wanted.joined(separator: ",")
        s.createdBy = user.login
        s.regionID = m.$region.id
        s.municipalityID = mid
        do {
            try await createSample(s, chosen: chosen, byID: byID, members: members, double: double, user: user, procedure: p, control: form.control, municipality: m, on: req.db)
        } catch let e as DatabaseError where e.isConstraintFailure {
            // A second submit that lost the race against the first (the unique index decides).
            throw AppError.conflict("Выборка для этой процедуры уже сформирована.")
        }
        Flash.set(req, "ok", "Выборка сформирована: \(chosen.count) работ.")
        return back
    }

    static func createSample(_ s: RecheckSample, chosen: [(candidate: Recheck.Candidate, code: String, reason: String)], byID: [UUID: WorkRow], members: [User], double: Bool, user: User,
                             procedure p: Procedure, control: Double, municipality m: Municipality, on db: Database) async throws {
        let mid = s.municipalityID
        try await db.transaction { db in
            try await s.create(on: db)
            for (n, c) in chosen.enumerated() {
                let item = RecheckItem()
                item.$sample.id = try s.requireID()
                item.$work.id = c.candidate.id
                item.$school.id = byID[c.candidate.id]!.$school.id
                item.blindCode = c.code
                item.reason = c.reason
                try await item.create(on: db)
                // Members in turn; with two re-scorers, the next member as well.
                for k in 0..<(double ? 2 : 1) {
                    let scoring = RecheckScoring()
                    scoring.$item.id = try item.requireID()
                    scoring.$user.id = try members[(n + k) % members.count].requireID()
                    try await scoring.create(on: db)
                }
            }
            try await Audit.record(on: db, actor: user.login, action: "create", entity: "recheck_sample", id: s.id?.uuidString,
                                   summary: "Выборка для перепроверки: \(ProcedureStore.title(p)), работ \(chosen.count)",
                                   after: ["size": "\(chosen.count)", "control": "\(control)", "double": double ? "да" : "нет"], municipalityID: mid, regionID: m.$region.id)
        }
    }

    // MARK: the commission member's view: blind codes only

    static func mine(req: Request) async throws -> Response {
        let user = try req.require([.commission])
        let scorings = try await RecheckScoring.query(on: req.db).filter(\.$user.$id == user.requireID()).with(\.$item) { $0.with(\.$sample) { $0.with(\.$procedure) } }.all()
        var html = "<h1>Перепроверка: мои работы</h1>\(Flash.take(req))"
        if scorings.isEmpty { html += "<section class=\"card\"><p>Работ на перепроверку пока нет.</p></section>" }
        else {
            html += "<div class=\"table-wrap\"><table><thead><tr><th>Слепой код</th><th>Процедура</th><th>Состояние</th></tr></thead><tbody>"
            for s in scorings.sorted(by: { $0.item.blindCode < $1.item.blindCode }) {
                html += "<tr><td><a href=\"/commission/scorings/\(s.id!.uuidString)\">\(esc(s.item.blindCode))</a></td><td>\(esc(ProcedureStore.title(s.item.sample.procedure)))</td><td>\(s.submittedAt != nil ? "сдано" : "не проверено")</td></tr>"
            }
            html += "</tbody></table></div>"
        }
        return Layout.page(req, title: "Перепроверка", body: html)
    }

    static func scoring(_ req: Request) async throws -> (User, RecheckScoring, ProcedureSpec) {
        let user = try req.require([.commission])
        guard let id = req.parameters.get("scoringID", as: UUID.self),
              let s = try await RecheckScoring.query(on: req.db).filter(\.$id == id).with(\.$item) { $0.with(\.$sample) { $0.with(\.$procedure) } }.first(),
              s.$user.id == user.id else { throw AppError.notFound }
        return (user, s, try ProcedureStore.spec(of: s.item.sample.procedure))
    }

    static func form(req: Request) async throws -> Response {
        let (_, s, spec) = try await scoring(req)
        return render(req, s, spec, values: s.scores.map { [UInt8]($0).map { $0 == WorkRecord.notDone ? "X" : String($0) } } ?? [], errors: [], tasks: selected(s.item.sample, spec))
    }

    static func render(_ req: Request, _ s: RecheckScoring, _ spec: ProcedureSpec, values: [String], errors: [String], tasks: [Int], status: HTTPStatus = .ok) -> Response {
        let locked = s.submittedAt != nil
        var html = "<h1>Работа \(esc(s.item.blindCode))</h1><p>\(esc(ProcedureStore.title(s.item.sample.procedure)))</p>"
        if !errors.isEmpty { html += "<div class=\"flash error\" role=\"alert\"><p>Баллы не сохранены:</p><ul>" + errors.map { "<li>\(esc($0))</li>" }.joined() + "</ul></div>" }
        if locked { html += "<div class=\"flash ok\">Баллы сданы и больше не изменяются.</div>" }
        html += "<form method=\"post\" action=\"/commission/scorings/\(s.id!.uuidString)\">\(csrfField(req))<div class=\"table-wrap\"><table><thead><tr><th>Задание</th><th class=\"num\">Макс.</th><th class=\"num\">Балл</th></tr></thead><tbody>"
        for t in tasks {
            let task = spec.tasks[t]
            let v = t < values.count ? values[t] : ""
            html += "<tr><td>\(esc(task.number))</td><td class=\"num\">\(task.max)</td><td class=\"num\"><input class=\"figure\" type=\"text\" inputmode=\"numeric\" name=\"t\(t)\" aria-label=\"Задание \(esc(task.number))\" value=\"\(esc(v))\"\(locked ? " disabled" : "")></td></tr>"
        }
        html += "</tbody></table></div>"
        if !locked { html += "<p class=\"hint\">Целое число от 0 до максимума или X, если задание не выполнялось. Баллы школы не показываются: проверка слепая.</p><div class=\"actions\"><button class=\"btn\" type=\"submit\">Сдать баллы</button></div>" }
        html += "</form>"
        let r = Layout.page(req, title: "Работа \(s.item.blindCode)", body: html, crumbs: [("/commission", "Перепроверка")])
        r.status = status
        return r
    }

    static func save(req: Request) async throws -> Response {
        let (user, s, spec) = try await scoring(req)
        guard s.submittedAt == nil else { throw AppError.conflict("Баллы уже сданы.") }
        let form = try req.content.decode([String: String].self)
        var scores: [UInt8] = []
        var errors: [String] = []
        let tasks = Set(selected(s.item.sample, spec))
        let values = spec.tasks.indices.map { (form["t\($0)"] ?? "").trimmingCharacters(in: .whitespaces) }
        for (t, task) in spec.tasks.enumerated() {
            // A task the sample does not re-score: no entry (the school's score stands in the analysis).
            guard tasks.contains(t) else { scores.append(WorkRecord.notDone); continue }
            let text = values[t]
            if text.uppercased() == "X" || text.uppercased() == "Х" { scores.append(WorkRecord.notDone); continue }
            guard let v = Int(text), (0...task.max).contains(v) else {
                errors.append("Задание \(task.number): «\(text)» — ожидается целое число от 0 до \(task.max) или X.")
                continue
            }
            scores.append(UInt8(v))
        }
        guard errors.isEmpty else { return render(req, s, spec, values: values, errors: errors, tasks: Array(tasks).sorted(), status: .unprocessableEntity) }
        let entered = scores
        let sample = s.item.sample
        let item = s.item
        let sid = try s.requireID()
        let now = req.application.now
        try await req.db.transaction { db in
            // Scores lock with the first submission: the update takes effect only where none was
            // made yet, so of concurrent submissions exactly one is stored (and audited).
            guard let sql = db as? SQLDatabase else { throw AppError.conflict("База данных не поддерживает SQL.") }
            let updated = try await sql.update(RecheckScoring.schema)
                .set("scores", to: SQLBind(Data(entered))).set("submitted_at", to: SQLBind(now))
                .where("id", .equal, SQLBind(sid)).where("submitted_at", .is, SQLLiteral.null)
                .returning("id").all()
            guard !updated.isEmpty else { throw AppError.conflict("Баллы уже сданы.") }
            try await Audit.record(on: db, actor: user.login, action: "submit", entity: "recheck_scoring", id: s.id?.uuidString,
                                   summary: "Перепроверка: сданы баллы работы \(item.blindCode)", after: ["scores": entered.map(String.init).joined(separator: " ")],
                                   municipalityID: sample.municipalityID, regionID: sample.regionID)
        }
        Flash.set(req, "ok", "Баллы работы \(item.blindCode) сданы.")
        return req.redirect(to: "/commission")
    }
}
