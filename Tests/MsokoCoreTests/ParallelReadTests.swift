import Foundation
import XCTest
@testable import MsokoCore

/// A large CSV read in blocks at once gives exactly what one pass gives, for any number of
/// threads: the same works with the same row numbers, schools and classes in the same order, the
/// same enrolment, and for a file with problems the same problems in the same words and order;
/// and the analysis shared out by school gives the same figures.
final class ParallelReadTests: XCTestCase {
    let spec = testSpec
    let header = "ОО;Муниципалитет;Название ОО;Код участника;Класс;Вариант;Пол;1 (1б);2 (2б);3.1 (1б);3.2 (2б);Первичный балл;Отметка;Отметка по журналу;Обучающихся в классе"

    /// About `rows` works of 150 schools, over 1 MB; `name` gives a school's name cell.
    func file(rows: Int = 16_000, seed: UInt64 = 1, lineEnd: String = "\r\n", name: (Int) -> String = { "Школа №\($0)" },
              edit: (inout [String]) -> Void = { _ in }) -> Data {
        var g = SplitMix64(seed: seed)
        var lines = ["ВПР 2026 Математика 4 класс", "Максимальный первичный балл: 6", ";;;;;;;Б;Б;П;В;;;;", header]
        var enrolled: [String: Int] = [:]
        for i in 0..<rows {
            let s = i * 150 / rows
            let cls = "4" + ["А", "Б", "В"][Int(g.next() % 3)]
            let n = enrolled["\(s)\(cls)"] ?? { let n = 20 + Int(g.next() % 10); enrolled["\(s)\(cls)"] = n; return n }()
            let scores = [Int(g.next() % 2), Int(g.next() % 3), Int(g.next() % 2), Int(g.next() % 3)]
            let shown = scores.enumerated().map { $0.offset == 1 && g.next() % 20 == 0 ? "X" : String($0.element) }
            let primary = zip(shown, scores).reduce(0) { $0 + ($1.0 == "X" ? 0 : $1.1) }
            let mark = primary >= 5 ? 5 : primary >= 4 ? 4 : primary >= 2 ? 3 : 2
            lines.append(["edu7\(String(format: "%05d", s))", "Район \(s % 7)", name(s), "\(10_000 + i)", cls, "\(1 + g.next() % 2)", g.next() % 2 == 0 ? "М" : "Ж"]
                .joined(separator: ";") + ";" + shown.joined(separator: ";") + ";\(primary);\(mark);\(2 + g.next() % 4);\(n)")
            if g.next() % 500 == 0 { lines.append("") }
        }
        edit(&lines)
        return Data(lines.joined(separator: lineEnd).utf8)
    }

    func read(_ data: Data, threads: Int) -> ResultsFile {
        ResultsReader.read(data: data, file: "region.csv", spec: spec, threads: threads)
    }

    func assertSame(_ data: Data, parallel expected: Bool, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertGreaterThan(data.count, ResultsReader.parallelFrom, file: file, line: line)
        let one = read(data, threads: 1)
        XCTAssertEqual(one.blocksRead, 1, file: file, line: line)
        for threads in [2, 3, 4, 7] {
            let many = read(data, threads: threads)
            XCTAssertEqual(many.blocksRead > 1, expected, "threads \(threads): read in blocks", file: file, line: line)
            XCTAssertEqual(many.works.count, one.works.count, file: file, line: line)
            XCTAssertTrue(many.works == one.works, "threads \(threads): the same works, rows and all", file: file, line: line)
            XCTAssertEqual(many.works.schoolTable, one.works.schoolTable, file: file, line: line)
            XCTAssertEqual(many.works.schoolFirstRows, one.works.schoolFirstRows, file: file, line: line)
            XCTAssertEqual(many.enrolment, one.enrolment, file: file, line: line)
            XCTAssertEqual(many.problems.map(\.description), one.problems.map(\.description), file: file, line: line)
            XCTAssertEqual(many.warnings.map(\.description), one.warnings.map(\.description), file: file, line: line)
            // The analysis, shared out by school, too.
            let a = ResultsAnalysis.analyze(many.works, spec: spec, enrolment: many.enrolment, threads: threads)
            let b = ResultsAnalysis.analyze(one.works, spec: spec, enrolment: one.enrolment, threads: 1)
            XCTAssertEqual(a.groups, b.groups, file: file, line: line)
        }
    }

