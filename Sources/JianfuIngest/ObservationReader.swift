import Dispatch
import Glibc
import JianfuModel

/// Reads an observations source (long or wide, SPEC §1) into an `ObservationTable`, turning
/// every row it cannot keep into a `Rejection` (SPEC §5).
///
/// A large file is read by several threads at once, each over a stretch of the file that starts
/// after a line break (`ParallelFileReader`); the result is the same as one sequential pass —
/// same observations, same rejections in the same order with the same line numbers — and the
/// reader falls back to one pass whenever it cannot prove that.
package struct ObservationReader: Sendable {
    package let spec: SourceSpec
    /// This source's position in the pipeline: later sources override earlier ones.
    package let sourceIndex: UInt16
    /// When units are declared, a row for any other unit is rejected.
    package let unitsDeclared: Bool
    /// Month ordinal of the current month, the run's "now": a period starting after it is in
    /// the future and rejected.
    package let currentMonth: Int
    /// Threads to use for a large file; 1 reads sequentially.
    package var threads: Int
    /// Files smaller than this are read sequentially: threads would not pay.
    package var parallelMinimumSize = 16 << 20

    package init(spec: SourceSpec, sourceIndex: UInt16, unitsDeclared: Bool, currentMonth: Int, threads: Int? = nil) {
        self.spec = spec
        self.sourceIndex = sourceIndex
        self.unitsDeclared = unitsDeclared
        self.currentMonth = currentMonth
        self.threads = threads ?? ProcessInfoCores.active
    }

    /// Reads the whole source, appending its rejections to `rejections`.
    package func read(into table: inout ObservationTable, rejections: inout [Rejection]) throws -> SourceReport {
        if threads > 1, let parallel = try ParallelFileReader(reader: self, threads: threads),
           let result = try parallel.read(table) {
            table = result.table
            rejections += result.rejections
            return result.report
        }
        var owned = ObservationTable(metrics: table.metrics)
        swap(&owned, &table)
        var ingestor: RowIngestor?
        // A flag of its own: `ingestor == nil` would copy the ingestor (its table and arrays,
        // retained and released) at every row, half the time of a sequential read.
        var started = false
        let encoding = try RecordReader.forEachRecord(spec) { record in
            if started {
                ingestor!.consume(record)
            } else {
                let columns = try RowIngestor.resolveColumns(Header(record, in: spec), spec: spec, metrics: owned.metrics)
                ingestor = RowIngestor(reader: self, columns: columns, table: owned)
                owned = ObservationTable(metrics: [])
                started = true
            }
        }
        guard var ingestor else {
            swap(&owned, &table)
            throw IngestError.empty(source: spec.name, path: spec.path)
        }
        ingestor.report.encoding = encoding
        swap(&ingestor.table, &table)
        rejections += ingestor.rejections
        return Self.finish(ingestor.report, first: ingestor.firstOrdinal, last: ingestor.lastOrdinal, metrics: table.metrics)
    }

    /// Fills in the periods found per metric.
    static func finish(_ report: SourceReport, first: [Int32], last: [Int32], metrics: [Metric]) -> SourceReport {
        var report = report
        for m in metrics.indices where first[m] <= last[m] {
            report.firstPeriod[metrics[m].id] = Period(metrics[m].granularity, ordinal: Int(first[m])).description
            report.lastPeriod[metrics[m].id] = Period(metrics[m].granularity, ordinal: Int(last[m])).description
        }
        return report
    }
}

/// The number of cores this process may use.
enum ProcessInfoCores {
    static var active: Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }
}
