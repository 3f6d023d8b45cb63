import Fluent
import MsokoCore
import Vapor

/// Seminars on typical grading errors (measure 3.2): the record of seminars held. The handout for
/// them is made from the commission's re-scoring (`Recheck/`).
enum SeminarsController {
    static func register(_ app: Application) {
        app.on(Site.seminars, use: list)
        app.on(Site.seminarAdd, use: add)
    }

    static func list(req: Request) async throws -> Response {
        let model = try await SeminarList.query(user: req.user, procedures: Procedures.visible(to: req.user, on: req.db), on: req.db)
        return Layout.page(req, title: "Семинары", body: model.view(req.pageContext()))
    }

    struct Form: Content {
        var date: String
        var topic: String
        var procedure: String?
        var participants: String?
        var invited: Int
        var attended: Int
    }

    static func add(req: Request) async throws -> Response {
        let user = try req.user
        let mid = try user.requireMunicipalityID()
        let form = try req.content.decode(Form.self)
        var errors: [String] = []
        // «ДД.ММ.ГГГГ» as people type it, or ISO.
        let typed = form.date.trimmingCharacters(in: .whitespaces)
        let parts = typed.split(separator: ".")
        let date = parts.count == 3 ? LocalDate(iso: "\(parts[2])-\(parts[1].count == 1 ? "0" : "")\(parts[1])-\(parts[0].count == 1 ? "0" : "")\(parts[0])") : LocalDate(iso: typed)
        if date == nil { errors.append("Поле «Дата»: «\(form.date)» — ожидается ДД.ММ.ГГГГ.") }
        let topic = form.topic.trimmingCharacters(in: .whitespaces)
        if topic.isEmpty { errors.append("Поле «Тема»: укажите тему.") }
        if form.invited < 0 || form.attended < 0 || form.attended > form.invited { errors.append("«Присутствовало» — от 0 до числа приглашённых.") }
        var procedure: Procedure?
        if let id = form.procedure.flatMap(UUID.init(uuidString:)) {
            procedure = try await Procedures.visible(to: req.user, on: req.db).first { $0.id == id }
            if procedure == nil { errors.append("Поле «Процедура»: процедура не найдена.") }
        }
        guard errors.isEmpty, let date else {
            return req.redirect(to: Site.seminars.url, error: "Семинар не записан.\n" + errors.joined(separator: "\n"))
        }
        guard let m = try await Municipality.find(mid, on: req.db) else { throw AppError.notFound }
        let s = Seminar()
        s.$procedure.id = procedure?.id
        s.date = date.iso
        s.topic = topic
        s.participants = (form.participants ?? "").trimmingCharacters(in: .whitespacesAndNewlines).replacingOccurrences(of: "\r\n", with: "\n")
        s.invited = form.invited
        s.attended = form.attended
        s.createdBy = user.login
        s.regionID = m.$region.id
        s.municipalityID = mid
        try await req.audited { db in
            try await s.create(on: db)
            return try AuditNote(action: "create", entity: "seminar", id: s.id, summary: "Записан семинар «\(topic)» \(date.russian)",
                                 after: ["topic": topic, "date": date.iso, "attended": "\(form.attended) из \(form.invited)"], municipalityID: mid, regionID: m.$region.id)
        }
        return req.redirect(to: Site.seminars.url, ok: "Семинар «\(topic)» записан.")
    }
}
