import JianfuIndicators
import JianfuModel

/// The rectification ledger (整改台账, SPEC §6) as the writers read it beside an evaluation:
/// the entry of each alert (by its index in `evaluation.alerts`), the resolved ones, the units
/// they name, and the order the HTML and the written bulletin list alerts in.
struct LedgerView {
    let result: RectificationLedger.Result?
    let evaluation: Evaluation
    /// Unit id → index in `evaluation.units`, ids compared as bytes (`UnitKey`).
    private let unitIndices: [UnitKey: Int]

    init(_ result: RectificationLedger.Result?, evaluation: Evaluation) {
        // The ledger's open entries are one per alert, in the evaluation's order
        // (`RectificationLedger.keys(of:)`); any other ledger is not this evaluation's.
        self.result = result?.open.count == evaluation.alerts.count ? result : nil
        self.evaluation = evaluation
        // Only resolved alerts look units up by id; without any, no index is needed.
        var indices: [UnitKey: Int] = [:]
        if !(self.result?.resolved.isEmpty ?? true) {
            indices.reserveCapacity(evaluation.units.count)
            for (i, unit) in evaluation.units.enumerated() where indices[UnitKey(unit.unit.id)] == nil { indices[UnitKey(unit.unit.id)] = i }
        }
        unitIndices = indices
    }

    var isPresent: Bool { result != nil }

    /// Whether there was an earlier bulletin to compare with (with `state: none` there is none,
    /// and every alert is `new` for want of history).
    var hasPrevious: Bool { result?.previousMonth != nil }

    func entry(ofAlert a: Int) -> RectificationLedger.Entry? { result?.open[a] }

    /// The entry of each alert, by its index in `evaluation.alerts`; `nil` without a ledger.
    /// For a writer with a row per alert, to read fields in place rather than copy entries.
    var alertEntries: [RectificationLedger.Entry]? { result?.open }

    var resolved: [RectificationLedger.Entry] { result?.resolved ?? [] }

    /// The unit of this evaluation with id `id` (a resolved alert's unit may be gone).
    func unit(_ id: String) -> MonitoredUnit? {
        unitIndex(id).map { evaluation.units[$0].unit }
    }

    /// The index in `evaluation.units` of the unit with this id (ids compared as bytes).
    func unitIndex(_ id: String) -> Int? {
        unitIndices[UnitKey(id)]
    }

    /// `alerts` (indices into `evaluation.alerts`) with the longest-open first, the order given
    /// otherwise.
    func longOpenFirst(_ alerts: [Int]) -> [Int] {
        guard let result else { return alerts }
        return alerts.enumerated().sorted { x, y in
            let (a, b) = (result.open[x.element].monthsOpen, result.open[y.element].monthsOpen)
            return a != b ? a > b : x.offset < y.offset
        }.map(\.element)
    }

    /// `2024-03`.
    static func month(_ ordinal: Int) -> String { Period(.month, ordinal: ordinal).description }

    /// 新增 / 持续 / 已整改.
    static func statusLabel(_ status: RectificationLedger.Status) -> String {
        switch status {
        case .new: "新增"
        case .persisting: "持续"
        case .resolved: "已整改"
        }
    }
}
