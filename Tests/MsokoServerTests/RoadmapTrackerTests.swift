import Fluent
import Foundation
import MsokoCore
import XCTest
import XCTVapor
import ZIPFoundation
@testable import MsokoServer

final class RoadmapTrackerTests: XCTestCase {
    let pdf: [UInt8] = Array("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n".utf8)

    func testDemoDistrict() async throws {
        try await withApp { app in
            assertEq(try await School.query(on: app.db).count(), 10)
            for login in ["edu700101", "edu700102", "edu700103", "edu700104"] {
                let s = try await app.school(login)
                XCTAssertTrue(s.isActive)
            }
            assertEq(try await app.school("edu700101").shortName, "МБОУ «Зырянская СОШ»")
            assertEq(try await Measure.query(on: app.db).count(), 15)
            assertEq(try await Settings.isDemo(on: app.db), true)
            let m = try await Municipality.query(on: app.db).first()!
            XCTAssertEqual(m.timeZone, "Asia/Tomsk")
            XCTAssertEqual(m.name, "Зырянский район")
            let fourA = try await SchoolClass.query(on: app.db).filter(\.$school.$id == app.school("edu700101").requireID())
                .filter(\.$name == "4А").with(\.$teachers).first()!
            XCTAssertEqual(fourA.teachers.map(\.login), ["teacher"])
            assertEq(try await app.checkpoints("1.5").map(\.due), ["2025-08-31", "2026-01-31", "2026-03-31"])
            assertEq(try await app.checkpoints("1.6").map(\.windowStart), ["2026-05-01"])
            // Spring 2026 and 2025 ВПР, mathematics and Russian in grades 4 and 5, with generated results.
            let procedures = try await Procedure.query(on: app.db).all()
            XCTAssertEqual(Set(procedures.map { "\($0.year) \($0.subject) \($0.grade)" }),
                           ["2026 Математика 4", "2026 Русский язык 4", "2026 Математика 5", "2026 Русский язык 5",
                            "2025 Математика 4", "2025 Русский язык 4", "2025 Математика 5", "2025 Русский язык 5"])
            for p in procedures {
                let n = try await WorkRow.query(on: app.db).filter(\.$procedure.$id == p.requireID()).count()
                XCTAssertGreaterThan(n, 100, "\(p.year) \(p.subject) \(p.grade)")
            }
            assertEq(try await ResultUpload.query(on: app.db).count(), 8)
            let dates = try await ProcedureParticipant.query(on: app.db).all().compactMap(\.date)
            XCTAssertTrue(dates.allSatisfy { $0 >= "2026-04-20" && $0 <= "2026-05-20" })
        }
    }

