import Fluent
import Foundation
import MsokoCore
import Vapor

/// Loading a roadmap file from the command line (`msoko roadmap load`).
extension MsokoRuntime {
    public func loadRoadmap(data: Data, fileName: String, year: String?, municipality name: String?) async throws -> RoadmapDocument {
        let doc: RoadmapDocument
        do {
            doc = try RoadmapFileReader.read(data: data, fileName: fileName, year: year)
        } catch let e as RoadmapFileError {
            throw ConfigError(e.description)
        }
        let m = try await municipality(named: name)
        try await RoadmapStore.load(doc, municipality: m, actor: "cli", on: db)
        return doc
    }
}
