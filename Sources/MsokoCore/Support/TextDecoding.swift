import Foundation

/// Decodes the text files districts send: UTF-8 (with or without BOM) or Windows-1251.
/// Windows-1251 is decoded by a table of our own because Foundation on Linux does not
/// guarantee the encoding.
public enum TextDecoding {
    public static func decode(_ data: Data) -> String? {
        var bytes = [UInt8](data)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        if let text = String(validating: bytes, as: UTF8.self) { return text }
        return windows1251(bytes)
    }

    static let high: [UInt16] = [
        0x0402, 0x0403, 0x201A, 0x0453, 0x201E, 0x2026, 0x2020, 0x2021, 0x20AC, 0x2030, 0x0409, 0x2039, 0x040A, 0x040C, 0x040B, 0x040F,
        0x0452, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0xFFFD, 0x2122, 0x0459, 0x203A, 0x045A, 0x045C, 0x045B, 0x045F,
        0x00A0, 0x040E, 0x045E, 0x0408, 0x00A4, 0x0490, 0x00A6, 0x00A7, 0x0401, 0x00A9, 0x0404, 0x00AB, 0x00AC, 0x00AD, 0x00AE, 0x0407,
        0x00B0, 0x00B1, 0x0406, 0x0456, 0x0491, 0x00B5, 0x00B6, 0x00B7, 0x0451, 0x2116, 0x0454, 0x00BB, 0x0458, 0x0405, 0x0455, 0x0457,
    ]

    static func windows1251(_ bytes: [UInt8]) -> String? {
        var scalars = String.UnicodeScalarView()
        for b in bytes {
            let value: UInt32
            switch b {
            case 0x00..<0x80: value = UInt32(b)
            case 0x80..<0xC0: value = UInt32(high[Int(b) - 0x80])
            default: value = 0x0410 + UInt32(b) - 0xC0
            }
            guard let scalar = Unicode.Scalar(value) else { return nil }
            scalars.append(scalar)
        }
        return String(scalars)
    }
}
