import Fluent
import MsokoCore
import Vapor

/// The demo district's informing (measure 2.2): «Зырянская СОШ» 4А (the demo teacher's class)
/// got its parents' codes for the spring mathematics ВПР three weeks ago; a few families opened
/// their sheets, one lost sheet got a new code; the parents' meeting is recorded. Codes are random
/// as everywhere: the pages print them.
enum DemoSheets {
    static func load(municipality m: Municipality, now: Date, on db: Database) async throws {
        let today = LocalDate(now, in: m.zone)
        guard let p = try await Procedure.query(on: db).filter(\.$municipalityID == m.requireID()).filter(\.$year == 2026)
                .filter(\.$grade == 4).filter(\.$subject == "Математика").first(),
              let s = try await School.query(on: db).filter(\.$login == "edu700101").filter(\.$municipality.$id == m.requireID()).first() else { return }
        let students = try await GapsQuery.works(p, school: s, className: "4А", on: db).works.map(\.code).sorted()
        guard students.count >= 6 else { return }
        let issued = today.adding(days: -21)
        let zone = m.zone
        func at(_ d: LocalDate, hour: Int) -> Date {
            var c = Calendar(identifier: .gregorian)
            c.timeZone = zone
            return c.date(from: DateComponents(year: d.year, month: d.month, day: d.day, hour: hour)) ?? now
        }
        for (i, code) in students.enumerated() {
            let c = try SheetAccessController.make(procedure: p, school: s, className: "4А", student: code, expires: issued.adding(days: 60).iso, by: "head-zyr")
            if i % 3 != 2 {
                // Two families in three opened the sheet in the week after the meeting.
                let d = issued.adding(days: 1 + i % 6)
                c.openings = 1 + i % 2
                c.firstOpenedAt = at(d, hour: 19)
                c.lastOpenedAt = at(d.adding(days: i % 2), hour: 20)
            }
            if i == 2 {
                // A lost sheet: the first code revoked, a new one issued a week later.
                c.revokedAt = at(issued.adding(days: 7), hour: 9)
                try await c.create(on: db)
                let fresh = try SheetAccessController.make(procedure: p, school: s, className: "4А", student: code, expires: issued.adding(days: 60).iso, by: "head-zyr")
                try await fresh.create(on: db)
                continue
            }
            try await c.create(on: db)
        }
        // Fluent stamps the rows «now»; the demo's codes were issued three weeks ago.
        for c in try await SheetCode.query(on: db).filter(\.$school.$id == s.requireID()).all() {
            let when = c.revokedAt != nil || c.openings > 0 || c.studentCode != students[2] ? at(issued, hour: 10) : at(issued.adding(days: 7), hour: 9)
            try await SheetCode.query(on: db).filter(\.$id == c.requireID()).set(\.$createdAt, to: when).update()
        }
        let r = SheetInforming()
        r.$procedure.id = try p.requireID()
        r.$school.id = try s.requireID()
        r.className = "4А"
        r.date = issued.iso
        r.kind = "meeting"
        r.note = "Листы результатов с кодами доступа выданы родителям на собрании."
        r.createdBy = "teacher"
        r.regionID = s.regionID
        r.municipalityID = s.$municipality.id
        try await r.create(on: db)
    }
}
