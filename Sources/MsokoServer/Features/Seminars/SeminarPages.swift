import MsokoCore
import Vapor

/// The seminars page (measure 3.2): seminars held and planned, and where to plan one from a
/// procedure's typical grading errors.
struct SeminarList {
    struct Row {
        var id: UUID
        var date: LocalDate
        var topic: String
        var procedure: String?
        var association: String?
        var tasks: [String]
        var attended: Int
        var invited: Int
        var rating: Double?
        var responses: Int
    }

    var rows: [Row]
    /// Procedures with a re-check sample (id, title): a seminar can be planned from their errors.
    var sampled: [(id: UUID, title: String)]
    var canPlan: Bool
    var today: LocalDate

    func view(_ ctx: PageContext) -> HTML {
        var html: HTML = """
        <h1>Семинары по типичным ошибкам оценивания</h1>\(ctx.flash)
        <p class="hint">Мероприятие 3.2: семинар планируется по типичным ошибкам оценивания, выявленным муниципальной комиссией при перепроверке (задания и виды ошибок), а его результат виден на следующей перепроверке по тем же заданиям.</p>
        """
        if rows.isEmpty {
            html += HTML.emptyState("Семинаров пока не записано.")
        } else {
            html += HTML.table(head: #"<th>Дата</th><th>Тема</th><th>Процедура</th><th>Проводит</th><th>Задания</th><th class="num">Явка</th><th class="num">Отзывы</th>"#, rows: rows.map { s in
                let share = s.invited > 0 ? " (\(ReferenceTable.format((Double(s.attended) * 1000 / Double(s.invited)).rounded() / 10)) %)" : ""
                let when: HTML = s.date > today ? #" <span class="badge st-notStarted">запланирован</span>"# : ""
                let rating = s.rating.map { "\(ReferenceTable.oneDecimal($0)) из 5 (\(s.responses))" } ?? "—"
                return #"<tr><td class="nowrap">\#(s.date.russian)\#(when)</td><td><a href="\#(Site.seminar.url(s.id))">\#(s.topic)</a></td><td>\#(s.procedure ?? "—")</td><td>\#(s.association ?? "—")</td><td>\#(s.tasks.isEmpty ? "—" : s.tasks.joined(separator: ", "))</td><td class="num">\#(s.date > today ? "—" : "\(s.attended) из \(s.invited)\(share)")</td><td class="num">\#(rating)</td></tr>"#
            })
        }
        if canPlan {
            html += """
            <section class="card no-print"><h2>Запланировать семинар</h2>
            \(sampled.isEmpty ? #"<p class="hint">Перепроверок пока нет: семинар можно записать и без них, а задания для разбора появятся после перепроверки работ комиссией.</p>"# as HTML : "")
            <form method="get" action="\(Site.seminarNew.url)">
            <label for="p-procedure">По типичным ошибкам перепроверки</label><select id="p-procedure" name="procedure"><option value="">— без процедуры</option>\(HTML.options(sampled.map { ($0.id.uuidString, $0.title) }))</select>
            <div class="actions"><button class="btn" type="submit">Далее</button></div>
            </form></section>
            """
        }
        return html
    }
}

/// The seminar's form: planning from the errors, or editing a seminar (attendance too).
struct SeminarForm {
    struct Values {
        var date = ""
        var topic = ""
        var procedure = ""
        var association = ""
        var tasks = ""
        var errorTypes = ""
        var materials = ""
        var participants = ""
        var invited = ""
        var attended = ""
        /// Works re-scored in the re-check the tasks came from (0: none).
        var fromRecheck = 0
        var seminarID: UUID?

        init() {}
        init(_ s: Seminar) {
            date = s.localDate.russian
            topic = s.topic
            procedure = s.$procedure.id?.uuidString ?? ""
            association = s.associationID?.uuidString ?? ""
            tasks = s.tasks
            errorTypes = s.errorTypes
            materials = s.materials
            participants = s.participants
            invited = s.invited > 0 ? String(s.invited) : ""
            attended = s.attended > 0 || s.invited > 0 ? String(s.attended) : ""
            seminarID = s.id
        }
    }

    var values: Values
    var procedures: [(value: String, label: String)]
    var associations: [(value: String, label: String)]

    /// «Задание 8 (П, макс. 2): школы ставят в среднем на 0,6 балла больше комиссии; завышено в 35 % работ».
    static func errorLine(_ e: GradingErrors.TaskError) -> String {
        let diff = ReferenceTable.format((abs(e.meanDifference) * 100).rounded() / 100)
        let share = ReferenceTable.format(((e.meanDifference > 0 ? e.overScored : e.underScored) * 1000).rounded() / 10)
        return "Задание \(e.task.number) (\(e.task.level.rawValue), макс. \(e.task.max)): школы ставят в среднем на \(diff) балла \(e.meanDifference > 0 ? "больше" : "меньше") комиссии; \(e.meanDifference > 0 ? "завышено" : "занижено") в \(share) % работ"
    }

