import Foundation
import MsokoCore
import Vapor

/// What the school (head, the class's teacher) sees on the batch beyond the sheets: the parents'
/// codes, who opened, the records of informing.
struct SchoolPanel {
    /// Per participant, the code that opens the sheet today.
    var current: [String: SheetCode]
    /// Per participant, the family's first opening.
    var opened: [String: Date]
    /// Per participant, the full link printed on the sheet.
    var links: [String: String]
    var defaultExpiry: String
    var today: String
    var informings: [SheetInforming]
    var canAttach: Bool
    var zone: TimeZone
    var issue: SiteURL
    var inform: SiteURL
}

/// The batch on screen and in print: a sheet per student, each on its own printed page.
struct SheetsPage {
    var sheets: [ResultSheet]
    var header: ResultSheets.Header
    var docx: SiteURL
    var panel: SchoolPanel?

    func view(_ ctx: PageContext) -> HTML {
        var html: HTML = #"<div class="no-print"><h1>Листы результатов: \#(sheets.first?.className ?? "")</h1><p class="muted">\#(header.procedure). Листов: \#(sheets.count) — по одному на страницу при печати. ФИО в msoko не хранятся: на листах коды участников.</p>"#
        html += #"<div class="actions"><button class="btn" type="button" data-print>Печать</button> <a class="btn secondary" href="\#(docx)">Листы (DOCX)</a></div>\#(ctx.flash)"#
        if let panel {
            html += names()
            html += codes(panel, ctx)
            html += informed(panel, ctx)
        }
        html += "</div>"
        for s in sheets { html += sheet(s) }
        html += #"<script src="\#(Site.printJS.url)"></script>"#
        if panel != nil { html += #"<script src="\#(Site.namesJS.url)"></script>"# }
        return html
    }

    /// The protocol of codes and names, read in the browser only (static/names.js).
    func names() -> HTML {
        #"""
        <section class="card" id="names"><h2>ФИО на листах</h2>
        <p>Чтобы напечатать листы с фамилиями, выберите протокол соответствия кодов и ФИО (CSV или XLSX со столбцами «Код участника» и «ФИО»). <b>Файл читается только этим браузером и никуда не отправляется</b>: ФИО появятся на листах до перезагрузки страницы и в msoko не попадут.</p>
        <p><label>Протокол: <input type="file" id="names-file" accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"></label>
        <button class="btn secondary" type="button" id="names-clear" hidden>Убрать ФИО</button></p>
        <p class="hint" id="names-status" role="status" aria-live="polite">Без протокола на листах только коды.</p>
        </section>
        """#
    }

    func codes(_ p: SchoolPanel, _ ctx: PageContext) -> HTML {
        let n = sheets.count
        let issued = sheets.filter { p.current[$0.code] != nil }.count
        let reached = sheets.filter { p.opened[$0.code] != nil }.count
        let share = n == 0 ? 0 : Int((Double(reached) / Double(n) * 100).rounded())
        var html: HTML = #"""
        <section class="card" id="codes"><h2>Доступ родителей без учётной записи</h2>
        <p>На каждом листе — ссылка, код и QR-код: родитель открывает лист своего ребёнка на телефоне, без входа в систему. Коды — только у школы; ФИО в ссылке нет.</p>
        <div class="grid" style="margin:12px 0">\#(HTML.stat(n, "участников"))\#(HTML.stat(issued, "с действующим кодом"))\#(HTML.stat(reached, "семей открыли лист"))</div>
        <p><b>Охват: \#(share) %</b> семей класса открыли лист по коду.</p>
        <form method="post" action="\#(p.issue)" class="inline-form">\#(ctx.csrfField)
        <label>Коды действуют до <input type="date" name="expires" value="\#(p.defaultExpiry)" required></label>
        <button class="btn" type="submit">\#(issued == 0 ? "Выдать коды" : issued < n ? "Выдать недостающие коды и установить срок" : "Установить срок")</button></form>
        <p class="hint">Код действует до указанной даты (по умолчанию — 60 дней). Потерянный лист: откройте код участника и выдайте новый — прежний перестанет действовать.</p>
        """#
        if issued > 0 {
            let rows = sheets.compactMap { s -> HTML? in
                guard let c = p.current[s.code] else { return #"<tr><td>\#(s.code)</td><td colspan="3" class="muted">кода нет</td></tr>"# }
                return #"<tr id="code-\#(s.code)"><td>\#(s.code)</td><td><code>\#(SheetAccess.grouped(c.code))</code></td><td>до \#(LocalDate.russian(c.expiresOn))</td><td>\#(seen(p, s.code))</td><td><a href="\#(Site.sheetCode.url(c.id!))">управление</a></td></tr>"#
            }
            html += #"<details><summary>Коды класса</summary>\#(HTML.table(head: "<th>Участник</th><th>Код доступа</th><th>Срок</th><th>Просмотр</th><th></th>", rows: rows))</details>"#
        }
        html += "</section>"
        return html
    }

    func seen(_ p: SchoolPanel, _ student: String) -> HTML {
        guard let d = p.opened[student] else { return #"<span class="muted">не открыт</span>"# }
        return #"<span class="ok-text">просмотрено \#(LocalDate(d, in: p.zone).russian)</span>"#
    }

    func informed(_ p: SchoolPanel, _ ctx: PageContext) -> HTML {
        let rows = p.informings.map { r -> HTML in
            let file: HTML = r.fileName.map { #"<a href="\#(Site.sheetInformingFile.url(r.id!))">\#($0)</a>"# } ?? "—"
            var actions: HTML = ""
            if let at = r.attachedAt {
                actions += #"<span class="muted">приложено к 2.2 \#(LocalDate(at, in: p.zone).russian)</span> "#
            } else if p.canAttach {
                actions += "\(HTML.postButton(ctx, action: Site.sheetInformingAttach.url(r.id!), label: "Приложить к отчёту по 2.2")) "
            }
            actions += #"<a href="\#(Site.sheetInformingDeleteConfirm.url(r.id!))">удалить</a>"#
            return #"<tr><td>\#(LocalDate.russian(r.date))</td><td>\#(r.kindTitle)</td><td>\#(r.note.isEmpty ? "—" : r.note)</td><td>\#(file)</td><td>\#(actions)</td></tr>"#
        }
        let kinds = HTML.options(SheetInforming.kinds.map { (value: $0.0, label: $0.1) }, selected: "meeting")
        return #"""
        <section class="card" id="informed"><h2>Класс и родители проинформированы (мероприятие 2.2)</h2>
        \#(rows.isEmpty ? HTML.emptyState("Записей пока нет. Отметьте собрание или классный час, где выданы листы, и приложите протокол.") : HTML.table(head: "<th>Дата</th><th>Как</th><th>Примечание</th><th>Файл</th><th></th>", rows: rows))
        <form method="post" action="\#(ctx.uploadAction(p.inform))" enctype="multipart/form-data" class="grid-form">
        <label>Дата <input type="date" name="date" max="\#(p.today)" required></label>
        <label>Как <select name="kind">\#(kinds)</select></label>
        <label>Примечание <input type="text" name="note" maxlength="1000" placeholder="например: присутствовали 21 из 25 родителей"></label>
        <label>Файл (протокол, лист ознакомления) <input type="file" name="file" accept=".pdf,.docx,.odt,.doc,.jpg,.jpeg,.png,.xlsx,.xls,.ods"></label>
        <div><button class="btn" type="submit">Записать</button></div></form>
        </section>
        """#
    }

    func sheet(_ s: ResultSheet) -> HTML {
        var html: HTML = #"<section class="card sheet" id="sheet-\#(s.code)">"#
        html += ResultSheetView.body(s, header: header, nameSlot: panel != nil)
        if let p = panel, let c = p.current[s.code], let link = p.links[s.code] {
            html += #"""
            <div class="sheet-access">\#(ResultSheetView.qr(link))<div><h3>Для родителей</h3>
            <p>Откройте лист на телефоне: наведите камеру на QR-код или введите адрес <b class="sheet-link">\#(link)</b></p>
            <p>Код доступа: <b class="sheet-code">\#(SheetAccess.grouped(c.code))</b>, действует до \#(LocalDate.russian(c.expiresOn)). Не передавайте код посторонним.</p></div></div>
            <p class="no-print hint">\#(seen(p, s.code)) · <a href="\#(Site.sheetCode.url(c.id!))">код участника</a></p>
            """#
        }
        html += "</section>"
        return html
    }
}

/// One sheet's content, the same on the school's batch and on the parent's page.
enum ResultSheetView {
    static func body(_ s: ResultSheet, header: ResultSheets.Header, nameSlot: Bool = false) -> HTML {
        let rows = s.tasks.map { t -> HTML in
            let cls: HTML = t.verdict == .notMastered ? #" class="gap-no""# : ""
            return #"<tr><td>\#(t.number)</td><td>\#(t.requirement.isEmpty ? "—" : t.requirement)</td><td class="num">\#(t.score.map(String.init) ?? "X")</td><td class="num">\#(t.max)</td><td\#(cls)>\#(t.verdict.title)</td></tr>"#
        }
        var html: HTML = #"""
        <p class="muted sheet-school">\#(header.school)</p>
        <h2>Результаты участника \#(s.code)</h2>
        \#(nameSlot ? #"<p class="sheet-name" data-code="\#(s.code)" hidden></p>"# as HTML : "")
        <p>\#(header.procedure); класс \#(s.className)\#(header.date.isEmpty ? "" : "; дата \(header.date)")\#(s.variant.map { "; вариант \($0)" } ?? "")</p>
        <div class="table-wrap">\#(HTML.table(head: #"<th>№</th><th>Что проверялось</th><th class="num">Балл</th><th class="num">Макс.</th><th>Освоено</th>"#, rows: rows))</div>
        <p><b>Первичный балл: \#(s.primaryScore) из \#(s.maxScore)\#(s.mark.map { "; отметка «\($0)»" } ?? "")</b></p>
        <p class="hint">Класс: \#(ResultSheets.marks(s.classFigures)). Школа: \#(ResultSheets.marks(s.schoolFigures)).</p>
        """#
        if !s.recommendations.isEmpty { html += "<h3>Рекомендации</h3><ul>\(s.recommendations.map { "<li>\($0)</li>" as HTML })</ul>" }
        if !s.nextSteps.isEmpty { html += "<h3>Что сделает школа</h3><ul>\(s.nextSteps.map { "<li>\($0)</li>" as HTML })</ul>" }
        return html
    }

    /// The link as a QR code. The SVG is made by `QRCode` from numbers and fixed text only; the
    /// link itself is not part of the markup.
    static func qr(_ link: String) -> HTML {
        guard let q = QRCode(link) else { return "" }
        return HTML(stringLiteral: q.svg(side: "32mm", label: "QR-код ссылки на лист"))
    }
}

/// A participant's codes: the current one, openings, revoke or reissue.
struct SheetCodePage {
    var code: SheetCode
    var all: [SheetCode]
    var today: String
    var zone: TimeZone
    var procedure: String
    var link: String
    var back: SiteURL

    func state(_ c: SheetCode) -> String {
        if let r = c.revokedAt { return "отозван \(LocalDate(r, in: zone).russian)" }
        if c.expiresOn < today { return "истёк \(LocalDate.russian(c.expiresOn))" }
        return "действует до \(LocalDate.russian(c.expiresOn))"
    }

    func opened(_ c: SheetCode) -> String {
        guard let first = c.firstOpenedAt else { return "не открывался" }
        let last = c.lastOpenedAt.map { LocalDate($0, in: zone).russian } ?? ""
        return "открыт \(c.openings) раз(а): впервые \(LocalDate(first, in: zone).russian)\(c.openings > 1 ? ", последний \(last)" : "")"
    }

    func view(_ ctx: PageContext) -> HTML {
        let valid = code.isValid(today: today)
        let rows = all.map { c -> HTML in
            #"<tr><td><code>\#(SheetAccess.grouped(c.code))</code></td><td>\#(c.createdAt.map { LocalDate($0, in: zone).russian } ?? "—")</td><td>\#(state(c))</td><td>\#(opened(c))</td></tr>"#
        }
        var actions: HTML = ""
        if valid { actions += "\(HTML.postButton(ctx, action: Site.sheetCodeRevoke.url(code.id!), label: "Отозвать код", style: "danger")) " }
        actions += HTML.postButton(ctx, action: Site.sheetCodeReissue.url(code.id!), label: "Выдать новый код", style: valid ? "secondary" : "")
        return #"""
        <section class="card narrow">
        <h1>Код доступа: участник \#(code.studentCode)</h1>
        \#(ctx.flash)
        <p>\#(procedure); класс \#(code.className).</p>
        <p>Код <b><code>\#(SheetAccess.grouped(code.code))</code></b> — \#(state(code)); \#(opened(code)).</p>
        \#(valid ? #"<p>Ссылка для родителей: <b>\#(link)</b></p>"# as HTML : "")
        <p class="hint">«Отозвать» — ссылка и код с листа перестают открывать его сразу (например, лист попал не к тем людям). «Выдать новый код» — прежний отзывается, новый печатается на листе заново (лист потерян).</p>
        <div class="actions">\#(actions) <a class="btn secondary" href="\#(back.fragment("sheet-\(code.studentCode)"))">К листам класса</a></div>
        <h2>Все коды участника</h2>
        \#(HTML.table(head: "<th>Код</th><th>Выдан</th><th>Состояние</th><th>Открытия</th>", rows: rows))
        </section>
        """#
    }
}

/// «Охват» per class: the informing work, not results — classes by school name, never ranked.
struct CoveragePage {
    var procedure: Procedure
    var rows: [ClassCoverage]
    var district: Bool

    func view(_ ctx: PageContext) -> HTML {
        let pid = procedure.id!
        var html: HTML = #"<h1>Информирование о результатах</h1><p class="muted">\#(ProcedureStore.title(procedure)). Мероприятие 2.2: обучающиеся и родители узнают свои результаты — по листам результатов и по коду без учётной записи.</p>"#
        guard !rows.isEmpty else { return "\(html)\(HTML.emptyState("Результатов этой процедуры пока нет — листы появятся после загрузки."))" }
        let n = rows.reduce(0) { $0 + $1.students }, reached = rows.reduce(0) { $0 + $1.reached }, issued = rows.reduce(0) { $0 + $1.issued }
        let informedClasses = rows.filter { !$0.informed.isEmpty }.count
        html += #"<div class="grid" style="margin:12px 0">\#(HTML.stat(n, "участников"))\#(HTML.stat(issued, "с кодом доступа"))\#(HTML.stat(reached, "семей открыли лист"))\#(HTML.stat(informedClasses, "классов с записью об информировании"))</div>"#
        let table = rows.map { r -> HTML in
            let pctText = r.students == 0 ? "—" : "\(Int((r.share * 100).rounded())) %"
            return #"""
            <tr>\#(district ? #"<td>\#(r.schoolName)</td>"# as HTML : "")<td><a href="\#(Site.sheets.url(pid, r.schoolLogin, r.className))">\#(r.className)</a></td>
            <td class="num">\#(r.students)</td><td class="num">\#(r.issued)</td><td class="num">\#(r.reached)</td><td class="num">\#(pctText)</td>
            <td>\#(r.informed.isEmpty ? #"<span class="muted">нет записи</span>"# as HTML : HTML(r.informed.map { "\($0)" as HTML }, separator: "<br>"))</td></tr>
            """#
        }
        html += HTML.table(head: "\(district ? "<th>Школа</th>" as HTML : "")<th>Класс</th><th class=\"num\">Участников</th><th class=\"num\">С кодом</th><th class=\"num\">Открыли</th><th class=\"num\">Охват</th><th>Проинформированы</th>", rows: table)
        html += #"<p class="hint">Охват — доля участников, чьи семьи открыли лист по коду хотя бы раз. Листы, выданные на бумаге, учитываются записью об информировании класса. Таблица упорядочена по названию школы и не является рейтингом.</p>"#
        return html
    }
}

/// The parent's pages: a phone first, no account, no menu beyond the sign-in the staff use.
enum ParentPages {
    static func response(_ req: Request, title: String, body: HTML, status: HTTPResponseStatus, extra: [(String, String)] = []) -> Response {
        let res = Layout.page(req, title: title, body: body, status: status)
        // The code is in the address: no referrer leaves the page, nothing is kept or indexed.
        res.headers.replaceOrAdd(name: "Referrer-Policy", value: "no-referrer")
        res.headers.replaceOrAdd(name: "X-Robots-Tag", value: "noindex, nofollow")
        res.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        for (k, v) in extra { res.headers.replaceOrAdd(name: k, value: v) }
        return res
    }

    static func entry() -> HTML {
        #"""
        <section class="card narrow parent">
        <h1>Результаты по коду</h1>
        <p>Введите код доступа с листа результатов ребёнка: 12 знаков, буквы и цифры (дефисы и пробелы можно не вводить).</p>
        <form method="get" action="\#(Site.parentEntry.url)"><label>Код доступа <input type="text" name="code" autocomplete="off" autocapitalize="characters" spellcheck="false" maxlength="40" required placeholder="ACDE-FGHJ-KMNP"></label>
        <p><button class="btn" type="submit">Открыть лист</button></p></form>
        </section>
        """#
    }

    static func sheet(_ s: ResultSheet, header: ResultSheets.Header, expires: String, counted: Bool) -> HTML {
        #"""
        <section class="card sheet parent">\#(ResultSheetView.body(s, header: header))
        <p class="hint">Ссылка действует до \#(LocalDate.russian(expires)). На странице только код участника, без фамилии. Вопросы о результатах — классному руководителю.</p>
        \#(counted ? "" : #"<p class="hint no-print">Вы вошли в МСОКО как сотрудник: это открытие не засчитано как просмотр семьёй.</p>"# as HTML)
        <p class="no-print"><button class="btn secondary" type="button" data-print>Печать</button></p>
        </section><script src="\#(Site.printJS.url)"></script>
        """#
    }

    /// One answer for every code that opens nothing: a wrong one tells a guesser nothing.
    static func notFound(_ req: Request) -> Response {
        response(req, title: "Лист не найден", body: #"""
        <section class="card narrow parent"><h1>Лист не найден</h1>
        <p>По этому коду лист результатов не открывается. Проверьте код на листе (12 знаков) или спросите у классного руководителя — код мог истечь или быть заменён.</p>
        <p><a class="btn secondary" href="\#(Site.parentEntry.url)">Ввести код</a></p></section>
        """#, status: .notFound)
    }

    static func tooMany(_ req: Request, seconds: Int) -> Response {
        response(req, title: "Слишком много попыток", body: #"""
        <section class="card narrow parent"><h1>Слишком много попыток</h1>
        <p>С вашего адреса введено слишком много неверных кодов. Попробуйте снова через \#(max(1, (seconds + 59) / 60)) мин.</p></section>
        """#, status: .tooManyRequests, extra: [("Retry-After", String(seconds))])
    }
}

/// The справка on one class's informing attached to measure 2.2: date, how, participants, codes,
/// families reached; codes and numbers only.
enum InformingDocument {
    static func make(_ r: SheetInforming, procedure p: Procedure, school s: School, coverage c: ClassCoverage?, today: String) -> DocxDocument {
        var doc = DocxDocument(title: "Информирование \(r.className) \(s.shortName)")
        doc.paragraph(s.fullName, alignment: .center, bold: true)
        doc.paragraph("Справка об информировании обучающихся и родителей о результатах", style: .title, alignment: .center)
        doc.paragraph("\(ProcedureStore.title(p)); класс \(r.className)", alignment: .center)
        var rows: [[DocxDocument.Cell]] = [
            [DocxDocument.Cell("Дата"), DocxDocument.Cell(LocalDate.russian(r.date))],
            [DocxDocument.Cell("Форма"), DocxDocument.Cell(r.kindTitle)],
        ]
        if !r.note.isEmpty { rows.append([DocxDocument.Cell("Примечание"), DocxDocument.Cell(r.note)]) }
        if let c {
            rows.append([DocxDocument.Cell("Участников процедуры в классе"), DocxDocument.Cell(String(c.students))])
            rows.append([DocxDocument.Cell("Выдано кодов доступа родителям (действуют)"), DocxDocument.Cell(String(c.issued))])
            rows.append([DocxDocument.Cell("Семей открыли лист по коду"), DocxDocument.Cell("\(c.reached) (\(AnalyticalReport.pct(c.share)))")])
        }
        if let f = r.fileName { rows.append([DocxDocument.Cell("Подтверждающий документ"), DocxDocument.Cell(f)]) }
        doc.add(DocxDocument.Table(widths: [5, 7], header: ["Показатель", "Значение"], rows: rows))
        doc.paragraph("Каждому участнику выдан индивидуальный лист результатов (коды участников; ФИО сопоставляются в школе по протоколу соответствия). Результаты не используются для оценки учителей и рейтингов.", style: .small)
        doc.paragraph("Составлена \(today).")
        doc.paragraph("Руководитель ____________ / ____________")
        return doc
    }
}
