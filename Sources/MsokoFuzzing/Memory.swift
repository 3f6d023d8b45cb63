import Foundation

/// Peak and current resident memory of this process, from /proc (Linux; 0 elsewhere, where the
/// memory checks of the tests and `msoko-fuzz replay` then pass without measuring).
public enum Memory {
    static func status(_ key: String) -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix(key + ":") }) else { return 0 }
        return (Int(line.split(separator: " ").dropFirst().first.map(String.init) ?? "") ?? 0) * 1024
    }

    public static var peak: Int { status("VmHWM") }
    public static var resident: Int { status("VmRSS") }

    /// Resets the peak to the current size (`5` to clear_refs); false where the kernel refuses.
    @discardableResult
    public static func resetPeak() -> Bool {
        (try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)) != nil
    }
}
