import Fluent
import Foundation
import Logging
import MsokoCore
import Vapor

/// Opens msoko's database for the command line and the server: configures, migrates, and
/// offers the operations the `msoko` subcommands run.
public final class MsokoRuntime: @unchecked Sendable {
    public let app: Application
    private static let logging: Void = {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .notice
            return handler
        }
    }()

    /// `arguments` are what Vapor's own command line sees (for `serve`).
    public static func open(dataDirectory: String?, arguments: [String] = ["msoko"]) async throws -> MsokoRuntime {
        _ = logging
        let config = try AppConfig.from(dataDirectory: dataDirectory)
        let app = try await Application.make(Environment(name: "production", arguments: arguments))
        do {
            if let today = ProcessInfo.processInfo.environment["MSOKO_TODAY"], !today.isEmpty {
                guard let date = LocalDate(iso: today) else { throw ConfigError("MSOKO_TODAY должна быть датой вида 2026-01-20, а не «\(today)».") }
                let fixed = Calendar(identifier: .gregorian).date(from: DateComponents(timeZone: TimeZone(identifier: "UTC"), year: date.year, month: date.month, day: date.day, hour: 6))!
                // The pinned day, with time running from the start: session expiry and login
                // back-off need a clock that moves.
                let started = Date()
                app.storage[ClockKey.self] = { fixed.addingTimeInterval(Date().timeIntervalSince(started)) }
            }
            try await configure(app, config: config)
            try await app.autoMigrate()
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
        return MsokoRuntime(app: app)
    }

    init(app: Application) { self.app = app }

    public func close() async {
        try? await app.asyncShutdown()
    }

    public var db: Database { app.db }

    public var describeDatabase: String {
        switch app.msokoConfig.database {
        case .sqlite(let path): return "SQLite: \(path)"
        case .sqliteMemory: return "SQLite в памяти"
        case .postgres: return "PostgreSQL (DATABASE_URL)"
        }
    }

    // MARK: demo

    public func isEmpty() async throws -> Bool {
        let users = try await User.query(on: db).count()
        let municipalities = try await Municipality.query(on: db).count()
        return users == 0 && municipalities == 0
    }

    public func isDemo() async throws -> Bool { try await Settings.isDemo(on: db) }

    public func loadDemo() async throws { try await DemoDistrict.load(on: db, now: app.now) }

    /// Empties the database (reverting and re-running migrations), then loads the demo.
    /// Refused unless the database is a demo database or empty, so a real district is never wiped.
    public func resetDemo() async throws {
        let empty = try await isEmpty()
        let demo = try await isDemo()
        guard empty || demo else {
            throw ConfigError("База данных не демонстрационная: --reset удаляет все данные и разрешён только для демонстрационной базы.")
        }
        try await app.autoRevert()
        try await app.autoMigrate()
        try await loadDemo()
    }

    // MARK: users

    public func addUser(login: String, role: String, school: String?, name: String?, password: String?) async throws -> String {
        do {
            let (_, pass) = try await UserService.create(login: login, name: name ?? "", roleText: role, schoolLogin: school,
                                                         password: password, actor: "cli", municipalityID: nil, on: db)
            return pass
        } catch let e as UserService.Failure {
            throw ConfigError(e.description)
        }
    }

    public func setPassword(login: String, password: String?) async throws -> String {
        guard let user = try await User.query(on: db).filter(\.$login == login.lowercased()).first() else {
            throw ConfigError("Пользователь \(login) не найден.")
        }
        let pass = password ?? Passwords.generate()
        if let weak = Passwords.weakness(pass, login: user.login), password != nil { throw ConfigError(weak) }
        user.passwordHash = try Passwords.hash(pass)
        try await user.save(on: db)
        try await Throttle.clear(login: user.login, on: db)
        try await SessionRevocation.endAll(of: user.requireID(), on: db)
        try await Audit.record(on: db, actor: "cli", action: "password-reset", entity: "user", id: user.id?.uuidString,
                               summary: "Пароль пользователя \(user.login) задан из командной строки", municipalityID: user.municipalityID, regionID: user.regionID)
        return pass
    }

    public func listUsers() async throws -> [String] {
        try await User.query(on: db).with(\.$school).sort(\.$login).all().map { u in
            [u.login, u.role.rawValue, u.school?.login ?? "-", u.isDisabled ? "отключена" : "активна", u.name].joined(separator: "\t")
        }
    }

    // MARK: schools

    public func addSchools(rows: [[String]], file: String, municipality name: String?) async throws -> (created: Int, updated: Int) {
        let (records, problems) = SchoolListReader.read(rows: rows, file: file)
        guard problems.isEmpty else { throw ConfigError(problems.map(\.description).joined(separator: "\n")) }
        let m = try await municipality(named: name)
        do {
            return try await Organisations.upsert(records, municipality: m, actor: "cli", on: db)
        } catch let e as AppError {
            throw ConfigError(e.reason)
        }
    }

    func municipality(named name: String?) async throws -> Municipality {
        let all = try await Municipality.query(on: db).all()
        if let name {
            guard let m = all.first(where: { $0.name == name }) else { throw ConfigError("Муниципалитет «\(name)» не найден.") }
            return m
        }
        guard all.count == 1, let only = all.first else {
            throw ConfigError(all.isEmpty
                ? "В базе нет муниципалитета: создайте администратора (msoko user add … --role admin) или откройте /setup в браузере."
                : "В базе несколько муниципалитетов: укажите --municipality.")
        }
        return only
    }

    /// Creates the region and municipality when the database has none (for a first admin from the CLI).
    public func ensureMunicipality(region: String, name: String, department: String, timeZone: String) async throws {
        guard TimeZone(identifier: timeZone) != nil else { throw ConfigError("Неизвестный часовой пояс «\(timeZone)».") }
        _ = try await Organisations.ensureMunicipality(region: region, name: name, department: department, timeZone: timeZone, on: db)
    }

    // MARK: roadmap

    public func loadRoadmap(data: Data, fileName: String, year: String?, municipality name: String?) async throws -> RoadmapDocument {
        let doc: RoadmapDocument
        do {
            doc = try RoadmapFileReader.read(data: data, fileName: fileName, year: year)
        } catch let e as RoadmapFileError {
            throw ConfigError(e.description)
        }
        let m = try await municipality(named: name)
        try await RoadmapStore.load(doc, municipality: m, actor: "cli", on: db)
        return doc
    }

    // MARK: tokens

    public func createToken(login: String, label: String) async throws -> String {
        guard let user = try await User.query(on: db).filter(\.$login == login.lowercased()).first() else {
            throw ConfigError("Пользователь \(login) не найден.")
        }
        let secret = "msk_" + Tokens.random(bytes: 32)
        try await UserToken(userID: user.requireID(), tokenHash: Tokens.hash(secret), label: label).create(on: db)
        try await Audit.record(on: db, actor: "cli", action: "create", entity: "token", id: nil,
                               summary: "Создан API-токен «\(label)» для \(user.login)", municipalityID: user.municipalityID, regionID: user.regionID)
        return secret
    }

    /// Revokes one token (by its secret) or every token of a user; returns how many.
    public func revokeTokens(login: String?, token: String?) async throws -> Int {
        var tokens: [UserToken] = []
        if let token {
            tokens = try await UserToken.query(on: db).filter(\.$tokenHash == Tokens.hash(token)).all()
        } else if let login {
            guard let user = try await User.query(on: db).filter(\.$login == login.lowercased()).first() else {
                throw ConfigError("Пользователь \(login) не найден.")
            }
            tokens = try await UserToken.query(on: db).filter(\.$user.$id == user.requireID()).filter(\.$revokedAt == nil).all()
        } else {
            throw ConfigError("Укажите --user LOGIN или --token TOKEN.")
        }
        for t in tokens where t.revokedAt == nil {
            t.revokedAt = Date()
            try await t.save(on: db)
            try await Audit.record(on: db, actor: "cli", action: "revoke", entity: "token", id: t.id?.uuidString,
                                   summary: "Отозван API-токен «\(t.label)»", municipalityID: nil, regionID: nil)
        }
        return tokens.count
    }

    // MARK: procedures and results

    /// Creates a procedure from a specification file; returns its id.
    public func addProcedure(specData: Data, file: String, municipality name: String?) async throws -> UUID {
        let spec: ProcedureSpec
        do { spec = try ProcedureSpec.read(data: specData, file: file) } catch let e as SpecError { throw ConfigError(e.description) }
        let m = try await municipality(named: name)
        do {
            return try await ProcedureStore.create(spec, regionID: m.$region.id, municipalityID: m.id, actor: "cli", file: file, on: db).requireID()
        } catch let e as SpecError { throw ConfigError(e.description) }
    }

    public struct ImportReport: Sendable {
        public var problems: [String]
        public var warnings: [String]
        public var works: Int
        public var schools: [String]
    }

    public func importResults(data: Data, file: String, procedureID: UUID, school: String?, createSchools: Bool) async throws -> ImportReport {
        guard let procedure = try await Procedure.find(procedureID, on: db) else { throw ConfigError("Процедура \(procedureID) не найдена.") }
        var schoolModel: School?
        if let school {
            guard let s = try await School.query(on: db).filter(\.$login == school.lowercased()).first() else {
                throw ConfigError("Школа \(school) не найдена.")
            }
            schoolModel = s
        }
        let request = ResultsStore.Request(data: data, fileName: file, procedure: procedure, actor: "cli", school: schoolModel,
                                           municipalityID: procedure.municipalityID, createSchools: createSchools)
        let outcome = try await ResultsStore.importFile(request, on: db)
        return ImportReport(problems: outcome.file.problems.map(\.description), warnings: outcome.file.warnings.map(\.description),
                            works: outcome.upload == nil ? 0 : outcome.file.works.count, schools: outcome.replacedSchools)
    }

    /// The stored results of a procedure as XLSX or CSV (by the file's extension).
    public func exportResults(procedureID: UUID, fileName: String) async throws -> Data {
        guard let procedure = try await Procedure.find(procedureID, on: db) else { throw ConfigError("Процедура \(procedureID) не найдена.") }
        let rows = try await ResultsQuery.exportRows(procedure: procedure, schoolID: nil, on: db)
        let spec = try ProcedureStore.spec(of: procedure)
        return fileName.lowercased().hasSuffix(".csv") ? ResultsExport.csv(spec: spec, rows: rows) : try ResultsExport.xlsx(spec: spec, rows: rows)
    }

    // MARK: serve

    public func serve() async throws {
        try await app.execute()
    }
}

