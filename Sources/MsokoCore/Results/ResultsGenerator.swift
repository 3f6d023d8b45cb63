import Foundation

/// A seeded generator of realistic results, for the demo district and the tests: each student has
/// an ability (school effect plus individual spread), each task a difficulty by its level, scores
/// follow a graded response model, an unsolved task is sometimes left undone («X»), and journal
/// marks follow ability with noise. The same seed gives the same works.
public struct ResultsGenerator: Sendable {
    public struct SchoolPlan: Sendable {
        public var login: String
        public var name: String
        public var municipality: String
        /// Mean ability of the school's students (0 is typical, ±0.5 is a strong or weak school).
        public var ability: Double
        public var classes: [(name: String, students: Int)]
        public init(login: String, name: String, municipality: String, ability: Double, classes: [(name: String, students: Int)]) {
            self.login = login
            self.name = name
            self.municipality = municipality
            self.ability = ability
            self.classes = classes
        }
    }

    public var spec: ProcedureSpec
    public var seed: UInt64

    public init(spec: ProcedureSpec, seed: UInt64) {
        self.spec = spec
        self.seed = seed
    }

    public func rows(for schools: [SchoolPlan]) -> [ResultsExport.Row] {
        var rows: [ResultsExport.Row] = []
        forEachRow(for: schools) { rows.append($0) }
        return rows
    }

    /// The works one at a time, for files larger than memory should hold (the national benchmark).
    public func forEachRow(for schools: [SchoolPlan], _ body: (ResultsExport.Row) -> Void) {
        var rng = SplitMix64(seed: seed)
        let difficulty = spec.tasks.map { task -> Double in
            let base: Double = task.level == .basic ? -1.4 : task.level == .advanced ? 0.0 : 0.8
            return base + rng.normal() * 0.4
        }
        var code = 10_000 + Int(seed % 50_000)
        for school in schools {
            for cls in school.classes {
                for _ in 0..<cls.students {
                    code += 1
                    let theta = school.ability + rng.normal()
                    var scores: [UInt8] = []
                    var sum = 0
                    for (t, task) in spec.tasks.enumerated() {
                        var score = 0
                        for step in 0..<task.max {
                            let p = 1 / (1 + exp(-(1.4 * (theta - difficulty[t] - Double(step) * 0.3))))
                            if rng.uniform() < p { score += 1 } else { break }
                        }
                        if score == 0 && rng.uniform() < 0.25 + 0.1 * Double(task.level == .high ? 1 : 0) {
                            scores.append(WorkRecord.notDone)
                        } else {
                            scores.append(UInt8(score))
                            sum += score
                        }
                    }
                    let journal = min(5, max(2, Int((3.5 + 0.8 * theta + rng.normal() * 0.55).rounded())))
                    let work = WorkRecord(schoolLogin: school.login, schoolName: school.name, code: String(code), className: cls.name,
                                          variant: String(1 + Int(rng.uniform() * 2)), gender: rng.uniform() < 0.5 ? "М" : "Ж",
                                          scores: scores, primaryScore: sum, mark: spec.scale?.mark(for: sum), journalMark: journal, row: 0)
                    body(ResultsExport.Row(schoolLogin: school.login, municipality: school.municipality, schoolName: school.name, work: work))
                }
            }
        }
    }
}

/// SplitMix64 with uniform and normal draws.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    public mutating func uniform() -> Double { Double(next() >> 11) / Double(1 << 53) }
    /// Box–Muller.
    public mutating func normal() -> Double {
        let u = max(uniform(), 1e-12), v = uniform()
        return sqrt(-2 * log(u)) * cos(2 * .pi * v)
    }
}
