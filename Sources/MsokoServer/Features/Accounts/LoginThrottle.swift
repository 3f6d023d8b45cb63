import Fluent
import Foundation
import SQLKit
import Vapor

/// Failed logins counted per key: an account at one address, an account from anywhere, an
/// address whatever the account. Times are seconds since 1970 (plain numbers compare the same
/// way on SQLite and PostgreSQL).
final class LoginAttempt: Model, @unchecked Sendable {
    static let schema = "login_attempts"
    @ID(custom: "key", generatedBy: .user) var id: String?
    @Field(key: "failures") var failures: Int
    @Field(key: "window_start") var windowStart: Double
    @Field(key: "locked_until") var lockedUntil: Double
    @Field(key: "lockouts") var lockouts: Int
    init() {}
}

/// Login throttling, atomic: every attempt is counted by one `UPDATE … RETURNING` before the
/// password is checked, so forty parallel guesses get `limit` checks, not forty. A key over its
/// limit is locked for a minute, then two, four … up to its cap (exponential back-off). The
/// account key has a higher limit and a five-minute cap, so that a stranger guessing from one
/// address locks out that address, not the user.
enum Throttle {
    struct Rule {
        var key: String
        var limit: Int
        var maxLock: TimeInterval
    }

    static let window: TimeInterval = 15 * 60

    static func rules(login: String, address: String, limit: Int) -> [Rule] {
        [
            Rule(key: "pair:\(login)|\(address)", limit: limit, maxLock: 60 * 60),
            Rule(key: "address:\(address)", limit: limit * 10, maxLock: 60 * 60),
            Rule(key: "account:\(login)", limit: limit * 4, maxLock: 5 * 60),
        ]
    }

    enum Verdict: Equatable {
        case allowed
        /// Locked: minutes until the next try.
        case locked(minutes: Int)
    }

    /// Counts this attempt key by key, in order (the account at this address, the address, the
    /// account), and stops at the first key that is locked or goes over its limit: guesses
    /// stopped at their address never count against the account.
    static func attempt(login: String, address: String, limit: Int, on db: Database, now: Date) async throws -> Verdict {
        try await db.writing { try await count(login: login, address: address, limit: limit, on: db, now: now) }
    }

    private static func count(login: String, address: String, limit: Int, on db: Database, now: Date) async throws -> Verdict {
        guard let sql = db as? SQLDatabase else { return .allowed }
        let t = now.timeIntervalSince1970
        var wait: Double = 0
        for rule in rules(login: login, address: address, limit: limit) {
            try await sql.insert(into: LoginAttempt.schema)
                .columns("key", "failures", "window_start", "locked_until", "lockouts")
                .values(SQLBind(rule.key), SQLBind(0), SQLBind(t), SQLBind(0.0), SQLBind(0))
                .ignoringConflicts(with: ["key"])
                .run()
            let counted = try await sql.raw("""
                UPDATE login_attempts
                SET failures = CASE WHEN window_start < \(bind: t - window) THEN 1 ELSE failures + 1 END,
                    window_start = CASE WHEN window_start < \(bind: t - window) THEN \(bind: t) ELSE window_start END
                WHERE key = \(bind: rule.key) AND locked_until <= \(bind: t)
                RETURNING failures, lockouts
                """).all()
            guard let row = counted.first else {
                let until = try await sql.raw("SELECT locked_until FROM login_attempts WHERE key = \(bind: rule.key)").first()
                wait = max(wait, ((try? until?.decode(column: "locked_until", as: Double.self)) ?? t) - t, 1)
                break
            }
            let failures = try row.decode(column: "failures", as: Int.self)
            let lockouts = try row.decode(column: "lockouts", as: Int.self)
            if failures > rule.limit {
                let lock = min(rule.maxLock, 60 * pow(2, Double(min(lockouts, 16))))
                try await sql.raw("""
                    UPDATE login_attempts SET locked_until = \(bind: t + lock), lockouts = lockouts + 1, failures = 0, window_start = \(bind: t)
                    WHERE key = \(bind: rule.key)
                    """).run()
                wait = max(wait, lock)
                break
            }
        }
        return wait > 0 ? .locked(minutes: max(1, Int((wait / 60).rounded(.up)))) : .allowed
    }

    /// A successful login: the account's counters start again; the address's attempt is taken back.
    static func succeeded(login: String, address: String, limit: Int, on db: Database) async throws {
        guard let sql = db as? SQLDatabase else { return }
        let r = rules(login: login, address: address, limit: limit)
        try await db.writing {
            try await sql.raw("DELETE FROM login_attempts WHERE key = \(bind: r[0].key) OR key = \(bind: r[2].key)").run()
            try await sql.raw("UPDATE login_attempts SET failures = CASE WHEN failures > 0 THEN failures - 1 ELSE 0 END WHERE key = \(bind: r[1].key)").run()
        }
    }

    /// An administrator's reset or a new password from the command line unlocks the account.
    static func clear(login: String, on db: Database) async throws {
        guard let sql = db as? SQLDatabase else { return }
        try await db.writing {
            try await sql.raw("DELETE FROM login_attempts WHERE key = \(bind: "account:" + login) OR key LIKE \(bind: "pair:" + login + "|%")").run()
        }
    }
}

extension Request {
    /// The client's address: the peer, or with `MSOKO_TRUST_PROXY=1` the last address a proxy
    /// added to `X-Forwarded-For` (earlier ones are the client's own word).
    var clientAddress: String {
        if msokoConfig.trustProxy, let forwarded = headers.first(name: "X-Forwarded-For")?.split(separator: ",").last {
            return forwarded.trimmingCharacters(in: .whitespaces)
        }
        return remoteAddress?.ipAddress ?? "unknown"
    }
}
