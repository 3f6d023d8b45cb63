import Fluent
import MsokoCore
import Vapor

/// Everything the public pages of one district show, computed at once from the database: its
/// schools, the assessment schedule, each procedure's district figures (with the boys/girls split
/// under the suppression rules), the figures of the schools whose own page the district enables,
/// observation and re-check in aggregate, published documents and news. Pages are rendered from
/// a snapshot (`PublicCache`), never from per-request queries.
///
/// No school's figures are ever put beside another's: `schoolFigures` is read only by that
/// school's own page.
struct PublicSnapshot: Sendable {
    struct District: Sendable {
        var id: UUID
        var name: String
        var department: String
        var zone: TimeZone
    }

    struct SchoolInfo: Sendable {
        var id: UUID
        var login: String
        var shortName: String
        var fullName: String
        var showResults: Bool
        var origins: [String]
    }

    /// One school's sitting of a procedure: its date and classes.
    struct Sitting: Sendable {
        var date: LocalDate
        var procedure: UUID
        var school: UUID
        var classes: [String]
    }

    /// A group's published figures (nil where the group is suppressed).
    struct Figures: Sendable {
        var participants: Int
        /// Shares of marks 2 … 5.
        var marks: [Double?]
        var pass: Double?
        var quality: Double?
        var tasks: [Double?]

        init(_ g: GroupFigures, spec: ProcedureSpec) {
            participants = g.participants
            marks = (2...5).map { g.markShare($0) }
            pass = g.passRate
            quality = g.qualityRate
            tasks = spec.tasks.indices.map { g.taskCompletion($0, max: spec.tasks[$0].max) }
        }
    }

    struct Part: Sendable {
        var title: String
        var size: Int
        /// Nil when suppressed.
        var figures: Figures?
        var complementary: Bool
    }

    struct ProcedureFigures: Sendable {
        var id: UUID
        var type: String
        var subject: String
        var grade: Int
        var year: Int
        var taskNumbers: [String]
        var hasScale: Bool
        /// The district's figures, nil when it has fewer works than the minimum (or none).
        var district: Figures?
        var participants: Int
        var parts: [Part]
        var region: ReferenceFigures?
        var russia: ReferenceFigures?
        /// Only for schools whose public page shows results; read by that page alone.
        var schoolFigures: [UUID: (participants: Int, figures: Figures?)]

        var title: String { "\(type) \(year) · \(subject) · \(grade) класс" }
    }

    struct Observation: Sendable {
        /// Procedures with at least one observer assigned.
        var procedures = 0
        /// Sittings (school, class, procedure) observed, of those held.
        var classesObserved = 0
        var classesHeld = 0
        /// Assignments by kind of observer (title, count).
        var byKind: [(title: String, count: Int)] = []
        var actsSubmitted = 0
        var actsWithoutViolations = 0
    }

    struct Recheck: Sendable {
        var procedures = 0
        var works = 0
        /// Works whose primary score differs between the school and the commission.
        var discrepant = 0
    }

    struct Document: Sendable {
        var id: UUID
        var school: UUID?
        var kind: PublicDocument.Kind
        var title: String
        var number: String
        var date: LocalDate?
        var fileName: String
        var size: Int
    }

    struct News: Sendable {
        var id: UUID
        var school: UUID?
        var title: String
        var body: String
        var publishedAt: Date
        var updatedAt: Date
    }

    var district: District
    var schools: [SchoolInfo]
    var sittings: [Sitting]
    var procedures: [ProcedureFigures]
    var observation: Observation
    /// Each school's own observation, read only by that school's page.
    var schoolObservation: [UUID: Observation]
    var recheck: Recheck
    var documents: [Document]
    var news: [News]
    var minimum: Int
    var builtAt: Date
    /// The `DataVersion` read before the build.
    var version: UInt64
    /// The installation holds several districts: links carry `?district=`.
    var multiDistrict: Bool

    /// A public address of this district's pages.
    func link(_ url: SiteURL) -> SiteURL { multiDistrict ? url.query(["district": district.id.uuidString]) : url }

    func school(_ id: UUID?) -> SchoolInfo? { schools.first { $0.id == id } }
    func school(login: String) -> SchoolInfo? { schools.first { $0.login == login } }
    func procedure(_ id: UUID) -> ProcedureFigures? { procedures.first { $0.id == id } }
    /// Who speaks: the department, or the school's short name.
    func author(_ school: UUID?) -> String { self.school(school)?.shortName ?? district.department }
}

