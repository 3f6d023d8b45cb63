import Foundation
import Vapor

/// Markup for a page. Text cannot become markup by accident: an `HTML` value is built from string
/// literals written in msoko's source (trusted: a programmer wrote them), from interpolated
/// values, which are escaped (`String`, `Substring`, numbers, `UUID`), and from other `HTML`
/// values, inserted as they are. A `String` variable does not convert to `HTML`, and there is no
/// door for markup made at run time: even the SVG charts are built as `HTML`.
/// Escaping covers all five of `& < > " '`, so the same value is safe in text and in attribute
/// values (msoko writes attributes in double quotes, but a single-quoted one would be safe too).
/// Hand-written rather than a package: Plot 0.14 writes attribute values unescaped (see
/// docs/architecture.md), and this is a page of code.
struct HTML: Sendable, Equatable, CustomStringConvertible {
    private(set) var markup: String

    init() { markup = "" }

    var description: String { markup }
    var isEmpty: Bool { markup.isEmpty }

    static func += (lhs: inout HTML, rhs: HTML) { lhs.markup += rhs.markup }

    /// Escapes text for HTML text and attribute values.
    static func escape(_ text: some StringProtocol) -> String {
        var out = ""
        escape(text, into: &out)
        return out
    }

    static func escape(_ text: some StringProtocol, into out: inout String) {
        // Most text has nothing to escape: append it whole.
        if !text.utf8.contains(where: { $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || $0 == 0x22 || $0 == 0x27 }) {
            out += text
            return
        }
        out.reserveCapacity(out.utf8.count + text.utf8.count + 16)
        for ch in text.unicodeScalars {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(ch)
            }
        }
    }

    /// Text with its line breaks kept (`<br>`), escaped.
    static func lines(_ text: String) -> HTML {
        let parts = text.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false)
        return HTML(parts.map { "\($0)" as HTML }, separator: "<br>")
    }

    /// Pieces of markup one after another.
    init(_ parts: some Sequence<HTML>, separator: HTML = HTML()) {
        markup = parts.map(\.markup).joined(separator: separator.markup)
    }
}

extension HTML: ExpressibleByStringInterpolation {
    init(stringLiteral value: String) { markup = value }

    init(stringInterpolation: StringInterpolation) { markup = stringInterpolation.markup }

    struct StringInterpolation: StringInterpolationProtocol {
        var markup = ""

        init(literalCapacity: Int, interpolationCount: Int) {
            markup.reserveCapacity(literalCapacity + interpolationCount * 16)
        }

        /// The literal parts are source code: trusted markup.
        mutating func appendLiteral(_ literal: String) { markup += literal }

        /// Text: escaped.
        mutating func appendInterpolation(_ text: String) { HTML.escape(text, into: &markup) }
        mutating func appendInterpolation(_ text: Substring) { HTML.escape(text, into: &markup) }

        /// Markup: as it is.
        mutating func appendInterpolation(_ html: HTML) { markup += html.markup }
        mutating func appendInterpolation(_ html: HTML?) { if let html { markup += html.markup } }
        mutating func appendInterpolation(_ parts: [HTML]) { for p in parts { markup += p.markup } }

        /// Numbers and identifiers cannot carry markup.
        mutating func appendInterpolation<N: BinaryInteger>(_ number: N) { markup += String(number) }
        mutating func appendInterpolation(_ number: Double) { markup += String(number) }
        mutating func appendInterpolation(_ id: UUID) { markup += id.uuidString }
    }
}

enum HTMLResponse {
    static func make(_ html: HTML, status: HTTPResponseStatus = .ok) -> Response {
        var headers = HTTPHeaders()
        headers.contentType = .html
        headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return Response(status: status, headers: headers, body: .init(string: html.markup))
    }
}
