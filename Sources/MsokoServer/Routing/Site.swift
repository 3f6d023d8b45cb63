import Foundation
import Vapor

/// Every endpoint of msoko and who may use it: the one table that builds the route registration
/// (`app.on(Site.x, use:)`), every link, form action and redirect (`Site.x.url(…)`), and the menu.
/// A line here is the whole answer to «who may open this page»; object scope (a head's own school,
/// an observer's own assignments, a member's own blind works) is checked by the feature's loader.
/// `EndpointTests` check that every registered route has a line and that every role gets what the
/// line says.
enum Site {
    private static let district: Access = .only(.specialist, .admin)
    private static let readers: Access = .only(.specialist, .admin, .methodist, .head)
    private static let districtReaders: Access = .only(.specialist, .admin, .methodist)
    private static let reporters: Access = .only(.specialist, .head, .methodist)
    private static let roadmapReaders: Access = .only(.specialist, .admin, .methodist, .head, .teacher)

    // Shared: static files, health check.
    static let css = Endpoint<Void>(.GET, "static/msoko.css", .anyone)
    static let uploadJS = Endpoint<Void>(.GET, "static/upload.js", .anyone)
    static let namesJS = Endpoint<Void>(.GET, "static/names.js", .anyone)
    static let printJS = Endpoint<Void>(.GET, "static/print.js", .anyone)
    static let health = Endpoint<Void>(.GET, "healthz", .anyone)

    // Accounts
    static let login = Endpoint<Void>(.GET, "login", .anyone)
    static let loginSubmit = Endpoint<Void>(.POST, "login", .anyone)
    static let logout = Endpoint<Void>(.POST, "logout", .anyone)
    static let setup = Endpoint<Void>(.GET, "setup", .anyone)
    static let setupSubmit = Endpoint<Void>(.POST, "setup", .anyone)
    static let account = Endpoint<Void>(.GET, "account", .signedIn)
    static let accountPassword = Endpoint<Void>(.POST, "account/password", .signedIn)
    static let users = Endpoint<Void>(.GET, "admin/users", .only(.admin), menu: MenuEntry(label: "Пользователи", order: 130, group: .district))
    static let userCreate = Endpoint<Void>(.POST, "admin/users", .only(.admin))
    static let userCreateHeads = Endpoint<Void>(.POST, "admin/users/heads", .only(.admin))
    static let user = Endpoint<UUID>(.GET, "admin/users/:userID", .only(.admin))
    static let userUpdate = Endpoint<UUID>(.POST, "admin/users/:userID", .only(.admin))
    static let userPassword = Endpoint<UUID>(.POST, "admin/users/:userID/password", .only(.admin))
    static let userDisable = Endpoint<UUID>(.POST, "admin/users/:userID/disable", .only(.admin))
    static let userEnable = Endpoint<UUID>(.POST, "admin/users/:userID/enable", .only(.admin))

    // Roadmap (1.1 … 4.1 as measures, checkpoints, reports)
    static let home = Endpoint<Void>(.GET, "", .only(.specialist, .admin, .methodist, .teacher), redirecting: [.head, .observer, .commission],
                                     menu: MenuEntry(label: "Дорожная карта", order: 10))
    static let mySchool = Endpoint<Void>(.GET, "my-school", .only(.head, .teacher), menu: MenuEntry(label: "Моя школа", order: 100))
    static let measure = Endpoint<UUID>(.GET, "measures/:measureID", roadmapReaders)
    static let measureNew = Endpoint<Void>(.GET, "measures/new", .only(.specialist))
    static let measureCreate = Endpoint<Void>(.POST, "measures", .only(.specialist))
    static let measureEdit = Endpoint<UUID>(.GET, "measures/:measureID/edit", .only(.specialist))
    static let measureUpdate = Endpoint<UUID>(.POST, "measures/:measureID", .only(.specialist))
    static let measureDeleteConfirm = Endpoint<UUID>(.GET, "measures/:measureID/delete", .only(.specialist))
    static let measureDelete = Endpoint<UUID>(.POST, "measures/:measureID/delete", .only(.specialist))
    static let roadmapLoad = Endpoint<Void>(.GET, "roadmap/load", .only(.specialist))
    static let roadmapCopy = Endpoint<Void>(.POST, "roadmap/copy", .only(.specialist))
    static let roadmapLoadSubmit = Endpoint<Void>(.POST, "roadmap/load", .only(.specialist),
                                                  upload: UploadLimit(maxBytes: 5 << 20, what: "Файл дорожной карты"))
    static let checkpointReport = Endpoint<UUID>(.GET, "checkpoints/:checkpointID/report", reporters)
    static let checkpointReportSubmit = Endpoint<UUID>(.POST, "checkpoints/:checkpointID/report", reporters,
                                                       upload: UploadLimit(maxBytes: nil, what: "Файлы вместе"))
    static let evidence = Endpoint<UUID>(.GET, "evidence/:fileID", .signedIn)
    static let evidenceDeleteConfirm = Endpoint<UUID>(.GET, "evidence/:fileID/delete", reporters)
    static let evidenceDelete = Endpoint<UUID>(.POST, "evidence/:fileID/delete", reporters)
    static let roadmapReportDocx = Endpoint<Void>(.GET, "reports/roadmap.docx", districtReaders)
    static let roadmapReportXlsx = Endpoint<Void>(.GET, "reports/roadmap.xlsx", districtReaders)
    static let schoolReportDocx = Endpoint<UUID>(.GET, "schools/:schoolID/report.docx", readers)
    static let schoolReportXlsx = Endpoint<UUID>(.GET, "schools/:schoolID/report.xlsx", readers)

