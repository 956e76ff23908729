import JianfuIndicators
import JianfuModel

/// A table of units with their composite, grade and rank: the category ranking of the index
/// and the roll-up children of a unit page.
enum UnitListTable {
    static func render(
        _ units: [Int], evaluation: Evaluation, context: ReportContext, links: UnitLinks, showCategory: Bool
    ) -> HTMLNode {
        var titles = ["排名", "单位代码", "单位名称"]
        if showCategory { titles.append("类别") }
        titles += ["减负责任人", "综合得分", "等级", "反弹", "预警"]
        let numeric: Set<Int> = [0, titles.count - 4, titles.count - 2, titles.count - 1]
        return .el("table", .class("units")) {
            ReportPage.head(titles, numeric: numeric)
            HTMLNode.el("tbody") {
                for u in units {
                    let unit = evaluation.units[u]
                    let alerts = context.alertsByUnit[u].count
                    HTMLNode.el("tr", attributes: unit.isRollup ? [.class("rollup")] : []) {
                        ReportPage.cell(unit.rank.map(String.init) ?? DisplayNumber.missing, numeric: true)
                        ReportPage.cell(unit.unit.id)
                        HTMLNode.el("td", .class(ReportPage.nameClass("name", unit.unit.name))) {
                            links.unitName(u, in: evaluation)
                            if unit.isRollup { HTMLNode.el("span", .class("tag"), .title("含下级单位的汇总值")) { "汇总" } }
                        }
                        if showCategory { ReportPage.cell(ReportLabels.category(unit.unit.category)) }
                        ReportPage.cell(unit.unit.responsible, class: ReportPage.nameClass("person", unit.unit.responsible))
                        ReportPage.cell(DisplayNumber.score(unit.composite), numeric: true)
                        ReportPage.grade(unit.grade, grades: evaluation.settings.grades)
                        ReportPage.cell(String(unit.rebounds), numeric: true, class: unit.rebounds > 0 ? "bad" : nil)
                        ReportPage.cell(String(alerts), numeric: true, class: alerts > 0 ? "bad" : nil)
                    }
                }
            }
        }
    }

    /// Units sorted for a ranking: by rank, units without one last, then in output order.
    static func byRank(_ units: [Int], _ evaluation: Evaluation) -> [Int] {
        units.sorted { a, b in
            let ra = evaluation.units[a].rank ?? Int.max, rb = evaluation.units[b].rank ?? Int.max
            return ra != rb ? ra < rb : a < b
        }
    }
}

/// How a page names other units: as links to their pages (a full report), or as plain text
/// (a unit page written alone by `jianfu unit --html`).
enum UnitLinks {
    case from(PageLink.From)
    case none

    /// The name of unit `index` of `evaluation`, linked to its page or not.
    func unitName(_ index: Int, in evaluation: Evaluation) -> HTMLNode {
        let unit = evaluation.units[index].unit
        let name = unit.name.isEmpty ? unit.id : unit.name
        switch self {
        case .from(let from): return .el("a", .href(.unitPage(unit.id, index: index, from: from))) { name }
        case .none: return .text(name)
        }
    }
}
