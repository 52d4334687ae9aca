import TiltBacktest
import TiltData

/// Tables of an attribution of active return, linked with Carino's method over each period shown, so
/// that each column adds up to that period's R_P − R_B.
enum AttributionTable {
    /// A row per part (each component of a factor attribution; allocation, selection and costs of a sector
    /// attribution) and the total; a column with each part's mean monthly contribution × 12 (which add up
    /// to the annualised arithmetic active return), then the linked totals over the whole period and over
    /// each crisis window of `windows`.
    static func summary(_ attribution: ActiveAttribution, windows: [CrisisAnalysis.Window]) -> Table {
        let (names, columns) = ReportCharts.parts(of: attribution)
        let periods = [("Whole period", attribution.months.indices)]
            + windows.map { ($0.crisis.name, attribution.indices(from: $0.from, to: $0.to)) }.filter { !$0.1.isEmpty }
        let totals = [attribution.annualMean] + periods.map { attribution.total($0.1) }
        func cell(_ value: Double) -> String { ValueFormat.percent(value) }
        let rows = names.indices.map { p in
            Table.Row.values(names[p], totals.map { total in cell(columns[p].reduce(0) { $0 + total[$1] }) })
        } + [.values("total", totals.map { cell($0.reduce(0, +)) })]
        return Table(title: "\(ReportCharts.title(of: attribution)): a year, and Carino-linked over each period", labelHeader: "",
                     columns: ["Mean a year"] + periods.map(\.0), rows: rows, notes: [note(attribution)])
    }

    /// Brinson–Fachler by sector over the whole period: allocation, selection and their sum per sector.
    static func bySector(_ attribution: ActiveAttribution) -> Table {
        let total = attribution.total
        let segments = orderedUnion([attribution.components.filter { $0.effect != "costs" }.map(\.segment)])
        func effect(_ name: String, _ segment: String) -> Double {
            attribution.components.indices.filter { attribution.components[$0] == .init(name, segment) }.reduce(0) { $0 + total[$1] }
        }
        return Table(title: "Brinson–Fachler by sector, whole period (Carino-linked)", labelHeader: "Sector",
                     columns: ["allocation", "selection", "total"],
                     rows: segments.map { s in
                         let a = effect("allocation", s), b = effect("selection", s)
                         return .values(s, [ValueFormat.percent(a), ValueFormat.percent(b), ValueFormat.percent(a + b)])
                     })
    }

    /// A row per calendar year, the parts linked within the year and the year's R_P − R_B.
    static func byYear(_ attribution: ActiveAttribution) -> Table {
        let (names, columns) = ReportCharts.parts(of: attribution)
        let years = Array(Set(attribution.months.map(\.year))).sorted()
        return Table(title: "\(ReportCharts.title(of: attribution)) by year (Carino-linked within each year)", labelHeader: "Year",
                     columns: names + ["total"],
                     rows: years.map { year in
                         let total = attribution.total(attribution.indices(from: Month(year, 1), to: Month(year, 12)))
                         return .values(String(year), columns.map { c in ValueFormat.percent(c.reduce(0) { $0 + total[$1] }) }
                                        + [ValueFormat.percent(total.reduce(0, +))])
                     })
    }

    /// How to read the attribution's numbers.
    static func note(_ attribution: ActiveAttribution) -> String {
        let linking = "Monthly contributions add up to the month's active return (net of costs). Mean a year: their mean × 12, "
            + "adding up to the arithmetic active return. Periods: Carino-linked, adding up to R_P − R_B compounded over the "
            + "period (over decades this difference of compounded returns grows with wealth)."
        switch attribution.method {
        case .factor:
            return linking + " alpha: the intercepts' expected return f₀; factor k: f_k,T · r_k,T+1; specific: the remainder."
        case .brinsonFachler:
            return linking + " Allocation (w_s − b_s)(R_b,s − R_b); selection w_s(R_p,s − R_b,s), interaction included."
        }
    }
}
