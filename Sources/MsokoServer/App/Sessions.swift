import Crypto
import Fluent
import SQLKit
import Vapor

/// A signed-in user's session. Only signed-in users have a row: the cookie holds a random token,
/// the table its SHA-256, so a copy of the database opens no session. Anonymous visitors get
/// no row at all (their CSRF token and one-shot message live in cookies).
final class UserSession: Model, @unchecked Sendable {
    static let schema = "user_sessions"

    @ID(key: .id) var id: UUID?
    @Field(key: "token_hash") var tokenHash: String
    @Parent(key: "user_id") var user: User
    @Field(key: "csrf") var csrf: String
    @OptionalField(key: "flash") var flash: String?
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "expires_at") var expiresAt: Date
    @Field(key: "touched_at") var touchedAt: Date

    init() {}
}

/// What the session middleware found for this request and what the handler changed.
final class SessionState: @unchecked Sendable {
    var record: UserSession?
    var flashChanged = false
    /// Cookies to set on the response (sign-in, sign-out, anonymous CSRF and messages).
    var cookies: [String: HTTPCookies.Value] = [:]
    var anonymousCSRF: String?
    var anonymousFlash: String?
    /// What pages are made with instead of the session's CSRF token while they are made to be
    /// kept (`KeptPages`, which puts each session's own token back).
    var csrfOverride: String?
    /// The user and the observer flag of a GET served from `SignedInCache` (no query made).
    var cachedUser: User?
    var cachedObserver = false
    /// `DataVersion` read before the session was looked up (what a kept identity is valid for).
    var versionRead: UInt64 = 0
    /// The session write mark the request carried (`SessionCookies.writeMark`; "" without one):
    /// what a kept identity read by this request is valid for.
    var writeMark = ""
}

extension SessionState {
    /// The session's row was written: the browser gets a new write mark, so that no node serves
    /// it the identity it kept from before (`SignedInCache`).
    func markWritten(_ request: Request) {
        cookies[SessionCookies.writeMark] = SessionMiddleware.cookie(request, Tokens.random(bytes: 8), maxAge: Int(SessionCookies.lifetime))
    }
}

struct SessionStateKey: StorageKey { typealias Value = SessionState }

enum SessionCookies {
    static let session = "msoko_session"
    static let csrf = "msoko_csrf"
    static let flash = "msoko_flash"
    /// Set to a new random value whenever the session's row is written (`SignedInCache`).
    static let writeMark = "msoko_sw"
    /// A session lasts 12 hours from its last use; its row is touched at most every 10 minutes.
    static let lifetime: TimeInterval = 12 * 60 * 60
    static let touchEvery: TimeInterval = 10 * 60
}

/// Reads the session cookie, and writes the row only when something changed: a message set or
/// taken, or the expiry moved on (at most every ten minutes).
struct SessionMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: AsyncResponder) async throws -> Response {
        let state = SessionState()
        request.storage[SessionStateKey.self] = state
        let now = request.now
        state.versionRead = DataVersion.current
        state.writeMark = request.cookies[SessionCookies.writeMark]?.string ?? ""
        if let token = request.cookies[SessionCookies.session]?.string, !token.isEmpty {
            let hash = Tokens.hash(token)
            if request.method == .GET, let kept = SignedInCache.entry(hash, now: now, mark: state.writeMark) {
                let (record, user) = SignedInCache.copies(kept, tokenHash: hash)
                state.record = record
                state.cachedUser = user
                state.cachedObserver = kept.isObserver
            } else if let found = try await UserSession.query(on: request.db).filter(\.$tokenHash == hash).first(), found.expiresAt > now {
                state.record = found
            } else {
                state.cookies[SessionCookies.session] = Self.expired(request)
            }
        }
        state.anonymousCSRF = request.cookies[SessionCookies.csrf]?.string
        state.anonymousFlash = (request.cookies[SessionCookies.flash]?.string).flatMap(Self.decodeFlash)
        let response: Response
        do {
            response = try await next.respond(to: request)
            if request.method != .GET, let uid = request.currentUser?.id { KeptPages.wrote(uid) }
        } catch {
            if request.method != .GET, let uid = request.currentUser?.id { KeptPages.wrote(uid) }
            throw error
        }
        if let record = state.record, record.id != nil {
            let touch = now.timeIntervalSince(record.touchedAt) > SessionCookies.touchEvery
            if touch {
                record.touchedAt = now
                record.expiresAt = now.addingTimeInterval(SessionCookies.lifetime)
            }
            if touch || state.flashChanged {
                // Dropped after the write too: a page read meanwhile may have kept the row before it.
                SignedInCache.drop(record.tokenHash)
                try await request.db.writing { try await record.save(on: request.db) }
                SignedInCache.drop(record.tokenHash)
                state.markWritten(request)
            }
        }
        for (name, value) in state.cookies { response.cookies[name] = value }
        return response
    }

    static func cookie(_ request: Request, _ value: String, maxAge: Int?) -> HTTPCookies.Value {
        HTTPCookies.Value(string: value, expires: nil, maxAge: maxAge, domain: nil, path: "/",
                          isSecure: request.msokoConfig.secureCookies, isHTTPOnly: true, sameSite: .lax)
    }

    static func expired(_ request: Request) -> HTTPCookies.Value {
        HTTPCookies.Value(string: "", expires: Date(timeIntervalSince1970: 0), maxAge: 0, domain: nil, path: "/",
                          isSecure: request.msokoConfig.secureCookies, isHTTPOnly: true, sameSite: .lax)
    }

    static func encodeFlash(_ text: String) -> String { Tokens.base64URL(Data(text.utf8)) }

    static func decodeFlash(_ value: String) -> String? {
        var s = value.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while s.count % 4 != 0 { s += "=" }
        return Data(base64Encoded: s).flatMap { String(data: $0, encoding: .utf8) }
    }
}

