import TiltLanguage
import TiltModeling
import TiltSyntax

/// The values a program's text fixes without data, for hovers: its `let`s of constant expressions and its
/// `var` declarations, run in a private interpreter, so that a name's shape and a `solve` expression's
/// curvature and sign can be shown as you type. Only cheap, closed statements run: no file is read, nothing
/// is solved, no strategy runs, and sizes are bounded (`isFoldable`), so a hover never waits on a large
/// computation or allocation.
public final class StaticValues {
    private let session: Session
    /// Names whose value is known here.
    public private(set) var known: Set<String> = []

    /// The largest dimension `ones`, `zeros` and `eye` may be given here, and the most values a range may
    /// have: at most 300 × 300 matrices, whose products and inverses take milliseconds.
    static let maximumDimension = 300.0
    static let maximumRangeLength = 1000.0

    /// Runs the foldable binding statements of `analysis` that start before `offset` (a Tilt offset), in order.
    public init(_ analysis: DocumentAnalysis, before offset: Int = .max) {
        session = Session(mode: .interactive, locations: DataLocations(programDirectory: "/nonexistent"), output: { _ in })
        session.interpreter.valueOutput = { _, _ in }
        for stmt in analysis.program.statements where stmt.range.start < offset {
            let name: String
            switch stmt.kind {
            case .letBinding(let id, let value):
                name = id.name
                guard isFoldable(value) else { known.remove(name); continue }
            case .variable(let id, let dimensions, let bound):
                name = id.name
                guard dimensions.allSatisfy(isFoldable), bound.map({ isFoldable($0.value) }) ?? true else { known.remove(name); continue }
            default:
                continue
            }
            let text = analysis.text(stmt.range)
            if session.run(SourceFile(name: "<hover>", text: text)).isEmpty {
                known.insert(name)
            } else {
                known.remove(name)
            }
        }
    }

    public func value(of name: String) -> Value? {
        known.contains(name) ? session.interpreter.bindings[name] : nil
    }

    /// The value of an expression when it is foldable (an optimisation expression for one over variables).
    public func evaluate(_ e: Expr) -> Value? {
        guard isFoldable(e) else { return nil }
        return try? session.interpreter.evaluate(e)
    }

    /// Whether an expression can be evaluated here: literals and known names under operators, indexing and
    /// calls of built-ins that read no file, with literal sizes within the bounds above.
    public func isFoldable(_ e: Expr) -> Bool {
        switch e.kind {
        case .number, .month, .date, .string: return true
        case .name(let n): return known.contains(n)
        case .unary(_, let x), .transpose(let x), .absoluteValue(let x): return isFoldable(x)
        case .binary(_, let l, let r, _, _): return isFoldable(l) && isFoldable(r)
        case .matrix(let rows): return rows.allSatisfy { $0.allSatisfy(isFoldable) }
        case .index(let base, let items):
            return isFoldable(base) && items.allSatisfy { item in
                switch item {
                case .all: return true
                case .single(let x):
                    if case .name = x.kind, !isFoldable(x) { return true } // a label such as F[hml]
                    return isFoldable(x)
                case .slice(let a, let b): return isFoldable(a) && isFoldable(b)
                }
            }
        case .range(let lo, let hi, let step):
            switch (lo.kind, hi.kind) {
            case (.number(let a, _), .number(let b, _)):
                var by = 1.0
                if let step {
                    guard case .number(let s, _) = step.kind, s != 0 else { return false }
                    by = s
                }
                return ((b - a) / by).magnitude <= StaticValues.maximumRangeLength
            case (.month(let y0, let m0), .month(let y1, let m1)):
                return step == nil && Double(abs((y1 - y0) * 12 + m1 - m0)) <= StaticValues.maximumRangeLength
            default:
                return false
            }
        case .call(let name, let arguments):
            guard !["read", "dual"].contains(name.name), LanguageReference.entries(named: name.name).contains(where: { $0.kind == .builtin }),
                  arguments.allSatisfy({ $0.label == nil && isFoldable($0.value) }) else { return false }
            if ["ones", "zeros", "eye"].contains(name.name) {
                return arguments.allSatisfy { argument in
                    if case .number(let n, _) = argument.value.kind { return n <= StaticValues.maximumDimension }
                    return false
                }
            }
            return true
        case .apply: return false
        }
    }

    /// How a value reads in a hover: its type and shape, with curvature and sign for an optimisation
    /// expression, and the value itself when it is small.
    public static func describe(_ value: Value) -> String {
        switch value {
        case .expression(let e):
            let analysis = DCPAnalysis.analyze(e)
            var text = value.typeDescription + ", sign " + analysis.sign.rawValue
            if let violation = analysis.violation { text += "\nnot DCP: " + violation.message }
            return text
        case .matrix(let m) where m.rows * m.cols <= 36:
            return "```\n" + m.formatted() + "\n```"
        case .matrix:
            return value.typeDescription
        default:
            return value.typeDescription + " " + value.rendered()
        }
    }
}
