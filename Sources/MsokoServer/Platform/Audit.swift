import Fluent
import Foundation
import Vapor

/// The append-only audit log. Nothing in msoko updates or deletes audit entries.
enum Audit {
    static func record<B: Encodable, A: Encodable>(
        on db: Database, actor: String?, action: String, entity: String, id: String?, summary: String,
        before: B?, after: A?, municipalityID: UUID?, regionID: UUID?, schoolID: UUID? = nil
    ) async throws {
        let entry = AuditEntry()
        entry.at = Date()
        entry.userLogin = actor
        entry.action = action
        entry.entity = entity
        entry.entityID = id
        entry.summary = summary
        if let before { entry.before = try json(before) }
        if let after { entry.after = try json(after) }
        entry.municipalityID = municipalityID
        entry.regionID = regionID
        entry.schoolID = schoolID
        try await entry.create(on: db)
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
