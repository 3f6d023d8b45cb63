import Foundation

/// «Отчёт о реализации дорожной карты»: the data a report needs, gathered by the server,
/// and the DOCX built from it. The letterhead and signature block come from the district's
/// editable template (settings), one line each.
public struct RoadmapExecutionReport: Sendable {
    public struct Entry: Sendable {
        /// «МБОУ «Зырянская СОШ»» or «Управление образования».
        public var who: String
        public var status: CheckpointStatus
        public var text: String
        public var evidence: [String]
        public init(who: String, status: CheckpointStatus, text: String, evidence: [String]) {
            self.who = who
            self.status = status
            self.text = text
            self.evidence = evidence
        }
    }

    public struct Checkpoint: Sendable {
        public var label: String
        public var due: LocalDate
        public var status: CheckpointStatus
        public var entries: [Entry]
        /// «Школы: выполнено 7 из 10; просрочено — …» for a district report; nil otherwise.
        public var schoolSummary: String?
        public init(label: String, due: LocalDate, status: CheckpointStatus, entries: [Entry], schoolSummary: String? = nil) {
            self.label = label
            self.due = due
            self.status = status
            self.entries = entries
            self.schoolSummary = schoolSummary
        }
    }

    /// One school's report in the appendix of a district report.
    public struct AppendixRow: Sendable {
        public var school: String
        public var measure: String
        public var checkpoint: String
        public var entry: Entry
        public init(school: String, measure: String, checkpoint: String, entry: Entry) {
            self.school = school
            self.measure = measure
            self.checkpoint = checkpoint
            self.entry = entry
        }
    }

    public struct Measure: Sendable {
        public var number: String
        public var title: String
        public var timing: String
        public var responsible: String
        public var expectedResult: String
        public var checkpoints: [Checkpoint]
        public init(number: String, title: String, timing: String, responsible: String, expectedResult: String, checkpoints: [Checkpoint]) {
            self.number = number
            self.title = title
            self.timing = timing
            self.responsible = responsible
            self.expectedResult = expectedResult
            self.checkpoints = checkpoints
        }
    }

    public struct Section: Sendable {
        public var number: String
        public var title: String
        public var measures: [Measure]
        public init(number: String, title: String, measures: [Measure]) {
            self.number = number
            self.title = title
            self.measures = measures
        }
    }

    public var letterhead: [String]
    public var title: String
    /// Whose report: the district or one school.
    public var subject: String
    public var schoolYear: String
    public var asOf: LocalDate
    public var sections: [Section]
    public var signature: [String]
    /// Schools' reports in full, after the signature (a district report «с приложением»).
    public var appendix: [AppendixRow]?

    public init(letterhead: [String], title: String, subject: String, schoolYear: String, asOf: LocalDate,
                sections: [Section], signature: [String], appendix: [AppendixRow]? = nil) {
        self.appendix = appendix
        self.letterhead = letterhead
        self.title = title
        self.subject = subject
        self.schoolYear = schoolYear
        self.asOf = asOf
        self.sections = sections
        self.signature = signature
    }

    /// Count of checkpoints by status, for the summary table.
    public var summary: [(CheckpointStatus, Int)] {
        let all = sections.flatMap(\.measures).flatMap(\.checkpoints)
        return CheckpointStatus.allCases.map { status in (status, all.filter { $0.status == status }.count) }
    }

