import Crypto
import Fluent
import Vapor

struct CurrentUserKey: StorageKey { typealias Value = User }
struct AuthViaTokenKey: StorageKey { typealias Value = Bool }

/// Finds the signed-in user: a personal API token (`Authorization: Bearer …`) or the session.
/// A bad or revoked token is a 401 at once; it does not fall back to the session.
struct CurrentUserMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: AsyncResponder) async throws -> Response {
        if let bearer = request.headers.bearerAuthorization {
            let hash = Tokens.hash(bearer.token)
            guard let token = try await UserToken.query(on: request.db).filter(\.$tokenHash == hash).with(\.$user).first(),
                  token.revokedAt == nil, !token.user.isDisabled else {
                throw AppError.unauthorized
            }
            request.storage[CurrentUserKey.self] = token.user
            request.storage[AuthViaTokenKey.self] = true
        } else if let idString = request.session.data["uid"], let id = UUID(uuidString: idString) {
            if let user = try await User.find(id, on: request.db), !user.isDisabled {
                request.storage[CurrentUserKey.self] = user
            } else {
                request.session.destroy()
            }
        }
        return try await next.respond(to: request)
    }
}

extension Request {
    var currentUser: User? { storage[CurrentUserKey.self] }
    var isTokenAuth: Bool { storage[AuthViaTokenKey.self] ?? false }
    var isAPI: Bool { url.path.hasPrefix("/api/") }

    /// The signed-in user or 401 (pages turn 401 into a redirect to the login page).
    func requireUser() throws -> User {
        guard let user = currentUser else { throw AppError.unauthorized }
        return user
    }

    /// The signed-in user if their role is one of `roles`, else 403.
    @discardableResult
    func require(_ roles: Set<Role>) throws -> User {
        let user = try requireUser()
        guard roles.contains(user.role) else { throw AppError.forbidden }
        return user
    }
}

enum Tokens {
    static func hash(_ token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// A random URL-safe secret of `bytes` bytes.
    static func random(bytes: Int = 32) -> String {
        var generator = SystemRandomNumberGenerator()
        let raw = (0..<bytes).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return Data(raw).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}

enum Passwords {
    static let cost = 10

    static func hash(_ password: String) throws -> String {
        try Bcrypt.hash(password, cost: cost)
    }

    static func verify(_ password: String, hash: String) -> Bool {
        (try? Bcrypt.verify(password, created: hash)) ?? false
    }

    /// A password people can type: 10 characters without look-alikes.
    static func generate() -> String {
        let alphabet = Array("abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")
        return String((0..<10).map { _ in alphabet.randomElement()! })
    }

    /// Russian message when a new password is too weak, nil when acceptable.
    static func weakness(_ password: String) -> String? {
        if password.count < 8 { return "Пароль должен быть не короче 8 символов." }
        return nil
    }
}
