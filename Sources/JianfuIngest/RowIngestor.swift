import Glibc
import JianfuModel

/// The per-row work of reading an observations source (SPEC §1, §5): one row in, observations
/// stored or rejections out. A reader drives one `RowIngestor` per stretch of the file it
/// scans, so the same logic serves the sequential and the parallel path.
///
/// Nothing here allocates per row on the good path: ids are interned from bytes, periods and
/// values are parsed from bytes.
struct RowIngestor {
    /// Where each field is in a row, resolved once from the header.
    struct Columns: Sendable {
        var unit = 0
        var period = 0
        var name: Int?
        // long
        var metric = 0
        var value = 0
        // wide: (column, metric index)
        var metricColumns: [(column: Int, metric: Int)] = []
        var count = 0
    }

    let spec: SourceSpec
    let sourceIndex: UInt16
    let unitsDeclared: Bool
    let latestMonth: Int
    let columns: Columns
    let metrics: [Metric]
    private let metricNames: [([UInt8], [UInt8])]
    /// Column names for rejections, looked up once rather than per row.
    private let valueHeader: String
    private let metricHeaders: [String]

    var table: ObservationTable
    var report: SourceReport
    /// Rejections in file order, with line numbers local to the stretch scanned.
    var rejections: [Rejection] = []
    var firstOrdinal: [Int32]
    var lastOrdinal: [Int32]
    private var cellRejections: [Rejection] = []
    /// The previous row's unit, to skip interning when the next row repeats it.
    private var lastUnit: Int32 = -1
    /// The last unit seen to have a name (nothing more to note for it).
    private var lastNamedUnit: Int32 = -1
    private var lastUnitBytes: [UInt8] = []
    /// The previous row's period spelling and what it parsed to.
    private var lastPeriodBytes: [UInt8] = []
    private var lastPeriod: Period?
    private var lastPeriodValid = false
    /// Per metric, looked up once rather than through a `Metric` copy per row.
    private let granularities: [Granularity]
    private let isCount: [Bool]

    init(reader: ObservationReader, columns: Columns, table: consuming ObservationTable) {
        spec = reader.spec
        sourceIndex = reader.sourceIndex
        unitsDeclared = reader.unitsDeclared
        latestMonth = reader.latestMonth
        self.columns = columns
        metrics = table.metrics
        metricNames = table.metrics.map { (Array($0.id.utf8), Array($0.label.utf8)) }
        valueHeader = reader.spec.header(for: "value")
        granularities = table.metrics.map(\.granularity)
        isCount = table.metrics.map(\.isCount)
        metricHeaders = table.metrics.map { reader.spec.header(for: $0.id) }
        firstOrdinal = Array(repeating: .max, count: table.metrics.count)
        lastOrdinal = Array(repeating: .min, count: table.metrics.count)
        report = SourceReport(name: reader.spec.name, path: reader.spec.path, kind: .observations)
        self.table = table
    }

