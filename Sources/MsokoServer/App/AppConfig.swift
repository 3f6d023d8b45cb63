import Foundation

/// Everything msoko reads from its arguments and environment, in one place.
public struct AppConfig: Sendable {
    public enum Database: Sendable, Equatable {
        case sqlite(path: String)
        case sqliteMemory
        case postgres(url: String)
    }

    public var database: Database
    public var dataDirectory: String
    /// Secure cookies: set when msoko is served over HTTPS (MSOKO_PUBLIC_URL=https://…).
    public var secureCookies: Bool
    /// Largest evidence file accepted, in bytes.
    public var maxEvidenceBytes: Int
    /// Failed logins allowed in a 15-minute window before the login is locked at that address.
    public var maxLoginFailures: Int
    /// Behind a reverse proxy (`MSOKO_TRUST_PROXY=1`): the client's address is the last one in
    /// `X-Forwarded-For`. Off by default: a client could otherwise name any address.
    public var trustProxy = false

    /// Largest form with files (several evidence files at once).
    public var maxUploadBytes: Int { maxEvidenceBytes * 5 + 1024 * 1024 }
    /// Largest ordinary form.
    public static let maxFormBytes = 1024 * 1024

    public init(database: Database, dataDirectory: String, secureCookies: Bool = false,
                maxEvidenceBytes: Int = 20 * 1024 * 1024, maxLoginFailures: Int = 5) {
        self.database = database
        self.dataDirectory = dataDirectory
        self.secureCookies = secureCookies
        self.maxEvidenceBytes = maxEvidenceBytes
        self.maxLoginFailures = maxLoginFailures
    }

    /// `DATABASE_URL` (postgres://…) wins; otherwise SQLite at DIR/msoko.sqlite.
    public static func from(dataDirectory: String?, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> AppConfig {
        let dir = dataDirectory ?? environment["MSOKO_DATA"] ?? "./msoko-data"
        let secure = (environment["MSOKO_PUBLIC_URL"] ?? "").lowercased().hasPrefix("https://")
        let trustProxy = environment["MSOKO_TRUST_PROXY"] == "1"
        var maxEvidence = 20 * 1024 * 1024
        if let mb = environment["MSOKO_MAX_EVIDENCE_MB"] {
            guard let value = Int(mb), value > 0 else { throw ConfigError("MSOKO_MAX_EVIDENCE_MB должен быть целым числом мегабайт, а не «\(mb)».") }
            maxEvidence = value * 1024 * 1024
        }
        if let url = environment["DATABASE_URL"], !url.isEmpty {
            guard url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") else {
                throw ConfigError("DATABASE_URL должен начинаться с postgres:// (сейчас: «\(url.prefix(20))…»).")
            }
            var config = AppConfig(database: .postgres(url: url), dataDirectory: dir, secureCookies: secure, maxEvidenceBytes: maxEvidence)
            config.trustProxy = trustProxy
            return config
        }
        let path = URL(fileURLWithPath: dir).appendingPathComponent("msoko.sqlite").path
        var config = AppConfig(database: .sqlite(path: path), dataDirectory: dir, secureCookies: secure, maxEvidenceBytes: maxEvidence)
        config.trustProxy = trustProxy
        return config
    }
}

public struct ConfigError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
