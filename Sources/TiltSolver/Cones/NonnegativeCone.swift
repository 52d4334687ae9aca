/// `ℝⁿ₊`. Nesterov–Todd scaling is diagonal: `W = diag(√(s/z))`, `λ = √(s∘z)`, `H = diag(s/z)`.
final class NonnegativeCone: Cone {
    let range: Range<Int>
    /// One allocation holding, `dimension` entries each: `s/z` (the diagonal of `H`) and
    /// `λ∘λ = s∘z`, both at the last scaling update. Raw storage so that the per-iteration loops
    /// run over plain pointers.
    private let storage: UnsafeMutableBufferPointer<Double>
    private var hessianDiagonal: UnsafeMutablePointer<Double> { storage.baseAddress.unsafelyUnwrapped }
    private var lambdaSquared: UnsafeMutablePointer<Double> { hessianDiagonal + range.count }

    init(range: Range<Int>) {
        self.range = range
        storage = .allocate(capacity: 2 * range.count)
        storage.initialize(repeating: 1)
    }

    deinit { storage.deallocate() }

    var degree: Int { range.count }
    var isSymmetric: Bool { true }
    var hessianShape: HessianShape { .diagonal }

    func unitInitialization(s: inout [Double], z: inout [Double]) {
        for i in range { s[i] = 1; z[i] = 1 }
    }

    func margins(_ v: [Double]) -> (minimum: Double, positive: Double) {
        var minimum = Double.infinity, positive = 0.0
        for i in range {
            minimum = min(minimum, v[i])
            positive += max(v[i], 0)
        }
        return (minimum, positive)
    }

    func shiftAlongUnit(_ v: inout [Double], by alpha: Double, isPrimal: Bool) {
        for i in range { v[i] += alpha }
    }

    func updateScaling(s: [Double], z: [Double], mu: Double, strategy: ScalingStrategy) -> Bool {
        let h = hessianDiagonal, l = lambdaSquared
        return withRows(s, z) { s, z in
            for k in 0..<range.count {
                let si = s[k], zi = z[k]
                guard si > 0, zi > 0 else { return false }
                h[k] = si / zi
                l[k] = si * zi
            }
            return true
        }
    }

    func writeHessian(into out: inout [Double], at base: Int) {
        let h = hessianDiagonal
        out.withUnsafeMutableBufferPointer { out in
            for k in 0..<range.count { out[base + k] = h[k] }
        }
    }

    func multiplyHessian(_ x: [Double], into y: inout [Double]) {
        let h = hessianDiagonal
        withRows(x, &y) { x, y in
            for k in 0..<range.count { y[k] = h[k] * x[k] }
        }
    }

    /// `λ∘λ = s∘z`.
    func affineDs(_ ds: inout [Double], s: [Double]) {
        let l = lambdaSquared
        withRows(&ds) { ds in
            for k in 0..<range.count { ds[k] = l[k] }
        }
    }

    /// `(W⁻¹Δs)∘(WΔz) − σμe = Δs∘Δz − σμ`.
    func addCombinedShift(_ ds: inout [Double], dz: [Double], ds affineDs: [Double], sigmaMu: Double) {
        withRows(affineDs, dz, &ds) { affineDs, dz, ds in
            for k in 0..<range.count { ds[k] += affineDs[k] * dz[k] - sigmaMu }
        }
    }

    /// `W(λ \ ds) = ds / z`.
    func deltaSOffset(_ out: inout [Double], ds: [Double], z: [Double]) {
        withRows(ds, z, &out) { ds, z, out in
            for k in 0..<range.count { out[k] = ds[k] / z[k] }
        }
    }

    /// The orthant step of `z` and `s` together, in one pass.
    func stepLength(dz: [Double], ds: [Double], z: [Double], s: [Double], alphaMax: Double) -> Double {
        var alpha = alphaMax
        withRows(dz, ds) { dz, ds in
            withRows(z, s) { z, s in
                for k in 0..<range.count {
                    if dz[k] < 0 { alpha = min(alpha, -z[k] / dz[k]) }
                    if ds[k] < 0 { alpha = min(alpha, -s[k] / ds[k]) }
                }
            }
        }
        return alpha
    }
}
