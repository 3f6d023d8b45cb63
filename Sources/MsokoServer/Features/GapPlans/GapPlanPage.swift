import Foundation
import MsokoCore

/// A class plan's page: the plan as a table that prints for the meeting, then (for those who edit)
/// a form per item and route, the individual routes and the re-diagnoses with before and after.
struct GapPlanPage {
    var l: LoadedPlan
    var progress: PlanProgress
    /// The school's teachers and head (responsible candidates); empty for readers.
    var staff: [User]
    var userID: UUID?
    var role: Role
    /// Recommendations attached to each item, and (for those who may attach) those that match it.
    var attached: [UUID: [(link: GapItemRecommendation, rec: Recommendation)]] = [:]
    var matching: [UUID: [Recommendation]] = [:]

    func view(_ ctx: PageContext) -> HTML {
        let pid = l.id
        var html: HTML = #"<h1>\#(l.title)</h1><p class="muted">По результатам: \#(ProcedureStore.title(l.procedure)). Работ класса: \#(l.plan.works). Составлен \#(l.plan.createdAt.map { LocalDate($0, in: l.zone).russian } ?? "—").</p>"#
        var actions: [HTML] = [#"<a class="btn secondary" href="\#(Site.gapPlanDocx.url(pid))">План (DOCX)</a>"#,
                               #"<a class="btn secondary" href="\#(Site.gapPlanXlsx.url(pid))">План (XLSX)</a>"#]
        if Site.gapsClass.admits(role), role != .teacher || l.rights.canEdit {
            actions.append(#"<a class="btn secondary" href="\#(Site.gapsClass.url(l.plan.$procedure.id, l.school.login, l.plan.className))">Пробелы класса</a>"#)
        }
        if role == .head { actions.append(HTML.postButton(ctx, action: Site.gapPlanAttach.url(pid), label: "Приложить к отчёту по 2.3")) }
        if l.rights.canEdit { actions.append(#"<a class="btn danger-outline" href="\#(Site.gapPlanDeleteConfirm.url(pid))">Удалить план</a>"#) }
        html += #"<div class="actions no-print">\#(actions)</div>"#
        html += ctx.flash
        let items = l.items
        let closed = items.filter { $0.itemStatus == .closed }
        html += #"<div class="grid" style="margin:16px 0">\#(HTML.stat(items.count, "пунктов"))\#(HTML.stat(items.filter { $0.itemStatus == .inWork }.count, "в работе"))\#(HTML.stat(closed.count, "закрыто"))\#(HTML.stat(closed.filter { $0.itemOutcome == .eliminated }.count, "устранено", "ok"))\#(HTML.stat(items.filter { $0.isOverdue(today: l.today) }.count, "просрочено", items.contains { $0.isOverdue(today: l.today) } ? "bad" : ""))</div>"#
        html += #"<p class="muted">Пункт закрывается по результату повторной диагностики. Результаты не используются для оценки работы учителя; обучающиеся — только по кодам участников.</p>"#
        html += "<h2>План</h2>"
        html += items.isEmpty ? .emptyState("В плане нет пунктов.") : HTML.table(
            head: #"<th>№</th><th>Требование</th><th>Не освоили</th><th>Форма работы</th><th>Ответственный</th><th>Сроки</th><th>Статус</th><th>До → после</th>"#,
            rows: items.map(row))
        html += recommendations(ctx)
        if !editableItems.isEmpty {
            html += #"<h2 class="no-print">Изменить пункты</h2><div class="no-print">"#
            for item in editableItems { html += itemForm(item, ctx) }
            html += "</div>"
        }
        if l.rights.canEdit { html += addItemForm(ctx) }
        html += routes(ctx)
        html += rediagnoses(ctx)
        return html
    }

    var editableItems: [GapPlanItem] { l.items.filter { l.rights.edits(item: $0.id) } }

    static func dates(_ a: String?, _ b: String?) -> String {
        switch (a, b) {
        case let (a?, b?): return "\(LocalDate.russian(a)) – \(LocalDate.russian(b))"
        case let (a?, nil): return "с \(LocalDate.russian(a))"
        case let (nil, b?): return "до \(LocalDate.russian(b))"
        default: return "—"
        }
    }

    static func badge(_ status: ItemStatus, overdue: Bool) -> HTML {
        let cls = overdue ? "st-overdue" : status == .closed ? "st-done" : status == .inWork ? "st-inProgress" : "st-notStarted"
        return #"<span class="badge \#(cls)">\#(status.title)\#(overdue ? ", просрочен" : "")</span>"#
    }

    static func pct(_ v: Double?) -> String { v.map { AnalyticalReport.pct($0) } ?? "—" }

    func row(_ item: GapPlanItem) -> HTML {
        let systemic: HTML = item.systemic ? #"<br><span class="badge st-overdue">системный дефицит</span>"# : ""
        var status = Self.badge(item.itemStatus, overdue: item.isOverdue(today: l.today))
        if let d = item.startedOn, item.itemStatus == .inWork { status += #"<br><small class="muted">с \#(LocalDate.russian(d))</small>"# }
        if let d = item.closedOn { status += #"<br><small class="muted">\#(LocalDate.russian(d))</small>"# }
        if let o = item.itemOutcome { status += "<br><b>\(o.title)</b>" }
        var change: HTML = "—"
        if let id = item.id, let c = progress.byItem[id] {
            let concerned = item.studentCodes.isEmpty ? c.change.students : c.change.students.filter { item.studentCodes.contains($0.code) }
            change = #"не освоили \#(concerned.filter { $0.before == .notMastered }.count) → \#(concerned.filter { $0.after == .notMastered }.count) из \#(concerned.count)<br><small class="muted">\#(LocalDate.russian(c.date))\#(c.outcome.map { ": \($0.title)" } ?? "")</small>"#
        }
        let codes = item.studentCodes
        return #"""
        <tr id="item-\#(item.position)"><td>\#(item.position)</td><td><b>\#(item.code)</b> \#(item.text)<br><small class="muted">\#(item.tasks.contains(",") ? "задания" : "задание") \#(item.tasks)</small>\#(systemic)</td>
        <td>\#(Self.pct(item.share))<br><small class="muted">\#(codes.isEmpty ? "—" : codes.joined(separator: ", "))</small></td>
        <td>\#(item.form)\#(item.hours.map { ", \($0) ч" } ?? "")</td><td>\#(item.responsible?.name ?? "не назначен")</td>
        <td class="nowrap">\#(Self.dates(item.starts, item.ends))\#(item.rediagnosisDate.map { #"<br><small class="muted">повторная диагностика<br>\#(LocalDate.russian($0))</small>"# as HTML } ?? "")</td>
        <td>\#(status)</td><td>\#(change)</td></tr>
        """#
    }

    func statusFields(status: ItemStatus, outcome: GapOutcome?, suggested: GapOutcome?, rediagnosed: Bool, id: String) -> HTML {
        let statuses = HTML.options(ItemStatus.allCases.map { ($0.rawValue, $0.title) }, selected: status.rawValue)
        let outcomes = HTML.options([("", "—")] + GapOutcome.allCases.map { ($0.rawValue, $0.title) }, selected: outcome?.rawValue ?? suggested?.rawValue ?? "")
        let note: HTML = rediagnosed ? #"<p class="hint">Повторная диагностика проведена\#(suggested.map { ": \($0.title)" } ?? ""). Результат указывается при закрытии.</p>"#
            : #"<p class="hint">Закрыть можно после повторной диагностики по этому требованию.</p>"#
        return #"""
        <div class="filter-row"><div><label for="status-\#(id)">Статус</label><select id="status-\#(id)" name="status">\#(statuses)</select></div>
        <div><label for="outcome-\#(id)">Результат (при закрытии)</label><select id="outcome-\#(id)" name="outcome">\#(outcomes)</select></div></div>\#(note)
        """#
    }

    func responsibleSelect(_ current: UUID?, id: String, enabled: Bool) -> HTML {
        let options = HTML.options([("", "не назначен")] + staff.map { ($0.id!.uuidString, $0.name) }, selected: current?.uuidString ?? "")
        return #"<label for="resp-\#(id)">Ответственный</label><select id="resp-\#(id)" name="responsible"\#(enabled ? "" : " disabled")>\#(options)</select>\#(enabled ? "" : #"<p class="hint">Ответственного назначает руководитель.</p>"#)"#
    }

    func itemForm(_ item: GapPlanItem, _ ctx: PageContext) -> HTML {
        let id = "i\(item.position)"
        let iid = item.id!
        let c = progress.byItem[iid]
        let forms = WorkForm.all.map { #"<option value="\#($0)">"# as HTML }
        let delete: HTML = l.rights.canEdit ? #" <a class="btn danger-outline" href="\#(Site.gapItemDeleteConfirm.url(iid))">Удалить пункт</a>"# : ""
        return #"""
        <details id="edit-\#(id)"\#(editableItems.count == 1 ? " open" : "")><summary>Пункт \#(item.position): \#(item.code) — \#(item.itemStatus.title)</summary>
        <form method="post" action="\#(Site.gapItemSave.url(iid))" class="card">\#(ctx.csrfField)
        <label for="form-\#(id)">Форма работы</label><input type="text" id="form-\#(id)" name="form" list="work-forms" value="\#(item.form)" required maxlength="500"><datalist id="work-forms">\#(forms)</datalist>
        <div class="filter-row"><div><label for="hours-\#(id)">Часов</label><input type="number" id="hours-\#(id)" name="hours" min="0" max="200" value="\#(item.hours.map(String.init) ?? "")"></div>
        <div><label for="starts-\#(id)">Начало</label><input type="text" id="starts-\#(id)" name="starts" placeholder="ДД.ММ.ГГГГ" value="\#(item.starts.map(LocalDate.russian) ?? "")"></div>
        <div><label for="ends-\#(id)">Окончание</label><input type="text" id="ends-\#(id)" name="ends" placeholder="ДД.ММ.ГГГГ" value="\#(item.ends.map(LocalDate.russian) ?? "")"></div>
        <div><label for="redate-\#(id)">Повторная диагностика</label><input type="text" id="redate-\#(id)" name="rediagnosisDate" placeholder="ДД.ММ.ГГГГ" value="\#(item.rediagnosisDate.map(LocalDate.russian) ?? "")"></div></div>
        \#(responsibleSelect(item.$responsible.id, id: id, enabled: l.rights.canEdit))
        <label for="students-\#(id)">Обучающиеся (коды участников)</label><input type="text" id="students-\#(id)" name="students" value="\#(item.students)"\#(l.rights.canEdit ? "" : " readonly")>
        <label for="check-\#(id)">Как проверяется результат</label><input type="text" id="check-\#(id)" name="checkMethod" value="\#(item.checkMethod)" maxlength="500">
        \#(statusFields(status: item.itemStatus, outcome: item.itemOutcome, suggested: c?.outcome, rediagnosed: c?.outcome != nil, id: id))
        <div class="actions"><button class="btn" type="submit">Сохранить пункт \#(item.position)</button>\#(delete)</div>
        </form></details>
        """#
    }

    func addItemForm(_ ctx: PageContext) -> HTML {
        let inPlan = Set(l.items.map(\.code))
        let rest = progress.requirements.filter { !inPlan.contains($0.code) }
        guard !rest.isEmpty else { return "" }
        return #"""
        <details class="no-print"><summary>Добавить требование в план</summary>
        <form method="post" action="\#(Site.gapItemAdd.url(l.id))" class="card">\#(ctx.csrfField)
        <label for="add-code">Требование</label><select id="add-code" name="code">\#(HTML.options(rest.map { ($0.code, "\($0.code) \($0.text)") }))</select>
        <div class="actions"><button class="btn" type="submit">Добавить</button></div></form></details>
        """#
    }

    // MARK: routes

    func routes(_ ctx: PageContext) -> HTML {
        var html: HTML = "<h2>Индивидуальные образовательные маршруты</h2>"
        let candidates = GapPlanning.individual(progress.before).filter { c in !l.routes.contains { $0.studentCode == c.code } }
        if l.routes.isEmpty {
            html += #"<p class="muted">Маршрутов нет. \#(candidates.isEmpty ? "Обучающихся, не освоивших \(Gaps.individualMinimum) и более требований, нет." : "Для индивидуальной работы: \(candidates.map(\.code).joined(separator: ", ")).")</p>"#
        } else {
            html += HTML.table(head: #"<th>Код участника</th><th>Требования</th><th>Содержание работы</th><th>Ответственный</th><th>Сроки</th><th>Согласие родителей</th><th>Статус</th>"#,
                               rows: l.routes.map { r in
                                   var status = Self.badge(r.itemStatus, overdue: r.isOverdue(today: l.today))
                                   if let o = r.itemOutcome { status += "<br><b>\(o.title)</b>" }
                                   let file: HTML = r.consentFileID.map { #"<br><a href="\#(Site.gapFile.url($0))">скан</a>"# } ?? ""
                                   return #"<tr id="route-\#(r.studentCode)"><td>\#(r.studentCode)</td><td>\#(r.requirements)</td><td>\#(r.work)</td><td>\#(r.responsible?.name ?? "не назначен")</td><td class="nowrap">\#(Self.dates(r.starts, r.ends))</td><td>\#(r.consentDate.map(LocalDate.russian) ?? "нет")\#(file)</td><td>\#(status)</td></tr>"#
                               })
        }
        for r in l.routes where l.rights.edits(route: r.id) { html += routeForm(r, ctx) }
        if l.rights.canEdit && !progress.before.students.isEmpty {
            let others = progress.before.students.filter { s in !l.routes.contains { $0.studentCode == s.code } && !candidates.contains { $0.code == s.code } }
            let options = candidates.map { ($0.code, "\($0.code) — не освоено: \($0.requirements.joined(separator: ", "))") } + others.map { ($0.code, "\($0.code)") }
            if !options.isEmpty {
                html += #"""
                <details class="no-print"\#(l.routes.isEmpty && !candidates.isEmpty ? " open" : "")><summary>Составить маршрут</summary>
                <form method="post" action="\#(Site.gapRouteAdd.url(l.id))" class="card">\#(ctx.csrfField)
                <label for="route-student">Обучающийся</label><select id="route-student" name="student">\#(HTML.options(options))</select>
                <p class="hint">Маршрут составляется по требованиям, которые обучающийся не освоил; его можно изменить.</p>
                <div class="actions"><button class="btn" type="submit">Составить маршрут</button></div></form></details>
                """#
            }
        }
        return html
    }

    func routeForm(_ r: GapRoute, _ ctx: PageContext) -> HTML {
        let id = "r\(r.studentCode)"
        return #"""
        <details class="no-print"><summary>Маршрут \#(r.studentCode) — \#(r.itemStatus.title)</summary>
        <form method="post" action="\#(ctx.uploadAction(Site.gapRouteSave.url(r.id!)))" enctype="multipart/form-data" class="card">
        <label for="req-\#(id)">Требования (коды)</label><input type="text" id="req-\#(id)" name="requirements" value="\#(r.requirements)">
        <label for="work-\#(id)">Содержание работы</label><textarea id="work-\#(id)" name="work" maxlength="2000">\#(r.work)</textarea>
        \#(responsibleSelect(r.$responsible.id, id: id, enabled: l.rights.canEdit))
        <div class="filter-row"><div><label for="starts-\#(id)">Начало</label><input type="text" id="starts-\#(id)" name="starts" placeholder="ДД.ММ.ГГГГ" value="\#(r.starts.map(LocalDate.russian) ?? "")"></div>
        <div><label for="ends-\#(id)">Окончание</label><input type="text" id="ends-\#(id)" name="ends" placeholder="ДД.ММ.ГГГГ" value="\#(r.ends.map(LocalDate.russian) ?? "")"></div>
        <div><label for="consent-\#(id)">Согласие родителей (дата)</label><input type="text" id="consent-\#(id)" name="consentDate" placeholder="ДД.ММ.ГГГГ" value="\#(r.consentDate.map(LocalDate.russian) ?? "")"></div></div>
        <label for="scan-\#(id)">Скан согласия (PDF, JPEG, PNG)</label><input type="file" id="scan-\#(id)" name="consent" accept=".pdf,.jpg,.jpeg,.png">
        \#(r.consentFileID == nil ? "" : #"<p class="hint">Скан уже приложен; новый файл заменит его в маршруте (прежний сохранится в журнале).</p>"# as HTML)
        \#(statusFields(status: r.itemStatus, outcome: r.itemOutcome, suggested: nil, rediagnosed: progress.rediagnosed(student: r.studentCode, codes: GapText.codes(r.requirements)), id: id))
        <div class="actions"><button class="btn" type="submit">Сохранить маршрут</button></div>
        </form></details>
        """#
    }

    // MARK: re-diagnoses

    func rediagnoses(_ ctx: PageContext) -> HTML {
        var html: HTML = "<h2>Повторная диагностика</h2>"
        if l.rediagnoses.isEmpty {
            html += #"<p class="muted">Повторной диагностики ещё не было. Школа проводит её своими заданиями на те же требования (материалы ВПР не используются и не публикуются).</p>"#
        } else {
            html += HTML.table(head: #"<th>Дата</th><th>Вид</th><th class="num">Обучающихся</th><th>Требования</th><th></th>"#, rows: l.rediagnoses.map { r in
                let changes = progress.changes[r.id!] ?? []
                let n = Set(changes.flatMap { $0.students.map(\.code) }).count
                return #"<tr><td>\#(LocalDate.russian(r.date))</td><td>\#(r.mode == "requirements" ? "по требованиям" : "задания школы")</td><td class="num">\#(n)</td><td>\#(changes.map(\.code).joined(separator: ", "))</td><td><a href="\#(Site.rediagnosis.url(r.id!))">до и после</a></td></tr>"#
            })
        }
        if l.rights.rediagnoses { html += #"<div class="actions no-print"><a class="btn" href="\#(Site.rediagnosisNew.url(l.id))">Провести повторную диагностику</a></div>"# }
        return html
    }

    /// «Чем работать»: the methodical recommendations attached to each item (printed with the plan),
    /// and for those who may attach, the library's recommendations that match the item's
    /// requirement — by its code first — with a link to the whole library filtered to it.
    func recommendations(_ ctx: PageContext) -> HTML {
        let anyAttached = l.items.contains { !(attached[$0.id!] ?? []).isEmpty }
        let mayAttach = l.items.contains { l.rights.recommends(item: $0.id) }
        guard anyAttached || mayAttach, !l.items.isEmpty else { return "" }
        var html: HTML = "<h2>Методические рекомендации к пунктам</h2>"
        var rows: [HTML] = []
        for item in l.items {
            let iid = item.id!
            let links = attached[iid] ?? []
            let may = l.rights.recommends(item: iid)
            if links.isEmpty && !may { continue }
            var cell: HTML = links.isEmpty ? #"<span class="muted">не прикреплено</span>"# : HTML(links.map { x in
                let remove: HTML = may ? HTML.postButton(ctx, action: Site.gapItemUnrecommend.url(x.link.id!), label: "Открепить", style: "secondary no-print") : ""
                return #"<div><a href="\#(Site.recommendation.url(x.rec.id!))">\#(x.rec.title)</a> \#(remove)</div>"# as HTML
            })
            if may {
                let find = RecommendationQuery.url(subject: l.procedure.subject, grade: l.procedure.grade, code: item.code)
                let options = matching[iid] ?? []
                cell += options.isEmpty ? #"<div class="no-print hint">\#(links.isEmpty ? "Подходящих" : "Других подходящих") рекомендаций в библиотеке нет — <a href="\#(find)">что почитать</a>.</div>"# : #"""
                <form method="post" action="\#(Site.gapItemRecommend.url(iid))" class="no-print inline-form">\#(ctx.csrfField)
                <label for="rec-\#(item.position)" class="sr-only">Рекомендация к пункту \#(item.position)</label>
                <select id="rec-\#(item.position)" name="recommendation">\#(HTML.options(options.map { ($0.id!.uuidString, $0.title) }))</select>
                <button class="btn secondary" type="submit">Прикрепить</button> <a href="\#(find)">вся подборка</a></form>
                """#
            }
            rows.append(#"<tr id="rec-\#(item.position)"><td>\#(item.position)</td><td><b>\#(item.code)</b> \#(item.text)</td><td>\#(cell)</td></tr>"#)
        }
        html += HTML.table(head: "<th>№</th><th>Требование</th><th>Чем работать</th>", rows: rows)
        return html
    }
}
