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
}
