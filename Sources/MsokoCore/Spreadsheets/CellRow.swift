import Foundation

/// One row's cells as UTF-8 bytes, lent for the length of a callback: a cell is a range of the
/// file itself (a CSV's plain fields) or of a scratch buffer (quoted fields, a sheet's strings), so
/// checking a row makes no `String` until a text is needed.
public struct CellRow {
    let base: UnsafeBufferPointer<UInt8>
    let scratch: UnsafeBufferPointer<UInt8>
    /// Cell i is `[bounds[2i], bounds[2i + 1])` of `base`, or of `scratch` shifted by `base.count`.
    let bounds: UnsafeBufferPointer<Int>

    public var count: Int { bounds.count / 2 }

    /// The cell's bytes with spaces, tabs and no-break spaces trimmed; empty past the row's end.
    @inline(__always) public func cell(_ i: Int) -> UnsafeBufferPointer<UInt8> {
        guard i >= 0, i < count else { return UnsafeBufferPointer(start: nil, count: 0) }
        var s = bounds[2 * i], e = bounds[2 * i + 1]
        let buffer: UnsafeBufferPointer<UInt8>
        if s >= base.count {
            buffer = scratch
            s -= base.count
            e -= base.count
        } else {
            buffer = base
        }
        while s < e, buffer[s] == 0x20 || buffer[s] == 0x09 || (buffer[s] == 0xC2 && s + 1 < e && buffer[s + 1] == 0xA0) {
            s += buffer[s] == 0xC2 ? 2 : 1
        }
        while e > s, buffer[e - 1] == 0x20 || buffer[e - 1] == 0x09 || (buffer[e - 1] == 0xA0 && e - 2 >= s && buffer[e - 2] == 0xC2) {
            e -= buffer[e - 1] == 0xA0 ? 2 : 1
        }
        return UnsafeBufferPointer(rebasing: buffer[s..<e])
    }

    public func string(_ i: Int) -> String { String(decoding: cell(i), as: UTF8.self) }

    public var isBlank: Bool { (0..<count).allSatisfy { cell($0).isEmpty } }

    public var strings: [String] { (0..<count).map { String(decoding: rawCell($0), as: UTF8.self) } }

    func rawCell(_ i: Int) -> UnsafeBufferPointer<UInt8> {
        let s = bounds[2 * i], e = bounds[2 * i + 1]
        return s >= base.count ? UnsafeBufferPointer(rebasing: scratch[(s - base.count)..<(e - base.count)])
                               : UnsafeBufferPointer(rebasing: base[s..<e])
    }

    /// Lends a row of strings (a sheet's row) as cells.
    public static func with<R>(_ cells: [String], _ body: (CellRow) -> R) -> R {
        var bytes: [UInt8] = []
        var bounds: [Int] = []
        bounds.reserveCapacity(2 * cells.count)
        for c in cells {
            bounds.append(bytes.count)
            bytes.append(contentsOf: c.utf8)
            bounds.append(bytes.count)
        }
        return bytes.withUnsafeBufferPointer { scratch in
            bounds.withUnsafeBufferPointer { b in
                body(CellRow(base: UnsafeBufferPointer(start: nil, count: 0), scratch: scratch, bounds: b))
            }
        }
    }
}

extension Array where Element == [String] {
    /// A sheet's row as strings at its index (the row number minus one), the missing rows before
    /// it as empty rows, as the spreadsheet shows them.
    mutating func place(_ row: CellRow, at index: Int) {
        while count < index { append([]) }
        append(row.strings)
    }
}

extension UnsafeBufferPointer where Element == UInt8 {
    /// Same bytes as `array`.
    @inline(__always) func equals(_ array: [UInt8]) -> Bool {
        guard count == array.count else { return false }
        guard count > 0 else { return true }
        return array.withUnsafeBufferPointer { memcmp($0.baseAddress!, baseAddress!, count) == 0 }
    }
}
