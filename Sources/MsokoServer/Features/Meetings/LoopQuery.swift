import Fluent
import MsokoCore
import Vapor

/// The loop from a finding to its measured effect (issue 15 §4): for each decision that concerns
/// a finding — a sign of non-objectivity, a result, a gap plan, an observer's act, a re-check — the
/// measurement then and the next comparable one, with `LoopRules`' verdict.
///
/// Which measurement: the finding's procedure (an act's or a plan's procedure for those). The next
/// comparable one is the same type, subject and grade a year later in which the school (for a
/// district decision, the district) has works; failing that, for a finding about requirements, the
/// earliest later procedure of the same subject whose specification carries one of its codes.
/// What is measured: for objectivity, an act or a re-check, the school's flag (a district decision:
/// the number of schools with signs); for a result, the completion of all its tasks; for a gap
/// plan, the completion of the plan's requirements — by its class, against the plan's latest
/// re-diagnosis when the school has held one (the issue's «re-diagnosis of the same requirement»),
/// else by the school in the next comparable procedure.
struct LoopRow {
    var decision: Decision
    var status: DecisionStatus
    var owner: String
    var school: School?
    var meeting: Meeting?
    var item: MeetingItem?
    var finding: String
    var before: LoopMeasurement
    var after: LoopMeasurement?
    var verdict: LoopVerdict
}

enum LoopQuery {
    enum Family { case flag, completion }

    /// The rows of the decisions given (their meetings alongside); decisions that concern no finding are left out.
    static func rows(_ decisions: [(Decision, Meeting?)], user: User, today: LocalDate, on db: Database) async throws -> [LoopRow] {
        let mid = try user.requireMunicipalityID()
        let procedures = try await Procedures.visible(to: user, on: db)
        let byID = Dictionary(uniqueKeysWithValues: procedures.map { ($0.id!, $0) })
        let users = try await MeetingStore.users(municipalityID: mid, on: db)
        let itemIDs = decisions.compactMap { $0.0.itemID }
        let items = itemIDs.isEmpty ? [:] : Dictionary(uniqueKeysWithValues: try await MeetingItem.query(on: db).filter(\.$id ~~ itemIDs).all().map { ($0.id!, $0) })
        let schools = Dictionary(uniqueKeysWithValues: try await School.query(on: db).filter(\.$municipality.$id == mid).all().map { ($0.id!, $0) })
        var cache = Cache(municipalityID: mid)
        var out: [LoopRow] = []
        for (d, m) in decisions {
            guard let kind = d.linkKind.flatMap(RecordLink.Kind.init(rawValue:)) else { continue }
            // The finding's school: the item's (a decision given to a person keeps the school the item is about).
            let item = d.itemID.flatMap { items[$0] }
            var school = (item?.schoolID ?? d.$school.id).flatMap { schools[$0] }
            let base: Procedure?
            let family: Family
            var codes: [String] = []
            var finding: String
            switch kind {
            case .objectivity, .recheck:
                base = d.linkProcedureID.flatMap { byID[$0] }
                family = .flag
                finding = kind == .objectivity ? "Признаки необъективных результатов" : "Расхождения при перепроверке муниципальной комиссией"
            case .analysis, .analysisReport:
                base = d.linkProcedureID.flatMap { byID[$0] }
                family = .completion
                finding = "Результаты"
            case .gapPlan:
                guard let id = d.linkRecordID, let plan = try await GapPlan.query(on: db).filter(\.$id == id).with(\.$items).with(\.$rediagnoses).first() else { continue }
                base = byID[plan.$procedure.id]
                school = schools[plan.$school.id] ?? school
                codes = plan.items.map(\.code)
                family = .completion
                finding = "Пробелы \(plan.className) по требованиям \(codes.joined(separator: ", "))"
                // The plan's own re-diagnosis is the class's next measurement of the requirements it checks.
                if let p = base, let s = school, let last = plan.rediagnoses.sorted(by: { ($0.date, $0.createdAt ?? .distantPast) < ($1.date, $1.createdAt ?? .distantPast) }).last {
                    let tasks = try last.decodedTasks()
                    let checked = codes.filter { c in tasks.contains { $0.code == c } }
                    if !checked.isEmpty, let before = try await cache.measure(p, school: s, className: plan.className, codes: checked, on: db) {
                        let after = LoopMeasurement(label: "Повторная диагностика \(plan.className) (\(checked.joined(separator: ", "))), \(LocalDate.russian(last.date))",
                                                    completion: LoopRules.completion(codes: checked, tasks: tasks, rows: try last.decodedRows()))
                        out.append(LoopRow(decision: d, status: d.status(today: today), owner: MeetingStore.ownerName(d, users: users), school: s, meeting: m,
                                           item: item, finding: finding + ": " + ProcedureStore.title(p), before: before, after: after,
                                           verdict: LoopRules.verdict(before: before, after: after)))
                        continue
                    }
                }
            case .observerAct:
                guard let id = d.linkRecordID, let act = try await ObservationAct.query(on: db).filter(\.$id == id).with(\.$assignment).first() else { continue }
                base = byID[act.assignment.$procedure.id]
                school = schools[act.assignment.$school.id] ?? school
                family = .flag
                finding = "Нарушения в акте наблюдения: " + (act.violations.isEmpty ? "не зафиксированы" : act.violations.replacingOccurrences(of: "\n", with: "; "))
            case .measure:
                continue
            }
            guard let p = base else { continue }
            finding += ": " + ProcedureStore.title(p)
            guard let before = try await cache.measure(p, school: school, family: family, codes: codes, on: db) else { continue }
            let next = try await comparable(p, after: procedures, school: school, codes: codes, family: family, cache: &cache, on: db)
            let after = try await next.asyncFlatMap { try await cache.measure($0, school: school, family: family, codes: codes, on: db) }
            out.append(LoopRow(decision: d, status: d.status(today: today), owner: MeetingStore.ownerName(d, users: users), school: school, meeting: m,
                               item: item, finding: finding, before: before, after: after,
                               verdict: LoopRules.verdict(before: before, after: after)))
        }
        return out
    }

