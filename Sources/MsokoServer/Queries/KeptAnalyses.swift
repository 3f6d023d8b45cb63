import Fluent
import Foundation
import MsokoCore
import SQLKit
import Vapor

/// Analyses kept between requests (issue 19 §3): a procedure's analysis in a district, and its
/// signs of non-objective results, are computed once and served again until their inputs change.
///
/// What decides that they changed is a **stamp** of every input but the works themselves: the
/// procedure's specification (tasks, thresholds, references), how many works the district has in
/// it and which uploads brought them, the district's schools (login and name) and classes
/// (enrolment); for the signs also the thresholds, observers' assignments and acts, the
/// commission's re-scoring and the stamps of the procedures a year before and after. A stamp is a
/// handful of small queries; the works (tens of thousands of rows) are read and analysed only
/// when it differs. It is read again only after a write has committed in this process
/// (`DataVersion`) or, for writes made by another node, once `lifetime` has passed — so a page
/// served between writes runs no query for its analysis at all.
///
/// Several requests asking for the same analysis while it is being computed wait for one
/// computation. Entries are let go, least recently used first, once the works they hold pass
/// `maxWorks`.
actor KeptAnalyses {
    static let shared = KeptAnalyses()

    /// How long an entry is trusted without a write in this process (seconds).
    var lifetime: TimeInterval = 10
    /// Works held at most (about 60 bytes each with their analysis).
    var maxWorks = 4_000_000

    struct Key: Hashable, Sendable {
        var procedure: UUID
        var municipality: UUID
    }

    /// Everything an analysis is computed from, but the works' rows.
    struct Stamp: Equatable, Sendable {
        var spec: String
        var works: Int
        var uploads: Int
        var lastUpload: Date?
        var schools: [String: String]
        var enrolment: [String: [String: Int]]
    }

    struct Analysis: Sendable {
        var loaded: AnalysisQuery.Loaded
        var stamp: Stamp
    }

    /// Everything the signs are computed from besides the analysis.
    struct SignsStamp: Equatable, Sendable {
        var analysis: Stamp
        var settings: ObjectivitySettings
        var observed: [String: Set<String>]
        var violations: [String: [String: [String]]]
        var recheck: [String: [Double]]
        var previous: Related?
        var next: Related?

        struct Related: Equatable, Sendable {
            var procedure: UUID
            var stamp: Stamp
        }
    }

    struct Signs: Sendable {
        var risks: [GroupRisk]
        var settings: ObjectivitySettings
        var stamp: SignsStamp
    }

    private struct Entry<Value: Sendable> {
        var value: Value
        var version: UInt64
        var checked: Date
        var used: UInt64
    }

    private var analyses: [Key: Entry<Analysis>] = [:]
    private var signs: [Key: Entry<Signs>] = [:]
    private var pendingAnalyses: [Key: (task: Task<Analysis, Error>, version: UInt64)] = [:]
    private var pendingSigns: [Key: (task: Task<Signs, Error>, version: UInt64)] = [:]
    private var clock: UInt64 = 0
    /// Computations done (not served from an entry): what the tests count.
    private(set) var computed = 0

    func setLifetime(_ seconds: TimeInterval) { lifetime = seconds }

    // MARK: the analysis

    func analysis(_ p: Procedure, municipalityID: UUID, on db: any Database) async throws -> Analysis {
        let key = Key(procedure: try p.requireID(), municipality: municipalityID)
        let version = DataVersion.current
        let now = Date()
        clock += 1
        if let e = analyses[key], e.version == version, now.timeIntervalSince(e.checked) < lifetime, e.value.stamp.spec == p.spec {
            analyses[key]?.used = clock
            return e.value
        }
        // A computation begun after the same write is joined; one begun before it is not.
        if let running = pendingAnalyses[key], running.version == version { return try await running.task.value }
        let prior = analyses[key]?.value
        let task = Task.detached { () async throws -> Analysis in
            let stamp = try await Self.stamp(p, municipalityID: municipalityID, on: db)
            if let prior, prior.stamp == stamp { return prior }
            return Analysis(loaded: try await AnalysisQuery.compute(procedure: p, municipalityID: municipalityID, enrolment: stamp.enrolment, on: db), stamp: stamp)
        }
        let mine = pendingAnalyses[key] == nil
        if mine { pendingAnalyses[key] = (task, version) }
        defer { if mine { pendingAnalyses[key] = nil } }
        let value = try await task.value
        if prior.map({ $0.stamp != value.stamp }) ?? true { computed += 1 }
        // An entry kept meanwhile from a later version stays.
        if (analyses[key]?.version ?? 0) <= version {
            analyses[key] = Entry(value: value, version: version, checked: now, used: clock)
            trim()
        }
        return value
    }

    /// The stamp of a procedure's analysis in a district: four small queries.
    static func stamp(_ p: Procedure, municipalityID: UUID, on db: any Database) async throws -> Stamp {
        let pid = try p.requireID()
        let works = try await WorkRow.query(on: db).filter(\.$procedure.$id == pid).filter(\.$municipalityID == municipalityID).count()
        let uploads = try await ResultUpload.query(on: db).filter(\.$procedure.$id == pid).field(\.$id).field(\.$createdAt).all()
        let schools = try await School.query(on: db).filter(\.$municipality.$id == municipalityID).all()
        let classes = try await SchoolClass.query(on: db).filter(\.$municipalityID == municipalityID)
            .filter(\.$schoolYear == p.schoolYear).filter(\.$grade == p.grade).all()
        let login = Dictionary(uniqueKeysWithValues: schools.map { ($0.id!, $0.login) })
        var enrolment: [String: [String: Int]] = [:]
        for c in classes { if let l = login[c.$school.id] { enrolment[l, default: [:]][c.name] = c.enrolment } }
        return Stamp(spec: p.spec, works: works, uploads: uploads.count, lastUpload: uploads.compactMap(\.createdAt).max(),
                     schools: Dictionary(schools.map { ($0.login, $0.shortName) }, uniquingKeysWith: { a, _ in a }), enrolment: enrolment)
    }

    // MARK: the signs

    func signs(_ p: Procedure, municipalityID: UUID, on db: any Database) async throws -> (Analysis, Signs) {
        let key = Key(procedure: try p.requireID(), municipality: municipalityID)
        let version = DataVersion.current
        let now = Date()
        clock += 1
        if let e = signs[key], e.version == version, now.timeIntervalSince(e.checked) < lifetime, let a = analyses[key],
           a.value.stamp == e.value.stamp.analysis, a.version == version {
            signs[key]?.used = clock
            analyses[key]?.used = clock
            return (a.value, e.value)
        }
        let analysis = try await self.analysis(p, municipalityID: municipalityID, on: db)
        if let running = pendingSigns[key], running.version == version {
            let s = try await running.task.value
            if s.stamp.analysis == analysis.stamp { return (analysis, s) }
        }
        let prior = signs[key]?.value
        let task = Task.detached { () async throws -> Signs in
            let (inputs, stamp) = try await AnalysisQuery.signsInputs(procedure: p, municipalityID: municipalityID, analysis: analysis, on: db)
            if let prior, prior.stamp == stamp { return prior }
            let risks = ObjectivityAnalysis.evaluate(analysis.loaded.works, analysis: analysis.loaded.analysis, settings: stamp.settings, inputs: inputs)
            return Signs(risks: risks, settings: stamp.settings, stamp: stamp)
        }
        let mine = pendingSigns[key] == nil
        if mine { pendingSigns[key] = (task, version) }
        defer { if mine { pendingSigns[key] = nil } }
        let value = try await task.value
        if prior.map({ $0.stamp != value.stamp }) ?? true { computed += 1 }
        if (signs[key]?.version ?? 0) <= version {
            signs[key] = Entry(value: value, version: version, checked: now, used: clock)
        }
        return (analysis, value)
    }

    // MARK: bounds

    /// Lets the least recently used analyses (and their signs) go while more than `maxWorks` works are held.
    private func trim() {
        var held = analyses.values.reduce(0) { $0 + $1.value.loaded.works.count }
        guard held > maxWorks else { return }
        for (key, e) in analyses.sorted(by: { $0.value.used < $1.value.used }) where held > maxWorks && analyses.count > 1 {
            held -= e.value.loaded.works.count
            analyses[key] = nil
            signs[key] = nil
        }
    }

    /// Computes every procedure's analysis and signs for every district that has its works, newest
    /// first, one at a time, in the background when the server starts (`msoko serve`): a region's
    /// twenty procedures take seconds each, and the first visitor of its lists would wait for all.
    /// A page asked for meanwhile waits only for its own (or takes the one being computed).
    nonisolated static func warm(_ app: Application) {
        Task.detached {
            do {
                let db = app.db
                let procedures = try await Procedure.query(on: db).sort(\.$year, .descending).sort(\.$grade).all()
                for m in try await Municipality.query(on: db).all() {
                    let mid = try m.requireID()
                    let counts = try await ResultsQuery.worksPerProcedure(municipalityID: mid, schoolID: nil, on: db)
                    for p in procedures where (counts[try p.requireID()] ?? 0) > 0 && (p.municipalityID == nil || p.municipalityID == mid) {
                        _ = try await AnalysisQuery.objectivity(procedure: p, municipalityID: mid, on: db)
                    }
                }
            } catch {
                app.logger.warning("Анализы при запуске не посчитаны заранее: \(String(reflecting: error))")
            }
        }
    }

    /// Forgets every entry (the tests; a restored backup).
    func clear() {
        analyses = [:]
        signs = [:]
    }
}
