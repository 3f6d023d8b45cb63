import Crypto
import Fluent
import SQLKit
import MsokoCore
import Vapor

/// Observers (issue 5 §1): the registry, assignments per procedure with the conflict rules, the
/// observer's own view with the «акт наблюдения» (made for a phone), and every act for specialists.
enum ObserversController {
    static func register(_ app: Application) {
        app.on(Site.observers, use: registry)
        app.on(Site.observerAdd, use: add)
        app.on(Site.observerActs, use: acts)
        app.on(Site.observerCoverage, use: coverage)
        app.on(Site.observerOrder, use: order)
        app.on(Site.observerAct, use: actView)
        app.on(Site.observerActFile, use: actFile)
        app.on(Site.observerAssignments, use: assignments)
        app.on(Site.observerAssign, use: assign)
        app.on(Site.observerSuggest, use: suggest)
        app.on(Site.observerUnassign, use: unassign)
        app.on(Site.myAssignments, use: mine)
        app.on(Site.actForm, use: actForm)
        // Any account may be an observer's (a specialist, a parent): the observer record decides.
        app.on(Site.actSubmit, authorize: { req in _ = try await assignmentOf(req, try await own(req).1) }, use: saveAct)
    }

    static let managers: Set<Role> = [.specialist, .admin]

    // MARK: registry

    static func registry(req: Request) async throws -> Response {
        let user = try req.require(managers)
        let mid = try user.requireMunicipalityID()
        let observers = try await ObserverStore.observers(municipalityID: mid, on: req.db)
        let schools = try await ObserverStore.schools(municipalityID: mid, on: req.db)
        let accounts = Dictionary(uniqueKeysWithValues: try await User.query(on: req.db).filter(\.$municipality.$id == mid).all().map { ($0.id!, $0.login) })
        var html = "<h1>Наблюдатели</h1>\(Flash.take(req))<div class=\"actions no-print\"><a class=\"btn secondary\" href=\"/observers/acts\">Акты наблюдения</a> <a class=\"btn secondary\" href=\"/observers/coverage\">Охват наблюдением</a></div>"
        if observers.isEmpty {
            html += "<section class=\"card\"><p>Наблюдателей пока нет.</p></section>"
        } else {
            html += "<div class=\"table-wrap\"><table><thead><tr><th>ФИО</th><th>Кто</th><th>Место работы</th><th>Связи</th><th>Учётная запись</th></tr></thead><tbody>"
            for o in observers {
                let ties: String = o.ties.map { t in
                    let s = schools[t.$school.id]?.shortName ?? "?"
                    return t.kind == "child" ? "ребёнок: \(esc(s)), \(esc(t.className))" : "связан(а) со школой: \(esc(s))"
                }.joined(separator: "<br>")
                html += "<tr><td>\(esc(o.fullName))</td><td>\(esc((ConflictRules.Kind(rawValue: o.kind) ?? .publicObserver).title))</td>"
                    + "<td>\(esc(o.workSchoolID.flatMap { schools[$0]?.shortName } ?? o.workplace))</td><td>\(ties.isEmpty ? "—" : ties)</td>"
                    + "<td>\(esc(o.userID.flatMap { accounts[$0] } ?? "—"))</td></tr>"
            }
            html += "</tbody></table></div>"
        }
        let schoolOptions = schools.values.sorted { $0.login < $1.login }.map { "<option value=\"\($0.login)\">\(esc($0.shortName))</option>" }.joined()
        html += """
        <section class="card no-print"><h2>Добавить наблюдателя</h2>
        <form method="post" action="/observers">\(csrfField(req))
        <label for="fullName">ФИО</label><input type="text" id="fullName" name="fullName" required maxlength="200">
        <label for="kind">Кто</label><select id="kind" name="kind"><option value="public">общественный наблюдатель (родитель, законный представитель)</option><option value="specialist">специалист Управления образования</option></select>
        <label for="workSchool">Работает в школе района</label><select id="workSchool" name="workSchool"><option value="">— нет —</option>\(schoolOptions)</select>
        <label for="workplace">Место работы (если не школа района)</label><input type="text" id="workplace" name="workplace" maxlength="200">
        <label for="children">Дети: по строке «логин школы класс», например «edu700101 4А»</label><textarea id="children" name="children" rows="3"></textarea>
        <label for="tied">Школы, с которыми специалист связан (курирует, работал): логины через пробел</label><input type="text" id="tied" name="tied">
        <label for="login">Учётная запись в msoko (логин), если есть</label><input type="text" id="login" name="login" maxlength="100">
        <div class="actions"><button class="btn" type="submit">Добавить</button></div>
        </form></section>
        """
        return Layout.page(req, title: "Наблюдатели", body: html)
    }

    struct AddForm: Content {
        var fullName: String
        var kind: String
        var workSchool: String?
        var workplace: String?
        var children: String?
        var tied: String?
        var login: String?
    }

