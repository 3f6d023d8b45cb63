import ArgumentParser
import Foundation
import MsokoServer

struct RoadmapCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "roadmap", abstract: "Дорожная карта.", subcommands: [Load.self])

    struct Load: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "load", abstract: "Загрузить дорожную карту из DOCX, таблицы markdown или JSON.")
        @Argument var file: String
        @Option(help: "Учебный год, если его нет в файле (2025-2026).") var year: String?
        @Option var municipality: String?
        @OptionGroup var data: DataOption
        func run() async throws {
            let bytes = readInput(file)
            try await withRuntime(data) { rt in
                let doc = try await rt.loadRoadmap(data: bytes, fileName: (file as NSString).lastPathComponent, year: year, municipality: municipality)
                say("Дорожная карта \(doc.year) загружена: разделов \(doc.sections.count), мероприятий \(doc.measures.count).")
            }
        }
    }
}
