import Fluent
import MsokoCore
import Vapor

/// Methodical associations (roadmap 3.1, issue 16 §1): the district's РМО and schools' ШМО by
/// subject, their leader, members from the staff list, the plan of sittings for the year — each
/// sitting a meeting in the register (agenda, minutes, decisions, protocol) — and the
/// recommendations they issue. Rights: `AssociationRights`.
enum AssociationsController {
    static func register(_ app: Application) {
        app.on(Site.associations, use: list)
        app.on(Site.associationCreate, use: create)
        app.on(Site.association, use: page)
        app.on(Site.associationUpdate, use: update)
        app.on(Site.associationDeleteConfirm, use: confirmDelete)
        app.on(Site.associationDelete, use: delete)
        app.on(Site.associationMemberAdd, use: addMember)
        app.on(Site.associationMemberDelete, use: deleteMember)
        app.on(Site.associationSittingAdd, use: addSitting)
        app.on(Site.sittingRecommendations, use: sittingDocx)
    }

    // MARK: the list

    static func list(req: Request) async throws -> Response {
        let user = try req.user
        let r = try await AssociationRights(user, on: req.db)
        let all = try await AssociationStore.visible(r, on: req.db)
        let ids = all.compactMap(\.id)
        let members = ids.isEmpty ? [] : try await AssociationMember.query(on: req.db).filter(\.$association.$id ~~ ids).all()
        let sittings = ids.isEmpty ? [] : try await Meeting.query(on: req.db).filter(\.$associationID ~~ ids).field(\.$id).field(\.$associationID).field(\.$date).all()
        let recs = ids.isEmpty ? [] : try await Recommendation.query(on: req.db).filter(\.$association.$id ~~ ids).field(\.$id).field(\.$association.$id).all()
        let users = try await User.query(on: req.db).filter(\.$municipality.$id == r.municipalityID).field(\.$id).field(\.$name).all()
        let names = Dictionary(users.compactMap { u in u.id.map { ($0, u.name) } }, uniquingKeysWith: { a, _ in a })
        let today = try await req.today()
        let rows = all.map { a in
            AssociationList.Row(association: a, leader: a.leaderID.flatMap { names[$0] }, members: members.filter { $0.$association.id == a.id }.count,
                                held: sittings.filter { $0.associationID == a.id && $0.localDate <= today }.count,
                                planned: sittings.filter { $0.associationID == a.id && $0.localDate > today }.count,
                                recommendations: recs.filter { $0.$association.id == a.id }.count)
        }
        let schools = r.createsAny ? try await schoolChoices(r, on: req.db) : []
        let leaderChoices = r.createsAny ? try await leaderChoices(r, on: req.db) : []
        let model = AssociationList(rows: rows, canCreate: r.createsAny, isHead: user.role == .head, schools: schools, leaders: leaderChoices)
        return Layout.page(req, title: "Методические объединения", body: model.view(req.pageContext()))
    }

    /// «district» for a РМО (a specialist only) and the schools the user may set one up in.
    static func schoolChoices(_ r: AssociationRights, on db: Database) async throws -> [(value: String, label: String)] {
        let q = School.query(on: db).filter(\.$municipality.$id == r.municipalityID).filter(\.$isActive == true)
        if r.role == .head, let s = r.schoolID { q.filter(\.$id == s) }
        let schools = try await q.sort(\.$login).all().map { (value: $0.id!.uuidString, label: "ШМО: \($0.shortName)") }
        return r.role == .specialist ? [(value: "district", label: "РМО (район)")] + schools : schools
    }

    /// Everyone who may lead one of those: the methodists (for a РМО) and the schools' teachers.
    static func leaderChoices(_ r: AssociationRights, on db: Database) async throws -> [(value: String, label: String)] {
        var out: [(value: String, label: String)] = []
        if r.role == .specialist {
            out += try await AssociationStore.leaders(schoolID: nil, municipalityID: r.municipalityID, on: db).map { ($0.id!.uuidString, "\($0.name) — методист (для РМО)") }
        }
        let q = User.query(on: db).filter(\.$municipality.$id == r.municipalityID).filter(\.$role == .teacher).filter(\.$isDisabled == false).with(\.$school)
        if r.role == .head, let s = r.schoolID { q.filter(\.$school.$id == s) }
        out += try await q.sort(\.$name).all().map { ($0.id!.uuidString, "\($0.name) — учитель, \($0.school?.shortName ?? "")") }
        return out
    }

    struct AssociationForm: Content {
        var name: String?
        var subject: String?
        var school: String?
        var leader: String?
    }

