import Foundation

/// What a school's subject team needs in professional development (roadmap 3.4, issue 16 §3),
/// drawn from what the assessments show of the school and subject — the commission's re-check
/// (discrepancies, the district's typical grading errors) and the class gaps — and never from, or
/// about, a named teacher: a need belongs to the team (everyone teaching the subject at the school),
/// and a team of fewer than three people is rolled up into the district's subject, so that no need
/// points at one or two persons.
public enum CompetenceNeeds {
    /// A team smaller than this is not shown on its own.
    public static let minimumTeam = 3
    /// Re-scored works of the school needed before its discrepancy counts.
    public static let minimumRescored = 3
    /// The share of the school's re-scored works whose scores differ from the commission's that
    /// makes assessment competence a need (the commission's own agreement is rarely perfect).
    public static let discrepantShare = 0.3

    /// What the assessments show of one school and subject.
    public struct Evidence: Sendable {
        public var school: String
        public var subject: String
        /// People teaching the subject at the school (from the staff list).
        public var team: Int
        /// Requirement codes the school has not mastered systemically in the subject's latest procedures.
        public var systemic: [String]
        /// The school's re-scored works in the subject and those differing from the commission.
        public var rescored: Int
        public var discrepant: Int
        /// The district's typical grading errors (task numbers) the school's works show too.
        public var typicalTasks: [String]
        /// Team members with a course still counting in each direction.
        public var covered: [CourseDirection: Int]

        public init(school: String, subject: String, team: Int, systemic: [String], rescored: Int, discrepant: Int, typicalTasks: [String], covered: [CourseDirection: Int]) {
            (self.school, self.subject, self.team, self.systemic, self.rescored, self.discrepant, self.typicalTasks, self.covered) =
                (school, subject, team, systemic, rescored, discrepant, typicalTasks, covered)
        }
    }

    /// One need with the reason in words.
    public struct Need: Sendable, Equatable {
        public var direction: CourseDirection
        public var reason: String
    }

    /// A row: a school's subject team, or (school nil) the district's subject with the small teams
    /// rolled into it.
    public struct Row: Sendable {
        public var school: String?
        public var subject: String
        public var team: Int
        /// For a district row, the schools rolled into it.
        public var schools: Int
        public var needs: [Need]
        public var covered: [CourseDirection: Int]
    }

    static func needs(systemic: [String], rescored: Int, discrepant: Int, typical: [String], schools: Int = 1) -> [Need] {
        var out: [Need] = []
        let share = rescored > 0 ? Double(discrepant) / Double(rescored) : 0
        if rescored >= minimumRescored && share >= discrepantShare || !typical.isEmpty {
            var why: [String] = []
            if rescored >= minimumRescored && share >= discrepantShare {
                why.append("при перепроверке баллы расходятся с баллами комиссии в \(discrepant) из \(Plural.works(rescored))")
            }
            if !typical.isEmpty { why.append("типичные ошибки оценивания района в заданиях \(typical.joined(separator: ", "))") }
            out.append(Need(direction: .assessmentCompetence, reason: why.joined(separator: "; ")))
        }
        if !systemic.isEmpty {
            out.append(Need(direction: .deficits, reason: "системные дефициты обучающихся по требованиям \(systemic.joined(separator: ", "))"))
        }
        return out
    }

    /// Rows for every school and subject with a team of `minimumTeam` or more, then the district's
    /// rows per subject for the rest (only where some need shows).
    public static func rows(_ evidence: [Evidence]) -> [Row] {
        var out: [Row] = []
        var small: [String: [Evidence]] = [:]
        var subjectOrder: [String] = []
        for e in evidence {
            if e.team >= minimumTeam {
                out.append(Row(school: e.school, subject: e.subject, team: e.team, schools: 1,
                               needs: needs(systemic: e.systemic, rescored: e.rescored, discrepant: e.discrepant, typical: e.typicalTasks), covered: e.covered))
            } else {
                let key = Gaps.subjectKey(e.subject)
                if small[key] == nil { subjectOrder.append(key) }
                small[key, default: []].append(e)
            }
        }
        for key in subjectOrder {
            let group = small[key]!
            var systemic: [String] = []
            for code in group.flatMap(\.systemic) where !systemic.contains(code) { systemic.append(code) }
            var typical: [String] = []
            for t in group.flatMap(\.typicalTasks) where !typical.contains(t) { typical.append(t) }
            var covered: [CourseDirection: Int] = [:]
            for e in group { for (d, n) in e.covered { covered[d, default: 0] += n } }
            let n = needs(systemic: systemic, rescored: group.reduce(0) { $0 + $1.rescored }, discrepant: group.reduce(0) { $0 + $1.discrepant }, typical: typical)
            out.append(Row(school: nil, subject: group[0].subject, team: group.reduce(0) { $0 + $1.team }, schools: group.count, needs: n, covered: covered))
        }
        return out
    }
}
