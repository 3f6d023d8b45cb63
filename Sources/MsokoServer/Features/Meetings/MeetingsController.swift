import Fluent
import MsokoCore
import Vapor

/// Meetings (issue 15 §1): the list, a new meeting (a heads' meeting drafted with the objectivity
/// findings of the latest procedures), the meeting's page with participants, agenda and minutes,
/// its decisions, the protocol and the order as DOCX from the district's templates, and the
/// protocol attached to the roadmap's report. Rights: `MeetingViewer`.
enum MeetingsController {
    static func register(_ app: Application) {
        app.on(Site.meetings, use: list)
        app.on(Site.meetingNew, use: newForm)
        app.on(Site.meetingCreate, use: create)
        app.on(Site.meetingTemplates, use: templates)
        app.on(Site.meetingTemplatesSave, use: saveTemplates)
        app.on(Site.meeting, use: page)
        app.on(Site.meetingUpdate, use: update)
        app.on(Site.meetingDeleteConfirm, use: confirmDelete)
        app.on(Site.meetingDelete, use: delete)
        app.on(Site.meetingParticipantAdd, use: addParticipant)
        app.on(Site.meetingParticipantDelete, use: deleteParticipant)
        app.on(Site.meetingItemAdd, use: addItem)
        app.on(Site.meetingItemSave, use: saveItem)
        app.on(Site.meetingItemDeleteConfirm, use: confirmDeleteItem)
        app.on(Site.meetingItemDelete, use: deleteItem)
        app.on(Site.meetingDecisionAdd, use: addDecision)
        app.on(Site.meetingProtocol, use: protocolDocx)
        app.on(Site.meetingOrder, use: orderDocx)
        app.on(Site.meetingAttach, use: attach)
        app.on(Site.meetingDossier, use: dossier)
        app.on(Site.meetingDossierDocx, use: dossierDocx)
        app.on(Site.interviewsSchedule, use: scheduleInterviews)
        app.on(Site.apiMeetings, use: MeetingsAPI.meetings)
        app.on(Site.apiDecisions, use: MeetingsAPI.decisions)
    }

    // MARK: list

    static func list(req: Request) async throws -> Response {
        let user = try req.user
        let v = try await MeetingStore.viewer(req)
        let rows = try await MeetingStore.visible(req)
        let kind = req.query[String.self, at: "kind"].flatMap(MeetingKind.init(rawValue:))
        let today = try await req.today()
        let open = try await MeetingStore.register(req).filter { $0.0.status(today: today).isOpen }
        let model = MeetingList(rows: rows.filter { kind == nil || $0.meeting.meetingKind == kind }, kind: kind, canCreate: !v.creatableKinds.isEmpty,
                                role: user.role, openDecisions: open.count, overdue: open.filter { $0.0.status(today: today) == .overdue }.count,
                                scheduleFrom: septemberStart(after: today))
        return Layout.page(req, title: "Совещания и решения", body: model.view(req.pageContext()))
    }

    // MARK: new and edit

    static func newForm(req: Request) async throws -> Response {
        let user = try req.user
        let v = try await MeetingStore.viewer(req)
        guard !v.creatableKinds.isEmpty else { throw AppError.forbidden }
        let kind = req.query[String.self, at: "kind"].flatMap(MeetingKind.init(rawValue:)).flatMap { v.creatableKinds.contains($0) ? $0 : nil } ?? v.creatableKinds[0]
        let today = try await req.today()
        let people = try await Self.people(user, on: req.db)
        let schools = try await schoolChoices(user, on: req.db)
        let draft = MeetingForm.Values(kind: kind, kindName: "", title: defaultTitle(kind), number: "", date: today.russian, time: "10:00",
                                       place: kind == .interview || kind == .headsMeeting ? "Управление образования, каб. 12" : "",
                                       school: user.role == .head ? user.$school.id : nil, chair: v.role == .head || v.role == .methodist || v.role == .specialist ? user.id : nil,
                                       chairName: "", chairPost: "", secretary: nil, secretaryName: "", secretaryPost: "")
        let form = MeetingForm(values: draft, kinds: v.creatableKinds, people: people, schools: schools, isNew: true, action: Site.meetingCreate.url,
                               schoolFixed: user.role == .head)
        return Layout.page(req, title: "Новое заседание", body: form.view(req.pageContext()), crumbs: [Crumb(Site.meetings.url, "Совещания и решения")])
    }

    /// The first working day from 10 September of this year (or the next, past September).
    static func septemberStart(after today: LocalDate) -> LocalDate {
        var d = LocalDate(year: today.month >= 10 ? today.year + 1 : today.year, month: 9, day: 10)
        while d.isoWeekday >= 6 { d = d.adding(days: 1) }
        return d
    }

    static func defaultTitle(_ kind: MeetingKind) -> String {
        switch kind {
        case .headsMeeting: return "Об объективности проведения оценочных процедур и использовании их результатов"
        case .interview: return "Собеседование по результатам оценочных процедур и принятым управленческим решениям"
        case .methodAssociation: return "Анализ результатов оценочных процедур и типичных затруднений обучающихся"
        case .pedagogicalCouncil: return "Итоги оценочных процедур и объективность оценивания"
        case .commission: return "Итоги перепроверки работ участников"
        case .other: return ""
        }
    }

    struct HeaderForm: Content {
        var kind: String?
        var kindName: String?
        var title: String?
        var number: String?
        var date: String?
        var time: String?
        var place: String?
        var school: String?
        var chair: String?
        var chairName: String?
        var chairPost: String?
        var secretary: String?
        var secretaryName: String?
        var secretaryPost: String?
        var inviteHeads: String?
        var prefill: String?
    }

    struct Header {
        var kind: MeetingKind
        var kindName: String
        var title: String
        var number: String
        var date: LocalDate
        var time: String
        var place: String
        var school: School?
        var chair: (id: UUID?, name: String, post: String)
        var secretary: (id: UUID?, name: String, post: String)
    }

