import ArgumentParser
import Foundation
import MsokoServer

struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "token", abstract: "Личные API-токены.", subcommands: [Create.self, Revoke.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "create", abstract: "Создать токен; он печатается последней строкой и больше не показывается.")
        @Option var user: String
        @Option var label = "API"
        @OptionGroup var data: DataOption
        func run() async throws {
            try await withRuntime(data) { rt in
                let token = try await rt.createToken(login: user, label: label)
                say("Токен для \(user) создан (хранится только его хеш):")
                say(token)
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "revoke", abstract: "Отозвать токен (--token) или все токены пользователя (--user).")
        @Option var user: String?
        @Option var token: String?
        @OptionGroup var data: DataOption
        func run() async throws {
            try await withRuntime(data) { rt in
                let n = try await rt.revokeTokens(login: user, token: token)
                say("Отозвано токенов: \(n).")
            }
        }
    }
}