    func testAValidFileIsReadInBlocksWithTheSameResult() {
        let data = file()
        assertSame(data, parallel: true)
        let r = read(data, threads: 3)
        XCTAssertTrue(r.isValid)
        XCTAssertEqual(r.works.count, 16_000)
        assertSame(file(lineEnd: "\n", name: { "\"МБОУ \"\"СОШ №\($0)\"\", корпус; 1\"" }), parallel: true)
        assertSame(file(lineEnd: "\r"), parallel: true)
        var withBOM = Data([0xEF, 0xBB, 0xBF])
        withBOM.append(file(seed: 2))
        assertSame(withBOM, parallel: true)
    }

    /// Rows in no order (a school's works scattered over the file): the analysis shares the works
    /// out by school number instead of by ranges, with the same figures.
    func testTheAnalysisOfScatteredSchoolsIsTheSame() {
        let data = file(edit: { lines in
            var g = SplitMix64(seed: 9)
            var rows = Array(lines[4...])
            for k in stride(from: rows.count - 1, to: 0, by: -1) { rows.swapAt(k, Int(g.next() % UInt64(k + 1))) }
            lines = Array(lines[..<4]) + rows
        })
        assertSame(data, parallel: true)
        let works = read(data, threads: 1).works
        // Each school once, at the row where it first appears (the schools are looked up in a table
        // of the cells' bytes when they differ from the row above).
        let lines = String(decoding: data, as: UTF8.self).components(separatedBy: "\r\n")
        var firstRow: [String: Int] = [:]
        for (i, line) in lines.enumerated() where i >= 4 && !line.isEmpty {
            let login = String(line.prefix { $0 != ";" })
            if firstRow[login] == nil { firstRow[login] = i + 1 }
        }
        XCTAssertEqual(works.schoolTable.count, 150)
        XCTAssertEqual(Dictionary(uniqueKeysWithValues: zip(works.schoolTable.map { $0.login ?? "" }, works.schoolFirstRows)), firstRow)
        let one = ResultsAnalysis.analyze(works, spec: spec, threads: 1)
        for threads in [2, 3, 7] {
            XCTAssertEqual(ResultsAnalysis.analyze(works, spec: spec, threads: threads).groups, one.groups, "threads \(threads)")
        }
        // The sums in 64 bits (what a file too large for 32-bit sums gets) give the same figures.
        XCTAssertEqual(ResultsAnalysis.analyze(works, spec: spec, threads: 2, wideCounts: true).groups, one.groups)
    }

    /// Every line end inside a quoted name: wherever a cut falls it may be inside a field, which
    /// the block before finds out (its last row ends past the cut).
    func testQuotedLineEndsAcrossCuts() {
        let data = file(name: { "\"Школа\n№\($0)\"" })
        assertSame(data, parallel: false)
        XCTAssertTrue(read(data, threads: 4).isValid)
        XCTAssertEqual(read(data, threads: 4).works.schoolTable.first?.name, "Школа\n№0")
    }

