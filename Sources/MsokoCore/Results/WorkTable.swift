import Foundation

/// The works of a results file, kept in compact columns rather than one `WorkRecord` each: a
/// country's file holds millions of works, and a record with its strings and score array costs
/// about 500 bytes where these columns cost about 40 (all scores in one byte array, all codes in
/// one byte buffer, schools and classes as indexes into small tables). Reading it as a collection
/// gives `WorkRecord`s made on the fly.
public struct WorkTable: RandomAccessCollection, Sendable, Equatable {
    /// A school as the file names it: the `ОО` login, the name and the municipality column.
    /// Its hash is worked out once, when it is made — on the thread that reads its rows: the
    /// standard hash of a Cyrillic text normalises it first, and tables look a school up more than
    /// once (joining a country's second reading block to the first looked up its 20 000 schools on
    /// one thread while the other waited). The texts are fixed, so that the hash stays true.
    public struct School: Hashable, Sendable {
        public let login: String?
        public let name: String?
        public let municipality: String?
        /// The three texts' hash, by the standard `Hasher` (this process' seed): texts equal as
        /// `String`s (canonically equivalent) hash alike, as `==` requires.
        private let hash: Int
        public init(login: String?, name: String?, municipality: String?) {
            self.login = login
            self.name = name
            self.municipality = municipality
            var hasher = Hasher()
            hasher.combine(login)
            hasher.combine(name)
            hasher.combine(municipality)
            hash = hasher.finalize()
        }
        public static func == (a: School, b: School) -> Bool {
            a.hash == b.hash && a.login == b.login && a.name == b.name && a.municipality == b.municipality
        }
        public func hash(into hasher: inout Hasher) { hasher.combine(hash) }
    }

    public let taskCount: Int
    public private(set) var schoolTable: [School] = []
    /// The row where each school of `schoolTable` first appears (0: unknown).
    public private(set) var schoolFirstRows: [Int] = []
    private var schoolIndexes: [School: UInt32] = [:]
    /// Classes, variants and genders: the few distinct texts a file repeats on every row.
    private(set) var texts: [String] = [""]
    private var textIndexes: [String: UInt32] = ["": 0]

    private(set) var scores: [UInt8] = []
    private var codeBytes: [UInt8] = []
    private var codeEnds: [Int] = []
    private(set) var school: [UInt32] = []
    private(set) var classText: [UInt32] = []
    /// 0: none.
    private var variantText: [UInt32] = []
    private var genderText: [UInt32] = []
    private(set) var primary: [Int32] = []
    /// Mark in the low four bits, journal mark in the high four; 0: none.
    private(set) var marks: [UInt8] = []
    private var rows: [UInt32] = []

