import Fluent
import Foundation
import MsokoCore
import XCTest
import XCTVapor
@testable import MsokoServer

/// Reference figures (region, Russia) by form and pasted from ФИС ОКО; the district's list of procedure types.
final class ProcedureReferenceTests: XCTestCase {
    static let paste = """
    Группы участников\tКол-во ОО\tКол-во участников\tРаспределение групп баллов в %
    2\t3\t4\t5
    Вся выборка\t39 015\t1 436 172\t3,41\t23,56\t46,7\t26,33
    Томская обл.\t327\t10 654\t4,12\t27,1\t45,08\t23,7

    \tКол-во уч.\t1\t2\t3
    Вся выборка\t1436172\t92\t71,5\t80
    Томская обл.\t10654\t90\t70\t78,25
    """

    func reference(_ app: Application, _ id: UUID) async throws -> [String: ReferenceFigures]? {
        try ProcedureStore.spec(of: try await Procedure.find(id, on: app.db)!).reference
    }

    func testPastedTableFillsTheFormAndOnlyCheckedFiguresAreSaved() async throws {
        try await withApp { app in
            try await clearDemoProcedures(app)
            let m = try await Municipality.query(on: app.db).first()!
            let p = try await ProcedureStore.create(ResultsImportTests.spec, regionID: m.$region.id, municipalityID: m.id, actor: "test", on: app.db)
            let id = try p.requireID()
            let s = Browser(app)
            try await s.login("specialist")
            assertContains(try await s.get("/procedures/\(id)"), "Показатели региона и России не введены")

            // Paste: the form is filled, nothing is saved yet.
            try await s.get("/procedures/\(id)/reference")
            let filled = try await s.post("/procedures/\(id)/reference", ["level": "region", "action": "parse", "paste": Self.paste])
            assertStatus(filled, .ok)
            assertContains(filled, "Поля заполнены из таблицы (строка «Томская обл.»)")
            assertContains(filled, "name=\"m2\" aria-label=\"Отметка «2», %\" value=\"4,12\"")
            assertContains(filled, "name=\"t2\" aria-label=\"Задание 3, %\" value=\"78,25\"")
            assertContains(filled, #"name="label" value="Томская обл.""#)
            assertEq(try await reference(app, id), nil)

            // A wrong field refuses the whole form and names the field.
            let bad = try await s.post("/procedures/\(id)/reference", ["level": "region", "action": "save", "m2": "abc", "m3": "27,1", "m4": "45,08", "m5": "23,7"])
            assertStatus(bad, .unprocessableEntity)
            assertContains(bad, "доля отметки «2»: «abc» — ожидается число от 0 до 100.")
            let sum = try await s.post("/procedures/\(id)/reference", ["level": "region", "action": "save", "m2": "4", "m3": "27", "m4": "45", "m5": "3"])
            assertContains(sum, "доли отметок в сумме 79 %, ожидается 100 %.")
            assertEq(try await reference(app, id), nil)

            let saved = try await s.post("/procedures/\(id)/reference", ["level": "region", "action": "save", "label": "Томская обл.",
                                                                         "m2": "4,12", "m3": "27,1", "m4": "45,08", "m5": "23,7", "t0": "90", "t2": "78,25"])
            assertLocation(saved, "/procedures/\(id)")
            let region = try await reference(app, id)?["region"]
            XCTAssertEqual(region?.marks?["2"] ?? 0, 0.0412, accuracy: 1e-9)
            XCTAssertEqual(region?.tasks, ["1": 0.9, "3": 0.7825])
            let page = try await s.get("/procedures/\(id)")
            assertContains(page, "Показатели уровня «Регион» сохранены.")
            // Named as ФИС ОКО names the row, not «Регион».
            assertContains(page, "<td>Томская обл.</td><td class=\"num\">4,12</td>")
            assertContains(page, "<th class=\"num\">Томская обл., %</th>")
            assertEq(try await AuditEntry.query(on: app.db).filter(\.$entity == "procedure").filter(\.$action == "update").count(), 1)

            // Russia from the same paste; then the region cleared by saving empty fields.
            let russia = try await s.post("/procedures/\(id)/reference", ["level": "russia", "action": "parse", "paste": Self.paste])
            assertContains(russia, "value=\"3,41\"")
            try await s.post("/procedures/\(id)/reference", ["level": "russia", "action": "save", "m2": "3,41", "m3": "23,56", "m4": "46,7", "m5": "26,33"])
            let russiaRow = try await reference(app, id)?["russia"]
            XCTAssertEqual(russiaRow?.label, "Вся выборка", "the default name of the Russia row")
            try await s.post("/procedures/\(id)/reference", ["level": "russia", "action": "save"])
            try await s.post("/procedures/\(id)/reference", ["level": "region", "action": "save"])
            assertEq(try await reference(app, id), nil)

            // Not the paste of a table.
            let junk = try await s.post("/procedures/\(id)/reference", ["level": "region", "action": "parse", "paste": "просто текст"])
            assertStatus(junk, .unprocessableEntity)
            assertContains(junk, "не найдена строка заголовка")

            // A school head sees the figures but cannot change them.
            let head = Browser(app)
            try await head.login("head-zyr")
            assertStatus(try await head.get("/procedures/\(id)/reference"), .forbidden)
            assertStatus(try await head.post("/procedures/\(id)/reference", ["level": "region", "action": "save", "t0": "1"]), .forbidden)
            assertNotContains(try await head.get("/procedures/\(id)"), "/reference")
        }
    }

    func testTheDistrictsListOfProcedureTypes() async throws {
        try await withApp { app in
            try await clearDemoProcedures(app)
            let s = Browser(app)
            try await s.login("specialist")
            func spec(_ type: String) throws -> [UInt8] {
                var spec = ResultsImportTests.spec
                spec.type = type
                return Array(try JSONEncoder().encode(spec))
            }
            try await s.get("/procedures")
            try await s.postMultipart("/procedures", [:], files: [("spec", "olymp.json", try spec("Олимпиада"))])
            assertContains(try await s.get("/procedures"), "Спецификация olymp.json: поле «type»: вида процедуры «Олимпиада» нет в списке района (ВПР, Региональный мониторинг")
            assertEq(try await Procedure.query(on: app.db).count(), 0)

            // The district adds the type in its settings; case and spaces aside, the list's spelling is kept.
            let settings = try await s.get("/settings")
            assertContains(settings, "Муниципальная диагностика\nШкольная диагностика\nОГЭ\nЕГЭ</textarea>")
            let m = try await Municipality.query(on: app.db).first()!
            try await s.post("/settings", ["departmentName": m.departmentName, "timeZone": m.timeZone, "letterhead": "Шапка", "signature": "Подпись",
                                           "procedureTypes": (ProcedureTypes.defaults + ["Олимпиада", " впр "]).joined(separator: "\r\n")])
            assertEq(try await Settings.procedureTypes(municipalityID: m.id, on: app.db), ProcedureTypes.defaults + ["Олимпиада"])
            assertStatus(try await s.postMultipart("/procedures", [:], files: [("spec", "olymp.json", try spec("олимпиада "))]), .seeOther)
            assertStatus(try await s.postMultipart("/procedures", [:], files: [("spec", "vpr.json", try spec("впр"))]), .seeOther)
            assertEq(try await Procedure.query(on: app.db).all().map(\.type).sorted(), ["ВПР", "Олимпиада"])

            let empty = try await s.post("/settings", ["departmentName": m.departmentName, "timeZone": m.timeZone, "letterhead": "", "signature": "", "procedureTypes": " \n "])
            assertStatus(empty, .seeOther)
            assertContains(try await s.get("/settings"), "Список видов оценочных процедур не может быть пустым.")
        }
    }
}
