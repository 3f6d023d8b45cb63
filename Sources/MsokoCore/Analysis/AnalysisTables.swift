import Foundation

/// The tables of an analysis, as the pages, the XLSX downloads and the справки show them. The
/// small-group rules apply here (the JSON keeps full figures): under 10 works no percentages,
/// under 20 a caution mark.
public struct AnalysisTable: Sendable {
    public typealias Cell = XLSXWriter.Cell
    public var title: String
    public var header: [String]
    public var rows: [[Cell]]
    /// Footnotes (small groups, what the verdicts mean).
    public var notes: [String] = []
    /// Rows to highlight: the weakest tasks or planned results (`Verdicts.weakest`).
    public var highlighted: Set<Int> = []

    public init(title: String, header: [String], rows: [[Cell]], notes: [String] = []) {
        self.title = title
        self.header = header
        self.rows = rows
        self.notes = notes
    }

    /// The same table under another title (a second marks table in one workbook: «Отметки по школам»).
    public func titled(_ t: String) -> AnalysisTable {
        var copy = self
        copy.title = t
        return copy
    }

    /// The table as a sheet: its title, then `heading` (what was analysed), the header, the rows, the notes.
    public func sheet(heading: [String] = []) -> XLSXWriter.Sheet {
        XLSXWriter.Sheet(name: title, rows: [header.map { .text($0) }] + rows, title: [title] + heading, headerRows: 1, notes: notes)
    }
}

public enum AnalysisTables {
    public typealias Cell = XLSXWriter.Cell

    /// A percentage to one decimal place, or «—» where the group is too small or there is no figure.
    public static func percent(_ fraction: Double?, _ g: GroupFigures?) -> Cell {
        guard let fraction, g?.sharesHidden != true else { return .text("—") }
        return .percent(fraction)
    }

    public static func mean(_ v: Double?) -> Cell { v.map { .mean($0) } ?? .text("—") }

    public static func label(_ g: GroupFigures) -> String {
        switch g.level {
        case .district: return "Все школы"
        case .school: return g.schoolName ?? g.school ?? ""
        case .class: return "\(g.schoolName ?? g.school ?? "") · \(g.className ?? "")"
        }
    }

    static func note(_ g: GroupFigures) -> String {
        switch g.smallGroup {
        case .suppressed: return g.shownInFull ? "менее 10 участников: доли — с осторожностью" : "менее 10 участников: доли не показываются"
        case .limited: return "менее 20 участников: выводы ограничены"
        case nil: return ""
        }
    }

    static let smallNote = "Группы менее 20 участников — выводы ограничены; менее 10 — доли показываются только самой школе, в сравнениях школ и публикациях — нет."

    /// The caution over a group under 10 works shown to itself: what one work weighs.
    public static func smallOwnCaution(_ g: GroupFigures) -> String {
        let one = g.participants == 0 ? "" : " (1 из \(g.participants) — \(ReferenceTable.format((1000 / Double(g.participants)).rounded() / 10)) %)"
        return "Работ меньше 10: каждая работа заметно меняет доли\(one). Доли показаны для самой школы; выводы делайте осторожно, по каждому обучающемуся. В сравнениях школ и в публикациях доли групп меньше 10 работ не показываются."
    }