    static func add(req: Request) async throws -> Response {
        let user = try req.require([.specialist])
        let mid = try user.requireMunicipalityID()
        let form = try req.content.decode(AddForm.self)
        let schools = try await ObserverStore.schools(municipalityID: mid, on: req.db)
        let byLogin = Dictionary(uniqueKeysWithValues: schools.values.map { ($0.login, $0) })
        var errors: [String] = []
        let name = form.fullName.trimmingCharacters(in: .whitespaces)
        if name.isEmpty { errors.append("Поле «ФИО»: укажите наблюдателя.") }
        guard let kind = ConflictRules.Kind(rawValue: form.kind) else { throw AppError.badInput("Поле «Кто»: недопустимое значение.") }
        let work = (form.workSchool ?? "").isEmpty ? nil : byLogin[form.workSchool!]
        if !(form.workSchool ?? "").isEmpty && work == nil { errors.append("Поле «Работает в школе»: школы \(form.workSchool!) в районе нет.") }
        var children: [(School, String)] = []
        for (i, line) in (form.children ?? "").split(whereSeparator: \.isNewline).enumerated() {
            let parts = line.split(separator: " ").map(String.init)
            guard parts.count >= 2, let s = byLogin[parts[0].lowercased()] else {
                errors.append("Поле «Дети», строка \(i + 1): «\(line)» — ожидается «логин школы класс» школы района.")
                continue
            }
            children.append((s, WorkRecord.normalizeClass(parts.dropFirst().joined())))
        }
        var tied: [School] = []
        for login in (form.tied ?? "").split(separator: " ").map({ $0.lowercased() }) {
            if let s = byLogin[login] { tied.append(s) } else { errors.append("Поле «Связанные школы»: школы \(login) в районе нет.") }
        }
        var account: User?
        if let login = form.login?.trimmingCharacters(in: .whitespaces), !login.isEmpty {
            account = try await User.query(on: req.db).filter(\.$login == login).filter(\.$municipality.$id == mid).first()
            if account == nil { errors.append("Поле «Учётная запись»: пользователя \(login) в районе нет.") }
        }
        guard errors.isEmpty else {
            Flash.set(req, "error", "Наблюдатель не добавлен.\n" + errors.joined(separator: "\n"))
            return req.redirect(to: "/observers")
        }
        guard let m = try await Municipality.find(mid, on: req.db) else { throw AppError.notFound }
        let o = Observer()
        o.fullName = name
        o.kind = kind.rawValue
        o.workSchoolID = work?.id
        o.workplace = form.workplace?.trimmingCharacters(in: .whitespaces) ?? ""
        o.userID = account?.id
        o.isActive = true
        o.regionID = m.$region.id
        o.municipalityID = mid
        let (kids, schoolsTied) = (children, tied)
        try await req.db.transaction { db in
            try await o.create(on: db)
            for (s, c) in kids {
                let t = ObserverTie()
                t.$observer.id = try o.requireID()
                t.$school.id = try s.requireID()
                t.className = c
                t.kind = "child"
                try await t.create(on: db)
            }
            for s in schoolsTied {
                let t = ObserverTie()
                t.$observer.id = try o.requireID()
                t.$school.id = try s.requireID()
                t.className = ""
                t.kind = "school"
                try await t.create(on: db)
            }
            try await Audit.record(on: db, actor: user.login, action: "create", entity: "observer", id: o.id?.uuidString, summary: "Добавлен наблюдатель \(name)",
                                   after: ["name": name, "kind": kind.rawValue], municipalityID: mid, regionID: m.$region.id)
        }
        Flash.set(req, "ok", "Наблюдатель «\(name)» добавлен.")
        return req.redirect(to: "/observers")
    }

    // MARK: assignments

