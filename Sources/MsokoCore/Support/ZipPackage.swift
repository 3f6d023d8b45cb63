import Foundation
import ZIPFoundation

/// Packs parts into a ZIP archive in memory (DOCX, XLSX), each deflated. Writing stays with
/// ZIPFoundation; reading goes through `ZipReader`, which checks what ZIPFoundation trusts.
public enum ZipPackage {
    public static func build(_ parts: [(path: String, bytes: Data)]) throws -> Data {
        let archive = try Archive(data: Data(), accessMode: .create)
        for (path, bytes) in parts {
            try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(bytes.count), compressionMethod: .deflate) { position, size in
                bytes.subdata(in: Int(position)..<Int(position) + size)
            }
        }
        guard let data = archive.data else { throw CocoaError(.fileWriteUnknown) }
        return data
    }
}
