import Fluent
import MsokoCore
import Vapor

/// The registry of observers and the form to add one.
struct ObserverRegistry {
    struct Row {
        var name: String
        var kind: String
        var workplace: String
        /// «ребёнок: школа, класс», «связан(а) со школой: школа»
        var ties: [String]
        var account: String
    }

    var rows: [Row]
    var schools: [(value: String, label: String)]

    static func query(user: User, on db: Database) async throws -> ObserverRegistry {
        let mid = try user.requireMunicipalityID()
        let observers = try await ObserverStore.observers(municipalityID: mid, on: db)
        let schools = try await ObserverStore.schools(municipalityID: mid, on: db)
        let accounts = Dictionary(uniqueKeysWithValues: try await User.query(on: db).filter(\.$municipality.$id == mid).field(\.$id).field(\.$login).all().map { ($0.id!, $0.login) })
        return ObserverRegistry(rows: observers.map { o in
            Row(name: o.fullName, kind: (ConflictRules.Kind(rawValue: o.kind) ?? .publicObserver).title,
                workplace: o.workSchoolID.flatMap { schools[$0]?.shortName } ?? o.workplace,
                ties: o.ties.map { t in
                    let s = schools[t.$school.id]?.shortName ?? "?"
                    return t.kind == "child" ? "ребёнок: \(s), \(t.className)" : "связан(а) со школой: \(s)"
                }, account: o.userID.flatMap { accounts[$0] } ?? "—")
        }, schools: schools.values.sorted { $0.login < $1.login }.map { ($0.login, $0.shortName) })
    }

    func view(_ ctx: PageContext) -> HTML {
        var html: HTML = #"<h1>Наблюдатели</h1>\#(ctx.flash)<div class="actions no-print"><a class="btn secondary" href="\#(Site.observerActs.url)">Акты наблюдения</a> <a class="btn secondary" href="\#(Site.observerCoverage.url)">Охват наблюдением</a></div>"#
        html += rows.isEmpty ? .emptyState("Наблюдателей пока нет.") : .table(head: "<th>ФИО</th><th>Кто</th><th>Место работы</th><th>Связи</th><th>Учётная запись</th>", rows: rows.map { o in
            let ties: HTML = o.ties.isEmpty ? "—" : HTML(o.ties.map { "\($0)" as HTML }, separator: "<br>")
            return "<tr><td>\(o.name)</td><td>\(o.kind)</td><td>\(o.workplace)</td><td>\(ties)</td><td>\(o.account)</td></tr>"
        })
        html += """
        <section class="card no-print"><h2>Добавить наблюдателя</h2>
        <form method="post" action="\(Site.observerAdd.url)">\(ctx.csrfField)
        <label for="fullName">ФИО</label><input type="text" id="fullName" name="fullName" required maxlength="200">
        <label for="kind">Кто</label><select id="kind" name="kind"><option value="public">общественный наблюдатель (родитель, законный представитель)</option><option value="specialist">специалист Управления образования</option></select>
        \(HTML.schoolSelect(id: "workSchool", name: "workSchool", label: "Работает в школе района", schools: schools, blank: "— нет —"))
        <label for="workplace">Место работы (если не школа района)</label><input type="text" id="workplace" name="workplace" maxlength="200">
        <label for="children">Дети: по строке «логин школы класс», например «edu700101 4А»</label><textarea id="children" name="children" rows="3"></textarea>
        <label for="tied">Школы, с которыми специалист связан (курирует, работал): логины через пробел</label><input type="text" id="tied" name="tied">
        <label for="login">Учётная запись в msoko (логин), если есть</label><input type="text" id="login" name="login" maxlength="100">
        <div class="actions"><button class="btn" type="submit">Добавить</button></div>
        </form></section>
        """
        return html
    }
}

/// A procedure's places (school × class) with their observers, the form to assign one to each.
struct ProcedureObservers {
    struct Place {
        var id: UUID
        var date: String
        var school: String
        var className: String
        var observers: [(assignment: UUID, name: String)]
    }

