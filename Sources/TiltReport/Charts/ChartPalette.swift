/// Colours that readers with the common colour-vision deficiencies can tell apart.
///
/// Lines take the Okabe–Ito palette (Okabe & Ito 2008), ordered so that the first colours are the most
/// distinct on white (its yellow, weak on white, comes last); areas with more parts than that take Paul
/// Tol's "muted" scheme. Beyond ten parts no palette stays distinguishable, so colours repeat and the
/// charts rely on their direct labels and legends.
enum ChartPalette {
    /// Okabe–Ito: blue, vermillion, bluish green, reddish purple, orange, sky blue, black, yellow.
    static let lines = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442"]
    /// Paul Tol's muted scheme: indigo, cyan, teal, green, olive, sand, rose, wine, purple, then pale grey.
    static let areas = ["#332288", "#88CCEE", "#44AA99", "#117733", "#999933", "#DDCC77", "#CC6677", "#882255",
                        "#AA4499", "#DDDDDD"]
    /// A benchmark or reference line (drawn dashed).
    static let reference = "#555555"
    /// Shading of crisis windows.
    static let band = "#e9e9e9"

    /// The colour of series `index` of `count`: Okabe–Ito while it suffices, else the muted scheme,
    /// repeating beyond it.
    static func color(_ index: Int, of count: Int) -> String {
        count <= lines.count ? lines[index % lines.count] : areas[index % areas.count]
    }

    /// Diverging fill for a heatmap cell: blue for gains, orange for losses (both ends of the
    /// colour-blind-safe PuOr/RdBu family), stronger with |value| / `scale`; white at 0.
    static func diverging(_ value: Double, scale: Double) -> String {
        guard value.isFinite, scale > 0 else { return "#ffffff" }
        let t = min(abs(value) / scale, 1)
        let (r, g, b) = value >= 0 ? (33.0, 102.0, 172.0) : (230.0, 97.0, 1.0)
        func mix(_ c: Double) -> Int { Int((255 + (c - 255) * t).rounded()) }
        return "rgb(\(mix(r)),\(mix(g)),\(mix(b)))"
    }
}
