import MsokoCore

/// An analysis page (district, school or class): the group in focus against the wider ones, its
/// tables and charts, the list of schools or classes, the dynamics over the years.
struct AnalysisPage {
    struct List {
        var heading: String
        var hint: String?
        var table: AnalysisTable
        var links: [SiteURL]
    }

    var procedure: Procedure
    var title: String
    var analysis: ResultsAnalysis
    /// `groups[0]` in focus, then the wider groups it is compared with.
    var groups: [GroupFigures]
    var docx: SiteURL?
    var xlsx: SiteURL
    var orderURL: SiteURL?
    var attachURL: SiteURL?
    /// The gaps page of the same school or class (measure 2.3).
    var gaps: SiteURL?
    var note: String?
    var list: List?
    /// «Выполнение заданий» with a row per school or class, as in ФИС ОКО.
    var taskList: List?
    var dynamics: AnalysisTable?
    /// A class's participants, one row each (codes only).
    var pupils: AnalysisTable?

    init(_ l: AnalysisController.Loaded, title: String, groups: [GroupFigures], docx: SiteURL?, xlsx: SiteURL, withOrder: Bool = false, attach: Bool = false) {
        procedure = l.procedure
        self.title = title
        analysis = l.analysis
        self.groups = groups
        self.docx = docx
        self.xlsx = xlsx
        let pid = l.procedure.id!
        orderURL = withOrder && Site.analysisOrder.admits(l.user.role) ? Site.analysisOrder.url(pid) : nil
        // The button for those who report on measure 2.1 for the district or their school.
        attachURL = attach && (l.user.role == .specialist || l.user.role == .head) ? Site.analysisAttach.url(pid) : nil
    }
}

