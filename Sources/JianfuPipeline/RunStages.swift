import JianfuIndicators
import JianfuModel
import JianfuReports

/// `jianfu run` as a composition of stages (docs/architecture.md "The stages of a run"), each a
/// function of what the stage before made:
///
///     PipelineConfig ─ingest→ Ingestion ─gate→ Ingestion ─evaluate→ Evaluated ─render→ Rendered ─publish→ Outcome
///
/// A run with a state store goes through the same stages; two of them differ: ingest syncs the
/// store (`StoreRun.ingest`: only the sources that changed are read, the grid comes from the
/// store) and publish commits the store's transaction before the swap (`StoreRun.commit`).
/// `StoreRun.logged` holds the store's run lock and logs the run around the stages.
extension PipelineRunner {
    /// The nightly job (SPEC §7 `run`): the loaded pipeline (`PipelineLoader.load`) through the
    /// stages; with a state store under its run lock and in its run log.
    package func run() throws -> Outcome {
        let clock = StageClock()
        try checkDropStored()
        guard let store = try config.state.openForWriting(pipeline: config.name) else {
            return try stages(store: nil, clock: clock)
        }
        return try StoreRun(runner: self, store: store).logged { try stages(store: $0, clock: clock) }
    }

    /// The stages in order; `store` is nil with `state: none`.
    func stages(store: StoreRun?, clock: StageClock) throws -> Outcome {
        var ingestion = try gate(store?.ingest() ?? ingest())
        clock.lap("ingest")
        let table = ingestion.takeTable()
        var evaluated = try evaluate(ingestion, table: consume table, store: store)
        if !readsSeries { evaluated.evaluation.dropSeries() }
        clock.lap("evaluate")
        // The store's writes (`StoreRun.stage`) go on beside the writers: neither reads what
        // the other writes, and the transaction is committed only once both are done.
        let storeWrites = store.map { store in Concurrently { [evaluated] in try store.stage(evaluated) } }
        let rendered: Rendered
        do {
            rendered = try render(evaluated, store: store)
        } catch {
            try? storeWrites?.wait()
            throw error
        }
        do {
            try storeWrites?.wait()
        } catch {
            rendered.folder.discard()
            throw error
        }
        clock.lap("render")
        let outcome = try publish(rendered, store: store)
        clock.lap("write")
        logger.info("took \(clock)")
        return outcome
    }

    /// Whether an output of the pipeline reads the evaluation's series: `series.csv`, the
    /// HTML pages' charts. Without one, the run lets the series go before writing.
    var readsSeries: Bool {
        (config.formats.contains(.csv) && config.writesSeries) || config.formats.contains(.html)
    }

    // MARK: The stages after ingest (ingest: `ingest()`, `StoreRun.ingest()`)

    /// The data-quality gate (SPEC §5): more rejected rows and cells than `max_rejected` allows
    /// stops the run (exit 3) before anything is evaluated or written; the rejected rows are
    /// listed beside the output folder (`DIR.rejected.csv`).
    func gate(_ ingestion: Ingestion) throws -> Ingestion {
        let quality = DataQuality(sources: ingestion.reports)
        if let limit = config.maxRejected, quality.rejectedShare > limit {
            let file = config.outputDirectory + ".rejected.csv"
            let written = writeRejectedBeside(ingestion.rejections, path: file)
            throw RunError.qualityGate(
                share: quality.rejectedShare, limit: limit, rejected: quality.rowsRejected + quality.cellsRejected,
                rowsRead: quality.rowsRead, rejectedFile: written ? file : nil)
        }
        return ingestion
    }

    /// The evaluate stage: the indicators (over the months up to `--as-of` when given), and
    /// what the writers need besides (`RunInfo`): the values this run replaced, and with a
    /// store the spot-check list drawn for the bulletin's month. The rectification ledger is
    /// made in the render stage, beside the writers that do not read it.
    ///
    /// The ingestion's table is `table` (taken out of it, so that its grid is freed once
    /// transposed).
    func evaluate(_ ingestion: Ingestion, table: consuming ObservationTable, store: StoreRun?) throws -> Evaluated {
        progress("computing the indicators")
        let evaluation = try evaluateListingRejected(ingestion, table: consume table, quality: DataQuality(sources: ingestion.reports))
        logger.info("evaluation \(evaluation.windows.current), baseline \(evaluation.windows.baseline): \(evaluation.units.count) units, \(evaluation.alerts.count) alerts")
        var run = makeRunInfo(ingestion)
        run.spotCheck = try store?.spotCheck(for: evaluation)
        run.replacedValues = ingestion.replaced
        if let first = config.bulletin.firstIssue, run.issue(evaluation) == nil {
            logger.warning("bulletin month \(evaluation.windows.current.lastMonth) is before first_issue \(first): the bulletin has no issue number (期号)")
        }
        return Evaluated(ingestion: ingestion, evaluation: evaluation, run: run)
    }