    /// Reads one data row (the header has been consumed already).
    mutating func consume(_ record: CSVRecord) {
        if record.isBlank {
            report.blankLines += 1
            return
        }
        report.rowsRead += 1
        if let (reason, message) = UnitsReader.rowProblem(record, headerCount: columns.count) {
            return rejectRow(record, reason, "", message)
        }
        // Unit: looked up now when units are declared; otherwise interned only once the row
        // keeps an observation (`unit(_:_:_:)`), so a rejected row never adds a unit.
        let unitBytes = record.field(columns.unit).trimmed
        if unitBytes.isEmpty {
            return rejectRow(record, .emptyUnit, spec.header(for: "unit_id"), "the unit id is empty")
        }
        var known: Int32 = -1
        if lastUnit >= 0, Self.equal(unitBytes, lastUnitBytes) {
            known = lastUnit  // long files repeat a unit on consecutive rows: skip the hash
        } else if lastUnit >= 0, table.units.matches(lastUnit + 1, unitBytes) {
            // Exports list the units in the same order every period, so after the first period
            // the next unit is usually the one interned next: one comparison, no hash.
            known = lastUnit + 1
        } else if unitsDeclared {
            guard let index = table.units.lookup(unitBytes) else {
                return rejectRow(record, .unknownUnit, spec.header(for: "unit_id"),
                                 "unit \(Self.quoted(unitBytes)) is not in the units source")
            }
            known = index
        }

        switch spec.layout {
        case .long:
            let metricBytes = record.field(columns.metric).trimmed
            guard let m = metricNames.firstIndex(where: { Self.equal(metricBytes, $0.0) || Self.equal(metricBytes, $0.1) }) else {
                return rejectRow(record, .unknownMetric, spec.header(for: "metric"),
                                 "metric \(Self.quoted(metricBytes)) is not declared in the pipeline")
            }
            let periodOutcome = period(record.field(columns.period), metric: m)
            guard case .success(let ordinal) = periodOutcome else {
                if case .failure(let failure) = periodOutcome { rejectRow(record, failure.reason, spec.header(for: "period"), failure.message) }
                return
            }
            let valueField = valueHeader
            switch ValueParser.parse(record.field(columns.value)) {
            case .empty:
                return rejectRow(record, .emptyValue, valueField, "the value is empty")
            case .invalid:
                return rejectRow(record, .badValue, valueField, "\(Self.quoted(record.field(columns.value))) is not a plain decimal number")
            case .outOfRange:
                return rejectRow(record, .badValue, valueField, "\(Self.quoted(record.field(columns.value).trimmed)) is too large (values stay below 10^15)")
            case .negative where isCount[m]:
                return rejectRow(record, .negativeCount, valueField, "\(metrics[m].id) is a count and cannot be negative: \(Self.quoted(record.field(columns.value).trimmed))")
            case .value(let v), .negative(let v):
                let unit = unit(known, unitBytes, record)
                switch table.insert(metric: m, unit: unit, ordinal: ordinal, value: v, source: sourceIndex, line: record.line) {
                case .duplicate(let firstLine):
                    return rejectRow(record, .duplicateKey, "", "\(metrics[m].id) for this unit and period was already given at \(spec.bytes.lineName(firstLine)); the first is kept")
                case .overrode:
                    report.overrides += 1
                    fallthrough
                case .added:
                    report.observations += 1
                    firstOrdinal[m] = min(firstOrdinal[m], ordinal)
                    lastOrdinal[m] = max(lastOrdinal[m], ordinal)
                }
            }

        case .wide:
            // All metric columns of a wide source share a granularity (checked on the header).
            let periodOutcome = period(record.field(columns.period), metric: columns.metricColumns[0].metric)
            guard case .success(let ordinal) = periodOutcome else {
                if case .failure(let failure) = periodOutcome { rejectRow(record, failure.reason, spec.header(for: "period"), failure.message) }
                return
            }
            var kept = 0
            var duplicateOf = 0
            var rowUnit: Int32 = -1  // resolved at the first value kept
            cellRejections.removeAll(keepingCapacity: true)
            var rowText: String?  // made once, shared by the row's rejected cells
            for (column, m) in columns.metricColumns {
                let header = metricHeaders[m]
                func rejectCell(_ reason: RejectionReason, _ message: String) {
                    if rowText == nil { rowText = record.rejectedText }
                    cellRejections.append(Rejection(
                        source: spec.name, line: record.line, field: header, reason: reason, message: message,
                        raw: rowText!, isCell: true))
                }
                switch ValueParser.parse(record.field(column)) {
                case .empty:
                    continue
                case .invalid:
                    rejectCell(.badValue, "\(Self.quoted(record.field(column))) in \(header) is not a plain decimal number")
                case .outOfRange:
                    rejectCell(.badValue, "\(Self.quoted(record.field(column).trimmed)) in \(header) is too large (values stay below 10^15)")
                case .negative where isCount[m]:
                    rejectCell(.negativeCount, "\(header) is a count and cannot be negative: \(Self.quoted(record.field(column).trimmed))")
                case .value(let v), .negative(let v):
                    if rowUnit < 0 { rowUnit = unit(known, unitBytes, record) }
                    switch table.insert(metric: m, unit: rowUnit, ordinal: ordinal, value: v, source: sourceIndex, line: record.line) {
                    case .duplicate(let firstLine):
                        duplicateOf = firstLine
                        rejectCell(.duplicateKey, "\(header) for this unit and period was already given at \(spec.bytes.lineName(firstLine)); the first is kept")
                    case .overrode:
                        report.overrides += 1
                        fallthrough
                    case .added:
                        kept += 1
                        report.observations += 1
                        firstOrdinal[m] = min(firstOrdinal[m], ordinal)
                        lastOrdinal[m] = max(lastOrdinal[m], ordinal)
                    }
                }
            }
            if kept == 0, cellRejections.isEmpty {
                _ = unit(known, unitBytes, record)  // a row of empty cells: the unit reported, with nothing
            }
            if kept == 0, !cellRejections.isEmpty, cellRejections.allSatisfy({ $0.reason == .duplicateKey }) {
                // A repeated row: one rejection for the row, not one per cell.
                rejectRow(record, .duplicateKey, "", "this unit and period were already given at \(spec.bytes.lineName(duplicateOf)); the first is kept")
            } else {
                // Each rejected cell gets its line in rejected.csv; a row that kept nothing
                // counts once, as a rejected row, not as rejected cells too.
                rejections.append(contentsOf: cellRejections)
                if kept == 0, !cellRejections.isEmpty {
                    report.rowsRejected += 1
                } else {
                    report.cellsRejected += cellRejections.count
                }
            }
        }
    }

