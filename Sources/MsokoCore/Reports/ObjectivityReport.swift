import Foundation

/// «Справка об объективности результатов» of a procedure (measures 1.4 and 1.5): what was checked,
/// observation, the schools with signs and why, likely causes, and what to do next.
public enum ObjectivityReport {
    public struct Observation: Sendable {
        public var places: Int
        public var observed: Int
        /// «МБОУ «…», 5А: подсказки …».
        public var violations: [String]
        public init(places: Int, observed: Int, violations: [String]) {
            self.places = places
            self.observed = observed
            self.violations = violations
        }
    }

    /// The usual cause behind each sign, for the «причины» section.
    public static func cause(_ i: ObjectivitySignal.Indicator) -> String {
        switch i {
        case .highResults: return "результаты заметно выше района — сами по себе не нарушение, требуют сопоставления с другими признаками"
        case .taskProfileInversion, .personFit: return "помощь обучающимся во время выполнения работы (трудные задания решены при нерешённых лёгких)"
        case .thresholdHeaping: return "завышение баллов при проверке до границы отметки"
        case .lenientScoring: return "завышение баллов при проверке заданий с развёрнутым ответом (мягкое применение критериев)"
        case .identicalPatterns: return "списывание или единый источник ответов"
        case .journalMismatch: return "расхождение текущего оценивания с результатами работы (завышение при проверке или заниженные текущие отметки)"
        case .participation: return "отбор участников: к работе не допущены слабые обучающиеся"
        case .observerEffect: return "нарушения, зафиксированные наблюдателем, или результаты ниже там, где был наблюдатель"
        case .recheckDiscrepancy: return "расхождение с баллами муниципальной комиссии"
        case .cohortAnomaly, .yearAnomaly: return "резкие скачки результатов по годам"
        }
    }

    public static func document(title procedure: String, risks: [GroupRisk], settings: ObjectivitySettings, observation: Observation,
                                context: AnalyticalReport.Context) -> DocxDocument {
        var doc = DocxDocument(title: "Справка об объективности результатов: \(procedure)")
        for line in context.letterhead where !line.isEmpty { doc.paragraph(line, alignment: .center) }
        doc.paragraph("Справка", style: .title, alignment: .center)
        doc.paragraph("об объективности результатов \(procedure)\(context.territory.isEmpty ? "" : " (\(context.territory))")", alignment: .center, bold: true)
        if !context.today.isEmpty { doc.paragraph(context.today, alignment: .right) }

        let schools = risks.filter { $0.className == nil }
        // A school's risk includes its classes' (the higher of its own and theirs).
        let flagged = schools.filter { $0.hasSigns(settings) }
            .sorted { ($0.risk, $1.schoolName ?? $1.school) > ($1.risk, $0.schoolName ?? $0.school) }
        // The signs past their thresholds, or a flagged group's «слабые признаки».
        let shown = { (g: GroupRisk) in g.shownSignals(settings) }
        doc.paragraph("1. Что проверялось", style: .heading1)
        doc.paragraph("Результаты \(Plural.count(schools.count, "школы", "школ", "школ")) и их классов сопоставлены с результатами остальных школ района по признакам необъективности: высокие результаты, инверсия профиля заданий, завышение баллов за развёрнутые ответы, скопление работ на границах отметок, расхождение с отметками по журналу, нетипичные наборы ответов, совпадающие работы, неполное участие, акты наблюдателей. Каждое отклонение сопоставлено с тем, насколько различаются между собой школы района с объективными результатами; признак засчитывается, когда отклонение маловероятно для объективно проведённой работы (z от \(ReferenceTable.format(settings.signalZ))). Риск от 0 до 1 объединяет все признаки группы, в том числе не достигшие своих порогов; риск школы — не ниже риска её классов; «есть признаки» — от \(ReferenceTable.format(settings.riskThreshold)). Группы менее \(settings.minimumGroup) работ не оцениваются.", alignment: .both)

        doc.paragraph("2. Наблюдение", style: .heading1)
        let share = observation.places == 0 ? "—" : ReferenceTable.format((Double(observation.observed) * 1000 / Double(observation.places)).rounded() / 10) + " %"
        doc.paragraph("Наблюдатели присутствовали в \(observation.observed) из \(observation.places) мест проведения (\(share)).", alignment: .both)
        if observation.violations.isEmpty {
            doc.paragraph("В поданных актах наблюдения нарушений не отмечено.")
        } else {
            doc.paragraph("В актах наблюдения отмечены нарушения:")
            for v in observation.violations { doc.paragraph("— " + v) }
        }

        doc.paragraph("3. Школы с признаками необъективности", style: .heading1)
        if flagged.isEmpty {
            doc.paragraph("Школ с признаками необъективности не выявлено.")
        } else {
            doc.add(DocxDocument.Table(widths: [4, 1, 1, 5], header: ["Школа", "Работ", "Риск", "Признаки"], rows: flagged.map { s in
                let signs = Set(risks.filter { $0.school == s.school }.flatMap { shown($0).map(\.indicator.title) }).sorted().joined(separator: ", ")
                let risk = s.risk
                return [DocxDocument.Cell(s.schoolName ?? s.school), DocxDocument.Cell(String(s.participants)),
                        DocxDocument.Cell(ReferenceTable.format((risk * 100).rounded() / 100)), DocxDocument.Cell(signs)]
            }))
            for s in flagged {
                doc.paragraph(s.schoolName ?? s.school, style: .heading2)
                let schoolText = shown(s).map(\.explanation)
                // A class whose signs repeat the school's (a one-class school) is not written twice.
                for g in risks where g.school == s.school && !shown(g).isEmpty && (g.className == nil || shown(g).map(\.explanation) != schoolText) {
                    let weak = g.signals.isEmpty ? "слабые признаки (ни один не превышает своего порога, вместе они дают риск выше порога): " : ""
                    doc.paragraph((g.className.map { "Класс \($0): " } ?? "Школа: ") + weak + shown(g).map(\.explanation).joined(separator: " "), alignment: .both)
                }
            }
        }
        doc.paragraph("Школ без признаков: \(schools.count - flagged.count).")

        doc.paragraph("4. Возможные причины", style: .heading1)
        let indicators = Set(flagged.flatMap { s in risks.filter { $0.school == s.school }.flatMap { shown($0).map(\.indicator) } })
        if indicators.isEmpty {
            doc.paragraph("Признаков, требующих объяснения, нет.")
        } else {
            for i in ObjectivitySignal.Indicator.allCases where indicators.contains(i) { doc.paragraph("— \(i.title): \(cause(i)).", alignment: .both) }
        }

        doc.paragraph("5. Рекомендации", style: .heading1)
        let steps = flagged.isEmpty
            ? ["сохранить практику наблюдения на следующих процедурах (мероприятия 1.2, 1.3);"]
            : ["включить работы школ с признаками в выборку муниципальной комиссии для перепроверки (мероприятие 3.3);",
               "назначить наблюдателей в эти школы на ближайших процедурах (мероприятие 1.2);",
               "провести собеседования с руководителями школ по результатам (мероприятия 1.4, 1.5);",
               "рассмотреть типичные ошибки оценивания на семинаре для учителей (мероприятие 3.2)."]
        for s in steps { doc.paragraph("— " + s) }
        doc.paragraph("Признак необъективности — повод для проверки, а не вывод о нарушении. Результаты не используются для оценки работы учителей и не публикуются.", alignment: .both)
        doc.paragraph("")
        for line in context.signature where !line.isEmpty { doc.paragraph(line) }
        return doc
    }
}
