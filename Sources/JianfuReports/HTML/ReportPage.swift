import JianfuIndicators
import JianfuModel

/// The frame shared by `index.html` and the unit pages: `lang="zh-CN"`, `<meta charset>`, the
/// inline style sheet, the masthead and the footer. No script, no external resource.
enum ReportPage {
    static func document(title: String, @HTMLBuilder body: () -> [HTMLNode]) -> HTMLNode {
        .el("html", HTMLAttribute("lang", "zh-CN")) {
            HTMLNode.el("head") {
                HTMLNode.el("meta", HTMLAttribute("charset", "utf-8"))
                HTMLNode.el("meta", HTMLAttribute("name", "viewport"), HTMLAttribute("content", "width=device-width, initial-scale=1"))
                HTMLNode.el("title") { title }
                HTMLNode.el("style") { HTMLNode.styleSheet(ReportStyle.css) }
            }
            HTMLNode.el("body") {
                HTMLNode.el("div", .class("page")) { body() }
            }
        }
    }

    /// The red-ruled bulletin head: a kicker line, the title, a line of facts.
    static func masthead(kicker: String, title: String, facts: [String]) -> HTMLNode {
        .el("header", .class("masthead")) {
            HTMLNode.el("div", .class("kicker")) { kicker }
            HTMLNode.el("h1") { title }
            HTMLNode.el("p", .class("meta")) {
                for fact in facts { HTMLNode.el("span") { fact } }
            }
        }
    }

    /// The head of an issued bulletin (通报, SPEC §6), laid out like a 简报 head: the title, the
    /// 期号 under it, the issuing office on the left and the date of issue on the right above the
    /// red rule; the facts (windows) under the rule.
    static func issueHead(title: String, issue: IssueNumber?, run: RunInfo, facts: [String]) -> [HTMLNode] {
        [
            .el("header", .class("masthead issue")) {
                HTMLNode.el("h1") { title }
                if let issue { HTMLNode.el("p", .class("issue-no")) { issue.description } }
                HTMLNode.el("div", .class("issue-line")) {
                    HTMLNode.el("span", .class("issuer")) { run.bulletin.issuer ?? "" }
                    HTMLNode.el("span", .class("issued"), .title(run.issuedAt.iso8601)) { run.issuedAt.chineseDate }
                }
            },
            .el("p", .class("meta facts")) {
                for fact in facts { HTMLNode.el("span") { fact } }
            },
        ]
    }

    /// The windows of a run, as the masthead states them.
    static func windowFacts(_ windows: Windows) -> [String] {
        [
            "评估期 " + span(windows.current),
            "基线 " + span(windows.baseline),
            "同比 " + span(windows.prior),
        ]
    }

    static func span(_ window: MonthWindow) -> String {
        "\(window.firstMonth) 至 \(window.lastMonth)"
    }

    /// Who made the page and from what: the only time shown is the run's start, in the
    /// bulletin's time zone (pages are deterministic otherwise).
    static func footer(run: RunInfo) -> HTMLNode {
        let file = run.pipelineFile.split(separator: "/").last.map(String.init) ?? run.pipelineFile
        return .el("footer", .class("footer")) {
            "由 jianfu \(run.jianfuVersion) 生成 · 流水线 \(run.pipelineName)（\(file)）· 运行 \(run.runID) · 开始于 \(run.issuedAt.reading)"
        }
    }

    /// A headline number with its label.
    static func figure(_ value: String, _ label: String, alert: Bool = false) -> HTMLNode {
        .el("div", .class(alert ? "figure alert" : "figure")) {
            HTMLNode.el("div", .class("value")) { value }
            HTMLNode.el("div", .class("label")) { label }
        }
    }

    /// A table cell; `numeric` right-aligns it.
    static func cell(_ text: String, numeric: Bool = false, class extra: String? = nil) -> HTMLNode {
        let cls = [numeric ? "num" : nil, extra].compactMap { $0 }.joined(separator: " ")
        return cls.isEmpty ? .el("td") { text } : .el("td", .class(cls)) { text }
    }

    /// The longest name (in characters) printed on one line whatever the column widths; a
    /// longer one may wrap, so that it cannot push the table past the page's right edge.
    static let oneLineLimit = 16

    /// `kind` for a cell holding a person's or unit's name, with ` one-line` when the name is
    /// ordinary (at most `oneLineLimit` characters): printed, such a name is never broken.
    static func nameClass(_ kind: String, _ text: String) -> String {
        text.count <= oneLineLimit ? kind + " one-line" : kind
    }

    /// A header row.
    static func head(_ titles: [String], numeric: Set<Int> = []) -> HTMLNode {
        .el("thead") {
            HTMLNode.el("tr") {
                for (i, title) in titles.enumerated() {
                    numeric.contains(i) ? HTMLNode.el("th", .class("num")) { title } : HTMLNode.el("th") { title }
                }
            }
        }
    }

    /// ✓ / ✗ / — for `met`, followed by `detail` when given (a roll-up's `5/6 单位在上限内`).
    static func met(_ met: Bool?, detail: String? = nil) -> HTMLNode {
        let suffix = detail.map { " " + $0 } ?? ""
        switch met {
        case true?: return .el("td", .class("good"), .title("达标")) { "✓" + suffix }
        case false?: return .el("td", .class("bad"), .title("未达标")) { "✗" + suffix }
        case nil: return cell(DisplayNumber.missing + suffix)
        }
    }

    /// The grade, coloured by its position among the pipeline's grades.
    static func grade(_ grade: Grade?, grades: [Grade]) -> HTMLNode {
        guard let grade else { return cell(DisplayNumber.missing) }
        let index = grades.firstIndex(of: grade) ?? 0
        return .el("td", .class("grade grade-\(min(index, 3))")) { grade.name }
    }
}