    var procedure: Procedure
    var places: [Place]
    var covered: Int
    var observers: [(value: String, label: String)]

    static func query(procedure p: Procedure, user: User, on db: Database) async throws -> ProcedureObservers {
        let mid = try user.requireMunicipalityID()
        let schools = try await ObserverStore.schools(municipalityID: mid, on: db)
        let observers = try await ObserverStore.observers(municipalityID: mid, on: db).filter(\.isActive)
        let names = Dictionary(uniqueKeysWithValues: observers.map { ($0.id!, $0.fullName) })
        let participants = try await ProcedureParticipant.query(on: db).filter(\.$procedure.$id == p.requireID()).all()
            .filter { schools[$0.$school.id] != nil }
            .sorted { ($0.date ?? "", schools[$0.$school.id]!.login, $0.className) < ($1.date ?? "", schools[$1.$school.id]!.login, $1.className) }
        let assigned = try await ObserverAssignment.query(on: db).filter(\.$procedure.$id == p.requireID()).all()
        let covered = participants.filter { pp in assigned.contains { $0.$school.id == pp.$school.id && ($0.className == pp.className || $0.className.isEmpty) } }.count
        return ProcedureObservers(procedure: p, places: participants.map { pp in
            Place(id: pp.id!, date: LocalDate(iso: pp.date ?? "")?.russian ?? "—", school: schools[pp.$school.id]!.shortName, className: pp.className,
                  observers: assigned.filter { $0.$school.id == pp.$school.id && $0.className == pp.className }.map { ($0.id!, names[$0.$observer.id] ?? "?") })
        }, covered: covered, observers: observers.map { ($0.id!.uuidString, $0.fullName) })
    }

    func view(_ ctx: PageContext) -> HTML {
        let pid = procedure.id!
        var html: HTML = "<h1>Наблюдатели: \(ProcedureStore.title(procedure))</h1>\(ctx.flash)<p>Охвачено наблюдением: \(covered) из \(places.count) мест проведения.</p>"
        html += #"<div class="actions no-print">\#(HTML.postButton(ctx, action: Site.observerSuggest.url(pid), label: "Предложить назначения на свободные места", style: "")) <a class="btn secondary" href="\#(Site.observerOrder.url(pid))">Приказ о назначении (DOCX)</a></div>"#
        let options = HTML.options(observers)
        html += HTML.table(head: #"<th>Дата</th><th>Школа</th><th>Класс</th><th>Наблюдатели</th><th class="no-print">Назначить</th>"#, rows: places.map { pp in
            let who: HTML = pp.observers.isEmpty ? "—" : HTML(pp.observers.map { a in
                "\(a.name) \(HTML.postButton(ctx, action: Site.observerUnassign.url(a.assignment), label: "снять", style: "link"))" as HTML
            }, separator: "<br>")
            return #"<tr><td>\#(pp.date)</td><td>\#(pp.school)</td><td>\#(pp.className)</td><td>\#(who)</td><td class="no-print"><form method="post" action="\#(Site.observerAssign.url(pid))" class="inline">\#(ctx.csrfField)<input type="hidden" name="participant" value="\#(pp.id)"><select name="observer" aria-label="Наблюдатель для \#(pp.school) \#(pp.className)">\#(options)</select> <button class="btn secondary small" type="submit">Назначить</button></form></td></tr>"#
        })
        html += #"<p class="hint">Правила: родитель не наблюдает в классе своего ребёнка; работник школы — в своей школе; специалист — в связанной с ним школе; в один день — одно место. Нарушающее правило назначение не сохраняется, причина показывается.</p>"#
        return html
    }
}

/// Share of places (school × class of a procedure) and of works observed, per school and per
/// procedure type, over the district's procedures. Four queries whatever the number of procedures.
struct ObserverCoverage {
    struct Tally { var places = 0, observedPlaces = 0, works = 0, observedWorks = 0 }

