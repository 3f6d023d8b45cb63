import Foundation

/// A synthetic district with planted manipulations at known schools and classes, for measuring how
/// well the objectivity analysis finds them (docs/objectivity.md). Students have an ability (school
/// and class effects plus individual spread), tasks a difficulty by level, scores follow a graded
/// response model; journal marks follow the true ability. Manipulations then change what a school
/// reports, the way teachers do it: help on hard tasks during the work, lenient scoring of
/// multi-point tasks, scores just under a mark threshold pushed over it, answers copied from one
/// work, weak students kept away. Honest strong schools (гимназии, лицеи) and tiny rural schools
/// are there to stay clear.
public struct SyntheticDistrict: Sendable {
    public enum Manipulation: String, Sendable, CaseIterable {
        case hardTaskHelp, lenientScoring, thresholdPush, copying, weakKeptAway
        public var title: String {
            switch self {
            case .hardTaskHelp: return "помощь на трудных заданиях"
            case .lenientScoring: return "завышение баллов за развёрнутые задания"
            case .thresholdPush: return "дотягивание до границы отметки"
            case .copying: return "списывание (одинаковые ответы)"
            case .weakKeptAway: return "слабые обучающиеся не допущены"
            }
        }
    }

    public enum Kind: String, Sendable { case ordinary, strong, rural }

    public struct School: Sendable {
        public var login: String
        public var name: String
        public var kind: Kind
        public var ability: Double
        public var classes: [(name: String, enrolled: Int)]
        public var manipulation: Manipulation?
        /// The class manipulated; nil: the whole school.
        public var manipulatedClass: String?
        /// Every share and probability of the manipulation times this (0.6, 1 or 1.3; capped at 1).
        public var strength = SyntheticRegion.Strength.ordinary
    }

    public var spec: ProcedureSpec
    public var schools: [School]
    public var works: WorkTable
    public var enrolment: [String: [String: Int]]

    /// `schools` schools: about 12 % strong, 15 % tiny rural, `manipulatedShare` of the rest
    /// manipulated (half of them in one class only), kinds in turn.
    /// With `bands`, the manipulated schools take the strength bands in turn (weak, ordinary, strong)
    /// after the kinds; without, all are ordinary.
    public init(spec: ProcedureSpec, schools count: Int, manipulatedShare: Double = 0.22, seed: UInt64, bands: Bool = false) {
        self.spec = spec
        var rng = SplitMix64(seed: seed)
        var plans: [School] = []
        let manipulatedCount = Int((Double(count) * manipulatedShare).rounded())
        let kinds = Manipulation.allCases
        for i in 0..<count {
            let login = String(format: "edu%06d", 800_000 + i)
            let roll = rng.uniform()
            var kind: Kind = .ordinary
            var ability = rng.normal() * 0.3
            var classes: [(String, Int)]
            // The manipulated schools are ordinary ones spread through the list; the others are drawn.
            let manipulated = i % max(1, count / max(1, manipulatedCount)) == 0 && plans.filter { $0.manipulation != nil }.count < manipulatedCount
            if !manipulated && roll < 0.12 {
                kind = .strong
                ability = 0.9 + rng.uniform() * 0.4
                classes = [("\(spec.grade)А", 24 + Int(rng.uniform() * 5)), ("\(spec.grade)Б", 24 + Int(rng.uniform() * 5)), ("\(spec.grade)В", 22 + Int(rng.uniform() * 5))]
            } else if !manipulated && roll < 0.27 {
                kind = .rural
                ability = rng.normal() * 0.4 - 0.1
                classes = [("\(spec.grade)А", 3 + Int(rng.uniform() * 7))]
            } else {
                let n = 1 + Int(rng.uniform() * 3)
                classes = (0..<n).map { k in ("\(spec.grade)\(["А", "Б", "В"][k])", 18 + Int(rng.uniform() * 10)) }
            }
            var school = School(login: login, name: "Школа № \(i + 1)", kind: kind, ability: ability, classes: classes, manipulation: nil, manipulatedClass: nil)
            if manipulated {
                let k = plans.filter { $0.manipulation != nil }.count
                school.manipulation = kinds[k % kinds.count]
                if bands { school.strength = SyntheticRegion.Strength.allCases[(k / kinds.count) % 3] }
                if school.classes.count > 1 && rng.uniform() < 0.5 { school.manipulatedClass = school.classes[Int(rng.uniform() * Double(school.classes.count))].name }
            }
            plans.append(school)
        }
        schools = plans
        var table = WorkTable(taskCount: spec.tasks.count)
        var enrolment: [String: [String: Int]] = [:]
        let difficulty = spec.tasks.map { task -> Double in
            (task.level == .basic ? -1.2 : task.level == .advanced ? 0.2 : 1.0) + rng.normal() * 0.3
        }
        var code = 100_000
        for school in plans {
            for cls in school.classes {
                enrolment[school.login, default: [:]][cls.name] = cls.enrolled
                let classEffect = rng.normal() * 0.2
                let affected = school.manipulation != nil && (school.manipulatedClass == nil || school.manipulatedClass == cls.name)
                var students: [(theta: Double, scores: [UInt8])] = (0..<cls.enrolled).map { _ in
                    let theta = school.ability + classEffect + rng.normal()
                    return (theta, Self.scores(theta: theta, spec: spec, difficulty: difficulty, rng: &rng))
                }
                // Absent on the day: about 4 % of any class.
                students = students.filter { _ in rng.uniform() > 0.04 }
                if affected, let m = school.manipulation {
                    students = Self.manipulate(students, m, spec: spec, factor: school.strength.factor, rng: &rng)
                }
                for s in students {
                    code += 1
                    let primary = s.scores.reduce(0) { $0 + WorkRecord.points($1) }
                    let journal = min(5, max(2, Int((3.5 + 0.8 * s.theta + rng.normal() * 0.5).rounded())))
                    table.append(WorkRecord(schoolLogin: school.login, schoolName: school.name, code: String(code), className: cls.name,
                                            variant: nil, gender: nil, scores: s.scores, primaryScore: primary, mark: spec.scale?.mark(for: primary),
                                            journalMark: journal, row: 0))
                }
            }
        }
        works = table
        self.enrolment = enrolment
    }

