import Foundation

/// The exponential cone `closure{(x, y, z) : y > 0, y·exp(x/y) ≤ z}` (Clarabel's convention), with
/// dual `{(u, v, w) : u < 0, −u·exp(v/u) ≤ e·w}`.
///
/// Nonsymmetric: the scaling is the primal–dual one of Dahl & Andersen (2021) as used by Clarabel:
/// `H = ssᵀ/⟨s,z⟩ + δsδsᵀ/⟨δs,δz⟩ + t·aaᵀ`, the rank-3 matrix satisfying both secant equations
/// `Hz = s` and `Hz̃ = s̃` (`s̃ = −∇f*(z)`, `z̃ = −∇f(s)`), falling back to `μ∇²f*(z)` near the
/// central path. The corrector uses the third-order term `½∇³f*(z)[Δz, ∇²f*(z)⁻¹Δs]`.
final class ExponentialCone: Cone {
    /// The central point `s = z` with `s = −∇f*(z)`.
    static let centralPoint: [Double] = [-1.051383945322714, 0.556409619469370, 1.258967884768947]

    let range: Range<Int>
    /// `H` (3×3, row-major = column-major since symmetric).
    private var scaling = [Double](repeating: 0, count: 9)
    private var dualGradient = [Double](repeating: 0, count: 3)
    private var dualHessian = [Double](repeating: 0, count: 9)
    /// The dual point `z` at the last scaling update (where the derivatives above are taken).
    private var localZ: [Double] = ExponentialCone.centralPoint

    init(range: Range<Int>) { self.range = range }

    var degree: Int { 3 }
    var isSymmetric: Bool { false }
    var hessianShape: HessianShape { .dense }

    private func local(_ v: [Double]) -> [Double] {
        let o = range.lowerBound
        return [v[o], v[o + 1], v[o + 2]]
    }

    // MARK: Barriers

    static func isPrimalInterior(_ s: [Double]) -> Bool {
        let (x, y, z) = (s[0], s[1], s[2])
        return y > 0 && z > 0 && y * log(z / y) - x > 0
    }

    static func isDualInterior(_ z: [Double]) -> Bool {
        let (a, b, c) = (z[0], z[1], z[2])
        return a < 0 && c > 0 && b - a - a * log(-c / a) > 0
    }

    /// `∇f(s)` of the primal barrier `f` conjugate to the dual barrier `f*` (as in Clarabel), so that
    /// `−∇f(s)` and `−∇f*(z)` are inverse maps and the secant pair `(s̃, z̃)` of the scaling lies on
    /// the same central path as `(s, z)`. With `ω = ω(1 − x/y + log(z/y))` (Wright omega):
    /// `∂ₓf = 1/((ω − 1)y)`, `∂_yf = ∂ₓf·(1 + log(ωy/z)) − 1/y`, `∂_zf = ω/((1 − ω)z)`.
    /// (The textbook barrier `−log(y·log(z/y) − x) − log y − log z` is not this conjugate; using it
    /// roughly tripled the iteration counts.)
    static func primalGradient(_ s: [Double]) -> [Double] {
        let (x, y, z) = (s[0], s[1], s[2])
        let omega = wrightOmega(1 - x / y + log(z / y))
        let gx = 1 / ((omega - 1) * y)
        return [gx, gx + gx * log(omega * y / z) - 1 / y, omega / ((1 - omega) * z)]
    }

    /// `ω(t)`: the solution `w > 0` of `w + log w = t`, for `t ≥ 1` (so `w ≥ 1`). Starts from a
    /// series at `t = 1` or the asymptotic expansion `t − log t + log t / t`, then Halley steps on
    /// `w + log w − t` (cubic convergence; two or three steps reach full precision).
    static func wrightOmega(_ t: Double) -> Double {
        var w: Double
        if t < 1 + Double.pi {
            let d = t - 1
            w = 1 + d / 2 + d * d / 16 - d * d * d / 192
        } else {
            let logT = log(t)
            w = t - logT + logT / t
        }
        for _ in 0..<8 {
            let f = w + log(w) - t
            let df = 1 + 1 / w, d2f = -1 / (w * w)
            let step = 2 * f * df / (2 * df * df - f * d2f)
            w -= step
            if abs(step) <= 4 * Double.ulpOfOne * w { break }
        }
        return w
    }

    /// Pieces of the dual barrier `f*(a,b,c) = −log r − log(−a) − log c`, `r = b − a − a·log(−c/a)`.
    private struct DualBarrierParts {
        let a, c, r: Double
        let gradR: [Double]
        /// `∇²r`, row-major 3×3.
        let hessR: [Double]

