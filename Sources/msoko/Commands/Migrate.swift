import ArgumentParser
import Foundation
import MsokoServer

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "migrate", abstract: "Создать или обновить структуру базы данных.")
    @OptionGroup var data: DataOption
    func run() async throws {
        try await withRuntime(data) { rt in say("Миграции выполнены (\(rt.describeDatabase)).") }
    }
}
