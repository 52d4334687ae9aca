import Foundation
import Testing
@testable import TiltSolver

/// Central differences of `f` at `x` along `direction`.
private func centralDifference(_ f: ([Double]) -> [Double], at x: [Double], along d: [Double], h: Double = 1e-6) -> [Double] {
    let plus = f(zip(x, d).map { $0 + h * $1 }), minus = f(zip(x, d).map { $0 - h * $1 })
    return zip(plus, minus).map { ($0 - $1) / (2 * h) }
}

private func dualBarrier(_ z: [Double]) -> Double {
    let r = z[1] - z[0] - z[0] * log(-z[2] / z[0])
    return -log(r) - log(-z[0]) - log(z[2])
}

@Test func exponentialDualBarrierDerivativesMatchFiniteDifferences() {
    let z = [-0.7, 0.4, 1.9], d = [0.3, -0.5, 0.2]
    #expect(ExponentialCone.isDualInterior(z))
    let grad = ExponentialCone.dualGradient(z)
    let fd = centralDifference({ [dualBarrier($0)] }, at: z, along: d)[0]
    #expect(abs(zip(grad, d).reduce(0) { $0 + $1.0 * $1.1 } - fd) < 1e-7)
    let hessian = ExponentialCone.dualHessian(z)
    let hd = (0..<3).map { i in (0..<3).reduce(0) { $0 + hessian[3 * i + $1] * d[$1] } }
    for (a, b) in zip(hd, centralDifference(ExponentialCone.dualGradient, at: z, along: d)) { #expect(abs(a - b) < 1e-6) }
    let third = ExponentialCone.dualThirdDerivative(z, along: d)
    for (a, b) in zip(third, centralDifference(ExponentialCone.dualHessian, at: z, along: d)) { #expect(abs(a - b) < 1e-5) }
}

@Test func exponentialCentralPointIsSelfDualCentre() {
    let p = ExponentialCone.centralPoint
    #expect(ExponentialCone.isPrimalInterior(p) && ExponentialCone.isDualInterior(p))
    let g = ExponentialCone.dualGradient(p)
    for k in 0..<3 { #expect(abs(-g[k] - p[k]) < 1e-8) } // the constant has 15 digits
}

@Test func exponentialScalingSatisfiesSecantEquations() {
    let cone = ExponentialCone(range: 0..<3)
    let s = [-0.5, 0.8, 2.0], z = [-0.6, 0.3, 1.1]
    #expect(cone.updateScaling(s: s, z: z, mu: 1, strategy: .primalDual))
    var hz = [0.0, 0, 0]
    cone.multiplyHessian(z, into: &hz)
    for k in 0..<3 { #expect(abs(hz[k] - s[k]) < 1e-10) }
    let zTilde = ExponentialCone.primalGradient(s).map { -$0 }, sTilde = ExponentialCone.dualGradient(z).map { -$0 }
    cone.multiplyHessian(zTilde, into: &hz)
    for k in 0..<3 { #expect(abs(hz[k] - sTilde[k]) < 1e-9 * max(1, abs(sTilde[k]))) }
}

@Test func secondOrderSparseExpansionEqualsDenseScaling() {
    let n = 7
    let s = [3.0, 0.5, -1.0, 0.2, 0.7, -0.3, 1.1], z = [2.0, -0.4, 0.3, 0.9, -0.2, 0.5, 0.1]
    let cone = SecondOrderCone(range: 0..<n)
    #expect(cone.hessianShape == .sparseExpansion)
    #expect(cone.updateScaling(s: s, z: z, mu: 1, strategy: .primalDual))
    var parts = [Double](repeating: 0, count: 3 * n)
    cone.writeHessian(into: &parts, at: 0)
    // H from products with unit vectors versus η²D + (ηu)(ηu)ᵀ − (ηv)(ηv)ᵀ.
    for j in 0..<n {
        var e = [Double](repeating: 0, count: n); e[j] = 1
        var column = e
        cone.multiplyHessian(e, into: &column)
        for i in 0..<n {
            let expanded = (i == j ? parts[i] : 0) + parts[n + i] * parts[n + j] - parts[2 * n + i] * parts[2 * n + j]
            #expect(abs(column[i] - expanded) < 1e-10 * max(1, abs(column[i])))
        }
    }
    // NT scaling: H z = s.
    var hz = z
    cone.multiplyHessian(z, into: &hz)
    for i in 0..<n { #expect(abs(hz[i] - s[i]) < 1e-12 * 10) }
    // Quasi-definiteness of the expansion: vᵀD⁻¹v < 1 (in η-free terms).
    let eta2 = parts[1]
    var q = 0.0
    for i in 0..<n { q += parts[2 * n + i] * parts[2 * n + i] / parts[i] }
    #expect(q < 1 && eta2 > 0)
}

@Test func wrightOmegaSolvesItsDefiningEquation() {
    for t in [1.0, 1.001, 1.5, 2.7, 4.2, 10, 1e3, 1e6, 1e12] {
        let w = ExponentialCone.wrightOmega(t)
        #expect(abs(w + log(w) - t) <= 1e-14 * t, "ω(\(t)) = \(w)")
    }
}

/// The primal barrier is the conjugate of the dual one: `−∇f*(−∇f(s)) = s` for interior `s`
/// (checked through the independently tested dual gradient), and `−∇f(c) = c` at the central point.
@Test func exponentialPrimalGradientIsConjugateToDualGradient() {
    for s in [[-0.5, 0.8, 2.0], [-3.0, 0.2, 5.0], [0.4, 1.5, 2.0], [-1e-3, 1e-2, 1.0], [2.0, 0.5, 400.0]] {
        #expect(ExponentialCone.isPrimalInterior(s))
        let z = ExponentialCone.primalGradient(s).map { -$0 }
        #expect(ExponentialCone.isDualInterior(z))
        let back = ExponentialCone.dualGradient(z).map { -$0 }
        for k in 0..<3 { #expect(abs(back[k] - s[k]) <= 1e-10 * max(1, abs(s[k])), "\(s)") }
    }
    let c = ExponentialCone.centralPoint
    for (g, ck) in zip(ExponentialCone.primalGradient(c), c) { #expect(abs(-g - ck) < 1e-8) }
}
