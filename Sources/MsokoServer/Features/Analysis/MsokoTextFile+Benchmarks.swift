import Fluent
import Foundation
import MsokoCore
import Vapor

extension MsokoTextFile {
    /// A national-scale procedure for the analysis benchmark: 15 tasks, ВПР-like levels and criteria.
    public static func nationalSpec() -> ProcedureSpec { DetectionBenchmark.mathematics }

    /// Writes `works` generated works of `schools` schools (two classes each) as CSV to `path`, a
    /// line at a time, and the specification beside it; returns the file's size.
    public static func writeNationalBenchmark(directory: String, works: Int, schools: Int, seed: UInt64) throws -> Int {
        let spec = nationalSpec()
        try Data(try Audit.json(spec).utf8).write(to: URL(fileURLWithPath: directory).appendingPathComponent("spec.json"))
        let path = URL(fileURLWithPath: directory).appendingPathComponent("national.csv").path
        guard let file = OutputFile.Stream(path) else { throw ConfigError(OutputFile.Stream.cannotOpen(path)) }
        var buffer = Data([0xEF, 0xBB, 0xBF])
        buffer += Data((ResultsExport.head(spec: spec, count: works).map(ResultsExport.csvLine).joined(separator: "\r\n") + "\r\n").utf8)
        let perSchool = works / max(1, schools), extra = works % max(1, schools)
        let plans = (0..<schools).map { i in
            let n = perSchool + (i < extra ? 1 : 0)
            return ResultsGenerator.SchoolPlan(login: String(format: "edu%06d", 100_000 + i), name: "Школа № \(i + 1)", municipality: "Район \(i / 40 + 1)",
                                               ability: Double((i * 7919) % 101 - 50) / 100, classes: [("6А", (n + 1) / 2), ("6Б", n / 2)])
        }
        var total = 0
        ResultsGenerator(spec: spec, seed: seed).forEachRow(for: plans) { row in
            buffer += Data((ResultsExport.csvLine(ResultsExport.line(row)) + "\r\n").utf8)
            if buffer.count > 1 << 22 { file.write(buffer); total += buffer.count; buffer.removeAll(keepingCapacity: true) }
        }
        file.write(buffer)
        if let problem = file.finish() { throw ConfigError(problem) }
        return total + buffer.count
    }
}

extension MsokoTextFile {
    /// `msoko bench objectivity`: detection quality on synthetic districts, as a Markdown table.
    /// `tuning`: the tuning family alone, its rows shown (what thresholds and weights were chosen on).
    /// `oracle`: the honest spread of each sign fitted on the honest schools alone (a ceiling).
    /// `dump`: each assessed group's sign z's as CSV lines, case by case (docs/objectivity.md).
    public static func objectivityBenchmark(schools: Int, seeds: Int, tuning: Bool = false, oracle: Bool = false, dump: ((String) -> Void)? = nil) -> String {
        let seeds = (1...UInt64(max(1, seeds))).map { $0 * 7919 }
        let report = tuning ? DetectionBenchmark.run(families: [DetectionBenchmark.families[0]], schools: schools, seeds: seeds, tuning: true, oracle: oracle, dump: dump)
                            : DetectionBenchmark.run(schools: schools, seeds: seeds, oracle: oracle, dump: dump)
        return DetectionBenchmark.markdown(report)
    }
}