    /// Participants and marks, one row a group, then the reference rows (region, Russia).
    public static func marks(_ groups: [GroupFigures], _ a: ResultsAnalysis) -> AnalysisTable {
        var rows: [[Cell]] = groups.map { g in
            var row: [Cell] = [.text(label(g)), .number(g.participants), g.enrolled.map { .number($0) } ?? .text("—"), percent(g.participation, g)]
            for m in 2...5 { row += [.number(g.marks[m - 2]), percent(g.markShare(m), g)] }
            row += [percent(g.passRate, g), percent(g.qualityRate, g), mean(g.meanPrimaryScore), mean(g.meanMark), .text(note(g))]
            return row
        }
        for level in ReferenceTable.Level.allCases {
            guard let m = a.spec.reference?[level.rawValue]?.marks else { continue }
            var row: [Cell] = [.text(a.spec.referenceName(level)), .empty, .empty, .empty]
            for k in 2...5 { row += [.empty, percent(m[String(k)], nil)] }
            let pass = m.count == 4 ? (m["3"] ?? 0) + (m["4"] ?? 0) + (m["5"] ?? 0) : nil
            let quality = m.count == 4 ? (m["4"] ?? 0) + (m["5"] ?? 0) : nil
            row += [percent(pass, nil), percent(quality, nil), .empty, .empty, .text("эталон ФИС ОКО")]
            rows.append(row)
        }
        return AnalysisTable(title: "Отметки", header: ["Группа", "Участников", "Обучающихся", "Участие, %", "«2»", "«2», %", "«3»", "«3», %", "«4»", "«4», %",
                                                       "«5»", "«5», %", "Успеваемость, %", "Качество знаний, %", "Средний первичный балл", "Средняя отметка", "Примечание"],
                             rows: rows, notes: [smallNote, "Успеваемость — доля отметок «3», «4», «5»; качество знаний — доля «4» и «5»."])
    }

    /// «48 (8 %)»: a count with its share, or the count alone in a group too small for shares.
    static func countShare(_ n: Int, _ share: Double?, _ g: GroupFigures?) -> Cell {
        guard let share, g?.sharesHidden != true else { return .text(String(n)) }
        return .text("\(n) (\(ReferenceTable.oneDecimal(share * 100)) %)")
    }

    /// Marks as pages and справки show them: a count and its share in one cell.
    public static func marksCompact(_ groups: [GroupFigures], _ a: ResultsAnalysis) -> AnalysisTable {
        var rows: [[Cell]] = groups.map { g in
            var row: [Cell] = [.text(label(g) + (g.smallGroup == nil ? "" : " *")), .number(g.participants)]
            for m in 2...5 { row.append(countShare(g.marks[m - 2], g.markShare(m), g)) }
            return row + [percent(g.passRate, g), percent(g.qualityRate, g), mean(g.meanPrimaryScore), mean(g.meanMark)]
        }
        for level in ReferenceTable.Level.allCases {
            guard let m = a.spec.reference?[level.rawValue]?.marks, m.count == 4 else { continue }
            rows.append([.text(a.spec.referenceName(level)), .text("")] + (2...5).map { percent(m[String($0)], nil) }
                        + [percent(1 - (m["2"] ?? 0), nil), percent((m["4"] ?? 0) + (m["5"] ?? 0), nil), .text(""), .text("")])
        }
        return AnalysisTable(title: "Отметки", header: ["Группа", "Работ", "«2»", "«3»", "«4»", "«5»", "Успеваемость, %", "Качество, %", "Средний балл", "Средняя отметка"],
                             rows: rows, notes: ["* " + smallNote, "В ячейках отметок — число работ и доля."])
    }

    /// Journal comparison with counts and shares in one cell.
    public static func journalCompact(_ groups: [GroupFigures]) -> AnalysisTable {
        let rows: [[Cell]] = groups.map { g in
            let n = g.journalCompared
            let share = { (k: Int) -> Double? in n == 0 ? nil : Double(k) / Double(n) }
            return [.text(label(g) + (g.smallGroup == nil ? "" : " *")), .number(n), countShare(g.journalLower, share(g.journalLower), g),
                    countShare(g.journalSame, share(g.journalSame), g), countShare(g.journalHigher, share(g.journalHigher), g), .number(g.journalGapTwoOrMore)]
        }
        return AnalysisTable(title: "Сравнение с журналом", header: ["Группа", "Сравнено работ", "Понизили", "Подтвердили", "Повысили", "Расхождение на 2 и более"],
                             rows: rows, notes: ["Понизили — отметка за работу ниже отметки по журналу; повысили — выше."])
    }

