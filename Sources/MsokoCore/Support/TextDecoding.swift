import Foundation

/// Decodes the text files districts send: UTF-8 (with or without BOM) or Windows-1251.
/// Windows-1251 is decoded by a table of our own because Foundation on Linux does not
/// guarantee the encoding.
public enum TextDecoding {
    public static func decode(_ data: Data) -> String? {
        var bytes = [UInt8](data)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        if let text = String(validating: bytes, as: UTF8.self) { return text }
        return windows1251(bytes)
    }

    /// Whether the bytes are well-formed UTF-8 (no overlong forms, surrogates or values past
    /// U+10FFFF), checked in place: `String(validating:)` would copy a whole region's file.
    public static func isValidUTF8(_ b: UnsafeBufferPointer<UInt8>) -> Bool { scan(b, countingLines: false).valid }

    /// The check, and with `countingLines` the line feeds it passes (all of them when the bytes are
    /// valid): a CSV's rows are counted in the same pass over its bytes, not in a second one.
    /// Eight bytes at a time while they are ASCII and two-byte characters (a Russian file's text:
    /// Cyrillic names of schools and classes on every row), one character at a time otherwise.
    @inline(__always) static func scan(_ b: UnsafeBufferPointer<UInt8>, countingLines: Bool) -> (valid: Bool, lineFeeds: Int) {
        guard let base = b.baseAddress else { return (true, 0) }
        let n = b.count
        var i = 0, feeds = 0
        while i < n {
            // A word of bytes i..<i+8 is taken whole when each byte from 0x80 up is either a lead byte
            // C2–DF or the continuation byte right after one (a lead at the word's end carried to
            // the next): the bits 0x80 of the continuation bytes are those of the lead bytes moved
            // one byte up. Bytes at 0xC0 and over have bit 0x40 as well, bytes at 0xE0 and over also
            // 0x20 (longer characters, to the character loop below); C0 and C1 (overlong) are the
            // lead bytes without bits 0x02–0x1E — to the character loop as well.
            let top: UInt64 = 0x8080_8080_8080_8080
            var carry: UInt64 = 0
            while i + 8 <= n {
                let w = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
                let high = w & top
                if high == 0 {
                    guard carry == 0 else { break }
                    if countingLines { feeds += CSVTable.lineFeeds(in: w) }
                    i += 8
                    continue
                }
                let lead = w & (w << 1) & top
                let continuation = w & ~(w << 1) & top
                // (Bits 0x02–0x1E of each lead byte, moved to its top bit: none — C0 or C1.)
                let bits = (w & 0x1E1E_1E1E_1E1E_1E1E) &+ 0x7E7E_7E7E_7E7E_7E7E
                guard lead & (w << 2) == 0, lead & ~bits == 0, continuation == (lead << 8 | carry) else { break }
                if countingLines { feeds += CSVTable.lineFeeds(in: w) }
                carry = lead >> 56
                i += 8
            }
            // A lead byte carried over is read again with its character.
            if carry != 0 { i -= 1 }
            guard i < n else { break }
            // One character (or the last few bytes) at a time.
            let stop = Swift.min(n, i + 8)
            while i < stop {
                let c = b[i]
                if c < 0x80 {
                    if countingLines && c == 0x0A { feeds += 1 }
                    i += 1
                    continue
                }
                let length: Int, low: UInt8, high: UInt8
                switch c {
                case 0xC2...0xDF: (length, low, high) = (2, 0x80, 0xBF)
                case 0xE0: (length, low, high) = (3, 0xA0, 0xBF)
                case 0xE1...0xEC, 0xEE...0xEF: (length, low, high) = (3, 0x80, 0xBF)
                case 0xED: (length, low, high) = (3, 0x80, 0x9F)
                case 0xF0: (length, low, high) = (4, 0x90, 0xBF)
                case 0xF1...0xF3: (length, low, high) = (4, 0x80, 0xBF)
                case 0xF4: (length, low, high) = (4, 0x80, 0x8F)
                default: return (false, feeds)
                }
                guard i + length <= n, (low...high).contains(b[i + 1]) else { return (false, feeds) }
                for k in 2..<max(2, length) where b[i + k] & 0xC0 != 0x80 { return (false, feeds) }
                i += length
            }
        }
        return (true, feeds)
    }

    /// Whether a CSV's bytes are valid UTF-8 and, when they are, its lines as `CSVTable.lineCount`
    /// counts them (line feeds + 1), in one pass on `threads` cores for a large buffer: cut into
    /// ranges, each cut moved past the continuation bytes of a character it falls in (at most
    /// three), each range checked and counted on its own.
    public static func validUTF8Lines(_ b: UnsafeBufferPointer<UInt8>, threads: Int) -> (valid: Bool, lines: Int) {
        let parts = b.count >= 1 << 20 ? max(1, threads) : 1
        guard parts > 1 else { let r = scan(b, countingLines: true); return (r.valid, r.lineFeeds + 1) }
        var cuts = (0...parts).map { b.count * $0 / parts }
        for k in 1..<parts {
            var c = cuts[k], moved = 0
            while c < b.count, moved < 3, b[c] & 0xC0 == 0x80 { c += 1; moved += 1 }
            cuts[k] = c
        }
        let verdicts = UnsafeMutableBufferPointer<(valid: Bool, lineFeeds: Int)>.allocate(capacity: parts)
        verdicts.initialize(repeating: (true, 0))
        defer { verdicts.deallocate() }
        nonisolated(unsafe) let (bytes, out) = (b, verdicts)
        Parallelism.perform(iterations: parts, threads: parts) { [cuts] k in
            out[k] = scan(UnsafeBufferPointer(rebasing: bytes[cuts[k]..<max(cuts[k], cuts[k + 1])]), countingLines: true)
        }
        return (!verdicts.contains { !$0.valid }, verdicts.reduce(1) { $0 + $1.lineFeeds })
    }

    static let high: [UInt16] = [
        0x0402, 0x0403, 0x201A, 0x0453, 0x201E, 0x2026, 0x2020, 0x2021, 0x20AC, 0x2030, 0x0409, 0x2039, 0x040A, 0x040C, 0x040B, 0x040F,
        0x0452, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0xFFFD, 0x2122, 0x0459, 0x203A, 0x045A, 0x045C, 0x045B, 0x045F,
        0x00A0, 0x040E, 0x045E, 0x0408, 0x00A4, 0x0490, 0x00A6, 0x00A7, 0x0401, 0x00A9, 0x0404, 0x00AB, 0x00AC, 0x00AD, 0x00AE, 0x0407,
        0x00B0, 0x00B1, 0x0406, 0x0456, 0x0491, 0x00B5, 0x00B6, 0x00B7, 0x0451, 0x2116, 0x0454, 0x00BB, 0x0458, 0x0405, 0x0455, 0x0457,
    ]

    static func windows1251(_ bytes: [UInt8]) -> String? {
        var scalars = String.UnicodeScalarView()
        for b in bytes {
            let value: UInt32
            switch b {
            case 0x00..<0x80: value = UInt32(b)
            case 0x80..<0xC0: value = UInt32(high[Int(b) - 0x80])
            default: value = 0x0410 + UInt32(b) - 0xC0
            }
            guard let scalar = Unicode.Scalar(value) else { return nil }
            scalars.append(scalar)
        }
        return String(scalars)
    }
}