    var bySchool: [String: Tally]
    var byType: [String: Tally]

    static func query(user: User, on db: Database) async throws -> ObserverCoverage {
        let mid = try user.requireMunicipalityID()
        let schools = try await ObserverStore.schools(municipalityID: mid, on: db)
        let procedures = try await Procedures.visible(to: user, on: db)
        let ids = procedures.compactMap(\.id)
        let assigned = Dictionary(grouping: try await ObserverAssignment.query(on: db).filter(\.$procedure.$id ~~ ids).all(), by: { $0.$procedure.id })
        let participants = Dictionary(grouping: try await ProcedureParticipant.query(on: db).filter(\.$procedure.$id ~~ ids).filter(\.$municipalityID == mid).all(),
                                      by: { $0.$procedure.id })
        // Works per procedure, school and class.
        var counts: [UUID: [UUID: [String: Int]]] = [:]
        for w in try await WorkRow.query(on: db).filter(\.$procedure.$id ~~ ids).filter(\.$municipalityID == mid)
            .field(\.$procedure.$id).field(\.$school.$id).field(\.$className).all() {
            counts[w.$procedure.id, default: [:]][w.$school.id, default: [:]][w.className, default: 0] += 1
        }
        var bySchool: [String: Tally] = [:], byType: [String: Tally] = [:]
        for p in procedures {
            let pid = p.id!
            for pp in participants[pid] ?? [] {
                guard let s = schools[pp.$school.id] else { continue }
                let seen = (assigned[pid] ?? []).contains { $0.$school.id == pp.$school.id && ($0.className == pp.className || $0.className.isEmpty) }
                let here = counts[pid]?[pp.$school.id] ?? [:]
                let works = pp.className.isEmpty ? here.values.reduce(0, +) : here[pp.className] ?? 0
                for key in [s.shortName] {
                    bySchool[key, default: Tally()].places += 1
                    bySchool[key]!.works += works
                    if seen { bySchool[key]!.observedPlaces += 1; bySchool[key]!.observedWorks += works }
                }
                byType[p.type, default: Tally()].places += 1
                byType[p.type]!.works += works
                if seen { byType[p.type]!.observedPlaces += 1; byType[p.type]!.observedWorks += works }
            }
        }
        return ObserverCoverage(bySchool: bySchool, byType: byType)
    }

    static func share(_ a: Int, _ b: Int) -> String { b == 0 ? "—" : ReferenceTable.format((Double(a) * 1000 / Double(b)).rounded() / 10) + " %" }

    func table(_ title: String, _ rows: [String: Tally]) -> HTML {
        var html: HTML = "<h2>\(title)</h2>"
        html += HTML.table(head: #"<th></th><th class="num">Мест проведения</th><th class="num">С наблюдателем</th><th class="num">Доля мест</th><th class="num">Доля работ</th>"#,
                           rows: rows.sorted { $0.key < $1.key }.map { k, t in
                               #"<tr><td>\#(k)</td><td class="num">\#(t.places)</td><td class="num">\#(t.observedPlaces)</td><td class="num">\#(Self.share(t.observedPlaces, t.places))</td><td class="num">\#(Self.share(t.observedWorks, t.works))</td></tr>"#
                           })
        return html
    }

    var view: HTML {
        var html: HTML = #"<h1>Охват наблюдением</h1><p class="hint">Место проведения — школа и класс в процедуре; доля работ — работы классов, где был наблюдатель, от всех загруженных.</p>"#
        if bySchool.isEmpty {
            html += .emptyState("Процедур с участниками пока нет.")
        } else {
            html += table("По видам процедур", byType)
            html += table("По школам", bySchool)
        }
        return html
    }
}

