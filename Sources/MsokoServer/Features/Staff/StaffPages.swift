import MsokoCore
import Vapor

extension HTML {
    /// Where a person stands in the three-year cycle, as a coloured badge.
    static func courseBadge(_ s: CourseStatus) -> HTML {
        let style: String
        switch s {
        case .current: style = "st-done"
        case .due: style = "st-inProgress"
        case .overdue: style = "st-overdue"
        case .none: style = "st-notStarted"
        }
        return #"<span class="badge \#(style)">\#(s.title)</span>"#
    }
}

/// The staff list (3.4): who is due for courses, by school; adding people one by one or from a list.
struct StaffList {
    var all: [StaffRow]
    var rows: [StaffRow]
    var today: LocalDate
    var schoolFilter: String
    var statusFilter: CourseStatus?
    var schools: [(value: String, label: String)]
    var canEdit: Bool
    var isHead: Bool
    var accounts: [User]
    var imports: [StaffImport]
    var names: [String: String]
    var zone: TimeZone

    func view(_ ctx: PageContext) -> HTML {
        func count(_ s: CourseStatus) -> Int { all.filter { $0.status == s }.count }
        func link(_ s: CourseStatus?) -> SiteURL {
            Site.staff.url.query(["school": schoolFilter.isEmpty ? nil : schoolFilter, "status": s?.rawValue])
        }
        var html: HTML = """
        <h1>Кадры и курсы повышения квалификации</h1>\(ctx.flash)
        <p class="hint">Мероприятие 3.4: педагоги, заместители руководителей и специалисты Управления проходят курсы не реже раза в три года. Следующий срок — через три года после окончания последнего курса; «срок подходит» — в ближайшие шесть месяцев (на \(today.russian)).</p>
        <div class="grid" style="margin:12px 0">
        <a href="\(link(nil))" class="stat"><div class="num">\(all.count)</div><div class="lbl">работников</div></a>
        <a href="\(link(.current))" class="stat ok"><div class="num">\(count(.current))</div><div class="lbl">курсы действуют</div></a>
        <a href="\(link(.due))" class="stat"><div class="num">\(count(.due))</div><div class="lbl">срок подходит</div></a>
        <a href="\(link(.overdue))" class="stat\(count(.overdue) > 0 ? " bad" : "")"><div class="num">\(count(.overdue))</div><div class="lbl">срок прошёл</div></a>
        <a href="\(link(.none))" class="stat\(count(.none) > 0 ? " bad" : "")"><div class="num">\(count(.none))</div><div class="lbl">курсов нет</div></a>
        </div>
        <p class="actions no-print"><a class="btn secondary" href="\(Site.staffCoverage.url)">Охват по школам и направлениям</a> <a class="btn secondary" href="\(Site.staffNeeds.url)">Потребности команд</a>
        <a class="btn secondary" href="\(Site.staffReportDocx.url)">Отчёт (DOCX)</a> <a class="btn secondary" href="\(Site.staffReportXlsx.url)">Таблицы (XLSX)</a></p>
        """
        if !isHead {
            html += """
            <form method="get" action="\(Site.staff.url)" class="filters no-print">
            \(HTML.schoolSelect(id: "f-school", name: "school", label: "Организация", schools: schools, selected: schoolFilter, blank: "все"))
            <label for="f-status">Статус</label><select id="f-status" name="status"><option value="">все</option>\(HTML.options(CourseStatus.allCases.map { ($0.rawValue, $0.title) }, selected: statusFilter?.rawValue))</select>
            <button class="btn secondary" type="submit">Показать</button></form>
            """
        }
        if rows.isEmpty {
            html += all.isEmpty ? HTML.emptyState(canEdit ? "Список работников пока пуст. Загрузите его из файла или добавьте людей по одному (формы ниже)." : "Список работников пока пуст.")
                                : HTML.emptyState("Никого с такими условиями.")
        } else {
            html += HTML.table(head: #"<th>ФИО</th><th>Организация</th><th>Должность</th><th>Предметы</th><th>Последний курс окончен</th><th>Следующий срок</th><th>Статус</th>"#,
                               rows: rows.map { r in
                                   #"<tr><td><a href="\#(Site.staffMember.url(r.member.id!))">\#(r.member.name)</a></td><td>\#(r.schoolName)</td><td>\#(r.member.position)</td><td>\#(r.member.subjectList.joined(separator: ", "))</td><td>\#(r.lastEnd?.russian ?? "—")</td><td>\#(r.nextDue?.russian ?? "—")</td><td>\#(HTML.courseBadge(r.status))</td></tr>"#
                               })
        }
        if canEdit { html += forms(ctx) }
        return html
    }