    /// The header form read and checked: every problem named by its field, all in one pass.
    static func header(_ f: HeaderForm, user: User, kinds: [MeetingKind], fixedKind: MeetingKind? = nil, on db: Database) async throws -> Result<Header, FormProblems> {
        var errors: [String] = []
        let kind: MeetingKind
        if let fixedKind { kind = fixedKind } else {
            guard let k = f.kind.flatMap(MeetingKind.init(rawValue:)), kinds.contains(k) else { throw AppError.badInput("Поле «Вид»: недопустимое значение.") }
            kind = k
        }
        let title = text(f.title, "Тема", max: 300, required: true, &errors)
        let kindName = text(f.kindName, "Название вида", max: 120, required: kind == .other, &errors)
        let number = text(f.number, "Номер протокола", max: 30, required: false, &errors)
        let place = text(f.place, "Место или ссылка", max: 300, required: false, &errors)
        let date = FormDate.parse(f.date, field: "Дата", required: true, errors: &errors)
        let time = (f.time ?? "").trimmingCharacters(in: .whitespaces)
        if !time.isEmpty && !isTime(time) { errors.append("Поле «Время»: «\(time)» — ожидается ЧЧ:ММ, например 10:00.") }
        var school: School?
        if user.role == .head {
            school = try await Schools.own(of: user, on: db)
        } else if let s = f.school, !s.isEmpty {
            guard let id = UUID(uuidString: s), let found = try await School.find(id, on: db), found.$municipality.id == user.municipalityID else {
                throw AppError.badInput("Поле «Школа»: такой школы нет в районе.")
            }
            school = found
        }
        if (kind == .interview || kind == .pedagogicalCouncil) && school == nil { errors.append("Поле «Школа»: для вида «\(kind.title)» выберите школу.") }
        if user.role == .specialist && kind == .methodAssociation && school != nil { errors.append("Поле «Школа»: заседание ШМО ведёт школа; районное методическое объединение школу не выбирает.") }
        let people = try await Self.people(user, on: db)
        let chair = person(f.chair, f.chairName, f.chairPost, "Председатель", people, &errors)
        let secretary = person(f.secretary, f.secretaryName, f.secretaryPost, "Секретарь", people, &errors)
        guard errors.isEmpty, let date else { return .failure(FormProblems(errors)) }
        return .success(Header(kind: kind, kindName: kind == .other ? kindName : "", title: title, number: number, date: date, time: time, place: place,
                               school: (kind == .headsMeeting || kind == .commission) ? nil : school, chair: chair, secretary: secretary))
    }

    static func isTime(_ t: String) -> Bool {
        let p = t.split(separator: ":")
        guard p.count == 2, let h = Int(p[0]), let m = Int(p[1]), p[1].count == 2 else { return false }
        return (0...23).contains(h) && (0...59).contains(m)
    }

    /// A trimmed text field; a problem when required and empty or longer than `max`.
    static func text(_ value: String?, _ field: String, max: Int, required: Bool, _ errors: inout [String], place: String? = nil) -> String {
        FormText.read(value, field, max: max, required: required, &errors, place: place)
    }

    /// A chair or secretary: a user of the district chosen, or a name typed in (the typed name and
    /// post win over the user's own, so a district can write «Самойлова Анна Леонидовна»).
    static func person(_ id: String?, _ name: String?, _ post: String?, _ field: String, _ people: [(User, School?)], _ errors: inout [String]) -> (id: UUID?, name: String, post: String) {
        let typedName = text(name, "\(field) (ФИО)", max: 200, required: false, &errors)
        let typedPost = text(post, "\(field) (должность)", max: 200, required: false, &errors)
        guard let id, !id.isEmpty else { return (nil, typedName, typedPost) }
        guard let uid = UUID(uuidString: id), let (u, s) = people.first(where: { $0.0.id == uid }) else {
            errors.append("Поле «\(field)»: такого пользователя нет среди участников района.")
            return (nil, typedName, typedPost)
        }
        return (uid, typedName.isEmpty ? u.name : typedName, typedPost.isEmpty ? MeetingStore.post(of: u, school: s) : typedPost)
    }

    /// The district's people who may chair, keep the minutes or take part (active accounts), with
    /// their schools; a head's choice is cut to their own school and the department.
    static func people(_ user: User, on db: Database) async throws -> [(User, School?)] {
        let mid = try user.requireMunicipalityID()
        let users = try await User.query(on: db).filter(\.$municipality.$id == mid).filter(\.$isDisabled == false).with(\.$school).sort(\.$name).all()
        return users.filter { u in
            guard [.specialist, .head, .teacher, .methodist].contains(u.role) else { return false }
            if user.role.needsSchool { return u.$school.id == user.$school.id || u.role == .specialist }
            return true
        }.map { ($0, $0.school) }
    }

    static func schoolChoices(_ user: User, on db: Database) async throws -> [School] {
        if user.role.needsSchool { return try await Schools.own(of: user, on: db).map { [$0] } ?? [] }
        return try await Schools.all(of: user, activeOnly: true, on: db)
    }

    static func create(req: Request) async throws -> Response {
        let user = try req.user
        let v = try await MeetingStore.viewer(req)
        let f = try req.content.decode(HeaderForm.self)
        let h: Header
        switch try await header(f, user: user, kinds: v.creatableKinds, on: req.db) {
        case .failure(let p): return req.redirect(to: Site.meetingNew.url.query(["kind": f.kind]), error: "Заседание не создано.\n" + p.messages.joined(separator: "\n"))
        case .success(let ok): h = ok
        }
        guard let regionID = user.regionID else { throw AppError.forbidden }
        let m = Meeting()
        m.regionID = regionID
        m.municipalityID = v.municipalityID
        apply(h, to: m)
        m.createdBy = user.login
        m.createdByID = user.id
        // Participants: the chair and the secretary; every head for a heads' meeting (when asked);
        // the school's head for an interview or the school's own meeting.
        var participants: [(id: UUID?, name: String, post: String, school: UUID?)] = []
        func add(_ id: UUID?, _ name: String, _ post: String, _ school: UUID?) {
            guard !name.isEmpty, !participants.contains(where: { ($0.id != nil && $0.id == id) || ($0.id == nil && $0.name == name) }) else { return }
            participants.append((id, name, post, school))
        }
        add(h.chair.id, h.chair.name, h.chair.post, nil)
        add(h.secretary.id, h.secretary.name, h.secretary.post, nil)
        let people = try await Self.people(user, on: req.db)
        if h.kind == .headsMeeting && f.inviteHeads == "1" {
            let schools = try await Schools.all(of: user, activeOnly: true, on: req.db)
            for s in schools {
                let heads = people.filter { $0.0.role == .head && $0.0.$school.id == s.id }
                if heads.isEmpty { add(nil, "Руководитель \(s.shortName)", "", s.id) }
                for (u, _) in heads { add(u.id, u.name, MeetingStore.post(of: u, school: s), s.id) }
            }
        } else if let s = h.school, h.kind == .interview {
            for (u, _) in people where u.role == .head && u.$school.id == s.id { add(u.id, u.name, MeetingStore.post(of: u, school: s), s.id) }
        }
        var items: [MeetingItem] = []
        if h.kind == .headsMeeting && f.prefill == "1" {
            items = try await findings(user, on: req.db)
        } else if h.kind == .interview, let s = h.school {
            items = interviewItems(s)
        }
        let found = items.count
        let (newParticipants, newItems) = (participants, items)
        try await req.audited { db in
            try await m.create(on: db)
            for (i, p) in newParticipants.enumerated() {
                let row = MeetingParticipant()
                row.$meeting.id = m.id!
                row.userID = p.id
                row.name = p.name
                row.post = p.post
                row.schoolID = p.school
                row.position = i + 1
                try await row.create(on: db)
            }
            for item in newItems {
                item.$meeting.id = m.id!
                try await item.create(on: db)
            }
            return try AuditNote(action: "create", entity: "meeting", id: m.id, summary: "Создано заседание: \(m.kindTitle) \(h.date.russian) «\(m.title)»",
                                 after: MeetingDTO(m), municipalityID: m.municipalityID, regionID: m.regionID, schoolID: m.$school.id)
        }
        let note = h.kind == .headsMeeting && f.prefill == "1"
            ? (found == 0 ? " Признаков необъективности в последних процедурах нет — добавьте вопросы повестки." : " В повестку внесены находки по объективности: \(Plural.count(found, "вопрос", "вопроса", "вопросов")).")
            : ""
        return req.redirect(to: Site.meeting.url(m.id!), ok: "Заседание создано.\(note)")
    }

