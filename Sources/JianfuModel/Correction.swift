/// A stored value a run replaced (SPEC §5 corrections, §6 `corrections.csv`): a source re-sent
/// a period it had sent before, with another value.
public struct Correction: Sendable, Equatable {
    public var unitID: String
    /// The metric id.
    public var metric: String
    /// The period at the metric's granularity (`2024-03`, `2024Q1`, `2024`).
    public var period: Period
    public var oldValue: Double
    public var newValue: Double
    /// The source that sent the new value.
    public var source: String
    /// The line of the new value in that source (the header is line 1); `nil` if the store no
    /// longer holds it.
    public var line: Int?
    /// The store's number of the run that replaced the value.
    public var run: Int64

    public init(unitID: String, metric: String, period: Period, oldValue: Double, newValue: Double, source: String, line: Int?, run: Int64) {
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