    func forms(_ ctx: PageContext) -> HTML {
        var html: HTML = """
        <section class="card no-print"><h2>Добавить работника</h2>
        <form method="post" action="\(Site.staffAdd.url)">\(ctx.csrfField)
        <label for="s-name">ФИО</label><input type="text" id="s-name" name="name" required maxlength="200" autocomplete="off">
        <label for="s-position">Должность</label><input type="text" id="s-position" name="position" required maxlength="200" placeholder="учитель математики">
        \(isHead ? "" : HTML.schoolSelect(id: "s-school", name: "school", label: "Организация", schools: schools))
        <label for="s-subjects">Предметы (через запятую)</label><input type="text" id="s-subjects" name="subjects" maxlength="1000" placeholder="Математика, Информатика">
        <input type="hidden" name="account" value="auto">
        <p class="hint">Учётная запись msoko с тем же ФИО в этой организации будет связана с работником сама.</p>
        <div class="actions"><button class="btn" type="submit">Добавить</button></div>
        </form></section>
        <section class="card no-print"><h2>Загрузить список из файла</h2>
        <p>XLSX или CSV со строкой заголовка «ФИО», «Должность», «ОО», «Предметы»: один работник в строке; «ОО» — логин ФИС ОКО или название школы\(isHead ? " (можно не заполнять: ваша школа)" : ", пусто — работник Управления образования"); предметы через запятую.
        Файл принимается целиком или не принимается вовсе: ошибки перечисляются по строкам. Уже внесённые работники (то же ФИО в той же организации) обновляются, их курсы сохраняются; тех, кого нет в файле, список не удаляет.</p>
        <form method="post" action="\(ctx.uploadAction(Site.staffImport.url))" enctype="multipart/form-data">
        <label for="s-file">Файл списка</label><input type="file" id="s-file" name="file" accept=".xlsx,.xls,.ods,.csv,.txt" required>
        <div class="actions"><button class="btn" type="submit">Загрузить</button></div>
        </form>
        """
        if !imports.isEmpty {
            html += HTML.table(head: "<th>Загружен</th><th>Файл</th><th>Кем</th><th>Итог</th>", rows: imports.map { i in
                let when = i.createdAt.map { LocalDate($0, in: zone).russian } ?? ""
                return #"<tr><td>\#(when)</td><td><a href="\#(Site.staffImportFile.url(i.id!))">\#(i.fileName)</a></td><td>\#(People.name(i.uploadedBy, in: names))</td><td>\#(i.outcome)</td></tr>"#
            })
        }
        html += "</section>"
        return html
    }
}

/// A person's page: what they do, their courses with certificates, the next due date.
struct StaffMemberPage {
    var row: StaffRow
    var today: LocalDate
    var files: [UUID: [CourseFile]]
    var canEdit: Bool
    var schools: [(value: String, label: String)]
    var accounts: [User]
    /// The person's ИОМ, for their school's head only (nil: not shown).
    var plans: [DevelopmentPlan]? = nil
    var schoolYear = ""
    var headKeepsPlans = false

    func view(_ ctx: PageContext) -> HTML {
        let m = row.member
        let account = accounts.first { $0.id == m.userID }
        var html: HTML = """
        <h1>\(m.name)</h1>\(ctx.flash)
        <p>\(m.position), \(row.schoolName)\(m.subjectList.isEmpty ? "" : "; предметы: \(m.subjectList.joined(separator: ", "))").\(account.map { " Учётная запись msoko: \($0.login)." } ?? "")</p>
        <p>\(HTML.courseBadge(row.status)) \(summary)</p>
        <h2>Курсы</h2>
        """
        if row.courses.isEmpty {
            html += HTML.emptyState("Курсов не записано.")
        } else {
            html += HTML.table(head: #"<th>Курс</th><th>Организация</th><th class="num">Часов</th><th>Даты</th><th>Направление</th><th>Удостоверение</th>\#(canEdit ? "<th class=\"no-print\"></th>" as HTML : "")"#,
                               rows: row.courses.map { c in
                                   let fileLinks = HTML((files[c.id!] ?? []).map { #" <a href="\#(Site.courseFile.url($0.id!))">\#($0.fileName)</a>"# as HTML })
                                   let counts = CourseCycle.counts(end: c.end, today: today)
                                   return """
                                   <tr><td>\(c.title)\(counts ? "" : #" <span class="muted">(более трёх лет назад)</span>"# as HTML)</td><td>\(c.provider)<br><small class="muted">\(c.kind.title)</small></td><td class="num">\(c.hours)</td>
                                   <td>\(c.start.russian)–\(c.end.russian)</td><td>\(c.courseDirection.title)</td><td>\(c.certificateNumber.isEmpty ? "—" : "№ \(c.certificateNumber)")\(fileLinks)</td>
                                   \(canEdit ? #"<td class="no-print"><a href="\#(Site.courseDeleteConfirm.url(c.id!))">удалить</a></td>"# as HTML : "")</tr>
                                   """
                               })
        }
        if let plans, headKeepsPlans {
            html += #"<h2 id="iom">Индивидуальный образовательный маршрут (ИОМ)</h2>"#
            html += plans.isEmpty ? #"<p class="muted">ИОМ не составлялся.</p>"# : HTML.table(head: "<th>Учебный год</th><th>Направление</th><th>Состояние</th>", rows: plans.map { p in
                #"<tr><td><a href="\#(Site.developmentPlan.url(p.id!))">\#(p.schoolYear)</a></td><td>\#(p.courseDirection.title)</td><td>\#(p.isDone ? "выполнен" : "в работе")</td></tr>"#
            })
            html += #"<details class="card no-print"><summary>Составить ИОМ по диагностике педагога</summary>\#(DevelopmentPlans.form(ctx, action: Site.developmentPlanAdd.url(m.id!), plan: nil, schoolYear: schoolYear))</details>"#
        }
        if canEdit { html += forms(ctx) }
        return html
    }