    /// Reads the form into `a`: the name, subject, where it is (a specialist: the district or a
    /// school; a head: their school) and a leader who fits (a methodist for the district's, a
    /// teacher of the school for a school's; none is allowed until one is chosen).
    static func fill(_ a: MethodAssociation, _ f: AssociationForm, r: AssociationRights, fixedSchool: UUID??, errors: inout [String], on db: Database) async throws {
        a.name = FormText.read(f.name, "Название", max: 200, required: true, &errors)
        a.subject = FormText.read(f.subject, "Предмет", max: 100, required: true, &errors)
        var school: UUID?
        if let fixed = fixedSchool {
            school = fixed
        } else {
            let choices = try await schoolChoices(r, on: db)
            guard let chosen = f.school, choices.contains(where: { $0.value == chosen }) else {
                errors.append("Поле «Объединение»: выберите РМО или школу.")
                return
            }
            school = UUID(uuidString: chosen)
        }
        a.$school.id = school
        let leader = (f.leader ?? "").trimmingCharacters(in: .whitespaces)
        if leader.isEmpty {
            a.leaderID = nil
        } else if let u = try await AssociationStore.leaders(schoolID: school, municipalityID: r.municipalityID, on: db).first(where: { $0.id?.uuidString == leader }) {
            a.leaderID = u.id
        } else {
            errors.append(school == nil ? "Поле «Руководитель»: РМО руководит методист района." : "Поле «Руководитель»: ШМО руководит учитель этой школы.")
        }
    }

    static func create(req: Request) async throws -> Response {
        let user = try req.user
        let r = try await AssociationRights(user, on: req.db)
        let f = try req.content.decode(AssociationForm.self)
        let a = MethodAssociation()
        a.regionID = r.regionID
        a.municipalityID = r.municipalityID
        a.createdBy = user.login
        var errors: [String] = []
        try await fill(a, f, r: r, fixedSchool: user.role == .head ? .some(r.schoolID) : nil, errors: &errors, on: req.db)
        guard errors.isEmpty else { return req.redirect(to: Site.associations.url, error: "Объединение не создано.\n" + errors.joined(separator: "\n")) }
        try await req.audited { db in
            try await a.create(on: db)
            return try AuditNote(action: "create", entity: "association", id: a.id, summary: "Создано методическое объединение «\(a.name)»",
                                 after: ["name": a.name, "subject": a.subject], municipalityID: a.municipalityID, regionID: a.regionID, schoolID: a.$school.id)
        }
        return req.redirect(to: Site.association.url(a.id!), ok: "Объединение «\(a.name)» создано. Добавьте участников и план заседаний.")
    }

    // MARK: one association

    static func page(req: Request) async throws -> Response {
        let (a, r) = try await AssociationStore.load(req)
        let aid = try a.requireID()
        let members = try await AssociationMember.query(on: req.db).filter(\.$association.$id == aid).with(\.$staff) { $0.with(\.$school) }.all()
            .sorted { ($0.staff.school?.login ?? "", $0.staff.name) < ($1.staff.school?.login ?? "", $1.staff.name) }
        let keeps = r.keeps(a)
        var candidates: [StaffMember] = []
        if keeps {
            let q = StaffMember.query(on: req.db).filter(\.$municipalityID == r.municipalityID).with(\.$school)
            if let s = a.$school.id { q.filter(\.$school.$id == s) }
            let taken = Set(members.map { $0.$staff.id })
            let key = Gaps.subjectKey(a.subject)
            candidates = try await q.all().filter { !taken.contains($0.id!) }
                .sorted { s, t in
                    let ms = s.subjectList.contains { Gaps.subjectKey($0) == key }, mt = t.subjectList.contains { Gaps.subjectKey($0) == key }
                    return (ms ? 0 : 1, s.school?.login ?? "", s.name) < (mt ? 0 : 1, t.school?.login ?? "", t.name)
                }
        }
        let recs = try await Recommendation.query(on: req.db).filter(\.$association.$id == aid).sort(\.$createdAt, .descending).all()
        let leader = try await a.leaderID.asyncMap { try await User.find($0, on: req.db) } ?? nil
        let model = AssociationPage(association: a, leader: leader, members: members, candidates: candidates,
                                    sittings: try await AssociationStore.sittings(a, on: req.db), recommendations: recs, today: try await req.today(),
                                    keeps: keeps, manages: r.manages(a),
                                    leaders: r.manages(a) ? try await AssociationStore.leaders(schoolID: a.$school.id, municipalityID: r.municipalityID, on: req.db) : [])
        return Layout.page(req, title: a.name, body: model.view(req.pageContext()), crumbs: [Crumb(Site.associations.url, "Методические объединения")])
    }

