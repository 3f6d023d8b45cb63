import Fluent
import MsokoCore
import Vapor

/// Signs of non-objective results: the district's list for a procedure, across procedures
/// («повторно»), a school's card, and the district's thresholds. For those who manage quality only:
/// specialists and administrators see every school; a head sees their own school's card (with its
/// classes); nothing here is public, and no teacher is named.
enum ObjectivityController {
    static func register(_ app: Application) {
        app.on(Site.objectivityAcross, use: across)
        app.on(Site.objectivityThresholds, use: saveThresholds)
        app.on(Site.objectivity, use: list)
        app.on(Site.objectivityCard, use: card)
        app.on(Site.objectivityReport, use: report)
    }

    static let managers: Set<Role> = [.specialist, .admin]

    static func base(_ p: Procedure) -> String { "/procedures/\(p.id!.uuidString)/objectivity" }

    static func riskText(_ r: Double) -> String { ReferenceTable.format((r * 100).rounded() / 100) }

    static func list(req: Request) async throws -> Response {
        let user = try req.require(ProcedureController.readers)
        let p = try await ProcedureController.find(req)
        if user.role == .head {
            guard let sid = user.$school.id, let s = try await School.find(sid, on: req.db) else { throw AppError.forbidden }
            return req.redirect(to: "\(base(p))/schools/\(s.login)")
        }
        guard managers.contains(user.role) else { throw AppError.forbidden }
        let (loaded, risks, settings) = try await AnalysisQuery.objectivity(procedure: p, municipalityID: user.requireMunicipalityID(), on: req.db)
        let showAll = req.query[String.self, at: "all"] == "1"
        var html = "<h1>Признаки необъективности</h1><p class=\"muted\">\(esc(ProcedureStore.title(p)))</p>"
        html += "<p class=\"hint\">Для специалистов, управляющих качеством: не публикуется и не используется для оценки учителей. Признак — повод проверить (наблюдение, перепроверка работ, беседа с руководителем), а не вывод о нарушении.</p>"
        guard loaded.analysis.district.participants > 0 else {
            return page(req, p, html + "<section class=\"card\"><p>Результатов пока нет.</p></section>")
        }
        let schools = risks.filter { $0.className == nil }
        let flagged = Set(risks.filter { $0.hasSigns(settings) }.map(\.school))
        html += "<div class=\"actions no-print\"><a class=\"btn\" href=\"\(base(p))/report.docx\">Справка об объективности (DOCX)</a> <a class=\"btn secondary\" href=\"/procedures/\(p.id!.uuidString)/observers\">Наблюдатели</a> <a class=\"btn secondary\" href=\"/procedures/\(p.id!.uuidString)/recheck\">Перепроверка работ</a></div>"
        html += "<p class=\"no-print\">" + (showAll ? "<a href=\"\(base(p))\">Только школы с признаками</a> · <strong>Все школы</strong>"
                                                   : "<strong>Только школы с признаками</strong> · <a href=\"\(base(p))?all=1\">Все школы</a>") + "</p>"
        // Filter by sign: schools where that sign fired (in the school or a class).
        let indicator = req.query[String.self, at: "indicator"].flatMap(ObjectivitySignal.Indicator.init(rawValue:))
        let present = ObjectivitySignal.Indicator.allCases.filter { i in risks.contains { $0.signals.contains { $0.indicator == i } } }
        if !present.isEmpty {
            html += "<p class=\"no-print\">Признак: " + ([indicator == nil ? "<strong>любой</strong>" : "<a href=\"\(base(p))\(showAll ? "?all=1" : "")\">любой</a>"]
                + present.map { i in i == indicator ? "<strong>\(esc(i.title))</strong>" : "<a href=\"\(base(p))?indicator=\(i.rawValue)\(showAll ? "&amp;all=1" : "")\">\(esc(i.title))</a>" }).joined(separator: " · ") + "</p>"
        }
        let withIndicator = { (school: String) in indicator.map { i in risks.contains { $0.school == school && $0.signals.contains { $0.indicator == i } } } ?? true }
        let shown = schools.filter { (showAll || flagged.contains($0.school)) && withIndicator($0.school) }.sorted { max($0.risk, classRisk(risks, $0.school)) > max($1.risk, classRisk(risks, $1.school)) }
        if shown.isEmpty {
            html += "<section class=\"card\"><p>Школ с признаками необъективности (риск от \(riskText(settings.riskThreshold))) нет.</p></section>"
        } else {
            html += "<div class=\"table-wrap\"><table><thead><tr><th>Школа</th><th class=\"num\">Работ</th><th class=\"num\">Риск школы</th><th>Признаки</th><th>Классы с признаками</th></tr></thead><tbody>"
            for s in shown {
                let classes = risks.filter { $0.school == s.school && $0.className != nil && $0.hasSigns(settings) }
                    .map { "\(esc($0.className ?? "")) (\(riskText($0.risk)))" }.joined(separator: ", ")
                let signs = s.note ?? s.signals.map { esc($0.indicator.title) }.joined(separator: ", ")
                html += "<tr><td><a href=\"\(base(p))/schools/\(esc(s.school))\">\(esc(s.schoolName ?? s.school))</a></td><td class=\"num\">\(s.participants)</td>"
                    + "<td class=\"num\">\(s.hasSigns(settings) ? "<strong>\(riskText(s.risk))</strong>" : riskText(s.risk))</td><td>\(signs.isEmpty ? "—" : signs)</td><td>\(classes.isEmpty ? "—" : classes)</td></tr>"
            }
            html += "</tbody></table></div>"
        }
        html += "<p class=\"hint\">Риск от 0 до 1 объединяет сработавшие признаки; «есть признаки» — от \(riskText(settings.riskThreshold)) (порог в <a href=\"/objectivity\">настройках признаков</a>). Сравнение — с остальными школами района. Группы меньше \(settings.minimumGroup) работ не оцениваются.</p>"
        return page(req, p, html)
    }