    // Tasks
    static let tasks = Endpoint<Void>(.GET, "tasks", .signedIn, menu: MenuEntry(label: "Мои задачи", order: 20))

    // Schools
    static let schools = Endpoint<Void>(.GET, "schools", districtReaders, menu: MenuEntry(label: "Школы", order: 90, group: .district))
    static let school = Endpoint<UUID>(.GET, "schools/:schoolID", .signedIn)
    static let schoolClassSave = Endpoint<UUID>(.POST, "schools/:schoolID/classes", .only(.specialist, .admin, .head))
    static let schoolsAdmin = Endpoint<Void>(.GET, "admin/schools", district)
    static let schoolAdd = Endpoint<Void>(.POST, "admin/schools", district)
    static let schoolsImport = Endpoint<Void>(.POST, "admin/schools/import", district, upload: UploadLimit(maxBytes: 10 << 20, what: "Список школ"))
    static let enrolmentImport = Endpoint<Void>(.POST, "admin/schools/enrolment", district, upload: UploadLimit(maxBytes: 10 << 20, what: "Список классов"))
    static let schoolEdit = Endpoint<UUID>(.GET, "admin/schools/:schoolID", district)
    static let schoolUpdate = Endpoint<UUID>(.POST, "admin/schools/:schoolID", district)

    // Audit and settings
    static let audit = Endpoint<Void>(.GET, "audit", district, menu: MenuEntry(label: "Журнал изменений", order: 120, group: .district))
    static let settings = Endpoint<Void>(.GET, "settings", district, menu: MenuEntry(label: "Настройки", order: 140, group: .district))
    static let backups = Endpoint<Void>(.GET, "admin/backups", .only(.admin), menu: MenuEntry(label: "Резервные копии", order: 135, group: .district))
    static let backupNow = Endpoint<Void>(.POST, "admin/backups", .only(.admin))
    static let backupSettings = Endpoint<Void>(.POST, "admin/backups/settings", .only(.admin))
    static let settingsSave = Endpoint<Void>(.POST, "settings", district)

    // API
    static let apiRoadmap = Endpoint<Void>(.GET, "api/v1/roadmap", roadmapReaders)
    static let apiAudit = Endpoint<Void>(.GET, "api/v1/audit", district)
    static let apiMe = Endpoint<Void>(.GET, "api/v1/me", .signedIn)
    /// The procedures the caller may see: a teacher, those with results of their classes.
    static let apiProcedures = Endpoint<Void>(.GET, "api/v1/procedures", roadmapReaders)
    /// Gaps of `?school=` (and `&class=`), with the scope of the gaps pages (`GroupScope`).
    static let apiGaps = Endpoint<UUID>(.GET, "api/v1/procedures/:procedureID/gaps", roadmapReaders)

    // Procedures, calendar, reference figures
    static let procedures = Endpoint<Void>(.GET, "procedures", readers, menu: MenuEntry(label: "Процедуры", order: 30))
    static let procedureCreate = Endpoint<Void>(.POST, "procedures", .only(.specialist), upload: UploadLimit(maxBytes: 2 << 20, what: "Файл спецификации"))
    static let procedure = Endpoint<UUID>(.GET, "procedures/:procedureID", readers)
    static let procedureNew = Endpoint<Void>(.GET, "procedures/new", .only(.specialist))
    static let procedureNewSubmit = Endpoint<Void>(.POST, "procedures/new", .only(.specialist))
    static let procedureFromHeader = Endpoint<Void>(.POST, "procedures/new/header", .only(.specialist),
                                                    upload: UploadLimit(maxBytes: 60 << 20, what: "Файл результатов"))
    static let procedureEdit = Endpoint<UUID>(.GET, "procedures/:procedureID/edit", .only(.specialist))
    static let procedureUpdate = Endpoint<UUID>(.POST, "procedures/:procedureID/edit", .only(.specialist))
    static let procedureSpecJSON = Endpoint<UUID>(.GET, "procedures/:procedureID/spec.json", districtReaders)
    static let calendar = Endpoint<Void>(.GET, "calendar", readers, menu: MenuEntry(label: "Календарь", order: 40))
    /// A personal iCalendar feed: the page that makes and revokes its secret address, and the feed
    /// itself, read by a phone without a session (the secret is the key; a revoked one is 404).
    static let calendarFeed = Endpoint<Void>(.GET, "calendar/feed", .signedIn)
    static let calendarFeedCreate = Endpoint<Void>(.POST, "calendar/feed", .signedIn)
    static let calendarFeedRevoke = Endpoint<Void>(.POST, "calendar/feed/revoke", .signedIn)
    static let calendarICS = Endpoint<String>(.GET, "ical/:token", .anyone)
    static let participantSave = Endpoint<UUID>(.POST, "procedures/:procedureID/participants", .only(.specialist, .head))
    static let participantDelete = Endpoint<UUID>(.POST, "participants/:participantID/delete", .only(.specialist, .head))
    static let reference = Endpoint<UUID>(.GET, "procedures/:procedureID/reference", .only(.specialist))
    static let referenceSave = Endpoint<UUID>(.POST, "procedures/:procedureID/reference", .only(.specialist))

    // Results
    static let resultsUpload = Endpoint<UUID>(.POST, "procedures/:procedureID/results", .only(.specialist, .head),
                                              upload: UploadLimit(maxBytes: 60 << 20, what: "Файл результатов"))
    static let resultsExport = Endpoint<(UUID, String)>(.GET, "procedures/:procedureID/export/:format", .only(.specialist, .admin, .head))
    static let uploadedFile = Endpoint<UUID>(.GET, "uploads/:uploadID", .only(.specialist, .admin, .head))

