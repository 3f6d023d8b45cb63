import Fluent
import XCTest
import XCTVapor
@testable import MsokoServer

/// Walks role × route and asserts allowed / forbidden for each (the scope is on the server).
final class RoleMatrixTests: XCTestCase {
    static let users = ["-", "specialist", "head-zyr", "head-mih", "teacher", "methodist", "observer", "commission", "admin"]

    func testEveryRoleOnEveryPageAndAPIRoute() async throws {
        try await withApp { app in
            let zyr = try await app.school("edu700101").requireID()
            let mih = try await app.school("edu700102").requireID()
            let m14 = try await app.measure("1.4").requireID()
            let cp22 = try await app.checkpoints("2.2")[0].requireID()
            let cp14 = try await app.checkpoints("1.4")[0].requireID()
            let cp32 = try await app.checkpoints("3.2")[0].requireID()
            let teacherID = try await User.query(on: app.db).filter(\.$login == "teacher").first()!.requireID()
            let vpr = try await app.demoVPR().requireID()
            let zyrPlan = try await GapPlan.query(on: app.db).filter(\.$school.$id == zyr).first()!.requireID()
            let mihPlan = try await GapPlan.query(on: app.db).filter(\.$school.$id == mih).first()!.requireID()
            let zyrCheck = try await GapRediagnosis.query(on: app.db).filter(\.$plan.$id == zyrPlan).first()!.requireID()
            let zyrCode = try await SheetCode.query(on: app.db).filter(\.$school.$id == zyr).filter(\.$revokedAt == nil).first()!
            let zyrInformed = try await SheetInforming.query(on: app.db).filter(\.$school.$id == zyr).first()!.requireID()
            let zyrAct = try await LocalActVersion.query(on: app.db).filter(\.$school.$id == zyr).filter(\.$act == "marks").first()!.requireID()
            let august = try await Meeting.query(on: app.db).filter(\.$date == "2025-08-27").first()!.requireID()
            let zyrInterview = try await Meeting.query(on: app.db).filter(\.$school.$id == zyr).filter(\.$kind == "interview").first()!.requireID()
            let zyrDecision = try await Decision.query(on: app.db).filter(\.$meeting.$id == zyrInterview).first()!.requireID()
            let rmo = try await MethodAssociation.query(on: app.db).filter(\.$school.$id == nil).first()!.requireID()
            let zyrShmo = try await MethodAssociation.query(on: app.db).filter(\.$school.$id == zyr).first()!.requireID()
            let rmoRec = try await Recommendation.query(on: app.db).filter(\.$association.$id == rmo).first()!.requireID()
            let seminar = try await Seminar.query(on: app.db).first()!.requireID()
            let iom = try await DevelopmentPlan.query(on: app.db).first()!.requireID()
            let zyrStaff = try await StaffMember.query(on: app.db).filter(\.$school.$id == zyr).filter(\.$name == "Смирнова О.И.").first()!.requireID()
            let zyrCourse = try await CourseRecord.query(on: app.db).filter(\.$staff.$id == zyrStaff).first()!.requireID()
            // Expected status per user, in the order of `users`:
            // anon, specialist, head-zyr, head-mih, teacher, methodist, observer, commission, admin.
            // L = redirect to the login page, R = another redirect.
            let matrix: [(String, [String])] = [
                ("/", ["L", "200", "R", "R", "200", "200", "R", "R", "200"]),
                ("/tasks", ["L", "200", "200", "200", "200", "200", "200", "200", "200"]),
                ("/account", ["L", "200", "200", "200", "200", "200", "200", "200", "200"]),
                ("/schools", ["L", "200", "403", "403", "403", "200", "403", "403", "200"]),
                ("/schools/\(zyr)", ["L", "200", "200", "403", "200", "200", "403", "403", "200"]),
                ("/schools/\(mih)", ["L", "200", "403", "200", "403", "200", "403", "403", "200"]),
                ("/schools/\(zyr)/report.docx", ["L", "200", "200", "403", "403", "200", "403", "403", "200"]),
                ("/measures/\(m14)", ["L", "200", "200", "200", "200", "200", "403", "403", "200"]),
                ("/checkpoints/\(cp22)/report?party=\(zyr)", ["L", "200", "200", "403", "403", "403", "403", "403", "403"]),
                ("/checkpoints/\(cp14)/report?party=district", ["L", "200", "403", "403", "403", "403", "403", "403", "403"]),
                ("/checkpoints/\(cp32)/report?party=district", ["L", "200", "403", "403", "403", "200", "403", "403", "403"]),
                ("/audit", ["L", "200", "403", "403", "403", "403", "403", "403", "200"]),
                ("/admin/users", ["L", "403", "403", "403", "403", "403", "403", "403", "200"]),
                ("/admin/users/\(teacherID)", ["L", "403", "403", "403", "403", "403", "403", "403", "200"]),
                ("/admin/schools", ["L", "200", "403", "403", "403", "403", "403", "403", "200"]),
                ("/admin/schools/\(zyr)", ["L", "200", "403", "403", "403", "403", "403", "403", "200"]),
                ("/settings", ["L", "200", "403", "403", "403", "403", "403", "403", "200"]),
                ("/reports/roadmap.docx", ["L", "200", "403", "403", "403", "200", "403", "403", "200"]),
                ("/reports/roadmap.xlsx", ["L", "200", "403", "403", "403", "200", "403", "403", "200"]),
                ("/procedures/\(vpr)/analysis", ["L", "200", "R", "R", "403", "200", "403", "403", "200"]),
                ("/procedures/\(vpr)/analysis/schools/edu700101", ["L", "200", "200", "403", "403", "200", "403", "403", "200"]),
                ("/procedures/\(vpr)/analysis/schools/edu700101/report.docx", ["L", "200", "200", "403", "403", "200", "403", "403", "200"]),
                ("/procedures/\(vpr)/analysis/report.docx", ["L", "200", "403", "403", "403", "200", "403", "403", "200"]),
                ("/procedures/\(vpr)/analysis/order.docx", ["L", "200", "403", "403", "403", "403", "403", "403", "200"]),
                ("/procedures/\(vpr)/gaps/schools/edu700101", ["L", "200", "200", "403", "403", "200", "403", "403", "200"]),
                ("/procedures/\(vpr)/gaps/schools/edu700101/classes/4%D0%90", ["L", "200", "200", "403", "200", "200", "403", "403", "200"]),
                ("/procedures/\(vpr)/gaps/schools/edu700102/classes/4%D0%90", ["L", "200", "403", "200", "403", "200", "403", "403", "200"]),
                ("/procedures/\(vpr)/gaps/schools/edu700101?format=xlsx", ["L", "200", "200", "403", "403", "200", "403", "403", "200"]),
                ("/procedures/\(vpr)/sheets/schools/edu700101/classes/4%D0%90", ["L", "200", "200", "403", "200", "200", "403", "403", "200"]),
                ("/procedures/\(vpr)/sheets/schools/edu700102/classes/4%D0%90?format=docx", ["L", "200", "403", "200", "403", "200", "403", "403", "200"]),
                ("/procedures/\(vpr)/sheets", ["L", "200", "200", "200", "403", "200", "403", "403", "200"]),
                ("/sheet-codes/\(zyrCode.id!)", ["L", "403", "200", "403", "200", "403", "403", "403", "403"]),
                ("/sheet-informings/\(zyrInformed)/delete", ["L", "403", "200", "403", "200", "403", "403", "403", "403"]),
                // The demo's record has no file: 404 for those who may read it.
                ("/sheet-informings/\(zyrInformed)/file", ["L", "404", "404", "403", "404", "404", "403", "403", "404"]),
                // A parent's page needs no account: the right code opens for anyone, a wrong one for no one.
                ("/r", ["200", "200", "200", "200", "200", "200", "200", "200", "200"]),
                ("/r/\(zyrCode.code)", ["200", "200", "200", "200", "200", "200", "200", "200", "200"]),
                ("/r/AAAAAAAAAAAA", ["404", "404", "404", "404", "404", "404", "404", "404", "404"]),
                ("/admin/backups", ["L", "403", "403", "403", "403", "403", "403", "403", "200"]),
                ("/local-acts", ["L", "200", "R", "R", "403", "200", "403", "403", "200"]),
                ("/local-acts/settings", ["L", "200", "403", "403", "403", "403", "403", "403", "200"]),
                ("/local-acts/schools/\(zyr)", ["L", "200", "200", "403", "403", "200", "403", "403", "200"]),
                ("/local-acts/schools/\(mih)", ["L", "200", "403", "200", "403", "200", "403", "403", "200"]),
                ("/local-act-versions/\(zyrAct)", ["L", "200", "200", "403", "403", "200", "403", "403", "200"]),
                ("/local-act-versions/\(zyrAct)/file", ["L", "200", "200", "403", "403", "200", "403", "403", "200"]),
                ("/local-act-versions/\(zyrAct)/delete", ["L", "403", "200", "403", "403", "403", "403", "403", "403"]),
                ("/api/v1/local-acts", ["401", "200", "200", "200", "403", "200", "403", "403", "200"]),
                ("/gap-plans", ["L", "200", "200", "200", "200", "200", "403", "403", "200"]),
                ("/gap-plans/\(zyrPlan)", ["L", "200", "200", "403", "200", "200", "403", "403", "200"]),
                ("/gap-plans/\(mihPlan)", ["L", "200", "403", "200", "403", "200", "403", "403", "200"]),
                ("/gap-plans/\(zyrPlan)/plan.docx", ["L", "200", "200", "403", "200", "200", "403", "403", "200"]),
                ("/gap-plans/\(mihPlan)/plan.xlsx", ["L", "200", "403", "200", "403", "200", "403", "403", "200"]),
                ("/gap-plans/schools/\(zyr)", ["L", "200", "200", "403", "403", "200", "403", "403", "200"]),
                ("/gap-plans/schools/\(mih)/summary.docx", ["L", "200", "403", "200", "403", "200", "403", "403", "200"]),
                ("/gap-plans/\(zyrPlan)/rediagnoses/new", ["L", "403", "200", "403", "200", "403", "403", "403", "403"]),
                ("/gap-plans/\(mihPlan)/delete", ["L", "403", "403", "200", "403", "403", "403", "403", "403"]),
                ("/gap-rediagnoses/\(zyrCheck)", ["L", "200", "200", "403", "200", "200", "403", "403", "200"]),
                ("/gap-rediagnoses/\(zyrCheck)/template.xlsx", ["L", "403", "200", "403", "200", "403", "403", "403", "403"]),
                ("/procedures/\(vpr)/reference", ["L", "200", "403", "403", "403", "403", "403", "403", "403"]),
                ("/procedures/\(vpr)/objectivity", ["L", "200", "R", "R", "403", "403", "403", "403", "200"]),
                ("/procedures/\(vpr)/objectivity/schools/edu700101", ["L", "200", "200", "403", "403", "403", "403", "403", "200"]),
                ("/objectivity", ["L", "200", "403", "403", "403", "403", "403", "403", "200"]),
                ("/observers", ["L", "200", "403", "403", "403", "403", "403", "403", "200"]),
                ("/observers/acts", ["L", "200", "403", "403", "403", "403", "403", "403", "200"]),
                ("/procedures/\(vpr)/observers", ["L", "200", "403", "403", "403", "403", "403", "403", "200"]),
                ("/observer", ["L", "200", "403", "403", "403", "200", "200", "403", "403"]),
                ("/commission", ["L", "403", "403", "403", "403", "403", "403", "200", "403"]),
                ("/seminars", ["L", "200", "403", "403", "403", "200", "403", "403", "200"]),
                ("/seminars/new", ["L", "200", "403", "403", "403", "200", "403", "403", "403"]),
                ("/seminars/\(seminar)", ["L", "200", "403", "403", "403", "200", "403", "403", "200"]),
                ("/seminars/\(seminar)/delete", ["L", "200", "403", "403", "403", "200", "403", "403", "403"]),
                ("/procedures/\(vpr)/recheck", ["L", "200", "403", "403", "403", "403", "403", "403", "200"]),
                ("/measures/new", ["L", "200", "403", "403", "403", "403", "403", "403", "403"]),
                ("/measures/\(m14)/edit", ["L", "200", "403", "403", "403", "403", "403", "403", "403"]),
                ("/roadmap/load", ["L", "200", "403", "403", "403", "403", "403", "403", "403"]),
                ("/procedures", ["L", "200", "200", "200", "403", "200", "403", "403", "200"]),
                ("/procedures/new", ["L", "200", "403", "403", "403", "403", "403", "403", "403"]),
                ("/procedures/\(vpr)/edit", ["L", "200", "403", "403", "403", "403", "403", "403", "403"]),
                ("/procedures/\(vpr)/spec.json", ["L", "200", "403", "403", "403", "200", "403", "403", "200"]),
                ("/calendar", ["L", "200", "200", "200", "403", "200", "403", "403", "200"]),
                ("/api/v1/roadmap", ["401", "200", "200", "200", "200", "200", "403", "403", "200"]),
                ("/api/v1/audit", ["401", "200", "403", "403", "403", "403", "403", "403", "200"]),
                ("/api/v1/procedures", ["401", "200", "200", "200", "200", "200", "403", "403", "200"]),
                ("/api/v1/procedures/\(vpr)/gaps?school=edu700101", ["401", "200", "200", "403", "400", "200", "403", "403", "200"]),
                ("/api/v1/procedures/\(vpr)/gaps?school=edu700101&class=4%D0%90", ["401", "200", "200", "403", "200", "200", "403", "403", "200"]),
                ("/api/v1/procedures/\(vpr)/gaps?school=edu700102&class=4%D0%90", ["401", "200", "403", "200", "403", "200", "403", "403", "200"]),
                ("/api/v1/me", ["401", "200", "200", "200", "200", "200", "200", "200", "200"]),
                ("/meetings", ["L", "200", "200", "200", "200", "200", "403", "403", "200"]),
                ("/meetings/new", ["L", "200", "200", "200", "403", "200", "403", "403", "403"]),
                ("/meetings/templates", ["L", "200", "403", "403", "403", "403", "403", "403", "200"]),
                ("/meetings/\(august)", ["L", "200", "200", "200", "403", "403", "403", "403", "200"]),
                ("/meetings/\(august)/order.docx", ["L", "200", "403", "403", "403", "403", "403", "403", "200"]),
                ("/meetings/\(zyrInterview)", ["L", "200", "200", "403", "403", "403", "403", "403", "200"]),
                ("/meetings/\(zyrInterview)/protocol.docx", ["L", "200", "200", "403", "403", "403", "403", "403", "200"]),
                ("/decisions", ["L", "200", "200", "200", "200", "200", "403", "403", "200"]),
                ("/decisions/\(zyrDecision)", ["L", "200", "200", "403", "403", "403", "403", "403", "200"]),
                ("/api/v1/meetings", ["401", "200", "200", "200", "200", "200", "403", "403", "200"]),
                ("/api/v1/decisions", ["401", "200", "200", "200", "200", "200", "403", "403", "200"]),
                // Staff and courses (3.4): a head their own school's people; methodists read; a
                // specialist keeps them all, the administrator reads.
                ("/staff", ["L", "200", "200", "200", "403", "200", "403", "403", "200"]),
                ("/staff/coverage", ["L", "200", "200", "200", "403", "200", "403", "403", "200"]),
                ("/staff/report.docx", ["L", "200", "200", "200", "403", "200", "403", "403", "200"]),
                ("/staff/report.xlsx", ["L", "200", "200", "200", "403", "200", "403", "403", "200"]),
                ("/staff/\(zyrStaff)", ["L", "200", "200", "403", "403", "200", "403", "403", "200"]),
                ("/staff/\(zyrStaff)/delete", ["L", "200", "200", "403", "403", "403", "403", "403", "403"]),
                ("/courses/\(zyrCourse)/delete", ["L", "200", "200", "403", "403", "403", "403", "403", "403"]),
                ("/api/v1/staff/courses", ["401", "200", "200", "200", "403", "200", "403", "403", "200"]),
                ("/staff/needs", ["L", "200", "200", "200", "403", "200", "403", "403", "200"]),
                // The demo teacher's ИОМ: their school's head and the teacher only.
                ("/development-plans/\(iom)", ["L", "403", "200", "403", "200", "403", "403", "403", "403"]),
                ("/development-plans/\(iom)/delete", ["L", "403", "200", "403", "403", "403", "403", "403", "403"]),
                // Methodical associations (3.1): the РМО is everyone's to read; a school's ШМО its
                // school's and the district's; the library is the district's.
                ("/associations", ["L", "200", "200", "200", "200", "200", "403", "403", "200"]),
                ("/associations/\(rmo)", ["L", "200", "200", "200", "200", "200", "403", "403", "200"]),
                ("/associations/\(zyrShmo)", ["L", "200", "200", "403", "200", "200", "403", "403", "200"]),
                ("/associations/\(rmo)/delete", ["L", "200", "403", "403", "403", "403", "403", "403", "403"]),
                ("/associations/\(zyrShmo)/delete", ["L", "200", "200", "403", "403", "403", "403", "403", "403"]),
                ("/recommendations", ["L", "200", "200", "200", "200", "200", "403", "403", "200"]),
                ("/recommendations/\(rmoRec)", ["L", "200", "200", "200", "200", "200", "403", "403", "200"]),
                ("/recommendations/\(rmoRec)/file", ["L", "200", "200", "200", "200", "200", "403", "403", "200"]),
                ("/recommendations/\(rmoRec)/delete", ["L", "200", "403", "403", "403", "200", "403", "403", "403"]),
            ]
            var failures: [String] = []
            for (index, login) in Self.users.enumerated() {
                let b = Browser(app)
                if login != "-" { assertEq(try await b.login(login).status, .seeOther, login) }
                for (path, expected) in matrix {
                    let res = try await b.get(path)
                    let got: String
                    if res.status == .seeOther {
                        got = res.headers.first(name: .location)?.hasPrefix("/login") == true ? "L" : "R"
                    } else {
                        got = "\(res.status.code)"
                    }
                    if got != expected[index] { failures.append("\(login) GET \(path): expected \(expected[index]), got \(got)") }
                }
            }
            XCTAssertEqual(failures, [], failures.joined(separator: "\n"))
        }
    }

