import Fluent
import Foundation

/// People's names by login, for pages that record who did something (the audit log, a measure's
/// history, accepted files): a user reads «Кузнецова Н.В.», not «head-zyr».
enum People {
    static func names(municipalityID: UUID?, on db: Database) async throws -> [String: String] {
        let users = try await User.query(on: db).filter(\.$municipality.$id == municipalityID).field(\.$login).field(\.$name).all()
        return Dictionary(users.map { ($0.login, $0.name) }, uniquingKeysWith: { a, _ in a })
    }

    /// The name for a recorded login: «система» when none, «командная строка» for the CLI.
    static func name(_ login: String?, in names: [String: String]) -> String {
        guard let login else { return "система" }
        if login == "cli" { return "командная строка" }
        if login == "demo" { return "демонстрационные данные" }
        return names[login] ?? login
    }
}
