import ArgumentParser
import Foundation
import MsokoCore
import MsokoFuzzing
#if canImport(Glibc)
import Glibc
#endif

/// Fuzzes every reader of user files: a supervisor runs each target in a worker process and
/// keeps the input of any trap, hang or runaway memory in `--out`.
@main
struct MsokoFuzz: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "msoko-fuzz",
        abstract: "Мутационное тестирование всех читателей пользовательских файлов.",
        subcommands: [Run.self, Worker.self, Replay.self, Attack.self, Seeds.self],
        defaultSubcommand: Run.self)
}

struct Run: ParsableCommand {
    @Option(help: "Targets, comma-separated (default: all).") var targets: String?
    @Option(help: "Seconds for all targets together.") var seconds: Double = 120
    @Option(help: "Seed of the mutations.") var seed: UInt64 = 1
    @Option(help: "A folder with one sub-folder of files per target, run first.") var corpus: String?
    @Option(help: "Where findings are written.") var out: String = "fuzz-findings"
    @Option(help: "Seconds one input may take before it is a hang.") var hang: Double = 20

    func run() throws {
        let chosen = try targets.map { list in
            try list.split(separator: ",").map { name -> FuzzTarget in
                guard let t = FuzzTargets.named(String(name)) else { throw ValidationError("нет цели «\(name)»; есть: \(FuzzTargets.all.map(\.name).joined(separator: ", "))") }
                return t
            }
        } ?? FuzzTargets.all
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let each = seconds / Double(chosen.count)
        var failed = 0
        for target in chosen {
            let slotPath = NSTemporaryDirectory() + "msoko-fuzz-\(getpid())-\(target.name).slot"
            let slot = try InputSlot(path: slotPath, create: true)
            defer { try? FileManager.default.removeItem(atPath: slotPath) }
            let process = Process()
            process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0].hasPrefix("/") ? CommandLine.arguments[0]
                                        : FileManager.default.currentDirectoryPath + "/" + CommandLine.arguments[0])
            var args = ["worker", "--target", target.name, "--seconds", String(each), "--seed", String(seed), "--slot", slotPath]
            if let corpus { args += ["--corpus", corpus] }
            process.arguments = args
            let pipe = Pipe()
            process.standardOutput = pipe
            try process.run()
            var hung = false
            while process.isRunning {
                usleep(100_000)
                let started = slot.startedAt
                if started != 0, Double(DispatchTime.now().uptimeNanoseconds &- started) / 1e9 > hang {
                    hung = true
                    kill(process.processIdentifier, SIGKILL)
                    break
                }
            }
            process.waitUntilExit()
            let report = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            var kind: String?
            if hung { kind = "hang" } else if process.terminationReason == .uncaughtSignal { kind = "crash-signal-\(process.terminationStatus)" }
            else if process.terminationStatus == 4 { kind = "memory" } else if process.terminationStatus != 0 { kind = "exit-\(process.terminationStatus)" }
            if let kind {
                failed += 1
                let input = slot.input
                let file = "\(out)/\(target.name)-\(kind)-\(String(fnv(input), radix: 16)).bin"
                FileManager.default.createFile(atPath: file, contents: input)
                print("\(target.name): FAILED (\(kind)) after \(slot.executions) inputs; input kept in \(file) (\(input.count) bytes)")
            } else {
                print("\(target.name): \(report)")
            }
        }
        print("fuzz: \(chosen.count - failed) passed, \(failed) failed")
        if failed > 0 { throw ExitCode(1) }
    }

    func fnv(_ data: Data) -> UInt64 {
        data.reduce(UInt64(0xcbf2_9ce4_8422_2325)) { ($0 ^ UInt64($1)) &* 0x100_0000_01b3 }
    }
}

struct Worker: ParsableCommand {
    static let configuration = CommandConfiguration(shouldDisplay: false)
    @Option var target: String
    @Option var seconds: Double
    @Option var seed: UInt64
    @Option var slot: String
    @Option var corpus: String?

    func run() throws {
        guard let t = FuzzTargets.named(target) else { throw ExitCode(2) }
        let slot = try InputSlot(path: slot, create: false)
        var files: [Data] = []
        if let corpus {
            let dir = URL(fileURLWithPath: corpus).appendingPathComponent(target)
            for name in (try? FileManager.default.contentsOfDirectory(atPath: dir.path))?.sorted() ?? [] {
                if let d = try? Data(contentsOf: dir.appendingPathComponent(name)) { files.append(d) }
            }
        }
        let summary = FuzzWorker(target: t, seconds: seconds, seed: seed, corpus: files).run(slot: slot) { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }
        if summary.finding != nil { throw ExitCode(4) }
        print(String(format: "%d inputs (%d from the corpus), slowest %.3f s, peak growth %d MiB", summary.executions, files.count,
                     summary.slowestSeconds, summary.peakGrowthBytes >> 20))
    }
}

/// Runs one kept input through its target (a finding, to debug it).
struct Replay: ParsableCommand {
    @Option var target: String
    @Argument var files: [String]
    func run() throws {
        guard let t = FuzzTargets.named(target) else { throw ValidationError("нет цели «\(target)»") }
        for file in files {
            let start = Date()
            t.run(try Data(contentsOf: URL(fileURLWithPath: file)))
            print(String(format: "%@: %.3f s, peak %d MiB", file, Date().timeIntervalSince(start), Memory.peak >> 20))
        }
    }
}

/// Writes every target's seeds and the attack's files into OUT/<target>/, a corpus for libFuzzer.
struct Seeds: ParsableCommand {
    @Option var out: String = "fuzz-corpus"
    func run() throws {
        for t in FuzzTargets.all {
            let dir = "\(out)/\(t.name)"
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            for (i, seed) in try t.seeds().enumerated() { FileManager.default.createFile(atPath: "\(dir)/seed-\(i)", contents: seed) }
            // The bombs are left out: libFuzzer's inputs are small, and they are run on their own.
            for f in try HostileFiles.all(target: t.name) where f.bytes.count < 1 << 20 {
                FileManager.default.createFile(atPath: "\(dir)/attack-\(f.name)", contents: f.bytes)
            }
        }
        print(out)
    }
}

/// Writes the attack's files, for trying them against a running server by hand.
struct Attack: ParsableCommand {
    @Option(help: "Folder to write the files to.") var out: String = "attack-files"
    func run() throws {
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        for f in try HostileFiles.all() {
            let ext = f.target.hasSuffix("docx") ? "docx" : "xlsx"
            FileManager.default.createFile(atPath: "\(out)/\(f.name).\(ext)", contents: f.bytes)
            print("\(out)/\(f.name).\(ext)  \(f.bytes.count) bytes  (\(f.target))")
        }
    }
}