    func testProblemsAreThoseOfOnePass() {
        // A code repeated in a school far apart, in different blocks: the first row again at the end.
        assertSame(file(edit: { lines in lines.append(lines[4]) }), parallel: false)
        // A bad score in the middle, and a login of a wrong form near the end.
        assertSame(file(edit: { lines in
            let k = (8000...).first { !lines[$0].isEmpty }!
            lines[k] = lines[k].split(separator: ";", omittingEmptySubsequences: false).enumerated()
                .map { $0.offset == 8 ? "7" : String($0.element) }.joined(separator: ";")
            let m = (15_000...).first { !lines[$0].isEmpty }!
            lines[m] = lines[m].replacingOccurrences(of: "edu7", with: "школа-")
        }), parallel: false)
        // A class's enrolment that differs between two blocks.
        assertSame(file(rows: 16_000, edit: { lines in
            let last = lines.count - 1
            var cells = lines[last].split(separator: ";", omittingEmptySubsequences: false).map(String.init)
            cells[0] = "edu700000"
            cells[3] = "99999"
            cells[14] = "99"
            lines[last] = cells.joined(separator: ";")
        }), parallel: false)
    }

    /// The parallel sort gives the one-thread order for every thread count, sizes around its cuts.
    func testTheParallelSortIsTheSort() {
        var rng = SplitMix64(seed: 5)
        for n in [0, 1, 65_535, 65_536 * 2 + 7, 300_001] {
            let xs = (0..<n).map { _ in (UInt64(rng.uniform() * 5000), Int32(rng.uniform() * 3)) }
            let expected = xs.sorted { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
            for threads in [1, 2, 3, 5] {
                var ys = xs
                Parallelism.sort(&ys, threads: threads) { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
                XCTAssertTrue(ys.elementsEqual(expected) { $0 == $1 }, "\(n) works, \(threads) threads")
            }
        }
    }

    /// The signs of non-objectivity judged on several threads are the one-thread signs, every group's
    /// risk, contribution and sentence (the passes split works, classes and schools into runs).
    func testTheSignsAreTheSameOnSeveralThreads() {
        let r = read(file(), threads: 1)
        let a = ResultsAnalysis.analyze(r.works, spec: spec, enrolment: r.enrolment, threads: 1)
        let one = ObjectivityAnalysis.evaluate(r.works, analysis: a, inputs: .init(enrolment: r.enrolment), threads: 1)
        XCTAssertGreaterThan(one.count, 64, "more groups than runs, so the threads share them")
        XCTAssertTrue(one.contains { !$0.contributions.isEmpty })
        for threads in [2, 3, 8] { XCTAssertTrue(ObjectivityAnalysis.evaluate(r.works, analysis: a, inputs: .init(enrolment: r.enrolment), threads: threads) == one, "threads \(threads)") }
        // The per-work passes made beforehand (as `msoko analyze` makes them beside the analysis, on
        // one thread) give the same signs as those the evaluation makes itself.
        for (made, judged) in [(1, 2), (3, 1)] {
            let prepared = ObjectivityAnalysis.perWork(r.works, spec: spec, threads: made)
            XCTAssertTrue(ObjectivityAnalysis.evaluate(r.works, analysis: a, inputs: .init(enrolment: r.enrolment), threads: judged, perWork: prepared) == one,
                          "made on \(made), judged on \(judged)")
        }
    }

    /// The JSON written in runs on several threads is byte for byte the one-thread JSON.
    func testTheJSONIsTheSameWrittenOnSeveralThreads() {
        let r = read(file(), threads: 1)
        let a = ResultsAnalysis.analyze(r.works, spec: spec, enrolment: r.enrolment, threads: 1)
        let risks = ObjectivityAnalysis.evaluate(r.works, analysis: a, inputs: .init(enrolment: r.enrolment))
        XCTAssertGreaterThan(a.groups.count, 512, "more groups than one run, so the threads share them")
        func json(threads: Int) -> [UInt8] {
            var out: [UInt8] = []
            var w = AnalysisJSON.Writer()
            w.sink = { out.append(contentsOf: $0) }
            AnalysisJSON.write(a, objectivity: risks, details: true, settings: ObjectivitySettings(), &w, threads: threads)
            return out
        }
        let one = json(threads: 1)
        XCTAssertGreaterThan(one.count, 100_000)
        for threads in [2, 3, 8] { XCTAssertTrue(json(threads: threads) == one, "threads \(threads)") }
        XCTAssertNotNil(try? JSONSerialization.jsonObject(with: Data(one)))
    }

    /// The duplicate check over a country's works (hash partitions, each on its own): a code twice
    /// in one school is found wherever the two works are; the same code in two schools is not a
    /// duplicate; an empty code is never one.
    func testDuplicateCodesAreFoundExactly() {
        var table = WorkTable(taskCount: 1)
        for i in 0..<70_000 {
            var w = WorkRecord(schoolLogin: "edu7\(String(format: "%05d", i % 700))", schoolName: nil, code: "\(i / 700)", className: "4А", variant: nil,
                               gender: nil, scores: [1], primaryScore: 1, mark: nil, journalMark: nil, row: i + 1)
            w.municipality = nil
            table.append(w)
        }
        for threads in [1, 2, 3] { XCTAssertFalse(table.hasDuplicateCodes(threads: threads), "codes repeat only across schools") }
        var twice = table
        twice.append(WorkRecord(schoolLogin: "edu700345", schoolName: nil, code: "17", className: "4Б", variant: nil, gender: nil, scores: [0],
                                primaryScore: 0, mark: nil, journalMark: nil, row: 70_001))
        for threads in [1, 2, 3] { XCTAssertTrue(twice.hasDuplicateCodes(threads: threads), "threads \(threads)") }
        var empty = table
        for k in 0..<2 {
            empty.append(WorkRecord(schoolLogin: "edu700001", schoolName: nil, code: "", className: "4А", variant: nil, gender: nil, scores: [0],
                                    primaryScore: 0, mark: nil, journalMark: nil, row: 70_001 + k))
        }
        XCTAssertFalse(empty.hasDuplicateCodes(threads: 2))
    }

    /// The same when each school's works come together (each school's codes checked on their own):
    /// a repeat at the start, the middle or the end of a school's works, in a school that a
    /// thread's stretch begins or ends with, is found; the same code in neighbouring schools is
    /// not a repeat; a school whose works are in two places is checked across both.
    func testDuplicateCodesAreFoundExactlyWhenSchoolsComeTogether() {
        func table(_ rows: [(school: Int, code: String)]) -> WorkTable {
            var t = WorkTable(taskCount: 1)
            for (k, r) in rows.enumerated() {
                t.append(WorkRecord(schoolLogin: "edu7\(String(format: "%05d", r.school))", schoolName: nil, code: r.code, className: "4А", variant: nil,
                                    gender: nil, scores: [1], primaryScore: 1, mark: nil, journalMark: nil, row: k + 1))
            }
            return t
        }
        // 300 schools of 1 to 80 works, codes 1…m in each (so neighbours share codes).
        var g = SplitMix64(seed: 3)
        var rows: [(school: Int, code: String)] = []
        for s in 0..<300 { for c in 0..<Int(1 + g.next() % 80) { rows.append((s, "\(c + 1)")) } }
        for threads in [1, 2, 3] { XCTAssertFalse(table(rows).hasDuplicateCodes(threads: threads), "threads \(threads)") }
        let starts = rows.indices.filter { $0 == 0 || rows[$0].school != rows[$0 - 1].school }
        for s in [0, 1, 57, 150, 298, 299] {
            let from = starts[s], to = s + 1 < starts.count ? starts[s + 1] : rows.count
            guard to - from >= 3 else { continue }
            for (a, b) in [(from, from + 1), (from, to - 1), (from + (to - from) / 2, to - 1)] {
                var twice = rows
                twice[b].code = twice[a].code
                for threads in [1, 2, 3] { XCTAssertTrue(table(twice).hasDuplicateCodes(threads: threads), "school \(s), works \(a) and \(b), threads \(threads)") }
            }
        }
        // A school's works in two places: its repeat found across them.
        var split = rows
        split.append((0, "1"))
        for threads in [1, 2, 3] { XCTAssertTrue(table(split).hasDuplicateCodes(threads: threads), "threads \(threads)") }
        split[split.count - 1].code = "x"
        for threads in [1, 2, 3] { XCTAssertFalse(table(split).hasDuplicateCodes(threads: threads), "threads \(threads)") }
    }

    /// Lines counted eight bytes at a time, on any number of threads, as one byte at a time would:
    /// bytes that differ from a line feed in one bit (0x0B, 0x8A, 0x0E) are not counted.
    func testLinesAreCountedExactly() {
        var g = SplitMix64(seed: 7)
        let alphabet: [UInt8] = [0x0A, 0x0B, 0x8A, 0x0E, 0x09, 0x41, 0xD0, 0xFF, 0x00, 0x7F]
        for size in [0, 1, 7, 8, 9, 63, 1000, (1 << 20) + 13] {
            let bytes = (0..<size).map { _ in alphabet[Int(g.next() % UInt64(alphabet.count))] }
            let expected = bytes.filter { $0 == 0x0A }.count + 1
            for threads in [1, 2, 3] {
                XCTAssertEqual(bytes.withUnsafeBufferPointer { CSVTable.lineCount($0, threads: threads) }, expected, "size \(size), threads \(threads)")
            }
        }
    }

    /// The CSV's one pass: valid exactly when the standard library says so, and then its lines as
    /// `lineCount` counts them — on one thread and on several, with characters of two to four bytes
    /// across the cuts, line feeds next to them, and a broken character near the start or the end.
    func testUTF8AndLinesInOnePass() {
        var g = SplitMix64(seed: 13)
        let pieces: [[UInt8]] = [[0x0A], [0x0A, 0x0A], Array("ж".utf8), Array("№".utf8), Array("𝄞".utf8), Array("a;1;X".utf8), [0x0B], [0x8A & 0x7F]]
        for size in [0, 5, 9, 100, 5000, (1 << 20) + 7, (3 << 20) + 1] {
            var bytes: [UInt8] = []
            while bytes.count < size { bytes += pieces[Int(g.next() % UInt64(pieces.count))] }
            var broken = bytes
            if !broken.isEmpty { broken[Int(g.next() % UInt64(broken.count))] = 0xC0 }
            for sample in [bytes, broken, bytes + [0xE2, 0x82]] {
                let valid = String(validating: sample, as: UTF8.self) != nil
                for threads in [1, 2, 3] {
                    let r = sample.withUnsafeBufferPointer { TextDecoding.validUTF8Lines($0, threads: threads) }
                    XCTAssertEqual(r.valid, valid, "size \(sample.count), threads \(threads)")
                    if valid { XCTAssertEqual(r.lines, sample.withUnsafeBufferPointer { CSVTable.lineCount($0) }, "size \(sample.count), threads \(threads)") }
                }
            }
        }
    }

    func testBlockCutsFallAfterLineEnds() {
        let text = Array("ab\ncd\r\nef\rgh\n\nij".utf8)
        text.withUnsafeBufferPointer { b in
            for parts in 1...12 {
                let cuts = CSVTable.blockStarts(b, parts: parts, minimum: 3)
                XCTAssertEqual(cuts.first, 0)
                XCTAssertEqual(cuts, cuts.sorted())
                for c in cuts.dropFirst() {
                    XCTAssertGreaterThanOrEqual(c, 3)
                    XCTAssertTrue(b[c - 1] == 0x0A || (b[c - 1] == 0x0D && b[c] != 0x0A), "cut \(c) after a line end")
                }
            }
            var rows: [String] = []
            let end = CSVTable.forEachCellRow(utf8: b, separator: 0x3B, from: 3, until: 10) { rows.append($0.string(0)); return true }
            XCTAssertEqual(rows, ["cd", "ef"])
            XCTAssertEqual(end, 10)
        }
    }
}