/// Text-file helpers for the command line.
public enum MsokoTextFile {
    /// Reads and checks a results file against a specification, without a database.
    public static func checkResults(data: Data, file: String, specData: Data, specFile: String, school: String?) throws -> MsokoRuntime.ImportReport {
        let spec: ProcedureSpec
        do { spec = try ProcedureSpec.read(data: specData, file: specFile) } catch let e as SpecError { throw ConfigError(e.description) }
        let r = ResultsReader.read(data: data, file: file, spec: spec, school: school)
        return MsokoRuntime.ImportReport(problems: r.problems.map(\.description), warnings: r.warnings.map(\.description),
                                         works: r.works.count, schools: r.schools)
    }

    /// A specification and a generated results file of `rows` works (100 a school) as XLSX and CSV.
    public static func benchmarkFiles(rows: Int, seed: UInt64) throws -> [(String, Data)] {
        let spec = DemoProcedures.spec(subject: "Математика", grade: 4, year: 2026)
        let schools = (0..<max(1, rows / 100)).map { i in
            ResultsGenerator.SchoolPlan(login: String(format: "edu%06d", 700_000 + i), name: "Школа № \(i + 1)", municipality: "Район \(i / 50 + 1)",
                                        ability: 0, classes: [("4А", 50), ("4Б", 50)])
        }
        let generated = Array(ResultsGenerator(spec: spec, seed: seed).rows(for: schools).prefix(rows))
        return [("spec.json", Data(try Audit.json(spec).utf8)),
                ("results.xlsx", try ResultsExport.xlsx(spec: spec, rows: generated)),
                ("results.csv", ResultsExport.csv(spec: spec, rows: generated))]
    }

