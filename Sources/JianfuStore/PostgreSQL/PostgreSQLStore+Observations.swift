import Foundation
import JianfuModel

/// The bulk paths of `PostgreSQLStore`: a source's values in (with corrections), one metric's
/// values out, and the units the sources named.
///
/// Values are kept in slabs, as in SQLite: a row of `observation_slabs` per (source, metric,
/// period), its units, values, lines and runs packed in `bytea` (`ObservationSlab`). A night
/// that brings one new month writes one slab per metric; a night that brings nothing reads a
/// few hundred rows however many values they hold.
extension PostgreSQLStore {
    /// Records a read of an observations source (`ObservationStore.recordObservations`): its
    /// totals and rejections, its values merged per (metric, period) into the stored slabs,
    /// the replaced ones kept in `observation_history`, and the units it named.
    ///
    /// Per metric, the stored slabs of the periods the read gives are read (one statement,
    /// binary results) and merged with the read (`ObservationSlab.merging`, as SQLite does);
    /// the slabs of periods not stored yet (every one, the first night) are streamed straight
    /// into `observation_slabs` with `COPY … FROM STDIN (FORMAT binary)`. Slabs that changed
    /// are copied into a temporary table and written back by one `UPDATE`; the replaced values
    /// are copied into `observation_history`.
    package func recordObservations(_ batch: ObservationBatch, read: SourceRead, run: Int64) throws -> MergeCount {
        try access { db in
            let source = try saveRead(read, run: run, db)
            let ids = try storeIDs(for: batch.units, db)
            var count = MergeCount()
            var changed: [(metric: Int32, period: Int32, slab: ObservationSlab)] = []
            var history: [HistoryRow] = []
            for (metric, values) in zip(batch.metrics, batch.values) where values.count > 0 {
                let metricID = try metricID(metric, db)
                var incoming = values
                for n in 0..<incoming.count { incoming.units[n] = ids[Int(incoming.units[n])] }
                incoming.sortByKey()
                var periods: [(period: Int32, range: Range<Int>)] = []
                var start = 0
                while start < incoming.count {
                    var end = start + 1
                    while end < incoming.count, incoming.periods[end] == incoming.periods[start] { end += 1 }
                    periods.append((incoming.periods[start], start..<end))
                    start = end
                }
                let stored = try storedSlabs(source: source, metric: metricID, periods: periods.map(\.period), db)
                var fresh: [Range<Int>] = []
                for (period, range) in periods {
                    guard let slab = stored[period] else {
                        fresh.append(range)
                        count.added += range.count
                        continue
                    }
                    let (merged, merge) = slab.merging(incoming, range, run: run) { j, n in
                        history.append(HistoryRow(
                            metric: metricID, period: period, unit: slab.units[j], value: slab.values[j], line: slab.lines[j],
                            run: slab.runs[j], newValue: incoming.values[n], newLine: incoming.lines[n]))
                    }
                    count.added += merge.added
                    count.corrections += merge.corrections
                    if let merged { changed.append((metricID, period, merged)) }
                }
                guard !fresh.isEmpty else { continue }
                try db.copyInBinary("COPY observation_slabs (source, metric, period, units, vals, lines, runs) FROM STDIN (FORMAT binary)") { w in
                    for range in fresh {
                        w.row(fields: 7)
                        w.int32(source)
                        w.int32(metricID)
                        w.int32(incoming.periods[range.lowerBound])
                        w.bytea(incoming.units[range])
                        w.bytea(incoming.values[range])
                        w.bytea(incoming.lines[range])
                        w.bytea(repeating: Int32(truncatingIfNeeded: run), count: range.count)
                        try w.endRow()
                    }
                }
            }
            try writeBack(changed, source: source, db)
            try keepHistory(history, source: source, run: run, db)
            try recordNamed(batch, ids: ids, source: source, db)
            return count
        }
    }

    /// A stored value a read replaced, for `observation_history`.
    private struct HistoryRow {
        var metric: Int32, period: Int32, unit: Int32, value: Double, line: UInt32, run: Int32, newValue: Double, newLine: UInt32
    }