extension PublicSnapshot {
    static let minimumKey = "public.minGroup"

    static func minimum(municipalityID: UUID, on db: Database) async throws -> Int {
        try await Settings.get(minimumKey, municipalityID: municipalityID, on: db).flatMap(Int.init) ?? Suppression.defaultMinimum
    }

    /// Boys, girls, not stated: from the file's «Пол» column, whatever its spelling.
    static func genderKey(_ text: String?) -> String {
        switch text?.trimmingCharacters(in: .whitespaces).uppercased().first {
        case "М", "M": "boys"
        case "Ж", "F", "W": "girls"
        default: "unstated"
        }
    }

    static let genderTitles = ["boys": "Мальчики", "girls": "Девочки", "unstated": "Пол не указан"]

    static func build(_ m: Municipality, now: Date, version: UInt64, on db: Database) async throws -> PublicSnapshot {
        let mid = try m.requireID()
        let minimum = try await minimum(municipalityID: mid, on: db)
        let schoolRows = try await School.query(on: db).filter(\.$municipality.$id == mid).filter(\.$isActive == true).sort(\.$login).all()
        let settings = try await SchoolPublicSettings.query(on: db).filter(\.$school.$id ~~ schoolRows.compactMap(\.id)).all()
        let schools = schoolRows.map { s in
            let set = settings.first { $0.$school.id == s.id }
            return SchoolInfo(id: s.id!, login: s.login, shortName: s.shortName, fullName: s.fullName, showResults: set?.showResults ?? false, origins: set?.origins ?? [])
        }
        let schoolIDs = Set(schools.map(\.id))

        // The district's procedures: its own and its region's.
        let procedures = try await Procedure.query(on: db).filter(\.$regionID == m.$region.id)
            .group(.or) { $0.filter(\.$municipalityID == mid).filter(\.$municipalityID == nil) }
            .sort(\.$year, .descending).sort(\.$subject).sort(\.$grade).all()

        var sittings: [Sitting] = []
        var figures: [ProcedureFigures] = []
        var observation = Observation()
        var recheck = Recheck()
        var kinds: [String: Int] = [:]
        var perSchool: [UUID: Observation] = [:]
        var perSchoolKinds: [UUID: [String: Int]] = [:]
        for p in procedures {
            let pid = try p.requireID()
            let spec = try ProcedureStore.spec(of: p)
            // The schedule: dates per school, classes gathered.
            let participants = try await ProcedureParticipant.query(on: db).filter(\.$procedure.$id == pid).filter(\.$municipalityID == mid).all()
            var bySchoolDate: [String: Sitting] = [:]
            for pp in participants where schoolIDs.contains(pp.$school.id) {
                guard let date = pp.date.flatMap(LocalDate.init(iso:)) else { continue }
                let key = "\(pp.$school.id)|\(date.iso)"
                var s = bySchoolDate[key] ?? Sitting(date: date, procedure: pid, school: pp.$school.id, classes: [])
                if !pp.className.isEmpty, !s.classes.contains(pp.className) { s.classes.append(pp.className) }
                bySchoolDate[key] = s
            }
            sittings += bySchoolDate.values.map { var s = $0; s.classes.sort(); return s }

            // Observation: assignments and their acts (no names).
            let assignments = try await ObserverAssignment.query(on: db).filter(\.$procedure.$id == pid).filter(\.$municipalityID == mid).with(\.$observer).all()
            if !assignments.isEmpty { observation.procedures += 1 }
            observation.classesObserved += Set(assignments.map { "\($0.$school.id)|\($0.className)" }).count
            observation.classesHeld += Set(participants.map { "\($0.$school.id)|\($0.className)" }).count
            for a in assignments {
                let kind = (ConflictRules.Kind(rawValue: a.observer.kind) ?? .specialist).title
                kinds[kind, default: 0] += 1
                perSchoolKinds[a.$school.id, default: [:]][kind, default: 0] += 1
            }
            for (school, group) in Dictionary(grouping: assignments, by: { $0.$school.id }) {
                perSchool[school, default: Observation()].procedures += 1
                perSchool[school, default: Observation()].classesObserved += Set(group.map(\.className)).count
            }
            for (school, group) in Dictionary(grouping: participants, by: { $0.$school.id }) {
                perSchool[school, default: Observation()].classesHeld += Set(group.map(\.className)).count
            }
            let acts = assignments.isEmpty ? [] : try await ObservationAct.query(on: db).filter(\.$assignment.$id ~~ assignments.compactMap(\.id)).all()
            for act in acts where act.submittedAt != nil {
                observation.actsSubmitted += 1
                if act.noViolations { observation.actsWithoutViolations += 1 }
                if let school = assignments.first(where: { $0.id == act.$assignment.id })?.$school.id {
                    perSchool[school, default: Observation()].actsSubmitted += 1
                    if act.noViolations { perSchool[school, default: Observation()].actsWithoutViolations += 1 }
                }
            }

            // Results.
            let rows = try await ResultsQuery.exportRows(procedure: p, schoolID: nil, municipalityID: mid, on: db)
            if let sample = try await RecheckSample.latest(of: p, municipalityID: mid, on: db) {
                let pairs = try await sample.pairs(spec: spec, on: db)
                if !pairs.isEmpty {
                    recheck.procedures += 1
                    recheck.works += pairs.count
                    recheck.discrepant += pairs.filter { $0.schoolScores != $0.commissionScores }.count
                }
            }
            guard !rows.isEmpty else {
                if !bySchoolDate.isEmpty {
                    figures.append(ProcedureFigures(id: pid, type: p.type, subject: p.subject, grade: p.grade, year: p.year, taskNumbers: spec.tasks.map(\.number),
                                                    hasScale: spec.scale != nil, district: nil, participants: 0, parts: [], region: spec.reference?["region"], russia: spec.reference?["russia"], schoolFigures: [:]))
                }
                continue
            }
            func table(_ rs: [ResultsExport.Row]) -> WorkTable {
                var t = WorkTable(taskCount: spec.tasks.count)
                t.reserveCapacity(rs.count)
                for r in rs { t.append(r.work) }
                return t
            }
            let all = ResultsAnalysis.analyze(table(rows), spec: spec)
            let district = all.district
            var parts: [Part] = []
            let byGender = Dictionary(grouping: rows) { genderKey($0.work.gender) }
            let verdict = Suppression.apply(total: district.participants, parts: ["boys", "girls", "unstated"].map { ($0, byGender[$0]?.count ?? 0) }, minimum: minimum)
            // A split with one part only says nothing the total does not: not shown.
            if verdict.parts.count > 1 {
                for part in verdict.parts {
                    let g = part.shown ? ResultsAnalysis.analyze(table(byGender[part.key] ?? []), spec: spec).district : nil
                    parts.append(Part(title: genderTitles[part.key] ?? part.key, size: part.size, figures: g.map { Figures($0, spec: spec) },
                                      complementary: verdict.complementary.contains(part.key)))
                }
            }
            var schoolFigures: [UUID: (participants: Int, figures: Figures?)] = [:]
            for s in schools where s.showResults {
                guard let g = all.schools.first(where: { $0.school == s.login }) else { continue }
                schoolFigures[s.id] = (g.participants, Suppression.shows(g.participants, minimum: minimum) ? Figures(g, spec: spec) : nil)
            }
            figures.append(ProcedureFigures(id: pid, type: p.type, subject: p.subject, grade: p.grade, year: p.year, taskNumbers: spec.tasks.map(\.number),
                                            hasScale: spec.scale != nil,
                                            district: verdict.totalShown ? Figures(district, spec: spec) : nil, participants: district.participants, parts: parts,
                                            region: spec.reference?["region"], russia: spec.reference?["russia"], schoolFigures: schoolFigures))
        }
        observation.byKind = kinds.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        for (school, k) in perSchoolKinds { perSchool[school, default: Observation()].byKind = k.sorted { $0.key < $1.key }.map { ($0.key, $0.value) } }

        let docs = try await PublicDocument.query(on: db).filter(\.$municipalityID == mid).filter(\.$published == true)
            .field(\.$id).field(\.$school.$id).field(\.$kind).field(\.$title).field(\.$number).field(\.$docDate).field(\.$fileName).field(\.$size).field(\.$publishedAt)
            .sort(\.$publishedAt, .descending).all()
        let documents = docs.map { d in
            Document(id: d.id!, school: d.$school.id, kind: d.documentKind, title: d.title, number: d.number, date: d.docDate.flatMap(LocalDate.init(iso:)),
                     fileName: d.fileName, size: d.size)
        }.filter { $0.school == nil || schoolIDs.contains($0.school!) }
        let posts = try await NewsPost.query(on: db).filter(\.$municipalityID == mid).filter(\.$publishedAt <= now).sort(\.$publishedAt, .descending).all()
        let news = posts.map { n in
            News(id: n.id!, school: n.$school.id, title: n.title, body: n.body, publishedAt: n.publishedAt, updatedAt: max(n.updatedAt ?? n.publishedAt, n.publishedAt))
        }.filter { $0.school == nil || schoolIDs.contains($0.school!) }

        return PublicSnapshot(district: District(id: mid, name: m.name, department: m.departmentName, zone: m.zone), schools: schools,
                              sittings: sittings.sorted { ($0.date, $0.school.uuidString) < ($1.date, $1.school.uuidString) },
                              procedures: figures, observation: observation, schoolObservation: perSchool, recheck: recheck, documents: documents, news: news, minimum: minimum, builtAt: now, version: version,
                              multiDistrict: try await Municipality.query(on: db).count() > 1)
    }
}

