/// The second-order cone `{(t, x) : ‖x‖₂ ≤ t}` with Nesterov–Todd scaling
/// `W = η·[[w₀, w₁ᵀ], [w₁, I + w₁w₁ᵀ/(1 + w₀)]]` (hyperbolic unit `w₀² − ‖w₁‖² = 1`), so that
/// `H = WᵀW = η²(2wwᵀ − J)`, `J = diag(1, −1, …, −1)`.
///
/// Large cones keep `H` out of the KKT matrix as a dense block: `H = η²(D + uuᵀ − vvᵀ)` with
/// `D = diag(d, 1, …, 1)`, `u = (u₀, u₁w₁)`, `v = (0, v₁w₁)`, which the KKT matrix represents with
/// two extra rows/columns (quasi-definite because `vᵀD⁻¹v < 1`).
final class SecondOrderCone: Cone {
    /// Cones above this dimension use the sparse expansion of `H`.
    static let sparseExpansionThreshold = 4

    let range: Range<Int>
    private var eta = 1.0
    /// One allocation holding, `dimension` entries each: `w`; `λ = Wz = W⁻¹s`; and the scaled
    /// affine directions `W⁻¹Δs`, `WΔz` of the corrector. Raw storage because every operation runs
    /// each iteration over the whole cone (large cones have thousands of rows).
    private let storage: UnsafeMutableBufferPointer<Double>
    private var w: UnsafeMutablePointer<Double> { storage.baseAddress.unsafelyUnwrapped }
    private var lambda: UnsafeMutablePointer<Double> { w + range.count }
    private var scaledS: UnsafeMutablePointer<Double> { w + 2 * range.count }
    private var scaledZ: UnsafeMutablePointer<Double> { w + 3 * range.count }

    /// `range` must be non-empty (`ConeSpec.secondOrder` dimensions are validated to be ≥ 1).
    init(range: Range<Int>) {
        precondition(!range.isEmpty, "a second-order cone has at least one row")
        self.range = range
        storage = .allocate(capacity: 4 * range.count)
        storage.initialize(repeating: 0)
        w[0] = 1
        lambda[0] = 1
    }

    deinit { storage.deallocate() }

    var degree: Int { 1 }
    var isSymmetric: Bool { true }
    var hessianShape: HessianShape {
        range.count > Self.sparseExpansionThreshold ? .sparseExpansion : .dense
    }

    /// `v₀² − ‖v₁‖²` over this cone's rows of `v`.
    private func jResidual(_ v: [Double]) -> Double {
        let head = v[range.lowerBound]
        var tail = 0.0
        for i in range.dropFirst() { tail += v[i] * v[i] }
        return head * head - tail
    }

    func unitInitialization(s: inout [Double], z: inout [Double]) {
        for i in range { s[i] = 0; z[i] = 0 }
        s[range.lowerBound] = 1
        z[range.lowerBound] = 1
    }

    func shiftInside(_ v: inout [Double], isPrimal: Bool) {
        let margin = v[range.lowerBound] - VectorMath.norm2(v, range.dropFirst())
        if margin < 1e-8 { v[range.lowerBound] += 1 - margin }
    }

    func updateScaling(s: [Double], z: [Double], mu: Double) -> Bool {
        let sRes = jResidual(s), zRes = jResidual(z)
        let o = range.lowerBound, d = range.count, w = self.w
        guard sRes > 0, zRes > 0, s[o] > 0, z[o] > 0 else { return false }
        let sScale = sRes.squareRoot(), zScale = zRes.squareRoot()
        // w ∝ s/‖s‖_J + J z/‖z‖_J, normalised to a hyperbolic unit.
        var tail = 0.0
        s.withUnsafeBufferPointer { s in
            z.withUnsafeBufferPointer { z in
                w[0] = s[o] / sScale + z[o] / zScale
                for k in 1..<d {
                    w[k] = s[o + k] / sScale - z[o + k] / zScale
                    tail += w[k] * w[k]
                }
            }
        }
        let wRes = w[0] * w[0] - tail
        guard wRes > 0 else { return false }
        let wScale = wRes.squareRoot()
        tail = 0
        for k in 1..<d { w[k] /= wScale; tail += w[k] * w[k] }
        w[0] = (1 + tail).squareRoot()
        eta = (sScale / zScale).squareRoot()
        z.withUnsafeBufferPointer { z in
            for k in 0..<d { lambda[k] = z[o + k] }
        }
        applyW(to: lambda, inverse: false)
        return true
    }

    /// `v ← W v` (or `W⁻¹v`) for a vector of this cone's length, in place.
    private func applyW(to v: UnsafeMutablePointer<Double>, inverse: Bool) {
        let d = range.count, w = self.w
        var zeta = 0.0
        for k in 1..<d { zeta += w[k] * v[k] }
        let sign = inverse ? -1.0 : 1.0
        let scale = inverse ? 1 / eta : eta
        let x0 = v[0]
        let c = sign * x0 + zeta / (1 + w[0])
        v[0] = scale * (w[0] * x0 + sign * zeta)
        for k in 1..<d { v[k] = scale * (v[k] + c * w[k]) }
    }