    func testHeadReportsWithEvidenceAndSpecialistSeesAndDownloads() async throws {
        try await withApp { app in
            let zyr = try await app.school("edu700101").requireID()
            let measure = try await app.measure("2.2")
            let cp = try await app.checkpoints("2.2")[1]  // May 2026
            let head = Browser(app)
            try await head.login("head-zyr")
            let form = try await head.get("/checkpoints/\(cp.id!)/report?party=\(zyr)")
            assertStatus(form, .ok)
            let res = try await head.postMultipart("/checkpoints/\(cp.id!)/report?party=\(zyr)",
                                                   ["status": "done", "text": "Результаты доведены до родителей 4А и 5А"],
                                                   files: [("files[]", "протокол собрания.pdf", pdf)])
            assertStatus(res, .seeOther)
            let report = try await CheckpointReport.query(on: app.db).filter(\.$checkpoint.$id == cp.requireID()).filter(\.$schoolID == zyr).first()!
            XCTAssertEqual(report.status, "done")
            XCTAssertEqual(report.updatedBy, "head-zyr")
            let file = try await EvidenceFile.query(on: app.db).filter(\.$report.$id == report.requireID()).first()!
            XCTAssertEqual(file.fileName, "протокол собрания.pdf")
            XCTAssertEqual(file.size, pdf.count)
            XCTAssertEqual(file.sha256.count, 64)

            let specialist = Browser(app)
            try await specialist.login("specialist")
            let page = try await specialist.get("/measures/\(measure.id!)")
            assertContains(page, "Результаты доведены до родителей 4А и 5А")
            assertContains(page, "протокол собрания.pdf")
            assertContains(page, "История")
            assertContains(page, "Отчёт по 2.2 «Май 2026»: edu700101 — выполнено")
            let download = try await specialist.get("/evidence/\(file.id!)")
            assertStatus(download, .ok)
            XCTAssertEqual(Array(download.body.readableBytesView), pdf)
            XCTAssertTrue(download.headers.first(name: .contentDisposition)?.contains("filename*=UTF-8''") ?? false)

            let other = Browser(app)
            try await other.login("head-mih")
            assertStatus(try await other.get("/evidence/\(file.id!)"), .forbidden)
            let otherPage = try await other.get("/measures/\(measure.id!)")
            assertNotContains(otherPage, "Результаты доведены до родителей 4А и 5А")

            let docx = try await specialist.get("/reports/roadmap.docx")
            assertStatus(docx, .ok)
            let xml = try documentXML(Data(docx.body.readableBytesView))
            XCTAssertTrue(xml.contains("Управление образования Администрации Зырянского района"))
            XCTAssertTrue(xml.contains("Май 2026: </w:t></w:r><w:r><w:t xml:space=\"preserve\">школы: выполнено"), "per-checkpoint school summary")
            XCTAssertFalse(xml.contains("Результаты доведены до родителей 4А и 5А"), "school texts go to the appendix only")
            let detailed = try documentXML(Data(try await specialist.get("/reports/roadmap.docx?details=1").body.readableBytesView))
            XCTAssertTrue(detailed.contains("Приложение. Отчёты образовательных организаций"))
            XCTAssertTrue(detailed.contains("Результаты доведены до родителей 4А и 5А"))
            XCTAssertTrue(detailed.contains("протокол собрания.pdf"))
            let table = try XLSXSheetReader.sheets(data: Data(try await specialist.get("/reports/roadmap.xlsx?details=1").body.readableBytesView), file: "r.xlsx")
            XCTAssertEqual(table.map(\.name), ["Исполнение", "Приложение"])
            XCTAssertTrue(table[0].rows.contains { $0.count > 12 && $0[12].hasPrefix("школы: выполнено") }, "a row per checkpoint with the schools' summary")
            XCTAssertTrue(table[1].rows.contains { $0.contains("Результаты доведены до родителей 4А и 5А") && $0.contains("протокол собрания.pdf") })

            let audit = try await AuditEntry.query(on: app.db).filter(\.$entity == "checkpoint_report").filter(\.$userLogin == "head-zyr").all()
            XCTAssertEqual(audit.count, 1)
            XCTAssertTrue(audit[0].after?.contains("Результаты доведены") ?? false)

            // The school's own report lists only measures where schools report.
            let schoolDocx = try await head.get("/schools/\(zyr)/report.docx")
            let schoolXML = try documentXML(Data(schoolDocx.body.readableBytesView))
            XCTAssertTrue(schoolXML.contains("Результаты доведены"))
            XCTAssertTrue(schoolXML.contains("Руководитель МБОУ «Зырянская СОШ» ____"))
            XCTAssertFalse(schoolXML.contains("Участие специалистов Управления образования в процедурах"), "1.2 is the department's own measure")

            // Deleting evidence asks first, then removes and audits.
            assertContains(try await head.get("/evidence/\(file.id!)/delete"), "Удалить файл?")
            assertStatus(try await head.post("/evidence/\(file.id!)/delete", [:]), .seeOther)
            assertEq(try await EvidenceFile.query(on: app.db).count(), 0)
            assertEq(try await AuditEntry.query(on: app.db).filter(\.$entity == "evidence_file").count(), 1)
        }
    }

    func testBadEvidenceIsRefusedAndNothingIsStored() async throws {
        try await withApp { app in
            let (head, _, url) = try await app.headOnReportForm()
            let before = try await CheckpointReport.query(on: app.db).count()
            let res = try await head.postMultipart(url, ["status": "inProgress", "text": "x"],
                                                   files: [("files[]", "virus.exe", [0x4D, 0x5A]), ("files[]", "scan.pdf", Array("not a pdf".utf8))])
            assertStatus(res, .unprocessableEntity)
            assertContains(res, "Файл «virus.exe»: тип .exe не принимается")
            assertContains(res, "Файл «scan.pdf»: содержимое не похоже на файл .pdf")
            let noText = try await head.postMultipart(url, ["status": "done", "text": "  "], files: [])
            assertStatus(noText, .unprocessableEntity)
            assertContains(noText, "опишите, что выполнено")
            assertEq(try await CheckpointReport.query(on: app.db).count(), before)
            assertEq(try await EvidenceFile.query(on: app.db).count(), 0)
        }
    }