/// «О назначении наблюдателей» for a procedure, with the assignments in an appendix table.
enum ObserverOrder {
    static func document(procedure p: Procedure, assigned: [ObserverAssignment], letterhead: String, signature: String) -> DocxDocument {
        var doc = DocxDocument.order(title: "Приказ о назначении наблюдателей", letterhead: letterhead.components(separatedBy: "\n"),
                                     subject: "О назначении наблюдателей при проведении \(p.type) \(p.year) по предмету «\(p.subject)» в \(p.grade) классах",
                                     preamble: "В целях обеспечения объективности проведения оценочной процедуры (мероприятия 1.1–1.3 дорожной карты по повышению качества образования на \(p.schoolYear) учебный год)")
        doc.paragraph("1. Назначить наблюдателей при проведении \(p.type) \(p.year) по предмету «\(p.subject)» в общеобразовательных организациях согласно приложению.", alignment: .both)
        doc.paragraph("2. Наблюдателям присутствовать на указанных этапах процедуры и в день проведения подать акт наблюдения в МСОКО.", alignment: .both)
        doc.paragraph("3. Руководителям общеобразовательных организаций обеспечить допуск наблюдателей.", alignment: .both)
        doc.paragraph("4. Контроль исполнения приказа оставляю за собой.", alignment: .both)
        for line in signature.components(separatedBy: "\n") where !line.isEmpty { doc.paragraph(line) }
        doc.add(DocxDocument.Paragraph("Приложение. Наблюдатели", style: .heading2))
        doc.add(DocxDocument.Table(widths: [2, 4, 1, 3, 3], header: ["Дата", "Школа", "Класс", "Наблюдатель", "Кто"], rows: assigned.map { a in
            [LocalDate(iso: a.date)?.russian ?? a.date, a.school.shortName, a.className, a.observer.fullName,
             (ConflictRules.Kind(rawValue: a.observer.kind) ?? .publicObserver).title].map { DocxDocument.Cell($0) }
        }))
        return doc
    }
}

/// Every assignment of the district with the state of its act; submitted acts open.
struct ObservationActs {
    struct Row {
        var date: String
        var procedure: String
        var place: String
        var observer: String
        var act: UUID?
        var state: String
    }

    var rows: [Row]

    /// Two queries: the assignments (with procedure, school, observer) and their acts.
    static func query(user: User, on db: Database) async throws -> ObservationActs {
        let mid = try user.requireMunicipalityID()
        let assignments = try await ObserverAssignment.query(on: db).filter(\.$municipalityID == mid).with(\.$procedure).with(\.$school).with(\.$observer).sort(\.$date).all()
        let acts = try await ObservationAct.query(on: db).filter(\.$assignment.$id ~~ assignments.compactMap(\.id)).all()
        let byAssignment = Dictionary(acts.map { ($0.$assignment.id, $0) }, uniquingKeysWith: { a, _ in a })
        return ObservationActs(rows: assignments.map { a in
            let act = byAssignment[a.id!]
            let submitted = act?.submittedAt != nil
            let state = submitted ? (act!.noViolations ? "нарушений не выявлено" : "нарушений: \(act!.violations.split(separator: "\n").count)") : act == nil ? "не заполнен" : "черновик"
            return Row(date: LocalDate(iso: a.date)?.russian ?? a.date, procedure: ProcedureStore.title(a.procedure), place: "\(a.school.shortName) \(a.className)",
                       observer: a.observer.fullName, act: submitted ? act!.id : nil, state: state)
        })
    }

    var view: HTML {
        var html: HTML = "<h1>Акты наблюдения</h1>"
        html += rows.isEmpty ? .emptyState("Назначений наблюдателей пока нет.") : .table(head: "<th>Дата</th><th>Процедура</th><th>Школа, класс</th><th>Наблюдатель</th><th>Акт</th>", rows: rows.map { r in
            let state: HTML = r.act.map { #"<a href="\#(Site.observerAct.url($0))">\#(r.state)</a>"# } ?? "\(r.state)"
            return "<tr><td>\(r.date)</td><td>\(r.procedure)</td><td>\(r.place)</td><td>\(r.observer)</td><td>\(state)</td></tr>"
        })
        return html
    }
}

/// A submitted act as the district reads and files it: laid out as the paper act a department
/// keeps — the procedure, place and observer, every stage and every kind of violation with a mark,
/// the notes, and lines for signatures — so that it prints on one A4 page.
struct ObservationActView {
    var act: ObservationAct
    var assignment: ObserverAssignment
    var files: [(id: UUID, name: String)]
    var zone: TimeZone
    var department: String

