import ArgumentParser
import Foundation
import MsokoCore
import MsokoServer

struct DataOption: ParsableArguments {
    @Option(name: .long, help: "Папка данных (SQLite: DIR/msoko.sqlite). По умолчанию ./msoko-data.")
    var data: String?
}

/// Opens the runtime, runs `body`, closes; Russian errors go to stderr with exit status 1.
func withRuntime(_ data: DataOption, arguments: [String] = ["msoko"], _ body: (MsokoRuntime) async throws -> Void) async throws {
    refuseBadEnvironment()
    let runtime: MsokoRuntime
    do {
        runtime = try await MsokoRuntime.open(dataDirectory: data.data, arguments: arguments)
    } catch let e as ConfigError {
        fail(e.description)
    }
    do {
        try await body(runtime)
    } catch {
        // Closed whatever went wrong: an application left open stops the process on an assertion.
        await runtime.close()
        if let e = error as? ConfigError { fail(e.description) }
        throw error
    }
    await runtime.close()
}

/// Unbuffered output, so a log file shows the login hint at once.
func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

/// A setting in the environment that would be silently ignored stops the command instead.
func refuseBadEnvironment() {
    if let problem = Parallelism.environmentProblem { fail(problem) }
}

/// A file named on the command line, read whole (`mapped`: mapped into memory instead of copied — a
/// country's results file is read once, in place); otherwise the command stops saying, in Russian,
/// what is wrong: missing, a folder, no permission to read, or unreadable.
func readInput(_ path: String, mapped: Bool = false) -> Data {
    var isFolder: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else { fail("файл \(path) не найден.") }
    guard !isFolder.boolValue else { fail("\(path) — папка, а не файл.") }
    guard FileManager.default.isReadableFile(atPath: path) else { fail("файл \(path) не читается: нет прав на чтение.") }
    do {
        return try Data(contentsOf: URL(fileURLWithPath: path), options: mapped ? .alwaysMapped : [])
    } catch {
        fail("файл \(path) не читается.")
    }
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data(("Ошибка: " + message + "\n").utf8))
    exit(1)
}

/// Warnings and problems to standard error, one a line; the success line to standard output.
/// Returns whether the file was accepted.
func printReport(_ report: MsokoRuntime.ImportReport, accepted: String, refused: String) -> Bool {
    let stderr = FileHandle.standardError
    for w in report.warnings { stderr.write(Data(("Предупреждение: " + w + "\n").utf8)) }
    guard report.problems.isEmpty else {
        stderr.write(Data(("\(refused) Ошибок: \(report.problems.count).\n").utf8))
        for p in report.problems { stderr.write(Data((p + "\n").utf8)) }
        return false
    }
    say(accepted)
    return true
}

/// A password from standard input when it is not a terminal; nil otherwise (generate one).
func passwordFromStdin() -> String? {
    guard isatty(FileHandle.standardInput.fileDescriptor) == 0, let line = readLine(strippingNewline: true) else { return nil }
    let trimmed = line.trimmingCharacters(in: .whitespaces)
    return trimmed.isEmpty ? nil : trimmed
}
