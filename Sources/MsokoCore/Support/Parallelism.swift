import Foundation

/// How many threads the heavy passes (reading a results file, the analysis, the signs of
/// non-objectivity) use: every core by default; `MSOKO_THREADS` or `msoko analyze --threads N`
/// sets it, so that one thread against two can be measured (docs/benchmarks.md). Results do not
/// depend on it: `ParallelReadTests` checks that every count gives the same output.
public enum Parallelism {
    /// Set once at start-up (the command line), before any work; read-only afterwards.
    nonisolated(unsafe) public static var threads: Int = {
        if let text = ProcessInfo.processInfo.environment["MSOKO_THREADS"], let n = Int(text), n >= 1 { return min(n, 256) }
        return max(1, ProcessInfo.processInfo.activeProcessorCount)
    }()

    /// `body` for each of `iterations`: on this thread one after another when `threads` is 1,
    /// else spread over the cores (Dispatch's `concurrentPerform`).
    public static func perform(iterations: Int, threads: Int = Parallelism.threads, _ body: @Sendable (Int) -> Void) {
        if threads <= 1 {
            for k in 0..<iterations { body(k) }
        } else {
            DispatchQueue.concurrentPerform(iterations: iterations, execute: body)
        }
    }
}
