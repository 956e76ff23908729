/// The 不反弹 rule (SPEC §2 `rebound:`): compare the last `months` periods with the `months`
/// before them; a rise above `threshold` is a rebound and costs `penalty` composite points.
package struct ReboundRule: Sendable, Equatable {
    package let months: Int
    package let threshold: Double
    package let penalty: Double

    package init(months: Int = 3, threshold: Double = 0.10, penalty: Double = 0) {
        self.months = months
        self.threshold = threshold
        self.penalty = penalty
    }
}