    public init(taskCount: Int) {
        self.taskCount = taskCount
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { rows.count }

    public mutating func reserveCapacity(_ n: Int) {
        scores.reserveCapacity(n * taskCount)
        codeBytes.reserveCapacity(n * 8)
        codeEnds.reserveCapacity(n)
        school.reserveCapacity(n)
        classText.reserveCapacity(n)
        variantText.reserveCapacity(n)
        genderText.reserveCapacity(n)
        // Room for a school per 16 works (a country's file has 37 a school; 65 536 at most): each
        // growth of the table hashed every school's Cyrillic name and municipality again. (Hashing
        // the login alone would be cheaper, but a file of one login under many names would then
        // put every school in one bucket: 100 000 such rows took minutes, and do not now.)
        schoolIndexes.reserveCapacity(Swift.min(n / 16, 1 << 16))
        primary.reserveCapacity(n)
        marks.reserveCapacity(n)
        rows.reserveCapacity(n)
    }

    /// The index of a school in `schoolTable`, adding it when new.
    public mutating func schoolIndex(_ s: School, row: Int = 0) -> UInt32 {
        Self.schoolIndex(s, row: row, table: &schoolTable, firstRows: &schoolFirstRows, indexes: &schoolIndexes)
    }

    /// The same on the three stored properties alone (the join maps schools while another thread
    /// copies the other columns).
    private static func schoolIndex(_ s: School, row: Int, table: inout [School], firstRows: inout [Int], indexes: inout [School: UInt32]) -> UInt32 {
        if let i = indexes[s] { return i }
        let i = UInt32(table.count)
        table.append(s)
        firstRows.append(row)
        indexes[s] = i
        return i
    }

    /// The schools and texts with their indexes, as one value: a one-shot command keeps them until
    /// it exits (`KeptUntilExit`) — letting a country's table go released 40 000 schools' three
    /// texts one by one, 5 ms of the main thread while the other core waited.
    public var namesAndIndexes: some Sendable { (schoolTable, schoolIndexes, texts, textIndexes) }

    /// The index of a repeated text (class, variant, gender); 0 for nil or empty.
    public mutating func textIndex(_ s: String?) -> UInt32 {
        guard let s, !s.isEmpty else { return 0 }
        if let i = textIndexes[s] { return i }
        let i = UInt32(texts.count)
        texts.append(s)
        textIndexes[s] = i
        return i
    }

    /// Adds a work from parts already checked; `scores` holds `taskCount` values.
    public mutating func append(school s: UInt32, code: UnsafeBufferPointer<UInt8>, classText c: UInt32, variant: UInt32, gender: UInt32,
                                scores taskScores: UnsafeBufferPointer<UInt8>, primaryScore: Int, mark: Int?, journalMark: Int?, row: Int) {
        precondition(taskScores.count == taskCount)
        scores.append(contentsOf: taskScores)
        codeBytes.append(contentsOf: code)
        codeEnds.append(codeBytes.count)
        school.append(s)
        classText.append(c)
        variantText.append(variant)
        genderText.append(gender)
        primary.append(Int32(clamping: primaryScore))
        marks.append(UInt8(mark ?? 0) | UInt8(journalMark ?? 0) << 4)
        rows.append(UInt32(clamping: row))
    }

    public mutating func append(_ w: WorkRecord) {
        let s = schoolIndex(School(login: w.schoolLogin, name: w.schoolName, municipality: w.municipality))
        let c = textIndex(w.className), v = textIndex(w.variant), g = textIndex(w.gender)
        Array(w.code.utf8).withUnsafeBufferPointer { code in
            w.scores.withUnsafeBufferPointer { sc in
                append(school: s, code: code, classText: c, variant: v, gender: g, scores: sc,
                       primaryScore: w.primaryScore, mark: w.mark, journalMark: w.journalMark, row: w.row)
            }
        }
    }

    /// Adds another table's works (another file of the same procedure), its schools and texts
    /// mapped onto this table's.
    public mutating func append(contentsOf other: WorkTable) {
        append(contentsOf: other, rowOffset: nil)
    }

    /// `rowOffset`: the other table is a later block of the same file, its rows counted from the
    /// block's start; its schools new here keep their first row.
    /// `threads`: the columns are copied in four parts (the scores; the codes and marks; the schools,
    /// mapped; the texts' indexes and rows), taken by the cores as each is free — in two halves,
    /// one core waited up to 5 ms for the other — when there are several cores and the other table
    /// is large.
    mutating func append(contentsOf other: WorkTable, rowOffset: Int?, threads: Int = 1) {
        precondition(other.taskCount == taskCount || other.isEmpty)
        let textMap = other.texts.map { textIndex($0) }
        let offset = codeBytes.count
        // Each part touches only its own columns of `self` (distinct stored properties).
        withUnsafeMutablePointer(to: &self) { table in
            nonisolated(unsafe) let table = table
            Parallelism.perform(iterations: 4, threads: threads > 1 && other.count >= 100_000 ? threads : 1) { part in
                switch part {
                case 0:
                    table.pointee.scores += other.scores
                case 1:
                    table.pointee.codeBytes += other.codeBytes
                    table.pointee.codeEnds.append(contentsOf: other.codeEnds.lazy.map { $0 + offset })
                    table.pointee.primary += other.primary
                    table.pointee.marks += other.marks
                case 2:
                    let schoolMap = other.schoolTable.indices.map { j in
                        Self.schoolIndex(other.schoolTable[j], row: rowOffset.map { other.schoolFirstRows[j] + $0 } ?? 0,
                                         table: &table.pointee.schoolTable, firstRows: &table.pointee.schoolFirstRows, indexes: &table.pointee.schoolIndexes)
                    }
                    table.pointee.school.append(contentsOf: other.school.lazy.map { schoolMap[Int($0)] })
                default:
                    table.pointee.classText.append(contentsOf: other.classText.lazy.map { textMap[Int($0)] })
                    table.pointee.variantText.append(contentsOf: other.variantText.lazy.map { textMap[Int($0)] })
                    table.pointee.genderText.append(contentsOf: other.genderText.lazy.map { textMap[Int($0)] })
                    if let rowOffset {
                        table.pointee.rows.append(contentsOf: other.rows.lazy.map { UInt32(clamping: Int($0) + rowOffset) })
                    } else {
                        table.pointee.rows += other.rows
                    }
                }
            }
        }
    }

    /// The participant code of work `i`, as bytes.
    func codeBytes(_ i: Int, _ body: (UnsafeBufferPointer<UInt8>) -> Bool) -> Bool {
        let start = i == 0 ? 0 : codeEnds[i - 1]
        return codeBytes.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[start..<codeEnds[i]])) }
    }

    /// Whether a school has a participant code twice. Each work's (school, code) is hashed, the works
    /// are scattered by the hash's top bits into 256 partitions (a counting sort, in runs on every
    /// thread), and each partition — a few thousand works, its table in the core's cache — is
    /// checked on its own: works whose hashes agree are compared byte by byte, so the answer is
    /// exact. (One table for 1.5 million works missed the cache on nearly every insert.)
    func hasDuplicateCodes(threads: Int) -> Bool {
        let n = count
        guard n > 1 else { return false }
        let threads = Swift.max(1, threads)
        if let runs = schoolRuns(threads: threads) { return hasDuplicateCodes(inRuns: runs, threads: threads) }
        let bits = n >= 1 << 16 ? 8 : 0, partitions = 1 << bits
        let runs = Swift.min(n, threads * 4)
        // (Zeroed on every core, like every per-work array here: their first touch on one core was a
        // serial few milliseconds each.)
        var hashes = Parallelism.array(repeating: UInt64(0), count: n, threads: threads)
        var histogram = [Int](repeating: 0, count: runs * partitions)
        hashes.withUnsafeMutableBufferPointer { hb in
            histogram.withUnsafeMutableBufferPointer { counts in
                codeBytes.withUnsafeBufferPointer { bytes in
                    nonisolated(unsafe) let (hb, counts, bytes) = (hb, counts, bytes)
                    let (ends, schools) = (codeEnds, school)
                    Parallelism.forEachRun(of: n, runs: runs, threads: threads) { run, range in
                        for i in range {
                            let h = CodeSet.hash(schools[i], UnsafeBufferPointer(rebasing: bytes[(i == 0 ? 0 : ends[i - 1])..<ends[i]]))
                            hb[i] = h
                            counts[run * partitions + Int(h >> UInt64(64 - bits)) & (partitions - 1)] += 1
                        }
                    }
                }
            }
        }
        // Where each run's works of each partition go: partitions in order, runs in order within each.
        var place = [Int](repeating: 0, count: runs * partitions)
        var partitionStart = [Int](repeating: 0, count: partitions + 1)
        var at = 0
        for p in 0..<partitions {
            partitionStart[p] = at
            for r in 0..<runs { place[r * partitions + p] = at; at += histogram[r * partitions + p] }
        }
        partitionStart[partitions] = at
        var scattered = Parallelism.array(repeating: Int32(0), count: n, threads: threads)
        scattered.withUnsafeMutableBufferPointer { sb in
            nonisolated(unsafe) let sb = sb
            let hb = hashes
            Parallelism.forEachRun(of: n, runs: runs, threads: threads) { [place] run, range in
                var next = Array(place[(run * partitions)..<((run + 1) * partitions)])
                for i in range {
                    let p = Int(hb[i] >> UInt64(64 - bits)) & (partitions - 1)
                    sb[next[p]] = Int32(i)
                    next[p] += 1
                }
            }
        }
        let found = UnsafeMutableBufferPointer<Bool>.allocate(capacity: partitions)
        found.initialize(repeating: false)
        defer { found.deallocate() }
        codeBytes.withUnsafeBufferPointer { bytes in
            nonisolated(unsafe) let (flags, bytes) = (found, bytes)
            let (ends, schools, hb, sb) = (codeEnds, school, hashes, scattered)
            Parallelism.forEachRun(of: partitions, runs: Swift.min(partitions, threads * 8), threads: threads) { [partitionStart] _, range in
                var table = SameCodeTable()
                for p in range {
                    let members = sb[partitionStart[p]..<partitionStart[p + 1]]
                    table.reset(for: members.count)
                    for w in members where table.addOrFind(Int(w), hashOf: { hb[$0] }, ends: ends, schools: schools, bytes: bytes) {
                        flags[p] = true
                        return
                    }
                }
            }
        }
        return found.contains(true)
    }

    /// Where each school's works come together (a file as ФИС ОКО gives it): the table cut into
    /// `threads × 4` stretches at schools' ends; nil when some school's works are in two places.
    private func schoolRuns(threads: Int) -> [Int]? {
        var seen = [Bool](repeating: false, count: schoolTable.count)
        let together: Bool = school.withUnsafeBufferPointer { s in
            seen.withUnsafeMutableBufferPointer { seen in
                seen[Int(s[0])] = true
                for i in 1..<s.count where s[i] != s[i - 1] {
                    if seen[Int(s[i])] { return false }
                    seen[Int(s[i])] = true
                }
                return true
            }
        }
        guard together else { return nil }
        var cuts = [0]
        let parts = threads * 4
        for k in 1..<parts {
            var p = Swift.max(count * k / parts, cuts[k - 1])
            while p > 0 && p < count && school[p] == school[p - 1] { p += 1 }
            cuts.append(p)
        }
        cuts.append(count)
        return cuts
    }

    /// The duplicate check when each school's works come together: each school's codes in a small
    /// table of their own (a school has a few dozen works: the table stays in the core's cache), the
    /// stretches of schools on every thread — one pass, where the partitions took three (hash,
    /// scatter, check) over a country's works.
    private func hasDuplicateCodes(inRuns cuts: [Int], threads: Int) -> Bool {
        let found = UnsafeMutableBufferPointer<Bool>.allocate(capacity: cuts.count - 1)
        found.initialize(repeating: false)
        defer { found.deallocate() }
        codeBytes.withUnsafeBufferPointer { bytes in
            nonisolated(unsafe) let (flags, bytes) = (found, bytes)
            let (ends, schools) = (codeEnds, school)
            Parallelism.perform(iterations: cuts.count - 1, threads: threads) { part in
                var table = SameCodeTable(), hashes: [UInt64] = []
                var first = cuts[part]
                while first < cuts[part + 1] {
                    var last = first + 1
                    while last < cuts[part + 1] && schools[last] == schools[first] { last += 1 }
                    defer { first = last }
                    guard last - first > 1 else { continue }
                    table.reset(for: last - first)
                    hashes.removeAll(keepingCapacity: true)
                    for i in first..<last {
                        hashes.append(CodeSet.hash(schools[i], UnsafeBufferPointer(rebasing: bytes[(i == 0 ? 0 : ends[i - 1])..<ends[i]])))
                    }
                    let start = first
                    for i in first..<last where table.addOrFind(i, hashOf: { hashes[$0 - start] }, ends: ends, schools: schools, bytes: bytes) {
                        flags[part] = true
                        return
                    }
                }
            }
        }
        return found.contains(true)
    }

    /// The works of one partition or one school in an open-addressing table of their indexes, to
    /// find two with the same school and code (hashes first, then the bytes: exact).
    private struct SameCodeTable {
        var slots: [Int32] = [], mask = 0

        /// Emptied, with room for `members` works at half load at most.
        mutating func reset(for members: Int) {
            var size = 16
            while size < members * 2 { size <<= 1 }
            slots.removeAll(keepingCapacity: true)
            slots.append(contentsOf: repeatElement(-1, count: size))
            mask = size - 1
        }

        /// Adds work `i` (a work without a code is never a repeat: not added); true when a work of its
        /// school with its code is there already.
        @inline(__always) mutating func addOrFind(_ i: Int, hashOf: (Int) -> UInt64, ends: [Int], schools: [UInt32], bytes: UnsafeBufferPointer<UInt8>) -> Bool {
            let start = i == 0 ? 0 : ends[i - 1], length = ends[i] - start
            guard length > 0 else { return false }
            let h = hashOf(i)
            var k = Int(truncatingIfNeeded: h) & mask
            while slots[k] >= 0 {
                let j = Int(slots[k])
                if hashOf(j) == h && schools[j] == schools[i] {
                    let other = j == 0 ? 0 : ends[j - 1]
                    if ends[j] - other == length && memcmp(bytes.baseAddress! + other, bytes.baseAddress! + start, length) == 0 { return true }
                }
                k = (k + 1) & mask
            }
            slots[k] = Int32(i)
            return false
        }
    }

    public subscript(i: Int) -> WorkRecord {
        let s = schoolTable[Int(school[i])]
        let codeStart = i == 0 ? 0 : codeEnds[i - 1]
        let m = marks[i]
        var w = WorkRecord(schoolLogin: s.login, schoolName: s.name,
                           code: String(decoding: codeBytes[codeStart..<codeEnds[i]], as: UTF8.self),
                           className: texts[Int(classText[i])],
                           variant: variantText[i] == 0 ? nil : texts[Int(variantText[i])],
                           gender: genderText[i] == 0 ? nil : texts[Int(genderText[i])],
                           scores: Array(scores[i * taskCount..<(i + 1) * taskCount]),
                           primaryScore: Int(primary[i]), mark: m & 15 == 0 ? nil : Int(m & 15),
                           journalMark: m >> 4 == 0 ? nil : Int(m >> 4), row: Int(rows[i]))
        w.municipality = s.municipality
        return w
    }

    /// The school of work `i` (an index into `schoolTable`), without making the record.
    public func schoolOf(_ i: Int) -> UInt32 { school[i] }

    /// Whether a school with works is one `isMatch` accepts: the table asked first, the works only
    /// when a school in it matches (one with no works yet is not counted) — no array of schools made.
    public func hasWork(ofSchoolWhere isMatch: (School) -> Bool) -> Bool {
        let matching = schoolTable.map(isMatch)
        guard matching.contains(true) else { return false }
        return school.contains { matching[Int($0)] }
    }

    /// Schools that have works, in the order of their first work.
    public var schoolsInOrder: [School] {
        var seen = [Bool](repeating: false, count: schoolTable.count)
        var out: [School] = []
        for s in school where !seen[Int(s)] {
            seen[Int(s)] = true
            out.append(schoolTable[Int(s)])
        }
        return out
    }

    public static func == (a: WorkTable, b: WorkTable) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { $0 == $1 }
    }
}

