import JianfuModel
import Testing

/// `RejectionMessages`: every kind of rejection in English (rejected.csv's `message`, unchanged
/// from before typed rejections) and in Chinese (the reports), written out by hand; and
/// `RejectionProblem.stored` read back by `init?(id:value:detail:)`, as a state store does.
@Suite struct RejectionMessagesTests {
    /// A long row's rejection (field `value`), or a wide cell's (`isCell`, field 发文数).
    static func row(_ problem: RejectionProblem, field: String = "value", cell: Bool = false) -> Rejection {
        Rejection(source: "counts", line: 5, field: field, problem: problem, raw: "U1,2019-13,documents,7", isCell: cell)
    }

    /// (problem, id, English, Chinese), one per sentence.
    static let cases: [(Rejection, String, String, String)] = [
        (row(.unclosedQuote, field: ""), "malformed_row.unclosed_quote",
         "a quoted field is not closed before the end of the file",
         "带引号的字段直到文件末尾都没有闭合"),
        (row(.textAfterClosingQuote, field: ""), "malformed_row.text_after_quote",
         "text follows a closing quote inside a field",
         "字段的右引号之后还有文字"),
        (row(.tooManyFields(limit: 4096, header: 4), field: ""), "malformed_row.too_many_fields",
         "the row has more than 4096 fields (the header has 4)",
         "该行超过 4096 个字段（表头有 4 个）"),
        // 4 MiB = 4 << 20 = 4194304 bytes.
        (row(.rowTooLong(bytes: 5_242_901, limit: 4_194_304), field: ""), "malformed_row.too_long",
         "the row is 5242901 bytes long, more than the 4 MiB a row may have (raw keeps its first 4 MiB)",
         "该行长 5242901 字节，超过每行 4 MiB 的上限（原始内容只保留前 4 MiB）"),
        (row(.fieldCount(found: 3, header: 4, otherDelimiter: nil), field: ""), "malformed_row.field_count",
         "expected 4 fields as in the header, found 3",
         "该行有 3 个字段，表头有 4 个"),
        (row(.fieldCount(found: 1, header: 4, otherDelimiter: "，"), field: ""), "malformed_row.field_count",
         "expected 4 fields as in the header, found 1; the row holds full-width commas '，' (U+FF0C), which are not the source's delimiter",
         "该行有 1 个字段，表头有 4 个；该行含有全角逗号“，”，但它不是本数据源的分隔符"),
        (row(.fieldCount(found: 1, header: 4, otherDelimiter: "\t"), field: ""), "malformed_row.field_count",
         "expected 4 fields as in the header, found 1; the row holds tabs, which are not the source's delimiter",
         "该行有 1 个字段，表头有 4 个；该行含有制表符，但它不是本数据源的分隔符"),
        (row(.undecodable, field: ""), "undecodable",
         "the row holds bytes that are not text in the source's encoding (an invalid sequence or a NUL byte, shown as \u{FFFD} in raw); is encoding: right for this file?",
         "该行含有不符合数据源编码的字节（无效字节序列或 NUL 字节，原始内容中显示为 \u{FFFD}），请检查数据源的 encoding 设置"),
        (row(.emptyUnit, field: "unit_id"), "empty_unit",
         "the unit id is empty",
         "单位代码为空"),
        (row(.unitListedTwice(unit: "U1", firstLine: 3), field: "unit_id"), "duplicate_key.unit",
         "unit U1 is listed twice; the first (line 3) is kept",
         "单位 U1 与第 3 行重复，保留第 3 行"),
        (row(.unknownUnit("X"), field: "unit_id"), "unknown_unit",
         "unit 'X' is not in the units source",
         "单位 'X' 未在单位名单中"),
        (row(.unknownMetric("meetings"), field: "metric"), "unknown_metric",
         "metric 'meetings' is not declared in the pipeline",
         "指标 'meetings' 未在流程文件中声明"),
        (row(.badPeriod("2019-13", expected: .month), field: "period"), "bad_period",
         "'2019-13' is not a period (expected e.g. 2024-03, 2024Q1 or 2024)",
         "统计期 '2019-13' 无效（应为 2024-03 这样的月份）"),
        (row(.badPeriod("2019Q5", expected: .quarter), field: "period"), "bad_period",
         "'2019Q5' is not a period (expected e.g. 2024-03, 2024Q1 or 2024)",
         "统计期 '2019Q5' 无效（应为 2024Q1 这样的季度）"),
        (row(.badPeriod("19", expected: .year), field: "period"), "bad_period",
         "'19' is not a period (expected e.g. 2024-03, 2024Q1 or 2024)",
         "统计期 '19' 无效（应为 2024 这样的年份）"),
        (row(.wrongGranularity("2019Q1", found: .quarter, metric: "documents", expected: .month), field: "period"), "wrong_granularity",
         "'2019Q1' is a quarter but documents is reported by month",
         "统计期 '2019Q1' 是季度，但 documents 按月报送"),
        // The period as parsed ("2099年1月" is 2099-01); the current month 2026-11.
        (row(.futurePeriod("2099年1月", period: Period(year: 2099, month: 1), currentMonth: Period(year: 2026, month: 11)), field: "period"),
         "future_period",
         "2099-01 is later than the current month 2026-11",
         "统计期 2099-01 晚于当前月份 2026-11"),
        (row(.emptyValue), "empty_value",
         "the value is empty",
         "数值为空"),
        (row(.notANumber("abc")), "bad_value.not_a_number",
         "'abc' is not a plain decimal number",
         "数值 'abc' 不是数字（应为 12 或 0.5 这样的写法）"),
        (row(.notANumber("abc"), field: "发文数", cell: true), "bad_value.not_a_number",
         "'abc' in 发文数 is not a plain decimal number",
         "“发文数”列的数值 'abc' 不是数字（应为 12 或 0.5 这样的写法）"),
        (row(.tooLarge("1000000000000000")), "bad_value.too_large",
         "'1000000000000000' is too large (values stay below 10^15)",
         "数值 '1000000000000000' 过大（须小于 10^15）"),
        (row(.tooLarge("1000000000000000"), field: "发文数", cell: true), "bad_value.too_large",
         "'1000000000000000' in 发文数 is too large (values stay below 10^15)",
         "“发文数”列的数值 '1000000000000000' 过大（须小于 10^15）"),
        (row(.negativeCount("-1", metric: "documents")), "negative_count",
         "documents is a count and cannot be negative: '-1'",
         "指标 documents 是计数，数值 '-1' 不能为负"),
        (row(.negativeCount("-2", metric: "documents"), field: "发文数", cell: true), "negative_count",
         "发文数 is a count and cannot be negative: '-2'",
         "“发文数”列是计数，数值 '-2' 不能为负"),
        (row(.duplicateValue(metric: "documents", firstLine: 12), field: ""), "duplicate_key.value",
         "documents for this unit and period was already given at line 12; the first is kept",
         "与第 12 行重复（同一单位、指标、统计期），保留第 12 行"),
        (row(.duplicateValue(metric: "documents", firstLine: 12), field: "发文数", cell: true), "duplicate_key.value",
         "发文数 for this unit and period was already given at line 12; the first is kept",
         "“发文数”列与第 12 行重复（同一单位、指标、统计期），保留第 12 行"),
        (row(.duplicateRow(firstLine: 12), field: ""), "duplicate_key.row",
         "this unit and period were already given at line 12; the first is kept",
         "与第 12 行重复（同一单位、统计期），保留第 12 行"),
    ]

