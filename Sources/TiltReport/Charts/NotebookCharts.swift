import TiltBacktest

/// The report's charts for a notebook, each a standalone SVG document (`image/svg+xml`): the same drawings
/// as the HTML report's, chosen for reading under a strategy's tables. For a sweep, the family
/// (`ReportCharts.family`: its frontier, ex-ante against realised tracking error, information ratio by
/// value); for one result, what a portfolio manager reads first: cumulative and underwater active return,
/// growth of 1, active sector weights (or factor exposures without sectors) and the ex-ante tracking
/// error by source.
public enum NotebookCharts {
    public struct Chart: Sendable, Equatable {
        /// The chart's title (also inside the drawing), for a notebook's text fallback.
        public let title: String
        /// A whole `<svg xmlns=…>` document: no scripts, no external assets, no style sheet needed.
        public let svg: String
    }

    public static func charts(_ results: [BacktestResult], tables: ReportTables) -> [Chart] {
        if results.count > 1 {
            return ReportCharts.family(tables).map { Chart(title: $0.title, svg: $0.svg()) }
        }
        guard let result = results.first else { return [] }
        let charts = [ReportCharts.cumulativeActiveReturn(result), ReportCharts.activeUnderwater(result), ReportCharts.growth(result),
                      ReportCharts.sectorActiveWeights(result) ?? ReportCharts.exposures(result),
                      ReportCharts.riskContributions(result)].compactMap { $0 }
        return charts.map { Chart(title: $0.title, svg: $0.svg()) }
    }
}
