import MsokoCore
import Vapor

// The `String` forms of the components, for the views not yet written as `HTML` (issue 10,
// step 2 lands feature by feature). Each delegates to the `HTML` component; this file goes when
// the last `String` view does.

func csrfField(_ req: Request) -> String { HTML.csrfField(req).markup }

func statusBadge(_ status: CheckpointStatus) -> String { HTML.badge(status).markup }

func postButton(_ req: Request, action: String, label: String, style: String = "secondary") -> String {
    HTML.postButton(PageContext(csrfToken: req.csrfToken, flash: ""), action: SiteURL(path: action), label: label, style: style).markup
}

extension Layout {
    static func page(_ req: Request, title: String, body: String, crumbs: [(String, String)] = []) -> Response {
        page(req, title: title, body: HTML(trusted: body), crumbs: crumbs.map { Crumb(SiteURL(path: $0.0), $0.1) })
    }
}

extension Flash {
    static func take(_ req: Request) -> String { HTML.flash(req).markup }
}
