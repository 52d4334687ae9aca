/// A cone named in a CBF `VAR` or `CON` section, and how its coordinates map to Clarabel's cones.
///
/// CBF conventions (MOSEK's CBF reference): `Q` is `x₁ ≥ ‖x₂:ₙ‖`; `QR` is `2x₁x₂ ≥ ‖x₃:ₙ‖²`,
/// `x₁, x₂ ≥ 0`; `EXP` is `x₁ ≥ x₂·exp(x₃/x₂)`, `x₂ > 0`; `EXP*` (its dual) is
/// `x₁ ≥ −x₃·e⁻¹·exp(x₂/x₃)`, `x₁ > 0`, `x₃ < 0`.
enum CBFCone: Equatable {
    /// e, the base of the natural logarithm.
    private static let eulerNumber = 2.718281828459045

    case free, nonnegative, nonpositive, zero, quadratic, rotatedQuadratic, exponential, dualExponential

    init?(name: String) {
        switch name {
        case "F": self = .free
        case "L+": self = .nonnegative
        case "L-": self = .nonpositive
        case "L=": self = .zero
        case "Q": self = .quadratic
        case "QR": self = .rotatedQuadratic
        case "EXP": self = .exponential
        case "EXP*": self = .dualExponential
        default: return nil
        }
    }

    /// The reason a valid CBF cone name is unsupported, nil when the name is not a CBF cone.
    static func unsupportedReason(_ name: String) -> String? {
        if name.hasSuffix(":POW") || name.hasSuffix(":POW*") { return "power cones are not supported" }
        if name == "SVECPSD" { return "semidefinite cones are not supported" }
        return nil
    }

    /// The smallest allowed dimension, and the only one for the exponential cones.
    var dimensionRule: (minimum: Int, exact: Int?) {
        switch self {
        case .exponential, .dualExponential: (3, 3)
        case .rotatedQuadratic: (2, nil)
        default: (1, nil)
        }
    }

    /// Adds the slack rows expressing `(v₀, …, v_{d−1}) ∈ self`, where `source(t)` is coordinate t.
    ///
    /// - QR → SOC by the orthogonal map `((v₀+v₁)/√2, (v₀−v₁)/√2, v₂, …)`, since
    ///   `((v₀+v₁)² − (v₀−v₁)²)/2 = 2v₀v₁`.
    /// - EXP `(v₀, v₁, v₂)` is Clarabel's `(x, y, z) = (v₂, v₁, v₀)`.
    /// - EXP* is the image of Clarabel's cone under `(x, y, z) = (−v₁, −v₂, e·v₀)`: with `y = −v₂ > 0`,
    ///   `y·exp(x/y) = −v₂·exp(v₁/v₂) ≤ e·v₀` is exactly the EXP* inequality.
    func addRows(dimension d: Int, to assembler: inout ConicAssembler, source: (Int) -> RowSource,
                 linearOrigin: (Int, BoundSide) -> ConicRowOrigin, coneOrigin: (Int) -> ConicRowOrigin) {
        func row(_ t: Int, _ weight: Double, _ origin: ConicRowOrigin? = nil) -> SlackRow {
            SlackRow(source(t), weight: weight, origin: origin ?? coneOrigin(t))
        }
        switch self {
        case .free:
            return
        case .nonnegative:
            for t in 0..<d { assembler.addNonnegative(row(t, 1, linearOrigin(t, .lower))) }
        case .nonpositive:
            for t in 0..<d { assembler.addNonnegative(row(t, -1, linearOrigin(t, .upper))) }
        case .zero:
            for t in 0..<d { assembler.addZero(row(t, 1, linearOrigin(t, .equal))) }
        case .quadratic:
            assembler.addBlock(.secondOrder(d), rows: (0..<d).map { row($0, 1) })
        case .rotatedQuadratic:
            let h = 1 / 2.0.squareRoot()
            var sum = row(0, h)
            sum.second = (source(1), h)
            var difference = row(1, -h)
            difference.second = (source(0), h)
            assembler.addBlock(.secondOrder(d), rows: [sum, difference] + (2..<d).map { row($0, 1) })
        case .exponential:
            assembler.addBlock(.exponential, rows: [row(2, 1), row(1, 1), row(0, 1)])
        case .dualExponential:
            assembler.addBlock(.exponential, rows: [row(1, -1), row(2, -1), row(0, CBFCone.eulerNumber)])
        }
    }
}
