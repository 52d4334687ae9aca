import Foundation

/// Constant relative risk aversion utility of end-of-month wealth W = 1 + r (r a decimal monthly return):
/// u(W) = W^(1−γ)/(1−γ), and log W at γ = 1. Defined for W > 0 only.
public struct CRRAUtility: Sendable, Equatable {
    /// Relative risk aversion γ > 0.
    public let riskAversion: Double

    /// Throws `PolicyError.invalidInput` unless γ is a positive finite number.
    public init(riskAversion: Double) throws {
        guard riskAversion > 0, riskAversion.isFinite else {
            throw PolicyError(.invalidInput, "CRRA risk aversion must be a positive number, got \(riskAversion)")
        }
        self.riskAversion = riskAversion
    }

    /// Log utility (γ = 1).
    public static let log = CRRAUtility(checked: 1)

    private init(checked gamma: Double) { riskAversion = gamma }

    /// u(W), u′(W) = W^(−γ) and u″(W) = −γ W^(−γ−1), for W > 0.
    @inline(__always)
    func derivatives(atWealth wealth: Double) -> (value: Double, first: Double, second: Double) {
        let gamma = riskAversion
        let first = gamma == 1 ? 1 / wealth : Foundation.pow(wealth, -gamma)
        let value = gamma == 1 ? Foundation.log(wealth) : first * wealth / (1 - gamma)
        return (value, first, -gamma * first / wealth)
    }

    /// u(W) for W > 0.
    public func value(atWealth wealth: Double) -> Double { derivatives(atWealth: wealth).value }
}
