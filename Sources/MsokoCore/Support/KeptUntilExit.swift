import Synchronization

/// Values a one-shot command hands over instead of freeing them: `msoko analyze` ends the process
/// once its output is written, and the operating system takes back a country's analysis — about a
/// million small allocations (each group's arrays, each group's signs) — at once, where freeing them
/// one by one took 0.06 s on one core after the output was done (docs/benchmarks.md, «Every
/// core»). The same idea as a compiler's «don't free at exit». Never used by the server, whose
/// analyses must be let go.
public enum KeptUntilExit {
    private static let kept = Mutex<[any Sendable]>([])

    public static func keep(_ value: some Sendable) {
        kept.withLock { $0.append(value) }
    }
}
