import Foundation
import GRDB
import GRDBSQLite
import JianfuModel

/// The bulk paths of `SQLiteStore`: storing a source's values (with corrections) and reading
/// them back.
///
/// Values are kept in slabs: one row of `observation_slabs` per (source, metric, period), its
/// units, values, lines and runs packed as little-endian arrays ordered by unit
/// (`ObservationSlab`). Exports arrive month by month, so a night that brings one new month
/// writes one slab per metric, a night that brings nothing reads a few hundred rows however
/// many values they hold, and a correction rewrites only the slab of its period. Statements are
/// bound and stepped through the SQLite C API (GRDB's `Statement.sqliteStatement`).
extension SQLiteStore {
    package func recordObservations(_ batch: ObservationBatch, read: SourceRead, run: Int64) throws -> MergeCount {
        try access { db in
            let source = try saveRead(read, run: run, db)
            let ids = try storeIDs(for: batch.units, db)
            var count = MergeCount()
            let slabs = try SlabStatements(db, store: self)
            for (m, metric) in batch.metrics.enumerated() {
                var incoming = batch.values[m]
                guard incoming.count > 0 else { continue }
                for n in 0..<incoming.count { incoming.units[n] = ids[Int(incoming.units[n])] }
                incoming.sortByKey()
                let metricID = try metricID(metric, db)
                var start = 0
                while start < incoming.count {
                    var end = start + 1
                    while end < incoming.count, incoming.periods[end] == incoming.periods[start] { end += 1 }
                    let merged = try mergePeriod(
                        incoming, start..<end, source: source, metric: metricID, run: run, slabs: slabs, db)
                    count.added += merged.added
                    count.corrections += merged.corrections
                    start = end
                }
            }
            let name = try db.makeStatement(sql: """
                INSERT INTO source_units (source, unit, name) VALUES (?, ?, ?)
                ON CONFLICT (source, unit) DO UPDATE SET name = excluded.name WHERE excluded.name <> ''
                """)
            // Bound through the C API: a source names every unit it gives (30 000 rows the
            // first night; the statement's own work is the cost, not the binding).
            try withExtendedLifetime(name) {
                let s = name.sqliteStatement
                sqlite3_bind_int64(s, 1, source)
                for u in batch.units.indices where batch.named[u] {
                    sqlite3_bind_int64(s, 2, Int64(ids[u]))
                    Self.bind(s, 3, batch.names[u])
                    try finish(s, db)
                }
            }
            return count
        }
    }

    /// One period's values of a read (`range` of `incoming`, ordered by unit, with no unit
    /// twice) against its stored slab: new units are added, changed values replaced with the
    /// old one kept in `observation_history`, the rest left alone; the slab is written back
    /// only when something changed. A merge join of two sorted lists: one pass over each.
    private func mergePeriod(
        _ incoming: StoredValues, _ range: Range<Int>, source: Int64, metric: Int64, run: Int64, slabs: SlabStatements,
        _ db: Database
    ) throws -> MergeCount {
        let period = incoming.periods[range.lowerBound]
        let stored = try slabs.read(source: source, metric: metric, period: period, db) ?? ObservationSlab()
        let (merged, count) = try stored.merging(incoming, range, run: run) { j, n in
            try slabs.keepHistory(
                source: source, metric: metric, period: period, unit: incoming.units[n], old: stored, j,
                newValue: incoming.values[n], newLine: incoming.lines[n], run: run, db)
        }
        if let merged {
            try slabs.write(merged, source: source, metric: metric, period: period, db)
        }
        return count
    }

    package func observedUnits(sources: [String]) throws -> [ObservedUnit] {
        try observedUnits(of: pipeline, sources: sources)
    }

    package func observedUnits(of pipeline: String, sources: [String]) throws -> [ObservedUnit] {
        guard !sources.isEmpty else { return [] }
        let rank = Dictionary(uniqueKeysWithValues: sources.enumerated().map { ($1, $0) })
        return try access { db in
            let marks = Array(repeating: "?", count: sources.count).joined(separator: ", ")
            var units: [ObservedUnit] = []
            var nameRank = Int.max
            // A row per unit and source.
            try eachRow(
                """
                SELECT u.id, u.code, su.name, s.name AS source FROM source_units su JOIN units u ON u.id = su.unit
                JOIN sources s ON s.id = su.source WHERE s.pipeline = ? AND s.name IN (\(marks)) ORDER BY u.id
                """, [pipeline] + StatementArguments(sources), db
            ) { s in
                let id = Int32(sqlite3_column_int64(s, 0))
                if units.last?.storeID != id {
                    units.append(ObservedUnit(storeID: id, id: Self.text(s, 1)))
                    nameRank = Int.max
                }
                guard sqlite3_column_bytes(s, 2) > 0, let r = rank[Self.text(s, 3)], r < nameRank else { return }
                units[units.count - 1].name = Self.text(s, 2)
                nameRank = r
            }
            return units
        }
    }

