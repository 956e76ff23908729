import Foundation
import JianfuModel

/// A fill-in workbook (填报模板, docs/templates.md): the sheet a reporting unit fills in and sends
/// back, laid out so that the pipeline's wide source reads it as it is — the header on the
/// source's `header_row` with the headers its `columns:` expects, one row per unit with its code,
/// name and the period filled in, one empty entry column per metric. The sheet is protected
/// (header and pre-filled cells locked, entry cells unlocked), its header frozen, and each entry
/// column checked by data validation (`Entry`). Laid out by `SpreadsheetML`, as `jianfu.xlsx`.
package struct FillInTemplate: Sendable {
    /// How a metric's cells may be filled in.
    package enum Entry: Sendable, Equatable {
        /// A count: a whole number ≥ 0 (SPEC §1: counts cannot be negative).
        case count
        /// A score on the SPEC §3 scale of an up metric: a number from 0 to 100.
        case score
        /// Any number within the values ingest accepts (below 10^15 either way).
        case number
    }

    /// One entry column.
    package struct MetricColumn: Sendable, Equatable {
        /// The header exactly as the source's `columns:` expects it (e.g. `发文数`).
        package var header: String
        /// The metric's label, for the prompt shown on its cells (e.g. `发文`).
        package var label: String
        /// The counting word, when the pipeline names one (`件`).
        package var countingWord: String?
        package var entry: Entry

        package init(header: String, label: String, countingWord: String? = nil, entry: Entry) {
            self.header = header
            self.label = label
            self.countingWord = countingWord
            self.entry = entry
        }
    }

    /// The sheet's name (the source's `sheet:` when it names one).
    package var sheetName: String
    /// The title on row 1, when `headerRow` leaves room for it.
    package var title: String
    /// The row of the header: the source's `header_row`.
    package var headerRow: Int
    /// The headers of the unit code, unit name and period columns, as `columns:` maps them.
    package var unitIDHeader: String
    package var unitNameHeader: String
    package var periodHeader: String
    /// The period every row reports, as ingest reads it (`2025-01`).
    package var period: String
    package var units: [(id: String, name: String)]
    package var metrics: [MetricColumn]

    package init(
        sheetName: String, title: String, headerRow: Int, unitIDHeader: String, unitNameHeader: String, periodHeader: String,
        period: String, units: [(id: String, name: String)], metrics: [MetricColumn]
    ) {
        self.sheetName = sheetName
        self.title = title
        self.headerRow = headerRow
        self.unitIDHeader = unitIDHeader
        self.unitNameHeader = unitNameHeader
        self.periodHeader = periodHeader
        self.period = period
        self.units = units
        self.metrics = metrics
    }

    /// The largest number a `.number` cell takes: ingest refuses values from 10^15 (SPEC §1).
    static let numberLimit = 999_999_999_999_999.0

    /// The sheet as `SpreadsheetML` lays it out.
    var sheet: SpreadsheetML.Sheet {
        let fixed = [unitIDHeader, unitNameHeader, periodHeader]
        let columns = (fixed + metrics.map(\.header)).map { SpreadsheetML.Column(id: $0, header: $0) }
        var above: [[SpreadsheetML.Cell]] = Array(repeating: [], count: max(headerRow - 1, 0))
        if !above.isEmpty { above[0] = [.text(title, .title)] }
        let checks: [(check: SpreadsheetML.Check, prompt: String)?] = fixed.map { _ in nil } + metrics.map { metric in
            let name = metric.label + (metric.countingWord.map { "（\($0)）" } ?? "")
            switch metric.entry {
            case .count: return (.whole(minimum: 0), "\(name)：不小于 0 的整数，没有填 0，不知道留空")
            case .score: return (.decimal(minimum: 0, maximum: 100), "\(name)：0 到 100 之间的分数")
            case .number: return (.decimal(minimum: -Self.numberLimit, maximum: Self.numberLimit), "\(name)：数字")
            }
        }
        var sheet = SpreadsheetML.Sheet(
            name: sheetName, columns: columns, form: SpreadsheetML.Form(above: above, checks: checks))
        sheet.rows = units.map { unit in
            [.text(unit.id), .text(unit.name), .text(period)] + metrics.map { _ in .blank(.entry) }
        }
        return sheet
    }

    /// The `.xlsx` bytes, dated `created` (the same template on the same date gives the same
    /// bytes).
    package func bytes(author: String, created: Date) -> [UInt8] {
        let stamp = UTCTimestamp.string(created)
        return OfficePackage.zip(
            SpreadsheetML.parts([sheet], title: title, author: author, created: stamp), modified: created, fileName: "填报模板")
    }
}
