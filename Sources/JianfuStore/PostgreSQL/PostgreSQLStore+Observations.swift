import Foundation
import JianfuModel

/// The bulk paths of `PostgreSQLStore`: a source's values in (with corrections), one metric's
/// values out, and the units the sources named.
extension PostgreSQLStore {
    /// Records a read of an observations source (`ObservationStore.recordObservations`): its
    /// totals and rejections, its values merged per (metric, period, unit), the replaced ones
    /// kept in `observation_history`, and the units it named.
    ///
    /// The values are streamed with `COPY … FROM STDIN`: straight into `observations` when the
    /// source has no stored value yet (the first night), else into a temporary table, from
    /// which one statement copies the values about to be replaced into the history and one
    /// `INSERT … ON CONFLICT … DO UPDATE … WHERE value differs` merges them.
    package func recordObservations(_ batch: ObservationBatch, read: SourceRead, run: Int64) throws -> MergeCount {
        try access { db in
            let source = try saveRead(read, run: run, db)
            let ids = try storeIDs(for: batch.units, db)
            var metrics: [(id: Int32, values: StoredValues)] = []
            for (metric, values) in zip(batch.metrics, batch.values) where values.count > 0 {
                metrics.append((try metricID(metric, db), values))
            }
            let total = metrics.reduce(0) { $0 + $1.values.count }
            var count = MergeCount()
            let stored = try db.execute("SELECT EXISTS (SELECT 1 FROM observations WHERE source = $1)", [source]).bool(0, 0) ?? false
            if total > 0, !stored {
                try db.copyIn("COPY observations (source, metric, period, unit, value, line, run) FROM STDIN") { w in
                    for (metric, values) in metrics {
                        for i in 0..<values.count {
                            w.field(source)
                            w.field(metric)
                            w.field(values.periods[i])
                            w.field(ids[Int(values.units[i])])
                            w.field(values.values[i])
                            w.field(Int64(values.lines[i]))
                            w.field(run)
                            try w.endRow()
                        }
                    }
                }
                count.added = total
            } else if total > 0 {
                try db.execute("""
                    CREATE TEMPORARY TABLE IF NOT EXISTS jianfu_incoming (
                        metric integer NOT NULL, period integer NOT NULL, unit integer NOT NULL,
                        value double precision NOT NULL, line bigint NOT NULL)
                    """)
                try db.execute("TRUNCATE jianfu_incoming")
                try db.copyIn("COPY jianfu_incoming (metric, period, unit, value, line) FROM STDIN") { w in
                    for (metric, values) in metrics {
                        for i in 0..<values.count {
                            w.field(metric)
                            w.field(values.periods[i])
                            w.field(ids[Int(values.units[i])])
                            w.field(values.values[i])
                            w.field(Int64(values.lines[i]))
                            try w.endRow()
                        }
                    }
                }
                try db.execute("ANALYZE jianfu_incoming")
                count.corrections = try db.execute(
                    """
                    INSERT INTO observation_history (source, metric, period, unit, value, line, run, replaced_by_run, new_value)
                    SELECT o.source, o.metric, o.period, o.unit, o.value, o.line, o.run, $2, i.value
                    FROM jianfu_incoming i
                    JOIN observations o ON o.source = $1 AND o.metric = i.metric AND o.period = i.period AND o.unit = i.unit
                    WHERE o.value <> i.value
                    """,
                    [source, run]).changed
                let merged = try db.execute(
                    """
                    INSERT INTO observations (source, metric, period, unit, value, line, run)
                    SELECT $1, metric, period, unit, value, line, $2 FROM jianfu_incoming
                    ON CONFLICT (source, metric, period, unit) DO UPDATE
                        SET value = excluded.value, line = excluded.line, run = excluded.run
                        WHERE observations.value <> excluded.value
                    """,
                    [source, run]).changed
                count.added = merged - count.corrections
            }
            try recordNamed(batch, ids: ids, source: source, db)
            return count
        }
    }