    /// A slab at a time: one period's values, copied out of the row into a batch reused for
    /// the next.
    package func readValues(
        of pipeline: String?, source name: String, metric: Metric, units: [Int32]?, periods: ClosedRange<Int32>?,
        _ body: (StoredValues) throws -> Void
    ) throws {
        let periods = periods ?? Int32.min...Int32.max
        try access { db in
            guard let (source, metricID) = try slabKey(of: pipeline, source: name, metric: metric, db) else { return }
            if let units, units.count <= SlabLookup.limit {
                let found = try SlabLookup(db, location: location).values(source: source, metric: metricID, units: units, periods: periods)
                if found.count > 0 { try body(found) }
                return
            }
            // Units, values and lines only: the runs, last in the row, are not read.
            var batch = StoredValues()
            try eachRow(
                """
                SELECT period, units, vals, lines FROM observation_slabs
                WHERE source = ? AND metric = ? AND period BETWEEN ? AND ? ORDER BY period
                """, [source, metricID, Int64(periods.lowerBound), Int64(periods.upperBound)], db
            ) { s in
                let period = sqlite3_column_int(s, 0)
                let slab = try ObservationSlab.Columns(s, from: 1, location: location)
                batch.removeAll()
                slab.append(period: period, units: units, to: &batch)
                if batch.count > 0 { try body(batch) }
            }
        }
    }

    package func periods(of pipeline: String?, source name: String, metric: Metric) throws -> [Int32] {
        try access { db in
            guard let (source, metricID) = try slabKey(of: pipeline, source: name, metric: metric, db) else { return [] }
            return try Int32.fetchAll(
                db, sql: "SELECT period FROM observation_slabs WHERE source = ? AND metric = ? ORDER BY period", arguments: [source, metricID])
        }
    }

    /// The ids of source `name` of `pipeline` (`nil`: this store's own) and of `metric` (by id
    /// and granularity), the key of their slabs; `nil` when either is not in the store.
    private func slabKey(of pipeline: String?, source name: String, metric: Metric, _ db: Database) throws -> (Int64, Int64)? {
        let pipeline = pipeline ?? self.pipeline
        guard let source = try Int64.fetchOne(db, sql: "SELECT id FROM sources WHERE pipeline = ? AND name = ?", arguments: [pipeline, name]),
              let metricID = try Int64.fetchOne(
                db, sql: "SELECT id FROM metrics WHERE pipeline = ? AND name = ? AND granularity = ?",
                arguments: [pipeline, metric.id, metric.granularity.rawValue])
        else { return nil }
        return (source, metricID)
    }

    /// Steps a statement: true when it produced a row; errors become `StoreError.unusable`.
    func step(_ statement: OpaquePointer, _ db: Database) throws -> Bool {
        try Self.step(statement, db, location: location)
    }

    static func step(_ statement: OpaquePointer, _ db: Database, location: String) throws -> Bool {
        let code = sqlite3_step(statement)
        switch code {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default:
            let message = String(cString: sqlite3_errmsg(db.sqliteConnection))
            let systemErrno = sqlite3_system_errno(db.sqliteConnection)
            sqlite3_reset(statement)
            let error = DatabaseError(resultCode: ResultCode(rawValue: code), message: message)
            throw StoreError.unusable(path: location, reason: reason(error, path: location, systemErrno: systemErrno))
        }
    }

    /// Runs a statement that returns no row, and resets it for the next bindings.
    func finish(_ statement: OpaquePointer, _ db: Database) throws {
        _ = try step(statement, db)
        sqlite3_reset(statement)
    }

