import Foundation

/// A procedure's specification as a specialist fills it in a form: every field as typed, so that a
/// refused form comes back with what was entered and every problem named by its field in Russian.
/// The JSON specification stays the import/export format; this is the way in without a programmer.
public struct SpecForm: Equatable, Sendable {
    public struct TaskRow: Equatable, Sendable {
        public var number: String
        public var max: String
        public var level: String
        /// One requirement a line: «1.1 Умение выполнять арифметические действия» (code, then text).
        public var requirements: String
        public init(number: String = "", max: String = "", level: String = "Б", requirements: String = "") {
            self.number = number
            self.max = max
            self.level = level
            self.requirements = requirements
        }
        var isBlank: Bool { [number, max, requirements].allSatisfy { $0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty } }
    }

    public var type = ""
    public var year = ""
    public var subject = ""
    public var grade = ""
    /// "paper", "computer" or "".
    public var form = ""
    public var tasks: [TaskRow] = []
    public var three = ""
    public var four = ""
    public var five = ""
    /// Kept as they were (entered on the reference page, not in this form).
    public var reference: [String: ReferenceFigures]?

    public init() {}

    /// The form filled from a stored specification (editing).
    public init(spec: ProcedureSpec) {
        type = spec.type
        year = String(spec.year)
        subject = spec.subject
        grade = String(spec.grade)
        form = spec.form ?? ""
        tasks = spec.tasks.map { t in
            TaskRow(number: t.number, max: String(t.max), level: t.level.rawValue,
                    requirements: t.requirements.map { $0.code.isEmpty ? $0.text : "\($0.code) \($0.text)" }.joined(separator: "\n"))
        }
        if let s = spec.scale { (three, four, five) = (String(s.three), String(s.four), String(s.five)) }
        reference = spec.reference
    }

    /// The specification, or every problem of the form (named by field and task row).
    public func spec() -> Result<ProcedureSpec, SpecFormError> {
        var problems: [String] = []
        func trimmed(_ s: String) -> String { s.trimmingCharacters(in: .whitespacesAndNewlines) }
        if trimmed(type).isEmpty { problems.append("«Вид процедуры»: выберите вид.") }
        if trimmed(subject).isEmpty { problems.append("«Предмет»: не указан.") }
        let yearValue = Int(trimmed(year))
        if yearValue.map({ !(2000...2100).contains($0) }) ?? true { problems.append("«Год проведения»: «\(year)» — ожидается год, например 2026.") }
        let gradeValue = Int(trimmed(grade))
        if gradeValue.map({ !(1...11).contains($0) }) ?? true { problems.append("«Класс»: «\(grade)» — ожидается число от 1 до 11.") }
        if !["", "paper", "computer"].contains(form) { problems.append("«Форма проведения»: неизвестное значение.") }

        var specTasks: [TaskSpec] = []
        var seen = Set<String>()
        for (i, row) in tasks.enumerated() where !row.isBlank {
            let place = "Задание в строке \(i + 1)"
            let number = TaskNumber.normalize(row.number)
            if number.isEmpty {
                problems.append("\(place): не указан номер.")
            } else if !TaskNumber.isValid(number) {
                problems.append("\(place): номер «\(row.number)» — ожидается вид 1, 9.1 или 2К1.")
            } else if !seen.insert(number).inserted {
                problems.append("\(place): задание \(number) уже есть выше.")
            }
            let max = Int(trimmed(row.max))
            if max.map({ !(1...100).contains($0) }) ?? true {
                problems.append("\(place)\(number.isEmpty ? "" : " (\(number))"): максимальный балл «\(row.max)» — ожидается целое число от 1 до 100.")
            }
            let level = TaskLevel(text: row.level)
            if level == nil { problems.append("\(place): уровень «\(row.level)» — ожидается Б, П или В.") }
            let requirements = row.requirements.split(whereSeparator: \.isNewline).map { trimmed(String($0)) }.filter { !$0.isEmpty }.map(Self.requirement)
            if let max, let level, TaskNumber.isValid(number) {
                specTasks.append(TaskSpec(number: number, max: max, level: level, requirements: requirements))
            }
        }
        if tasks.allSatisfy(\.isBlank) { problems.append("«Задания»: нет ни одного задания.") }

        var scale: MarkScale?
        let marks = [three, four, five].map(trimmed)
        if marks.allSatisfy(\.isEmpty) {
            scale = nil
        } else if let t = Int(marks[0]), let f = Int(marks[1]), let v = Int(marks[2]) {
            scale = MarkScale(three: t, four: f, five: v)
            if !(0 < t && t < f && f < v) {
                problems.append("«Шкала перевода»: минимальные баллы должны возрастать: 0 < «3» < «4» < «5» (сейчас \(t), \(f), \(v)).")
            }
            let maxScore = specTasks.reduce(0) { $0 + $1.max }
            if v > maxScore && problems.isEmpty {
                problems.append("«Шкала перевода»: балл на «5» (\(v)) больше максимального первичного балла \(maxScore).")
            }
        } else {
            problems.append("«Шкала перевода»: укажите целые минимальные баллы для «3», «4» и «5» или оставьте все три поля пустыми.")
        }
        guard problems.isEmpty, let yearValue, let gradeValue else { return .failure(SpecFormError(problems: problems)) }
        let spec = ProcedureSpec(type: trimmed(type), year: yearValue, subject: trimmed(subject), grade: gradeValue,
                                 form: form.isEmpty ? nil : form, tasks: specTasks, scale: scale, reference: reference)
        // What the JSON check finds beyond this form (reference figures of removed tasks).
        let rest = spec.problems()
        return rest.isEmpty ? .success(spec) : .failure(SpecFormError(problems: rest))
    }

