import Fluent
import MsokoCore
import Vapor

/// A school's or a class's gaps in one procedure (`MsokoCore.Gaps`), read from its stored works
/// only — never the district's — and the same requirements followed in the cohort's other
/// procedures of the subject. The gaps pages and the gaps API read this.
enum GapsQuery {
    struct Loaded {
        var spec: ProcedureSpec
        /// The group's works (codes only), by class and code.
        var works: [WorkRecord]
        var gaps: GroupGaps
    }

    /// The works of `school` in `p` (of one class, given `className`) and their gaps. A class with no
    /// works in `p` is 404 (the school's page lists those that have); a school without works is an
    /// empty group (its page says so).
    static func load(_ p: Procedure, school: School, className: String?, on db: Database) async throws -> Loaded {
        let l = try await works(p, school: school, className: className, on: db)
        if className != nil && l.works.isEmpty { throw AppError.notFound }
        return l
    }

    static func works(_ p: Procedure, school: School, className: String?, on db: Database) async throws -> Loaded {
        let spec = try ProcedureStore.spec(of: p)
        var works = try await ResultsQuery.exportRows(procedure: p, schoolID: school.requireID(), on: db).map(\.work)
        if let c = className.map(WorkRecord.normalizeClass) { works = works.filter { $0.className == c } }
        return Loaded(spec: spec, works: works, gaps: Gaps.group(works, spec: spec))
    }

    /// The class names of a school's works, in order, with each class's gaps.
    static func classes(_ l: Loaded) -> [(name: String, gaps: GroupGaps)] {
        var names: [String] = []
        var byName: [String: [WorkRecord]] = [:]
        for w in l.works {
            if byName[w.className] == nil { names.append(w.className) }
            byName[w.className, default: []].append(w)
        }
        return names.map { ($0, Gaps.group(byName[$0]!, spec: l.spec)) }
    }

    /// The start of a school year «2025-2026» → 2025.
    static func startYear(_ schoolYear: String) -> Int? { schoolYear.split(separator: "-").first.flatMap { Int($0) } }

    /// The same students in another procedure: the grade moves with the school year (ВПР of grade 4
    /// in spring, the ВГР of grade 5 in the autumn, the ВПР of grade 5 a year later). Nil when `q`
    /// is not the same cohort; else the class name there («4А» → «5А»), or "" for a whole school.
    static func cohortClass(from p: Procedure, to q: Procedure, className: String?) -> String? {
        guard let a = startYear(p.schoolYear), let b = startYear(q.schoolYear), q.grade - p.grade == b - a else { return nil }
        guard let name = className else { return "" }
        return "\(q.grade)" + name.drop { $0.isNumber }
    }

    /// Each requirement of `l` found (same subject, same code) in the cohort's other procedures
    /// that the user's district sees, with the group's figure there; oldest first.
    static func followed(_ p: Procedure, _ l: Loaded, school: School, className: String?, user: User, on db: Database) async throws -> [FollowedRequirement] {
        let codes = Set(l.gaps.requirements.map(\.requirement.code))
        let key = Gaps.subjectKey(p.subject)
        var others: [(order: (Int, Int, String), label: String, subject: String, gaps: GroupGaps)] = []
        for q in try await Procedures.visible(to: user, on: db) where q.id != p.id && Gaps.subjectKey(q.subject) == key {
            guard let name = cohortClass(from: p, to: q, className: className),
                  try ProcedureStore.spec(of: q).tasks.contains(where: { $0.requirements.contains { codes.contains($0.code) } }) else { continue }
            let there = try await works(q, school: school, className: name.isEmpty ? nil : name, on: db)
            guard there.gaps.works > 0 else { continue }
            let label = ProcedureStore.title(q) + (name.isEmpty ? "" : ", \(name)")
            others.append(((startYear(q.schoolYear) ?? 0, q.year, q.type), label, q.subject, there.gaps))
        }
        others.sort { $0.order < $1.order }
        return Gaps.follow(l.gaps, subject: p.subject, others: others.map { ($0.label, $0.subject, $0.gaps) })
    }
}
