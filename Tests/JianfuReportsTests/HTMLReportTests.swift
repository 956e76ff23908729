import JianfuIndicators
import JianfuModel
import JianfuReports
import Testing

/// SPEC §6 `index.html` and unit pages: the right numbers in the right places, escaping,
/// no network URL, every unit page linked, one chart point per value.
@Suite struct HTMLReportTests {
    let fixture: ReportFixture

    init() throws { fixture = try ReportFixture() }

    @Test func headlineRowShowsTheTotalsAndRates() throws {
        let row = try element("<tr id=\"headline-documents\">", in: fixture.index())
        // Leaf levels summed: baseline 20 + 10 + 6 = 36; current 11 + 6 + 3 = 20;
        // reduction (36 − 20) / 36 = 44.44… % → 44.4 %; prior 10 + 6 = 16 (V3 silent in 2023);
        // 同比 (20 − 16) / 16 = +25.0 % (a break of 只减不增, so marked bad).
        #expect(row.contains("<td class=\"num\">36</td><td class=\"num\">20</td>"))
        #expect(row.contains("<td class=\"num rate\">44.4%</td>"))
        #expect(row.contains("<td class=\"num\">16</td>"))
        #expect(row.contains("<td class=\"num yoy bad\">+25.0%</td>"))
        #expect(row.contains("<td>减少 ≥ 30.0%</td>"))
        // Met: V1 45 %, V2 40 %, V3 50 %, T1 and C (roll-ups) too → 5 of 5.
        #expect(row.contains("<td class=\"num met\">5 / 5</td>"))
        // Rebounds: V2 (9 vs 5), and the roll-ups T1 and C: L = 11 + 9 = 20 (V3 silent),
        // P = mean(11 + 5 + 3, 11 + 5 + 3, 11 + 5) = 18 → (20 − 18) / 18 = 11.1 % > 10 % → 3.
        #expect(row.contains("<td class=\"num bad\">3</td>"))
        // Bulletin figures (2024-12), per month the leaves that reported it, summed:
        // December V1 11 + V2 9 = 20 (V3 silent, not counted as 0); November 11 + 9 = 20 → 环比 0.0 %;
        // 1—12月累计 V1 11 × 12 + V2 (5 × 9 + 9 × 3) + V3 3 × 8 = 132 + 72 + 24 = 228;
        // 2023 V1 10 × 12 + V2 6 × 12 = 192 → 累计同比 (228 − 192) / 192 = +18.75 % → +18.8 %, bad.
        #expect(row.contains("<td class=\"num\">20</td><td class=\"num\">0.0%</td><td class=\"num\">228</td><td class=\"num bad\">+18.8%</td></tr>"))
        let head = try element("<table class=\"headline\">", in: fixture.index())
        #expect(head.contains("<th class=\"num\">12月</th><th class=\"num\">环比</th><th class=\"num\">1—12月累计</th><th class=\"num\">累计同比</th>"))
        // The note counts the unit missing December (V3) and the one missing a month of 1—12月.
        #expect(fixture.index().contains("发文：12月 1 个基层单位未报送，1—12月 1 个基层单位有月份未报送"))
    }

    @Test func oneFigcaptionPerFigure() throws {
        let index = fixture.index()
        let figures = index.matches(of: /<figure[^>]*>.*?<\/figure>/.dotMatchesNewlines())
        #expect(figures.count == ReportFixture.metrics.count)
        for figure in figures {
            #expect(figure.0.matches(of: /<figcaption/).count == 1, "\(figure.0.prefix(200))")
        }
        // The rebound list (documents: V2, T1, C) and the cap note sit inside the one caption.
        let documents = try element("<figcaption>", in: element("<figure id=\"trend-documents\">", in: index))
        #expect(documents.contains("反弹单位 3 个："))  // V2 and the roll-ups T1 and C
        let secondments = try element("<figcaption>", in: element("<figure id=\"trend-secondments\">", in: index))
        #expect(secondments.contains("上限按单位考核"))
    }

    @Test func rollUpCapIsJudgedPerUnit() throws {
        // T1's secondments: summed 2 (V1 alone reports them), judged unit by unit: V1 2 > cap 1,
        // the only unit with a level → 0 of 1 within, score 0.
        let row = try element("<tr id=\"metric-secondments\">", in: fixture.unitPage("T1"))
        #expect(row.contains("<td>每单位 ≤ 1</td><td class=\"bad\" title=\"未达标\">✗ 0/1 单位在上限内</td><td class=\"num\">0.0</td>"))
        let alerts = try element("<table class=\"alerts\">", in: fixture.unitPage("T1"))
        #expect(alerts.contains("1 个单位超出上限") && alerts.contains("每单位 ≤ 其类别上限"))
        // No cap line over a roll-up's summed series.
        #expect(!(try element("<figure id=\"trend-secondments\">", in: fixture.unitPage("T1"))).contains("上限 1</text>"))
    }

