import Crypto
import Fluent
import MsokoCore
import Vapor

/// SHA-256 of bytes as 64 lowercase hex digits: the checksum kept with every stored file (and
/// the hash a session token is stored as).
enum Checksum {
    static func sha256(_ data: some DataProtocol) -> String {
        SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }
}

/// A file kept whole in the database (bytes with name, size and checksum), so that one backup
/// holds everything and several app nodes can serve it: evidence, an act's photos, a results file.
protocol StoredFile: AnyObject {
    var fileName: String { get set }
    var size: Int { get set }
    var sha256: String { get set }
    var data: Data { get set }
}

extension StoredFile {
    /// Fills the record from the bytes: name, size, checksum, bytes.
    func keep(_ data: Data, name: String) {
        fileName = name
        size = data.count
        sha256 = Checksum.sha256(data)
        self.data = data
    }
}

extension EvidenceFile: StoredFile {
    /// An evidence file of `report`, uploaded by `user`, in the report's scope.
    static func make(report: CheckpointReport, name: String, type: String, data: Data, by login: String,
                     regionID: UUID, municipalityID: UUID, schoolID: UUID?) throws -> EvidenceFile {
        let e = EvidenceFile()
        e.$report.id = try report.requireID()
        e.keep(data, name: name)
        e.contentType = type
        e.uploadedBy = login
        e.regionID = regionID
        e.municipalityID = municipalityID
        e.schoolID = schoolID
        return e
    }
}

extension ActFile: StoredFile {}

/// A kept file that also records its type and who uploaded it: a course's certificate, a
/// recommendation's document, a seminar's material.
protocol UploadedFile: StoredFile {
    var contentType: String { get set }
    var uploadedBy: String { get set }
}

extension UploadedFile {
    /// Fills the record from a checked upload (`EvidenceRules.upload`) by `login`.
    func keep(_ upload: (name: String, type: String, data: Data), by login: String) {
        keep(upload.data, name: upload.name)
        contentType = upload.type
        uploadedBy = login
    }
}

extension CourseFile: UploadedFile {}
extension RecommendationFile: UploadedFile {}
extension SeminarFile: UploadedFile {}
extension ResultUpload: StoredFile {}

/// Responses that hand a file to the browser to save.
enum Download {
    static let docxType = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    static let xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    static let csvType = "text/csv; charset=utf-8"

    /// Bytes as an attachment named `name` (RFC 6266, with the UTF-8 name).
    static func file(_ data: Data, type: String, name: String, sha256: String? = nil) -> Response {
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: type)
        headers.replaceOrAdd(name: .contentDisposition, value: ContentDisposition.attachment(name))
        if let sha256 { headers.replaceOrAdd(name: "X-Content-SHA256", value: sha256) }
        return Response(status: .ok, headers: headers, body: .init(data: data))
    }

    /// A kept file as it was uploaded.
    static func stored(_ file: some StoredFile, type: String) -> Response {
        Self.file(file.data, type: type, name: file.fileName, sha256: file.sha256)
    }

    /// A Word document; « · » of a procedure's title becomes a space in the file name.
    static func docx(_ doc: DocxDocument, name: String) throws -> Response {
        file(try doc.data(), type: docxType, name: name.replacingOccurrences(of: " · ", with: " ") + ".docx")
    }

    /// Analysis tables as a workbook, a sheet a table (a repeated sheet name gets « (2)»).
    /// Analysis tables as a workbook: a sheet each, titled with what was analysed (`name`); the
    /// writer keeps the sheet names distinct.
    static func xlsx(_ tables: [AnalysisTable], name: String) throws -> Response {
        let sheets = tables.map { $0.sheet(heading: [name]) }
        return file(try XLSXWriter(sheets: sheets).data(), type: xlsxType, name: name.replacingOccurrences(of: " · ", with: " ") + ".xlsx")
    }
}

