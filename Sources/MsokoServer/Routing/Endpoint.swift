import Foundation
import Vapor

/// Who may use an endpoint. Every endpoint states one: `Endpoint`'s initialiser has no default.
enum Access: Sendable, Equatable {
    /// Anyone, signed in or not (the login page, static files).
    case anyone
    /// Any signed-in user, whatever the role.
    case signedIn
    /// Signed-in users of these roles.
    case roles(Set<Role>)

    static func only(_ roles: Role...) -> Access { .roles(Set(roles)) }

    func allows(_ role: Role?) -> Bool {
        switch self {
        case .anyone: return true
        case .signedIn: return role != nil
        case .roles(let set): return role.map(set.contains) ?? false
        }
    }
}

/// An entry of the navigation menu: shown to exactly the roles the endpoint's access allows.
struct MenuEntry: Sendable, Equatable {
    var label: String
    /// Position in the menu, smallest first.
    var order: Int
    /// Shown only to a user registered as an observer, whatever their role (the observer's own
    /// pages are scoped by that record, not by a role).
    var observersOnly = false
    /// The menu group the link sits in (a drop-down), nil: on the bar itself.
    var group: MenuGroup? = nil
}

/// Groups that keep the menu on one row at 1366 px: links used less often sit in a drop-down.
enum MenuGroup: String, Sendable, CaseIterable {
    case events = "Мероприятия"
    case district = "Район"
}

/// An upload route: the body streams in, and role, object scope and declared size are checked
/// before it is read (see `RoutesBuilder.on(_:authorize:use:)`).
struct UploadLimit: Sendable {
    /// Bytes; nil takes the configured evidence limit (`AppConfig.maxUploadBytes`).
    var maxBytes: Int?
    /// What is uploaded, for the «too large» message: «Файл результатов».
    var what: String
}

/// A path built from an endpoint: the only way msoko writes its own URLs. Path parameters are
/// percent-encoded; the query is added with `query(_:)`.
struct SiteURL: Sendable, Equatable, CustomStringConvertible {
    let path: String

    var description: String { path }

    /// The same path with query parameters (values percent-encoded; nil values left out).
    func query(_ items: KeyValuePairs<String, String?>) -> SiteURL {
        let pairs = items.compactMap { key, value in value.map { "\(key)=\(SiteURL.encodeQuery($0))" } }
        guard !pairs.isEmpty else { return self }
        return SiteURL(path: path + (path.contains("?") ? "&" : "?") + pairs.joined(separator: "&"))
    }

    /// The same path with a fragment (`#item-3`): the place on the page to come back to.
    func fragment(_ id: String) -> SiteURL { SiteURL(path: path + "#" + SiteURL.encodeQuery(id)) }

    static let segmentCharacters = CharacterSet.urlPathAllowed.subtracting(CharacterSet(charactersIn: "/?#;"))
    static let queryCharacters = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))

    static func encodeSegment(_ text: String) -> String { text.addingPercentEncoding(withAllowedCharacters: segmentCharacters) ?? "" }
    static func encodeQuery(_ text: String) -> String { text.addingPercentEncoding(withAllowedCharacters: queryCharacters) ?? "" }
}

extension HTML.StringInterpolation {
    /// A URL in an attribute: escaped like text (`&` of a query becomes `&amp;`).
    mutating func appendInterpolation(_ url: SiteURL) { HTML.escape(url.path, into: &markup) }
}

extension Request {
    /// A 303 to one of msoko's own pages.
    func redirect(to url: SiteURL) -> Response { redirect(to: url.path) }

    /// A 303 to `url` that shows `text` there once: the answer to a form (done, refused, done with warnings).
    func redirect(to url: SiteURL, ok text: String) -> Response { flashRedirect(url, "ok", text) }
    func redirect(to url: SiteURL, error text: String) -> Response { flashRedirect(url, "error", text) }
    func redirect(to url: SiteURL, info text: String) -> Response { flashRedirect(url, "info", text) }

    private func flashRedirect(_ url: SiteURL, _ kind: String, _ text: String) -> Response {
        Flash.set(self, kind, text)
        return redirect(to: url)
    }
}

/// What the routing table, the menu and the tests read of any endpoint, whatever its parameters.
protocol EndpointEntry: Sendable {
    var method: HTTPMethod { get }
    var pattern: String { get }
    var access: Access { get }
    var redirecting: Set<Role> { get }
    var menu: MenuEntry? { get }
    var upload: UploadLimit? { get }
    /// The number of path parameters the type says the endpoint takes.
    var arity: Int { get }
}

extension EndpointEntry {
    /// Whether a signed-in role (or an anonymous visitor) gets past the registration's check.
    func admits(_ role: Role?) -> Bool {
        access.allows(role) || role.map(redirecting.contains) == true
    }
}

