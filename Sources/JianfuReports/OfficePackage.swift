import Foundation
import ZIPFoundation

/// An Office Open XML package (ECMA-376 Part 2, the ZIP container of `.docx` and `.xlsx`):
/// the text parts `WordprocessingML` and `SpreadsheetML` build, zipped with ZIPFoundation.
enum OfficePackage {
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
