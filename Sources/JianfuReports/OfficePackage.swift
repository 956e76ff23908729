import Foundation
import ZIPFoundation

/// An Office Open XML package (ECMA-376 Part 2, the ZIP container of `.docx` and `.xlsx`):
/// the text parts `WordprocessingML` and `SpreadsheetML` build, zipped with ZIPFoundation.
enum OfficePackage {
    /// The XML declaration every part starts with.
    static let declaration = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"

    /// `_rels/.rels`: the package's main part (`word/document.xml`, `xl/workbook.xml`) and its
    /// two property parts (ECMA-376 Part 2, Open Packaging Conventions).
    static func relationships(main: String) -> String {
        declaration + """
            <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
            <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="\(main)"/>\
            <Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>\
            <Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/>\
            </Relationships>
            """
    }

    /// `docProps/core.xml`: title, author and creation time.
    static func coreProperties(title: String, author: String, created: String) -> String {
        declaration + """
            <cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" \
            xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" \
            xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\
            <dc:title>\(XMLText.escape(title))</dc:title><dc:creator>\(XMLText.escape(author))</dc:creator>\
            <dcterms:created xsi:type="dcterms:W3CDTF">\(XMLText.escape(created))</dcterms:created>\
            </cp:coreProperties>
            """
    }

    /// `docProps/app.xml`: the application that wrote the file.
    static let appProperties = declaration + """
        <Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">\
        <Application>jianfu</Application></Properties>
        """

    struct Part {
        let path: String
        let xml: String
    }

    /// The package's bytes, every entry dated `modified` (the run's start, so the same run gives
    /// the same bytes). Creating an in-memory archive and adding entries to it cannot fail for
    /// reasons of the input (the parts are text jianfu made), so a failure is a bug.
    static func zip(_ parts: [Part], modified: Date, fileName: String) -> [UInt8] {
        do {
            let archive = try Archive(data: Data(), accessMode: .create)
            for part in parts {
                let data = Data(part.xml.utf8)
                try archive.addEntry(
                    with: part.path, type: .file, uncompressedSize: Int64(data.count), modificationDate: modified,
                    compressionMethod: .deflate,
                    provider: { position, size in data.subdata(in: Int(position)..<Int(position) + size) })
            }
            guard let bytes = archive.data else { preconditionFailure("an in-memory ZIP archive has its data") }
            return [UInt8](bytes)
        } catch {
            preconditionFailure("writing \(fileName) in memory failed: \(error)")
        }
    }
}
