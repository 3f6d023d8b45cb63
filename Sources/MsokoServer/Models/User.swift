import Fluent
import Foundation

/// An account. Heads and teachers belong to a school; everyone belongs to a municipality.
final class User: Model, @unchecked Sendable {
    static let schema = "users"

    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    @Field(key: "login") var login: String
    @Field(key: "name") var name: String
    @Field(key: "role") var role: Role
    @Field(key: "password_hash") var passwordHash: String
    @Field(key: "is_disabled") var isDisabled: Bool
    /// Subject of a methodical association head, e.g. «Математика».
    @Field(key: "subject") var subject: String?

    @Field(key: "region_id") var regionID: UUID?
    @OptionalParent(key: "municipality_id") var municipality: Municipality?
    @OptionalParent(key: "school_id") var school: School?

    init() {}
    init(id: UUID? = nil, login: String, name: String, role: Role, passwordHash: String,
         regionID: UUID?, municipalityID: UUID?, schoolID: UUID?) {
        self.id = id
        self.login = login
        self.name = name
        self.role = role
        self.passwordHash = passwordHash
        self.isDisabled = false
        self.regionID = regionID
        self.$municipality.id = municipalityID
        self.$school.id = schoolID
    }

    /// A copy of every stored field, for one request (`SignedInCache`); a new field must be copied
    /// here too (`KeptAnalysesTests.testTheIdentityKeptForPagesEndsWithTheSession` compares them).
    func copy() -> User {
        let u = User(id: id, login: login, name: name, role: role, passwordHash: passwordHash, regionID: regionID,
                     municipalityID: $municipality.id, schoolID: $school.id)
        u.createdAt = createdAt
        u.isDisabled = isDisabled
        u.subject = subject
        u.$id.exists = true
        return u
    }
}

/// A personal API token; only its SHA-256 is stored.
final class UserToken: Model, @unchecked Sendable {
    static let schema = "user_tokens"

    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Field(key: "token_hash") var tokenHash: String
    @Field(key: "label") var label: String
    @OptionalField(key: "revoked_at") var revokedAt: Date?
    @Parent(key: "user_id") var user: User

    init() {}
    init(userID: UUID, tokenHash: String, label: String) {
        self.$user.id = userID
        self.tokenHash = tokenHash
        self.label = label
    }
}

/// Failed logins per login name, for throttling.
final class LoginThrottle: Model, @unchecked Sendable {
    static let schema = "login_throttles"

    @ID(key: .id) var id: UUID?
    @Field(key: "login") var login: String
    @Field(key: "failures") var failures: Int
    @Field(key: "window_start") var windowStart: Date
    @OptionalField(key: "locked_until") var lockedUntil: Date?

    init() {}
}

/// Installation settings: demo flag, report template.
final class Setting: Model, @unchecked Sendable {
    static let schema = "settings"

    @ID(key: .id) var id: UUID?
    @Field(key: "key") var key: String
    @Field(key: "value") var value: String
    @OptionalField(key: "municipality_id") var municipalityID: UUID?

    init() {}
    init(key: String, value: String, municipalityID: UUID?) {
        self.key = key
        self.value = value
        self.municipalityID = municipalityID
    }
}
