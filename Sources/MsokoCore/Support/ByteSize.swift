import Foundation

/// Sizes as a Russian user reads them: «20 МБ», «1,5 МБ», «340 КБ», with a decimal comma.
public enum ByteSize {
    public static func format(_ bytes: Int, digits: Int = 1) -> String {
        if bytes < 1024 { return "\(bytes) Б" }
        let (value, unit): (Double, String) = bytes < 1 << 20 ? (Double(bytes) / 1024, "КБ")
            : bytes < 1 << 30 ? (Double(bytes) / 1_048_576, "МБ") : (Double(bytes) / 1_073_741_824, "ГБ")
        return number(value, digits: digits) + " " + unit
    }

    /// «50,02 МБ — больше допустимых 50 МБ»: as many digits as it takes for the two sizes to read
    /// differently (a file one byte over the limit is told in bytes).
    public static func exceeding(_ bytes: Int, limit: Int) -> String {
        for digits in 1...3 {
            let a = format(bytes, digits: digits), b = format(limit, digits: digits)
            if a != b { return "\(a) — больше допустимых \(b)" }
        }
        return "\(grouped(bytes)) байт — больше допустимых \(grouped(limit)) байт (\(format(limit)))"
    }

    /// A number with at most `digits` decimals, trailing zeros dropped, decimal comma.
    static func number(_ value: Double, digits: Int) -> String {
        var text = String(format: "%.\(digits)f", value)
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text.replacingOccurrences(of: ".", with: ",")
    }

    /// «52 428 801» with thin groups.
    static func grouped(_ n: Int) -> String {
        let digits = Array(String(n))
        var out = ""
        for (i, d) in digits.enumerated() {
            if i > 0, (digits.count - i) % 3 == 0 { out += "\u{00A0}" }
            out.append(d)
        }
        return out
    }
}
