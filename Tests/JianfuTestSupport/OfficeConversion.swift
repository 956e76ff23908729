import Foundation

/// Converts `document` (a .docx or .xlsx) to PDF with LibreOffice, headless and with a profile of
/// its own in `dir` (so parallel tests and the user's profile never meet), into `dir/pdf`, and
/// returns the PDF's URL. Throws `ToolFailed` when soffice fails.
public func convertWithLibreOffice(_ document: URL, in dir: TempDir) throws -> URL {
    let pdfDir = dir.file("pdf")
    let convert = try runProcess(
        URL(fileURLWithPath: "/usr/bin/soffice"),
        ["--headless", "-env:UserInstallation=file://\(dir.file("lo-profile").path)",
         "--convert-to", "pdf", "--outdir", pdfDir.path, document.path],
        timeLimit: 180)
    guard convert.status == 0 else { throw ToolFailed(tool: "soffice", result: convert) }
    return pdfDir.appendingPathComponent(document.deletingPathExtension().lastPathComponent + ".pdf")
}

/// The text of a PDF as `pdftotext -layout` lays it out. Throws `ToolFailed` when it fails.
public func pdfText(_ pdf: URL) throws -> String {
    let text = try runProcess(URL(fileURLWithPath: "/usr/bin/pdftotext"), ["-layout", pdf.path, "-"])
    guard text.status == 0 else { throw ToolFailed(tool: "pdftotext", result: text) }
    return text.stdout
}

/// A tool a test runs (soffice, pdftotext) failed; the description holds its outputs.
public struct ToolFailed: Error, CustomStringConvertible {
    public let tool: String
    public let result: RunResult
    public var description: String { "\(tool): \(result)" }
}
