import Fluent
import MsokoCore
import Vapor

/// The record an agenda item or a decision is about (issue 15 §1): a school's objectivity card,
/// an analysis or its справка, a gap plan, an observer's act, a re-check, a roadmap measure.
/// Stored as a kind and the procedure or record it points at; the school is the item's own.
enum RecordLink {
    enum Kind: String, CaseIterable, Sendable {
        case objectivity, analysis, analysisReport, recheck, gapPlan, observerAct, measure

        var title: String {
            switch self {
            case .objectivity: return "Признаки необъективности (карточка школы)"
            case .analysis: return "Анализ результатов"
            case .analysisReport: return "Аналитическая справка"
            case .recheck: return "Перепроверка работ"
            case .gapPlan: return "План ликвидации пробелов"
            case .observerAct: return "Акт наблюдения"
            case .measure: return "Мероприятие дорожной карты"
            }
        }

        /// Points at a procedure (the rest at a record of their own).
        var isProcedure: Bool { [.objectivity, .analysis, .analysisReport, .recheck].contains(self) }
    }

    /// A choice in the item form: «analysis:UUID».
    struct Choice {
        var value: String
        var label: String
        var group: String
    }

    /// What the link names, resolved for showing: the label and, when the viewer may open it, the URL.
    struct Shown {
        var label: String
        var url: SiteURL?
    }

    /// The records an editor may link: the procedures they see, the district's (or their school's)
    /// gap plans, submitted observers' acts (for the district), the current roadmap's measures.
    static func choices(for user: User, school: UUID?, on db: Database) async throws -> [Choice] {
        let mid = try user.requireMunicipalityID()
        var out: [Choice] = []
        let procedures = try await Procedures.visible(to: user, on: db).sorted { ($0.year, ProcedureStore.title($0)) > ($1.year, ProcedureStore.title($1)) }.prefix(30)
        for p in procedures {
            let t = ProcedureStore.title(p)
            for k in [Kind.objectivity, .analysis, .analysisReport, .recheck] where k != .recheck || user.role.seesDistrict {
                out.append(Choice(value: "\(k.rawValue):\(p.id!)", label: "\(k.title): \(t)", group: k.title))
            }
        }
        let plans = GapPlan.query(on: db).filter(\.$municipalityID == mid).with(\.$school).with(\.$procedure)
        if user.role.needsSchool, let own = user.$school.id { plans.filter(\.$school.$id == own) } else if let school { plans.filter(\.$school.$id == school) }
        for plan in try await plans.sort(\.$createdAt, .descending).limit(50).all() {
            out.append(Choice(value: "\(Kind.gapPlan.rawValue):\(plan.id!)", label: "План \(plan.className), \(plan.school.shortName): \(ProcedureStore.title(plan.procedure))", group: Kind.gapPlan.title))
        }
        if user.role.seesDistrict {
            let acts = try await ObservationAct.query(on: db).filter(\.$submittedAt != nil).with(\.$assignment) { $0.with(\.$school).with(\.$procedure) }
                .sort(\.$submittedAt, .descending).limit(50).all()
            for a in acts where a.assignment.municipalityID == mid {
                out.append(Choice(value: "\(Kind.observerAct.rawValue):\(a.id!)", label: "Акт: \(a.assignment.school.shortName)\(a.assignment.className.isEmpty ? "" : ", \(a.assignment.className)"), \(ProcedureStore.title(a.assignment.procedure))", group: Kind.observerAct.title))
            }
        }
        let tracker = try await Roadmap.query(on: db).filter(\.$municipality.$id == mid).sort(\.$schoolYear, .descending).first()
        if let r = tracker {
            for m in try await Measure.query(on: db).filter(\.$roadmap.$id == r.requireID()).sort(\.$position).all() {
                out.append(Choice(value: "\(Kind.measure.rawValue):\(m.id!)", label: "\(m.number) \(String(m.title.prefix(90)))\(m.title.count > 90 ? "…" : "")", group: Kind.measure.title + " (\(r.schoolYear))"))
            }
        }
        return out
    }

    /// A form's «kind:UUID» read back: nil for none; a problem when it is not among the choices.
    static func parse(_ value: String?, choices: [Choice], field: String, errors: inout [String]) -> (Kind, UUID)? {
        guard let v = value?.trimmingCharacters(in: .whitespaces), !v.isEmpty else { return nil }
        let parts = v.split(separator: ":", maxSplits: 1).map(String.init)
        guard parts.count == 2, let k = Kind(rawValue: parts[0]), let id = UUID(uuidString: parts[1]), choices.contains(where: { $0.value == v }) else {
            errors.append("\(field): такой записи нет среди доступных.")
            return nil
        }
        return (k, id)
    }