    static func apply(_ h: Header, to m: Meeting) {
        m.kind = h.kind.rawValue
        m.kindName = h.kindName
        m.title = h.title
        m.number = h.number
        m.date = h.date.iso
        m.time = h.time
        m.place = h.place
        m.$school.id = h.school?.id
        m.chairID = h.chair.id
        m.chairName = h.chair.name
        m.chairPost = h.chair.post
        m.secretaryID = h.secretary.id
        m.secretaryName = h.secretary.name
        m.secretaryPost = h.secretary.post
    }

    struct MeetingDTO: Encodable {
        var kind, kindName, title, number, date, time, place, chair, secretary: String
        var school: String?
        init(_ m: Meeting) {
            kind = m.kind; kindName = m.kindName; title = m.title; number = m.number; date = m.date; time = m.time; place = m.place
            chair = m.chairName; secretary = m.secretaryName; school = m.$school.id?.uuidString
        }
    }

    /// Agenda items of a heads' meeting from the objectivity findings of the latest procedures
    /// (those of the latest year with results): one item per school with signs, in the order of the
    /// schools' logins (no ranking), naming the procedures and the signs, tied to the school so that
    /// only those who may see it are shown it; or none when no school has signs.
    static func findings(_ user: User, on db: Database) async throws -> [MeetingItem] {
        let mid = try user.requireMunicipalityID()
        let procedures = try await Procedures.visible(to: user, on: db)
        let withResults = try await ResultsQuery.worksPerProcedure(municipalityID: mid, schoolID: nil, on: db)
        let latest = procedures.filter { (withResults[$0.id!] ?? 0) > 0 }
        guard let year = latest.map(\.year).max() else { return [] }
        let schools = Dictionary(uniqueKeysWithValues: try await Schools.all(of: user, on: db).map { ($0.login, $0) })
        var bySchool: [String: [(Procedure, GroupRisk, [String])]] = [:]
        for p in latest where p.year == year {
            let (_, risks, settings) = try await AnalysisQuery.objectivity(procedure: p, municipalityID: mid, on: db)
            for s in risks where s.className == nil && s.hasSigns(settings) {
                let signs = Set(risks.filter { $0.school == s.school }.flatMap { $0.shownSignals(settings).map(\.indicator.title) }).sorted()
                bySchool[s.school, default: []].append((p, s, signs))
            }
        }
        var items: [MeetingItem] = []
        for login in bySchool.keys.sorted() {
            guard let school = schools[login], let hits = bySchool[login] else { continue }
            let item = MeetingItem()
            item.position = items.count + 1
            item.title = "Об объективности результатов оценочных процедур в \(school.shortName)"
            item.schoolID = school.id
            item.linkKind = RecordLink.Kind.objectivity.rawValue
            item.linkProcedureID = hits[0].0.id
            item.heard = "Признаки необъективных результатов: " + hits.map { "\(ProcedureStore.title($0.0)) — \($0.2.joined(separator: ", "))" }.joined(separator: "; ") + "."
            item.spoke = ""
            item.decided = ""
            items.append(item)
        }
        return items
    }

    /// The agenda of an interview with a school's head (2.4): its results, objectivity and gaps.
    static func interviewItems(_ s: School) -> [MeetingItem] {
        ["Результаты оценочных процедур прошлого учебного года и их динамика", "Объективность результатов: признаки, акты наблюдения, перепроверка",
         "Ликвидация пробелов: планы и их выполнение"].enumerated().map { i, title in
            let item = MeetingItem()
            item.position = i + 1
            item.title = title
            item.schoolID = s.id
            item.heard = ""
            item.spoke = ""
            item.decided = ""
            return item
        }
    }

    static func editable(_ req: Request) async throws -> LoadedMeeting {
        let l = try await MeetingStore.load(req)
        guard l.canEdit else { throw AppError.forbidden }
        return l
    }

    static func update(req: Request) async throws -> Response {
        let user = try req.user
        let l = try await editable(req)
        let m = l.meeting
        let f = try req.content.decode(HeaderForm.self)
        let back = Site.meeting.url(l.id)
        switch try await header(f, user: user, kinds: MeetingKind.allCases, fixedKind: m.meetingKind, on: req.db) {
        case .failure(let p): return req.redirect(to: back, error: "Заседание не сохранено.\n" + p.messages.joined(separator: "\n"))
        case .success(let h):
            let before = MeetingDTO(m)
            apply(h, to: m)
            try await req.audited { db in
                try await m.save(on: db)
                return try AuditNote(action: "update", entity: "meeting", id: m.id, summary: "Изменено заседание \(h.date.russian) «\(m.title)»",
                                     before: before, after: MeetingDTO(m), municipalityID: m.municipalityID, regionID: m.regionID, schoolID: m.$school.id)
            }
            return req.redirect(to: back, ok: "Сведения о заседании сохранены.")
        }
    }

    static func confirmDelete(req: Request) async throws -> Response {
        let l = try await editable(req)
        let n = l.decisions.count
        return Layout.page(req, title: "Удаление заседания", body: ConfirmPage.view(req.pageContext(), title: "Удалить заседание?",
            text: "Заседание «\(l.meeting.title)» от \(l.meeting.localDate.russian) будет удалено со всеми вопросами повестки, участниками\(n > 0 ? " и решениями (\(n)), включая отчёты исполнителей" : ""). Запись об удалении останется в журнале изменений.",
            action: Site.meetingDelete.url(l.id), cancel: Site.meeting.url(l.id)))
    }