    /// The units the read named, with the names it gave: a unit named before keeps its name
    /// unless this read gives one.
    private func recordNamed(_ batch: ObservationBatch, ids: [Int32], source: Int32, _ db: PGConnection) throws {
        var names: [Int32: String] = [:]
        var order: [Int32] = []
        for u in batch.units.indices where u < batch.named.count && batch.named[u] {
            let name = u < batch.names.count ? batch.names[u] : ""
            if names[ids[u]] == nil { order.append(ids[u]) }
            if !name.isEmpty || names[ids[u]] == nil { names[ids[u]] = name }
        }
        guard !order.isEmpty else { return }
        try db.execute("CREATE TEMPORARY TABLE IF NOT EXISTS jianfu_named (unit integer NOT NULL, name text NOT NULL)")
        try db.execute("TRUNCATE jianfu_named")
        try db.copyIn("COPY jianfu_named (unit, name) FROM STDIN") { w in
            for unit in order {
                w.field(unit)
                w.text(names[unit])
                try w.endRow()
            }
        }
        try db.execute(
            """
            INSERT INTO source_units (source, unit, name) SELECT $1, unit, name FROM jianfu_named
            ON CONFLICT (source, unit) DO UPDATE SET name = excluded.name WHERE excluded.name <> ''
            """,
            [source])
    }

    /// The pipeline's numbers of unit codes, adding the codes it does not know yet, in order
    /// (numbers count from 1 per pipeline, in the order units first reached the store).
    func storeIDs(for codes: [String], _ db: PGConnection) throws -> [Int32] {
        if unitIDs == nil {
            var known: [UnitKey: Int32] = [:]
            var next: Int32 = 1
            let rows = try db.execute("SELECT id, code FROM units WHERE pipeline = $1", [pipeline])
            for i in 0..<rows.count {
                let id = Int32(rows.int(i, 0) ?? 0)
                known[UnitKey(rows.string(i, 1) ?? "")] = id
                next = max(next, id + 1)
            }
            unitIDs = known
            nextUnitID = next
        }
        var ids: [Int32] = []
        ids.reserveCapacity(codes.count)
        var added: [(Int32, String)] = []
        for code in codes {
            if let id = unitIDs![UnitKey(code)] {
                ids.append(id)
            } else {
                let id = nextUnitID
                nextUnitID += 1
                unitIDs![UnitKey(code)] = id
                added.append((id, code))
                ids.append(id)
            }
        }
        if !added.isEmpty {
            try db.copyIn("COPY units (pipeline, id, code) FROM STDIN") { w in
                for (id, code) in added {
                    w.text(pipeline)
                    w.field(id)
                    w.text(code)
                    try w.endRow()
                }
            }
        }
        return ids
    }

    /// The id of the pipeline's metric, added when the store does not know it yet.
    func metricID(_ metric: Metric, _ db: PGConnection) throws -> Int32 {
        if let id = metricIDs[metric.id] { return id }
        _ = try syncMetrics([metric], dropping: [], db)
        return metricIDs[metric.id]!
    }

    /// The stored values of `source` for `metric` (`ObservationStore.values`), in key order,
    /// units as the pipeline's unit numbers; `units` (ascending) keeps only those. Read with
    /// `COPY (SELECT …) TO STDOUT (FORMAT binary)`: no result set of millions of rows is held.
    package func values(source: String, metric: Metric, units: [Int32]?) throws -> StoredValues {
        try values(of: pipeline, source: source, metric: metric, units: units)
    }

