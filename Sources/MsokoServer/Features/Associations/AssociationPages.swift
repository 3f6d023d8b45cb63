import MsokoCore
import Vapor

/// The list of associations: the district's and the schools', with their leaders and work so far.
struct AssociationList {
    struct Row {
        var association: MethodAssociation
        var leader: String?
        var members: Int
        var held: Int
        var planned: Int
        var recommendations: Int
    }

    var rows: [Row]
    var canCreate: Bool
    var isHead: Bool
    var schools: [(value: String, label: String)]
    var leaders: [(value: String, label: String)]

    func view(_ ctx: PageContext) -> HTML {
        var html: HTML = """
        <h1>Методические объединения</h1>\(ctx.flash)
        <p class="hint">Мероприятие 3.1: районные и школьные методические объединения по вопросам проведения, оценивания и использования результатов оценочных процедур. Заседания — в реестре совещаний (повестка, протокол, решения); рекомендации — в <a href="\(Site.recommendations.url)">библиотеке методических рекомендаций</a>.</p>
        """
        if rows.isEmpty {
            html += HTML.emptyState(canCreate ? "Объединений пока нет. Создайте первое (форма ниже)." : "Объединений пока нет.")
        } else {
            html += HTML.table(head: #"<th>Объединение</th><th>Предмет</th><th>Руководитель</th><th class="num">Участников</th><th class="num">Заседаний проведено</th><th class="num">Запланировано</th><th class="num">Рекомендаций</th>"#,
                               rows: rows.map { r in
                                   let a = r.association
                                   return #"<tr><td><a href="\#(Site.association.url(a.id!))">\#(a.name)</a><br><small class="muted">\#(a.school?.shortName ?? "район")</small></td><td>\#(a.subject)</td><td>\#(r.leader ?? "не назначен")</td><td class="num">\#(r.members)</td><td class="num">\#(r.held)</td><td class="num">\#(r.planned)</td><td class="num">\#(r.recommendations)</td></tr>"#
                               })
        }
        if canCreate {
            html += """
            <section class="card no-print"><h2>Создать объединение</h2>
            <form method="post" action="\(Site.associationCreate.url)">\(ctx.csrfField)
            \(isHead ? "" : HTML.schoolSelect(id: "a-school", name: "school", label: "Объединение", schools: schools))
            <label for="a-name">Название</label><input type="text" id="a-name" name="name" required maxlength="200" placeholder="\(isHead ? "ШМО учителей начальных классов" : "РМО учителей математики")">
            <label for="a-subject">Предмет</label><input type="text" id="a-subject" name="subject" required maxlength="100" placeholder="Математика">
            <label for="a-leader">Руководитель</label><select id="a-leader" name="leader"><option value="">не назначен</option>\(HTML.options(leaders))</select>
            <p class="hint">РМО руководит методист района, ШМО — учитель этой школы: отметка даёт ему страницы объединения (участники, план заседаний, протоколы, рекомендации).</p>
            <div class="actions"><button class="btn" type="submit">Создать</button></div>
            </form></section>
            """
        }
        return html
    }
}

/// An association's page: leader, members, the plan of sittings for the year, recommendations.
struct AssociationPage {
    var association: MethodAssociation
    var leader: User?
    var members: [AssociationMember]
    var candidates: [StaffMember]
    var sittings: [Meeting]
    var recommendations: [Recommendation]
    var today: LocalDate
    var keeps: Bool
    var manages: Bool
    var leaders: [User]

