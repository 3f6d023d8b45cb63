import Foundation

/// One participant's work as read from a results file (participant codes only, never names).
public struct WorkRecord: Equatable, Sendable {
    /// Score of a task the participant did not do («X»): counts 0 points, recorded as not attempted.
    public static let notDone: UInt8 = 255
    /// The points of a stored score: 0 for `notDone`, without a branch (whether a task was done is as
    /// good as random to the processor, and a mispredicted branch per cell was most of the loops
    /// that add a country's 23 million cells): v − 255 is negative exactly for a score, so its sign
    /// bits keep v.
    @inline(__always) public static func points(_ s: UInt8) -> Int {
        let v = Int(s)
        return v & ((v &- 255) >> 63)
    }

    /// The ФИС ОКО login of the school (`ОО` column or the file's school line), when the file has one.
    public var schoolLogin: String?
    /// The school's name (`Название ОО`), when the file has one.
    public var schoolName: String?
    /// The `Муниципалитет` column, when the file has one (a regional file).
    public var municipality: String?
    public var code: String
    /// «4А»: upper case, no spaces.
    public var className: String
    public var variant: String?
    public var gender: String?
    /// Scores in the specification's task order; `notDone` for «X».
    public var scores: [UInt8]
    public var primaryScore: Int
    public var mark: Int?
    public var journalMark: Int?
    /// Row (line) number in the file, as the spreadsheet shows it.
    public var row: Int

    public init(schoolLogin: String?, schoolName: String?, code: String, className: String, variant: String?, gender: String?,
                scores: [UInt8], primaryScore: Int, mark: Int?, journalMark: Int?, row: Int) {
        self.schoolLogin = schoolLogin
        self.schoolName = schoolName
        self.municipality = nil
        self.code = code
        self.className = className
        self.variant = variant
        self.gender = gender
        self.scores = scores
        self.primaryScore = primaryScore
        self.mark = mark
        self.journalMark = journalMark
        self.row = row
    }

    /// «4 а», «4a» → «4А».
    public static func normalizeClass(_ text: String) -> String {
        Lookalikes.cyrillic(text.replacingOccurrences(of: " ", with: "").replacingOccurrences(of: "-", with: "")).uppercased()
    }
}

/// What a results file holds once read and checked: its works, the problems that refuse it and
/// the warnings that do not.
public struct ResultsFile: Sendable {
    public var works = WorkTable(taskCount: 0)
    public var problems: [ImportProblem] = []
    public var warnings: [ImportProblem] = []
    /// «ВПР 2026 Математика 4 класс», when the file has a title line.
    public var title: String?
    /// The school named in a single-school export's line «Название ОО (eduNNNNNN) | Кол-во участников: N».
    public var fileSchoolLogin: String?
    public var fileSchoolName: String?
    public var declaredParticipants: Int?
    /// Students per school key and class, from an optional column «Обучающихся в классе».
    public var enrolment: [String: [String: Int]] = [:]
    public var sheet: String?
    /// Blocks the rows were read in at once (1: one pass).
    var blocksRead = 1

    public var isValid: Bool { problems.isEmpty }

    public init() {}

    /// Schools present in the file, by login (or name where no login is given), in file order.
    public var schools: [String] {
        var seen = Set<String>()
        return works.schoolsInOrder.compactMap { s in
            let key = s.login ?? s.name ?? ""
            return seen.insert(key).inserted ? key : nil
        }
    }
}
