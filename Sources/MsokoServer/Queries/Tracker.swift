import Fluent
import MsokoCore
import Vapor

/// Who reports on a checkpoint: the district (department, a named person, methodical
/// association heads) or one school.
enum Party: Hashable {
    case district
    case school(UUID)

    var schoolID: UUID? {
        if case .school(let id) = self { return id }
        return nil
    }
}

/// Evidence file metadata (the bytes are loaded only for download).
struct EvidenceInfo {
    let id: UUID
    let reportID: UUID
    let fileName: String
    let size: Int
    let uploadedBy: String
    let createdAt: Date?
}

/// The roadmap of one municipality and year with every checkpoint, report and status:
/// the read model behind the dashboard, the measure and school pages, the API and the DOCX.
struct Tracker {
    let municipality: Municipality
    let roadmap: Roadmap
    let measures: [Measure]
    let checkpoints: [UUID: [Checkpoint]]
    let reports: [UUID: [Party: CheckpointReport]]
    let evidence: [UUID: [EvidenceInfo]]
    let schools: [School]
    let today: LocalDate

    var schoolsByID: [UUID: School] { Dictionary(uniqueKeysWithValues: schools.compactMap { s in s.id.map { ($0, s) } }) }

    static func load(municipalityID: UUID, year: String?, on db: Database, now: Date) async throws -> Tracker? {
        guard let municipality = try await Municipality.find(municipalityID, on: db) else { return nil }
        let roadmap: Roadmap
        if let year {
            guard let found = try await Roadmap.query(on: db).filter(\.$municipality.$id == municipalityID)
                .filter(\.$schoolYear == year).first() else { return nil }
            roadmap = found
        } else {
            // The current school year's roadmap (August to August), else the latest one.
            let today = LocalDate(now, in: municipality.zone)
            let start = today.month >= 8 ? today.year : today.year - 1
            let all = try await Roadmap.query(on: db).filter(\.$municipality.$id == municipalityID).sort(\.$schoolYear, .descending).all()
            guard let chosen = all.first(where: { $0.schoolYear == "\(start)-\(start + 1)" }) ?? all.first else { return nil }
            roadmap = chosen
        }
        let roadmapID = try roadmap.requireID()
        let measures = try await Measure.query(on: db).filter(\.$roadmap.$id == roadmapID).sort(\.$position).all()
        let measureIDs = measures.compactMap(\.id)
        let cps = measureIDs.isEmpty ? [] : try await Checkpoint.query(on: db).filter(\.$measure.$id ~~ measureIDs).sort(\.$seq).all()
        let cpIDs = cps.compactMap(\.id)
        let reps = cpIDs.isEmpty ? [] : try await CheckpointReport.query(on: db).filter(\.$checkpoint.$id ~~ cpIDs).all()
        let repIDs = reps.compactMap(\.id)
        let files = repIDs.isEmpty ? [] : try await EvidenceFile.query(on: db).filter(\.$report.$id ~~ repIDs)
            .field(\.$id).field(\.$report.$id).field(\.$fileName).field(\.$size).field(\.$uploadedBy).field(\.$createdAt)
            .sort(\.$createdAt).all()
        let schools = try await School.query(on: db).filter(\.$municipality.$id == municipalityID)
            .filter(\.$isActive == true).sort(\.$login).all()

        var checkpoints: [UUID: [Checkpoint]] = [:]
        for cp in cps { checkpoints[cp.$measure.id, default: []].append(cp) }
        var reports: [UUID: [Party: CheckpointReport]] = [:]
        for r in reps {
            let party: Party = r.schoolID.map { .school($0) } ?? .district
            reports[r.$checkpoint.id, default: [:]][party] = r
        }
        var evidence: [UUID: [EvidenceInfo]] = [:]
        for f in files {
            evidence[f.$report.id, default: []].append(
                EvidenceInfo(id: f.id!, reportID: f.$report.id, fileName: f.fileName, size: f.size, uploadedBy: f.uploadedBy, createdAt: f.createdAt))
        }
        return Tracker(municipality: municipality, roadmap: roadmap, measures: measures, checkpoints: checkpoints,
                       reports: reports, evidence: evidence, schools: schools,
                       today: LocalDate(now, in: municipality.zone))
    }

