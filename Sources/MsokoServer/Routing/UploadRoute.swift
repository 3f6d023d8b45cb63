import Vapor

/// Upload routes (multipart forms with files): the role check and the size limit come before
/// a byte of the body is read. Vapor's `body: .collect(maxSize:)` would buffer the whole body
/// before the handler could refuse a user without rights; here the body streams (`.stream`),
/// the role is checked, a declared `Content-Length` over the limit is a 413 at once, and only
/// then, with the object's scope checked (`authorize`), is the body collected, stopping with a 413 at the limit.
extension RoutesBuilder {
    @discardableResult
    func upload(_ path: PathComponent..., roles: Set<Role>, maxBytes: Int, what: String = "Файл",
                authorize: (@Sendable (Request) async throws -> Void)? = nil,
                use handler: @escaping @Sendable (Request) async throws -> Response) -> Route {
        on(.POST, path, body: .stream) { req async throws -> Response in
            try req.require(roles)
            // The object's scope too (a head's own school, an observer's own assignment).
            try await authorize?(req)
            let tooLarge = AppError.tooLarge("\(what) больше допустимых \(Format.size(maxBytes)): загрузка не принята.")
            if let length = req.headers.first(name: .contentLength).flatMap(Int.init), length > maxBytes { throw tooLarge }
            do { _ = try await req.body.collect(max: maxBytes).get() } catch { throw tooLarge }
            return try await handler(req)
        }
    }
}

/// The action of an upload form: the path with the CSRF token in the query string, since the
/// token is checked before the multipart body is read.
func uploadAction(_ req: Request, _ path: String) -> String {
    let token = req.csrfToken.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
    return esc(path + (path.contains("?") ? "&" : "?") + "_csrf=" + token)
}

/// A file name as sent, made safe to keep and show: control characters (NUL among them) and
/// path separators dropped, at most 200 characters; never empty.
enum UploadName {
    static func clean(_ name: String) -> String {
        let kept = name.unicodeScalars.filter { s in
            !(s.properties.generalCategory == .control || s.properties.generalCategory == .format && s.value != 0x200D
              || s == "/" || s == "\\")
        }
        var text = String(String.UnicodeScalarView(kept)).trimmingCharacters(in: .whitespaces)
        if text.count > 200 { text = String(text.suffix(200)) }
        return text.isEmpty ? "файл" : text
    }
}