    func writeHessian(into out: inout [Double], at base: Int) {
        let n = range.count, w = self.w
        let eta2 = eta * eta
        switch hessianShape {
        case .dense:
            for j in 0..<n {
                for i in 0..<n {
                    let jordan: Double = i != j ? 0 : (i == 0 ? -1 : 1)
                    out[base + j * n + i] = eta2 * (2 * w[i] * w[j] + jordan)
                }
            }
        case .sparseExpansion:
            var tail = 0.0
            for k in 1..<n { tail += w[k] * w[k] }
            let wsq = w[0] * w[0] + tail
            let d = 0.5 / wsq
            let u0 = (wsq - d).squareRoot()
            let u1 = 2 * w[0] / u0
            let v1 = max(u1 * u1 - 2, 0).squareRoot()
            out.withUnsafeMutableBufferPointer { out in
                out[base] = eta2 * d
                out[base + n] = eta * u0
                out[base + 2 * n] = 0
                for k in 1..<n {
                    out[base + k] = eta2
                    out[base + n + k] = eta * u1 * w[k]
                    out[base + 2 * n + k] = eta * v1 * w[k]
                }
            }
        case .diagonal:
            preconditionFailure("second-order cone blocks are never diagonal")
        }
    }

    /// `H x = η²(2w(wᵀx) − Jx)`.
    func multiplyHessian(_ x: [Double], into y: inout [Double]) {
        let o = range.lowerBound, d = range.count, w = self.w
        let eta2 = eta * eta
        x.withUnsafeBufferPointer { x in
            y.withUnsafeMutableBufferPointer { y in
                var wx = 0.0
                for k in 0..<d { wx += w[k] * x[o + k] }
                y[o] = eta2 * (2 * w[0] * wx - x[o])
                for k in 1..<d { y[o + k] = eta2 * (2 * w[k] * wx + x[o + k]) }
            }
        }
    }

    /// `λ∘λ` with the Jordan product `x∘y = (xᵀy, x₀y₁ + y₀x₁)`.
    func affineDs(_ ds: inout [Double], s: [Double]) {
        let o = range.lowerBound, d = range.count, lambda = self.lambda
        ds.withUnsafeMutableBufferPointer { ds in
            var squared = 0.0
            for k in 0..<d { squared += lambda[k] * lambda[k] }
            ds[o] = squared
            for k in 1..<d { ds[o + k] = 2 * lambda[0] * lambda[k] }
        }
    }

    /// Adds the Mehrotra correction `(W⁻¹Δs)∘(WΔz)` and subtracts `σμe`.
    func addCombinedShift(_ ds: inout [Double], dz: [Double], ds affineDs: [Double], sigmaMu: Double) {
        let o = range.lowerBound, d = range.count, scaledS = self.scaledS, scaledZ = self.scaledZ
        affineDs.withUnsafeBufferPointer { affineDs in
            dz.withUnsafeBufferPointer { dz in
                for k in 0..<d { scaledS[k] = affineDs[o + k]; scaledZ[k] = dz[o + k] }
            }
        }
        applyW(to: scaledS, inverse: true)
        applyW(to: scaledZ, inverse: false)
        ds.withUnsafeMutableBufferPointer { ds in
            var head = 0.0
            for k in 0..<d { head += scaledS[k] * scaledZ[k] }
            ds[o] += head - sigmaMu
            for k in 1..<d { ds[o + k] += scaledS[0] * scaledZ[k] + scaledZ[0] * scaledS[k] }
        }
    }

    /// `W(λ \ ds)` where `λ \ v` solves `λ∘x = v`.
    func deltaSOffset(_ out: inout [Double], ds: [Double], z: [Double]) {
        let o = range.lowerBound, d = range.count, lambda = self.lambda
        ds.withUnsafeBufferPointer { ds in
            out.withUnsafeMutableBufferPointer { out in
                var l1v = 0.0, l1l1 = 0.0
                for k in 1..<d { l1v += lambda[k] * ds[o + k]; l1l1 += lambda[k] * lambda[k] }
                let l0 = lambda[0]
                let x0 = (l0 * ds[o] - l1v) / (l0 * l0 - l1l1)
                out[o] = x0
                for k in 1..<d { out[o + k] = (ds[o + k] - x0 * lambda[k]) / l0 }
                applyW(to: out.baseAddress.unsafelyUnwrapped + o, inverse: false)
            }
        }
    }
    func stepLength(dz: [Double], ds: [Double], z: [Double], s: [Double], alphaMax: Double) -> Double {
        min(componentStep(z, dz, alphaMax), componentStep(s, ds, alphaMax))
    }

    /// Largest `α ≤ alphaMax` keeping `x + αy` in the cone: the smallest positive root of
    /// `res(x + αy) = aα² + bα + c` (`res(v) = v₀² − ‖v₁‖²`), computed without cancellation.
    private func componentStep(_ x: [Double], _ y: [Double], _ alphaMax: Double) -> Double {
        let o = range.lowerBound, dimension = range.count
        var yTail = 0.0, crossTail = 0.0, xTail = 0.0
        x.withUnsafeBufferPointer { x in
            y.withUnsafeBufferPointer { y in
                for k in 1..<dimension {
                    let xk = x[o + k], yk = y[o + k]
                    yTail += yk * yk
                    crossTail += xk * yk
                    xTail += xk * xk
                }
            }
        }
        let a = y[o] * y[o] - yTail
        let b = 2 * (x[o] * y[o] - crossTail)
        let c = max(0, x[o] * x[o] - xTail)
        let disc = b * b - 4 * a * c
        if (a > 0 && b > 0) || disc < 0 || a == 0 { return alphaMax }
        if c == 0 { return a >= 0 ? alphaMax : 0 }
        let t = b >= 0 ? -b - disc.squareRoot() : -b + disc.squareRoot()
        var r1 = 2 * c / t, r2 = t / (2 * a)
        if r1 < 0 { r1 = .infinity }
        if r2 < 0 { r2 = .infinity }
        return min(alphaMax, r1, r2)
    }
}