    static func delete(req: Request) async throws -> Response {
        let l = try await editable(req)
        let m = l.meeting
        let decisions = l.decisions.count
        try await req.audited { db in
            let ids = try await Decision.query(on: db).filter(\.$meeting.$id == m.requireID()).all().compactMap(\.id)
            if !ids.isEmpty { try await DecisionFile.query(on: db).filter(\.$decision.$id ~~ ids).delete() }
            try await Decision.query(on: db).filter(\.$meeting.$id == m.requireID()).delete()
            try await MeetingItem.query(on: db).filter(\.$meeting.$id == m.requireID()).delete()
            try await MeetingParticipant.query(on: db).filter(\.$meeting.$id == m.requireID()).delete()
            try await m.delete(on: db)
            return try AuditNote(action: "delete", entity: "meeting", id: m.id, summary: "Удалено заседание \(m.localDate.russian) «\(m.title)» (решений: \(decisions))",
                                 before: MeetingDTO(m), municipalityID: m.municipalityID, regionID: m.regionID, schoolID: m.$school.id)
        }
        return req.redirect(to: Site.meetings.url, ok: "Заседание «\(m.title)» удалено.")
    }

    // MARK: participants

    struct ParticipantForm: Content {
        var user: String?
        var name: String?
        var post: String?
    }

    static func addParticipant(req: Request) async throws -> Response {
        let user = try req.user
        let l = try await editable(req)
        let f = try req.content.decode(ParticipantForm.self)
        let back = Site.meeting.url(l.id).fragment("participants")
        var errors: [String] = []
        let people = try await Self.people(user, on: req.db)
        let p = person(f.user, f.name, f.post, "Участник", people, &errors)
        if p.name.isEmpty && errors.isEmpty { errors.append("Поле «Участник»: выберите пользователя или впишите ФИО.") }
        let all = try await MeetingParticipant.query(on: req.db).filter(\.$meeting.$id == l.id).all()
        if let id = p.id, all.contains(where: { $0.userID == id }) { errors.append("\(p.name) уже в списке участников.") }
        guard errors.isEmpty else { return req.redirect(to: back, error: "Участник не добавлен.\n" + errors.joined(separator: "\n")) }
        let row = MeetingParticipant()
        row.$meeting.id = l.id
        row.userID = p.id
        row.name = p.name
        row.post = p.post
        row.schoolID = p.id.flatMap { id in people.first { $0.0.id == id } }.flatMap { $0.0.$school.id }
        row.position = (all.map(\.position).max() ?? 0) + 1
        let m = l.meeting
        try await req.audited { db in
            try await row.create(on: db)
            return try AuditNote(action: "create", entity: "meeting_participant", id: row.id, summary: "Участник заседания \(m.localDate.russian): \(row.name)",
                                 after: ["name": row.name, "post": row.post], municipalityID: m.municipalityID, regionID: m.regionID, schoolID: m.$school.id)
        }
        return req.redirect(to: back, ok: "\(row.name) — в списке участников.")
    }

    static func deleteParticipant(req: Request) async throws -> Response {
        guard let row = try await MeetingParticipant.find(try req.pathID("participantID"), on: req.db) else { throw AppError.notFound }
        let l = try await MeetingStore.load(req, id: row.$meeting.id)
        guard l.canEdit else { throw AppError.forbidden }
        let m = l.meeting
        try await req.audited { db in
            try await row.delete(on: db)
            return try AuditNote(action: "delete", entity: "meeting_participant", id: row.id, summary: "Из участников заседания \(m.localDate.russian) исключён(а) \(row.name)",
                                 before: ["name": row.name, "post": row.post], municipalityID: m.municipalityID, regionID: m.regionID, schoolID: m.$school.id)
        }
        return req.redirect(to: Site.meeting.url(l.id).fragment("participants"), ok: "\(row.name) исключён(а) из списка участников.")
    }

    // MARK: agenda items and minutes

    struct ItemForm: Content {
        var title: String?
        var school: String?
        var link: String?
        var heard: String?
        var spoke: String?
        var decided: String?
    }

    /// The item form checked; the school must be the meeting's own for an interview or a school's meeting.
    /// An item form's values, checked; `apply` writes them into an item.
    struct ItemValues {
        var title: String
        var school: UUID?
        var link: (RecordLink.Kind, UUID)?
        var heard, spoke, decided: String

        func apply(to item: MeetingItem) {
            item.title = title
            item.schoolID = school
            item.linkKind = link?.0.rawValue
            item.linkProcedureID = link.flatMap { $0.0.isProcedure ? $0.1 : nil }
            item.linkRecordID = link.flatMap { $0.0.isProcedure ? nil : $0.1 }
            item.heard = heard
            item.spoke = spoke
            item.decided = decided
        }
    }

    static func itemValues(_ f: ItemForm, _ l: LoadedMeeting, user: User, place: String, on db: Database) async throws -> Result<ItemValues, FormProblems> {
        var errors: [String] = []
        let title = text(f.title, "Вопрос", max: 500, required: true, &errors, place: place)
        let heard = text(f.heard, "Слушали", max: 8000, required: false, &errors, place: place)
        let spoke = text(f.spoke, "Выступили", max: 8000, required: false, &errors, place: place)
        let decided = text(f.decided, "Решили", max: 8000, required: false, &errors, place: place)
        var school: UUID? = l.meeting.$school.id
        if l.meeting.$school.id == nil, let s = f.school, !s.isEmpty {
            guard let id = UUID(uuidString: s), let found = try await School.find(id, on: db), found.$municipality.id == l.viewer.municipalityID else {
                throw AppError.badInput("Поле «Школа»: такой школы нет в районе.")
            }
            school = id
        }
        let choices = try await RecordLink.choices(for: user, school: school, on: db)
        let link = RecordLink.parse(f.link, choices: choices, field: "\(place), поле «Связанная запись»", errors: &errors)
        if let link, link.0 == .objectivity && school == nil { errors.append("\(place), поле «Связанная запись»: карточка объективности — это карточка школы; выберите школу вопроса.") }
        guard errors.isEmpty else { return .failure(FormProblems(errors)) }
        return .success(ItemValues(title: title, school: school, link: link, heard: heard, spoke: spoke, decided: decided))
    }

