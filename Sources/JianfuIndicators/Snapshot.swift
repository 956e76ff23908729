import JianfuModel

extension ObservationTable {
    /// Every value, transposed unit by unit for evaluation (`DenseSeries`), on every core.
    /// The table is given up: its grids are released as they are transposed
    /// (`releasingDenseSeries`) when no copy shares them.
    consuming func snapshot() -> DenseSeries {
        let unitCount = self.unitCount
        return DenseSeries(metrics: releasingDenseSeries(perform: onEveryCore), unitCount: unitCount)
    }
}
