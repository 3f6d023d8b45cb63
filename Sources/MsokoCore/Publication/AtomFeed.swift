import Foundation

/// An Atom 1.0 feed (RFC 4287) of published news. Written by hand: the format is a dozen
/// elements and no listed package writes it; every text goes through `XMLText.escape`.
public struct AtomFeed: Sendable {
    public struct Entry: Sendable {
        public var id: String
        public var title: String
        public var updated: Date
        public var published: Date
        public var link: String
        public var author: String
        public var content: String

        public init(id: String, title: String, updated: Date, published: Date, link: String, author: String, content: String) {
            self.id = id
            self.title = title
            self.updated = updated
            self.published = published
            self.link = link
            self.author = author
            self.content = content
        }
    }

    public var id: String
    public var title: String
    public var subtitle: String
    /// The feed's own address and the page it mirrors.
    public var selfLink: String
    public var pageLink: String
    public var author: String
    public var entries: [Entry]
    /// The feed's `updated` when it has no entries (an Atom feed must carry one).
    public var emptyUpdated: Date

    public init(id: String, title: String, subtitle: String, selfLink: String, pageLink: String, author: String, entries: [Entry], emptyUpdated: Date) {
        self.id = id
        self.title = title
        self.subtitle = subtitle
        self.selfLink = selfLink
        self.pageLink = pageLink
        self.author = author
        self.entries = entries
        self.emptyUpdated = emptyUpdated
    }

    public static func timestamp(_ date: Date) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        f.timeZone = TimeZone(identifier: "UTC")
        return f.string(from: date)
    }

    public var xml: String {
        let e = XMLText.escape
        let updated = entries.map(\.updated).max() ?? emptyUpdated
        var out = """
        <?xml version="1.0" encoding="utf-8"?>
        <feed xmlns="http://www.w3.org/2005/Atom" xml:lang="ru">
        <id>\(e(id))</id>
        <title>\(e(title))</title>
        <subtitle>\(e(subtitle))</subtitle>
        <updated>\(Self.timestamp(updated))</updated>
        <link rel="self" type="application/atom+xml" href="\(e(selfLink))"/>
        <link rel="alternate" type="text/html" href="\(e(pageLink))"/>
        <author><name>\(e(author))</name></author>

        """
        for entry in entries {
            out += """
            <entry>
            <id>\(e(entry.id))</id>
            <title>\(e(entry.title))</title>
            <updated>\(Self.timestamp(entry.updated))</updated>
            <published>\(Self.timestamp(entry.published))</published>
            <link rel="alternate" type="text/html" href="\(e(entry.link))"/>
            <author><name>\(e(entry.author))</name></author>
            <content type="text">\(e(entry.content))</content>
            </entry>

            """
        }
        return out + "</feed>\n"
    }
}

/// The sites allowed to frame a school's block (`frame-ancestors`): one address a line, each
/// reduced to its origin (scheme, host, port), http or https only; anything that could widen or
/// break the policy (a wildcard, a space, a quote, a semicolon) is refused with the line named.
public enum EmbedOrigins {
    public static func parse(_ text: String, field: String = "Адреса сайта школы") -> (origins: [String], errors: [String]) {
        var origins: [String] = []
        var errors: [String] = []
        let lines = text.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false)
        for (i, raw) in lines.enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty { continue }
            let problem = "Поле «\(field)», строка \(i + 1): «\(line.prefix(80))» —"
            if line.contains(where: { " *;,'\"<>\\".contains($0) }) {
                errors.append("\(problem) адрес без пробелов, звёздочек, кавычек и точек с запятой, например https://school1.edu.ru.")
                continue
            }
            if !line.allSatisfy(\.isASCII) {
                errors.append("\(problem) адрес кириллицей укажите так, как его хранит браузер (punycode, xn--…): его видно в адресной строке после перехода на сайт.")
                continue
            }
            guard let c = URLComponents(string: line), let scheme = c.scheme?.lowercased(), scheme == "https" || scheme == "http",
                  let host = c.host?.lowercased(), !host.isEmpty, c.user == nil, c.password == nil,
                  host.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" }) else {
                errors.append("\(problem) ожидается адрес сайта, начинающийся с https:// или http://, например https://school1.edu.ru.")
                continue
            }
            let port = c.port.map { ":\($0)" } ?? ""
            let origin = "\(scheme)://\(host)\(port)"
            if !origins.contains(origin) { origins.append(origin) }
        }
        if origins.count > 10 { errors.append("Поле «\(field)»: не больше 10 адресов (указано \(origins.count)).") }
        return (origins, errors)
    }
}
