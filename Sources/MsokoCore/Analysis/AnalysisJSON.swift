import Foundation

/// The analysis as JSON (schema in docs/analysis-format.md). Written by hand into one byte
/// buffer: a country's file has a hundred thousand groups, and `JSONEncoder` over dictionaries of
/// them is several times slower and loses the key order people read the file in.
public enum AnalysisJSON {
    /// `details`: also task completion by mark groups and the planned results of every group.
    /// `settings`: those the objectivity list was evaluated with (its «слабые признаки» depend on the flag).
    public static func data(_ a: ResultsAnalysis, objectivity: [GroupRisk] = [], details: Bool = true, settings: ObjectivitySettings = ObjectivitySettings()) -> Data {
        var out = Data()
        write(a, objectivity: objectivity, details: details, settings: settings) { out.append(contentsOf: $0) }
        return out
    }

    /// Writes the JSON in chunks of a few megabytes to `sink`: a country's analysis is too large to
    /// hold twice.
    public static func write(_ a: ResultsAnalysis, objectivity: [GroupRisk], details: Bool, settings: ObjectivitySettings = ObjectivitySettings(),
                             to sink: (UnsafeRawBufferPointer) -> Void) {
        withoutActuallyEscaping(sink) { sink in
            var w = Writer()
            w.sink = sink
            write(a, objectivity: objectivity, details: details, settings: settings, &w)
        }
    }

    static func write(_ a: ResultsAnalysis, objectivity: [GroupRisk], details: Bool, settings: ObjectivitySettings, _ w: inout Writer,
                      threads: Int = Parallelism.threads) {
        let requirements = Gaps.requirements(of: a.spec)
        let spec = a.spec
        w.raw("{\"procedure\":{\"type\":"); w.string(spec.type)
        w.raw(",\"year\":"); w.int(spec.year)
        w.raw(",\"subject\":"); w.string(spec.subject)
        w.raw(",\"grade\":"); w.int(spec.grade)
        w.raw(",\"maxScore\":"); w.int(spec.maxScore)
        w.raw("},\"groups\":[")
        let shape = Shape(spec, requirements: requirements)
        list(a.groups, threads: threads, &w) { g, w in group(g, shape, details: details, &w) }
        w.raw("],\"objectivity\":[")
        list(objectivity, threads: threads, &w) { r, w in risk(r, shape, settings: settings, &w) }
        w.raw("]}\n")
        w.flush()
    }

    /// The items comma-separated, through `inOrder`, each by its address in the array's buffer: an
    /// item read out of an array — or passed by value from its buffer, even to a `borrowing`
    /// parameter — is a copy, its arrays and texts retained and released, on every core at once, on
    /// the same counters (the array outlives the writing).
    static func list<T: Sendable>(_ items: [T], threads: Int, _ w: inout Writer, _ item: @escaping @Sendable (UnsafePointer<T>, inout Writer) -> Void) {
        items.withUnsafeBufferPointer { buffer in
            nonisolated(unsafe) let base = buffer.baseAddress
            inOrder(count: buffer.count, threads: threads, &w) { n, w in
                if n > 0 { w.raw(",") }
                item(base! + n, &w)
            }
        }
    }

    static func risk(_ r: UnsafePointer<GroupRisk>, _ shape: Shape, settings: ObjectivitySettings, _ w: inout Writer) {
        w.raw("\n{\"school\":"); w.string(r.pointee.school)
        w.raw(",\"class\":"); w.optionalString(r.pointee.className)
        w.raw(",\"participants\":"); w.int(r.pointee.participants)
        w.raw(",\"risk\":"); w.double(r.pointee.risk)
        w.raw(",\"note\":"); w.optionalString(r.pointee.note)
        w.raw(",\"riskFromClass\":"); w.optionalString(r.pointee.riskFromClass)
        w.raw(",\"signals\":[")
        var first = true
        for c in r.pointee.contributions.indices where r.pointee.contributions[c].passes {
            if !first { w.raw(",") }
            first = false
            signal(r.pointee.contributions[c].signal, shape, &w)
        }
        w.raw("],\"weakSignals\":[")
        for (k, x) in r.pointee.weakSignals(settings).enumerated() {
            if k > 0 { w.raw(",") }
            signal(x, shape, &w)
        }
        // Every sign's z (against honest groups) and weight in the combination, passing or not.
        w.raw("],\"contributions\":[")
        for c in r.pointee.contributions.indices {
            if c > 0 { w.raw(",") }
            w.raw("{\"indicator\":"); shape.indicator(r.pointee.contributions[c].signal.indicator, &w)
            w.raw(",\"z\":"); w.thousandths(r.pointee.contributions[c].signal.z)
            w.raw(",\"weight\":"); w.double(r.pointee.contributions[c].weight)
            w.raw("}")
        }
        w.raw("]}")
    }

