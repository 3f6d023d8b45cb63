import CZlib
import Foundation

/// Limits every ZIP-based input (XLSX, DOCX) is read under, whatever its directory claims.
public struct ZipLimits: Sendable {
    /// Entries in the archive (an XLSX of a region has a few dozen).
    public var maxEntries: Int
    /// Bytes one entry may inflate to.
    public var maxEntryBytes: Int
    /// Bytes all the entries that are read may inflate to together.
    public var maxTotalBytes: Int
    /// Largest inflated/compressed ratio accepted for an entry that inflates past `ratioFloor`
    /// bytes: real sheets compress 5-30 times, a ZIP bomb thousands of times.
    public var maxRatio: Int
    public var ratioFloor: Int
    /// Seconds a whole read may take (see `ReadBudget`).
    public var seconds: Double

    public init(maxEntries: Int = 10_000, maxEntryBytes: Int = 1 << 30, maxTotalBytes: Int = 1 << 30,
                maxRatio: Int = 200, ratioFloor: Int = 8 << 20, seconds: Double = 120) {
        self.maxEntries = maxEntries
        self.maxEntryBytes = maxEntryBytes
        self.maxTotalBytes = maxTotalBytes
        self.maxRatio = maxRatio
        self.ratioFloor = ratioFloor
        self.seconds = seconds
    }
}

/// A deadline shared by the steps of one read: every loop over user bytes asks it now and then,
/// so a file that would keep a thread busy is refused instead.
public struct ReadBudget: Sendable {
    let deadline: UInt64

    public init(seconds: Double) {
        deadline = DispatchTime.now().uptimeNanoseconds &+ UInt64(max(0, seconds) * 1e9)
    }

    public static var unlimited: ReadBudget { ReadBudget(deadlineNanoseconds: .max) }
    init(deadlineNanoseconds: UInt64) { deadline = deadlineNanoseconds }

    public var isExpired: Bool { DispatchTime.now().uptimeNanoseconds > deadline }
}

public enum ZipError: Error, Equatable, Sendable {
    /// Not a ZIP archive, or its directory does not hold together.
    case corrupt(String)
    /// An entry or the archive inflates past a limit, or inflates far more than real files do.
    case tooLarge(String)
    /// Encrypted entries, multi-disk archives, methods other than stored and deflate.
    case unsupported(String)
    /// The read took longer than its budget.
    case timeOut
}

/// Reads ZIP archives (XLSX, DOCX) from memory with every size and offset checked.
///
/// Hand-written on purpose: ZIPFoundation 0.9.20 (still used to *write* documents) traps on a
/// flipped byte in the central directory, loops forever inflating a truncated stream (its
/// provider returns empty chunks and the loop waits for `Z_STREAM_END`) and trusts the
/// directory's sizes. Here the directory is bounds-checked before anything is allocated, each
/// entry is inflated with zlib directly and stopped at its limit, and the inflated bytes must
/// match the directory's size and CRC-32.
public struct ZipReader {
    public struct Entry: Sendable {
        public var path: String
        var method: UInt16
        var crc: UInt32
        var compressedSize: Int
        public var uncompressedSize: Int
        var localHeaderOffset: Int
    }

    public let entries: [Entry]
    private let data: Data
    private let limits: ZipLimits
    private var index: [String: Int] = [:]

    public init(data: Data, limits: ZipLimits = ZipLimits()) throws {
        self.data = data
        self.limits = limits
        entries = try data.withUnsafeBytes { raw throws in
            try Self.directory(raw.bindMemory(to: UInt8.self), limits: limits)
        }
        for (i, e) in entries.enumerated() where index[e.path] == nil { index[e.path] = i }
    }

    public func entry(_ path: String) -> Entry? { index[path].map { entries[$0] } }

    /// The inflated bytes of `path`, nil when the archive has no such entry. `used` carries the
    /// bytes inflated so far by one read, so the total limit holds across entries.
    public func extract(_ path: String, used: inout Int, budget: ReadBudget) throws -> Data? {
        guard let entry = entry(path) else { return nil }
        return try extract(entry, used: &used, budget: budget)
    }

