import Foundation

/// Wall time on stderr: `MSOKO_TIMING=1` (or any value) times the phases of `msoko analyze`,
/// `MSOKO_TIMING=2` also the steps inside each heavy pass. A clock without a pass times phases
/// («чтение и проверка: 0.59 s»), one with a pass times its steps («  признаки / шаги заданий: 0.035 s»).
/// Each step's line also gives the processor time all the process' threads spent in it
/// («процессор 0.070 s»): beside the wall time it shows how much of the step runs on every core;
/// and the page faults the step took («страниц 1200»: each a page the kernel mapped, most of them
/// fresh pages it zeroed).
/// Costs one comparison a lap otherwise. The profile summary in docs/benchmarks.md is made with it.
public struct PhaseClock {
    static let level: Int = {
        guard let v = ProcessInfo.processInfo.environment["MSOKO_TIMING"] else { return 0 }
        return v == "2" ? 2 : 1
    }()
    private let pass: String?
    private let enabled: Bool
    private var last: UInt64
    private var lastProcessor: Double
    private var lastFaults: Int

    /// `pass`: nil for the phases of a command, the pass's name for its steps.
    public init(_ pass: String? = nil) {
        self.pass = pass
        enabled = Self.level >= (pass == nil ? 1 : 2)
        last = enabled ? DispatchTime.now().uptimeNanoseconds : 0
        let usage = enabled ? Self.usage() : rusage()
        (lastProcessor, lastFaults) = (Self.seconds(usage), usage.ru_minflt)
    }

    private static func usage() -> rusage {
        var usage = rusage()
        #if canImport(Glibc)
        let who = RUSAGE_SELF.rawValue
        #else
        let who = RUSAGE_SELF
        #endif
        guard getrusage(who, &usage) == 0 else { return rusage() }
        return usage
    }

    /// Page faults of all the process' threads so far (minor ones: no disk read).
    static func faults() -> Int { usage().ru_minflt }

    /// User and system time of all the process' threads so far, in seconds.
    static func processor() -> Double { seconds(usage()) }

    private static func seconds(_ usage: rusage) -> Double {
        Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }

    public mutating func lap(_ step: @autoclosure () -> String) {
        guard enabled else { return }
        let now = DispatchTime.now().uptimeNanoseconds
        let seconds = Double(now - last) / 1e9
        let usage = Self.usage()
        let (processor, faults) = (Self.seconds(usage), usage.ru_minflt)
        let line = pass.map { String(format: "  %@ / %@: %.3f s, процессор %.3f s, страниц %d\n", $0, step(), seconds, processor - lastProcessor, faults - lastFaults) }
            ?? String(format: "%@: %.2f s\n", step(), seconds)
        FileHandle.standardError.write(Data(line.utf8))
        (last, lastProcessor, lastFaults) = (now, processor, faults)
    }
}
