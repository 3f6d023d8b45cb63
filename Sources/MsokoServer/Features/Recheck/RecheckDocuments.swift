import MsokoCore

/// The re-check's documents: the справка on discrepancies and the order creating the commission.
enum RecheckDocuments {
    /// A figure to two decimals, «—» where there is none.
    /// (`+ 0` turns a rounded −0 into 0: «-0» is not a figure anyone writes.)
    static func number(_ v: Double?) -> String { v.map { ReferenceTable.format(($0 * 100).rounded() / 100 + 0) } ?? "—" }

    /// A share as «12,5 %», «—» where there is none.
    static func share(_ v: Double?) -> String { v.map { ReferenceTable.format(($0 * 1000).rounded() / 10) + " %" } ?? "—" }

    /// «Справка о результатах перепроверки»: the sample, agreement overall and per school, tasks with
    /// systematic over-scoring, conclusions.
    static func report(procedure p: Procedure, sample: RecheckSample, spec: ProcedureSpec, items: [RecheckItem], pairs: [Recheck.Pair],
                       context ctx: AnalyticalReport.Context) -> DocxDocument {
        var doc = DocxDocument(title: "Справка о перепроверке: \(ProcedureStore.title(p))")
        for line in ctx.letterhead where !line.isEmpty { doc.paragraph(line, alignment: .center) }
        doc.paragraph("Справка", style: .title, alignment: .center)
        doc.paragraph("о результатах перепроверки работ \(p.type) \(p.year) по предмету «\(p.subject)», \(p.grade) класс, муниципальной комиссией", alignment: .center, bold: true)
        if !ctx.today.isEmpty { doc.paragraph(ctx.today, alignment: .right) }
        doc.paragraph("1. Выборка", style: .heading1)
        doc.paragraph("Перепроверено \(pairs.count) из \(items.count) отобранных работ \(Set(items.map(\.school.login)).count) школ: из классов с признаками необъективности — \(items.filter { $0.reason == "risk" }.count), контрольная случайная выборка — \(items.filter { $0.reason == "control" }.count). Проверка слепая: работы переданы комиссии под кодами, без баллов школы\(sample.doubleScoring ? "; каждую работу проверяли два члена комиссии независимо" : "").", alignment: .both)
        guard !pairs.isEmpty else {
            doc.paragraph("Баллы комиссии ещё не сданы.")
            return doc
        }
        let all = Recheck.figures(pairs, spec: spec)
        let names = Dictionary(items.map { ($0.school.login, $0.school.shortName) }, uniquingKeysWith: { a, _ in a })
        doc.paragraph("2. Согласие оценивания", style: .heading1)
        func row(_ name: String, _ f: Recheck.Figures) -> [DocxDocument.Cell] {
            [name, String(f.works), number(f.meanDifference), share(f.markChanged), number(f.kappa), number(f.weightedKappa), number(f.icc)].map { DocxDocument.Cell($0) }
        }
        let schools = Set(pairs.map(\.school)).sorted()
        let rows = [row("Все перепроверенные", all)] + schools.map { school in row(names[school] ?? school, Recheck.figures(pairs.filter { $0.school == school }, spec: spec)) }
        doc.add(DocxDocument.Table(widths: [4, 1, 2, 2, 1, 1, 1], header: ["Группа", "Работ", "Школа − комиссия, балл", "Отметка изменилась", "κ", "κ взв.", "ICC"], rows: rows))
        doc.paragraph("Положительная разница — школа поставила больше, чем комиссия. κ — согласие отметок (1 — полное, 0 — на уровне случайного), взвешенный κ учитывает величину расхождения; ICC — согласие первичных баллов.", style: .small)
        doc.paragraph("3. Задания", style: .heading1)
        doc.add(DocxDocument.Table(widths: [1, 1, 1, 2], header: ["Задание", "Уровень", "Макс.", "Школа − комиссия"], rows: spec.tasks.enumerated().map { t, task in
            [task.number, task.level.rawValue, String(task.max), number(all.taskDifferences[t])].map { DocxDocument.Cell($0) }
        }))
        let over = spec.tasks.indices.filter { all.taskDifferences[$0] >= 0.25 }.sorted { all.taskDifferences[$0] > all.taskDifferences[$1] }
        doc.paragraph("4. Выводы", style: .heading1)
        doc.paragraph(all.meanDifference >= 1 ? "Школы в среднем завышают первичный балл на \(number(all.meanDifference)) по сравнению с комиссией; отметка изменилась у \(all.markChanged.map { ReferenceTable.format(($0 * 1000).rounded() / 10) } ?? "—") % работ."
                      : "Существенного систематического завышения баллов не выявлено (средняя разница \(number(all.meanDifference)) балла).", alignment: .both)
        if !over.isEmpty {
            doc.paragraph("Систематически завышаются баллы за задания " + over.map { "\(spec.tasks[$0].number) (на \(number(all.taskDifferences[$0])))" }.joined(separator: ", ") + " — материал для семинара по типичным ошибкам оценивания (мероприятие 3.2).", alignment: .both)
        }
        for school in schools {
            let f = Recheck.figures(pairs.filter { $0.school == school }, spec: spec)
            if f.meanDifference >= 1 { doc.paragraph("— \(names[school] ?? school): завышение на \(number(f.meanDifference)) балла в среднем; рекомендуется обсудить с руководителем школы (мероприятие 1.5).", alignment: .both) }
        }
        doc.paragraph("")
        for line in ctx.signature where !line.isEmpty { doc.paragraph(line) }
        return doc
    }

    /// «О создании муниципальной комиссии по перепроверке», with the members.
    static func order(procedure p: Procedure, members: [String], letterhead: String, signature: String) -> DocxDocument {
        var doc = DocxDocument.order(title: "Приказ о муниципальной комиссии по перепроверке", letterhead: letterhead.components(separatedBy: "\n"),
                                     subject: "О создании муниципальной комиссии по перепроверке работ \(p.type) \(p.year) по предмету «\(p.subject)», \(p.grade) класс",
                                     preamble: "В целях обеспечения объективности оценивания (мероприятие 3.3 дорожной карты по повышению качества образования на \(p.schoolYear) учебный год)")
        doc.paragraph("1. Создать муниципальную комиссию по перепроверке работ в составе:", alignment: .both)
        for (i, name) in members.enumerated() { doc.paragraph("\(i + 1)) \(name)") }
        if members.isEmpty { doc.paragraph("(состав комиссии не назначен: добавьте пользователей с ролью «член комиссии»)") }
        doc.paragraph("2. Комиссии перепроверить работы выборки по слепым кодам в соответствии с критериями оценивания и внести баллы в МСОКО.", alignment: .both)
        doc.paragraph("3. Руководителям общеобразовательных организаций обеспечить передачу оригиналов работ по списку выборки.", alignment: .both)
        doc.paragraph("4. Контроль исполнения приказа оставляю за собой.", alignment: .both)
        for line in signature.components(separatedBy: "\n") where !line.isEmpty { doc.paragraph(line) }
        return doc
    }
}
