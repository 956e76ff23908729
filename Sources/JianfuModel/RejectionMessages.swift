/// The words of a rejection (SPEC §5), in one place, as ArgumentParser's
/// `ErrorMessageGenerator` words its errors: in Chinese for people (the HTML report, the
/// results workbook) and in English for machines and the terminal (`rejected.csv`'s `message`,
/// `jianfu validate`). `docs/outputs.md` lists every sentence in both.
///
/// The English sentences are `rejected.csv`'s contract: they stay as they were, byte for byte.
/// A quoted value is cut after 60 characters (`'xxx…' (1048576 bytes)`) and its line breaks
/// shown as spaces, so that a sentence stays one readable line; the whole row is in `raw`.
package enum RejectionMessages {
    /// `rejected.csv`'s `message`: the sentence, after the sheet and cell of an `.xlsx` source
    /// (`乡镇!C7: 'abc' in documents is not a plain decimal number`).
    package static func english(_ r: Rejection) -> String {
        if case let .recorded(_, message) = r.problem { return message }
        let sentence = englishSentence(r)
        return r.cell.map { "\($0): \(sentence)" } ?? sentence
    }

    /// The English sentence alone, for a listing that names the place itself.
    package static func englishSentence(_ r: Rejection) -> String {
        let cell = r.isCell ? r.field : nil
        switch r.problem {
        case .unclosedQuote:
            return "a quoted field is not closed before the end of the file"
        case .textAfterClosingQuote:
            return "text follows a closing quote inside a field"
        case let .tooManyFields(limit, header):
            return "the row has more than \(limit) fields (the header has \(header))"
        case let .rowTooLong(bytes, limit):
            return "the row is \(bytes) bytes long, more than the \(limit >> 20) MiB a row may have (raw keeps its first \(limit >> 20) MiB)"
        case let .fieldCount(found, header, other):
            let hint = other.map { "; the row holds \(englishName(delimiter: $0)), which are not the source's delimiter" } ?? ""
            return "expected \(header) fields as in the header, found \(found)\(hint)"
        case .undecodable:
            return "the row holds bytes that are not text in the source's encoding (an invalid sequence or a NUL byte, shown as \u{FFFD} in raw); is encoding: right for this file?"
        case .emptyUnit:
            return "the unit id is empty"
        case let .unitListedTwice(unit, first, place):
            return "unit \(unit) is listed twice; the first (\(place ?? "line \(first)")) is kept"
        case let .unknownUnit(unit):
            return "unit \(quoted(unit)) is not in the units source"
        case let .unknownMetric(metric):
            return "metric \(quoted(metric)) is not declared in the pipeline"
        case let .badPeriod(raw, _):
            return "\(quoted(raw)) is not a period (expected e.g. 2024-03, 2024Q1 or 2024)"
        case let .wrongGranularity(raw, found, metric, expected):
            return "\(quoted(raw)) is a \(found) but \(metric) is reported by \(expected)"
        case let .futurePeriod(_, period, current):
            return "\(period) is later than the current month \(current)"
        case .emptyValue:
            return "the value is empty"
        case let .notANumber(value):
            return "\(quoted(value))\(cell.map { " in \($0)" } ?? "") is not a plain decimal number"
        case let .tooLarge(value):
            return "\(quoted(value))\(cell.map { " in \($0)" } ?? "") is too large (values stay below 10^15)"
        case let .negativeCount(value, metric):
            return "\(cell ?? metric) is a count and cannot be negative: \(quoted(value))"
        case let .duplicateValue(metric, first, place):
            return "\(cell ?? metric) for this unit and period was already given at \(place ?? "line \(first)"); the first is kept"
        case let .duplicateRow(first, place):
            return "this unit and period were already given at \(place ?? "line \(first)"); the first is kept"
        case let .recorded(_, message):
            return message
        }
    }

    /// The sentence for people, after the sheet and cell of an `.xlsx` source
    /// (`乡镇!B5：统计期 '2024-13' 无效（应为 2024-03 这样的月份）`). A rejection recorded before
    /// typed rejections has only its English sentence, which is shown instead.
    package static func chinese(_ r: Rejection) -> String {
        if case let .recorded(_, message) = r.problem { return message }
        let sentence = chineseSentence(r)
        return r.cell.map { "\($0)：\(sentence)" } ?? sentence
    }

    private static func chineseSentence(_ r: Rejection) -> String {
        // A wide row's cell is named by its column: "“发文数”列的数值 …".
        let column = r.isCell ? "“\(r.field)”列" : nil
        switch r.problem {
        case .unclosedQuote:
            return "带引号的字段直到文件末尾都没有闭合"
        case .textAfterClosingQuote:
            return "字段的右引号之后还有文字"
        case let .tooManyFields(limit, header):
            return "该行超过 \(limit) 个字段（表头有 \(header) 个）"
        case let .rowTooLong(bytes, limit):
            return "该行长 \(bytes) 字节，超过每行 \(limit >> 20) MiB 的上限（原始内容只保留前 \(limit >> 20) MiB）"
        case let .fieldCount(found, header, other):
            let hint = other.map { "；该行含有\(chineseName(delimiter: $0))，但它不是本数据源的分隔符" } ?? ""
            return "该行有 \(found) 个字段，表头有 \(header) 个\(hint)"
        case .undecodable:
            return "该行含有不符合数据源编码的字节（无效字节序列或 NUL 字节，原始内容中显示为 \u{FFFD}），请检查数据源的 encoding 设置"
        case .emptyUnit:
            return "单位代码为空"
        case let .unitListedTwice(unit, first, place):
            let line = place.map { " \($0) " } ?? "第 \(first) 行"
            return "单位 \(unit) 与\(line)重复，保留\(line)"
        case let .unknownUnit(unit):
            return "单位 \(quoted(unit, chinese: true)) 未在单位名单中"
        case let .unknownMetric(metric):
            return "指标 \(quoted(metric, chinese: true)) 未在流程文件中声明"
        case let .badPeriod(raw, expected):
            return "统计期 \(quoted(raw, chinese: true)) 无效（应为 \(example(expected)) 这样的\(chineseName(expected))）"
        case let .wrongGranularity(raw, found, metric, expected):
            return "统计期 \(quoted(raw, chinese: true)) 是\(chineseName(found))，但 \(metric) 按\(chineseUnit(expected))报送"
        case let .futurePeriod(_, period, current):
            return "统计期 \(period) 晚于当前月份 \(current)"
        case .emptyValue:
            return "数值为空"
        case let .notANumber(value):
            return "\(column.map { "\($0)的" } ?? "")数值 \(quoted(value, chinese: true)) 不是数字（应为 12 或 0.5 这样的写法）"
        case let .tooLarge(value):
            return "\(column.map { "\($0)的" } ?? "")数值 \(quoted(value, chinese: true)) 过大（须小于 10^15）"
        case let .negativeCount(value, metric):
            return "\(column ?? "指标 \(metric) ")是计数，数值 \(quoted(value, chinese: true)) 不能为负"
        case let .duplicateValue(_, first, place):
            let line = place.map { " \($0) " } ?? "第 \(first) 行"
            return "\(column ?? "")与\(line)重复（同一单位、指标、统计期），保留\(line)"
        case let .duplicateRow(first, place):
            let line = place.map { " \($0) " } ?? "第 \(first) 行"
            return "与\(line)重复（同一单位、统计期），保留\(line)"
        case let .recorded(_, message):
            return message
        }
    }

    /// How a delimiter is named in English sentences (here and in `IngestError`).
    package static func englishName(delimiter: String) -> String {
        switch delimiter {
        case "\t": "tabs"
        case "，": "full-width commas '，' (U+FF0C)"
        case "；": "full-width semicolons '；' (U+FF1B)"
        default: "'\(delimiter)'"
        }
    }

    private static func chineseName(delimiter: String) -> String {
        switch delimiter {
        case "\t": "制表符"
        case "，": "全角逗号“，”"
        case "；": "全角分号“；”"
        case ",": "逗号“,”"
        case ";": "分号“;”"
        default: "“\(delimiter)”"
        }
    }

    private static func chineseName(_ granularity: Granularity) -> String {
        switch granularity {
        case .month: "月份"
        case .quarter: "季度"
        case .year: "年份"
        }
    }

    /// 按月 / 按季度 / 按年.
    private static func chineseUnit(_ granularity: Granularity) -> String {
        switch granularity {
        case .month: "月"
        case .quarter: "季度"
        case .year: "年"
        }
    }

    private static func example(_ granularity: Granularity) -> String {
        switch granularity {
        case .month: "2024-03"
        case .quarter: "2024Q1"
        case .year: "2024"
        }
    }

    /// A field's text quoted for a sentence, on one line and cut after 60 characters
    /// (`'xxx…' (1048576 bytes)`, `'xxx…'（共 1048576 字节）`): the sentence stays readable, and
    /// the whole row is in `raw`.
    private static func quoted(_ text: String, chinese: Bool = false) -> String {
        let bytes = text.utf8.count
        var text = text
        var suffix = ""
        if bytes > 60, text.count > 60 {
            text = String(text.prefix(60))
            suffix = chinese ? "…'（共 \(bytes) 字节）" : "…' (\(bytes) bytes)"
        }
        if text.contains(where: \.isNewline) {
            text = String(text.map { $0.isNewline ? " " : $0 })
        }
        return suffix.isEmpty ? "'\(text)'" : "'\(text)\(suffix)"
    }
}
