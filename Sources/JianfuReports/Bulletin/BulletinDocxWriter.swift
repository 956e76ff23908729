import JianfuModel
import Foundation
import JianfuIndicators
import ZIPFoundation

/// Writes `bulletin.docx` (SPEC §6): the bulletin's text as a Word document laid out after
/// GB/T 9704-2012 (see `WordprocessingML`), zipped with ZIPFoundation. It opens in Word, WPS and
/// LibreOffice; the same blocks are in `bulletin.md`.
public struct BulletinDocxWriter: ReportWriter {
    public let fileName = "bulletin.docx"
    public init() {}

    public func write(_ evaluation: Evaluation, run: RunInfo, to out: OutputBuffer) {
        let heading = BulletinComposer.Heading(evaluation, run: run)
        let text = BulletinComposer(evaluation: evaluation, heading: heading, sample: run.spotCheck, ledger: run.ledger).compose()
        // The run's start, so the same text on the same run gives the same bytes.
        let issued = Date(timeIntervalSince1970: run.startedAtEpoch)
        out.write(bytes: Self.package(text, title: heading.title, author: heading.issuer ?? run.pipelineName, issued: issued))
    }

    /// The `.docx` bytes. Creating an in-memory archive and adding entries to it cannot fail
    /// for reasons of the input (the parts are text jianfu made), so a failure is a bug.
    static func package(_ text: BulletinText, title: String, author: String, issued: Date) -> [UInt8] {
        let created = UTCTimestamp.string(issued)
        do {
            let archive = try Archive(data: Data(), accessMode: .create)
            for part in WordprocessingML.parts(text, title: title, author: author, created: created) {
                let data = Data(part.xml.utf8)
                try archive.addEntry(
                    with: part.path, type: .file, uncompressedSize: Int64(data.count), modificationDate: issued,
                    compressionMethod: .deflate,
                    provider: { position, size in data.subdata(in: Int(position)..<Int(position) + size) })
            }
            guard let bytes = archive.data else { preconditionFailure("an in-memory ZIP archive has its data") }
            return [UInt8](bytes)
        } catch {
            preconditionFailure("writing bulletin.docx in memory failed: \(error)")
        }
    }
}