    static func addItem(req: Request) async throws -> Response {
        let user = try req.user
        let l = try await editable(req)
        let f = try req.content.decode(ItemForm.self)
        let back = Site.meeting.url(l.id)
        let all = try await MeetingItem.query(on: req.db).filter(\.$meeting.$id == l.id).all()
        let position = (all.map(\.position).max() ?? 0) + 1
        switch try await itemValues(f, l, user: user, place: "Новый вопрос", on: req.db) {
        case .failure(let p): return req.redirect(to: back.fragment("add-item"), error: "Вопрос не добавлен.\n" + p.messages.joined(separator: "\n"))
        case .success(let v):
            let item = MeetingItem()
            item.$meeting.id = l.id
            item.position = position
            v.apply(to: item)
            let (m, title, school) = (l.meeting, v.title, v.school)
            try await req.audited { db in
                try await item.create(on: db)
                return try AuditNote(action: "create", entity: "meeting_item", id: item.id, summary: "В повестку заседания \(m.localDate.russian) добавлен вопрос «\(title)»",
                                     after: ItemDTO(item), municipalityID: m.municipalityID, regionID: m.regionID, schoolID: school ?? m.$school.id)
            }
            return req.redirect(to: back.fragment("item-\(item.id!)"), ok: "Вопрос «\(title)» добавлен в повестку.")
        }
    }

    struct ItemDTO: Encodable {
        var title, heard, spoke, decided: String
        var school, link: String?
        init(_ i: MeetingItem) {
            title = i.title; heard = i.heard; spoke = i.spoke; decided = i.decided; school = i.schoolID?.uuidString
            link = i.linkKind.map { "\($0):\((i.linkProcedureID ?? i.linkRecordID)?.uuidString ?? "")" }
        }
    }

    /// The item of the path, in a meeting the user edits (an item they may not see is 403 like the meeting).
    static func item(_ req: Request) async throws -> (LoadedMeeting, MeetingItem) {
        guard let item = try await MeetingItem.find(try req.pathID("agendaItemID"), on: req.db) else { throw AppError.notFound }
        let l = try await MeetingStore.load(req, id: item.$meeting.id)
        guard l.canEdit, l.items.contains(where: { $0.id == item.id }) else { throw AppError.forbidden }
        return (l, item)
    }

    static func saveItem(req: Request) async throws -> Response {
        let user = try req.user
        let (l, item) = try await item(req)
        let f = try req.content.decode(ItemForm.self)
        let back = Site.meeting.url(l.id).fragment("item-\(item.id!)")
        switch try await itemValues(f, l, user: user, place: "Вопрос \(item.position)", on: req.db) {
        case .failure(let p): return req.redirect(to: back, error: "Вопрос не сохранён.\n" + p.messages.joined(separator: "\n"))
        case .success(let v):
            let before = ItemDTO(item)
            v.apply(to: item)
            let (m, title, school) = (l.meeting, v.title, v.school)
            try await req.audited { db in
                try await item.save(on: db)
                return try AuditNote(action: "update", entity: "meeting_item", id: item.id, summary: "Заседание \(m.localDate.russian), вопрос «\(title)»: повестка и протокол",
                                     before: before, after: ItemDTO(item), municipalityID: m.municipalityID, regionID: m.regionID, schoolID: school ?? m.$school.id)
            }
            return req.redirect(to: back, ok: "Вопрос «\(title)» сохранён.")
        }
    }

    static func confirmDeleteItem(req: Request) async throws -> Response {
        let (l, item) = try await item(req)
        let n = l.decisions(of: item).count
        return Layout.page(req, title: "Удаление вопроса", body: ConfirmPage.view(req.pageContext(), title: "Удалить вопрос повестки?",
            text: "Вопрос «\(item.title)» будет удалён из повестки заседания \(l.meeting.localDate.russian) вместе с протоколом по нему\(n > 0 ? " и решениями (\(n))" : ""). Запись об удалении останется в журнале изменений.",
            action: Site.meetingItemDelete.url(item.id!), cancel: Site.meeting.url(l.id)))
    }

    static func deleteItem(req: Request) async throws -> Response {
        let (l, item) = try await item(req)
        let m = l.meeting
        try await req.audited { db in
            let ids = try await Decision.query(on: db).filter(\.$itemID == item.requireID()).all().compactMap(\.id)
            if !ids.isEmpty { try await DecisionFile.query(on: db).filter(\.$decision.$id ~~ ids).delete() }
            try await Decision.query(on: db).filter(\.$itemID == item.requireID()).delete()
            try await item.delete(on: db)
            return try AuditNote(action: "delete", entity: "meeting_item", id: item.id, summary: "Из повестки заседания \(m.localDate.russian) удалён вопрос «\(item.title)»",
                                 before: ItemDTO(item), municipalityID: m.municipalityID, regionID: m.regionID, schoolID: item.schoolID ?? m.$school.id)
        }
        return req.redirect(to: Site.meeting.url(l.id), ok: "Вопрос «\(item.title)» удалён из повестки.")
    }

    // MARK: decisions taken at the meeting

    struct DecisionForm: Content {
        var item: String?
        var text: String?
        var owner: String?
        var deadline: String?
        var reportForm: String?
    }

    static func addDecision(req: Request) async throws -> Response {
        let user = try req.user
        let l = try await editable(req)
        let f = try req.content.decode(DecisionForm.self)
        guard let iid = f.item.flatMap(UUID.init(uuidString:)), let item = l.items.first(where: { $0.id == iid }) else {
            throw AppError.badInput("Решение принимается по вопросу повестки: вопрос не найден.")
        }
        let back = Site.meeting.url(l.id).fragment("item-\(iid)")
        let d = Decision()
        var errors: [String] = []
        let place = "Решение по вопросу \(item.position)"
        try await DecisionsController.fill(d, text: f.text, owner: f.owner, deadline: f.deadline, reportForm: f.reportForm, user: user,
                                           fixedSchool: l.meeting.$school.id, place: place, errors: &errors, on: req.db)
        guard errors.isEmpty else { return req.redirect(to: back, error: "Решение не записано.\n" + errors.joined(separator: "\n")) }
        d.regionID = l.meeting.regionID
        d.municipalityID = l.meeting.municipalityID
        d.$meeting.id = l.id
        d.itemID = iid
        d.state = DecisionState.assigned.rawValue
        d.report = ""
        d.linkKind = item.linkKind
        d.linkProcedureID = item.linkProcedureID
        d.linkRecordID = item.linkRecordID
        // A decision about the item's school concerns that school even when the department owns it.
        if d.$school.id == nil, d.ownerKind == "department" { d.$school.id = item.schoolID }
        d.createdBy = user.login
        let m = l.meeting
        try await req.audited { db in
            try await d.create(on: db)
            return try AuditNote(action: "create", entity: "decision", id: d.id, summary: "Решение заседания \(m.localDate.russian): «\(d.text)»",
                                 after: DecisionsController.DecisionDTO(d), municipalityID: d.municipalityID, regionID: d.regionID, schoolID: d.$school.id)
        }
        return req.redirect(to: back, ok: "Решение записано в реестр: «\(d.text)».")
    }

