/// Small dense-vector kernels used by the interior-point iteration (all O(n), no allocation).
enum VectorMath {
    typealias Buffer = UnsafeBufferPointer<Double>

    static func dot(_ a: [Double], _ b: [Double]) -> Double {
        withBuffers(a, b) { a, b in
            var sum = 0.0
            for i in 0..<a.count { sum += a[i] * b[i] }
            return sum
        }
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

    /// `y ← y + α x`; returns whether every entry of the new `y` is finite (checked in the same pass).
    @discardableResult
    static func axpy(_ alpha: Double, _ x: [Double], _ y: inout [Double]) -> Bool {
        x.withUnsafeBufferPointer { x in
            y.withUnsafeMutableBufferPointer { y in
                var finite = true
                for i in 0..<y.count {
                    let v = y[i] + alpha * x[i]
                    y[i] = v
                    finite = finite && v.isFinite
                }
                return finite
            }
        }
    }

    /// `y ← 0`.
    static func zero(_ y: inout [Double]) {
        y.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
    }

    static func allFinite(_ a: [Double]) -> Bool {
        a.allSatisfy { $0.isFinite }
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