    @Test func meanMetricsShowTheMeanOfTheLeaves() throws {
        let row = try element("<tr id=\"headline-survey\">", in: fixture.index())
        // Survey baseline (70 + 72) / 2 = 71, current (85 + 75) / 2 = 80; no reduction rate for up.
        #expect(row.contains("<td class=\"num\">71</td><td class=\"num\">80</td><td class=\"num rate\">—</td>"))
        // No bulletin figures for a mean: four empty cells.
        #expect(row.hasSuffix(String(repeating: "<td class=\"num\">—</td>", count: 4) + "</tr>"))
    }

    @Test func unitPageShowsItsIndicators() throws {
        let row = try element("<tr id=\"metric-documents\">", in: fixture.unitPage("V1"))
        // V1: baseline 20, current 11, change −9, reduction (20 − 11) / 20 = 45.0 %,
        // prior 10, 同比 (11 − 10) / 10 = +10.0 %, met, score 100.
        #expect(row.contains("<td class=\"num\">20</td><td class=\"num\">11</td><td class=\"num\">-9</td><td class=\"num rate\">45.0%</td>"))
        #expect(row.contains("<td class=\"num yoy bad\">+10.0%</td>"))
        #expect(row.contains("<td class=\"good\" title=\"达标\">✓</td><td class=\"num\">100.0</td>"))
        let cap = try element("<tr id=\"metric-secondments\">", in: fixture.unitPage("V1"))
        // Secondments: current 2 > cap 1 → not met, score 100 · 1 / 2 = 50.
        #expect(cap.contains("<td>≤ 1</td><td class=\"bad\" title=\"未达标\">✗</td><td class=\"num\">50.0</td>"))
    }

    @Test func everyDataStringIsEscaped() throws {
        let pages = try [fixture.index(), fixture.unitPage("V1"), fixture.unitPage("T1")]
        for html in pages {
            #expect(!html.contains(ReportFixture.scriptName))
            #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
            #expect(!html.contains("<script"))
            #expect(!html.contains("<b>减负</b>"))
            #expect(html.contains("测试县 &lt;b&gt;减负&lt;/b&gt;"))
        }
        let index = fixture.index()
        #expect(index.contains("张三 &amp; &quot;李四&quot;") || index.contains("张三 &amp; \"李四\""))
        #expect(!index.contains("<img"))
        #expect(index.contains("V1,&lt;img src=x onerror=alert(2)&gt;,2019-13,5"))
    }