extension Request {
    var sessionState: SessionState {
        if let s = storage[SessionStateKey.self] { return s }
        let s = SessionState()
        storage[SessionStateKey.self] = s
        return s
    }

    /// Starts a new session for `user` (a fresh token: no session fixation), ending this
    /// request's old one, and purges expired sessions.
    func signIn(_ user: User) async throws {
        let state = sessionState
        let (db, now, old) = (db, now, state.record)
        let token = Tokens.random(bytes: 32)
        let s = UserSession()
        s.tokenHash = Tokens.hash(token)
        s.$user.id = try user.requireID()
        s.csrf = Tokens.random(bytes: 24)
        s.createdAt = now
        s.touchedAt = now
        s.expiresAt = now.addingTimeInterval(SessionCookies.lifetime)
        try await db.writing {
            if let old {
                SignedInCache.drop(old.tokenHash)
                try await old.delete(on: db)
                SignedInCache.drop(old.tokenHash)
            }
            try await UserSession.query(on: db).filter(\.$expiresAt < now).delete()
            try await s.create(on: db)
        }
        state.record = s
        state.cookies[SessionCookies.session] = SessionMiddleware.cookie(self, token, maxAge: Int(SessionCookies.lifetime))
        state.markWritten(self)
        storage[CurrentUserKey.self] = user
    }

    func signOut() async throws {
        let state = sessionState
        if let record = state.record {
            SignedInCache.drop(record.tokenHash)
            try await db.writing { try await record.delete(on: self.db) }
            SignedInCache.drop(record.tokenHash)
        }
        state.record = nil
        state.cookies[SessionCookies.session] = SessionMiddleware.expired(self)
        storage[CurrentUserKey.self] = nil
    }

    /// The CSRF token of the session, or of the anonymous visitor's cookie (made on first use).
    var csrfToken: String {
        let state = sessionState
        if let marker = state.csrfOverride { return marker }
        if let record = state.record { return record.csrf }
        if let token = state.anonymousCSRF, !token.isEmpty { return token }
        let token = Tokens.random(bytes: 24)
        state.anonymousCSRF = token
        state.cookies[SessionCookies.csrf] = SessionMiddleware.cookie(self, token, maxAge: nil)
        return token
    }
}

/// Ends sessions: every one of a user's (a reset, a disabled account) or all but this one (a
/// password change by the user).
enum SessionRevocation {
    static func endAll(of userID: UUID, except keep: UUID? = nil, on db: Database) async throws {
        let q = UserSession.query(on: db).filter(\.$user.$id == userID)
        if let keep { q.filter(\.$id != keep) }
        SignedInCache.drop(user: userID)
        try await q.delete()
        SignedInCache.drop(user: userID)
    }
}
