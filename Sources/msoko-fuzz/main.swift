import ArgumentParser
import Foundation
import MsokoCore
import MsokoFuzzing

/// Tools around the fuzzing of every reader of user files (the fuzzing itself is libFuzzer's:
/// scripts/fuzz.sh): the seeds, the attack's files, a replay of one kept input.
@main
struct MsokoFuzz: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "msoko-fuzz",
        abstract: "Затравки, файлы атаки и повтор находок для фаззинга читателей пользовательских файлов (scripts/fuzz.sh).",
        subcommands: [Seeds.self, Attack.self, Replay.self])
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