    /// What every group's entry repeats, made once as bytes and flat arrays: the tasks' keys and
    /// maxima, the requirements' keys, tasks and maxima, and the objectivity list's indicator names.
    /// (Arrays of arrays or of texts would be retained and released at each use, 120 000 groups ×
    /// 100 uses for a country; an indicator's name as a `String` was also scanned for escapes, a
    /// million times.)
    struct Shape: Sendable {
        let hasScale: Bool
        let maxes: [Int]
        /// `"number":` of task t is `keys[keyStarts[t] ..< keyStarts[t + 1]]`.
        let keys: [UInt8], keyStarts: [Int]
        /// `"code":` of requirement k, its tasks `requirementTasks[taskStarts[k] ..< taskStarts[k + 1]]`, its maximum.
        let requirementKeys: [UInt8], requirementKeyStarts: [Int]
        let requirementTasks: [Int], taskStarts: [Int], requirementMaxes: [Int]
        /// `"name"` of the indicator of ordinal k is `indicators[indicatorStarts[k] ..< indicatorStarts[k + 1]]`.
        let indicators: [UInt8], indicatorStarts: [Int]

        init(_ spec: ProcedureSpec, requirements: [GapRequirement]) {
            hasScale = spec.scale != nil
            maxes = spec.tasks.map(\.max)
            func keyed(_ texts: [String], colon: Bool = true) -> ([UInt8], [Int]) {
                var w = Writer(), starts = [0]
                for t in texts {
                    w.string(t)
                    if colon { w.raw(":") }
                    starts.append(w.bytes.count)
                }
                return (w.bytes, starts)
            }
            (keys, keyStarts) = keyed(spec.tasks.map(\.number))
            (requirementKeys, requirementKeyStarts) = keyed(requirements.map(\.code))
            (indicators, indicatorStarts) = keyed(ObjectivitySignal.Indicator.allCases.map(\.rawValue), colon: false)
            requirementTasks = requirements.flatMap(\.taskIndexes)
            taskStarts = requirements.reduce(into: [0]) { $0.append($0.last! + $1.taskIndexes.count) }
            requirementMaxes = requirements.map(\.max)
        }

        func indicator(_ x: ObjectivitySignal.Indicator, _ w: inout Writer) {
            w.part(of: indicators, indicatorStarts[x.ordinal]..<indicatorStarts[x.ordinal + 1])
        }
    }

    /// Writes items `0..<count` with `item`: on one thread straight into `w`; on several, in
    /// batches of runs of items, each run into its own buffer on whichever thread is free, the
    /// buffers then handed to the sink in order — the same bytes, and at most two batches held at
    /// once. The sink takes a batch while the next one is made (it is one more task beside the
    /// runs), so no core waits for the output.
    static func inOrder(count: Int, threads: Int, _ w: inout Writer, _ item: @escaping @Sendable (Int, inout Writer) -> Void) {
        let run = 256
        guard threads > 1, count > run, w.sink != nil else {
            for n in 0..<count {
                item(n, &w)
                w.flushIfFull()
            }
            return
        }
        w.flush()
        // Sixteen runs a thread per batch: each batch ends when its slowest run does, so the more runs,
        // the less a core waits (a few megabytes a batch).
        let runs = threads * 16
        nonisolated(unsafe) let sink = w.sink!
        var start = 0
        // Two sets of writers used in turn (one filled while the other is written), each kept with
        // its memory from batch to batch: fresh buffers cost a page fault per 4 KB written.
        let slots = UnsafeMutableBufferPointer<Writer>.allocate(capacity: 2 * runs)
        for k in slots.indices { (slots.baseAddress! + k).initialize(to: Writer(capacity: 1 << 16)) }
        defer {
            slots.deinitialize()
            slots.deallocate()
        }
        nonisolated(unsafe) let shared = slots
        var batch = 0, previousFilled = 0
        while start < count || previousFilled > 0 {
            let end = min(count, start + runs * run)
            let filling = start < end ? runs : 0
            let (current, previous) = (batch % 2 * runs, (1 - batch % 2) * runs)
            // Task 0 hands the previous batch to the sink; each other task fills its own slot.
            let (first, previousCount) = (start, previousFilled)
            Parallelism.perform(iterations: 1 + filling, threads: threads) { k in
                guard k > 0 else {
                    for b in previous..<(previous + previousCount) { sink(shared[b].written) }
                    return
                }
                // The slot's writer moved to this thread's stack while it writes, and back after:
                // neighbouring slots share cache lines, and a writer's count changes with every
                // field, so writing in place made the two cores fight over those lines (two threads
                // spent 40 % more processor time on the JSON than one).
                let slot = shared.baseAddress! + (current + k - 1)
                var w = slot.move()
                w.reset()
                let lo = first + (k - 1) * run, hi = min(end, lo + run)
                if lo < hi { for n in lo..<hi { item(n, &w) } }
                slot.initialize(to: w)
            }
            previousFilled = filling
            batch += 1
            start = end
        }
    }

