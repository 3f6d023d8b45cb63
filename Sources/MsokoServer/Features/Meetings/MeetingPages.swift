import Foundation
import MsokoCore
import Vapor

extension HTML {
    /// A decision's status as a badge, in the checkpoints' colours.
    static func badge(_ status: DecisionStatus) -> HTML {
        let cls: String
        switch status {
        case .assigned: cls = "st-notStarted"
        case .inProgress: cls = "st-inProgress"
        case .done: cls = "st-done"
        case .overdue: cls = "st-overdue"
        case .cancelled: cls = "st-notStarted"
        }
        return #"<span class="badge \#(cls)">\#(status.title)</span>"#
    }
}

/// «Совещания и решения»: the meetings the user sees, newest first, filtered by kind.
struct MeetingList {
    var rows: [(meeting: Meeting, items: Int, decisions: Int)]
    var kind: MeetingKind?
    var canCreate: Bool
    var role: Role
    var openDecisions: Int
    var overdue: Int
    /// The first working day of the coming (or current) September, offered for the interviews.
    var scheduleFrom: LocalDate

    func view(_ ctx: PageContext) -> HTML {
        var html: HTML = "<h1>Совещания и решения</h1>\(ctx.flash)"
        html += #"<p class="muted">Совещания руководителей по объективности (мероприятие 1.5), собеседования с руководителями школ (2.4), заседания методических объединений, педагогических советов и комиссий; решения с ответственными и сроками и отчёты об их исполнении.</p>"#
        var actions: [HTML] = []
        if canCreate { actions.append(#"<a class="btn" href="\#(Site.meetingNew.url)">Новое заседание</a>"#) }
        actions.append(#"<a class="btn secondary" href="\#(Site.decisions.url)">Реестр решений</a>"#)
        if Site.loop.admits(role) { actions.append(#"<a class="btn secondary" href="\#(Site.loop.url)">Анализ эффективности принятых мер</a>"#) }
        if Site.meetingTemplates.admits(role) { actions.append(#"<a class="btn secondary" href="\#(Site.meetingTemplates.url)">Шаблоны протокола и приказа</a>"#) }
        html += #"<div class="actions no-print">\#(HTML(actions, separator: " "))</div>"#
        html += #"<div class="grid" style="margin:16px 0">\#(HTML.stat(rows.count, "заседаний"))\#(HTML.stat(openDecisions, "решений на контроле"))\#(HTML.stat(overdue, "просрочено", overdue > 0 ? "bad" : ""))</div>"#
        let kinds = [("", "все виды")] + MeetingKind.allCases.map { ($0.rawValue, $0.title) }
        html += #"""
        <form method="get" action="\#(Site.meetings.url)" class="no-print filter-row"><div><label for="kind">Вид</label><select id="kind" name="kind">\#(HTML.options(kinds, selected: kind?.rawValue ?? ""))</select></div>
        <div><button class="btn secondary" type="submit">Показать</button></div></form>
        """#
        if Site.interviewsSchedule.admits(role) {
            html += #"""
            <details class="no-print"><summary>Запланировать собеседования с руководителями (2.4)</summary>
            <form method="post" action="\#(Site.interviewsSchedule.url)" class="card">\#(ctx.csrfField)
            <div class="filter-row"><div><label for="start">С какого дня</label><input type="text" id="start" name="start" placeholder="ДД.ММ.ГГГГ" value="\#(scheduleFrom.russian)" required></div>
            <div><label for="sched-place">Место</label><input type="text" id="sched-place" name="place" value="Управление образования" maxlength="300"></div></div>
            <p class="hint">По собеседованию на каждую школу, у которой его ещё нет в этом учебном году: четыре в рабочий день (10:00, 11:00, 14:00, 15:00). К каждому msoko готовит материалы: результаты, объективность, перепроверка, пробелы, открытые решения.</p>
            <div class="actions"><button class="btn" type="submit">Запланировать</button></div></form></details>
            """#
        }
        guard !rows.isEmpty else {
            html += HTML.emptyState(kind == nil ? "Заседаний пока нет." : "Заседаний этого вида нет.",
                                          more: canCreate ? #"<p class="muted">Создайте заседание: повестка совещания руководителей заполнится находками по объективности последних процедур.</p>"# : "")
            return html
        }
        html += HTML.table(head: #"<th>Дата</th><th>Вид</th><th>Тема</th><th class="num">Вопросов</th><th class="num">Решений</th>"#, rows: rows.map { r in
            let m = r.meeting
            let school: HTML = m.school.map { #"<br><small class="muted">\#($0.shortName)</small>"# } ?? ""
            return #"<tr><td class="nowrap">\#(m.localDate.russian)\#(m.time.isEmpty ? "" : " \(m.time)")</td><td>\#(m.kindTitle)\#(school)</td><td><a href="\#(Site.meeting.url(m.id!))">\#(m.title)</a></td><td class="num">\#(r.items)</td><td class="num">\#(r.decisions)</td></tr>"#
        })
        return html
    }
}

/// The form of a meeting's header: new, or edited on its page.
struct MeetingForm {
    struct Values {
        var kind: MeetingKind
        var kindName: String
        var title: String
        var number: String
        var date: String
        var time: String
        var place: String
        var school: UUID?
        var chair: UUID?
        var chairName: String
        var chairPost: String
        var secretary: UUID?
        var secretaryName: String
        var secretaryPost: String

        init(kind: MeetingKind, kindName: String, title: String, number: String, date: String, time: String, place: String, school: UUID?,
             chair: UUID?, chairName: String, chairPost: String, secretary: UUID?, secretaryName: String, secretaryPost: String) {
            self.kind = kind; self.kindName = kindName; self.title = title; self.number = number; self.date = date; self.time = time; self.place = place
            self.school = school; self.chair = chair; self.chairName = chairName; self.chairPost = chairPost; self.secretary = secretary
            self.secretaryName = secretaryName; self.secretaryPost = secretaryPost
        }

        init(_ m: Meeting) {
            self.init(kind: m.meetingKind, kindName: m.kindName, title: m.title, number: m.number, date: m.localDate.russian, time: m.time, place: m.place,
                      school: m.$school.id, chair: m.chairID, chairName: m.chairName, chairPost: m.chairPost, secretary: m.secretaryID,
                      secretaryName: m.secretaryName, secretaryPost: m.secretaryPost)
        }
    }

    var values: Values
    var kinds: [MeetingKind]
    var people: [(User, School?)]
    var schools: [School]
    var isNew: Bool
    var action: SiteURL
    var schoolFixed: Bool

    func personFields(_ field: String, _ name: String, selected: UUID?, typedName: String, typedPost: String) -> HTML {
        let options = [("", "— вписать —")] + people.map { ($0.0.id!.uuidString, MeetingStore.person($0.0, school: $0.1)) }
        return #"""
        <div class="filter-row"><div><label for="\#(name)">\#(field)</label><select id="\#(name)" name="\#(name)">\#(HTML.options(options, selected: selected?.uuidString ?? ""))</select></div>
        <div><label for="\#(name)Name">ФИО (если не из списка или иначе)</label><input type="text" id="\#(name)Name" name="\#(name)Name" value="\#(typedName)" maxlength="200"></div>
        <div><label for="\#(name)Post">Должность</label><input type="text" id="\#(name)Post" name="\#(name)Post" value="\#(typedPost)" maxlength="200"></div></div>
        """#
    }

    func fields(_ ctx: PageContext) -> HTML {
        let v = values
        let kindField: HTML = isNew
            ? #"<label for="kind">Вид</label><select id="kind" name="kind">\#(HTML.options(kinds.map { ($0.rawValue, $0.title) }, selected: v.kind.rawValue))</select>"#
            : #"<p><b>\#(v.kind.title)</b></p>"#
        let schoolOptions = schools.map { ($0.id!.uuidString, $0.shortName) }
        let schoolField: HTML = schoolFixed
            ? (schools.first.map { #"<p>Школа: <b>\#($0.shortName)</b></p>"# } ?? "")
            : HTML.schoolSelect(id: "school", name: "school", label: "Школа (для собеседования, педсовета, ШМО)", schools: schoolOptions, selected: v.school?.uuidString, blank: "— район —")
        var html: HTML = #"""
        <form method="post" action="\#(action)" class="card">\#(ctx.csrfField)
        \#(kindField)
        <label for="kindName">Название вида (для «Другое»)</label><input type="text" id="kindName" name="kindName" value="\#(v.kindName)" maxlength="120">
        <label for="title">Тема</label><input type="text" id="title" name="title" value="\#(v.title)" required maxlength="300">
        <div class="filter-row"><div><label for="date">Дата</label><input type="text" id="date" name="date" value="\#(v.date)" placeholder="ДД.ММ.ГГГГ" required></div>
        <div><label for="time">Время</label><input type="text" id="time" name="time" value="\#(v.time)" placeholder="ЧЧ:ММ"></div>
        <div><label for="number">Номер протокола</label><input type="text" id="number" name="number" value="\#(v.number)" maxlength="30"></div></div>
        <label for="place">Место или ссылка</label><input type="text" id="place" name="place" value="\#(v.place)" maxlength="300">
        \#(schoolField)
        \#(personFields("Председатель", "chair", selected: v.chair, typedName: isNew ? "" : v.chairName, typedPost: isNew ? "" : v.chairPost))
        \#(personFields("Секретарь", "secretary", selected: v.secretary, typedName: isNew ? "" : v.secretaryName, typedPost: isNew ? "" : v.secretaryPost))
        """#
        if isNew {
            if kinds.contains(.headsMeeting) {
                html += #"""
                <fieldset><legend>Совещание руководителей ОО</legend>
                <label class="check"><input type="checkbox" name="inviteHeads" value="1" checked> Пригласить руководителей всех школ района</label>
                <label class="check"><input type="checkbox" name="prefill" value="1" checked> Внести в повестку находки по объективности последних процедур (по школе — отдельный вопрос; каждая школа видит только свой)</label>
                </fieldset>
                """#
            }
            html += #"<p class="hint">Повестка откроется открытыми и просроченными решениями прошлых заседаний того же вида (для собеседования — прошлых собеседований с этой школой).</p>"#
        }
        html += #"<div class="actions"><button class="btn" type="submit">\#(isNew ? "Создать заседание" : "Сохранить")</button></div></form>"#
        return html
    }

    func view(_ ctx: PageContext) -> HTML {
        "<h1>Новое заседание</h1>\(ctx.flash)\(fields(ctx))"
    }
}

/// A meeting's page: the header, the documents, participants, the agenda opening with the earlier
/// decisions still open, and per item its minutes and decisions; for its editors, the forms.
struct MeetingPage {
    struct Editing {
        var people: [(User, School?)]
        var schools: [School]
        var choices: [RecordLink.Choice]
        var owners: [DecisionsController.OwnerChoice]
    }

    var l: LoadedMeeting
    var users: [UUID: User]
    var resolver: RecordLink.Resolver
    var editing: Editing?
    var role: Role

    var m: Meeting { l.meeting }

    func view(_ ctx: PageContext) -> HTML {
        var html: HTML = #"<h1>\#(m.kindTitle) \#(m.localDate.russian)</h1><p class="lead">«\#(m.title)»</p>"#
        var facts: [HTML] = []
        facts.append(#"<b>Дата:</b> \#(m.localDate.russian)\#(m.time.isEmpty ? "" : ", \(m.time)")"#)
        if !m.place.isEmpty { facts.append(#"<b>Место:</b> \#(m.place)"#) }
        if let s = l.school { facts.append(#"<b>Школа:</b> \#(s.shortName)"#) }
        if !m.number.isEmpty { facts.append(#"<b>Протокол №</b> \#(m.number)"#) }
        if !m.chairName.isEmpty { facts.append(#"<b>Председатель:</b> \#(m.chairName)\#(m.chairPost.isEmpty ? "" : ", \(m.chairPost)")"#) }
        if !m.secretaryName.isEmpty { facts.append(#"<b>Секретарь:</b> \#(m.secretaryName)\#(m.secretaryPost.isEmpty ? "" : ", \(m.secretaryPost)")"#) }
        html += #"<p>\#(HTML(facts, separator: "<br>"))</p>"#
        var actions: [HTML] = [#"<a class="btn secondary" href="\#(Site.meetingProtocol.url(l.id))">Протокол (DOCX)</a>"#]
        if m.meetingKind == .interview { actions.insert(#"<a class="btn" href="\#(Site.meetingDossier.url(l.id))">Материалы к собеседованию</a>"#, at: 0) }
        if Site.meetingOrder.admits(role) && (l.canEdit || l.viewer.seesDistrict) {
            actions.append(#"<a class="btn secondary" href="\#(Site.meetingOrder.url(l.id))">Проект приказа (DOCX)</a>"#)
        }
        if l.canEdit {
            let number = m.meetingKind.measure ?? "1.5"
            actions.append(#"<form method="post" action="\#(Site.meetingAttach.url(l.id))" class="inline">\#(ctx.csrfField)<button type="submit" class="btn secondary">Приложить протокол к отчёту по \#(number)</button></form>"#)
            if !l.decisions.isEmpty {
                actions.append(#"<form method="post" action="\#(Site.meetingAttach.url(l.id))" class="inline">\#(ctx.csrfField)<input type="hidden" name="document" value="order"><button type="submit" class="btn secondary">Приложить приказ к отчёту по \#(number)</button></form>"#)
            }
            actions.append(#"<a class="btn danger-outline" href="\#(Site.meetingDeleteConfirm.url(l.id))">Удалить заседание</a>"#)
        }
        html += #"<div class="actions no-print">\#(HTML(actions, separator: " "))</div>"#
        html += ctx.flash
        if l.viewer.isSchoolBound {
            html += #"<p class="muted">Показано то, что касается вашей школы.</p>"#
        }
        html += participants(ctx)
        html += agenda(ctx)
        if let e = editing { html += headerForm(e, ctx) }
        return html
    }

    func participants(_ ctx: PageContext) -> HTML {
        var html: HTML = #"<h2 id="participants">Участники (\#(l.participants.count + l.hiddenParticipants))</h2>"#
        if l.participants.isEmpty && l.hiddenParticipants == 0 {
            html += #"<p class="muted">Участники не указаны.</p>"#
        } else {
            let rows: [HTML] = l.participants.map { p in
                let remove: HTML = l.canEdit ? #"<form method="post" action="\#(Site.meetingParticipantDelete.url(p.id!))" class="inline no-print">\#(ctx.csrfField)<button type="submit" class="btn link">исключить</button></form>"# : ""
                return #"<li>\#(p.name)\#(p.post.isEmpty ? "" : ", \(p.post)") \#(remove)</li>"#
            }
            let more: HTML = l.hiddenParticipants > 0 ? #"<li class="muted">и ещё \#(l.hiddenParticipants) — руководители других школ</li>"# : ""
            html += #"<ul class="people">\#(HTML(rows))\#(more)</ul>"#
        }
        if let e = editing {
            let options = [("", "— вписать —")] + e.people.map { ($0.0.id!.uuidString, MeetingStore.person($0.0, school: $0.1)) }
            html += #"""
            <details class="no-print"><summary>Добавить участника</summary>
            <form method="post" action="\#(Site.meetingParticipantAdd.url(l.id))" class="card">\#(ctx.csrfField)
            <div class="filter-row"><div><label for="p-user">Пользователь msoko</label><select id="p-user" name="user">\#(HTML.options(options))</select></div>
            <div><label for="p-name">или ФИО</label><input type="text" id="p-name" name="name" maxlength="200"></div>
            <div><label for="p-post">Должность</label><input type="text" id="p-post" name="post" maxlength="200"></div></div>
            <div class="actions"><button class="btn" type="submit">Добавить</button></div></form></details>
            """#
        }
        return html
    }

    func owner(_ d: Decision) -> String { MeetingStore.ownerName(d, users: users) }

    func decisionRows(_ ds: [Decision]) -> HTML {
        HTML.table(head: #"<th>Решение</th><th>Ответственный</th><th>Срок</th><th>Состояние</th>"#, rows: ds.map { d in
            #"<tr><td><a href="\#(Site.decision.url(d.id!))">\#(d.text)</a>\#(d.reportForm.isEmpty ? "" : #"<br><small class="muted">отчёт: \#(d.reportForm)</small>"# as HTML)</td><td>\#(owner(d))</td><td class="nowrap">\#(d.deadlineDate?.russian ?? "—")</td><td>\#(HTML.badge(d.status(today: l.today)))</td></tr>"#
        })
    }

    func agenda(_ ctx: PageContext) -> HTML {
        var html: HTML = "<h2>Повестка и протокол</h2>"
        var n = 0
        if !l.carried.isEmpty {
            n += 1
            let overdue = l.carried.filter { $0.status(today: l.today) == .overdue }.count
            html += #"<section class="card"><h3>\#(n). \#(MeetingDocuments.carriedTitle)</h3><p class="muted">Открытые решения прошлых заседаний этого вида: \#(l.carried.count)\#(overdue > 0 ? ", из них просрочено \(overdue)" : "").</p>"#
            html += HTML.table(head: #"<th>Заседание</th><th>Решение</th><th>Ответственный</th><th>Срок</th><th>Состояние</th>"#, rows: l.carried.map { d in
                let from = d.$meeting.id.flatMap { l.carriedMeetings[$0] }
                return #"<tr><td class="nowrap">\#(from.map { $0.localDate.russian } ?? "—")</td><td><a href="\#(Site.decision.url(d.id!))">\#(d.text)</a></td><td>\#(owner(d))</td><td class="nowrap">\#(d.deadlineDate?.russian ?? "—")</td><td>\#(HTML.badge(d.status(today: l.today)))</td></tr>"#
            })
            html += "</section>"
        }
        if l.items.isEmpty && l.carried.isEmpty {
            html += HTML.emptyState("В повестке нет вопросов.")
        }
        for item in l.items {
            n += 1
            html += itemSection(item, number: n, ctx)
        }
        if let e = editing { html += addItemForm(e, ctx) }
        return html
    }

    func itemSection(_ item: MeetingItem, number: Int, _ ctx: PageContext) -> HTML {
        var html: HTML = #"<section class="card" id="item-\#(item.id!)"><h3>\#(number). \#(item.title)</h3>"#
        var meta: [HTML] = []
        if let s = item.schoolID.flatMap({ resolver.schools[$0] }), l.school == nil { meta.append(#"Школа: \#(s.shortName)"#) }
        if let link = resolver.shown(kind: item.linkKind, procedure: item.linkProcedureID, record: item.linkRecordID, school: item.schoolID, role: role) {
            meta.append(link.url.map { #"<a href="\#($0)">\#(link.label)</a>"# } ?? "\(link.label)")
        }
        if !meta.isEmpty { html += #"<p class="muted">\#(HTML(meta, separator: " · "))</p>"# }
        for (label, text) in [("Слушали", item.heard), ("Выступили", item.spoke), ("Решили", item.decided)] where !text.isEmpty {
            html += #"<p><b>\#(label.uppercased()):</b> \#(HTML.lines(text))</p>"#
        }
        let ds = l.decisions(of: item)
        if !ds.isEmpty { html += decisionRows(ds) }
        if let e = editing {
            html += itemForm(item, e, ctx)
            html += decisionForm(item, e, ctx)
        }
        html += "</section>"
        return html
    }

    func linkOptions(_ e: Editing, selected: String) -> HTML {
        var html: HTML = #"<option value="">— нет —</option>"#
        var groups: [String] = []
        for c in e.choices where !groups.contains(c.group) { groups.append(c.group) }
        for g in groups {
            html += #"<optgroup label="\#(g)">\#(HTML.options(e.choices.filter { $0.group == g }.map { ($0.value, $0.label) }, selected: selected))</optgroup>"#
        }
        return html
    }

    func itemFields(_ e: Editing, id: String, title: String, school: UUID?, link: String, heard: String, spoke: String, decided: String) -> HTML {
        let schoolField: HTML = l.school != nil ? "" : HTML.schoolSelect(id: "school-\(id)", name: "school", label: "Школа, которой касается вопрос (её руководитель увидит только свои вопросы)",
                                                                          schools: e.schools.map { ($0.id!.uuidString, $0.shortName) }, selected: school?.uuidString, blank: "— весь район —")
        return #"""
        <label for="title-\#(id)">Вопрос</label><input type="text" id="title-\#(id)" name="title" value="\#(title)" required maxlength="500">
        \#(schoolField)
        <label for="link-\#(id)">Связанная запись</label><select id="link-\#(id)" name="link">\#(linkOptions(e, selected: link))</select>
        <label for="heard-\#(id)">Слушали</label><textarea id="heard-\#(id)" name="heard" rows="3" maxlength="8000">\#(heard)</textarea>
        <label for="spoke-\#(id)">Выступили</label><textarea id="spoke-\#(id)" name="spoke" rows="2" maxlength="8000">\#(spoke)</textarea>
        <label for="decided-\#(id)">Решили</label><textarea id="decided-\#(id)" name="decided" rows="2" maxlength="8000">\#(decided)</textarea>
        """#
    }

    func itemForm(_ item: MeetingItem, _ e: Editing, _ ctx: PageContext) -> HTML {
        let id = item.id!.uuidString
        let link = item.linkKind.map { "\($0):\((item.linkProcedureID ?? item.linkRecordID)?.uuidString ?? "")" } ?? ""
        return #"""
        <details class="no-print"><summary>Изменить вопрос и протокол</summary>
        <form method="post" action="\#(Site.meetingItemSave.url(item.id!))" class="card">\#(ctx.csrfField)
        \#(itemFields(e, id: id, title: item.title, school: item.schoolID, link: link, heard: item.heard, spoke: item.spoke, decided: item.decided))
        <div class="actions"><button class="btn" type="submit">Сохранить вопрос</button> <a class="btn danger-outline" href="\#(Site.meetingItemDeleteConfirm.url(item.id!))">Удалить вопрос</a></div>
        </form></details>
        """#
    }

    func decisionForm(_ item: MeetingItem, _ e: Editing, _ ctx: PageContext) -> HTML {
        let id = item.id!.uuidString
        let preferred = item.schoolID.map { "school:\($0)" }
        return #"""
        <details class="no-print"><summary>Записать решение по вопросу</summary>
        <form method="post" action="\#(Site.meetingDecisionAdd.url(l.id))" class="card">\#(ctx.csrfField)<input type="hidden" name="item" value="\#(id)">
        <label for="dtext-\#(id)">Решение</label><textarea id="dtext-\#(id)" name="text" rows="2" required maxlength="2000"></textarea>
        <div class="filter-row"><div><label for="downer-\#(id)">Ответственный</label><select id="downer-\#(id)" name="owner">\#(HTML.options(e.owners.map { ($0.value, $0.label) }, selected: preferred))</select></div>
        <div><label for="ddl-\#(id)">Срок</label><input type="text" id="ddl-\#(id)" name="deadline" placeholder="ДД.ММ.ГГГГ" required></div>
        <div><label for="dform-\#(id)">Форма отчёта</label><input type="text" id="dform-\#(id)" name="reportForm" placeholder="справка, приказ ОО, план" maxlength="300"></div></div>
        <div class="actions"><button class="btn" type="submit">Записать решение</button></div></form></details>
        """#
    }

    func addItemForm(_ e: Editing, _ ctx: PageContext) -> HTML {
        #"""
        <details class="no-print" id="add-item"\#(l.items.isEmpty ? " open" : "")><summary>Добавить вопрос в повестку</summary>
        <form method="post" action="\#(Site.meetingItemAdd.url(l.id))" class="card">\#(ctx.csrfField)
        \#(itemFields(e, id: "new", title: "", school: nil, link: "", heard: "", spoke: "", decided: ""))
        <div class="actions"><button class="btn" type="submit">Добавить вопрос</button></div></form></details>
        """#
    }

    func headerForm(_ e: Editing, _ ctx: PageContext) -> HTML {
        let form = MeetingForm(values: .init(m), kinds: [m.meetingKind], people: e.people, schools: e.schools, isNew: false,
                               action: Site.meetingUpdate.url(l.id), schoolFixed: role == .head || m.meetingKind == .headsMeeting || m.meetingKind == .commission)
        return #"<details class="no-print"><summary>Изменить сведения о заседании</summary>\#(form.fields(ctx))</details>"#
    }
}

/// The register of decisions: every decision the user sees, with its status, filtered by status.
struct DecisionRegister {
    struct Row {
        var id: UUID
        var text: String
        var owner: String
        var deadline: LocalDate?
        var status: DecisionStatus
        var meeting: (UUID, String)?
    }

    var rows: [Row]
    var status: DecisionStatus?
    var owners: [DecisionsController.OwnerChoice]
    var canCreate: Bool
    var today: LocalDate

    func view(_ ctx: PageContext) -> HTML {
        var html: HTML = "<h1>Реестр решений</h1>\(ctx.flash)"
        let count = { (s: DecisionStatus) in rows.filter { $0.status == s }.count }
        html += #"<div class="grid" style="margin:16px 0">\#(HTML.stat(count(.assigned), "назначено"))\#(HTML.stat(count(.inProgress), "в работе"))\#(HTML.stat(count(.done), "выполнено", "ok"))\#(HTML.stat(count(.overdue), "просрочено", count(.overdue) > 0 ? "bad" : ""))\#(HTML.stat(count(.cancelled), "снято"))</div>"#
        let statuses = [("", "все")] + DecisionStatus.allCases.map { ($0.rawValue, $0.title) }
        html += #"""
        <form method="get" action="\#(Site.decisions.url)" class="no-print filter-row"><div><label for="status">Состояние</label><select id="status" name="status">\#(HTML.options(statuses, selected: status?.rawValue ?? ""))</select></div>
        <div><button class="btn secondary" type="submit">Показать</button></div></form>
        """#
        let shown = rows.filter { status == nil || $0.status == status }
        // Overdue first, then by deadline: what needs attention on top.
        let order: [DecisionStatus: Int] = [.overdue: 0, .assigned: 1, .inProgress: 1, .done: 2, .cancelled: 3]
        let sorted = shown.sorted { (order[$0.status]!, $0.deadline?.ordinal ?? Int.max) < (order[$1.status]!, $1.deadline?.ordinal ?? Int.max) }
        if sorted.isEmpty {
            html += HTML.emptyState(rows.isEmpty ? "Решений пока нет." : "Решений в этом состоянии нет.")
        } else {
            html += HTML.table(head: #"<th>Решение</th><th>Ответственный</th><th>Срок</th><th>Состояние</th><th>Заседание</th>"#, rows: sorted.map { r in
                let meeting: HTML = r.meeting.map { #"<a href="\#(Site.meeting.url($0.0))">\#($0.1)</a>"# } ?? "вне заседания"
                return #"<tr><td><a href="\#(Site.decision.url(r.id))">\#(r.text)</a></td><td>\#(r.owner)</td><td class="nowrap">\#(r.deadline?.russian ?? "—")</td><td>\#(HTML.badge(r.status))</td><td>\#(meeting)</td></tr>"#
            })
        }
        if canCreate {
            html += #"""
            <details class="no-print" id="new"><summary>Записать решение вне заседания</summary>
            <form method="post" action="\#(Site.decisionCreate.url)" class="card">\#(ctx.csrfField)
            <label for="text">Решение</label><textarea id="text" name="text" rows="2" required maxlength="2000"></textarea>
            <div class="filter-row"><div><label for="owner">Ответственный</label><select id="owner" name="owner">\#(HTML.options(owners.map { ($0.value, $0.label) }))</select></div>
            <div><label for="deadline">Срок</label><input type="text" id="deadline" name="deadline" placeholder="ДД.ММ.ГГГГ" required></div>
            <div><label for="reportForm">Форма отчёта</label><input type="text" id="reportForm" name="reportForm" maxlength="300"></div></div>
            <div class="actions"><button class="btn" type="submit">Записать</button></div></form></details>
            """#
        }
        html += #"<p class="hint">Просроченным считается открытое решение, срок которого прошёл (по дате района); в день срока оно ещё не просрочено.</p>"#
        return html
    }
}

/// One decision: its wording, owner, deadline, status, the record it concerns, the owner's report
/// with files; the owner's report form; the manager's form.
struct DecisionPage {
    var d: Decision
    var owner: String
    var status: DecisionStatus
    var meeting: (UUID, String)?
    var link: RecordLink.Shown?
    var files: [(UUID, String, Int)]
    var reports: Bool
    var manages: Bool
    var owners: [DecisionsController.OwnerChoice]
    var canAttach: Bool

    func view(_ ctx: PageContext) -> HTML {
        var html: HTML = #"<h1>Решение</h1><p class="lead">\#(d.text)</p>"#
        var facts: [HTML] = [#"<b>Состояние:</b> \#(HTML.badge(status))"#, #"<b>Ответственный:</b> \#(owner)"#, #"<b>Срок:</b> \#(d.deadlineDate?.russian ?? "не указан")"#]
        if !d.reportForm.isEmpty { facts.append(#"<b>Форма отчёта:</b> \#(d.reportForm)"#) }
        facts.append(meeting.map { #"<b>Принято:</b> <a href="\#(Site.meeting.url($0.0))">\#($0.1)</a>"# } ?? "<b>Принято:</b> вне заседания")
        if let link { facts.append(#"<b>Касается:</b> \#(link.url.map { #"<a href="\#($0)">\#(link.label)</a>"# as HTML } ?? "\(link.label)")"#) }
        html += #"<p>\#(HTML(facts, separator: "<br>"))</p>"#
        html += ctx.flash
        if canAttach {
            html += #"<div class="actions no-print">\#(HTML.postButton(ctx, action: Site.decisionAttach.url(d.id!), label: "Приложить к отчёту по дорожной карте"))</div>"#
        }
        html += "<h2>Отчёт об исполнении</h2>"
        if d.report.isEmpty && files.isEmpty {
            html += #"<p class="muted">Отчёта пока нет.</p>"#
        } else {
            if !d.report.isEmpty { html += #"<p>\#(HTML.lines(d.report))</p>"# }
            if let on = d.reportedOn { html += #"<p class="muted">Отчёт от \#(LocalDate.russian(on))</p>"# }
            if !files.isEmpty {
                html += #"<ul>\#(HTML(files.map { f in #"<li><a href="\#(Site.decisionFile.url(f.0))">\#(f.1)</a> <small class="muted">(\#(f.2 / 1024 + 1) КБ)</small></li>"# as HTML }))</ul>"#
            }
        }
        if reports && d.decisionState != .cancelled {
            let states = HTML.options([(DecisionState.inProgress.rawValue, "в работе"), (DecisionState.done.rawValue, "выполнено")], selected: d.decisionState == .done ? "done" : "inProgress")
            html += #"""
            <form method="post" action="\#(ctx.uploadAction(Site.decisionReport.url(d.id!)))" enctype="multipart/form-data" class="card no-print">
            <h3>Отчитаться</h3>
            <label for="report">Что сделано</label><textarea id="report" name="report" rows="4" maxlength="8000">\#(d.report)</textarea>
            <label for="files">Файлы (PDF, DOCX, XLSX, изображения)</label><input type="file" id="files" name="files[]" multiple>
            <label for="state">Состояние</label><select id="state" name="state">\#(states)</select>
            <p class="hint">«Выполнено» — с текстом отчёта. Файлы добавляются к уже приложенным.</p>
            <div class="actions"><button class="btn" type="submit">Сохранить отчёт</button></div></form>
            """#
        }
        if manages {
            let states = HTML.options(DecisionState.allCases.map { ($0.rawValue, $0.title) }, selected: d.state)
            html += #"""
            <details class="no-print"><summary>Изменить решение или снять с контроля</summary>
            <form method="post" action="\#(Site.decisionUpdate.url(d.id!))" class="card">\#(ctx.csrfField)
            <label for="m-text">Решение</label><textarea id="m-text" name="text" rows="2" required maxlength="2000">\#(d.text)</textarea>
            <div class="filter-row"><div><label for="m-owner">Ответственный</label><select id="m-owner" name="owner">\#(HTML.options(owners.map { ($0.value, $0.label) }, selected: DecisionsController.ownerValue(d)))</select></div>
            <div><label for="m-deadline">Срок</label><input type="text" id="m-deadline" name="deadline" value="\#(d.deadlineDate?.russian ?? "")" placeholder="ДД.ММ.ГГГГ" required></div>
            <div><label for="m-form">Форма отчёта</label><input type="text" id="m-form" name="reportForm" value="\#(d.reportForm)" maxlength="300"></div></div>
            <div class="filter-row"><div><label for="m-state">Состояние</label><select id="m-state" name="state">\#(states)</select></div>
            <div><label for="m-reason">Причина (при снятии с контроля)</label><input type="text" id="m-reason" name="reason" maxlength="1000"></div></div>
            <div class="actions"><button class="btn" type="submit">Сохранить</button> <a class="btn danger-outline" href="\#(Site.decisionDeleteConfirm.url(d.id!))">Удалить решение</a></div></form></details>
            """#
        }
        return html
    }
}

/// The district's templates of the protocol and of the order drafted from a meeting's decisions.
struct MeetingTemplatesPage {
    var protocolText: String
    var orderText: String
    var canEdit: Bool

    func keys(_ list: [(key: String, meaning: String)]) -> HTML {
        HTML(list.map { "<code>{\($0.key)}</code> — \($0.meaning)" as HTML }, separator: "; ")
    }

    func view(_ ctx: PageContext) -> HTML {
        let disabled: HTML = canEdit ? "" : " readonly"
        var html: HTML = "<h1>Шаблоны протокола и приказа</h1>\(ctx.flash)"
        html += #"<p class="muted">Строка с «# » — по центру полужирным, «- » — пункт списка, текст между ** и ** — полужирный; пустые строки пропускаются. Подстановки в фигурных скобках заполняет msoko.</p>"#
        html += #"""
        <form method="post" action="\#(Site.meetingTemplatesSave.url)" class="card">\#(ctx.csrfField)
        <label for="protocolText">Протокол заседания</label><textarea id="protocolText" name="protocolText" rows="22"\#(disabled)>\#(protocolText)</textarea>
        <p class="hint">Подстановки: \#(keys(MeetingDocuments.protocolKeys)).</p>
        <label for="orderText">Приказ по решениям заседания</label><textarea id="orderText" name="orderText" rows="18"\#(disabled)>\#(orderText)</textarea>
        <p class="hint">Подстановки: \#(keys(MeetingDocuments.orderKeys)).</p>
        \#(canEdit ? #"<div class="actions"><button class="btn" type="submit">Сохранить шаблоны</button> <button class="btn secondary" type="submit" name="reset" value="protocol">Вернуть протокол msoko</button> <button class="btn secondary" type="submit" name="reset" value="order">Вернуть приказ msoko</button></div>"# as HTML : "")
        </form>
        """#
        return html
    }
}
