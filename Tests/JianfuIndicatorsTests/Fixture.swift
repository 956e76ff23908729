import JianfuIndicators
import JianfuModel

/// Small, readable data for the indicator tests: values by unit, metric and period spelling.
struct Fixture {
    var metrics: [Metric]
    var units: [MonitoredUnit]
    var table: ObservationTable

    init(metrics: [Metric], units: [MonitoredUnit]) {
        self.metrics = metrics
        self.units = units
        table = ObservationTable(metrics: metrics)
        for unit in units { _ = table.unitIndex(unit.id) }
    }

    /// Adds `values` (period spelling → value) for `unit` and `metric`.
    mutating func add(_ unit: String, _ metric: String, _ values: [String: Double]) {
        let m = metrics.firstIndex { $0.id == metric }!
        let u = table.unitIndex(unit)
        for (spelling, value) in values {
            let period = PeriodParser.parse(spelling)!
            _ = table.insert(metric: m, unit: u, ordinal: Int32(period.ordinal), value: value, source: 0, line: 2)
        }
    }

    func evaluate(_ settings: EvaluationSettings, deriveParents: Bool = false) throws -> Evaluation {
        let hierarchy = try Hierarchy(units: units, deriveFromCodes: deriveParents)
        return try #require(Evaluator.evaluate(table: table, units: units, hierarchy: hierarchy, settings: settings))
    }
}

/// Month ordinal of a `YYYY-MM` spelling.
func month(_ spelling: String) -> Int { PeriodParser.parse(spelling)!.ordinal }

/// The 2018 baseline window.
let baseline2018 = BaselineRule.window(MonthWindow(first: month("2018-01"), last: month("2018-12")))

import Testing

extension Evaluation {
    /// The indicators of `unit` for `metric`.
    func row(_ unit: String, _ metric: String) throws -> MetricIndicators {
        let u = try #require(units.firstIndex { $0.unit.id == unit })
        let m = try #require(metrics.firstIndex { $0.id == metric })
        return units[u].metrics[m]
    }

    func unit(_ id: String) throws -> UnitEvaluation {
        try #require(units.first { $0.unit.id == id })
    }
}
