import ArgumentParser
import Foundation
import MsokoServer

struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "export", abstract: "Выгрузка данных.", subcommands: [Results.self])

    struct Results: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "results", abstract: "Выгрузить результаты процедуры в XLSX или CSV (по расширению --out).")
        @Option(help: "id процедуры.") var procedure: String
        @Option(help: "FILE.xlsx или FILE.csv") var out: String
        @OptionGroup var data: DataOption
        func run() async throws {
            guard let id = UUID(uuidString: procedure) else { fail("--procedure: «\(procedure)» не похоже на id процедуры.") }
            guard out.lowercased().hasSuffix(".xlsx") || out.lowercased().hasSuffix(".csv") else { fail("--out: ожидается файл .xlsx или .csv.") }
            try await withRuntime(data) { rt in
                let bytes = try await rt.exportResults(procedureID: id, fileName: out)
                if let problem = OutputFile.write(bytes, to: out) { throw ConfigError(problem) }
                say("Результаты выгружены в \(out).")
            }
        }
    }
}
