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
    /// `‖λ‖²` and `‖λ₁‖²` at the last scaling update (for `λ∘λ` and `λ \ v`).
    private var lambdaNormSquared = 1.0, lambdaTailSquared = 0.0
    /// One allocation holding, `dimension` entries each: `w` and `λ = Wz = W⁻¹s`. Raw storage
    /// because every operation runs each iteration over the whole cone (large cones have thousands
    /// of rows).
    private let storage: UnsafeMutableBufferPointer<Double>
    private var w: UnsafeMutablePointer<Double> { storage.baseAddress.unsafelyUnwrapped }
    private var lambda: UnsafeMutablePointer<Double> { w + range.count }

    /// `range` must be non-empty (`ConeSpec.secondOrder` dimensions are validated to be ≥ 1).
    init(range: Range<Int>) {
        precondition(!range.isEmpty, "a second-order cone has at least one row")
        self.range = range
        storage = .allocate(capacity: 2 * range.count)
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

    func unitInitialization(s: inout [Double], z: inout [Double]) {
        for i in range { s[i] = 0; z[i] = 0 }
        s[range.lowerBound] = 1
        z[range.lowerBound] = 1
    }

    func margins(_ v: [Double]) -> (minimum: Double, positive: Double) {
        let margin = v[range.lowerBound] - VectorMath.norm2(v, range.dropFirst())
        return (margin, max(margin, 0))
    }

    func shiftAlongUnit(_ v: inout [Double], by alpha: Double, isPrimal: Bool) {
        v[range.lowerBound] += alpha
    }

    /// `w`, `η` and `λ = Wz` in four passes: the `J`-norms of `s` and `z`; `w` unnormalised; `w`
    /// normalised with `w₁ᵀz₁` (for `λ`); `λ` with its norms.
    func updateScaling(s: [Double], z: [Double], mu: Double, strategy: ScalingStrategy) -> Bool {
        let d = range.count, w = self.w, lambda = self.lambda
        return withRows(s, z) { s, z in
            var sTail = 0.0, zTail = 0.0
            for k in 1..<d { sTail += s[k] * s[k]; zTail += z[k] * z[k] }
            let sRes = s[0] * s[0] - sTail, zRes = z[0] * z[0] - zTail
            guard sRes > 0, zRes > 0, s[0] > 0, z[0] > 0 else { return false }
            let sScale = sRes.squareRoot(), zScale = zRes.squareRoot()
            // w ∝ s/‖s‖_J + J z/‖z‖_J, normalised to a hyperbolic unit.
            var tail = 0.0
            w[0] = s[0] / sScale + z[0] / zScale
            for k in 1..<d {
                w[k] = s[k] / sScale - z[k] / zScale
                tail += w[k] * w[k]
            }
            let wRes = w[0] * w[0] - tail
            guard wRes > 0 else { return false }
            let wScale = wRes.squareRoot()
            tail = 0
            var wz = 0.0
            for k in 1..<d {
                w[k] /= wScale
                tail += w[k] * w[k]
                wz += w[k] * z[k]
            }
            w[0] = (1 + tail).squareRoot()
            eta = (sScale / zScale).squareRoot()
            let map = scalingMap(z.baseAddress.unsafelyUnwrapped, tailDot: wz, inverse: false)
            lambda[0] = map.head
            var normSquared = lambda[0] * lambda[0], tailSquared = 0.0
            for k in 1..<d {
                lambda[k] = map[k]
                normSquared += lambda[k] * lambda[k]
                tailSquared += lambda[k] * lambda[k]
            }
            lambdaNormSquared = normSquared
            lambdaTailSquared = tailSquared
            return true
        }
    }

    /// `W v` (or `W⁻¹v`) of a vector `v` of this cone's length, entry by entry, given `w₁ᵀv₁`:
    /// `W v = η(w₀v₀ + w₁ᵀv₁, v₁ + (v₀ + w₁ᵀv₁/(1 + w₀))w₁)`, and `W⁻¹` with `η⁻¹` and `−v₀`, `−w₁ᵀv₁`
    /// in the head.
    private struct ScalingMap {
        let v, w: UnsafePointer<Double>
        /// Entry 0.
        let head: Double
        let scale, shift: Double
        /// Entry `k ≥ 1`; `v[k]` is read here, so it may be overwritten once this entry is taken.
        subscript(k: Int) -> Double { scale * (v[k] + shift * w[k]) }
    }

    private func scalingMap(_ v: UnsafePointer<Double>, tailDot zeta: Double, inverse: Bool) -> ScalingMap {
        let w = self.w
        let sign = inverse ? -1.0 : 1.0
        let scale = inverse ? 1 / eta : eta
        let x0 = v[0]
        return ScalingMap(v: v, w: w, head: scale * (w[0] * x0 + sign * zeta), scale: scale,
                          shift: sign * x0 + zeta / (1 + w[0]))
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
        let d = range.count, w = self.w
        let eta2 = eta * eta
        withRows(x, &y) { x, y in
            var wx = 0.0
            for k in 0..<d { wx += w[k] * x[k] }
            let twoWx = 2 * wx
            y[0] = eta2 * (w[0] * twoWx - x[0])
            for k in 1..<d { y[k] = eta2 * (w[k] * twoWx + x[k]) }
        }
    }

    /// `λ∘λ` with the Jordan product `x∘y = (xᵀy, x₀y₁ + y₀x₁)`.
    func affineDs(_ ds: inout [Double], s: [Double]) {
        let d = range.count, lambda = self.lambda, normSquared = lambdaNormSquared
        withRows(&ds) { ds in
            ds[0] = normSquared
            for k in 1..<d { ds[k] = 2 * lambda[0] * lambda[k] }
        }
    }

    /// Adds the Mehrotra correction `(W⁻¹Δs)∘(WΔz)` and subtracts `σμe`, with both scaled
    /// directions taken entry by entry (one pass for their dots with `w₁`, one for the rest).
    func addCombinedShift(_ ds: inout [Double], dz: [Double], ds affineDs: [Double], sigmaMu: Double) {
        let d = range.count, w = self.w
        withRows(affineDs, dz, &ds) { affineDs, dz, ds in
            var wS = 0.0, wZ = 0.0
            for k in 1..<d { wS += w[k] * affineDs[k]; wZ += w[k] * dz[k] }
            let scaledS = scalingMap(affineDs.baseAddress.unsafelyUnwrapped, tailDot: wS, inverse: true)
            let scaledZ = scalingMap(dz.baseAddress.unsafelyUnwrapped, tailDot: wZ, inverse: false)
            let s0 = scaledS.head, z0 = scaledZ.head
            var head = s0 * z0
            for k in 1..<d {
                let sk = scaledS[k], zk = scaledZ[k]
                head += sk * zk
                ds[k] += s0 * zk + z0 * sk
            }
            ds[0] += head - sigmaMu
        }
    }

    /// `W(λ \ ds)` where `λ \ v` solves `λ∘x = v`; `w₁ᵀx₁` is taken while `x` is formed.
    func deltaSOffset(_ out: inout [Double], ds: [Double], z: [Double]) {
        let d = range.count, lambda = self.lambda, w = self.w, tailSquared = lambdaTailSquared
        withRows(ds, &out) { ds, out in
            var l1v = 0.0
            for k in 1..<d { l1v += lambda[k] * ds[k] }
            let l0 = lambda[0]
            let x0 = (l0 * ds[0] - l1v) / (l0 * l0 - tailSquared)
            out[0] = x0
            var wx = 0.0
            for k in 1..<d {
                out[k] = (ds[k] - x0 * lambda[k]) / l0
                wx += w[k] * out[k]
            }
            let map = scalingMap(UnsafePointer(out.baseAddress.unsafelyUnwrapped), tailDot: wx, inverse: false)
            out[0] = map.head
            for k in 1..<d { out[k] = map[k] }
        }
    }

    /// The steps of `z` and `s` from one pass over both.
    func stepLength(dz: [Double], ds: [Double], z: [Double], s: [Double], alphaMax: Double) -> Double {
        let d = range.count
        return withRows(z, dz) { z, dz in
            withRows(s, ds) { s, ds in
                var zTail = 0.0, dzTail = 0.0, zCross = 0.0, sTail = 0.0, dsTail = 0.0, sCross = 0.0
                for k in 1..<d {
                    zTail += z[k] * z[k]; dzTail += dz[k] * dz[k]; zCross += z[k] * dz[k]
                    sTail += s[k] * s[k]; dsTail += ds[k] * ds[k]; sCross += s[k] * ds[k]
                }
                return min(Self.componentStep(x0: z[0], y0: dz[0], xTail: zTail, yTail: dzTail, crossTail: zCross,
                                              alphaMax: alphaMax),
                           Self.componentStep(x0: s[0], y0: ds[0], xTail: sTail, yTail: dsTail, crossTail: sCross,
                                              alphaMax: alphaMax))
            }
        }
    }

    /// Largest `α ≤ alphaMax` keeping `x + αy` in the cone: the smallest positive root of
    /// `res(x + αy) = aα² + bα + c` (`res(v) = v₀² − ‖v₁‖²`), computed without cancellation, from
    /// the heads and the tails' products `‖x₁‖²`, `‖y₁‖²`, `x₁ᵀy₁`.
    private static func componentStep(x0: Double, y0: Double, xTail: Double, yTail: Double, crossTail: Double,
                                      alphaMax: Double) -> Double {
        let a = y0 * y0 - yTail
        let b = 2 * (x0 * y0 - crossTail)
        let c = max(0, x0 * x0 - xTail)
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
