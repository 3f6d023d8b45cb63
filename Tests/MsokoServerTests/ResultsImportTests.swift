import Fluent
import Foundation
import MsokoCore
import XCTest
import XCTVapor
@testable import MsokoServer

final class ResultsImportTests: XCTestCase {
    static let spec = ProcedureSpec(type: "ВПР", year: 2026, subject: "Математика", grade: 4, tasks: [
        TaskSpec(number: "1", max: 1, level: .basic), TaskSpec(number: "2", max: 2, level: .basic), TaskSpec(number: "3", max: 2, level: .advanced),
    ], scale: MarkScale(three: 2, four: 4, five: 5))

    static func csv(_ rows: [String]) -> Data {
        Data((["ВПР 2026 Математика 4 класс", "ОО;Название ОО;Код участника;Класс;1 (1б);2 (2б);3 (2б);Первичный балл;Отметка;Отметка по журналу"] + rows)
            .joined(separator: "\n").utf8)
    }

    func makeProcedure(_ app: Application) async throws -> Procedure { try await Self.makeProcedure(app) }

    static func makeProcedure(_ app: Application) async throws -> Procedure {
        try await clearDemoProcedures(app)
        let m = try await Municipality.query(on: app.db).first()!
        return try await ProcedureStore.create(Self.spec, regionID: m.$region.id, municipalityID: m.id, actor: "test", on: app.db)
    }

    func request(_ p: Procedure, _ data: Data, school: School? = nil, create: Bool = false) -> ResultsStore.Request {
        ResultsStore.Request(data: data, fileName: "results.csv", procedure: p, actor: "test", school: school,
                             municipalityID: p.municipalityID, createSchools: create)
    }

    func testImportReplacesOnlyTheSchoolsInTheFileAndKeepsEveryVersion() async throws {
        try await withApp { app in
            let p = try await makeProcedure(app)
            let first = try await ResultsStore.importFile(request(p, Self.csv([
                "edu700101;;1;4А;1;2;X;3;3;4", "edu700101;;2;4А;0;1;0;1;2;2", "edu700102;;1;4А;1;1;1;3;3;3",
            ])), on: app.db)
            XCTAssertEqual(first.file.problems, [])
            XCTAssertEqual(first.replacedSchools, ["edu700101", "edu700102"])
            assertEq(try await WorkRow.query(on: app.db).count(), 3)
            let stored = try await WorkRow.query(on: app.db).filter(\.$code == "1").filter(\.$school.$id == app.school("edu700101").requireID()).first()!
            XCTAssertEqual([UInt8](stored.scores), [1, 2, WorkRecord.notDone])
            XCTAssertEqual(stored.mark, 3)
            XCTAssertEqual(stored.journalMark, 4)

            // A corrected file of one school replaces that school's works only.
            let second = try await ResultsStore.importFile(request(p, Self.csv(["edu700101;;9;4А;1;2;2;5;5;5"])), on: app.db)
            XCTAssertEqual(second.file.problems, [])
            assertEq(try await WorkRow.query(on: app.db).filter(\.$school.$id == app.school("edu700101").requireID()).all().map(\.code), ["9"])
            assertEq(try await WorkRow.query(on: app.db).filter(\.$school.$id == app.school("edu700102").requireID()).count(), 1)
            let uploads = try await ResultUpload.query(on: app.db).sort(\.$createdAt).all()
            XCTAssertEqual(uploads.count, 2)
            XCTAssertEqual(uploads.map(\.worksCount).sorted(), [1, 3])
            XCTAssertEqual(uploads.first { $0.worksCount == 3 }?.data, Self.csv([
                "edu700101;;1;4А;1;2;X;3;3;4", "edu700101;;2;4А;0;1;0;1;2;2", "edu700102;;1;4А;1;1;1;3;3;3",
            ]), "the original file is kept byte for byte")
            assertEq(try await AuditEntry.query(on: app.db).filter(\.$entity == "results").filter(\.$userLogin == "test").count(), 2)

            // Export and import again: the same works.
            let rows = try await ResultsQuery.exportRows(procedure: p, schoolID: nil, on: app.db)
            let again = try await ResultsStore.importFile(ResultsStore.Request(data: try ResultsExport.xlsx(spec: Self.spec, rows: rows), fileName: "export.xlsx",
                                                                              procedure: p, actor: "test", school: nil, municipalityID: p.municipalityID), on: app.db)
            XCTAssertEqual(again.file.problems, [])
            XCTAssertEqual(again.file.works.map(\.scores), rows.map(\.work.scores))
        }
    }