    static func assignments(req: Request) async throws -> Response {
        let user = try req.require(managers)
        let p = try await ProcedureController.find(req)
        let mid = try user.requireMunicipalityID()
        let schools = try await ObserverStore.schools(municipalityID: mid, on: req.db)
        let observers = try await ObserverStore.observers(municipalityID: mid, on: req.db).filter(\.isActive)
        let names = Dictionary(uniqueKeysWithValues: observers.map { ($0.id!, $0.fullName) })
        let participants = try await ProcedureParticipant.query(on: req.db).filter(\.$procedure.$id == p.requireID()).all()
            .filter { schools[$0.$school.id] != nil }
            .sorted { ($0.date ?? "", schools[$0.$school.id]!.login, $0.className) < ($1.date ?? "", schools[$1.$school.id]!.login, $1.className) }
        let assigned = try await ObserverAssignment.query(on: req.db).filter(\.$procedure.$id == p.requireID()).all()
        let base = "/procedures/\(p.id!.uuidString)/observers"
        var html = "<h1>Наблюдатели: \(esc(ProcedureStore.title(p)))</h1>\(Flash.take(req))"
        let covered = participants.filter { pp in assigned.contains { $0.$school.id == pp.$school.id && ($0.className == pp.className || $0.className.isEmpty) } }.count
        html += "<p>Охвачено наблюдением: \(covered) из \(participants.count) мест проведения.</p>"
        html += "<div class=\"actions no-print\">\(postButton(req, action: "\(base)/suggest", label: "Предложить назначения на свободные места", style: "")) <a class=\"btn secondary\" href=\"\(base)/order.docx\">Приказ о назначении (DOCX)</a></div>"
        html += "<div class=\"table-wrap\"><table><thead><tr><th>Дата</th><th>Школа</th><th>Класс</th><th>Наблюдатели</th><th class=\"no-print\">Назначить</th></tr></thead><tbody>"
        let options = observers.map { "<option value=\"\($0.id!.uuidString)\">\(esc($0.fullName))</option>" }.joined()
        for pp in participants {
            let s = schools[pp.$school.id]!
            let here = assigned.filter { $0.$school.id == pp.$school.id && $0.className == pp.className }
            let who = here.map { a in "\(esc(names[a.$observer.id] ?? "?")) " + postButton(req, action: "/observers/assignments/\(a.id!.uuidString)/delete", label: "снять", style: "link") }.joined(separator: "<br>")
            html += "<tr><td>\(esc(LocalDate(iso: pp.date ?? "")?.russian ?? "—"))</td><td>\(esc(s.shortName))</td><td>\(esc(pp.className))</td><td>\(who.isEmpty ? "—" : who)</td>"
                + "<td class=\"no-print\"><form method=\"post\" action=\"\(base)/assign\" class=\"inline\">\(csrfField(req))<input type=\"hidden\" name=\"participant\" value=\"\(pp.id!.uuidString)\">"
                + "<select name=\"observer\" aria-label=\"Наблюдатель для \(esc(s.shortName)) \(esc(pp.className))\">\(options)</select> <button class=\"btn secondary small\" type=\"submit\">Назначить</button></form></td></tr>"
        }
        html += "</tbody></table></div>"
        html += "<p class=\"hint\">Правила: родитель не наблюдает в классе своего ребёнка; работник школы — в своей школе; специалист — в связанной с ним школе; в один день — одно место. Нарушающее правило назначение не сохраняется, причина показывается.</p>"
        return Layout.page(req, title: "Наблюдатели", body: html, crumbs: [("/procedures", "Оценочные процедуры"), ("/procedures/\(p.id!.uuidString)", ProcedureStore.title(p))])
    }

    struct AssignForm: Content { var participant: UUID; var observer: UUID }

    static func assign(req: Request) async throws -> Response {
        let user = try req.require([.specialist])
        let p = try await ProcedureController.find(req)
        let form = try req.content.decode(AssignForm.self)
        let mid = try user.requireMunicipalityID()
        let schools = try await ObserverStore.schools(municipalityID: mid, on: req.db)
        guard let pp = try await ProcedureParticipant.find(form.participant, on: req.db), pp.$procedure.id == p.id, let school = schools[pp.$school.id],
              let o = try await Observer.query(on: req.db).filter(\.$id == form.observer).filter(\.$municipalityID == mid).with(\.$ties).first() else { throw AppError.notFound }
        let problems = try await ObserverStore.assign(o, procedure: p, school: school, className: pp.className, date: pp.date ?? "", actor: user.login, schools: schools, on: req.db)
        Flash.set(req, problems.isEmpty ? "ok" : "error", problems.isEmpty ? "\(o.fullName) назначен(а): \(school.shortName), \(pp.className)." : "Назначение не сохранено.\n" + problems.joined(separator: "\n"))
        return req.redirect(to: "/procedures/\(p.id!.uuidString)/observers")
    }

    static func suggest(req: Request) async throws -> Response {
        let user = try req.require([.specialist])
        let p = try await ProcedureController.find(req)
        let mid = try user.requireMunicipalityID()
        let schools = try await ObserverStore.schools(municipalityID: mid, on: req.db)
        let observers = try await ObserverStore.observers(municipalityID: mid, on: req.db).filter(\.isActive)
        let assigned = try await ObserverAssignment.query(on: req.db).filter(\.$procedure.$id == p.requireID()).all()
        let open = try await ProcedureParticipant.query(on: req.db).filter(\.$procedure.$id == p.requireID()).all()
            .filter { pp in schools[pp.$school.id] != nil && !assigned.contains { $0.$school.id == pp.$school.id && $0.className == pp.className } }
        let slots = open.map { ConflictRules.Slot(school: schools[$0.$school.id]!.login, schoolName: schools[$0.$school.id]!.shortName, className: $0.className, date: $0.date ?? "") }
        let busy = try await ObserverStore.busy(municipalityID: mid, schools: schools, on: req.db)
        let priority = try await prioritySchools(municipalityID: mid, schools: schools, on: req.db)
        let plan = ConflictRules.suggest(slots: slots, observers: observers.map { ObserverStore.profile($0, schools: schools) },
                                         busy: observers.map { busy[$0.id!] ?? [] }, priority: priority)
        var made: [String] = []
        for (s, o) in plan {
            let pp = open[s]
            let problems = try await ObserverStore.assign(observers[o], procedure: p, school: schools[pp.$school.id]!, className: pp.className, date: pp.date ?? "",
                                                          actor: user.login, schools: schools, on: req.db)
            if problems.isEmpty { made.append("\(observers[o].fullName) → \(schools[pp.$school.id]!.shortName) \(pp.className)") }
        }
        let left = slots.count - made.count
        Flash.set(req, "ok", made.isEmpty ? "Свободных мест, куда можно назначить без нарушения правил, нет." : "Назначено: " + made.joined(separator: "; ") + "." + (left > 0 ? " Без наблюдателя осталось мест: \(left)." : ""))
        return req.redirect(to: "/procedures/\(p.id!.uuidString)/observers")
    }

