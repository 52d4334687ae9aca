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
        let o = range.lowerBound
        return hessianDiagonal.withUnsafeMutableBufferPointer { h in
            lambdaSquared.withUnsafeMutableBufferPointer { l in
                s.withUnsafeBufferPointer { s in
                    z.withUnsafeBufferPointer { z in
                        for k in 0..<h.count {
                            let si = s[o + k], zi = z[o + k]
                            guard si > 0, zi > 0 else { return false }
                            h[k] = si / zi
                            l[k] = si * zi
                        }
                        return true
                    }
                }
            }
        }
    }

    func writeHessian(into out: inout [Double], at base: Int) {
        for k in 0..<range.count { out[base + k] = hessianDiagonal[k] }
    }

    func multiplyHessian(_ x: [Double], into y: inout [Double]) {
        let o = range.lowerBound, h = hessianDiagonal
        x.withUnsafeBufferPointer { x in
            y.withUnsafeMutableBufferPointer { y in
                for k in 0..<h.count { y[o + k] = h[k] * x[o + k] }
            }
        }
    }

    /// `λ∘λ = s∘z`.
    func affineDs(_ ds: inout [Double], s: [Double]) {
        let o = range.lowerBound, l = lambdaSquared
        ds.withUnsafeMutableBufferPointer { ds in
            for k in 0..<l.count { ds[o + k] = l[k] }
        }
    }

    /// `(W⁻¹Δs)∘(WΔz) − σμe = Δs∘Δz − σμ`.
    func addCombinedShift(_ ds: inout [Double], dz: [Double], ds affineDs: [Double], sigmaMu: Double) {
        let range = self.range
        affineDs.withUnsafeBufferPointer { affineDs in
            dz.withUnsafeBufferPointer { dz in
                ds.withUnsafeMutableBufferPointer { ds in
                    for i in range { ds[i] += affineDs[i] * dz[i] - sigmaMu }
                }
            }
        }
    }

    /// `W(λ \ ds) = ds / z`.
    func deltaSOffset(_ out: inout [Double], ds: [Double], z: [Double]) {
        let range = self.range
        ds.withUnsafeBufferPointer { ds in
            z.withUnsafeBufferPointer { z in
                out.withUnsafeMutableBufferPointer { out in
                    for i in range { out[i] = ds[i] / z[i] }
                }
            }
        }
    }

    func stepLength(dz: [Double], ds: [Double], z: [Double], s: [Double], alphaMax: Double) -> Double {
        min(orthantStepLength(z, dz, range, alphaMax: alphaMax), orthantStepLength(s, ds, range, alphaMax: alphaMax))
    }
}
