import Foundation
@testable import MsokoCore
import XCTest

/// The hand-written QR encoder: its symbols are read back by an independent decoder (`zbarimg`
/// from Debian's zbar-tools, which the test command installs), across versions 1-10 and the
/// version-information area from 7 up; the structure is checked without it.
final class QRCodeTests: XCTestCase {
    func testStructure() throws {
        let q = try XCTUnwrap(QRCode("https://msoko.example.ru/r/ACDEFGHJKMNP"))
        XCTAssertEqual(q.size, 17 + 4 * q.version)
        XCTAssertEqual(q.version, 3, "44 bytes fit version 3 at level M (42 + header bits would not fit 2)")
        // Finder patterns: dark ring, light ring, dark 3×3 core, at three corners.
        for (ox, oy) in [(0, 0), (q.size - 7, 0), (0, q.size - 7)] {
            XCTAssertTrue(q.isDark(x: ox, y: oy))
            XCTAssertFalse(q.isDark(x: ox + 1, y: oy + 1))
            XCTAssertTrue(q.isDark(x: ox + 3, y: oy + 3))
        }
        XCTAssertTrue(q.isDark(x: 8, y: q.size - 8), "the dark module")
        XCTAssertEqual((8..<(q.size - 8)).map { q.isDark(x: $0, y: 6) }, (8..<(q.size - 8)).map { $0 % 2 == 0 }, "timing pattern")
        XCTAssertNil(QRCode(String(repeating: "a", count: 300)), "longer than version 10 holds")
        XCTAssertEqual(QRCode("a")?.version, 1)
        // Reed-Solomon against the standard's worked example (ISO 18004 annex I: «01234567», 1-M).
        let data: [UInt8] = [0x10, 0x20, 0x0C, 0x56, 0x61, 0x80, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11]
        XCTAssertEqual(ReedSolomon.remainder(data, divisor: ReedSolomon.divisor(degree: 10)), [0xA5, 0x24, 0xD4, 0xC1, 0xED, 0x36, 0xC7, 0x87, 0x2C, 0x55])
        let svg = q.svg()
        XCTAssertTrue(svg.hasPrefix("<svg"))
        XCTAssertEqual(svg.components(separatedBy: "h1v1h-1z").count - 1, q.modules.filter { $0 }.count)
    }

    func testReadBackByZbar() throws {
        guard let zbar = ["/usr/bin/zbarimg", "/usr/local/bin/zbarimg"].first(where: FileManager.default.isExecutableFile) else {
            throw XCTSkip("zbarimg is not installed (scripts/test.sh installs zbar-tools)")
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("qr-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var texts = ["https://msoko.example.ru/r/ACDEFGHJKMNP", "http://10.0.0.7:8080/r/34679ACDEFGH", "r", "Лист результатов 4А"]
        // One text per version 1…10: the longest each holds.
        for v in 1...QRCode.maxVersion {
            let bytes = QRCode.dataCodewords(v) - (v < 10 ? 2 : 3)
            texts.append(bytes > 15 ? "https://e.ru/r/" + String(repeating: "X", count: bytes - 15) : String(repeating: "X", count: bytes))
        }
        for (i, text) in texts.enumerated() {
            let q = try XCTUnwrap(QRCode(text), text)
            let scale = 4, n = (q.size + 8) * scale
            var pgm = "P2\n\(n) \(n)\n1\n"
            for py in 0..<n {
                pgm += (0..<n).map { px -> String in
                    let (x, y) = (px / scale - 4, py / scale - 4)
                    return (0..<q.size).contains(x) && (0..<q.size).contains(y) && q.isDark(x: x, y: y) ? "0" : "1"
                }.joined(separator: " ") + "\n"
            }
            let file = dir.appendingPathComponent("\(i).pgm")
            try pgm.write(to: file, atomically: true, encoding: .ascii)
            let p = Process()
            p.executableURL = URL(fileURLWithPath: zbar)
            p.arguments = ["--raw", "-q", file.path]
            let out = Pipe()
            p.standardOutput = out
            try p.run()
            p.waitUntilExit()
            let read = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).trimmingCharacters(in: .newlines)
            XCTAssertEqual(read, text, "version \(q.version)")
        }
    }
}
