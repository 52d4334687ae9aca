/// `{0}ⁿ`: equality rows. Its slack is fixed at zero and its dual is free, so it contributes
/// nothing to `H`, to the complementarity or to the step length.
final class ZeroCone: Cone {
    let range: Range<Int>
    init(range: Range<Int>) { self.range = range }

    var degree: Int { 0 }
    var isSymmetric: Bool { true }
    var hessianShape: HessianShape { .diagonal }

    func unitInitialization(s: inout [Double], z: inout [Double]) {
        for i in range { s[i] = 0; z[i] = 0 }
    }
    func margins(_ v: [Double]) -> (minimum: Double, positive: Double) { (.infinity, 0) }
    func shiftAlongUnit(_ v: inout [Double], by alpha: Double, isPrimal: Bool) {
        if isPrimal { for i in range { v[i] = 0 } }
    }
    func updateScaling(s: [Double], z: [Double], mu: Double, strategy: ScalingStrategy) -> Bool { true }
    func writeHessian(into out: inout [Double], at base: Int) {
        for k in 0..<range.count { out[base + k] = 0 }
    }
    func multiplyHessian(_ x: [Double], into y: inout [Double]) { for i in range { y[i] = 0 } }
    func affineDs(_ ds: inout [Double], s: [Double]) { for i in range { ds[i] = 0 } }
    func addCombinedShift(_ ds: inout [Double], dz: [Double], ds affineDs: [Double], sigmaMu: Double) {}
    func deltaSOffset(_ out: inout [Double], ds: [Double], z: [Double]) { for i in range { out[i] = 0 } }
    func stepLength(dz: [Double], ds: [Double], z: [Double], s: [Double], alphaMax: Double) -> Double {
        alphaMax
    }
}