    @Test func noNetworkURLAnywhere() throws {
        let pages = try [fixture.index()] + ReportFixture.units.map { try fixture.unitPage($0.id) }
        let link = /(?:src|href)\s*=\s*"([^"]*)"/
        for html in pages {
            for match in html.matches(of: link) {
                let url = String(match.1).lowercased()
                #expect(!url.hasPrefix("http:") && !url.hasPrefix("https:") && !url.hasPrefix("//") && !url.contains(":"), "\(url)")
            }
            #expect(!html.contains("http://") && !html.contains("https://"))
            #expect(!html.contains("@import") && !html.contains("url("))
        }
    }

    @Test func everyUnitPageIsLinkedFromTheIndexAndLinksBack() throws {
        let index = fixture.index()
        let pages = UnitPageWriter.pages(for: fixture.evaluation, hierarchy: fixture.hierarchy)
        #expect(pages.count == ReportFixture.units.count)
        #expect(Set(pages.map(\.fileName)).count == pages.count)
        for page in pages {
            #expect(page.fileName.hasPrefix("units/") && page.fileName.hasSuffix(".html"))
            #expect(index.contains("href=\"\(page.fileName)\""), "\(page.fileName) not linked")
            let id = fixture.evaluation.units[page.unitIndex].unit.id
            #expect(try fixture.unitPage(id).contains("href=\"../index.html\""))
        }
        // The unsafe id gets a safe file name, used by the file and by the links alike.
        let unsafe = try #require(pages.first { fixture.evaluation.units[$0.unitIndex].unit.id == ReportFixture.unsafeID })
        // V/2 ä: V 56, / 2F, 2, space 20, ä C3 A4.
        #expect(unsafe.fileName == "units/~56~2f2~20~c3~a4.html")
        // T1's page links its three children, in the same folder.
        let t1 = try fixture.unitPage("T1")
        for child in ["~561.html", "~56~2f2~20~c3~a4.html", "~563.html"] {
            #expect(t1.contains("href=\"\(child)\""))
        }
    }

    @Test func chartsHaveOnePointPerValue() throws {
        // V1 documents: 12 (2018) + 12 (2023) + 12 (2024) values.
        let figure = try element("<figure id=\"trend-documents\">", in: fixture.unitPage("V1"))
        let points = try #require(figure.firstMatch(of: /<polyline class="series" points="([^"]*)"/))
        #expect(points.1.split(separator: " ").count == 36)
        #expect(figure.contains("viewBox=\"0 0 580 250\" width=\"580\" height=\"250\""))
        // Its target line: baseline 20 · (1 − 0.30) = 14, and the dashed baseline at 20.
        #expect(figure.contains("目标 14</text>"))
        #expect(figure.contains("基线 20</text>"))
        #expect(!figure.contains("band-rebound"))
        // The index's documents chart sums the leaves per month: 2018, 2023 and 2024 → 36 points.
        let total = try element("<figure id=\"trend-documents\">", in: fixture.index())
        let totalPoints = try #require(total.firstMatch(of: /<polyline class="series" points="([^"]*)"/))
        #expect(totalPoints.1.split(separator: " ").count == 36)
    }

    @Test func reboundIsMarked() throws {
        let figure = try element("<figure id=\"trend-documents\">", in: fixture.unitPage(ReportFixture.unsafeID))
        // L = 9 vs P = 5 → +80.0 %; the last 3 periods are ringed.
        #expect(figure.contains("class=\"band-rebound\""))
        #expect(figure.contains(">反弹 +80.0%</text>"))
        #expect(figure.matches(of: /class="dot rebound-dot"/).count == 3)
    }

    @Test func alertsStaleUnitsAndDataQuality() throws {
        let index = fixture.index()
        let alerts = try element("<table class=\"alerts with-unit\">", in: index)
        #expect(alerts.contains("未达目标") && alerts.contains("超出上限") && alerts.contains("反弹"))
        #expect(alerts.contains("<td class=\"person one-line\">张三 &amp; &quot;李四&quot;</td>")
            || alerts.contains("<td class=\"person one-line\">张三 &amp; \"李四\"</td>"))
        let stale = try element("<table class=\"stale\">", in: index)
        // V3 last reported 2024-08; the window ends 2024-12 → 4 months.
        #expect(stale.contains("石桥村") && stale.contains("<td>2024-08</td>") && stale.contains(">4</td>"))
        let sources = try element("<table class=\"sources\">", in: index)
        // 120 read, 2 rejected → 118 accepted.
        #expect(sources.contains("<td class=\"num\">120</td><td class=\"num\">118</td><td class=\"num bad\">2</td>"))
        let rejected = try element("<table class=\"rejected\">", in: index)
        #expect(rejected.contains("bad_period") && rejected.contains("unknown_unit") && rejected.contains("<td>整行</td>"))
        // The reasons in Chinese (RejectionMessages), not rejected.csv's English.
        #expect(rejected.contains("<td>统计期 '2019-13' 无效（应为 2024-03 这样的月份）</td>"), "\(rejected)")
        #expect(rejected.contains("<td>单位 'X' 未在单位名单中</td>"), "\(rejected)")
        #expect(!rejected.contains("is not"), "\(rejected)")
    }

    @Test func pagesAreSelfContainedAndPrintable() throws {
        for html in try [fixture.index(), fixture.unitPage("V1")] {
            #expect(html.hasPrefix("<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"))
            #expect(html.contains("\"PingFang SC\", \"Microsoft YaHei\", \"Noto Sans CJK SC\", \"WenQuanYi Micro Hei\", sans-serif"))
            #expect(html.contains("@media print"))
            #expect(html.contains("break-inside: avoid"))
            #expect(!html.contains("<link") && !html.contains("<iframe") && !html.contains("<img"))
        }
    }

    @Test func standalonePageLinksNowhere() throws {
        let writer = UnitPageWriter.standalone(fixture.evaluation, unit: 1, hierarchy: fixture.hierarchy)
        let out = OutputBuffer()
        writer.write(fixture.evaluation, run: fixture.run, to: out)
        #expect(!out.text.contains("<a "))
        #expect(out.text.contains("三、下级单位"))  // T1's children are listed, as text
    }

    @Test func writersAreDeterministic() throws {
        #expect(fixture.index() == fixture.index())
        #expect(try fixture.unitPage("V1") == fixture.unitPage("V1"))
    }
}
