import Crypto
import Foundation
import JianfuIngest
import JianfuModel
import JianfuReports
import JianfuStore
import Logging

/// The ingest stage of a run with a state store (SPEC §8): only the sources that changed are
/// read, their values go into the store, and the table the indicators are computed from is
/// built from the whole store.
///
/// A source is read again when its bytes changed (size and SHA-256), when it is read
/// differently (its pipeline keys, the metrics, or — for observations — the set of declared
/// units changed), or when its last read rejected rows as `future_period` and the current month
/// has moved on. Otherwise its units or values, its rejections and its totals come from the
/// store, so the data-quality figures of an unchanged night are those of the night it was read.
///
/// The table is built source by source in pipeline order, exactly as a stateless read does
/// (SPEC §5: the later source wins a key, and the override is counted there), with the units
/// in the order they first reached the store.
struct StoreIngestion {
    let runner: PipelineRunner
    let store: any ObservationStore
    /// The store's number of this run.
    let run: Int64

    var config: PipelineConfig { runner.config }
    var logger: Logger { runner.logger }
    /// Month ordinal of the current month: later periods are rejected as future.
    var currentMonth: Int { runner.currentMonth }

    func ingest() throws -> Ingestion {
        let fetched = try config.sources.map { try $0.fetchedWithOrigin(logger: logger) }
        for change in try store.syncMetrics(config.settings.metrics, dropping: runner.dropStored) {
            logger.warning("metric \(change.metric): its granularity changed from \(change.stored) to \(change.now), so its stored values and their history are dropped (--drop-stored) and its sources read again")
        }
        var reports: [SourceReport] = []
        var rejections: [Rejection] = []
        var manifest: [String: SourceManifest] = [:]

        var lists: [[MonitoredUnit]] = []
        for (i, source) in fetched.enumerated() where source.spec.kind == .units {
            let spec = source.spec
            let fingerprint = try self.fingerprint(source)
            let read = SourceRead(
                fingerprint: fingerprint, readKey: readKey(i, metrics: "", units: ""), currentMonth: currentMonth,
                report: SourceReport(name: spec.name, path: spec.path, kind: .units), rejections: [])
            if let kept = try unchanged(spec.name, read) {
                lists.append(try store.declaredUnits(source: spec.name))
                rejections += kept.rejections
                reports.append(kept.report)
                manifest[spec.name] = Self.manifest(fingerprint, reread: false)
                continue
            }
            runner.progress("reading source \(spec.name)")
            let result = try UnitsReader.read(spec)
            runner.logRead(result.report)
            var done = read
            done.report = result.report
            done.rejections = Ingestion.namingCells(result.rejections[...], of: spec)
            try store.recordUnits(result.units, read: done, run: run)
            lists.append(result.units)
            rejections += result.rejections
            reports.append(result.report)
            manifest[spec.name] = Self.manifest(fingerprint, reread: true)
        }
        let declared = Ingestion.merge(lists)
        try CategoriesSection.checkUsed(config.categoryKeys, units: declared)
        let unitsDeclared = config.sources.contains { $0.kind == .units }
        let unitsKey = unitsDeclared ? SHA256.hex(of: Array(declared.map(\.id).sorted(by: String.unitIDOrder).joined(separator: "\n").utf8)) : ""
        let metricsKey = config.settings.metrics.map {
            "\($0.id)\t\($0.label)\t\($0.granularity.rawValue)\t\($0.aggregate.rawValue)"
        }.joined(separator: "\n")

        for (i, source) in fetched.enumerated() where source.spec.kind == .observations {
            let spec = source.spec
            let fingerprint = try self.fingerprint(source)
            var read = SourceRead(
                fingerprint: fingerprint, readKey: readKey(i, metrics: metricsKey, units: unitsKey), currentMonth: currentMonth,
                report: SourceReport(name: spec.name, path: spec.path, kind: .observations), rejections: [])
            if let kept = try unchanged(spec.name, read) {
                rejections += kept.rejections
                reports.append(kept.report)
                manifest[spec.name] = Self.manifest(fingerprint, reread: false)
                continue
            }
            var table = ObservationTable(metrics: config.settings.metrics)
            for unit in declared { _ = table.unitIndex(unit.id) }
            let reader = Ingestion.reader(spec, index: i, unitsDeclared: unitsDeclared, currentMonth: currentMonth)
            var sourceRejections: [Rejection] = []
            runner.progress("reading source \(spec.name)")
            read.report = try reader.read(into: &table, rejections: &sourceRejections)
            read.rejections = Ingestion.namingCells(sourceRejections[...], of: spec)
            runner.logRead(read.report)
            runner.progress("storing the values of source \(spec.name)")
            let clock = ContinuousClock()
            let started = clock.now
            let batch = ObservationBatch(table, source: UInt16(i), declaredUnits: declared.count)
            let merged = try store.recordObservations(batch, read: read, run: run)
            logger.info("source \(spec.name): \(merged.added) new values, \(merged.corrections) corrections stored in \(PipelineRunner.seconds(clock.now - started)) s", metadata: ["source": "\(spec.name)"])
            rejections += read.rejections
            reports.append(read.report)
            manifest[spec.name] = Self.manifest(fingerprint, reread: true, corrections: merged.corrections)
        }

        let (table, latestMonth) = try load(declared: unitsDeclared ? declared : nil, reports: &reports)
        reports.sort(by: Ingestion.pipelineOrder(config))
        var ingestion = try Ingestion.assemble(
            table: table, declared: unitsDeclared ? declared : nil, reports: reports, rejections: rejections, config: config)
        ingestion.manifest = manifest
        ingestion.latestMonth = latestMonth
        return ingestion
    }

