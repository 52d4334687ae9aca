/// `ℝⁿ₊`. Nesterov–Todd scaling is diagonal: `W = diag(√(s/z))`, `λ = √(s∘z)`, `H = diag(s/z)`.
final class NonnegativeCone: Cone {
    let range: Range<Int>
    /// `s/z` at the last scaling update.
    private var hessianDiagonal: [Double]
    /// `λ∘λ = s∘z` at the last scaling update.
    private var lambdaSquared: [Double]

    init(range: Range<Int>) {
        self.range = range
        hessianDiagonal = [Double](repeating: 1, count: range.count)
        lambdaSquared = [Double](repeating: 1, count: range.count)
    }

    var degree: Int { range.count }
    var isSymmetric: Bool { true }
    var hessianShape: HessianShape { .diagonal }

    func unitInitialization(s: inout [Double], z: inout [Double]) {
        for i in range { s[i] = 1; z[i] = 1 }
    }

    func shiftInside(_ v: inout [Double], isPrimal: Bool) {
        var margin = Double.infinity
        for i in range { margin = min(margin, v[i]) }
        if margin < 1e-8 { for i in range { v[i] += 1 - margin } }
    }

    func updateScaling(s: [Double], z: [Double], mu: Double) -> Bool {
        for (k, i) in range.enumerated() {
            guard s[i] > 0, z[i] > 0 else { return false }
            hessianDiagonal[k] = s[i] / z[i]
            lambdaSquared[k] = s[i] * z[i]
        }
        return true
    }

    func writeHessian(into out: inout [Double], at base: Int) {
        for k in 0..<range.count { out[base + k] = hessianDiagonal[k] }
    }

    func multiplyHessian(_ x: [Double], into y: inout [Double]) {
        for (k, i) in range.enumerated() { y[i] = hessianDiagonal[k] * x[i] }
    }

    /// `λ∘λ = s∘z`.
    func affineDs(_ ds: inout [Double], s: [Double]) {
        for (k, i) in range.enumerated() { ds[i] = lambdaSquared[k] }
    }

    /// `(W⁻¹Δs)∘(WΔz) − σμe = Δs∘Δz − σμ`.
    func addCombinedShift(_ ds: inout [Double], dz: [Double], ds affineDs: [Double], sigmaMu: Double) {
        for i in range { ds[i] += affineDs[i] * dz[i] - sigmaMu }
    }

    /// `W(λ \ ds) = ds / z`.
    func deltaSOffset(_ out: inout [Double], ds: [Double], z: [Double]) {
        for i in range { out[i] = ds[i] / z[i] }
    }

    func stepLength(dz: [Double], ds: [Double], z: [Double], s: [Double], alphaMax: Double) -> Double {
        min(orthantStepLength(z, dz, range, alphaMax: alphaMax), orthantStepLength(s, ds, range, alphaMax: alphaMax))
    }
}