    static func update(req: Request) async throws -> Response {
        let (a, r) = try await AssociationStore.load(req)
        guard r.manages(a) else { throw AppError.forbidden }
        let before = ["name": a.name, "subject": a.subject, "leader": a.leaderID?.uuidString ?? ""]
        var errors: [String] = []
        try await fill(a, try req.content.decode(AssociationForm.self), r: r, fixedSchool: .some(a.$school.id), errors: &errors, on: req.db)
        let back = Site.association.url(a.id!)
        guard errors.isEmpty else { return req.redirect(to: back, error: "Не сохранено.\n" + errors.joined(separator: "\n")) }
        let after = ["name": a.name, "subject": a.subject, "leader": a.leaderID?.uuidString ?? ""]
        try await req.audited { db in
            try await a.save(on: db)
            return try AuditNote(action: "update", entity: "association", id: a.id, summary: "Изменено методическое объединение «\(a.name)»",
                                 before: before, after: after, municipalityID: a.municipalityID, regionID: a.regionID, schoolID: a.$school.id)
        }
        return req.redirect(to: back, ok: "Сохранено.")
    }

    static func confirmDelete(req: Request) async throws -> Response {
        let (a, r) = try await AssociationStore.load(req)
        guard r.manages(a) else { throw AppError.forbidden }
        let sittings = try await AssociationStore.sittings(a, on: req.db).count
        return Layout.page(req, title: "Удаление объединения", body: ConfirmPage.view(req.pageContext(), title: "Удалить объединение «\(a.name)»?",
            text: "Будет удалён список участников. Заседания (\(sittings)) останутся в реестре совещаний с протоколами и решениями, рекомендации — в библиотеке, но без связи с объединением. Запись об удалении останется в журнале изменений.",
            action: Site.associationDelete.url(a.id!), cancel: Site.association.url(a.id!)))
    }

    static func delete(req: Request) async throws -> Response {
        let (a, r) = try await AssociationStore.load(req)
        guard r.manages(a) else { throw AppError.forbidden }
        let aid = try a.requireID()
        try await req.audited { db in
            try await AssociationMember.query(on: db).filter(\.$association.$id == aid).delete()
            for m in try await Meeting.query(on: db).filter(\.$associationID == aid).all() {
                m.associationID = nil
                try await m.save(on: db)
            }
            for rec in try await Recommendation.query(on: db).filter(\.$association.$id == aid).all() {
                rec.$association.id = nil
                try await rec.save(on: db)
            }
            try await a.delete(on: db)
            return try AuditNote(action: "delete", entity: "association", id: aid, summary: "Удалено методическое объединение «\(a.name)»",
                                 before: ["name": a.name, "subject": a.subject], municipalityID: a.municipalityID, regionID: a.regionID, schoolID: a.$school.id)
        }
        return req.redirect(to: Site.associations.url, ok: "Объединение «\(a.name)» удалено.")
    }

    // MARK: members

    struct MemberForm: Content { var staff: String? }

    static func addMember(req: Request) async throws -> Response {
        let (a, r) = try await AssociationStore.load(req)
        guard r.keeps(a) else { throw AppError.forbidden }
        let back = Site.association.url(a.id!)
        let f = try req.content.decode(MemberForm.self)
        let q = StaffMember.query(on: req.db).filter(\.$municipalityID == r.municipalityID)
        if let s = a.$school.id { q.filter(\.$school.$id == s) }
        guard let sid = f.staff.flatMap(UUID.init(uuidString:)), let person = try await q.filter(\.$id == sid).first() else {
            return req.redirect(to: back, error: "Поле «Работник»: выберите работника из списка\(a.isDistrict ? " района" : " школы").")
        }
        if try await AssociationMember.query(on: req.db).filter(\.$association.$id == a.requireID()).filter(\.$staff.$id == sid).count() > 0 {
            return req.redirect(to: back, error: "\(person.name) уже в объединении.")
        }
        let m = AssociationMember()
        m.$association.id = try a.requireID()
        m.$staff.id = sid
        try await req.audited { db in
            try await m.create(on: db)
            return try AuditNote(action: "create", entity: "association_member", id: m.id, summary: "«\(a.name)»: добавлен участник \(person.name)",
                                 municipalityID: a.municipalityID, regionID: a.regionID, schoolID: a.$school.id)
        }
        return req.redirect(to: back, ok: "\(person.name) — участник объединения.")
    }

