/// Why a row or cell was not kept (SPEC §5). The raw value is the stable code written to
/// `rejected.csv`'s `reason` column, so dashboards can count by it; `RejectionProblem.id`
/// (`reason_id`) says which of the code's sentences it is.
package enum RejectionReason: String, Sendable, CaseIterable {
    case badPeriod = "bad_period"
    case wrongGranularity = "wrong_granularity"
    case futurePeriod = "future_period"
    case badValue = "bad_value"
    case negativeCount = "negative_count"
    case emptyValue = "empty_value"
    case emptyUnit = "empty_unit"
    case unknownMetric = "unknown_metric"
    case unknownUnit = "unknown_unit"
    case duplicateKey = "duplicate_key"
    case undecodable = "undecodable"
    case malformedRow = "malformed_row"
}

/// One rejected row or wide cell (SPEC §5): where it was, what was wrong with what, and the
/// row as it was in the file. A diagnostic, not a sentence: `RejectionMessages` words it, in
/// Chinese for people and in English for `rejected.csv` and the terminal.
package struct Rejection: Sendable, Equatable {
    package var source: String
    /// Physical line of the record's first line; the header is line 1.
    package var line: Int
    /// The column (as named in the file) the problem is in; empty when it is the whole row.
    package var field: String
    /// What was wrong, with the offending text and whatever a sentence about it needs.
    package var problem: RejectionProblem
    /// The row's text as decoded from the file (undecodable bytes shown as U+FFFD).
    package var raw: String
    /// True when this rejects one cell of a wide row, not the row.
    package var isCell: Bool
    /// In an `.xlsx` source, the sheet and cell (`乡镇!C7`) or the whole row (`乡镇!7:7`) as a
    /// spreadsheet names it; nil for a CSV or JSON source, whose `line` says where.
    package var cell: String?

    /// A rejection of the row at `line` of `source` (or of its cell in `field`, `isCell`).
    package init(source: String, line: Int, field: String, problem: RejectionProblem, raw: String, isCell: Bool = false, cell: String? = nil) {
        self.source = source
        self.line = line
        self.field = field
        self.problem = problem
        self.raw = raw
        self.isCell = isCell
        self.cell = cell
    }

    /// The stable code of `rejected.csv`'s `reason` column.
    package var reason: RejectionReason { problem.reason }
}
