import Fluent
import MsokoCore
import Vapor

/// JSON API under /api/v1 with the same authorization as the pages (session or Bearer token).
enum APIController {
    static func register(_ app: Application) {
        app.on(Site.apiRoadmap, use: roadmap)
        app.on(Site.apiAudit, use: audit)
        app.on(Site.apiMe, use: me)
    }

    struct RoadmapDTO: Content {
        var year: String
        var title: String
        var measures: [MeasureDTO]
    }
    struct SectionDTO: Content { var number: String; var title: String }
    struct MeasureDTO: Content {
        var number: String
        var section: SectionDTO
        var title: String
        var timing: String
        var responsible: String
        var expectedResult: String
        var checkpoints: [CheckpointDTO]
    }
    struct CheckpointDTO: Content {
        var due: String
        var windowStart: String?
        var label: String
        var status: String
        var district: String?
        var schools: [SchoolStatusDTO]?
    }
    struct SchoolStatusDTO: Content { var school: String; var status: String }

    static func roadmap(req: Request) async throws -> RoadmapDTO {
        let user = try req.user
        guard user.role.readsRoadmap else { throw AppError.forbidden }
        guard let tracker = try await req.tracker(year: req.query[String.self, at: "year"]) else { throw AppError.notFound }
        let measures = tracker.measures.map { m in
            let parties = tracker.parties(for: m)
            let showSchools = ExecutorParser.schoolsReport(m.responsible)
            return MeasureDTO(
                number: m.number, section: SectionDTO(number: m.sectionNumber, title: m.sectionTitle),
                title: m.title, timing: m.timing, responsible: m.responsible, expectedResult: m.expectedResult,
                checkpoints: tracker.checkpoints(of: m).map { cp in
                    let schools = parties.compactMap { p -> SchoolStatusDTO? in
                        guard let sid = p.schoolID, let s = tracker.schoolsByID[sid], user.canSee(school: s) else { return nil }
                        return SchoolStatusDTO(school: s.login, status: tracker.status(cp, p).rawValue)
                    }
                    return CheckpointDTO(due: cp.due, windowStart: cp.windowStart, label: cp.label,
                                         status: tracker.status(cp, measure: m).rawValue,
                                         district: parties.contains(.district) ? tracker.status(cp, .district).rawValue : nil,
                                         schools: showSchools ? schools : nil)
                })
        }
        return RoadmapDTO(year: tracker.roadmap.schoolYear, title: tracker.roadmap.title, measures: measures)
    }

    struct AuditDTO: Content {
        var at: Date
        var user: String?
        var action: String
        var entity: String
        var entityID: String?
        var summary: String?
        var before: String?
        var after: String?
    }

    static func audit(req: Request) async throws -> [String: [AuditDTO]] {
        let limit = min(max(req.query[Int.self, at: "limit"] ?? 500, 1), 10000)
        let entries = try await Audit.entries(req, limit: limit)
        return ["entries": entries.map {
            AuditDTO(at: $0.at, user: $0.userLogin, action: $0.action, entity: $0.entity, entityID: $0.entityID,
                     summary: $0.summary, before: $0.before, after: $0.after)
        }]
    }

    struct MeDTO: Content { var login: String; var name: String; var role: String; var school: String? }

    static func me(req: Request) async throws -> MeDTO {
        let user = try req.user
        let school = try await user.$school.get(on: req.db)
        return MeDTO(login: user.login, name: user.name, role: user.role.rawValue, school: school?.login)
    }
}
