import Fluent
import MsokoCore
import Vapor

enum Organisations {
    /// Finds or creates the region and municipality by name.
    static func ensureMunicipality(region: String, name: String, department: String, timeZone: String, on db: Database) async throws -> Municipality {
        let regionModel: Region
        if let r = try await Region.query(on: db).filter(\.$name == region).first() {
            regionModel = r
        } else {
            regionModel = Region(name: region, code: String(region.lowercased().prefix(40)))
            try await regionModel.create(on: db)
        }
        let regionID = try regionModel.requireID()
        if let m = try await Municipality.query(on: db).filter(\.$region.$id == regionID).filter(\.$name == name).first() {
            return m
        }
        let m = Municipality(regionID: regionID, name: name, departmentName: department, timeZone: timeZone)
        try await m.create(on: db)
        return m
    }

    /// Adds or updates schools of a municipality from records; all-or-nothing in one transaction.
    static func upsert(_ records: [SchoolRecord], municipality: Municipality, actor: String?, isDemo: Bool = false, on db: Database) async throws -> (created: Int, updated: Int) {
        try await db.writeTransaction { db in
            var created = 0, updated = 0
            let mid = try municipality.requireID()
            for record in records {
                if let existing = try await School.query(on: db).filter(\.$login == record.login).first() {
                    guard existing.$municipality.id == mid else {
                        throw AppError.conflict("Школа \(record.login) уже числится в другом муниципалитете.")
                    }
                    let before = SchoolDTO(existing)
                    existing.fullName = record.fullName
                    existing.shortName = record.shortName
                    existing.type = record.type.rawValue
                    existing.isActive = true
                    try await existing.save(on: db)
                    try await Audit.record(on: db, actor: actor, action: "update", entity: "school", id: existing.id?.uuidString,
                                           summary: "Изменена школа \(record.login)", before: before, after: SchoolDTO(existing),
                                           municipalityID: mid, regionID: existing.regionID, schoolID: existing.id)
                    updated += 1
                } else {
                    let school = School(regionID: municipality.$region.id, municipalityID: mid, login: record.login,
                                        fullName: record.fullName, shortName: record.shortName, type: record.type.rawValue, isDemo: isDemo)
                    try await school.create(on: db)
                    try await Audit.record(on: db, actor: actor, action: "create", entity: "school", id: school.id?.uuidString,
                                           summary: "Добавлена школа \(record.login)", after: SchoolDTO(school),
                                           municipalityID: mid, regionID: school.regionID, schoolID: school.id)
                    created += 1
                }
            }
            return (created, updated)
        }
    }
}

struct SchoolDTO: Content {
    var login: String
    var fullName: String
    var shortName: String
    var type: String
    var isActive: Bool
    init(_ s: School) {
        login = s.login
        fullName = s.fullName
        shortName = s.shortName
        type = s.type
        isActive = s.isActive
    }
}

/// Stored settings: the demo flag and the report template (letterhead and signature).
enum Settings {
    static let demoKey = "demo"
    static let letterheadKey = "report.letterhead"
    static let signatureKey = "report.signature"
    static let schoolSignatureKey = "report.schoolSignature"
    static let procedureTypesKey = "procedure.types"
    static let orderTemplateKey = "template.order"
    static let objectivityKey = "objectivity.thresholds"
    static let loginPatternKey = "school.loginPattern"
    static let localActsKey = "localActs.types"
    static let supersededKey = "localActs.superseded"
    /// «{школа}» in the school signature template becomes the school's short name.
    static let schoolPlaceholder = "{школа}"

    static func get(_ key: String, municipalityID: UUID?, on db: Database) async throws -> String? {
        let q = Setting.query(on: db).filter(\.$key == key)
        if let municipalityID { q.filter(\.$municipalityID == municipalityID) } else { q.filter(\.$municipalityID == nil) }
        return try await q.first()?.value
    }

