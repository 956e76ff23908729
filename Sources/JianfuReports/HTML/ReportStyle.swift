/// The one style sheet of every page, inline (no network: government intranets are offline,
/// SPEC §6). A monthly bulletin (月通报) look: a red masthead rule, numbered sections, plain
/// ruled tables. The print rules (A4 portrait, ~703 px between the margins) let tables size
/// their columns by content in a smaller type (the screen's fixed ranking columns would leave
/// 减负责任人 no room), keep ordinary names of people and units on one line, keep charts at their fixed
/// size, keep table rows and charts whole across pages, and repeat table headers.
enum ReportStyle {
    static let css: StaticString = """
    :root { --ink: #1f2329; --muted: #646a73; --rule: #d0d3d6; --red: #b4232a; --blue: #1f4e9c;
      --green: #2e7d32; --amber: #b26a00; --soft: #f5f6f7; }
    * { box-sizing: border-box; }
    html { -webkit-text-size-adjust: 100%; }
    body { margin: 0; background: #fff; color: var(--ink);
      font-family: "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", "WenQuanYi Micro Hei", sans-serif;
      font-size: 14px; line-height: 1.55; }
    .page { max-width: 1240px; margin: 0 auto; padding: 20px 24px 32px; }
    a { color: var(--blue); text-decoration: none; }
    a:hover { text-decoration: underline; }
    .masthead { text-align: center; padding: 8px 0 12px; border-bottom: 3px solid var(--red); position: relative; }
    .masthead::after { content: ""; position: absolute; left: 0; right: 0; bottom: -7px; border-bottom: 1px solid var(--red); }
    .kicker { color: var(--red); font-size: 15px; letter-spacing: 0.3em; }
    h1 { color: var(--red); font-size: 30px; margin: 4px 0 6px; letter-spacing: 0.08em; font-weight: 700; }
    .meta { color: var(--muted); font-size: 13px; margin: 0; }
    .meta span + span::before { content: "｜"; color: var(--rule); margin: 0 6px; }
    .masthead.issue { padding-bottom: 10px; }
    .masthead.issue h1 { font-size: 34px; letter-spacing: 0.12em; margin: 6px 0 4px; }
    .issue-no { margin: 0 0 14px; font-size: 16px; letter-spacing: 0.1em; }
    .issue-line { display: flex; justify-content: space-between; gap: 16px; font-size: 15px; padding: 0 2px; }
    .facts { text-align: center; margin: 14px 0 0; }
    .nav { margin: 16px 0 0; font-size: 13px; }
    h2 { font-size: 19px; margin: 28px 0 10px; padding-bottom: 4px; border-bottom: 1px solid var(--rule); }
    h3 { font-size: 15px; margin: 16px 0 6px; }
    .note { color: var(--muted); font-size: 12.5px; margin: 6px 0; }
    .figures { display: flex; flex-wrap: wrap; gap: 12px; margin: 14px 0 4px; }
    .figure { flex: 1 1 150px; border: 1px solid var(--rule); border-top: 3px solid var(--blue); padding: 8px 12px; }
    .figure.alert { border-top-color: var(--red); }
    .figure .value { font-size: 24px; font-weight: 700; font-variant-numeric: tabular-nums; }
    .figure .label { color: var(--muted); font-size: 12.5px; }
    table { border-collapse: collapse; width: 100%; margin: 6px 0 4px; font-size: 13px; }
    th, td { border: 1px solid var(--rule); padding: 4px 8px; text-align: left; vertical-align: top; }
    th { background: var(--soft); font-weight: 600; white-space: nowrap; }
    td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
    td.raw { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 12px; word-break: break-all; }
    tr.rollup td { background: #fafbfc; }
    table.units { table-layout: fixed; }
    table.units th:nth-child(1) { width: 4em; } table.units th:nth-child(2) { width: 9.5em; }
    table.units th:nth-child(3) { width: 12em; } table.units th:nth-last-child(-n+4) { width: 6.5em; }
    .tag { display: inline-block; font-size: 11.5px; line-height: 1.4; padding: 0 5px; border: 1px solid var(--rule);
      border-radius: 3px; color: var(--muted); margin-left: 4px; white-space: nowrap; }
    .tag.red { color: var(--red); border-color: #e6b3b5; }
    .good { color: var(--green); }
    .bad { color: var(--red); font-weight: 600; }
    .grade { font-weight: 700; }
    .grade-0 { color: var(--green); } .grade-1 { color: var(--blue); } .grade-2 { color: var(--amber); } .grade-3 { color: var(--red); }
    .charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(580px, 1fr)); gap: 8px 28px; }
    figure { margin: 0; }
    figcaption { font-size: 12.5px; color: var(--muted); max-width: 580px; }
    figcaption b { color: var(--ink); font-size: 14px; }
    svg.chart { display: block; overflow: visible; }
    svg.chart text { font-family: inherit; fill: var(--muted); }
    svg.chart .axis, svg.chart .legend { font-size: 11px; }
    svg.chart .band-label { font-size: 10.5px; fill: #8a9099; }
    svg.chart .band-baseline { fill: #f0f1f2; }
    svg.chart .band-evaluation { fill: #eaf1fa; }
    svg.chart .band-rebound { fill: #f6cfd1; fill-opacity: 0.75; }
    svg.chart .band-rebound-units { fill: #fbe3d6; fill-opacity: 0.8; }
    svg.chart .rebound-label { font-size: 11.5px; font-weight: 700; fill: var(--red); }
    svg.chart .grid { stroke: #e4e6e8; stroke-width: 1; }
    svg.chart .tick, svg.chart .axis-line { stroke: #9aa0a6; stroke-width: 1; }
    svg.chart .series { fill: none; stroke: var(--blue); stroke-width: 1.8; stroke-linejoin: round; }
    svg.chart .dot { fill: var(--blue); }
    svg.chart .rebound-dot { fill: #fff; stroke: var(--red); stroke-width: 1.8; }
    svg.chart .baseline { stroke: #5f6368; stroke-width: 1.4; stroke-dasharray: 5 4; }
    svg.chart .target { stroke: var(--green); stroke-width: 1.6; }
    svg.chart .baseline-label { font-size: 11px; fill: #5f6368; }
    svg.chart .target-label { font-size: 11px; fill: var(--green); font-weight: 600; }
    .footer { margin-top: 32px; padding-top: 8px; border-top: 1px solid var(--rule); color: var(--muted); font-size: 12px; }
    @media print {
      @page { size: A4 portrait; margin: 14mm 12mm; }
      body { font-size: 10.5pt; }
      .page { max-width: none; padding: 0; }
      table { font-size: 9pt; line-height: 1.35; }
      th, td { padding: 2px 5px; }
      table.units { table-layout: auto; }
      table.units th:nth-child(n) { width: auto; }
      td.one-line { white-space: nowrap; }
      table.indicators { font-size: 8.5pt; }
      table.indicators td { white-space: nowrap; }
      /* The alert list with its ledger columns: one line a row; the unit code (on the unit's
         page) gives way on paper. */
      table.alerts { font-size: 8pt; }
      table.alerts td, table.alerts th { white-space: nowrap; }
      table.with-unit th:first-child, table.with-unit td:first-child { display: none; }
      .figures { gap: 8px; margin: 8px 0 2px; }
      .figure { flex: 1 1 100px; padding: 4px 8px; }
      .figure .value { font-size: 16pt; }
      .tag { font-size: 7.5pt; padding: 0 3px; }
      h2 { font-size: 14pt; margin: 14px 0 6px; }
      h3 { font-size: 11pt; margin: 10px 0 4px; }
      a { color: inherit; }
      .charts { display: block; }
      figure, .figure, svg.chart { break-inside: avoid; page-break-inside: avoid; }
      svg.chart { width: 580px; height: 250px; }
      tr, td, th { break-inside: avoid; page-break-inside: avoid; }
      thead { display: table-header-group; }
      h2, h3 { break-after: avoid; page-break-after: avoid; }
      th, tr.rollup td { background: none; }
      .nav { display: none; }
    }
    """
}
