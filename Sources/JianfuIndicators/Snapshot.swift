import JianfuModel

extension ObservationTable {
    /// Every value, transposed unit by unit for evaluation (`DenseSeries`): the metrics are
    /// transposed (`denseSeries(metric:)`) on every core, each by one thread.
    func snapshot() -> DenseSeries {
        DenseSeries(metrics: .concurrentMap(count: metrics.count, blocks: metrics.count) { denseSeries(metric: $0) }, unitCount: unitCount)
    }
}
