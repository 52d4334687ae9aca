/// Small dense-vector kernels used by the interior-point iteration (all O(n), no allocation).
enum VectorMath {
    static func dot(_ a: [Double], _ b: [Double]) -> Double {
        var sum = 0.0
        for i in a.indices { sum += a[i] * b[i] }
        return sum
    }

    static func dot(_ a: [Double], _ b: [Double], _ range: Range<Int>) -> Double {
        var sum = 0.0
        for i in range { sum += a[i] * b[i] }
        return sum
    }

    static func normInf(_ a: [Double]) -> Double {
        var m = 0.0
        for v in a { m = max(m, abs(v)) }
        return m
    }

    static func norm2(_ a: [Double], _ range: Range<Int>) -> Double {
        var sum = 0.0
        for i in range { sum += a[i] * a[i] }
        return sum.squareRoot()
    }

    /// `y ← y + α x`.
    static func axpy(_ alpha: Double, _ x: [Double], _ y: inout [Double]) {
        for i in y.indices { y[i] += alpha * x[i] }
    }

    static func allFinite(_ a: [Double]) -> Bool {
        a.allSatisfy { $0.isFinite }
    }
}
