import Foundation

/// A second, independent way to simulate a region's results (issue 12 §3), differing from
/// `SyntheticDistrict` — on which the thresholds were tuned — in every assumption it can: a
/// two-parameter graded response model (each task its own discrimination and step spacing), a
/// wider spread of task difficulties, larger school and class effects, classes of 8 to 30, other
/// shares of strong and rural schools, absence that differs by school, journal marks with more noise
/// and a school's own leniency; and manipulations done differently (partial hints, lenient scoring
/// on some criteria tasks only, points added where a teacher would add them, two sources of copies
/// with small changes, the weakest kept away by their journal marks), each with shares drawn from
/// ranges and scaled by a strength band. Nothing in msoko's detection was tuned on it.
public struct SyntheticRegion: Sendable {
    public typealias Manipulation = SyntheticDistrict.Manipulation

    /// How strongly a manipulated school manipulates: every share and probability of the
    /// manipulation at 0.6 («слабые»), 1 or 1.3 («сильные», capped at 1) of the ordinary ranges.
    public enum Strength: String, Sendable, CaseIterable {
        case weak, ordinary, strong
        public var factor: Double { self == .weak ? 0.6 : self == .ordinary ? 1 : 1.3 }
        public var title: String { self == .weak ? "слабые" : self == .ordinary ? "обычные" : "сильные" }
    }

    /// The assumptions of a family of regions.
    public struct Assumptions: Sendable {
        public var schoolSD = 0.45
        public var classSD = 0.3
        public var classSizes = 8...30
        public var strongShare = 0.18
        public var ruralShare = 0.22
        /// Spread of log discriminations around log 1.2.
        public var discriminationSD = 0.3
        /// Difficulties: basic around −1.4, advanced 0.3, high 1.3, each ± this SD.
        public var difficultySD = 0.5
        public var journalNoise = 0.75
        /// A school's own journal leniency (SD, in marks).
        public var journalBiasSD = 0.25
        /// A school's absence on the day is drawn from 0 … this.
        public var absenceMax = 0.09
        public var manipulatedShare = 0.25
        public init() {}
    }

    public struct School: Sendable {
        public var login: String
        public var kind: SyntheticDistrict.Kind
        public var classes: [(name: String, enrolled: Int)]
        public var manipulation: Manipulation?
        public var strength: Strength?
        /// The class manipulated; nil: the whole school.
        public var manipulatedClass: String?
    }

    public var spec: ProcedureSpec
    public var schools: [School]
    public var works: WorkTable
    public var enrolment: [String: [String: Int]]

    struct Task {
        var a: Double
        var b: Double
        var steps: [Double]
    }

    public init(spec: ProcedureSpec, schools count: Int, assumptions u: Assumptions = Assumptions(), seed: UInt64) {
        self.spec = spec
        var rng = SplitMix64(seed: seed ^ 0x5EED_0F5E_C0DE_0001)
        let tasks = spec.tasks.map { task -> Task in
            let centre = task.level == .basic ? -1.4 : task.level == .advanced ? 0.3 : 1.3
            let spacing = 0.2 + rng.uniform() * 0.7
            return Task(a: 1.2 * exp(rng.normal() * u.discriminationSD), b: centre + rng.normal() * u.difficultySD,
                        steps: (0..<task.max).map { Double($0) * spacing - Double(task.max - 1) * spacing / 2 })
        }
        let kinds = Manipulation.allCases, strengths = Strength.allCases
        var plans: [School] = []
        var abilities: [Double] = [], leniency: [Double] = [], absence: [Double] = []
        var manipulated = 0
        let wanted = Int((Double(count) * u.manipulatedShare).rounded())
        for i in 0..<count {
            let roll = rng.uniform()
            var kind: SyntheticDistrict.Kind = .ordinary
            var ability = rng.normal() * u.schoolSD
            var classes: [(String, Int)]
            let letters = ["А", "Б", "В", "Г"]
            if roll < u.strongShare {
                kind = .strong
                ability = 0.8 + rng.uniform() * 0.7
                let n = 2 + Int(rng.uniform() * 3)
                classes = (0..<n).map { ("\(spec.grade)\(letters[$0])", 22 + Int(rng.uniform() * 9)) }
            } else if roll < u.strongShare + u.ruralShare {
                kind = .rural
                ability = rng.normal() * u.schoolSD - 0.25
                classes = [("\(spec.grade)А", 3 + Int(rng.uniform() * 12))]
            } else {
                let n = 1 + Int(rng.uniform() * 4)
                classes = (0..<n).map { ("\(spec.grade)\(letters[$0])", u.classSizes.lowerBound + Int(rng.uniform() * Double(u.classSizes.count))) }
            }
            // Any school of 10 works or more may be manipulated, strong ones too, spread through the list.
            let size = classes.reduce(0) { $0 + $1.1 }
            var school = School(login: String(format: "edu%06d", 600_000 + i), kind: kind, classes: classes)
            let due = Int((Double(i + 1) * u.manipulatedShare).rounded()) > manipulated
            if size >= 12 && manipulated < wanted && due {
                school.manipulation = kinds[manipulated % kinds.count]
                school.strength = strengths[(manipulated / kinds.count) % strengths.count]
                if classes.count > 1 && rng.uniform() < 0.5 { school.manipulatedClass = classes[Int(rng.uniform() * Double(classes.count))].0 }
                manipulated += 1
            }
            plans.append(school)
            abilities.append(ability)
            leniency.append(rng.normal() * u.journalBiasSD)
            absence.append(rng.uniform() * u.absenceMax)
        }
        schools = plans
        var table = WorkTable(taskCount: spec.tasks.count)
        var enrolment: [String: [String: Int]] = [:]
        var code = 500_000
        for (s, school) in plans.enumerated() {
            for cls in school.classes {
                enrolment[school.login, default: [:]][cls.name] = cls.enrolled
                let classEffect = rng.normal() * u.classSD
                var students: [Student] = (0..<cls.enrolled).map { _ in
                    let theta = abilities[s] + classEffect + rng.normal()
                    let journal = min(5, max(2, Int((3.4 + 0.75 * theta + leniency[s] + rng.normal() * u.journalNoise).rounded())))
                    return Student(theta: theta, journal: journal, scores: Self.scores(theta: theta, tasks: tasks, rng: &rng))
                }
                students = students.filter { _ in rng.uniform() >= absence[s] }
                if let m = school.manipulation, let strength = school.strength, school.manipulatedClass == nil || school.manipulatedClass == cls.name {
                    students = Self.manipulate(students, m, factor: strength.factor, spec: spec, rng: &rng)
                }
                for st in students {
                    code += 1
                    let primary = st.scores.reduce(0) { $0 + WorkRecord.points($1) }
                    table.append(WorkRecord(schoolLogin: school.login, schoolName: "Школа № \(s + 1)", code: String(code), className: cls.name,
                                            variant: nil, gender: nil, scores: st.scores, primaryScore: primary, mark: spec.scale?.mark(for: primary),
                                            journalMark: st.journal, row: 0))
                }
            }
        }
        works = table
        self.enrolment = enrolment
    }

