import Dispatch
import Foundation
import GRDB
import GRDBSQLite
import JianfuModel

/// The bulk paths of `SQLiteStore`: storing a source's values (with corrections) and loading
/// every value back into an `ObservationTable`. Millions of rows go through here, so statements
/// are prepared once and bound and stepped through the SQLite C API (GRDB's
/// `Statement.sqliteStatement`), and rows are written and read in primary-key order
/// (source, metric, period, unit), which appends to the B-tree instead of seeking.
extension SQLiteStore {
    public func recordObservations(_ batch: ObservationBatch, read: SourceRead, run: Int64) throws -> MergeCount {
        try access { db in
            let source = try saveRead(read, run: run, db)
            let ids = try storeIDs(for: batch.units, db)
            let metricIDs = try batch.metrics.map { try metricID($0, db) }
            // The stored values of each metric are read ahead on a second connection while this
            // one merges the metric before: it sees the last commit, and this run writes a
            // metric's rows of this source only in that metric's own merge, after reading them —
            // or deletes them all when the metric's granularity changed (`droppedMetrics`: known
            // empty, not read).
            let ahead = try StoredValuesAhead(
                store: try openReader(), source: source, metrics: metricIDs, dropped: droppedMetrics, location: location)
            defer { ahead.cancel() }
            var count = MergeCount()
            for m in batch.metrics.indices {
                var incoming = batch.values[m]
                for n in 0..<incoming.count { incoming.units[n] = ids[Int(incoming.units[n])] }
                incoming.sortByKey()
                let merged = try merge(incoming, source: source, metricID: metricIDs[m], stored: try ahead.take(m), run: run, db)
                count.added += merged.added
                count.corrections += merged.corrections
            }
            let name = try db.makeStatement(sql: """
                INSERT INTO source_units (source, unit, name) VALUES (?, ?, ?)
                ON CONFLICT (source, unit) DO UPDATE SET name = excluded.name WHERE excluded.name <> ''
                """)
            for u in batch.units.indices where batch.named[u] {
                try name.execute(arguments: [source, ids[u], batch.names[u]])
            }
            return count
        }
    }

    /// One metric's values of a read against the stored ones: new keys are inserted, changed
    /// values replaced with the old one kept in `observation_history`, the rest left alone.
    /// Both sides are walked in key order (a merge join), so the cost is one pass over each.
    private func merge(
        _ incoming: Values, source: Int64, metricID: Int64, stored: Values, run: Int64, _ db: Database
    ) throws -> MergeCount {
        guard incoming.count > 0 else { return MergeCount() }

        // `stored`: the ones in the store, read whole (ahead) before anything is written.
        var inserts = BatchInsert(
            try db.makeStatement(sql: BatchInsert.sql(rows: BatchInsert.batch)), single: try db.makeStatement(sql: BatchInsert.sql(rows: 1)),
            source: source, metric: metricID, run: run)
        let keep = try db.makeStatement(sql: """
            INSERT INTO observation_history (source, metric, period, unit, value, line, run, replaced_by_run, new_value)
            SELECT source, metric, period, unit, value, line, run, ?5, ?6 FROM observations
            WHERE source = ?1 AND metric = ?2 AND period = ?3 AND unit = ?4
            """)
        let update = try db.makeStatement(sql: """
            UPDATE observations SET value = ?5, line = ?6, run = ?7
            WHERE source = ?1 AND metric = ?2 AND period = ?3 AND unit = ?4
            """)
        // The raw statements below live as long as the GRDB statements that own them.
        defer { withExtendedLifetime((keep, update)) {} }
        let k = keep.sqliteStatement, u = update.sqliteStatement
        for statement in [k, u] {
            sqlite3_bind_int64(statement, 1, source)
            sqlite3_bind_int64(statement, 2, metricID)
        }
        sqlite3_bind_int64(k, 5, run)
        sqlite3_bind_int64(u, 7, run)

        var count = MergeCount()
        var j = 0
        for n in 0..<incoming.count {
            let key = incoming.key(n)
            while j < stored.count, stored.key(j) < key { j += 1 }
            if j < stored.count, stored.key(j) == key {
                if stored.values[j] != incoming.values[n] {
                    for statement in [k, u] {
                        sqlite3_bind_int(statement, 3, incoming.periods[n])
                        sqlite3_bind_int(statement, 4, incoming.units[n])
                    }
                    sqlite3_bind_double(k, 6, incoming.values[n])
                    sqlite3_bind_double(u, 5, incoming.values[n])
                    sqlite3_bind_int64(u, 6, Int64(incoming.lines[n]))
                    try finish(k, db)
                    try finish(u, db)
                    count.corrections += 1
                }
                j += 1
            } else {
                try inserts.add(incoming, n, store: self, db)
                count.added += 1
            }
        }
        try inserts.flush(incoming, store: self, db)
        return count
    }