    /// Steps `sql` with `arguments` through the C API, calling `row` with the statement on each
    /// row it gives (columns read by number, `sqlite3_column_*`, valid until the next step): the
    /// hot reads of a night, without a GRDB `Row` per row.
    func eachRow(_ sql: String, _ arguments: StatementArguments, _ db: Database, _ row: (OpaquePointer) throws -> Void) throws {
        let statement = try db.makeStatement(sql: sql)
        try statement.setArguments(arguments)
        try withExtendedLifetime(statement) {
            let s = statement.sqliteStatement
            defer { sqlite3_reset(s) }
            while try step(s, db) { try row(s) }
        }
    }
}

/// The values of a few units (`jianfu unit`: a unit and its descendants) without reading whole
/// slabs: each slab's `units` array is binary-searched in place through SQLite's incremental
/// blob I/O, and only the wanted values and lines are read — a few reads of bytes per slab
/// instead of the slab.
private struct SlabLookup {
    /// Above this many units a slab is read whole and searched in memory.
    static let limit = 64
    let db: Database
    let location: String

    init(_ db: Database, location: String) {
        self.db = db
        self.location = location
    }

    func values(source: Int64, metric: Int64, units wanted: [Int32], periods: ClosedRange<Int32>) throws -> StoredValues {
        var result = StoredValues()
        let slabs = try Row.fetchAll(
            db, sql: "SELECT id, period FROM observation_slabs WHERE source = ? AND metric = ? AND period BETWEEN ? AND ? ORDER BY period",
            arguments: [source, metric, periods.lowerBound, periods.upperBound])
        guard !slabs.isEmpty else { return result }
        let connection = db.sqliteConnection
        var handles: [OpaquePointer?] = [nil, nil, nil]
        defer { for handle in handles where handle != nil { sqlite3_blob_close(handle) } }
        for (s, slab) in slabs.enumerated() {
            let rowID: Int64 = slab[0]
            let period = Int32(truncatingIfNeeded: slab[1] as Int64)
            for (c, column) in ["units", "vals", "lines"].enumerated() {
                let code = s == 0
                    ? sqlite3_blob_open(connection, "main", "observation_slabs", column, rowID, 0, &handles[c])
                    : sqlite3_blob_reopen(handles[c], rowID)
                guard code == SQLITE_OK else {
                    throw StoreError.unusable(path: location, reason: String(cString: sqlite3_errmsg(connection)))
                }
            }
            let count = Int(sqlite3_blob_bytes(handles[0])) / 4
            func read<T: FixedWidthInteger>(_ handle: OpaquePointer?, _ index: Int, as _: T.Type) throws -> T {
                var value: T = 0
                let code = withUnsafeMutableBytes(of: &value) { sqlite3_blob_read(handle, $0.baseAddress, Int32(MemoryLayout<T>.size), Int32(index * MemoryLayout<T>.size)) }
                guard code == SQLITE_OK else { throw StoreError.unusable(path: location, reason: String(cString: sqlite3_errmsg(connection))) }
                return T(littleEndian: value)
            }
            var lo = 0
            for unit in wanted {
                var hi = count
                while lo < hi {
                    let mid = (lo + hi) / 2
                    if try read(handles[0], mid, as: Int32.self) < unit { lo = mid + 1 } else { hi = mid }
                }
                guard lo < count, try read(handles[0], lo, as: Int32.self) == unit else { continue }
                let bits = try read(handles[1], lo, as: UInt64.self)
                let line = try read(handles[2], lo, as: UInt32.self)
                result.append(period: period, unit: unit, value: Double(bitPattern: bits), line: line)
            }
        }
        return result
    }
}

/// The statements of a merge, prepared once per read.
private struct SlabStatements {
    /// The GRDB statements own (and finalize) the SQLite ones.
    private let statements: [Statement]
    private let select: OpaquePointer
    private let upsert: OpaquePointer
    private let history: OpaquePointer
    private let store: SQLiteStore

    init(_ db: Database, store: SQLiteStore) throws {
        statements = [
            try db.makeStatement(sql: """
                SELECT units, vals, lines, runs FROM observation_slabs WHERE source = ? AND metric = ? AND period = ?
                """),
            try db.makeStatement(sql: """
                INSERT INTO observation_slabs (source, metric, period, units, vals, lines, runs) VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (source, metric, period) DO UPDATE
                SET units = excluded.units, vals = excluded.vals, lines = excluded.lines, runs = excluded.runs
                """),
            try db.makeStatement(sql: """
                INSERT INTO observation_history (source, metric, period, unit, value, line, run, replaced_by_run, new_value, new_line)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """),
        ]
        select = statements[0].sqliteStatement
        upsert = statements[1].sqliteStatement
        history = statements[2].sqliteStatement
        self.store = store
    }