    /// Schools to observe first: those named in measure 1.2 of the roadmap, then those with signs of
    /// non-objectivity in any procedure.
    static func prioritySchools(municipalityID: UUID, schools: [UUID: School], on db: Database) async throws -> [String] {
        var out: [String] = []
        if let m = try await Measure.query(on: db).filter(\.$municipalityID == municipalityID).filter(\.$number == "1.2").first() {
            let text = m.title + " " + m.expectedResult
            for s in schools.values.sorted(by: { $0.login < $1.login }) {
                let core = s.shortName.split(separator: "«").last.map { String($0.prefix { $0 != "»" }) } ?? s.shortName
                if !core.isEmpty && text.contains(core) { out.append(s.login) }
            }
        }
        let settings = try await Settings.objectivity(municipalityID: municipalityID, on: db)
        for p in try await Procedure.query(on: db).filter(\.$municipalityID == municipalityID).all() {
            let (_, risks, _) = try await AnalysisQuery.objectivity(procedure: p, municipalityID: municipalityID, on: db)
            for r in risks where r.hasSigns(settings) && !out.contains(r.school) { out.append(r.school) }
        }
        return out
    }

    static func unassign(req: Request) async throws -> Response {
        let user = try req.require([.specialist])
        guard let id = req.parameters.get("assignmentID", as: UUID.self), let a = try await ObserverAssignment.find(id, on: req.db),
              a.municipalityID == user.municipalityID else { throw AppError.notFound }
        if try await ObservationAct.query(on: req.db).filter(\.$assignment.$id == id).first()?.submittedAt != nil {
            Flash.set(req, "error", "Назначение не снято: наблюдатель уже подал акт.")
            return req.redirect(to: "/procedures/\(a.$procedure.id.uuidString)/observers")
        }
        try await req.db.transaction { db in
            try await a.delete(on: db)
            try await Audit.record(on: db, actor: user.login, action: "unassign", entity: "observer", id: id.uuidString, summary: "Снято назначение наблюдателя",
                                   before: ["class": a.className, "date": a.date], after: nil as [String: String]?, municipalityID: a.municipalityID, regionID: a.regionID)
        }
        Flash.set(req, "ok", "Назначение снято.")
        return req.redirect(to: "/procedures/\(a.$procedure.id.uuidString)/observers")
    }

    // MARK: coverage and the order