    /// Task completion, a column per group, then region and Russia, then the verdicts for the first
    /// group: mastery against the absolute threshold and how far below its references it falls.
    public static func tasks(_ groups: [GroupFigures], _ a: ResultsAnalysis) -> AnalysisTable {
        let refs = ReferenceTable.Level.allCases.filter { a.spec.reference?[$0.rawValue]?.tasks?.isEmpty == false }
        let verdicts = Verdicts.tasks(groups, a)
        let compared = Verdicts.compares(groups, a)
        let rows: [[Cell]] = a.spec.tasks.enumerated().map { t, task in
            var row: [Cell] = [.text(task.number), .text(task.level.rawValue), .number(task.max)]
            row += groups.map { percent($0.taskCompletion(t, max: task.max), $0) }
            row += refs.map { percent(a.spec.reference?[$0.rawValue]?.tasks?[task.number], nil) }
            row.append(.text(verdicts[t].mastery?.title ?? "—"))
            if compared { row.append(.text(verdicts[t].comparisonText)) }
            return row
        }
        let (weakest, weak) = Verdicts.weakest(verdicts)
        var notes = ["Выполнение — доля набранных баллов от максимальных. Освоено: базовый уровень (Б) от 60 %, повышенный и высокий (П, В) от 30 %; на границе: 57–60 % и 28,5–30 %."]
        if compared { notes.append("Сравнение: задание отмечено, если выполнено на 10 п. п. и более ниже, чем в \(comparedWith(groups, a)).") }
        if !weakest.isEmpty { notes.append(weak ? "Выделены слабые задания: не освоенные или отстающие на 10 п. п. и более." : "Все задания освоены; выделены три с наименьшим запасом над порогом.") }
        notes.append(smallNote)
        var table = AnalysisTable(title: "Задания", header: ["Задание", "Уровень", "Макс. балл"] + groups.map { "\(label($0)), %" } + refs.map { "\(a.spec.referenceName($0)), %" }
                                  + ["Оценка (\(groups.first.map(label) ?? ""))"] + (compared ? ["Сравнение"] : []), rows: rows, notes: notes)
        table.highlighted = Set(weakest)
        return table
    }

    /// ФИС ОКО's «Выполнение заданий»: a row per group (the schools of the district, the classes of a
    /// school), then the wider groups and the reference rows, a column per task (% of the maximum).
    /// In the order given (logins, class names), never sorted by result: it is not a ranking; a group
    /// too small for shares shows its count only.
    public static func tasksByGroup(_ rows: [GroupFigures], wider: [GroupFigures], _ a: ResultsAnalysis) -> AnalysisTable {
        let refs = ReferenceTable.Level.allCases.filter { a.spec.reference?[$0.rawValue]?.tasks?.isEmpty == false }
        var out: [[Cell]] = (rows + wider).map { g in
            [.text(label(g) + (g.smallGroup == nil ? "" : " *")), .number(g.participants)]
                + a.spec.tasks.enumerated().map { t, task in percent(g.taskCompletion(t, max: task.max), g) }
        }
        for level in refs {
            out.append([.text(a.spec.referenceName(level)), .text("")] + a.spec.tasks.map { percent(a.spec.reference?[level.rawValue]?.tasks?[$0.number], nil) })
        }
        return AnalysisTable(title: "Выполнение заданий", header: ["Группа", "Работ"] + a.spec.tasks.map { "\($0.number) (\($0.level.rawValue))" },
                             rows: out, notes: ["Выполнение — доля набранных баллов от максимальных, %.", "* " + smallNote])
    }

    /// «школе, районе» — the references a group is compared with, in the prepositional case.
    static func comparedWith(_ groups: [GroupFigures], _ a: ResultsAnalysis) -> String {
        let refs = Verdicts.references(groups, a)
        let names = refs.groups.map { g -> String in
            switch g.level {
            case .class: return "классе"
            case .school: return "школе"
            case .district: return "районе"
            }
        } + refs.levels.map { $0 == .region ? "регионе" : "России" }
        return names.joined(separator: ", ")
    }