/// One route: method, path pattern, who may use it. `Parameters` is the type of the path
/// parameters in order (`Void`, `UUID`, `String`, or a tuple of them), so a link cannot be built
/// with too few or the wrong ones: `Site.procedure.url(p.id)`.
struct Endpoint<Parameters>: EndpointEntry, @unchecked Sendable {
    let method: HTTPMethod
    /// `procedures/:procedureID/analysis`; "" is the home page.
    let pattern: String
    let access: Access
    /// Roles the handler sends elsewhere with a redirect (a head's `/` goes to their school):
    /// they pass the registration's check but are not shown the endpoint in the menu.
    let redirecting: Set<Role>
    let menu: MenuEntry?
    let upload: UploadLimit?

    init(_ method: HTTPMethod, _ pattern: String, _ access: Access, redirecting: Set<Role> = [], menu: MenuEntry? = nil, upload: UploadLimit? = nil) {
        self.method = method
        self.pattern = pattern
        self.access = access
        self.redirecting = redirecting
        self.menu = menu
        self.upload = upload
    }

    var segments: [Substring] { pattern.split(separator: "/") }

    var pathComponents: [PathComponent] {
        segments.map { $0.hasPrefix(":") ? .parameter(String($0.dropFirst())) : .constant(String($0)) }
    }

    var parameterNames: [String] { segments.filter { $0.hasPrefix(":") }.map { String($0.dropFirst()) } }

    var arity: Int {
        switch Parameters.self {
        case is Void.Type: return 0
        case is UUID.Type, is String.Type: return 1
        case is (UUID, String).Type: return 2
        case is (UUID, String, String).Type: return 3
        default: return -1
        }
    }

    /// The path with `values` (already encoded) in place of the parameters, in order.
    fileprivate func fill(_ values: [String]) -> SiteURL {
        var next = values.makeIterator()
        let path = segments.map { $0.hasPrefix(":") ? (next.next() ?? "") : String($0) }.joined(separator: "/")
        return SiteURL(path: "/" + path)
    }

}

extension Endpoint where Parameters == Void {
    var url: SiteURL { fill([]) }
}

extension Endpoint where Parameters == UUID {
    func url(_ id: UUID) -> SiteURL { fill([id.uuidString]) }
}

extension Endpoint where Parameters == String {
    func url(_ value: String) -> SiteURL { fill([SiteURL.encodeSegment(value)]) }
}

extension Endpoint where Parameters == (UUID, String) {
    func url(_ id: UUID, _ value: String) -> SiteURL { fill([id.uuidString, SiteURL.encodeSegment(value)]) }
}

extension Endpoint where Parameters == (UUID, String, String) {
    func url(_ id: UUID, _ a: String, _ b: String) -> SiteURL { fill([id.uuidString, SiteURL.encodeSegment(a), SiteURL.encodeSegment(b)]) }
}

extension Request {
    /// The signed-in user: registration has checked the endpoint's access, so inside a handler of
    /// a signed-in endpoint this only fails if the handler was registered outside the table.
    var user: User {
        get throws { try requireUser() }
    }
}

extension RoutesBuilder {
    /// Registers `handler` for `endpoint`, behind the endpoint's access check: a handler never
    /// repeats it. Uploads stream their body: role, then the object's scope (`authorize`), then
    /// the declared size are checked before a byte of it is read; the body is then collected up
    /// to the limit (413 past it).
    @discardableResult
    func on<P, R: AsyncResponseEncodable>(_ endpoint: Endpoint<P>,
                                          authorize: (@Sendable (Request) async throws -> Void)? = nil,
                                          use handler: @escaping @Sendable (Request) async throws -> R) -> Route {
        let check: @Sendable (Request) throws -> Void = { req in
            switch endpoint.access {
            case .anyone: return
            case .signedIn: _ = try req.requireUser()
            case .roles(let roles): try req.require(roles.union(endpoint.redirecting))
            }
        }
        guard let upload = endpoint.upload else {
            return on(endpoint.method, endpoint.pathComponents) { req async throws -> R in
                try check(req)
                return try await handler(req)
            }
        }
        return on(endpoint.method, endpoint.pathComponents, body: .stream) { req async throws -> R in
            try check(req)
            try await authorize?(req)
            let maxBytes = upload.maxBytes ?? req.application.msokoConfig.maxUploadBytes
            let tooLarge = AppError.tooLarge("\(upload.what) больше допустимых \(Format.size(maxBytes)): загрузка не принята.")
            if let length = req.headers.first(name: .contentLength).flatMap(Int.init), length > maxBytes { throw tooLarge }
            do { _ = try await req.body.collect(max: maxBytes).get() } catch { throw tooLarge }
            return try await handler(req)
        }
    }
}