    var view: HTML {
        let a = assignment
        let stages = Set(act.stages.split(separator: "\n").map(String.init))
        let violations = Set(act.violations.split(separator: "\n").map(String.init))
        func mark(_ on: Bool) -> HTML { on ? "✔" : "—" }
        let date = LocalDate(iso: a.date)?.russian ?? a.date
        var html: HTML = """
        <div class="act-doc">
        <p class="act-dept">\(department)</p>
        <h1>Акт общественного наблюдения</h1>
        <p class="act-sub">при проведении \(ProcedureStore.title(a.procedure))</p>
        \(HTML.table(head: "<th>Сведения</th><th></th>", rows: [
            "<tr><td>Дата проведения</td><td>\(date)</td></tr>",
            "<tr><td>Образовательная организация</td><td>\(a.school.fullName) (\(a.school.login))</td></tr>",
            "<tr><td>Класс</td><td>\(a.className.isEmpty ? "вся школа" : a.className)</td></tr>",
            "<tr><td>Общественный наблюдатель</td><td>\(a.observer.fullName)</td></tr>",
            "<tr><td>Акт подан</td><td>\(act.submittedAt.map { Format.dateTime($0, zone) } ?? "черновик, не подан")</td></tr>",
        ]))
        <h2>Этапы, на которых присутствовал(а) наблюдатель</h2>
        \(HTML.table(head: #"<th>Этап</th><th class="num">Присутствие</th>"#, rows: ObservationChecklist.stages.map { s in #"<tr><td>\#(s)</td><td class="num">\#(mark(stages.contains(s)))</td></tr>"# }))
        <h2>Выявленные нарушения</h2>
        """
        if act.noViolations {
            html += "<p><strong>Нарушений не выявлено.</strong></p>"
        } else {
            html += HTML.table(head: #"<th>Нарушение</th><th class="num">Отмечено</th>"#, rows: ObservationChecklist.violations.map { v in #"<tr><td>\#(v)</td><td class="num">\#(mark(violations.contains(v)))</td></tr>"# })
        }
        html += "<h2>Замечания и предложения</h2><p>\(act.notes.isEmpty ? "Нет." : act.notes)</p>"
        if !files.isEmpty {
            html += #"<h2 class="no-print">Файлы</h2><ul class="no-print">\#(files.map { #"<li><a href="\#(Site.observerActFile.url($0.id))">\#($0.name)</a></li>"# as HTML })</ul>"#
            html += #"<p class="print-only">Приложения: \#(files.map(\.name).joined(separator: ", ")).</p>"#
        }
        html += """
        <div class="signatures">
        <p>Общественный наблюдатель ____________________ / \(a.observer.fullName) /</p>
        <p>С актом ознакомлен(а): руководитель ОО ____________________ / ____________________ /</p>
        <p>«____» ______________ 20___ г.</p>
        </div>
        <p class="hint no-print">Для печати — Ctrl+P: акт помещается на лист A4.</p>
        </div>
        """
        return html
    }
}

/// The observer's own assignments, each with the state of its act. Two queries.
struct MyAssignments {
    struct Row {
        var id: UUID
        var heading: String
        var procedure: String
        var state: String
        var submitted: Bool
    }

    var rows: [Row]

