import MsokoCore
import Vapor

/// The pieces every page is made of.
extension HTML {
    /// A POST button in its own small form (sign out, disable, delete…).
    static func postButton(_ ctx: PageContext, action: SiteURL, label: String, style: String = "secondary") -> HTML {
        #"<form method="post" action="\#(action)" class="inline">\#(ctx.csrfField)<button type="submit" class="btn \#(style)">\#(label)</button></form>"#
    }

    /// A checkpoint's status as a coloured badge.
    static func badge(_ status: CheckpointStatus) -> HTML {
        #"<span class="badge st-\#(status.rawValue)">\#(status.russian)</span>"#
    }

    /// The card shown where a list has nothing in it yet.
    static func emptyState(_ text: String, more: HTML = HTML()) -> HTML {
        emptyState(markup: "\(text)", more: more)
    }

    /// The same card where its sentence carries markup (a link).
    static func emptyState(markup: HTML, more: HTML = HTML()) -> HTML {
        #"<section class="card"><p>\#(markup)</p>\#(more)</section>"#
    }

    /// A table that scrolls sideways on a phone: the header cells and the rows.
    static func table(head: HTML, rows: [HTML], class name: String? = nil) -> HTML {
        let attribute: HTML = name.map { #" class="\#($0)""# } ?? ""
        return #"<div class="table-wrap"><table\#(attribute)><thead><tr>\#(head)</tr></thead><tbody>\#(rows)</tbody></table></div>"#
    }

    /// The one-shot message left by the previous request, if any.
    static func flash(_ req: Request) -> HTML {
        guard let (kind, text) = Flash.takeMessage(req) else { return "" }
        return #"<div class="flash \#(kind)" role="status">\#(HTML.lines(text))</div>"#
    }

    /// A labelled choice of one of the district's schools (the value is what the form sends: the
    /// school's login or id); `blank` is the label of an empty first choice, if any.
    static func schoolSelect(id: String, name: String, label: String, schools: [(value: String, label: String)],
                             selected: String? = nil, blank: String? = nil) -> HTML {
        let first: HTML = blank.map { #"<option value="">\#($0)</option>"# } ?? ""
        return #"<label for="\#(id)">\#(label)</label><select id="\#(id)" name="\#(name)">\#(first)\#(options(schools, selected: selected))</select>"#
    }

    /// `<option>`s: value and label each, the selected one marked.
    static func options(_ items: [(value: String, label: String)], selected: String? = nil) -> HTML {
        HTML(items.map { item in
            #"<option value="\#(item.value)"\#(item.value == selected ? " selected" as HTML : "")>\#(item.label)</option>"#
        })
    }

}


/// What a view needs of the request besides its model: the form token and the one-shot message
/// (taken when the context is made, so it shows once).
struct PageContext: Sendable {
    var csrfToken: String
    var flash: HTML

    var csrfField: HTML { #"<input type="hidden" name="_csrf" value="\#(csrfToken)">"# }

    /// The action of an upload form: the URL with the CSRF token in the query string, since the
    /// token is checked before the multipart body is read.
    func uploadAction(_ url: SiteURL) -> SiteURL { url.query(["_csrf": csrfToken]) }
}

extension Request {
    func pageContext() -> PageContext { PageContext(csrfToken: csrfToken, flash: HTML.flash(self)) }
}

extension HTML {
    /// A figure tile: a number and what it counts.
    static func stat(_ value: Int, _ label: String, _ style: String = "") -> HTML {
        #"<div class="stat \#(style)"><div class="num">\#(value)</div><div class="lbl">\#(label)</div></div>"#
    }

    /// Checkpoint statuses as a bar of done / in progress / overdue shares.
    static func progressBar(_ statuses: [CheckpointStatus]) -> HTML {
        guard !statuses.isEmpty else { return #"<span class="muted">—</span>"# }
        let total = Double(statuses.count)
        var parts = HTML()
        var title: [String] = []
        for s in [CheckpointStatus.done, .inProgress, .overdue] {
            let n = statuses.filter { $0 == s }.count
            if n > 0 {
                parts += #"<span class="p-\#(s.rawValue)" style="width:\#(String(format: "%.1f", Double(n) * 100 / total))%"></span>"#
                title.append("\(s.russian): \(n)")
            }
        }
        let label = title.joined(separator: ", ")
        return #"<div class="progress" role="img" aria-label="\#(label)" title="\#(label)">\#(parts)</div>"#
    }
}

extension HTML {
    /// An analysis table as on paper: the first column names the group (a link where given),
    /// figures right-aligned, words left.
    static func figures(_ t: AnalysisTable, links: [SiteURL] = []) -> HTML {
        // Words left, figures right: a cell is a figure unless it is text that reads as words.
        func isFigure(_ c: AnalysisTable.Cell) -> Bool {
            guard case .text(let text) = c else { return true }
            return Double(text.replacingOccurrences(of: ",", with: ".")) != nil || text.hasPrefix("—") || text.contains("(")
        }
        // A heading sits over its column: right when the column's first row is a figure.
        let first = t.rows.first ?? []
        let head = HTML(t.header.enumerated().map { i, h in
            let right = i > 0 && (i >= first.count || isFigure(first[i]))
            return "<th\(right ? #" class="num""# as HTML : "")>\(h)</th>" as HTML
        })
        let rows = t.rows.enumerated().map { r, row -> HTML in
            let cells = row.enumerated().map { i, c -> HTML in
                let text = c.display
                if i == 0, r < links.count { return #"<td><a href="\#(links[r])">\#(text)</a></td>"# }
                if i > 0, !isFigure(c) { return "<td>\(text)</td>" }
                return "<td\(i == 0 ? "" : #" class="num""# as HTML)>\(text)</td>"
            }
            return t.highlighted.contains(r) ? #"<tr class="weak">\#(cells)</tr>"# : "<tr>\(cells)</tr>"
        }
        var html = HTML.table(head: head, rows: rows)
        if !t.notes.isEmpty { html += #"<p class="hint">\#(t.notes.joined(separator: " "))</p>"# }
        return html
    }
}
