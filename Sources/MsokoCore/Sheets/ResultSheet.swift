import Foundation

/// A participant's individual result sheet (issue 14 §1, measure 2.2): per task the requirement it
/// checks in words (never the task's text, which may not be published), the score over the maximum
/// and whether it is mastered; the primary score and mark; the class's and the school's figures as
/// aggregates only; a few recommendations from the student's gaps; what the school will do next.
/// Codes only: a name is never part of it.
public struct ResultSheet: Sendable, Equatable {
    public struct Task: Sendable, Equatable {
        public var number: String
        /// The requirements' texts, «; »-joined; empty when the specification names none.
        public var requirement: String
        public var level: TaskLevel
        /// nil: not done («X»), counted 0.
        public var score: Int?
        public var max: Int
        public var verdict: Mastery
    }

    /// A group's figures: works, the mean primary score, the share of each mark «2» … «5».
    public struct Aggregate: Sendable, Equatable {
        public var works: Int
        public var meanScore: Double?
        public var marks: [Int: Double]
    }

    public var code: String
    public var className: String
    public var variant: String?
    public var tasks: [Task]
    public var primaryScore: Int
    public var maxScore: Int
    public var mark: Int?
    public var classFigures: Aggregate
    public var schoolFigures: Aggregate
    public var recommendations: [String]
    /// What the school will do next (the plan items and the route that name the student), in words.
    public var nextSteps: [String]
}

public enum ResultSheets {
    /// Recommendations on a sheet, at most.
    public static let recommendationLimit = 3

    /// The sheet of `work`, among the works of its class and school. `next` is what the school
    /// plans for this student (empty: none).
    public static func sheet(_ work: WorkRecord, spec: ProcedureSpec, classWorks: [WorkRecord], schoolWorks: [WorkRecord], next: [String] = []) -> ResultSheet {
        let tasks = spec.tasks.enumerated().map { t, task -> ResultSheet.Task in
            let raw = t < work.scores.count ? work.scores[t] : WorkRecord.notDone
            let score: Int? = raw == WorkRecord.notDone ? nil : Int(raw)
            let completion = task.max > 0 ? Double(score ?? 0) / Double(task.max) : 0
            return .init(number: task.number, requirement: task.requirements.map(\.text).joined(separator: "; "), level: task.level,
                         score: score, max: task.max, verdict: Mastery(completion: completion, level: task.level))
        }
        let student = Gaps.group([work], spec: spec)
        return ResultSheet(code: work.code, className: work.className, variant: work.variant, tasks: tasks, primaryScore: work.primaryScore,
                           maxScore: spec.maxScore, mark: work.mark ?? spec.scale?.mark(for: work.primaryScore),
                           classFigures: aggregate(classWorks, spec: spec), schoolFigures: aggregate(schoolWorks, spec: spec),
                           recommendations: recommendations(student), nextSteps: next)
    }

    /// The works, the mean primary score and the share of each mark of a group.
    public static func aggregate(_ works: [WorkRecord], spec: ProcedureSpec) -> ResultSheet.Aggregate {
        guard !works.isEmpty else { return .init(works: 0, meanScore: nil, marks: [:]) }
        var marks: [Int: Double] = [:]
        for w in works { if let m = w.mark ?? spec.scale?.mark(for: w.primaryScore) { marks[m, default: 0] += 1 } }
        let n = Double(works.count)
        return .init(works: works.count, meanScore: Double(works.reduce(0) { $0 + $1.primaryScore }) / n, marks: marks.mapValues { $0 / n })
    }

    /// Up to three requirements the student has not mastered, the weakest first (then borderline
    /// ones), as «Повторить: …». Empty when every requirement is mastered.
    public static func recommendations(_ g: GroupGaps) -> [String] {
        guard let s = g.students.first else { return [] }
        let ranked = g.requirements.indices.filter { s.verdicts[$0] != .mastered }.sorted { a, b in
            let (va, vb) = (s.verdicts[a] == .notMastered ? 0 : 1, s.verdicts[b] == .notMastered ? 0 : 1)
            return va != vb ? va < vb : s.completion[a] != s.completion[b] ? s.completion[a] < s.completion[b] : a < b
        }
        return ranked.prefix(recommendationLimit).map { k in
            let r = g.requirements[k].requirement
            return "Повторить: \(r.text) (\(r.tasks.count == 1 ? "задание" : "задания") \(r.tasks.joined(separator: ", ")))."
        }
    }
}