    public func document() -> DocxDocument {
        var doc = DocxDocument(title: title, orientation: .landscape)
        for line in letterhead where !line.isEmpty {
            doc.paragraph(line, alignment: .center, bold: true)
        }
        doc.paragraph("")
        doc.paragraph(title, style: .title)
        doc.paragraph(subject, alignment: .center)
        doc.paragraph("Учебный год \(schoolYear). Состояние на \(asOf.russian).", alignment: .center)

        let total = sections.flatMap(\.measures).flatMap(\.checkpoints).count
        doc.paragraph("Сводка", style: .heading1)
        doc.add(DocxDocument.Table(
            widths: [3, 1, 1],
            header: ["Контрольные точки", "Количество", "Доля"],
            rows: summary.map { status, count in
                [DocxDocument.Cell(status.russian.prefix(1).uppercased() + status.russian.dropFirst()),
                 DocxDocument.Cell("\(count)"),
                 DocxDocument.Cell(total == 0 ? "—" : "\(Int((Double(count) * 100 / Double(total)).rounded())) %")]
            } + [[DocxDocument.Cell("Всего", bold: true), DocxDocument.Cell("\(total)", bold: true), DocxDocument.Cell("")]]
        ))

        for section in sections {
            doc.paragraph("\(section.number). \(section.title)", style: .heading1)
            var rows: [[DocxDocument.Cell]] = []
            for measure in section.measures {
                let checkpoints = measure.checkpoints.map { cp in
                    (cp.label.contains(cp.due.russian) ? cp.label : "\(cp.label) (до \(cp.due.russian))") + ": \(cp.status.russian)"
                }.joined(separator: "\n")
                var reports: [DocxDocument.Paragraph] = []
                for cp in measure.checkpoints {
                    if let summary = cp.schoolSummary {
                        reports.append(DocxDocument.Paragraph([
                            DocxDocument.Run("\(cp.label): ", bold: true), DocxDocument.Run(summary),
                        ], style: .small))
                    }
                    for entry in cp.entries where !(entry.text.isEmpty && entry.evidence.isEmpty) {
                        reports.append(DocxDocument.Paragraph([
                            DocxDocument.Run("\(cp.label), \(entry.who) — \(entry.status.russian). ", bold: true),
                            DocxDocument.Run(entry.text),
                        ], style: .small))
                        if !entry.evidence.isEmpty {
                            reports.append(DocxDocument.Paragraph([DocxDocument.Run("Подтверждения: " + entry.evidence.joined(separator: "; "), italic: true)], style: .small))
                        }
                    }
                }
                if reports.isEmpty { reports = [DocxDocument.Paragraph("Отчёты не представлены.", style: .small)] }
                rows.append([
                    DocxDocument.Cell(measure.number),
                    DocxDocument.Cell(measure.title),
                    DocxDocument.Cell(measure.timing),
                    DocxDocument.Cell(measure.responsible),
                    DocxDocument.Cell(checkpoints),
                    DocxDocument.Cell(reports),
                ])
            }
            doc.add(DocxDocument.Table(
                widths: [5, 24, 9, 14, 17, 31],
                header: ["№", "Мероприятие", "Срок", "Ответственные", "Контрольные точки и статус", "Исполнение (отчёты, подтверждения)"],
                rows: rows))
        }
        doc.paragraph("")
        for line in signature where !line.isEmpty {
            doc.paragraph(line)
        }
        if let appendix {
            doc.blocks.append(.pageBreak)
            doc.paragraph("Приложение. Отчёты образовательных организаций", style: .heading1)
            if appendix.isEmpty { doc.paragraph("Отчёты школ не представлены.") }
            var bySchool: [(String, [AppendixRow])] = []
            for row in appendix {
                if let i = bySchool.firstIndex(where: { $0.0 == row.school }) { bySchool[i].1.append(row) } else { bySchool.append((row.school, [row])) }
            }
            for (school, rows) in bySchool {
                doc.paragraph(school, style: .heading2)
                doc.add(DocxDocument.Table(
                    widths: [6, 16, 12, 44, 22],
                    header: ["№", "Контрольная точка", "Статус", "Отчёт", "Подтверждения"],
                    rows: rows.map { r in
                        [DocxDocument.Cell(r.measure), DocxDocument.Cell(r.checkpoint), DocxDocument.Cell(r.entry.status.russian),
                         DocxDocument.Cell(r.entry.text), DocxDocument.Cell(r.entry.evidence.joined(separator: "\n"))]
                    }))
            }
        }
        return doc
    }
}
