import Foundation
import Synchronization
import Vapor

/// Who a session belongs to, kept for page reads (issue 19 §3): a signed-in GET would otherwise
/// read its session, its user and whether the user is an observer — three queries, most of the
/// cost of a page that is itself kept (`KeptPages`). An entry serves GET requests only, for at
/// most `lifetime` seconds and while no write has committed in this process (`DataVersion`: a role
/// changed, an account disabled, sessions ended). Every other request — every form, upload and
/// sign-out — reads the session and the user from the database as before. A session's own
/// writes (its one-shot message, its expiry moved on, its end) drop its entry at once; a session
/// ended on another node may still open pages on this one for up to `lifetime` seconds
/// (docs/security.md; four while this node reads it again under load). Each request gets its own
/// copies of the session and the user, so nothing a handler does to them reaches another request.
///
/// The session's own writes reach other nodes too, through the browser: each write sets the
/// cookie `msoko_sw` (`SessionCookies.writeMark`) to a new value, and an entry serves only requests
/// carrying the value it was read with. A one-shot message left by a form on one node is shown by
/// the page the browser is sent to on another, not lost for the entry's two seconds there.
enum SignedInCache {
    static let lifetime: TimeInterval = 2
    static let grace: TimeInterval = 2
    static let maxEntries = 20_000

    struct Entry: Sendable {
        var sessionID: UUID
        var userID: UUID
        var csrf: String
        var createdAt: Date
        var expiresAt: Date
        var touchedAt: Date
        /// The user as read; never handed out — each request gets its own `copy()`.
        var user: User
        var isObserver: Bool
        var version: UInt64
        /// The session's write mark the request that read it carried ("" without one).
        var mark: String
        var read: Date
        /// A request is reading the session again (the others are served this entry meanwhile).
        var reading = false
    }

    /// Internal for the tests only.
    static let entries = Mutex([String: Entry]())

    /// The entry for a session's token hash, if it may serve a GET now. Once `lifetime` has passed
    /// (and nothing was written), the first request reads the session again and the others are
    /// served the entry meanwhile, for at most `grace` seconds more: a busy database does not
    /// hold every page of a session up at once.
    /// `mark`: the request's write mark; another than the entry's means the session was written
    /// since it was read (perhaps on another node), and it is read again.
    static func entry(_ tokenHash: String, now: Date, mark: String) -> Entry? {
        let version = DataVersion.current
        let clock = Date()
        return entries.withLock { all in
            guard let e = all[tokenHash] else { return nil }
            guard e.version == version, e.mark == mark, clock >= e.read, e.expiresAt > now, now.timeIntervalSince(e.touchedAt) <= SessionCookies.touchEvery,
                  clock.timeIntervalSince(e.read) < lifetime + grace else {
                all[tokenHash] = nil
                return nil
            }
            if clock.timeIntervalSince(e.read) < lifetime { return e }
            if e.reading { return e }
            all[tokenHash]?.reading = true
            return nil
        }
    }

    /// Keeps what a GET read from the database; `version` is the one read before the queries.
    static func keep(_ record: UserSession, user: User, isObserver: Bool, version: UInt64, mark: String) {
        guard record.flash == nil, let sessionID = record.id, let userID = user.id else { return }
        let e = Entry(sessionID: sessionID, userID: userID, csrf: record.csrf, createdAt: record.createdAt, expiresAt: record.expiresAt,
                      touchedAt: record.touchedAt, user: user.copy(), isObserver: isObserver, version: version, mark: mark, read: Date())
        entries.withLock { all in
            if all.count >= maxEntries {
                let clock = Date()
                all = all.filter { clock.timeIntervalSince($0.value.read) < lifetime }
                if all.count >= maxEntries { all.removeAll(keepingCapacity: true) }
            }
            all[record.tokenHash] = e
        }
    }

    /// This request's own copies of the session and the user.
    static func copies(_ e: Entry, tokenHash: String) -> (UserSession, User) {
        let s = UserSession()
        s.id = e.sessionID
        s.tokenHash = tokenHash
        s.$user.id = e.userID
        s.csrf = e.csrf
        s.flash = nil
        s.createdAt = e.createdAt
        s.expiresAt = e.expiresAt
        s.touchedAt = e.touchedAt
        s.$id.exists = true
        return (s, e.user.copy())
    }

    static func drop(_ tokenHash: String) {
        _ = entries.withLock { $0.removeValue(forKey: tokenHash) }
    }

    static func drop(user userID: UUID) {
        entries.withLock { all in all = all.filter { $0.value.userID != userID } }
    }
}
