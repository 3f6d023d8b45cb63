import Fluent
import MsokoCore
import Vapor

/// The seminars page (measure 3.2): the record of seminars held, and the form to record one.
struct SeminarList {
    struct Row {
        var date: String
        var topic: String
        var procedure: String?
        var participants: String
        var attended: Int
        var invited: Int
    }

    var rows: [Row]
    /// The procedures a seminar may be about (id, title); empty when the user may not record one.
    var procedures: [(id: UUID, title: String)]
    var canRecord: Bool

    static let editors: Set<Role> = [.specialist, .methodist]

    /// Two queries whatever the number of seminars: the seminars with their procedures, and the
    /// procedures for the form.
    static func query(user: User, procedures visible: [Procedure], on db: Database) async throws -> SeminarList {
        let mid = try user.requireMunicipalityID()
        let seminars = try await Seminar.query(on: db).filter(\.$municipalityID == mid).with(\.$procedure).sort(\.$date, .descending).all()
        let rows = seminars.map { s in
            Row(date: LocalDate(iso: s.date)?.russian ?? s.date, topic: s.topic, procedure: s.procedure.map(ProcedureStore.title),
                participants: s.participants, attended: s.attended, invited: s.invited)
        }
        let canRecord = editors.contains(user.role)
        return SeminarList(rows: rows, procedures: canRecord ? visible.compactMap { p in p.id.map { ($0, ProcedureStore.title(p)) } } : [],
                           canRecord: canRecord)
    }
}