        init(_ z: [Double]) {
            a = z[0]; c = z[2]
            let logRatio = log(-c / a)
            r = z[1] - a - a * logRatio
            gradR = [-logRatio, 1, -a / c]
            hessR = [1 / a, 0, -1 / c,
                     0, 0, 0,
                     -1 / c, 0, a / (c * c)]
        }
    }

    static func dualGradient(_ z: [Double]) -> [Double] {
        let p = DualBarrierParts(z)
        return [-p.gradR[0] / p.r - 1 / p.a, -1 / p.r, -p.gradR[2] / p.r - 1 / p.c]
    }

    /// `∇²f*(z)`, row-major 3×3.
    static func dualHessian(_ z: [Double]) -> [Double] {
        let p = DualBarrierParts(z)
        var h = [Double](repeating: 0, count: 9)
        for i in 0..<3 {
            for j in 0..<3 {
                h[3 * i + j] = p.gradR[i] * p.gradR[j] / (p.r * p.r) - p.hessR[3 * i + j] / p.r
            }
        }
        h[0] += 1 / (p.a * p.a)
        h[8] += 1 / (p.c * p.c)
        return h
    }

    /// `∇³f*(z)[δ]`: the directional derivative of `∇²f*` along `δ`, row-major 3×3.
    static func dualThirdDerivative(_ z: [Double], along delta: [Double]) -> [Double] {
        let p = DualBarrierParts(z)
        let (a, c, r) = (p.a, p.c, p.r)
        let rDot = p.gradR[0] * delta[0] + p.gradR[1] * delta[1] + p.gradR[2] * delta[2]
        var gradRDot = [Double](repeating: 0, count: 3)
        for i in 0..<3 {
            for j in 0..<3 { gradRDot[i] += p.hessR[3 * i + j] * delta[j] }
        }
        let (da, dc) = (delta[0], delta[2])
        let thirdR: [Double] = [-da / (a * a), 0, dc / (c * c),
                                0, 0, 0,
                                dc / (c * c), 0, da / (c * c) - 2 * a * dc / (c * c * c)]
        var h = [Double](repeating: 0, count: 9)
        for i in 0..<3 {
            for j in 0..<3 {
                let outer = p.gradR[i] * p.gradR[j]
                h[3 * i + j] = (gradRDot[i] * p.gradR[j] + p.gradR[i] * gradRDot[j]) / (r * r)
                    - 2 * rDot * outer / (r * r * r)
                    - thirdR[3 * i + j] / r
                    + rDot * p.hessR[3 * i + j] / (r * r)
            }
        }
        h[0] -= 2 * da / (a * a * a)
        h[8] -= 2 * dc / (c * c * c)
        return h
    }

    // MARK: Cone operations

    func unitInitialization(s: inout [Double], z: inout [Double]) {
        for k in 0..<3 {
            s[range.lowerBound + k] = Self.centralPoint[k]
            z[range.lowerBound + k] = Self.centralPoint[k]
        }
    }

    /// Not used: problems with exponential cones start from the central point, never from a shifted one.
    func margins(_ v: [Double]) -> (minimum: Double, positive: Double) { (.infinity, 0) }
    func shiftAlongUnit(_ v: inout [Double], by alpha: Double, isPrimal: Bool) {}

    func updateScaling(s sAll: [Double], z zAll: [Double], mu: Double, strategy: ScalingStrategy) -> Bool {
        let s = local(sAll), z = local(zAll)
        guard Self.isPrimalInterior(s), Self.isDualInterior(z) else { return false }
        localZ = z
        dualGradient = Self.dualGradient(z)
        dualHessian = Self.dualHessian(z)
        guard strategy == .primalDual else {
            scaling = dualHessian.map { mu * $0 }
            return true
        }
        let sTilde = dualGradient.map { -$0 }
        let zTilde = Self.primalGradient(s).map { -$0 }
        let sz = dot3(s, z)
        let localMu = sz / 3
        let muTilde = dot3(sTilde, zTilde) / 3
        let deltaS = (0..<3).map { s[$0] - localMu * sTilde[$0] }
        let deltaZ = (0..<3).map { z[$0] - localMu * zTilde[$0] }
        let deltaSZ = dot3(deltaS, deltaZ)
        let hzt = mul3(dualHessian, zTilde)
        let de1 = localMu * muTilde - 1
        let de2 = dot3(zTilde, hzt) - 3 * muTilde * muTilde
        guard abs(de1) > Double.ulpOfOne.squareRoot(), abs(de2) > Double.ulpOfOne, sz > 0, deltaSZ > 0 else {
            scaling = dualHessian.map { mu * $0 }
            return true
        }
        // t·aaᵀ = μ·(∇²f* − s̃s̃ᵀ/3 − mmᵀ/de2) with m = ∇²f*z̃ − μ̃s̃: rank one, a ⟂ z, z̃.
        let m = (0..<3).map { hzt[$0] - muTilde * sTilde[$0] }
        var frobenius = 0.0
        for i in 0..<3 {
            for j in 0..<3 {
                let e = dualHessian[3 * i + j] - sTilde[i] * sTilde[j] / 3 - m[i] * m[j] / de2
                frobenius += e * e
            }
        }
        let t = localMu * frobenius.squareRoot()
        var axis = [z[1] * zTilde[2] - z[2] * zTilde[1],
                    z[2] * zTilde[0] - z[0] * zTilde[2],
                    z[0] * zTilde[1] - z[1] * zTilde[0]]
        let axisNorm = dot3(axis, axis).squareRoot()
        axis = axis.map { $0 / axisNorm }
        for i in 0..<3 {
            for j in 0..<3 {
                scaling[3 * i + j] = s[i] * s[j] / sz + deltaS[i] * deltaS[j] / deltaSZ + t * axis[i] * axis[j]
            }
        }
        return true
    }