    var summary: String {
        guard let last = row.lastEnd, let due = row.nextDue else { return "Курсов не записано — работнику нужно пройти курсы." }
        switch row.status {
        case .overdue: return "Последний курс окончен \(last.russian); срок следующего прошёл \(due.russian)."
        case .due: return "Последний курс окончен \(last.russian); следующий нужно пройти до \(due.russian)."
        default: return "Последний курс окончен \(last.russian); следующий — до \(due.russian)."
        }
    }

    func forms(_ ctx: PageContext) -> HTML {
        let m = row.member
        let id = m.id!
        let accountChoices = [("", "не связана")] + accounts.map { ($0.id!.uuidString, "\($0.name) (\($0.login))") }
        return """
        <section class="card no-print"><h2>Записать курс</h2>
        <form method="post" action="\(ctx.uploadAction(Site.courseAdd.url(id)))" enctype="multipart/form-data">
        <label for="c-title">Название курса</label><input type="text" id="c-title" name="title" required maxlength="500">
        <label for="c-provider">Организация, проводившая обучение</label><input type="text" id="c-provider" name="provider" required maxlength="300">
        <label for="c-kind">Вид организации</label><select id="c-kind" name="providerKind">\(HTML.options(ProviderKind.allCases.map { ($0.rawValue, $0.title) }))</select>
        <p class="hint">С 1 сентября 2025 года дополнительное профессиональное образование педагогов общеобразовательных организаций — в государственных и муниципальных организациях.</p>
        <label for="c-hours">Часов</label><input type="number" id="c-hours" name="hours" min="1" max="3000" required>
        <label for="c-start">Начало</label><input type="text" id="c-start" name="start" placeholder="ДД.ММ.ГГГГ" required>
        <label for="c-end">Окончание</label><input type="text" id="c-end" name="end" placeholder="ДД.ММ.ГГГГ" required>
        <label for="c-direction">Направление (мероприятие 3.4)</label><select id="c-direction" name="direction">\(HTML.options(CourseDirection.allCases.map { ($0.rawValue, $0.title) }))</select>
        <label for="c-number">Номер удостоверения</label><input type="text" id="c-number" name="certificate" maxlength="100">
        <label for="c-file">Скан удостоверения (PDF, JPG, PNG)</label><input type="file" id="c-file" name="file" accept=".pdf,.jpg,.jpeg,.png">
        <div class="actions"><button class="btn" type="submit">Записать</button></div>
        </form></section>
        <details class="card no-print"><summary>Изменить сведения о работнике</summary>
        <form method="post" action="\(Site.staffUpdate.url(id))">\(ctx.csrfField)
        <label for="e-name">ФИО</label><input type="text" id="e-name" name="name" value="\(m.name)" required maxlength="200">
        <label for="e-position">Должность</label><input type="text" id="e-position" name="position" value="\(m.position)" required maxlength="200">
        \(schools.count > 1 ? HTML.schoolSelect(id: "e-school", name: "school", label: "Организация", schools: schools, selected: m.$school.id?.uuidString ?? "department") : "")
        <label for="e-subjects">Предметы (через запятую)</label><input type="text" id="e-subjects" name="subjects" value="\(m.subjectList.joined(separator: ", "))" maxlength="1000">
        <label for="e-account">Учётная запись msoko</label><select id="e-account" name="account">\(HTML.options(accountChoices, selected: m.userID?.uuidString ?? ""))</select>
        <div class="actions"><button class="btn" type="submit">Сохранить</button> <a class="btn danger" href="\(Site.staffDeleteConfirm.url(id))">Удалить из списка…</a></div>
        </form></details>
        """
    }
}