    // MARK: the page

    static func page(req: Request) async throws -> Response {
        let user = try req.user
        let l = try await MeetingStore.load(req)
        let users = try await MeetingStore.users(municipalityID: l.viewer.municipalityID, on: req.db)
        let links = l.items.map { (kind: $0.linkKind, procedure: $0.linkProcedureID, record: $0.linkRecordID) }
        let resolver = try await RecordLink.Resolver.load(links, schools: l.items.compactMap(\.schoolID) + l.decisions.compactMap { $0.$school.id }, on: req.db)
        var form: MeetingPage.Editing?
        if l.canEdit {
            form = MeetingPage.Editing(people: try await people(user, on: req.db), schools: try await schoolChoices(user, on: req.db),
                                       choices: try await RecordLink.choices(for: user, school: l.meeting.$school.id, on: req.db),
                                       owners: try await DecisionsController.ownerChoices(user, fixedSchool: l.meeting.$school.id, on: req.db))
        }
        let model = MeetingPage(l: l, users: users, resolver: resolver, editing: form, role: user.role)
        return Layout.page(req, title: "\(l.meeting.kindTitle) \(l.meeting.localDate.russian)", body: model.view(req.pageContext()),
                           crumbs: [Crumb(Site.meetings.url, "Совещания и решения")])
    }

    // MARK: documents

    /// The meeting as its documents write it, cut to what the reader may see (a head's copy names no other school).
    static func document(_ l: LoadedMeeting, users: [UUID: User], municipality m: Municipality, signature: [String]) -> MeetingDocuments.Meeting {
        func owner(_ d: Decision) -> String { MeetingStore.ownerName(d, users: users) }
        func line(_ d: Decision) -> MeetingDocuments.Decision {
            MeetingDocuments.Decision(text: d.text, owner: owner(d), deadline: d.deadlineDate, reportForm: d.reportForm, status: d.status(today: l.today).title)
        }
        let mt = l.meeting
        let attendees = l.participants.map { MeetingDocuments.Attendee(name: $0.name, post: $0.post) }
        let schoolYear = mt.localDate.month >= 9 ? "\(mt.localDate.year)-\(mt.localDate.year + 1)" : "\(mt.localDate.year - 1)-\(mt.localDate.year)"
        // A school's own council or ШМО writes the school's documents: its name at the head.
        let ownBySchool = mt.school != nil && (mt.meetingKind.belongsToSchool || mt.meetingKind == .methodAssociation)
        return MeetingDocuments.Meeting(
            department: ownBySchool ? mt.school!.fullName : m.departmentName, territory: m.name, kind: mt.meetingKind, title: mt.title, number: mt.number, date: mt.localDate, time: mt.time, place: mt.place,
            chair: mt.chairName.isEmpty ? nil : .init(name: mt.chairName, post: mt.chairPost),
            secretary: mt.secretaryName.isEmpty ? nil : .init(name: mt.secretaryName, post: mt.secretaryPost),
            attendees: attendees, hiddenAttendees: l.hiddenParticipants, carried: l.carried.map(line),
            items: l.items.map { MeetingDocuments.Item(title: $0.title, heard: $0.heard, spoke: $0.spoke, decided: $0.decided, decisions: l.decisions(of: $0).map(line)) },
            schoolYear: schoolYear, signature: signature, school: mt.school?.shortName ?? "")
    }

    static func documentParts(_ req: Request) async throws -> (LoadedMeeting, MeetingDocuments.Meeting, Municipality) {
        let l = try await MeetingStore.load(req)
        guard let m = try await Municipality.find(l.viewer.municipalityID, on: req.db) else { throw AppError.notFound }
        let users = try await MeetingStore.users(municipalityID: l.viewer.municipalityID, on: req.db)
        var signature: [String] = []
        if let s = l.meeting.school, l.meeting.meetingKind.belongsToSchool || l.meeting.meetingKind == .methodAssociation {
            signature = [try await Settings.schoolSignature(m, on: req.db).replacingOccurrences(of: Settings.schoolPlaceholder, with: s.shortName)]
        } else {
            signature = try await Settings.signature(m, on: req.db).components(separatedBy: "\n")
        }
        return (l, document(l, users: users, municipality: m, signature: signature), m)
    }

    static func fileStem(_ l: LoadedMeeting) -> String {
        "\(l.meeting.kindTitle) \(l.meeting.localDate.russian)\(l.meeting.school.map { " \($0.shortName)" } ?? "")"
    }

    static func protocolDocx(req: Request) async throws -> Response {
        let (l, doc, m) = try await documentParts(req)
        let template = try await MeetingTemplates.protocolTemplate(municipalityID: m.id, on: req.db)
        let docx = MeetingDocuments.document(template: template, values: MeetingDocuments.protocolValues(doc), title: "Протокол \(fileStem(l))")
        return try Download.docx(docx, name: "Протокол \(fileStem(l))")
    }

    static func orderDocx(req: Request) async throws -> Response {
        let (l, doc, m) = try await documentParts(req)
        guard l.canEdit || l.viewer.seesDistrict else { throw AppError.forbidden }
        let template = try await MeetingTemplates.orderTemplate(municipalityID: m.id, on: req.db)
        let measure = l.meeting.meetingKind.measure.map { "\($0) «\(measureTitle($0))»" } ?? "«Управленческие решения по результатам оценочных процедур»"
        let control = l.meeting.school != nil && l.meeting.meetingKind.belongsToSchool ? "заместителя директора по учебно-воспитательной работе" : "заместителя начальника Управления образования"
        let values = MeetingDocuments.orderValues(doc, today: l.today, measure: measure, control: control)
        let docx = MeetingDocuments.document(template: template, values: values, title: "Проект приказа по решениям \(fileStem(l))")
        return try Download.docx(docx, name: "Проект приказа по решениям \(fileStem(l))")
    }

    static func measureTitle(_ number: String) -> String {
        switch number {
        case "1.5": return "Рассмотрение вопроса объективности проведения процедур оценки качества образования на совещаниях руководителей"
        case "2.4": return "Собеседование с руководителями общеобразовательных организаций по результатам оценочных процедур"
        case "3.1": return "Работа методических объединений"
        case "3.3": return "Работа муниципальной комиссии по перепроверке"
        default: return number
        }
    }

