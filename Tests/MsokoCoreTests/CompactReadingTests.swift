import Foundation
import XCTest
@testable import MsokoCore

/// The byte-level pieces behind reading a region's file: CSV cells as bytes, UTF-8 checked in
/// place, works in compact columns, duplicate codes told exactly.
final class CompactReadingTests: XCTestCase {
    func cells(_ text: String) -> [[String]] {
        var out: [[String]] = []
        Array(text.utf8).withUnsafeBufferPointer { b in
            CSVTable.forEachCellRow(utf8: b) { row in
                out.append((0..<row.count).map { row.string($0) })
                return true
            }
        }
        return out
    }

    func testCSVCellsAreTrimmedAndUnquoted() {
        XCTAssertEqual(cells("\u{FEFF}a; b \r\n\"x;\"\"y\"\"\";\u{00A0}7\u{00A0}\n"), [["a", "b"], ["x;\"y\"", "7"]])
        XCTAssertEqual(cells("a,b\r1,\r"), [["a", "b"], ["1", ""]], "a trailing empty field and CR line ends")
        XCTAssertEqual(cells("1;2"), [["1", "2"]], "the last line needs no line end")
        XCTAssertEqual(cells(""), [])
        XCTAssertEqual(CSVTable(text: "a;b\n\n1;2\n").rows, [["a", "b"], [""], ["1", "2"]], "an empty line is a row (it counts for line numbers)")
    }

    /// Random files split into the fields they were made of: fields from 0 to 20 bytes, Cyrillic and
    /// the other separators as data, LF, CR and CRLF line ends, a last line with and without its
    /// line end, with each of the three separators. (Written for a reader that found fields' ends
    /// eight bytes at a time — slower on fields this short, not kept; docs/benchmarks.md.)
    func testRandomFilesSplitIntoTheirFields() {
        var g = SplitMix64(seed: 17)
        let data: [[UInt8]] = [Array("a".utf8), Array("7".utf8), Array("ж".utf8), Array(" ".utf8), Array(";".utf8), Array(",".utf8), [0x09], [0x0B], [0x0C], [0x1D], [0xFF]]
        for separator in [UInt8(ascii: ";"), UInt8(ascii: ","), 0x09] {
            for _ in 0..<60 {
                var bytes: [UInt8] = []
                var expected: [[[UInt8]]] = [[]]
                for _ in 0..<Int(g.next() % 40) {
                    var field: [UInt8] = []
                    for _ in 0..<Int(g.next() % 21) { field += data[Int(g.next() % UInt64(data.count))].filter { $0 != separator } }
                    if field.first == UInt8(ascii: "\"") { field.removeFirst() }
                    bytes += field
                    expected[expected.count - 1].append(field)
                    // (A lone CR right before an LF would make one CRLF line end.)
                    switch g.next() % 6 {
                    case 0 where bytes.last != 0x0D: bytes += [0x0A]; expected.append([])
                    case 1: bytes += [0x0D]; expected.append([])
                    case 2: bytes += [0x0D, 0x0A]; expected.append([])
                    default: bytes.append(separator)
                    }
                }
                // The last line ends without a line end or after one (then no empty row follows).
                if expected.last!.isEmpty && !bytes.isEmpty && (bytes.last == 0x0A || bytes.last == 0x0D) { expected.removeLast() } else { expected[expected.count - 1].append([]) }
                if bytes.isEmpty { expected = [] }
                var got: [[[UInt8]]] = []
                bytes.withUnsafeBufferPointer { b in
                    CSVTable.forEachCellRow(utf8: b, separator: separator, from: 0, until: b.count) { row in
                        got.append((0..<row.count).map { Array(row.rawCell($0)) })
                        return true
                    }
                }
                XCTAssertTrue(got == expected, "separator \(separator): \(got.count) rows against \(expected.count) in \(bytes.count) bytes")
            }
        }
    }

    func testWideRowsAndLongQuotedFieldsOutgrowTheRowBuffers() {
        // A row of 300 cells and quoted fields of 5 000 bytes: the reader's reused buffers (64 cell
        // bounds, 256 bytes of unquoted text to start with) grow, and the next rows start empty.
        let wide = (0..<300).map { "c\($0)" }
        let long = String(repeating: "ж\"", count: 2_500)
        let text = wide.joined(separator: ";") + "\n\"" + long.replacingOccurrences(of: "\"", with: "\"\"") + "\";x;\"" + long.replacingOccurrences(of: "\"", with: "\"\"") + "\"\n1;2\n"
        XCTAssertEqual(cells(text), [wide, [long, "x", long], ["1", "2"]])
    }