    /// The links of many items and decisions resolved at once (a fixed number of queries).
    struct Resolver {
        var procedures: [UUID: Procedure] = [:]
        var plans: [UUID: GapPlan] = [:]
        var acts: [UUID: ObservationAct] = [:]
        var measures: [UUID: Measure] = [:]
        var schools: [UUID: School] = [:]

        static func load(_ links: [(kind: String?, procedure: UUID?, record: UUID?)], schools: [UUID], on db: Database) async throws -> Resolver {
            var r = Resolver()
            let pids = Set(links.compactMap(\.procedure))
            let rids = Set(links.compactMap(\.record))
            if !pids.isEmpty { for p in try await Procedure.query(on: db).filter(\.$id ~~ Array(pids)).all() { r.procedures[p.id!] = p } }
            if !rids.isEmpty {
                let ids = Array(rids)
                for p in try await GapPlan.query(on: db).filter(\.$id ~~ ids).with(\.$school).all() { r.plans[p.id!] = p }
                for a in try await ObservationAct.query(on: db).filter(\.$id ~~ ids).with(\.$assignment) { $0.with(\.$school) }.all() { r.acts[a.id!] = a }
                for m in try await Measure.query(on: db).filter(\.$id ~~ ids).all() { r.measures[m.id!] = m }
            }
            if !schools.isEmpty { for s in try await School.query(on: db).filter(\.$id ~~ Array(Set(schools))).all() { r.schools[s.id!] = s } }
            return r
        }

        /// The link as `role` sees it: the label always (the record is about the viewer's scope, or
        /// it would have been cut), the URL only where the endpoint admits the role.
        func shown(kind: String?, procedure: UUID?, record: UUID?, school: UUID?, role: Role) -> Shown? {
            guard let kind = kind.flatMap(Kind.init(rawValue:)) else { return nil }
            let s = school.flatMap { schools[$0] }
            switch kind {
            case .objectivity, .analysis, .analysisReport, .recheck:
                guard let pid = procedure, let p = procedures[pid] else { return Shown(label: "\(kind.title): запись удалена", url: nil) }
                let t = ProcedureStore.title(p)
                let label = "\(kind.title): \(t)\(s.map { ", \($0.shortName)" } ?? "")"
                let url: SiteURL?
                switch (kind, s) {
                case (.objectivity, let s?): url = Site.objectivityCard.admits(role) ? Site.objectivityCard.url(pid, s.login) : nil
                case (.objectivity, nil): url = Site.objectivity.admits(role) ? Site.objectivity.url(pid) : nil
                case (.analysis, let s?): url = Site.analysisSchool.admits(role) ? Site.analysisSchool.url(pid, s.login) : nil
                case (.analysis, nil): url = Site.analysis.admits(role) ? Site.analysis.url(pid) : nil
                case (.analysisReport, let s?): url = Site.analysisSchoolReport.admits(role) ? Site.analysisSchoolReport.url(pid, s.login) : nil
                case (.analysisReport, nil): url = Site.analysisReport.admits(role) ? Site.analysisReport.url(pid) : nil
                default: url = Site.recheck.admits(role) ? Site.recheck.url(pid) : nil
                }
                return Shown(label: label, url: url)
            case .gapPlan:
                guard let id = record, let plan = plans[id] else { return Shown(label: "\(kind.title): запись удалена", url: nil) }
                return Shown(label: "План ликвидации пробелов \(plan.className), \(plan.school.shortName)", url: Site.gapPlan.admits(role) ? Site.gapPlan.url(id) : nil)
            case .observerAct:
                guard let id = record, let a = acts[id] else { return Shown(label: "\(kind.title): запись удалена", url: nil) }
                return Shown(label: "Акт наблюдения: \(a.assignment.school.shortName)\(a.assignment.className.isEmpty ? "" : ", \(a.assignment.className)")",
                             url: Site.observerAct.admits(role) ? Site.observerAct.url(id) : nil)
            case .measure:
                guard let id = record, let m = measures[id] else { return Shown(label: "\(kind.title): запись удалена", url: nil) }
                return Shown(label: "Мероприятие \(m.number) «\(m.title)»", url: Site.measure.admits(role) ? Site.measure.url(id) : nil)
            }
        }
    }
}
