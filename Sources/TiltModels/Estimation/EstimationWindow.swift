import TiltData

/// Which months an estimate at a rebalance month T uses. Either way only months labelled ≤ T are
/// used, so an estimate never sees the future.
public enum EstimationWindow: Sendable, Equatable {
    /// Every month from `from` through T (the window grows with T).
    case expanding(from: Month)
    /// The `months` months ending at T, i.e. labelled T − months + 1 … T (fewer rows when the data
    /// skip months).
    case rolling(months: Int)

    /// The first month of the window ending at `rebalance`.
    public func firstMonth(endingAt rebalance: Month) -> Month {
        switch self {
        case .expanding(let start): start
        case .rolling(let length): rebalance - (length - 1)
        }
    }

    /// Throws unless the window is usable at `rebalance` (a positive length, a start not after T).
    func validate(at rebalance: Month) throws {
        switch self {
        case .expanding(let start) where start > rebalance:
            throw ModelError("the expanding window starts at \(start), after the rebalance month \(rebalance)")
        case .rolling(let length) where length < 1:
            throw ModelError("a rolling window needs a positive number of months, got \(length)")
        default:
            return
        }
    }
}