    /// Share of places (school × class of a procedure) and of works observed, per school and per
    /// procedure type, over the district's procedures of the current school year and earlier.
    static func coverage(req: Request) async throws -> Response {
        let user = try req.require(managers)
        let mid = try user.requireMunicipalityID()
        let schools = try await ObserverStore.schools(municipalityID: mid, on: req.db)
        let procedures = try await ProcedureController.visible(req)
        struct Tally { var places = 0, observedPlaces = 0, works = 0, observedWorks = 0 }
        var bySchool: [String: Tally] = [:], byType: [String: Tally] = [:]
        for p in procedures {
            let pid = try p.requireID()
            let counts = try await ResultsQuery.counts(procedureID: pid, on: req.db)
            let assigned = try await ObserverAssignment.query(on: req.db).filter(\.$procedure.$id == pid).all()
            for pp in try await ProcedureParticipant.query(on: req.db).filter(\.$procedure.$id == pid).all() {
                guard let s = schools[pp.$school.id] else { continue }
                let seen = assigned.contains { $0.$school.id == pp.$school.id && ($0.className == pp.className || $0.className.isEmpty) }
                let works = pp.className.isEmpty ? (counts[pp.$school.id] ?? [:]).values.reduce(0, +) : counts[pp.$school.id]?[pp.className] ?? 0
                for key in [s.shortName] { bySchool[key, default: Tally()].places += 1; if seen { bySchool[key]!.observedPlaces += 1; bySchool[key]!.observedWorks += works }; bySchool[key]!.works += works }
                byType[p.type, default: Tally()].places += 1
                byType[p.type]!.works += works
                if seen { byType[p.type]!.observedPlaces += 1; byType[p.type]!.observedWorks += works }
            }
        }
        func share(_ a: Int, _ b: Int) -> String { b == 0 ? "—" : ReferenceTable.format((Double(a) * 1000 / Double(b)).rounded() / 10) + " %" }
        func table(_ title: String, _ rows: [String: Tally]) -> String {
            "<h2>\(title)</h2><div class=\"table-wrap\"><table><thead><tr><th></th><th class=\"num\">Мест проведения</th><th class=\"num\">С наблюдателем</th><th class=\"num\">Доля мест</th><th class=\"num\">Доля работ</th></tr></thead><tbody>"
                + rows.sorted { $0.key < $1.key }.map { k, t in
                    "<tr><td>\(esc(k))</td><td class=\"num\">\(t.places)</td><td class=\"num\">\(t.observedPlaces)</td><td class=\"num\">\(share(t.observedPlaces, t.places))</td><td class=\"num\">\(share(t.observedWorks, t.works))</td></tr>"
                }.joined() + "</tbody></table></div>"
        }
        let html = "<h1>Охват наблюдением</h1><p class=\"hint\">Место проведения — школа и класс в процедуре; доля работ — работы классов, где был наблюдатель, от всех загруженных.</p>"
            + (bySchool.isEmpty ? "<section class=\"card\"><p>Процедур с участниками пока нет.</p></section>" : table("По видам процедур", byType) + table("По школам", bySchool))
        return Layout.page(req, title: "Охват наблюдением", body: html, crumbs: [("/observers", "Наблюдатели")])
    }

    /// «О назначении наблюдателей» for a procedure, with the assignments in an appendix table.
    static func order(req: Request) async throws -> Response {
        let user = try req.require(managers)
        let p = try await ProcedureController.find(req)
        let mid = try user.requireMunicipalityID()
        guard let m = try await Municipality.find(mid, on: req.db) else { throw AppError.notFound }
        let assigned = try await ObserverAssignment.query(on: req.db).filter(\.$procedure.$id == p.requireID()).filter(\.$municipalityID == mid)
            .with(\.$school).with(\.$observer).sort(\.$date).all()
        var doc = DocxDocument.order(title: "Приказ о назначении наблюдателей", letterhead: try await Settings.letterhead(m, on: req.db).components(separatedBy: "\n"),
                                     subject: "О назначении наблюдателей при проведении \(p.type) \(p.year) по предмету «\(p.subject)» в \(p.grade) классах",
                                     preamble: "В целях обеспечения объективности проведения оценочной процедуры (мероприятия 1.1–1.3 дорожной карты по повышению качества образования на \(p.schoolYear) учебный год)")
        doc.paragraph("1. Назначить наблюдателей при проведении \(p.type) \(p.year) по предмету «\(p.subject)» в общеобразовательных организациях согласно приложению.", alignment: .both)
        doc.paragraph("2. Наблюдателям присутствовать на указанных этапах процедуры и в день проведения подать акт наблюдения в МСОКО.", alignment: .both)
        doc.paragraph("3. Руководителям общеобразовательных организаций обеспечить допуск наблюдателей.", alignment: .both)
        doc.paragraph("4. Контроль исполнения приказа оставляю за собой.", alignment: .both)
        for line in try await Settings.signature(m, on: req.db).components(separatedBy: "\n") where !line.isEmpty { doc.paragraph(line) }
        doc.add(DocxDocument.Paragraph("Приложение. Наблюдатели", style: .heading2))
        doc.add(DocxDocument.Table(widths: [2, 4, 1, 3, 3], header: ["Дата", "Школа", "Класс", "Наблюдатель", "Кто"], rows: assigned.map { a in
            [DocxDocument.Cell(LocalDate(iso: a.date)?.russian ?? a.date), DocxDocument.Cell(a.school.shortName), DocxDocument.Cell(a.className),
             DocxDocument.Cell(a.observer.fullName), DocxDocument.Cell((ConflictRules.Kind(rawValue: a.observer.kind) ?? .publicObserver).title)]
        }))
        return try AnalysisController.docx(doc, name: "Приказ о назначении наблюдателей \(ProcedureStore.title(p))")
    }

    // MARK: the observer's own view

    static func own(_ req: Request) async throws -> (User, Observer) {
        let user = try req.requireUser()
        guard let o = try await Observer.query(on: req.db).filter(\.$userID == user.id).first() else { throw AppError.forbidden }
        return (user, o)
    }

