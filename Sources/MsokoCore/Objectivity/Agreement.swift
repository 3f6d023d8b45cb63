import Foundation

/// Agreement between a school's scoring and the municipal commission's (DESIGN.md, «Agreement
/// statistics for re-checks»): Cohen's κ and quadratic-weighted κ of marks, ICC of primary scores,
/// mean differences. Written by hand: a few lines of arithmetic, no package on the mirror does it.
public enum Agreement {
    /// Cohen's κ over `categories` (e.g. marks 2…5); quadratic weights wᵢⱼ = (i−j)²/(k−1)² when `quadratic`.
    public static func kappa(_ a: [Int], _ b: [Int], categories: [Int], quadratic: Bool = false) -> Double? {
        let k = categories.count
        guard a.count == b.count, !a.isEmpty, k >= 2 else { return nil }
        let index = Dictionary(uniqueKeysWithValues: categories.enumerated().map { ($1, $0) })
        var observed = [[Double]](repeating: [Double](repeating: 0, count: k), count: k)
        for (x, y) in zip(a, b) {
            guard let i = index[x], let j = index[y] else { return nil }
            observed[i][j] += 1
        }
        let n = Double(a.count)
        let rows = observed.map { $0.reduce(0, +) }
        let cols = (0..<k).map { j in observed.reduce(0) { $0 + $1[j] } }
        var disagreeObserved = 0.0, disagreeExpected = 0.0
        for i in 0..<k {
            for j in 0..<k {
                let w = quadratic ? pow(Double(i - j), 2) / pow(Double(k - 1), 2) : (i == j ? 0 : 1)
                disagreeObserved += w * observed[i][j] / n
                disagreeExpected += w * rows[i] * cols[j] / (n * n)
            }
        }
        guard disagreeExpected > 0 else { return disagreeObserved == 0 ? 1 : nil }
        return 1 - disagreeObserved / disagreeExpected
    }

    /// ICC(2,1) of Shrout & Fleiss: two-way random effects, absolute agreement, one rater; `ratings`
    /// is a row per target (work) with a column per rater (school, commission).
    public static func icc(_ ratings: [[Double]]) -> Double? {
        let n = ratings.count
        guard n >= 2, let k = ratings.first?.count, k >= 2, ratings.allSatisfy({ $0.count == k }) else { return nil }
        let grand = ratings.joined().reduce(0, +) / Double(n * k)
        let rowMeans = ratings.map { $0.reduce(0, +) / Double(k) }
        let colMeans = (0..<k).map { j in ratings.reduce(0) { $0 + $1[j] } / Double(n) }
        let ssRows = Double(k) * rowMeans.reduce(0) { $0 + pow($1 - grand, 2) }
        let ssCols = Double(n) * colMeans.reduce(0) { $0 + pow($1 - grand, 2) }
        let ssTotal = ratings.joined().reduce(0) { $0 + pow($1 - grand, 2) }
        let ssError = ssTotal - ssRows - ssCols
        let msr = ssRows / Double(n - 1), msc = ssCols / Double(k - 1), mse = ssError / Double((n - 1) * (k - 1))
        let denominator = msr + Double(k - 1) * mse + Double(k) * (msc - mse) / Double(n)
        return denominator == 0 ? nil : (msr - mse) / denominator
    }

    /// Per task: mean of (school − commission) over works re-scored; «X» counts 0.
    public static func meanDifferences(school: [[UInt8]], commission: [[UInt8]]) -> [Double] {
        guard let t = school.first?.count, !school.isEmpty else { return [] }
        return (0..<t).map { j in
            zip(school, commission).reduce(0.0) { $0 + Double(WorkRecord.points($1.0[j]) - WorkRecord.points($1.1[j])) } / Double(school.count)
        }
    }
}
