import Crypto
import Fluent
import Vapor

struct CurrentUserKey: StorageKey { typealias Value = User }
struct AuthViaTokenKey: StorageKey { typealias Value = Bool }
struct IsObserverKey: StorageKey { typealias Value = Bool }

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
        } else if let record = request.sessionState.record {
            let state = request.sessionState
            if let user = state.cachedUser {
                // A page read by a session kept in `SignedInCache`: no query.
                request.storage[CurrentUserKey.self] = user
                if !request.isAPI { request.storage[IsObserverKey.self] = state.cachedObserver }
            } else if let user = try await User.find(record.$user.id, on: request.db), !user.isDisabled {
                request.storage[CurrentUserKey.self] = user
                // The menu shows the observer's own pages to a user registered as an observer.
                if request.method == .GET, !request.isAPI {
                    let observer = try await Observer.query(on: request.db).filter(\.$userID == user.id).count() > 0
                    request.storage[IsObserverKey.self] = observer
                    SignedInCache.keep(record, user: user, isObserver: observer, version: state.versionRead, mark: state.writeMark)
                }
            } else {
                try await request.signOut()
            }
        }
        return try await next.respond(to: request)
    }
}

extension Request {
    var currentUser: User? { storage[CurrentUserKey.self] }
    var isTokenAuth: Bool { storage[AuthViaTokenKey.self] ?? false }
    /// Whether the signed-in user is registered as an observer (known for page requests).
    var isObserver: Bool { storage[IsObserverKey.self] ?? false }
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
        Checksum.sha256(Data(token.utf8))
    }

    /// A random URL-safe secret of `bytes` bytes.
    static func random(bytes: Int = 32) -> String {
        var generator = SystemRandomNumberGenerator()
        let raw = (0..<bytes).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return base64URL(Data(raw))
    }

    /// Base64 with the URL- and cookie-safe alphabet, no padding.
    static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
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

    /// A hash of the same cost to check against when the login is unknown or disabled: the answer
    /// then takes as long as for a real account (no enumeration by timing).
    static let dummyHash: String = try! Bcrypt.hash(Tokens.random(bytes: 16), cost: cost)  // a valid cost cannot fail

    /// A password people can type: 10 characters without look-alikes.
    static func generate() -> String {
        let alphabet = Array("abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")
        return String((0..<10).map { _ in alphabet.randomElement()! })
    }

    static let minimumLength = 8

    /// Russian message when a new password is too weak, nil when acceptable: at least eight
    /// characters that are not all spaces, not one character repeated, not a run of the keyboard
    /// or of digits, not the login, not on the list of the most common passwords.
    static func weakness(_ password: String, login: String? = nil) -> String? {
        if password.count < minimumLength { return "Пароль должен быть не короче \(minimumLength) символов." }
        let core = password.trimmingCharacters(in: .whitespacesAndNewlines)
        if core.count < minimumLength { return "Пароль не может состоять из пробелов: нужно не меньше \(minimumLength) других символов." }
        let lower = core.lowercased()
        if Set(lower).count <= 2 { return "Пароль из одного-двух повторяющихся символов слишком прост: подберут за секунды." }
        if let login, !login.isEmpty, lower.contains(login.lowercased()) { return "Пароль не должен содержать логин." }
        if CommonPasswords.contains(lower) {
            return "Этот пароль есть в списках самых распространённых паролей — его подбирают первым. Придумайте другой: например, три-четыре несвязанных слова."
        }
        return nil
    }
}

/// The most common passwords (public leak statistics, the Russian ones among them) and the runs
/// of keys and digits they are made of. Checked in lower case.
enum CommonPasswords {
    static let list: Set<String> = [
        "password", "password1", "password12", "password123", "passw0rd", "p@ssw0rd", "p@ssword", "qwertyui", "qwertyuiop", "qwerty12",
        "qwerty123", "qwerty1234", "qwerty12345", "1q2w3e4r", "1q2w3e4r5t", "1qaz2wsx", "zaq12wsx", "zaq1zaq1", "asdfghjk", "asdfghjkl",
        "zxcvbnm1", "zxcvbnm123", "iloveyou", "iloveyou1", "sunshine", "princess", "football", "baseball", "welcome1", "welcome123",
        "admin123", "admin1234", "administrator", "letmein1", "trustno1", "dragon12", "master12", "monkey12", "superman", "starwars",
        "michael1", "computer", "internet", "whatever", "12345678", "123456789", "1234567890", "0123456789", "87654321", "987654321",
        "11111111", "00000000", "12341234", "11223344", "12121212", "123123123", "123321123", "147258369", "159753456", "1234qwer",
        "qwer1234", "abcd1234", "abc12345", "a1234567", "aa123456", "q1w2e3r4", "q1w2e3r4t5", "parol123", "parol1234", "parolparol",
        "pa55word", "demo1234", "test1234", "testtest", "changeme", "changeme1", "default1", "secret12", "letmein123", "passpass",
        "йцукенгш", "йцукенгшщз", "фывапрол", "фываолдж", "ячсмитьб", "пароль12", "пароль123", "парольпароль", "любовь123", "привет123",
        "ghbdtn123", "gfhjkm123", "gfhjkm12", "vjqgfhjkm", "rfnthbyf", "natasha1", "nataly123", "svetlana", "zvezda12", "marina123",
        "dima1234", "sasha123", "andrey123", "alexander", "mihail123", "maksim123", "school12", "shkola12", "shkola123", "uchitel1",
        "direktor", "director", "obrazovanie", "msoko123", "msokomsoko", "vpr12345", "zyryanka", "tomsk123", "russia12", "moscow12",
    ]

    static let runs = ["1234567890", "0987654321", "qwertyuiop", "asdfghjkl", "zxcvbnm", "йцукенгшщзхъ", "фывапролджэ", "ячсмитьбю",
                       "abcdefghijklmnopqrstuvwxyz", "абвгдеёжзийклмнопрстуфхцчшщъыьэюя"]

    static func contains(_ lower: String) -> Bool {
        if list.contains(lower) { return true }
        // A run of the keyboard or alphabet, forwards or back, with at most two characters more.
        for run in runs {
            for candidate in [run, String(run.reversed())] {
                if lower.count <= candidate.count + 2, longestCommonRun(lower, candidate) >= lower.count - 2 { return true }
            }
        }
        return false
    }

    static func longestCommonRun(_ a: String, _ b: String) -> Int {
        let x = Array(a), y = Array(b)
        var best = 0
        for i in x.indices {
            for j in y.indices {
                var k = 0
                while i + k < x.count, j + k < y.count, x[i + k] == y[j + k] { k += 1 }
                best = max(best, k)
            }
        }
        return best
    }
}
