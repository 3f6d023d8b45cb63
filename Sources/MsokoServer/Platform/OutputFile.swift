import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file a command writes (`msoko analyze --out`, `export --out`, `bench generate`, `--dump`):
/// opened for writing and cut to nothing in place, never replaced. `FileManager.createFile` writes a
/// temporary file and renames it over the path: given `/dev/null` by a user running as root it
/// replaced the device with a regular file (2026-12-03, a benchmark run), and given a symbolic link
/// it replaces the link instead of writing where it points.
public enum OutputFile {
    public static func open(_ path: String) -> FileHandle? {
        let descriptor = path.withCString { Foundation.open($0, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644) }
        guard descriptor >= 0 else { return nil }
        return FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
    }

    /// All of `data` into `path`; false when the path cannot be opened, written or closed (a
    /// failed close can be the write that did not reach the disk).
    public static func write(_ data: Data, to path: String) -> Bool {
        guard let handle = open(path) else { return false }
        do {
            try handle.write(contentsOf: data)
            try handle.close()
        } catch {
            try? handle.close()  // already failing; the error above is the one reported
            return false
        }
        return true
    }
}
