import TiltData

/// Why a parametric portfolio policy could not be estimated or applied. The message is a sentence a
/// user can act on; `month` is the decision month concerned, when there is one.
public struct PolicyError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// 1 + r_p ≤ 0 in some month: CRRA utility is undefined there.
        case nonPositiveWealth
        /// A decision month of the estimation sample has no usable cross-section.
        case missingCrossSection
        /// The average utility has no maximum (it keeps increasing along some direction of θ).
        case noMaximum
        /// Options or inputs that do not fit together (shapes, names, γ ≤ 0, empty windows).
        case invalidInput
    }

    public var kind: Kind
    public var month: Month?
    public var message: String

    public init(_ kind: Kind, month: Month? = nil, _ message: String) {
        self.kind = kind
        self.month = month
        self.message = message
    }

    public var description: String { (month.map { "at \($0): " } ?? "") + message }
}
