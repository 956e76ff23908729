import JianfuModel

/// Reads a units source (SPEC §1 "Units"): `unit_id,name,category,parent_id,responsible`,
/// headers mappable, all but `unit_id` optional.
public enum UnitsReader {
    public struct Result: Sendable {
        public var units: [MonitoredUnit] = []
        public var rejections: [Rejection] = []
        public var report: SourceReport
    }

    public static func read(_ spec: SourceSpec) throws -> Result {
        var result = Result(report: SourceReport(name: spec.name, path: spec.path, kind: .units))
        var seen: [UnitKey: Int] = [:]
        var columns: (id: Int, name: Int?, category: Int?, parent: Int?, responsible: Int?)?
        var headerCount = 0
        result.report.encoding = try RecordReader.forEachRecord(spec) { record in
            if columns == nil {
                let header = try Header(record, in: spec)
                headerCount = header.names.count
                columns = (
                    try header.requiredColumn(for: "unit_id", in: spec), try header.column(for: "name", in: spec),
                    try header.column(for: "category", in: spec), try header.column(for: "parent_id", in: spec),
                    try header.column(for: "responsible", in: spec)
                )
                return
            }
            guard let columns else { return }
            if record.isBlank {
                result.report.blankLines += 1
                return
            }
            result.report.rowsRead += 1
            func reject(_ reason: RejectionReason, _ field: String, _ message: String) {
                result.rejections.append(Rejection(
                    source: spec.name, line: record.line, field: field, reason: reason, message: message,
                    raw: record.rejectedText))
                result.report.rowsRejected += 1
            }
            if let problem = rowProblem(record, headerCount: headerCount) {
                return reject(problem.0, "", problem.1)
            }
            let id = record.string(columns.id).trimmingSpaces
            guard !id.isEmpty else {
                return reject(.emptyUnit, spec.header(for: "unit_id"), "the unit id is empty")
            }
            if let first = seen[UnitKey(id)] {
                return reject(.duplicateKey, spec.header(for: "unit_id"), "unit \(id) is listed twice; the first (\(spec.bytes.lineName(first))) is kept")
            }
            seen[UnitKey(id)] = record.line
            func text(_ column: Int?) -> String { column.map { record.string($0).trimmingSpaces } ?? "" }
            let parent = text(columns.parent)
            result.units.append(MonitoredUnit(
                id: id, name: text(columns.name), category: text(columns.category),
                parentID: parent.isEmpty ? nil : parent, responsible: text(columns.responsible)))
        }
        if columns == nil { throw IngestError.empty(source: spec.name, path: spec.path) }
        return result
    }

    /// A row that cannot be read field by field: malformed quoting, a field count unlike the
    /// header's, or bytes that do not decode.
    static func rowProblem(_ record: CSVRecord, headerCount: Int) -> (RejectionReason, String)? {
        switch record.problem {
        case .unterminatedQuote?:
            return (.malformedRow, "a quoted field is not closed before the end of the file")
        case .textAfterClosingQuote?:
            return (.malformedRow, "text follows a closing quote inside a field")
        case .tooManyFields?:
            return (.malformedRow, "the row has more than \(record.fieldCount) fields (the header has \(headerCount))")
        case nil:
            break
        }
        if record.raw.count > CSVRecord.maximumRowBytes {
            return (.malformedRow, "the row is \(record.raw.count) bytes long, more than the \(CSVRecord.maximumRowBytes >> 20) MiB a row may have (raw keeps its first \(CSVRecord.maximumRowBytes >> 20) MiB)")
        }
        if record.fieldCount != headerCount {
            var message = "expected \(headerCount) fields as in the header, found \(record.fieldCount)"
            if record.fieldCount == 1, let other = Header.otherDelimiters.first(where: { String(decoding: record.raw, as: UTF8.self).contains($0) }) {
                message += "; the row holds \(IngestError.name(delimiter: other)), which are not the source's delimiter"
            }
            return (.malformedRow, message)
        }
        if !record.isKnownValidUTF8, record.raw.hasNonASCII, !UTF8Validation.isValid(UnsafeRawBufferPointer(record.raw)) {
            return (.undecodable, "the row holds bytes that are not text in the source's encoding (an invalid sequence or a NUL byte, shown as \u{FFFD} in raw); is encoding: right for this file?")
        }
        return nil
    }
}
