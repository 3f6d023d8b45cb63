import Foundation

/// The analysis as JSON (schema in docs/analysis-format.md). Written by hand into one byte
/// buffer: a country's file has a hundred thousand groups, and `JSONEncoder` over dictionaries of
/// them is several times slower and loses the key order people read the file in.
public enum AnalysisJSON {
    public static func data(_ a: ResultsAnalysis) -> Data {
        var w = Writer()
        let spec = a.spec
        w.raw("{\"procedure\":{\"type\":"); w.string(spec.type)
        w.raw(",\"year\":"); w.int(spec.year)
        w.raw(",\"subject\":"); w.string(spec.subject)
        w.raw(",\"grade\":"); w.int(spec.grade)
        w.raw(",\"maxScore\":"); w.int(spec.maxScore)
        w.raw("},\"groups\":[")
        for (n, g) in a.groups.enumerated() {
            if n > 0 { w.raw(",") }
            group(g, a, &w)
        }
        w.raw("]}\n")
        return Data(w.bytes)
    }

    static func group(_ g: GroupFigures, _ a: ResultsAnalysis, _ w: inout Writer) {
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
            w.raw("{"); for m in 2...5 { if m > 2 { w.raw(",") }; w.raw("\"\(m)\":"); w.int(g.marks[m - 2]) }; w.raw("}")
        } else { w.raw("null") }
        w.raw(",\"meanPrimaryScore\":"); w.double(g.meanPrimaryScore)
        w.raw(",\"meanMark\":"); w.double(g.meanMark)
        w.raw(",\"passRate\":"); w.double(g.passRate)
        w.raw(",\"qualityRate\":"); w.double(g.qualityRate)
        w.raw(",\"taskCompletion\":{")
        for (t, task) in tasks.enumerated() {
            if t > 0 { w.raw(",") }
            w.string(task.number); w.raw(":"); w.double(g.taskCompletion(t, max: task.max))
        }
        w.raw("},\"taskCompletionByMark\":")
        if hasScale {
            w.raw("{")
            for m in 2...5 {
                if m > 2 { w.raw(",") }
                w.raw("\"\(m)\":{")
                for (t, task) in tasks.enumerated() {
                    if t > 0 { w.raw(",") }
                    w.string(task.number); w.raw(":"); w.double(g.taskCompletion(t, max: task.max, mark: m))
                }
                w.raw("}")
            }
            w.raw("}")
        } else { w.raw("null") }
        w.raw(",\"requirements\":{")
        for (k, r) in a.requirements(g).enumerated() {
            if k > 0 { w.raw(",") }
            w.string(r.code); w.raw(":"); w.double(r.completion)
        }
        w.raw("},\"scoreHistogram\":{")
        var first = true
        for (score, count) in g.histogram.enumerated() where count > 0 {
            if !first { w.raw(",") }
            first = false
            w.raw("\"\(score)\":"); w.int(count)
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
        mutating func raw(_ s: String) { bytes.append(contentsOf: s.utf8) }
        mutating func int(_ v: Int) { raw(String(v)) }
        /// Shortest text that reads back as the same double; null for none.
        mutating func double(_ v: Double?) {
            guard let v, v.isFinite else { return raw("null") }
            raw(v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : "\(v)")
        }
        mutating func optionalString(_ s: String?) { s.map { string($0) } ?? raw("null") }
        mutating func string(_ s: String) {
            bytes.append(0x22)
            for b in s.utf8 {
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
            bytes.append(0x22)
        }
    }
}
