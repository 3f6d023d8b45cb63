import Foundation

/// Which figures of a published table may be shown (measure 4.1, issue 18 §1): a group under
/// `minimum` works shows no figures, and — complementary suppression — where a total is shown and
/// exactly one of its parts is hidden, the next smallest part is hidden too, so that the hidden
/// one cannot be recovered as the total minus the parts shown.
///
/// Parts with no works are left out of the table altogether (they have no figures, and showing
/// «0» would let the only hidden part be recovered just the same); they never count as the
/// «second» hidden part. Written by hand: a rule of a few lines, no package does it.
public enum Suppression {
    public static let defaultMinimum = 10

    /// The verdict for a total and its parts (sizes by key, in display order).
    public struct Verdict: Equatable, Sendable {
        /// The total is shown (it has at least `minimum` works).
        public var totalShown: Bool
        /// Every non-empty part in the given order with whether its figures are shown.
        public var parts: [(key: String, size: Int, shown: Bool)]
        /// Parts hidden only because another one was hidden (complementary suppression).
        public var complementary: Set<String>

        public static func == (a: Verdict, b: Verdict) -> Bool {
            a.totalShown == b.totalShown && a.complementary == b.complementary
                && a.parts.map(\.key) == b.parts.map(\.key) && a.parts.map(\.size) == b.parts.map(\.size) && a.parts.map(\.shown) == b.parts.map(\.shown)
        }

        public func shown(_ key: String) -> Bool { parts.first { $0.key == key }?.shown ?? false }
    }

    /// Whether a lone group (a total without parts shown beside it) may show figures.
    public static func shows(_ size: Int, minimum: Int = defaultMinimum) -> Bool { size >= max(1, minimum) }

    /// The verdict for `total` works split into `parts` (their sizes add up to the total).
    public static func apply(total: Int, parts: [(key: String, size: Int)], minimum: Int = defaultMinimum) -> Verdict {
        let minimum = max(1, minimum)
        let nonEmpty = parts.filter { $0.size > 0 }
        guard shows(total, minimum: minimum) else {
            return Verdict(totalShown: false, parts: nonEmpty.map { ($0.key, $0.size, false) }, complementary: [])
        }
        var shown = nonEmpty.map { $0.size >= minimum }
        var complementary = Set<String>()
        // One hidden part beside a shown total is the total minus the others: hide the next smallest.
        if shown.filter({ !$0 }).count == 1,
           let next = nonEmpty.indices.filter({ shown[$0] }).min(by: { (nonEmpty[$0].size, $0) < (nonEmpty[$1].size, $1) }) {
            shown[next] = false
            complementary.insert(nonEmpty[next].key)
        }
        return Verdict(totalShown: true, parts: nonEmpty.indices.map { (nonEmpty[$0].key, nonEmpty[$0].size, shown[$0]) }, complementary: complementary)
    }
}