    struct AttachForm: Content { var document: String? }

    /// Attaches the protocol (or the order) to the roadmap's report on the kind's measure (1.5 for a heads'
    /// meeting, 2.4 for an interview, 3.1, 3.3): the district's report for a specialist or a
    /// methodist, the school's own for a head (their council's protocol on 1.5); the checkpoint due on
    /// or after the meeting's date, or the last one.
    static func attach(req: Request) async throws -> Response {
        let user = try req.user
        let (l, doc, m) = try await documentParts(req)
        guard l.canEdit else { throw AppError.forbidden }
        let back = Site.meeting.url(l.id)
        let number = l.meeting.meetingKind.measure ?? "1.5"
        let result = try await CheckpointReport.checkpoint(on: l.meeting.localDate, req, number: number, municipalityID: l.viewer.municipalityID, forSchool: user.role == .head)
        let (measure, checkpoint): (Measure, Checkpoint)
        switch result {
        case .failure(let problem): return req.redirect(to: back, error: problem.description)
        case .success(let found): (measure, checkpoint) = found
        }
        let school = user.role == .head ? l.meeting.school : nil
        guard user.role == .head ? ExecutorParser.schoolsReport(measure.responsible) : user.canReportDistrict(for: measure) else {
            return req.redirect(to: back, error: "По мероприятию \(number) вы не отчитываетесь — протокол прикладывает исполнитель мероприятия.")
        }
        // The protocol, or the order drafted from the decisions (`document=order`).
        let isOrder = try req.content.decode(AttachForm.self).document == "order"
        let data: Data
        let name: String
        if isOrder {
            let template = try await MeetingTemplates.orderTemplate(municipalityID: m.id, on: req.db)
            let values = MeetingDocuments.orderValues(doc, today: l.today, measure: "\(number) «\(measureTitle(number))»", control: "заместителя начальника Управления образования")
            name = "Приказ по решениям \(fileStem(l)).docx"
            data = try MeetingDocuments.document(template: template, values: values, title: name).data()
        } else {
            let template = try await MeetingTemplates.protocolTemplate(municipalityID: m.id, on: req.db)
            name = "Протокол \(fileStem(l)).docx"
            data = try MeetingDocuments.document(template: template, values: MeetingDocuments.protocolValues(doc), title: name).data()
        }
        try await CheckpointReport.attach(req, checkpoint: checkpoint, of: measure, schoolID: school?.id, name: name, data: data,
                                          summary: "\(isOrder ? "Приказ по решениям" : "Протокол") заседания \(l.meeting.localDate.russian) приложен к мероприятию \(number) (\(checkpoint.label))")
        return req.redirect(to: Site.checkpointReport.url(checkpoint.id!).query(["party": school?.id?.uuidString ?? "district"]),
                            ok: "Документ «\(name)» приложен к отчёту по мероприятию \(number), контрольная точка «\(checkpoint.label)». Проверьте статус и текст отчёта.")
    }

    // MARK: interviews (2.4)

    static func dossierOf(_ req: Request) async throws -> (LoadedMeeting, InterviewDossier) {
        let l = try await MeetingStore.load(req)
        guard l.meeting.meetingKind == .interview else { throw AppError.notFound }
        return (l, try await InterviewDossier.query(l, user: try req.user, on: req.db))
    }

    static func dossier(req: Request) async throws -> Response {
        let (l, d) = try await dossierOf(req)
        return Layout.page(req, title: "Материалы к собеседованию", body: d.view(meeting: Site.meeting.url(l.id), docx: Site.meetingDossierDocx.url(l.id)),
                           crumbs: [Crumb(Site.meetings.url, "Совещания и решения"), Crumb(Site.meeting.url(l.id), "Собеседование \(l.meeting.localDate.russian)")], paper: .landscape)
    }

    static func dossierDocx(req: Request) async throws -> Response {
        let (l, d) = try await dossierOf(req)
        guard let m = try await Municipality.find(l.viewer.municipalityID, on: req.db) else { throw AppError.notFound }
        return try Download.docx(d.document(department: m.departmentName), name: "Материалы к собеседованию \(d.school.shortName) \(l.meeting.localDate.russian)")
    }

    struct ScheduleForm: Content {
        var start: String?
        var place: String?
    }

