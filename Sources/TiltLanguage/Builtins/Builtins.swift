import Foundation

/// The registry of built-in functions: used by the checker (names, arity), the interpreter (calls),
/// the REPL (completion, `:help`).
public enum Builtins {
    static let all: [Builtin] = MatrixBuiltins.all + OptimizationBuiltins.all
    private static let byName: [String: Builtin] = Dictionary(all.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })

    static func named(_ name: String) -> Builtin? { byName[name] }

    /// Every built-in function name, sorted.
    public static var names: [String] { all.map(\.name).sorted() }

    /// `signature — summary` lines for `:help`.
    public static var help: [String] {
        all.sorted { $0.name < $1.name }.flatMap { helpColumns($0.signature, $0.summary, width: 24) }
    }

    static func describe(_ arity: ClosedRange<Int>) -> String {
        let unit = arity.upperBound == 1 ? "argument" : "arguments"
        return arity.lowerBound == arity.upperBound ? "\(arity.lowerBound) \(unit)" : "\(arity.lowerBound) to \(arity.upperBound) \(unit)"
    }
}
