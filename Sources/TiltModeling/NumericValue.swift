import Foundation
import TiltLinearAlgebra

extension ModelExpression {
    /// The expression's value with the variables set to `values` (e.g. a solution), or `nil` when a
    /// variable has no value. Used to print expressions after a solve and to check solutions in tests.
    public func value(at values: [Variable: Matrix]) -> Matrix? {
        func v(_ e: ModelExpression) -> Matrix? { e.value(at: values) }
        func entrywise(_ m: Matrix, _ f: (Double) -> Double) -> Matrix { m.map(f) }
        do {
            switch node {
            case .variable(let x): return values[x]
            case .constant(let m): return m
            case .add(let a, let b):
                guard let x = v(a), let y = v(b) else { return nil }
                return try Matrix.elementwise(.add, x, y)
            case .negate(let a): return v(a)?.map { -$0 }
            case .multiplyLeft(let m, let a): return try v(a).map { try Matrix.product(m, $0) }
            case .multiplyRight(let a, let m): return try v(a).map { try Matrix.product($0, m) }
            case .multiplyElementwise(let m, let a): return try v(a).map { try Matrix.elementwise(.multiply, m, $0) }
            case .transpose(let a): return v(a)?.transposed()
            case .select(let a, let r, let c): return try v(a).map { try $0.selecting(rows: r, cols: c) }
            case .concatenate(let parts, let horizontal):
                let ms = parts.compactMap(v)
                guard ms.count == parts.count else { return nil }
                return horizontal ? try Matrix.horizontalConcatenation(ms) : try Matrix.verticalConcatenation(ms)
            case .sum(let a): return v(a).map { Matrix(rows: 1, cols: 1, columnMajor: [$0.storage.reduce(0, +)]) }
            case .atom(let atom, let arguments):
                let args = arguments.compactMap(v)
                guard args.count == arguments.count, let x = args.first else { return nil }
                func scalar(_ s: Double) -> Matrix { Matrix(rows: 1, cols: 1, columnMajor: [s]) }
                switch atom {
                case .quad(let p):
                    return scalar(try Matrix.product(x.transposed(), Matrix.product(p, x))[0, 0])
                case .sumSquares: return scalar(x.storage.reduce(0) { $0 + $1 * $1 })
                case .norm2: return scalar(x.storage.reduce(0) { $0 + $1 * $1 }.squareRoot())
                case .norm1: return scalar(x.storage.reduce(0) { $0 + Swift.abs($1) })
                case .normInf: return scalar(x.storage.map { Swift.abs($0) }.max() ?? 0)
                case .abs: return entrywise(x) { Swift.abs($0) }
                case .positivePart: return entrywise(x) { Swift.max($0, 0) }
                case .maxEntries: return scalar(x.storage.max() ?? -.infinity)
                case .minEntries: return scalar(x.storage.min() ?? .infinity)
                case .maximum: return try args.dropFirst().reduce(x) { try Matrix.elementwise(.maximum, $0, $1) }
                case .minimum: return try args.dropFirst().reduce(x) { try Matrix.elementwise(.minimum, $0, $1) }
                case .sqrt: return entrywise(x) { $0.squareRoot() }
                case .exp: return entrywise(x) { Foundation.exp($0) }
                case .log: return entrywise(x) { Foundation.log($0) }
                case .entropy: return entrywise(x) { $0 > 0 ? -$0 * Foundation.log($0) : ($0 == 0 ? 0 : -.infinity) }
                case .quadOverLinear:
                    return scalar(x.storage.reduce(0) { $0 + $1 * $1 } / args[1][0, 0])
                case .relativeEntropy:
                    let y = args[1].storage
                    return Matrix(rows: x.rows, cols: x.cols, columnMajor: x.storage.indices.map { i in
                        let (a, b) = (x.storage[i], y[i])
                        if a == 0 && b >= 0 { return 0 }
                        return a > 0 && b > 0 ? a * Foundation.log(a / b) : .infinity
                    })
                case .logSumExp:
                    let m = x.storage.max() ?? 0
                    return scalar(m + Foundation.log(x.storage.reduce(0) { $0 + Foundation.exp($1 - m) }))
                }
            }
        } catch {
            return nil
        }
    }
}
