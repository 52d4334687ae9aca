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

    func shiftInside(_ v: inout [Double], isPrimal: Bool) {
        for cone in cones { cone.shiftInside(&v, isPrimal: isPrimal) }
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

    func stepLength(dz: [Double], ds: [Double], z: [Double], s: [Double], alphaMax: Double) -> Double {
        var alpha = alphaMax
        for cone in cones { alpha = cone.stepLength(dz: dz, ds: ds, z: z, s: s, alphaMax: alpha) }
        return alpha
    }

    func isCentred(dz: [Double], ds: [Double], z: [Double], s: [Double], alpha: Double, mu: Double) -> Bool {
        cones.allSatisfy { $0.isCentred(dz: dz, ds: ds, z: z, s: s, alpha: alpha, mu: mu) }
    }
}
