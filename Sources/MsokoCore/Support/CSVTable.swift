import Foundation

/// A CSV reader: separator `;`, `,` or tab, guessed from the first lines (a title line above the
/// table has none); quoted fields with doubled quotes; CRLF, LF or CR line ends. Written by hand
/// over UTF-8 bytes: a region's file has millions of cells, and a row is checked as bytes without
/// a `String` per cell (no package on the mirror reads CSV this way).
public struct CSVTable: Sendable {
    public var rows: [[String]]

    public init(text: String) {
        self.init(utf8: Array(text.utf8))
    }

    public init(utf8 bytes: [UInt8]) {
        var rows: [[String]] = []
        Self.forEachRow(utf8: bytes) { row in rows.append(row); return true }
        self.rows = rows
    }

    /// Calls `body` with each row as strings, without keeping the table; `body` returns false to stop.
    public static func forEachRow(utf8 bytes: [UInt8], _ body: ([String]) -> Bool) {
        bytes.withUnsafeBufferPointer { buffer in
            forEachCellRow(utf8: buffer) { body($0.strings) }
        }
    }

    /// Calls `body` with each row's cells as bytes (lent for the call); `body` returns false to stop.
    public static func forEachCellRow(utf8 bytes: UnsafeBufferPointer<UInt8>, _ body: (CellRow) -> Bool) {
        let separator = guessSeparator(UnsafeBufferPointer(rebasing: bytes.prefix(8192)))
        let n = bytes.count
        let start = n >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0
        forEachCellRow(utf8: bytes, separator: separator, from: start, until: n, body)
    }

    /// The rows that start at `from` or after and before `until` (a block of a file read in
    /// parallel; `from` must be where a row starts). Returns where the last row read ends: `until`
    /// itself when the block ends at a row's end, past it when a quoted field ran over.
    @discardableResult
    static func forEachCellRow(utf8 bytes: UnsafeBufferPointer<UInt8>, separator: UInt8, from: Int, until: Int, _ body: (CellRow) -> Bool) -> Int {
        let quote = UInt8(ascii: "\""), cr = UInt8(ascii: "\r"), lf = UInt8(ascii: "\n")
        let n = bytes.count
        // The cells' bounds and the unquoted fields' bytes, in buffers reused from row to row (a
        // country's file has 40 million cells: `Array.append`'s checks on each were a tenth of reading).
        var bounds = GrowingBuffer<Int>(capacity: 64), scratch = GrowingBuffer<UInt8>(capacity: 256)
        defer { bounds.deallocate(); scratch.deallocate() }
        var i = from
        var lineHasData = false

        while (i < n && i < until) || lineHasData {
            // One field.
            if i < n && bytes[i] == quote {
                // Quoted: unescaped into the scratch buffer.
                let start = scratch.count
                i += 1
                while i < n {
                    if bytes[i] == quote {
                        if i + 1 < n && bytes[i + 1] == quote { scratch.append(quote); i += 2; continue }
                        i += 1
                        break
                    }
                    scratch.append(bytes[i])
                    i += 1
                }
                // Anything after the closing quote up to the separator belongs to the field too.
                while i < n && bytes[i] != separator && bytes[i] != lf && bytes[i] != cr { scratch.append(bytes[i]); i += 1 }
                bounds.append(n + start, n + scratch.count)
            } else {
                let start = i
                while i < n {
                    let b = bytes[i]
                    if b == separator || b == lf || b == cr { break }
                    i += 1
                }
                bounds.append(start, i)
            }
            // After the field: a separator (another field follows), a line end or the end of the file.
            if i < n && bytes[i] == separator {
                i += 1
                lineHasData = true
                continue
            }
            if i < n {
                if bytes[i] == cr && i + 1 < n && bytes[i + 1] == lf { i += 1 }
                i += 1
            }
            lineHasData = false
            let row = CellRow(base: bytes, scratch: scratch.contents, bounds: bounds.contents)
            guard body(row) else { return i }
            bounds.removeAll()
            scratch.removeAll()
        }
        return i
    }

