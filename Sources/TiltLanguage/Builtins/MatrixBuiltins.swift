import Foundation
import TiltData
import TiltLinearAlgebra
import TiltModeling
import TiltSyntax

/// The built-in functions of the matrix (teaching) layer.
enum MatrixBuiltins {
    static let all: [Builtin] = construction + algebra + statistics + elementwise + shape + data

    private static func wrap(_ args: CallArguments, _ body: () throws -> Matrix) throws -> Value {
        do { return Value.normalized(try body()) } catch let d as Diagnostic { throw d } catch { throw args.fail(error) }
    }

    private static func filled(_ value: Double) -> @Sendable (CallArguments) throws -> Value {
        { args in
            let r = try args.count(0, "the number of rows")
            let c = args.count == 2 ? try args.count(1, "the number of columns") : 1
            try args.checkSize(r, c)
            return .matrix(Matrix.filled(rows: r, cols: c, value: value))
        }
    }

    static let construction: [Builtin] = [
        Builtin(name: "ones", signature: "ones(n) | ones(r, c)", summary: "column of n ones, or an r×c matrix of ones",
                arity: 1...2, implementation: filled(1)),
        Builtin(name: "zeros", signature: "zeros(n) | zeros(r, c)", summary: "column of n zeros, or an r×c matrix of zeros",
                arity: 1...2, implementation: filled(0)),
        Builtin(name: "eye", signature: "eye(n)", summary: "n×n identity matrix", arity: 1...1) { args in
            let n = try args.count(0, "the size")
            try args.checkSize(n, n)
            return .matrix(Matrix.identity(n))
        },
        Builtin(name: "diag", signature: "diag(x)", summary: "diagonal matrix of a vector, or the diagonal of a matrix",
                arity: 1...1) { args in
            let m = try args.matrix(0)
            if m.isVector { try args.checkSize(m.rows * m.cols, m.rows * m.cols) }
            return .matrix(Matrix.diagonal(m))
        },
        Builtin(name: "dummies", signature: "dummies(categories)",
                summary: "n×k 0/1 matrix: one column per category (sorted), a 1 where row i is in it", arity: 1...1) { args in
            let categories: [String]
            switch args.values[0] {
            case .list(let items): categories = items.map { $0.labelText ?? $0.rendered() }
            case .string(let s): categories = [s]
            case .matrix(let m) where m.isVector: categories = m.storage.map { formatNumber($0) }
            case .number(let x): categories = [formatNumber(x)]
            default:
                throw Diagnostic("dummies needs a vector or list of categories, found \(args.values[0].kindName)", at: args.ranges[0])
            }
            try args.checkSize(categories.count, Set(categories).count)
            return .matrix(Matrix.dummies(categories))
        },
    ]

    static let algebra: [Builtin] = [
        Builtin(name: "inv", signature: "inv(A)", summary: "inverse of a square matrix", arity: 1...1) { args in
            try wrap(args) { try args.matrix(0).inverse() }
        },
        Builtin(name: "linsolve", signature: "linsolve(A, b)",
                summary: "x with A x = b (least squares when A is not square)", arity: 2...2) { args in
            try wrap(args) { try Matrix.solve(args.matrix(0), args.matrix(1)) }
        },
        Builtin(name: "transpose", signature: "transpose(x)", summary: "the transpose, same as x'", arity: 1...1,
                modeling: ModelFunctions.named("transpose")) { args in
            Value.normalized(try args.matrix(0).transposed())
        },
    ]

    private static func reduction(_ name: String, _ r: Reduction, _ summary: String) -> Builtin {
        Builtin(name: name, signature: "\(name)(x)", summary: summary, arity: 1...1, modeling: ModelFunctions.named(name)) { args in
            try wrap(args) { try args.matrix(0).reduce(r) }
        }
    }

    private static func extremum(_ name: String, _ r: Reduction, _ op: ElementwiseOperation) -> Builtin {
        let isMax = name == "max"
        return Builtin(name: name, signature: "\(name)(x) | \(name)(x, y)",
                summary: "\(isMax ? "largest" : "smallest") entry of a vector, per column of a matrix, or element-wise of two",
                arity: 1...2, modeling: ModelFunctions.named(name)) { args in
            try wrap(args) {
                args.count == 1 ? try args.matrix(0).reduce(r) : try Matrix.elementwise(op, args.matrix(0), args.matrix(1))
            }
        }
    }