enum ContentDisposition {
    /// RFC 6266 with an ASCII fallback and the UTF-8 name.
    static func attachment(_ name: String) -> String {
        let ascii = String(name.unicodeScalars.map { $0.isASCII && $0 != "\"" && $0 != "\\" && $0.value >= 0x20 ? Character($0) : "_" })
        let encoded = name.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: ".-_"))) ?? ascii
        return "attachment; filename=\"\(ascii)\"; filename*=UTF-8''\(encoded)"
    }
}

/// Which evidence files are accepted: by extension and by their first bytes, so that a
/// renamed executable is not stored as «report.pdf».
enum EvidenceRules {
    /// A form's optional file, checked: nil when none was chosen; otherwise the cleaned name, the
    /// type and the bytes, or a problem added to `errors` under the field's name (`field`, the
    /// prefix of the message: «Маршрут 0101, поле «Скан согласия»»).
    static func upload(_ file: File?, field: String, maxBytes: Int, extensions: Set<String>? = nil, errors: inout [String]) -> (name: String, type: String, data: Data)? {
        guard let file, !file.filename.isEmpty || file.data.readableBytes > 0 else { return nil }
        if let extensions, !extensions.contains((file.filename as NSString).pathExtension.lowercased()) {
            errors.append("\(field): «\(file.filename)» — принимаются \(extensions.sorted().map { $0.uppercased() }.joined(separator: ", ")).")
            return nil
        }
        switch check(fileName: file.filename, data: file.data, maxBytes: maxBytes) {
        case .failure(let message):
            errors.append("\(field): \(message.description)")
            return nil
        case .success(let type):
            return (UploadName.clean(file.filename), type, Data(buffer: file.data))
        }
    }

    static let types: [String: String] = [
        "pdf": "application/pdf",
        "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "odt": "application/vnd.oasis.opendocument.text",
        "ods": "application/vnd.oasis.opendocument.spreadsheet",
        "doc": "application/msword",
        "xls": "application/vnd.ms-excel",
        "png": "image/png",
        "jpg": "image/jpeg",
        "jpeg": "image/jpeg",
    ]

    static func check(fileName: String, data: ByteBuffer, maxBytes: Int) -> Result<String, Message> {
        let ext = (fileName as NSString).pathExtension.lowercased()
        guard let type = types[ext] else {
            return .failure(Message("Файл «\(fileName)»: тип .\(ext) не принимается; допустимы PDF, DOCX, XLSX, ODT, ODS, DOC, XLS, PNG, JPEG."))
        }
        guard data.readableBytes > 0 else { return .failure(Message("Файл «\(fileName)»: файл пустой.")) }
        guard data.readableBytes <= maxBytes else {
            return .failure(Message("Файл «\(fileName)»: \(ByteSize.exceeding(data.readableBytes, limit: maxBytes))."))
        }
        let head = Array(data.getBytes(at: data.readerIndex, length: min(8, data.readableBytes)) ?? [])
        let ok: Bool
        switch ext {
        case "pdf": ok = head.starts(with: Array("%PDF".utf8))
        case "docx", "xlsx", "odt", "ods": ok = head.starts(with: [0x50, 0x4B, 0x03, 0x04])
        case "doc", "xls": ok = head.starts(with: [0xD0, 0xCF, 0x11, 0xE0])
        case "png": ok = head.starts(with: [0x89, 0x50, 0x4E, 0x47])
        default: ok = head.starts(with: [0xFF, 0xD8])
        }
        guard ok else { return .failure(Message("Файл «\(fileName)»: содержимое не похоже на файл .\(ext) (файл повреждён или переименован).")) }
        return .success(type)
    }

    struct Message: Error, CustomStringConvertible {
        let description: String
        init(_ d: String) { description = d }
    }
}

extension Result where Failure == EvidenceRules.Message {
    var failureText: String? { if case .failure(let m) = self { return m.description } else { return nil } }
}
