/// The one place where Tilt turns a floating-point number into an integer.
///
/// Swift's `Int(x)` traps (SIGILL, the process ends) when `x` is NaN, infinite or outside the integer
/// type's range, and a program's numbers (`1994-01 to 2000-12 by 1e300`) or a data file's cells reach such
/// conversions. These initialisers return nil, or clamp, instead; every other conversion from a `Double` to
/// an integer type in Sources/ is refused by `IntegerConversionRuleTests`.
extension FixedWidthInteger {
    /// `x` when it is a whole number in `range` (by default, any value of the type); nil for a fraction,
    /// NaN, an infinity or a number outside.
    @inlinable
    public init?(whole x: Double, in range: ClosedRange<Self> = Self.min...Self.max) {
        // `init(exactly:)` is nil for fractions, NaN, infinities and numbers the type cannot hold.
        guard let value = Self(exactly: x), range.contains(value) else { return nil }
        self = value
    }

    /// `x` rounded by `rule` when the result is in `range` (by default, any value of the type); nil for
    /// NaN, an infinity or a result outside.
    @inlinable
    public init?(rounding x: Double, _ rule: FloatingPointRoundingRule, in range: ClosedRange<Self> = Self.min...Self.max) {
        self.init(whole: x.rounded(rule), in: range)
    }

    /// `x` rounded by `rule`, then moved into `range` when it falls outside (−∞ and NaN to the lower bound,
    /// +∞ to the upper): for positions on a scale where "beyond the end" means "at the end" (a chart axis,
    /// an index drawn from a uniform number).
    @inlinable
    public init(clamping x: Double, rounding rule: FloatingPointRoundingRule, to range: ClosedRange<Self>) {
        let rounded = x.rounded(rule)
        if rounded >= Double(range.upperBound) {
            self = range.upperBound
        } else if let value = Self(exactly: rounded), value >= range.lowerBound {
            self = value
        } else {
            // NaN, −∞, and anything below the lower bound.
            self = range.lowerBound
        }
    }
}
