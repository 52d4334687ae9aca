import TiltBacktest

/// The monthly active returns as an HTML table coloured by sign and size (the tear sheet's heatmap): a row
/// per year, a column per calendar month, then the year's active return.
enum CalendarHeatmap {
    static func html(_ calendar: CalendarReturns, title: String) -> String {
        let x = XMLText.escape
        let scale = calendar.active.joined().filter(\.isFinite).map(abs).max() ?? 0
        let names = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        var out = "<table class=\"heatmap\">\n<caption>\(x(title))</caption>\n<thead><tr><th></th>"
            + names.map { "<th>\($0)</th>" }.joined() + "<th title=\"Π(1 + r_p) − Π(1 + r_b) over the year's months\">Year</th></tr></thead>\n<tbody>\n"
        for (y, year) in calendar.years.enumerated() {
            out += "<tr><th>\(year)</th>"
            for value in calendar.active[y] {
                guard value.isFinite else { out += "<td></td>"; continue }
                let fill = ChartPalette.diverging(value, scale: scale)
                let dark = scale > 0 && abs(value) / scale > 0.6
                out += "<td style=\"background:\(fill)\(dark ? ";color:#fff" : "")\">\(ValueFormat.number(value * 100, decimals: 1))</td>"
            }
            out += "<td class=\"year\">\(ValueFormat.number(calendar.yearlyActive[y] * 100, decimals: 1))</td></tr>\n"
        }
        return out + "</tbody>\n</table>\n<p class=\"note\">Active return, percent per month; blue above 0, orange below.</p>\n"
    }
}
