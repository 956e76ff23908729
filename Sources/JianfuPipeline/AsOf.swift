import JianfuModel

/// `--as-of YYYY-MM` (SPEC §3 "Windows"): the report a month would have had. `{months: N}`
/// windows end at that month (`EvaluationSettings.asOf`), and the periods after it are left out
/// of the table, so that series, stale alerts and charts stop there too. The values are today's:
/// a period corrected since then shows its corrected value (the old one is in the store's
/// `observation_history`).
package enum AsOf {
    /// The month ordinal of `--as-of`: a month in any SPEC §1 spelling (`2024-03`, `2024年3月`).
    package static func month(_ text: String) -> Int? {
        guard let period = PeriodParser.parse(text), period.granularity == .month else { return nil }
        return period.ordinal
    }

    /// A copy of `table` without the periods whose first month is after `month`; the same units
    /// in the same order, with their names.
    static func truncate(_ table: ObservationTable, throughMonth month: Int) -> ObservationTable {
        var kept = table
        kept.removePeriods(afterMonth: month)
        return kept
    }
}
