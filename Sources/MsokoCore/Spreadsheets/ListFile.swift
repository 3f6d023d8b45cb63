import Foundation

/// A list file as people send it: XLSX (first sheet) or CSV/text in UTF-8 or Windows-1251.
public enum ListFile {
    public static func rows(data: Data, file: String) throws -> [[String]] {
        if data.isEmpty { throw SpreadsheetError.notSpreadsheet(file: file) }
        let ext = (file as NSString).pathExtension.lowercased()
        if data.starts(with: [0x50, 0x4B]) || ext == "xlsx" {
            return try XLSXSheetReader.rows(data: data, file: file)
        }
        if data.starts(with: Array("%PDF".utf8)) || data.starts(with: [0xD0, 0xCF, 0x11, 0xE0]) || data.contains(0) {
            throw SpreadsheetError.notSpreadsheet(file: file)
        }
        guard let text = TextDecoding.decode(data) else { throw SpreadsheetError.notSpreadsheet(file: file) }
        return CSVTable(text: text).rows
    }
}