    package func values(of pipeline: String, source: String, metric: Metric, units: [Int32]?) throws -> StoredValues {
        guard hasSchema else { return StoredValues() }
        return try read { db in
            let ids = try db.execute(
                """
                SELECT (SELECT id FROM sources WHERE pipeline = $1 AND name = $2),
                       (SELECT id FROM metrics WHERE pipeline = $1 AND name = $3 AND granularity = $4)
                """,
                [pipeline, source, metric.id, metric.granularity.rawValue])
            guard let sourceID = ids.int(0, 0), let metricID = ids.int(0, 1) else { return StoredValues() }
            var filter = ""
            if let units {
                guard !units.isEmpty else { return StoredValues() }
                filter = " AND unit IN (" + units.map(String.init).joined(separator: ",") + ")"
            }
            // Integers only are spliced into the statement (COPY takes no parameters).
            var reader = BinaryCopyReader()
            try db.copyOut(
                """
                COPY (SELECT period, unit, value, line FROM observations WHERE source = \(sourceID) AND metric = \(metricID)\(filter)
                      ORDER BY period, unit) TO STDOUT (FORMAT binary)
                """
            ) { chunk in try reader.feed(chunk) }
            guard reader.finished else {
                throw StoreError.unusable(path: location, reason: "the server's COPY of the stored values ended early")
            }
            return reader.values
        }
    }

    package func observedUnits(sources: [String]) throws -> [ObservedUnit] {
        try observedUnits(of: pipeline, sources: sources)
    }

    package func sharedSources() throws -> [SharedSource] {
        guard hasSchema else { return [] }
        return try read { db in
            let rows = try db.execute(
                """
                SELECT s.pipeline, s.name, s.read_run, r.started_at FROM sources s
                JOIN runs r ON r.pipeline = s.pipeline AND r.id = s.read_run
                WHERE s.pipeline <> $1 AND s.kind = 'observations' ORDER BY r.started_at, s.pipeline, s.id
                """,
                [pipeline])
            return (0..<rows.count).map {
                SharedSource(pipeline: rows.string($0, 0) ?? "", name: rows.string($0, 1) ?? "", readRun: rows.int64($0, 2) ?? 0,
                             readAt: rows.string($0, 3) ?? "")
            }
        }
    }

