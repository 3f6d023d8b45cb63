import Fluent
import MsokoCore
import SQLKit
import Vapor

/// Guessing parents' codes, throttled (issue 14 §3): every `/r/…` request that opens no sheet counts
/// against the client's address; after `limit` in a window of `window` seconds every `/r/…`
/// request from that address is 429 until the window (fixed, from its first miss) clears. The
/// counters are rows of `login_attempts` under the key «sheet-code:ADDRESS», so that several app
/// nodes share them; each miss is counted by one `UPDATE … RETURNING`, so parallel guesses get
/// `limit` answers, not more.
enum SheetCodeThrottle {
    static let limit = 20
    static let window: TimeInterval = 10 * 60

    static func key(_ address: String) -> String { "sheet-code:\(address)" }

    /// Seconds until the address may try again, nil when it may now.
    static func blocked(_ address: String, on db: Database, now: Date) async throws -> Int? {
        guard let sql = db as? SQLDatabase else { return nil }
        let t = now.timeIntervalSince1970
        guard let row = try await sql.raw("SELECT failures, window_start FROM login_attempts WHERE key = \(bind: key(address))").first() else { return nil }
        let (failures, start) = (try row.decode(column: "failures", as: Int.self), try row.decode(column: "window_start", as: Double.self))
        guard failures >= limit, start > t - window else { return nil }
        return max(1, Int((start + window - t).rounded(.up)))
    }

    /// Counts a miss; seconds to wait when it went over the limit, nil when it is still within it.
    static func missed(_ address: String, on db: Database, now: Date) async throws -> Int? {
        try await db.writing { try await count(address, on: db, now: now) }
    }

    private static func count(_ address: String, on db: Database, now: Date) async throws -> Int? {
        guard let sql = db as? SQLDatabase else { return nil }
        let t = now.timeIntervalSince1970
        try await sql.insert(into: LoginAttempt.schema)
            .columns("key", "failures", "window_start", "locked_until", "lockouts")
            .values(SQLBind(key(address)), SQLBind(0), SQLBind(t), SQLBind(0.0), SQLBind(0))
            .ignoringConflicts(with: ["key"])
            .run()
        let row = try await sql.raw("""
            UPDATE login_attempts
            SET failures = CASE WHEN window_start <= \(bind: t - window) THEN 1 ELSE failures + 1 END,
                window_start = CASE WHEN window_start <= \(bind: t - window) THEN \(bind: t) ELSE window_start END
            WHERE key = \(bind: key(address))
            RETURNING failures, window_start
            """).first()
        guard let row else { return nil }
        let (failures, start) = (try row.decode(column: "failures", as: Int.self), try row.decode(column: "window_start", as: Double.self))
        return failures > limit ? max(1, Int((start + window - t).rounded(.up))) : nil
    }
}

/// Who has been reached in a class: its participants, those with a code that opens their sheet
/// today, those whose family opened a sheet (by any of the student's codes), the records that the
/// class was informed.
struct ClassCoverage: Sendable {
    var schoolID: UUID
    var schoolLogin: String
    var schoolName: String
    var className: String
    var students: Int
    var issued: Int
    var reached: Int
    var informed: [String]

    var share: Double { students == 0 ? 0 : Double(reached) / Double(students) }
}

enum SheetAccess {
    /// A code's printed form: three groups of four, «ACDE-FGHJ-KMNP» (typed back in any form).
    static func grouped(_ code: String) -> String {
        stride(from: 0, to: code.count, by: 4).map { i in
            String(code.dropFirst(i).prefix(4))
        }.joined(separator: "-")
    }

    /// The address the printed link and QR code name: `MSOKO_PUBLIC_URL` when set (the address
    /// parents can reach), else the address the page was asked on.
    static func publicBase(_ req: Request) -> String { PublicAddress.base(req) }

    static func link(_ req: Request, code: String) -> String { publicBase(req) + Site.parentSheet.url(code).path }

    /// The codes of a class in a procedure, newest first.
    static func codes(procedureID: UUID, schoolID: UUID, className: String, on db: Database) async throws -> [SheetCode] {
        try await SheetCode.query(on: db).filter(\.$procedure.$id == procedureID).filter(\.$school.$id == schoolID)
            .filter(\.$className == className).sort(\.$createdAt, .descending).all()
    }

    /// Per participant code, the code that opens the sheet today (the newest valid one).
    static func current(_ codes: [SheetCode], today: String) -> [String: SheetCode] {
        var out: [String: SheetCode] = [:]
        for c in codes where c.isValid(today: today) && out[c.studentCode] == nil { out[c.studentCode] = c }
        return out
    }

    /// Per participant code, when their family first opened a sheet (by any code).
    static func opened(_ codes: [SheetCode]) -> [String: Date] {
        var out: [String: Date] = [:]
        for c in codes { if let d = c.firstOpenedAt, out[c.studentCode].map({ d < $0 }) ?? true { out[c.studentCode] = d } }
        return out
    }

    /// The classes of `p` in the given schools (all of the user's district when `schoolID` is nil),
    /// with their coverage, by school and class.
    static func coverage(_ p: Procedure, municipalityID: UUID, schoolID: UUID?, today: String, on db: Database) async throws -> [ClassCoverage] {
        let pid = try p.requireID()
        let rows = WorkRow.query(on: db).filter(\.$procedure.$id == pid).filter(\.$municipalityID == municipalityID)
        if let schoolID { rows.filter(\.$school.$id == schoolID) }
        var students: [UUID: [String: Set<String>]] = [:]
        for w in try await rows.field(\.$school.$id).field(\.$className).field(\.$code).all() {
            students[w.$school.id, default: [:]][WorkRecord.normalizeClass(w.className), default: []].insert(w.code)
        }
        guard !students.isEmpty else { return [] }
        let schools = try await School.query(on: db).filter(\.$id ~~ Array(students.keys)).all()
        let codes = try await SheetCode.query(on: db).filter(\.$procedure.$id == pid).filter(\.$school.$id ~~ Array(students.keys)).sort(\.$createdAt, .descending).all()
        let informings = try await SheetInforming.query(on: db).filter(\.$procedure.$id == pid).filter(\.$school.$id ~~ Array(students.keys)).sort(\.$date).all()
        var out: [ClassCoverage] = []
        for s in schools.sorted(by: { $0.shortName.localizedStandardCompare($1.shortName) == .orderedAscending }) {
            let sid = try s.requireID()
            for (className, codesInClass) in (students[sid] ?? [:]).sorted(by: { $0.key.localizedStandardCompare($1.key) == .orderedAscending }) {
                let mine = codes.filter { $0.$school.id == sid && $0.className == className && codesInClass.contains($0.studentCode) }
                out.append(ClassCoverage(schoolID: sid, schoolLogin: s.login, schoolName: s.shortName, className: className, students: codesInClass.count,
                                         issued: current(mine, today: today).count, reached: opened(mine).count,
                                         informed: informings.filter { $0.$school.id == sid && $0.className == className }.map { "\(LocalDate.russian($0.date)) — \($0.kindTitle)" }))
            }
        }
        return out
    }
}
