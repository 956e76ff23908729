import Foundation
import JianfuReports

/// `jianfu sample --output FILE` (SPEC §7): the list as CSV, UTF-8 with a BOM like every CSV
/// jianfu writes, one row per unit in the order drawn. `composite` is empty for a unit without
/// one; `weight` and `composite` in full precision (`NumberFormat`); `reason` is
/// `SpotCheckReason.code`.
package enum SampleCSVWriter {
    /// The header: a public contract (add columns at the end, rename none).
    package static let header = [
        "unit_id", "unit_name", "category", "parent_id", "responsible", "composite", "alerts", "weight", "reason",
    ]

    /// Writes the list to `out`.
    package static func write(_ sample: SpotCheckSample, to out: OutputBuffer) {
        CSVOutput.write(header: header, rows: sample.rows, to: out) { line, row in
            line.text(row.unit.id)
            line.text(row.unit.name)
            line.text(row.unit.category)
            line.text(row.parent?.id ?? "")
            line.text(row.unit.responsible)
            line.number(row.composite)
            line.integer(row.alerts)
            line.number(row.weight)
            line.text(row.reason.code)
        }
    }

    /// Checks, before anything is drawn or recorded, that the list can be written to `path`:
    /// throws `SampleError.outputNotOurs` unless `path` is free or a list jianfu wrote (a file
    /// whose first line is the header, after the BOM) — jianfu never overwrites a file it did
    /// not write; a folder or an unreadable file is not ours either — and `RunError.output`
    /// when its folder is missing or not writable.
    package static func checkOverwrite(_ path: String) throws {
        let folder = (path as NSString).deletingLastPathComponent
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder.isEmpty ? "." : folder, isDirectory: &isFolder), isFolder.boolValue,
              FileManager.default.isWritableFile(atPath: folder.isEmpty ? "." : folder)
        else {
            throw RunError.output(path: path, reason: "its folder \(folder) does not exist or cannot be written")
        }
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else { return }
        let expected = CSVOutput.byteOrderMark + Array((header.joined(separator: ",") + "\n").utf8)
        guard !isFolder.boolValue, let file = FileHandle(forReadingAtPath: path) else {
            throw SampleError.outputNotOurs(path: path)
        }
        defer { try? file.close() }
        let start = ((try? file.read(upToCount: expected.count)) ?? nil).map { Array($0) } ?? []
        guard start == expected else { throw SampleError.outputNotOurs(path: path) }
    }

    /// Writes the list to `path` through a temporary file beside it, so a reader never sees
    /// half a list (`checkOverwrite` first).
    package static func write(_ sample: SpotCheckSample, toFile path: String) throws {
        let out = OutputBuffer()
        write(sample, to: out)
        try WholeFile.write(out.bytes, to: path)
    }
}
