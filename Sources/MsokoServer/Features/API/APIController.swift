import Fluent
import MsokoCore
import Vapor

/// JSON API under /api/v1 with the same authorization as the pages (session or Bearer token).
enum APIController {
    static func register(_ app: Application) {
        app.on(Site.apiRoadmap, use: roadmap)
        app.on(Site.apiAudit, use: audit)
        app.on(Site.apiMe, use: me)
        app.on(Site.apiProcedures, use: procedures)
        app.on(Site.apiGaps, use: gaps)
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

    struct ProcedureDTO: Content { var id: UUID; var type: String; var year: Int; var subject: String; var grade: Int }

    /// The procedures the caller may see: the district's (and its region's) for district roles and
    /// heads, as on the procedures page; for a teacher, those with results of their classes.
    static func procedures(req: Request) async throws -> [String: [ProcedureDTO]] {
        let user = try req.user
        var list: [Procedure]
        if user.role == .teacher {
            var seen = Set<UUID>()
            list = try await TeacherClasses.results(of: user, on: req.db).map(\.procedure).filter { seen.insert($0.id!).inserted }
        } else {
            list = try await Procedures.visible(to: user, on: req.db)
        }
        return ["procedures": try list.map { ProcedureDTO(id: try $0.requireID(), type: $0.type, year: $0.year, subject: $0.subject, grade: $0.grade) }]
    }

    /// `GET /api/v1/procedures/ID/gaps?school=LOGIN[&class=CLASS]` (issue 13 §5): the group's
    /// requirements and every work's requirements not mastered. `class` is null for a school.
    struct GapsDTO: Content {
        struct RequirementDTO: Codable { var code: String; var text: String; var tasks: [String]; var completion: Double?; var verdict: String? }
        struct StudentDTO: Codable { var code: String; var notMastered: [String] }
        var school: String
        var `class`: String?
        var works: Int
        var requirements: [RequirementDTO]
        var students: [StudentDTO]

        enum CodingKeys: String, CodingKey { case school, `class`, works, requirements, students }
        /// Absent values as explicit nulls, so that every field the issue names is there.
        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(school, forKey: .school)
            try c.encode(`class`, forKey: .class)
            try c.encode(works, forKey: .works)
            try c.encode(requirements, forKey: .requirements)
            try c.encode(students, forKey: .students)
        }
    }

    static func gaps(req: Request) async throws -> GapsDTO {
        let user = try req.user
        let p = try await Procedures.find(req)
        guard let login = req.query[String.self, at: "school"]?.trimmingCharacters(in: .whitespaces), !login.isEmpty else {
            throw AppError.badInput("Укажите школу: параметр school — логин школы в ФИС ОКО.")
        }
        let className = req.query[String.self, at: "class"].map(WorkRecord.normalizeClass).flatMap { $0.isEmpty ? nil : $0 }
        if user.role == .teacher && className == nil {
            throw AppError.badInput("Учитель получает пробелы своего класса: укажите параметр class.")
        }
        let school = try await GroupScope.school(user, procedure: p, login: login, className: className, on: req.db)
        let l = try await GapsQuery.load(p, school: school, className: className, on: req.db)
        return GapsDTO(school: login, class: className, works: l.gaps.works,
                       requirements: l.gaps.requirements.map { f in
                           .init(code: f.requirement.code, text: f.requirement.text, tasks: f.requirement.tasks, completion: f.completion, verdict: f.verdict?.rawValue)
                       },
                       students: l.gaps.students.map { .init(code: $0.code, notMastered: $0.notMastered) })
    }
}
