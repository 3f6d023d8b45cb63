import ArgumentParser
import Foundation
import MsokoServer

struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "user", abstract: "Учётные записи.",
                                                    subcommands: [Add.self, Passwd.self, List.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "add", abstract: "Создать пользователя (пароль со стандартного ввода или сгенерированный).")
        @Argument var login: String
        @Option(help: "specialist|head|teacher|methodist|observer|commission|admin") var role: String
        @Option(help: "Логин школы eduNNNNNN (для head и teacher).") var school: String?
        @Option(help: "ФИО.") var name: String?
        @Option(help: "Регион (для первого администратора пустой базы).") var region: String?
        @Option(help: "Муниципалитет (для первого администратора пустой базы).") var municipality: String?
        @Option(help: "Орган управления образованием.") var department: String?
        @Option(help: "Часовой пояс района.") var timeZone = "Europe/Moscow"
        @OptionGroup var data: DataOption

        func run() async throws {
            try await withRuntime(data) { rt in
                if let municipality {
                    try await rt.ensureMunicipality(region: region ?? "Регион", name: municipality,
                                                    department: department ?? "Управление образования", timeZone: timeZone)
                }
                let given = passwordFromStdin()
                let password = try await rt.addUser(login: login, role: role, school: school, name: name, password: given)
                say("Пользователь \(login.lowercased()) создан.")
                if given == nil { say("Пароль: \(password)") }
            }
        }
    }

    struct Passwd: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "passwd", abstract: "Задать пароль (со стандартного ввода или сгенерированный).")
        @Argument var login: String
        @OptionGroup var data: DataOption
        func run() async throws {
            try await withRuntime(data) { rt in
                let given = passwordFromStdin()
                let password = try await rt.setPassword(login: login, password: given)
                say("Пароль пользователя \(login) изменён.")
                if given == nil { say("Пароль: \(password)") }
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "Список пользователей.")
        @OptionGroup var data: DataOption
        func run() async throws {
            try await withRuntime(data) { rt in
                say("логин\tроль\tшкола\tсостояние\tФИО")
                for line in try await rt.listUsers() { say(line) }
            }
        }
    }
}
