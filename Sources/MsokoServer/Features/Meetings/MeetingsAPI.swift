import Fluent
import MsokoCore
import Vapor

/// `GET /api/v1/meetings` and `GET /api/v1/decisions[?status=S]` (issue 15 §4a), with the rights
/// of the pages: a meeting's counts are of what the caller sees in it; a head gets the decisions
/// addressed to their school or to them, nothing else.
enum MeetingsAPI {
    struct MeetingDTO: Content {
        var id: UUID
        var kind: String
        var date: String
        var title: String
        var items: Int
        var decisions: Int
    }

    static func meetings(req: Request) async throws -> [String: [MeetingDTO]] {
        let rows = try await MeetingStore.visible(req)
        return ["meetings": rows.map { MeetingDTO(id: $0.meeting.id!, kind: $0.meeting.kind, date: $0.meeting.date, title: $0.meeting.title, items: $0.items, decisions: $0.decisions) }]
    }

    struct OwnerDTO: Content {
        var kind: String
        var name: String
        var school: String?

        // `school` is written as null, not left out: the API's fields are always there.
        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(kind, forKey: .kind)
            try c.encode(name, forKey: .name)
            try c.encode(school, forKey: .school)
        }
    }

    struct MeetingRef: Content {
        var id: UUID
        var kind: String
        var date: String
    }

    struct DecisionDTO: Content {
        var id: UUID
        var text: String
        var owner: OwnerDTO
        var deadline: String?
        var status: String
        var meeting: MeetingRef?

        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(id, forKey: .id)
            try c.encode(text, forKey: .text)
            try c.encode(owner, forKey: .owner)
            try c.encode(deadline, forKey: .deadline)
            try c.encode(status, forKey: .status)
            try c.encode(meeting, forKey: .meeting)
        }
    }

    static func decisions(req: Request) async throws -> [String: [DecisionDTO]] {
        let user = try req.user
        var wanted: DecisionStatus?
        if let s = req.query[String.self, at: "status"] {
            guard let v = DecisionStatus(rawValue: s) else {
                throw AppError.badInput("Параметр status: «\(s)» — ожидается одно из: \(DecisionStatus.allCases.map(\.rawValue).joined(separator: ", ")).")
            }
            wanted = v
        }
        let today = try await req.today()
        let users = try await MeetingStore.users(municipalityID: try user.requireMunicipalityID(), on: req.db)
        // A head's list is exactly what is addressed to their school or to them (issue 15 §4a).
        let v = try await MeetingStore.viewer(req)
        let rows = try await MeetingStore.register(req).filter { d, _ in
            v.role != .head || d.ownerUserID == v.userID || (v.schoolID != nil && d.$school.id == v.schoolID)
        }
        return ["decisions": rows.compactMap { d, m in
            let status = d.status(today: today)
            guard wanted == nil || wanted == status else { return nil }
            return DecisionDTO(id: d.id!, text: d.text,
                               owner: OwnerDTO(kind: d.ownerKind, name: MeetingStore.ownerName(d, users: users), school: d.ownerKind == "department" ? nil : d.school?.login),
                               deadline: d.deadline, status: status.rawValue, meeting: m.map { MeetingRef(id: $0.id!, kind: $0.kind, date: $0.date) })
        }]
    }
}
