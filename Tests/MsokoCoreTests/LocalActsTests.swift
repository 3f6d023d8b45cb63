import Foundation
@testable import MsokoCore
import XCTest

/// Local acts (issue 17): the review window, an act's status from its versions, superseded
/// citations, the typed lists.
final class LocalActsTests: XCTestCase {
    func d(_ s: String) -> LocalDate { LocalDate(iso: s)! }

    func testTheWindowIsTheLatestMayToAugust() {
        XCTAssertEqual(LocalActs.window(containingOrBefore: d("2026-12-02")).start, d("2026-05-01"))
        XCTAssertEqual(LocalActs.window(containingOrBefore: d("2026-12-02")).end, d("2026-08-31"))
        XCTAssertEqual(LocalActs.window(containingOrBefore: d("2027-04-30")).start, d("2026-05-01"))
        XCTAssertEqual(LocalActs.window(containingOrBefore: d("2027-05-01")).start, d("2027-05-01"))
        XCTAssertEqual(LocalActs.window(containingOrBefore: d("2027-06-15")).start, d("2027-05-01"))
    }

    func testStatusFromTheNewestVersion() {
        let today = d("2026-12-02")
        typealias V = LocalActs.VersionFacts
        XCTAssertEqual(LocalActs.status([], today: today), .missing)
        XCTAssertEqual(LocalActs.status([V(number: 1, adoptedOn: d("2025-06-10"), published: true)], today: today), .notUpdated)
        XCTAssertEqual(LocalActs.status([V(number: 1, adoptedOn: d("2026-04-30"), published: true)], today: today), .notUpdated, "the day before the window")
        XCTAssertEqual(LocalActs.status([V(number: 1, adoptedOn: d("2026-05-01"), published: false)], today: today), .adopted)
        XCTAssertEqual(LocalActs.status([V(number: 1, adoptedOn: d("2026-10-01"), published: true)], today: today), .published, "adopted after the window still counts for this cycle")
        // A newer version waiting decides, whatever the older one's state.
        XCTAssertEqual(LocalActs.status([V(number: 1, adoptedOn: d("2026-06-01"), published: true), V(number: 2, adoptedOn: nil, published: false)], today: today), .underReview)
        XCTAssertEqual(LocalActs.status([V(number: 2, adoptedOn: d("2026-06-01"), published: false), V(number: 1, adoptedOn: nil, published: false)], today: today), .adopted)
        // Next May the same act is due again.
        XCTAssertEqual(LocalActs.status([V(number: 1, adoptedOn: d("2026-06-01"), published: true)], today: d("2027-05-02")), .notUpdated)
    }

    func testSupersededCitationsAreFlagged() {
        let superseded = LocalActs.defaultSuperseded
        let old = Citation(title: "приказ о порядке", number: "№ 1015", date: "2013-08-30")
        let sameNumberOtherDate = Citation(title: "другой приказ", number: "1015", date: "2019-01-01")
        let byTitle = Citation(title: superseded[1].citation.title.uppercased())
        let fine = Citation(title: "Федеральный закон «Об образовании в Российской Федерации»", number: "273-ФЗ", date: "2012-12-29")
        let flags = LocalActs.flags([old, sameNumberOtherDate, byTitle, fine], superseded: superseded)
        XCTAssertEqual(flags.map(\.citation), [old, byTitle])
        XCTAssertEqual(flags[0].superseded.replacedBy, "приказ Минпросвещения России от 22.03.2021 № 115")
        XCTAssertTrue(LocalActs.flags([fine], superseded: superseded).isEmpty)
    }

    func testTypedListsAreParsedWithProblemsByLine() {
        let (citations, problems) = LocalActs.parseCitations("""
        Федеральный закон «Об образовании» | 273-ФЗ | 29.12.2012

        Устав школы
        Приказ | № 115 | 32.03.2021
        a | b | c | d
        """)
        XCTAssertEqual(citations, [Citation(title: "Федеральный закон «Об образовании»", number: "273-ФЗ", date: "2012-12-29"), Citation(title: "Устав школы")])
        XCTAssertEqual(problems.count, 2)
        XCTAssertTrue(problems[0].hasPrefix("строка 4: дата «32.03.2021»"), problems[0])
        XCTAssertTrue(problems[1].hasPrefix("строка 5:"), problems[1])
        let (acts, bad) = LocalActs.parseSuperseded(LocalActs.lines(LocalActs.defaultSuperseded) + "\nбез замены | 1 | 01.01.2020 |")
        XCTAssertEqual(acts, LocalActs.defaultSuperseded, "the lines a district edits read back the same")
        XCTAssertEqual(bad.count, 1)
        XCTAssertEqual(LocalActs.parseCitations(LocalActs.lines(citations)).citations, citations)
    }
}
