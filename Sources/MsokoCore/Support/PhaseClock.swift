import Foundation

/// The steps inside a heavy pass, timed: with `MSOKO_TIMING=2` each `lap` writes the step's name and
/// its wall time to stderr (`MSOKO_TIMING=1` gives only the four phases of `msoko analyze`). Costs
/// one comparison a lap otherwise. The profile summary in docs/benchmarks.md is made with it.
public struct PhaseClock {
    public static let enabled = ProcessInfo.processInfo.environment["MSOKO_TIMING"] == "2"
    private let pass: String
    private var last: UInt64

    public init(_ pass: String) {
        self.pass = pass
        last = Self.enabled ? DispatchTime.now().uptimeNanoseconds : 0
    }

    public mutating func lap(_ step: @autoclosure () -> String) {
        guard Self.enabled else { return }
        let now = DispatchTime.now().uptimeNanoseconds
        FileHandle.standardError.write(Data(String(format: "  %@ / %@: %.3f s\n", pass, step(), Double(now - last) / 1e9).utf8))
        last = now
    }
}
