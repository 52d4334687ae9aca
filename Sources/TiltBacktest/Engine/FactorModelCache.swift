import Foundation
import TiltModels

/// Factor models already estimated, by rebalance month, for backtests that share their data, estimation
/// window, model and schedule — the values of a sweep, which differ only in their problem. The first
/// backtest to reach a month estimates its model; the others reuse it (a backtest that arrives while it is
/// being estimated waits for it). Estimates are deterministic, so sharing them changes no number.
public final class FactorModelCache: @unchecked Sendable {
    /// One month's estimate, filled once.
    private final class Entry: @unchecked Sendable {
        let lock = NSLock()
        var estimate: FactorModelEstimate?
    }

    private let lock = NSLock()
    private var entries: [Int: Entry] = [:]

    public init() {}

    /// The estimate at data row `t`, made by `estimate` if no backtest has made it yet.
    func estimate(at t: Int, _ estimate: () throws -> FactorModelEstimate) throws -> FactorModelEstimate {
        let entry = lock.withLock {
            if let existing = entries[t] { return existing }
            let created = Entry()
            entries[t] = created
            return created
        }
        entry.lock.lock()
        defer { entry.lock.unlock() }
        if let done = entry.estimate { return done }
        let made = try estimate()
        entry.estimate = made
        return made
    }
}

/// The factor model estimated at one rebalance; `regime` is the same model when it is a regime model (its
/// HMM warm-starts the next rebalance and its probabilities are recorded).
struct FactorModelEstimate: Sendable {
    var model: any FactorModel
    var regime: RegimeFactorModel?
}
