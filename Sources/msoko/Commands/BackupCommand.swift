import ArgumentParser
import Foundation
import MsokoServer

/// `msoko backup --out FILE` (while the server runs), `msoko backup --verify FILE`,
/// `msoko restore FILE` (docs/backups.md).
struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "backup",
        abstract: "Резервная копия базы со всеми файлами (SQLite: VACUUM INTO; PostgreSQL: pg_dump) или проверка копии.")
    @Option(help: "Файл копии (не должен существовать).") var out: String?
    @Option(help: "Проверить копию: целостность, число строк, SHA-256 каждого хранимого файла.") var verify: String?
    @OptionGroup var data: DataOption

    func run() async throws {
        if let verify {
            let v: Backup.Verification
            do { v = try await Backup.verify(verify) } catch let e as ConfigError { fail(e.description) }
            say(v.summary)
            if !v.sound { throw ExitCode(2) }
            return
        }
        guard let out else { fail("укажите --out FILE (сделать копию) или --verify FILE (проверить копию).") }
        try await withRuntime(data) { rt in
            let v = try await rt.backup(to: out)
            say("Копия записана: \(out)")
            say(v.summary)
            if !v.sound { throw ConfigError("копия записана, но не прошла проверку") }
        }
    }
}

struct RestoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "restore",
        abstract: "Восстановить копию в пустую папку данных (SQLite) или пустую базу DATABASE_URL (PostgreSQL).")
    @Argument(help: "Файл копии.") var file: String
    @OptionGroup var data: DataOption

    func run() async throws {
        do {
            let v = try await Backup.restore(file, dataDirectory: data.data)
            say("Восстановлено из \(file).")
            say(v.summary)
        } catch let e as ConfigError {
            fail(e.description)
        }
    }
}