    /// The stored slab of (source, metric, period), or nil.
    func read(source: Int64, metric: Int64, period: Int32, _ db: Database) throws -> ObservationSlab? {
        sqlite3_bind_int64(select, 1, source)
        sqlite3_bind_int64(select, 2, metric)
        sqlite3_bind_int(select, 3, period)
        defer { sqlite3_reset(select) }
        guard try store.step(select, db) else { return nil }
        return try ObservationSlab(select, from: 0, location: store.location)
    }

    func write(_ slab: ObservationSlab, source: Int64, metric: Int64, period: Int32, _ db: Database) throws {
        sqlite3_bind_int64(upsert, 1, source)
        sqlite3_bind_int64(upsert, 2, metric)
        sqlite3_bind_int(upsert, 3, period)
        // SQLITE_TRANSIENT: SQLite copies the bytes before the arrays can go.
        let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
        func bind<T>(_ index: Int32, _ array: [T]) {
            array.withUnsafeBytes { bytes in
                _ = sqlite3_bind_blob64(upsert, index, bytes.baseAddress ?? UnsafeRawPointer(bitPattern: 1), sqlite3_uint64(bytes.count), transient)
            }
        }
        bind(4, slab.units)
        bind(5, slab.values)
        bind(6, slab.lines)
        bind(7, slab.runs)
        try store.finish(upsert, db)
    }

    /// Keeps stored value `j` of `old` in the history, replaced by run `run` with `newValue`.
    func keepHistory(
        source: Int64, metric: Int64, period: Int32, unit: Int32, old: ObservationSlab, _ j: Int, newValue: Double, newLine: UInt32,
        run: Int64, _ db: Database
    ) throws {
        sqlite3_bind_int64(history, 1, source)
        sqlite3_bind_int64(history, 2, metric)
        sqlite3_bind_int(history, 3, period)
        sqlite3_bind_int(history, 4, unit)
        sqlite3_bind_double(history, 5, old.values[j])
        sqlite3_bind_int64(history, 6, Int64(old.lines[j]))
        sqlite3_bind_int64(history, 7, Int64(old.runs[j]))
        sqlite3_bind_int64(history, 8, run)
        sqlite3_bind_double(history, 9, newValue)
        sqlite3_bind_int64(history, 10, Int64(newLine))
        try store.finish(history, db)
    }
}

/// `ObservationSlab` (ObservationSlab.swift) from the blob columns of an SQLite statement.
extension ObservationSlab {
    /// The slab in the four blob columns of `statement` starting at `column`.
    init(_ statement: OpaquePointer, from column: Int32, location: String) throws {
        try self.init(
            units: blob(statement, column), values: blob(statement, column + 1), lines: blob(statement, column + 2),
            runs: blob(statement, column + 3), location: location)
    }
}

extension ObservationSlab.Columns {
    /// The units, values and lines in the three blob columns of `statement` starting at
    /// `column`: valid until the statement steps or is reset.
    init(_ statement: OpaquePointer, from column: Int32, location: String) throws {
        try self.init(
            units: blob(statement, column), values: blob(statement, column + 1), lines: blob(statement, column + 2), location: location)
    }
}

/// A blob column of the current row, in place.
private func blob(_ statement: OpaquePointer, _ column: Int32) -> UnsafeRawBufferPointer {
    // sqlite3_column_blob before sqlite3_column_bytes, as SQLite's documentation asks.
    let base = sqlite3_column_blob(statement, column)
    return UnsafeRawBufferPointer(start: base, count: Int(sqlite3_column_bytes(statement, column)))
}

extension SQLiteStore {
    package func sharedSources() throws -> [SharedSource] {
        try access { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT s.pipeline, s.name, s.read_run, r.started_at FROM sources s JOIN runs r ON r.id = s.read_run
                    WHERE s.pipeline <> ? AND s.kind = 'observations' ORDER BY r.started_at, s.pipeline, s.id
                    """,
                arguments: [pipeline]
            ).map { SharedSource(pipeline: $0[0], name: $0[1], readRun: $0[2], readAt: $0[3]) }
        }
    }
}