    static let statistics: [Builtin] = [
        reduction("sum", .sum, "sum of a vector, or of each column of a matrix"),
        reduction("mean", .mean, "mean of a vector, or of each column of a matrix"),
        reduction("std", .std, "sample standard deviation (n − 1) of a vector or of each column"),
        reduction("variance", .variance, "sample variance (n − 1) of a vector or of each column"),
        extremum("min", .min, .minimum),
        extremum("max", .max, .maximum),
        Builtin(name: "cov", signature: "cov(X)", summary: "sample covariance (n − 1) of the columns of X", arity: 1...1) { args in
            try wrap(args) { try Matrix.covariance(args.matrix(0)) }
        },
        Builtin(name: "corr", signature: "corr(X)", summary: "correlation matrix of the columns of X", arity: 1...1) { args in
            try wrap(args) { try Matrix.correlation(args.matrix(0)) }
        },
        Builtin(name: "cumsum", signature: "cumsum(x)", summary: "running sum along a vector, per column of a matrix", arity: 1...1) { args in
            Value.normalized(try args.matrix(0).accumulate(.sum))
        },
        Builtin(name: "cumprod", signature: "cumprod(x)", summary: "running product along a vector, per column of a matrix", arity: 1...1) { args in
            Value.normalized(try args.matrix(0).accumulate(.product))
        },
    ]

    /// An element-wise function with a domain: entries outside it are an error naming the first one.
    private static func function(_ name: String, _ summary: String, domain: (@Sendable (Double) -> Bool)? = nil,
                                 domainText: String = "", _ f: @escaping @Sendable (Double) -> Double) -> Builtin {
        Builtin(name: name, signature: "\(name)(x)", summary: summary, arity: 1...1,
                modeling: ModelFunctions.named(name)) { args in
            let m = try args.matrix(0)
            if let domain, let bad = m.storage.firstIndex(where: { !domain($0) && !$0.isNaN }) {
                let where_ = m.isScalar ? "" : " (entry \(bad % max(1, m.rows) + 1), \(bad / max(1, m.rows) + 1))"
                throw Diagnostic("\(name) of \(formatNumber(m.storage[bad]))\(where_): \(domainText)", at: args.ranges[0])
            }
            return Value.normalized(m.map(f))
        }
    }

    static let elementwise: [Builtin] = [
        function("sqrt", "square root of each entry", domain: { $0 >= 0 }, domainText: "square root of a negative number") { $0.squareRoot() },
        function("log", "natural logarithm of each entry", domain: { $0 > 0 }, domainText: "logarithm of a number that is not positive") { Foundation.log($0) },
        function("exp", "e to the power of each entry") { Foundation.exp($0) },
        function("abs", "absolute value of each entry (also written |x|)") { Swift.abs($0) },
    ]

    static let shape: [Builtin] = [
        Builtin(name: "rows", signature: "rows(x)", summary: "number of rows", arity: 1...1) { args in
            .number(Double(try args.matrix(0).rows))
        },
        Builtin(name: "cols", signature: "cols(x)", summary: "number of columns", arity: 1...1) { args in
            .number(Double(try args.matrix(0).cols))
        },
        Builtin(name: "size", signature: "size(x)", summary: "[rows, cols]", arity: 1...1) { args in
            let m = try args.matrix(0)
            return .matrix(Matrix(row: [Double(m.rows), Double(m.cols)], labels: ["rows", "cols"]))
        },
    ]

    static let data: [Builtin] = [
        Builtin(name: "read", signature: "read(\"file.csv\")",
                summary: "a numeric CSV (header and a label column optional) as a labelled matrix", arity: 1...1) { args in
            let name = try args.string(0, "the file name")
            let path = args.resolvePath(name)
            guard FileManager.default.fileExists(atPath: path) else {
                throw Diagnostic.missingFile(name, looked: args.dataPlaces, at: args.ranges[0])
            }
            do {
                return Value.normalized(try readNumericCSV(path: path))
            } catch {
                throw Diagnostic.data(error, at: args.ranges[0])
            }
        },
    ]
}
