import Fluent
import Foundation
import Vapor

/// The append-only audit log. Nothing in msoko updates or deletes audit entries.
enum Audit {
    static func record<B: Encodable, A: Encodable>(
        on db: Database, actor: String?, action: String, entity: String, id: String?, summary: String,
        before: B?, after: A?, municipalityID: UUID?, regionID: UUID?, schoolID: UUID? = nil
    ) async throws {
        var note = try AuditNote(action: action, entity: entity, id: nil, summary: summary, before: before, after: after,
                                 municipalityID: municipalityID, regionID: regionID, schoolID: schoolID)
        note.id = id
        try await write(note, actor: actor, on: db)
    }

    static func record<A: Encodable>(
        on db: Database, actor: String?, action: String, entity: String, id: String?, summary: String,
        after: A?, municipalityID: UUID?, regionID: UUID?, schoolID: UUID? = nil
    ) async throws {
        try await record(on: db, actor: actor, action: action, entity: entity, id: id, summary: summary,
                         before: Optional<String>.none, after: after, municipalityID: municipalityID, regionID: regionID, schoolID: schoolID)
    }

    static func record<B: Encodable>(
        on db: Database, actor: String?, action: String, entity: String, id: String?, summary: String,
        before: B?, municipalityID: UUID?, regionID: UUID?, schoolID: UUID? = nil
    ) async throws {
        try await record(on: db, actor: actor, action: action, entity: entity, id: id, summary: summary,
                         before: before, after: Optional<String>.none, municipalityID: municipalityID, regionID: regionID, schoolID: schoolID)
    }

    static func record(
        on db: Database, actor: String?, action: String, entity: String, id: String?, summary: String,
        municipalityID: UUID?, regionID: UUID?, schoolID: UUID? = nil
    ) async throws {
        try await record(on: db, actor: actor, action: action, entity: entity, id: id, summary: summary,
                         before: Optional<String>.none, after: Optional<String>.none,
                         municipalityID: municipalityID, regionID: regionID, schoolID: schoolID)
    }

    static func json<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}

/// What a change writes to the audit log: the entry is made inside the change's transaction, so
/// the change and its record land together or not at all (`Request.audited`).
struct AuditNote: Sendable {
    var action: String
    var entity: String
    var id: String?
    var summary: String
    var before: String?
    var after: String?
    var municipalityID: UUID?
    var regionID: UUID?
    var schoolID: UUID? = nil

    /// `before` and `after` are stored as JSON (sorted keys).
    init(action: String, entity: String, id: UUID?, summary: String, before: (any Encodable)? = nil, after: (any Encodable)? = nil,
         municipalityID: UUID?, regionID: UUID?, schoolID: UUID? = nil) throws {
        self.action = action
        self.entity = entity
        self.id = id?.uuidString
        self.summary = summary
        self.before = try before.map { try Audit.json($0) }
        self.after = try after.map { try Audit.json($0) }
        self.municipalityID = municipalityID
        self.regionID = regionID
        self.schoolID = schoolID
    }
}

extension Audit {
    /// The newest entries of the user's municipality (the log page and `/api/v1/audit`).
    static func entries(_ req: Request, limit: Int) async throws -> [AuditEntry] {
        try await AuditEntry.query(on: req.db).filter(\.$municipalityID == req.user.municipalityID)
            .sort(\.$at, .descending).limit(limit).all()
    }

    static func write(_ note: AuditNote, actor: String?, on db: Database) async throws {
        let entry = AuditEntry()
        entry.at = Date()
        entry.userLogin = actor
        entry.action = note.action
        entry.entity = note.entity
        entry.entityID = note.id
        entry.summary = note.summary
        entry.before = note.before
        entry.after = note.after
        entry.municipalityID = note.municipalityID
        entry.regionID = note.regionID
        entry.schoolID = note.schoolID
        try await entry.create(on: db)
    }
}

extension Request {
    /// Runs `change` in a transaction and records the note it returns, as the signed-in user, in
    /// the same transaction.
    func audited(_ change: @escaping @Sendable (Database) async throws -> AuditNote) async throws {
        let actor = currentUser?.login
        try await db.writeTransaction { db in
            try await Audit.write(try await change(db), actor: actor, on: db)
        }
    }
}