    public func extract(_ entry: Entry, used: inout Int, budget: ReadBudget) throws -> Data {
        let stream = try open(entry, used: &used, budget: budget)
        // Grown as bytes arrive (not allocated at the declared size: the directory may lie).
        var out = Data(count: min(entry.uncompressedSize + 1, max(1 << 16, entry.compressedSize * 4)))
        var produced = 0
        while true {
            if produced == out.count { out.count = min(entry.uncompressedSize + 1, out.count * 2) }
            let n = try out.withUnsafeMutableBytes { raw in
                try stream.read(into: UnsafeMutableBufferPointer(rebasing: raw.bindMemory(to: UInt8.self)[produced...]))
            }
            if n == 0 { break }
            produced += n
        }
        out.count = produced
        return out
    }

    /// The entry as a stream of inflated bytes, pulled in pieces of the caller's size, so that a
    /// sheet of hundreds of megabytes never lies in memory whole. The sizes and the ratio are checked
    /// here and `used` takes the declared size at once (the stream never gives more than that).
    public func open(_ entry: Entry, used: inout Int, budget: ReadBudget) throws -> EntryStream {
        let name = entry.path
        let remaining = limits.maxTotalBytes - used
        guard entry.uncompressedSize <= limits.maxEntryBytes, entry.uncompressedSize <= remaining else {
            throw ZipError.tooLarge(name)
        }
        if entry.uncompressedSize > limits.ratioFloor,
           entry.uncompressedSize / max(1, entry.compressedSize) > limits.maxRatio {
            throw ZipError.tooLarge(name)
        }
        guard entry.method == 0 || entry.method == 8 else { throw ZipError.unsupported(name) }
        let start = try data.withUnsafeBytes { raw in try Self.dataStart(of: entry, in: raw.bindMemory(to: UInt8.self)) }
        if entry.method == 0, entry.compressedSize != entry.uncompressedSize { throw ZipError.corrupt(name) }
        used += entry.uncompressedSize
        return try EntryStream(data: data, entry: entry, start: start, budget: budget)
    }

    /// One entry's bytes, inflated as they are asked for. Raw deflate must give exactly the
    /// directory's size: more output, a stream that ends early or input that runs out before the
    /// end of the stream are all corruption, and the CRC-32 of everything given must match the
    /// directory's. Those checks are made when the end is reached (`read` returns 0); bytes handed
    /// out before a failure are the caller's to discard (an import is all or nothing).
    /// Used by one thread at a time (the reading pipeline hands it to its inflating thread).
    public final class EntryStream: @unchecked Sendable {
        let data: Data
        let entry: Entry
        let start: Int
        let budget: ReadBudget
        var stream = z_stream()
        var consumed = 0
        var produced = 0
        var crc: uLong = crc32(0, nil, 0)
        var finished = false

        init(data: Data, entry: Entry, start: Int, budget: ReadBudget) throws {
            self.data = data
            self.entry = entry
            self.start = start
            self.budget = budget
            if entry.method == 8 {
                guard inflateInit2_(&stream, -MAX_WBITS, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
                    throw ZipError.corrupt(entry.path)
                }
            }
        }

        deinit { if entry.method == 8 { inflateEnd(&stream) } }

