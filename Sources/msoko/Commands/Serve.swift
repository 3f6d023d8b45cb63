import ArgumentParser
import Foundation
import MsokoServer

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "serve", abstract: "Запустить веб-сервер.")
    @Option var hostname = "127.0.0.1"
    @Option var port = 8080
    @Flag(help: "Загрузить демонстрационный район, если база пуста.") var demo = false
    @OptionGroup var data: DataOption

    func run() async throws {
        try await withRuntime(data, arguments: ["msoko", "serve", "--hostname", hostname, "--port", "\(port)"]) { rt in
            if demo, try await rt.isEmpty() {
                try await rt.loadDemo()
                say("Загружен демонстрационный район «Зырянский район».")
            }
            say("База данных: \(rt.describeDatabase)")
            if try await rt.isDemo() {
                say("Демонстрационные учётные записи (пароль demo): specialist, head-zyr, head-mih, teacher, methodist, observer, commission, admin")
            } else if try await rt.isEmpty() {
                say("База пуста: откройте http://\(hostname):\(port)/setup, чтобы создать администратора.")
            }
            say("msoko: откройте http://\(hostname):\(port)/login")
            try await rt.serve()
        }
    }
}