    func testUTF8IsCheckedInPlaceLikeTheStandardLibrary() {
        var generator = SplitMix64(seed: 7)
        let samples: [[UInt8]] = [
            Array("Зырянская СОШ №1 ✓ 𝄞".utf8), [0xC0, 0x80], [0xE0, 0x80, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80],
            [0xD0], [0xE2, 0x82], [0xCF, 0xF0, 0xE8, 0xE2, 0xE5, 0xF2],  // «Привет» in Windows-1251
        ] + (0..<2000).map { _ in (0..<Int(generator.next() % 12)).map { _ in UInt8(truncatingIfNeeded: generator.next()) } }
        // Runs of two-byte characters (the Cyrillic fast path) with each byte in turn replaced by
        // one that ends, breaks or lengthens a character, and cut short at each length.
        let cyrillic = Array("Школа №2632 «Ёлочка» 6Аб".utf8)
        var broken: [[UInt8]] = (0...cyrillic.count).map { Array(cyrillic.prefix($0)) }
        for i in cyrillic.indices { for b: UInt8 in [0x41, 0x0A, 0x80, 0xBF, 0xC1, 0xC2, 0xD0, 0xDF, 0xE0, 0xF0] { var x = cyrillic; x[i] = b; broken.append(x) } }
        for bytes in samples + broken {
            let expected = String(validating: bytes, as: UTF8.self) != nil
            XCTAssertEqual(bytes.withUnsafeBufferPointer { TextDecoding.isValidUTF8($0) }, expected, "\(bytes)")
        }
    }

    func testUTF8IsCheckedEightBytesAtATimeLikeTheStandardLibrary() {
        // Long texts of ASCII (line feeds among it), Cyrillic, longer characters and wrong bytes
        // (overlong leads C0 and C1, lone continuations, cut characters) in every order and at every
        // offset in the eight-byte words: the same verdict as the standard library, and for valid
        // text the line feeds counted one by one.
        var generator = SplitMix64(seed: 11)
        let good: [[UInt8]] = ["a", "1;", "\n", "\r\n", "Ж", "ё", "№", "✓", "𝄞", "\u{7F}", "\u{80}", "\u{7FF}", "\u{800}", "\u{FFFF}", "\u{10000}", "\u{10FFFF}"].map { Array($0.utf8) }
        let bad: [[UInt8]] = [[0xC0, 0x80], [0xC1, 0xBF], [0x80], [0xBF], [0xD0], [0xE2, 0x84], [0xF0, 0x9D, 0x84], [0xED, 0xA0, 0x80], [0xF5, 0x80, 0x80, 0x80], [0xFF], [0xE0, 0x9F, 0xBF]]
        for round in 0..<4000 {
            var bytes: [UInt8] = []
            let pieces = Int(generator.next() % 40)
            for _ in 0..<pieces {
                let r = generator.next()
                // Mostly Cyrillic and ASCII, as a results file is.
                bytes += r % 4 == 0 ? good[Int(r >> 8) % good.count] : r % 4 == 1 ? [0xD0, 0x90 + UInt8(r >> 8 & 0x1F)] : [0x30 + UInt8(r >> 8 % 10)]
            }
            if round % 3 == 0, !bytes.isEmpty {
                let b = bad[Int(generator.next() % UInt64(bad.count))]
                bytes.insert(contentsOf: b, at: Int(generator.next() % UInt64(bytes.count + 1)))
            }
            let expected = String(validating: bytes, as: UTF8.self) != nil
            let got = bytes.withUnsafeBufferPointer { TextDecoding.scan($0, countingLines: true) }
            XCTAssertEqual(got.valid, expected, "\(bytes)")
            if expected { XCTAssertEqual(got.lineFeeds, bytes.filter { $0 == 0x0A }.count, "\(bytes)") }
        }
        // A lead byte at each place of a word, its character whole or cut by what follows (ASCII,
        // another lead, the end).
        for offset in 0..<24 {
            let before = [UInt8](repeating: 0x31, count: offset)
            for (after, valid) in [([0x96, 0x31], true), ([0x31, 0x31], false), ([0xD0, 0x96], false), ([], false)] as [([UInt8], Bool)] {
                for tail in [0, 3, 16] {
                    let bytes = before + [0xD0] + after + [UInt8](repeating: 0x0A, count: tail)
                    XCTAssertEqual(bytes.withUnsafeBufferPointer { TextDecoding.scan($0, countingLines: true).valid }, valid, "\(bytes)")
                }
            }
        }
    }