    // Analysis
    static let analysis = Endpoint<UUID>(.GET, "procedures/:procedureID/analysis", districtReaders, redirecting: [.head])
    static let analysisReport = Endpoint<UUID>(.GET, "procedures/:procedureID/analysis/report.docx", districtReaders)
    static let analysisSchool = Endpoint<(UUID, String)>(.GET, "procedures/:procedureID/analysis/schools/:login", readers)
    static let analysisSchoolReport = Endpoint<(UUID, String)>(.GET, "procedures/:procedureID/analysis/schools/:login/report.docx", readers)
    /// A class's page is also its own teacher's (the loader admits only their classes).
    static let analysisClass = Endpoint<(UUID, String, String)>(.GET, "procedures/:procedureID/analysis/schools/:login/classes/:className", .only(.specialist, .admin, .methodist, .head, .teacher))
    static let analysisOrder = Endpoint<UUID>(.GET, "procedures/:procedureID/analysis/order.docx", district)
    static let analysisAttach = Endpoint<UUID>(.POST, "procedures/:procedureID/analysis/attach", reporters)

    // Knowledge gaps (2.3): a school's page for district readers and its head, a class's also for its own teacher.
    static let gapsSchool = Endpoint<(UUID, String)>(.GET, "procedures/:procedureID/gaps/schools/:login", readers)
    static let gapsClass = Endpoint<(UUID, String, String)>(.GET, "procedures/:procedureID/gaps/schools/:login/classes/:className", .only(.specialist, .admin, .methodist, .head, .teacher))

    // Results told to the people they belong to (2.2): a class's batch of individual result sheets.
    static let sheets = Endpoint<(UUID, String, String)>(.GET, "procedures/:procedureID/sheets/schools/:login/classes/:className", .only(.specialist, .admin, .methodist, .head, .teacher))
    // Parents' access without an account: codes the school issues per sheet, the public page
    // `/r/CODE` (throttled, audited), «охват» per class, the record that a class was informed.
    static let sheetsCoverage = Endpoint<UUID>(.GET, "procedures/:procedureID/sheets", readers)
    static let sheetCodesIssue = Endpoint<(UUID, String, String)>(.POST, "procedures/:procedureID/sheets/schools/:login/classes/:className/codes", schoolStaff)
    static let sheetInformingCreate = Endpoint<(UUID, String, String)>(.POST, "procedures/:procedureID/sheets/schools/:login/classes/:className/informed", schoolStaff,
                                                                         upload: UploadLimit(maxBytes: nil, what: "Файл"))
    static let sheetCode = Endpoint<UUID>(.GET, "sheet-codes/:codeID", schoolStaff)
    static let sheetCodeRevoke = Endpoint<UUID>(.POST, "sheet-codes/:codeID/revoke", schoolStaff)
    static let sheetCodeReissue = Endpoint<UUID>(.POST, "sheet-codes/:codeID/reissue", schoolStaff)
    static let sheetInformingFile = Endpoint<UUID>(.GET, "sheet-informings/:informingID/file", roadmapReaders)
    static let sheetInformingAttach = Endpoint<UUID>(.POST, "sheet-informings/:informingID/attach", .only(.head))
    static let sheetInformingDeleteConfirm = Endpoint<UUID>(.GET, "sheet-informings/:informingID/delete", schoolStaff)
    static let sheetInformingDelete = Endpoint<UUID>(.POST, "sheet-informings/:informingID/delete", schoolStaff)
    static let parentEntry = Endpoint<Void>(.GET, "r", .anyone)
    static let parentSheet = Endpoint<String>(.GET, "r/:code", .anyone)

    // Local acts on assessment (1.6): the district's list and checklists, schools' versions, reviews.
    static let localActs = Endpoint<Void>(.GET, "local-acts", .only(.specialist, .admin, .methodist), redirecting: [.head],
                                          menu: MenuEntry(label: "Локальные акты", order: 77, group: .events))
    static let localActsSettings = Endpoint<Void>(.GET, "local-acts/settings", district)
    static let localActsSettingsSave = Endpoint<Void>(.POST, "local-acts/settings", .only(.specialist))
    static let localActsSchool = Endpoint<UUID>(.GET, "local-acts/schools/:schoolID", readers)
    static let localActUpload = Endpoint<UUID>(.POST, "local-acts/schools/:schoolID/versions", .only(.head), upload: UploadLimit(maxBytes: nil, what: "Файл акта"))
    static let localActsAttach = Endpoint<UUID>(.POST, "local-acts/schools/:schoolID/attach", .only(.head))
    static let localActVersion = Endpoint<UUID>(.GET, "local-act-versions/:versionID", readers)
    static let localActFile = Endpoint<UUID>(.GET, "local-act-versions/:versionID/file", readers)
    static let localActReview = Endpoint<UUID>(.POST, "local-act-versions/:versionID/review", .only(.specialist))
    static let localActAnswer = Endpoint<UUID>(.POST, "local-act-versions/:versionID/answer", .only(.head))
    static let localActAdopt = Endpoint<UUID>(.POST, "local-act-versions/:versionID/adopt", .only(.head))
    static let localActPublish = Endpoint<UUID>(.POST, "local-act-versions/:versionID/publish", .only(.head))
    static let localActDeleteConfirm = Endpoint<UUID>(.GET, "local-act-versions/:versionID/delete", .only(.head))
    static let localActDelete = Endpoint<UUID>(.POST, "local-act-versions/:versionID/delete", .only(.head))
    static let apiLocalActs = Endpoint<Void>(.GET, "api/v1/local-acts", readers)