    /// The table's index of the row's unit (`known`, or interned now), its name noted from the
    /// row when the table has none yet. Called once a row keeps something.
    private mutating func unit(_ known: Int32, _ unitBytes: UnsafeBufferPointer<UInt8>, _ record: CSVRecord) -> Int32 {
        let unit = known >= 0 ? known : table.unitIndex(unitBytes)
        if unit != lastUnit {
            lastUnit = unit
            lastUnitBytes.removeAll(keepingCapacity: true)
            lastUnitBytes.append(contentsOf: unitBytes)
        }
        // The unit of the previous row that had a name already needs no look.
        if let nameColumn = columns.name, unit != lastNamedUnit {
            if !table.hasName(unit: unit) {
                let name = record.field(nameColumn).trimmed
                if !name.isEmpty { table.noteName(String(decoding: name, as: UTF8.self), unit: unit) }
            }
            if table.hasName(unit: unit) { lastNamedUnit = unit }
        }
        return unit
    }

    private mutating func rejectRow(_ record: CSVRecord, _ reason: RejectionReason, _ field: String, _ message: String) {
        rejections.append(Rejection(
            source: spec.name, line: record.line, field: field, reason: reason, message: message,
            raw: record.rejectedText))
        report.rowsRejected += 1
    }

    private struct PeriodFailure: Error {
        var reason: RejectionReason
        var message: String
    }

    /// Reads a period field at `metric`'s granularity.
    /// Reads a period field at the granularity of metric `m`. Consecutive rows mostly repeat
    /// a period, so the last spelling and its parse are kept.
    private mutating func period(_ raw: UnsafeBufferPointer<UInt8>, metric m: Int) -> Result<Int32, PeriodFailure> {
        let parsed: Period?
        if lastPeriodValid, Self.equal(raw, lastPeriodBytes) {
            parsed = lastPeriod
        } else {
            parsed = PeriodParser.parse(raw)
            lastPeriod = parsed
            lastPeriodValid = true
            lastPeriodBytes.removeAll(keepingCapacity: true)
            lastPeriodBytes.append(contentsOf: raw)
        }
        guard let period = parsed else {
            return .failure(PeriodFailure(reason: .badPeriod, message: "\(Self.quoted(raw)) is not a period (expected e.g. 2024-03, 2024Q1 or 2024)"))
        }
        guard period.granularity == granularities[m] else {
            return .failure(PeriodFailure(reason: .wrongGranularity, message: "\(Self.quoted(raw)) is a \(period.granularity) but \(metrics[m].id) is reported by \(metrics[m].granularity)"))
        }
        guard period.firstMonthOrdinal <= latestMonth else {
            return .failure(PeriodFailure(reason: .futurePeriod, message: "\(period) is later than the current month \(Period(.month, ordinal: latestMonth))"))
        }
        return .success(Int32(period.ordinal))
    }

    /// Resolves the columns of `header` for `spec`'s layout and the declared metrics.
    static func resolveColumns(_ header: Header, spec: SourceSpec, metrics: [Metric]) throws -> Columns {
        var columns = Columns()
        columns.count = header.names.count
        columns.unit = try header.requiredColumn(for: "unit_id", in: spec)
        columns.period = try header.requiredColumn(for: "period", in: spec)
        columns.name = try header.column(for: "unit_name", in: spec)
        switch spec.layout {
        case .long:
            columns.metric = try header.requiredColumn(for: "metric", in: spec)
            columns.value = try header.requiredColumn(for: "value", in: spec)
        case .wide:
            for (m, metric) in metrics.enumerated() {
                if let column = try header.column(for: metric.id, in: spec) {
                    columns.metricColumns.append((column, m))
                }
            }
            guard let first = columns.metricColumns.first else {
                throw IngestError.noMetricColumns(source: spec.name, path: spec.path, expected: metrics.map { spec.header(for: $0.id) })
            }
            let granularity = metrics[first.metric].granularity
            if let other = columns.metricColumns.first(where: { metrics[$0.metric].granularity != granularity }) {
                throw IngestError.mixedGranularity(
                    source: spec.name, path: spec.path, first: metrics[first.metric].id, other: metrics[other.metric].id)
            }
        }
        return columns
    }

    /// A field's text quoted for a message, on one line and cut after 60 characters
    /// (`'xxx…' (1048576 bytes)`): the message stays readable, and the whole row is in `raw`.
    static func quoted(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        var text = String(decoding: bytes, as: UTF8.self)
        var suffix = ""
        if bytes.count > 60, text.count > 60 {
            text = String(text.prefix(60))
            suffix = "…' (\(bytes.count) bytes)"
        }
        // A line break is one of LF VT FF CR, or NEL / LS / PS (led by C2 or E2): no such byte, no walk.
        if bytes.contains(where: { (0x0A...0x0D).contains($0) || $0 == 0xC2 || $0 == 0xE2 }), text.contains(where: \.isNewline) {
            text = String(text.map { $0.isNewline ? " " : $0 })
        }
        return suffix.isEmpty ? "'\(text)'" : "'\(text)\(suffix)"
    }

    @inline(__always)
    private static func equal(_ bytes: UnsafeBufferPointer<UInt8>, _ other: [UInt8]) -> Bool {
        guard bytes.count == other.count else { return false }
        guard bytes.count > 0, let base = bytes.baseAddress else { return true }
        return other.withUnsafeBufferPointer { memcmp(base, $0.baseAddress!, bytes.count) == 0 }
    }
}
