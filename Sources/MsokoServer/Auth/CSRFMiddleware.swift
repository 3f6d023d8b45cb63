import Vapor

/// CSRF protection for every state-changing request made with the session cookie: the form
/// carries `_csrf` (or the `X-CSRF-Token` header) equal to the token kept in the session.
/// Requests authenticated by a Bearer token carry no cookie and are exempt.
/// Vapor has no CSRF middleware of its own, hence this one.
struct CSRFMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: AsyncResponder) async throws -> Response {
        guard [.POST, .PUT, .PATCH, .DELETE].contains(request.method), !request.isTokenAuth else {
            return try await next.respond(to: request)
        }
        let expected = request.session.data["csrf"]
        var sent = request.headers.first(name: "X-CSRF-Token")
        if sent == nil {
            // Only a signed-in user's multipart form may be large; anything else is an ordinary form.
            let isUpload = request.currentUser != nil && request.headers.contentType?.type == "multipart"
            let limit = isUpload ? request.msokoConfig.maxUploadBytes : AppConfig.maxFormBytes
            let tooLarge = AppError.tooLarge(isUpload
                ? "Файлы больше допустимого за один раз (\(Format.size(limit))). Загрузите их по одному или уменьшите."
                : "Форма больше допустимого (\(Format.size(limit))).")
            let body: ByteBuffer?
            do { body = try await request.body.collect(max: limit).get() } catch { throw tooLarge }
            // A body that arrived already collected skipped the limit above.
            if let body, body.readableBytes > limit { throw tooLarge }
            sent = try? request.content.get(String.self, at: "_csrf")
        }
        guard let expected, let sent, !expected.isEmpty, constantTimeEqual(expected, sent) else {
            throw AppError.csrf
        }
        return try await next.respond(to: request)
    }

    private func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var diff: UInt8 = 0
        for i in 0..<x.count { diff |= x[i] ^ y[i] }
        return diff == 0
    }
}

extension Request {
    /// The session's CSRF token, created on first use.
    var csrfToken: String {
        if let token = session.data["csrf"] { return token }
        let token = Tokens.random(bytes: 24)
        session.data["csrf"] = token
        return token
    }
}
