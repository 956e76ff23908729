import JianfuModel

/// `CopyableStore` on the server: a pipeline's rows read out in the read-only store's snapshot,
/// and written in one transaction. Run numbers are kept (they count per pipeline here); units are
/// numbered as this store numbers them. A run copied from SQLite, which does not keep the host a
/// run ran on, is recorded with the host that copied it.
extension PostgreSQLStore: CopyableStore {
    package func pipelineNames() throws -> [String] {
        guard hasSchema else { return [] }
        return try read { db in
            let rows = try db.execute("SELECT pipeline FROM runs UNION SELECT pipeline FROM sources ORDER BY 1")
            return (0..<rows.count).map { rows.string($0, 0) ?? "" }
        }
    }

    package func dump() throws -> PipelineDump {
        var dump = PipelineDump(pipeline: pipeline)
        guard hasSchema else { return dump }
        dump.runs = try recentRuns(limit: Int.max).reversed()
        dump.scores = try scores()
        dump.bulletins = try bulletins(pipeline: pipeline, before: Int(Int32.max))
        try read { db in
            var metricNames: [Int32: String] = [:]
            let metrics = try db.execute("SELECT id, name, granularity FROM metrics WHERE pipeline = $1 ORDER BY id", [pipeline])
            for i in 0..<metrics.count {
                metricNames[Int32(metrics.int(i, 0) ?? 0)] = metrics.string(i, 1) ?? ""
                dump.metrics.append((metrics.string(i, 1) ?? "", metrics.string(i, 2) ?? ""))
            }
            var codes: [Int64: String] = [:]
            let units = try db.execute("SELECT id, code FROM units WHERE pipeline = $1", [pipeline])
            for i in 0..<units.count { codes[units.int64(i, 0) ?? 0] = units.string(i, 1) ?? "" }
            var numbers: [Int64: Int32] = [:]
            func unit(_ id: Int32) -> Int32 { dump.unit(Int64(id), codes: codes, numbers: &numbers) }
            var sourceNames: [Int32: String] = [:]
            let sources = try db.execute("SELECT id, name, kind FROM sources WHERE pipeline = $1 ORDER BY id", [pipeline])
            for i in 0..<sources.count {
                let id = Int32(sources.int(i, 0) ?? 0)
                let name = sources.string(i, 1) ?? ""
                sourceNames[id] = name
                guard let stored = try source(named: name) else { continue }
                let named = try db.execute("SELECT unit, name FROM source_units WHERE source = $1 ORDER BY unit", [id])
                dump.sources.append(DumpedSource(
                    read: SourceRead(
                        fingerprint: stored.fingerprint, readKey: stored.readKey, currentMonth: stored.currentMonth, report: stored.report,
                        rejections: try rejections(source: name)),
                    readRun: stored.readRun,
                    declared: sources.string(i, 2) == SourceKind.units.rawValue ? try declaredUnits(source: name) : [],
                    named: (0..<named.count).map { (unit(Int32(named.int($0, 0) ?? 0)), named.string($0, 1) ?? "") }))
            }
            let slabs = try db.execute(
                """
                SELECT o.source, o.metric, o.period, o.units, o.vals, o.lines, o.runs FROM observation_slabs o
                JOIN sources s ON s.id = o.source WHERE s.pipeline = $1 ORDER BY o.source, o.metric, o.period
                """,
                [pipeline], binary: true)
            for i in 0..<slabs.count {
                let stored: [Int32] = PipelineDump.array(slabs.bytes(i, 3))
                dump.slabs.append(DumpedSlab(
                    source: sourceNames[slabs.binaryInt32(i, 0)] ?? "", metric: metricNames[slabs.binaryInt32(i, 1)] ?? "",
                    period: slabs.binaryInt32(i, 2), units: stored.map(unit), values: PipelineDump.array(slabs.bytes(i, 4)),
                    lines: PipelineDump.array(slabs.bytes(i, 5)), runs: PipelineDump.array(slabs.bytes(i, 6))))
            }
            let history = try db.execute(
                """
                SELECT h.source, h.metric, h.period, h.unit, h.value, h.line, h.run, h.replaced_by_run, h.new_value, h.new_line
                FROM observation_history h JOIN sources s ON s.id = h.source WHERE s.pipeline = $1
                ORDER BY h.replaced_by_run, h.source, h.metric, h.period, h.unit
                """,
                [pipeline])
            for i in 0..<history.count {
                dump.history.append(DumpedCorrection(
                    source: sourceNames[Int32(history.int(i, 0) ?? 0)] ?? "", metric: metricNames[Int32(history.int(i, 1) ?? 0)] ?? "",
                    period: Int32(history.int(i, 2) ?? 0), unit: unit(Int32(history.int(i, 3) ?? 0)), value: history.double(i, 4) ?? 0,
                    line: history.int64(i, 5) ?? 0, run: history.int64(i, 6) ?? 0, replacedBy: history.int64(i, 7) ?? 0,
                    newValue: history.double(i, 8) ?? 0, newLine: history.int64(i, 9)))
            }
            let samples = try db.execute(
                """
                SELECT id, month, seed, requested, drawn_at, run, exclude_recent, include_rollups, jianfu_version
                FROM samples WHERE pipeline = $1 ORDER BY id
                """,
                [pipeline])
            for i in 0..<samples.count {
                let units = try db.execute(
                    "SELECT unit_id, weight, reason FROM sample_units WHERE sample = $1 ORDER BY position", [samples.int64(i, 0) ?? 0])
                dump.samples.append(RecordedSample(
                    pipeline: pipeline, month: samples.int(i, 1) ?? 0, seed: UInt64(samples.string(i, 2) ?? "") ?? 0,
                    requested: samples.int(i, 3) ?? 0, drawnAt: samples.string(i, 4) ?? "", run: samples.int64(i, 5),
                    excludeRecent: samples.int(i, 6) ?? 0, includeRollups: samples.bool(i, 7) ?? false,
                    jianfuVersion: samples.string(i, 8) ?? "",
                    units: (0..<units.count).map {
                        RecordedSample.Unit(unitID: units.string($0, 0) ?? "", weight: units.double($0, 1) ?? 0, reason: units.string($0, 2) ?? "")
                    }))
            }
        }
        return dump
    }