    func testOverdueFollowsTheDistrictTimeZone() async throws {
        // 31 January 2026 23:00 in Tomsk (16:00 UTC): January checkpoints are not yet overdue.
        let evening = Date(timeIntervalSince1970: 1_769_875_200)
        // 1 February 2026 00:30 in Tomsk (17:30 UTC), still 31 January in Moscow.
        let afterMidnight = Date(timeIntervalSince1970: 1_769_880_600)
        for (now, expected) in [(evening, "notStarted"), (afterMidnight, "overdue")] {
            try await withApp(now: now, demo: true) { app in
                // Clear the seeded history so the status comes from the date alone.
                try await CheckpointReport.query(on: app.db).delete()
                let b = Browser(app)
                try await b.login("specialist")
                let json = try await b.get("/api/v1/roadmap")
                let doc = try JSONDecoder().decode(APIController.RoadmapDTO.self, from: Data(json.body.readableBytesView))
                let jan = doc.measures.first { $0.number == "1.4" }!.checkpoints[0]
                XCTAssertEqual(jan.due, "2026-01-31")
                XCTAssertEqual(jan.status, expected)
                XCTAssertEqual(jan.schools?.first?.status, expected)
            }
        }
    }

    func testRoadmapAPIShapeAndTokens() async throws {
        try await withApp { app in
            let head = try await User.query(on: app.db).filter(\.$login == "head-zyr").first()!
            let secret = "msk_test_secret_value"
            try await UserToken(userID: head.requireID(), tokenHash: Tokens.hash(secret), label: "t").create(on: app.db)
            let api = Browser(app)
            api.bearer = secret
            let res = try await api.get("/api/v1/roadmap?year=2025-2026")
            assertStatus(res, .ok)
            let json = try JSONSerialization.jsonObject(with: Data(res.body.readableBytesView)) as! [String: Any]
            let measures = json["measures"] as! [[String: Any]]
            XCTAssertEqual(measures.count, 15)
            let m21 = measures.first { $0["number"] as? String == "2.1" }!
            XCTAssertEqual(m21["timing"] as? String, "Январь (региональный мониторинг), май (ВГР)")
            XCTAssertEqual(m21["responsible"] as? String, "Самойлова А.Л., руководители общеобразовательных организаций")
            XCTAssertEqual((m21["section"] as? [String: Any])?["number"] as? String, "2")
            let cps = m21["checkpoints"] as! [[String: Any]]
            XCTAssertEqual(cps.map { $0["due"] as? String }, ["2026-01-31", "2026-05-31"])
            XCTAssertEqual(cps[0]["label"] as? String, "Январь 2026 (региональный мониторинг)")
            // A head sees only their own school's status.
            XCTAssertEqual((cps[0]["schools"] as? [[String: Any]])?.compactMap { $0["school"] as? String }, ["edu700101"])
            let m12 = measures.first { $0["number"] as? String == "1.2" }!
            XCTAssertNil((m12["checkpoints"] as! [[String: Any]])[0]["schools"], "1.2 is not reported by schools")
            assertStatus(try await api.get("/api/v1/audit"), .forbidden)
            assertStatus(try await api.get("/api/v1/roadmap?year=1999-2000"), .notFound)

            api.bearer = "wrong"
            assertStatus(try await api.get("/api/v1/roadmap"), .unauthorized)
            api.bearer = secret
            try await UserToken.query(on: app.db).set(\.$revokedAt, to: Date()).update()
            let revoked = try await api.get("/api/v1/roadmap")
            assertStatus(revoked, .unauthorized)
            assertContains(revoked, "error")

            let specialist = try await User.query(on: app.db).filter(\.$login == "specialist").first()!
            try await UserToken(userID: specialist.requireID(), tokenHash: Tokens.hash("spec-token"), label: "t").create(on: app.db)
            api.bearer = "spec-token"
            let audit = try await api.get("/api/v1/audit")
            assertStatus(audit, .ok)
            assertContains(audit, "Загружен демонстрационный район")
            let all = try JSONSerialization.jsonObject(with: Data(try await api.get("/api/v1/roadmap").body.readableBytesView)) as! [String: Any]
            let m21s = (all["measures"] as! [[String: Any]]).first { $0["number"] as? String == "2.1" }!
            XCTAssertEqual(((m21s["checkpoints"] as! [[String: Any]])[0]["schools"] as! [[String: Any]]).count, 10)
        }
    }

