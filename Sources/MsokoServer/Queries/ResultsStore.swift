import Crypto
import Fluent
import MsokoCore
import SQLKit
import Vapor

/// Accepting a results file: read and check it (core), check it against the database (schools,
/// classes), then in one transaction keep the file and replace the works of the schools it holds.
/// Nothing is stored when anything is wrong.
enum ResultsStore {
    struct Request {
        var data: Data
        var fileName: String
        var procedure: Procedure
        var actor: String
        /// The school whose file it is (a head's upload, `--school`).
        var school: School?
        /// Schools are looked up (and created) within this municipality; nil: the whole region.
        var municipalityID: UUID?
        var createSchools = false
        var limits = ResultsReader.Limits()
    }

    struct Outcome {
        var file: ResultsFile
        var upload: ResultUpload?
        var replacedSchools: [String] = []
        /// Logins the file names that msoko does not know (they could be created from the file).
        var missingSchools: [String] = []
    }

    /// Imports queue behind each other (`FIFOGate.imports`), their write behind other writes (`writeTransaction`); the file is read off the cooperative
    /// threads; on SQLite `db` should be `Request.importDB`, the imports pool.
    static func importFile(_ r: Request, on db: Database) async throws -> Outcome {
        try await FIFOGate.imports.run { try await importNow(r, on: db) }
    }

    private static func importNow(_ r: Request, on db: Database) async throws -> Outcome {
        let spec = try ProcedureStore.spec(of: r.procedure)
        let logins = try await Settings.loginPattern(municipalityID: r.municipalityID, on: db)
        let (data, fileName, school, limits) = (r.data, r.fileName, r.school?.login, r.limits)
        // .xls and .ods through LibreOffice; the file kept is the one uploaded.
        var file = await offCooperativePool { () -> ResultsFile in
            switch OfficeConversion.readable(data, file: fileName) {
            case .success(let readable):
                return ResultsReader.read(data: readable, file: fileName, spec: spec, school: school, logins: logins, limits: limits)
            case .failure(let e):
                var refused = ResultsFile()
                refused.problems = [ImportProblem(file: fileName, row: nil, column: nil, message: e.description.replacingOccurrences(of: "\(fileName): ", with: ""))]
                return refused
            }
        }
        try await SQLiteTuning.prepare(db)
        // A file that could not be read as a table (no header, not a spreadsheet) has nothing to
        // check further; otherwise schools and classes are checked too, so that one pass lists all.
        guard file.isValid || !file.works.schoolTable.isEmpty else { return Outcome(file: file) }
        let procedureID = try r.procedure.requireID()

        // Schools: by login, or by name where the file has no login. Every school the file names
        // is looked up, including those whose rows have errors.
        var schools: [String: School] = [:]
        let all = try await schoolsInScope(r, on: db)
        let byLogin = Dictionary(all.map { ($0.login, $0) }, uniquingKeysWith: { a, _ in a })
        let byName = Dictionary(all.flatMap { s in [(nameKey(s.fullName), s), (nameKey(s.shortName), s)] }, uniquingKeysWith: { a, _ in a })
        var toCreate: [String: WorkTable.School] = [:]
        var missing: [String] = []
        for (s, firstRow) in zip(file.works.schoolTable, file.works.schoolFirstRows) {
            let key = s.login ?? s.name ?? ""
            if key.isEmpty || schools[key] != nil || toCreate[key] != nil { continue }
            // Rows of another school in a school's own file, and logins of a wrong form, are reported already.
            if let own = r.school?.login, let login = s.login, login != own { continue }
            if let login = s.login, !logins.accepts(login) { continue }
            if let login = s.login, let found = byLogin[login] {
                schools[key] = found
            } else if s.login == nil, let name = s.name, let found = byName[nameKey(name)] {
                schools[key] = found
            } else if r.createSchools, s.login != nil {
                toCreate[key] = s
            } else {
                let what = s.login.map { "школа \($0)" } ?? "школа «\(s.name ?? "")»"
                let remedy = s.login == nil ? " (в файле нет логина школы: проверьте название или укажите, чей это файл)" : ""
                if let login = s.login { missing.append(login) }
                file.problems.append(ImportProblem(file: r.fileName, row: firstRow > 0 ? firstRow : nil, column: s.login == nil ? "Название ОО" : "ОО",
                                                   message: "\(what) не найдена в msoko\(remedy)."))
            }
        }
        // Classes: when the procedure lists classes for a school, only those.
        let listed = try await ProcedureParticipant.query(on: db).filter(\.$procedure.$id == procedureID).all()
        var classesBySchool: [UUID: Set<String>] = [:]
        for p in listed where !p.className.isEmpty { classesBySchool[p.$school.id, default: []].insert(p.className) }
        var reported = Set<String>()
        for w in file.works {
            guard let s = schools[w.schoolLogin ?? w.schoolName ?? ""], let sid = s.id, let allowed = classesBySchool[sid] else { continue }
            if !allowed.contains(w.className), reported.insert("\(sid)/\(w.className)").inserted {
                file.problems.append(ImportProblem(file: r.fileName, row: w.row, column: "Класс",
                                                   message: "класс \(w.className) не участвует в процедуре в школе \(s.login) (участвуют: \(allowed.sorted().joined(separator: ", ")))."))
            }
        }
        guard file.isValid else { return Outcome(file: file, missingSchools: missing) }

        let warnings = file.warnings.map(\.description).joined(separator: "\n")
        let (known, creating, accepted) = (schools, toCreate, file)
        let upload = try await db.writeTransaction { db -> ResultUpload in
            var schools = known
            let file = accepted
            for (key, s) in creating {
                schools[key] = try await createSchool(from: s, request: r, on: db)
            }
            let u = ResultUpload()
            u.$procedure.id = procedureID
            u.keep(r.data, name: r.fileName)
            u.uploadedBy = r.actor
            u.worksCount = file.works.count
            u.schools = Set(schools.values.map(\.login)).sorted().joined(separator: ",")
            u.schoolID = r.school?.id
            u.warnings = warnings
            u.regionID = r.procedure.regionID
            u.municipalityID = r.municipalityID
            try await u.create(on: db)
            let schoolIDs = schools.values.compactMap(\.id)
            try await WorkRow.query(on: db).filter(\.$procedure.$id == procedureID).filter(\.$school.$id ~~ schoolIDs).delete()
            try await insertWorks(file.works, schools: schools, procedureID: procedureID, uploadID: u.requireID(), on: db)
            try await Audit.record(on: db, actor: r.actor, action: "import", entity: "results", id: u.id?.uuidString,
                                   summary: "Загружены результаты \(ProcedureStore.title(r.procedure)): \(Plural.works(file.works.count)), школы \(u.schools)",
                                   after: ["file": r.fileName, "sha256": u.sha256, "works": "\(file.works.count)"],
                                   municipalityID: r.municipalityID, regionID: r.procedure.regionID, schoolID: r.school?.id)
            return u
        }
        return Outcome(file: file, upload: upload, replacedSchools: upload.schools.split(separator: ",").map(String.init))
    }

