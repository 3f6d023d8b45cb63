import ArgumentParser
import Foundation
import MsokoServer

struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "demo", abstract: "Загрузить демонстрационный район в пустую базу.")
    @Flag(help: "Очистить демонстрационную базу и загрузить заново.") var reset = false
    @OptionGroup var data: DataOption

    func run() async throws {
        try await withRuntime(data) { rt in
            if reset {
                try await rt.resetDemo()
            } else {
                guard try await rt.isEmpty() else { throw ConfigError("База не пуста; чтобы загрузить демо заново, используйте msoko demo --reset.") }
                try await rt.loadDemo()
            }
            say("Демонстрационный район загружен (\(rt.describeDatabase)). Пароль всех демо-учётных записей: demo.")
        }
    }
}