    static func mine(req: Request) async throws -> Response {
        let (_, o) = try await own(req)
        let list = try await ObserverAssignment.query(on: req.db).filter(\.$observer.$id == o.requireID()).with(\.$procedure).with(\.$school).sort(\.$date).all()
        var html = "<h1>Мои назначения</h1>\(Flash.take(req))"
        if list.isEmpty { html += "<section class=\"card\"><p>Назначений пока нет.</p></section>" }
        for a in list {
            let act = try await ObservationAct.query(on: req.db).filter(\.$assignment.$id == a.requireID()).first()
            let state = act?.submittedAt != nil ? "акт подан" : act != nil ? "черновик акта" : "акт не заполнен"
            html += "<section class=\"card\"><h2>\(esc(LocalDate(iso: a.date)?.russian ?? a.date)) · \(esc(a.school.shortName))\(a.className.isEmpty ? "" : ", \(esc(a.className))")</h2>"
                + "<p>\(esc(ProcedureStore.title(a.procedure)))</p><p class=\"muted\">\(state)</p>"
                + "<p><a class=\"btn\" href=\"/observer/assignments/\(a.id!.uuidString)\">\(act?.submittedAt != nil ? "Открыть акт" : "Заполнить акт")</a></p></section>"
        }
        return Layout.page(req, title: "Мои назначения", body: html)
    }

    static func assignmentOf(_ req: Request, _ o: Observer) async throws -> ObserverAssignment {
        guard let id = req.parameters.get("assignmentID", as: UUID.self),
              let a = try await ObserverAssignment.query(on: req.db).filter(\.$id == id).with(\.$procedure).with(\.$school).first(),
              a.$observer.id == o.id else { throw AppError.notFound }
        return a
    }

    static func actForm(req: Request) async throws -> Response {
        let (_, o) = try await own(req)
        let a = try await assignmentOf(req, o)
        let act = try await ObservationAct.query(on: req.db).filter(\.$assignment.$id == a.requireID()).first()
        return try await renderAct(req, a, act: act, errors: [])
    }

    static func renderAct(_ req: Request, _ a: ObserverAssignment, act: ObservationAct?, errors: [String], status: HTTPStatus = .ok) async throws -> Response {
        let locked = act?.submittedAt != nil
        let stages = Set((act?.stages ?? "").split(separator: "\n").map(String.init))
        let violations = Set((act?.violations ?? "").split(separator: "\n").map(String.init))
        var html = "<h1>Акт наблюдения</h1><p>\(esc(ProcedureStore.title(a.procedure)))<br>\(esc(a.school.shortName))\(a.className.isEmpty ? "" : ", \(esc(a.className))") · \(esc(LocalDate(iso: a.date)?.russian ?? a.date))</p>\(Flash.take(req))"
        if !errors.isEmpty {
            html += "<div class=\"flash error\" role=\"alert\"><p>Акт не подан:</p><ul>" + errors.map { "<li>\(esc($0))</li>" }.joined() + "</ul></div>"
        }
        if locked {
            html += "<div class=\"flash ok\">Акт подан \(esc(act?.submittedAt.map { DateFormatter.localizedString(from: $0, dateStyle: .short, timeStyle: .short) } ?? "")) и больше не изменяется.</div>"
        }
        let disabled = locked ? " disabled" : ""
        html += "<form method=\"post\" action=\"\(uploadAction(req, "/observer/assignments/\(a.id!.uuidString)"))\" enctype=\"multipart/form-data\" class=\"act\">\(csrfField(req))"
        html += "<fieldset><legend>Этапы, на которых присутствовал(а)</legend>" + ObservationChecklist.stages.enumerated().map { i, s in
            "<div class=\"check\"><input type=\"checkbox\" id=\"stage\(i)\" name=\"stage\(i)\" value=\"1\"\(stages.contains(s) ? " checked" : "")\(disabled)> <label for=\"stage\(i)\">\(esc(s))</label></div>"
        }.joined() + "</fieldset>"
        html += "<fieldset><legend>Нарушения</legend>" + ObservationChecklist.violations.enumerated().map { i, s in
            "<div class=\"check\"><input type=\"checkbox\" id=\"violation\(i)\" name=\"violation\(i)\" value=\"1\"\(violations.contains(s) ? " checked" : "")\(disabled)> <label for=\"violation\(i)\">\(esc(s))</label></div>"
        }.joined()
        html += "<div class=\"check\"><input type=\"checkbox\" id=\"noViolations\" name=\"noViolations\" value=\"1\"\((act?.noViolations ?? false) ? " checked" : "")\(disabled)> <label for=\"noViolations\"><strong>Нарушений не выявлено</strong></label></div></fieldset>"
        html += "<label for=\"notes\">Замечания</label><textarea id=\"notes\" name=\"notes\" maxlength=\"10000\"\(disabled)>\(esc(act?.notes ?? ""))</textarea>"
        if let act, let id = act.id {
            let files = try await ActFile.query(on: req.db).filter(\.$act.$id == id).field(\.$id).field(\.$fileName).field(\.$act.$id).all()
            if !files.isEmpty { html += "<p>Файлы: " + files.map { esc($0.fileName) }.joined(separator: ", ") + "</p>" }
        }
        if !locked {
            html += "<label for=\"files\">Фото или файлы</label><input type=\"file\" id=\"files\" name=\"files[]\" multiple accept=\".jpg,.jpeg,.png,.pdf\">"
            html += "<div class=\"actions\"><button class=\"btn secondary\" type=\"submit\" name=\"action\" value=\"draft\">Сохранить черновик</button> <button class=\"btn\" type=\"submit\" name=\"action\" value=\"submit\">Подать акт</button></div>"
            html += "<p class=\"hint\">После подачи акт не изменяется. Отметьте нарушения или «Нарушений не выявлено».</p>"
        }
        html += "</form>"
        let r = Layout.page(req, title: "Акт наблюдения", body: html, crumbs: [("/observer", "Мои назначения")])
        r.status = status
        return r
    }

