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
        let login = try req.user.login
        try await req.audited { db in
            let report = try await CheckpointReport.forWriting(checkpoint, of: measure, schoolID: schoolID, status: .inProgress, on: db)
            report.updatedBy = login
            try await report.save(on: db)
            let e = try EvidenceFile.make(report: report, name: name, type: Download.docxType, data: data, by: login,
                                          regionID: measure.regionID, municipalityID: measure.municipalityID, schoolID: schoolID)
            try await e.create(on: db)
            return try AuditNote(action: "attach", entity: "evidence", id: e.id, summary: summary,
                                 after: ["file": name, "sha256": e.sha256], municipalityID: measure.municipalityID, regionID: measure.regionID, schoolID: schoolID)
        }
    }
}
