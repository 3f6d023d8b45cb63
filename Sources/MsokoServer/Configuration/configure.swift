import Fluent
import FluentPostgresDriver
import FluentSQLiteDriver
import Vapor

/// Sets up databases, migrations, sessions, middleware and routes.
public func configure(_ app: Application, config: AppConfig) async throws {
    app.storage[AppConfigKey.self] = config
    switch config.database {
    case .sqlite(let path):
        try FileManager.default.createDirectory(atPath: URL(fileURLWithPath: path).deletingLastPathComponent().path,
                                                withIntermediateDirectories: true)
        app.databases.use(.sqlite(.file(path)), as: .sqlite)
    case .sqliteMemory:
        app.databases.use(.sqlite(.memory), as: .sqlite)
    case .postgres(let url):
        var pg = try SQLPostgresConfiguration(url: url)
        if !url.contains("tlsmode") && !url.contains("sslmode") { pg.coreConfiguration.tls = .disable }
        app.databases.use(.postgres(configuration: pg), as: .psql)
    }
    Migrations.register(on: app)

    app.sessions.use(.fluent)
    let secure = config.secureCookies
    app.sessions.configuration = SessionsConfiguration(cookieName: "msoko_session") { id in
        HTTPCookies.Value(string: id.string, expires: Date().addingTimeInterval(60 * 60 * 12), maxAge: nil,
                          domain: nil, path: "/", isSecure: secure, isHTTPOnly: true, sameSite: .lax)
    }
    app.routes.defaultMaxBodySize = ByteCount(value: AppConfig.maxFormBytes)

    app.middleware = Middlewares()
    app.middleware.use(RouteLoggingMiddleware(logLevel: .info))
    app.middleware.use(FriendlyErrorMiddleware(environment: app.environment))
    app.middleware.use(SecurityHeadersMiddleware())
    app.middleware.use(app.sessions.middleware)
    app.middleware.use(CurrentUserMiddleware())
    app.middleware.use(CSRFMiddleware())
    try routes(app)
}

enum Migrations {
    static func register(on app: Application) {
        app.migrations.add(M001CreateOrganisations())
        app.migrations.add(M002CreateAccounts())
        app.migrations.add(M003CreateRoadmap())
        app.migrations.add(M004AddDistrictReportUniqueIndex())
        app.migrations.add(M005CreateProcedures())
        app.migrations.add(M006CreateObservers())
        app.migrations.add(M007CreateRechecks())
        app.migrations.add(M008CreateSeminars())
        app.migrations.add(SessionRecord.migration)
    }
}

struct AppConfigKey: StorageKey { typealias Value = AppConfig }

extension Application {
    var msokoConfig: AppConfig { storage[AppConfigKey.self]! }
}

extension Request {
    var msokoConfig: AppConfig { application.msokoConfig }
}
