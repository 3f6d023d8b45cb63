import Fluent
import MsokoCore
import Vapor

/// A stored procedure's analysis: the district's works (the same rows an export gives) through the
/// same engine as `msoko analyze`, with class enrolment for participation.
enum AnalysisQuery {
    static func analysis(procedure p: Procedure, municipalityID: UUID, on db: Database) async throws -> ResultsAnalysis {
        try await load(procedure: p, municipalityID: municipalityID, on: db).analysis
    }

    struct Loaded: Sendable {
        var works: WorkTable
        var analysis: ResultsAnalysis
        var enrolment: [String: [String: Int]]
    }

    /// The works, their analysis and the class enrolment of a procedure in one district, kept
    /// between requests until their inputs change (`KeptAnalyses`).
    static func load(procedure p: Procedure, municipalityID: UUID, on db: Database) async throws -> Loaded {
        try await KeptAnalyses.shared.analysis(p, municipalityID: municipalityID, on: db).loaded
    }

    /// Reads the district's works of a procedure and analyses them (what `KeptAnalyses` keeps).
    static func compute(procedure p: Procedure, municipalityID: UUID, enrolment: [String: [String: Int]], on db: Database) async throws -> Loaded {
        let spec = try ProcedureStore.spec(of: p)
        let rows = try await ResultsQuery.exportRows(procedure: p, schoolID: nil, municipalityID: municipalityID, on: db)
        var works = WorkTable(taskCount: spec.tasks.count)
        works.reserveCapacity(rows.count)
        for r in rows { works.append(r.work) }
        return Loaded(works: works, analysis: ResultsAnalysis.analyze(works, spec: spec, enrolment: enrolment), enrolment: enrolment)
    }

    /// Signs of non-objective results of a procedure in one district, with the district's
    /// thresholds, kept between requests until their inputs change (`KeptAnalyses`).
    static func objectivity(procedure p: Procedure, municipalityID: UUID, on db: Database) async throws -> (Loaded, [GroupRisk], ObjectivitySettings) {
        let (analysis, signs) = try await KeptAnalyses.shared.signs(p, municipalityID: municipalityID, on: db)
        return (analysis.loaded, signs.risks, signs.settings)
    }

    /// What the signs are computed from besides the works: thresholds, observers' places and the
    /// violations in their acts, the commission's re-scoring, the same procedure a year earlier
    /// and the same cohort a year later — and the stamp that tells when any of it changed.
    static func signsInputs(procedure p: Procedure, municipalityID: UUID, analysis: KeptAnalyses.Analysis,
                            on db: Database) async throws -> (ObjectivityAnalysis.Inputs, KeptAnalyses.SignsStamp) {
        let settings = try await Settings.objectivity(municipalityID: municipalityID, on: db)
        // Observers' places and the violations their submitted acts record.
        var observed: [String: Set<String>] = [:]
        var violations: [String: [String: [String]]] = [:]
        let assignments = try await ObserverAssignment.query(on: db).filter(\.$procedure.$id == p.requireID()).filter(\.$municipalityID == municipalityID).with(\.$school).all()
        let acts = try await ObservationAct.query(on: db).filter(\.$assignment.$id ~~ assignments.compactMap(\.id)).all()
        for a in assignments {
            observed[a.school.login, default: []].insert(a.className)
            if let act = acts.first(where: { $0.$assignment.id == a.id }), act.submittedAt != nil, !act.violations.isEmpty {
                violations[a.school.login, default: [:]][a.className, default: []] += act.violations.split(separator: "\n").map(String.init)
            }
        }
        // The commission's re-scoring, where done: (school − commission) primary score per work.
        var recheck: [String: [Double]] = [:]
        if let sample = try await RecheckSample.latest(of: p, municipalityID: municipalityID, on: db) {
            for pair in try await sample.pairs(spec: analysis.loaded.analysis.spec, on: db) {
                let primary = { (s: [UInt8]) in s.reduce(0) { $0 + WorkRecord.points($1) } }
                recheck[pair.school, default: []].append(Double(primary(pair.schoolScores) - primary(pair.commissionScores)))
            }
        }
        var inputs = ObjectivityAnalysis.Inputs(enrolment: analysis.loaded.enrolment, observed: observed, violations: violations, recheck: recheck)
        var stamp = KeptAnalyses.SignsStamp(analysis: analysis.stamp, settings: settings, observed: observed, violations: violations, recheck: recheck)
        // The same procedure a year earlier (schools), and the same cohort a year later (classes, letter kept).
        func related(year: Int, grade: Int) async throws -> (UUID, KeptAnalyses.Analysis)? {
            guard let q = try await Procedure.query(on: db).filter(\.$type == p.type).filter(\.$subject == p.subject).filter(\.$grade == grade)
                .filter(\.$year == year).filter(\.$regionID == p.regionID).all().first(where: { $0.municipalityID == nil || $0.municipalityID == municipalityID }) else { return nil }
            return (try q.requireID(), try await KeptAnalyses.shared.analysis(q, municipalityID: municipalityID, on: db))
        }
        if let (id, before) = try await related(year: p.year - 1, grade: p.grade) {
            for g in before.loaded.analysis.schools { inputs.previousYear["\(g.school ?? "")|"] = g }
            stamp.previous = .init(procedure: id, stamp: before.stamp)
        }
        if let (id, after) = try await related(year: p.year + 1, grade: p.grade + 1) {
            for g in after.loaded.analysis.groups where g.level == .class {
                let letter = (g.className ?? "").drop { $0.isNumber }
                inputs.nextCohort["\(g.school ?? "")|\(p.grade)\(letter)"] = g
            }
            stamp.next = .init(procedure: id, stamp: after.stamp)
        }
        return (inputs, stamp)
    }

    /// The same procedure (type, subject, grade) in earlier years, with the figures of the district
    /// or, given `school`, of that school (years without its works left out).
    static func dynamics(procedure p: Procedure, municipalityID: UUID, school: String? = nil, on db: Database) async throws -> [(year: Int, group: GroupFigures)] {
        let earlier = try await Procedure.query(on: db).filter(\.$type == p.type).filter(\.$subject == p.subject).filter(\.$grade == p.grade)
            .filter(\.$year < p.year).filter(\.$regionID == p.regionID).sort(\.$year).all()
        var out: [(Int, GroupFigures)] = []
        for e in earlier where e.municipalityID == nil || e.municipalityID == municipalityID {
            let a = try await analysis(procedure: e, municipalityID: municipalityID, on: db)
            if let g = school.map({ a.school($0) }) ?? a.district, g.participants > 0 { out.append((e.year, g)) }
        }
        return out
    }
}
