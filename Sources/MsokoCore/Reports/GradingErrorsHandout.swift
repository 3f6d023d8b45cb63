import Foundation

/// Typical grading errors (measure 3.2): the tasks the schools score systematically higher (or
/// lower) than the municipal commission, with anonymised examples (blind codes only), as a seminar
/// handout.
public enum GradingErrors {
    public struct Example: Sendable {
        public var code: String
        public var school: UInt8
        public var commission: UInt8
        public init(code: String, school: UInt8, commission: UInt8) {
            self.code = code
            self.school = school
            self.commission = commission
        }
    }

    public struct TaskError: Sendable {
        public var task: TaskSpec
        /// Mean of (school − commission).
        public var meanDifference: Double
        public var overScored: Double
        public var underScored: Double
        public var examples: [Example]
    }

    /// Tasks whose mean discrepancy is at least `minimum` points either way, largest first.
    public static func tasks(_ rescored: [(code: String, school: [UInt8], commission: [UInt8])], spec: ProcedureSpec, minimum: Double = 0.2) -> [TaskError] {
        guard !rescored.isEmpty else { return [] }
        let points = WorkRecord.points
        var out: [TaskError] = []
        for (t, task) in spec.tasks.enumerated() {
            let d = rescored.map { points($0.school[t]) - points($0.commission[t]) }
            let mean = Double(d.reduce(0, +)) / Double(d.count)
            guard abs(mean) >= minimum else { continue }
            let examples = rescored.filter { (points($0.school[t]) - points($0.commission[t])) * (mean > 0 ? 1 : -1) > 0 }.prefix(3)
                .map { Example(code: $0.code, school: $0.school[t], commission: $0.commission[t]) }
            out.append(TaskError(task: task, meanDifference: mean, overScored: Double(d.filter { $0 > 0 }.count) / Double(d.count),
                                 underScored: Double(d.filter { $0 < 0 }.count) / Double(d.count), examples: Array(examples)))
        }
        return out.sorted { abs($0.meanDifference) > abs($1.meanDifference) }
    }

    public static func handout(procedure: String, errors: [TaskError], works: Int, context: AnalyticalReport.Context) -> DocxDocument {
        var doc = DocxDocument(title: "Типичные ошибки оценивания: \(procedure)")
        for line in context.letterhead where !line.isEmpty { doc.paragraph(line, alignment: .center) }
        doc.paragraph("Типичные ошибки оценивания", style: .title, alignment: .center)
        doc.paragraph("Материал семинара для учителей по результатам перепроверки работ: \(procedure)", alignment: .center, bold: true)
        doc.paragraph("Муниципальная комиссия перепроверила \(Plural.count(works, "работу", "работы", "работ")) по слепым кодам. Ниже — задания, за которые баллы школ систематически расходятся с баллами комиссии. Примеры обезличены: приводятся только коды работ.", alignment: .both)
        if errors.isEmpty {
            doc.paragraph("Систематических расхождений не выявлено.")
            return doc
        }
        let fmt = { (v: Double) in ReferenceTable.format((v * 100).rounded() / 100) }
        let pct = { (v: Double) in ReferenceTable.format((v * 1000).rounded() / 10) + " %" }
        doc.add(DocxDocument.Table(widths: [1, 1, 1, 2, 2, 2], header: ["Задание", "Уровень", "Макс.", "Школа − комиссия", "Завышено", "Занижено"], rows: errors.map { e in
            [DocxDocument.Cell(e.task.number), DocxDocument.Cell(e.task.level.rawValue), DocxDocument.Cell(String(e.task.max)),
             DocxDocument.Cell(fmt(e.meanDifference)), DocxDocument.Cell(pct(e.overScored)), DocxDocument.Cell(pct(e.underScored))]
        }))
        for e in errors {
            doc.paragraph("Задание \(e.task.number) (\(e.task.level.rawValue), максимум \(e.task.max))", style: .heading2)
            if !e.task.requirements.isEmpty { doc.paragraph("Проверяет: " + e.task.requirements.map(\.text).joined(separator: "; ") + ".") }
            doc.paragraph(e.meanDifference > 0
                          ? "Баллы школ в среднем на \(fmt(e.meanDifference)) выше баллов комиссии: критерии применяются мягче, чем положено (\(pct(e.overScored)) работ оценены выше)."
                          : "Баллы школ в среднем на \(fmt(-e.meanDifference)) ниже баллов комиссии: критерии применяются строже, чем положено (\(pct(e.underScored)) работ оценены ниже).", alignment: .both)
            if !e.examples.isEmpty {
                doc.paragraph("Примеры: " + e.examples.map { "работа \($0.code) — школа \($0.school == WorkRecord.notDone ? "X" : String($0.school)), комиссия \($0.commission == WorkRecord.notDone ? "X" : String($0.commission))" }.joined(separator: "; ") + ".")
            }
            doc.paragraph("Для обсуждения: какие элементы ответа дают балл по критериям; что засчитывать нельзя; разбор оригиналов работ из примеров.", style: .small)
        }
        return doc
    }
}
