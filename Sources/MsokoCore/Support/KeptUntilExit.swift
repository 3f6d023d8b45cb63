import Foundation
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

/// A value let go on a thread of its own, which ends once it has let it go: what a one-shot command
/// no longer needs but whose release costs a core's time while the other waits — a country's mapped
/// input file, whose unmapping took 6 ms of the main thread between the reading and the analysis.
/// The caller hands over its last reference (`consume`); a reference kept elsewhere makes the
/// release happen there instead, which is only slower.
public enum LetGoAside {
    private final class Holder: Sendable {
        let value: Mutex<(any Sendable)?>
        init(_ value: consuming any Sendable) { self.value = Mutex(value) }
    }

    public static func letGo(_ value: consuming some Sendable) {
        let holder = Holder(value)
        Thread { holder.value.withLock { $0 = nil } }.start()
    }
}