    package func load(_ dump: PipelineDump) throws {
        defer {
            unitIDs = nil
            metricIDs = [:]
        }
        try access { db in
            try transaction(db) {
                let held = try db.execute(
                    "SELECT EXISTS (SELECT 1 FROM runs WHERE pipeline = $1) OR EXISTS (SELECT 1 FROM sources WHERE pipeline = $1)", [pipeline])
                guard held.bool(0, 0) != true else { throw StoreError.notEmpty(path: location, pipeline: pipeline) }
                for run in dump.runs {
                    let end = run.end
                    try db.execute(
                        """
                        INSERT INTO runs (pipeline, id, run_id, started_at, finished_at, host, pid, pipeline_sha256, jianfu_version, as_of,
                            outcome, exit_code, message, sources_read, rows_read, rows_rejected, cells_rejected, observations, corrections,
                            latest_month)
                        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)
                        """,
                        [pipeline, run.number, run.start.runID, run.start.startedAt, end?.finishedAt, host, run.start.pid,
                         run.start.pipelineSHA256, run.start.jianfuVersion, run.start.asOf, run.outcome.rawValue, end?.exitCode,
                         end?.message, end?.sourcesRead, end?.quality.rowsRead, end?.quality.rowsRejected, end?.quality.cellsRejected, end?.quality.observations,
                         end?.corrections, end?.latestMonth])
                }
                var metrics: [String: Int32] = [:]
                for metric in dump.metrics {
                    let id = try db.execute(
                        "INSERT INTO metrics (pipeline, name, granularity) VALUES ($1, $2, $3) RETURNING id", [pipeline, metric.name, metric.granularity])
                    metrics[metric.name] = Int32(id.int(0, 0) ?? 0)
                }
                let units = try storeIDs(for: dump.units, db)
                var sources: [String: Int32] = [:]
                for source in dump.sources {
                    let id = try saveRead(source.read, run: source.readRun, db)
                    sources[source.read.report.name] = id
                    for (position, unit) in source.declared.enumerated() {
                        try db.execute(
                            """
                            INSERT INTO declared_units (source, position, unit_id, name, category, parent_id, responsible)
                            VALUES ($1, $2, $3, $4, $5, $6, $7)
                            """,
                            [id, position, unit.id, unit.name, unit.category, unit.parentID, unit.responsible])
                    }
                    for unit in source.named {
                        try db.execute("INSERT INTO source_units (source, unit, name) VALUES ($1, $2, $3)", [id, units[Int(unit.unit)], unit.name])
                    }
                }
                if !dump.slabs.isEmpty {
                    try db.copyInBinary("COPY observation_slabs (source, metric, period, units, vals, lines, runs) FROM STDIN (FORMAT binary)") { w in
                        for dumped in dump.slabs {
                            let slab = PipelineDump.renumber(dumped, units: units, runs: [:])
                            w.row(fields: 7)
                            w.int32(sources[slab.source] ?? 0)
                            w.int32(metrics[slab.metric] ?? 0)
                            w.int32(slab.period)
                            w.bytea(slab.units[...])
                            w.bytea(slab.values[...])
                            w.bytea(slab.lines[...])
                            w.bytea(slab.runs[...])
                            try w.endRow()
                        }
                    }
                }
                if !dump.history.isEmpty {
                    try db.copyIn("""
                        COPY observation_history (source, metric, period, unit, value, line, run, replaced_by_run, new_value, new_line) FROM STDIN
                        """) { w in
                        for h in dump.history {
                            w.field(sources[h.source] ?? 0)
                            w.field(metrics[h.metric] ?? 0)
                            w.field(h.period)
                            w.field(units[Int(h.unit)])
                            w.field(h.value)
                            w.field(h.line)
                            w.field(h.run)
                            w.field(h.replacedBy)
                            w.field(h.newValue)
                            if let line = h.newLine { w.field(line) } else { w.text(nil) }
                            try w.endRow()
                        }
                    }
                }
                if let (run, scores) = dump.scores { try saveScores(scores, run: run) }
                for bulletin in dump.bulletins {
                    try recordBulletin(pipeline: pipeline, month: bulletin.month, alerts: Array(bulletin.alerts), run: bulletin.run)
                }
                for var sample in dump.samples {
                    sample.pipeline = pipeline
                    _ = try recordSample(sample)
                }
            }
        }
    }
}
