import MsokoCore

extension SeminarList {
    func view(_ ctx: PageContext) -> HTML {
        let table: HTML = rows.isEmpty ? .emptyState("Семинаров пока не записано.") : .table(
            head: #"<th>Дата</th><th>Тема</th><th>Процедура</th><th>Участники</th><th class="num">Явка</th>"#,
            rows: rows.map { s in
                let share = s.invited > 0 ? " (\(ReferenceTable.format((Double(s.attended) * 1000 / Double(s.invited)).rounded() / 10)) %)" : ""
                return #"<tr><td>\#(s.date)</td><td>\#(s.topic)</td><td>\#(s.procedure ?? "—")</td><td>\#(HTML.lines(s.participants))</td><td class="num">\#(s.attended) из \#(s.invited)\#(share)</td></tr>"#
            })
        return """
        <h1>Семинары по типичным ошибкам оценивания</h1>\(ctx.flash)
        <p class="hint">Материал к семинару — «Типичные ошибки оценивания» на странице перепроверки процедуры (мероприятие 3.2).</p>
        \(table)\(canRecord ? form(ctx) : "")
        """
    }

    func form(_ ctx: PageContext) -> HTML {
        """
        <section class="card no-print"><h2>Записать семинар</h2>
        <form method="post" action="\(Site.seminarAdd.url)">\(ctx.csrfField)
        <label for="date">Дата</label><input type="text" id="date" name="date" placeholder="ДД.ММ.ГГГГ" required>
        <label for="topic">Тема</label><input type="text" id="topic" name="topic" required maxlength="300">
        <label for="procedure">По результатам процедуры</label><select id="procedure" name="procedure"><option value="">—</option>\(HTML.options(procedures.map { ($0.id.uuidString, $0.title) }))</select>
        <label for="participants">Участники (школы или учителя), по строке</label><textarea id="participants" name="participants"></textarea>
        <label for="invited">Приглашено</label><input type="number" id="invited" name="invited" min="0" required>
        <label for="attended">Присутствовало</label><input type="number" id="attended" name="attended" min="0" required>
        <div class="actions"><button class="btn" type="submit">Записать</button></div>
        </form></section>
        """
    }
}