    // Work on the gaps (2.3): class plans, individual routes, re-diagnoses; the district's view.
    private static let schoolStaff: Access = .only(.head, .teacher)
    static let gapPlans = Endpoint<Void>(.GET, "gap-plans", roadmapReaders, menu: MenuEntry(label: "Ликвидация пробелов", order: 76, group: .events))
    static let gapSchool = Endpoint<UUID>(.GET, "gap-plans/schools/:schoolID", readers)
    static let gapSchoolDocx = Endpoint<UUID>(.GET, "gap-plans/schools/:schoolID/summary.docx", readers)
    static let gapSchoolXlsx = Endpoint<UUID>(.GET, "gap-plans/schools/:schoolID/summary.xlsx", readers)
    static let gapSchoolAttach = Endpoint<UUID>(.POST, "gap-plans/schools/:schoolID/attach", .only(.head))
    static let gapPlanDraft = Endpoint<(UUID, String, String)>(.POST, "procedures/:procedureID/gaps/schools/:login/classes/:className/plan", schoolStaff)
    static let gapPlan = Endpoint<UUID>(.GET, "gap-plans/:planID", roadmapReaders)
    static let gapPlanDocx = Endpoint<UUID>(.GET, "gap-plans/:planID/plan.docx", roadmapReaders)
    static let gapPlanXlsx = Endpoint<UUID>(.GET, "gap-plans/:planID/plan.xlsx", roadmapReaders)
    static let gapPlanAttach = Endpoint<UUID>(.POST, "gap-plans/:planID/attach", .only(.head))
    static let gapPlanDeleteConfirm = Endpoint<UUID>(.GET, "gap-plans/:planID/delete", schoolStaff)
    static let gapPlanDelete = Endpoint<UUID>(.POST, "gap-plans/:planID/delete", schoolStaff)
    static let gapItemAdd = Endpoint<UUID>(.POST, "gap-plans/:planID/items", schoolStaff)
    static let gapItemSave = Endpoint<UUID>(.POST, "gap-items/:itemID", schoolStaff)
    static let gapItemDeleteConfirm = Endpoint<UUID>(.GET, "gap-items/:itemID/delete", schoolStaff)
    static let gapItemDelete = Endpoint<UUID>(.POST, "gap-items/:itemID/delete", schoolStaff)
    static let gapRouteAdd = Endpoint<UUID>(.POST, "gap-plans/:planID/routes", schoolStaff)
    static let gapRouteSave = Endpoint<UUID>(.POST, "gap-routes/:routeID", schoolStaff, upload: UploadLimit(maxBytes: nil, what: "Скан согласия"))
    static let gapFile = Endpoint<UUID>(.GET, "gap-files/:fileID", roadmapReaders)
    static let rediagnosisNew = Endpoint<UUID>(.GET, "gap-plans/:planID/rediagnoses/new", schoolStaff)
    static let rediagnosisCreate = Endpoint<UUID>(.POST, "gap-plans/:planID/rediagnoses", schoolStaff)
    static let rediagnosis = Endpoint<UUID>(.GET, "gap-rediagnoses/:rediagnosisID", roadmapReaders)
    static let rediagnosisSave = Endpoint<UUID>(.POST, "gap-rediagnoses/:rediagnosisID", schoolStaff)
    static let rediagnosisUpload = Endpoint<UUID>(.POST, "gap-rediagnoses/:rediagnosisID/upload", schoolStaff, upload: UploadLimit(maxBytes: 2 << 20, what: "Файл результатов"))
    static let rediagnosisTemplate = Endpoint<UUID>(.GET, "gap-rediagnoses/:rediagnosisID/template.xlsx", schoolStaff)
    static let rediagnosisAttach = Endpoint<UUID>(.POST, "gap-rediagnoses/:rediagnosisID/attach", .only(.head))
    static let rediagnosisDeleteConfirm = Endpoint<UUID>(.GET, "gap-rediagnoses/:rediagnosisID/delete", schoolStaff)
    static let rediagnosisDelete = Endpoint<UUID>(.POST, "gap-rediagnoses/:rediagnosisID/delete", schoolStaff)

    // Objectivity
    static let objectivityAcross = Endpoint<Void>(.GET, "objectivity", district, menu: MenuEntry(label: "Объективность", order: 50))
    static let objectivityThresholds = Endpoint<Void>(.POST, "objectivity/thresholds", .only(.specialist))
    static let objectivity = Endpoint<UUID>(.GET, "procedures/:procedureID/objectivity", district, redirecting: [.head])
    static let objectivityCard = Endpoint<(UUID, String)>(.GET, "procedures/:procedureID/objectivity/schools/:login", .only(.specialist, .admin, .head))
    static let objectivityReport = Endpoint<UUID>(.GET, "procedures/:procedureID/objectivity/report.docx", district)

