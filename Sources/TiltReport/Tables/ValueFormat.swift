import Foundation
import TiltBacktest
import TiltData

/// How metrics are written in tables and files: percentages with a fixed number of decimals, ratios with
/// two, "n/a" for undefined (NaN) values.
public enum ValueFormat {
    /// A decimal as a percentage: 0.1234 → "12.34%" (with `decimals` = 2).
    public static func percent(_ value: Double, decimals: Int = 2) -> String {
        value.isFinite ? String(format: "%.\(decimals)f%%", value * 100) : "n/a"
    }

    /// A plain number with `decimals` decimals: 0.4017 → "0.40".
    public static func number(_ value: Double, decimals: Int = 2) -> String {
        value.isFinite ? String(format: "%.\(decimals)f", value) : "n/a"
    }

    /// A count of months: "20 mo", or `missing` when there is none.
    public static func months(_ count: Int?, missing: String = "not yet") -> String {
        count.map { "\($0) mo" } ?? missing
    }

    /// "2007-12–2009-06", or a single month when both ends agree.
    public static func span(_ from: Month, _ to: Month) -> String {
        from == to ? from.description : "\(from)–\(to)"
    }

    /// A number for CSV files: full precision, empty for NaN. Negative zero (a weight the solver left at
    /// −0, a difference of equal returns) is written as 0: "-0.0" reads as a short position to a person and
    /// breaks string comparisons in the tools the file is opened with.
    public static func csv(_ value: Double) -> String { value.isNaN ? "" : "\(value == 0 ? 0 : value)" }
}
