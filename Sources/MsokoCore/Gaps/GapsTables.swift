import Foundation

/// The gaps as tables: the same rows on the gaps pages and in their XLSX (codes only, no names).
public enum GapsTables {
    public static let thresholdsNote = "Требование освоено, если за задания, которые его проверяют, набрано не меньше порога от их максимального балла; порог — по самому лёгкому уровню среди этих заданий: базовый (Б) — 60 % (на границе от 57 %), повышенный и высокий (П, В) — 30 % (на границе от 28,5 %). «Системный дефицит» — требование не освоили не меньше половины обучающихся группы."

    /// Per requirement: its tasks and level, the group's completion and verdict, how many have not
    /// mastered it; systemic deficits highlighted.
    public static func requirements(_ g: GroupGaps) -> AnalysisTable {
        var t = AnalysisTable(title: "Требования", header: ["Код", "Проверяемое требование", "Задания", "Уровень", "Выполнение, %", "Оценка", "Не освоили", "Не освоили, %", "Дефицит"],
                              rows: g.requirements.map { f in
                                  [.text(f.requirement.code), .text(f.requirement.text), .text(f.requirement.tasks.joined(separator: ", ")), .text(f.requirement.level.rawValue),
                                   f.completion.map { .percent($0) } ?? .text("—"), .text(f.verdict?.title ?? "—"), .number(f.notMastered),
                                   f.works > 0 ? .percent(f.notMasteredShare) : .text("—"), .text(f.isSystemic ? "системный" : "")]
                              }, notes: [thresholdsNote])
        t.highlighted = Set(g.requirements.indices.filter { g.requirements[$0].isSystemic })
        return t
    }

    /// A school's classes: works, systemic deficits (codes), students for individual work.
    public static func classes(_ classes: [(name: String, gaps: GroupGaps)]) -> AnalysisTable {
        AnalysisTable(title: "Классы", header: ["Класс", "Работ", "Системные дефициты", "На индивидуальную работу"], rows: classes.map { c in
            [.text(c.name), .number(c.gaps.works), .text(c.gaps.systemic.map(\.requirement.code).joined(separator: ", ")), .number(c.gaps.forIndividualWork.count)]
        })
    }

    /// Students with `Gaps.individualMinimum` or more requirements not mastered.
    public static func individual(_ g: GroupGaps) -> AnalysisTable {
        AnalysisTable(title: "Индивидуальная работа", header: ["Код участника", "Класс", "Не освоены", "На границе"], rows: g.forIndividualWork.map { s in
            [.text(s.code), .text(s.className), .text(s.notMastered.joined(separator: ", ")), .text(s.borderline.joined(separator: ", "))]
        }, notes: ["Обучающиеся, не освоившие \(Gaps.individualMinimum) и более требований: для индивидуальной работы (индивидуального образовательного маршрута)."])
    }

    /// Every student's completion of every requirement, and how many they have not mastered.
    public static func students(_ g: GroupGaps) -> AnalysisTable {
        AnalysisTable(title: "Обучающиеся", header: ["Код участника", "Класс"] + g.requirements.map(\.requirement.code) + ["Не освоено"], rows: g.students.map { s in
            [.text(s.code), .text(s.className)] + s.completion.map { .percent($0) } + [.number(s.notMastered.count)]
        }, notes: ["Выполнение каждого требования, % от максимального балла за его задания."])
    }

    /// The same requirements in the cohort's other procedures.
    public static func followed(_ f: [FollowedRequirement]) -> AnalysisTable {
        AnalysisTable(title: "В других процедурах", header: ["Код", "Проверяемое требование", "Процедура", "Работ", "Выполнение, %", "Оценка", "Не освоили, %"],
                      rows: f.flatMap { r in
                          r.points.map { p -> [AnalysisTable.Cell] in
                              [.text(r.code), .text(r.text), .text(p.label), .number(p.works), p.completion.map { .percent($0) } ?? .text("—"), .text(p.verdict?.title ?? "—"),
                               p.works > 0 ? .percent(p.notMasteredShare) : .text("—")]
                          }
                      }, notes: ["Те же коды требований того же предмета у тех же обучающихся (класс переходит в следующий вместе с учебным годом)."])
    }
}