    package func observedUnits(of pipeline: String, sources: [String]) throws -> [ObservedUnit] {
        guard hasSchema, !sources.isEmpty else { return [] }
        let rank = Dictionary(sources.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        return try read { db in
            let rows = try db.execute(
                """
                SELECT u.id, u.code, su.name, s.name FROM source_units su
                JOIN sources s ON s.id = su.source
                JOIN units u ON u.pipeline = s.pipeline AND u.id = su.unit
                WHERE s.pipeline = $1 AND s.name = ANY ($2::text[]) ORDER BY u.id
                """,
                [pipeline, Self.arrayLiteral(sources)])
            var units: [ObservedUnit] = []
            var nameRank = Int.max
            for i in 0..<rows.count {
                let id = Int32(rows.int(i, 0) ?? 0)
                if units.last?.storeID != id {
                    units.append(ObservedUnit(storeID: id, id: rows.string(i, 1) ?? ""))
                    nameRank = Int.max
                }
                let name = rows.string(i, 2) ?? ""
                if !name.isEmpty, let r = rank[rows.string(i, 3) ?? ""], r < nameRank {
                    units[units.count - 1].name = name
                    nameRank = r
                }
            }
            return units
        }
    }

    /// A `text[]` literal: `{"a","b"}`, each element quoted, `\` and `"` escaped.
    static func arrayLiteral(_ texts: [String]) -> String {
        "{" + texts.map { "\"" + $0.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\"" }
            .joined(separator: ",") + "}"
    }

    // MARK: Corrections and bulletins

    package func corrections(run: Int64) throws -> [Correction] {
        guard hasSchema else { return [] }
        return try read { db in
            let r = try db.execute(
                """
                SELECT u.code, m.name, m.granularity, h.period, h.value, h.new_value, s.name, o.line
                FROM observation_history h
                JOIN sources s ON s.id = h.source
                JOIN units u ON u.pipeline = s.pipeline AND u.id = h.unit
                JOIN metrics m ON m.id = h.metric
                LEFT JOIN observations o
                    ON o.source = h.source AND o.metric = h.metric AND o.period = h.period AND o.unit = h.unit
                WHERE s.pipeline = $1 AND h.replaced_by_run = $2
                ORDER BY h.source, m.name COLLATE "C", h.period, u.code COLLATE "C"
                """,
                [pipeline, run])
            return (0..<r.count).map { i in
                Correction(
                    unitID: r.string(i, 0) ?? "", metric: r.string(i, 1) ?? "",
                    period: Period(Granularity(rawValue: r.string(i, 2) ?? "") ?? .month, ordinal: r.int(i, 3) ?? 0),
                    oldValue: r.double(i, 4) ?? 0, newValue: r.double(i, 5) ?? 0, source: r.string(i, 6) ?? "", line: r.int(i, 7),
                    run: run)
            }
        }
    }

    package func recordBulletin(pipeline: String, month: Int, alerts: [StoredAlert], run: Int64) throws {
        try access { db in
            try db.execute("DELETE FROM bulletin_alerts WHERE pipeline = $1 AND month = $2", [pipeline, month])
            try db.execute(
                """
                INSERT INTO bulletins (pipeline, month, run) VALUES ($1, $2, $3)
                ON CONFLICT (pipeline, month) DO UPDATE SET run = excluded.run
                """,
                [pipeline, month, run])
            // An alert given twice is recorded once (the key is the alert).
            var seen = Set<StoredAlert>()
            try db.copyIn("COPY bulletin_alerts (pipeline, month, unit_id, metric, rule, run) FROM STDIN") { w in
                for alert in alerts where seen.insert(alert).inserted {
                    w.text(pipeline)
                    w.field(month)
                    w.text(alert.unitID)
                    w.text(alert.metric)
                    w.text(alert.rule)
                    w.field(run)
                    try w.endRow()
                }
            }
        }
    }

    package func bulletins(pipeline: String, before month: Int) throws -> [StoredBulletin] {
        guard hasSchema else { return [] }
        return try read { db in
            let b = try db.execute(
                "SELECT month, run FROM bulletins WHERE pipeline = $1 AND month < $2 ORDER BY month", [pipeline, month])
            var bulletins = (0..<b.count).map { StoredBulletin(month: b.int($0, 0) ?? 0, run: b.int64($0, 1) ?? 0, alerts: []) }
            let position = Dictionary(uniqueKeysWithValues: bulletins.enumerated().map { ($1.month, $0) })
            let a = try db.execute(
                "SELECT month, unit_id, metric, rule FROM bulletin_alerts WHERE pipeline = $1 AND month < $2", [pipeline, month])
            for i in 0..<a.count {
                guard let p = position[a.int(i, 0) ?? -1] else { continue }
                bulletins[p].alerts.insert(StoredAlert(unitID: a.string(i, 1) ?? "", metric: a.string(i, 2) ?? "", rule: a.string(i, 3) ?? ""))
            }
            return bulletins
        }
    }
}

/// `SampleLog` on the server: each list one small transaction of its own, outside any run's.
extension PostgreSQLStore: SampleLog {
    package func recordSample(_ sample: RecordedSample) throws -> Int64 {
        try access { db in
            try transaction(db) {
                let number = try db.execute(
                    """
                    INSERT INTO samples (pipeline, month, seed, requested, drawn_at, run, exclude_recent, include_rollups, jianfu_version)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id
                    """,
                    [sample.pipeline, sample.month, sample.seed, sample.requested, sample.drawnAt, sample.run, sample.excludeRecent,
                     sample.includeRollups, sample.jianfuVersion]
                ).int64(0, 0) ?? 0
                try db.copyIn("COPY sample_units (sample, position, unit_id, weight, reason) FROM STDIN") { w in
                    for (position, unit) in sample.units.enumerated() {
                        w.field(number)
                        w.field(Int32(position))
                        w.text(unit.unitID)
                        w.field(unit.weight)
                        w.text(unit.reason)
                        try w.endRow()
                    }
                }
                return number
            }
        }
    }