    /// Rows of an XLSX or CSV list; a Russian error naming the file otherwise.
    public static func rows(data: Data, file: String) throws -> [[String]] {
        do { return try ListFile.rows(data: data, file: file) } catch let e as SpreadsheetError { throw ConfigError(e.description) }
    }
}

extension MsokoTextFile {
    public enum AnalysisFormat: String, CaseIterable, Sendable { case json, xlsx, docx }

    public struct AnalysisOutput: Sendable {
        public var problems: [String] = []
        public var warnings: [String] = []
        /// Set by the `Data` form of `analyze`.
        public var data: Data?
    }

    /// `msoko analyze`: reads every file against the specification (the same checks as import; no
    /// size limit — a regional centre's file is large), analyses all their works together and
    /// writes the figures to `sink` (JSON in chunks as it is written). Nothing is stored; nothing is
    /// written when a file has problems.
    public static func analyze(files: [(name: String, data: Data)], specData: Data, specFile: String, format: AnalysisFormat, details: Bool = false,
                               to sink: (UnsafeRawBufferPointer) -> Void) throws -> AnalysisOutput {
        let spec: ProcedureSpec
        do { spec = try ProcedureSpec.read(data: specData, file: specFile) } catch let e as SpecError { throw ConfigError(e.description) }
        var out = AnalysisOutput()
        var works = WorkTable(taskCount: spec.tasks.count)
        var enrolment: [String: [String: Int]] = [:]
        let limits = ResultsReader.Limits(maxFileBytes: Int.max, maxUnzippedBytes: Int64.max)
        // MSOKO_TIMING=1: the time of each phase on stderr (docs/benchmarks.md).
        let timing = ProcessInfo.processInfo.environment["MSOKO_TIMING"] != nil
        var mark = Date()
        func phase(_ name: String) {
            guard timing else { return }
            FileHandle.standardError.write(Data(String(format: "%@: %.2f s\n", name, Date().timeIntervalSince(mark)).utf8))
            mark = Date()
        }
        for file in files {
            let r = ResultsReader.read(data: file.data, file: file.name, spec: spec, limits: limits)
            out.problems += r.problems.map(\.description)
            out.warnings += r.warnings.map(\.description)
            if r.isValid { works.isEmpty ? (works = r.works) : works.append(contentsOf: r.works) }
            for (school, classes) in r.enrolment { enrolment[school, default: [:]].merge(classes) { a, _ in a } }
        }
        guard out.problems.isEmpty else { return out }
        phase("чтение и проверка")
        let analysis = ResultsAnalysis.analyze(works, spec: spec, enrolment: enrolment)
        phase("анализ")
        let objectivity = format == .json ? ObjectivityAnalysis.evaluate(works, analysis: analysis, inputs: .init(enrolment: enrolment)) : []
        phase("признаки необъективности")
        works = WorkTable(taskCount: 0)
        switch format {
        case .json: AnalysisJSON.write(analysis, objectivity: objectivity, details: details, to: sink)
        case .xlsx: try AnalysisTables.workbook(analysis).withUnsafeBytes { sink($0) }
        case .docx: try AnalyticalReport.district(analysis, context: AnalyticalReport.Context()).data().withUnsafeBytes { sink($0) }
        }
        phase("запись")
        return out
    }