    static func query(observer o: Observer, on db: Database) async throws -> MyAssignments {
        let list = try await ObserverAssignment.query(on: db).filter(\.$observer.$id == o.requireID()).with(\.$procedure).with(\.$school).sort(\.$date).all()
        let acts = try await ObservationAct.query(on: db).filter(\.$assignment.$id ~~ list.compactMap(\.id)).all()
        let actOf = Dictionary(acts.map { ($0.$assignment.id, $0) }, uniquingKeysWith: { a, _ in a })
        return MyAssignments(rows: list.map { a in
            let act = actOf[a.id!]
            return Row(id: a.id!, heading: "\(LocalDate(iso: a.date)?.russian ?? a.date) · \(a.school.shortName)\(a.className.isEmpty ? "" : ", \(a.className)")",
                       procedure: ProcedureStore.title(a.procedure),
                       state: act?.submittedAt != nil ? "акт подан" : act != nil ? "черновик акта" : "акт не заполнен", submitted: act?.submittedAt != nil)
        })
    }

    func view(_ ctx: PageContext) -> HTML {
        var html: HTML = "<h1>Мои назначения</h1>\(ctx.flash)"
        if rows.isEmpty { html += .emptyState("Назначений пока нет.") }
        for r in rows {
            html += #"<section class="card"><h2>\#(r.heading)</h2><p>\#(r.procedure)</p><p class="muted">\#(r.state)</p><p><a class="btn" href="\#(Site.actForm.url(r.id))">\#(r.submitted ? "Открыть акт" : "Заполнить акт")</a></p></section>"#
        }
        return html
    }
}

/// The «акт наблюдения» form, made for a phone: stages, violations, notes, photos.
struct ActForm {
    var assignment: ObserverAssignment
    var act: ObservationAct?
    var files: [String]
    var errors: [String]
    var zone: TimeZone

    static func query(assignment a: ObserverAssignment, act: ObservationAct?, errors: [String], on db: Database) async throws -> ActForm {
        var files: [String] = []
        if let id = act?.id {
            files = try await ActFile.query(on: db).filter(\.$act.$id == id).field(\.$id).field(\.$fileName).field(\.$act.$id).all().map(\.fileName)
        }
        // Times are shown in the district's zone (the school's municipality), not the server's.
        let zone = try await Municipality.find(a.school.$municipality.id, on: db)?.zone ?? TimeZone(identifier: "Europe/Moscow")!
        return ActForm(assignment: a, act: act, files: files, errors: errors, zone: zone)
    }

