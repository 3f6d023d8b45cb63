import Foundation
import MsokoCore

/// Seeded mutations of user files: byte-level ones for any file, and for ZIP-based files ones
/// that unpack the archive, mutate one part's XML and pack it again (a flipped byte in deflated
/// data mostly tests the CRC; a mutated part reaches the XML scanners behind it).
public struct Mutator {
    var random: SplitMix64

    public init(seed: UInt64) { random = SplitMix64(seed: seed) }

    mutating func below(_ n: Int) -> Int { n <= 1 ? 0 : Int(random.next() % UInt64(n)) }
    mutating func chance(_ p: Double) -> Bool { random.uniform() < p }

    static let xmlTokens: [[UInt8]] = [
        "<row r=\"", "<c r=\"", "XFD1048576", "ZZZZZZZZZZZZ", "4294967297", "99999999999999999999", "\"", "'", "<v>", "</v>",
        " t=\"s\"", " t=\"inlineStr\"", "<is><t>", "</t></is>", "&#x10FFFF;", "&#0;", "&#xD800;", "&amp;", "&", "&lt;",
        "<!DOCTYPE x [<!ENTITY a \"b\">]>", "<![CDATA[", "]]>", "<!--", "-->", "<w:tbl>", "</w:tbl>", "<w:tr>", "<w:tc>", "<w:p>",
        "<w:t>", "</w:t>", "<w:br/>", " r:id=\"rId1\"", " Target=\"/xl/worksheets/sheet1.xml\"", " Target=\"../../../etc/passwd\"",
        "<si><t>", "</si>", "<rPh>", "</row>", "</c>", "<sheetData>", "</sheetData>", "/>", "<", ">", "=",
    ].map { Array($0.utf8) } + [[0xFF], [0xC0, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0x00]]

    static let textTokens: [[UInt8]] = [
        ";", ",", "\t", "\"", "\"\"", "\r\n", "\n", "\r", "|", "X", "Х", "-1", "0", "99999999999999999999", "1e308", "NaN", "-0",
        "{", "}", "[", "]", ":", "\"tasks\":", "\"max\":", "\"number\":", "\"scale\":", "null", "true", "\\u0000", "\\ud800",
        "1 (2б)", "2К1 (1б)", "Код участника", "Класс", "Первичный балл", "Отметка", "ОО", "Вариант", "Логин", "Обучающихся",
        "| 1.1. |", "Январь, май", "В течение года", "2025-2026", "%", "4,5", "100,0", "Вся выборка",
    ].map { Array($0.utf8) } + [[0xEF, 0xBB, 0xBF], [0xFF], [0xC3], [0x00], [0xE2, 0x80, 0xA8]]

    /// 1-6 mutations of `input`; `kind` picks the structure-aware ones.
    public mutating func mutate(_ input: Data, kind: FuzzTarget.Kind, corpus: [Data]) -> Data {
        if kind == .zip, chance(0.7), let repacked = mutateParts(input, corpus: corpus) { return repacked }
        var bytes = [UInt8](input)
        for _ in 0..<(1 + below(6)) { mutateBytes(&bytes, tokens: kind == .zip ? Self.xmlTokens : Self.textTokens, corpus: corpus) }
        return Data(bytes)
    }

    mutating func mutateParts(_ input: Data, corpus: [Data]) -> Data? {
        guard let archive = try? ZipReader(data: input, limits: ZipLimits(maxEntryBytes: 16 << 20, maxTotalBytes: 64 << 20)) else { return nil }
        var parts: [(path: String, bytes: Data)] = []
        var used = 0
        for entry in archive.entries {
            guard let bytes = try? archive.extract(entry, used: &used, budget: ReadBudget(seconds: 5)) else { return nil }
            parts.append((entry.path, bytes))
        }
        guard !parts.isEmpty else { return nil }
        let k = below(parts.count)
        var bytes = [UInt8](parts[k].bytes)
        for _ in 0..<(1 + below(4)) { mutateBytes(&bytes, tokens: Self.xmlTokens, corpus: []) }
        parts[k].bytes = Data(bytes)
        if chance(0.05) { parts.remove(at: below(parts.count)) }
        return try? ZipPackage.build(parts)
    }

    mutating func mutateBytes(_ b: inout [UInt8], tokens: [[UInt8]], corpus: [Data]) {
        let at = below(b.count + 1)
        switch below(11) {
        case 0 where !b.isEmpty:  // flip a bit
            b[min(at, b.count - 1)] ^= UInt8(1) << UInt8(below(8))
        case 1 where !b.isEmpty:  // a random byte
            b[min(at, b.count - 1)] = UInt8(truncatingIfNeeded: random.next())
        case 2:  // a token
            b.insert(contentsOf: tokens[below(tokens.count)], at: at)
        case 3 where !b.isEmpty:  // a token over what is there
            let t = tokens[below(tokens.count)]
            let start = min(at, b.count - 1)
            b.replaceSubrange(start..<min(b.count, start + t.count), with: t)
        case 4 where b.count > 1:  // delete a range
            let start = min(at, b.count - 1)
            b.removeSubrange(start..<min(b.count, start + 1 + below(64)))
        case 5 where b.count > 1:  // repeat a range (nesting, long cells)
            let start = below(b.count)
            let chunk = Array(b[start..<min(b.count, start + 1 + below(32))])
            let times = [1, 2, 10, 100, 1000][below(5)]
            b.insert(contentsOf: (0..<times).flatMap { _ in chunk }, at: at)
        case 6 where b.count >= 4:  // an interesting integer in little-endian (ZIP fields)
            let values: [UInt32] = [0, 1, 0x7F, 0x80, 0xFF, 0xFFFF, 0x7FFF_FFFF, 0xFFFF_FFFF, 0x8000_0000, UInt32(b.count)]
            let v = values[below(values.count)]
            let start = min(at, b.count - 4)
            for k in 0..<[1, 2, 4][below(3)] { b[start + k] = UInt8(truncatingIfNeeded: v >> (8 * UInt32(k))) }
        case 7 where !corpus.isEmpty:  // splice another seed
            let other = [UInt8](corpus[below(corpus.count)])
            guard !other.isEmpty else { return }
            let from = below(other.count)
            b.insert(contentsOf: other[from..<min(other.count, from + 1 + below(256))], at: at)
        case 8 where b.count > 8:  // truncate
            b.removeSubrange(below(b.count)...)
        case 9:  // a run of digits (row numbers, scores)
            b.insert(contentsOf: Array(String(repeating: "9", count: 1 + below(24)).utf8), at: at)
        default:  // swap two ranges' order
            guard b.count > 4 else { return }
            let i = below(b.count / 2), j = b.count / 2 + below(b.count / 2)
            b.swapAt(i, j)
        }
    }
}
