import Fluent
import MsokoCore
import Vapor

extension CheckpointReport {
    /// A party's report on a checkpoint (the district's when `schoolID` is nil), if written.
    static func existing(_ checkpoint: Checkpoint, schoolID: UUID?, on db: Database) async throws -> CheckpointReport? {
        let q = CheckpointReport.query(on: db).filter(\.$checkpoint.$id == (try checkpoint.requireID()))
        if let schoolID { q.filter(\.$schoolID == schoolID) } else { q.filter(\.$schoolID == nil) }
        return try await q.first()
    }

    /// The party's report to write into: the stored one, or a new, unsaved one with `status` and no text.
    static func forWriting(_ checkpoint: Checkpoint, of measure: Measure, schoolID: UUID?, status: CheckpointStatus,
                           on db: Database) async throws -> CheckpointReport {
        if let found = try await existing(checkpoint, schoolID: schoolID, on: db) { return found }
        let r = CheckpointReport()
        r.$checkpoint.id = try checkpoint.requireID()
        r.regionID = measure.regionID
        r.municipalityID = measure.municipalityID
        r.schoolID = schoolID
        r.status = status.rawValue
        r.text = ""
        return r
    }

    /// A document made by msoko added to a party's report (started if need be) as evidence, audited:
    /// the one-click «приложить к отчёту» of the analysis (2.1) and of the gaps work (2.3).
    static func attach(_ req: Request, checkpoint: Checkpoint, of measure: Measure, schoolID: UUID?, name: String, data: Data, summary: String) async throws {
        try await attach(req, checkpoint: checkpoint, of: measure, schoolID: schoolID, files: [(name, Download.docxType, data)], summary: summary)
    }

    /// Several files at once (a document made by msoko and the file it rests on), in one transaction.
    static func attach(_ req: Request, checkpoint: Checkpoint, of measure: Measure, schoolID: UUID?, files: [(name: String, type: String, data: Data)],
                       summary: String, alongside: (@Sendable (Database) async throws -> Void)? = nil) async throws {
        let login = try req.user.login
        try await req.audited { db in
            let report = try await CheckpointReport.forWriting(checkpoint, of: measure, schoolID: schoolID, status: .inProgress, on: db)
            report.updatedBy = login
            try await report.save(on: db)
            var kept: [[String: String]] = []
            var firstID: UUID?
            for f in files {
                let e = try EvidenceFile.make(report: report, name: f.name, type: f.type, data: f.data, by: login,
                                              regionID: measure.regionID, municipalityID: measure.municipalityID, schoolID: schoolID)
                try await e.create(on: db)
                firstID = firstID ?? e.id
                kept.append(["file": f.name, "sha256": e.sha256])
            }
            try await alongside?(db)
            let after: [String: String] = kept.count == 1 ? kept[0] : ["file": kept.map { $0["file"] ?? "" }.joined(separator: "; "), "sha256": kept.map { $0["sha256"] ?? "" }.joined(separator: "; ")]
            return try AuditNote(action: "attach", entity: "evidence", id: firstID, summary: summary,
                                 after: after, municipalityID: measure.municipalityID, regionID: measure.regionID, schoolID: schoolID)
        }
    }

    /// Where a school reports measure `number` now: the roadmap of the current school year (else
    /// the one of `schoolYear`, the procedure's), the measure, its next checkpoint (the last one
    /// when all have passed). A problem in words when there is none or schools do not report it.
    static func schoolCheckpoint(_ req: Request, number: String, title: String, schoolYear: String) async throws -> Result<(Measure, Checkpoint), AttachProblem> {
        let mid = try req.user.requireMunicipalityID()
        let now = try await req.today()
        let start = now.month >= 9 ? now.year : now.year - 1
        let roadmaps = try await Roadmap.query(on: req.db).filter(\.$municipality.$id == mid).filter(\.$schoolYear ~~ ["\(start)-\(start + 1)", schoolYear]).all()
        guard let roadmap = roadmaps.first(where: { $0.schoolYear == "\(start)-\(start + 1)" }) ?? roadmaps.first,
              let measure = try await Measure.query(on: req.db).filter(\.$roadmap.$id == roadmap.requireID()).filter(\.$number == number).first() else {
            return .failure(AttachProblem("В дорожной карте \(start)-\(start + 1) нет мероприятия \(number) «\(title)» — документ не к чему приложить."))
        }
        guard ExecutorParser.schoolsReport(measure.responsible) else {
            return .failure(AttachProblem("По мероприятию \(number) школы не отчитываются (исполнитель — Управление образования)."))
        }
        let checkpoints = try await Checkpoint.query(on: req.db).filter(\.$measure.$id == measure.requireID()).sort(\.$due).all()
        guard let checkpoint = checkpoints.first(where: { $0.due >= now.iso }) ?? checkpoints.last else {
            return .failure(AttachProblem("У мероприятия \(number) нет контрольных точек."))
        }
        return .success((measure, checkpoint))
    }
}

/// Where a dated document (a meeting's protocol, a decision, the PD report) goes in the roadmap:
/// the measure `number` of the roadmap of the school year the date falls in (else the latest
/// roadmap), its checkpoint due on or after the date (else the last one).
extension CheckpointReport {
    static func checkpoint(on date: LocalDate, _ req: Request, number: String, municipalityID: UUID, forSchool: Bool) async throws -> Result<(Measure, Checkpoint), AttachProblem> {
        let start = date.month >= 9 ? date.year : date.year - 1
        let year = "\(start)-\(start + 1)"
        let roadmaps = try await Roadmap.query(on: req.db).filter(\.$municipality.$id == municipalityID).sort(\.$schoolYear, .descending).all()
        guard let roadmap = roadmaps.first(where: { $0.schoolYear == year }) ?? roadmaps.first,
              let measure = try await Measure.query(on: req.db).filter(\.$roadmap.$id == roadmap.requireID()).filter(\.$number == number).first() else {
            return .failure(AttachProblem("В дорожной карте \(year) нет мероприятия \(number) — документ не к чему приложить."))
        }
        if forSchool && !ExecutorParser.schoolsReport(measure.responsible) {
            return .failure(AttachProblem("По мероприятию \(number) школы не отчитываются (исполнитель — Управление образования)."))
        }
        let checkpoints = try await Checkpoint.query(on: req.db).filter(\.$measure.$id == measure.requireID()).sort(\.$due).all()
        let on = roadmap.schoolYear == year ? date.iso : "0000-00-00"
        guard let cp = checkpoints.first(where: { $0.due >= on }) ?? checkpoints.last else {
            return .failure(AttachProblem("У мероприятия \(number) нет контрольных точек."))
        }
        return .success((measure, cp))
    }
}

/// Why a document cannot be attached to a measure's report, in words for the user.
struct AttachProblem: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}