    /// The next comparable procedure with works of the school (or of the district).
    static func comparable(_ p: Procedure, after all: [Procedure], school: School?, codes: [String], family: Family, cache: inout Cache, on db: Database) async throws -> Procedure? {
        let counts = try await cache.counts(school: school?.id, on: db)
        let written = all.filter { (counts[$0.id!] ?? 0) > 0 }
        if let same = written.first(where: { $0.type == p.type && $0.subject == p.subject && $0.grade == p.grade && $0.year == p.year + 1 }) { return same }
        guard family == .completion, !codes.isEmpty else { return nil }
        let wanted = Set(codes)
        let later = written.filter { $0.id != p.id && $0.subject == p.subject && ($0.year > p.year || ($0.year == p.year && ($0.createdAt ?? .distantPast) > (p.createdAt ?? .distantPast))) }
            .sorted { ($0.year, $0.createdAt ?? .distantPast) < ($1.year, $1.createdAt ?? .distantPast) }
        for q in later where try ProcedureStore.spec(of: q).tasks.contains(where: { t in t.requirements.contains { wanted.contains($0.code) } }) { return q }
        return nil
    }

    /// Analyses and objectivity per procedure, and works per procedure per school, computed once a request.
    struct Cache {
        var municipalityID: UUID
        var analyses: [UUID: ResultsAnalysis] = [:]
        var risks: [UUID: ([GroupRisk], ObjectivitySettings)] = [:]
        var worksBySchool: [UUID?: [UUID: Int]] = [:]

        mutating func counts(school: UUID?, on db: Database) async throws -> [UUID: Int] {
            if let c = worksBySchool[school] { return c }
            let c = try await ResultsQuery.worksPerProcedure(municipalityID: municipalityID, schoolID: school, on: db)
            worksBySchool[school] = c
            return c
        }

        /// A class's completion of `codes` in a procedure (the plan's class before its re-diagnosis).
        mutating func measure(_ p: Procedure, school: School, className: String, codes: [String], on db: Database) async throws -> LoopMeasurement? {
            if analyses[p.id!] == nil { analyses[p.id!] = try await AnalysisQuery.analysis(procedure: p, municipalityID: municipalityID, on: db) }
            let a = analyses[p.id!]!
            guard let g = a.group(school: school.login, className: className) else { return nil }
            return LoopMeasurement(label: "\(ProcedureStore.title(p)), \(className) (\(codes.joined(separator: ", ")))", completion: LoopRules.completion(codes: codes, in: a, group: g))
        }

        mutating func measure(_ p: Procedure, school: School?, family: Family, codes: [String], on db: Database) async throws -> LoopMeasurement? {
            let label = ProcedureStore.title(p)
            switch family {
            case .flag:
                if risks[p.id!] == nil {
                    let (_, r, s) = try await AnalysisQuery.objectivity(procedure: p, municipalityID: municipalityID, on: db)
                    risks[p.id!] = (r, s)
                }
                let (r, settings) = risks[p.id!]!
                guard let school else {
                    let schools = r.filter { $0.className == nil && $0.note == nil }
                    guard !schools.isEmpty else { return nil }
                    return LoopMeasurement(label: label, flaggedSchools: schools.filter { $0.hasSigns(settings) }.count)
                }
                guard let g = r.first(where: { $0.school == school.login && $0.className == nil }) else { return nil }
                // A school too small to be assessed has no flag to compare.
                guard g.note == nil else { return LoopMeasurement(label: label) }
                return LoopMeasurement(label: label, flagged: g.hasSigns(settings), risk: g.risk)
            case .completion:
                if analyses[p.id!] == nil { analyses[p.id!] = try await AnalysisQuery.analysis(procedure: p, municipalityID: municipalityID, on: db) }
                let a = analyses[p.id!]!
                guard let g = school.map({ a.school($0.login) }) ?? a.district else { return nil }
                return LoopMeasurement(label: label, completion: LoopRules.completion(codes: codes, in: a, group: g))
            }
        }
    }

    /// «есть признаки (риск 0,82)», «выполнение 64,0 %», «школ с признаками: 2».
    static func describe(_ m: LoopMeasurement?) -> String {
        guard let m else { return "—" }
        if let n = m.flaggedSchools { return "\(m.label): школ с признаками — \(n)" }
        if let f = m.flagged { return "\(m.label): \(f ? "есть признаки" : "признаков нет")\(m.risk.map { " (риск \(ReferenceTable.format(($0 * 100).rounded() / 100)))" } ?? "")" }
        if let c = m.completion { return "\(m.label): выполнение \(AnalyticalReport.pct(c))" }
        return "\(m.label): не оценивается (менее 10 работ)"
    }
}