    /// The render stage: every output of `outputs.formats` written into a staging folder beside
    /// the report folder (`OutputDirectory`: refused when the report folder holds files jianfu did
    /// not write), concurrently, and flushed to disk with `outputs.sync`. The report folder is
    /// not touched yet.
    ///
    /// The rectification ledger against the store's earlier bulletins (`LedgerStage`) is made
    /// on a thread of its own meanwhile: the writers that do not read it
    /// (`ReportWriter.readsLedger`) start at once, the others wait for it. The evaluation
    /// rendered holds it (`RunInfo.ledger`).
    func render(_ evaluated: Evaluated, store: StoreRun?) throws -> Rendered {
        let evaluation = evaluated.evaluation
        let stage = LedgerStage(pipeline: config.name, logger: logger)
        let bulletins = store?.store
        let ledger = Concurrently { try stage.ledger(evaluation, store: bulletins) }
        do {
            return try render(evaluated, ledger: ledger)
        } catch {
            // The ledger reads the store: it is done before the run goes on to roll back.
            _ = try? ledger.wait()
            throw error
        }
    }

    private func render(_ evaluated: Evaluated, ledger: Concurrently<RectificationLedger.Result>) throws -> Rendered {
        let (evaluation, run) = (evaluated.evaluation, evaluated.run)
        // The writers that read the ledger last, so that the others have the cores while it is made.
        let all = writers(for: evaluation, hierarchy: evaluated.ingestion.hierarchy)
        let writers = all.filter { !$0.readsLedger } + all.filter(\.readsLedger)
        let folder = try OutputDirectory(target: config.outputDirectory, runID: runID, files: writers.map(\.fileName))
        let abandoned = folder.removeAbandonedStaging()
        for staging in abandoned.removed {
            logger.warning("removed \(staging), the staging folder of a run that was killed")
        }
        for staging in abandoned.left {
            logger.warning("left \(staging), the staging folder of a run that was killed: it holds files jianfu did not write")
        }
        progress("writing the reports")
        var ledgered = evaluated
        do {
            // Writers are independent and deterministic: run them on every core. A writer that
            // reads the ledger writes nothing when it could not be made; its error is thrown below.
            try folder.writeConcurrently(writers.map { writer in
                (writer.fileName, { out in
                    guard writer.readsLedger else { return writer.write(evaluation, run: run, to: out) }
                    guard let result = try? ledger.wait() else { return }
                    var run = run
                    run.ledger = result
                    writer.write(evaluation, run: run, to: out)
                })
            })
            ledgered.run.ledger = try ledger.wait()
            if config.syncOutputs { try folder.flush() }
        } catch {
            folder.discard()
            throw error
        }
        return Rendered(evaluated: ledgered, folder: folder)
    }

    /// The publish stage: with a store, the run's changes (`StoreRun.stage`, made beside the
    /// render stage) committed (`StoreRun.commit`); then the staging folder swapped into place
    /// atomically (`OutputDirectory.commit`). A failure before the swap leaves the previous
    /// report where it was.
    func publish(_ rendered: Rendered, store: StoreRun?) throws -> Outcome {
        do {
            try store?.commit()
            if let left = try rendered.folder.commit() {
                logger.warning("left \(left.folder), the previous report: it holds \(left.left.joined(separator: ", ")), which jianfu did not write")
            }
        } catch {
            rendered.folder.discard()
            throw error
        }
        let evaluated = rendered.evaluated
        return Outcome(evaluation: evaluated.evaluation, run: evaluated.run, outputDirectory: config.outputDirectory)
    }
}

/// What the evaluate stage makes: the indicators, what the writers need besides them, and the
/// ingestion they were computed from.
struct Evaluated {
    /// The ingestion, its table taken out (`Ingestion.takeTable`).
    let ingestion: Ingestion
    /// Its series dropped when no output reads them (`PipelineRunner.readsSeries`).
    var evaluation: Evaluation
    /// Its `ledger` is set by the render stage.
    var run: RunInfo
    /// The latest month with data (`Ingestion.latestMonth`).
    var latestMonth: Int? { ingestion.latestMonth }
}

/// What the render stage makes: the reports of `evaluated`, written into `folder`'s staging
/// folder and not yet in place.
struct Rendered {
    let evaluated: Evaluated
    let folder: OutputDirectory
}

/// How long each stage took, for the run's last log line (`took 1.20 s: ingest 0.80, …`).
final class StageClock: CustomStringConvertible {
    private let clock = ContinuousClock()
    private let started: ContinuousClock.Instant
    private var last: ContinuousClock.Instant
    private var laps: [(stage: String, took: Duration)] = []

    init() {
        started = clock.now
        last = started
    }

    /// Ends the lap of `stage`, which began when the one before ended.
    func lap(_ stage: String) {
        let now = clock.now
        laps.append((stage, now - last))
        last = now
    }

    /// `T s: STAGE T, …` up to the last lap.
    var description: String {
        "\(PipelineRunner.seconds(last - started)) s: " + laps.map { "\($0.stage) \(PipelineRunner.seconds($0.took))" }.joined(separator: ", ")
    }
}
