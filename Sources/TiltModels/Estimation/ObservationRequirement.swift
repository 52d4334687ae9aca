import TiltData

/// How many months of an estimation window an asset needs a return in to be estimated (and so to be
/// eligible at the rebalance): every month, or at least a number of them with missing months allowed —
/// what single names need, since a CRSP stock that listed three years ago or missed a month never has a
/// complete five-year window.
///
/// An asset estimated on fewer months than the window has uses only its own months (`OLSFactorModel`
/// groups assets by which months they have); the factor moments use the whole window.
public enum ObservationRequirement: Sendable, Equatable {
    /// A return in every month of the window: the default for panels without entries and exits (the 48
    /// industries, a wide file, the synthetic market), where a gap is a data problem worth seeing.
    case complete
    /// A return in at least `n` months of the window (`model ols(… min: n)`).
    case atLeast(Int)

    /// Whether `observations` returns in a window of `windowLength` months are enough.
    public func isMet(observations: Int, windowLength: Int) -> Bool {
        switch self {
        case .complete: return observations == windowLength
        case .atLeast(let n): return observations >= n
        }
    }

    /// The `minimumObservations` to ask an estimator for (`nil`: its default, K + 2, enough when complete
    /// windows are asked for anyway).
    public var minimumObservations: Int? {
        switch self {
        case .complete: return nil
        case .atLeast(let n): return n
        }
    }
}
