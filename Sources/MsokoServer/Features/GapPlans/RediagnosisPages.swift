import MsokoCore

/// The re-diagnosis pages: the form that sets its tasks, and its page (the grid, the upload, before and after).
enum RediagnosisPages {
    static func new(_ l: LoadedPlan, ctx: PageContext) -> HTML {
        let codes = l.items.map { ($0.code, "\($0.code) \($0.text)") }
        let rows = max(l.items.count, 4) + 4
        let taskRows = (0..<rows).map { i -> HTML in
            let preset = i < l.items.count ? l.items[i].code : nil
            return #"<tr><td><input type="text" name="number[]" value="\#(preset == nil ? "" : String(i + 1))" aria-label="Номер задания \#(i + 1)" class="figure"></td><td><select name="code[]" aria-label="Требование задания \#(i + 1)">\#(HTML.options(codes, selected: preset))</select></td><td><input type="number" name="max[]" min="1" max="20" value="\#(preset == nil ? "" : "1")" aria-label="Максимальный балл задания \#(i + 1)" class="figure"></td></tr>"#
        }
        return #"""
        <h1>Повторная диагностика: \#(l.plan.className), \#(l.school.shortName)</h1>\#(ctx.flash)
        <p>Повторная диагностика проверяет те же требования своими заданиями школы. Материалы ВПР не используются повторно и не публикуются.</p>
        <form method="post" action="\#(Site.rediagnosisCreate.url(l.id))" class="card">\#(ctx.csrfField)
        <label for="date">Дата</label><input type="text" id="date" name="date" placeholder="ДД.ММ.ГГГГ" value="\#(l.today.russian)" required>
        <fieldset><legend>Как вносятся результаты</legend>
        <div class="check"><input type="radio" id="mode-tasks" name="mode" value="tasks" checked><label for="mode-tasks">Задания школы: баллы за каждое задание (задание проверяет одно требование)</label></div>
        <div class="check"><input type="radio" id="mode-req" name="mode" value="requirements"><label for="mode-req">По требованиям: «освоено / не освоено» для обучающихся из плана</label></div>
        </fieldset>
        <h2>Задания (для первого способа)</h2>
        <div class="table-wrap"><table><thead><tr><th>№ задания</th><th>Проверяемое требование</th><th>Макс. балл</th></tr></thead><tbody>\#(taskRows)</tbody></table></div>
        <p class="hint">Пустые строки не учитываются. Требование считается освоенным от 60 % баллов его заданий базового уровня (от 30 % — повышенного и высокого), как в процедуре.</p>
        <div class="actions"><button class="btn" type="submit">Создать и перейти к результатам</button> <a class="btn secondary" href="\#(Site.gapPlan.url(l.id))">Отмена</a></div>
        </form>
        """#
    }

    static func page(_ d: RediagnosisController.Loaded, changes: [RequirementChange], ctx: PageContext) -> HTML {
        let r = d.rediagnosis
        let rid = r.id!
        let byRequirement = d.rediagnosis.mode == "requirements"
        var html: HTML = #"<h1>Повторная диагностика \#(LocalDate.russian(r.date)): \#(d.plan.plan.className), \#(d.plan.school.shortName)</h1>"#
        html += #"<p class="muted">\#(byRequirement ? "По требованиям плана" : "Задания школы: " + d.tasks.map { "\($0.number) (\($0.code), макс. \($0.max))" }.joined(separator: "; ")). План: <a href="\#(Site.gapPlan.url(d.plan.id))">\#(d.plan.title)</a>.</p>"#
        html += ctx.flash
        html += "<h2>До и после</h2>"
        let measured = changes.filter { !$0.students.isEmpty }
        if measured.isEmpty {
            html += .emptyState("Результатов ещё нет.", more: #"<p class="muted">Внесите баллы ниже или загрузите файл — здесь появится сравнение с результатами процедуры по тем же обучающимся.</p>"#)
        } else {
            html += HTML.table(head: #"<th>Требование</th><th class="num">Обучающихся</th><th class="num">Не освоили до</th><th class="num">Не освоили после</th><th class="num">Выполнение до</th><th class="num">Выполнение после</th>"#,
                               rows: measured.map { c in
                                   #"<tr><td><b>\#(c.code)</b> \#(c.text)</td><td class="num">\#(c.students.count)</td><td class="num">\#(c.notMasteredBefore)</td><td class="num">\#(c.notMasteredAfter)</td><td class="num">\#(GapPlanPage.pct(c.completionBefore))</td><td class="num">\#(GapPlanPage.pct(c.completionAfter))</td></tr>"#
                               })
            html += #"<p class="hint">Сравниваются одни и те же обучающиеся: кто не писал повторную диагностику, в сравнение не входит.</p>"#
            html += "<h3>По обучающимся</h3>"
            let codes = Array(Set(measured.flatMap { $0.students.map(\.code) })).sorted()
            html += HTML.table(head: #"<th>Код участника</th>\#(measured.map { #"<th class="num" title="\#($0.text)">\#($0.code)</th>"# as HTML })"#, rows: codes.map { code in
                let cells = measured.map { c -> HTML in
                    guard let s = c.students.first(where: { $0.code == code }) else { return #"<td class="num">—</td>"# }
                    let cls: HTML = s.after == .notMastered ? " gap-no" : s.after == .borderline ? " gap-border" : ""
                    return #"<td class="num\#(cls)">\#(GapsPage.number(s.beforeCompletion)) → \#(GapsPage.number(s.afterCompletion))</td>"#
                }
                return #"<tr><td>\#(code)</td>\#(cells)</tr>"#
            }, class: "gap-matrix")
            html += #"<p class="hint">Выполнение требования до → после, %. <span class="gap-no">Не освоено</span> и <span class="gap-border">на границе</span> — после повторной диагностики.</p>"#
        }
        let editing = d.plan.rights.rediagnoses
        html += "<h2>Результаты</h2>"
        html += grid(d, editing: editing, ctx: ctx)
        if editing {
            html += #"""
            <section class="card no-print"><h3>Загрузить файл</h3>
            <form method="post" action="\#(ctx.uploadAction(Site.rediagnosisUpload.url(rid)))" enctype="multipart/form-data">
            <label for="file">Таблица XLSX или CSV: столбец «Код участника» и столбцы заданий</label><input type="file" id="file" name="file" accept=".xlsx,.csv" required>
            <p class="hint"><a href="\#(Site.rediagnosisTemplate.url(rid))">Шаблон (XLSX)</a> с кодами класса. Файл заменяет результаты целиком; если в нём ошибки, не сохраняется ничего.</p>
            <div class="actions"><button class="btn" type="submit">Загрузить</button></div></form></section>
            """#
            if d.plan.rights.canEdit {
                let attach: HTML = measured.isEmpty ? "" : HTML.postButton(ctx, action: Site.rediagnosisAttach.url(rid), label: "Приложить к отчёту по 2.3")
                html += #"<div class="actions no-print">\#(attach) <a class="btn danger-outline" href="\#(Site.rediagnosisDeleteConfirm.url(rid))">Удалить повторную диагностику</a></div>"#
            }
        }
        return html
    }

    static func grid(_ d: RediagnosisController.Loaded, editing: Bool, ctx: PageContext) -> HTML {
        guard !d.rows.isEmpty else { return .emptyState("Обучающихся нет.") }
        let byRequirement = d.rediagnosis.mode == "requirements"
        let head: HTML = #"<th>Код участника</th>\#(d.tasks.map { t in #"<th class="num">\#(byRequirement ? t.code : "\(t.number) (\(t.code))")<br><small class="muted">\#(byRequirement ? "" : "макс. \(t.max)")</small></th>"# as HTML })"#
        let rows = d.rows.enumerated().map { r, row -> HTML in
            let cells = d.tasks.indices.map { t -> HTML in
                let v = t < row.scores.count ? row.scores[t] : nil
                guard editing else { return #"<td class="num">\#(v.map { byRequirement ? ($0 == 1 ? "освоено" : "не освоено") : String($0) } ?? "—")</td>"# }
                let label = "\(row.code), \(byRequirement ? d.tasks[t].code : "задание " + d.tasks[t].number)"
                if byRequirement {
                    return #"<td><select name="s_\#(r)_\#(t)" aria-label="\#(label)">\#(HTML.options([("", "—"), ("1", "освоено"), ("0", "не освоено")], selected: v.map(String.init) ?? ""))</select></td>"#
                }
                return #"<td class="num"><input type="text" inputmode="numeric" class="figure" name="s_\#(r)_\#(t)" value="\#(v.map(String.init) ?? "")" aria-label="\#(label)"></td>"#
            }
            return #"<tr><td>\#(row.code)</td>\#(cells)</tr>"#
        }
        let table = HTML.table(head: head, rows: rows)
        guard editing else { return table }
        return #"""
        <form method="post" action="\#(Site.rediagnosisSave.url(d.rediagnosis.id!))">\#(ctx.csrfField)\#(table)
        <p class="hint">Пусто — не писал (не входит в сравнение) или не выполнял задание.</p>
        <div class="actions no-print"><button class="btn" type="submit">Сохранить результаты</button></div></form>
        """#
    }
}
