import TiltSyntax
import TiltLinearAlgebra
import TiltModeling

/// What a built-in function receives: evaluated arguments with their labels and source ranges, so that an
/// error can point at the argument that caused it.
struct CallArguments {
    var values: [Value]
    var labels: [String?]
    var ranges: [SourceRange]
    var callRange: SourceRange
    /// Resolves a data path the way `read("x.csv")` does (program folder, then the data directory); an
    /// error at the range when the file must not be read (`Interpreter.inputFile`).
    var resolvePath: (String, SourceRange) throws -> String
    /// Where data paths are looked up, for a message about a missing file.
    var dataPlaces: [String]

    var count: Int { values.count }

    func matrix(_ i: Int, _ what: String = "argument") throws -> Matrix {
        switch values[i] {
        case .number(let x): return Matrix(rows: 1, cols: 1, columnMajor: [x])
        case .matrix(let m): return m
        default: throw Diagnostic("expected a number, vector or matrix as \(what), found \(values[i].kindName)", at: ranges[i])
        }
    }

    func count(_ i: Int, _ what: String) throws -> Int {
        guard case .number(let x) = values[i] else {
            throw Diagnostic("expected a whole number as \(what), found \(values[i].kindName)", at: ranges[i])
        }
        guard let n = Int(whole: x, in: 0...100_000_000) else {
            throw Diagnostic("expected a whole number from 0 to 100000000 as \(what), found \(formatNumber(x))", at: ranges[i])
        }
        return n
    }

    /// Argument `i` as a whole number in `range`, or an error at it naming `what` it should be.
    func whole(_ i: Int, _ what: String, in range: ClosedRange<Int>) throws -> Int {
        guard case .number(let x) = values[i], let n = Int(whole: x, in: range) else {
            throw Diagnostic("expected \(what), a whole number from \(range.lowerBound) to \(range.upperBound), found \(values[i].rendered())",
                             at: ranges[i])
        }
        return n
    }

    func string(_ i: Int, _ what: String) throws -> String {
        guard case .string(let s) = values[i] else {
            throw Diagnostic("expected a string as \(what), found \(values[i].kindName)", at: ranges[i])
        }
        return s
    }

    /// The most entries a matrix built by a function may have (400 MB of doubles): a typo such as
    /// `ones(1e6, 1e6)` is an error, not an out-of-memory crash.
    static let maximumEntries = 50_000_000

    func checkSize(_ rows: Int, _ cols: Int) throws {
        let (entries, overflow) = rows.multipliedReportingOverflow(by: cols)
        guard !overflow, entries <= CallArguments.maximumEntries else {
            throw Diagnostic("a \(rows)×\(cols) matrix is too large (more than \(CallArguments.maximumEntries) entries)", at: callRange)
        }
    }

    /// A linear-algebra failure, placed under the call.
    func fail(_ error: Error) -> Diagnostic {
        Diagnostic(String(describing: error), at: callRange)
    }
}

/// A built-in function: its documentation (for `:help` and completion) and its implementation.
struct Builtin: Sendable {
    let name: String
    /// How it is called, e.g. `linsolve(A, b)`.
    let signature: String
    /// What it returns, one line.
    let summary: String
    let arity: ClosedRange<Int>
    /// The labels an argument may be given with, by position (`format(x, digits: 17)`: `[1: "digits"]`);
    /// any other label is an error.
    var labels: [Int: String] = [:]
    let implementation: @Sendable (CallArguments) throws -> Value
    /// How the function applies to optimisation expressions (an atom or an affine operation); `nil` when
    /// it does not (`inv`, `cov`, …).
    var modeling: (@Sendable ([ModelExpression]) throws -> ModelExpression)? = nil

    init(name: String, signature: String, summary: String, arity: ClosedRange<Int>, labels: [Int: String] = [:],
         modeling: (@Sendable ([ModelExpression]) throws -> ModelExpression)? = nil,
         implementation: @escaping @Sendable (CallArguments) throws -> Value) {
        self.name = name
        self.signature = signature
        self.summary = summary
        self.arity = arity
        self.labels = labels
        self.modeling = modeling
        self.implementation = implementation
    }

    /// The first label in a call that the function does not take at that position, with what to say about it.
    func misplacedLabel(_ arguments: [CallArgument]) -> (label: Identifier, message: String)? {
        for (i, argument) in arguments.enumerated() {
            guard let label = argument.label, labels[i] != label.name else { continue }
            if let position = labels.first(where: { $0.value == label.name })?.key {
                return (label, "`\(label.name):` names argument \(position + 1) of `\(name)`, not argument \(i + 1)")
            }
            let accepted = labels.sorted { $0.key < $1.key }.map { "`\($0.value):` as argument \($0.key + 1)" }
            return (label, accepted.isEmpty ? "`\(name)` takes no labelled arguments"
                                            : "`\(name)` takes \(accepted.joined(separator: ", ")), not `\(label.name):` here")
        }
        return nil
    }
}