    func testWorkTableGivesBackWhatWasStored() {
        var table = WorkTable(taskCount: 3)
        var a = WorkRecord(schoolLogin: "edu700101", schoolName: "Школа", code: "10001", className: "4А", variant: "2", gender: "Ж",
                           scores: [1, WorkRecord.notDone, 2], primaryScore: 3, mark: 4, journalMark: 5, row: 7)
        a.municipality = "Зырянский район"
        let b = WorkRecord(schoolLogin: nil, schoolName: "Другая школа", code: "", className: "4Б", variant: nil, gender: nil,
                           scores: [0, 0, 0], primaryScore: 0, mark: nil, journalMark: nil, row: 8)
        table.append(a)
        table.append(b)
        table.append(a)
        XCTAssertEqual(Array(table), [a, b, a])
        XCTAssertEqual(table.schoolsInOrder.map(\.name), ["Школа", "Другая школа"])
        XCTAssertEqual(table.schoolOf(2), 0)
    }

    func testCodeSetFindsExactDuplicatesPerSchoolThroughGrowth() {
        var set = CodeSet(expected: 0)
        func insert(_ school: UInt32, _ code: String) -> Bool {
            Array(code.utf8).withUnsafeBufferPointer { set.insert(school: school, code: $0) }
        }
        for i in 0..<5000 { XCTAssertTrue(insert(UInt32(i % 7), "\(i)"), "\(i)") }
        for i in 0..<5000 { XCTAssertFalse(insert(UInt32(i % 7), "\(i)"), "\(i) again in its school") }
        XCTAssertTrue(insert(1, "0"), "the same code in another school is no duplicate")
        XCTAssertTrue(insert(0, "00"), "codes are compared whole")
    }

    func testTheCellCacheGivesWhatMakeGives() {
        // Alternating short cells, a cell and the same bytes with a NUL after them (packed alike,
        // different lengths), eight-byte and longer cells, more distinct cells than either table keeps.
        var cells: [[UInt8]] = []
        for k in 0..<3_000 {
            cells.append(k % 2 == 0 ? Array("М".utf8) : Array("Ж".utf8))
            cells.append(Array("A".utf8)); cells.append([0x41, 0]); cells.append([0x41, 0, 0])
            cells.append(Array("12345678".utf8)); cells.append(Array("123456789".utf8))
            cells.append(Array("\(k % 50)Б".utf8))
            cells.append(Array("класс \(k) «А»".utf8))
            cells.append(Array("класс \(k) «А»".utf8))
            cells.append(Array("школа \(k) «Б»".utf8))
            cells.append([])
        }
        var cache = Checker.TextCache()
        var made: [[UInt8]: UInt32] = [:]
        var calls = 0
        for c in cells {
            let value = c.withUnsafeBufferPointer { raw in
                cache.index(raw) { bytes in
                    calls += 1
                    let key = Array(bytes)
                    if let v = made[key] { return v }
                    made[key] = UInt32(made.count + 1)
                    return UInt32(made.count)
                }
            }
            XCTAssertEqual(value, c.isEmpty ? 0 : made[c] ?? 0, "\(c)")
        }
        XCTAssertLessThan(calls, cells.count / 3, "repeated cells are not made again")
    }

    func testTheSchoolCacheTellsCellsWithTheSameBytesApart() {
        // The same bytes cut differently between login, name and municipality are different schools;
        // rows alternate, so the row above's school is compared in place every time; empty cells too.
        let triples: [(String, String, String)] = [("edu1", "Школа ", "АРайон"), ("edu1", "Школа А", "Район"), ("edu1Школа", " А", "Район"),
                                                   ("", "Школа А", ""), ("", "", "Школа А"), ("edu1", "Школа ", "АРайон")]
        var cache = Checker.SchoolCache()
        var made: [String: UInt32] = [:]
        for k in 0..<600 {
            let (l, n, m) = triples[k % 3 == 0 ? k % triples.count : (k / 3) % triples.count]
            let (value, _) = Array(l.utf8).withUnsafeBufferPointer { lb in
                Array(n.utf8).withUnsafeBufferPointer { nb in
                    Array(m.utf8).withUnsafeBufferPointer { mb in
                        cache.lookup(lb, nb, mb) { l, n, m in
                            let key = [l, n, m].map { String(decoding: $0, as: UTF8.self) }.joined(separator: "|")
                            if let v = made[key] { return (v, nil) }
                            made[key] = UInt32(made.count)
                            return (UInt32(made.count - 1), nil)
                        }
                    }
                }
            }
            XCTAssertEqual(value, made["\(l)|\(n)|\(m)"], "\(l)|\(n)|\(m)")
        }
        XCTAssertEqual(made.count, 5)
    }

