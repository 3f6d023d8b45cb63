import Fluent
import Foundation
import MsokoCore
import Vapor

/// Who may do what with a class plan (issue 13 §2): district roles read every plan of their
/// district; a head reads and edits their school's plans; a teacher of the school edits the plans of
/// their own classes and, in any plan, the items and routes they are responsible for — and reads
/// only those plans. Checked on the plan's school in the query, never on the page.
struct GapPlanRights: Sendable {
    var canEdit = false
    /// Items and routes the user may edit although not the whole plan (a teacher's own).
    var ownItems: Set<UUID> = []
    var ownRoutes: Set<UUID> = []

    func edits(item id: UUID?) -> Bool { canEdit || id.map(ownItems.contains) == true }
    func edits(route id: UUID?) -> Bool { canEdit || id.map(ownRoutes.contains) == true }
    /// Entering a re-diagnosis: the plan's editors and any teacher with an item in it.
    var rediagnoses: Bool { canEdit || !ownItems.isEmpty }
    /// The district's methodical roles (a specialist, a methodist) read every plan and may attach
    /// a methodical recommendation to its items (issue 16 §1), though they edit nothing else.
    var methodical = false
    /// Attaching or detaching a recommendation on an item: its editors and the methodical roles.
    func recommends(item id: UUID?) -> Bool { methodical || edits(item: id) }
}

/// A plan with everything its pages and documents show.
struct LoadedPlan: Sendable {
    var plan: GapPlan
    var school: School
    var procedure: Procedure
    var items: [GapPlanItem]
    var routes: [GapRoute]
    var rediagnoses: [GapRediagnosis]
    var rights: GapPlanRights
    var today: LocalDate
    /// The district's time zone (dates of stored instants are shown in it).
    var zone: TimeZone

    var id: UUID { plan.id! }
    var title: String { "План ликвидации пробелов: \(plan.className), \(school.shortName)" }
}

enum GapPlanStore {
    /// The plan of the path (`:planID`) with the user's rights: 404 outside their district, 403
    /// outside their scope.
    static func load(_ req: Request, id: UUID? = nil) async throws -> LoadedPlan {
        let user = try req.user
        let pid = try id ?? req.pathID("planID")
        guard let plan = try await GapPlan.query(on: req.db).filter(\.$id == pid).filter(\.$municipalityID == user.requireMunicipalityID())
            .with(\.$school).with(\.$procedure).first() else { throw AppError.notFound }
        let items = try await GapPlanItem.query(on: req.db).filter(\.$plan.$id == pid).with(\.$responsible).sort(\.$position).all()
        let routes = try await GapRoute.query(on: req.db).filter(\.$plan.$id == pid).with(\.$responsible).sort(\.$studentCode).all()
        let rights = try await rights(of: user, plan: plan, items: items, routes: routes, on: req.db)
        let rediagnoses = try await GapRediagnosis.query(on: req.db).filter(\.$plan.$id == pid).sort(\.$date).all()
        let zone = try await req.municipalityZone()
        return LoadedPlan(plan: plan, school: plan.school, procedure: plan.procedure, items: items, routes: routes, rediagnoses: rediagnoses,
                          rights: rights, today: LocalDate(req.now, in: zone), zone: zone)
    }

    static func rights(of user: User, plan: GapPlan, items: [GapPlanItem], routes: [GapRoute], on db: Database) async throws -> GapPlanRights {
        guard let r = try await admitted(user, plan: plan, items: items, routes: routes, on: db) else { throw AppError.forbidden }
        return r
    }

    /// The user's rights on the plan, nil when they may not open it (a database error still throws).
    static func admitted(_ user: User, plan: GapPlan, items: [GapPlanItem], routes: [GapRoute], on db: Database) async throws -> GapPlanRights? {
        switch user.role {
        case .specialist, .methodist:
            return GapPlanRights(methodical: true)
        case .admin:
            return GapPlanRights()
        case .head:
            return user.$school.id == plan.$school.id ? GapPlanRights(canEdit: true) : nil
        case .teacher:
            guard user.$school.id == plan.$school.id, let uid = user.id else { return nil }
            let ownClass = try await TeacherClasses.admits(user, procedure: plan.procedure, schoolLogin: plan.school.login, className: plan.className, on: db)
            let r = GapPlanRights(canEdit: ownClass, ownItems: Set(items.filter { $0.$responsible.id == uid }.compactMap(\.id)),
                                  ownRoutes: Set(routes.filter { $0.$responsible.id == uid }.compactMap(\.id)))
            return ownClass || !r.ownItems.isEmpty || !r.ownRoutes.isEmpty ? r : nil
        default:
            return nil
        }
    }

    /// May the user draft a plan for `className` of `school` (heads: their school; teachers: their own class)?
    static func mayDraft(_ user: User, procedure p: Procedure, school: School, className: String, on db: Database) async throws -> Bool {
        switch user.role {
        case .head: return user.$school.id == school.id
        case .teacher: return try await TeacherClasses.admits(user, procedure: p, schoolLogin: school.login, className: className, on: db)
        default: return false
        }
    }

    /// The active teacher and head accounts of a school: whom an item may be given to.
    static func staff(of schoolID: UUID, on db: Database) async throws -> [User] {
        try await User.query(on: db).filter(\.$school.$id == schoolID).filter(\.$isDisabled == false)
            .filter(\.$role ~~ [.teacher, .head]).sort(\.$name).all()
    }

