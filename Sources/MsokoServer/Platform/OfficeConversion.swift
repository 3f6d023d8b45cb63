import Foundation
import MsokoCore

/// Excel 97-2003 (.xls) and OpenDocument (.ods) files, still common in schools, read by converting
/// them to XLSX with LibreOffice: headless, in a temporary folder of its own (with its own profile,
/// so that conversions do not lock each other), time-limited. msoko does not parse these formats
/// itself — no listed Swift package reads them, and the binary .xls format is too large to
/// hand-write safely. Without LibreOffice the file is refused with how to save it as XLSX.
enum OfficeConversion {
    enum Kind {
        case xls, ods
        var name: String { self == .xls ? "файл Excel 97-2003 (.xls)" : "таблица OpenDocument (.ods)" }
    }

    /// The kind of a legacy spreadsheet by its bytes; nil for anything else (XLSX, CSV …).
    static func kind(of data: Data) -> Kind? {
        if data.starts(with: [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) { return .xls }
        // An ODF package starts with an uncompressed «mimetype» entry naming its type.
        if data.starts(with: [0x50, 0x4B, 0x03, 0x04]), data.count > 120 {
            let head = String(decoding: data.prefix(120), as: UTF8.self)
            if head.contains("mimetypeapplication/vnd.oasis.opendocument.spreadsheet") { return .ods }
        }
        return nil
    }

    /// LibreOffice's `soffice`: `MSOKO_SOFFICE` when set, else the first on the PATH.
    static func soffice() -> String? {
        let fm = FileManager.default
        if let set = ProcessInfo.processInfo.environment["MSOKO_SOFFICE"] { return fm.isExecutableFile(atPath: set) ? set : nil }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for dir in path.split(separator: ":") {
            for name in ["soffice", "libreoffice"] where fm.isExecutableFile(atPath: "\(dir)/\(name)") { return "\(dir)/\(name)" }
        }
        return nil
    }

    static let howToSave = "откройте его в Excel или LibreOffice Calc и сохраните его как «Книга Excel (.xlsx)», затем загрузите снова."

    /// The file as XLSX when it is .xls or .ods (converted), the bytes as they are otherwise; a
    /// message naming the file when a legacy file cannot be converted. Blocks: call it off the
    /// cooperative threads.
    static func readable(_ data: Data, file: String, timeout: TimeInterval = 90) -> Result<Data, ConversionError> {
        guard let kind = kind(of: data) else { return .success(data) }
        guard let soffice = soffice() else {
            return .failure(ConversionError(description: "\(file): это \(kind.name), а на сервере нет LibreOffice, чтобы его прочитать: \(howToSave)"))
        }
        let fm = FileManager.default
        let dir = fm.temporaryDirectory.appendingPathComponent("msoko-convert-\(UUID().uuidString)")
        // Removed whatever happens; a folder left behind (a full disk) holds only this copy of the file.
        defer { try? fm.removeItem(at: dir) }
        do {
            try fm.createDirectory(at: dir, withIntermediateDirectories: true)
            let input = dir.appendingPathComponent(kind == .xls ? "book.xls" : "book.ods")
            try data.write(to: input)
            let p = Process()
            p.executableURL = URL(fileURLWithPath: soffice)
            p.arguments = ["-env:UserInstallation=file://\(dir.path)/profile", "--headless", "--norestore", "--nologo",
                           "--convert-to", "xlsx", "--outdir", dir.path, input.path]
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try p.run()
            let deadline = Date().addingTimeInterval(timeout)
            while p.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
            if p.isRunning {
                p.terminate()
                Thread.sleep(forTimeInterval: 0.5)
                if p.isRunning { kill(p.processIdentifier, SIGKILL) }
                p.waitUntilExit()
                return .failure(ConversionError(description: "\(file): \(kind.name) не удалось прочитать за \(Int(timeout)) с — \(howToSave)"))
            }
            guard p.terminationStatus == 0, let out = fm.contents(atPath: dir.appendingPathComponent("book.xlsx").path), !out.isEmpty else {
                return .failure(ConversionError(description: "\(file): \(kind.name) не удалось прочитать — возможно, он повреждён или защищён паролем; \(howToSave)"))
            }
            return .success(out)
        } catch {
            return .failure(ConversionError(description: "\(file): \(kind.name) не удалось прочитать — \(howToSave)"))
        }
    }

    /// The rows of a list file (schools, classes, a results header), .xls and .ods included.
    static func listRows(_ data: Data, file: String) async throws -> [[String]] {
        let converted = await offCooperativePool { readable(data, file: file) }
        switch converted {
        case .success(let d): return try ListFile.rows(data: d, file: file)
        case .failure(let e):
            throw SpreadsheetError.unreadable(file: file, reason: e.description.replacingOccurrences(of: "\(file): ", with: ""))
        }
    }

    struct ConversionError: Error, CustomStringConvertible {
        var description: String
    }
}
