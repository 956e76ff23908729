import JianfuModel

/// An inline-SVG line chart of one metric's series (SPEC §6 "inline SVG trend charts per metric
/// with the baseline level and target line, rebound markers").
///
/// Fixed size: `viewBox` plus `width`/`height`, so a printed chart keeps its size. No
/// `xmlns` URL is written: the HTML parser places inline `<svg>` in the SVG namespace itself.
/// The series is one `<polyline class="series">` with one point per value, joining observed
/// values only (a missing period is not drawn as zero); sparse series also get a dot per value.
package struct SVGChart: Sendable {
    /// One value of the series.
    package struct Point: Sendable, Equatable {
        /// Period ordinal at `granularity`.
        package let ordinal: Int
        package let value: Double
        package init(ordinal: Int, value: Double) {
            self.ordinal = ordinal
            self.value = value
        }
    }

    package var title: String
    package var granularity: Granularity
    package var points: [Point]
    /// The baseline level, drawn dashed.
    package var baseline: Double?
    /// The target line's level and its label (e.g. `目标`, `上限`); `nil` when no line applies.
    package var target: (level: Double, label: String)?
    /// Windows as ordinals at `granularity`, shaded behind the series.
    package var baselineWindow: ClosedRange<Int>
    package var evaluationWindow: ClosedRange<Int>
    /// The last `rebound.months` periods, marked when the metric rebounds.
    package var rebound: ReboundMark?
    /// Counts start the axis at zero; scores may start above it so a change stays visible.
    package var zeroBased: Bool

    package init(
        title: String, granularity: Granularity, points: [Point], baseline: Double?, target: (level: Double, label: String)?,
        baselineWindow: ClosedRange<Int>, evaluationWindow: ClosedRange<Int>,
        rebound: ReboundMark?, zeroBased: Bool
    ) {
        self.title = title
        self.granularity = granularity
        self.points = points
        self.baseline = baseline
        self.target = target
        self.baselineWindow = baselineWindow
        self.evaluationWindow = evaluationWindow
        self.rebound = rebound
        self.zeroBased = zeroBased
    }

    // Geometry, in SVG user units (= CSS pixels at the fixed size).
    package static let width = 580.0
    package static let height = 250.0
    private static let left = 46.0, right = 486.0, top = 22.0, bottom = 196.0

    /// The `<svg>` element.
    package func render() -> HTMLNode {
        let attributes: [HTMLAttribute] = [
            .class("chart"), HTMLAttribute("viewBox", "0 0 \(Int(Self.width)) \(Int(Self.height))"),
            HTMLAttribute("width", String(Int(Self.width))), HTMLAttribute("height", String(Int(Self.height))),
            HTMLAttribute("role", "img"), HTMLAttribute("aria-label", title),
        ]
        return .el("svg", attributes: attributes) {
            HTMLNode.el("title") { title }
            if points.isEmpty {
                text(Self.width / 2, Self.height / 2, "无数据", class: "axis", anchor: "middle")
            } else {
                plot()
            }
        }
    }

    private func plot() -> [HTMLNode] {
        let lo = min(points.first!.ordinal, baselineWindow.lowerBound)
        let hi = max(points.last!.ordinal, evaluationWindow.upperBound)
        let span = Double(max(hi - lo, 1))
        let step = (Self.right - Self.left) / (span + 1)
        /// Periods are drawn as slots; a value sits in the middle of its slot.
        func slotStart(_ ordinal: Int) -> Double { Self.left + Double(ordinal - lo) * step }
        func x(_ ordinal: Int) -> Double { slotStart(ordinal) + step / 2 }

        let scale = YScale(values: points.map(\.value) + [baseline, target?.level].compactMap { $0 }, zeroBased: zeroBased)
        func y(_ value: Double) -> Double {
            Self.bottom - (value - scale.min) / (scale.max - scale.min) * (Self.bottom - Self.top)
        }

        var nodes: [HTMLNode] = []
        // Window bands with their names.
        for (window, cls, name) in [(baselineWindow, "band-baseline", "基线期"), (evaluationWindow, "band-evaluation", "评估期")] {
            let a = max(window.lowerBound, lo), b = min(window.upperBound, hi)
            guard a <= b else { continue }
            nodes.append(rect(slotStart(a), Self.top, slotStart(b + 1) - slotStart(a), Self.bottom - Self.top, class: cls))
            nodes.append(text((slotStart(a) + slotStart(b + 1)) / 2, Self.top - 6, name, class: "band-label", anchor: "middle"))
        }
        // Horizontal grid and value labels.
        for tick in scale.ticks {
            nodes.append(line(Self.left, y(tick), Self.right, y(tick), class: "grid"))
            nodes.append(text(Self.left - 6, y(tick) + 4, DisplayNumber.level(tick), class: "axis", anchor: "end"))
        }
        // Year ticks and labels.
        let years = yearStarts(lo...hi)
        let labelEvery = max(1, Int((Double(years.count) * 44 / (Self.right - Self.left)).rounded(.up)))
        for (i, ordinal) in years.enumerated() {
            nodes.append(line(slotStart(ordinal), Self.bottom, slotStart(ordinal), Self.bottom + 5, class: "tick"))
            guard i % labelEvery == 0 else { continue }
            let year = Period(granularity, ordinal: ordinal).year
            let end = min(slotStart(ordinal + 12 / granularity.monthsPerPeriod), slotStart(hi + 1))
            nodes.append(text((slotStart(ordinal) + end) / 2, Self.bottom + 17, String(year), class: "axis", anchor: "middle"))
        }
        nodes.append(line(Self.left, Self.bottom, Self.right, Self.bottom, class: "axis-line"))
        // Rebound: the last periods shaded, their values ringed.
        if let rebound {
            let a = max(rebound.periods.lowerBound, lo), b = min(rebound.periods.upperBound, hi)
            if a <= b {
                let band = rebound.ofThisSeries ? "band-rebound" : "band-rebound-units"
                nodes.append(rect(slotStart(a), Self.top, slotStart(b + 1) - slotStart(a), Self.bottom - Self.top, class: band))
                nodes.append(text(slotStart(b + 1) - 3, Self.top + 12, rebound.label, class: "rebound-label", anchor: "end"))
            }
        }
        // Baseline and target lines, labelled at the right.
        var labels: [(y: Double, text: String, cls: String)] = []
        if let baseline {
            nodes.append(line(Self.left, y(baseline), Self.right, y(baseline), class: "baseline"))
            labels.append((y(baseline), "基线 " + DisplayNumber.level(baseline), "baseline-label"))
        }
        if let target {
            nodes.append(line(Self.left, y(target.level), Self.right, y(target.level), class: "target"))
            labels.append((y(target.level), target.label + " " + DisplayNumber.level(target.level), "target-label"))
        }
        if labels.count == 2, abs(labels[0].y - labels[1].y) < 13 {
            let upper = labels[0].y <= labels[1].y ? 0 : 1
            let middle = (labels[0].y + labels[1].y) / 2
            labels[upper].y = middle - 6.5
            labels[1 - upper].y = middle + 6.5
        }
        for label in labels {
            nodes.append(text(Self.right + 6, label.y + 4, label.text, class: label.cls, anchor: "start"))
        }
        // The series.
        let coordinates = points.map { Self.number(x($0.ordinal)) + "," + Self.number(y($0.value)) }.joined(separator: " ")
        nodes.append(.el("polyline", .class("series"), HTMLAttribute("points", coordinates)))
        let sparse = points.count < 2 || Double(points.count) < 0.6 * Double(points.last!.ordinal - points.first!.ordinal + 1)
        for point in points {
            let inRebound = rebound.map { $0.ofThisSeries && $0.periods.contains(point.ordinal) } ?? false
            guard sparse || inRebound else { continue }
            nodes.append(.el("circle", .class(inRebound ? "dot rebound-dot" : "dot"),
                             HTMLAttribute("cx", Self.number(x(point.ordinal))), HTMLAttribute("cy", Self.number(y(point.value))),
                             HTMLAttribute("r", inRebound ? "3.2" : "2.2")))
        }
        nodes.append(legend())
        return nodes
    }

    private func legend() -> HTMLNode {
        var x = Self.left
        var items: [HTMLNode] = []
        func item(_ swatch: HTMLNode, _ label: String) {
            items.append(swatch)
            items.append(text(x + 22, Self.height - 9, label, class: "legend", anchor: "start"))
            x += 30 + Double(label.unicodeScalars.reduce(0) { $0 + ($1.value > 0x2E80 ? 12 : 6) })
        }
        let y = Self.height - 13
        item(line(x, y, x + 18, y, class: "series"), granularity == .month ? "月度值" : granularity == .quarter ? "季度值" : "年度值")
        if baseline != nil { item(line(x, y, x + 18, y, class: "baseline"), "基线水平") }
        if let target { item(line(x, y, x + 18, y, class: "target"), target.label) }
        if let rebound {
            item(rect(x + 3, y - 6, 12, 12, class: rebound.ofThisSeries ? "band-rebound" : "band-rebound-units"),
                 rebound.ofThisSeries ? "反弹" : "有单位反弹")
        }
        return .group(items)
    }

    /// The first period of each calendar year in `range`.
    private func yearStarts(_ range: ClosedRange<Int>) -> [Int] {
        range.filter { Period(granularity, ordinal: $0).firstMonthOrdinal % 12 == 0 }
    }

    private func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, class cls: String) -> HTMLNode {
        .el("line", .class(cls), HTMLAttribute("x1", Self.number(x1)), HTMLAttribute("y1", Self.number(y1)),
            HTMLAttribute("x2", Self.number(x2)), HTMLAttribute("y2", Self.number(y2)))
    }

    private func rect(_ x: Double, _ y: Double, _ w: Double, _ h: Double, class cls: String) -> HTMLNode {
        .el("rect", .class(cls), HTMLAttribute("x", Self.number(x)), HTMLAttribute("y", Self.number(y)),
            HTMLAttribute("width", Self.number(w)), HTMLAttribute("height", Self.number(h)))
    }

    private func text(_ x: Double, _ y: Double, _ content: String, class cls: String, anchor: String) -> HTMLNode {
        .el("text", .class(cls), HTMLAttribute("x", Self.number(x)), HTMLAttribute("y", Self.number(y)),
            HTMLAttribute("text-anchor", anchor)) { content }
    }

    /// A coordinate with one decimal.
    static func number(_ value: Double) -> String { DisplayNumber.fixed(value, decimals: 1) }
}

