import Foundation
import Glibc
import JianfuIndicators
import JianfuModel
import JianfuReports
import JianfuStore

extension PipelineRunner {
    /// `run` with a state store (SPEC §7, §8): under the store's run lock, logged in the run
    /// log, with every change to the store in one transaction that is committed only once the
    /// reports are written (and before they are swapped into place). A run that fails — or is
    /// killed — before the commit changes nothing in the store but its line in the run log, and
    /// leaves the previous reports where they were; the next run starts from the last
    /// successful one.
    ///
    /// The run log says what happened: the commit logs the run `committed` in the same
    /// transaction, the swap then makes it `ok`. A swap that fails after the commit is logged
    /// `committed_reports_failed`; a run that ends after the commit without logging its end
    /// (killed, or a full disk) is settled by the next run from the report folder's marker.
    func run(with store: any ObservationStore) throws -> Outcome {
        let clock = ContinuousClock()
        let started = clock.now
        if let stale = try store.lockForRun(LockHolder(pid: getpid(), since: startedAt)) {
            logger.warning("took over the lock of pid \(stale.pid) (since \(stale.since)), which is no longer running")
        }
        defer { store.unlockRun() }
        let number = try store.beginRun(RunStart(
            runID: runID, startedAt: startedAt, pid: getpid(), pipelineSHA256: config.fileSHA256,
            jianfuVersion: Self.version, asOf: config.settings.asOf.map { Period(.month, ordinal: $0).description }),
            reportsRunID: reportsInPlace)
        logger.info("run \(number) (\(runID)) with the state store \(store.location)")
        var end = RunEnd(outcome: .failed, exitCode: ExitStatus.failure, finishedAt: "")
        var committed = false
        do {
            try store.beginChanges()
            let ingestion = try ingest(into: store, run: number)
            let quality = DataQuality(sources: ingestion.reports.filter { $0.kind == .observations })
            end.sourcesRead = ingestion.manifest.values.filter(\.reread).count
            end.rowsRead = quality.rowsRead
            end.rowsRejected = quality.rowsRejected
            end.cellsRejected = quality.cellsRejected
            end.observations = quality.observations
            end.corrections = ingestion.manifest.values.reduce(0) { $0 + $1.corrections }
            let ledger = LedgerStage(pipeline: config.name, logger: logger)
            let corrections = try ledger.corrections(in: store, run: number)
            let outcome = try publish(ingestion, started: started, ingested: clock.now, store: store, corrections: corrections, annotate: { evaluation, run in
                run.spotCheck = try Self.spotCheck(for: evaluation, pipeline: config.name, store: store)
            }) { evaluation in
                try ledger.record(evaluation, in: store, run: number)
                if config.settings.asOf == nil {
                    // What `jianfu unit` ranks one unit against without evaluating every unit.
                    end.latestMonth = Windows.latestMonth(in: ingestion.table)
                    try store.saveScores(evaluation.units.map {
                        UnitScore(unitID: $0.unit.id, category: $0.unit.category, composite: $0.composite)
                    }, run: number)
                }
                var kept = end
                kept.outcome = .committed
                kept.exitCode = ExitStatus.success
                kept.finishedAt = Self.timestamp()
                try store.finishRun(number, kept)
                try store.commitChanges()
                committed = true
            }
            end.outcome = .ok
            end.exitCode = ExitStatus.success
            finish(number, end, in: store)
            return outcome
        } catch {
            end.exitCode = ExitStatus.code(for: error)
            if committed {
                end.outcome = .committedReportsFailed
                let error = RunError.reportsNotReplaced(reason: "\(error)")
                end.message = "\(error)"
                finish(number, end, in: store)
                throw error
            }
            store.rollbackChanges()
            end.outcome = end.exitCode == ExitStatus.dataQuality ? .dataQuality : .failed
            end.message = "\(error)"
            finish(number, end, in: store)
            throw error
        }
    }

    /// The id of the run whose reports are in the output folder (its marker), if any.
    var reportsInPlace: String? {
        let target = config.outputDirectory
        return ReportFolder.runID(in: ReportFolder.canonical(target))
    }

    /// Now, ISO 8601 UTC, as the run log stores times.
    static func timestamp() -> String {
        UTCTimestamp.string(Date())
    }

    /// The last spot-check list `jianfu sample` drew for the bulletin month of `evaluation`, for
    /// the written bulletin; `nil` when none was drawn.
    static func spotCheck(for evaluation: Evaluation, pipeline: String, store: any ObservationStore) throws -> [SpotCheckEntry]? {
        guard let log = store as? any SampleLog else { return nil }
        let month = evaluation.windows.evaluation.last
        let drawn = try log.sampledUnits(pipeline: pipeline, months: month...month)
        return drawn.isEmpty ? nil : drawn.map { SpotCheckEntry(unitID: $0.unitID, reason: SpotCheckReason.words(code: $0.reason)) }
    }

    /// Logs the end of a run; a store that cannot take it is a warning, not a second failure.
    private func finish(_ number: Int64, _ end: RunEnd, in store: any ObservationStore) {
        var end = end
        end.finishedAt = Self.timestamp()
        do {
            try store.finishRun(number, end)
        } catch {
            let settled = end.outcome == .ok ? " (the next run logs it ok: its reports are in place)" : ""
            logger.warning("cannot log the end of run \(number) in the store: \(error)\(settled)")
        }
    }
}