    /// «1.1 Умение …» → code «1.1» and the text; a line without a leading code is all text.
    static func requirement(_ line: String) -> Requirement {
        let parts = line.split(separator: " ", maxSplits: 1).map(String.init)
        if parts.count == 2, parts[0].first?.isNumber == true, parts[0].allSatisfy({ $0.isNumber || $0 == "." || $0 == ")" }) {
            return Requirement(code: parts[0].trimmingCharacters(in: CharacterSet(charactersIn: ").")), text: parts[1])
        }
        return Requirement(code: "", text: line)
    }

    /// A form started from the header of a ФИС ОКО results export: tasks and their maxima from the
    /// columns («1 (2б)»), levels from the row of Б/П/В where there is one, and the type, year,
    /// subject and grade from the title line («ВПР 2026 Математика 4 класс»). Nil when the rows
    /// have no header with «Код участника».
    public static func fromResultsHeader(rows: [[String]]) -> (form: SpecForm, notes: [String])? {
        guard let layout = ResultsLayout.find(in: rows) else { return nil }
        var f = SpecForm()
        var notes: [String] = []
        for row in rows.prefix(layout.headerRow) {
            let line = row.filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }.joined(separator: " ")
            if let t = Checker.title(line) {
                let words = line.trimmingCharacters(in: .whitespaces).split(separator: " ").map(String.init)
                f.type = words.first ?? ""
                f.year = words.count > 1 ? words[1] : ""
                f.subject = t.subject
                f.grade = String(t.grade)
                break
            }
        }
        let columns = layout.taskColumns.sorted { $0.value.index < $1.value.index }
        var withoutMax: [String] = []
        for (number, col) in columns {
            var level = "Б"
            if let lr = layout.levelRow, col.index < rows[lr].count, let l = TaskLevel(text: rows[lr][col.index]) { level = l.rawValue }
            if col.headerMax == nil { withoutMax.append(number) }
            f.tasks.append(TaskRow(number: number, max: col.headerMax.map(String.init) ?? "", level: level))
        }
        if columns.isEmpty { notes.append("в заголовке нет столбцов заданий (вида «1 (2б)») — заполните задания вручную.") }
        if !withoutMax.isEmpty { notes.append("у заданий \(withoutMax.joined(separator: ", ")) в заголовке нет максимального балла — укажите его.") }
        if layout.levelRow == nil && !columns.isEmpty { notes.append("в файле нет строки уровней (Б, П, В) — проверьте уровни заданий.") }
        if f.type.isEmpty { notes.append("над таблицей нет строки вида «ВПР 2026 Математика 4 класс» — укажите вид, год, предмет и класс.") }
        notes.append("требования (КЭС, ПРООП) и шкалу перевода в файле результатов не передают — внесите их из спецификации.")
        return (f, notes)
    }
}

public struct SpecFormError: Error, Equatable, Sendable {
    public var problems: [String]
}