    /// The stored slabs of (`source`, `metric`) among `periods`, by period.
    private func storedSlabs(source: Int32, metric: Int32, periods: [Int32], _ db: PGConnection) throws -> [Int32: ObservationSlab] {
        let rows = try db.execute(
            """
            SELECT period, units, vals, lines, runs FROM observation_slabs
            WHERE source = $1 AND metric = $2 AND period = ANY ($3::integer[])
            """,
            [source, metric, "{" + periods.map(String.init).joined(separator: ",") + "}"], binary: true)
        var slabs: [Int32: ObservationSlab] = [:]
        for i in 0..<rows.count {
            slabs[rows.binaryInt32(i, 0)] = try ObservationSlab(
                units: rows.bytes(i, 1), values: rows.bytes(i, 2), lines: rows.bytes(i, 3), runs: rows.bytes(i, 4), location: location)
        }
        return slabs
    }

    /// Writes back the stored slabs a read changed: into a temporary table, then one `UPDATE`.
    private func writeBack(_ changed: [(metric: Int32, period: Int32, slab: ObservationSlab)], source: Int32, _ db: PGConnection) throws {
        guard !changed.isEmpty else { return }
        try db.execute("""
            CREATE TEMPORARY TABLE IF NOT EXISTS jianfu_slabs (
                metric integer NOT NULL, period integer NOT NULL, units bytea NOT NULL, vals bytea NOT NULL, lines bytea NOT NULL,
                runs bytea NOT NULL)
            """)
        try db.execute("TRUNCATE jianfu_slabs")
        try db.copyInBinary("COPY jianfu_slabs (metric, period, units, vals, lines, runs) FROM STDIN (FORMAT binary)") { w in
            for (metric, period, slab) in changed {
                w.row(fields: 6)
                w.int32(metric)
                w.int32(period)
                w.bytea(slab.units[...])
                w.bytea(slab.values[...])
                w.bytea(slab.lines[...])
                w.bytea(slab.runs[...])
                try w.endRow()
            }
        }
        try db.execute(
            """
            UPDATE observation_slabs o SET units = t.units, vals = t.vals, lines = t.lines, runs = t.runs
            FROM jianfu_slabs t WHERE o.source = $1 AND o.metric = t.metric AND o.period = t.period
            """,
            [source])
    }

