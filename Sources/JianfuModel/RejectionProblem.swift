import Foundation

/// What was wrong with a rejected row or cell (SPEC §5), one case per sentence, carrying the
/// offending text as the file had it and whatever the sentence needs. Where the problem is
/// (source, line, column, cell) is the `Rejection`'s; the words are `RejectionMessages`'.
///
/// `id` is the stable `reason_id` of `rejected.csv`; `stored` is what a state store keeps, and
/// `init?(id:value:detail:)` reads it back.
package enum RejectionProblem: Sendable, Equatable {
    /// A quoted field not closed before the end of the file (RFC 4180: the rest is one field).
    case unclosedQuote
    /// Text after a field's closing quote (`"U1"x`).
    case textAfterClosingQuote
    /// More fields than the scanner keeps (`limit`); the header has `header`.
    case tooManyFields(limit: Int, header: Int)
    /// A row of `bytes` bytes, longer than the `limit` bytes a row may have.
    case rowTooLong(bytes: Int, limit: Int)
    /// `found` fields where the header has `header`; `otherDelimiter` when the row is one field
    /// holding a delimiter that is not the source's (`；`, a tab …).
    case fieldCount(found: Int, header: Int, otherDelimiter: String?)
    /// Bytes that are not text in the source's encoding, or a NUL byte.
    case undecodable
    /// The unit id is empty.
    case emptyUnit
    /// A units source lists `unit` a second time; the one at `firstLine` is kept. `firstPlace`
    /// names that line when `line N` would not (`城关镇!4:4` in an `.xlsx` source read with
    /// `sheets: all`), as in the two duplicate cases below.
    case unitListedTwice(unit: String, firstLine: Int, firstPlace: String? = nil)
    /// The unit (trimmed) is not in the units source.
    case unknownUnit(String)
    /// The metric (trimmed) is neither the id nor the label of a declared metric.
    case unknownMetric(String)
    /// The period is none of the SPEC §1 spellings; the metric is reported by `expected`.
    case badPeriod(String, expected: Granularity)
    /// The period is a `found` (`2019Q1`) but `metric` is reported by `expected`.
    case wrongGranularity(String, found: Granularity, metric: String, expected: Granularity)
    /// The period (spelled `raw` in the file) is later than `currentMonth`.
    case futurePeriod(String, period: Period, currentMonth: Period)
    /// The value of a long row is empty (in a wide row an empty cell is a missing value).
    case emptyValue
    /// The value is not a plain decimal number (SPEC §1 "Values").
    case notANumber(String)
    /// The value (trimmed) is 10^15 or more (`ValueParser.limit`).
    case tooLarge(String)
    /// The value (trimmed) is negative and `metric` is a count.
    case negativeCount(String, metric: String)
    /// `metric` of this unit and period was given already at `firstLine` (a long row, or a
    /// wide cell); the first is kept.
    case duplicateValue(metric: String, firstLine: Int, firstPlace: String? = nil)
    /// Every value of a wide row repeats the row at `firstLine` (same unit and period).
    case duplicateRow(firstLine: Int, firstPlace: String? = nil)
    /// A rejection stored before typed rejections (store schema 3, jianfu 0.2.0), or by a later one
    /// whose `reason_id` this one does not know: only its code and English sentence are known.
    case recorded(RejectionReason, message: String)

    /// The code of `rejected.csv`'s `reason` column.
    package var reason: RejectionReason {
        switch self {
        case .unclosedQuote, .textAfterClosingQuote, .tooManyFields, .rowTooLong, .fieldCount: .malformedRow
        case .undecodable: .undecodable
        case .emptyUnit: .emptyUnit
        case .unitListedTwice, .duplicateValue, .duplicateRow: .duplicateKey
        case .unknownUnit: .unknownUnit
        case .unknownMetric: .unknownMetric
        case .badPeriod: .badPeriod
        case .wrongGranularity: .wrongGranularity
        case .futurePeriod: .futurePeriod
        case .emptyValue: .emptyValue
        case .notANumber, .tooLarge: .badValue
        case .negativeCount: .negativeCount
        case let .recorded(reason, _): reason
        }
    }

    /// The stable id of this kind of problem, `rejected.csv`'s `reason_id`: the reason code, and
    /// after a dot which of its sentences when the code has several (`bad_value.too_large`).
    /// A recorded rejection has its code only.
    package var id: String {
        switch self {
        case .unclosedQuote: "malformed_row.unclosed_quote"
        case .textAfterClosingQuote: "malformed_row.text_after_quote"
        case .tooManyFields: "malformed_row.too_many_fields"
        case .rowTooLong: "malformed_row.too_long"
        case .fieldCount: "malformed_row.field_count"
        case .notANumber: "bad_value.not_a_number"
        case .tooLarge: "bad_value.too_large"
        case .duplicateValue: "duplicate_key.value"
        case .duplicateRow: "duplicate_key.row"
        case .unitListedTwice: "duplicate_key.unit"
        case .undecodable, .emptyUnit, .unknownUnit, .unknownMetric, .badPeriod, .wrongGranularity, .futurePeriod,
             .emptyValue, .negativeCount, .recorded:
            reason.rawValue
        }
    }

    /// Every id a problem can have, but a recorded one's: what `docs/outputs.md` lists.
    package static let ids: [String] = [
        "malformed_row.unclosed_quote", "malformed_row.text_after_quote", "malformed_row.too_many_fields",
        "malformed_row.too_long", "malformed_row.field_count", "undecodable", "empty_unit", "duplicate_key.unit",
        "unknown_unit", "unknown_metric", "bad_period", "wrong_granularity", "future_period", "empty_value",
        "bad_value.not_a_number", "bad_value.too_large", "negative_count", "duplicate_key.value", "duplicate_key.row",
    ]

    /// The offending text as the file had it (a unit id, a metric, a period, a value); empty
    /// when the problem is the row's shape or an empty field.
    package var value: String {
        switch self {
        case let .unitListedTwice(text, _, _), let .unknownUnit(text), let .unknownMetric(text), let .badPeriod(text, _),
             let .wrongGranularity(text, _, _, _), let .futurePeriod(text, _, _), let .notANumber(text), let .tooLarge(text),
             let .negativeCount(text, _):
            text
        case .unclosedQuote, .textAfterClosingQuote, .tooManyFields, .rowTooLong, .fieldCount, .undecodable, .emptyUnit,
             .emptyValue, .duplicateValue, .duplicateRow, .recorded:
            ""
        }
    }

    /// The columns a state store keeps (`rejections.reason_id`, `value`, `detail`), read back by
    /// `init?(id:value:detail:)`. A recorded problem is kept with id '' (with its code and
    /// English sentence in the store's own columns), so that it is read back as recorded.
    package var stored: (id: String, value: String, detail: String) {
        if case .recorded = self { return ("", "", "") }
        return (id, value, detail)
    }

    /// What a sentence needs beyond `value`, as a JSON object with sorted keys
    /// (`{"expected":"month","found":"quarter","metric":"documents"}`); empty when nothing.
    var detail: String {
        var d = Detail()
        switch self {
        case let .tooManyFields(limit, header): (d.limit, d.headerFields) = (limit, header)
        case let .rowTooLong(bytes, limit): (d.bytes, d.limit) = (bytes, limit)
        case let .fieldCount(found, header, other): (d.fields, d.headerFields, d.delimiter) = (found, header, other)
        case let .unitListedTwice(_, first, place): (d.firstLine, d.firstPlace) = (first, place)
        case let .badPeriod(_, expected): d.expected = expected.rawValue
        case let .wrongGranularity(_, found, metric, expected): (d.found, d.metric, d.expected) = (found.rawValue, metric, expected.rawValue)
        case let .futurePeriod(_, period, current): (d.period, d.currentMonth) = (period.description, current.description)
        case let .negativeCount(_, metric): d.metric = metric
        case let .duplicateValue(metric, first, place): (d.metric, d.firstLine, d.firstPlace) = (metric, first, place)
        case let .duplicateRow(first, place): (d.firstLine, d.firstPlace) = (first, place)
        case .unclosedQuote, .textAfterClosingQuote, .undecodable, .emptyUnit, .unknownUnit, .unknownMetric, .emptyValue,
             .notANumber, .tooLarge, .recorded:
            return ""
        }
        return (try? Self.encoder.encode(d)).map { String(decoding: $0, as: UTF8.self) } ?? ""
    }

    /// The problem a store kept as `stored`; nil when the id is '' or unknown, or the detail
    /// lacks what the id needs (the store then has only the code and the English sentence).
    package init?(id: String, value: String, detail: String) {
        let d = detail.isEmpty ? Detail() : (try? Self.decoder.decode(Detail.self, from: Data(detail.utf8)))
        guard let d else { return nil }
        switch id {
        case "malformed_row.unclosed_quote": self = .unclosedQuote
        case "malformed_row.text_after_quote": self = .textAfterClosingQuote
        case "malformed_row.too_many_fields":
            guard let limit = d.limit, let header = d.headerFields else { return nil }
            self = .tooManyFields(limit: limit, header: header)
        case "malformed_row.too_long":
            guard let bytes = d.bytes, let limit = d.limit else { return nil }
            self = .rowTooLong(bytes: bytes, limit: limit)
        case "malformed_row.field_count":
            guard let found = d.fields, let header = d.headerFields else { return nil }
            self = .fieldCount(found: found, header: header, otherDelimiter: d.delimiter)
        case "undecodable": self = .undecodable
        case "empty_unit": self = .emptyUnit
        case "duplicate_key.unit":
            guard let first = d.firstLine else { return nil }
            self = .unitListedTwice(unit: value, firstLine: first, firstPlace: d.firstPlace)
        case "unknown_unit": self = .unknownUnit(value)
        case "unknown_metric": self = .unknownMetric(value)
        case "bad_period":
            guard let expected = d.expected.flatMap(Granularity.init(rawValue:)) else { return nil }
            self = .badPeriod(value, expected: expected)
        case "wrong_granularity":
            guard let found = d.found.flatMap(Granularity.init(rawValue:)), let metric = d.metric,
                  let expected = d.expected.flatMap(Granularity.init(rawValue:)) else { return nil }
            self = .wrongGranularity(value, found: found, metric: metric, expected: expected)
        case "future_period":
            guard let period = d.period.flatMap(PeriodParser.parse), let current = d.currentMonth.flatMap(PeriodParser.parse) else { return nil }
            self = .futurePeriod(value, period: period, currentMonth: current)
        case "empty_value": self = .emptyValue
        case "bad_value.not_a_number": self = .notANumber(value)
        case "bad_value.too_large": self = .tooLarge(value)
        case "negative_count":
            guard let metric = d.metric else { return nil }
            self = .negativeCount(value, metric: metric)
        case "duplicate_key.value":
            guard let metric = d.metric, let first = d.firstLine else { return nil }
            self = .duplicateValue(metric: metric, firstLine: first, firstPlace: d.firstPlace)
        case "duplicate_key.row":
            guard let first = d.firstLine else { return nil }
            self = .duplicateRow(firstLine: first, firstPlace: d.firstPlace)
        default: return nil
        }
    }

    /// The fields of `detail`; absent keys are not written.
    private struct Detail: Codable {
        var metric: String?
        var firstLine: Int?
        var firstPlace: String?
        var found: String?
        var expected: String?
        var period: String?
        var currentMonth: String?
        var fields: Int?
        var headerFields: Int?
        var limit: Int?
        var bytes: Int?
        var delimiter: String?

        enum CodingKeys: String, CodingKey {
            case metric, found, expected, period, fields, limit, bytes, delimiter
            case firstLine = "first_line", firstPlace = "first_place", currentMonth = "current_month", headerFields = "header_fields"
        }
    }

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    private static let decoder = JSONDecoder()
}
