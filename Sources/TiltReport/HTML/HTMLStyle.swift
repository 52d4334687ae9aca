/// The report's stylesheet: a 1,200 px column of two- and three-column grids of charts, compact tables,
/// the result selector (radio buttons styled as tabs: no script), and a print stylesheet that keeps
/// figures and tables whole and prints the selected result.
enum HTMLStyle {
    static let base = """
        * { box-sizing: border-box; }
        body { font: 13px/1.4 -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: #222; margin: 1.2em auto;
               max-width: 1200px; padding: 0 12px; }
        h1 { font-size: 1.5em; margin: 0 0 0.1em; }
        h2 { font-size: 1.2em; margin: 1.2em 0 0.4em; border-bottom: 1px solid #ccc; }
        h3 { font-size: 1.05em; margin: 1em 0 0.3em; }
        p { margin: 0.3em 0; }
        p.subtitle { color: #555; margin: 0 0 0.6em; }
        p.note { color: #555; font-size: 11px; max-width: 100%; }
        .grid2, .grid3 { display: grid; gap: 8px 20px; align-items: start; }
        .grid2 { grid-template-columns: repeat(2, minmax(0, 1fr)); }
        .grid3 { grid-template-columns: repeat(3, minmax(0, 1fr)); }
        figure { margin: 0.3em 0; min-width: 0; }
        svg { width: 100%; height: auto; display: block; }
        table { border-collapse: collapse; margin: 0.4em 0 0.2em; font-size: 12px; max-width: 100%; }
        caption { text-align: left; font-weight: bold; padding: 0.2em 0; }
        th, td { padding: 1px 6px; border-bottom: 1px solid #eee; }
        td { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
        th { text-align: left; font-weight: normal; white-space: nowrap; }
        thead th { font-weight: bold; text-align: right; border-bottom: 1px solid #888; white-space: normal; vertical-align: bottom; }
        tr.section th { font-weight: bold; background: #f4f4f4; }
        span.defined { border-bottom: 1px dotted #999; cursor: help; }
        table.heatmap { font-size: 10px; }
        table.heatmap td, table.heatmap th { padding: 0 3px; border: 1px solid #fff; }
        table.heatmap td.year { font-weight: bold; border-left: 2px solid #888; }
        .provenance { display: grid; grid-template-columns: minmax(0, 5fr) minmax(0, 7fr); gap: 0 20px; font-size: 12px; }
        .provenance pre { margin: 0.3em 0; padding: 6px; background: #f6f6f6; max-height: 18em; overflow: auto;
                          white-space: pre-wrap; overflow-wrap: anywhere; font-size: 11px; }
        .provenance table { font-size: 11px; }
        .provenance td.hash { font-family: monospace; white-space: normal; word-break: break-all; text-align: left; }
        input.pick { position: absolute; opacity: 0; pointer-events: none; }
        nav.selector { margin: 0.3em 0 0.6em; }
        nav.selector label { display: inline-block; margin: 2px 2px; padding: 1px 8px; border: 1px solid #aaa;
                             border-radius: 3px; cursor: pointer; font-size: 12px; background: #fff; }
        .panel { display: none; }
        .panel.only { display: block; }
        dl.glossary { columns: 2; column-gap: 28px; font-size: 11px; margin: 0; }
        dl.glossary dt { font-weight: bold; break-after: avoid; }
        dl.glossary dd { margin: 0 0 0.4em; break-inside: avoid; }
        details > summary { cursor: pointer; color: #0072B2; margin: 0.4em 0; }
        @media print {
            @page { size: A4; margin: 12mm; }
            body { max-width: none; margin: 0; padding: 0; font-size: 10px; }
            nav.selector, details > summary { display: none; }
            .provenance pre { max-height: none; overflow: visible; }
            figure, table, .grid2, .grid3 { break-inside: avoid; }
            h2, h3 { break-after: avoid; }
            .panel h2.panel-title { break-before: page; }
        }
        """

    /// The rules that show panel `i` when its radio button is checked and mark its label.
    static func selector(count: Int) -> String {
        (0..<count).map { i in
            "#pick\(i):checked ~ #panel\(i) { display: block; }\n"
                + "#pick\(i):checked ~ nav label[for=pick\(i)] { background: #0072B2; border-color: #0072B2; color: #fff; }"
        }.joined(separator: "\n")
    }
}
