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
    /// killed — changes nothing in the store but its line in the run log, and leaves the
    /// previous reports where they were; the next run starts from the last successful one.
    func run(with store: any ObservationStore) throws -> Outcome {
        let clock = ContinuousClock()
        let started = clock.now
        if let stale = try store.lockForRun(LockHolder(pid: getpid(), since: startedAt)) {
            logger.warning("took over the lock of pid \(stale.pid) (since \(stale.since)), which is no longer running")
        }
        defer { store.unlockRun() }
        let number = try store.beginRun(RunStart(
            runID: runID, startedAt: startedAt, pid: getpid(), pipelineSHA256: config.fileSHA256,
            jianfuVersion: Self.version, asOf: config.settings.asOf.map { Period(.month, ordinal: $0).description }))
        logger.info("run \(number) (\(runID)) with the state store \(store.location)")
        var end = RunEnd(outcome: .failed, exitCode: ExitStatus.failure, finishedAt: "")
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
            let outcome = try publish(ingestion, started: started, ingested: clock.now, store: store, corrections: corrections) { evaluation in
                try ledger.record(evaluation, in: store, run: number)
                if config.settings.asOf == nil {
                    // What `jianfu unit` ranks one unit against without evaluating every unit.
                    end.latestMonth = Windows.latestMonth(in: ingestion.table)
                    try store.saveScores(evaluation.units.map {
                        UnitScore(unitID: $0.unit.id, category: $0.unit.category, composite: $0.composite)
                    }, run: number)
                }
                try store.commitChanges()
            }
            end.outcome = .ok
            end.exitCode = ExitStatus.success
            finish(number, end, in: store)
            return outcome
        } catch {
            store.rollbackChanges()
            end.exitCode = ExitStatus.code(for: error)
            end.outcome = end.exitCode == ExitStatus.dataQuality ? .dataQuality : .failed
            end.message = "\(error)"
            finish(number, end, in: store)
            throw error
        }
    }

    /// Logs the end of a run; a store that cannot take it is a warning, not a second failure.
    private func finish(_ number: Int64, _ end: RunEnd, in store: any ObservationStore) {
        var end = end
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        end.finishedAt = formatter.string(from: Date())
        do {
            try store.finishRun(number, end)
        } catch {
            logger.warning("cannot log the end of run \(number) in the store: \(error)")
        }
    }
}