    func testSchoolsOfOneLoginHashApart() {
        // A file of one login under many names makes many schools: hashed by the login alone they
        // would all share a bucket (100 000 such rows once took minutes to read).
        let hashes = Set((0..<1000).map { WorkTable.School(login: "edu100000", name: "Школа № \($0)", municipality: "Район").hashValue })
        XCTAssertGreaterThan(hashes.count, 990)
        let byMunicipality = Set((0..<1000).map { WorkTable.School(login: "edu100000", name: "Школа", municipality: "Район \($0)").hashValue })
        XCTAssertGreaterThan(byMunicipality.count, 990)
    }

    /// A school's hash is worked out when it is made: texts equal as strings — «й» composed and
    /// decomposed — are one school in a table and hash alike; texts that differ are two.
    func testSchoolsEqualAsTextsAreOneSchool() {
        let composed = WorkTable.School(login: "edu100001", name: "Школа посёлка Майский", municipality: "Район")
        let decomposed = WorkTable.School(login: "edu100001", name: "Школа посе\u{0308}лка Маи\u{0306}ский", municipality: "Район")
        XCTAssertNotEqual(Array(composed.name!.utf8), Array(decomposed.name!.utf8))
        XCTAssertEqual(composed, decomposed)
        XCTAssertEqual(composed.hashValue, decomposed.hashValue)
        var table = WorkTable(taskCount: 1)
        XCTAssertEqual(table.schoolIndex(composed), 0)
        XCTAssertEqual(table.schoolIndex(decomposed), 0)
        XCTAssertEqual(table.schoolIndex(WorkTable.School(login: "edu100001", name: "Школа посёлка Майский", municipality: nil)), 1)
        XCTAssertEqual(table.schoolIndex(WorkTable.School(login: "edu100001", name: nil, municipality: "Школа посёлка Майский")), 2,
                       "the same text in another field is another school")
    }

    /// Whether a school with works matches: one in the table without works (its rows were all
    /// rejected) does not count.
    func testASchoolCountsOnlyWithWorks() {
        var table = WorkTable(taskCount: 1)
        let nameless = table.schoolIndex(WorkTable.School(login: nil, name: nil, municipality: nil))
        let named = table.schoolIndex(WorkTable.School(login: "edu100002", name: "Лицей", municipality: nil))
        let isNameless: (WorkTable.School) -> Bool = { $0.login == nil && $0.name == nil }
        func add(_ school: UInt32) {
            [UInt8(1)].withUnsafeBufferPointer { scores in
                Array("К-\(table.count)".utf8).withUnsafeBufferPointer { code in
                    table.append(school: school, code: code, classText: 0, variant: 0, gender: 0, scores: scores, primaryScore: 1, mark: nil, journalMark: nil, row: table.count)
                }
            }
        }
        XCTAssertFalse(table.hasWork(ofSchoolWhere: isNameless), "no works at all")
        add(named)
        add(named)
        XCTAssertFalse(table.hasWork(ofSchoolWhere: isNameless), "the nameless school has no works")
        XCTAssertTrue(table.hasWork(ofSchoolWhere: { $0.name == "Лицей" }))
        add(nameless)
        XCTAssertTrue(table.hasWork(ofSchoolWhere: isNameless))
    }

    func testIntegersAreReadFromBytes() {
        func integer(_ s: String) -> Int? { Array(s.utf8).withUnsafeBufferPointer { Checker.integer($0) } }
        XCTAssertEqual(integer("12"), 12)
        XCTAssertEqual(integer("-1"), -1)
        XCTAssertEqual(integer("2,0"), 2)
        XCTAssertEqual(integer("2.00"), 2)
        XCTAssertEqual(integer("2e0"), 2)
        XCTAssertEqual(integer("12345678901"), 12345678901)
        XCTAssertNil(integer("2.5"))
        XCTAssertNil(integer("-"))
        XCTAssertNil(integer("два"))
    }
}
