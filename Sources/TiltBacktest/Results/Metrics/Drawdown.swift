import TiltData

/// The deepest fall of cumulative wealth Π(1 + r) below its running peak, with its dates.
///
/// Wealth starts at 1 at the end of the month before the first return, so a loss in the very first month
/// is a drawdown from that starting wealth (its `peak` is then the month before the sample).
///
/// When wealth falls below zero (a month losing more than everything; see
/// `SeriesStatistics.cumulativeWealth`), that month is the trough, the depth is NaN (no fall from a peak
/// measures a loss beyond everything, so reports print n/a) and wealth never recovers.
public struct Drawdown: Sendable, Equatable {
    /// Trough wealth over peak wealth, minus 1: a negative decimal (−0.25 is a 25% fall, −1 everything
    /// lost); NaN when wealth fell below zero.
    public var depth: Double
    /// The month at whose end the peak wealth was (last) reached.
    public var peak: Month
    /// The month at whose end wealth was lowest relative to that peak.
    public var trough: Month
    /// The first month after the trough whose end wealth is back at the peak; `nil` if it never was
    /// within the sample.
    public var recovery: Month?
    /// Months from the peak to the recovery or, when not recovered, to the last month of the sample.
    public var length: Int

    public init(depth: Double, peak: Month, trough: Month, recovery: Month?, length: Int) {
        self.depth = depth
        self.peak = peak
        self.trough = trough
        self.recovery = recovery
        self.length = length
    }

    /// Months from the peak down to the trough.
    public var monthsToTrough: Int { trough - peak }
    /// Months from the trough back up to the peak wealth; `nil` when never recovered.
    public var monthsToRecover: Int? { recovery.map { $0 - trough } }

    /// The maximum drawdown of `returns` (monthly, decimal) earned in `months` (same count, in order);
    /// `nil` when wealth never falls below an earlier peak (or the series is empty). Ties keep the
    /// earliest trough.
    public static func maximum(returns: [Double], months: [Month]) -> Drawdown? {
        precondition(returns.count == months.count, "one month per return")
        guard let first = months.first else { return nil }
        let wealth = SeriesStatistics.cumulativeWealth(returns)
        var peakWealth = 1.0, peakIndex = -1           // index −1: the starting wealth
        var worst = 0.0, worstPeak = -1, worstTrough = -1
        for (t, w) in wealth.enumerated() {
            if w.isNaN {                                 // wealth fell below zero: nothing is left
                (worst, worstPeak, worstTrough) = (.nan, peakIndex, t)
                break
            }
            if w >= peakWealth {
                peakWealth = w
                peakIndex = t
            } else if w / peakWealth - 1 < worst {
                worst = w / peakWealth - 1
                worstPeak = peakIndex
                worstTrough = t
            }
        }
        guard worstTrough >= 0 else { return nil }
        let peakLevel = worstPeak >= 0 ? wealth[worstPeak] : 1
        let recoveryIndex = wealth[(worstTrough + 1)...].firstIndex { $0 >= peakLevel }
        let month = { (index: Int) in first + index }
        let end = recoveryIndex ?? (wealth.count - 1)
        return Drawdown(depth: worst, peak: month(worstPeak), trough: month(worstTrough),
                        recovery: recoveryIndex.map(month), length: end - worstPeak)
    }

    /// The drawdown at the end of each month: wealth over its running peak (including the starting
    /// wealth 1), minus 1; zero or negative decimals, NaN from the month wealth fell below zero.
    public static func series(returns: [Double]) -> [Double] {
        var peak = 1.0
        return SeriesStatistics.cumulativeWealth(returns).map { w in
            peak = max(peak, w)
            return w / peak - 1
        }
    }
}
