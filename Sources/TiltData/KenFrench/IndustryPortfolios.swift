import TiltLinearAlgebra

/// Ken French's industry portfolios file (e.g. `48_Industry_Portfolios.CSV`) as typed matrices.
/// Monthly matrices are months × industries, rows labelled `YYYY-MM`, columns by industry name;
/// missing values are NaN.
public struct IndustryPortfolios: Sendable {
    /// Industry names in file order ("Agric", "Food", ...).
    public let industries: [String]
    /// The months of the monthly matrices, increasing.
    public let months: [Month]
    /// 1-based line of each month's row of value-weighted returns in the file.
    public let monthLines: [Int]
    /// Value-weighted monthly returns, decimals.
    public let valueWeightedReturns: Matrix
    /// Equal-weighted monthly returns, decimals.
    public let equalWeightedReturns: Matrix
    /// Number of firms in each portfolio, per month.
    public let numberOfFirms: Matrix
    /// Average firm size, $ millions, per month.
    public let averageFirmSize: Matrix
    /// Total market capitalisation of each portfolio, $ millions: number of firms × average firm size.
    public let marketCap: Matrix
    /// Sum of book equity / sum of market equity, years × industries (rows labelled `YYYY`).
    public let bookToMarketAnnual: Matrix

    /// Reads the file at `path`. Throws `DataError` when a needed section is missing or when the
    /// monthly sections disagree on months or industries.
    public static func load(path: String) throws -> IndustryPortfolios {
        try IndustryPortfolios(file: KenFrenchFile.load(path: path))
    }

    /// Picks the typed sections out of an already split file.
    public init(file: KenFrenchFile) throws {
        func section(_ fragment: String, _ kind: KenFrenchSection.Kind) throws -> KenFrenchSection {
            guard let found = file.sections(titled: fragment, kind: kind).first else {
                throw DataError(path: file.path, line: 0,
                                message: "no \(kind == .monthly ? "monthly" : "annual") section titled '\(fragment)'")
            }
            return found
        }
        let valueWeighted = try section("Value Weighted Returns", .monthly)
        let monthly = [valueWeighted,
                       try section("Equal Weighted Returns", .monthly),
                       try section("Number of Firms", .monthly),
                       try section("Average Firm Size", .monthly)]
        let bookToMarket = try section("Sum of BE / Sum of ME", .annual)
        for other in monthly.dropFirst() + [bookToMarket] where other.columns != valueWeighted.columns {
            throw DataError(path: file.path, line: other.headerLine,
                            message: "section '\(other.title)' has different industries than '\(valueWeighted.title)'")
        }
        for other in monthly.dropFirst() where other.months != valueWeighted.months {
            throw DataError(path: file.path, line: other.headerLine,
                            message: "section '\(other.title)' covers different months than '\(valueWeighted.title)'")
        }
        industries = valueWeighted.columns
        months = valueWeighted.months
        monthLines = valueWeighted.rowLines
        valueWeightedReturns = monthly[0].values
        equalWeightedReturns = monthly[1].values
        numberOfFirms = monthly[2].values
        averageFirmSize = monthly[3].values
        var cap = numberOfFirms
        for k in cap.storage.indices { cap.storage[k] *= averageFirmSize.storage[k] }
        marketCap = cap
        bookToMarketAnnual = bookToMarket.values
    }
}