    static func signal(_ x: ObjectivitySignal, _ shape: Shape, _ w: inout Writer) {
        w.raw("{\"indicator\":"); shape.indicator(x.indicator, &w)
        w.raw(",\"value\":"); w.double(x.value)
        w.raw(",\"threshold\":"); w.double(x.threshold)
        w.raw(",\"reference\":"); w.double(x.reference)
        w.raw(",\"z\":"); w.double(x.z)
        w.raw(",\"explanation\":"); w.string(x.explanation)
        w.raw("}")
    }

    static func group(_ g: UnsafePointer<GroupFigures>, _ shape: Shape, details: Bool, _ w: inout Writer) {
        let taskCount = shape.maxes.count
        w.raw("\n{\"level\":\""); w.text(g.pointee.level.rawValue)
        w.raw("\",\"school\":"); w.optionalString(g.pointee.school)
        w.raw(",\"schoolName\":"); w.optionalString(g.pointee.schoolName)
        w.raw(",\"class\":"); w.optionalString(g.pointee.className)
        w.raw(",\"participants\":"); w.int(g.pointee.participants)
        w.raw(",\"enrolled\":"); g.pointee.enrolled.map { w.int($0) } ?? w.raw("null")
        w.raw(",\"marks\":")
        if shape.hasScale {
            w.raw("{"); for m in 2...5 { if m > 2 { w.raw(",") }; w.raw("\""); w.int(m); w.raw("\":"); w.int(g.pointee.marks[m - 2]) }; w.raw("}")
        } else { w.raw("null") }
        w.raw(",\"meanPrimaryScore\":"); w.double(g.pointee.meanPrimaryScore)
        w.raw(",\"meanMark\":"); w.double(g.pointee.meanMark)
        w.raw(",\"passRate\":"); w.double(g.pointee.passRate)
        w.raw(",\"qualityRate\":"); w.double(g.pointee.qualityRate)
        w.raw(",\"taskCompletion\":{")
        for t in 0..<taskCount {
            if t > 0 { w.raw(",") }
            w.part(of: shape.keys, shape.keyStarts[t]..<shape.keyStarts[t + 1]); w.double(g.pointee.taskCompletion(t, max: shape.maxes[t]))
        }
        w.raw("}")
        if details {
        w.raw(",\"taskCompletionByMark\":")
        if shape.hasScale {
            w.raw("{")
            for m in 2...5 {
                if m > 2 { w.raw(",") }
                w.raw("\""); w.int(m); w.raw("\":{")
                for t in 0..<taskCount {
                    if t > 0 { w.raw(",") }
                    w.part(of: shape.keys, shape.keyStarts[t]..<shape.keyStarts[t + 1]); w.double(g.pointee.taskCompletion(t, max: shape.maxes[t], mark: m))
                }
                w.raw("}")
            }
            w.raw("}")
        } else { w.raw("null") }
        // Each requirement's completion, as `ResultsAnalysis.requirements` computes it.
        w.raw(",\"requirements\":{")
        for k in shape.requirementMaxes.indices {
            if k > 0 { w.raw(",") }
            var points = 0
            for i in shape.taskStarts[k]..<shape.taskStarts[k + 1] { points += g.pointee.taskPoints[shape.requirementTasks[i]] }
            let max = shape.requirementMaxes[k] * g.pointee.participants
            w.part(of: shape.requirementKeys, shape.requirementKeyStarts[k]..<shape.requirementKeyStarts[k + 1])
            w.double(max == 0 ? nil : Double(points) / Double(max))
        }
        w.raw("}")
        }
        w.raw(",\"scoreHistogram\":{")
        var first = true
        for score in g.pointee.histogram.indices where g.pointee.histogram[score] > 0 {
            if !first { w.raw(",") }
            first = false
            w.raw("\""); w.int(score); w.raw("\":"); w.int(g.pointee.histogram[score])
        }
        w.raw("},\"journal\":{\"lower\":"); w.int(g.pointee.journalLower)
        w.raw(",\"same\":"); w.int(g.pointee.journalSame)
        w.raw(",\"higher\":"); w.int(g.pointee.journalHigher)
        w.raw(",\"gapTwoOrMore\":"); w.int(g.pointee.journalGapTwoOrMore)
        w.raw("},\"smallGroup\":"); g.pointee.smallGroup.map { w.string($0.rawValue) } ?? w.raw("null")
        w.raw("}")
    }