    // Observers
    static let observers = Endpoint<Void>(.GET, "observers", district, menu: MenuEntry(label: "Наблюдатели", order: 60, group: .events))
    static let observerAdd = Endpoint<Void>(.POST, "observers", .only(.specialist))
    static let observerActs = Endpoint<Void>(.GET, "observers/acts", district)
    static let observerCoverage = Endpoint<Void>(.GET, "observers/coverage", district)
    static let observerAct = Endpoint<UUID>(.GET, "observers/acts/:actID", district)
    static let observerActFile = Endpoint<UUID>(.GET, "observers/acts/files/:fileID", district)
    static let observerOrder = Endpoint<UUID>(.GET, "procedures/:procedureID/observers/order.docx", district)
    static let observerAssignments = Endpoint<UUID>(.GET, "procedures/:procedureID/observers", district)
    static let observerAssign = Endpoint<UUID>(.POST, "procedures/:procedureID/observers/assign", .only(.specialist))
    static let observerSuggest = Endpoint<UUID>(.POST, "procedures/:procedureID/observers/suggest", .only(.specialist))
    static let observerUnassign = Endpoint<UUID>(.POST, "observers/assignments/:assignmentID/delete", .only(.specialist))
    /// An observer's own pages: any signed-in user who is registered as an observer (a parent,
    /// a teacher, a specialist); the loader refuses a user who is not (403).
    static let myAssignments = Endpoint<Void>(.GET, "observer", .signedIn, menu: MenuEntry(label: "Мои назначения", order: 70, observersOnly: true, group: .events))
    static let actForm = Endpoint<UUID>(.GET, "observer/assignments/:assignmentID", .signedIn)
    static let actSubmit = Endpoint<UUID>(.POST, "observer/assignments/:assignmentID", .signedIn,
                                          upload: UploadLimit(maxBytes: nil, what: "Файлы акта вместе"))

    // Re-check commission
    static let recheck = Endpoint<UUID>(.GET, "procedures/:procedureID/recheck", district)
    static let recheckCreate = Endpoint<UUID>(.POST, "procedures/:procedureID/recheck", .only(.specialist))
    static let recheckReport = Endpoint<UUID>(.GET, "procedures/:procedureID/recheck/report.docx", district)
    static let recheckOrder = Endpoint<UUID>(.GET, "procedures/:procedureID/recheck/order.docx", district)
    static let commission = Endpoint<Void>(.GET, "commission", .only(.commission), menu: MenuEntry(label: "Перепроверка", order: 80, group: .events))
    static let scoring = Endpoint<UUID>(.GET, "commission/scorings/:scoringID", .only(.commission))
    static let scoringSave = Endpoint<UUID>(.POST, "commission/scorings/:scoringID", .only(.commission))

    // Seminars
    static let seminars = Endpoint<Void>(.GET, "seminars", districtReaders, menu: MenuEntry(label: "Семинары", order: 75, group: .events))
    static let seminarAdd = Endpoint<Void>(.POST, "seminars", .only(.specialist, .methodist))
    /// A seminar planned from a procedure's typical grading errors (`?procedure=`), its page with
    /// attendance, feedback, materials and its effect at the next re-check (issue 16 §2).
    static let seminarNew = Endpoint<Void>(.GET, "seminars/new", .only(.specialist, .methodist))
    static let seminar = Endpoint<UUID>(.GET, "seminars/:seminarID", districtReaders)
    static let seminarUpdate = Endpoint<UUID>(.POST, "seminars/:seminarID", .only(.specialist, .methodist))
    static let seminarFeedbackAdd = Endpoint<UUID>(.POST, "seminars/:seminarID/feedback", .only(.specialist, .methodist))
    static let seminarFileAdd = Endpoint<UUID>(.POST, "seminars/:seminarID/files", .only(.specialist, .methodist), upload: UploadLimit(maxBytes: nil, what: "Материал семинара"))
    static let seminarFile = Endpoint<UUID>(.GET, "seminar-files/:fileID", districtReaders)
    static let seminarDeleteConfirm = Endpoint<UUID>(.GET, "seminars/:seminarID/delete", .only(.specialist, .methodist))
    static let seminarDelete = Endpoint<UUID>(.POST, "seminars/:seminarID/delete", .only(.specialist, .methodist))
    static let gradingErrors = Endpoint<UUID>(.GET, "procedures/:procedureID/recheck/errors.docx", districtReaders)

