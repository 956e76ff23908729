import JianfuModel

/// Reads a units source (SPEC §1 "Units"): `unit_id,name,category,parent_id,responsible`,
/// headers mappable, all but `unit_id` optional.
package enum UnitsReader {
    package struct Result: Sendable {
        package var units: [MonitoredUnit] = []
        package var rejections: [Rejection] = []
        package var report: SourceReport
    }

    package static func read(_ spec: SourceSpec) throws -> Result {
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
            func reject(_ field: String, _ problem: RejectionProblem) {
                result.rejections.append(Rejection(source: spec.name, line: record.line, field: field, problem: problem, raw: record.rejectedText))
                result.report.rowsRejected += 1
            }
            if let problem = rowProblem(record, headerCount: headerCount) {
                return reject("", problem)
            }
            let id = record.string(columns.id).trimmingSpaces
            guard !id.isEmpty else {
                return reject(spec.header(for: "unit_id"), .emptyUnit)
            }
            if let first = seen[UnitKey(id)] {
                return reject(spec.header(for: "unit_id"), .unitListedTwice(unit: id, firstLine: first, firstPlace: spec.bytes.placeName(ofLine: first)))
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
    static func rowProblem(_ record: CSVRecord, headerCount: Int) -> RejectionProblem? {
        switch record.problem {
        case .unterminatedQuote?:
            return .unclosedQuote
        case .textAfterClosingQuote?:
            return .textAfterClosingQuote
        case .tooManyFields?:
            return .tooManyFields(limit: record.fieldCount, header: headerCount)
        case nil:
            break
        }
        if record.raw.count > CSVRecord.maximumRowBytes {
            return .rowTooLong(bytes: record.raw.count, limit: CSVRecord.maximumRowBytes)
        }
        if record.fieldCount != headerCount {
            let other = record.fieldCount == 1
                ? Header.otherDelimiters.first(where: { String(decoding: record.raw, as: UTF8.self).contains($0) }) : nil
            return .fieldCount(found: record.fieldCount, header: headerCount, otherDelimiter: other)
        }
        if !record.isKnownValidUTF8, record.raw.hasNonASCII, !UTF8Validation.isValid(UnsafeRawBufferPointer(record.raw)) {
            return .undecodable
        }
        return nil
    }
}
