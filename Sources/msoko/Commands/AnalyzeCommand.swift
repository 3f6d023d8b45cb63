import ArgumentParser
import Foundation
import MsokoCore
import MsokoServer

struct AnalyzeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "analyze",
                                                    abstract: "Анализ результатов без базы данных: район, школы, классы (JSON, XLSX или DOCX-справка).")
    @Option(help: "Файл спецификации (JSON).") var spec: String
    @Option(help: "json | xlsx | docx") var format: String = "json"
    @Option(help: "Куда записать; без него — в stdout.") var out: String?
    @Flag(help: "Добавить в JSON выполнение заданий по группам отметок и достижение планируемых результатов.") var details = false
    @Option(help: "Сколько потоков использовать (по умолчанию — все ядра; также MSOKO_THREADS).") var threads: Int?
    @Argument(help: "Файлы результатов (XLSX или CSV).") var results: [String]

    func run() async throws {
        guard let format = MsokoTextFile.AnalysisFormat(rawValue: format.lowercased()) else { fail("--format: ожидается json, xlsx или docx.") }
        guard !results.isEmpty else { fail("укажите хотя бы один файл результатов.") }
        refuseBadEnvironment()
        // A one-shot command: freed memory is reused, not given back (`FreedMemory`).
        FreedMemory.keepForReuse()
        if let threads {
            guard (1...256).contains(threads) else { fail("--threads: ожидается число от 1 до 256.") }
            Parallelism.threads = threads
        }
        let specData = readInput(spec)
        var files: [(name: String, data: Data)] = []
        for path in results {
            // Mapped, not copied: a country's file is read once, in place.
            let bytes = readInput(path, mapped: true)
            files.append(((path as NSString).lastPathComponent, bytes))
        }
        // The output file is created only once the input has passed every check.
        var file: OutputFile.Stream?
        let output = try MsokoTextFile.analyze(files: &files, specData: specData, specFile: (spec as NSString).lastPathComponent, format: format, details: details,
                                                keptUntilExit: true) { chunk in
            if file == nil {
                if let out {
                    guard let f = OutputFile.Stream(out) else { fail(OutputFile.Stream.cannotOpen(out)) }
                    file = f
                } else {
                    file = .standardOutput
                }
            }
            // Written before `chunk` is let go: no copy of it.
            file?.write(chunk)
        }
        for w in output.warnings { FileHandle.standardError.write(Data("Предупреждение: \(w)\n".utf8)) }
        guard output.problems.isEmpty else {
            for p in output.problems { FileHandle.standardError.write(Data("\(p)\n".utf8)) }
            FileHandle.standardError.write(Data("Анализ не выполнен: в файлах ошибки (\(output.problems.count)).\n".utf8))
            throw ExitCode(1)
        }
        if let problem = file?.finish() { fail(problem) }
    }
}
