import Fluent
import Foundation
import MsokoCore
import Vapor

extension MsokoTextFile {
    public enum AnalysisFormat: String, CaseIterable, Sendable { case json, xlsx, docx }

    public struct AnalysisOutput: Sendable {
        public var problems: [String] = []
        public var warnings: [String] = []
        /// Set by the `Data` form of `analyze`.
        public var data: Data?
    }

    /// `msoko analyze`: reads every file against the specification (the same checks as import; no
    /// size limit — a regional centre's file is large), analyses all their works together and
    /// writes the figures to `sink` (JSON in chunks as it is written). Nothing is stored; nothing is
    /// written when a file has problems.
    /// Each file's bytes are let go once it is read (`files` keeps the names): a country's file is
    /// mapped, and its 140 MiB of pages need not stay beside the analysis.
    /// `keptUntilExit`: the command line's call — the analysis is handed to `KeptUntilExit` instead of
    /// being freed, since the process ends next.
    public static func analyze(files: inout [(name: String, data: Data)], specData: Data, specFile: String, format: AnalysisFormat, details: Bool = false,
                               keptUntilExit: Bool = false, to sink: (UnsafeRawBufferPointer) -> Void) throws -> AnalysisOutput {
        let spec: ProcedureSpec
        do { spec = try ProcedureSpec.read(data: specData, file: specFile) } catch let e as SpecError { throw ConfigError(e.description) }
        var out = AnalysisOutput()
        var works = WorkTable(taskCount: spec.tasks.count)
        var enrolment: [String: [String: Int]] = [:]
        let limits = ResultsReader.Limits(maxFileBytes: Int.max, maxUnzippedBytes: Int64.max)
        // MSOKO_TIMING=1: the time of each phase on stderr (=2: of each step too; docs/benchmarks.md).
        var clock = PhaseClock()
        func phase(_ name: String) { clock.lap(name) }
        // (Each file's mapped bytes are unmapped on this thread once read. On a thread of their own
        // the unmapping — 6 ms for a country's file — did not overlap the analysis: it holds the
        // address space's lock, which the analysis' heap growth (`brk`) waits for; perf, 2026-12-05.)
        for index in files.indices {
            let file = files[index]
            files[index].data = Data()
            let readable: Data
            switch OfficeConversion.readable(file.data, file: file.name) {
            case .success(let d): readable = d
            case .failure(let e): out.problems.append(e.description); continue
            }
            let r = ResultsReader.read(data: readable, file: file.name, spec: spec, limits: limits)
            out.problems += r.problems.map(\.description)
            out.warnings += r.warnings.map(\.description)
            if r.isValid { works.isEmpty ? (works = r.works) : works.append(contentsOf: r.works) }
            for (school, classes) in r.enrolment { enrolment[school, default: [:]].merge(classes) { a, _ in a } }
        }
        guard out.problems.isEmpty else { return out }
        phase("чтение и проверка")
        // The signs' per-work passes need only the works: on a thread of their own, one core, while the
        // analysis runs — its serial steps (groups of works, their order) leave a core idle, and the
        // operating system shares the cores out in its parallel ones (docs/benchmarks.md).
        let perWork = PerWorkThread()
        if format == .json && works.count >= 10_000 && Parallelism.threads > 1 {
            perWork.start { [works] in ObjectivityAnalysis.perWork(works, spec: spec, threads: 1) }
        }
        // The points by mark only where they are written: the JSON's `--details`, the workbook, the справка.
        let analysis = ResultsAnalysis.analyze(works, spec: spec, enrolment: enrolment, byMark: details || format != .json)
        let prepared = perWork.result()
        phase("анализ")
        // The works handed over: the signs let them go once their per-work passes are done (their
        // names kept by the command line until it exits).
        if keptUntilExit { KeptUntilExit.keep(works.namesAndIndexes) }
        var objectivity: [GroupRisk] = []
        if format == .json { objectivity = ObjectivityAnalysis.evaluate(consume works, analysis: analysis, inputs: .init(enrolment: enrolment), perWork: prepared) }
        works = WorkTable(taskCount: 0)
        phase("признаки необъективности")
        switch format {
        case .json: AnalysisJSON.write(analysis, objectivity: objectivity, details: details, to: sink)
        case .xlsx: try AnalysisTables.workbook(analysis).withUnsafeBytes { sink($0) }
        case .docx: try AnalyticalReport.district(analysis, context: AnalyticalReport.Context()).data().withUnsafeBytes { sink($0) }
        }
        phase("запись")
        if keptUntilExit {
            KeptUntilExit.keep(analysis)
            KeptUntilExit.keep(objectivity)
        }
        return out
    }

    /// The same, with the output as `data`.
    public static func analyze(files: [(name: String, data: Data)], specData: Data, specFile: String, format: AnalysisFormat, details: Bool = false) throws -> AnalysisOutput {
        var data = Data()
        var files = files
        var out = try analyze(files: &files, specData: specData, specFile: specFile, format: format, details: details) { data.append(contentsOf: $0) }
        if out.problems.isEmpty { out.data = data }
        return out
    }
}

/// A computation on a thread of its own (not one of Dispatch's workers, which the analysis' parallel
/// steps use), its result waited for.
private final class PerWorkThread: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var started = false
    private var value: ObjectivityAnalysis.PerWork?

    func start(_ body: @escaping @Sendable () -> ObjectivityAnalysis.PerWork) {
        started = true
        let thread = Thread { [self] in
            value = body()
            done.signal()
        }
        thread.start()
    }

    /// The result once the thread is done (nil when none was started).
    func result() -> ObjectivityAnalysis.PerWork? {
        guard started else { return nil }
        done.wait()
        defer { value = nil }
        return value
    }
}
