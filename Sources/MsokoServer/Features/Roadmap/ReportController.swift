import Fluent
import MsokoCore
import Vapor

/// «Отчёт о реализации дорожной карты» as DOCX, for the district and per school.
enum ReportController {
    static func register(_ app: Application) {
        app.on(Site.roadmapReportDocx, use: district)
        app.on(Site.roadmapReportXlsx, use: district)
        app.on(Site.schoolReportDocx, use: school)
        app.on(Site.schoolReportXlsx, use: school)
    }

    /// The same report as DOCX or XLSX, by the path's extension.
    static func wantsXLSX(_ req: Request) -> Bool { req.url.path.hasSuffix(".xlsx") }

    static func district(req: Request) async throws -> Response {
        guard let tracker = try await req.tracker() else { throw AppError.notFound }
        let details = req.query[String.self, at: "details"] == "1"
        let report = try await build(tracker, school: nil, details: details, on: req.db)
        let name = "Отчёт о реализации дорожной карты \(tracker.roadmap.schoolYear)\(details ? " с приложением" : "")"
        return wantsXLSX(req) ? try xlsx(report, name: name + ".xlsx") : try docx(report, name: name + ".docx")
    }

    static func school(req: Request) async throws -> Response {
        let user = try req.user
        let school = try await Schools.find(req)
        guard user.canSee(school: school) else { throw AppError.forbidden }
        guard let tracker = try await req.tracker() else { throw AppError.notFound }
        let report = try await build(tracker, school: school, details: false, on: req.db)
        let name = "Отчёт \(school.shortName) по дорожной карте \(tracker.roadmap.schoolYear)"
        return wantsXLSX(req) ? try xlsx(report, name: name + ".xlsx") : try docx(report, name: name + ".docx")
    }

    /// Gathers the report. For the district: every measure, the district's own reports, and per
    /// checkpoint a summary of the schools (how many done, who is overdue); with `details` the
    /// schools' reports follow in an appendix. For a school: the measures where schools report,
    /// with that school's reports.
    static func build(_ tracker: Tracker, school: School?, details: Bool, on db: Database) async throws -> RoadmapExecutionReport {
        var sections: [RoadmapExecutionReport.Section] = []
        var appendix: [RoadmapExecutionReport.AppendixRow] = []
        for section in tracker.sections {
            var measures: [RoadmapExecutionReport.Measure] = []
            for m in section.measures {
                let parties: [Party]
                if let school {
                    guard ExecutorParser.schoolsReport(m.responsible), let sid = school.id else { continue }
                    parties = [.school(sid)]
                } else {
                    parties = tracker.parties(for: m)
                }
                let cps = tracker.checkpoints(of: m).map { cp in
                    let entry = { (p: Party) -> RoadmapExecutionReport.Entry? in
                        guard let r = tracker.report(cp, p) else { return nil }
                        return RoadmapExecutionReport.Entry(who: tracker.partyName(p), status: tracker.status(cp, p),
                                                            text: r.text, evidence: tracker.files(r).map(\.fileName))
                    }
                    let schoolParties = parties.filter { $0.schoolID != nil }
                    if school == nil && details {
                        for p in schoolParties {
                            if let e = entry(p), !(e.text.isEmpty && e.evidence.isEmpty) {
                                appendix.append(.init(school: tracker.partyName(p), measure: m.number, checkpoint: cp.label, entry: e))
                            }
                        }
                    }
                    return RoadmapExecutionReport.Checkpoint(
                        label: cp.label, due: tracker.due(cp),
                        status: StatusRules.combine(parties.map { tracker.status(cp, $0) }),
                        entries: (school == nil ? parties.filter { $0 == .district } : parties).compactMap(entry),
                        schoolSummary: school == nil && !schoolParties.isEmpty ? summary(cp, schoolParties, tracker) : nil)
                }
                measures.append(.init(number: m.number, title: m.title, timing: m.timing, responsible: m.responsible,
                                      expectedResult: m.expectedResult, checkpoints: cps))
            }
            if !measures.isEmpty { sections.append(.init(number: section.number, title: section.title, measures: measures)) }
        }
        // Both reports carry the district's letterhead; a school's report is signed by its head
        // (the school signature template), the district's by the department.
        let letterhead = try await Settings.letterhead(tracker.municipality, on: db)
        let signature: String
        if let school {
            signature = try await Settings.schoolSignature(tracker.municipality, on: db)
                .replacingOccurrences(of: Settings.schoolPlaceholder, with: school.shortName)
        } else {
            signature = try await Settings.signature(tracker.municipality, on: db)
        }
        return RoadmapExecutionReport(
            letterhead: letterhead.components(separatedBy: "\n"),
            title: "Отчёт о реализации дорожной карты по повышению качества образования",
            subject: school.map { $0.fullName } ?? "\(tracker.municipality.name): общеобразовательные организации и Управление образования",
            schoolYear: tracker.roadmap.schoolYear, asOf: tracker.today, sections: sections,
            signature: signature.components(separatedBy: "\n"),
            appendix: school == nil && details ? appendix.sorted { ($0.school, $0.measure) < ($1.school, $1.measure) } : nil)
    }

    /// «школы: выполнено 7 из 10; в работе — 1; просрочено — МБОУ «…», МБОУ «…»».
    static func summary(_ cp: Checkpoint, _ parties: [Party], _ tracker: Tracker) -> String {
        let statuses = parties.map { ($0, tracker.status(cp, $0)) }
        var text = "школы: выполнено \(statuses.filter { $0.1 == .done }.count) из \(statuses.count)"
        let inProgress = statuses.filter { $0.1 == .inProgress }.count
        if inProgress > 0 { text += "; в работе — \(inProgress)" }
        let overdue = statuses.filter { $0.1 == .overdue }.map { tracker.partyName($0.0) }
        if !overdue.isEmpty { text += "; просрочено — " + overdue.joined(separator: ", ") }
        return text + "."
    }

    static func xlsx(_ report: RoadmapExecutionReport, name: String) throws -> Response {
        Download.file(try report.workbook(), type: Download.xlsxType, name: name)
    }

    static func docx(_ report: RoadmapExecutionReport, name: String) throws -> Response {
        Download.file(try report.document().data(), type: Download.docxType, name: name)
    }
}