    /// Keeps the values a read replaced in `observation_history`.
    private func keepHistory(_ rows: [HistoryRow], source: Int32, run: Int64, _ db: PGConnection) throws {
        guard !rows.isEmpty else { return }
        try db.copyIn("""
            COPY observation_history (source, metric, period, unit, value, line, run, replaced_by_run, new_value, new_line) FROM STDIN
            """) { w in
            for row in rows {
                w.field(source)
                w.field(row.metric)
                w.field(row.period)
                w.field(row.unit)
                w.field(row.value)
                w.field(Int64(row.line))
                w.field(Int64(row.run))
                w.field(run)
                w.field(row.newValue)
                w.field(Int64(row.newLine))
                try w.endRow()
            }
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
        // Only what changed is written: a nightly file naming the same units again (the usual
        // night) writes nothing, where an upsert of every unit rewrote every row.
        try db.execute(
            """
            UPDATE source_units su SET name = n.name FROM jianfu_named n
            WHERE su.source = $1 AND su.unit = n.unit AND n.name <> '' AND su.name <> n.name
            """,
            [source])
        try db.execute(
            """
            INSERT INTO source_units (source, unit, name) SELECT $1, n.unit, n.name FROM jianfu_named n
            WHERE NOT EXISTS (SELECT 1 FROM source_units su WHERE su.source = $1 AND su.unit = n.unit)
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
    /// units as the pipeline's unit numbers; `units` (ascending) keeps only those. The metric's
    /// slabs are read in one statement with binary results (the packed bytes as they are) and
    /// unpacked in place.
    /// One query per (source, metric); the slabs of its result are handed on one at a time.
    package func readValues(
        of pipeline: String?, source: String, metric: Metric, units: [Int32]?, periods: ClosedRange<Int32>?,
        _ body: (StoredValues) throws -> Void
    ) throws {
        guard hasSchema else { return }
        if let units, units.isEmpty { return }
        let pipeline = pipeline ?? self.pipeline
        let periods = periods ?? Int32.min...Int32.max
        try read { db in
            let rows = try db.execute(
                """
                SELECT o.period, o.units, o.vals, o.lines FROM observation_slabs o
                WHERE o.source = (SELECT id FROM sources WHERE pipeline = $1 AND name = $2)
                  AND o.metric = (SELECT id FROM metrics WHERE pipeline = $1 AND name = $3 AND granularity = $4)
                  AND o.period BETWEEN $5 AND $6
                ORDER BY o.period
                """,
                [pipeline, source, metric.id, metric.granularity.rawValue, Int(periods.lowerBound), Int(periods.upperBound)], binary: true)
            var batch = StoredValues()
            for i in 0..<rows.count {
                let slab = try ObservationSlab.Columns(units: rows.bytes(i, 1), values: rows.bytes(i, 2), lines: rows.bytes(i, 3), location: location)
                batch.removeAll()
                slab.append(period: rows.binaryInt32(i, 0), units: units, to: &batch)
                if batch.count > 0 { try body(batch) }
            }
        }
    }

    package func periods(of pipeline: String?, source: String, metric: Metric) throws -> [Int32] {
        guard hasSchema else { return [] }
        let pipeline = pipeline ?? self.pipeline
        return try read { db in
            let rows = try db.execute(
                """
                SELECT o.period FROM observation_slabs o
                WHERE o.source = (SELECT id FROM sources WHERE pipeline = $1 AND name = $2)
                  AND o.metric = (SELECT id FROM metrics WHERE pipeline = $1 AND name = $3 AND granularity = $4)
                ORDER BY o.period
                """,
                [pipeline, source, metric.id, metric.granularity.rawValue])
            return (0..<rows.count).map { Int32(clamping: rows.int64($0, 0) ?? 0) }
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
            // Two plain reads joined here: a join on the server is planned from statistics that
            // lag a night's large writes (an import), and then took nested loops and a sort on
            // disk (0.2–0.3 s at 30 000 units).
            let named = try db.execute(
                """
                SELECT su.unit, su.name, s.name FROM source_units su JOIN sources s ON s.id = su.source
                WHERE s.pipeline = $1 AND s.name = ANY ($2::text[])
                """,
                [pipeline, Self.arrayLiteral(sources)])
            guard named.count > 0 else { return [] }
            // Per store unit number: the rank of the source whose name it takes (Int.max: named,
            // no name yet; nil: not named) and that name.
            var best: [Int32: (rank: Int, name: String)] = [:]
            for i in 0..<named.count {
                let id = Int32(named.int(i, 0) ?? 0)
                let name = named.string(i, 1) ?? ""
                let r = name.isEmpty ? Int.max : rank[named.string(i, 2) ?? ""] ?? Int.max
                if let known = best[id], known.rank <= r { continue }
                best[id] = (r, name)
            }
            let codes = try db.execute("SELECT id, code FROM units WHERE pipeline = $1 ORDER BY id", [pipeline])
            var units: [ObservedUnit] = []
            units.reserveCapacity(best.count)
            for i in 0..<codes.count {
                let id = Int32(codes.int(i, 0) ?? 0)
                guard let chosen = best[id] else { continue }
                var unit = ObservedUnit(storeID: id, id: codes.string(i, 1) ?? "")
                unit.name = chosen.rank == Int.max ? "" : chosen.name
                units.append(unit)
            }
            return units
        }
    }

    /// A `text[]` literal: `{"a","b"}`, each element quoted, `\` and `"` escaped.
    static func arrayLiteral(_ texts: [String]) -> String {
        "{" + texts.map { "\"" + $0.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\"" }
            .joined(separator: ",") + "}"
    }

    // MARK: Corrections (the bulletins: PostgreSQLStore+Bulletins.swift)

    package func corrections(run: Int64) throws -> [Correction] {
        guard hasSchema else { return [] }
        return try read { db in
            let r = try db.execute(
                """
                SELECT u.code, m.name, m.granularity, h.period, h.value, h.new_value, s.name, h.new_line
                FROM observation_history h
                JOIN sources s ON s.id = h.source
                JOIN units u ON u.pipeline = s.pipeline AND u.id = h.unit
                JOIN metrics m ON m.id = h.metric
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