        /// Inflated bytes into `out` (at most its size): their count, 0 once the entry has been
        /// given whole and checked.
        public func read(into out: UnsafeMutableBufferPointer<UInt8>) throws -> Int {
            guard !finished, let target = out.baseAddress, out.count > 0 else { return 0 }
            if budget.isExpired { throw ZipError.timeOut }
            let name = entry.path
            var n = 0
            if entry.method == 0 {
                n = min(out.count, entry.uncompressedSize - produced)
                data.withUnsafeBytes { raw in
                    if n > 0 { memcpy(target, raw.baseAddress! + start + produced, n) }
                }
                if n == 0 { return try finish() }
            } else {
                // One byte past the declared size is room enough to catch a lying directory.
                let room = min(out.count, entry.uncompressedSize + 1 - produced, 1 << 30)
                let chunk = 1 << 20
                var status = Z_OK
                while n == 0 {
                    let inCount = min(chunk, entry.compressedSize - consumed)
                    status = data.withUnsafeBytes { raw in
                        stream.next_in = UnsafeMutablePointer(mutating: raw.bindMemory(to: UInt8.self).baseAddress! + start + consumed)
                        stream.avail_in = uInt(inCount)
                        stream.next_out = target
                        stream.avail_out = uInt(room)
                        let r = CZlib.inflate(&stream, Z_NO_FLUSH)
                        n = room - Int(stream.avail_out)
                        consumed += inCount - Int(stream.avail_in)
                        return r
                    }
                    if status == Z_STREAM_END { break }
                    // Z_BUF_ERROR: no progress was possible, the input ran out before the stream's end.
                    guard status == Z_OK else { throw ZipError.corrupt(name) }
                    if budget.isExpired { throw ZipError.timeOut }
                }
                if produced + n > entry.uncompressedSize { throw ZipError.tooLarge(name) }
                if n == 0 { return try finish() }
                if status == Z_STREAM_END {
                    produced += n
                    crc = crc32(crc, target, uInt(n))
                    _ = try finish()
                    return n
                }
            }
            produced += n
            crc = crc32(crc, target, uInt(n))
            return n
        }

        /// The end of the entry: all of it given, and its CRC-32 the directory's.
        private func finish() throws -> Int {
            guard produced == entry.uncompressedSize else { throw ZipError.corrupt(entry.path) }
            guard UInt32(truncatingIfNeeded: crc) == entry.crc else { throw ZipError.corrupt(entry.path) }
            finished = true
            return 0
        }
    }

    // MARK: the directory

    @inline(__always) static func u16(_ b: UnsafeBufferPointer<UInt8>, _ i: Int) -> Int {
        Int(b[i]) | Int(b[i + 1]) << 8
    }

    @inline(__always) static func u32(_ b: UnsafeBufferPointer<UInt8>, _ i: Int) -> Int {
        Int(b[i]) | Int(b[i + 1]) << 8 | Int(b[i + 2]) << 16 | Int(b[i + 3]) << 24
    }

    @inline(__always) static func u64(_ b: UnsafeBufferPointer<UInt8>, _ i: Int) -> UInt64 {
        var v: UInt64 = 0
        for k in (0..<8).reversed() { v = v << 8 | UInt64(b[i + k]) }
        return v
    }

    /// An offset or size read from the file as a checked Int (ZIP64 values can be anything).
    static func checked(_ v: UInt64, limit: Int) throws -> Int {
        guard v <= UInt64(limit) else { throw ZipError.corrupt("directory") }
        return Int(v)
    }