    func view(_ ctx: PageContext) -> HTML {
        let a = association
        let id = a.id!
        var html: HTML = """
        <h1>\(a.name)</h1>\(ctx.flash)
        <p>\(a.kindTitle.capitalizedFirst)\(a.school.map { ", \($0.shortName)" } ?? ""); предмет: \(a.subject)</p>
        <p>Руководитель: \(leader?.name ?? "не назначен")</p>
        <h2>План заседаний</h2>
        """
        if sittings.isEmpty {
            html += HTML.emptyState("Заседаний пока нет.")
        } else {
            html += HTML.table(head: "<th>Дата</th><th>Тема</th><th>Состояние</th><th class=\"no-print\">Документы</th>", rows: sittings.map { m in
                let held = m.localDate <= today
                return #"<tr><td class="nowrap">\#(m.localDate.russian)\#(m.time.isEmpty ? "" : " \(m.time)")</td><td><a href="\#(Site.meeting.url(m.id!))">\#(m.title)</a></td><td>\#(held ? #"<span class="badge st-done">проведено</span>"# as HTML : #"<span class="badge st-notStarted">запланировано</span>"#)</td><td class="no-print">\#(held ? #"<a href="\#(Site.meetingProtocol.url(m.id!))">Протокол</a> · <a href="\#(Site.sittingRecommendations.url(m.id!))">Методические рекомендации</a>"# as HTML : "—")</td></tr>"#
            })
        }
        if keeps {
            html += """
            <details class="card no-print"><summary>Добавить заседание в план</summary>
            <form method="post" action="\(Site.associationSittingAdd.url(id))">\(ctx.csrfField)
            <div class="filter-row"><div><label for="s-date">Дата</label><input type="text" id="s-date" name="date" placeholder="ДД.ММ.ГГГГ" required></div>
            <div><label for="s-time">Время</label><input type="text" id="s-time" name="time" placeholder="15:00"></div></div>
            <label for="s-topic">Тема</label><input type="text" id="s-topic" name="topic" required maxlength="300" placeholder="Анализ результатов ВПР и типичные ошибки оценивания">
            <label for="s-place">Место</label><input type="text" id="s-place" name="place" maxlength="300">
            <p class="hint">Участники объединения войдут в список присутствующих; повестку, протокол и решения ведите на странице заседания.</p>
            <div class="actions"><button class="btn" type="submit">Добавить</button></div>
            </form></details>
            """
        }
        html += "<h2>Участники</h2>" as HTML
        if members.isEmpty {
            html += HTML.emptyState("Участников пока нет.")
        } else {
            html += HTML.table(head: "<th>ФИО</th><th>Организация</th><th>Должность</th>\(keeps ? "<th class=\"no-print\"></th>" as HTML : "")", rows: members.map { m in
                #"<tr><td>\#(m.staff.name)</td><td>\#(m.staff.school?.shortName ?? StaffStore.department)</td><td>\#(m.staff.position)</td>\#(keeps ? #"<td class="no-print">\#(HTML.postButton(ctx, action: Site.associationMemberDelete.url(m.id!), label: "Исключить"))</td>"# as HTML : "")</tr>"#
            })
        }
        if keeps {
            html += candidates.isEmpty ? #"<p class="hint no-print">Все работники из списка «Кадры и курсы»\#(a.isDistrict ? "" : " этой школы") уже в объединении (или список пуст).</p>"# : """
            <form method="post" action="\(Site.associationMemberAdd.url(id))" class="no-print filters">\(ctx.csrfField)
            <label for="m-staff">Работник</label><select id="m-staff" name="staff">\(HTML.options(candidates.map { ($0.id!.uuidString, "\($0.name) — \($0.position), \($0.school?.shortName ?? StaffStore.department)") }))</select>
            <button class="btn secondary" type="submit">Добавить участника</button></form>
            """
        }
        html += "<h2>Рекомендации объединения</h2>" as HTML
        html += recommendations.isEmpty ? HTML.emptyState("Рекомендаций пока нет.") : RecommendationViews.table(recommendations)
        if keeps {
            html += RecommendationViews.form(ctx, associations: [(id.uuidString, a.name)], sittings: sittings.map { ($0.id!.uuidString, "\($0.localDate.russian) — \($0.title)") }, subject: a.subject)
        }
        if manages {
            html += """
            <details class="card no-print"><summary>Изменить объединение</summary>
            <form method="post" action="\(Site.associationUpdate.url(id))">\(ctx.csrfField)
            <label for="e-name">Название</label><input type="text" id="e-name" name="name" value="\(a.name)" required maxlength="200">
            <label for="e-subject">Предмет</label><input type="text" id="e-subject" name="subject" value="\(a.subject)" required maxlength="100">
            <label for="e-leader">Руководитель</label><select id="e-leader" name="leader"><option value="">не назначен</option>\(HTML.options(leaders.map { ($0.id!.uuidString, $0.name) }, selected: a.leaderID?.uuidString))</select>
            <div class="actions"><button class="btn" type="submit">Сохранить</button> <a class="btn danger" href="\(Site.associationDeleteConfirm.url(id))">Удалить объединение…</a></div>
            </form></details>
            """
        }
        return html
    }
}
