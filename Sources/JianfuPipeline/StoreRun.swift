import Foundation
import Glibc
import JianfuIndicators
import JianfuModel
import JianfuReports
import JianfuStore
import Logging

/// The state store's part of `run` (SPEC §7, §8): under the store's run lock, logged in the run
/// log, with every change to the store in one transaction that is committed only once the
/// reports are written (and before they are swapped into place). A run that fails — or is
/// killed — before the commit changes nothing in the store but its line in the run log, and
/// leaves the previous reports where they were; the next run starts from the last successful
/// one.
///
/// The run log says what happened: the commit logs the run `committed` in the same
/// transaction, the swap then makes it `ok`. A swap that fails after the commit is logged
/// `committed_reports_failed`; a run that ends after the commit without logging its end
/// (killed, or a full disk) is settled by the next run from the report folder's marker.
///
/// The stages are `PipelineRunner.stages`; a store run differs in its ingest stage (`ingest`)
/// and in publish committing the store (`commit`).
final class StoreRun {
    let runner: PipelineRunner
    let store: any ObservationStore
    /// The store's number of this run (from `logged`).
    private(set) var number: Int64 = 0
    /// This run's line in the run log, filled in as the stages go.
    private var end = RunEnd(outcome: .failed, exitCode: ExitStatus.failure, finishedAt: "")
    /// Whether the store's transaction is committed (the reports may still fail to go in place).
    private var committed = false

    init(runner: PipelineRunner, store: any ObservationStore) {
        self.runner = runner
        self.store = store
    }

    var config: PipelineConfig { runner.config }
    var logger: Logger { runner.logger }
    var ledger: LedgerStage { LedgerStage(pipeline: config.name, logger: logger) }

    /// `stages` under the store's run lock, in one transaction, logged in the run log: `ok` when
    /// they succeed, else how they failed (the transaction rolled back unless it was committed).
    func logged(_ stages: (StoreRun) throws -> PipelineRunner.Outcome) throws -> PipelineRunner.Outcome {
        if let stale = try store.lockForRun(LockHolder(pid: getpid(), since: runner.startedAt)) {
            logger.warning("took over the lock of pid \(stale.pid) (since \(stale.since)), which is no longer running")
        }
        defer { store.unlockRun() }
        number = try store.beginRun(RunStart(
            runID: runner.runID, startedAt: runner.startedAt, pid: getpid(), pipelineSHA256: config.fileSHA256,
            jianfuVersion: PipelineRunner.version, asOf: config.settings.asOf.map { Period(.month, ordinal: $0).description }),
            reportsRunID: runner.reportsInPlace)
        logger.info("run \(number) (\(runner.runID)) with the state store \(store.location)")
        do {
            try store.beginChanges()
            let outcome = try stages(self)
            end.outcome = .ok
            end.exitCode = ExitStatus.success
            finish(end)
            return outcome
        } catch {
            end.exitCode = ExitStatus.code(for: error)
            if committed {
                end.outcome = .committedReportsFailed
                let error = RunError.reportsNotReplaced(reason: "\(error)")
                end.message = "\(error)"
                finish(end)
                throw error
            }
            store.rollbackChanges()
            end.outcome = end.exitCode == ExitStatus.dataQuality ? .dataQuality : .failed
            end.message = "\(error)"
            finish(end)
            throw error
        }
    }

    /// The ingest stage of a store run (`StoreIngestion`): the sources that changed read into
    /// the store, the grid built from the whole store; the run log gets the run's totals, the
    /// ingestion the values this run replaced.
    func ingest() throws -> Ingestion {
        var ingestion = try runner.checked(StoreIngestion(runner: runner, store: store, run: number).ingest())
        end.sourcesRead = ingestion.manifest.sourcesReread
        end.quality = DataQuality(sources: ingestion.reports)
        end.corrections = ingestion.manifest.corrections
        ingestion.replaced = try ledger.corrections(in: store, run: number)
        return ingestion
    }

    /// The last spot-check list `jianfu sample` drew for the bulletin month of `evaluation`, for
    /// the written bulletin; `nil` when none was drawn.
    func spotCheck(for evaluation: Evaluation) throws -> [SpotCheckEntry]? {
        guard let log = store as? any SampleLog else { return nil }
        let month = evaluation.windows.current.last
        let drawn = try log.sampledUnits(pipeline: config.name, months: month...month)
        return drawn.isEmpty ? nil : drawn.map { SpotCheckEntry(unitID: $0.unitID, reason: SpotCheckReason.words(code: $0.reason)) }
    }

    /// What the run writes into the store besides its values, inside its transaction: the
    /// bulletin's alerts (the ledger's history) and, without `--as-of`, the units' scores
    /// (what `jianfu unit` ranks one unit against) and the latest month. Nothing the reports
    /// read: the run does it while the reports are written (`PipelineRunner.stages`), and
    /// `commit` makes it count once they are.
    func stage(_ evaluated: Evaluated) throws {
        let evaluation = evaluated.evaluation
        try ledger.record(evaluation, in: store, run: number)
        if config.settings.asOf == nil {
            end.latestMonth = evaluated.latestMonth
            try store.saveScores(evaluation.units.map {
                UnitScore(unitID: $0.unit.id, category: $0.unit.category, composite: $0.composite)
            }, run: number)
        }
    }

    /// The store's half of the publish stage, once the reports are written and `stage` is
    /// done: the run logged `committed`, and the transaction committed.
    func commit() throws {
        var kept = end
        kept.outcome = .committed
        kept.exitCode = ExitStatus.success
        kept.finishedAt = PipelineRunner.timestamp()
        try store.finishRun(number, kept)
        try store.commitChanges()
        committed = true
    }

    /// Logs the end of the run; a store that cannot take it is a warning, not a second failure.
    private func finish(_ end: RunEnd) {
        var end = end
        end.finishedAt = PipelineRunner.timestamp()
        do {
            try store.finishRun(number, end)
        } catch {
            let settled = end.outcome == .ok ? " (the next run logs it ok: its reports are in place)" : ""
            logger.warning("cannot log the end of run \(number) in the store: \(error)\(settled)")
        }
    }
}

extension PipelineRunner {
    /// The id of the run whose reports are in the output folder (its marker), if any.
    var reportsInPlace: String? {
        let target = config.outputDirectory
        return ReportFolder.runID(in: ReportFolder.canonical(target))
    }

    /// Now, ISO 8601 UTC, as the run log stores times.
    static func timestamp() -> String {
        UTCTimestamp.string(Date())
    }
}
