import Fluent
import MsokoCore
import Vapor

/// Writes roadmaps into the database and keeps checkpoints in step with timings.
enum RoadmapStore {
    /// Loads `document` for the municipality. An existing roadmap of the same year is updated
    /// measure by measure (matched by number); measures missing from the file are removed.
    @discardableResult
    static func load(_ document: RoadmapDocument, municipality: Municipality, actor: String?, on db: Database) async throws -> Roadmap {
        let startYear = try RoadmapDocument.startYear(of: document.year)
        let municipalityID = try municipality.requireID()
        return try await db.writeTransaction { db in
            let roadmap: Roadmap
            if let existing = try await Roadmap.query(on: db)
                .filter(\.$municipality.$id == municipalityID).filter(\.$schoolYear == document.year).first() {
                roadmap = existing
                roadmap.title = document.title
                try await roadmap.save(on: db)
            } else {
                roadmap = Roadmap()
                roadmap.regionID = municipality.$region.id
                roadmap.$municipality.id = municipalityID
                roadmap.schoolYear = document.year
                roadmap.title = document.title
                try await roadmap.save(on: db)
            }
            let roadmapID = try roadmap.requireID()
            let existing = try await Measure.query(on: db).filter(\.$roadmap.$id == roadmapID).all()
            var byNumber = Dictionary(uniqueKeysWithValues: existing.map { ($0.number, $0) })
            var position = 0
            for section in document.sections {
                for item in section.measures {
                    position += 1
                    let measure = byNumber.removeValue(forKey: item.number) ?? Measure()
                    let isNew = measure.id == nil
                    measure.$roadmap.id = roadmapID
                    measure.regionID = roadmap.regionID
                    measure.municipalityID = municipalityID
                    measure.sectionNumber = section.number
                    measure.sectionTitle = section.title
                    measure.number = item.number
                    measure.position = position
                    measure.title = item.title
                    measure.timing = item.timing
                    measure.responsible = item.responsible
                    measure.expectedResult = item.expectedResult
                    try await measure.save(on: db)
                    try await syncCheckpoints(measure, startYear: startYear, on: db)
                    if isNew {
                        try await Audit.record(on: db, actor: actor, action: "create", entity: "measure", id: measure.id?.uuidString,
                                               summary: "Мероприятие \(item.number) загружено", after: item,
                                               municipalityID: municipalityID, regionID: roadmap.regionID)
                    }
                }
            }
            for (_, gone) in byNumber {
                try await Audit.record(on: db, actor: actor, action: "delete", entity: "measure", id: gone.id?.uuidString,
                                       summary: "Мероприятие \(gone.number) удалено при загрузке", before: snapshot(gone),
                                       municipalityID: municipalityID, regionID: roadmap.regionID)
                try await deleteMeasure(gone, on: db)
            }
            try await Audit.record(on: db, actor: actor, action: "load", entity: "roadmap", id: roadmapID.uuidString,
                                   summary: "Загружена дорожная карта \(document.year): \(document.measures.count) мероприятий",
                                   municipalityID: municipalityID, regionID: roadmap.regionID)
            return roadmap
        }
    }

    /// Regenerates a measure's checkpoints from its timing, keeping rows (and their reports)
    /// matched by sequence number; extra checkpoints are removed with their reports.
    static func syncCheckpoints(_ measure: Measure, startYear: Int, on db: Database) async throws {
        let plans = try TimingParser.checkpoints(for: measure.timing, schoolYearStart: startYear)
        let measureID = try measure.requireID()
        let existing = try await Checkpoint.query(on: db).filter(\.$measure.$id == measureID).all()
        var bySeq = Dictionary(uniqueKeysWithValues: existing.map { ($0.seq, $0) })
        for (index, plan) in plans.enumerated() {
            let cp = bySeq.removeValue(forKey: index) ?? Checkpoint()
            cp.$measure.id = measureID
            cp.regionID = measure.regionID
            cp.municipalityID = measure.municipalityID
            cp.seq = index
            cp.due = plan.due.iso
            cp.windowStart = plan.windowStart?.iso
            cp.label = plan.label
            try await cp.save(on: db)
        }
        for (_, gone) in bySeq { try await deleteCheckpoint(gone, on: db) }
    }

    static func deleteMeasure(_ measure: Measure, on db: Database) async throws {
        let checkpoints = try await Checkpoint.query(on: db).filter(\.$measure.$id == measure.requireID()).all()
        for cp in checkpoints { try await deleteCheckpoint(cp, on: db) }
        try await measure.delete(on: db)
    }

    /// Explicit deletes (not only ON DELETE CASCADE): SQLite enforces foreign keys only when asked.
    static func deleteCheckpoint(_ checkpoint: Checkpoint, on db: Database) async throws {
        let reports = try await CheckpointReport.query(on: db).filter(\.$checkpoint.$id == checkpoint.requireID()).all()
        for report in reports {
            try await EvidenceFile.query(on: db).filter(\.$report.$id == report.requireID()).delete()
            try await report.delete(on: db)
        }
        try await checkpoint.delete(on: db)
    }

    static func snapshot(_ m: Measure) -> RoadmapMeasure {
        RoadmapMeasure(number: m.number, title: m.title, timing: m.timing, responsible: m.responsible, expectedResult: m.expectedResult)
    }

    /// A stored roadmap as a document (sections in order, the measures' own texts).
    static func document(of roadmap: Roadmap, on db: Database) async throws -> RoadmapDocument {
        let measures = try await Measure.query(on: db).filter(\.$roadmap.$id == roadmap.requireID()).sort(\.$position).all()
        var sections: [RoadmapSection] = []
        for m in measures {
            let item = snapshot(m)
            if let i = sections.lastIndex(where: { $0.number == m.sectionNumber }) {
                sections[i].measures.append(item)
            } else {
                sections.append(RoadmapSection(number: m.sectionNumber, title: m.sectionTitle, measures: [item]))
            }
        }
        return RoadmapDocument(year: roadmap.schoolYear, title: roadmap.title, sections: sections)
    }

    /// The roadmap file shipped with msoko (the demo district's roadmap).
    static func bundledDocument() throws -> RoadmapDocument {
        guard let url = Bundle.module.url(forResource: "roadmap-2025-2026", withExtension: "json") else {
            throw ConfigError("В сборке нет файла roadmap-2025-2026.json.")
        }
        return try RoadmapFileReader.read(data: Data(contentsOf: url), fileName: "roadmap-2025-2026.json")
    }
}