    // Meetings, interviews with heads and their decisions (1.5, 2.4): who sees which meeting and
    // decision, and who edits or reports, is `MeetingViewer`'s.
    private static let meetingReaders: Access = .only(.specialist, .admin, .methodist, .head, .teacher)
    /// A teacher edits only the sittings of a school association they lead (`MeetingViewer.edits`).
    private static let meetingEditors: Access = .only(.specialist, .methodist, .head, .teacher)
    private static let decisionReporters: Access = .only(.specialist, .methodist, .head, .teacher)
    static let meetings = Endpoint<Void>(.GET, "meetings", meetingReaders, menu: MenuEntry(label: "Совещания и решения", order: 74, group: .events))
    static let meetingNew = Endpoint<Void>(.GET, "meetings/new", meetingEditors)
    static let meetingCreate = Endpoint<Void>(.POST, "meetings", meetingEditors)
    static let meetingTemplates = Endpoint<Void>(.GET, "meetings/templates", district)
    static let meetingTemplatesSave = Endpoint<Void>(.POST, "meetings/templates", .only(.specialist))
    static let meeting = Endpoint<UUID>(.GET, "meetings/:meetingID", meetingReaders)
    static let meetingUpdate = Endpoint<UUID>(.POST, "meetings/:meetingID", meetingEditors)
    static let meetingDeleteConfirm = Endpoint<UUID>(.GET, "meetings/:meetingID/delete", meetingEditors)
    static let meetingDelete = Endpoint<UUID>(.POST, "meetings/:meetingID/delete", meetingEditors)
    static let meetingParticipantAdd = Endpoint<UUID>(.POST, "meetings/:meetingID/participants", meetingEditors)
    static let meetingParticipantDelete = Endpoint<UUID>(.POST, "meeting-participants/:participantID/delete", meetingEditors)
    static let meetingItemAdd = Endpoint<UUID>(.POST, "meetings/:meetingID/items", meetingEditors)
    static let meetingItemSave = Endpoint<UUID>(.POST, "meeting-items/:agendaItemID", meetingEditors)
    static let meetingItemDeleteConfirm = Endpoint<UUID>(.GET, "meeting-items/:agendaItemID/delete", meetingEditors)
    static let meetingItemDelete = Endpoint<UUID>(.POST, "meeting-items/:agendaItemID/delete", meetingEditors)
    static let meetingDecisionAdd = Endpoint<UUID>(.POST, "meetings/:meetingID/decisions", meetingEditors)
    static let meetingProtocol = Endpoint<UUID>(.GET, "meetings/:meetingID/protocol.docx", meetingReaders)
    static let meetingOrder = Endpoint<UUID>(.GET, "meetings/:meetingID/order.docx", .only(.specialist, .admin, .methodist, .head))
    static let meetingAttach = Endpoint<UUID>(.POST, "meetings/:meetingID/attach", meetingEditors)
    static let meetingDossier = Endpoint<UUID>(.GET, "meetings/:meetingID/dossier", meetingReaders)
    static let meetingDossierDocx = Endpoint<UUID>(.GET, "meetings/:meetingID/dossier.docx", meetingReaders)
    static let interviewsSchedule = Endpoint<Void>(.POST, "meetings/interviews", .only(.specialist))
    // The loop from a finding to its measured effect: the district's «анализ эффективности принятых мер», a school's page.
    static let loop = Endpoint<Void>(.GET, "loop", districtReaders)
    static let loopReport = Endpoint<Void>(.GET, "loop/report.docx", districtReaders)
    static let loopSchool = Endpoint<UUID>(.GET, "loop/schools/:schoolID", readers)
    static let decisions = Endpoint<Void>(.GET, "decisions", meetingReaders)
    static let decisionCreate = Endpoint<Void>(.POST, "decisions", .only(.specialist))
    static let decision = Endpoint<UUID>(.GET, "decisions/:decisionID", meetingReaders)
    static let decisionUpdate = Endpoint<UUID>(.POST, "decisions/:decisionID", meetingEditors)
    static let decisionReport = Endpoint<UUID>(.POST, "decisions/:decisionID/report", decisionReporters,
                                               upload: UploadLimit(maxBytes: nil, what: "Файлы отчёта вместе"))
    static let decisionAttach = Endpoint<UUID>(.POST, "decisions/:decisionID/attach", meetingEditors)
    static let decisionDeleteConfirm = Endpoint<UUID>(.GET, "decisions/:decisionID/delete", meetingEditors)
    static let decisionDelete = Endpoint<UUID>(.POST, "decisions/:decisionID/delete", meetingEditors)
    static let decisionFile = Endpoint<UUID>(.GET, "decision-files/:fileID", meetingReaders)
    static let apiMeetings = Endpoint<Void>(.GET, "api/v1/meetings", meetingReaders)
    static let apiDecisions = Endpoint<Void>(.GET, "api/v1/decisions", meetingReaders)

    // Methodical associations and the library of recommendations (3.1): a specialist sets up the
    // district's associations, a head their school's; an association's leader (a methodist, or a
    // teacher marked as the head of a school's) keeps its members, sittings and recommendations
    // (`AssociationRights` says which).
    private static let associationReaders: Access = .only(.specialist, .admin, .methodist, .head, .teacher)
    private static let associationKeepers: Access = .only(.specialist, .methodist, .head, .teacher)
    static let associations = Endpoint<Void>(.GET, "associations", associationReaders, menu: MenuEntry(label: "Методические объединения", order: 73, group: .events))
    static let associationCreate = Endpoint<Void>(.POST, "associations", .only(.specialist, .head))
    static let association = Endpoint<UUID>(.GET, "associations/:associationID", associationReaders)
    static let associationUpdate = Endpoint<UUID>(.POST, "associations/:associationID", .only(.specialist, .head))
    static let associationDeleteConfirm = Endpoint<UUID>(.GET, "associations/:associationID/delete", .only(.specialist, .head))
    static let associationDelete = Endpoint<UUID>(.POST, "associations/:associationID/delete", .only(.specialist, .head))
    static let associationMemberAdd = Endpoint<UUID>(.POST, "associations/:associationID/members", associationKeepers)
    static let associationMemberDelete = Endpoint<UUID>(.POST, "association-members/:memberID/delete", associationKeepers)
    static let associationSittingAdd = Endpoint<UUID>(.POST, "associations/:associationID/sittings", associationKeepers)
    static let sittingRecommendations = Endpoint<UUID>(.GET, "meetings/:meetingID/recommendations.docx", meetingReaders)
    static let recommendations = Endpoint<Void>(.GET, "recommendations", associationReaders)
    static let recommendationCreate = Endpoint<Void>(.POST, "recommendations", associationKeepers, upload: UploadLimit(maxBytes: nil, what: "Файл рекомендации"))
    static let recommendation = Endpoint<UUID>(.GET, "recommendations/:recommendationID", associationReaders)
    static let recommendationFile = Endpoint<UUID>(.GET, "recommendations/:recommendationID/file", associationReaders)
    static let recommendationDeleteConfirm = Endpoint<UUID>(.GET, "recommendations/:recommendationID/delete", associationKeepers)
    static let recommendationDelete = Endpoint<UUID>(.POST, "recommendations/:recommendationID/delete", associationKeepers)
    /// «Чем работать»: a recommendation attached to a gap plan item by the school's staff, the
    /// district's specialist or a methodist; detached by the same.
    static let gapItemRecommend = Endpoint<UUID>(.POST, "gap-items/:itemID/recommendations", associationKeepers)
    static let gapItemUnrecommend = Endpoint<UUID>(.POST, "gap-item-recommendations/:linkID/delete", associationKeepers)