    static func scores(theta: Double, spec: ProcedureSpec, difficulty: [Double], rng: inout SplitMix64) -> [UInt8] {
        spec.tasks.enumerated().map { t, task in
            var score = 0
            for step in 0..<task.max {
                let p = 1 / (1 + exp(-(1.5 * (theta - difficulty[t] - Double(step) * 0.35))))
                if rng.uniform() < p { score += 1 } else { break }
            }
            if score == 0 && rng.uniform() < 0.2 { return WorkRecord.notDone }
            return UInt8(score)
        }
    }

    static func manipulate(_ students: [(theta: Double, scores: [UInt8])], _ m: Manipulation, spec: ProcedureSpec, factor: Double = 1,
                           rng: inout SplitMix64) -> [(theta: Double, scores: [UInt8])] {
        var out = students
        func p(_ ordinary: Double) -> Double { min(1, ordinary * factor) }
        switch m {
        case .hardTaskHelp:
            for i in out.indices where rng.uniform() < p(0.75) {
                for (t, task) in spec.tasks.enumerated() where task.level != .basic && rng.uniform() < p(0.7) {
                    out[i].scores[t] = UInt8(task.max)
                }
            }
        case .lenientScoring:
            for i in out.indices {
                for (t, task) in spec.tasks.enumerated() where task.max >= 2 && rng.uniform() < p(0.7) {
                    let s = WorkRecord.points(out[i].scores[t])
                    if s < task.max { out[i].scores[t] = UInt8(s + 1) }
                }
            }
        case .thresholdPush:
            guard let scale = spec.scale else { return out }
            for i in out.indices {
                let primary = out[i].scores.reduce(0) { $0 + WorkRecord.points($1) }
                guard let target = [scale.three, scale.four, scale.five].first(where: { primary < $0 && primary >= $0 - 2 }), rng.uniform() < p(0.85) else { continue }
                var missing = target - primary
                for (t, task) in spec.tasks.enumerated() where missing > 0 {
                    let s = WorkRecord.points(out[i].scores[t])
                    let add = min(task.max - s, missing)
                    if add > 0 { out[i].scores[t] = UInt8(s + add); missing -= add }
                }
            }
        case .copying:
            // One good (not perfect) work is passed round: a perfect work's copies would look like honest full scores.
            guard !out.isEmpty else { return out }
            let leader = out.sorted { $0.theta < $1.theta }[out.count * 3 / 4]
            for i in out.indices where rng.uniform() < p(0.45) { out[i].scores = leader.scores }
        case .weakKeptAway:
            let sorted = out.map(\.theta).sorted()
            let cut = sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int(Double(sorted.count) * p(0.25)))]
            out = out.filter { $0.theta >= cut }
        }
        return out
    }
}

extension SyntheticDistrict {
    /// Plants a manipulation in generated rows (the demo district's «(демо)» schools), class by
    /// class; the primary score and mark follow the changed scores, the journal mark stays honest.
    public static func plant(_ m: Manipulation, in rows: [ResultsExport.Row], school: String, className: String? = nil,
                             spec: ProcedureSpec, seed: UInt64) -> [ResultsExport.Row] {
        var rng = SplitMix64(seed: seed)
        var out: [ResultsExport.Row] = []
        var pending: [ResultsExport.Row] = []
        func flush() {
            guard !pending.isEmpty else { return }
            if m == .weakKeptAway {
                let sorted = pending.map(\.work.primaryScore).sorted()
                let cut = sorted[sorted.count / 4]
                out += pending.filter { $0.work.primaryScore >= cut }
            } else {
                // The primary score stands in for ability (who leads a copying).
                let changed = manipulate(pending.map { (theta: Double($0.work.primaryScore), scores: $0.work.scores) }, m, spec: spec, rng: &rng)
                for (row, s) in zip(pending, changed) {
                    var r = row
                    r.work.scores = s.scores
                    r.work.primaryScore = s.scores.reduce(0) { $0 + WorkRecord.points($1) }
                    r.work.mark = spec.scale?.mark(for: r.work.primaryScore)
                    out.append(r)
                }
            }
            pending = []
        }
        for row in rows {
            let target = row.schoolLogin == school && (className == nil || row.work.className == className)
            if !target { flush(); out.append(row); continue }
            if let last = pending.last, last.work.className != row.work.className { flush() }
            pending.append(row)
        }
        flush()
        return out
    }
}