    static func nameKey(_ name: String) -> String {
        name.lowercased().replacingOccurrences(of: "ё", with: "е").filter { $0.isLetter || $0.isNumber }
    }

    static func schoolsInScope(_ r: Request, on db: Database) async throws -> [School] {
        let q = School.query(on: db).filter(\.$regionID == r.procedure.regionID)
        if let mid = r.municipalityID { q.filter(\.$municipality.$id == mid) }
        return try await q.all()
    }

    /// «Создать недостающие школы» (`--create-schools`): a school found in a file, with its municipality.
    static func createSchool(from w: WorkTable.School, request r: Request, on db: Database) async throws -> School {
        let municipalityID: UUID
        if let mid = r.municipalityID {
            municipalityID = mid
        } else {
            guard let region = try await Region.find(r.procedure.regionID, on: db) else { throw AppError.notFound }
            let name = w.municipality ?? "Без муниципалитета"
            let m = try await Organisations.ensureMunicipality(region: region.name, name: name, department: "Орган управления образованием (\(name))",
                                                               timeZone: "Europe/Moscow", on: db)
            municipalityID = try m.requireID()
        }
        let name = w.name ?? w.login ?? ""
        let type = SchoolType.allCases.first { name.contains($0.rawValue) } ?? .other
        let s = School(regionID: r.procedure.regionID, municipalityID: municipalityID, login: w.login ?? "",
                       fullName: name, shortName: name, type: type.rawValue)
        try await s.create(on: db)
        try await Audit.record(on: db, actor: r.actor, action: "create", entity: "school", id: s.id?.uuidString,
                               summary: "Добавлена школа \(s.login) из файла результатов", after: SchoolDTO(s),
                               municipalityID: municipalityID, regionID: s.regionID, schoolID: s.id)
        return s
    }

    /// Bulk insert through SQLKit in batches: a region's file is hundreds of thousands of rows.
    static func insertWorks(_ works: WorkTable, schools: [String: School], procedureID: UUID, uploadID: UUID, on db: Database) async throws {
        guard let sql = db as? SQLDatabase else { throw AppError.conflict("База данных не поддерживает SQL.") }
        let columns = ["id", "region_id", "municipality_id", "procedure_id", "upload_id", "school_id", "class_name", "code",
                       "variant", "gender", "scores", "primary_score", "mark", "journal_mark"]
        for batch in stride(from: 0, to: works.count, by: 400) {
            var insert = sql.insert(into: "works").columns(columns)
            for w in works[batch..<min(batch + 400, works.count)] {
                let s = schools[w.schoolLogin ?? w.schoolName ?? ""]!
                insert = insert.values([
                    SQLBind(UUID()), SQLBind(s.regionID), SQLBind(s.$municipality.id), SQLBind(procedureID), SQLBind(uploadID),
                    SQLBind(s.id!), SQLBind(w.className), SQLBind(w.code), SQLBind(w.variant), SQLBind(w.gender),
                    SQLBind(Data(w.scores)), SQLBind(w.primaryScore), SQLBind(w.mark), SQLBind(w.journalMark),
                ] as [any SQLExpression])
            }
            try await insert.run()
        }
    }
}