extension AnalysisPage {
    func view(_ ctx: PageContext) -> HTML {
        var links: [HTML] = []
        if let docx { links.append(#"<a class="btn" href="\#(docx)">Аналитическая справка (DOCX)</a>"#) }
        if let gaps { links.append(#"<a class="btn" href="\#(gaps)">Пробелы в знаниях</a>"#) }
        links.append(#"<a class="btn secondary" href="\#(xlsx)">Таблицы (XLSX)</a>"#)
        if let orderURL { links.append(#"<a class="btn secondary" href="\#(orderURL)">Проект приказа (DOCX)</a>"#) }
        if let attachURL { links.append(.postButton(ctx, action: attachURL, label: "Приложить справку к мероприятию 2.1", style: "secondary")) }
        var html: HTML = #"<h1>\#(title)</h1><p class="muted">\#(ProcedureStore.title(procedure))</p><div class="no-print actions">\#(HTML(links, separator: " "))</div>"#
        guard groups[0].participants > 0 else {
            html += .emptyState(markup: #"Результатов пока нет: загрузите их на <a href="\#(Site.procedure.url(procedure.id!))">странице процедуры</a>."#)
            return html
        }
        if let note { html += #"<p class="muted">\#(note)</p>"# }
        html += sections
        if let list {
            html += "<h2>\(list.heading)</h2>"
            if let hint = list.hint { html += #"<p class="muted">\#(hint)</p>"# }
            html += HTML.figures(list.table, links: list.links)
        }
        if let taskList {
            html += "<h2>\(taskList.heading)</h2>"
            if let hint = taskList.hint { html += #"<p class="muted">\#(hint)</p>"# }
            html += HTML.figures(taskList.table, links: taskList.links)
        }
        if let pupils { html += "<h2>Результаты участников</h2>\(HTML.figures(pupils))" }
        if let dynamics { html += "<h2>Динамика по годам</h2>\(HTML.figures(dynamics))" }
        return html
    }

    /// Marks, tasks, distribution, planned results, mark groups, journal: `groups[0]` in focus.
    var sections: HTML {
        let g = groups[0]
        let a = analysis
        let spec = a.spec
        let refs = ReferenceTable.Level.allCases.filter { spec.reference?[$0.rawValue] != nil }
        var html = HTML()
        if g.sharesHidden {
            html += #"<div class="flash error">Работ меньше 10: доли не показываются, выводы по группе не делаются.</div>"#
        } else if g.smallGroup == .suppressed {
            html += #"<div class="flash">\#(AnalysisTables.smallOwnCaution(g))</div>"#
        } else if g.smallGroup == .limited {
            html += #"<div class="flash">Работ меньше 20: выводы ограничены.</div>"#
        }
        html += "<h2>Отметки</h2>\(HTML.figures(AnalysisTables.marksCompact(groups, a)))"
        if spec.scale != nil && !g.sharesHidden {
            var series = groups.filter { !$0.sharesHidden }.map { c in SVGChart.Series(name: AnalysisTables.label(c), values: (2...5).map { c.markShare($0).map { $0 * 100 } }) }
            for r in refs { if let m = spec.reference?[r.rawValue]?.marks { series.append(SVGChart.Series(name: spec.referenceName(r), values: (2...5).map { m[String($0)].map { $0 * 100 } })) } }
            html += SVGChart.columns(title: "Отметки, % участников", categories: ["«2»", "«3»", "«4»", "«5»"], series: series)
        }

        let tasksTable = AnalysisTables.tasks(groups, a)
        html += "<h2>Выполнение заданий</h2>"
        if !g.sharesHidden {
            var profile = groups.enumerated().filter { !$0.element.sharesHidden }.map { i, c in
                SVGChart.Series(name: AnalysisTables.label(c), values: spec.tasks.enumerated().map { t, task in c.taskCompletion(t, max: task.max).map { $0 * 100 } }, line: i > 0)
            }
            for r in refs { if let tasks = spec.reference?[r.rawValue]?.tasks { profile.append(SVGChart.Series(name: spec.referenceName(r), values: spec.tasks.map { tasks[$0.number].map { $0 * 100 } }, line: true)) } }
            html += SVGChart.columns(title: "Выполнение заданий, % от максимального балла", categories: spec.tasks.map(\.number), series: profile,
                                     highlight: tasksTable.highlighted)
        }
        html += HTML.figures(tasksTable)

        html += "<h2>Распределение первичных баллов</h2>"
        let markers = spec.scale.map { s in [(s.three, "«3»"), (s.four, "«4»"), (s.five, "«5»")].map { (before: $0.0, label: $0.1) } } ?? []
        html += SVGChart.columns(title: "Работ с каждым первичным баллом, %", categories: (0...spec.maxScore).map(String.init),
                                 series: groups.prefix(2).map { c in SVGChart.Series(name: AnalysisTables.label(c), values: c.histogram.map { c.participants == 0 ? nil : Double($0) * 100 / Double(c.participants) }) },
                                 markers: markers)

        if spec.tasks.contains(where: { !$0.requirements.isEmpty }) {
            html += "<h2>Достижение планируемых результатов</h2>\(HTML.figures(AnalysisTables.requirements(groups, a)))"
        }
        if spec.scale != nil {
            html += "<h2>Задания по группам отметок</h2>\(HTML.figures(AnalysisTables.byMark(g, a)))"
        }
        html += "<h2>Сравнение с отметками по журналу</h2>\(HTML.figures(AnalysisTables.journalCompact(groups)))"
        if g.journalCompared > 0 && !g.sharesHidden {
            let series = groups.filter { $0.journalCompared > 0 && !$0.sharesHidden }.map { c in
                SVGChart.Series(name: AnalysisTables.label(c), values: [c.journalLower, c.journalSame, c.journalHigher].map { Double($0) * 100 / Double(c.journalCompared) })
            }
            html += SVGChart.columns(title: "Отметка за работу против журнальной, % сравненных работ", categories: ["понизили", "подтвердили", "повысили"], series: series)
        }
        return html
    }
}
