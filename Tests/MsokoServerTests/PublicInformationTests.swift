import Fluent
#if canImport(FoundationXML)
import FoundationXML
#endif
import XCTest
import XCTVapor
@testable import MsokoCore
@testable import MsokoServer

/// Open information about assessment (4.1, issue 18): the public pages without login, what they
/// must never show, the «публиковать» switch, the Atom feed, the school's block and its framing.
final class PublicInformationTests: XCTestCase {
    /// Every endpoint anyone may open without signing in, and why. A new anonymous endpoint must be
    /// added here knowingly.
    static let anonymous: Set<String> = [
        "GET /static/msoko.css", "GET /static/upload.js", "GET /static/names.js", "GET /static/print.js", "GET /healthz",
        "GET /login", "POST /login", "POST /logout", "GET /setup", "POST /setup",
        "GET /ical/:token", "GET /r", "GET /r/:code",
        "GET /public", "GET /public/schedule", "GET /public/results", "GET /public/documents", "GET /public/documents/:documentID",
        "GET /public/news", "GET /public/news.atom", "GET /public/schools/:login", "GET /public/schools/:login/embed", "GET /public/view",
    ]

    static func publicPaths(_ app: Application) async throws -> [String] {
        let procedures = try await Procedure.query(on: app.db).all().compactMap(\.id)
        let schools = try await School.query(on: app.db).all().map(\.login)
        return ["/public", "/public/schedule", "/public/schedule?period=all", "/public/results", "/public/documents", "/public/news"]
            + procedures.map { "/public/results?procedure=\($0)" } + schools.map { "/public/schools/\($0)" } + schools.map { "/public/schools/\($0)/embed" }
    }

    func testAnonymousOpensExactlyThePublicEndpoints() async throws {
        let open = Set(Site.all.filter { $0.access == .anyone }.map { "\($0.method.rawValue) /\($0.pattern)" })
        XCTAssertEqual(open.subtracting(Self.anonymous).sorted(), [], "anonymous endpoints not listed here")
        XCTAssertEqual(Self.anonymous.subtracting(open).sorted(), [], "listed here but not anonymous")
        try await withApp { app in
            let b = Browser(app)
            for path in try await Self.publicPaths(app) {
                let res = try await b.get(path)
                assertStatus(res, .ok, path)
                XCTAssertEqual(res.headers.first(name: .cacheControl), "public, max-age=60", path)
                XCTAssertTrue(res.headers[.setCookie].isEmpty, "\(path) sets a cookie: a shared cache would keep it")
                XCTAssertNil(EndpointTests.escapedTwice(res), path)
            }
            // The publishers' page is not public.
            let location = try await b.get("/publication").headers.first(name: .location) ?? ""
            XCTAssertTrue(location.hasPrefix("/login"), location)
        }
    }

    /// Walks every public page: no table row or list item with figures names a school other than
    /// the page's own (none on the district's pages), and no page names a person.
    func testNoPublicPageListsTwoSchoolsResults() async throws {
        try await withApp { app in
            let schools = try await School.query(on: app.db).all()
            let people = try await User.query(on: app.db).all().map(\.name) + (try await Observer.query(on: app.db).all().map(\.fullName))
            let b = Browser(app)
            var results = 0
            for path in try await Self.publicPaths(app) {
                let page = try await b.get(path).body.string
                let own = schools.first { path.hasPrefix("/public/schools/\($0.login)") }
                // Rows and items carrying a figure («%»).
                let pieces = page.components(separatedBy: "<tr>").dropFirst().map { $0.components(separatedBy: "</tr>")[0] }
                    + page.components(separatedBy: "<li>").dropFirst().map { $0.components(separatedBy: "</li>")[0] }
                for piece in pieces where piece.contains("%") {
                    results += 1
                    for s in schools where s.id != own?.id {
                        let names = [s.shortName, s.fullName, s.login].map { HTML.escape($0) }
                        XCTAssertFalse(names.contains { piece.contains($0) }, "\(path): a figure beside \(s.shortName): \(piece.prefix(200))")
                    }
                }
                for name in people where !name.isEmpty { XCTAssertFalse(page.contains(HTML.escape(name)), "\(path) names \(name)") }
            }
            XCTAssertGreaterThan(results, 20, "the walk saw the published figures")
        }
    }