    func testDashboardSchoolPageAndTasks() async throws {
        try await withApp { app in
            let specialist = Browser(app)
            try await specialist.login("specialist")
            let dash = try await specialist.get("/")
            assertStatus(dash, .ok)
            for needle in ["Дорожная карта 2025-2026", "Ход выполнения по разделам", "Ближайшие 30 дней", "Просрочено",
                           "Обеспечение объективности проведения процедур оценки качества образования и достоверности результатов",
                           "Информационное обеспечение открытости"] {
                assertContains(dash, needle)
            }
            let head = Browser(app)
            try await head.login("head-zyr")
            let zyr = try await app.school("edu700101").requireID()
            let home = try await head.get("/")
            assertLocation(home, "/schools/\(zyr)")
            let page = try await head.get("/schools/\(zyr)")
            assertContains(page, "Что школа должна по дорожной карте")
            assertContains(page, "4А")
            let tasks = try await head.get("/tasks")
            assertContains(tasks, "Открытых контрольных точек")
            assertNotContains(tasks, "МОУ «Михайловская СОШ»")
            let specialistTasks = try await specialist.get("/tasks")
            assertContains(specialistTasks, "Управление образования Администрации Зырянского района")
            assertNotContains(specialistTasks, "МБОУ «Зырянская СОШ»")
            let observer = Browser(app)
            try await observer.login("observer")
            assertContains(try await observer.get("/tasks"), "Акты наблюдения к заполнению")
        }
    }

