import Foundation
import NIOCore
import Synchronization
import Vapor

/// Signed-in pages that are costly to make at a region's scale — the analysis pages, the lists of
/// signs of non-objectivity, the roadmap dashboard (issue 19 §3) — kept as rendered bytes per user
/// and address, and served again while no write has committed in this process (`DataVersion`) and
/// for at most `lifetime` seconds (writes made by another node are seen within it). The key holds
/// the hour of the application's clock too, so the day's turn (the dashboard's overdue items) is
/// never served from the day before in any of Russia's whole-hour time zones.
///
/// A page is kept for its user only (it shows their name, their menu and their scope), never for
/// a request that carries a one-shot message, and never when signed in with an API token. The
/// session's CSRF token is the one part that differs between that user's sessions: the page is
/// made with a marker in its place, kept cut at the markers, and each response puts the
/// session's own token back. Bytes kept are bounded (`maxBytes`, least recently used let go).
enum KeptPages {
    static let lifetime: TimeInterval = 10
    static let maxBytes = 64 << 20
    /// The oldest page served while the next is made (for the second or so that takes): a page
    /// the reader could have opened that long ago, rather than every reader of a busy page
    /// waiting at once.
    static let staleness: TimeInterval = 15 * 60
    /// What a page is made with instead of the session's CSRF token (letters, digits, «-» and «_»
    /// only, like the tokens: nothing in it is escaped).
    static let marker = "kept-csrf-" + Tokens.random(bytes: 18)

    private struct Page {
        var parts: [ByteBuffer]
        var status: HTTPResponseStatus
        var headers: HTTPHeaders
        var version: UInt64
        var made: Date
        var size: Int
        var used: UInt64
    }

    private struct Store {
        var pages: [String: Page] = [:]
        var pending: [String: (task: Task<Made, Error>, version: UInt64)] = [:]
        /// `DataVersion` after each user's latest write (a request that is not a GET).
        var lastWrite: [UUID: UInt64] = [:]
        var bytes = 0
        var clock: UInt64 = 0
        /// Pages made (not served from the store): what the tests count.
        var made = 0
    }

    private static let store = Mutex(Store())

    static var made: Int { store.withLock { $0.made } }

    /// What one making gave: a page to keep, or a response that is not kept (a redirect, a download).
    private enum Made: Sendable {
        case page(Page)
        case other(Response)
    }

    /// The page `make` renders, or the one kept for this user and address. While a page is being
    /// made again (a write, or its lifetime over), the request that makes it waits and the others
    /// are served the page made before — unless the user has written since, who waits for the new
    /// one; with no page made before, they all wait for the one being made.
    static func page(_ req: Request, _ make: @escaping @Sendable () async throws -> Response) async throws -> Response {
        guard req.method == .GET, !req.isTokenAuth, let user = req.currentUser, let userID = user.id,
              let record = req.sessionState.record, record.flash == nil else { return try await make() }
        let key = "\(userID)|\(Int(req.now.timeIntervalSince1970 / 3600))|\(req.url.string)"
        let version = DataVersion.current
        let now = Date()
        let token = record.csrf
        let (kept, task, mine) = store.withLock { s -> (Page?, Task<Made, Error>?, Bool) in
            if let p = s.pages[key], p.version == version, now >= p.made, now.timeIntervalSince(p.made) < lifetime {
                s.clock += 1
                s.pages[key]?.used = s.clock
                return (p, nil, false)
            }
            let wrote = s.lastWrite[userID] ?? 0
            if let running = s.pending[key] {
                // While the page is being made again, the page made before serves everyone who
                // has not written since it was made (so a user always reads their own change)...
                if let p = s.pages[key], now >= p.made, now.timeIntervalSince(p.made) < staleness, wrote <= p.version {
                    return (p, nil, false)
                }
                // ...and the page being made serves those whose writes it was begun after.
                if wrote <= running.version { return (nil, running.task, false) }
                return (nil, nil, false)
            }
            let t = Task { try await Self.make(req, key: key, version: version, now: now, make) }
            s.pending[key] = (t, version)
            return (nil, t, true)
        }
        if let kept { return response(kept, token: token) }
        // A user who wrote after the page being made was begun makes their own.
        guard let task else {
            switch try await Self.make(req, key: key, version: version, now: now, make) {
            case .page(let p): return response(p, token: token)
            case .other(let r): return r
            }
        }
        let made: Made
        do {
            made = try await task.value
            if mine { store.withLock { _ = $0.pending.removeValue(forKey: key) } }
        } catch {
            if mine { store.withLock { _ = $0.pending.removeValue(forKey: key) } }
            throw error
        }
        switch made {
        case .page(let p): return response(p, token: token)
        case .other(let r): return mine ? r : try await make()
        }
    }