    static func set(_ key: String, _ value: String, municipalityID: UUID?, on db: Database) async throws {
        let q = Setting.query(on: db).filter(\.$key == key)
        if let municipalityID { q.filter(\.$municipalityID == municipalityID) } else { q.filter(\.$municipalityID == nil) }
        if let s = try await q.first() {
            s.value = value
            try await s.save(on: db)
        } else {
            try await Setting(key: key, value: value, municipalityID: municipalityID).create(on: db)
        }
    }

    static func isDemo(on db: Database) async throws -> Bool {
        try await get(demoKey, municipalityID: nil, on: db) == "1"
    }

    static func letterhead(_ m: Municipality, on db: Database) async throws -> String {
        try await get(letterheadKey, municipalityID: m.id, on: db) ?? "\(m.departmentName)\n\(m.name)"
    }

    static func schoolSignature(_ m: Municipality, on db: Database) async throws -> String {
        try await get(schoolSignatureKey, municipalityID: m.id, on: db) ?? "Руководитель \(schoolPlaceholder) ____________________ / ____________ /"
    }

    /// The district's kinds of procedure, one a line (defaults until the district edits them).
    static func procedureTypes(municipalityID: UUID?, on db: Database) async throws -> [String] {
        guard let text = try await get(procedureTypesKey, municipalityID: municipalityID, on: db) else { return ProcedureTypes.defaults }
        let list = ProcedureTypes.parse(text)
        return list.isEmpty ? ProcedureTypes.defaults : list
    }

    /// The district's list of local acts with their checklists (JSON), or the usual set.
    static func localActTypes(municipalityID: UUID?, on db: Database) async throws -> [LocalActType] {
        guard let text = try await get(localActsKey, municipalityID: municipalityID, on: db),
              let list = try? JSONDecoder().decode([LocalActType].self, from: Data(text.utf8)), !list.isEmpty else { return LocalActs.defaults }
        return list
    }

    /// The district's list of superseded normative acts (JSON), or the one msoko ships.
    static func superseded(municipalityID: UUID?, on db: Database) async throws -> [SupersededAct] {
        guard let text = try await get(supersededKey, municipalityID: municipalityID, on: db),
              let list = try? JSONDecoder().decode([SupersededAct].self, from: Data(text.utf8)) else { return LocalActs.defaultSuperseded }
        return list
    }

    /// The district's template of the order «Об итогах …», or the one msoko ships.
    static func orderTemplate(municipalityID: UUID?, on db: Database) async throws -> String {
        if let own = try await get(orderTemplateKey, municipalityID: municipalityID, on: db), !own.isEmpty { return own }
        return defaultOrderTemplate
    }

    static var defaultOrderTemplate: String {
        guard let url = Bundle.module.url(forResource: "order-results", withExtension: "txt"), let text = try? String(contentsOf: url, encoding: .utf8) else {
            return "# ПРИКАЗ\n# Об итогах {процедура} по предмету «{предмет}»\n\n{подпись}"
        }
        return text
    }

    /// The district's thresholds of the objectivity indicators (JSON), or the defaults.
    static func objectivity(municipalityID: UUID?, on db: Database) async throws -> ObjectivitySettings {
        guard let text = try await get(objectivityKey, municipalityID: municipalityID, on: db),
              let s = try? JSONDecoder().decode(ObjectivitySettings.self, from: Data(text.utf8)) else { return ObjectivitySettings() }
        return s
    }

    /// The forms a school login may take in the district's files (the standard ones until edited).
    static func loginPattern(municipalityID: UUID?, on db: Database) async throws -> LoginPattern {
        guard let municipalityID else { return .standard }
        return LoginPattern(setting: try await get(loginPatternKey, municipalityID: municipalityID, on: db))
    }

    static func signature(_ m: Municipality, on db: Database) async throws -> String {
        try await get(signatureKey, municipalityID: m.id, on: db) ?? "Начальник Управления образования ____________________ / ____________ /"
    }
}
