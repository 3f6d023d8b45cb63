import Foundation
import MsokoCore
import Vapor

enum LocalActsUI {
    static func badge(_ s: ActStatus) -> HTML {
        let style: String
        switch s {
        case .missing: style = "st-overdue"
        case .notUpdated: style = "st-notStarted"
        case .underReview: style = "st-inProgress"
        case .adopted, .published: style = "st-done"
        }
        return #"<span class="badge \#(style)">\#(s.title)</span>"#
    }

    static func flag(_ n: Int) -> HTML {
        n == 0 ? "" : #" <span class="badge st-overdue" title="Ссылается на утративший силу нормативный акт">утративший силу акт</span>"#
    }

    static func date(_ d: Date?, _ zone: TimeZone) -> String {
        d.map { LocalDate($0, in: zone).russian } ?? "—"
    }
}

/// The district's view: every school's required acts with their state and flagged citations, and
/// what waits for the district's review.
struct LocalActsDistrictPage {
    var rows: [LocalActsController.SchoolActs]
    var types: [LocalActType]
    var today: LocalDate
    var zone: TimeZone
    var canEditSettings: Bool

    func view(_ ctx: PageContext) -> HTML {
        let window = LocalActs.window(containingOrBefore: today)
        let required = types.filter(\.required)
        var html: HTML = #"<h1>Локальные акты школ</h1><p class="muted">Мероприятие 1.6: акты о системе контроля и оценивания обновляются школами в мае–августе и согласуются с Управлением образования. Текущий цикл — с \#(window.start.russian) по \#(window.end.russian); акт, принятый раньше, — «не обновлён».</p>\#(ctx.flash)"#
        if canEditSettings { html += #"<div class="actions no-print"><a class="btn secondary" href="\#(Site.localActsSettings.url)">Перечень актов, пункты проверки, утратившие силу документы</a></div>"# }
        let all = rows.flatMap { r in r.acts.filter { $0.listed && $0.type.required } }
        let current = all.filter { $0.status == .adopted || $0.status == .published }.count
        let waiting = rows.flatMap { r in r.acts.compactMap { a -> (School, SchoolActsAct)? in
            guard let v = a.latest, [.review, .answered].contains(v.versionState) else { return nil }
            return (r.school, a)
        } }
        let flagged = rows.flatMap { r in r.acts.filter { $0.flagged > 0 }.map { (r.school, $0) } }
        html += #"<div class="grid" style="margin:12px 0">\#(HTML.stat(rows.count, "школ"))\#(HTML.stat(current, "актов обновлено в цикле"))\#(HTML.stat(all.count - current, "не обновлено или нет", all.count > current ? "bad" : "ok"))\#(HTML.stat(waiting.count, "ждут рассмотрения"))\#(HTML.stat(flagged.count, "со ссылками на утратившие силу", flagged.isEmpty ? "ok" : "bad"))</div>"#
        html += "<h2>Ждут рассмотрения</h2>"
        if waiting.isEmpty {
            html += HTML.emptyState("Нет редакций, ожидающих рассмотрения.")
        } else {
            html += HTML.table(head: "<th>Школа</th><th>Акт</th><th>Редакция</th><th>Отправлена</th><th>Состояние</th>", rows: waiting.map { s, a in
                let v = a.latest!
                return #"<tr><td>\#(s.shortName)</td><td>\#(a.type.title)\#(LocalActsUI.flag(a.flagged))</td><td><a href="\#(Site.localActVersion.url(v.id!))">редакция \#(v.number)</a></td><td>\#(LocalActsUI.date(v.createdAt, zone))</td><td>\#(v.versionState.title)</td></tr>"#
            })
        }
        html += "<h2>Обязательные акты по школам</h2>"
        let head: HTML = "<th>Школа</th>\(HTML(required.enumerated().map { i, t in #"<th title="\#(t.title)">\#(i + 1)</th>"# as HTML }))"
        html += HTML.table(head: head, rows: rows.map { r in
            let cells = required.map { t -> HTML in
                guard let a = r.acts.first(where: { $0.type.key == t.key }) else { return "<td>—</td>" }
                let link: HTML = a.latest.map { #" <a href="\#(Site.localActVersion.url($0.id!))">ред. \#($0.number)</a>"# } ?? ""
                return "<td>\(LocalActsUI.badge(a.status))\(LocalActsUI.flag(a.flagged))\(link)</td>"
            }
            return #"<tr><td><a href="\#(Site.localActsSchool.url(r.school.id!))">\#(r.school.shortName)</a></td>\#(HTML(cells))</tr>"#
        }, class: "local-acts")
        html += "<ol class=\"hint\">\(HTML(required.map { "<li>\($0.title)</li>" as HTML }))</ol>"
        return html
    }
}

typealias SchoolActsAct = LocalActsController.SchoolActs.Act

/// The district's lists: the acts with their checklists; the superseded normative acts.
struct LocalActsSettingsPage {
    var types: [LocalActType]
    var superseded: [SupersededAct]
    var canEdit: Bool

    func view(_ ctx: PageContext) -> HTML {
        let disabled: HTML = canEdit ? "" : " disabled"
        var rows: [HTML] = []
        for (i, t) in (types + [LocalActType(key: "", title: "", required: true)]).enumerated() {
            let isNew = i == types.count
            rows.append(#"""
            <fieldset class="card"><legend>\#(isNew ? "Новый акт" : "Акт \(i + 1)")</legend>
            <label>Название <input type="text" name="title\#(i)" value="\#(t.title)" maxlength="300"\#(disabled)></label>
            <p class="choice"><label><input type="checkbox" name="required\#(i)" value="1"\#(t.required ? " checked" : "")\#(disabled)> обязателен для каждой школы</label></p>
            <label>Пункты проверки (по одному в строке) <textarea name="checklist\#(i)" rows="\#(max(3, t.checklist.count + 1))"\#(disabled)>\#(t.checklist.joined(separator: "\n"))</textarea></label>
            \#(isNew ? "" : #"<p class="hint">Чтобы исключить акт из перечня, очистите название. Редакции школ сохраняются.</p>"# as HTML)
            </fieldset>
            """#)
        }
        return #"""
        <h1>Перечень локальных актов</h1>
        <p class="muted">Какие акты школы обновляют по мероприятию 1.6, по каким пунктам Управление образования их проверяет и какие нормативные документы утратили силу (ссылки на них в актах отмечаются).</p>
        \#(ctx.flash)
        <form method="post" action="\#(Site.localActsSettingsSave.url)">\#(ctx.csrfField)
        <input type="hidden" name="count" value="\#(types.count)">
        \#(HTML(rows))
        <fieldset class="card"><legend>Утратившие силу нормативные документы</legend>
        <label>По одному в строке: «название | номер | дата | чем заменён» <textarea name="superseded" rows="\#(max(4, superseded.count + 2))"\#(disabled)>\#(LocalActs.lines(superseded))</textarea></label>
        </fieldset>
        \#(canEdit ? #"<div class="actions"><button class="btn" type="submit">Сохранить</button> <a class="btn secondary" href="\#(Site.localActs.url)">Отмена</a></div>"# as HTML : "")
        </form>
        """#
    }
}

/// A school's acts: each with its state, versions and the flagged citations; the head sends a new
/// version and attaches the справка to 1.6.
struct LocalActsSchoolPage {
    var acts: LocalActsController.SchoolActs
    var superseded: [SupersededAct]
    var isHead: Bool
    var window: (start: LocalDate, end: LocalDate)

    func view(_ ctx: PageContext) -> HTML {
        let s = acts.school
        var html: HTML = #"<h1>Локальные акты: \#(s.shortName)</h1><p class="muted">Мероприятие 1.6. Цикл обновления — с \#(window.start.russian) по \#(window.end.russian).</p>\#(ctx.flash)"#
        if isHead {
            html += #"<div class="actions no-print">\#(HTML.postButton(ctx, action: Site.localActsAttach.url(s.id!), label: "Приложить к отчёту по мероприятию 1.6"))</div>"#
        }
        let rows = acts.acts.map { a -> HTML in
            let versions = a.versions.map { v in
                #"<li><a href="\#(Site.localActVersion.url(v.id!))">редакция \#(v.number)</a> — \#(v.versionState.title)\#(v.orderDate.map { ", приказ от \(LocalDate.russian($0))" } ?? "")\#(v.publishedOn.map { ", опубликована \(LocalDate.russian($0))" } ?? "")</li>"# as HTML
            }
            return #"<tr><td>\#(a.type.title)\#(a.type.required ? "" : #" <span class="muted">(по желанию)</span>"# as HTML)</td><td>\#(LocalActsUI.badge(a.status))\#(LocalActsUI.flag(a.flagged))</td><td>\#(versions.isEmpty ? #"<span class="muted">не загружен</span>"# : "<ul class=\"plain\">\(HTML(versions))</ul>" as HTML)</td></tr>"#
        }
        html += HTML.table(head: "<th>Акт</th><th>Состояние</th><th>Редакции</th>", rows: rows)
        if isHead {
            let options = HTML.options(acts.acts.filter(\.listed).map { (value: $0.type.key, label: $0.type.title) })
            html += #"""
            <section class="card" id="upload"><h2>Отправить редакцию на согласование</h2>
            <form method="post" action="\#(ctx.uploadAction(Site.localActUpload.url(s.id!)))" enctype="multipart/form-data">
            <label>Акт <select name="act">\#(options)</select></label>
            <label>Файл акта (PDF, DOCX, DOC, ODT) <input type="file" name="file" accept=".pdf,.docx,.doc,.odt" required></label>
            <label>Что изменено (для новой редакции) <textarea name="changes" rows="3" maxlength="3000"></textarea></label>
            <label>Нормативные акты, на которые ссылается акт — по одному в строке: «название | номер | дата»
            <textarea name="citations" rows="4" placeholder="Федеральный закон «Об образовании в Российской Федерации» | 273-ФЗ | 29.12.2012"></textarea></label>
            <div class="actions"><button class="btn" type="submit">Отправить</button></div>
            </form></section>
            """#
        }
        return html
    }
}

/// One version: file, changes, citations (flagged), the district's reviews and the school's
/// answers, the adoption chain, publication; the forms each role may use in its state.
struct LocalActVersionPage {
    var l: LocalActsController.Loaded
    var role: Role
    var today: LocalDate
    var zone: TimeZone

    func view(_ ctx: PageContext) -> HTML {
        let v = l.version
        let flags = LocalActs.flags(v.citations, superseded: l.superseded)
        var html: HTML = #"""
        <h1>\#(l.type.title)</h1>
        <p class="muted">\#(l.school.shortName) · редакция \#(v.number) · отправлена \#(LocalActsUI.date(v.createdAt, zone)) · <b>\#(v.versionState.title)</b></p>
        \#(ctx.flash)
        <p><a href="\#(Site.localActFile.url(v.id!))">\#(v.fileName)</a> <span class="hint">\#(Format.size(v.size)), sha256 \#(String(v.sha256.prefix(12)))…</span></p>
        """#
        if !v.changes.isEmpty { html += "<h2>Что изменено</h2><p>\(HTML.lines(v.changes))</p>" }
        html += "<h2>Нормативные акты, на которые ссылается</h2>"
        if v.citations.isEmpty {
            html += #"<p class="muted">Не указаны.</p>"#
        } else {
            html += "<ul>\(HTML(v.citations.map { c -> HTML in let f = flags.first { $0.citation == c }; return "<li>\(c.text)\(f.map { #" <span class="badge st-overdue">утратил силу</span> <span class="hint">заменён: \#($0.superseded.replacedBy)</span>"# as HTML })</li>" }))</ul>"
        }
        if !flags.isEmpty { html += #"<p class="flash error">Акт ссылается на утративший силу документ — согласовать и принять эту редакцию нельзя; исправьте ссылки в новой редакции.</p>"# }

        html += "<h2>Рассмотрение в Управлении образования</h2>"
        if l.reviews.isEmpty { html += HTML.emptyState("Ещё не рассматривалась.") }
        for r in l.reviews {
            let items = r.answers.map { a -> HTML in
                let verdict = a.verdict == "yes" ? "да" : a.verdict == "no" ? "нет" : "не применимо"
                return #"<tr><td>\#(a.item)</td><td\#(a.verdict == "no" ? #" class="gap-no""# as HTML : "")>\#(verdict)</td><td>\#(a.comment.isEmpty ? "—" : a.comment)</td></tr>"#
            }
            html += #"""
            <section class="card"><p><b>\#(r.decision == "agreed" ? "Согласовано" : "Возвращено на доработку")</b> — \#(r.reviewerName), \#(LocalActsUI.date(r.createdAt, zone))</p>
            \#(items.isEmpty ? "" : HTML.table(head: "<th>Пункт проверки</th><th>Соответствует</th><th>Замечание</th>", rows: items))
            \#(r.comment.isEmpty ? "" : "<p><b>Замечание:</b> \(HTML.lines(r.comment))</p>" as HTML)
            \#(r.answer.map { "<p><b>Ответ школы</b> (\(LocalActsUI.date(r.answeredAt, zone))): \(HTML.lines($0))</p>" as HTML })
            </section>
            """#
        }
        let id = v.id!
        if role == .specialist && [.review, .answered].contains(v.versionState) {
            let items = l.type.checklist.enumerated().map { i, item -> HTML in
                #"""
                <tr><td>\#(item)</td><td class="choice"><label><input type="radio" name="verdict\#(i)" value="yes"> да</label> <label><input type="radio" name="verdict\#(i)" value="no"> нет</label> <label><input type="radio" name="verdict\#(i)" value="na"> не применимо</label></td>
                <td><input type="text" name="remark\#(i)" maxlength="1000" aria-label="Замечание к пункту \#(i + 1)"></td></tr>
                """#
            }
            html += #"""
            <section class="card" id="review"><h2>Рассмотреть</h2>
            <form method="post" action="\#(Site.localActReview.url(id))">\#(ctx.csrfField)
            \#(items.isEmpty ? #"<p class="muted">Для этого акта пунктов проверки нет.</p>"# : HTML.table(head: "<th>Пункт проверки</th><th>Соответствует</th><th>Замечание</th>", rows: items))
            <label>Замечание школе <textarea name="comment" rows="3" maxlength="3000"></textarea></label>
            <p class="choice"><label><input type="radio" name="decision" value="agreed"> согласовать</label> <label><input type="radio" name="decision" value="returned"> вернуть на доработку</label></p>
            <div class="actions"><button class="btn" type="submit">Сохранить рассмотрение</button></div></form></section>
            """#
        }
        if role == .head && v.versionState == .returned {
            html += #"""
            <section class="card" id="answer"><h2>Ответить на замечания</h2>
            <form method="post" action="\#(Site.localActAnswer.url(id))">\#(ctx.csrfField)
            <label>Ответ на замечания <textarea name="answer" rows="4" maxlength="3000" required></textarea></label>
            <p class="hint">Если для учёта замечаний нужен новый текст акта, отправьте новую редакцию со страницы школы.</p>
            <div class="actions"><button class="btn" type="submit">Отправить ответ</button></div></form></section>
            """#
        }
        html += "<h2>Принятие</h2>"
        if v.versionState == .adopted {
            html += #"""
            <table class="kv"><tr><th>Педагогический совет</th><td>протокол № \#(v.pedsovetProtocol ?? "") от \#(LocalDate.russian(v.pedsovetDate ?? ""))</td></tr>
            <tr><th>Мнение советов обучающихся и родителей</th><td>учтено \#(LocalDate.russian(v.councilDate ?? ""))</td></tr>
            <tr><th>Приказ</th><td>№ \#(v.orderNumber ?? "") от \#(LocalDate.russian(v.orderDate ?? ""))</td></tr>
            <tr><th>Опубликован на сайте школы</th><td>\#(v.publishedOn.map { LocalDate.russian($0) } ?? "нет")\#(v.publishedURL.map { #" — <a href="\#($0)" rel="noopener noreferrer">\#($0)</a>"# as HTML })</td></tr></table>
            """#
            if role == .head && v.publishedOn == nil {
                html += #"""
                <form method="post" action="\#(Site.localActPublish.url(id))" class="inline-form">\#(ctx.csrfField)
                <label>Дата публикации <input type="date" name="date" value="\#(today.iso)" max="\#(today.iso)" required></label>
                <label>Адрес на сайте школы <input type="url" name="url" placeholder="https://…" maxlength="500"></label>
                <div class="check"><input type="checkbox" id="to-public" name="toPublic"><label for="to-public">Разместить и на открытой странице школы в МСОКО — в акте нет персональных данных</label></div>
                <button class="btn" type="submit">Отметить публикацию</button></form>
                """#
            }
        } else if role == .head && [.agreed, .answered].contains(v.versionState) && flags.isEmpty {
            html += #"""
            <form method="post" action="\#(Site.localActAdopt.url(id))" class="grid-form">\#(ctx.csrfField)
            <label>Педагогический совет, дата <input type="date" name="pedsovetDate" max="\#(today.iso)" required></label>
            <label>Педагогический совет, протокол № <input type="text" name="pedsovetProtocol" maxlength="40" required></label>
            <label>Мнение советов обучающихся и родителей, дата <input type="date" name="councilDate" max="\#(today.iso)" required></label>
            <label>Приказ, № <input type="text" name="orderNumber" maxlength="40" required></label>
            <label>Приказ, дата <input type="date" name="orderDate" max="\#(today.iso)" required></label>
            <div><button class="btn" type="submit">Принять</button></div></form>
            """#
        } else {
            html += #"<p class="muted">\#(v.versionState == .review || v.versionState == .returned ? "Принять можно после рассмотрения в Управлении образования: согласовано или замечания учтены." : "Не принят.")</p>"#
        }
        if role == .head && v.versionState != .adopted {
            html += #"<p class="no-print"><a href="\#(Site.localActDeleteConfirm.url(id))">Удалить редакцию</a></p>"#
        }
        return html
    }
}

/// The school's справка on its acts for measure 1.6.
enum LocalActsDocument {
    static func make(_ s: LocalActsController.SchoolActs, today: LocalDate) -> DocxDocument {
        let window = LocalActs.window(containingOrBefore: today)
        var doc = DocxDocument(title: "Локальные акты \(s.school.shortName)", orientation: .landscape)
        doc.paragraph(s.school.fullName, alignment: .center, bold: true)
        doc.paragraph("Справка о локальных актах, регламентирующих систему контроля и оценивания", style: .title, alignment: .center)
        doc.paragraph("Мероприятие 1.6; цикл обновления с \(window.start.russian) по \(window.end.russian); по состоянию на \(today.russian)", alignment: .center)
        doc.add(DocxDocument.Table(widths: [6, 2, 1, 4, 3, 3], header: ["Акт", "Состояние", "Ред.", "Принят (педсовет, приказ)", "Опубликован", "Ссылки на утратившие силу"],
            rows: s.acts.map { a in
                let v = a.adopted
                let chain = v.map { "протокол № \($0.pedsovetProtocol ?? "") от \(LocalDate.russian($0.pedsovetDate ?? "")); приказ № \($0.orderNumber ?? "") от \(LocalDate.russian($0.orderDate ?? ""))" } ?? "—"
                return [DocxDocument.Cell(a.type.title), DocxDocument.Cell(a.status.title), DocxDocument.Cell(a.latest.map { String($0.number) } ?? "—"),
                        DocxDocument.Cell(chain), DocxDocument.Cell(v?.publishedOn.map(LocalDate.russian) ?? "—"), DocxDocument.Cell(a.flagged > 0 ? "есть" : "нет")]
            }))
        doc.paragraph("Составлена \(today.russian).")
        doc.paragraph("Руководитель ____________ / ____________")
        return doc
    }
}
