import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import XCTest
@testable import MsokoCore

/// Open information (issue 18): the suppression rules on hand-made cases, the sites allowed to
/// frame a school's block, the Atom feed.
final class PublicationTests: XCTestCase {
    func shown(_ v: Suppression.Verdict) -> [String: Bool] { Dictionary(uniqueKeysWithValues: v.parts.map { ($0.key, $0.shown) }) }

    func testASmallTotalShowsNothing() {
        let v = Suppression.apply(total: 9, parts: [("boys", 5), ("girls", 4)])
        XCTAssertFalse(v.totalShown)
        XCTAssertEqual(shown(v), ["boys": false, "girls": false])
        XCTAssertTrue(Suppression.shows(10))
        XCTAssertFalse(Suppression.shows(9))
        XCTAssertTrue(Suppression.shows(5, minimum: 5))
    }

    func testEveryPartLargeEnoughIsShown() {
        let v = Suppression.apply(total: 45, parts: [("boys", 20), ("girls", 25)])
        XCTAssertTrue(v.totalShown)
        XCTAssertEqual(shown(v), ["boys": true, "girls": true])
        XCTAssertEqual(v.complementary, [])
    }

    /// 25 = 18 + 7: the seven are hidden, and so are the eighteen — else 25 − 18 gives them away.
    func testOneHiddenPartHidesTheNextSmallest() {
        let v = Suppression.apply(total: 25, parts: [("boys", 18), ("girls", 7)])
        XCTAssertTrue(v.totalShown)
        XCTAssertEqual(shown(v), ["boys": false, "girls": false])
        XCTAssertEqual(v.complementary, ["boys"])
    }

    /// Three parts, one small: the smallest of the others goes too, the largest stays.
    func testTheNextSmallestNotTheLargestIsHidden() {
        let v = Suppression.apply(total: 60, parts: [("a", 30), ("b", 4), ("c", 12), ("d", 14)])
        XCTAssertEqual(shown(v), ["a": true, "b": false, "c": false, "d": true])
        XCTAssertEqual(v.complementary, ["c"])
    }

    /// Two parts already hidden: no hidden figure follows from the rest, nothing more is hidden.
    func testTwoHiddenPartsNeedNoMore() {
        let v = Suppression.apply(total: 40, parts: [("a", 25), ("b", 8), ("c", 7)])
        XCTAssertEqual(shown(v), ["a": true, "b": false, "c": false])
        XCTAssertEqual(v.complementary, [])
    }

    /// An empty part is left out and never taken as the second hidden one: 20 = 15 + 0 + 5 must
    /// hide the fifteen, or the five are 20 − 15 − 0.
    func testAnEmptyPartIsNotTheComplement() {
        let v = Suppression.apply(total: 20, parts: [("boys", 15), ("girls", 0), ("unstated", 5)])
        XCTAssertEqual(v.parts.map(\.key), ["boys", "unstated"])
        XCTAssertEqual(shown(v), ["boys": false, "unstated": false])
        XCTAssertEqual(v.complementary, ["boys"])
    }

    /// Equal sizes: the first in the given order is taken, so the verdict does not depend on chance.
    func testTiesAreBrokenByOrder() {
        let v = Suppression.apply(total: 44, parts: [("a", 3), ("b", 12), ("c", 12), ("d", 17)])
        XCTAssertEqual(v.complementary, ["b"])
        XCTAssertEqual(shown(v), ["a": false, "b": false, "c": true, "d": true])
    }

    /// The minimum is the district's: at 5 a group of 7 is shown.
    func testTheMinimumIsASetting() {
        XCTAssertEqual(shown(Suppression.apply(total: 25, parts: [("boys", 18), ("girls", 7)], minimum: 5)), ["boys": true, "girls": true])
        XCTAssertFalse(Suppression.apply(total: 25, parts: [], minimum: 30).totalShown)
    }

    func testEmbedOriginsAreReducedAndCheckedLineByLine() {
        let ok = EmbedOrigins.parse("https://School1.edu.ru/vpr/index.html\n\nhttp://example.org:8080\nhttps://school1.edu.ru")
        XCTAssertEqual(ok.origins, ["https://school1.edu.ru", "http://example.org:8080"])
        XCTAssertEqual(ok.errors, [])
        let bad = EmbedOrigins.parse("https://*.edu.ru\nftp://x.ru\nschool.ru\nhttps://a.ru; script-src *\nhttps://школа.рф")
        XCTAssertEqual(bad.origins, [])
        XCTAssertEqual(bad.errors.count, 5)
        XCTAssertTrue(bad.errors[0].hasPrefix("Поле «Адреса сайта школы», строка 1: «https://*.edu.ru»"), bad.errors[0])
        XCTAssertTrue(bad.errors[2].contains("строка 3"))
        XCTAssertTrue(bad.errors[4].contains("punycode"))
    }

    func testTheAtomFeedIsWellFormedWhateverTheText() throws {
        let date = Date(timeIntervalSince1970: 1_768_888_800)
        let feed = AtomFeed(id: "urn:uuid:1", title: "Новости <УО> & «школы»", subtitle: "s", selfLink: "http://h/public/news.atom?a=1&b=2", pageLink: "http://h/public/news",
                            author: "Управление", entries: [
                                AtomFeed.Entry(id: "urn:uuid:2", title: "<script>alert(1)</script>", updated: date, published: date, link: "http://h/public/news#n", author: "МБОУ «СОШ»",
                                               content: "Строка\u{0}с нулём & ]]> и \"кавычками\"")
                            ], emptyUpdated: date)
        final class Collector: NSObject, XMLParserDelegate {
            var titles: [String] = []
            var text = ""
            func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) { text = "" }
            func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }
            func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) { if name == "title" { titles.append(text) } }
        }
        let parser = XMLParser(data: Data(feed.xml.utf8))
        let c = Collector()
        parser.delegate = c
        XCTAssertTrue(parser.parse(), "\(String(describing: parser.parserError))")
        XCTAssertEqual(c.titles, ["Новости <УО> & «школы»", "<script>alert(1)</script>"])
        XCTAssertTrue(feed.xml.contains("<updated>2026-01-20T06:00:00Z</updated>"))
    }
}
