import Foundation
import MsokoCore

/// The publishers' page: news, documents with their «публиковать» switch, the district's settings
/// and each school's block for its website.
struct PublicationPage {
    var scope: PublicationScope
    var schools: [School]
    var settings: [SchoolPublicSettings]
    var news: [NewsPost]
    var documents: [PublicDocument]
    var minimum: Int
    var base: String
    var zone: TimeZone

    func schoolName(_ id: UUID?) -> String { schools.first { $0.id == id }?.shortName ?? "Управление образования" }
    func setting(_ s: School) -> SchoolPublicSettings? { settings.first { $0.$school.id == s.id } }
    func mayChange(_ school: UUID?) -> Bool {
        scope.isDistrict || (scope.user.role == .head && school != nil && school == scope.school?.id)
    }

    static func snippet(base: String, school s: School) -> String {
        #"<iframe src="\#(base)\#(Site.publicEmbed.url(s.login).path)" title="Оценочные процедуры — \#(s.shortName.replacingOccurrences(of: "\"", with: "'"))" width="100%" height="260" style="border:0" loading="lazy"></iframe>"#
    }

    func view(_ ctx: PageContext) -> HTML {
        let publicLink = scope.school.map { Site.publicSchool.url($0.login) } ?? Site.publicHome.url
        var out: HTML = """
        \(ctx.flash)
        <h1>Открытая информация (мероприятие 4.1)</h1>
        <p>Что видят родители и общественность без входа в систему: <a href="\(publicLink)">\(scope.school == nil ? "открытые страницы района" : "страница школы")</a> — график процедур, наблюдение, результаты в целом по району, документы и новости. Рейтингов школ и сведений об отдельных детях и учителях там нет.</p>
        """
        // News.
        let newsRows = HTML(news.map { n in
            #"""
            <tr><td class="nowrap">\#(LocalDate(n.publishedAt, in: zone).russian)</td><td><strong>\#(n.title)</strong><div class="hint">\#(String(n.body.prefix(160)))\#(n.body.count > 160 ? "…" : "")</div></td><td>\#(schoolName(n.$school.id))</td>
            <td>\#(mayChange(n.$school.id) ? #"<a href="\#(Site.newsDeleteConfirm.url(n.id!))">Снять</a>"# as HTML : "")</td></tr>
            """#
        }, separator: "")
        out += """
        <section class="card" id="news"><h2>Новости</h2>
        \(news.isEmpty ? "<p>Новостей пока нет.</p>" as HTML : #"<div class="table-wrap"><table><thead><tr><th>Дата</th><th>Новость</th><th>Чья</th><th></th></tr></thead><tbody>\#(newsRows)</tbody></table></div>"#)
        \(scope.canPublish ? """
        <h3>Новая новость</h3>
        <form method="post" action="\(Site.newsCreate.url)">\(ctx.csrfField)
        <label for="news-title">Заголовок</label><input type="text" id="news-title" name="title" maxlength="200" required>
        <label for="news-body">Текст</label><textarea id="news-body" name="body" maxlength="5000" required></textarea>
        <p class="hint">Без фамилий детей и учителей. Абзацы разделяйте пустой строкой. Новость появится на открытой странице и в ленте Atom сразу после публикации.</p>
        <div class="actions"><button class="btn" type="submit">Опубликовать</button></div></form>
        """ as HTML : "")
        </section>
        """
        // Documents.
        let docRows = HTML(documents.map { d in
            let change = mayChange(d.$school.id)
            let meta = [d.number.isEmpty ? nil : "№ \(d.number)", d.docDate.map { "от \(LocalDate.russian($0))" }].compactMap { $0 }.joined(separator: " ")
            let state: HTML = d.published
                ? #"<span class="badge st-done">опубликован</span><div class="hint">\#(d.publishedAt.map { LocalDate($0, in: zone).russian } ?? "")</div>"#
                : #"<span class="badge st-notStarted">не опубликован</span>"#
            var actions: HTML = ""
            if change {
                actions = d.published
                    ? HTML.postButton(ctx, action: Site.publicDocumentUnpublish.url(d.id!), label: "Снять с публикации")
                    : #"""
                    <form method="post" action="\#(Site.publicDocumentPublish.url(d.id!))">\#(ctx.csrfField)
                    <div class="check"><input type="checkbox" id="confirm-\#(d.id!)" name="confirm" required><label for="confirm-\#(d.id!)">В документе нет персональных данных (для приказа о наблюдателях или комиссии — загружена версия без фамилий)</label></div>
                    <button class="btn" type="submit">Публиковать</button></form>
                    """#
                actions += #" <a href="\#(Site.publicDocumentDeleteConfirm.url(d.id!))">Удалить</a>"#
            }
            return #"""
            <tr id="doc-\#(d.id!)"><td><a href="\#(Site.publicDocumentFile.url(d.id!))">\#(d.title)</a>\#(meta.isEmpty ? "" : " " + meta)<div class="hint">\#(d.documentKind.title) · \#(d.fileName), \#(ByteSize.format(d.size))</div></td>
            <td>\#(schoolName(d.$school.id))</td><td>\#(state)</td><td>\#(actions)</td></tr>
            """#
        }, separator: "")
        let kinds = HTML(PublicDocument.Kind.allCases.map { #"<option value="\#($0.rawValue)">\#($0.title)</option>"# as HTML }, separator: "")
        out += """
        <section class="card" id="documents"><h2>Документы</h2>
        <p class="hint">Загруженный документ не виден на открытых страницах, пока не включено «Публиковать». Перед публикацией откройте файл и проверьте, что в нём нет фамилий наблюдателей, членов комиссии, детей и учителей.</p>
        \(documents.isEmpty ? "<p>Документов пока нет.</p>" as HTML : #"<div class="table-wrap"><table><thead><tr><th>Документ</th><th>Чей</th><th>Состояние</th><th></th></tr></thead><tbody>\#(docRows)</tbody></table></div>"#)
        \(scope.canPublish ? """
        <h3>Загрузить документ</h3>
        <form method="post" action="\(ctx.uploadAction(Site.publicDocumentCreate.url))" enctype="multipart/form-data">
        <label for="doc-kind">Вид документа</label><select id="doc-kind" name="kind">\(kinds)</select>
        <label for="doc-title">Название</label><input type="text" id="doc-title" name="title" maxlength="300" required placeholder="О проведении всероссийских проверочных работ в 2026 году">
        <label for="doc-number">Номер</label><input type="text" id="doc-number" name="number" maxlength="40">
        <label for="doc-date">Дата документа</label><input type="text" id="doc-date" name="date" placeholder="ДД.ММ.ГГГГ">
        <label for="doc-file">Файл (PDF, DOCX, DOC, ODT, XLSX, RTF)</label><input type="file" id="doc-file" name="file" required accept=".pdf,.docx,.doc,.odt,.xlsx,.rtf">
        <div class="actions"><button class="btn" type="submit">Загрузить</button></div></form>
        """ as HTML : "")
        </section>
        """
        // District settings.
        if scope.isDistrict || scope.user.role == .admin {
            let rows = HTML(schools.map { s in
                let on = setting(s)?.showResults ?? false
                return #"<div class="check"><input type="checkbox" id="results-\#(s.login)" name="results-\#(s.login)"\#(on ? " checked" as HTML : "")\#(scope.isDistrict ? "" : " disabled" as HTML)><label for="results-\#(s.login)">\#(s.shortName)</label></div>"# as HTML
            }, separator: "")
            out += """
            <section class="card" id="settings"><h2>Настройки публикации</h2>
            <form method="post" action="\(Site.publicationSettings.url)">\(ctx.csrfField)
            <label for="minimum">Наименьшая публикуемая группа, участников</label><input type="number" id="minimum" name="minimum" min="5" max="100" value="\(minimum)"\(scope.isDistrict ? "" : " disabled" as HTML)>
            <p class="hint">Показатели группы меньшего размера не публикуются; если скрыта одна часть итога, скрывается и следующая по размеру.</p>
            <h3>Результаты школы на её открытой странице</h3>
            <p class="hint">Результаты школы показываются только на её собственной странице, никогда рядом с другими школами.</p>
            \(rows)
            \(scope.isDistrict ? #"<div class="actions"><button class="btn" type="submit">Сохранить</button></div>"# as HTML : "")
            </form></section>
            """
        }
        // Blocks for the schools' websites.
        let blocks = HTML(schools.map { s in
            let origins = setting(s)?.siteOrigins ?? ""
            let editable = scope.isDistrict || (scope.user.role == .head && s.id == scope.school?.id)
            return #"""
            <details class="card" id="school-\#(s.login)"\#(scope.school != nil ? " open" as HTML : "")><summary><strong>\#(s.shortName)</strong> — <a href="\#(Site.publicSchool.url(s.login))">открытая страница</a>\#(origins.isEmpty ? " · сайт не указан" : "")</summary>
            <form method="post" action="\#(Site.publicationSchool.url(s.id!))">\#(ctx.csrfField)
            <label for="origins-\#(s.login)">Адрес сайта школы (по одному в строке)</label>
            <textarea id="origins-\#(s.login)" name="origins" rows="2" placeholder="https://school1.edu.ru"\#(editable ? "" : " disabled" as HTML)>\#(origins)</textarea>
            <p class="hint">Блок показывается только на перечисленных сайтах; на любом другом браузер его не откроет.</p>
            \#(editable ? #"<div class="actions"><button class="btn secondary" type="submit">Сохранить адреса</button></div>"# as HTML : "")</form>
            <label for="snippet-\#(s.login)">Код блока для сайта школы</label>
            <textarea id="snippet-\#(s.login)" readonly rows="3" class="code">\#(Self.snippet(base: base, school: s))</textarea>
            <p class="hint">Скопируйте код и вставьте его в HTML-страницу сайта школы (раздел «Независимая оценка качества» или «ВПР»).</p>
            </details>
            """#
        }, separator: "")
        out += #"<section id="blocks"><h2>Блок для сайта школы</h2>\#(blocks)</section>"#
        return out
    }
}