    /// The plans a user sees, newest first: the district's, a head's school's, a teacher's own.
    static func visible(to user: User, schoolID: UUID? = nil, on db: Database) async throws -> [GapPlan] {
        let q = GapPlan.query(on: db).filter(\.$municipalityID == (try user.requireMunicipalityID())).with(\.$school).with(\.$procedure)
        switch user.role {
        case .specialist, .admin, .methodist: break
        case .head, .teacher:
            guard let sid = user.$school.id else { return [] }
            q.filter(\.$school.$id == sid)
        default: return []
        }
        if let schoolID { q.filter(\.$school.$id == schoolID) }
        var plans = try await q.sort(\.$createdAt, .descending).all()
        if user.role == .teacher {
            var kept: [GapPlan] = []
            for p in plans {
                let items = try await p.$items.get(on: db), routes = try await p.$routes.get(on: db)
                if try await admitted(user, plan: p, items: items, routes: routes, on: db) != nil { kept.append(p) }
            }
            plans = kept
        }
        return plans
    }
}

/// A plan's figures: the class's gaps in its procedure (before), each re-diagnosis's gaps, and for
/// each item its latest re-diagnosis and what that says.
struct PlanProgress: Sendable {
    var before: GroupGaps
    var requirements: [GapRequirement]
    /// Per re-diagnosis (in date order): its changes per requirement.
    var changes: [UUID: [RequirementChange]]
    /// Per item id: the change in its latest re-diagnosis that checks its code, and the outcome it suggests.
    var byItem: [UUID: (date: String, change: RequirementChange, outcome: GapOutcome?)]

    static func make(_ l: LoadedPlan, on db: Database) async throws -> PlanProgress {
        let loaded = try await GapsQuery.works(l.procedure, school: l.school, className: l.plan.className, on: db)
        let reqs = Gaps.requirements(of: loaded.spec)
        var changes: [UUID: [RequirementChange]] = [:]
        var byItem: [UUID: (String, RequirementChange, GapOutcome?)] = [:]
        for r in l.rediagnoses {
            let after = Rediagnosis.gaps(try r.decodedTasks(), rows: try r.decodedRows(), requirements: reqs, className: l.plan.className)
            let c = GapPlanning.compare(before: loaded.gaps, after: after)
            changes[r.id!] = c
            for item in l.items {
                guard let change = c.first(where: { $0.code == item.code }), !change.students.isEmpty else { continue }
                byItem[item.id!] = (r.date, change, GapPlanning.outcome(change, students: item.studentCodes))
            }
        }
        return PlanProgress(before: loaded.gaps, requirements: reqs, changes: changes, byItem: byItem)
    }

    /// The item has a re-diagnosis result (one of its students re-diagnosed on its requirement).
    func rediagnosed(_ item: GapPlanItem) -> Bool { item.id.flatMap { byItem[$0]?.outcome } != nil }

    /// A route has a re-diagnosis result when its student was re-diagnosed on one of `codes`.
    func rediagnosed(student: String, codes: [String]) -> Bool {
        changes.values.contains { $0.contains { c in codes.contains(c.code) && c.students.contains { $0.code == student } } }
    }
}

/// An item or a route: both move through the same statuses, with the dates they did.
protocol GapWork: AnyObject {
    var status: String { get set }
    var outcome: String? { get set }
    var startedOn: String? { get set }
    var closedOn: String? { get set }
}

extension GapWork {
    var itemStatus: ItemStatus { ItemStatus(rawValue: status) ?? .planned }
    var itemOutcome: GapOutcome? { outcome.flatMap(GapOutcome.init(rawValue:)) }

    /// The new status and outcome: the day it went into work is kept (cleared when planned again),
    /// the day it closed is kept while it stays closed.
    func move(to new: ItemStatus, outcome o: GapOutcome?, today: LocalDate) {
        if new != .planned && startedOn == nil { startedOn = today.iso }
        if new == .planned { startedOn = nil }
        closedOn = new == .closed ? (itemStatus == .closed ? closedOn ?? today.iso : today.iso) : nil
        status = new.rawValue
        outcome = o?.rawValue
    }
}

extension GapPlanItem: GapWork {}
extension GapRoute: GapWork {}

extension GapFile: StoredFile {
    static func make(plan: GapPlan, kind: String, name: String, type: String, data: Data, by login: String) throws -> GapFile {
        let g = GapFile()
        g.$plan.id = try plan.requireID()
        g.kind = kind
        g.keep(data, name: name)
        g.contentType = type
        g.uploadedBy = login
        return g
    }
}

extension GapPlanItem {
    var studentCodes: [String] { GapText.codes(students) }
    /// Not closed and past its end (or its re-diagnosis date, when it has no end).
    func isOverdue(today: LocalDate) -> Bool {
        guard itemStatus != .closed, let due = (ends ?? rediagnosisDate).flatMap(LocalDate.init(iso:)) else { return false }
        return due < today
    }
}

extension GapRoute {
    func isOverdue(today: LocalDate) -> Bool {
        guard itemStatus != .closed, let due = ends.flatMap(LocalDate.init(iso:)) else { return false }
        return due < today
    }
}

extension GapRediagnosis {
    func decodedTasks() throws -> [Rediagnosis.Task] { try JSONDecoder().decode([Rediagnosis.Task].self, from: Data(tasks.utf8)) }
    func decodedRows() throws -> [Rediagnosis.Row] { try JSONDecoder().decode([Rediagnosis.Row].self, from: Data(rows.utf8)) }
    static func json<T: Encodable>(_ value: T) throws -> String { String(decoding: try JSONEncoder().encode(value), as: UTF8.self) }
}

/// Lists kept as text: codes «0101, 0104».
enum GapText {
    static func codes(_ text: String) -> [String] {
        text.split(whereSeparator: { $0 == "," || $0 == ";" || $0.isWhitespace }).map(String.init).filter { !$0.isEmpty }
    }
    static func join(_ codes: [String]) -> String { codes.joined(separator: ", ") }
}
