import Foundation
import MsokoCore
#if canImport(Glibc)
import Glibc
#endif

/// The input under test, in a file both processes map: the worker writes each input there before
/// running it, so that when the worker traps or hangs the supervisor still has the input.
/// Layout: length (8 bytes), start time in ns of uptime, 0 when idle (8), executions (8), input.
public final class InputSlot: @unchecked Sendable {
    public static let capacity = 64 << 20
    let base: UnsafeMutableRawPointer
    let size = 24 + InputSlot.capacity

    public init(path: String, create: Bool) throws {
        let fd = open(path, create ? (O_RDWR | O_CREAT | O_TRUNC) : O_RDWR, 0o600)
        guard fd >= 0 else { throw SlotError("не удалось открыть \(path)") }
        defer { close(fd) }
        if create { guard ftruncate(fd, off_t(size)) == 0 else { throw SlotError("не удалось создать \(path)") } }
        guard let p = mmap(nil, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0), p != MAP_FAILED else { throw SlotError("mmap \(path)") }
        base = p
    }

    deinit { munmap(base, size) }

    var length: Int { get { base.load(as: Int.self) } set { base.storeBytes(of: newValue, as: Int.self) } }
    public var startedAt: UInt64 { get { base.load(fromByteOffset: 8, as: UInt64.self) } set { base.storeBytes(of: newValue, toByteOffset: 8, as: UInt64.self) } }
    public var executions: Int { get { base.load(fromByteOffset: 16, as: Int.self) } set { base.storeBytes(of: newValue, toByteOffset: 16, as: Int.self) } }

    func begin(_ data: Data) {
        let n = min(data.count, Self.capacity)
        data.withUnsafeBytes { raw in if let src = raw.baseAddress { memcpy(base + 24, src, n) } }
        length = n
        startedAt = DispatchTime.now().uptimeNanoseconds
    }

    func end() {
        startedAt = 0
        executions += 1
    }

    public var input: Data { Data(bytes: base + 24, count: min(max(0, length), Self.capacity)) }
}

public struct SlotError: Error, CustomStringConvertible {
    public let description: String
    init(_ d: String) { description = d }
}

/// Peak and current resident memory of this process, from /proc (Linux).
public enum Memory {
    static func status(_ key: String) -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix(key + ":") }) else { return 0 }
        return (Int(line.split(separator: " ").dropFirst().first.map(String.init) ?? "") ?? 0) * 1024
    }

    public static var peak: Int { status("VmHWM") }
    public static var resident: Int { status("VmRSS") }

    /// Resets the peak to the current size (`5` to clear_refs); false where the kernel refuses.
    @discardableResult
    public static func resetPeak() -> Bool {
        (try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)) != nil
    }
}

/// One target's run inside the worker: the attack's files and the corpus first, then seeded
/// mutations until the time is up. Returns the finding, if any, with the input that caused it.
public struct FuzzWorker {
    public var target: FuzzTarget
    public var seconds: Double
    public var seed: UInt64
    public var corpus: [Data]
    /// Memory one input may add to the process before it is a finding.
    public var maxGrowthBytes: Int

    public init(target: FuzzTarget, seconds: Double, seed: UInt64, corpus: [Data], maxGrowthBytes: Int = 1_500 << 20) {
        self.target = target
        self.seconds = seconds
        self.seed = seed
        self.corpus = corpus
        self.maxGrowthBytes = maxGrowthBytes
    }

    public struct Summary {
        public var executions = 0
        public var slowestSeconds = 0.0
        public var peakGrowthBytes = 0
        public var finding: (kind: String, input: Data)?
    }

    public func run(slot: InputSlot?, log: (String) -> Void) -> Summary {
        var summary = Summary()
        let seeds: [Data]
        do { seeds = try target.seeds() } catch { log("seeds: \(error)"); return summary }
        let attack = ((try? HostileFiles.all(target: target.name)) ?? []).map(\.bytes)
        let pool = seeds + corpus + attack.filter { $0.count < 1 << 20 }
        let baseline = Memory.resident
        let canReset = Memory.resetPeak()
        func execute(_ input: Data) -> Bool {
            if canReset { Memory.resetPeak() }
            let before = canReset ? Memory.resident : baseline
            slot?.begin(input)
            let start = DispatchTime.now().uptimeNanoseconds
            target.run(input)
            let took = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            slot?.end()
            summary.executions += 1
            summary.slowestSeconds = max(summary.slowestSeconds, took)
            // Peak memory is read every input while it is cheap to, then every 16th.
            if summary.executions < 2000 || summary.executions % 16 == 0 {
                let growth = Memory.peak - before
                summary.peakGrowthBytes = max(summary.peakGrowthBytes, growth)
                if growth > maxGrowthBytes {
                    summary.finding = ("memory", input)
                    return false
                }
            }
            return true
        }
        for input in seeds + corpus + attack { guard execute(input) else { return summary } }
        var mutator = Mutator(seed: seed)
        let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(seconds * 1e9)
        while DispatchTime.now().uptimeNanoseconds < deadline {
            let base = pool[mutator.below(pool.count)]
            let input = mutator.mutate(base, kind: target.kind, corpus: pool)
            guard execute(input) else { return summary }
        }
        return summary
    }
}
