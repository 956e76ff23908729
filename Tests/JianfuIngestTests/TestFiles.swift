import Foundation
import JianfuIngest
import JianfuModel

/// A fresh temporary directory for one test, removed when the value goes away.
final class TestFiles {
    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("jianfu-ingest-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    /// Writes `text` as UTF-8 and returns the file's absolute path.
    func write(_ name: String, _ text: String) throws -> String {
        try write(name, bytes: Array(text.utf8))
    }

    /// Writes `bytes` as they are and returns the file's absolute path.
    func write(_ name: String, bytes: [UInt8]) throws -> String {
        let url = directory.appendingPathComponent(name)
        guard FileManager.default.createFile(atPath: url.path, contents: Data(bytes)) else {
            throw CocoaError(.fileWriteUnknown)
        }
        return url.path
    }
}

/// One rejection reduced to what the tests check: where, which column, why, cell or row.
struct Rejected: Equatable, Sendable, CustomStringConvertible {
    var line: Int
    var field: String
    var reason: RejectionReason
    var isCell = false

    init(_ line: Int, _ field: String, _ reason: RejectionReason, isCell: Bool = false) {
        self.line = line
        self.field = field
        self.reason = reason
        self.isCell = isCell
    }

    init(_ rejection: Rejection) {
        self.init(rejection.line, rejection.field, rejection.reason, isCell: rejection.isCell)
    }

    var description: String { "line \(line) \(field.isEmpty ? "-" : field) \(reason.rawValue)\(isCell ? " (cell)" : "")" }
}

/// Reads one observations source into `table`, as the pipeline does.
func readObservations(
    _ spec: SourceSpec, into table: inout ObservationTable, sourceIndex: UInt16 = 0,
    unitsDeclared: Bool = false, currentMonth: Int = 2024 * 12 + 11
) throws -> (report: SourceReport, rejections: [Rejection]) {
    var rejections: [Rejection] = []
    let reader = ObservationReader(spec: spec, sourceIndex: sourceIndex, unitsDeclared: unitsDeclared, currentMonth: currentMonth)
    let report = try reader.read(into: &table, rejections: &rejections)
    return (report, rejections)
}

/// Bytes from a hex dump such as `"b5 a5 ce bb"` (spaces ignored).
func hexBytes(_ hex: String) -> [UInt8] {
    let digits = Array(hex.filter { !$0.isWhitespace })
    precondition(digits.count % 2 == 0, "odd number of hex digits")
    return stride(from: 0, to: digits.count, by: 2).map { UInt8(String(digits[$0...$0 + 1]), radix: 16)! }
}
