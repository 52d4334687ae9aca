/// The product cone `K = K₁ × … × K_p`: builds one `Cone` per `ConeSpec` (rows assigned in order)
/// and applies each operation blockwise.
final class CompositeCone {
    let cones: [any Cone]
    /// Total number of rows `m`.
    let dimension: Int
    /// Barrier degree `ν = Σ νᵢ`.
    let degree: Int
    let isSymmetric: Bool

    init(_ specs: [ConeSpec]) {
        var cones: [any Cone] = []
        var offset = 0
        for spec in specs {
            let range = offset..<(offset + spec.dimension)
            switch spec {
            case .zero: cones.append(ZeroCone(range: range))
            case .nonnegative: cones.append(NonnegativeCone(range: range))
            case .secondOrder: cones.append(SecondOrderCone(range: range))
            case .exponential: cones.append(ExponentialCone(range: range))
            }
            offset += spec.dimension
        }
        self.cones = cones
        dimension = offset
        degree = cones.reduce(0) { $0 + $1.degree }
        isSymmetric = cones.allSatisfy(\.isSymmetric)
    }

    func unitInitialization(s: inout [Double], z: inout [Double]) {
        for cone in cones { cone.unitInitialization(s: &s, z: &z) }
    }

    /// Moves `v` (a primal `s` when `isPrimal`, else a dual `z`) inside the cones for the symmetric start, as
    /// Clarabel's `shift_to_cone_interior`: with m the smallest margin over all cones and t = max(1, 0.1 ×
    /// the positive margins' sum), a `v` partly outside is shifted by −m, then by t; one inside but closer
    /// than t, by t − m. The target scales with `v`, so a start of size 1e17 (an unbounded problem's
    /// least-squares point) is not lost to rounding, as shifting by 1 − m was.
    func shiftInside(_ v: inout [Double], isPrimal: Bool) {
        var minimum = Double.infinity, positive = 0.0
        for cone in cones {
            let margins = cone.margins(v)
            minimum = min(minimum, margins.minimum)
            positive += margins.positive
        }
        let target = max(1, 0.1 * positive)
        if minimum <= 0 {
            for cone in cones { cone.shiftAlongUnit(&v, by: -minimum, isPrimal: isPrimal) }
            for cone in cones { cone.shiftAlongUnit(&v, by: target, isPrimal: isPrimal) }
        } else if minimum < target {
            for cone in cones { cone.shiftAlongUnit(&v, by: target - minimum, isPrimal: isPrimal) }
        } else {
            for cone in cones where cone is ZeroCone { cone.shiftAlongUnit(&v, by: 0, isPrimal: isPrimal) }
        }
    }

    func updateScaling(s: [Double], z: [Double], mu: Double, strategy: ScalingStrategy) -> Bool {
        cones.allSatisfy { $0.updateScaling(s: s, z: z, mu: mu, strategy: strategy) }
    }

    func multiplyHessian(_ x: [Double], into y: inout [Double]) {
        for cone in cones { cone.multiplyHessian(x, into: &y) }
    }

    func affineDs(_ ds: inout [Double], s: [Double]) {
        for cone in cones { cone.affineDs(&ds, s: s) }
    }

    func addCombinedShift(_ ds: inout [Double], dz: [Double], ds affineDs: [Double], sigmaMu: Double) {
        for cone in cones { cone.addCombinedShift(&ds, dz: dz, ds: affineDs, sigmaMu: sigmaMu) }
    }

    func deltaSOffset(_ out: inout [Double], ds: [Double], z: [Double]) {
        for cone in cones { cone.deltaSOffset(&out, ds: ds, z: z) }
    }

    /// The symmetric cones' exact step first; then, with nonsymmetric cones, the step is kept just short of
    /// a full one (1 − √ε, as Clarabel does, so that their feasibility tests and logarithms are not taken
    /// on the boundary — a full step there was refused and cut back by their line search to 0.8) before
    /// their backtracking line search.
    func stepLength(dz: [Double], ds: [Double], z: [Double], s: [Double], alphaMax: Double) -> Double {
        var alpha = alphaMax
        for cone in cones where cone.isSymmetric { alpha = cone.stepLength(dz: dz, ds: ds, z: z, s: s, alphaMax: alpha) }
        guard !isSymmetric else { return alpha }
        alpha = min(alpha, 1 - Double.ulpOfOne.squareRoot())
        for cone in cones where !cone.isSymmetric { alpha = cone.stepLength(dz: dz, ds: ds, z: z, s: s, alphaMax: alpha) }
        return alpha
    }

    func isCentred(dz: [Double], ds: [Double], z: [Double], s: [Double], alpha: Double, mu: Double) -> Bool {
        cones.allSatisfy { $0.isCentred(dz: dz, ds: ds, z: z, s: s, alpha: alpha, mu: mu) }
    }
}
