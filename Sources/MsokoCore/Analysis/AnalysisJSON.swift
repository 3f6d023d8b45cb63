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
        // Each task's key as JSON bytes, made once: written into every group's completion.
        let taskKeys = spec.tasks.map { task -> [UInt8] in
            var key = Writer()
            key.string(task.number)
            key.raw(":")
            return key.bytes
        }
        inOrder(count: a.groups.count, threads: threads, &w) { n, w in
            if n > 0 { w.raw(",") }
            group(a.groups[n], a, details: details, requirements: requirements, taskKeys: taskKeys, &w)
        }
        w.raw("],\"objectivity\":[")
        inOrder(count: objectivity.count, threads: threads, &w) { n, w in
            let r = objectivity[n]
            if n > 0 { w.raw(",") }
            w.raw("\n{\"school\":"); w.string(r.school)
            w.raw(",\"class\":"); w.optionalString(r.className)
            w.raw(",\"participants\":"); w.int(r.participants)
            w.raw(",\"risk\":"); w.double(r.risk)
            w.raw(",\"note\":"); w.optionalString(r.note)
            w.raw(",\"riskFromClass\":"); w.optionalString(r.riskFromClass)
            w.raw(",\"signals\":[")
            for (k, x) in r.signals.enumerated() {
                if k > 0 { w.raw(",") }
                signal(x, &w)
            }
            w.raw("],\"weakSignals\":[")
            for (k, x) in r.weakSignals(settings).enumerated() {
                if k > 0 { w.raw(",") }
                signal(x, &w)
            }
            // Every sign's z (against honest groups) and weight in the combination, passing or not.
            w.raw("],\"contributions\":[")
            for (k, c) in r.contributions.enumerated() {
                if k > 0 { w.raw(",") }
                w.raw("{\"indicator\":"); w.string(c.signal.indicator.rawValue)
                w.raw(",\"z\":"); w.double((c.signal.z * 1000).rounded() / 1000)
                w.raw(",\"weight\":"); w.double(c.weight)
                w.raw("}")
            }
            w.raw("]}")
        }
        w.raw("]}\n")
        w.flush()
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
        // Two sets of buffers used in turn (one filled while the other is written), each kept with
        // its capacity from batch to batch: fresh buffers cost a page fault per 4 KB written.
        var sets = [[[UInt8]]](repeating: [[UInt8]](repeating: [], count: runs), count: 2)
        var batch = 0, previousFilled = 0
        while start < count || previousFilled > 0 {
            let end = min(count, start + runs * run)
            let filling = start < end ? runs : 0
            let (current, previous) = (batch % 2, 1 - batch % 2)
            var made = sets[previous]
            sets[previous] = []
            sets[current].withUnsafeMutableBufferPointer { slots in
                // Task 0 hands the previous batch to the sink; each other task fills its own slot.
                nonisolated(unsafe) let (slots, made, previousCount) = (slots, made, previousFilled)
                let first = start
                Parallelism.perform(iterations: 1 + filling, threads: threads) { k in
                    guard k > 0 else {
                        for b in made.prefix(previousCount) { b.withUnsafeBytes { sink($0) } }
                        return
                    }
                    var local = Writer()
                    swap(&local.bytes, &slots[k - 1])
                    local.bytes.removeAll(keepingCapacity: true)
                    let lo = first + (k - 1) * run, hi = min(end, lo + run)
                    if lo < hi { for n in lo..<hi { item(n, &local) } }
                    swap(&local.bytes, &slots[k - 1])
                }
            }
            swap(&sets[previous], &made)
            previousFilled = filling
            batch += 1
            start = end
        }
    }

    static func signal(_ x: ObjectivitySignal, _ w: inout Writer) {
        w.raw("{\"indicator\":"); w.string(x.indicator.rawValue)
        w.raw(",\"value\":"); w.double(x.value)
        w.raw(",\"threshold\":"); w.double(x.threshold)
        w.raw(",\"reference\":"); w.double(x.reference)
        w.raw(",\"z\":"); w.double(x.z)
        w.raw(",\"explanation\":"); w.string(x.explanation)
        w.raw("}")
    }

    static func group(_ g: GroupFigures, _ a: ResultsAnalysis, details: Bool, requirements: [GapRequirement], taskKeys: [[UInt8]], _ w: inout Writer) {
        let tasks = a.spec.tasks
        let hasScale = a.spec.scale != nil
        w.raw("\n{\"level\":\""); w.raw(g.level.rawValue)
        w.raw("\",\"school\":"); w.optionalString(g.school)
        w.raw(",\"schoolName\":"); w.optionalString(g.schoolName)
        w.raw(",\"class\":"); w.optionalString(g.className)
        w.raw(",\"participants\":"); w.int(g.participants)
        w.raw(",\"enrolled\":"); g.enrolled.map { w.int($0) } ?? w.raw("null")
        w.raw(",\"marks\":")
        if hasScale {
            w.raw("{"); for m in 2...5 { if m > 2 { w.raw(",") }; w.raw("\""); w.int(m); w.raw("\":"); w.int(g.marks[m - 2]) }; w.raw("}")
        } else { w.raw("null") }
        w.raw(",\"meanPrimaryScore\":"); w.double(g.meanPrimaryScore)
        w.raw(",\"meanMark\":"); w.double(g.meanMark)
        w.raw(",\"passRate\":"); w.double(g.passRate)
        w.raw(",\"qualityRate\":"); w.double(g.qualityRate)
        w.raw(",\"taskCompletion\":{")
        for (t, task) in tasks.enumerated() {
            if t > 0 { w.raw(",") }
            w.bytes.append(contentsOf: taskKeys[t]); w.double(g.taskCompletion(t, max: task.max))
        }
        w.raw("}")
        if details {
        w.raw(",\"taskCompletionByMark\":")
        if hasScale {
            w.raw("{")
            for m in 2...5 {
                if m > 2 { w.raw(",") }
                w.raw("\""); w.int(m); w.raw("\":{")
                for (t, task) in tasks.enumerated() {
                    if t > 0 { w.raw(",") }
                    w.bytes.append(contentsOf: taskKeys[t]); w.double(g.taskCompletion(t, max: task.max, mark: m))
                }
                w.raw("}")
            }
            w.raw("}")
        } else { w.raw("null") }
        w.raw(",\"requirements\":{")
        for (k, r) in ResultsAnalysis.requirements(requirements, g).enumerated() {
            if k > 0 { w.raw(",") }
            w.string(r.code); w.raw(":"); w.double(r.completion)
        }
        w.raw("}")
        }
        w.raw(",\"scoreHistogram\":{")
        var first = true
        for (score, count) in g.histogram.enumerated() where count > 0 {
            if !first { w.raw(",") }
            first = false
            w.raw("\""); w.int(score); w.raw("\":"); w.int(count)
        }
        w.raw("},\"journal\":{\"lower\":"); w.int(g.journalLower)
        w.raw(",\"same\":"); w.int(g.journalSame)
        w.raw(",\"higher\":"); w.int(g.journalHigher)
        w.raw(",\"gapTwoOrMore\":"); w.int(g.journalGapTwoOrMore)
        w.raw("},\"smallGroup\":"); g.smallGroup.map { w.string($0.rawValue) } ?? w.raw("null")
        w.raw("}")
    }

    struct Writer {
        var bytes: [UInt8] = []
        var sink: ((UnsafeRawBufferPointer) -> Void)?

        mutating func flushIfFull() { if bytes.count >= 1 << 22 { flush() } }
        mutating func flush() {
            bytes.withUnsafeBytes { sink?($0) }
            bytes.removeAll(keepingCapacity: true)
        }
        mutating func raw(_ s: StaticString) {
            s.withUTF8Buffer { bytes.append(contentsOf: $0) }
        }
        mutating func raw(_ s: String) {
            if s.utf8.withContiguousStorageIfAvailable({ bytes.append(contentsOf: $0) }) == nil { bytes.append(contentsOf: s.utf8) }
        }
        mutating func int(_ v: Int) {
            if v < 0 { bytes.append(0x2D) }
            var n = v.magnitude
            if n < 10 { bytes.append(0x30 + UInt8(n)); return }
            var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
                (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
            var count = 0
            withUnsafeMutableBytes(of: &digits) { d in
                while n > 0 { d[count] = 0x30 + UInt8(n % 10); n /= 10; count += 1 }
                for k in stride(from: count - 1, through: 0, by: -1) { bytes.append(d[k]) }
            }
        }
        /// Shortest text that reads back as the same double; null for none.
        mutating func double(_ v: Double?) {
            guard let v, v.isFinite else { return raw("null") }
            if v == v.rounded() && abs(v) < 1e15 { return int(Int(v)) }
            // The digits of `v.description`, handed over as bytes (`_writeASCII` below) instead of
            // in a `String` of their own: most figures are shares with 16–17 digits, past the
            // length a `String` holds without allocating (a country's JSON has two million).
            v.write(to: &self)
        }
        mutating func optionalString(_ s: String?) { if let s { string(s) } else { raw("null") } }
        mutating func string(_ s: String) {
            bytes.append(0x22)
            var s = s
            s.withUTF8 { utf8 in
                // Most texts need no escape: appended at once.
                if !utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }) {
                    bytes.append(contentsOf: utf8)
                    return
                }
                for b in utf8 {
                    switch b {
                    case 0x22: bytes += [0x5C, 0x22]
                    case 0x5C: bytes += [0x5C, 0x5C]
                    case 0x0A: bytes += [0x5C, 0x6E]
                    case 0x0D: bytes += [0x5C, 0x72]
                    case 0x09: bytes += [0x5C, 0x74]
                    case 0..<0x20: bytes += Array(String(format: "\\u%04x", b).utf8)
                    default: bytes.append(b)
                    }
                }
            }
            bytes.append(0x22)
        }
    }
}

/// `Double.write(to:)` hands its digits to `_writeASCII` — the standard library's customisation
/// point for ASCII text — which is the same text as `description` (`testDoublesAreWrittenAsDescriptionWritesThem`).
extension AnalysisJSON.Writer: TextOutputStream {
    mutating func write(_ string: String) { raw(string) }
    mutating func _writeASCII(_ buffer: UnsafeBufferPointer<UInt8>) { bytes.append(contentsOf: buffer) }
}