    static func report(req: Request) async throws -> Response {
        let user = try req.require(managers)
        let p = try await ProcedureController.find(req)
        let mid = try user.requireMunicipalityID()
        let (_, risks, settings) = try await AnalysisQuery.objectivity(procedure: p, municipalityID: mid, on: req.db)
        let places = try await ProcedureParticipant.query(on: req.db).filter(\.$procedure.$id == p.requireID()).filter(\.$municipalityID == mid).all()
        let assigned = try await ObserverAssignment.query(on: req.db).filter(\.$procedure.$id == p.requireID()).filter(\.$municipalityID == mid).with(\.$school).all()
        let observed = places.filter { pp in assigned.contains { $0.$school.id == pp.$school.id && ($0.className == pp.className || $0.className.isEmpty) } }.count
        var violations: [String] = []
        for a in assigned {
            if let act = try await ObservationAct.query(on: req.db).filter(\.$assignment.$id == a.requireID()).first(), act.submittedAt != nil, !act.violations.isEmpty {
                violations.append("\(a.school.shortName)\(a.className.isEmpty ? "" : ", \(a.className)"): \(act.violations.replacingOccurrences(of: "\n", with: "; "))")
            }
        }
        let l = AnalysisController.Loaded(user: user, procedure: p, analysis: try await AnalysisQuery.analysis(procedure: p, municipalityID: mid, on: req.db))
        let doc = ObjectivityReport.document(title: ProcedureStore.title(p).replacingOccurrences(of: " · ", with: " "), risks: risks, settings: settings,
                                             observation: .init(places: places.count, observed: observed, violations: violations), context: try await AnalysisController.context(req, l))
        return try AnalysisController.docx(doc, name: "Справка об объективности \(ProcedureStore.title(p))")
    }

    static func classRisk(_ risks: [GroupRisk], _ school: String) -> Double {
        risks.filter { $0.school == school && $0.className != nil }.map(\.risk).max() ?? 0
    }

