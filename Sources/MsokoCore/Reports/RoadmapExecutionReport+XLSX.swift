import Foundation

extension RoadmapExecutionReport {
    /// The same report as a workbook: a row per checkpoint and reporting party (the district's own
    /// reports, or the school's), the schools' summary beside it; the appendix on a second sheet.
    public func workbook() throws -> Data {
        typealias Cell = XLSXWriter.Cell
        var rows: [[Cell]] = [["Раздел", "№", "Мероприятие", "Сроки", "Ответственные", "Ожидаемый результат", "Контрольная точка", "Срок",
                               "Статус", "Кто отчитался", "Что сделано", "Файлы", "Школы"].map { .text($0) }]
        for section in sections {
            for m in section.measures {
                for cp in m.checkpoints {
                    let head: [Cell] = [.text("\(section.number). \(section.title)"), .text(m.number), .text(m.title), .text(m.timing), .text(m.responsible),
                                        .text(m.expectedResult), .text(cp.label), .text(cp.due.russian)]
                    let entries = cp.entries.isEmpty ? [nil] : cp.entries.map { Optional($0) }
                    for e in entries {
                        rows.append(head + [.text((e?.status ?? cp.status).russian), .text(e?.who ?? ""), .text(e?.text ?? ""),
                                            .text(e?.evidence.joined(separator: "; ") ?? ""), .text(cp.schoolSummary ?? "")])
                    }
                }
            }
        }
        let heading = [title, subject, "Учебный год \(schoolYear), по состоянию на \(asOf.russian)"]
        var sheets = [XLSXWriter.Sheet(name: "Исполнение", rows: rows, title: heading, headerRows: 1)]
        if let appendix, !appendix.isEmpty {
            sheets.append(XLSXWriter.Sheet(name: "Приложение", rows: [["Школа", "Мероприятие", "Контрольная точка", "Статус", "Что сделано", "Файлы"].map { .text($0) }]
                + appendix.map { r in [.text(r.school), .text(r.measure), .text(r.checkpoint), .text(r.entry.status.russian), .text(r.entry.text),
                                       .text(r.entry.evidence.joined(separator: "; "))] }, title: ["Приложение. Отчёты образовательных организаций"] + heading.dropFirst(), headerRows: 1))
        }
        return try XLSXWriter(sheets: sheets).data()
    }
}
