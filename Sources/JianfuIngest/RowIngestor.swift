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
    let currentMonth: Int
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
        currentMonth = reader.currentMonth
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
        if let problem = UnitsReader.rowProblem(record, headerCount: columns.count) {
            return rejectRow(record, "", problem)
        }
        // Unit: looked up now when units are declared; otherwise interned only once the row
        // keeps an observation (`unit(_:_:_:)`), so a rejected row never adds a unit.
        let unitBytes = record.field(columns.unit).trimmed
        if unitBytes.isEmpty {
            return rejectRow(record, spec.header(for: "unit_id"), .emptyUnit)
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
                return rejectRow(record, spec.header(for: "unit_id"), .unknownUnit(Self.text(unitBytes)))
            }
            known = index
        }

        switch spec.layout {
        case .long:
            let metricBytes = record.field(columns.metric).trimmed
            guard let m = metricNames.firstIndex(where: { Self.equal(metricBytes, $0.0) || Self.equal(metricBytes, $0.1) }) else {
                return rejectRow(record, spec.header(for: "metric"), .unknownMetric(Self.text(metricBytes)))
            }
            guard let ordinal = rowPeriod(record, metric: m) else { return }
            switch value(record.field(columns.value), metric: m) {
            case .empty:
                return rejectRow(record, valueHeader, .emptyValue)
            case .rejected(let problem):
                return rejectRow(record, valueHeader, problem)
            case .value(let v):
                let unit = unit(known, unitBytes, record)
                if let firstLine = keep(v, metric: m, unit: unit, ordinal: ordinal, line: record.line) {
                    return rejectRow(record, "", .duplicateValue(metric: metrics[m].id, firstLine: firstLine, firstPlace: spec.bytes.placeName(ofLine: firstLine)))
                }
            }

        case .wide:
            // All metric columns of a wide source share a granularity (checked on the header).
            guard let ordinal = rowPeriod(record, metric: columns.metricColumns[0].metric) else { return }
            var kept = 0
            var duplicateOf = 0
            var rowUnit: Int32 = -1  // resolved at the first value kept
            cellRejections.removeAll(keepingCapacity: true)
            var rowText: String?  // made once, shared by the row's rejected cells
            for (column, m) in columns.metricColumns {
                let header = metricHeaders[m]
                func rejectCell(_ problem: RejectionProblem) {
                    if rowText == nil { rowText = record.rejectedText }
                    cellRejections.append(Rejection(source: spec.name, line: record.line, field: header, problem: problem, raw: rowText!, isCell: true))
                }
                switch value(record.field(column), metric: m) {
                case .empty:
                    continue
                case .rejected(let problem):
                    rejectCell(problem)
                case .value(let v):
                    if rowUnit < 0 { rowUnit = unit(known, unitBytes, record) }
                    if let firstLine = keep(v, metric: m, unit: rowUnit, ordinal: ordinal, line: record.line) {
                        duplicateOf = firstLine
                        rejectCell(.duplicateValue(metric: metrics[m].id, firstLine: firstLine, firstPlace: spec.bytes.placeName(ofLine: firstLine)))
                    } else {
                        kept += 1
                    }
                }
            }
            if kept == 0, cellRejections.isEmpty {
                _ = unit(known, unitBytes, record)  // a row of empty cells: the unit reported, with nothing
            }
            if kept == 0, !cellRejections.isEmpty, cellRejections.allSatisfy({ $0.reason == .duplicateKey }) {
                // A repeated row: one rejection for the row, not one per cell.
                rejectRow(record, "", .duplicateRow(firstLine: duplicateOf, firstPlace: spec.bytes.placeName(ofLine: duplicateOf)))
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

    /// What one value cell of either layout holds (SPEC §1, §5): a value to keep, nothing, or
    /// the problem it is rejected for. A long row with an empty value is rejected; an empty
    /// cell of a wide row is skipped.
    private enum CellValue {
        case value(Double)
        case empty
        case rejected(RejectionProblem)
    }

    /// Reads the value field `raw` of metric `m`: a number, and not negative for a count.
    @inline(__always)
    private func value(_ raw: UnsafeBufferPointer<UInt8>, metric m: Int) -> CellValue {
        switch ValueParser.parse(raw) {
        case .empty:
            .empty
        case .invalid:
            .rejected(.notANumber(Self.text(raw)))
        case .outOfRange:
            .rejected(.tooLarge(Self.text(raw.trimmed)))
        case .negative where isCount[m]:
            .rejected(.negativeCount(Self.text(raw.trimmed), metric: metrics[m].id))
        case .value(let v), .negative(let v):
            .value(v)
        }
    }

    /// Puts `value` into the grid and counts it for the source report; returns the line of the
    /// first occurrence when it repeats one (the caller rejects it), `nil` when kept.
    @inline(__always)
    private mutating func keep(_ value: Double, metric m: Int, unit: Int32, ordinal: Int32, line: Int) -> Int? {
        switch table.insert(metric: m, unit: unit, ordinal: ordinal, value: value, source: sourceIndex, line: line) {
        case .duplicate(let firstLine):
            return firstLine
        case .overrode:
            report.overrides += 1
            fallthrough
        case .added:
            report.observations += 1
            firstOrdinal[m] = min(firstOrdinal[m], ordinal)
            lastOrdinal[m] = max(lastOrdinal[m], ordinal)
            return nil
        }
    }

    /// The ordinal of the row's period at the granularity of metric `m`; `nil` when the row is
    /// rejected for it.
    @inline(__always)
    private mutating func rowPeriod(_ record: CSVRecord, metric m: Int) -> Int32? {
        switch period(record.field(columns.period), metric: m) {
        case .success(let ordinal):
            return ordinal
        case .failure(let failure):
            rejectRow(record, spec.header(for: "period"), failure.problem)
            return nil
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

    private mutating func rejectRow(_ record: CSVRecord, _ field: String, _ problem: RejectionProblem) {
        rejections.append(Rejection(source: spec.name, line: record.line, field: field, problem: problem, raw: record.rejectedText))
        report.rowsRejected += 1
    }

    private struct PeriodFailure: Error {
        var problem: RejectionProblem
    }

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
            return .failure(PeriodFailure(problem: .badPeriod(Self.text(raw), expected: granularities[m])))
        }
        guard period.granularity == granularities[m] else {
            return .failure(PeriodFailure(problem: .wrongGranularity(
                Self.text(raw), found: period.granularity, metric: metrics[m].id, expected: granularities[m])))
        }
        guard period.firstMonthOrdinal <= currentMonth else {
            return .failure(PeriodFailure(problem: .futurePeriod(Self.text(raw), period: period, currentMonth: Period(.month, ordinal: currentMonth))))
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

    /// A field's bytes as text, for a rejection (`RejectionMessages` quotes and cuts it).
    static func text(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        String(decoding: bytes, as: UTF8.self)
    }

    @inline(__always)
    private static func equal(_ bytes: UnsafeBufferPointer<UInt8>, _ other: [UInt8]) -> Bool {
        guard bytes.count == other.count else { return false }
        guard bytes.count > 0, let base = bytes.baseAddress else { return true }
        return other.withUnsafeBufferPointer { memcmp(base, $0.baseAddress!, bytes.count) == 0 }
    }
}
