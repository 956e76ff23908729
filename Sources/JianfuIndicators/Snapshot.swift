import Dispatch
import JianfuModel

extension ObservationTable {
    /// Every value, transposed unit by unit for evaluation (`DenseSeries`), on every core.
    /// The table is given up: its grids are released as they are transposed
    /// (`releasingDenseSeries`) when no copy shares them.
    consuming func snapshot() -> DenseSeries {
        let unitCount = self.unitCount
        return DenseSeries(metrics: releasingDenseSeries { count, body in
            withoutActuallyEscaping(body) { body in
                let shared = UncheckedTask(body: body)
                DispatchQueue.concurrentPerform(iterations: count) { shared.body($0) }
            }
        }, unitCount: unitCount)
    }
}

/// A task of `snapshot`'s transpose, run on several threads: each call writes its own part of
/// the series (by `releasingDenseSeries`'s contract).
private struct UncheckedTask: @unchecked Sendable {
    let body: (Int) -> Void
}
