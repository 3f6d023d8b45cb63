import Vapor

/// HTML escaping for text and attribute values (attributes are always double-quoted); every value
/// put into a page goes through it. The same rules as XML text, shared with the DOCX writer.
func esc(_ text: String) -> String {
    XMLText.escape(text)
}

/// Multi-line user text as paragraphs-with-breaks.
func escLines(_ text: String) -> String {
    esc(text).replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\n", with: "<br>")
}

enum HTMLResponse {
    static func make(_ html: String, status: HTTPResponseStatus = .ok) -> Response {
        var headers = HTTPHeaders()
        headers.contentType = .html
        headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return Response(status: status, headers: headers, body: .init(string: html))
    }
}

/// A hidden CSRF field for forms.
func csrfField(_ req: Request) -> String {
    #"<input type="hidden" name="_csrf" value="\#(esc(req.csrfToken))">"#
}

/// A status badge.
func statusBadge(_ status: CheckpointStatus) -> String {
    #"<span class="badge st-\#(status.rawValue)">\#(esc(status.russian))</span>"#
}

/// A POST button in its own small form (logout, disable, delete…).
func postButton(_ req: Request, action: String, label: String, style: String = "secondary") -> String {
    #"<form method="post" action="\#(esc(action))" class="inline">\#(csrfField(req))<button type="submit" class="btn \#(style)">\#(esc(label))</button></form>"#
}

import MsokoCore