    /// Where rows may start for `parts` blocks of about equal size read in parallel: just after a
    /// line end at or after each cut, never before `minimum` (the header and the rows above it stay
    /// in the first block). A line end inside a quoted field is found out afterwards: the block
    /// before it then ends past the cut (see `forEachCellRow(utf8:separator:from:until:)`).
    static func blockStarts(_ bytes: UnsafeBufferPointer<UInt8>, parts: Int, minimum: Int) -> [Int] {
        let n = bytes.count
        var cuts = [0]
        for k in 1..<max(parts, 1) {
            var p = max(n / parts * k, minimum, cuts.last! + 1)
            while p < n && bytes[p - 1] != 0x0A && !(bytes[p - 1] == 0x0D && bytes[p] != 0x0A) { p += 1 }
            if p >= n { break }
            cuts.append(p)
        }
        return cuts
    }

    /// The candidate found most often in the first bytes.
    static func guessSeparator(_ head: UnsafeBufferPointer<UInt8>) -> UInt8 {
        var counts = [0, 0, 0]
        for b in head {
            switch b {
            case UInt8(ascii: ";"): counts[0] += 1
            case UInt8(ascii: "\t"): counts[1] += 1
            case UInt8(ascii: ","): counts[2] += 1
            default: break
            }
        }
        let candidates: [UInt8] = [UInt8(ascii: ";"), UInt8(ascii: "\t"), UInt8(ascii: ",")]
        var best = 0
        for k in 1..<3 where counts[k] > counts[best] { best = k }
        return candidates[best]
    }

    /// Lines in the bytes (line feeds + 1): an upper bound on the rows, to size tables once. A file
    /// whose lines end in a lone CR counts as one line; its tables then grow as they fill.
    public static func lineCount(_ bytes: UnsafeBufferPointer<UInt8>, threads: Int = 1) -> Int {
        let parts = bytes.count >= 1 << 20 ? max(1, threads) : 1
        guard parts > 1 else { return newlines(bytes) + 1 }
        let counts = UnsafeMutableBufferPointer<Int>.allocate(capacity: parts)
        counts.initialize(repeating: 0)
        defer { counts.deallocate() }
        nonisolated(unsafe) let (all, out) = (bytes, counts)
        Parallelism.forEachRun(of: all.count, runs: parts, threads: parts) { k, range in out[k] = newlines(UnsafeBufferPointer(rebasing: all[range])) }
        return counts.reduce(1, +)
    }

    /// The line feeds among eight bytes: a byte of `w ^ 0x0A…` is zero exactly where `w` has a line
    /// feed, and `~(((x & 0x7F…) + 0x7F…) | x | 0x7F…)` sets the top bit of exactly the zero bytes (no
    /// borrow runs between bytes), so their count is the popcount.
    @inline(__always) static func lineFeeds(in w: UInt64) -> Int {
        let low: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
        let x = w ^ 0x0A0A_0A0A_0A0A_0A0A
        return (~(((x & low) &+ low) | x | low)).nonzeroBitCount
    }

    /// Eight bytes at a time (`lineFeeds(in:)`).
    private static func newlines(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        guard let base = bytes.baseAddress else { return 0 }
        var n = 0, i = 0
        while i + 8 <= bytes.count {
            n += lineFeeds(in: UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self))
            i += 8
        }
        while i < bytes.count { if base[i] == 0x0A { n += 1 }; i += 1 }
        return n
    }
}

/// A buffer that grows by doubling and is emptied without freeing: the per-row scratch of the CSV
/// reader. Not copyable in effect (the owner frees it once); `contents` is valid until the next append.
struct GrowingBuffer<Element: BitwiseCopyable> {
    private var base: UnsafeMutablePointer<Element>
    private var capacity: Int
    private(set) var count = 0

    init(capacity: Int) {
        self.capacity = max(capacity, 1)
        base = .allocate(capacity: self.capacity)
    }

    var contents: UnsafeBufferPointer<Element> { UnsafeBufferPointer(start: base, count: count) }

    @inline(__always) mutating func append(_ x: Element) {
        if count == capacity { grow() }
        base[count] = x
        count += 1
    }

    @inline(__always) mutating func append(_ x: Element, _ y: Element) {
        if count + 2 > capacity { grow() }
        base[count] = x
        base[count + 1] = y
        count += 2
    }

    mutating func removeAll() { count = 0 }

    private mutating func grow() {
        let bigger = UnsafeMutablePointer<Element>.allocate(capacity: capacity * 2)
        bigger.update(from: base, count: count)
        base.deallocate()
        base = bigger
        capacity *= 2
    }

    func deallocate() { base.deallocate() }
}

