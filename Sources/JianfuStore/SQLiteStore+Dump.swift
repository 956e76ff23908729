import Crypto
import Foundation
import GRDB
import JianfuModel

/// `CopyableStore` on SQLite: a pipeline's rows read out in one read transaction, and written
/// in one write transaction with run numbers and unit numbers of this store (runs are numbered
/// store-wide here, so a dump's numbers are kept only when they are free).
extension SQLiteStore: CopyableStore {
    package func pipelineNames() throws -> [String] {
        try access { db in
            try String.fetchAll(db, sql: "SELECT DISTINCT pipeline FROM runs UNION SELECT DISTINCT pipeline FROM sources ORDER BY 1")
        }
    }

    /// Read while no run of the pipeline writes (`jianfu store copy` says so): the sources, the
    /// scores and the bulletins through the store's own methods, the slabs and the history in
    /// one read of their own.
    package func dump() throws -> PipelineDump {
        var dump = PipelineDump(pipeline: pipeline)
        dump.runs = try recentRuns(limit: Int.max).reversed()
        dump.scores = try scores()
        dump.bulletins = try bulletins(pipeline: pipeline, before: Int(Int32.max))
        let listed = try access { db in
            try Row.fetchAll(db, sql: "SELECT id, name, kind FROM sources WHERE pipeline = ? ORDER BY id", arguments: [pipeline])
                .map { (id: $0[0] as Int64, name: $0[1] as String, kind: $0[2] as String) }
        }
        var stored: [Int64: (StoredSource, [Rejection], [MonitoredUnit])] = [:]
        for source in listed {
            guard let read = try self.source(named: source.name) else { continue }
            stored[source.id] = (read, try rejections(source: source.name),
                                 source.kind == SourceKind.units.rawValue ? try declaredUnits(source: source.name) : [])
        }
        try access { db in
            var metricNames: [Int64: String] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT id, name, granularity FROM metrics WHERE pipeline = ? ORDER BY id", arguments: [pipeline]) {
                metricNames[row[0]] = row[1]
                dump.metrics.append((row[1], row[2]))
            }
            // The dump's unit numbers: in the order met.
            var numbers: [Int64: Int32] = [:]
            var codes: [Int64: String] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT id, code FROM units") { codes[row[0]] = row[1] }
            func unit(_ id: Int64) -> Int32 { dump.unit(id, codes: codes, numbers: &numbers) }
            var sourceNames: [Int64: String] = [:]
            for source in listed {
                sourceNames[source.id] = source.name
                guard let (read, rejections, declared) = stored[source.id] else { continue }
                let named = try Row.fetchAll(
                    db, sql: "SELECT unit, name FROM source_units WHERE source = ? ORDER BY unit", arguments: [source.id]
                ).map { (unit: unit($0[0]), name: $0[1] as String) }
                dump.sources.append(DumpedSource(
                    read: SourceRead(fingerprint: read.fingerprint, readKey: read.readKey, currentMonth: read.currentMonth, report: read.report,
                                     rejections: rejections),
                    readRun: read.readRun, declared: declared, named: named))
            }
            let slabs = try Row.fetchCursor(db, sql: """
                SELECT o.source, o.metric, o.period, o.units, o.vals, o.lines, o.runs FROM observation_slabs o
                JOIN sources s ON s.id = o.source WHERE s.pipeline = ? ORDER BY o.source, o.metric, o.period
                """, arguments: [pipeline])
            while let row = try slabs.next() {
                let units: [Int32] = Self.array(row[3])
                dump.slabs.append(DumpedSlab(
                    source: sourceNames[row[0]] ?? "", metric: metricNames[row[1]] ?? "", period: Int32(truncatingIfNeeded: row[2] as Int64),
                    units: units.map { unit(Int64($0)) }, values: Self.array(row[4]), lines: Self.array(row[5]), runs: Self.array(row[6])))
            }
            let history = try Row.fetchCursor(db, sql: """
                SELECT h.source, h.metric, h.period, h.unit, h.value, h.line, h.run, h.replaced_by_run, h.new_value, h.new_line
                FROM observation_history h JOIN sources s ON s.id = h.source WHERE s.pipeline = ? ORDER BY h.rowid
                """, arguments: [pipeline])
            while let row = try history.next() {
                dump.history.append(DumpedCorrection(
                    source: sourceNames[row[0]] ?? "", metric: metricNames[row[1]] ?? "", period: Int32(truncatingIfNeeded: row[2] as Int64),
                    unit: unit(row[3]), value: row[4], line: row[5], run: row[6], replacedBy: row[7], newValue: row[8], newLine: row[9]))
            }
            dump.samples = try samples(db)
        }
        return dump
    }

    package func load(_ dump: PipelineDump) throws {
        defer { unitIDs = nil }
        try access { db in
            try db.inTransaction(.immediate) {
                let held = try Bool.fetchOne(db, sql: """
                    SELECT EXISTS (SELECT 1 FROM runs WHERE pipeline = ?) OR EXISTS (SELECT 1 FROM sources WHERE pipeline = ?)
                    """, arguments: [pipeline, pipeline]) ?? false
                guard !held else { throw StoreError.notEmpty(path: location, pipeline: pipeline) }
                var runs: [Int64: Int64] = [:]
                for run in dump.runs {
                    let end = run.end
                    try db.execute(
                        sql: """
                            INSERT INTO runs (pipeline, run_id, started_at, finished_at, pid, pipeline_sha256, jianfu_version, as_of, outcome,
                                exit_code, message, sources_read, rows_read, rows_rejected, cells_rejected, observations, corrections, latest_month)
                            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                            """,
                        arguments: [
                            pipeline, run.start.runID, run.start.startedAt, end?.finishedAt, run.start.pid, run.start.pipelineSHA256,
                            run.start.jianfuVersion, run.start.asOf, run.outcome.rawValue, end?.exitCode, end?.message, end?.sourcesRead,
                            end?.quality.rowsRead, end?.quality.rowsRejected, end?.quality.cellsRejected, end?.quality.observations, end?.corrections, end?.latestMonth,
                        ])
                    runs[run.number] = db.lastInsertedRowID
                }
                let run = { (number: Int64) in dump.remap(runs, number) }
                var metrics: [String: Int64] = [:]
                for metric in dump.metrics {
                    try db.execute(
                        sql: "INSERT INTO metrics (pipeline, name, granularity) VALUES (?, ?, ?)", arguments: [pipeline, metric.name, metric.granularity])
                    metrics[metric.name] = db.lastInsertedRowID
                }
                let units = try storeIDs(for: dump.units, db)
                var sources: [String: Int64] = [:]
                for source in dump.sources {
                    let id = try saveRead(source.read, run: run(source.readRun), db)
                    sources[source.read.report.name] = id
                    let declared = try db.makeStatement(sql: "INSERT INTO declared_units VALUES (?, ?, ?, ?, ?, ?, ?)")
                    for (position, unit) in source.declared.enumerated() {
                        try declared.execute(arguments: [id, position, unit.id, unit.name, unit.category, unit.parentID, unit.responsible])
                    }
                    let named = try db.makeStatement(sql: "INSERT INTO source_units (source, unit, name) VALUES (?, ?, ?)")
                    for unit in source.named { try named.execute(arguments: [id, units[Int(unit.unit)], unit.name]) }
                }
                let slab = try db.makeStatement(sql: """
                    INSERT INTO observation_slabs (source, metric, period, units, vals, lines, runs) VALUES (?, ?, ?, ?, ?, ?, ?)
                    """)
                for dumped in dump.slabs {
                    let s = PipelineDump.renumber(dumped, units: units, runs: runs)
                    try slab.execute(arguments: [
                        sources[s.source], metrics[s.metric], s.period, Self.blob(s.units), Self.blob(s.values), Self.blob(s.lines), Self.blob(s.runs),
                    ])
                }
                let history = try db.makeStatement(sql: """
                    INSERT INTO observation_history (source, metric, period, unit, value, line, run, replaced_by_run, new_value, new_line)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """)
                for h in dump.history {
                    try history.execute(arguments: [
                        sources[h.source], metrics[h.metric], h.period, units[Int(h.unit)], h.value, h.line, run(h.run), run(h.replacedBy),
                        h.newValue, h.newLine,
                    ])
                }
                if let (scoresRun, scores) = dump.scores { try writeScores(scores, run: run(scoresRun), db) }
                for bulletin in dump.bulletins {
                    let packed = AlertMerge(Array(bulletin.alerts)).packed
                    try writeBulletin(
                        pipeline: pipeline, month: bulletin.month, run: run(bulletin.run), packed: packed, digest: SHA256.hex(of: packed), db)
                }
                for var sample in dump.samples {
                    sample.pipeline = pipeline
                    sample.run = sample.run.map(run)
                    _ = try insertSample(sample, db)
                }
                return .commit
            }
        }
    }

    /// Every spot-check list of the pipeline, in the order drawn.
    private func samples(_ db: Database) throws -> [RecordedSample] {
        let units = try Row.fetchAll(db, sql: """
            SELECT u.sample, u.unit_id, u.weight, u.reason FROM sample_units u JOIN samples s ON s.id = u.sample
            WHERE s.pipeline = ? ORDER BY u.sample, u.position
            """, arguments: [pipeline])
        let bySample = Dictionary(grouping: units) { $0[0] as Int64 }
        return try Row.fetchAll(db, sql: "SELECT * FROM samples WHERE pipeline = ? ORDER BY id", arguments: [pipeline]).map { row in
            RecordedSample(
                pipeline: row["pipeline"], month: row["month"], seed: UInt64(row["seed"] as String) ?? 0, requested: row["requested"],
                drawnAt: row["drawn_at"], run: row["run"], excludeRecent: row["exclude_recent"], includeRollups: row["include_rollups"],
                jianfuVersion: row["jianfu_version"],
                units: (bySample[row["id"]] ?? []).map { RecordedSample.Unit(unitID: $0[1], weight: $0[2], reason: $0[3]) })
        }
    }

    /// A little-endian array blob as an array.
    static func array<T>(_ data: Data?) -> [T] {
        guard let data else { return [] }
        return data.withUnsafeBytes { PipelineDump.array($0) }
    }

    /// An array as a little-endian blob.
    static func blob<T>(_ array: [T]) -> Data { array.withUnsafeBytes { Data($0) } }
}