    func testSmallGroupsAndTheirComplementsAreSuppressed() async throws {
        try await withApp { app in
            let vpr = try await app.demoVPR()
            let rows = try await WorkRow.query(on: app.db).filter(\.$procedure.$id == vpr.requireID()).all()
            let boys = rows.filter { PublicSnapshot.genderKey($0.gender) == "boys" }.count
            let girls = rows.filter { PublicSnapshot.genderKey($0.gender) == "girls" }.count
            XCTAssertGreaterThan(min(boys, girls), 20)
            let b = Browser(app)
            try await b.login("specialist")
            let url = "/public/results?procedure=\(vpr.id!)"
            let anon = Browser(app)
            // Both halves above the minimum: both shown.
            var page = try await anon.get(url).body.string
            XCTAssertTrue(page.contains(#"<th scope="row">Мальчики</th><td class="num">\#(boys)</td>"#), "boys shown")
            XCTAssertFalse(page.contains("скрыто вместе с меньшей группой"))
            // The minimum between the two: the smaller is hidden, and the larger with it.
            let minimum = min(boys, girls) + 1
            XCTAssertLessThanOrEqual(minimum, 100)
            try await b.get("/publication")
            assertStatus(try await b.post("/publication/settings", ["minimum": String(max(minimum, 5))]), .seeOther)
            page = try await anon.get(url).body.string
            XCTAssertFalse(page.contains(#"<th scope="row">Мальчики</th><td class="num">\#(boys)</td>"#))
            XCTAssertFalse(page.contains(#"<th scope="row">Девочки</th><td class="num">\#(girls)</td>"#))
            XCTAssertTrue(page.contains("скрыто вместе с меньшей группой"), "the complement is marked")
            XCTAssertTrue(page.contains(#"<th scope="row">Район</th><td class="num">\#(rows.count)</td>"#), "the district itself is shown")
            // Bad input: refused with the field named, nothing changed.
            let refused = try await b.post("/publication/settings", ["minimum": "3"])
            assertStatus(refused, .seeOther)
            assertContains(try await b.get("/publication"), "Поле «Наименьшая публикуемая группа»: «3» — целое число от 5 до 100.")
            // A school's own page, when the district enables it: a class-sized group shows no figures.
            let zyr = try await app.school("edu700101")
            let zyrWorks = rows.filter { $0.$school.id == zyr.id }.count
            try await b.post("/publication/settings", ["minimum": String(zyrWorks + 1), "results-edu700101": "on"])
            page = try await anon.get("/public/schools/edu700101").body.string
            XCTAssertTrue(page.contains("Результаты школы"))
            XCTAssertTrue(page.contains(#"<th scope="row">\#(HTML.escape(ProcedureStore.title(vpr)))</th><td class="num">—</td><td colspan="6" class="muted">не публикуется"#), "under the minimum")
            // Switched off: the school's page shows no results at all.
            try await b.post("/publication/settings", ["minimum": "10"])
            assertNotContains(try await anon.get("/public/schools/edu700101"), "Результаты школы")
            let audit = try await AuditEntry.query(on: app.db).filter(\.$entity == "public_settings").count()
            XCTAssertEqual(audit, 3)
        }
    }

    func testADocumentIsPublicOnlyOnceSwitchedOnWithTheConfirmation() async throws {
        try await withApp { app in
            let head = Browser(app)
            try await head.login("head-zyr")
            try await head.get("/publication")
            // Bad input: every problem named at once, nothing stored.
            let before = try await PublicDocument.query(on: app.db).count()
            var res = try await head.postMultipart("/publication/documents", ["kind": "x", "title": "", "date": "32.01.2026"], files: [("file", "a.exe", [77, 90, 0, 0])])
            assertStatus(res, .seeOther)
            let errors = try await head.get("/publication").body.string
            for message in ["Поле «Вид документа»: выберите из списка.", "Поле «Название»: заполните.", "Поле «Дата документа»", "Поле «Файл»: «a.exe»"] {
                XCTAssertTrue(errors.contains(HTML.escape(message)), message)
            }
            assertEq(try await PublicDocument.query(on: app.db).count(), before)
            // Uploaded: kept, not public.
            let pdf = Array("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n".utf8)
            res = try await head.postMultipart("/publication/documents", ["kind": "local_act", "title": "Положение о ВСОКО (новая редакция)", "number": "15", "date": "10.01.2026"],
                                               files: [("file", "vsoko.pdf", pdf)])
            assertStatus(res, .seeOther)
            let d = try await PublicDocument.query(on: app.db).filter(\.$title == "Положение о ВСОКО (новая редакция)").first()!
            XCTAssertFalse(d.published)
            assertEq(d.$school.id, try await app.school("edu700101").id)
            let anon = Browser(app)
            assertStatus(try await anon.get("/public/documents/\(d.id!)"), .notFound)
            assertNotContains(try await anon.get("/public/documents"), "Положение о ВСОКО (новая редакция)")
            // Without the confirmation: refused, still unpublished.
            try await head.get("/publication")
            res = try await head.post("/public-documents/\(d.id!)/publish", [:])
            assertStatus(res, .seeOther)
            assertContains(try await head.get("/publication"), "подтвердите, что в нём нет персональных данных")
            let reloaded = try await PublicDocument.find(d.id, on: app.db)!
            XCTAssertFalse(reloaded.published)
            // Another school's head may not publish it.
            let mih = Browser(app)
            try await mih.login("head-mih")
            try await mih.get("/publication")
            assertStatus(try await mih.post("/public-documents/\(d.id!)/publish", ["confirm": "on"]), .forbidden)
            assertStatus(try await mih.get("/public-documents/\(d.id!)/file"), .forbidden)
            // Confirmed: public, listed on the school's page, audited.
            try await head.get("/publication")
            assertStatus(try await head.post("/public-documents/\(d.id!)/publish", ["confirm": "on"]), .seeOther)
            let file = try await anon.get("/public/documents/\(d.id!)")
            assertStatus(file, .ok)
            XCTAssertEqual(Array(file.body.readableBytesView), pdf)
            assertContains(try await anon.get("/public/schools/edu700101"), "Положение о ВСОКО (новая редакция)")
            assertContains(try await anon.get("/public/documents"), "Положение о ВСОКО (новая редакция)")
            let publish = try await AuditEntry.query(on: app.db).filter(\.$entity == "public_document").filter(\.$action == "publish").first()
            XCTAssertEqual(publish?.userLogin, "head-zyr")
            // Taken down by the district: gone again.
            let specialist = Browser(app)
            try await specialist.login("specialist")
            try await specialist.get("/publication")
            assertStatus(try await specialist.post("/public-documents/\(d.id!)/unpublish", [:]), .seeOther)
            assertStatus(try await anon.get("/public/documents/\(d.id!)"), .notFound)
            // The demo's unpublished order (with names) is on the publishers' page, not on the public one.
            assertContains(try await specialist.get("/publication"), "О составе муниципальной комиссии по перепроверке работ")
            assertNotContains(try await anon.get("/public/documents"), "О составе муниципальной комиссии")
        }
    }

    func testNewsAndTheAtomFeed() async throws {
        try await withApp { app in
            let specialist = Browser(app)
            try await specialist.login("specialist")
            try await specialist.get("/publication")
            assertStatus(try await specialist.post("/publication/news", ["title": "", "body": ""]), .seeOther)
            let refused = try await specialist.get("/publication").body.string
            XCTAssertTrue(refused.contains("Поле «Заголовок»: заполните.") && refused.contains("Поле «Текст»: заполните."))
            let hostile = #"<script>alert("x")</script> & «ВПР»"#
            assertStatus(try await specialist.post("/publication/news", ["title": hostile, "body": "Первый абзац.\n\nВторой & последний."]), .seeOther)
            let anon = Browser(app)
            let page = try await anon.get("/public/news").body.string
            XCTAssertTrue(page.contains(HTML.escape(hostile)))
            XCTAssertFalse(page.contains("<script>alert"))
            let feed = try await anon.get("/public/news.atom")
            XCTAssertEqual(feed.headers.first(name: .contentType), "application/atom+xml; charset=utf-8")
            final class Collector: NSObject, XMLParserDelegate {
                var entries = 0
                var titles: [String] = []
                var text = ""
                func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
                    text = ""
                    if name == "entry" { entries += 1 }
                }
                func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }
                func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) { if name == "title" { titles.append(text) } }
            }
            let parser = XMLParser(data: Data(feed.body.string.utf8))
            let c = Collector()
            parser.delegate = c
            XCTAssertTrue(parser.parse())
            let count = try await NewsPost.query(on: app.db).count()
            XCTAssertEqual(c.entries, count)
            XCTAssertEqual(c.titles.dropFirst().first, hostile, "the newest first")
            // One school's feed: its news only.
            let school = try await anon.get("/public/news.atom?school=edu700101").body.string
            XCTAssertEqual(school.components(separatedBy: "<entry>").count - 1, 1)
            assertStatus(try await anon.get("/public/news.atom?school=nosuch"), .notFound)
            // Taken down with confirmation, audited.
            let n = try await NewsPost.query(on: app.db).filter(\.$title == hostile).first()!
            assertContains(try await specialist.get("/news/\(n.id!)/delete"), "Снять новость")
            assertStatus(try await specialist.post("/news/\(n.id!)/delete", [:]), .seeOther)
            assertNotContains(try await anon.get("/public/news"), HTML.escape(hostile))
            assertEq(try await AuditEntry.query(on: app.db).filter(\.$entity == "news_post").count(), 2)
            // A head may not take down the district's news.
            let district = try await NewsPost.query(on: app.db).filter(\.$school.$id == nil).first()!
            let head = Browser(app)
            try await head.login("head-zyr")
            assertStatus(try await head.get("/news/\(district.id!)/delete"), .forbidden)
        }
    }

    func testOnlyTheBlockMayBeFramedAndOnlyByTheSchoolsSites() async throws {
        try await withApp { app in
            let anon = Browser(app)
            let embed = try await anon.get("/public/schools/edu700101/embed")
            assertStatus(embed, .ok)
            let csp = embed.headers.first(name: "Content-Security-Policy") ?? ""
            XCTAssertTrue(csp.contains("frame-ancestors https://zyr-school.example.ru"), csp)
            XCTAssertTrue(csp.contains("default-src 'none'"), "no script, nothing else loaded")
            XCTAssertNil(embed.headers.first(name: "X-Frame-Options"))
            XCTAssertFalse(embed.body.string.contains("<script"))
            // Every other page, public or not, keeps frame-ancestors 'none'.
            for path in ["/public", "/public/schools/edu700101", "/login", "/public/schools/edu700102/embed"] {
                let res = try await anon.get(path)
                XCTAssertTrue(res.headers.first(name: "Content-Security-Policy")?.contains("frame-ancestors 'none'") == true, path)
                if path != "/public/schools/edu700102/embed" { XCTAssertEqual(res.headers.first(name: "X-Frame-Options"), "DENY", path) }
            }
            // The head lists the school's sites: bad lines named, nothing saved; good ones reduced to origins.
            let head = Browser(app)
            try await head.login("head-mih")
            let mih = try await app.school("edu700102")
            try await head.get("/publication")
            assertStatus(try await head.post("/publication/schools/\(mih.id!)", ["origins": "https://mih.example.ru/vpr\njavascript:alert(1)"]), .seeOther)
            assertContains(try await head.get("/publication"), "строка 2")
            var csp2 = try await anon.get("/public/schools/edu700102/embed").headers.first(name: "Content-Security-Policy") ?? ""
            XCTAssertTrue(csp2.contains("frame-ancestors 'none'"), csp2)
            assertStatus(try await head.post("/publication/schools/\(mih.id!)", ["origins": "https://mih.example.ru/vpr"]), .seeOther)
            let page = try await head.get("/publication").body.string
            XCTAssertTrue(page.contains(HTML.escape(#"<iframe src="http://localhost:8080/public/schools/edu700102/embed""#)) || page.contains("/public/schools/edu700102/embed"), "the snippet")
            csp2 = try await anon.get("/public/schools/edu700102/embed").headers.first(name: "Content-Security-Policy") ?? ""
            XCTAssertTrue(csp2.contains("frame-ancestors https://mih.example.ru"), csp2)
            // Another school's sites are not this head's to set.
            let zyr = try await app.school("edu700101")
            assertStatus(try await head.post("/publication/schools/\(zyr.id!)", ["origins": "https://evil.example"]), .forbidden)
        }
    }

    func testTheViewForTheVisuallyImpairedIsKeptAcrossPages() async throws {
        try await withApp { app in
            let anon = Browser(app)
            let res = try await anon.get("/public/view?size=2&scheme=wb&back=/public/results")
            assertLocation(res, "/public/results")
            XCTAssertEqual(anon.cookies[PublicView.cookie], "2-wb")
            for path in ["/public/results", "/public/schedule", "/public/schools/edu700101"] {
                assertContains(try await anon.get(path), #"class="pub size-2 scheme-wb""#)
            }
            // No open redirect; back to the ordinary view.
            assertLocation(try await anon.get("/public/view?size=0&scheme=normal&back=//evil.example/x"), "/public")
            assertLocation(try await anon.get("/public/view?back=https://evil.example"), "/public")
            assertContains(try await anon.get("/public"), #"class="pub size-0 scheme-normal""#)
        }
    }

    func testSeveralDistrictsAreChosenFromAList() async throws {
        try await withApp { app in
            let first = try await Municipality.query(on: app.db).first()!
            let other = Municipality(regionID: first.$region.id, name: "Асиновский район", departmentName: "Управление образования Асиновского района", timeZone: "Asia/Tomsk")
            try await other.create(on: app.db)
            let anon = Browser(app)
            let list = try await anon.get("/public")
            assertStatus(list, .ok)
            assertContains(list, "Выберите район")
            assertContains(list, "Асиновский район")
            assertStatus(try await anon.get("/public/results"), .notFound)
            let chosen = try await anon.get("/public?district=\(first.id!)")
            assertContains(chosen, "Оценка качества образования: \(first.name)")
            assertContains(chosen, "/public/schedule?district=\(first.id!)")
            assertStatus(try await anon.get("/public/news?district=\(other.id!)"), .ok)
        }
    }
}

extension PublicInformationTests {
    /// A head marking an adopted local act as published may place it on the school's open page at
    /// once (the same file, the confirmation recorded); without the box it stays off the public pages.
    func testAnAdoptedLocalActGoesToTheSchoolsPublicPage() async throws {
        try await withApp { app in
            let zyr = try await app.school("edu700101")
            let v = try await LocalActVersion.query(on: app.db).filter(\.$school.$id == zyr.requireID()).filter(\.$act == "shmo").first()!
            XCTAssertNil(v.publishedOn)
            let head = Browser(app)
            try await head.login("head-zyr")
            try await head.get("/local-act-versions/\(v.id!)")
            assertStatus(try await head.post("/local-act-versions/\(v.id!)/publish", ["date": "2026-01-15", "url": "", "toPublic": "on"]), .seeOther)
            let d = try await PublicDocument.query(on: app.db).filter(\.$school.$id == zyr.requireID()).filter(\.$sha256 == v.sha256).first()
            XCTAssertEqual(d?.published, true)
            XCTAssertEqual(d?.publishedBy, "head-zyr")
            XCTAssertEqual(d?.kind, "local_act")
            let anon = Browser(app)
            let file = try await anon.get("/public/documents/\(d!.id!)")
            assertStatus(file, .ok)
            XCTAssertEqual(Data(file.body.readableBytesView), v.data)
            assertContains(try await anon.get("/public/schools/edu700101"), HTML.escape(d!.title))
        }
    }
}
