import JianfuModel
import Foundation
import JianfuIndicators

/// Writes `bulletin.docx` (SPEC §6): the bulletin's text as a Word document laid out after
/// GB/T 9704-2012 (see `WordprocessingML`), zipped with ZIPFoundation. It opens in Word, WPS and
/// LibreOffice; the same blocks are in `bulletin.md`.
package struct BulletinDocxWriter: ReportWriter {
    package let fileName = "bulletin.docx"
    package init() {}

    package func write(_ evaluation: Evaluation, run: RunInfo, to out: OutputBuffer) {
        let heading = BulletinComposer.Heading(evaluation, run: run)
        let text = BulletinComposer(evaluation: evaluation, heading: heading, sample: run.spotCheck, ledger: run.ledger).compose()
        // The run's start, so the same text on the same run gives the same bytes.
        let issued = Date(timeIntervalSince1970: run.startedAtEpoch)
        out.write(bytes: Self.package(text, title: heading.title, author: heading.issuer ?? run.pipelineName, issued: issued))
    }

    /// The `.docx` bytes.
    static func package(_ text: BulletinText, title: String, author: String, issued: Date) -> [UInt8] {
        let created = UTCTimestamp.string(issued)
        return OfficePackage.zip(WordprocessingML.parts(text, title: title, author: author, created: created), modified: issued, fileName: "bulletin.docx")
    }
}
