import Foundation

/// The work that closes a class's gaps (issue 13 §2-3, docs/gaps.md): a class plan («план
/// ликвидации пробелов») drafted from the class's gaps, its items' statuses and outcomes, and the
/// re-diagnosis that shows the effect — the same students, the same requirement codes, before and
/// after.
public enum GapPlanning {
    /// The share of a class not mastering a requirement from which the draft plans group work for
    /// it (below it the students concerned go to individual routes): a quarter of the class.
    public static let groupShare = 0.25

    /// One item of a drafted plan: a requirement the class has not mastered.
    public struct DraftItem: Sendable, Equatable {
        public var code: String
        public var text: String
        public var tasks: [String]
        /// The share of the class's works not mastering it, and their codes.
        public var share: Double
        public var students: [String]
        /// The class's completion of the requirement when the plan was drafted.
        public var completion: Double?
        public var systemic: Bool
        public var form: String
        public var hours: Int
    }

    /// The items of a class plan drafted from the class's gaps: every requirement not mastered by
    /// the class as a whole (its verdict «не освоено» or «на границе») or by at least a quarter of
    /// its students — systemic deficits first, then by the share not mastering it. A systemic
    /// deficit gets a lesson of revision for the class (2 hours), the others group sessions
    /// (1 hour); the school edits all of it.
    public static func draft(_ g: GroupGaps) -> [DraftItem] {
        var items: [DraftItem] = []
        for (k, f) in g.requirements.enumerated() {
            let classVerdictWeak = f.verdict == .notMastered || f.verdict == .borderline
            guard f.works > 0, f.notMastered > 0, classVerdictWeak || f.notMasteredShare >= groupShare else { continue }
            let codes = g.students.filter { $0.verdicts[k] == .notMastered }.map(\.code)
            items.append(DraftItem(code: f.requirement.code, text: f.requirement.text, tasks: f.requirement.tasks, share: f.notMasteredShare,
                                   students: codes, completion: f.completion, systemic: f.isSystemic,
                                   form: f.isSystemic ? WorkForm.revisionLesson : WorkForm.groupSessions, hours: f.isSystemic ? 2 : 1))
        }
        return items.enumerated().sorted { a, b in
            a.element.systemic != b.element.systemic ? a.element.systemic : a.element.share != b.element.share ? a.element.share > b.element.share : a.offset < b.offset
        }.map(\.element)
    }

    /// The students for individual routes: those with at least `Gaps.individualMinimum`
    /// requirements not mastered, each with those requirements' codes.
    public static func individual(_ g: GroupGaps) -> [(code: String, requirements: [String])] {
        g.forIndividualWork.map { ($0.code, $0.notMastered) }
    }

    /// Why an item (or a route) may not get `status` and `outcome`, in Russian; nil when it may.
    /// Closing needs a re-diagnosis result and an outcome; an outcome belongs to a closed item only.
    public static func problem(status: ItemStatus, outcome: GapOutcome?, rediagnosed: Bool) -> String? {
        if status == .closed && !rediagnosed {
            return "Пункт нельзя закрыть без результата повторной диагностики по его требованию: внесите её результаты."
        }
        if status == .closed && outcome == nil { return "Закрывая пункт, укажите результат: устранён, устранён частично или не устранён." }
        if status != .closed && outcome != nil { return "Результат указывается при закрытии пункта (статус «закрыт»)." }
        return nil
    }

    /// What the re-diagnosis says of an item: of its students re-diagnosed (all the re-diagnosed,
    /// when the item names none), none below the borderline threshold → устранён; fewer than
    /// before → частично; else не устранён. Nil when none of them was re-diagnosed on it.
    public static func outcome(_ c: RequirementChange, students: [String]) -> GapOutcome? {
        let concerned = students.isEmpty ? c.students : c.students.filter { students.contains($0.code) }
        guard !concerned.isEmpty else { return nil }
        let after = concerned.filter { $0.after == .notMastered }.count
        let before = concerned.filter { $0.before == .notMastered }.count
        return after == 0 ? .eliminated : after < before ? .partial : .notEliminated
    }