    public func observedUnits(sources: [String]) throws -> [ObservedUnit] {
        guard !sources.isEmpty else { return [] }
        let rank = Dictionary(uniqueKeysWithValues: sources.enumerated().map { ($1, $0) })
        return try access { db in
            let marks = Array(repeating: "?", count: sources.count).joined(separator: ", ")
            let rows = try Row.fetchCursor(
                db,
                sql: """
                    SELECT u.id, u.code, su.name, s.name AS source FROM source_units su JOIN units u ON u.id = su.unit
                    JOIN sources s ON s.id = su.source WHERE s.name IN (\(marks)) ORDER BY u.id
                    """,
                arguments: StatementArguments(sources))
            var units: [ObservedUnit] = []
            var nameRank = Int.max
            while let row = try rows.next() {
                let id: Int32 = row["id"]
                if units.last?.storeID != id {
                    units.append(ObservedUnit(storeID: id, id: row["code"]))
                    nameRank = Int.max
                }
                let name: String = row["name"]
                if !name.isEmpty, let r = rank[row["source"]], r < nameRank {
                    units[units.count - 1].name = name
                    nameRank = r
                }
            }
            return units
        }
    }

    public func values(source name: String, metric: Metric, units: [Int32]?) throws -> StoredValues {
        try access { db in
            var result = StoredValues()
            guard let source = try Int64.fetchOne(db, sql: "SELECT id FROM sources WHERE name = ?", arguments: [name]),
                  let metricID = try Int64.fetchOne(
                    db, sql: "SELECT id FROM metrics WHERE name = ? AND granularity = ?",
                    arguments: [metric.id, metric.granularity.rawValue])
            else { return result }
            if let units, units.count <= 500 {
                try lookUp(source: source, metric: metricID, units: units, db) { period, unit, value, line in
                    result.append(period: period, unit: unit, value: value, line: UInt32(truncatingIfNeeded: line))
                }
            } else {
                let wanted = units.map { Set($0) }
                try scan(source: source, metric: metricID, db) { period, unit, value, line in
                    if wanted?.contains(unit) ?? true { result.append(period: period, unit: unit, value: value, line: line) }
                }
            }
            return result
        }
    }

    /// Every value of one source and metric, in key order.
    private func scan(source: Int64, metric: Int64, _ db: Database, _ body: (Int32, Int32, Double, UInt32) -> Void) throws {
        let select = try db.makeStatement(sql: """
            SELECT period, unit, value, line FROM observations WHERE source = ? AND metric = ? ORDER BY period, unit
            """)
        defer { withExtendedLifetime(select) {} }
        let s = select.sqliteStatement
        sqlite3_bind_int64(s, 1, source)
        sqlite3_bind_int64(s, 2, metric)
        while try step(s, db) {
            body(sqlite3_column_int(s, 0), sqlite3_column_int(s, 1), sqlite3_column_double(s, 2),
                 UInt32(truncatingIfNeeded: sqlite3_column_int64(s, 3)))
        }
    }

    /// A second, read-only connection to the store, for reading the stored values ahead.
    private func openReader() throws -> DatabaseQueue {
        var configuration = Configuration()
        configuration.readonly = true
        configuration.label = "jianfu-state-reader"
        configuration.prepareDatabase { db in
            try db.execute(sql: Self.readPragmas)
        }
        return try DatabaseQueue(path: location, configuration: configuration)
    }

    /// The values of a few units: the periods present are found by seeking from one to the
    /// next (a skip scan over the key), then each unit's value in each period is looked up.
    private func lookUp(
        source: Int64, metric: Int64, units: [Int32], _ db: Database, _ body: (Int32, Int32, Double, Int) -> Void
    ) throws {
        let next = try db.makeStatement(sql: """
            SELECT period FROM observations WHERE source = ? AND metric = ? AND period > ? ORDER BY period LIMIT 1
            """)
        let value = try db.makeStatement(sql: """
            SELECT value, line FROM observations WHERE source = ? AND metric = ? AND period = ? AND unit = ?
            """)
        defer { withExtendedLifetime((next, value)) {} }
        let n = next.sqliteStatement, v = value.sqliteStatement
        for statement in [n, v] {
            sqlite3_bind_int64(statement, 1, source)
            sqlite3_bind_int64(statement, 2, metric)
        }
        var period = Int64(Int32.min)
        while true {
            sqlite3_bind_int64(n, 3, period)
            guard try step(n, db) else { break }
            period = sqlite3_column_int64(n, 0)
            sqlite3_reset(n)
            sqlite3_bind_int64(v, 3, period)
            for unit in units {
                sqlite3_bind_int(v, 4, unit)
                if try step(v, db) {
                    body(Int32(period), unit, sqlite3_column_double(v, 0), Int(sqlite3_column_int64(v, 1)))
                }
                sqlite3_reset(v)
            }
        }
        sqlite3_reset(n)
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
}

/// The stored values of one source, metric after metric, read on their own connection and
/// thread at most two metrics ahead of `take` (so at most three metrics' values are held).
/// `cancel` (when the merge stops early) lets the reading thread end.
private final class StoredValuesAhead: @unchecked Sendable {
    /// Slot `m` is written by the reading thread before `ready[m]` is signalled, and read and
    /// cleared by `take(m)` after it: never both at once.
    private let slots: UnsafeMutableBufferPointer<Result<Values, Error>?>
    private let ready: [DispatchSemaphore]
    private let room = DispatchSemaphore(value: 2)
    private let lock = NSLock()
    private var cancelled = false

