import ArgumentParser
import Foundation
import MsokoServer

/// `msoko`: the server and the administration commands. Every subcommand takes `--data DIR`
/// and honours DATABASE_URL.
@main
struct Msoko: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "msoko",
        abstract: "МСОКО — муниципальная система оценки качества образования.",
        subcommands: [Serve.self, Demo.self, AnalyzeCommand.self, Migrate.self, UserCommand.self, SchoolCommand.self, RoadmapCommand.self, TokenCommand.self,
                      ProcedureCommand.self, ImportCommand.self, ExportCommand.self, CheckCommand.self, BenchCommand.self,
                      BackupCommand.self, RestoreCommand.self])
}