    static func page(_ req: Request, _ p: Procedure, _ html: String) -> Response {
        Layout.page(req, title: "Признаки необъективности", body: html,
                    crumbs: [("/procedures", "Оценочные процедуры"), ("/procedures/\(p.id!.uuidString)", ProcedureStore.title(p))])
    }

    static func signalsHTML(_ r: GroupRisk, _ settings: ObjectivitySettings) -> String {
        if let note = r.note { return "<p class=\"muted\">\(esc(note)).</p>" }
        guard !r.signals.isEmpty else { return "<p>Признаков не выявлено.</p>" }
        return "<ul>" + r.signals.map { x in
            // An observer's record of violations is a fact, not a statistic: no z beside it.
            let z = x.indicator == .observerEffect && x.reference == 0 ? "" : " <span class=\"muted\">(z = \(ReferenceTable.format((x.z * 10).rounded() / 10)))</span>"
            return "<li><strong>\(esc(x.indicator.title))</strong>: \(esc(x.explanation))\(z)</li>"
        }.joined() + "</ul>"
    }

    static func card(req: Request) async throws -> Response {
        let user = try req.require(ProcedureController.readers)
        let p = try await ProcedureController.find(req)
        guard let login = req.parameters.get("login") else { throw AppError.notFound }
        if user.role == .head {
            guard let sid = user.$school.id, let own = try await School.find(sid, on: req.db), own.login == login else { throw AppError.forbidden }
        } else if !managers.contains(user.role) {
            throw AppError.forbidden
        }
        let (_, risks, settings) = try await AnalysisQuery.objectivity(procedure: p, municipalityID: user.requireMunicipalityID(), on: req.db)
        guard let school = risks.first(where: { $0.school == login && $0.className == nil }) else { throw AppError.notFound }
        var html = "<h1>Объективность: \(esc(school.schoolName ?? login))</h1><p class=\"muted\">\(esc(ProcedureStore.title(p)))</p>"
        html += "<section class=\"card\"><h2>Школа: риск \(riskText(school.risk))\(school.hasSigns(settings) ? " — есть признаки" : "")</h2>\(signalsHTML(school, settings))</section>"
        for c in risks.filter({ $0.school == login && $0.className != nil }) {
            html += "<section class=\"card\"><h2>Класс \(esc(c.className ?? "")): риск \(riskText(c.risk))\(c.hasSigns(settings) ? " — есть признаки" : "")</h2>\(signalsHTML(c, settings))</section>"
        }
        html += "<p class=\"hint\">Сравнение — с остальными школами района. Признак — повод для проверки, а не вывод о нарушении; результаты не используются для оценки учителей.</p>"
        var crumbs = [("/procedures", "Оценочные процедуры"), ("/procedures/\(p.id!.uuidString)", ProcedureStore.title(p))]
        if managers.contains(user.role) { crumbs.append((base(p), "Признаки необъективности")) }
        return Layout.page(req, title: "Объективность: \(school.schoolName ?? login)", body: html, crumbs: crumbs)
    }

