import Foundation

/// How many threads the heavy passes (reading a results file, the analysis, the signs of
/// non-objectivity) use: every core by default; `MSOKO_THREADS` or `msoko analyze --threads N`
/// sets it, so that one thread against two can be measured (docs/benchmarks.md). Results do not
/// depend on it: `ParallelReadTests` checks that every count gives the same output.
public enum Parallelism {
    /// Set once at start-up (the command line), before any work; read-only afterwards.
    nonisolated(unsafe) public static var threads: Int = {
        if let text = ProcessInfo.processInfo.environment["MSOKO_THREADS"], let n = Int(text.trimmingCharacters(in: .whitespaces)), (1...256).contains(n) { return n }
        return max(1, ProcessInfo.processInfo.activeProcessorCount)
    }()

    /// What is wrong with `MSOKO_THREADS`, if it is set and is not a whole number from 1 to 256
    /// (`threads` ignores such a value; the commands refuse to start with this message instead).
    public static var environmentProblem: String? {
        guard let text = ProcessInfo.processInfo.environment["MSOKO_THREADS"] else { return nil }
        if let n = Int(text.trimmingCharacters(in: .whitespaces)), (1...256).contains(n) { return nil }
        return "MSOKO_THREADS: ожидается целое число от 1 до 256, задано «\(text)»."
    }

    /// `body` for each of `iterations`: on this thread one after another when `threads` is 1,
    /// else spread over the cores (Dispatch's `concurrentPerform`).
    public static func perform(iterations: Int, threads: Int = Parallelism.threads, _ body: @Sendable (Int) -> Void) {
        if threads <= 1 {
            for k in 0..<iterations { body(k) }
        } else {
            DispatchQueue.concurrentPerform(iterations: iterations, execute: body)
        }
    }

    /// `body` for `0..<count` cut into `runs` contiguous ranges (fewer when there are fewer items),
    /// the runs spread over the cores; `body` gets the run's number and its range.
    public static func forEachRun(of count: Int, runs wanted: Int, threads: Int = Parallelism.threads, _ body: @Sendable (_ run: Int, _ range: Range<Int>) -> Void) {
        let runs = min(count, max(1, wanted))
        guard runs > 0 else { return }
        perform(iterations: runs, threads: threads) { k in body(k, (count * k / runs)..<(count * (k + 1) / runs)) }
    }

    /// An array of `count` copies of `value`, written on every core when it is large: a fresh
    /// array's first touch (a page fault and zeroing per 4 KB) on one core was a serial step of
    /// tens of milliseconds for the analysis' 100 MB of group rows (a country's 120 000 groups).
    public static func array<T: BitwiseCopyable & Sendable>(repeating value: T, count: Int, threads: Int = Parallelism.threads) -> [T] {
        [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            nonisolated(unsafe) let buffer = buffer
            let runs = count * MemoryLayout<T>.stride >= 1 << 22 ? max(1, threads) * 4 : 1
            forEachRun(of: count, runs: runs, threads: runs > 1 ? threads : 1) { _, range in
                UnsafeMutableBufferPointer(rebasing: buffer[range]).initialize(repeating: value)
            }
            initialized = count
        }
    }

    /// Sorts `array`: one run per thread sorted on its core, then the runs merged in turn. The
    /// order of elements the comparison calls equal is not kept, so give it a total order where the
    /// result must not depend on the thread count. (Written here: the standard library sorts on one
    /// thread, and no package msoko may use sorts in parallel.)
    public static func sort<T: Sendable>(_ array: inout [T], threads: Int = Parallelism.threads, by less: @Sendable (T, T) -> Bool) {
        let n = array.count
        let runs = min(max(1, threads), max(1, n / 65_536))
        guard runs > 1 else { array.sort(by: less); return }
        let bounds = (0...runs).map { n * $0 / runs }
        array.withUnsafeMutableBufferPointer { b in
            nonisolated(unsafe) let b = b
            perform(iterations: runs, threads: threads) { k in
                var run = UnsafeMutableBufferPointer(rebasing: b[bounds[k]..<bounds[k + 1]])
                run.sort(by: less)
            }
        }
        // Merge the sorted prefix with the next run, run after run.
        var merged: [T] = []
        merged.reserveCapacity(n)
        var end = bounds[1]
        for k in 1..<runs {
            merged.removeAll(keepingCapacity: true)
            var i = 0, j = end
            let stop = bounds[k + 1]
            while i < end && j < stop {
                if less(array[j], array[i]) { merged.append(array[j]); j += 1 } else { merged.append(array[i]); i += 1 }
            }
            merged.append(contentsOf: array[i..<end])
            merged.append(contentsOf: array[j..<stop])
            array.replaceSubrange(0..<stop, with: merged)
            end = stop
        }
    }
}
