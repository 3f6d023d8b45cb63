import Foundation

/// A QR code (ISO/IEC 18004) of a short text — the parent's link `/r/CODE` printed on a result
/// sheet (issue 14 §3) — drawn as SVG.
///
/// Written by hand: none of the packages msoko may use (the mirror's list in the library's `env`)
/// makes QR codes, and a system library would be a new dependency for every district's server.
/// Only what a link needs: byte mode, error correction level M (15 % of the symbol may be
/// damaged — a folded, stained sheet still reads), versions 1-10 (up to 213 bytes). Checked
/// against `zbarimg` (Debian's zbar-tools) in the browser tests.
public struct QRCode: Sendable, Equatable {
    /// Modules per side (21 for version 1, 4 more per version).
    public let size: Int
    public let version: Int
    /// Row-major, true: dark.
    public private(set) var modules: [Bool]

    public func isDark(x: Int, y: Int) -> Bool { modules[y * size + x] }

    // Level M, versions 1-10: error correction codewords per block, blocks, alignment centres.
    static let eccPerBlock = [10, 16, 26, 18, 24, 16, 18, 22, 22, 26]
    static let blocks = [1, 1, 1, 2, 2, 4, 4, 4, 5, 5]
    static let alignment: [[Int]] = [[], [6, 18], [6, 22], [6, 26], [6, 30], [6, 34], [6, 22, 38], [6, 24, 42], [6, 26, 46], [6, 28, 50]]
    public static let maxVersion = 10

    /// Codewords a version holds (data and error correction): its modules less the function patterns, over 8.
    static func totalCodewords(_ v: Int) -> Int {
        var bits = (16 * v + 128) * v + 64
        if v >= 2 {
            let n = v / 7 + 2
            bits -= (25 * n - 10) * n - 55
            if v >= 7 { bits -= 36 }
        }
        return bits / 8
    }

    static func dataCodewords(_ v: Int) -> Int { totalCodewords(v) - eccPerBlock[v - 1] * blocks[v - 1] }