    /// A region's procedure gathers thousands of files: its page lists the newest 30 the user may
    /// download, says how many there are and shows all on request; scope is in the query.
    func testTheProcedurePageListsTheNewestFilesInScope() async throws {
        try await withApp { app in
            let p = try await Procedure.query(on: app.db).filter(\.$municipalityID != nil).first()!
            let zyr = try await app.school("edu700101")
            let existing = try await ResultUpload.query(on: app.db).filter(\.$procedure.$id == p.requireID()).count()
            for k in 0..<34 {
                let u = ResultUpload()
                u.$procedure.id = try p.requireID()
                u.keep(Data("файл \(k)".utf8), name: k == 33 ? "чужой-район.csv" : "файл-\(k).csv")
                u.uploadedBy = "specialist"
                u.worksCount = 1
                u.schools = k < 3 ? "edu700101" : "edu700102"
                u.schoolID = k < 3 ? zyr.id : nil
                u.warnings = ""
                u.regionID = p.regionID
                u.municipalityID = k == 33 ? UUID() : p.municipalityID
                try await u.create(on: app.db)
            }
            let s = Browser(app)
            try await s.login("specialist")
            let page = try await s.get("/procedures/\(p.id!)")
            assertContains(page, "Показаны последние 30 из \(existing + 33) файлов")
            assertContains(page, "файл-32.csv")
            assertNotContains(page, "файл-0.csv")
            assertNotContains(page, "чужой-район.csv")
            let all = try await s.get("/procedures/\(p.id!)?files=all")
            assertContains(all, "файл-0.csv")
            assertNotContains(all, "Показаны последние")
            assertNotContains(all, "чужой-район.csv")

            let head = Browser(app)
            try await head.login("head-zyr")
            let own = try await head.get("/procedures/\(p.id!)?files=all")
            for k in 0..<3 { assertContains(own, "файл-\(k).csv") }
            assertNotContains(own, "файл-5.csv")
            assertNotContains(own, "чужой-район.csv")
        }
    }

    func testUnknownSchoolClassesAndScopeRefuseTheWholeFile() async throws {
        try await withApp { app in
            let p = try await makeProcedure(app)
            let unknown = try await ResultsStore.importFile(request(p, Self.csv(["edu700101;;1;4А;1;1;1;3;3;3", "edu799999;;1;4А;1;1;1;3;3;3"])), on: app.db)
            XCTAssertEqual(unknown.file.problems.map(\.row), [4])
            XCTAssertTrue(unknown.file.problems[0].message.contains("школа edu799999 не найдена"))
            XCTAssertNil(unknown.upload)
            assertEq(try await WorkRow.query(on: app.db).count(), 0)
            assertEq(try await ResultUpload.query(on: app.db).count(), 0, "a refused file is not kept")

            // The procedure lists 4А for Зырянская: 4Б there is an error.
            let zyr = try await app.school("edu700101")
            let participant = ProcedureParticipant()
            participant.$procedure.id = try p.requireID()
            participant.$school.id = try zyr.requireID()
            participant.className = "4А"
            participant.regionID = zyr.regionID
            participant.municipalityID = zyr.$municipality.id
            try await participant.create(on: app.db)
            let wrongClass = try await ResultsStore.importFile(request(p, Self.csv(["edu700101;;1;4Б;1;1;1;3;3;3"])), on: app.db)
            XCTAssertTrue(wrongClass.file.problems.first?.message.contains("класс 4Б не участвует в процедуре в школе edu700101 (участвуют: 4А)") ?? false)

            // A school's own upload: rows of another school are refused.
            let mine = try await ResultsStore.importFile(request(p, Self.csv(["edu700102;;1;4А;1;1;1;3;3;3"]), school: zyr), on: app.db)
            XCTAssertTrue(mine.file.problems.first?.message.contains("файл загружается за школу edu700101") ?? false)

            // One pass: a row error and an unknown school together.
            let both = try await ResultsStore.importFile(request(p, Self.csv(["edu700101;;1;4А;1;5;1;3;3;3", "edu799998;;1;4А;1;1;1;3;3;3"])), on: app.db)
            XCTAssertTrue(both.file.problems.contains { $0.row == 3 && $0.message.contains("больше максимального") })
            XCTAssertTrue(both.file.problems.contains { $0.row == 4 && $0.message.contains("школа edu799998 не найдена") })
            XCTAssertEqual(both.missingSchools, ["edu799998"])

            // --create-schools adds what the file names.
            let created = try await ResultsStore.importFile(request(p, Self.csv(["edu700199;МБОУ «Новая СОШ»;1;4А;1;1;1;3;3;3"]), create: true), on: app.db)
            XCTAssertEqual(created.file.problems, [])
            assertEq(try await app.school("edu700199").fullName, "МБОУ «Новая СОШ»")
        }
    }
}