    /// Everybody who must report on the measure's checkpoints.
    func parties(for measure: Measure) -> [Party] {
        var parties: [Party] = []
        if ExecutorParser.districtReports(measure.responsible) { parties.append(.district) }
        if ExecutorParser.schoolsReport(measure.responsible) { parties += schools.compactMap { $0.id.map(Party.school) } }
        return parties
    }

    func report(_ checkpoint: Checkpoint, _ party: Party) -> CheckpointReport? {
        checkpoint.id.flatMap { reports[$0]?[party] }
    }

    func status(_ checkpoint: Checkpoint, _ party: Party) -> CheckpointStatus {
        let stored = report(checkpoint, party).flatMap { CheckpointStatus(rawValue: $0.status) } ?? .notStarted
        return StatusRules.effective(stored: stored, due: due(checkpoint), today: today)
    }

    func status(_ checkpoint: Checkpoint, measure: Measure) -> CheckpointStatus {
        StatusRules.combine(parties(for: measure).map { status(checkpoint, $0) })
    }

    func due(_ checkpoint: Checkpoint) -> LocalDate {
        LocalDate(iso: checkpoint.due) ?? today
    }

    func checkpoints(of measure: Measure) -> [Checkpoint] {
        measure.id.flatMap { checkpoints[$0] } ?? []
    }

    func files(_ report: CheckpointReport?) -> [EvidenceInfo] {
        report?.id.flatMap { evidence[$0] } ?? []
    }

    /// Counts of statuses over the given (checkpoint, party) items.
    static func counts(_ statuses: [CheckpointStatus]) -> [CheckpointStatus: Int] {
        var result: [CheckpointStatus: Int] = [:]
        for s in statuses { result[s, default: 0] += 1 }
        return result
    }

    /// Sections in roadmap order.
    var sections: [(number: String, title: String, measures: [Measure])] {
        var result: [(number: String, title: String, measures: [Measure])] = []
        for m in measures {
            if let last = result.last, last.number == m.sectionNumber {
                result[result.count - 1].measures.append(m)
            } else {
                result.append((m.sectionNumber, m.sectionTitle, [m]))
            }
        }
        return result
    }

    func partyName(_ party: Party) -> String {
        switch party {
        case .district: return municipality.departmentName
        case .school(let id): return schoolsByID[id]?.shortName ?? "—"
        }
    }
}

struct ClockKey: StorageKey { typealias Value = @Sendable () -> Date }

extension Application {
    /// The current instant. Tests inject a fixed clock; `MSOKO_TODAY=YYYY-MM-DD` pins the date
    /// (06:00 UTC that day, then running) for demonstrations.
    var now: Date {
        if let clock = storage[ClockKey.self] { return clock() }
        return Date()
    }
}

extension Request {
    var now: Date { application.now }

    /// The tracker of the signed-in user's municipality (404 when it has no roadmap yet).
    /// `year` defaults to the page's `?year=` and then to the current school year.
    func tracker(year: String? = nil) async throws -> Tracker? {
        guard let mid = try requireUser().municipalityID else { return nil }
        let chosen = year ?? query[String.self, at: "year"].flatMap { $0.isEmpty ? nil : $0 }
        return try await Tracker.load(municipalityID: mid, year: chosen, on: db, now: now)
    }

    /// The school years the user's district has roadmaps for, newest first.
    func roadmapYears() async throws -> [String] {
        guard let mid = try requireUser().municipalityID else { return [] }
        return try await Roadmap.query(on: db).filter(\.$municipality.$id == mid).sort(\.$schoolYear, .descending).all().map(\.schoolYear)
    }
}