    /// Every procedure of the district: schools with signs, and those with signs more than once.
    static func across(req: Request) async throws -> Response {
        let user = try req.require(managers)
        let mid = try user.requireMunicipalityID()
        let procedures = try await ProcedureController.visible(req)
        let settings = try await Settings.objectivity(municipalityID: mid, on: req.db)
        var bySchool: [String: (name: String, hits: [(Procedure, Double, [String])])] = [:]
        for p in procedures {
            let (_, risks, _) = try await AnalysisQuery.objectivity(procedure: p, municipalityID: mid, on: req.db)
            for s in risks where s.className == nil {
                let risk = max(s.risk, classRisk(risks, s.school))
                guard risk >= settings.riskThreshold else { continue }
                let signs = Set(risks.filter { $0.school == s.school }.flatMap { $0.signals.map(\.indicator.title) }).sorted()
                bySchool[s.school, default: (s.schoolName ?? s.school, [])].hits.append((p, risk, signs))
            }
        }
        var html = "<h1>Признаки необъективности по всем процедурам</h1>\(Flash.take(req))"
        html += "<p class=\"hint\">Школы, где хотя бы в одной процедуре риск школы или её класса от \(riskText(settings.riskThreshold)). «Повторно» — признаки в двух процедурах и более (в том числе в разные годы).</p>"
        if bySchool.isEmpty {
            html += "<section class=\"card\"><p>Школ с признаками нет.</p></section>"
        } else {
            html += "<div class=\"table-wrap\"><table><thead><tr><th>Школа</th><th>Процедуры с признаками</th><th></th></tr></thead><tbody>"
            for (login, entry) in bySchool.sorted(by: { ($0.value.hits.count, $1.key) > ($1.value.hits.count, $0.key) }) {
                let items = entry.hits.map { p, r, signs in
                    "<a href=\"\(base(p))/schools/\(esc(login))\">\(esc(ProcedureStore.title(p)))</a> — \(riskText(r)) (\(esc(signs.joined(separator: ", "))))"
                }.joined(separator: "<br>")
                html += "<tr><td>\(esc(entry.name))</td><td>\(items)</td><td>\(entry.hits.count > 1 ? "<strong>повторно</strong>" : "")</td></tr>"
            }
            html += "</tbody></table></div>"
        }
        html += thresholdsForm(req, settings)
        return Layout.page(req, title: "Признаки необъективности", body: html)
    }

    static func thresholdsForm(_ req: Request, _ s: ObjectivitySettings) -> String {
        var html = "<section class=\"card no-print\"><h2>Пороги признаков</h2><form method=\"post\" action=\"/objectivity/thresholds\">\(csrfField(req))"
        for f in ObjectivitySettings.editable {
            html += "<label for=\"\(f.name)\">\(esc(f.title))</label><input type=\"text\" inputmode=\"decimal\" id=\"\(f.name)\" name=\"\(f.name)\" value=\"\(ReferenceTable.format((s.value(f.name) * 1000).rounded() / 1000))\">"
        }
        html += "<div class=\"actions\"><button class=\"btn\" type=\"submit\">Сохранить пороги</button></div>"
        html += "<div class=\"hint\">Значения по умолчанию подобраны на синтетических районах с подложенными манипуляциями (docs/objectivity.md).</div></form></section>"
        return html
    }

    static func saveThresholds(req: Request) async throws -> Response {
        let user = try req.require([.specialist])
        let mid = try user.requireMunicipalityID()
        let form = try req.content.decode([String: String].self)
        let before = try await Settings.objectivity(municipalityID: mid, on: req.db)
        var s = before
        var errors: [String] = []
        for f in ObjectivitySettings.editable {
            guard let text = form[f.name], let v = ReferenceTable.number(text), f.range.contains(v) else {
                errors.append("«\(f.title)»: ожидается число от \(ReferenceTable.format(f.range.lowerBound)) до \(ReferenceTable.format(f.range.upperBound)).")
                continue
            }
            s.set(f.name, v)
        }
        guard errors.isEmpty else {
            Flash.set(req, "error", "Пороги не сохранены.\n" + errors.joined(separator: "\n"))
            return req.redirect(to: "/objectivity")
        }
        let json = try Audit.json(s)
        try await req.db.transaction { db in
            try await Settings.set(Settings.objectivityKey, json, municipalityID: mid, on: db)
            try await Audit.record(on: db, actor: user.login, action: "update", entity: "settings", id: mid.uuidString, summary: "Изменены пороги признаков необъективности",
                                   before: ["objectivity": try Audit.json(before)], after: ["objectivity": json], municipalityID: mid, regionID: nil)
        }
        Flash.set(req, "ok", "Пороги признаков сохранены.")
        return req.redirect(to: "/objectivity")
    }
}
