import TiltLinearAlgebra

/// One table of a Ken French data-library file: a title line, a header line starting with a comma,
/// then one row per month (`YYYYMM,...`) or per year (`YYYY,...`).
public struct KenFrenchSection: Sendable {
    /// Whether rows are months or years.
    public enum Kind: Sendable, Equatable {
        /// Rows labelled `YYYYMM` in the file, `YYYY-MM` in `values`.
        case monthly
        /// Rows labelled `YYYY`.
        case annual
    }

    /// What the numbers measure, which decides whether they are rescaled.
    public enum Quantity: Sendable, Equatable {
        /// Returns: percent in the file, decimals in `values` (divided by 100).
        case returns
        /// Number of firms in each portfolio (a count, unscaled).
        case numberOfFirms
        /// Average firm size in $ millions (unscaled).
        case averageFirmSize
        /// Book-to-market ratios (BE/ME, unscaled).
        case bookToMarket

        /// Recognises the quantity from a section title; untitled sections and anything not named
        /// as firms, size or BE/ME are returns.
        init(title: String) {
            let t = title.lowercased()
            if t.contains("number of firms") {
                self = .numberOfFirms
            } else if t.contains("firm size") {
                self = .averageFirmSize
            } else if t.contains("be/me") || t.contains("be / ") || t.contains("book-to-market") {
                self = .bookToMarket
            } else {
                self = .returns
            }
        }

        /// `true` for percent quantities that are stored as decimals.
        var isPercent: Bool { self == .returns }
    }

    /// The title line, trimmed ("Average Value Weighted Returns -- Monthly"); empty when the header
    /// has no title line above it (the monthly block of the factor files).
    public let title: String
    /// Column names from the header line, trimmed ("Agric", "Mkt-RF").
    public let columns: [String]
    /// Monthly or annual rows.
    public let kind: Kind
    /// What the values measure (and hence their units).
    public let quantity: Quantity
    /// Row periods: months for monthly sections (empty for annual ones).
    public let months: [Month]
    /// Row periods: years for annual sections (empty for monthly ones).
    public let years: [Int]
    /// periods × columns; rows labelled `YYYY-MM` or `YYYY`, columns by `columns`. Returns are decimals;
    /// missing codes -99.99 and -999 are NaN.
    public let values: Matrix
    /// 1-based line of the header line in the file.
    public let headerLine: Int
    /// 1-based line of each period's row in the file.
    public let rowLines: [Int]
}
