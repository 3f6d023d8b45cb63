import Fluent
import FluentPostgresDriver
import FluentSQLiteDriver
import Vapor

/// Sets up databases, migrations, sessions, middleware and routes.
public func configure(_ app: Application, config: AppConfig) async throws {
    app.storage[AppConfigKey.self] = config
    app.storage[PublicCacheKey.self] = PublicCache()
    switch config.database {
    case .sqlite(let path):
        try FileManager.default.createDirectory(atPath: URL(fileURLWithPath: path).deletingLastPathComponent().path,
                                                withIntermediateDirectories: true)
        app.databases.use(.sqlite(.file(path)), as: .sqlite)
        app.databases.use(.sqlite(.file(path)), as: .sqliteImports, isDefault: false)
    case .sqliteMemory:
        app.databases.use(.sqlite(.memory), as: .sqlite)
    case .postgres(let url):
        var pg = try SQLPostgresConfiguration(url: url)
        if !url.contains("tlsmode") && !url.contains("sslmode") { pg.coreConfiguration.tls = .disable }
        app.databases.use(.postgres(configuration: pg), as: .psql)
    }
    Migrations.register(on: app)
    if case .sqlite = config.database { try await SQLiteTuning.enableWAL(on: app.db) }

    app.routes.defaultMaxBodySize = ByteCount(value: AppConfig.maxFormBytes)

    app.middleware = Middlewares()
    app.middleware.use(RequestLogMiddleware())
    // Outer error page: for a failure in the two below (the database, say).
    app.middleware.use(FriendlyErrorMiddleware(environment: app.environment))
    if case .sqlite = config.database { app.middleware.use(SQLiteTuningMiddleware()) }
    app.middleware.use(SessionMiddleware())
    // Inner error page: a handler's error becomes a page here, so that the session middleware
    // still sets its cookies (a cleared session, an anonymous CSRF token) on it.
    app.middleware.use(FriendlyErrorMiddleware(environment: app.environment))
    app.middleware.use(SecurityHeadersMiddleware())
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
        app.migrations.add(M009ReplaceSessions())
        app.migrations.add(M010OneRecheckSamplePerProcedure())
        app.migrations.add(M011CreateGapPlans())
        app.migrations.add(M012CreateSheetAccess())
        app.migrations.add(M013CreateLocalActs())
        app.migrations.add(M014AuditAppendOnly())
        app.migrations.add(M015CreateMeetings())
        app.migrations.add(M016CreateCalendarFeeds())
        app.migrations.add(M017CreateStaff())
        app.migrations.add(M018CreateAssociations())
        app.migrations.add(M019ExtendSeminars())
        app.migrations.add(M020CreateDevelopmentPlans())
        app.migrations.add(M021CreatePublicInformation())
    }
}

struct AppConfigKey: StorageKey { typealias Value = AppConfig }

extension Application {
    var msokoConfig: AppConfig { storage[AppConfigKey.self]! }
}

extension Request {
    var msokoConfig: AppConfig { application.msokoConfig }
}
