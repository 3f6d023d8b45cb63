import Vapor

func routes(_ app: Application) throws {
    app.on(Site.css) { _ in StaticFiles.response(StaticFiles.css, type: HTTPMediaType(type: "text", subType: "css", parameters: ["charset": "utf-8"])) }
    app.on(Site.uploadJS) { _ in StaticFiles.response(StaticFiles.uploadJS, type: HTTPMediaType(type: "application", subType: "javascript", parameters: ["charset": "utf-8"])) }
    app.on(Site.namesJS) { _ in StaticFiles.response(StaticFiles.namesJS, type: HTTPMediaType(type: "application", subType: "javascript", parameters: ["charset": "utf-8"])) }
    app.on(Site.printJS) { _ in StaticFiles.response(StaticFiles.printJS, type: HTTPMediaType(type: "application", subType: "javascript", parameters: ["charset": "utf-8"])) }
    app.on(Site.health) { _ in "ok" }
    AuthController.register(app)
    DashboardController.register(app)
    MeasureController.register(app)
    CheckpointController.register(app)
    SchoolController.register(app)
    TasksController.register(app)
    ReportController.register(app)
    AuditController.register(app)
    AdminUsersController.register(app)
    AdminSchoolsController.register(app)
    SettingsController.register(app)
    RoadmapEditController.register(app)
    APIController.register(app)
    ProcedureController.register(app)
    ProcedureFormController.register(app)
    ResultsUploadController.register(app)
    CalendarController.register(app)
    CalendarFeedController.register(app)
    ReferenceController.register(app)
    AnalysisController.register(app)
    GapsController.register(app)
    GapPlansController.register(app)
    RediagnosisController.register(app)
    GapOverviewController.register(app)
    SheetsController.register(app)
    SheetAccessController.register(app)
    LocalActsController.register(app)
    BackupController.register(app)
    ObjectivityController.register(app)
    ObserversController.register(app)
    RecheckController.register(app)
    SeminarsController.register(app)
    MeetingsController.register(app)
    DecisionsController.register(app)
    StaffController.register(app)
    DevelopmentPlans.register(app)
    AssociationsController.register(app)
    RecommendationsController.register(app)
    LoopController.register(app)
    PublicController.register(app)
    PublicationController.register(app)
}

enum StaticFiles {
    static let css = resource("msoko", "css")
    static let uploadJS = resource("upload", "js")
    static let namesJS = resource("names", "js")
    static let printJS = resource("print", "js")

    static func response(_ text: String, type: HTTPMediaType) -> Response {
        var headers = HTTPHeaders()
        headers.contentType = type
        headers.replaceOrAdd(name: .cacheControl, value: "max-age=3600")
        return Response(status: .ok, headers: headers, body: .init(string: text))
    }

    static func resource(_ name: String, _ ext: String) -> String {
        guard let url = Bundle.module.url(forResource: name, withExtension: ext),
              let text = try? String(contentsOf: url, encoding: .utf8) else { return "" }
        return text
    }
}

/// One-shot messages shown on the next page: in the session row for a signed-in user (written
/// only when a message is set or taken), in a cookie for an anonymous visitor. Never a secret:
/// a generated password is shown on the page that made it, not carried to the next one.
enum Flash {
    static func set(_ req: Request, _ kind: String, _ text: String) {
        let value = kind + "|" + text
        let state = req.sessionState
        if let record = state.record {
            record.flash = value
            state.flashChanged = true
        } else {
            state.anonymousFlash = value
            state.cookies[SessionCookies.flash] = SessionMiddleware.cookie(req, SessionMiddleware.encodeFlash(String(value.prefix(1000))), maxAge: 300)
        }
    }

    /// The message left for this request, if any (kind: `ok` or `error`), taken: shown once.
    static func takeMessage(_ req: Request) -> (kind: String, text: String)? {
        let state = req.sessionState
        let raw: String?
        if let record = state.record {
            raw = record.flash
            if raw != nil {
                record.flash = nil
                state.flashChanged = true
            }
        } else {
            raw = state.anonymousFlash
            if raw != nil {
                state.anonymousFlash = nil
                state.cookies[SessionCookies.flash] = SessionMiddleware.expired(req)
            }
        }
        guard let raw else { return nil }
        let parts = raw.split(separator: "|", maxSplits: 1).map(String.init)
        guard parts.count == 2 else { return nil }
        return (parts[0], parts[1])
    }
}
