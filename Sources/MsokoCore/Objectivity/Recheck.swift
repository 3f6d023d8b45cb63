import Foundation

/// The re-check commission's sample and the discrepancy analysis (issue 5 §3).
public enum Recheck {
    public struct Candidate: Sendable {
        public var id: UUID
        public var school: String
        public var className: String
        /// Risk of the work's class (or school).
        public var risk: Double
        public init(id: UUID, school: String, className: String, risk: Double) {
            self.id = id
            self.school = school
            self.className = className
            self.risk = risk
        }
    }

    /// `size` works: `controlShare` of them drawn at random (the control), the rest from the classes
    /// with the highest risk, taken in turn so that each risky class is represented; blind codes
    /// «К-0001»… in a random order, so the code says nothing about the school.
    public static func sample(_ candidates: [Candidate], size: Int, controlShare: Double, threshold: Double, seed: UInt64) -> [(candidate: Candidate, code: String, reason: String)] {
        var rng = SplitMix64(seed: seed)
        let size = min(size, candidates.count)
        let controlCount = min(size, Int((Double(size) * controlShare).rounded()))
        let riskCount = size - controlCount
        // Risky classes, highest first; a class's works in random order.
        var groups: [String: [Candidate]] = [:]
        for c in candidates where c.risk >= threshold { groups["\(c.school)|\(c.className)", default: []].append(c) }
        var queues = groups.values.sorted { ($0[0].risk, $0[0].school, $0[0].className) > ($1[0].risk, $1[0].school, $1[0].className) }
            .map { shuffled($0, &rng) }
        var chosen: [(Candidate, String)] = []
        var taken = Set<UUID>()
        while chosen.count < riskCount && queues.contains(where: { !$0.isEmpty }) {
            for q in queues.indices where !queues[q].isEmpty && chosen.count < riskCount {
                let c = queues[q].removeFirst()
                chosen.append((c, "risk"))
                taken.insert(c.id)
            }
        }
        let rest = shuffled(candidates.filter { !taken.contains($0.id) }, &rng)
        for c in rest.prefix(size - chosen.count) { chosen.append((c, "control")) }
        let codes = shuffled(Array(1...max(1, chosen.count)), &rng)
        return chosen.enumerated().map { i, x in (x.0, String(format: "К-%04d", codes[i]), x.1) }
    }

    static func shuffled<T>(_ xs: [T], _ rng: inout SplitMix64) -> [T] {
        var xs = xs
        if xs.count > 1 { for i in stride(from: xs.count - 1, to: 0, by: -1) { xs.swapAt(i, Int(rng.next() % UInt64(i + 1))) } }
        return xs
    }

    /// One re-scored work: the school's scores and the commission's (the mean of two re-scorers
    /// when there are two, rounded down per task).
    public struct Pair: Sendable {
        public var school: String
        public var schoolScores: [UInt8]
        public var commissionScores: [UInt8]
        public init(school: String, schoolScores: [UInt8], commissionScores: [UInt8]) {
            self.school = school
            self.schoolScores = schoolScores
            self.commissionScores = commissionScores
        }
    }

    public struct Figures: Sendable {
        public var works: Int
        /// Mean of (school − commission) primary score.
        public var meanDifference: Double
        public var differences: [Double]
        public var markChanged: Double?
        public var kappa: Double?
        public var weightedKappa: Double?
        public var icc: Double?
        public var taskDifferences: [Double]
    }

    public static func figures(_ pairs: [Pair], spec: ProcedureSpec) -> Figures {
        let primary = { (s: [UInt8]) in s.reduce(0) { $0 + WorkRecord.points($1) } }
        let a = pairs.map { primary($0.schoolScores) }, b = pairs.map { primary($0.commissionScores) }
        let differences = zip(a, b).map { Double($0 - $1) }
        var marksA: [Int] = [], marksB: [Int] = []
        if let scale = spec.scale { marksA = a.map(scale.mark); marksB = b.map(scale.mark) }
        return Figures(works: pairs.count, meanDifference: differences.isEmpty ? 0 : differences.reduce(0, +) / Double(differences.count), differences: differences,
                       markChanged: marksA.isEmpty ? nil : Double(zip(marksA, marksB).filter { $0 != $1 }.count) / Double(marksA.count),
                       kappa: marksA.isEmpty ? nil : Agreement.kappa(marksA, marksB, categories: [2, 3, 4, 5]),
                       weightedKappa: marksA.isEmpty ? nil : Agreement.kappa(marksA, marksB, categories: [2, 3, 4, 5], quadratic: true),
                       icc: Agreement.icc(zip(a, b).map { [Double($0), Double($1)] }),
                       taskDifferences: Agreement.meanDifferences(school: pairs.map(\.schoolScores), commission: pairs.map(\.commissionScores)))
    }
}

extension ObjectivityAnalysis {
    /// The school scored higher than the commission: mean of (school − commission) primary score over
    /// the re-scored works, a paired z; fires from one point and z ≥ the signal level.
    /// (school − commission) primary score of the re-scored works: a paired z, passing or not.
    static func recheckSign(_ differences: [Double], _ s: ObjectivitySettings) -> Raw? {
        let n = Double(differences.count)
        guard n >= 3 else { return nil }
        let mean = differences.reduce(0, +) / n
        let sd = (differences.reduce(0) { $0 + pow($1 - mean, 2) } / max(1, n - 1)).squareRoot()
        let z = sd > 0 ? mean / (sd / n.squareRoot()) : (mean > 0 ? 10 : 0)
        let x = ObjectivitySignal(indicator: .recheckDiscrepancy, value: mean, threshold: 1, reference: 0, z: z,
                                  explanation: "При перепроверке \(Int(n)) работ комиссия поставила в среднем на \(ReferenceTable.format((mean * 10).rounded() / 10)) первичного балла меньше, чем школа.")
        return Raw(own: x, passes: mean >= 1 && z >= s.signalZ)
    }
}