/// The public pages' precomputed figures, one snapshot per district: built on first use and kept
/// while no write has committed since (`DataVersion`) and for at most `lifetime` seconds (the
/// safety net for writes on another node). Concurrent requests for a district being built wait
/// for the same build. Beside each snapshot, the pages rendered from it (by address, view and day),
/// so that a page asked again is served like a static file; and the directory of districts and
/// schools the addresses are resolved against.
actor PublicCache {
    /// A rendered response, kept to be served again.
    struct Page: Sendable {
        var status: HTTPResponseStatus
        var headers: HTTPHeaders
        /// The bytes, shared (not copied) by every response that serves them.
        var body: ByteBuffer

        init(status: HTTPResponseStatus, headers: HTTPHeaders, body: String) {
            self.status = status
            self.headers = headers
            self.body = ByteBuffer(string: body)
        }

        var response: Response { Response(status: status, headers: headers, body: .init(buffer: body)) }
    }

    struct Directory: Sendable {
        var districts: [Municipality]
        /// A school's login → its district.
        var schools: [String: UUID]
    }

    private struct Entry {
        var built: Date
        var version: UInt64
        var task: Task<PublicSnapshot, Error>
        var pages: [String: Page] = [:]
    }

    private var entries: [UUID: Entry] = [:]
    private var directory: (built: Date, version: UInt64, task: Task<Directory, Error>)?
    let lifetime: TimeInterval
    /// Rendered pages kept per district: addresses with any query are many, memory is not.
    let maxPages = 400

    init(lifetime: TimeInterval = 60) { self.lifetime = lifetime }

    private func fresh(_ built: Date, _ version: UInt64, now: Date) -> Bool {
        version == DataVersion.current && now >= built && now.timeIntervalSince(built) < lifetime
    }

    func directory(now: Date, db: Database) async throws -> Directory {
        if let d = directory, fresh(d.built, d.version, now: now) { return try await d.task.value }
        let version = DataVersion.current
        let task = Task {
            let districts = try await Municipality.query(on: db).sort(\.$name).all()
            let schools = try await School.query(on: db).filter(\.$isActive == true).all()
            return Directory(districts: districts, schools: Dictionary(schools.map { ($0.login, $0.$municipality.id) }, uniquingKeysWith: { a, _ in a }))
        }
        directory = (now, version, task)
        do {
            return try await task.value
        } catch {
            directory = nil
            throw error
        }
    }

    /// The district's snapshot and, if it was rendered from this snapshot before, the page `key`.
    func snapshot(_ m: Municipality, page key: String? = nil, now: Date, db: Database) async throws -> (PublicSnapshot, Page?) {
        let id = try m.requireID()
        if let e = entries[id], fresh(e.built, e.version, now: now) {
            return (try await e.task.value, key.flatMap { e.pages[$0] })
        }
        let version = DataVersion.current
        let task = Task { try await PublicSnapshot.build(m, now: now, version: version, on: db) }
        entries[id] = Entry(built: now, version: version, task: task)
        do {
            return (try await task.value, nil)
        } catch {
            entries[id] = nil
            throw error
        }
    }

    /// Keeps a page rendered from `snapshot`, unless the snapshot has been replaced meanwhile.
    func keep(_ page: Page, key: String, from snapshot: PublicSnapshot) {
        guard var e = entries[snapshot.district.id], e.version == snapshot.version, e.pages.count < maxPages else { return }
        e.pages[key] = page
        entries[snapshot.district.id] = e
    }
}

struct PublicCacheKey: StorageKey { typealias Value = PublicCache }

extension Application {
    var publicCache: PublicCache {
        if let c = storage[PublicCacheKey.self] { return c }
        let c = PublicCache()
        storage[PublicCacheKey.self] = c
        return c
    }
}