    func view(_ ctx: PageContext) -> HTML {
        let v = values
        let editing = v.seminarID != nil
        var html: HTML = editing ? "" : "<h1>Семинар по типичным ошибкам оценивания</h1>\(ctx.flash)"
        if !editing && v.fromRecheck > 0 {
            html += #"<p class="hint">Задания и виды ошибок взяты из перепроверки (\#(Plural.works(v.fromRecheck))): задания, по которым баллы школ систематически расходятся с баллами комиссии. Их можно изменить.</p>"#
        } else if !editing && !v.procedure.isEmpty {
            html += #"<p class="hint">По этой процедуре перепроверки ещё нет — задания укажите сами.</p>"#
        }
        html += """
        <form method="post" action="\(editing ? Site.seminarUpdate.url(v.seminarID!) : Site.seminarAdd.url)" class="\(editing ? "card no-print" : "card")">\(ctx.csrfField)
        \(editing ? "<h2>Изменить семинар, записать явку</h2>" as HTML : "")
        <div class="filter-row"><div><label for="s-date">Дата</label><input type="text" id="s-date" name="date" placeholder="ДД.ММ.ГГГГ" value="\(v.date)" required></div>
        <div><label for="s-association">Проводит</label><select id="s-association" name="association"><option value="">—</option>\(HTML.options(associations, selected: v.association))</select></div></div>
        <label for="s-topic">Тема</label><input type="text" id="s-topic" name="topic" value="\(v.topic)" required maxlength="300">
        <label for="s-procedure">По результатам процедуры</label><select id="s-procedure" name="procedure"><option value="">—</option>\(HTML.options(procedures, selected: v.procedure))</select>
        <label for="s-tasks">Задания для разбора</label><input type="text" id="s-tasks" name="tasks" value="\(v.tasks)" placeholder="8, 9.2">
        <label for="s-errors">Типичные ошибки</label><textarea id="s-errors" name="errorTypes" rows="4">\(v.errorTypes)</textarea>
        <label for="s-materials">Материалы</label><textarea id="s-materials" name="materials" rows="2">\(v.materials)</textarea>
        <label for="s-participants">Участники (школы или учителя), по строке</label><textarea id="s-participants" name="participants" rows="3">\(v.participants)</textarea>
        <div class="filter-row"><div><label for="s-invited">Приглашено</label><input type="number" id="s-invited" name="invited" min="0" value="\(v.invited)"></div>
        <div><label for="s-attended">Присутствовало</label><input type="number" id="s-attended" name="attended" min="0" value="\(v.attended)"></div></div>
        <p class="hint">Явку записывают после семинара; до него можно оставить пустой.</p>
        <div class="actions"><button class="btn" type="submit">\(editing ? "Сохранить" : "Записать")</button></div>
        </form>
        """
        return html
    }
}

/// A seminar's page: what it works through, attendance, feedback, materials and its effect.
struct SeminarPage {
    var seminar: Seminar
    var association: MethodAssociation?
    var feedback: [SeminarFeedback]
    var files: [SeminarFile]
    var effect: SeminarEffectQuery?
    var canEdit: Bool
    var form: SeminarForm?

    static func num(_ v: Double) -> String { ReferenceTable.format((v * 100).rounded() / 100) }

