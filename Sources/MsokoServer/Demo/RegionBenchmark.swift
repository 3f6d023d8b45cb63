import Fluent
import Foundation
import MsokoCore
import Vapor

/// `msoko bench region`: the demo district grown to a region's size for the page benchmark
/// (issue 19 §3) — by default 300 schools and 12 more procedures (ВПР of 2025 and 2026,
/// mathematics and Russian, grades 6-8) with about 400 000 generated works, imported through the
/// same path as a real file. Schools keep one level across subjects and years, so the year before
/// and the dynamics have something to compare.
extension MsokoRuntime {
    public struct RegionReport: Sendable {
        public var schools: Int
        public var procedures: Int
        public var works: Int
        /// Seconds each import took (reading, checking, storing), in order.
        public var imports: [Double]
    }

    public func loadRegionBenchmark(schools wanted: Int, procedures: Int, works: Int, seed: UInt64, progress: @Sendable (String) -> Void) async throws -> RegionReport {
        guard try await isEmpty() else { throw ConfigError("База не пуста: район для замера загружается в пустую базу (DATABASE_URL или --data).") }
        guard (1...5000).contains(wanted), (1...24).contains(procedures), works >= procedures else {
            throw ConfigError("--schools от 1 до 5000, --procedures от 1 до 24, --works не меньше числа процедур.")
        }
        try await loadDemo()
        let m = try await Municipality.query(on: db).first()!
        let mid = try m.requireID()
        var schools = try await School.query(on: db).filter(\.$municipality.$id == mid).sort(\.$login).all()
        var rng = SplitMix64(seed: seed)
        let added = (schools.count..<max(schools.count, wanted)).map { i in
            School(regionID: m.$region.id, municipalityID: mid, login: String(format: "edu%06d", 800_000 + i), fullName: "МБОУ «Средняя школа № \(i + 1)»",
                   shortName: "СШ № \(i + 1)", type: SchoolType.sosh.rawValue)
        }
        let newSchools = added
        try await db.writeTransaction { db in
            for s in newSchools { try await s.create(on: db) }
        }
        schools += added
        let ability = Dictionary(uniqueKeysWithValues: schools.map { ($0.login, rng.normal() * 0.4) })

        // Twelve procedures by default: (subject, grade) pairs in 2026 and the same in 2025.
        let pairs = [6, 7, 8, 9].flatMap { g in [("Математика", g), ("Русский язык", g)] }
        let kinds = (0..<procedures).map { i in (pair: pairs[(i / 2) % pairs.count], year: i % 2 == 0 ? 2026 : 2025) }
        let perSchool = max(1, works / procedures / max(1, schools.count))
        var classes: [String: [(name: String, students: Int)]] = [:]
        let existing = Set(try await SchoolClass.query(on: db).filter(\.$municipalityID == mid).filter(\.$schoolYear == "2025-2026").all()
            .map { "\($0.$school.id)|\($0.name)" })
        var enrolment: [SchoolClass] = []
        for s in schools {
            for g in Set(kinds.map(\.pair.1)).sorted() {
                let count = max(1, Int((Double(perSchool) / 25).rounded()))
                var left = perSchool
                var list: [(String, Int)] = []
                for k in 0..<count {
                    let n = k == count - 1 ? left : min(left, Int(Double(perSchool) / Double(count) * (0.85 + rng.uniform() * 0.3)))
                    left -= n
                    let letter = ["А", "Б", "В", "Г", "Д", "Е", "Ж", "З"][k % 8]
                    list.append(("\(g)\(letter)", max(1, n)))
                    if existing.contains("\(try s.requireID())|\(g)\(letter)") { continue }
                    let c = SchoolClass()
                    c.schoolYear = "2025-2026"
                    c.name = "\(g)\(letter)"
                    c.grade = g
                    c.enrolment = max(1, n) + Int(rng.uniform() * 3)
                    c.regionID = s.regionID
                    c.municipalityID = mid
                    c.$school.id = try s.requireID()
                    enrolment.append(c)
                }
                classes["\(s.login)|\(g)"] = list
            }
        }
        let classRows = enrolment
        try await db.writeTransaction { db in
            for c in classRows { try await c.create(on: db) }
        }
        progress("Школ: \(schools.count), классов: \(classRows.count).")

        var report = RegionReport(schools: schools.count, procedures: 0, works: 0, imports: [])
        for (i, kind) in kinds.enumerated() {
            let (subject, grade) = kind.pair
            let spec = DemoProcedures.spec(subject: subject, grade: grade, year: kind.year)
            let procedure = try await ProcedureStore.create(spec, regionID: m.$region.id, municipalityID: mid, actor: "bench", on: db)
            let plans = schools.map { s in
                ResultsGenerator.SchoolPlan(login: s.login, name: s.shortName, municipality: m.name, ability: ability[s.login] ?? 0,
                                            classes: classes["\(s.login)|\(grade)"] ?? [])
            }
            let rows = ResultsGenerator(spec: spec, seed: seed &+ UInt64(i)).rows(for: plans)
            let file = ResultsExport.csv(spec: spec, rows: rows)
            let started = Date()
            let outcome = try await ResultsStore.importFile(
                ResultsStore.Request(data: file, fileName: "ВПР \(kind.year) \(subject) \(grade) класс (замер).csv", procedure: procedure,
                                     actor: "bench", school: nil, municipalityID: mid), on: db)
            guard outcome.upload != nil else {
                throw ConfigError("Сгенерированный файл не прошёл проверку: " + outcome.file.problems.prefix(3).map(\.description).joined(separator: "; "))
            }
            let seconds = Date().timeIntervalSince(started)
            report.imports.append(seconds)
            report.procedures += 1
            report.works += rows.count
            progress("ВПР \(kind.year) \(subject) \(grade) класс: \(Plural.works(rows.count)), загрузка \(String(format: "%.1f", seconds)) с.")
        }
        return report
    }
}