    /// Bytes written through a pointer: an entry is a few hundred small pieces, and an array's
    /// `append` checks its uniqueness and capacity at each (a country's JSON is 12 million pieces).
    /// The memory belongs to `Storage` (freed with it); the struct keeps where to write, so the hot
    /// path touches no class. A copy shares the memory until either grows: a writer has one owner
    /// (`inOrder` writes into its slots' writers in place). Hand-written: no listed package writes
    /// JSON bytes in place.
    struct Writer {
        final class Storage {
            let base: UnsafeMutablePointer<UInt8>
            init(capacity: Int) { base = .allocate(capacity: capacity) }
            deinit { base.deallocate() }
        }
        /// The texts of the doubles written last, by their bits (direct-mapped, `slots` entries of
        /// one length byte and up to `slotBytes − 1` bytes of text): a country's JSON has 3.7 million fractions
        /// but only 75 000 distinct ones (a class's share of points is k/(n·max) for small n), and the
        /// thousand most frequent are 86 % of them — a copy instead of a shortest-digits conversion.
        /// A slot holds exactly the bytes the conversion wrote for those bits, so the output is the same.
        final class DoubleTexts {
            /// The slot is the top `bits` bits of the value's bits times a large odd constant.
            static let bits = 10, slots = 1 << bits, slotBytes = 32
            let keys: UnsafeMutablePointer<UInt64>
            let texts: UnsafeMutablePointer<UInt8>
            /// A NaN's bits: never written through the cache (a non-finite value is `null`).
            static let empty: UInt64 = 0x7FF8_0000_0000_0001
            init() {
                keys = .allocate(capacity: Self.slots)
                keys.initialize(repeating: Self.empty, count: Self.slots)
                texts = .allocate(capacity: Self.slots * Self.slotBytes)
            }
            deinit {
                keys.deallocate()
                texts.deallocate()
            }
        }
        private var storage: Storage
        private var base: UnsafeMutablePointer<UInt8>
        private(set) var count = 0
        private var capacity: Int
        private let doubleTexts = DoubleTexts()
        var sink: ((UnsafeRawBufferPointer) -> Void)?

        init(capacity: Int = 1024) {
            storage = Storage(capacity: capacity)
            base = storage.base
            self.capacity = capacity
        }

        /// What is written and not yet handed to the sink.
        var written: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }
        var bytes: [UInt8] { Array(UnsafeBufferPointer(start: base, count: count)) }
        /// Forgets what is written, keeping the memory.
        mutating func reset() { count = 0 }

        @inline(__always) private mutating func reserve(_ n: Int) {
            if count + n > capacity { grow(n) }
        }
        @inline(never) private mutating func grow(_ n: Int) {
            let bigger = Swift.max(capacity * 2, count + n)
            let next = Storage(capacity: bigger)
            next.base.update(from: base, count: count)
            (storage, base, capacity) = (next, next.base, bigger)
        }
        @inline(__always) mutating func put(_ source: UnsafePointer<UInt8>, _ n: Int) {
            reserve(n)
            (base + count).update(from: source, count: n)
            count += n
        }
        @inline(__always) mutating func put(_ byte: UInt8) {
            reserve(1)
            base[count] = byte
            count += 1
        }