    @Test func everyKindInEnglishAndChinese() {
        for (rejection, id, english, chinese) in Self.cases {
            #expect(rejection.problem.id == id)
            #expect(id.hasPrefix(rejection.reason.rawValue), "the id begins with the reason code: \(id)")
            #expect(RejectionMessages.english(rejection) == english)
            #expect(RejectionMessages.englishSentence(rejection) == english)
            #expect(RejectionMessages.chinese(rejection) == chinese)
        }
        // Every id is here, and listed.
        #expect(Set(Self.cases.map(\.1)) == Set(RejectionProblem.ids))
        #expect(RejectionProblem.ids.count == 19)
    }

    /// An .xlsx source's cell comes first: in rejected.csv as it always has, and in Chinese.
    @Test func aSheetCellComesFirst() {
        var r = Self.row(.badPeriod("2024-13", expected: .month), field: "period")
        r.cell = "乡镇!B5"
        #expect(RejectionMessages.english(r) == "乡镇!B5: '2024-13' is not a period (expected e.g. 2024-03, 2024Q1 or 2024)")
        #expect(RejectionMessages.englishSentence(r) == "'2024-13' is not a period (expected e.g. 2024-03, 2024Q1 or 2024)")
        #expect(RejectionMessages.chinese(r) == "乡镇!B5：统计期 '2024-13' 无效（应为 2024-03 这样的月份）")
    }