final class ResultsPagesTests: XCTestCase {
    /// A specialist whose file names a school msoko does not know is offered to create it — a
    /// button and the file chosen again, not a command-line flag; a head is not.
    func testUnknownSchoolsAreOfferedToASpecialist() async throws {
        try await withApp { app in
            let p = try await ResultsImportTests.makeProcedure(app)
            let s = Browser(app)
            try await s.login("specialist")
            try await s.get("/procedures/\(p.id!)")
            let file = Array(ResultsImportTests.csv(["edu700101;;1;4А;1;1;1;3;3;3", "edu700177;МБОУ «Новая СОШ»;1;4А;1;1;1;3;3;3"]))
            let refused = try await s.postMultipart("/procedures/\(p.id!)/results", ["school": ""], files: [("file", "район.csv", file)])
            assertStatus(refused, .unprocessableEntity)
            assertContains(refused, "школа edu700177 не найдена в msoko.")
            assertContains(refused, "Создать недостающие школы и загрузить файл")
            assertNotContains(refused, "--create-schools")
            assertStatus(try await s.postMultipart("/procedures/\(p.id!)/results", ["school": "", "createSchools": "1"], files: [("file", "район.csv", file)]), .seeOther)
            assertEq(try await app.school("edu700177").fullName, "МБОУ «Новая СОШ»")
            assertEq(try await WorkRow.query(on: app.db).count(), 2)

            let head = Browser(app)
            try await head.login("head-zyr")
            try await head.get("/procedures/\(p.id!)")
            let foreign = try await head.postMultipart("/procedures/\(p.id!)/results", ["createSchools": "1"],
                                                       files: [("file", "район.csv", Array(ResultsImportTests.csv(["edu700188;;1;4А;1;1;1;3;3;3", "edu700188;;2;4А;1;1;1;3;3;3"])))])
            assertStatus(foreign, .unprocessableEntity)
            assertContains(foreign, "строки 3–4 (2")
            assertContains(foreign, "не относящихся к вашей ОО")
            assertNotContains(foreign, "Создать недостающие школы")
            assertEq(try await School.query(on: app.db).filter(\.$login == "edu700188").count(), 0)
        }
    }

    func specFile() throws -> [UInt8] {
        let encoder = JSONEncoder()
        return Array(try encoder.encode(ResultsImportTests.spec))
    }