    /// Primary-score distribution, a column per group; the mark each score gives.
    public static func histogram(_ groups: [GroupFigures], _ a: ResultsAnalysis) -> AnalysisTable {
        let rows: [[Cell]] = (0...a.spec.maxScore).map { s in
            [.number(s), a.spec.scale.map { .number($0.mark(for: s)) } ?? .text("—")] + groups.map { .number($0.histogram[s]) }
        }
        var notes: [String] = []
        if let scale = a.spec.scale { notes.append("Границы отметок: «3» от \(scale.three), «4» от \(scale.four), «5» от \(scale.five) первичных баллов.") }
        return AnalysisTable(title: "Распределение баллов", header: ["Первичный балл", "Отметка"] + groups.map(label), rows: rows, notes: notes)
    }

    /// Planned results: achievement per requirement, a column per group, the verdicts for the first.
    public static func requirements(_ groups: [GroupFigures], _ a: ResultsAnalysis) -> AnalysisTable {
        let per = groups.map { a.requirements($0) }
        guard let first = per.first else { return AnalysisTable(title: "Планируемые результаты", header: [], rows: []) }
        let verdicts = Verdicts.requirements(groups, a)
        let compared = Verdicts.compares(groups, a)
        let rows: [[Cell]] = first.enumerated().map { k, r in
            var row: [Cell] = [.text(r.code), .text(r.text)]
            row += zip(groups, per).map { percent($1[k].completion, $0) }
            row.append(.text(verdicts[k].mastery?.title ?? "—"))
            if compared { row.append(.text(verdicts[k].comparisonText)) }
            return row
        }
        var table = AnalysisTable(title: "Планируемые результаты", header: ["Код", "Проверяемое требование"] + groups.map { "\(label($0)), %" } + ["Оценка"] + (compared ? ["Сравнение"] : []),
                                  rows: rows, notes: ["Достижение — доля баллов, набранных за задания, проверяющие требование, от максимальных; порог — по самому простому из этих заданий."]
                                    + (compared ? ["Сравнение: требование отмечено, если достигнуто на 10 п. п. и более ниже, чем в \(comparedWith(groups, a))."] : []))
        table.highlighted = Set(Verdicts.weakest(verdicts).rows)
        return table
    }

    /// The level a requirement is judged by: the easiest of the tasks that check it.
    static func requirementLevels(_ spec: ProcedureSpec) -> [String: TaskLevel] {
        Dictionary(uniqueKeysWithValues: Gaps.requirements(of: spec).map { ($0.code, $0.level) })
    }

    /// Task completion by the participants with each mark.
    public static func byMark(_ g: GroupFigures, _ a: ResultsAnalysis) -> AnalysisTable {
        let rows: [[Cell]] = a.spec.tasks.enumerated().map { t, task in
            [.text(task.number), .text(task.level.rawValue)] + (2...5).map { m in
                g.marks[m - 2] < 10 ? .text("—") : percent(g.taskCompletion(t, max: task.max, mark: m), g)
            }
        }
        return AnalysisTable(title: "Задания по группам отметок", header: ["Задание", "Уровень"] + (2...5).map { "Получившие «\($0)» (\(g.marks[$0 - 2])), %" },
                             rows: rows, notes: ["Группа с отметкой, где меньше 10 участников, не показывается."])
    }

    /// One row per participant of a class, as ФИС ОКО's class report: the participant's code (never
    /// a name), the variant, each task's score («X» — not done), the primary score, the mark and the
    /// journal mark. For the class's own teacher, head and the district; never published.
    public static func pupils(_ works: [WorkRecord], _ spec: ProcedureSpec) -> AnalysisTable {
        let rows: [[Cell]] = works.sorted { $0.code.localizedStandardCompare($1.code) == .orderedAscending }.map { w in
            var row: [Cell] = [.text(w.code), .text(w.variant ?? "")]
            row += spec.tasks.indices.map { t in t < w.scores.count ? (w.scores[t] == WorkRecord.notDone ? .text("X") : .number(Int(w.scores[t]))) : .empty }
            return row + [.number(w.primaryScore), w.mark.map { .number($0) } ?? .text("—"), w.journalMark.map { .number($0) } ?? .text("—")]
        }
        return AnalysisTable(title: "Результаты участников", header: ["Код участника", "Вариант"] + spec.tasks.map(\.number) + ["Первичный балл", "Отметка", "Отметка по журналу"],
                             rows: rows, notes: ["Баллы по заданиям (макс.: \(spec.tasks.map { "\($0.number) — \($0.max)" }.joined(separator: ", "))); X — задание не выполнялось. Участники — по кодам; имена остаются в школе."])
    }