    /// A value is cut after 60 characters with its length in bytes, and its line breaks shown as
    /// spaces. 61 × "9" is 61 bytes; "南" is 3 bytes, so 61 × "南" is 183.
    @Test func longAndMultiLineValuesStayOnOneShortLine() {
        let nines = String(repeating: "9", count: 61)
        let sixty = String(repeating: "9", count: 60)
        #expect(RejectionMessages.english(Self.row(.tooLarge(nines))) == "'\(sixty)…' (61 bytes) is too large (values stay below 10^15)")
        #expect(RejectionMessages.chinese(Self.row(.tooLarge(nines))) == "数值 '\(sixty)…'（共 61 字节） 过大（须小于 10^15）")
        let nan = String(repeating: "南", count: 61)
        #expect(RejectionMessages.english(Self.row(.notANumber(nan))) == "'\(String(repeating: "南", count: 60))…' (183 bytes) is not a plain decimal number")
        // Exactly 60 characters: not cut.
        #expect(RejectionMessages.english(Self.row(.notANumber(sixty))) == "'\(sixty)' is not a plain decimal number")
        #expect(RejectionMessages.english(Self.row(.notANumber("南\n山"))) == "'南 山' is not a plain decimal number")
        #expect(RejectionMessages.chinese(Self.row(.notANumber("南\r\n山"))) == "数值 '南 山' 不是数字（应为 12 或 0.5 这样的写法）")
    }

    /// What a store keeps reads back as the same problem, for every kind.
    @Test func storedFieldsReadBack() {
        for (rejection, id, _, _) in Self.cases {
            let stored = rejection.problem.stored
            #expect(stored.id == id)
            #expect(RejectionProblem(id: stored.id, value: stored.value, detail: stored.detail) == rejection.problem, "\(id)")
        }
        let granularity = RejectionProblem.wrongGranularity("2019Q1", found: .quarter, metric: "documents", expected: .month).stored
        #expect(granularity.value == "2019Q1")
        #expect(granularity.detail == #"{"expected":"month","found":"quarter","metric":"documents"}"#)
        let future = RejectionProblem.futurePeriod(" 2099-1 ", period: Period(year: 2099, month: 1), currentMonth: Period(year: 2026, month: 11)).stored
        #expect(future.value == " 2099-1 " && future.detail == #"{"current_month":"2026-11","period":"2099-01"}"#)
        let empty = RejectionProblem.emptyValue.stored
        #expect(empty.id == "empty_value" && empty.value.isEmpty && empty.detail.isEmpty)
    }

    /// A row of an older store (reason_id '') or of an unknown kind is not read as a problem: the
    /// store keeps it as recorded, with its English sentence, which both languages show.
    @Test func recordedRejectionsKeepTheirSentence() {
        #expect(RejectionProblem(id: "", value: "", detail: "") == nil)
        #expect(RejectionProblem(id: "bad_value.too_pink", value: "x", detail: "") == nil)
        #expect(RejectionProblem(id: "bad_period", value: "2019-13", detail: "") == nil, "no expected granularity")
        #expect(RejectionProblem(id: "bad_period", value: "2019-13", detail: "{not json") == nil)
        let old = Self.row(.recorded(.badPeriod, message: "'2019-13' is not a period (expected e.g. 2024-03, 2024Q1 or 2024)"), field: "period")
        #expect(old.reason == .badPeriod && old.problem.id == "bad_period")
        #expect(RejectionMessages.english(old) == "'2019-13' is not a period (expected e.g. 2024-03, 2024Q1 or 2024)")
        #expect(RejectionMessages.chinese(old) == "'2019-13' is not a period (expected e.g. 2024-03, 2024Q1 or 2024)")
        // Kept again, it stays recorded: no id, so a store does not read '' as a unit.
        #expect(old.problem.stored.id == "")
        #expect(Self.row(.recorded(.unknownUnit, message: "unit 'X' is not in the units source")).problem.stored.id == "")
    }
}
