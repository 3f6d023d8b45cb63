import Foundation
import MsokoCore

/// The files of the attack on msoko, rebuilt from its report, and the byte surgery they need.
/// Each is small; the readers must refuse every one quickly and within their memory limits.
public enum HostileFiles {
    public struct File: Sendable {
        public var name: String
        public var target: String
        public var bytes: Data
    }

    /// A results workbook with `sheet` as its worksheet XML (header rows of a valid file kept,
    /// so that a reader that survives the attack would otherwise accept it).
    public static func workbook(sheet: String, shared: String? = nil, workbook: String = workbookXML, rels: String = relsXML) throws -> Data {
        var parts: [(path: String, bytes: Data)] = [
            ("[Content_Types].xml", Data(#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>"#.utf8)),
            ("xl/workbook.xml", Data(workbook.utf8)),
            ("xl/_rels/workbook.xml.rels", Data(rels.utf8)),
            ("xl/worksheets/sheet1.xml", Data(sheet.utf8)),
        ]
        if let shared { parts.append(("xl/sharedStrings.xml", Data(shared.utf8))) }
        return try ZipPackage.build(parts)
    }

    public static let workbookXML = #"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Лист1" sheetId="1" r:id="rId1"/></sheets></workbook>"#
    public static let relsXML = #"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#

    static func sheet(_ body: String) -> String {
        #"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"# + body + "</sheetData></worksheet>"
    }

    public static func document(_ body: String) -> String {
        #"<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>"# + body + "</w:body></w:document>"
    }

    public static func docx(_ documentXML: Data) throws -> Data {
        try ZipPackage.build([("[Content_Types].xml", Data("<Types/>".utf8)), ("word/document.xml", documentXML)])
    }

    /// Replaces the first occurrence of `marker` (ASCII) with `bytes` — for invalid UTF-8 where
    /// a Swift string cannot hold it.
    static func splice(_ text: String, marker: String, with bytes: [UInt8]) -> Data {
        var data = Data(text.utf8)
        if let r = data.range(of: Data(marker.utf8)) { data.replaceSubrange(r, with: bytes) }
        return data
    }

    // MARK: byte surgery on archives

    /// Offsets of every central-directory record («PK\1\2»).
    public static func centralRecords(_ zip: Data) -> [Int] {
        let b = [UInt8](zip)
        var out: [Int] = []
        var i = 0
        while i + 4 <= b.count {
            if b[i] == 0x50, b[i + 1] == 0x4B, b[i + 2] == 1, b[i + 3] == 2 { out.append(i) }
            i += 1
        }
        return out
    }

    /// The central-directory record and local header of the entry named `path`.
    static func headers(of path: String, in zip: Data) -> (central: Int, local: Int)? {
        let b = [UInt8](zip)
        for c in centralRecords(zip) {
            let nameLength = Int(b[c + 28]) | Int(b[c + 29]) << 8
            guard c + 46 + nameLength <= b.count, String(decoding: b[(c + 46)..<(c + 46 + nameLength)], as: UTF8.self) == path else { continue }
            let local = Int(b[c + 42]) | Int(b[c + 43]) << 8 | Int(b[c + 44]) << 16 | Int(b[c + 45]) << 24
            return (c, local)
        }
        return nil
    }

    static func put32(_ v: UInt32, at i: Int, in data: inout Data) {
        for k in 0..<4 { data[data.startIndex + i + k] = UInt8(truncatingIfNeeded: v >> (8 * UInt32(k))) }
    }

    /// Rewrites an entry's uncompressed size (field 24 of the central record, 22 of the local header).
    public static func setUncompressedSize(_ size: UInt32, of path: String, in zip: Data) -> Data {
        rewrite(size, central: 24, local: 22, of: path, in: zip)
    }

    /// Rewrites an entry's compressed size: a smaller one truncates the deflate stream.
    public static func setCompressedSize(_ size: UInt32, of path: String, in zip: Data) -> Data {
        rewrite(size, central: 20, local: 18, of: path, in: zip)
    }

    static func rewrite(_ value: UInt32, central: Int, local: Int, of path: String, in zip: Data) -> Data {
        guard let h = headers(of: path, in: zip) else { return zip }
        var out = zip
        put32(value, at: h.central + central, in: &out)
        put32(value, at: h.local + local, in: &out)
        return out
    }

    public static func compressedSize(of path: String, in zip: Data) -> Int? {
        guard let h = headers(of: path, in: zip) else { return nil }
        let b = [UInt8](zip)
        return Int(b[h.central + 20]) | Int(b[h.central + 21]) << 8 | Int(b[h.central + 22]) << 16 | Int(b[h.central + 23]) << 24
    }

    // MARK: the attack's files

    static let header = #"<row r="1"><c r="A1" t="inlineStr"><is><t>Код участника</t></is></c><c r="B1" t="inlineStr"><is><t>Класс</t></is></c><c r="C1" t="inlineStr"><is><t>1 (1б)</t></is></c></row>"#

    /// The attack's files, each named for what it did to the server before; `target`: only that
    /// reader's (the others are not built: the bombs take a second each).
    public static func all(target only: String? = nil) throws -> [File] {
        var out: [File] = []
        func add(_ name: String, _ target: String, _ bytes: @autoclosure () throws -> Data) rethrows {
            if only == nil || only == target { out.append(File(name: name, target: target, bytes: try bytes())) }
        }
        // 1. A column reference far past XFD: the reader allocated 133 GB.
        try add("column-ZZZZZZZ", "results-xlsx", try workbook(sheet: sheet(header + #"<row r="2"><c r="ZZZZZZZ2"><v>1</v></c></row>"#)))
        try add("column-overflow", "results-xlsx", try workbook(sheet: sheet(header + #"<row r="2"><c r="ZZZZZZZZZZZZZZZZZZ2"><v>1</v></c></row>"#)))
        try add("row-4e9", "results-xlsx", try workbook(sheet: sheet(header + #"<row r="4000000000"><c r="A4000000000"><v>1</v></c></row>"#)))
        try add("row-1e6-gap", "school-list", try workbook(sheet: sheet(#"<row r="1048576"><c r="A1048576"><v>1</v></c></row>"#)))
        // 1. Invalid UTF-8 in an attribute name of the relationships and the workbook: FoundationXML trapped.
        let badRels = splice(relsXML, marker: "Target=", with: [0xFF, 0xFE, 0x3D])
        let badWorkbook = splice(workbookXML, marker: "sheetId=", with: [0xC3, 0x28, 0x3D])
        try add("rels-invalid-utf8", "results-xlsx", try ZipPackage.build([("xl/workbook.xml", Data(workbookXML.utf8)), ("xl/_rels/workbook.xml.rels", badRels),
                                                                       ("xl/worksheets/sheet1.xml", Data(sheet(header).utf8))]))
        try add("workbook-invalid-utf8", "school-list", try ZipPackage.build([("xl/workbook.xml", badWorkbook), ("xl/_rels/workbook.xml.rels", Data(relsXML.utf8)),
                                                                          ("xl/worksheets/sheet1.xml", Data(sheet(header).utf8))]))
        // 1. One flipped byte in the central directory: ZIPFoundation trapped on a range.
        let valid = try workbook(sheet: sheet(header + #"<row r="2"><c r="A2" t="inlineStr"><is><t>0001</t></is></c><c r="B2" t="inlineStr"><is><t>4А</t></is></c><c r="C2"><v>1</v></c></row>"#))
        for (k, c) in centralRecords(valid).prefix(2).enumerated() {
            for field in [20, 24, 28, 42] {
                var flipped = valid
                flipped[c + field + 3] ^= 0x80
                try add("central-flip-\(k)-\(field)", "results-xlsx", flipped)
            }
        }
        // 2. A truncated deflate stream: ZIPFoundation's inflate loop never ended.
        if let size = compressedSize(of: "xl/worksheets/sheet1.xml", in: valid) {
            try add("truncated-stream", "results-xlsx", setCompressedSize(UInt32(size / 2), of: "xl/worksheets/sheet1.xml", in: valid))
        }
        // 3. Small files that inflate to hundreds of megabytes, with an honest and a lying directory.
        if only == nil || only == "results-xlsx" {
            let row = #"<row><c t="inlineStr"><is><t>0</t></is></c></row>"#
            let bomb = try workbook(sheet: sheet(String(repeating: row, count: (200 << 20) / row.utf8.count)))
            try add("bomb-honest", "results-xlsx", bomb)
            try add("bomb-understated", "results-xlsx", setUncompressedSize(4096, of: "xl/worksheets/sheet1.xml", in: bomb))
        }
        let paragraph = "<w:p><w:r><w:t>а</w:t></w:r></w:p>"
        try add("docx-bomb", "roadmap-docx", try docx(Data(document(String(repeating: paragraph, count: (150 << 20) / paragraph.utf8.count)).utf8)))
        // 1. A roadmap DOCX whose XML has invalid UTF-8.
        try add("docx-invalid-utf8", "roadmap-docx", try docx(splice(document("<w:p><w:r><w:t>1.1</w:t></w:r></w:p>"), marker: "w:r>", with: [0xFF, 0x72, 0x3E])))
        // Nesting, entities and amplification the attack did not try but a reader must survive.
        try add("docx-deep-tables", "roadmap-docx", try docx(Data(document(String(repeating: "<w:tbl><w:tr><w:tc>", count: 100_000)).utf8)))
        try add("docx-entities", "roadmap-docx", try docx(Data(("<?xml version=\"1.0\"?><!DOCTYPE w:document [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\"><!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">]>" + document("<w:p><w:r><w:t>&c;&c;&c;</w:t></w:r></w:p>")).utf8)))
        try add("padded-cells", "school-list", try workbook(sheet: sheet(String(repeating: #"<row><c r="XFD1"><v>1</v></c></row>"#, count: 200_000))))
        let long = String(repeating: "я", count: 30_000)
        try add("shared-amplification", "results-xlsx", try workbook(sheet: sheet(header + String(repeating: #"<row><c t="s"><v>0</v></c><c t="s"><v>0</v></c></row>"#, count: 100_000)),
                                                                 shared: "<sst><si><t>\(long)</t></si></sst>"))
        try add("cell-too-long", "results-xlsx", try workbook(sheet: sheet(header + #"<row r="2"><c r="A2" t="inlineStr"><is><t>"# + String(repeating: "ю", count: 200_000) + "</t></is></c></row>")))
        return out
    }
}