    static func directory(_ b: UnsafeBufferPointer<UInt8>, limits: ZipLimits) throws -> [Entry] {
        let n = b.count
        guard n >= 22 else { throw ZipError.corrupt("directory") }
        // The end-of-central-directory record: within the last 64 KiB + 22 bytes.
        var eocd = -1
        var i = n - 22
        let lowest = max(0, n - 22 - 65_535)
        while i >= lowest {
            if b[i] == 0x50, b[i + 1] == 0x4B, b[i + 2] == 0x05, b[i + 3] == 0x06 { eocd = i; break }
            i -= 1
        }
        guard eocd >= 0 else { throw ZipError.corrupt("directory") }
        guard u16(b, eocd + 4) == 0 || u16(b, eocd + 4) == 0xFFFF, u16(b, eocd + 6) == 0 || u16(b, eocd + 6) == 0xFFFF else {
            throw ZipError.unsupported("multi-disk")
        }
        var count = u16(b, eocd + 10)
        var size = u32(b, eocd + 12)
        var offset = u32(b, eocd + 16)
        if count == 0xFFFF || size == 0xFFFF_FFFF || offset == 0xFFFF_FFFF {
            // ZIP64: the locator sits just before the record and points to the ZIP64 record.
            let loc = eocd - 20
            guard loc >= 0, u32(b, loc) == 0x0706_4B50 else { throw ZipError.corrupt("directory") }
            let record = try checked(u64(b, loc + 8), limit: n - 56)
            guard u32(b, record) == 0x0606_4B50 else { throw ZipError.corrupt("directory") }
            count = try checked(u64(b, record + 32), limit: n)
            size = try checked(u64(b, record + 40), limit: n)
            offset = try checked(u64(b, record + 48), limit: n)
        }
        guard count <= limits.maxEntries else { throw ZipError.tooLarge("directory") }
        guard offset <= n, size <= n - offset, count * 46 <= size else { throw ZipError.corrupt("directory") }
        var entries: [Entry] = []
        entries.reserveCapacity(count)
        var p = offset
        let end = offset + size
        for _ in 0..<count {
            guard p + 46 <= end, u32(b, p) == 0x0201_4B50 else { throw ZipError.corrupt("directory") }
            let flags = UInt16(u16(b, p + 8))
            let method = UInt16(u16(b, p + 10))
            let crc = UInt32(u32(b, p + 16))
            var compressed = u32(b, p + 20)
            var uncompressed = u32(b, p + 24)
            let nameLength = u16(b, p + 28)
            let extraLength = u16(b, p + 30)
            let commentLength = u16(b, p + 32)
            var local = u32(b, p + 42)
            let nameStart = p + 46
            let extraStart = nameStart + nameLength
            let next = extraStart + extraLength + commentLength
            guard next <= end else { throw ZipError.corrupt("directory") }
            // ZIP64 extra field: the 64-bit values, in this order, for the fields that are all ones.
            var e = extraStart
            while e + 4 <= extraStart + extraLength {
                let id = u16(b, e), length = u16(b, e + 2)
                guard e + 4 + length <= extraStart + extraLength else { throw ZipError.corrupt("directory") }
                if id == 0x0001 {
                    var q = e + 4
                    func take() throws -> Int {
                        guard q + 8 <= e + 4 + length else { throw ZipError.corrupt("directory") }
                        defer { q += 8 }
                        return try checked(u64(b, q), limit: Int(Int32.max) * 64)
                    }
                    if uncompressed == 0xFFFF_FFFF { uncompressed = try take() }
                    if compressed == 0xFFFF_FFFF { compressed = try take() }
                    if local == 0xFFFF_FFFF { local = try take() }
                }
                e += 4 + length
            }
            let nameBytes = UnsafeBufferPointer(rebasing: b[nameStart..<extraStart])
            guard TextDecoding.isValidUTF8(nameBytes) else { throw ZipError.corrupt("directory") }
            let path = String(decoding: nameBytes, as: UTF8.self)
            guard flags & 1 == 0 else { throw ZipError.unsupported(path) }
            guard local <= n, compressed <= n else { throw ZipError.corrupt(path) }
            entries.append(Entry(path: path, method: method, crc: crc, compressedSize: compressed,
                                 uncompressedSize: uncompressed, localHeaderOffset: local))
            p = next
        }
        return entries
    }

    /// Where an entry's compressed bytes start, after its local header, checked against the file.
    static func dataStart(of e: Entry, in b: UnsafeBufferPointer<UInt8>) throws -> Int {
        let h = e.localHeaderOffset
        guard h <= b.count - 30, u32(b, h) == 0x0403_4B50 else { throw ZipError.corrupt(e.path) }
        let start = h + 30 + u16(b, h + 26) + u16(b, h + 28)
        guard start <= b.count, e.compressedSize <= b.count - start else { throw ZipError.corrupt(e.path) }
        return start
    }
}