/// Participant codes seen so far, per school: tells a duplicate exactly (no hashes standing in for
/// codes) in a few bytes a code. Hand-written open addressing: a `Set` of `(school, String)` costs
/// a string and a hash-table slot of 40 bytes per work.
struct CodeSet {
    private var bytes: [UInt8] = []
    private var ends: [Int] = []
    private var schools: [UInt32] = []
    /// Slots hold an entry's index + 1; 0 is empty.
    private var slots: [Int32]
    private var mask: Int

    init(expected: Int) {
        var capacity = 1024
        while capacity < expected * 2 { capacity <<= 1 }
        slots = [Int32](repeating: 0, count: capacity)
        mask = capacity - 1
    }

    /// FNV-1a of the code seeded with the school, then MurmurHash3's finaliser (every bit moves the
    /// top ones, which pick `hasDuplicateCodes`' partition).
    static func hash(_ school: UInt32, _ code: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325 ^ UInt64(school)
        for b in code { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        h ^= h >> 33; h = h &* 0xff51_afd7_ed55_8ccd; h ^= h >> 33; h = h &* 0xc4ce_b9fe_1a85_ec53; h ^= h >> 33
        return h
    }

    private func equals(_ entry: Int, _ school: UInt32, _ code: UnsafeBufferPointer<UInt8>) -> Bool {
        guard schools[entry] == school else { return false }
        let start = entry == 0 ? 0 : ends[entry - 1]
        guard ends[entry] - start == code.count else { return false }
        return bytes.withUnsafeBufferPointer { all in
            memcmp(all.baseAddress! + start, code.baseAddress!, code.count) == 0
        }
    }

    /// False when the school already had this code.
    mutating func insert(school: UInt32, code: UnsafeBufferPointer<UInt8>) -> Bool {
        if ends.count * 2 >= slots.count { grow() }
        var i = Int(truncatingIfNeeded: Self.hash(school, code)) & mask
        while slots[i] != 0 {
            if code.count > 0, equals(Int(slots[i]) - 1, school, code) { return false }
            i = (i + 1) & mask
        }
        bytes.append(contentsOf: code)
        ends.append(bytes.count)
        schools.append(school)
        slots[i] = Int32(ends.count)
        return true
    }

    private mutating func grow() {
        let capacity = slots.count * 2
        slots = [Int32](repeating: 0, count: capacity)
        mask = capacity - 1
        bytes.withUnsafeBufferPointer { all in
            for e in 0..<ends.count {
                let start = e == 0 ? 0 : ends[e - 1]
                var i = Int(truncatingIfNeeded: Self.hash(schools[e], UnsafeBufferPointer(rebasing: all[start..<ends[e]]))) & mask
                while slots[i] != 0 { i = (i + 1) & mask }
                slots[i] = Int32(e + 1)
            }
        }
    }
}