    package func sampledUnits(pipeline: String, months: ClosedRange<Int>) throws -> [SampledUnit] {
        guard hasSchema else { return [] }
        return try read { db in
            let r = try db.execute(
                """
                SELECT u.unit_id, s.month, s.id, u.reason FROM sample_units u JOIN samples s ON s.id = u.sample
                WHERE s.id IN (SELECT MAX(id) FROM samples WHERE pipeline = $1 AND month BETWEEN $2 AND $3 GROUP BY month)
                ORDER BY s.month, u.position
                """,
                [pipeline, months.lowerBound, months.upperBound])
            return (0..<r.count).map {
                SampledUnit(unitID: r.string($0, 0) ?? "", month: r.int($0, 1) ?? 0, sample: r.int64($0, 2) ?? 0, reason: r.string($0, 3) ?? "")
            }
        }
    }
}

/// Reads the rows of `COPY (SELECT period, unit, value, line …) TO STDOUT (FORMAT binary)`
/// (<https://www.postgresql.org/docs/15/sql-copy.html#id-1.9.3.55.9.4>): a signature and
/// header, then per row a field count and each field's length and big-endian bytes, then -1.
/// Chunks may end anywhere; what is left of one waits for the next.
struct BinaryCopyReader {
    private(set) var values = StoredValues()
    private(set) var finished = false
    private var pending: [UInt8] = []
    private var headerRead = false

    static let signature: [UInt8] = Array("PGCOPY\n".utf8) + [0xFF, 0x0D, 0x0A, 0x00]

    /// Reads the rows of `chunk`, keeping an unfinished row for the next. The server sends a
    /// row a chunk, so the chunk is parsed in place unless a row was left over.
    mutating func feed(_ chunk: UnsafeRawBufferPointer) throws {
        if pending.isEmpty {
            let used = try parse(chunk)
            if used < chunk.count { pending.append(contentsOf: chunk[used...]) }
        } else {
            pending.append(contentsOf: chunk)
            let buffer = pending
            let used = try buffer.withUnsafeBytes { try parse($0) }
            pending.removeFirst(used)
        }
    }

    /// Parses the complete rows (and the header, first) at the start of `bytes`; returns the
    /// bytes used.
    private mutating func parse(_ bytes: UnsafeRawBufferPointer) throws -> Int {
        func int16(_ i: Int) -> Int16 { Int16(bitPattern: UInt16(bytes[i]) << 8 | UInt16(bytes[i + 1])) }
        func int32(_ i: Int) -> Int32 {
            Int32(bitPattern: UInt32(bytes[i]) << 24 | UInt32(bytes[i + 1]) << 16 | UInt32(bytes[i + 2]) << 8 | UInt32(bytes[i + 3]))
        }
        func int64(_ i: Int) -> Int64 { Int64(int32(i)) << 32 | Int64(UInt32(bitPattern: int32(i + 4))) }
        var at = 0
        if !headerRead {
            guard bytes.count >= 19 else { return 0 }
            guard Array(bytes[0..<11]) == Self.signature else { throw CopyFormatError() }
            let extensionLength = Int(int32(15))
            guard bytes.count >= 19 + extensionLength else { return 0 }
            at = 19 + extensionLength
            headerRead = true
        }
        // A row: count (2) + 4 fields of length (4) and value (4, 4, 8, 8) = 42 bytes.
        while bytes.count - at >= 2 {
            let fields = int16(at)
            if fields == -1 {
                finished = true
                return at + 2
            }
            guard fields == 4 else { throw CopyFormatError() }
            guard bytes.count - at >= 42 else { return at }
            guard int32(at + 2) == 4, int32(at + 10) == 4, int32(at + 18) == 8, int32(at + 30) == 8 else { throw CopyFormatError() }
            values.append(
                period: int32(at + 6), unit: int32(at + 14), value: Double(bitPattern: UInt64(bitPattern: int64(at + 22))),
                line: UInt32(truncatingIfNeeded: int64(at + 34)))
            at += 42
        }
        return at
    }

    struct CopyFormatError: Error, CustomStringConvertible {
        var description: String { "the server's binary COPY data is not in the expected format" }
    }
}
