import JianfuModel

/// Reads `categories:` (SPEC §2, 分类指导): per unit category, `targets`, `caps` and `weights`
/// that replace the metrics' own for units of that category. Each names declared metrics only,
/// and is checked as the metric's own `target`, `cap` and `weight` are (`MetricsSection`).
enum CategoriesSection {
    static let keys = ["targets", "caps", "weights"]

    /// The overrides per category, and where each category's key is written.
    static func read(_ node: ConfigNode?, metrics: [Metric]) throws -> (overrides: [String: CategoryOverride], keys: [ConfigKey]) {
        guard let node else { return ([:], []) }
        let mapping = try node.mapping("a mapping of unit categories to their targets, caps and weights")
        var categories: [String: CategoryOverride] = [:]
        for entry in mapping.entries {
            categories[entry.key] = try category(entry.value, metrics: metrics)
        }
        return (categories, mapping.entries.map { ConfigKey(file: node.file, line: $0.value.line, key: $0.key) })
    }

    /// Refuses a `categories:` entry that none of `units` has (`PipelineError.unusedCategory`,
    /// exit 2): a typo (`乡村` for `村`) would otherwise leave those units on the metrics' own
    /// targets without a word. Needs the units, so it runs once the units sources are read.
    static func checkUsed(_ keys: [ConfigKey], units: [MonitoredUnit]) throws {
        guard !keys.isEmpty else { return }
        var known: [String] = []
        var seen = Set<String>()
        for unit in units where !unit.category.isEmpty && seen.insert(unit.category).inserted { known.append(unit.category) }
        for key in keys where !seen.contains(key.key) {
            throw PipelineError.unusedCategory(
                file: key.file, line: key.line, category: key.key, known: known,
                suggestion: KeySuggestion.nearest(to: key.key, in: known))
        }
    }

    private static func category(_ node: ConfigNode, metrics: [Metric]) throws -> CategoryOverride {
        let settings = try node.mapping("a mapping with targets, caps and weights, e.g. {targets: {documents: 0.50}}")
        try settings.allowOnly(keys)
        let targets = try perMetric(settings["targets"], metrics: metrics) { node, metric in
            try MetricsSection.target(node, direction: metric.direction)
        }
        let caps = try perMetric(settings["caps"], metrics: metrics) { node, metric in
            try MetricsSection.cap(node, direction: metric.direction)
        }
        // CategoryOverride would let the cap win silently; a file that says both is ambiguous.
        if let both = metrics.first(where: { targets[$0.id] != nil && caps[$0.id] != nil }),
           let caps = try settings["caps"]?.mapping(), let cap = caps[both.id] {
            throw cap.invalid("either a target or a cap for \(both.id), not both", found: "cap \(cap.found)")
        }
        let weights = try perMetric(settings["weights"], metrics: metrics) { node, _ in try MetricsSection.weight(node) }
        return CategoryOverride(targets: targets, caps: caps, weights: weights)
    }

    /// A mapping of declared metric names to numbers read by `value`.
    private static func perMetric(
        _ node: ConfigNode?, metrics: [Metric], _ value: (ConfigNode, Metric) throws -> Double
    ) throws -> [String: Double] {
        guard let node else { return [:] }
        let mapping = try node.mapping("a mapping of metric names to numbers")
        var values: [String: Double] = [:]
        for entry in mapping.entries {
            guard let metric = metrics.first(where: { $0.id == entry.key }) else {
                throw mapping.unknownKey(entry, known: metrics.map(\.id))
            }
            values[metric.id] = try value(entry.value, metric)
        }
        return values
    }
}
