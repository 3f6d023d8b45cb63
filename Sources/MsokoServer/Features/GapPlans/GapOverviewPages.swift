import MsokoCore

/// The overviews of the work on the gaps: the district's (per school) and a school's (per plan).
enum GapOverviewPages {
    static let notARanking = "Это картина работы, а не рейтинг: школы — в порядке логинов; результаты оценочных процедур не используются для оценки работы учителей."

    static func district(schools: [School], summaries: [PlanSummary], ctx: PageContext) -> HTML {
        var html: HTML = "<h1>Ликвидация пробелов в знаниях (мероприятие 2.3)</h1>\(ctx.flash)"
        html += #"<div class="grid" style="margin:16px 0">\#(HTML.stat(summaries.count, "планов"))\#(HTML.stat(summaries.items, "пунктов"))\#(HTML.stat(summaries.rediagnosed, "прошли повторную диагностику"))\#(HTML.stat(summaries.eliminated, "дефицитов устранено", "ok"))\#(HTML.stat(summaries.overdue, "просрочено", summaries.overdue > 0 ? "bad" : ""))</div>"#
        html += #"<p class="muted">\#(notARanking) Доля устранённых — пункты, закрытые с результатом «устранён», от всех пунктов планов школы.</p>"#
        let bySchool = Dictionary(grouping: summaries, by: { $0.plan.$school.id })
        let rows = schools.map { s -> HTML in
            let list = bySchool[s.id!] ?? []
            let link: HTML = #"<a href="\#(Site.gapSchool.url(s.id!))">\#(s.shortName)</a>"#
            guard !list.isEmpty else { return #"<tr><td>\#(link)</td><td colspan="7" class="muted">планов нет</td></tr>"# }
            let classes = list.map(\.plan.className).joined(separator: ", ")
            return #"<tr><td>\#(link)</td><td>\#(list.count) (\#(classes))</td><td class="num">\#(list.items)</td><td class="num">\#(list.rediagnosed)</td><td class="num">\#(list.closed)</td><td class="num">\#(GapPlanPage.pct(list.eliminatedShare))</td><td class="num\#(list.overdue > 0 ? " gap-no" : "")">\#(list.overdue)</td><td class="num">\#(list.routes)</td></tr>"#
        }
        html += HTML.table(head: #"<th>Школа</th><th>Планов (классы)</th><th class="num">Пунктов</th><th class="num">Прошли повторную диагностику</th><th class="num">Закрыто</th><th class="num">Доля устранённых</th><th class="num">Просрочено</th><th class="num">Маршрутов</th>"#, rows: rows)
        return html
    }

    static func plans(_ summaries: [PlanSummary], showSchool: Bool) -> HTML {
        HTML.table(head: #"<th>Класс</th>\#(showSchool ? "<th>Школа</th>" : "")<th>Процедура</th><th class="num">Пунктов</th><th class="num">В работе</th><th class="num">Повторная диагностика</th><th class="num">Закрыто</th><th class="num">Устранено</th><th class="num">Просрочено</th><th class="num">Маршрутов</th>"#,
                   rows: summaries.map { s in
                       let school: HTML = showSchool ? "<td>\(s.plan.school.shortName)</td>" : ""
                       return #"<tr><td><a href="\#(Site.gapPlan.url(s.plan.id!))">\#(s.plan.className)</a></td>\#(school)<td>\#(ProcedureStore.title(s.plan.procedure))</td><td class="num">\#(s.count)</td><td class="num">\#(s.inWork)</td><td class="num">\#(s.rediagnosed)</td><td class="num">\#(s.closed)</td><td class="num">\#(s.outcome(.eliminated))</td><td class="num\#(s.overdue > 0 ? " gap-no" : "")">\#(s.overdue)</td><td class="num">\#(s.routes.count)</td></tr>"#
                   })
    }

    static func school(_ s: School, summaries: [PlanSummary], procedures: [Procedure], isHead: Bool, ctx: PageContext) -> HTML {
        let sid = s.id!
        var html: HTML = "<h1>Ликвидация пробелов: \(s.shortName)</h1>"
        var actions: [HTML] = [#"<a class="btn secondary" href="\#(Site.gapSchoolDocx.url(sid))">Сводка (DOCX)</a>"#, #"<a class="btn secondary" href="\#(Site.gapSchoolXlsx.url(sid))">Сводка (XLSX)</a>"#]
        if isHead && !summaries.isEmpty { actions.append(HTML.postButton(ctx, action: Site.gapSchoolAttach.url(sid), label: "Приложить сводку к отчёту по 2.3")) }
        html += #"<div class="actions no-print">\#(actions)</div>\#(ctx.flash)"#
        html += #"<div class="grid" style="margin:16px 0">\#(HTML.stat(summaries.count, "планов"))\#(HTML.stat(summaries.items, "пунктов"))\#(HTML.stat(summaries.rediagnosed, "прошли повторную диагностику"))\#(HTML.stat(summaries.eliminated, "устранено", "ok"))\#(HTML.stat(summaries.overdue, "просрочено", summaries.overdue > 0 ? "bad" : ""))</div>"#
        html += summaries.isEmpty ? .emptyState("Планов ликвидации пробелов пока нет.", more: #"<p class="muted">План класса составляется на странице «Пробелы» класса: выберите процедуру ниже, затем класс, и нажмите «Составить план».</p>"#)
            : plans(summaries, showSchool: false)
        if !procedures.isEmpty {
            html += #"<h2 class="no-print">Пробелы по процедурам</h2><ul class="no-print">"#
            for p in procedures { html += #"<li><a href="\#(Site.gapsSchool.url(p.id!, s.login))">\#(ProcedureStore.title(p))</a></li>"# }
            html += "</ul>"
        }
        return html
    }
}
