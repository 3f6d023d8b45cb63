import Vapor

/// CSRF protection for every state-changing request made with the session cookie: the form
/// carries `_csrf` (or the `X-CSRF-Token` header) equal to the session's token — or, before
/// sign-in, the token of the `msoko_csrf` cookie (double submit). A multipart form (an upload)
/// carries it in its action's query string, so that the body is not read here: the route
/// checks the role and the size first (`UploadRoute`). Requests authenticated by a Bearer token
/// carry no cookie and are exempt. Vapor has no CSRF middleware of its own, hence this one.
struct CSRFMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: AsyncResponder) async throws -> Response {
        guard [.POST, .PUT, .PATCH, .DELETE].contains(request.method), !request.isTokenAuth else {
            return try await next.respond(to: request)
        }
        let state = request.sessionState
        let expected = state.record?.csrf ?? state.anonymousCSRF
        var sent = request.headers.first(name: "X-CSRF-Token") ?? request.query[String.self, at: "_csrf"]
        if sent == nil, request.headers.contentType?.type != "multipart" {
            let limit = AppConfig.maxFormBytes
            let tooLarge = AppError.tooLarge("Форма больше допустимого (\(Format.size(limit))).")
            if let length = request.headers.first(name: .contentLength).flatMap(Int.init), length > limit { throw tooLarge }
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