    /// Before and after per requirement and student: the class's gaps in the procedure (`before`)
    /// against the re-diagnosis (`after`), over the students in both — the same students, so that
    /// a student who missed the re-diagnosis does not count as closed. Only requirements that the
    /// re-diagnosis checks.
    public static func compare(before: GroupGaps, after: GroupGaps) -> [RequirementChange] {
        let beforeIndex = Dictionary(before.students.enumerated().map { ($1.code, $0) }, uniquingKeysWith: { a, _ in a })
        let beforeReq = Dictionary(before.requirements.enumerated().map { ($1.requirement.code, $0) }, uniquingKeysWith: { a, _ in a })
        return after.requirements.enumerated().compactMap { ka, f in
            guard let kb = beforeReq[f.requirement.code] else { return nil }
            var students: [RequirementChange.Student] = []
            for s in after.students {
                guard let i = beforeIndex[s.code] else { continue }
                let b = before.students[i]
                students.append(.init(code: s.code, beforeCompletion: b.completion[kb], before: b.verdicts[kb], afterCompletion: s.completion[ka], after: s.verdicts[ka]))
            }
            return RequirementChange(code: f.requirement.code, text: before.requirements[kb].requirement.text, students: students)
        }
    }
}

/// One requirement before and after, over the students in both.
public struct RequirementChange: Sendable, Equatable {
    public struct Student: Sendable, Equatable {
        public var code: String
        public var beforeCompletion: Double
        public var before: Mastery
        public var afterCompletion: Double
        public var after: Mastery
    }

    public var code: String
    public var text: String
    public var students: [Student]

    public var notMasteredBefore: Int { students.filter { $0.before == .notMastered }.count }
    public var notMasteredAfter: Int { students.filter { $0.after == .notMastered }.count }
    /// Mean completion over the students (each student's share of the requirement's points).
    public var completionBefore: Double? { students.isEmpty ? nil : students.map(\.beforeCompletion).reduce(0, +) / Double(students.count) }
    public var completionAfter: Double? { students.isEmpty ? nil : students.map(\.afterCompletion).reduce(0, +) / Double(students.count) }
}

/// Where an item or a route stands.
public enum ItemStatus: String, CaseIterable, Sendable {
    case planned, inWork = "in_work", closed

    public var title: String {
        switch self {
        case .planned: return "запланирован"
        case .inWork: return "в работе"
        case .closed: return "закрыт"
        }
    }
}

/// What came of an item, judged on the re-diagnosis.
public enum GapOutcome: String, CaseIterable, Sendable {
    case eliminated, partial, notEliminated = "not_eliminated"

    public var title: String {
        switch self {
        case .eliminated: return "устранён"
        case .partial: return "устранён частично"
        case .notEliminated: return "не устранён"
        }
    }
}

/// Forms of work the plan offers (the school may type another).
public enum WorkForm {
    public static let revisionLesson = "урок повторения"
    public static let groupSessions = "групповые занятия"
    public static let all = [revisionLesson, groupSessions, "индивидуальные занятия", "консультации", "домашние задания", "работа на уроках (включение в урок)"]
}

/// A school's own re-diagnosis (its parallel tasks, never ВПР materials): tasks, each checking one
/// requirement code, and the students' scores; read as a specification and works so that the
/// same `Gaps` rules judge it.
public enum Rediagnosis {
    public struct Task: Codable, Sendable, Equatable {
        public var number: String
        public var code: String
        public var max: Int
        public init(number: String, code: String, max: Int) {
            self.number = number
            self.code = code
            self.max = max
        }
    }

    public struct Row: Codable, Sendable, Equatable {
        public var code: String
        /// Per task; nil: not done (0 points, as «X»).
        public var scores: [Int?]
        public init(code: String, scores: [Int?]) {
            self.code = code
            self.scores = scores
        }
    }

