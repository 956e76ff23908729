/// A named band of composite scores (SPEC §2 `grades:`); the first whose `min` ≤ composite wins.
package struct Grade: Sendable, Equatable {
    package let name: String
    package let min: Double

    package init(name: String, min: Double) {
        self.name = name
        self.min = min
    }

    /// The default bands of SPEC §2.
    package static let defaults: [Grade] = [
        Grade(name: "好", min: 90), Grade(name: "较好", min: 75),
        Grade(name: "一般", min: 60), Grade(name: "差", min: 0),
    ]
}