    /// The same, with the output as `data`.
    public static func analyze(files: [(name: String, data: Data)], specData: Data, specFile: String, format: AnalysisFormat, details: Bool = false) throws -> AnalysisOutput {
        var data = Data()
        var out = try analyze(files: files, specData: specData, specFile: specFile, format: format, details: details) { data.append(contentsOf: $0) }
        if out.problems.isEmpty { out.data = data }
        return out
    }
}

extension MsokoTextFile {
    /// A national-scale procedure for the analysis benchmark: 15 tasks, ВПР-like levels and criteria.
    public static func nationalSpec() -> ProcedureSpec {
        let layout: [(String, Int, TaskLevel)] = [("1", 1, .basic), ("2", 1, .basic), ("3", 1, .basic), ("4", 2, .basic), ("5", 1, .basic),
                                                  ("6.1", 1, .basic), ("6.2", 1, .advanced), ("7", 2, .basic), ("8", 2, .advanced), ("9", 2, .advanced),
                                                  ("10", 1, .basic), ("11", 2, .advanced), ("12", 2, .advanced), ("13", 2, .high), ("14", 2, .high)]
        let tasks = layout.enumerated().map { i, t in
            TaskSpec(number: t.0, max: t.1, level: t.2, requirements: [Requirement(code: "\(i / 2 + 1).\(i % 2 + 1)", text: "Требование \(i / 2 + 1).\(i % 2 + 1)")])
        }
        return ProcedureSpec(type: "ВПР", year: 2026, subject: "Математика", grade: 6, form: "paper", tasks: tasks, scale: MarkScale(three: 6, four: 11, five: 16))
    }