    /// The table of the stored values of the pipeline's observation sources — every period when
    /// an output reads the series, else those the indicators read (`StoredTable.Reading`) —
    /// and the latest month with data; fills in each source's overrides.
    private func load(declared: [MonitoredUnit]?, reports: inout [SourceReport]) throws -> (ObservationTable, latestMonth: Int?) {
        runner.progress("loading the values from the store")
        let clock = ContinuousClock()
        let started = clock.now
        let observed = try store.observedUnits(sources: StoredTable.observationSources(config).map(\.name))
        let reading: StoredTable.Reading = runner.readsSeries ? .all : .evaluation(config.settings)
        let (table, overrides, latestMonth) = try StoredTable.build(config, store: store, declared: declared, observed: observed, reading: reading)
        for r in reports.indices { reports[r].overrides = overrides[reports[r].name] ?? 0 }
        let which = runner.readsSeries ? "" : " (the periods the indicators read)"
        logger.info("loaded the values of \(table.unitCount) units from the store\(which) in \(PipelineRunner.seconds(clock.now - started)) s")
        return (table, latestMonth)
    }

    /// The stored read of a source when this one would read the same: same content, read the
    /// same way, and no period rejected as future that may have become current since.
    private func unchanged(_ name: String, _ read: SourceRead) throws -> (report: SourceReport, rejections: [Rejection])? {
        guard let stored = try store.source(named: name) else {
            logger.info("source \(name): not in the store yet, reading it", metadata: ["source": "\(name)"])
            return nil
        }
        guard stored.fingerprint.sameContent(as: read.fingerprint) else {
            logger.info("source \(name): changed since run \(stored.readRun) (\(stored.readAt)), reading it again", metadata: ["source": "\(name)"])
            return nil
        }
        guard stored.readKey == read.readKey else {
            logger.info("source \(name): unchanged, but the pipeline reads it differently since run \(stored.readRun) (its keys, the metrics or the units changed), reading it again", metadata: ["source": "\(name)"])
            return nil
        }
        let rejections = try store.rejections(source: name)
        if stored.currentMonth != read.currentMonth, rejections.contains(where: { $0.reason == .futurePeriod }) {
            logger.info("source \(name): unchanged, but the month has moved on since run \(stored.readRun) and it held periods that were in the future, reading it again", metadata: ["source": "\(name)"])
            return nil
        }
        logger.info("source \(name): unchanged since run \(stored.readRun) (\(stored.readAt)), not re-read", metadata: ["source": "\(name)"])
        return (stored.report, rejections)
    }

    /// How source `i` is read: its keys in the pipeline file, the metrics and the declared units.
    private func readKey(_ i: Int, metrics: String, units: String) -> String {
        SHA256.hex(of: Array("\(config.sourceSettings[i])\n--\n\(metrics)\n--\n\(units)".utf8))
    }

    private func fingerprint(_ source: SourceSpec.Fetched) throws -> SourceFingerprint {
        runner.progress("checking source \(source.spec.name)")
        let local = source.localFile == source.spec.path
        let stored = local ? try store.source(named: source.spec.name)?.fingerprint : nil
        var fingerprint = try SourceFingerprinting.fingerprint(
            file: source.localFile, source: source.spec.name, reportedPath: source.spec.path, stored: stored)
        if !local {
            // An HTTP source: the copy's time is when it was fetched, not the server's.
            fingerprint.modified = nil
            fingerprint.etag = source.etag
            fingerprint.lastModified = source.lastModified
        }
        return fingerprint
    }

    static func manifest(_ fingerprint: SourceFingerprint, reread: Bool, corrections: Int = 0) -> SourceManifest {
        SourceManifest(
            size: fingerprint.size, modified: fingerprint.modified.map(Self.timestamp), sha256: fingerprint.sha256,
            etag: fingerprint.etag, lastModified: fingerprint.lastModified, reread: reread, corrections: corrections)
    }

    /// Nanoseconds since the epoch as ISO 8601 UTC, to the second.
    static func timestamp(_ nanoseconds: Int64) -> String {
        UTCTimestamp.string(Date(timeIntervalSince1970: Double(nanoseconds / 1_000_000_000)))
    }
}