    /// One September interview per active school that has none in that school year yet: four a
    /// working day (10:00, 11:00, 14:00, 15:00) from the date given, the school's head invited,
    /// the agenda of an interview, the specialist in the chair.
    static func scheduleInterviews(req: Request) async throws -> Response {
        let user = try req.user
        let f = try req.content.decode(ScheduleForm.self)
        var errors: [String] = []
        let start = FormDate.parse(f.start, field: "Начало собеседований", required: true, errors: &errors)
        let place = text(f.place, "Место", max: 300, required: false, &errors)
        guard errors.isEmpty, let start, let regionID = user.regionID else {
            return req.redirect(to: Site.meetings.url.query(["kind": "interview"]), error: "Собеседования не запланированы.\n" + errors.joined(separator: "\n"))
        }
        let mid = try user.requireMunicipalityID()
        let yearStart = start.month >= 9 ? start.year : start.year - 1
        let from = LocalDate(year: yearStart, month: 9, day: 1).iso, to = LocalDate(year: yearStart + 1, month: 8, day: 31).iso
        let existing = try await Meeting.query(on: req.db).filter(\.$municipalityID == mid).filter(\.$kind == MeetingKind.interview.rawValue)
            .filter(\.$date >= from).filter(\.$date <= to).all().compactMap { $0.$school.id }
        let schools = try await Schools.all(of: user, activeOnly: true, on: req.db).filter { !existing.contains($0.id!) }
        guard !schools.isEmpty else {
            return req.redirect(to: Site.meetings.url.query(["kind": "interview"]), info: "Собеседования \(yearStart)-\(yearStart + 1) учебного года уже назначены всем школам.")
        }
        let heads = try await User.query(on: req.db).filter(\.$municipality.$id == mid).filter(\.$role == .head).filter(\.$isDisabled == false).all()
        let times = ["10:00", "11:00", "14:00", "15:00"]
        var day = start
        var slot = 0
        var planned: [(Meeting, [MeetingParticipant], [MeetingItem])] = []
        for s in schools {
            while day.isoWeekday >= 6 { day = day.adding(days: 1) }
            let m = Meeting()
            m.regionID = regionID
            m.municipalityID = mid
            m.kind = MeetingKind.interview.rawValue
            m.kindName = ""
            m.title = defaultTitle(.interview)
            m.number = ""
            m.date = day.iso
            m.time = times[slot]
            m.place = place.isEmpty ? "Управление образования" : place
            m.$school.id = s.id
            m.chairID = user.id
            m.chairName = user.name
            m.chairPost = MeetingStore.post(of: user, school: nil)
            m.secretaryID = nil
            m.secretaryName = ""
            m.secretaryPost = ""
            m.createdBy = user.login
            m.createdByID = user.id
            var people: [MeetingParticipant] = []
            // The school's head account, or «Руководитель …» typed for a school without one.
            let own: [(UUID?, String, String, UUID?)] = heads.filter { $0.$school.id == s.id }.map { ($0.id, $0.name, "руководитель \(s.shortName)", s.id) }
            let invited = own.isEmpty ? [(nil as UUID?, "Руководитель \(s.shortName)", "", s.id as UUID?)] : own
            for (i, (id, name, post, school)) in ([(user.id, user.name, m.chairPost, nil as UUID?)] + invited).enumerated() {
                let p = MeetingParticipant()
                (p.userID, p.name, p.post, p.schoolID, p.position) = (id, name, post, school, i + 1)
                people.append(p)
            }
            planned.append((m, people, interviewItems(s)))
            slot += 1
            if slot == times.count { slot = 0; day = day.adding(days: 1) }
        }
        let rows = planned
        try await req.audited { db in
            for (m, people, items) in rows {
                try await m.create(on: db)
                for p in people { p.$meeting.id = m.id!; try await p.create(on: db) }
                for i in items { i.$meeting.id = m.id!; try await i.create(on: db) }
            }
            return try AuditNote(action: "create", entity: "meeting", id: nil, summary: "Запланированы собеседования с руководителями: \(rows.count) школ с \(start.russian)",
                                 after: ["schools": schools.map(\.login).joined(separator: ", ")], municipalityID: mid, regionID: regionID)
        }
        return req.redirect(to: Site.meetings.url.query(["kind": "interview"]),
                            ok: "Запланированы собеседования: \(Plural.count(rows.count, "школа", "школы", "школ")), с \(start.russian) по \(planned.last!.0.localDate.russian). Материалы к каждому — на странице собеседования.")
    }

    // MARK: templates

    static func templates(req: Request) async throws -> Response {
        let mid = try req.user.requireMunicipalityID()
        let model = MeetingTemplatesPage(protocolText: try await MeetingTemplates.protocolTemplate(municipalityID: mid, on: req.db),
                                         orderText: try await MeetingTemplates.orderTemplate(municipalityID: mid, on: req.db),
                                         canEdit: Site.meetingTemplatesSave.admits(try req.user.role))
        return Layout.page(req, title: "Шаблоны протокола и приказа", body: model.view(req.pageContext()), crumbs: [Crumb(Site.meetings.url, "Совещания и решения")])
    }

    struct TemplatesForm: Content {
        var protocolText: String?
        var orderText: String?
        var reset: String?
    }

    static func saveTemplates(req: Request) async throws -> Response {
        let user = try req.user
        let mid = try user.requireMunicipalityID()
        let f = try req.content.decode(TemplatesForm.self)
        let back = Site.meetingTemplates.url
        let oldProtocol = try await MeetingTemplates.protocolTemplate(municipalityID: mid, on: req.db)
        let oldOrder = try await MeetingTemplates.orderTemplate(municipalityID: mid, on: req.db)
        let newProtocol = f.reset == "protocol" ? MeetingDocuments.defaultProtocolTemplate : (f.protocolText ?? oldProtocol).replacingOccurrences(of: "\r\n", with: "\n")
        let newOrder = f.reset == "order" ? MeetingDocuments.defaultOrderTemplate : (f.orderText ?? oldOrder).replacingOccurrences(of: "\r\n", with: "\n")
        var errors: [String] = []
        for (name, text, keys) in [("Шаблон протокола", newProtocol, MeetingDocuments.protocolKeys), ("Шаблон приказа", newOrder, MeetingDocuments.orderKeys)] {
            if text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { errors.append("\(name): пуст.") }
            if text.count > 20_000 { errors.append("\(name): не больше 20 000 символов.") }
            let unknown = MeetingDocuments.unknownKeys(in: text, keys: keys)
            if !unknown.isEmpty { errors.append("\(name): неизвестные подстановки \(unknown.map { "{\($0)}" }.joined(separator: ", ")). Допустимы: \(keys.map { "{\($0.key)}" }.joined(separator: ", ")).") }
        }
        guard errors.isEmpty else { return req.redirect(to: back, error: "Шаблоны не сохранены.\n" + errors.joined(separator: "\n")) }
        guard newProtocol != oldProtocol || newOrder != oldOrder else { return req.redirect(to: back, info: "Шаблоны не изменились.") }
        try await req.audited { db in
            if newProtocol != oldProtocol { try await Settings.set(MeetingTemplates.protocolKey, newProtocol, municipalityID: mid, on: db) }
            if newOrder != oldOrder { try await Settings.set(MeetingTemplates.orderKey, newOrder, municipalityID: mid, on: db) }
            return try AuditNote(action: "update", entity: "settings", id: nil, summary: "Изменены шаблоны протокола и приказа по решениям заседаний",
                                 before: ["protocol": oldProtocol, "order": oldOrder], after: ["protocol": newProtocol, "order": newOrder],
                                 municipalityID: mid, regionID: user.regionID)
        }
        return req.redirect(to: back, ok: f.reset != nil ? "Восстановлен шаблон msoko." : "Шаблоны сохранены.")
    }
}

/// The problems of a form, each naming its field, reported together.
struct FormProblems: Error {
    let messages: [String]
    init(_ messages: [String]) { self.messages = messages }
}

/// The district's templates of the protocol and the order (stored settings), or msoko's own.
enum MeetingTemplates {
    static let protocolKey = "template.meetingProtocol"
    static let orderKey = "template.meetingOrder"

    static func protocolTemplate(municipalityID: UUID?, on db: Database) async throws -> String {
        if let own = try await Settings.get(protocolKey, municipalityID: municipalityID, on: db), !own.isEmpty { return own }
        return MeetingDocuments.defaultProtocolTemplate
    }

    static func orderTemplate(municipalityID: UUID?, on db: Database) async throws -> String {
        if let own = try await Settings.get(orderKey, municipalityID: municipalityID, on: db), !own.isEmpty { return own }
        return MeetingDocuments.defaultOrderTemplate
    }
}