    func writeHessian(into out: inout [Double], at base: Int) {
        for k in 0..<9 { out[base + k] = scaling[k] }
    }

    func multiplyHessian(_ x: [Double], into y: inout [Double]) {
        let hx = mul3(scaling, local(x))
        for k in 0..<3 { y[range.lowerBound + k] = hx[k] }
    }

    func affineDs(_ ds: inout [Double], s: [Double]) {
        for i in range { ds[i] = s[i] }
    }

    /// `ds ← ds + σμ∇f*(z) − ½∇³f*(z)[Δz, ∇²f*(z)⁻¹Δs]`.
    func addCombinedShift(_ ds: inout [Double], dz: [Double], ds affineDs: [Double], sigmaMu: Double) {
        let stepZ = local(dz)
        let solved = solve3(dualHessian, local(affineDs))
        let third = Self.dualThirdDerivative(localZ, along: stepZ)
        let correction = mul3(third, solved)
        for k in 0..<3 {
            ds[range.lowerBound + k] += sigmaMu * dualGradient[k] - 0.5 * correction[k]
        }
    }

    func deltaSOffset(_ out: inout [Double], ds: [Double], z: [Double]) {
        for i in range { out[i] = ds[i] }
    }

    func stepLength(dz: [Double], ds: [Double], z: [Double], s: [Double], alphaMax: Double) -> Double {
        let zLocal = local(z), dzLocal = local(dz), sLocal = local(s), dsLocal = local(ds)
        var alpha = alphaMax
        let minimumStep = 1e-10
        while alpha > minimumStep {
            let zNew = (0..<3).map { zLocal[$0] + alpha * dzLocal[$0] }
            let sNew = (0..<3).map { sLocal[$0] + alpha * dsLocal[$0] }
            if Self.isDualInterior(zNew) && Self.isPrimalInterior(sNew) { return alpha }
            alpha *= 0.8
        }
        return 0
    }

    /// Keeps the local complementarity `⟨s,z⟩/3` within a factor of the global `μ`.
    func isCentred(dz: [Double], ds: [Double], z: [Double], s: [Double], alpha: Double, mu: Double) -> Bool {
        var sz = 0.0
        for i in range { sz += (s[i] + alpha * ds[i]) * (z[i] + alpha * dz[i]) }
        return sz / 3 >= 1e-2 * mu
    }
}

private func dot3(_ a: [Double], _ b: [Double]) -> Double { a[0] * b[0] + a[1] * b[1] + a[2] * b[2] }

/// `M x` for a row-major 3×3 `M`.
private func mul3(_ m: [Double], _ x: [Double]) -> [Double] {
    (0..<3).map { i in m[3 * i] * x[0] + m[3 * i + 1] * x[1] + m[3 * i + 2] * x[2] }
}

/// Solves `M x = b` for a symmetric positive definite 3×3 `M` by Cramer's rule.
private func solve3(_ m: [Double], _ b: [Double]) -> [Double] {
    func det(_ c0: [Double], _ c1: [Double], _ c2: [Double]) -> Double {
        c0[0] * (c1[1] * c2[2] - c1[2] * c2[1]) - c1[0] * (c0[1] * c2[2] - c0[2] * c2[1])
            + c2[0] * (c0[1] * c1[2] - c0[2] * c1[1])
    }
    let col0 = [m[0], m[3], m[6]], col1 = [m[1], m[4], m[7]], col2 = [m[2], m[5], m[8]]
    let d = det(col0, col1, col2)
    return [det(b, col1, col2) / d, det(col0, b, col2) / d, det(col0, col1, b) / d]
}