    // Staff, courses and the three-year cycle (3.4): a specialist keeps the district's schools and
    // the department, a head their own school (the loaders check which); methodists read.
    private static let staffEditors: Access = .only(.specialist, .head)
    static let staff = Endpoint<Void>(.GET, "staff", readers, menu: MenuEntry(label: "Кадры и курсы", order: 78, group: .events))
    static let staffAdd = Endpoint<Void>(.POST, "staff", staffEditors)
    static let staffImport = Endpoint<Void>(.POST, "staff/import", staffEditors, upload: UploadLimit(maxBytes: 10 << 20, what: "Список работников"))
    static let staffImportFile = Endpoint<UUID>(.GET, "staff-imports/:importID", staffEditors)
    static let staffCoverage = Endpoint<Void>(.GET, "staff/coverage", readers)
    static let staffReportDocx = Endpoint<Void>(.GET, "staff/report.docx", readers)
    static let staffReportXlsx = Endpoint<Void>(.GET, "staff/report.xlsx", readers)
    static let staffAttach = Endpoint<Void>(.POST, "staff/attach", staffEditors)
    static let staffMember = Endpoint<UUID>(.GET, "staff/:staffID", readers)
    static let staffUpdate = Endpoint<UUID>(.POST, "staff/:staffID", staffEditors)
    static let staffDeleteConfirm = Endpoint<UUID>(.GET, "staff/:staffID/delete", staffEditors)
    static let staffDelete = Endpoint<UUID>(.POST, "staff/:staffID/delete", staffEditors)
    static let courseAdd = Endpoint<UUID>(.POST, "staff/:staffID/courses", staffEditors, upload: UploadLimit(maxBytes: nil, what: "Удостоверение"))
    static let courseDeleteConfirm = Endpoint<UUID>(.GET, "courses/:courseID/delete", staffEditors)
    static let courseDelete = Endpoint<UUID>(.POST, "courses/:courseID/delete", staffEditors)
    static let courseFile = Endpoint<UUID>(.GET, "course-files/:fileID", readers)
    static let apiStaffCourses = Endpoint<Void>(.GET, "api/v1/staff/courses", readers)
    /// The needs of schools' subject teams (no teacher named, small teams rolled up).
    static let staffNeeds = Endpoint<Void>(.GET, "staff/needs", readers)
    /// A teacher's individual development plan (ИОМ): the head of their school keeps it, the teacher
    /// reads their own; the district does not see it.
    static let developmentPlanAdd = Endpoint<UUID>(.POST, "staff/:staffID/plans", .only(.head))
    static let developmentPlan = Endpoint<UUID>(.GET, "development-plans/:developmentPlanID", .only(.head, .teacher))
    static let developmentPlanUpdate = Endpoint<UUID>(.POST, "development-plans/:developmentPlanID", .only(.head))
    static let developmentPlanDeleteConfirm = Endpoint<UUID>(.GET, "development-plans/:developmentPlanID/delete", .only(.head))
    static let developmentPlanDelete = Endpoint<UUID>(.POST, "development-plans/:developmentPlanID/delete", .only(.head))

    // Open information about assessment (4.1): the public pages, without an account — the district's
    // schedule, how objectivity is ensured, aggregate results (small groups suppressed, no school
    // beside another), published documents and news with an Atom feed, a school's page and the
    // block its website frames (only this page may be framed, by the school's listed sites).
    static let publicHome = Endpoint<Void>(.GET, "public", .anyone)
    static let publicSchedule = Endpoint<Void>(.GET, "public/schedule", .anyone)
    static let publicResults = Endpoint<Void>(.GET, "public/results", .anyone)
    static let publicDocuments = Endpoint<Void>(.GET, "public/documents", .anyone)
    static let publicDocument = Endpoint<UUID>(.GET, "public/documents/:documentID", .anyone)
    static let publicNews = Endpoint<Void>(.GET, "public/news", .anyone)
    static let publicFeed = Endpoint<Void>(.GET, "public/news.atom", .anyone)
    static let publicSchool = Endpoint<String>(.GET, "public/schools/:login", .anyone)
    static let publicEmbed = Endpoint<String>(.GET, "public/schools/:login/embed", .anyone)
    /// The version for the visually impaired: text size and colour scheme, kept in a cookie.
    static let publicView = Endpoint<Void>(.GET, "public/view", .anyone)
    // What is published, by whom: a specialist the district's news and documents and the settings,
    // a head their school's news, documents and website addresses (the loaders check which).
    private static let publishers: Access = .only(.specialist, .head)
    static let publication = Endpoint<Void>(.GET, "publication", .only(.specialist, .admin, .head), menu: MenuEntry(label: "Открытая информация", order: 79, group: .events))
    static let newsCreate = Endpoint<Void>(.POST, "publication/news", publishers)
    static let newsDeleteConfirm = Endpoint<UUID>(.GET, "news/:newsID/delete", publishers)
    static let newsDelete = Endpoint<UUID>(.POST, "news/:newsID/delete", publishers)
    static let publicDocumentCreate = Endpoint<Void>(.POST, "publication/documents", publishers, upload: UploadLimit(maxBytes: nil, what: "Файл документа"))
    static let publicDocumentFile = Endpoint<UUID>(.GET, "public-documents/:documentID/file", .only(.specialist, .admin, .head))
    static let publicDocumentPublish = Endpoint<UUID>(.POST, "public-documents/:documentID/publish", publishers)
    static let publicDocumentUnpublish = Endpoint<UUID>(.POST, "public-documents/:documentID/unpublish", publishers)
    static let publicDocumentDeleteConfirm = Endpoint<UUID>(.GET, "public-documents/:documentID/delete", publishers)
    static let publicDocumentDelete = Endpoint<UUID>(.POST, "public-documents/:documentID/delete", publishers)
    static let publicationSettings = Endpoint<Void>(.POST, "publication/settings", .only(.specialist))
    static let publicationSchool = Endpoint<UUID>(.POST, "publication/schools/:schoolID", publishers)

