import ArgumentParser
import Foundation
import MsokoServer

struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "import", abstract: "Загрузка файлов.", subcommands: [Results.self])

    struct Results: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "results", abstract: "Загрузить результаты (XLSX или CSV): всё или ничего; ошибки — в stderr, по строке на ошибку.")
        @Argument var file: String
        @Option(help: "id процедуры.") var procedure: String
        @Option(help: "Чей это файл (логин школы): строки других школ — ошибка.") var school: String?
        @Flag(help: "Добавить школы из файла, которых нет в msoko.") var createSchools = false
        @OptionGroup var data: DataOption
        func run() async throws {
            let bytes = readInput(file)
            guard let id = UUID(uuidString: procedure) else { fail("--procedure: «\(procedure)» не похоже на id процедуры.") }
            var failed = false
            try await withRuntime(data) { rt in
                let report = try await rt.importResults(data: bytes, file: (file as NSString).lastPathComponent, procedureID: id,
                                                        school: school, createSchools: createSchools)
                failed = !printReport(report, accepted: "Загружено работ: \(report.works); школы: \(report.schools.joined(separator: ", ")).",
                                      refused: "Файл не принят, ничего не сохранено.")
                if !report.missingSchools.isEmpty {
                    FileHandle.standardError.write(Data("Школ нет в msoko: \(report.missingSchools.joined(separator: ", ")). Добавьте их (msoko school import) или повторите загрузку с --create-schools.\n".utf8))
                }
            }
            if failed { throw ExitCode(2) }
        }
    }
}
