import SQLiteKit
import Vapor

/// The errors users can see; texts are Russian and safe to show.
enum AppError: Error, AbortError {
    case unauthorized
    case forbidden
    case notFound
    case csrf
    case badInput(String)
    case tooLarge(String)
    case conflict(String)

    var status: HTTPResponseStatus {
        switch self {
        case .unauthorized: return .unauthorized
        case .forbidden: return .forbidden
        case .notFound: return .notFound
        case .csrf: return .forbidden
        case .badInput: return .badRequest
        case .tooLarge: return .payloadTooLarge
        case .conflict: return .conflict
        }
    }

    var reason: String {
        switch self {
        case .unauthorized: return "Требуется вход в систему."
        case .forbidden: return "Недостаточно прав для этого действия или страницы."
        case .notFound: return "Страница или запись не найдена."
        case .csrf: return "Форма устарела или отправлена не со страницы msoko. Обновите страницу и повторите."
        case .badInput(let text), .tooLarge(let text), .conflict(let text): return text
        }
    }
}

/// Renders a friendly Russian page (or JSON under /api/) and never shows internal error text;
/// logs 5xx with details. Unauthenticated page requests go to the login page.
struct FriendlyErrorMiddleware: AsyncMiddleware {
    let environment: Environment

    func respond(to request: Request, chainingTo next: AsyncResponder) async throws -> Response {
        do {
            return try await next.respond(to: request)
        } catch {
            let status: HTTPResponseStatus
            let message: String
            if let appError = error as? AppError {
                status = appError.status
                message = appError.reason
            } else if let abort = error as? AbortError {
                status = abort.status
                switch abort.status.code {
                case 404: message = AppError.notFound.reason
                case 401: message = AppError.unauthorized.reason
                case 403: message = AppError.forbidden.reason
                case 413: message = "Файл или форма слишком большие."
                case 400..<500: message = "Запрос не может быть обработан: проверьте введённые данные."
                default: message = "Внутренняя ошибка сервера. Попробуйте позже; запись об ошибке сохранена в журнале."
                }
            } else if Self.isOverloaded(error) {
                status = .serviceUnavailable
                message = "Сервер сейчас занят: повторите через несколько секунд. Введённые данные не сохранены."
            } else if error is DecodingError {
                status = .badRequest
                message = "Запрос не может быть обработан: проверьте заполнение формы."
            } else if request.headers.contentType?.type == "multipart", String(reflecting: type(of: error)).hasPrefix("MultipartKit.") {
                // MultipartKit's parser errors are internal types: a broken or cut-off upload.
                status = .badRequest
                message = "Форма с файлами повреждена или оборвалась при передаче. Выберите файл и отправьте форму снова."
            } else {
                status = .internalServerError
                message = "Внутренняя ошибка сервера. Попробуйте позже; запись об ошибке сохранена в журнале."
            }
            if status.code >= 500 {
                request.logger.report(error: error)
            }
            let retry: HTTPHeaders = status == .serviceUnavailable ? ["Retry-After": "5"] : [:]
            if request.isAPI {
                let response = Response(status: status, headers: retry)
                try response.content.encode(["error": message])
                return response
            }
            if status == .unauthorized {
                let next = request.url.path == "/" ? "" : "?next=" + (request.url.path.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? "")
                return request.redirect(to: "/login" + next)
            }
            let html = ErrorPage.render(request: request, status: status, message: message)
            let response = HTMLResponse.make(html, status: status)
            response.headers.add(contentsOf: retry)
            return response
        }
    }

    /// No connection within the pool's timeout, or SQLite's write lock not had within the busy
    /// timeout: the server is overloaded, not broken — 503 with `Retry-After`, which clients
    /// and proxies understand, instead of 500.
    static func isOverloaded(_ error: Error) -> Bool {
        if let sqlite = error as? SQLiteError {
            return [.busy, .busyTimeout, .busyInSnapshot, .busyInRecovery, .locked].contains(sqlite.reason)
        }
        return error is ConnectionPoolTimeoutError
    }
}

/// Conservative security headers for every response.
struct SecurityHeadersMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: AsyncResponder) async throws -> Response {
        let response = try await next.respond(to: request)
        response.headers.replaceOrAdd(name: "X-Content-Type-Options", value: "nosniff")
        // Only a school's public block (`PublicController.embed`) sets its own policy, whose
        // frame-ancestors names the school's sites; every other page may be framed by nobody.
        if request.route?.path.map(\.description) == Site.publicEmbed.pattern.split(separator: "/").map(String.init),
           response.headers.first(name: "Content-Security-Policy")?.contains("frame-ancestors") == true {
            return response
        }
        response.headers.replaceOrAdd(name: "X-Frame-Options", value: "DENY")
        // A page may ask for less (a parent's page, whose address holds the code: no-referrer).
        if !response.headers.contains(name: "Referrer-Policy") { response.headers.replaceOrAdd(name: "Referrer-Policy", value: "same-origin") }
        if response.headers.first(name: .contentType)?.hasPrefix("text/html") == true {
            response.headers.replaceOrAdd(name: "Content-Security-Policy",
                                          value: "default-src 'self'; style-src 'self' 'unsafe-inline'; script-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'")
        }
        return response
    }
}

/// The request log (`LOG_LEVEL=info`): method and path, as Vapor's own, except that a parent's
/// access code in `/r/CODE` is not written down (a log is read by more people than the codes' owners).
struct RequestLogMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: AsyncResponder) async throws -> Response {
        let path = request.url.path
        let shown = path.hasPrefix("/r/") ? "/r/…" : path
        request.logger.info("\(request.method) \(shown)")
        return try await next.respond(to: request)
    }
}
