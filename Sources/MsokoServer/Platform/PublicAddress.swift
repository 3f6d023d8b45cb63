import Vapor

/// The address links outside the browser name (parents' QR codes, a calendar feed a phone reads):
/// `MSOKO_PUBLIC_URL` when set (the address people can reach), else the address the page was asked on.
enum PublicAddress {
    static func base(_ req: Request) -> String {
        if let url = Environment.get("MSOKO_PUBLIC_URL"), !url.isEmpty { return url.hasSuffix("/") ? String(url.dropLast()) : url }
        let host = req.headers.first(name: .host) ?? "localhost:8080"
        return "http://\(host)"
    }

    static func url(_ req: Request, _ path: SiteURL) -> String { base(req) + path.path }
}
