import Foundation

/// Plain statistics of monthly series shared by the metrics: means, sample standard deviations (n − 1)
/// and compounding. Undefined values (a standard deviation of fewer than two numbers, the mean of none)
/// are NaN, which tables print as "n/a".
public enum SeriesStatistics {
    /// Months per year, the factor that annualises means (×12) and volatilities (×√12).
    public static let monthsPerYear = 12.0

    /// Annualised volatility (decimal) below which a series is constant up to rounding and solver
    /// tolerance (a portfolio held at its benchmark): a ratio over it would be noise, so it is undefined.
    public static let negligibleVolatility = 1e-6

    /// An annualised mean over an annualised volatility (Sharpe, information ratio); NaN — printed n/a —
    /// when the volatility is negligible.
    public static func ratio(_ annualMean: Double, over annualVolatility: Double) -> Double {
        annualVolatility < negligibleVolatility ? .nan : annualMean / annualVolatility
    }

    /// Arithmetic mean; NaN for an empty series.
    public static func mean<C: Collection>(_ values: C) -> Double where C.Element == Double {
        values.isEmpty ? .nan : values.reduce(0, +) / Double(values.count)
    }

    /// Sample standard deviation (ddof 1); NaN for fewer than two values.
    public static func sampleStandardDeviation<C: Collection>(_ values: C) -> Double where C.Element == Double {
        guard values.count > 1 else { return .nan }
        let m = mean(values)
        let squares = values.reduce(0) { $0 + ($1 - m) * ($1 - m) }
        return (squares / Double(values.count - 1)).squareRoot()
    }

    /// Cumulative wealth Π(1 + r) after each month, starting from 1 before the first month. A month that
    /// takes wealth below zero (a loss of more than everything, possible with short positions or leverage)
    /// leaves nothing to compound: wealth is NaN from that month on, so that compounded and geometric
    /// returns and drawdowns read n/a instead of a finite number made from a negative wealth. Wealth of
    /// exactly zero (everything lost) stays zero.
    public static func cumulativeWealth<C: Collection>(_ returns: C) -> [Double] where C.Element == Double {
        var wealth = 1.0
        return returns.map { r in
            wealth *= 1 + r
            if wealth < 0 { wealth = .nan }
            return wealth
        }
    }

    /// Compounded return Π(1 + r) − 1 over the whole series (0 for an empty series); NaN when wealth
    /// went below zero (see `cumulativeWealth`).
    public static func compoundedReturn<C: Collection>(_ returns: C) -> Double where C.Element == Double {
        (cumulativeWealth(returns).last ?? 1) - 1
    }

    /// Geometric annualised return (Π(1 + r))^(12/n) − 1; NaN for an empty series or when wealth went
    /// below zero, −100% when everything was lost.
    public static func geometricAnnualReturn<C: Collection>(_ returns: C) -> Double where C.Element == Double {
        guard !returns.isEmpty else { return .nan }
        return annualise(compounded: compoundedReturn(returns), months: returns.count)
    }

    /// Turns a compounded return over `months` months into a yearly rate: (1 + R)^(12/months) − 1.
    public static func annualise(compounded: Double, months: Int) -> Double {
        pow(1 + compounded, monthsPerYear / Double(months)) - 1
    }

    /// Mean of the values that are not NaN; NaN when there are none.
    static func meanIgnoringNaN(_ values: [Double]) -> Double { mean(values.filter { !$0.isNaN }) }

    /// Sample standard deviation of the values that are not NaN.
    static func sampleStandardDeviationIgnoringNaN(_ values: [Double]) -> Double {
        sampleStandardDeviation(values.filter { !$0.isNaN })
    }
}