    struct Student {
        var theta: Double
        var journal: Int
        var scores: [UInt8]
    }

    /// Samejima's graded response model: P(score ≥ k) = logistic(a·(θ − b − step_k)).
    static func scores(theta: Double, tasks: [Task], rng: inout SplitMix64) -> [UInt8] {
        tasks.map { task in
            let u = rng.uniform()
            var score = 0
            for step in task.steps where u < 1 / (1 + exp(-task.a * (theta - task.b - step))) { score += 1 }
            if score == 0 && rng.uniform() < 0.15 { return WorkRecord.notDone }
            return UInt8(score)
        }
    }

    static func manipulate(_ students: [Student], _ m: Manipulation, factor: Double, spec: ProcedureSpec, rng: inout SplitMix64) -> [Student] {
        // The ordinary share drawn from ±20 % of the tuning generator's value, then scaled by the band.
        func share(_ ordinary: Double) -> Double { min(1, ordinary * (0.8 + rng.uniform() * 0.4) * factor) }
        var out = students
        let maxes = spec.tasks.map(\.max)
        switch m {
        case .hardTaskHelp:
            // Hints: a hinted task gains one point or goes to its maximum.
            let students = share(0.75), tasks = share(0.7)
            for i in out.indices where rng.uniform() < students {
                for (t, task) in spec.tasks.enumerated() where task.level != .basic && rng.uniform() < tasks {
                    let s = WorkRecord.points(out[i].scores[t])
                    out[i].scores[t] = UInt8(rng.uniform() < 0.5 ? task.max : min(task.max, s + 1))
                }
            }
        case .lenientScoring:
            // One teacher is lenient on some of the criteria-scored tasks.
            let chosen = spec.tasks.indices.filter { maxes[$0] >= 2 && rng.uniform() < 0.75 }
            let p = share(0.7)
            for i in out.indices {
                for t in chosen where rng.uniform() < p {
                    let s = WorkRecord.points(out[i].scores[t])
                    if s < maxes[t] { out[i].scores[t] = UInt8(s + 1) }
                }
            }
        case .thresholdPush:
            guard let scale = spec.scale else { return out }
            let p = share(0.85)
            for i in out.indices {
                let primary = out[i].scores.reduce(0) { $0 + WorkRecord.points($1) }
                guard let target = [scale.three, scale.four, scale.five].first(where: { primary < $0 && primary >= $0 - 2 }), rng.uniform() < p else { continue }
                var missing = target - primary
                // Points go where a teacher has room to judge: criteria-scored tasks first, in random order.
                let order = spec.tasks.indices.sorted { (maxes[$0] >= 2 ? 0 : 1, ($0 * 7 + i * 3) % 11) < (maxes[$1] >= 2 ? 0 : 1, ($1 * 7 + i * 3) % 11) }
                for t in order where missing > 0 {
                    let s = WorkRecord.points(out[i].scores[t])
                    let add = min(maxes[t] - s, missing)
                    if add > 0 { out[i].scores[t] = UInt8(s + add); missing -= add }
                }
            }
        case .copying:
            guard out.count >= 4 else { return out }
            let sorted = out.indices.sorted { out[$0].theta < out[$1].theta }
            let leaders = [sorted[out.count * 3 / 4], sorted[out.count / 2]]
            let p = share(0.45)
            for i in out.indices where !leaders.contains(i) && rng.uniform() < p {
                var copy = out[leaders[rng.uniform() < 0.65 ? 0 : 1]].scores
                // Some copies differ in one task.
                if rng.uniform() < 0.3 {
                    let t = Int(rng.uniform() * Double(copy.count))
                    copy[t] = UInt8(max(0, WorkRecord.points(copy[t]) - 1))
                }
                out[i].scores = copy
            }
        case .weakKeptAway:
            // The school keeps away those its journal marks as weakest.
            let keep = 1 - share(0.25)
            let ranked = out.indices.sorted { (out[$0].journal, $0) > (out[$1].journal, $1) }
            let kept = Set(ranked.prefix(Int((Double(out.count) * keep).rounded())))
            out = out.indices.filter { kept.contains($0) }.map { out[$0] }
        }
        return out
    }
}