/// A parent's access code (issue 14 §3): 12 characters from an alphabet without look-alikes (no
/// 0/O, 1/I/L, 5/S, 2/Z, 8/B, U/V), typed in any case with spaces or dashes.
public enum AccessCode {
    public static let alphabet = Array("34679ACDEFGHJKMNPQRTWXY")
    public static let length = 12

    public static func make<R: RandomNumberGenerator>(using rng: inout R) -> String {
        String((0..<length).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &rng)] })
    }

    public static func make() -> String {
        var rng = SystemRandomNumberGenerator()
        return make(using: &rng)
    }

    /// The code as stored, or nil when it cannot be one (wrong length or a character not in the alphabet).
    public static func normalize(_ typed: String) -> String? {
        let t = typed.uppercased().filter { $0 != " " && $0 != "-" }
        guard t.count == length, t.allSatisfy(alphabet.contains) else { return nil }
        return t
    }
}

extension ResultSheets {
    /// What every sheet of a batch shares: the school, the procedure, its date.
    public struct Header: Sendable {
        public var school: String
        public var procedure: String
        public var date: String
        public init(school: String, procedure: String, date: String) {
            self.school = school
            self.procedure = procedure
            self.date = date
        }
    }

    public static func marks(_ a: ResultSheet.Aggregate) -> String {
        guard a.works > 0 else { return "—" }
        let shares = (2...5).map { m in "«\(m)» — \(AnalyticalReport.pct(a.marks[m] ?? 0))" }.joined(separator: ", ")
        return "работ \(a.works); средний балл \(ReferenceTable.oneDecimal(a.meanScore ?? 0)); \(shares)"
    }

    /// A parent's way to the sheet online: the code as printed, the link, the last day it works.
    public struct Access: Sendable, Equatable {
        public var code: String
        public var link: String
        public var expires: String
        public init(code: String, link: String, expires: String) {
            self.code = code
            self.link = link
            self.expires = expires
        }
    }

    /// A class batch as one Word document, a page per student (codes only, never names); with
    /// `access`, each sheet ends with its parents' link and code.
    public static func docx(_ sheets: [ResultSheet], header: Header, access: [String: Access] = [:]) -> DocxDocument {
        var doc = DocxDocument(title: "Листы результатов \(sheets.first?.className ?? "") \(header.procedure)")
        for (i, s) in sheets.enumerated() {
            if i > 0 { doc.blocks.append(.pageBreak) }
            doc.paragraph(header.school, alignment: .center)
            doc.paragraph("Результаты участника \(s.code)", style: .heading1, alignment: .center)
            doc.paragraph("\(header.procedure); класс \(s.className)\(header.date.isEmpty ? "" : "; дата \(header.date)")\(s.variant.map { "; вариант \($0)" } ?? "")", alignment: .center)
            doc.add(DocxDocument.Table(widths: [1, 7, 1, 1, 2], header: ["№", "Что проверялось", "Балл", "Макс.", "Освоено"], rows: s.tasks.map { t in
                [DocxDocument.Cell(t.number), DocxDocument.Cell(t.requirement.isEmpty ? "—" : t.requirement), DocxDocument.Cell(t.score.map(String.init) ?? "X"),
                 DocxDocument.Cell(String(t.max)), DocxDocument.Cell(t.verdict.title)]
            }))
            doc.paragraph("Первичный балл: \(s.primaryScore) из \(s.maxScore)\(s.mark.map { "; отметка «\($0)»" } ?? "").", bold: true)
            doc.paragraph("Класс: \(marks(s.classFigures)). Школа: \(marks(s.schoolFigures)).", style: .small)
            if !s.recommendations.isEmpty {
                doc.paragraph("Рекомендации", style: .heading2)
                for r in s.recommendations { doc.paragraph("• " + r) }
            }
            if !s.nextSteps.isEmpty {
                doc.paragraph("Что сделает школа", style: .heading2)
                for r in s.nextSteps { doc.paragraph("• " + r) }
            }
            if let a = access[s.code] {
                doc.paragraph("Для родителей", style: .heading2)
                doc.paragraph("Этот лист можно открыть на телефоне: \(a.link) (код доступа \(a.code), действует до \(a.expires)). Не передавайте код посторонним.")
            }
        }
        return doc
    }
}