    /// Writes `works` generated works of `schools` schools (two classes each) as CSV to `path`, a
    /// line at a time, and the specification beside it; returns the file's size.
    public static func writeNationalBenchmark(directory: String, works: Int, schools: Int, seed: UInt64) throws -> Int {
        let spec = nationalSpec()
        try Data(try Audit.json(spec).utf8).write(to: URL(fileURLWithPath: directory).appendingPathComponent("spec.json"))
        let path = URL(fileURLWithPath: directory).appendingPathComponent("national.csv").path
        guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
            throw ConfigError("не удалось записать \(path).")
        }
        defer { try? handle.close() }
        var buffer = Data([0xEF, 0xBB, 0xBF])
        buffer += Data((ResultsExport.head(spec: spec, count: works).map(ResultsExport.csvLine).joined(separator: "\r\n") + "\r\n").utf8)
        let perSchool = works / max(1, schools), extra = works % max(1, schools)
        let plans = (0..<schools).map { i in
            let n = perSchool + (i < extra ? 1 : 0)
            return ResultsGenerator.SchoolPlan(login: String(format: "edu%06d", 100_000 + i), name: "Школа № \(i + 1)", municipality: "Район \(i / 40 + 1)",
                                               ability: Double((i * 7919) % 101 - 50) / 100, classes: [("6А", (n + 1) / 2), ("6Б", n / 2)])
        }
        var total = 0
        ResultsGenerator(spec: spec, seed: seed).forEachRow(for: plans) { row in
            buffer += Data((ResultsExport.csvLine(ResultsExport.line(row)) + "\r\n").utf8)
            if buffer.count > 1 << 22 { handle.write(buffer); total += buffer.count; buffer.removeAll(keepingCapacity: true) }
        }
        handle.write(buffer)
        return total + buffer.count
    }
}

extension MsokoTextFile {
    /// `msoko bench objectivity`: detection quality on synthetic districts, as a Markdown table.
    public static func objectivityBenchmark(schools: Int, seeds: Int) -> String {
        let report = DetectionBenchmark.run(spec: nationalSpec(), schools: schools, seeds: (1...UInt64(max(1, seeds))).map { $0 * 7919 })
        return DetectionBenchmark.markdown(report)
    }
}