    /// The table, for registration checks, the menu and the tests.
    static let all: [any EndpointEntry] = [
        css, uploadJS, namesJS, printJS, health,
        login, loginSubmit, logout, setup, setupSubmit, account, accountPassword,
        users, userCreate, userCreateHeads, user, userUpdate, userPassword, userDisable, userEnable,
        home, mySchool, measure, measureNew, measureCreate, measureEdit, measureUpdate, measureDeleteConfirm, measureDelete,
        roadmapLoad, roadmapLoadSubmit, roadmapCopy, checkpointReport, checkpointReportSubmit, evidence, evidenceDeleteConfirm, evidenceDelete,
        roadmapReportDocx, roadmapReportXlsx, schoolReportDocx, schoolReportXlsx,
        tasks,
        schools, school, schoolClassSave, schoolsAdmin, schoolAdd, schoolsImport, enrolmentImport, schoolEdit, schoolUpdate,
        audit, settings, settingsSave,
        apiRoadmap, apiAudit, apiMe, apiProcedures, apiGaps, apiLocalActs, backups, backupNow, backupSettings,
        localActs, localActsSettings, localActsSettingsSave, localActsSchool, localActUpload, localActsAttach, localActVersion, localActFile,
        localActReview, localActAnswer, localActAdopt, localActPublish, localActDeleteConfirm, localActDelete,
        procedures, procedureCreate, procedure, procedureNew, procedureNewSubmit, procedureFromHeader, procedureEdit, procedureUpdate,
        procedureSpecJSON, calendar, calendarFeed, calendarFeedCreate, calendarFeedRevoke, calendarICS, participantSave, participantDelete, reference, referenceSave,
        resultsUpload, resultsExport, uploadedFile,
        analysis, analysisReport, analysisSchool, analysisSchoolReport, analysisClass, analysisOrder, analysisAttach,
        gapsSchool, gapsClass,
        objectivityAcross, objectivityThresholds, objectivity, objectivityCard, objectivityReport,
        observers, observerAdd, observerActs, observerCoverage, observerAct, observerActFile, observerOrder,
        observerAssignments, observerAssign, observerSuggest, observerUnassign, myAssignments, actForm, actSubmit,
        recheck, recheckCreate, recheckReport, recheckOrder, commission, scoring, scoringSave,
        seminars, seminarAdd, seminarNew, seminar, seminarUpdate, seminarFeedbackAdd, seminarFileAdd, seminarFile, seminarDeleteConfirm, seminarDelete, gradingErrors,
        sheets, sheetsCoverage, sheetCodesIssue, sheetInformingCreate, sheetCode, sheetCodeRevoke, sheetCodeReissue, sheetInformingFile, sheetInformingAttach,
        sheetInformingDeleteConfirm, sheetInformingDelete, parentEntry, parentSheet,
        gapPlans, gapSchool, gapSchoolDocx, gapSchoolXlsx, gapSchoolAttach, gapPlanDraft, gapPlan, gapPlanDocx, gapPlanXlsx, gapPlanAttach,
        gapPlanDeleteConfirm, gapPlanDelete, gapItemAdd, gapItemSave, gapItemDeleteConfirm, gapItemDelete, gapRouteAdd, gapRouteSave, gapFile,
        rediagnosisNew, rediagnosisCreate, rediagnosis, rediagnosisSave, rediagnosisUpload, rediagnosisTemplate, rediagnosisAttach, rediagnosisDeleteConfirm, rediagnosisDelete,
        meetings, meetingNew, meetingCreate, meetingTemplates, meetingTemplatesSave, meeting, meetingUpdate, meetingDeleteConfirm, meetingDelete,
        meetingParticipantAdd, meetingParticipantDelete, meetingItemAdd, meetingItemSave, meetingItemDeleteConfirm, meetingItemDelete, meetingDecisionAdd,
        meetingProtocol, meetingOrder, meetingAttach, meetingDossier, meetingDossierDocx, interviewsSchedule, loop, loopReport, loopSchool, decisions, decisionCreate, decision, decisionUpdate, decisionReport, decisionAttach,
        decisionDeleteConfirm, decisionDelete, decisionFile, apiMeetings, apiDecisions,
        staff, staffAdd, staffImport, staffImportFile, staffCoverage, staffReportDocx, staffReportXlsx, staffAttach, staffMember, staffUpdate,
        staffDeleteConfirm, staffDelete, courseAdd, courseDeleteConfirm, courseDelete, courseFile, apiStaffCourses,
        staffNeeds, developmentPlanAdd, developmentPlan, developmentPlanUpdate, developmentPlanDeleteConfirm, developmentPlanDelete,
        associations, associationCreate, association, associationUpdate, associationDeleteConfirm, associationDelete, associationMemberAdd,
        associationMemberDelete, associationSittingAdd, sittingRecommendations, recommendations, recommendationCreate, recommendation,
        recommendationFile, recommendationDeleteConfirm, recommendationDelete, gapItemRecommend, gapItemUnrecommend,
        publicHome, publicSchedule, publicResults, publicDocuments, publicDocument, publicNews, publicFeed, publicSchool, publicEmbed, publicView,
        publication, newsCreate, newsDeleteConfirm, newsDelete, publicDocumentCreate, publicDocumentFile, publicDocumentPublish, publicDocumentUnpublish,
        publicDocumentDeleteConfirm, publicDocumentDelete, publicationSettings, publicationSchool,
    ]
}