    static func deleteMember(req: Request) async throws -> Response {
        guard let m = try await AssociationMember.query(on: req.db).filter(\.$id == req.pathID("memberID")).with(\.$staff).first() else { throw AppError.notFound }
        let (a, r) = try await AssociationStore.load(req, id: m.$association.id)
        guard r.keeps(a) else { throw AppError.forbidden }
        try await req.audited { db in
            try await m.delete(on: db)
            return try AuditNote(action: "delete", entity: "association_member", id: m.id, summary: "«\(a.name)»: исключён участник \(m.staff.name)",
                                 municipalityID: a.municipalityID, regionID: a.regionID, schoolID: a.$school.id)
        }
        return req.redirect(to: Site.association.url(a.id!), ok: "\(m.staff.name) исключён(а) из объединения.")
    }

    // MARK: sittings

    struct SittingForm: Content {
        var date: String?
        var time: String?
        var place: String?
        var topic: String?
    }

    /// A sitting in the plan: a meeting of the kind «Заседание РМО / ШМО» that names the
    /// association, chaired by its leader, with its members as participants; its agenda, minutes and
    /// decisions are then kept on the meeting's page like any meeting's.
    static func addSitting(req: Request) async throws -> Response {
        let user = try req.user
        let (a, r) = try await AssociationStore.load(req)
        guard r.keeps(a) else { throw AppError.forbidden }
        let back = Site.association.url(a.id!)
        let f = try req.content.decode(SittingForm.self)
        var errors: [String] = []
        let date = FormDate.parse(f.date, field: "Дата", required: true, errors: &errors)
        let time = (f.time ?? "").trimmingCharacters(in: .whitespaces)
        if !time.isEmpty && time.range(of: #"^([01]?\d|2[0-3]):[0-5]\d$"#, options: .regularExpression) == nil { errors.append("Поле «Время»: «\(time)» — ожидается ЧЧ:ММ.") }
        let topic = FormText.read(f.topic, "Тема", max: 300, required: true, &errors)
        let place = FormText.read(f.place, "Место", max: 300, required: false, &errors)
        guard errors.isEmpty, let date else { return req.redirect(to: back, error: "Заседание не добавлено.\n" + errors.joined(separator: "\n")) }
        let leader = try await a.leaderID.asyncMap { try await User.find($0, on: req.db) } ?? nil
        let t = time.count == 4 ? "0" + time : time
        try await req.audited { db in
            let m = try await sitting(of: a, date: date, time: t, place: place, topic: topic, leader: leader, by: user, on: db)
            return try AuditNote(action: "create", entity: "meeting", id: m.id, summary: "«\(a.name)»: заседание \(date.russian) «\(topic)» внесено в план",
                                 after: ["date": date.iso, "title": topic], municipalityID: a.municipalityID, regionID: a.regionID, schoolID: a.$school.id)
        }
        return req.redirect(to: back, ok: "Заседание \(date.russian) внесено в план. Повестку, протокол и решения ведите на странице заседания.")
    }

    /// Creates the sitting: a meeting of the kind «Заседание РМО / ШМО» naming the association,
    /// chaired by its leader, with its members (as on the staff list) as participants.
    static func sitting(of a: MethodAssociation, date: LocalDate, time: String, place: String, topic: String, number: String = "",
                        leader: User?, by user: User, on db: Database) async throws -> Meeting {
        let m = Meeting()
        m.regionID = a.regionID
        m.municipalityID = a.municipalityID
        m.kind = MeetingKind.methodAssociation.rawValue
        m.kindName = ""
        m.title = topic
        m.number = number
        m.date = date.iso
        m.time = time
        m.place = place
        m.$school.id = a.$school.id
        m.chairID = leader?.id
        m.chairName = leader?.name ?? ""
        m.chairPost = a.isDistrict ? "руководитель РМО" : "руководитель ШМО"
        m.secretaryID = nil
        m.secretaryName = ""
        m.secretaryPost = ""
        m.createdBy = user.login
        m.createdByID = user.id
        m.associationID = a.id
        try await m.create(on: db)
        let members = try await AssociationMember.query(on: db).filter(\.$association.$id == a.requireID()).with(\.$staff).all().sorted { $0.staff.name < $1.staff.name }
        for (i, member) in members.enumerated() {
            let p = MeetingParticipant()
            p.$meeting.id = try m.requireID()
            p.userID = member.staff.userID
            p.name = member.staff.name
            p.post = member.staff.position
            p.schoolID = member.staff.$school.id
            p.position = i + 1
            try await p.create(on: db)
        }
        return m
    }

    // MARK: the recommendations DOCX of a sitting

    static func sittingDocx(req: Request) async throws -> Response {
        let l = try await MeetingStore.load(req)
        guard let aid = l.meeting.associationID else { throw AppError.notFound }
        let (a, _) = try await AssociationStore.load(req, id: aid)
        let doc = try await SittingRecommendations.query(req, meeting: l, association: a)
        return try Download.docx(doc.document(), name: doc.fileName)
    }
}