    /// ВПР marks against journal marks.
    public static func journal(_ groups: [GroupFigures]) -> AnalysisTable {
        let rows: [[Cell]] = groups.map { g in
            let n = g.journalCompared
            func share(_ k: Int) -> Cell { percent(n == 0 ? nil : Double(k) / Double(n), g) }
            return [.text(label(g)), .number(n), .number(g.journalLower), share(g.journalLower), .number(g.journalSame), share(g.journalSame),
                    .number(g.journalHigher), share(g.journalHigher), .number(g.journalGapTwoOrMore), .text(note(g))]
        }
        return AnalysisTable(title: "Сравнение с журналом", header: ["Группа", "Сравнено работ", "Понизили", "Понизили, %", "Подтвердили", "Подтвердили, %",
                                                                   "Повысили", "Повысили, %", "Расхождение на 2 и более", "Примечание"],
                             rows: rows, notes: ["Понизили — отметка за работу ниже отметки по журналу; повысили — выше. Учитываются работы, у которых есть отметка по журналу."])
    }

    /// Every table for a page or a document: `groups[0]` is the group in focus, the rest its comparisons.
    public static func all(_ groups: [GroupFigures], _ a: ResultsAnalysis) -> [AnalysisTable] {
        var out = [marks(groups, a), tasks(groups, a), histogram(groups, a)]
        if a.spec.tasks.contains(where: { !$0.requirements.isEmpty }) { out.append(requirements(groups, a)) }
        if a.spec.scale != nil, let g = groups.first { out.append(byMark(g, a)) }
        out.append(journal(groups))
        return out
    }

    /// A workbook of every group of the analysis (`msoko analyze --format xlsx`): marks, tasks and
    /// scores with a row a group.
    public static func workbook(_ a: ResultsAnalysis) throws -> Data {
        let groups = a.groups
        func key(_ g: GroupFigures) -> [Cell] { [.text(g.level == .district ? "все" : g.school ?? ""), .text(g.schoolName ?? ""), .text(g.className ?? "")] }
        let marksTable = marks(groups, a)
        let marksSheet = XLSXWriter.Sheet(name: "Отметки", rows: [(["ОО", "Название ОО", "Класс"] + marksTable.header.dropFirst()).map { .text($0) }]
                                          + zip(groups, marksTable.rows).map { key($0) + $1.dropFirst() })
        let tasksSheet = XLSXWriter.Sheet(name: "Задания", rows: [(["ОО", "Название ОО", "Класс", "Участников"] + a.spec.tasks.map { "\($0.number), %" }).map { .text($0) }]
                                          + groups.map { g in key(g) + [.number(g.participants)] + a.spec.tasks.enumerated().map { percent(g.taskCompletion($0, max: $1.max), g) } })
        let scoresSheet = XLSXWriter.Sheet(name: "Баллы", rows: [(["ОО", "Название ОО", "Класс"] + (0...a.spec.maxScore).map(String.init)).map { .text($0) }]
                                           + groups.map { g in key(g) + g.histogram.map { .number($0) } })
        let journalTable = journal(groups)
        let journalSheet = XLSXWriter.Sheet(name: "Журнал", rows: [(["ОО", "Название ОО", "Класс"] + journalTable.header.dropFirst()).map { .text($0) }]
                                            + zip(groups, journalTable.rows).map { key($0) + $1.dropFirst() })
        let heading = "\(a.spec.type) \(a.spec.year), \(a.spec.subject), \(a.spec.grade) класс"
        let sheets = [marksSheet, tasksSheet, scoresSheet, journalSheet].map { s -> XLSXWriter.Sheet in
            XLSXWriter.Sheet(name: s.name, rows: s.rows, title: [s.name, heading], headerRows: 1, notes: s.name == "Отметки" ? [smallNote] : [])
        }
        return try XLSXWriter(sheets: sheets).data()
    }
}
