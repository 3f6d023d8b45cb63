import ArgumentParser
import Foundation
import MsokoServer

struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "check", abstract: "Проверка файлов без базы данных.", subcommands: [Results.self])

    struct Results: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "results", abstract: "Прочитать и проверить файл результатов по спецификации, ничего не сохраняя.")
        @Argument var file: String
        @Option(help: "Файл спецификации (JSON).") var spec: String
        @Option(help: "Чей это файл (логин школы).") var school: String?
        func run() async throws {
            refuseBadEnvironment()
            let specData = readInput(spec)
            let bytes = readInput(file)
            let report = try MsokoTextFile.checkResults(data: bytes, file: (file as NSString).lastPathComponent, specData: specData,
                                                        specFile: (spec as NSString).lastPathComponent, school: school)
            guard printReport(report, accepted: "Файл в порядке: работ \(report.works), школ \(report.schools.count).", refused: "Файл с ошибками.") else {
                throw ExitCode(2)
            }
        }
    }
}
