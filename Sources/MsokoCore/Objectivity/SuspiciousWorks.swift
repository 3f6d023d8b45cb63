import Foundation

/// The works behind a school's signs, by participant code, for the person who checks them (the
/// objectivity card): identical works, works whose pattern of tasks does not fit their score (hard
/// tasks solved, easy ones failed), and marks two or more above the journal. Codes only — no
/// names; a listed work is a reason to look at the paper, not a finding.
public enum SuspiciousWorks {
    public struct Work: Equatable, Sendable {
        public var code: String
        public var className: String
        public var primaryScore: Int
        public var mark: Int?
        public var journalMark: Int?
        /// The task scores as a compact line: «1 2 0 X 1».
        public var pattern: String
    }

    public struct Found: Equatable, Sendable {
        /// Groups of two or more works of the school with the same scores in every task (not all
        /// zero, not all full marks, where coincidence is expected).
        public var identical: [[Work]]
        /// Works whose task pattern fits their primary score worse than `quantile` of the district's
        /// works with that score.
        public var misfits: [Work]
        /// Works whose mark is two or more above the journal mark.
        public var aboveJournal: [Work]
        public var isEmpty: Bool { identical.isEmpty && misfits.isEmpty && aboveJournal.isEmpty }
    }

    /// `works`: the whole district (the misfit threshold is the district's); `school`: the login
    /// (or name, where the file has no login) of the school to list.
    public static func find(in works: WorkTable, school: String, spec: ProcedureSpec, quantile: Double = 0.9) -> Found {
        let records = (0..<works.count).map { works[$0] }
        func key(_ w: WorkRecord) -> String { w.schoolLogin ?? w.schoolName ?? "" }
        func item(_ w: WorkRecord) -> Work {
            Work(code: w.code, className: w.className, primaryScore: w.primaryScore, mark: w.mark, journalMark: w.journalMark,
                 pattern: w.scores.map { $0 == WorkRecord.notDone ? "X" : String($0) }.joined(separator: " "))
        }
        let own = records.filter { key($0) == school }
        let maxima = spec.tasks.map { UInt8($0.max) }

        // Identical works within the school.
        var groups: [[UInt8]: [WorkRecord]] = [:]
        for w in own where w.scores.count == maxima.count {
            let allZero = w.scores.allSatisfy { $0 == 0 || $0 == WorkRecord.notDone }
            if allZero || w.scores == maxima { continue }
            groups[w.scores, default: []].append(w)
        }
        let identical = groups.values.filter { $0.count >= 2 }
            .map { $0.sorted { ($0.className, $0.code) < ($1.className, $1.code) }.map(item) }
            .sorted { ($0[0].className, $0[0].code) < ($1[0].className, $1[0].code) }

        // Person fit: steps «task t at k points or more», easiest first by the district's shares;
        // a Guttman error is an easier step failed while a harder one is passed.
        var steps: [(t: Int, k: Int, share: Double)] = []
        for (t, task) in spec.tasks.enumerated() {
            for k in 1...max(1, task.max) {
                let passed = records.filter { $0.scores.count > t && $0.scores[t] != WorkRecord.notDone && Int($0.scores[t]) >= k }.count
                steps.append((t, k, records.isEmpty ? 0 : Double(passed) / Double(records.count)))
            }
        }
        steps.sort { $0.share > $1.share }
        func misfit(_ w: WorkRecord) -> Double {
            var failed = 0, errors = 0, passed = 0
            for s in steps {
                let v = s.t < w.scores.count ? w.scores[s.t] : 0
                if v != WorkRecord.notDone && Int(v) >= s.k { errors += failed; passed += 1 } else { failed += 1 }
            }
            return passed > 0 && passed < steps.count ? Double(errors) / Double(passed * (steps.count - passed)) : 0
        }
        var byScore: [Int: [Double]] = [:]
        for w in records { byScore[w.primaryScore, default: []].append(misfit(w)) }
        var cut: [Int: Double] = [:]
        for (score, values) in byScore {
            let sorted = values.sorted()
            cut[score] = sorted[min(sorted.count - 1, Int((quantile * Double(sorted.count)).rounded(.down)))]
        }
        // A cut is trusted only where the district has enough works with that score.
        let misfits = own.filter { w in
            guard (byScore[w.primaryScore]?.count ?? 0) >= 10, let c = cut[w.primaryScore] else { return false }
            let m = misfit(w)
            return m > c && m >= 0.25
        }.sorted { ($0.className, $0.code) < ($1.className, $1.code) }.map(item)

        let above = own.filter { w in
            guard let m = w.mark, let j = w.journalMark else { return false }
            return m - j >= 2
        }.sorted { ($0.className, $0.code) < ($1.className, $1.code) }.map(item)
        return Found(identical: identical, misfits: misfits, aboveJournal: above)
    }
}
