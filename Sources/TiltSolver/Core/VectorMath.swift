/// Small dense-vector kernels used by the interior-point iteration (all O(n), no allocation).
public enum VectorMath {
    typealias Buffer = UnsafeBufferPointer<Double>

    public static func dot(_ a: [Double], _ b: [Double]) -> Double {
        withBuffers(a, b) { a, b in
            var sum = 0.0
            for i in 0..<a.count { sum += a[i] * b[i] }
            return sum
        }
    }

    static func normInf(_ a: [Double]) -> Double {
        a.withUnsafeBufferPointer { normInf($0) }
    }

    /// `‖v‖∞`, in two running maxima written `a > m ? a : m` so that the loop vectorises. A NaN
    /// entry is passed over, as `Swift.max(m, NaN)` passes it over: callers that must reject
    /// non-finite vectors check `allFinite`.
    static func normInf(_ v: UnsafeBufferPointer<Double>) -> Double {
        var m0 = 0.0, m1 = 0.0
        var i = 0
        while i + 2 <= v.count {
            let a = abs(v[i]), b = abs(v[i + 1])
            m0 = a > m0 ? a : m0
            m1 = b > m1 ? b : m1
            i += 2
        }
        if i < v.count { let a = abs(v[i]); m0 = a > m0 ? a : m0 }
        return m0 > m1 ? m0 : m1
    }

    /// `‖a[range]‖∞` (NaN passed over, as by `normInf(_:)`).
    static func normInf(_ a: [Double], _ range: Range<Int>) -> Double {
        a.withUnsafeBufferPointer { normInf(UnsafeBufferPointer(rebasing: $0[range])) }
    }

    static func norm2(_ a: [Double], _ range: Range<Int>) -> Double {
        var sum = 0.0
        for i in range { sum += a[i] * a[i] }
        return sum.squareRoot()
    }

    /// `y ← y + α x`.
    static func axpy(_ alpha: Double, _ x: [Double], _ y: inout [Double]) {
        x.withUnsafeBufferPointer { x in
            y.withUnsafeMutableBufferPointer { y in
                for i in 0..<y.count { y[i] += alpha * x[i] }
            }
        }
    }

    /// `y ← 0`.
    static func zero(_ y: inout [Double]) {
        y.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
    }

    static func allFinite(_ a: [Double]) -> Bool {
        a.withUnsafeBufferPointer { a in
            for v in a where !v.isFinite { return false }
            return true
        }
    }

    /// Two arrays as buffers, for loops that run over them together.
    static func withBuffers<R>(_ a: [Double], _ b: [Double], _ body: (Buffer, Buffer) -> R) -> R {
        a.withUnsafeBufferPointer { a in b.withUnsafeBufferPointer { b in body(a, b) } }
    }

    /// Three arrays as buffers, for loops that run over them together.
    static func withBuffers<R>(_ a: [Double], _ b: [Double], _ c: [Double], _ body: (Buffer, Buffer, Buffer) -> R) -> R {
        withBuffers(a, b) { a, b in c.withUnsafeBufferPointer { c in body(a, b, c) } }
    }
}
