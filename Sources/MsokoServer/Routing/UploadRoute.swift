import Vapor

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
