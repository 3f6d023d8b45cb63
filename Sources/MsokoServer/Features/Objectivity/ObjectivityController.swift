import Fluent
import MsokoCore
import Vapor

/// Signs of non-objective results: the district's list for a procedure, across procedures
/// («повторно»), a school's card, and the district's thresholds. For those who manage quality only:
/// specialists and administrators see every school; a head sees their own school's card (with its
/// classes); nothing here is public, and no teacher is named.
enum ObjectivityController {
    static func register(_ app: Application) {
        app.on(Site.objectivityAcross, use: KeptPages.keep(across))
        app.on(Site.objectivityThresholds, use: saveThresholds)
        app.on(Site.objectivity, use: KeptPages.keep(list))
        app.on(Site.objectivityCard, use: KeptPages.keep(card))
        app.on(Site.objectivityReport, use: report)
    }

    static func list(req: Request) async throws -> Response {
        let user = try req.user
        let p = try await Procedures.find(req)
        if user.role == .head {
            guard let s = try await Schools.own(of: user, on: req.db) else { throw AppError.forbidden }
            return req.redirect(to: Site.objectivityCard.url(try p.requireID(), s.login))
        }
        let (loaded, risks, settings) = try await AnalysisQuery.objectivity(procedure: p, municipalityID: user.requireMunicipalityID(), on: req.db)
        let model = ObjectivityList(procedure: p, hasResults: loaded.analysis.district.participants > 0, risks: risks, settings: settings,
                                    showAll: req.query[String.self, at: "all"] == "1",
                                    indicator: req.query[String.self, at: "indicator"].flatMap(ObjectivitySignal.Indicator.init(rawValue:)))
        return Layout.page(req, title: "Признаки необъективности", body: model.view, crumbs: Crumb.procedure(p), paper: .landscape)
    }

    static func report(req: Request) async throws -> Response {
        let user = try req.user
        let p = try await Procedures.find(req)
        let mid = try user.requireMunicipalityID()
        let (_, risks, settings) = try await AnalysisQuery.objectivity(procedure: p, municipalityID: mid, on: req.db)
        let places = try await ProcedureParticipant.query(on: req.db).filter(\.$procedure.$id == p.requireID()).filter(\.$municipalityID == mid).all()
        let assigned = try await ObserverAssignment.query(on: req.db).filter(\.$procedure.$id == p.requireID()).filter(\.$municipalityID == mid).with(\.$school).all()
        let observed = places.filter { pp in assigned.contains { $0.$school.id == pp.$school.id && ($0.className == pp.className || $0.className.isEmpty) } }.count
        // The submitted acts of all assignments in one query.
        let acts = try await ObservationAct.query(on: req.db).filter(\.$assignment.$id ~~ assigned.compactMap(\.id)).all()
        let actOf = Dictionary(acts.map { ($0.$assignment.id, $0) }, uniquingKeysWith: { a, _ in a })
        let violations = assigned.compactMap { a -> String? in
            guard let act = actOf[a.id!], act.submittedAt != nil, !act.violations.isEmpty else { return nil }
            return "\(a.school.shortName)\(a.className.isEmpty ? "" : ", \(a.className)"): \(act.violations.replacingOccurrences(of: "\n", with: "; "))"
        }
        let doc = ObjectivityReport.document(title: ProcedureStore.title(p).replacingOccurrences(of: " · ", with: " "), risks: risks, settings: settings,
                                             observation: .init(places: places.count, observed: observed, violations: violations),
                                             context: try await DocumentContext.make(req, user: user, procedure: p))
        return try Download.docx(doc, name: "Справка об объективности \(ProcedureStore.title(p))")
    }

    static func card(req: Request) async throws -> Response {
        let user = try req.user
        let p = try await Procedures.find(req)
        guard let login = req.parameters.get("login") else { throw AppError.notFound }
        if user.role == .head {
            guard let own = try await Schools.own(of: user, on: req.db), own.login == login else { throw AppError.forbidden }
        }
        let (loaded, risks, settings) = try await AnalysisQuery.objectivity(procedure: p, municipalityID: user.requireMunicipalityID(), on: req.db)
        guard let school = risks.first(where: { $0.school == login && $0.className == nil }) else { throw AppError.notFound }
        var model = ObjectivityCard(procedure: p, school: school, classes: risks.filter { $0.school == login && $0.className != nil }, settings: settings)
        model.works = SuspiciousWorks.find(in: loaded.works, school: login, spec: loaded.analysis.spec, quantile: settings.personFitQuantile)
        var crumbs = Crumb.procedure(p)
        if Site.objectivity.access.allows(user.role) { crumbs.append(Crumb(Site.objectivity.url(try p.requireID()), "Признаки необъективности")) }
        return Layout.page(req, title: "Объективность: \(school.schoolName ?? login)", body: model.view, crumbs: crumbs, paper: .landscape)
    }

    /// Every procedure of the district: schools with signs, and those with signs more than once.
    static func across(req: Request) async throws -> Response {
        let user = try req.user
        let mid = try user.requireMunicipalityID()
        let settings = try await Settings.objectivity(municipalityID: mid, on: req.db)
        var bySchool: [String: ObjectivityAcross.Row] = [:]
        for p in try await Procedures.visible(to: user, on: req.db) {
            let (_, risks, _) = try await AnalysisQuery.objectivity(procedure: p, municipalityID: mid, on: req.db)
            for s in risks where s.className == nil {
                // The school's risk includes its classes'.
                let risk = s.risk
                guard risk >= settings.riskThreshold else { continue }
                let signs = Set(risks.filter { $0.school == s.school }.flatMap { $0.shownSignals(settings).map(\.indicator.title) }).sorted()
                bySchool[s.school, default: ObjectivityAcross.Row(login: s.school, name: s.schoolName ?? s.school, hits: [])].hits
                    .append((p.id!, ProcedureStore.title(p), risk, signs))
            }
        }
        let model = ObjectivityAcross(rows: bySchool.values.sorted { (a: ObjectivityAcross.Row, b: ObjectivityAcross.Row) in (a.hits.count, b.login) > (b.hits.count, a.login) }, settings: settings,
                                      canEdit: Site.objectivityThresholds.access.allows(user.role))
        return Layout.page(req, title: "Признаки необъективности", body: model.view(req.pageContext()), paper: .landscape)
    }

    static func saveThresholds(req: Request) async throws -> Response {
        let mid = try req.user.requireMunicipalityID()
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
            return req.redirect(to: Site.objectivityAcross.url, error: "Пороги не сохранены.\n" + errors.joined(separator: "\n"))
        }
        let json = try Audit.json(s)
        try await req.audited { db in
            try await Settings.set(Settings.objectivityKey, json, municipalityID: mid, on: db)
            return try AuditNote(action: "update", entity: "settings", id: mid, summary: "Изменены пороги признаков необъективности",
                                 before: ["objectivity": try Audit.json(before)], after: ["objectivity": json], municipalityID: mid, regionID: nil)
        }
        return req.redirect(to: Site.objectivityAcross.url, ok: "Пороги признаков сохранены.")
    }
}