    /// The smallest symbol holding `text` (UTF-8, byte mode, level M); nil when it needs more than version 10.
    public init?(_ text: String) {
        let bytes = Array(text.utf8)
        guard let v = (1...Self.maxVersion).first(where: { 4 + ($0 < 10 ? 8 : 16) + 8 * bytes.count <= Self.dataCodewords($0) * 8 }) else { return nil }
        version = v
        size = 17 + 4 * v
        modules = Array(repeating: false, count: size * size)
        var function = Array(repeating: false, count: size * size)
        func set(_ x: Int, _ y: Int, _ dark: Bool) {
            modules[y * size + x] = dark
            function[y * size + x] = true
        }

        // Function patterns: timing, finders with their separators, alignment, format and version areas.
        for i in 0..<size {
            set(6, i, i % 2 == 0)
            set(i, 6, i % 2 == 0)
        }
        for (cx, cy) in [(3, 3), (size - 4, 3), (3, size - 4)] {
            for dy in -4...4 {
                for dx in -4...4 where (0..<size).contains(cx + dx) && (0..<size).contains(cy + dy) {
                    let d = max(abs(dx), abs(dy))
                    set(cx + dx, cy + dy, d != 2 && d != 4)
                }
            }
        }
        let centres = Self.alignment[v - 1]
        for (i, cx) in centres.enumerated() {
            for (j, cy) in centres.enumerated() {
                let last = centres.count - 1
                if (i == 0 && j == 0) || (i == 0 && j == last) || (i == last && j == 0) { continue }
                for dy in -2...2 { for dx in -2...2 { set(cx + dx, cy + dy, max(abs(dx), abs(dy)) != 1) } }
            }
        }
        func drawFormat(mask: Int) {
            let data = mask // level M is 00
            var rem = data
            for _ in 0..<10 { rem = (rem << 1) ^ ((rem >> 9) * 0x537) }
            let bits = (data << 10 | rem) ^ 0x5412
            func bit(_ i: Int) -> Bool { (bits >> i) & 1 == 1 }
            for i in 0...5 { set(8, i, bit(i)) }
            set(8, 7, bit(6))
            set(8, 8, bit(7))
            set(7, 8, bit(8))
            for i in 9..<15 { set(14 - i, 8, bit(i)) }
            for i in 0..<8 { set(size - 1 - i, 8, bit(i)) }
            for i in 8..<15 { set(8, size - 15 + i, bit(i)) }
            set(8, size - 8, true)
        }
        drawFormat(mask: 0)
        if v >= 7 {
            var rem = v
            for _ in 0..<12 { rem = (rem << 1) ^ ((rem >> 11) * 0x1F25) }
            let bits = v << 12 | rem
            for i in 0..<18 {
                let dark = (bits >> i) & 1 == 1
                set(size - 11 + i % 3, i / 3, dark)
                set(i / 3, size - 11 + i % 3, dark)
            }
        }

        // The data: mode, count, bytes, terminator, padding; split into blocks with their error
        // correction, interleaved.
        var bits: [Bool] = []
        func append(_ value: Int, _ count: Int) { for i in stride(from: count - 1, through: 0, by: -1) { bits.append((value >> i) & 1 == 1) } }
        append(0b0100, 4)
        append(bytes.count, v < 10 ? 8 : 16)
        for b in bytes { append(Int(b), 8) }
        let capacity = Self.dataCodewords(v) * 8
        append(0, min(4, capacity - bits.count))
        append(0, (8 - bits.count % 8) % 8)
        var pad = 0xEC
        while bits.count < capacity { append(pad, 8); pad ^= 0xEC ^ 0x11 }
        let data: [UInt8] = stride(from: 0, to: bits.count, by: 8).map { i in bits[i..<i + 8].reduce(0) { $0 << 1 | ($1 ? 1 : 0) } }

        let (n, ecc, total) = (Self.blocks[v - 1], Self.eccPerBlock[v - 1], Self.totalCodewords(v))
        let short = n - total % n
        let shortData = total / n - ecc
        let divisor = ReedSolomon.divisor(degree: ecc)
        var dataBlocks: [[UInt8]] = []
        var offset = 0
        for i in 0..<n {
            let len = shortData + (i < short ? 0 : 1)
            dataBlocks.append(Array(data[offset..<offset + len]))
            offset += len
        }
        let eccBlocks = dataBlocks.map { ReedSolomon.remainder($0, divisor: divisor) }
        var codewords: [UInt8] = []
        for i in 0...shortData { for b in dataBlocks where i < b.count { codewords.append(b[i]) } }
        for i in 0..<ecc { for b in eccBlocks { codewords.append(b[i]) } }

        // Zigzag placement from the bottom right, two columns at a time, skipping the vertical timing.
        var k = 0
        var right = size - 1
        while right >= 1 {
            if right == 6 { right = 5 }
            for vert in 0..<size {
                for j in 0..<2 {
                    let x = right - j
                    let y = (right + 1) & 2 == 0 ? size - 1 - vert : vert
                    if !function[y * size + x] && k < codewords.count * 8 {
                        modules[y * size + x] = (codewords[k >> 3] >> (7 - (k & 7))) & 1 == 1
                        k += 1
                    }
                }
            }
            right -= 2
        }

        // The mask with the lowest penalty.
        let unmasked = modules
        var best: (mask: Int, penalty: Int)?
        for mask in 0..<8 {
            modules = unmasked
            applyMask(mask, function: function)
            drawFormat(mask: mask)
            let p = penalty()
            if best == nil || p < best!.penalty { best = (mask, p) }
        }
        modules = unmasked
        applyMask(best!.mask, function: function)
        drawFormat(mask: best!.mask)
    }

