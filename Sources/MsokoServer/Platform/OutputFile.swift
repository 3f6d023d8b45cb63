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
///
/// Nor is it cut when opened: a regular file is written over from its start and cut to the written
/// length when finished. On ext4 (its default `auto_da_alloc`) a file cut to nothing by `O_TRUNC` and
/// written anew is sent to the disk by the `close` that ends the command, which waits for it: 47 ms
/// of a country's 1.9 s `msoko analyze` writing its 167 MB over the previous run's output (measured
/// with strace, 2026-12-04); a file cut to its new length at the end is left to the usual writeback.
public enum OutputFile {
    /// The descriptor and whether it is a regular file (cut to length when finished).
    static func open(_ path: String) -> (FileHandle, regular: Bool)? {
        let descriptor = path.withCString { Foundation.open($0, O_WRONLY | O_CREAT | O_CLOEXEC, 0o644) }
        guard descriptor >= 0 else { return nil }
        var status = stat()
        let regular = fstat(descriptor, &status) == 0 && (status.st_mode & S_IFMT) == S_IFREG
        return (FileHandle(fileDescriptor: descriptor, closeOnDealloc: true), regular)
    }

    /// All of `data` into `path`; the problem in Russian when the path cannot be opened, written
    /// or closed (a failed close can be the write that did not reach the disk), nil when it did.
    public static func write(_ data: Data, to path: String) -> String? {
        guard let file = Stream(path) else { return Stream.cannotOpen(path) }
        file.write(data)
        return file.finish()
    }

    /// A file (or standard output) written in pieces: the first failure — a full disk, a closed
    /// pipe — is kept with the path, nothing more is written after it, and `finish()` reports it.
    /// On a failure the descriptor is not closed by hand: the handle closes it when let go.
    public final class Stream {
        let name: String
        let handle: FileHandle
        let closes: Bool
        /// A regular file: cut to `written` bytes when finished (what an earlier, longer content left
        /// after them goes).
        let cutsToLength: Bool
        var written = 0
        public private(set) var problem: String?

        /// Opened in place (`OutputFile.open`); nil when the path cannot be opened.
        public init?(_ path: String) {
            guard let (handle, regular) = OutputFile.open(path) else { return nil }
            (name, self.handle, closes, cutsToLength) = (path, handle, true, regular)
        }

        init(standardOutput: Void) {
            (name, handle, closes, cutsToLength) = ("стандартный вывод", FileHandle.standardOutput, false, false)
        }

        public static var standardOutput: Stream { Stream(standardOutput: ()) }

        public static func cannotOpen(_ path: String) -> String { "не удалось открыть для записи \(path)." }

        /// Why a write failed, in Russian (Foundation's own text is English).
        static func reason(_ error: Error) -> String {
            let ns = error as NSError
            if ns.domain == NSCocoaErrorDomain {
                switch CocoaError.Code(rawValue: ns.code) {
                case .fileWriteOutOfSpace: return "на диске нет места"
                case .fileWriteNoPermission: return "нет прав на запись"
                default: break
                }
            }
            let posix = ns.domain == NSPOSIXErrorDomain ? ns : (ns.userInfo[NSUnderlyingErrorKey] as? NSError).flatMap { $0.domain == NSPOSIXErrorDomain ? $0 : nil }
            switch posix.map({ Int32($0.code) }) {
            case ENOSPC?: return "на диске нет места"
            case EDQUOT?: return "исчерпана квота на диске"
            case EPIPE?: return "получатель вывода закрыт"
            case EACCES?, EPERM?: return "нет прав на запись"
            case let code?: return "системная ошибка \(code)"
            case nil: return "ошибка записи (\(ns.domain), код \(ns.code))"
            }
        }

        /// Written from `bytes` in place (no copy of a chunk).
        public func write(_ bytes: UnsafeRawBufferPointer) {
            guard problem == nil, let base = bytes.baseAddress, bytes.count > 0 else { return }
            do {
                try handle.write(contentsOf: Data(bytesNoCopy: UnsafeMutableRawPointer(mutating: base), count: bytes.count, deallocator: .none))
                written += bytes.count
            } catch {
                problem = "не удалось записать \(name): \(Self.reason(error))."
            }
        }

        public func write(_ data: Data) { data.withUnsafeBytes { write($0) } }

        /// Cuts a regular file to what was written, closes it (standard output stays open) and
        /// returns the first problem of the writes, the cut and the close; nil when everything
        /// reached the file. After a failed write the file is still cut, so that no earlier content
        /// follows the part written.
        public func finish() -> String? {
            if cutsToLength && ftruncate(handle.fileDescriptor, off_t(written)) != 0 && problem == nil {
                problem = "не удалось записать \(name): \(Self.reason(NSError(domain: NSPOSIXErrorDomain, code: Int(errno))))."
            }
            guard problem == nil, closes else { return problem }
            do { try handle.close() } catch { problem = "не удалось записать \(name): \(Self.reason(error))." }
            return problem
        }
    }
}
