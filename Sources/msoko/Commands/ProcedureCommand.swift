import ArgumentParser
import Foundation
import MsokoServer

struct ProcedureCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "procedure", abstract: "Оценочные процедуры.", subcommands: [Add.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "add", abstract: "Создать процедуру по спецификации; её id печатается последней строкой.")
        @Option(help: "Файл спецификации (JSON, см. docs/specification-format.md).") var spec: String
        @Option var municipality: String?
        @OptionGroup var data: DataOption
        func run() async throws {
            let bytes = readInput(spec)
            try await withRuntime(data) { rt in
                let id = try await rt.addProcedure(specData: bytes, file: (spec as NSString).lastPathComponent, municipality: municipality)
                say("Процедура создана.")
                say(id.uuidString)
            }
        }
    }
}