        mutating func flushIfFull() { if count >= 1 << 22 { flush() } }
        mutating func flush() {
            sink?(written)
            count = 0
        }
        /// A literal's bytes, as they are. (A literal passed where a `String` overload exists becomes a
        /// `String`: that overload is therefore named apart, `text`, or every one of the JSON's
        /// 40 million punctuation pieces went through a `String`'s UTF-8 view in a call of its own.)
        @inline(__always) mutating func raw(_ s: StaticString) {
            // (`withUTF8Buffer`, not `utf8Start`: a one-character literal may be kept as a scalar.)
            s.withUTF8Buffer { if let start = $0.baseAddress { put(start, $0.count) } }
        }
        /// `source[range]`.
        mutating func part(of source: [UInt8], _ range: Range<Int>) {
            source.withUnsafeBufferPointer { if let start = $0.baseAddress, !range.isEmpty { put(start + range.lowerBound, range.count) } }
        }
        /// A text's bytes as they are (no escapes: names known to need none).
        mutating func text(_ s: String) {
            var s = s
            s.withUTF8 { if let start = $0.baseAddress { put(start, $0.count) } }
        }
        mutating func int(_ v: Int) {
            reserve(21)
            if v < 0 { base[count] = 0x2D; count += 1 }
            var n = v.magnitude
            if n < 10 { base[count] = 0x30 + UInt8(n); count += 1; return }
            var digits = 0
            var m = n
            while m > 0 { digits += 1; m /= 10 }
            count += digits
            var at = count - 1
            while n > 0 { base[at] = 0x30 + UInt8(n % 10); n /= 10; at -= 1 }
        }
        /// Shortest text that reads back as the same double; null for none.
        mutating func double(_ v: Double?) {
            guard let v, v.isFinite else { return raw("null") }
            if v == v.rounded() && abs(v) < 1e15 { return int(Int(v)) }
            let bits = v.bitPattern
            let slot = Int(truncatingIfNeeded: (bits &* 0x9E37_79B9_7F4A_7C15) >> (64 - DoubleTexts.bits))
            let text = doubleTexts.texts + slot * DoubleTexts.slotBytes
            if doubleTexts.keys[slot] == bits { return put(text + 1, Int(text[0])) }
            // The digits of `v.description`, handed over as bytes (`_writeASCII` below) instead of
            // in a `String` of their own: most figures are shares with 16–17 digits, past the
            // length a `String` holds without allocating (a country's JSON has two million).
            let before = count
            v.write(to: &self)
            let n = count - before
            if n < DoubleTexts.slotBytes {
                doubleTexts.keys[slot] = bits
                text[0] = UInt8(n)
                (text + 1).update(from: base + before, count: n)
            }
        }
        /// What `double((v * 1000).rounded() / 1000)` writes — a sign's z to three decimals, a million
        /// of them in a country's list, most of them distinct — without the shortest-digits conversion:
        /// the shortest text of the double nearest to k/1000 is k/1000's own decimals, trailing zeros
        /// dropped (any shorter decimal is a multiple of 0.01, at least 0.001 away, and below 10¹² the
        /// double's spacing is far under that). `testThousandthsAreWrittenAsDoubleWritesThem` compares the two.
        mutating func thousandths(_ v: Double) {
            let k = (v * 1000).rounded()
            // (Whole numbers, huge ones and non-finite ones as `double` writes them.)
            guard k.isFinite, abs(k) < 1e12, Int(k) % 1000 != 0 else { return double(k / 1000) }
            var n = Int(k)
            reserve(24)
            if n < 0 { put(0x2D); n = -n }
            int(n / 1000)
            let f = n % 1000
            put(0x2E)
            put(0x30 + UInt8(f / 100))
            if f % 100 != 0 { put(0x30 + UInt8(f / 10 % 10)) }
            if f % 10 != 0 { put(0x30 + UInt8(f % 10)) }
        }
        mutating func optionalString(_ s: String?) { if let s { string(s) } else { raw("null") } }
        mutating func string(_ s: String) {
            put(0x22)
            var s = s
            s.withUTF8 { utf8 in
                // Most texts need no escape: written at once.
                if !utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }) {
                    if let start = utf8.baseAddress { put(start, utf8.count) }
                    return
                }
                for b in utf8 {
                    switch b {
                    case 0x22: put(0x5C); put(0x22)
                    case 0x5C: put(0x5C); put(0x5C)
                    case 0x0A: put(0x5C); put(0x6E)
                    case 0x0D: put(0x5C); put(0x72)
                    case 0x09: put(0x5C); put(0x74)
                    case 0..<0x20: for e in String(format: "\\u%04x", b).utf8 { put(e) }
                    default: put(b)
                    }
                }
            }
            put(0x22)
        }
    }
}

/// `Double.write(to:)` hands its digits to `_writeASCII` — the standard library's customisation
/// point for ASCII text — which is the same text as `description` (`testDoublesAreWrittenAsDescriptionWritesThem`).
extension AnalysisJSON.Writer: TextOutputStream {
    mutating func write(_ string: String) { text(string) }
    mutating func _writeASCII(_ buffer: UnsafeBufferPointer<UInt8>) { if let start = buffer.baseAddress { put(start, buffer.count) } }
}
