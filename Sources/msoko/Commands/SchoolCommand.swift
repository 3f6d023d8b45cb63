import ArgumentParser
import Foundation
import MsokoServer

struct SchoolCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "school", abstract: "Школы района.", subcommands: [Add.self, Import.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "add", abstract: "Добавить (или изменить) школу.")
        @Argument(help: "Логин ФИС ОКО, eduNNNNNN.") var login: String
        @Option(help: "Полное наименование.") var name: String
        @Option(help: "Краткое наименование.") var short: String?
        @Option(help: "Тип: СОШ, ООШ, НОШ, гимназия, лицей, школа-интернат, иное.") var type: String?
        @Option var municipality: String?
        @OptionGroup var data: DataOption
        func run() async throws {
            try await withRuntime(data) { rt in
                let rows = [["Логин", "Полное наименование", "Краткое наименование", "Тип"], [login, name, short ?? "", type ?? ""]]
                let r = try await rt.addSchools(rows: rows, file: "командная строка", municipality: municipality)
                say(r.created > 0 ? "Школа \(login) добавлена." : "Школа \(login) обновлена.")
            }
        }
    }

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "import", abstract: "Импортировать список школ из XLSX или CSV (всё или ничего).")
        @Argument var file: String
        @Option var municipality: String?
        @OptionGroup var data: DataOption
        func run() async throws {
            let bytes = readInput(file)
            let name = (file as NSString).lastPathComponent
            try await withRuntime(data) { rt in
                let r = try await rt.addSchools(rows: MsokoTextFile.rows(data: bytes, file: name), file: name, municipality: municipality)
                say("Добавлено школ: \(r.created), обновлено: \(r.updated).")
            }
        }
    }
}