/// The rebound marker of a chart: the periods of the rebound check's last window (SPEC §3
/// `rebound`, L) and a label. `ofThisSeries` is false on a total whose own series does not
/// rebound while some of its units do: the window is then shaded lightly and named.
package struct ReboundMark: Sendable {
    package let periods: ClosedRange<Int>
    package let label: String
    package let ofThisSeries: Bool

    package init(periods: ClosedRange<Int>, label: String, ofThisSeries: Bool) {
        self.periods = periods
        self.label = label
        self.ofThisSeries = ofThisSeries
    }
}

/// The value axis: a range that holds every value, with 3 to 6 round ticks.
struct YScale {
    let min: Double
    let max: Double
    let ticks: [Double]

    /// Values that are not finite are left out. Ticks are counted, not added up until they pass
    /// the top: at magnitudes where `tick + step == tick` (a value of 10^20 alone), or with a
    /// range too wide for a `Double`, the axis falls back to its two ends instead of looping.
    init(values: [Double], zeroBased: Bool) {
        let finite = values.filter(\.isFinite)
        var lo = finite.min() ?? 0, hi = finite.max() ?? 1
        if zeroBased || lo >= 0 && lo < 0.25 * hi { lo = Swift.min(lo, 0) }
        if hi <= lo { hi = lo + 1 }
        if hi <= lo { hi = lo + lo.magnitude }  // 1 is lost at this magnitude
        let step = Self.niceStep((hi - lo) / 4)
        var first = (lo / step).rounded(.down) * step
        if !zeroBased, first == lo, lo > 0 { first -= step }  // some room below a score series
        var last = (hi / step).rounded(.up) * step
        if last - hi < 0.04 * (last - first) { last += step }  // room above the highest value
        let count = ((last - first) / step).rounded()
        guard first.isFinite, last.isFinite, last > first, count.isFinite, count >= 1, count <= 12 else {
            min = lo
            max = hi.isFinite && hi > lo ? hi : lo + 1
            ticks = [min, max]
            return
        }
        min = first
        max = last
        ticks = (0...Int(count)).map { first + Double($0) * step }
    }

    /// 1, 2 or 5 times a power of ten, at least `raw`.
    static func niceStep(_ raw: Double) -> Double {
        guard raw > 0, raw.isFinite else { return 1 }
        var power = 1.0
        while power * 10 <= raw { power *= 10 }
        while power > raw { power /= 10 }
        for factor in [1.0, 2.0, 5.0, 10.0] where factor * power >= raw { return factor * power }
        return 10 * power
    }
}