    /// The tasks as a specification: each at the level of the requirement in the procedure it
    /// follows (the easiest level of the tasks that checked it there), so that the thresholds agree.
    public static func spec(_ tasks: [Task], requirements: [GapRequirement]) -> ProcedureSpec {
        let byCode = Dictionary(requirements.map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a })
        return ProcedureSpec(type: "Повторная диагностика", year: 0, subject: "", grade: 0, tasks: tasks.map { t in
            let r = byCode[t.code]
            return TaskSpec(number: t.number, max: t.max, level: r?.level ?? .basic, requirements: [Requirement(code: t.code, text: r?.text ?? "")])
        }, scale: nil)
    }

    /// The re-diagnosis's gaps. A row with no score at all is a student who did not take it: left out.
    public static func gaps(_ tasks: [Task], rows: [Row], requirements: [GapRequirement], className: String) -> GroupGaps {
        let works = rows.filter { $0.scores.contains { $0 != nil } }.enumerated().map { i, r in
            let scores = tasks.indices.map { t -> UInt8 in
                guard t < r.scores.count, let s = r.scores[t] else { return WorkRecord.notDone }
                return UInt8(clamping: s)
            }
            return WorkRecord(schoolLogin: nil, schoolName: nil, code: r.code, className: className, variant: nil, gender: nil,
                              scores: scores, primaryScore: scores.reduce(0) { $0 + WorkRecord.points($1) }, mark: nil, journalMark: nil, row: i + 2)
        }
        return Gaps.group(works, spec: spec(tasks, requirements: requirements))
    }

    /// Every problem of a task list, in Russian: a task without a number or repeated, a code not in
    /// the procedure's specification, a maximum outside 1…20.
    public static func problems(tasks: [Task], codes: Set<String>) -> [String] {
        var out: [String] = []
        var seen: Set<String> = []
        if tasks.isEmpty { out.append("Добавьте хотя бы одно задание.") }
        for (i, t) in tasks.enumerated() {
            let n = "Задание \(i + 1)"
            if t.number.isEmpty { out.append("\(n): укажите номер.") } else if !seen.insert(t.number).inserted { out.append("\(n): номер «\(t.number)» повторяется.") }
            if !codes.contains(t.code) { out.append("\(n): требование «\(t.code)» не из спецификации процедуры.") }
            if !(1...20).contains(t.max) { out.append("\(n): максимальный балл — целое число от 1 до 20.") }
        }
        return out
    }

    /// Every problem of scores typed or read (a row per student, a column per task): a score not a
    /// whole number or above the task's maximum, named by student code and task number.
    public static func scores(rows: [(code: String, cells: [String])], tasks: [Task], where place: (Int, Int) -> String) -> (rows: [Row], problems: [String]) {
        var out: [Row] = []
        var problems: [String] = []
        for (r, row) in rows.enumerated() {
            var scores: [Int?] = []
            for (t, task) in tasks.enumerated() {
                let text = t < row.cells.count ? row.cells[t].trimmingCharacters(in: .whitespaces) : ""
                if text.isEmpty || text.uppercased() == "X" || text.uppercased() == "Х" { scores.append(nil); continue }
                guard let v = Int(text), v >= 0, v <= task.max else {
                    problems.append("\(place(r, t)): «\(text)» — балл за задание \(task.number) должен быть целым числом от 0 до \(task.max) (или пусто, если не выполнялось).")
                    scores.append(nil)
                    continue
                }
                scores.append(v)
            }
            out.append(Row(code: row.code, scores: scores))
        }
        return (out, problems)
    }
}

extension Rediagnosis {
    /// A re-diagnosis sheet as the school fills it (the template msoko gives, or its own): a header
    /// row with «Код участника» (or «Код») and a column per task number (or requirement code), then a
    /// row per student. Every problem in one pass, named by file, row and column; the rows read.
    public static func read(_ cells: [[String]], file: String, tasks: [Task], students known: Set<String>) -> (rows: [Row], problems: [String]) {
        func norm(_ s: String) -> String { s.trimmingCharacters(in: .whitespaces).lowercased().replacingOccurrences(of: "ё", with: "е") }
        guard let h = cells.firstIndex(where: { $0.contains { ["код участника", "код", "код обучающегося"].contains(norm($0)) } }) else {
            return ([], ["Файл «\(file)»: нет строки заголовка со столбцом «Код участника»."])
        }
        let header = cells[h]
        let codeColumn = header.firstIndex { ["код участника", "код", "код обучающегося"].contains(norm($0)) }!
        var columns: [Int] = []
        var found: [String] = []
        for t in tasks {
            if let c = header.firstIndex(where: { TaskNumber.normalize($0) == TaskNumber.normalize(t.number) }) { columns.append(c) } else {
                found.append("Файл «\(file)», строка \(h + 1): нет столбца задания «\(t.number)».")
                columns.append(-1)
            }
        }
        var typed: [(code: String, cells: [String])] = []
        var lines: [Int] = []
        var seen: Set<String> = []
        for r in (h + 1)..<cells.count {
            let line = cells[r]
            let code = codeColumn < line.count ? line[codeColumn].trimmingCharacters(in: .whitespaces) : ""
            let values = columns.map { $0 >= 0 && $0 < line.count ? line[$0] : "" }
            if code.isEmpty {
                if values.contains(where: { !$0.trimmingCharacters(in: .whitespaces).isEmpty }) { found.append("Файл «\(file)», строка \(r + 1): баллы без кода участника.") }
                continue
            }
            if !known.contains(code) { found.append("Файл «\(file)», строка \(r + 1): кода участника «\(code)» нет среди работ класса."); continue }
            if !seen.insert(code).inserted { found.append("Файл «\(file)», строка \(r + 1): код «\(code)» повторяется."); continue }
            typed.append((code, values))
            lines.append(r + 1)
        }
        let read = Rediagnosis.scores(rows: typed, tasks: tasks) { r, t in
            "Файл «\(file)», строка \(lines[r]), столбец «\(header[columns[t]])»"
        }
        return (read.rows, found + read.problems)
    }
}