    /// At a region's scale thousands of items are overdue: the dashboard lists the first
    /// `overdueListed` and says how many there are; `?overdue=all` lists them all, opened.
    func testTheDashboardListsTheFirstOverdueItemsAndAllOnRequest() async throws {
        try await withApp { app in
            // Forty more schools with no reports: every checkpoint already due is overdue for each.
            let m = try await Municipality.query(on: app.db).first()!
            try await app.db.writeTransaction { db in
                for i in 0..<40 {
                    try await School(regionID: m.$region.id, municipalityID: m.requireID(), login: String(format: "edu%06d", 900_000 + i),
                                     fullName: "Школа \(i)", shortName: "Школа \(i)", type: SchoolType.sosh.rawValue).create(on: db)
                }
            }
            let s = Browser(app)
            try await s.login("specialist")
            let page = try await s.get("/").body.string
            let total = try XCTUnwrap(page.firstMatch(of: /Весь список просроченного \((\d+)\)/).map { Int($0.1)! })
            func rows(_ html: String) -> Int {
                guard let from = html.range(of: #"id="overdue""#), let to = html.range(of: "</details>", range: from.upperBound..<html.endIndex) else { return -1 }
                return html[from.upperBound..<to.lowerBound].components(separatedBy: "<tr><td>").count - 1
            }
            if total > DashboardPage.overdueListed {
                XCTAssertTrue(page.contains("Показаны первые \(DashboardPage.overdueListed) из \(total)."), "the count is told")
                XCTAssertEqual(rows(page), DashboardPage.overdueListed)
                let link = try XCTUnwrap(page.firstMatch(of: /href="(\/\?[^"#]*overdue=all[^"#]*)#overdue">Показать все/).map { String($0.1).replacingOccurrences(of: "&amp;", with: "&") })
                let all = try await s.get(link).body.string
                XCTAssertEqual(rows(all), total)
                XCTAssertTrue(all.contains(#"id="overdue" open"#))
                XCTAssertFalse(all.contains("Показаны первые"))
            } else {
                XCTFail("\(total) overdue items: too few to test the limit")
            }
        }
    }
}

final class SchoolYearTests: XCTestCase {
    func testCopyTheRoadmapIntoTheNextSchoolYear() async throws {
        let june = ISO8601DateFormatter().date(from: "2026-06-10T03:00:00Z")!
        try await withApp { app in
            // Not offered in the middle of the year.
            let early = Browser(app)
            try await early.login("specialist")
            assertNotContains(try await early.get("/"), "Скопировать дорожную карту")
        }
        try await withApp(now: june) { app in
            let s = Browser(app)
            try await s.login("specialist")
            let dashboard = try await s.get("/")
            assertContains(dashboard, "Скопировать дорожную карту на 2026-2027 учебный год")
            let reportsBefore = try await CheckpointReport.query(on: app.db).count()
            let copied = try await s.post("/roadmap/copy", ["year": "2025-2026"])
            assertLocation(copied, "/?year=2026-2027")
            let next = try await Roadmap.query(on: app.db).filter(\.$schoolYear == "2026-2027").first()!
            XCTAssertTrue(next.title.contains("2026-2027"))
            let measures = try await Measure.query(on: app.db).filter(\.$roadmap.$id == next.requireID()).all()
            XCTAssertEqual(measures.count, 15)
            let m15 = measures.first { $0.number == "1.5" }!
            let dues = try await Checkpoint.query(on: app.db).filter(\.$measure.$id == m15.requireID()).sort(\.$seq).all().map(\.due)
            XCTAssertEqual(dues, ["2026-08-31", "2027-01-31", "2027-03-31"], "checkpoints derived anew for the new year")
            assertEq(try await CheckpointReport.query(on: app.db).count(), reportsBefore, "reports are not copied")
            let page = try await s.get("/?year=2026-2027")
            assertContains(page, "Дорожная карта скопирована на 2026-2027 учебный год")
            assertContains(page, "<a href=\"/?year=2025-2026\">2025-2026</a>")
            assertContains(try await s.get("/?year=2025-2026"), "Дорожная карта 2025-2026")
            assertNotContains(page, "Скопировать дорожную карту на 2026-2027")
            // Once there, not again.
            try await s.post("/roadmap/copy", ["year": "2025-2026"])
            assertEq(try await Roadmap.query(on: app.db).filter(\.$schoolYear == "2026-2027").count(), 1)
            assertEq(try await AuditEntry.query(on: app.db).filter(\.$entity == "roadmap").filter(\.$action == "copy").count(), 1)
            let head = Browser(app)
            try await head.login("head-zyr")
            assertStatus(try await head.post("/roadmap/copy", ["year": "2025-2026"]), .forbidden)
        }
    }

    /// The demo district is loaded into the school year it is now, with a year in motion.
    func testTheDemoIsInTheCurrentSchoolYear() async throws {
        let december = ISO8601DateFormatter().date(from: "2026-12-02T03:00:00Z")!
        try await withApp(now: december) { app in
            let roadmap = try await Roadmap.query(on: app.db).first()!
            XCTAssertEqual(roadmap.schoolYear, "2026-2027")
            let s = Browser(app)
            try await s.login("specialist")
            let page = try await s.get("/")
            assertContains(page, "Дорожная карта 2026-2027")
            assertNotContains(page, "завершён")
            let tracker = try await Tracker.load(municipalityID: roadmap.$municipality.id, year: nil, on: app.db, now: december)!
            let statuses = tracker.measures.flatMap { m in tracker.checkpoints(of: m).map { tracker.status($0, measure: m) } }
            let counts = Tracker.counts(statuses)
            XCTAssertGreaterThan(counts[.done] ?? 0, 0)
            XCTAssertGreaterThan(counts[.inProgress] ?? 0, 0)
            XCTAssertGreaterThan(counts[.overdue] ?? 0, 0)
            XCTAssertLessThan(counts[.overdue] ?? 0, statuses.count / 4, "a few overdue, not most")
        }
    }
}

final class ConstraintTests: XCTestCase {
    func testOneDistrictReportPerCheckpoint() async throws {
        try await withApp { app in
            let cp = try await app.checkpoints("3.3")[0]
            func report() throws -> CheckpointReport {
                let r = CheckpointReport()
                r.$checkpoint.id = try cp.requireID()
                r.regionID = cp.regionID
                r.municipalityID = cp.municipalityID
                r.schoolID = nil
                r.status = "done"
                r.text = "x"
                return r
            }
            try await CheckpointReport.query(on: app.db).filter(\.$checkpoint.$id == cp.requireID()).delete()
            try await report().create(on: app.db)
            do {
                try await report().create(on: app.db)
                XCTFail("a second district report for one checkpoint must be refused")
            } catch {}
        }
    }
}
