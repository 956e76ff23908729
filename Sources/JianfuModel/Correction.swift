/// A stored value a run replaced (SPEC §5 corrections, §6 `corrections.csv`): a source re-sent
/// a period it had sent before, with another value.
package struct Correction: Sendable, Equatable {
    package var unitID: String
    /// The metric id.
    package var metric: String
    /// The period at the metric's granularity (`2024-03`, `2024Q1`, `2024`).
    package var period: Period
    package var oldValue: Double
    package var newValue: Double
    /// The source that sent the new value.
    package var source: String
    /// The line of the new value in that source (the header is line 1); `nil` if the store no
    /// longer holds it.
    package var line: Int?
    /// The store's number of the run that replaced the value.
    package var run: Int64

    package init(unitID: String, metric: String, period: Period, oldValue: Double, newValue: Double, source: String, line: Int?, run: Int64) {
        self.unitID = unitID
        self.metric = metric
        self.period = period
        self.oldValue = oldValue
        self.newValue = newValue
        self.source = source
        self.line = line
        self.run = run
    }
}