    func testSpecialistCreatesAProcedureUploadsAndFixesAFile() async throws {
        try await withApp { app in
            try await clearDemoProcedures(app)
            let s = Browser(app)
            try await s.login("specialist")
            assertContains(try await s.get("/procedures"), "Процедур пока нет")
            let bad = try await s.postMultipart("/procedures", [:], files: [("spec", "spec.json", Array(#"{"type":"ВПР"}"#.utf8))])
            assertStatus(bad, .seeOther)
            assertContains(try await s.get("/procedures"), "нет поля «year»")
            assertStatus(try await s.postMultipart("/procedures", [:], files: [("spec", "spec.json", try specFile())]), .seeOther)
            let p = try await Procedure.query(on: app.db).first()!
            let page = try await s.get("/procedures/\(p.id!)")
            assertContains(page, "ВПР 2026 · Математика · 4 класс")
            assertContains(page, "Загрузить результаты")

            let broken = ResultsImportTests.csv(["edu700101;;1;4А;1;5;X;6;5;4", "edu700102;;1;4А;1;1;1;3;3;3"])
            let refused = try await s.postMultipart("/procedures/\(p.id!)/results", ["school": ""], files: [("file", "район.csv", Array(broken))])
            assertStatus(refused, .unprocessableEntity)
            assertContains(refused, "Файл не принят")
            assertContains(refused, "район.csv, строка 3, столбец «2 (2б)»: балл 5 за задание 2 больше максимального (2).")
            assertContains(refused, "Скачать список ошибок")
            assertEq(try await WorkRow.query(on: app.db).count(), 0)

            let fixed = ResultsImportTests.csv(["edu700101;;1;4А;1;2;X;3;3;4", "edu700102;;1;4А;1;1;1;3;3;3"])
            try await s.get("/procedures/\(p.id!)")
            assertStatus(try await s.postMultipart("/procedures/\(p.id!)/results", ["school": ""], files: [("file", "район.csv", Array(fixed))]), .seeOther)
            let after = try await s.get("/procedures/\(p.id!)")
            assertContains(after, "Файл «район.csv» принят: работ 2, школы: edu700101, edu700102.")
            assertContains(after, "район.csv</a>")
            let upload = try await ResultUpload.query(on: app.db).first()!
            let original = try await s.get("/uploads/\(upload.id!)")
            XCTAssertEqual(Data(original.body.readableBytesView), fixed)
            let xlsx = try await s.get("/procedures/\(p.id!)/export/xlsx")
            let back = ResultsReader.read(data: Data(xlsx.body.readableBytesView), file: "e.xlsx", spec: ResultsImportTests.spec)
            XCTAssertEqual(back.problems, [])
            XCTAssertEqual(back.works.count, 2)

            // A head uploads for their own school only, and sees only their own files and works.
            let head = Browser(app)
            try await head.login("head-mih")
            let headPage = try await head.get("/procedures/\(p.id!)")
            assertNotContains(headPage, "МБОУ «Зырянская СОШ»")
            assertStatus(try await head.get("/uploads/\(upload.id!)"), .forbidden)
            let theirs = try await head.postMultipart("/procedures/\(p.id!)/results", [:], files: [("file", "моя.csv", Array(ResultsImportTests.csv(["edu700101;;5;4А;1;1;1;3;3;3"])))])
            assertStatus(theirs, .unprocessableEntity)
            assertContains(theirs, "файл загружается за школу edu700102")
            assertStatus(try await head.postMultipart("/procedures/\(p.id!)/results", [:], files: [("file", "моя.csv", Array(ResultsImportTests.csv(["edu700102;;7;4А;1;1;1;3;3;3"])))]), .seeOther)
            let own = try await ResultUpload.query(on: app.db).filter(\.$fileName == "моя.csv").first()!
            assertStatus(try await head.get("/uploads/\(own.id!)"), .ok)
            let headExport = try await head.get("/procedures/\(p.id!)/export/csv")
            let headRows = ResultsReader.read(data: Data(headExport.body.readableBytesView), file: "e.csv", spec: ResultsImportTests.spec)
            XCTAssertEqual(headRows.works.map(\.schoolLogin), ["edu700102"])
            XCTAssertEqual(headRows.works.map(\.code), ["7"])
            assertEq(try await WorkRow.query(on: app.db).filter(\.$school.$id == app.school("edu700101").requireID()).count(), 1, "Зырянская untouched")

            let teacher = Browser(app)
            try await teacher.login("teacher")
            assertStatus(try await teacher.get("/procedures/\(p.id!)"), .forbidden)
            assertStatus(try await teacher.postMultipart("/procedures/\(p.id!)/results", [:], files: [("file", "x.csv", Array(fixed))]), .forbidden)
        }
    }
}

/// These tests start from a district without the demo's procedures.
func clearDemoProcedures(_ app: Application) async throws {
    try await WorkRow.query(on: app.db).delete()
    try await ResultUpload.query(on: app.db).delete()
    try await ProcedureParticipant.query(on: app.db).delete()
    try await Procedure.query(on: app.db).delete()
}

final class CalendarTests: XCTestCase {
    func testDatesWarningsAndCalendarViews() async throws {
        try await withApp { app in
            let p = try await app.demoVPR()
            let s = Browser(app)
            try await s.login("specialist")
            try await s.get("/procedures/\(p.id!)")
            assertStatus(try await s.post("/procedures/\(p.id!)/participants", ["school": "edu700101", "className": "4а", "date": "2026-04-15"]), .seeOther)
            let page = try await s.get("/procedures/\(p.id!)")
            assertContains(page, "Дата сохранена: МБОУ «Зырянская СОШ», 4А, 15.04.2026.")
            assertContains(page, "дата 15.04.2026 вне периода ВПР (20.04.2026 – 20.05.2026)")
            // Russian in 4А on the same day: a clash warning, saved all the same.
            let r = try await Procedure.query(on: app.db).filter(\.$year == 2026).filter(\.$subject == "Русский язык").filter(\.$grade == 4).first()!
            try await s.get("/procedures/\(r.id!)")
            try await s.post("/procedures/\(r.id!)/participants", ["school": "edu700101", "className": "4А", "date": "2026-04-15"])
            assertContains(try await s.get("/procedures/\(r.id!)"), "в 4А 15.04.2026 уже проводится «ВПР 2026 · Математика · 4 класс»")
            try await s.post("/procedures/\(r.id!)/participants", ["school": "edu700101", "className": "5А", "date": "2026-04-22"])
            assertContains(try await s.get("/procedures/\(r.id!)"), "Класс 5А не 4-й параллели")
            try await s.post("/procedures/\(r.id!)/participants", ["school": "edu700101", "className": "4А", "date": "22.04.2026"])
            assertContains(try await s.get("/procedures/\(r.id!)"), "Поле «Дата»: ожидается дата")

            let month = try await s.get("/calendar?view=month&date=2026-04-01")
            assertContains(month, "Апрель 2026")
            assertContains(month, "МОУ «Михайловская СОШ»")
            assertContains(month, "⚠")
            let day = try await s.get("/calendar?view=day&date=2026-04-15")
            assertContains(day, "ВПР 2026 · Русский язык · 4 класс")
            assertContains(try await s.get("/calendar?view=week&date=2026-04-15"), "13.04.2026 – 19.04.2026")

            let head = Browser(app)
            try await head.login("head-mih")
            let theirs = try await head.get("/calendar?view=month&date=2026-04-01")
            assertNotContains(theirs, "МБОУ «Зырянская СОШ»")
            assertContains(theirs, "ВПР 2026")
            // A head dates their own school only; another school's date cannot be removed.
            let zyrDate = try await ProcedureParticipant.query(on: app.db).filter(\.$school.$id == app.school("edu700101").requireID()).first()!
            assertStatus(try await head.post("/participants/\(zyrDate.id!)/delete", [:]), .forbidden)
            let teacher = Browser(app)
            try await teacher.login("teacher")
            assertStatus(try await teacher.get("/calendar"), .forbidden)
        }
    }
}

/// Issue 11: a procedure set up without a programmer — the form, the header of an export, editing,
/// and what loaded results fix.
final class ProcedureFormTests: XCTestCase {
    func testCreateFromTheFormEditAndDownloadTheJSON() async throws {
        try await withApp { app in
            try await clearDemoProcedures(app)
            let s = Browser(app)
            try await s.login("specialist")
            let list = try await s.get("/procedures")
            assertContains(list, "/procedures/new")
            let blank = try await s.get("/procedures/new")
            assertContains(blank, "Заполнить задания из файла")
            assertContains(blank, #"name="number[]""#)
            // Refused: every problem at once, what was typed kept.
            var form: [String: String] = ["type": "ВПР", "year": "2026", "subject": "Окружающий мир", "grade": "4", "form": "paper",
                                          "three": "3", "four": "2", "five": "5"]
            let refusedBody = try await s.postForm("/procedures/new", form, lists: ["number[]": ["1", "2", ""], "max[]": ["1", "x", ""],
                                                                                 "level[]": ["Б", "П", "Б"], "requirements[]": ["1.1 Природа", "", ""]])
            assertStatus(refusedBody, .unprocessableEntity)
            assertContains(refusedBody, "Задание в строке 2 (2): максимальный балл «x»")
            assertContains(refusedBody, "минимальные баллы должны возрастать")
            assertContains(refusedBody, #"value="Окружающий мир""#)
            assertEq(try await Procedure.query(on: app.db).count(), 0)
            // Accepted.
            form["four"] = "4"
            form["three"] = "2"
            let created = try await s.postForm("/procedures/new", form, lists: ["number[]": ["1", "2", ""], "max[]": ["1", "5", ""],
                                                                             "level[]": ["Б", "П", "Б"], "requirements[]": ["1.1 Природа", "", ""]])
            assertStatus(created, .seeOther)
            let p = try await Procedure.query(on: app.db).first()!
            XCTAssertEqual(p.subject, "Окружающий мир")
            let spec = try ProcedureStore.spec(of: p)
            XCTAssertEqual(spec.tasks.map(\.max), [1, 5])
            XCTAssertEqual(spec.tasks[0].requirements, [Requirement(code: "1.1", text: "Природа")])
            let page = try await s.get("/procedures/\(p.id!)")
            assertContains(page, "Изменить спецификацию")
            let json = try await s.get("/procedures/\(p.id!)/spec.json")
            XCTAssertEqual(try ProcedureSpec.read(data: Data(json.body.readableBytesView), file: "spec.json"), spec, "the JSON export reads back")

            // Edited before results: tasks may change.
            try await s.get("/procedures/\(p.id!)/edit")
            form["five"] = "6"
            assertStatus(try await s.postForm("/procedures/\(p.id!)/edit", form, lists: ["number[]": ["1", "2", "3"], "max[]": ["1", "5", "2"],
                                                                                       "level[]": ["Б", "П", "В"], "requirements[]": ["", "", ""]]), .seeOther)
            assertEq(try ProcedureStore.spec(of: try await Procedure.find(p.id, on: app.db)!).tasks.count, 3)
            assertEq(try await AuditEntry.query(on: app.db).filter(\.$entity == "procedure").filter(\.$action == "update").count(), 1)

            // With results loaded, the tasks are fixed; requirements may still be corrected.
            let csv = Data("ВПР 2026 Окружающий мир 4 класс\nОО;Код участника;Класс;1 (1б);2 (5б);3 (2б)\nedu700101;1;4А;1;3;1\n".utf8)
            let imported = try await ResultsStore.importFile(ResultsStore.Request(data: csv, fileName: "r.csv", procedure: try await Procedure.find(p.id, on: app.db)!,
                                                                                  actor: "test", school: nil, municipalityID: p.municipalityID), on: app.db)
            XCTAssertEqual(imported.file.problems, [])
            assertContains(try await s.get("/procedures/\(p.id!)/edit"), "Результаты уже загружены")
            let fixed = try await s.postForm("/procedures/\(p.id!)/edit", form, lists: ["number[]": ["1", "2", "3"], "max[]": ["1", "4", "2"],
                                                                                      "level[]": ["Б", "П", "В"], "requirements[]": ["", "", ""]])
            assertStatus(fixed, .unprocessableEntity)
            assertContains(fixed, "номера заданий и максимальные баллы не меняются")
            assertStatus(try await s.postForm("/procedures/\(p.id!)/edit", form, lists: ["number[]": ["1", "2", "3"], "max[]": ["1", "5", "2"],
                                                                                       "level[]": ["Б", "П", "В"], "requirements[]": ["", "2.1 Опыты", ""]]), .seeOther)
            assertEq(try ProcedureStore.spec(of: try await Procedure.find(p.id, on: app.db)!).tasks[1].requirements.first?.code, "2.1")
        }
    }

    /// Only a district specialist sets up procedures: a head, a methodist and an observer are refused
    /// on every new route, whatever they post.
    func testOnlyASpecialistSetsUpAProcedure() async throws {
        try await withApp { app in
            let p = try await Procedure.query(on: app.db).first()!
            for login in ["head-zyr", "methodist", "observer", "teacher"] {
                let b = Browser(app)
                try await b.login(login)
                try await b.get("/tasks")
                assertStatus(try await b.postForm("/procedures/new", ["type": "ВПР"], lists: [:]), .forbidden, login)
                assertStatus(try await b.postForm("/procedures/\(p.id!)/edit", ["type": "ВПР"], lists: [:]), .forbidden, login)
                assertStatus(try await b.postMultipart("/procedures/new/header", [:], files: [("file", "a.csv", Array("Код участника\n".utf8))]), .forbidden, login)
                assertStatus(try await b.post("/roadmap/copy", ["year": "2025-2026"]), .forbidden, login)
            }
            let s = Browser(app)
            try await s.login("specialist")
            try await s.get("/")
            let bad = try await s.post("/roadmap/copy", ["year": "прошлый"])
            assertStatus(bad, .seeOther)
            assertContains(try await s.get("/"), "учебный год «прошлый» — ожидается вид 2025-2026")
        }
    }

    func testStartFromTheHeaderOfAResultsExport() async throws {
        try await withApp { app in
            let s = Browser(app)
            try await s.login("specialist")
            try await s.get("/procedures/new")
            let file = Array("ВПР 2026 История 6 класс\n;;Б;П\nКод участника;Класс;1 (2б);2 (3б)\n1;6А;1;2\n".utf8)
            let filled = try await s.postMultipart("/procedures/new/header", [:], files: [("file", "history.csv", file)])
            assertStatus(filled, .ok)
            assertContains(filled, "Задания прочитаны из заголовка файла «history.csv»")
            assertContains(filled, #"value="История""#)
            assertContains(filled, #"name="number[]" value="2""#)
            assertContains(filled, #"name="max[]" value="3""#)
            let notResults = try await s.postMultipart("/procedures/new/header", [:], files: [("file", "list.csv", Array("Логин;Школа\n".utf8))])
            assertStatus(notResults, .unprocessableEntity)
            assertContains(notResults, "это не выгрузка результатов ФИС ОКО")
        }
    }
}
