import Fluent
import MsokoCore
import Vapor

/// A stored procedure's analysis: the district's works (the same rows an export gives) through the
/// same engine as `msoko analyze`, with class enrolment for participation.
enum AnalysisQuery {
    static func analysis(procedure p: Procedure, municipalityID: UUID, on db: Database) async throws -> ResultsAnalysis {
        try await load(procedure: p, municipalityID: municipalityID, on: db).analysis
    }

    struct Loaded {
        var works: WorkTable
        var analysis: ResultsAnalysis
        var enrolment: [String: [String: Int]]
    }

    /// The works, their analysis and the class enrolment of a procedure in one district.
    static func load(procedure p: Procedure, municipalityID: UUID, on db: Database) async throws -> Loaded {
        let spec = try ProcedureStore.spec(of: p)
        let rows = try await ResultsQuery.exportRows(procedure: p, schoolID: nil, municipalityID: municipalityID, on: db)
        var works = WorkTable(taskCount: spec.tasks.count)
        works.reserveCapacity(rows.count)
        for r in rows { works.append(r.work) }
        let schools = try await School.query(on: db).filter(\.$municipality.$id == municipalityID).all()
        let classes = try await SchoolClass.query(on: db).filter(\.$school.$id ~~ schools.compactMap(\.id))
            .filter(\.$schoolYear == p.schoolYear).filter(\.$grade == p.grade).all()
        let login = Dictionary(uniqueKeysWithValues: schools.map { ($0.id!, $0.login) })
        var enrolment: [String: [String: Int]] = [:]
        for c in classes { if let l = login[c.$school.id] { enrolment[l, default: [:]][c.name] = c.enrolment } }
        return Loaded(works: works, analysis: ResultsAnalysis.analyze(works, spec: spec, enrolment: enrolment), enrolment: enrolment)
    }

    /// Signs of non-objective results of a procedure in one district, with the district's thresholds.
    static func objectivity(procedure p: Procedure, municipalityID: UUID, on db: Database) async throws -> (Loaded, [GroupRisk], ObjectivitySettings) {
        let loaded = try await load(procedure: p, municipalityID: municipalityID, on: db)
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
            for pair in try await sample.pairs(spec: loaded.analysis.spec, on: db) {
                let primary = { (s: [UInt8]) in s.reduce(0) { $0 + ($1 == WorkRecord.notDone ? 0 : Int($1)) } }
                recheck[pair.school, default: []].append(Double(primary(pair.schoolScores) - primary(pair.commissionScores)))
            }
        }
        var inputs = ObjectivityAnalysis.Inputs(enrolment: loaded.enrolment, observed: observed, violations: violations, recheck: recheck)
        // The same procedure a year earlier (schools), and the same cohort a year later (classes, letter kept).
        func related(year: Int, grade: Int) async throws -> ResultsAnalysis? {
            guard let q = try await Procedure.query(on: db).filter(\.$type == p.type).filter(\.$subject == p.subject).filter(\.$grade == grade)
                .filter(\.$year == year).filter(\.$regionID == p.regionID).all().first(where: { $0.municipalityID == nil || $0.municipalityID == municipalityID }) else { return nil }
            return try await analysis(procedure: q, municipalityID: municipalityID, on: db)
        }
        if let before = try await related(year: p.year - 1, grade: p.grade) {
            for g in before.schools { inputs.previousYear["\(g.school ?? "")|"] = g }
        }
        if let after = try await related(year: p.year + 1, grade: p.grade + 1) {
            for g in after.groups where g.level == .class {
                let letter = (g.className ?? "").drop { $0.isNumber }
                inputs.nextCohort["\(g.school ?? "")|\(p.grade)\(letter)"] = g
            }
        }
        let risks = ObjectivityAnalysis.evaluate(loaded.works, analysis: loaded.analysis, settings: settings, inputs: inputs)
        return (loaded, risks, settings)
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