    /// State-changing routes refuse users outside their role or school, and change nothing.
    func testForbiddenWritesChangeNothing() async throws {
        try await withApp { app in
            let mih = try await app.school("edu700102").requireID()
            let cp22 = try await app.checkpoints("2.2")[0].requireID()
            let headZyr = Browser(app)
            try await headZyr.login("head-zyr")
            let before = try await CheckpointReport.query(on: app.db).count()
            assertStatus(try await headZyr.postMultipart("/checkpoints/\(cp22)/report?party=\(mih)", ["status": "done", "text": "чужая школа"], files: []), .forbidden)
            assertStatus(try await headZyr.post("/schools/\(mih)/classes", ["schoolYear": "2025-2026", "name": "9Б", "enrolment": "20"]), .forbidden)
            assertStatus(try await headZyr.post("/settings", ["departmentName": "X", "timeZone": "Asia/Tomsk", "letterhead": "", "signature": ""]), .forbidden)
            assertStatus(try await headZyr.post("/measures", ["sectionNumber": "1", "sectionTitle": "s", "number": "1.9", "title": "t", "timing": "Май", "responsible": "r", "expectedResult": "e"]), .forbidden)
            assertStatus(try await headZyr.postMultipart("/admin/schools/enrolment", ["schoolYear": "2025-2026"],
                                                         files: [("file", "e.csv", Array("Логин;Класс;Обучающихся\nedu700101;4А;1\n".utf8))]), .forbidden)
            assertStatus(try await headZyr.post("/admin/schools/\(mih)", ["fullName": "X", "shortName": "X", "type": "СОШ", "isActive": "0"]), .forbidden)
            let specialist = Browser(app)
            try await specialist.login("specialist")
            assertStatus(try await specialist.post("/admin/users", ["login": "x1", "name": "X", "role": "admin"]), .forbidden)
            let observer = Browser(app)
            try await observer.login("observer")
            assertStatus(try await observer.postMultipart("/checkpoints/\(cp22)/report?party=\(mih)", ["status": "done", "text": "x"], files: []), .forbidden)
            assertEq(try await CheckpointReport.query(on: app.db).count(), before)
            assertEq(try await User.query(on: app.db).filter(\.$login == "x1").count(), 0)
            assertEq(try await app.school("edu700102").isActive, true)
            assertEq(try await Measure.query(on: app.db).filter(\.$number == "1.9").count(), 0)
        }
    }
}