    private mutating func applyMask(_ mask: Int, function: [Bool]) {
        for y in 0..<size {
            for x in 0..<size where !function[y * size + x] {
                let flip: Bool
                switch mask {
                case 0: flip = (x + y) % 2 == 0
                case 1: flip = y % 2 == 0
                case 2: flip = x % 3 == 0
                case 3: flip = (x + y) % 3 == 0
                case 4: flip = (x / 3 + y / 2) % 2 == 0
                case 5: flip = x * y % 2 + x * y % 3 == 0
                case 6: flip = (x * y % 2 + x * y % 3) % 2 == 0
                default: flip = ((x + y) % 2 + x * y % 3) % 2 == 0
                }
                if flip { modules[y * size + x].toggle() }
            }
        }
    }

    /// The standard's four penalty rules: runs of five or more, 2×2 blocks, finder-like
    /// patterns, the balance of dark and light.
    func penalty() -> Int {
        var p = 0
        for horizontal in [true, false] {
            for a in 0..<size {
                let line = (0..<size).map { b in horizontal ? isDark(x: b, y: a) : isDark(x: a, y: b) }
                var run = 1
                for b in 1...size {
                    if b < size && line[b] == line[b - 1] { run += 1; continue }
                    if run >= 5 { p += run - 2 }
                    run = 1
                }
                let finder = [true, false, true, true, true, false, true]
                for b in 0...(size - 7) where Array(line[b..<b + 7]) == finder {
                    let before = (max(0, b - 4)..<b).allSatisfy { !line[$0] } && b >= 4
                    let after = (b + 7..<min(size, b + 11)).allSatisfy { !line[$0] } && b + 11 <= size
                    if before || after { p += 40 }
                }
            }
        }
        for y in 0..<size - 1 {
            for x in 0..<size - 1 {
                let c = isDark(x: x, y: y)
                if c == isDark(x: x + 1, y: y) && c == isDark(x: x, y: y + 1) && c == isDark(x: x + 1, y: y + 1) { p += 3 }
            }
        }
        let dark = modules.filter { $0 }.count
        p += abs(dark * 20 - modules.count * 10) / modules.count * 10
        return p
    }

    /// The symbol as an SVG image with the four-module quiet zone; `side` is its printed size in
    /// CSS units (the viewBox keeps modules square at any size).
    public func svg(side: String = "30mm", label: String = "QR-код") -> String {
        let q = 4, n = size + 8
        var path = ""
        for y in 0..<size {
            for x in 0..<size where isDark(x: x, y: y) { path += "M\(x + q) \(y + q)h1v1h-1z" }
        }
        return ##"<svg xmlns="http://www.w3.org/2000/svg" class="qr" role="img" aria-label="\##(label)" width="\##(side)" height="\##(side)" viewBox="0 0 \##(n) \##(n)" shape-rendering="crispEdges"><rect width="\##(n)" height="\##(n)" fill="#fff"/><path fill="#000" d="\##(path)"/></svg>"##
    }
}

/// Reed-Solomon error correction over GF(256) with the QR polynomial x⁸+x⁴+x³+x²+1.
enum ReedSolomon {
    static func multiply(_ a: UInt8, _ b: UInt8) -> UInt8 {
        var r = 0
        for i in stride(from: 7, through: 0, by: -1) {
            r = (r << 1) ^ ((r >> 7) * 0x11D)
            r ^= ((Int(b) >> i) & 1) * Int(a)
        }
        return UInt8(r)
    }

    /// The generator polynomial (x-α⁰)…(x-α^(degree-1)), its leading 1 left out, highest power first.
    static func divisor(degree: Int) -> [UInt8] {
        var result = [UInt8](repeating: 0, count: degree)
        result[degree - 1] = 1
        var root: UInt8 = 1
        for _ in 0..<degree {
            for j in 0..<degree {
                result[j] = multiply(result[j], root)
                if j + 1 < degree { result[j] ^= result[j + 1] }
            }
            root = multiply(root, 0x02)
        }
        return result
    }

    static func remainder(_ data: [UInt8], divisor: [UInt8]) -> [UInt8] {
        var result = [UInt8](repeating: 0, count: divisor.count)
        for b in data {
            let factor = b ^ result.removeFirst()
            result.append(0)
            for i in 0..<result.count { result[i] ^= multiply(divisor[i], factor) }
        }
        return result
    }
}