    func view(_ ctx: PageContext) -> HTML {
        let s = seminar
        let id = s.id!
        var html: HTML = """
        <h1>\(s.topic)</h1>\(ctx.flash)
        <p>\(s.localDate.russian)\(association.map { "; проводит \($0.name)" } ?? "")\(s.procedure.map { "; по результатам: \(ProcedureStore.title($0))" } ?? "").</p>
        <p>Задания для разбора: \(s.taskList.isEmpty ? "не указаны" : s.taskList.joined(separator: ", ")). Явка: \(s.invited > 0 ? "\(s.attended) из \(s.invited)" : "не записана").</p>
        """
        if !s.errorTypes.isEmpty { html += "<h2>Типичные ошибки</h2><p>\(HTML.lines(s.errorTypes))</p>" as HTML }
        if let p = s.procedure {
            html += #"<p class="no-print"><a class="btn secondary" href="\#(Site.gradingErrors.url(p.id!))">Раздаточный материал «Типичные ошибки оценивания» (DOCX)</a></p>"#
        }
        html += "<h2>Результат: перепроверка до и после</h2>" as HTML
        html += effectView
        html += "<h2>Материалы</h2>" as HTML
        if !s.materials.isEmpty { html += "<p>\(HTML.lines(s.materials))</p>" as HTML }
        html += files.isEmpty ? #"<p class="muted">Файлов нет.</p>"# : #"<ul>\#(HTML(files.map { #"<li><a href="\#(Site.seminarFile.url($0.id!))">\#($0.fileName)</a> <small class="muted">\#(ByteSize.format($0.size))</small></li>"# as HTML }))</ul>"#
        if canEdit {
            html += """
            <form method="post" action="\(ctx.uploadAction(Site.seminarFileAdd.url(id)))" enctype="multipart/form-data" class="no-print filters">
            <label for="f-file">Добавить материал</label><input type="file" id="f-file" name="file" required><button class="btn secondary" type="submit">Загрузить</button></form>
            """
        }
        html += #"<h2 id="feedback">Отзывы участников</h2>"#
        if feedback.isEmpty {
            html += #"<p class="muted">Отзывов не записано.</p>"#
        } else {
            let mean = Double(feedback.reduce(0) { $0 + $1.rating }) / Double(feedback.count)
            html += #"<p>Средняя оценка полезности: <b>\#(ReferenceTable.oneDecimal(mean)) из 5</b> (\#(Plural.count(feedback.count, "отзыв", "отзыва", "отзывов"))).</p>"#
            let comments = feedback.filter { !$0.comment.isEmpty }
            if !comments.isEmpty { html += #"<ul>\#(HTML(comments.map { "<li>\($0.rating): \($0.comment)</li>" as HTML }))</ul>"# }
        }
        if canEdit {
            html += """
            <form method="post" action="\(Site.seminarFeedbackAdd.url(id))" class="no-print filters">\(ctx.csrfField)
            <label for="fb-rating">Оценка</label><select id="fb-rating" name="rating">\(HTML.options((1...5).reversed().map { (String($0), String($0)) }))</select>
            <label for="fb-comment">Отзыв</label><input type="text" id="fb-comment" name="comment" maxlength="2000">
            <button class="btn secondary" type="submit">Записать отзыв</button></form>
            """
        }
        if !s.participants.isEmpty { html += "<h2>Участники</h2><p>\(HTML.lines(s.participants))</p>" as HTML }
        if let form {
            html += "<details class=\"no-print\"><summary>Изменить семинар, записать явку</summary>" as HTML
            html += form.view(ctx)
            html += #"<p><a class="btn danger-outline" href="\#(Site.seminarDeleteConfirm.url(id))">Удалить семинар…</a></p></details>"#
        }
        return html
    }

    var effectView: HTML {
        guard let e = effect else {
            return #"<p class="muted">Чтобы увидеть результат, укажите процедуру и задания для разбора: они сравниваются с перепроверкой той же процедуры следующего года.</p>"#
        }
        guard let before = e.before else {
            return #"<p class="muted">По процедуре семинара перепроверки нет — сравнивать не с чем.</p>"#
        }
        var html: HTML = #"<p>До: перепроверка «\#(ProcedureStore.title(before))». После: \#(e.after.map { "перепроверка «\(ProcedureStore.title($0))»." } ?? "следующая перепроверка по предмету и классу ещё не проведена.")</p>"#
        html += HTML.table(head: #"<th>Задание</th><th class="num">Школа − комиссия, до</th><th class="num">Расхождение по модулю, до</th><th class="num">Работ с расхождением, до</th><th class="num">Школа − комиссия, после</th><th class="num">Расхождение по модулю, после</th><th class="num">Работ с расхождением, после</th><th>Итог</th>"#,
                           rows: e.changes.map { c in
                               func cells(_ f: SeminarEffect.Figures?) -> HTML {
                                   guard let f else { return #"<td class="num">—</td><td class="num">—</td><td class="num">—</td>"# }
                                   return #"<td class="num">\#(f.meanDifference > 0 ? "+" : "")\#(Self.num(f.meanDifference))</td><td class="num">\#(Self.num(f.meanAbsolute))</td><td class="num">\#(AnalyticalReport.pct(f.discrepantShare)) (из \#(f.works))</td>"#
                               }
                               return #"<tr><td>\#(c.number)</td>\#(cells(c.before))\#(cells(c.after))<td>\#(c.verdict()?.title ?? "—")</td></tr>"#
                           })
        html += #"<p class="hint">Школа − комиссия: средняя разница баллов школы и комиссии за задание (плюс — школы оценивают выше). Итог — по расхождению по модулю; изменение меньше 0,05 балла считается незаметным. Перепроверка — выборка работ, поэтому это признак, а не оценка работы учителей.</p>"#
        return html
    }
}