    /// Makes the page with the marker for the CSRF token and keeps it.
    private static func make(_ req: Request, key: String, version: UInt64, now: Date, _ make: @Sendable () async throws -> Response) async throws -> Made {
        let state = req.sessionState
        state.csrfOverride = marker
        let made: Response
        do {
            made = try await make()
            state.csrfOverride = nil
        } catch {
            state.csrfOverride = nil
            throw error
        }
        // Only a page as such is kept: not a redirect, a download or an error page.
        guard made.status == .ok, made.headers.contentType == .html, let body = made.body.buffer else { return .other(made) }
        var page = Page(parts: cut(body), status: made.status, headers: made.headers, version: version, made: now, size: body.readableBytes, used: 0)
        store.withLock { s in
            s.made += 1
            s.clock += 1
            // A page begun before another that is kept already is not kept over it.
            if let old = s.pages[key] {
                guard old.version <= page.version else { return }
                s.bytes -= old.size
            }
            page.used = s.clock
            s.pages[key] = page
            s.bytes += page.size
            if s.bytes > maxBytes {
                for (k, old) in s.pages.sorted(by: { $0.value.used < $1.value.used }) where s.bytes > maxBytes && k != key {
                    s.pages[k] = nil
                    s.bytes -= old.size
                }
            }
        }
        return .page(page)
    }

    /// The body cut at every marker.
    private static func cut(_ body: ByteBuffer) -> [ByteBuffer] {
        let bytes = body.readableBytesView
        let needle = Array(marker.utf8)
        var parts: [ByteBuffer] = []
        var start = bytes.startIndex
        var i = start
        while let found = bytes[i...].firstIndex(of: needle[0]) {
            if bytes[found...].starts(with: needle) {
                parts.append(body.getSlice(at: body.readerIndex + (start - bytes.startIndex), length: found - start)!)
                start = found + needle.count
                i = start
            } else {
                i = found + 1
            }
        }
        parts.append(body.getSlice(at: body.readerIndex + (start - bytes.startIndex), length: bytes.endIndex - start)!)
        return parts
    }

    private static func response(_ page: Page, token: String) -> Response {
        let body: ByteBuffer
        if page.parts.count == 1 {
            body = page.parts[0]
        } else {
            var out = ByteBufferAllocator().buffer(capacity: page.size + (page.parts.count - 1) * token.utf8.count)
            for (i, part) in page.parts.enumerated() {
                if i > 0 { out.writeString(token) }
                out.writeImmutableBuffer(part)
            }
            body = out
        }
        return Response(status: page.status, headers: page.headers, body: .init(buffer: body))
    }

    /// Notes that `userID` has written (their next page read waits for pages made after it).
    static func wrote(_ userID: UUID) {
        let version = DataVersion.current
        store.withLock { $0.lastWrite[userID] = version }
    }

    /// Forgets every page (the tests).
    static func clear() {
        store.withLock { $0 = Store() }
    }
}

extension KeptPages {
    /// A handler whose pages are kept (`app.on(Site.analysis, use: KeptPages.keep(district))`).
    static func keep(_ handler: @escaping @Sendable (Request) async throws -> Response) -> @Sendable (Request) async throws -> Response {
        { req in try await page(req) { try await handler(req) } }
    }
}