    struct ActForm: Content {
        var action: String?
        var notes: String?
        var noViolations: String?
        var files: [File]?
    }

    static func saveAct(req: Request) async throws -> Response {
        let (user, o) = try await own(req)
        let a = try await assignmentOf(req, o)
        let existing = try await ObservationAct.query(on: req.db).filter(\.$assignment.$id == a.requireID()).first()
        if existing?.submittedAt != nil { throw AppError.conflict("Акт уже подан и не изменяется.") }
        let form = try req.content.decode(ActForm.self)
        // Checkbox by checkbox: the form also carries files, so it is not a flat dictionary of strings.
        let checked = { (name: String) in (try? req.content.get(String.self, at: name)) == "1" }
        let stages = ObservationChecklist.stages.enumerated().filter { checked("stage\($0.offset)") }.map(\.element)
        let violations = ObservationChecklist.violations.enumerated().filter { checked("violation\($0.offset)") }.map(\.element)
        let none = form.noViolations == "1"
        let submit = form.action == "submit"
        var errors: [String] = []
        if submit && stages.isEmpty { errors.append("Отметьте хотя бы один этап, на котором вы присутствовали.") }
        if none && !violations.isEmpty { errors.append("Отмечены и нарушения, и «Нарушений не выявлено» — оставьте одно.") }
        if submit && !none && violations.isEmpty { errors.append("Отметьте нарушения или «Нарушений не выявлено».") }
        var accepted: [(String, String, Data)] = []
        for file in (form.files ?? []) where !file.filename.isEmpty || file.data.readableBytes > 0 {
            switch EvidenceRules.check(fileName: file.filename, data: file.data, maxBytes: req.msokoConfig.maxEvidenceBytes) {
            case .failure(let message): errors.append(message.description)
            case .success(let type): accepted.append((UploadName.clean(file.filename), type, Data(buffer: file.data)))
            }
        }
        let act = existing ?? ObservationAct()
        act.stages = stages.joined(separator: "\n")
        act.violations = violations.joined(separator: "\n")
        act.noViolations = none
        act.notes = (form.notes ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard errors.isEmpty else {
            act.$assignment.id = try a.requireID()
            return try await renderAct(req, a, act: act, errors: errors, status: .unprocessableEntity)
        }
        if submit { act.submittedAt = req.application.now; act.submittedBy = user.login }
        let files = accepted
        let existingID = existing?.id
        do {
            try await req.db.transaction { db in
                act.$assignment.id = try a.requireID()
                // A submitted act is locked: the first statement claims the row only while it is not
                // submitted (a concurrent submission waits for this transaction, then finds it locked);
                // a new act is one per assignment by the unique index.
                if let existingID, let sql = db as? SQLDatabase {
                    let claimed = try await sql.update(ObservationAct.schema).set("submitted_at", to: SQLColumn("submitted_at"))
                        .where("id", .equal, SQLBind(existingID)).where("submitted_at", .is, SQLLiteral.null).returning("id").all()
                    guard !claimed.isEmpty else { throw AppError.conflict("Акт уже подан и не изменяется.") }
                }
                try await act.save(on: db)
                for (name, type, data) in files {
                    let f = ActFile()
                    f.$act.id = try act.requireID()
                    f.fileName = name
                    f.contentType = type
                    f.size = data.count
                    f.sha256 = SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
                    f.data = data
                    try await f.create(on: db)
                }
                try await Audit.record(on: db, actor: user.login, action: submit ? "submit" : "update", entity: "observation_act", id: act.id?.uuidString,
                                       summary: (submit ? "Подан акт наблюдения: " : "Черновик акта наблюдения: ") + "\(a.school.shortName) \(a.className), \(a.date)",
                                       after: ["stages": act.stages, "violations": act.violations, "noViolations": none ? "да" : "нет", "notes": act.notes],
                                       municipalityID: a.municipalityID, regionID: a.regionID, schoolID: a.$school.id)
            }
        } catch let e as DatabaseError where e.isConstraintFailure {
            throw AppError.conflict("Акт по этому назначению уже сохранён с другого устройства. Обновите страницу.")
        }
        Flash.set(req, "ok", submit ? "Акт подан." : "Черновик сохранён.")
        return req.redirect(to: submit ? "/observer" : "/observer/assignments/\(a.id!.uuidString)")
    }

    // MARK: acts for specialists

    static func acts(req: Request) async throws -> Response {
        let user = try req.require(managers)
        let mid = try user.requireMunicipalityID()
        let assignments = try await ObserverAssignment.query(on: req.db).filter(\.$municipalityID == mid).with(\.$procedure).with(\.$school).with(\.$observer).sort(\.$date).all()
        let acts = try await ObservationAct.query(on: req.db).filter(\.$assignment.$id ~~ assignments.compactMap(\.id)).all()
        let byAssignment = Dictionary(uniqueKeysWithValues: acts.map { ($0.$assignment.id, $0) })
        var html = "<h1>Акты наблюдения</h1>"
        if assignments.isEmpty { html += "<section class=\"card\"><p>Назначений наблюдателей пока нет.</p></section>" }
        else {
            html += "<div class=\"table-wrap\"><table><thead><tr><th>Дата</th><th>Процедура</th><th>Школа, класс</th><th>Наблюдатель</th><th>Акт</th></tr></thead><tbody>"
            for a in assignments {
                let act = byAssignment[a.id!]
                let state: String
                if let act, act.submittedAt != nil {
                    let v = act.violations.split(separator: "\n").count
                    state = "<a href=\"/observers/acts/\(act.id!.uuidString)\">\(act.noViolations ? "нарушений не выявлено" : "нарушений: \(v)")</a>"
                } else {
                    state = act == nil ? "не заполнен" : "черновик"
                }
                html += "<tr><td>\(esc(LocalDate(iso: a.date)?.russian ?? a.date))</td><td>\(esc(ProcedureStore.title(a.procedure)))</td><td>\(esc(a.school.shortName)) \(esc(a.className))</td><td>\(esc(a.observer.fullName))</td><td>\(state)</td></tr>"
            }
            html += "</tbody></table></div>"
        }
        return Layout.page(req, title: "Акты наблюдения", body: html, crumbs: [("/observers", "Наблюдатели")])
    }

    static func actView(req: Request) async throws -> Response {
        let user = try req.require(managers)
        guard let id = req.parameters.get("actID", as: UUID.self), let act = try await ObservationAct.find(id, on: req.db),
              let a = try await ObserverAssignment.query(on: req.db).filter(\.$id == act.$assignment.id).with(\.$procedure).with(\.$school).with(\.$observer).first(),
              a.municipalityID == user.municipalityID else { throw AppError.notFound }
        let files = try await ActFile.query(on: req.db).filter(\.$act.$id == id).field(\.$id).field(\.$fileName).field(\.$size).field(\.$act.$id).all()
        var html = "<h1>Акт наблюдения</h1><p>\(esc(ProcedureStore.title(a.procedure)))<br>\(esc(a.school.shortName)) \(esc(a.className)) · \(esc(LocalDate(iso: a.date)?.russian ?? a.date)) · наблюдатель \(esc(a.observer.fullName))</p>"
        html += "<h2>Этапы</h2><p>\(esc(act.stages.replacingOccurrences(of: "\n", with: "; ")))</p>"
        html += "<h2>Нарушения</h2>" + (act.noViolations ? "<p>Нарушений не выявлено.</p>" : "<ul>" + act.violations.split(separator: "\n").map { "<li>\(esc(String($0)))</li>" }.joined() + "</ul>")
        if !act.notes.isEmpty { html += "<h2>Замечания</h2><p>\(esc(act.notes))</p>" }
        if !files.isEmpty { html += "<h2>Файлы</h2><ul>" + files.map { "<li><a href=\"/observers/acts/files/\($0.id!.uuidString)\">\(esc($0.fileName))</a></li>" }.joined() + "</ul>" }
        return Layout.page(req, title: "Акт наблюдения", body: html, crumbs: [("/observers", "Наблюдатели"), ("/observers/acts", "Акты наблюдения")])
    }

    static func actFile(req: Request) async throws -> Response {
        let user = try req.require(managers)
        guard let id = req.parameters.get("fileID", as: UUID.self), let f = try await ActFile.find(id, on: req.db),
              let act = try await ObservationAct.find(f.$act.id, on: req.db), let a = try await ObserverAssignment.find(act.$assignment.id, on: req.db),
              a.municipalityID == user.municipalityID else { throw AppError.notFound }
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: f.contentType)
        headers.replaceOrAdd(name: .contentDisposition, value: ContentDisposition.attachment(f.fileName))
        return Response(status: .ok, headers: headers, body: .init(data: f.data))
    }
}
