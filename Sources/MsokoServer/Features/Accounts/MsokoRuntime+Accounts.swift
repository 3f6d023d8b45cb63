import Fluent
import Foundation
import MsokoCore
import Vapor

/// Users and API tokens from the command line (`msoko user`, `msoko token`).
extension MsokoRuntime {
    public func addUser(login: String, role: String, school: String?, name: String?, password: String?) async throws -> String {
        do {
            let (_, pass) = try await UserService.create(login: login, name: name ?? "", roleText: role, schoolLogin: school,
                                                         password: password, actor: "cli", municipalityID: nil, on: db)
            return pass
        } catch let e as UserService.Failure {
            throw ConfigError(e.description)
        }
    }

    public func setPassword(login: String, password: String?) async throws -> String {
        guard let user = try await User.query(on: db).filter(\.$login == login.lowercased()).first() else {
            throw ConfigError("Пользователь \(login) не найден.")
        }
        let pass = password ?? Passwords.generate()
        if let weak = Passwords.weakness(pass, login: user.login), password != nil { throw ConfigError(weak) }
        user.passwordHash = try Passwords.hash(pass)
        try await user.save(on: db)
        try await Throttle.clear(login: user.login, on: db)
        try await SessionRevocation.endAll(of: user.requireID(), on: db)
        try await Audit.record(on: db, actor: "cli", action: "password-reset", entity: "user", id: user.id?.uuidString,
                               summary: "Пароль пользователя \(user.login) задан из командной строки", municipalityID: user.municipalityID, regionID: user.regionID)
        return pass
    }

    public func listUsers() async throws -> [String] {
        try await User.query(on: db).with(\.$school).sort(\.$login).all().map { u in
            [u.login, u.role.rawValue, u.school?.login ?? "-", u.isDisabled ? "отключена" : "активна", u.name].joined(separator: "\t")
        }
    }

    public func createToken(login: String, label: String) async throws -> String {
        guard let user = try await User.query(on: db).filter(\.$login == login.lowercased()).first() else {
            throw ConfigError("Пользователь \(login) не найден.")
        }
        let secret = "msk_" + Tokens.random(bytes: 32)
        try await UserToken(userID: user.requireID(), tokenHash: Tokens.hash(secret), label: label).create(on: db)
        try await Audit.record(on: db, actor: "cli", action: "create", entity: "token", id: nil,
                               summary: "Создан API-токен «\(label)» для \(user.login)", municipalityID: user.municipalityID, regionID: user.regionID)
        return secret
    }

    /// Revokes one token (by its secret) or every token of a user; returns how many.
    public func revokeTokens(login: String?, token: String?) async throws -> Int {
        var tokens: [UserToken] = []
        if let token {
            tokens = try await UserToken.query(on: db).filter(\.$tokenHash == Tokens.hash(token)).all()
        } else if let login {
            guard let user = try await User.query(on: db).filter(\.$login == login.lowercased()).first() else {
                throw ConfigError("Пользователь \(login) не найден.")
            }
            tokens = try await UserToken.query(on: db).filter(\.$user.$id == user.requireID()).filter(\.$revokedAt == nil).all()
        } else {
            throw ConfigError("Укажите --user LOGIN или --token TOKEN.")
        }
        for t in tokens where t.revokedAt == nil {
            t.revokedAt = Date()
            try await t.save(on: db)
            try await Audit.record(on: db, actor: "cli", action: "revoke", entity: "token", id: t.id?.uuidString,
                                   summary: "Отозван API-токен «\(t.label)»", municipalityID: nil, regionID: nil)
        }
        return tokens.count
    }
}