    init(store: DatabaseQueue, source: Int64, metrics: [Int64], dropped: Set<Int64>, location: String) throws {
        slots = .allocate(capacity: metrics.count)
        slots.initialize(repeating: nil)
        ready = metrics.map { _ in DispatchSemaphore(value: 0) }
        DispatchQueue.global().async { [self] in
            for (m, metric) in metrics.enumerated() {
                room.wait()
                if lock.withLock({ cancelled }) { return }
                slots[m] = dropped.contains(metric)
                    ? .success(Values())
                    : Result { try store.read { db in try Self.read(source: source, metric: metric, db, location: location) } }
                ready[m].signal()
            }
        }
    }

    deinit {
        _ = slots.deinitialize()
        slots.deallocate()
    }

    /// The values of metric `m` (in order: 0, 1, …), waiting for them if need be.
    func take(_ m: Int) throws -> Values {
        ready[m].wait()
        let values = slots[m]!
        slots[m] = nil
        room.signal()
        return try values.get()
    }

    /// Stops the reading thread after the read in progress (the merge ended, or failed).
    func cancel() {
        lock.withLock { cancelled = true }
        for _ in slots.indices { room.signal() }
    }

    private static func read(source: Int64, metric: Int64, _ db: Database, location: String) throws -> Values {
        var stored = Values()
        let select = try db.makeStatement(sql: "SELECT period, unit, value FROM observations WHERE source = ? AND metric = ? ORDER BY period, unit")
        let s = select.sqliteStatement
        sqlite3_bind_int64(s, 1, source)
        sqlite3_bind_int64(s, 2, metric)
        while try SQLiteStore.step(s, db, location: location) {
            stored.append(period: Int32(sqlite3_column_int(s, 0)), unit: sqlite3_column_int(s, 1), value: sqlite3_column_double(s, 2), line: 0)
        }
        return stored
    }
}

private typealias Values = StoredValues

/// New observation rows, inserted `batch` rows per statement: one statement execution keeps
/// its B-tree cursor on the last page, so rows in key order are appended without a seek from
/// the root each (SQLite's append fast path), and the per-execution overhead is shared.
/// Parameters `?1` source, `?2` metric and `?3` run are bound once; each row adds four.
private struct BatchInsert {
    static let batch = 256
    /// The GRDB statements own (and finalize) the SQLite ones.
    private let statements: [Statement]
    let statement: OpaquePointer
    let single: OpaquePointer
    /// Rows (indices into the values) waiting for a full batch.
    var pending: [Int] = []

    init(_ batch: Statement, single: Statement, source: Int64, metric: Int64, run: Int64) {
        statements = [batch, single]
        statement = batch.sqliteStatement
        self.single = single.sqliteStatement
        for s in [statement, self.single] {
            sqlite3_bind_int64(s, 1, source)
            sqlite3_bind_int64(s, 2, metric)
            sqlite3_bind_int64(s, 3, run)
        }
        pending.reserveCapacity(Self.batch)
    }

    static func sql(rows: Int) -> String {
        let values = (0..<rows).map { k in
            let p = 4 + 4 * k
            return "(?1, ?2, ?\(p), ?\(p + 1), ?\(p + 2), ?\(p + 3), ?3)"
        }
        return "INSERT INTO observations (source, metric, period, unit, value, line, run) VALUES " + values.joined(separator: ", ")
    }

    mutating func add(_ values: Values, _ n: Int, store: SQLiteStore, _ db: Database) throws {
        pending.append(n)
        guard pending.count == Self.batch else { return }
        for (row, n) in pending.enumerated() { Self.bind(statement, row: row, values, n) }
        try store.finish(statement, db)
        pending.removeAll(keepingCapacity: true)
    }

    /// Inserts the rows of an unfinished batch one by one.
    mutating func flush(_ values: Values, store: SQLiteStore, _ db: Database) throws {
        for n in pending {
            Self.bind(single, row: 0, values, n)
            try store.finish(single, db)
        }
        pending.removeAll()
    }

    private static func bind(_ s: OpaquePointer, row: Int, _ values: Values, _ n: Int) {
        let p = Int32(4 + 4 * row)
        sqlite3_bind_int(s, p, values.periods[n])
        sqlite3_bind_int(s, p + 1, values.units[n])
        sqlite3_bind_double(s, p + 2, values.values[n])
        sqlite3_bind_int64(s, p + 3, Int64(values.lines[n]))
    }
}