    func view(_ ctx: PageContext) -> HTML {
        let a = assignment
        let locked = act?.submittedAt != nil
        let stages = Set((act?.stages ?? "").split(separator: "\n").map(String.init))
        let violations = Set((act?.violations ?? "").split(separator: "\n").map(String.init))
        let disabled: HTML = locked ? " disabled" : ""
        func box(_ name: String, _ label: String, checked: Bool) -> HTML {
            #"<div class="check"><input type="checkbox" id="\#(name)" name="\#(name)" value="1"\#(checked ? " checked" as HTML : "")\#(disabled)> <label for="\#(name)">\#(label)</label></div>"#
        }
        var html: HTML = "<h1>Акт наблюдения</h1><p>\(ProcedureStore.title(a.procedure))<br>\(a.school.shortName)\(a.className.isEmpty ? "" : ", \(a.className)") · \(LocalDate(iso: a.date)?.russian ?? a.date)</p>\(ctx.flash)"
        if !errors.isEmpty {
            html += #"<div class="flash error" role="alert"><p>Акт не подан:</p><ul>\#(errors.map { "<li>\($0)</li>" as HTML })</ul></div>"#
        }
        if locked {
            html += #"<div class="flash ok">Акт подан \#(act?.submittedAt.map { Format.dateTime($0, zone) } ?? "") и больше не изменяется.</div>"#
        }
        html += #"<form method="post" action="\#(ctx.uploadAction(Site.actSubmit.url(a.id!)))" enctype="multipart/form-data" class="act">\#(ctx.csrfField)"#
        html += "<fieldset><legend>Этапы, на которых присутствовал(а)</legend>\(ObservationChecklist.stages.enumerated().map { i, s in box("stage\(i)", s, checked: stages.contains(s)) })</fieldset>"
        html += "<fieldset><legend>Нарушения</legend>\(ObservationChecklist.violations.enumerated().map { i, s in box("violation\(i)", s, checked: violations.contains(s)) })"
        html += #"<div class="check"><input type="checkbox" id="noViolations" name="noViolations" value="1"\#((act?.noViolations ?? false) ? " checked" as HTML : "")\#(disabled)> <label for="noViolations"><strong>Нарушений не выявлено</strong></label></div></fieldset>"#
        html += #"<label for="notes">Замечания</label><textarea id="notes" name="notes" maxlength="10000"\#(disabled)>\#(act?.notes ?? "")</textarea>"#
        if !files.isEmpty { html += "<p>Файлы: \(files.joined(separator: ", "))</p>" }
        if !locked {
            html += #"<label for="files">Фото или файлы</label><input type="file" id="files" name="files[]" multiple accept=".jpg,.jpeg,.png,.pdf">"#
            html += #"<div class="actions"><button class="btn secondary" type="submit" name="action" value="draft">Сохранить черновик</button> <button class="btn" type="submit" name="action" value="submit">Подать акт</button></div>"#
            html += #"<p class="hint">После подачи акт не изменяется. Отметьте нарушения или «Нарушений не выявлено».</p>"#
        }
        html += "</form>"
        return html
    }
}

/// Proposed observer assignments, shown before anything is saved: each with a tick (on by
/// default), the specialist confirms the ones to keep.
struct SuggestionPreview {
    struct Row {
        var participant: UUID
        var observer: UUID
        var observerName: String
        var place: String
        var date: String
        var priority: Bool
    }

    var procedure: Procedure
    var rows: [Row]
    var unfilled: Int

    func view(_ ctx: PageContext) -> HTML {
        let pid = procedure.id!
        var html: HTML = "<h1>Предложенные назначения</h1><p class=\"muted\">\(ProcedureStore.title(procedure))</p>"
        guard !rows.isEmpty else {
            html += #"<p>Свободных мест, куда можно назначить наблюдателя без нарушения правил (родитель, работник школы, связанная школа, занятость в этот день), нет.</p><div class="actions"><a class="btn" href="\#(Site.observerAssignments.url(pid))">К наблюдателям</a></div>"#
            return html
        }
        html += "<p>msoko подобрал наблюдателей с учётом правил; сначала — школы с признаками необъективности и школы из мероприятия 1.2. Снимите отметку с назначений, которые не подходят, и нажмите «Назначить отмеченных». Пока вы не подтвердите, ничего не сохранено.</p>"
        if unfilled > 0 { html += "<p class=\"hint\">Без наблюдателя останется мест: \(unfilled) — свободных наблюдателей без конфликтов для них нет.</p>" }
        html += #"<form method="post" action="\#(Site.observerSuggest.url(pid))">\#(ctx.csrfField)<input type="hidden" name="confirm" value="1">"#
        html += HTML.table(head: #"<th>Назначить</th><th>Наблюдатель</th><th>Школа, класс</th><th>Дата</th>"#, rows: rows.enumerated().map { i, r in
            let mark: HTML = r.priority ? #" <span class="badge overdue">приоритет</span>"# : ""
            return #"<tr><td><input type="checkbox" id="pick\#(i)" name="pick[]" value="\#(r.participant.uuidString):\#(r.observer.uuidString)" checked></td><td><label for="pick\#(i)">\#(r.observerName)</label></td><td>\#(r.place)\#(mark)</td><td>\#(r.date)</td></tr>"#
        })
        html += #"<div class="actions"><button class="btn" type="submit">Назначить отмеченных</button><a class="btn secondary" href="\#(Site.observerAssignments.url(pid))">Отмена</a></div></form>"#
        return html
    }
}
