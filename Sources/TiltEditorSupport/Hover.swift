import TiltLanguage
import TiltLinearAlgebra
import TiltSyntax

/// What an editor shows when the pointer rests on a spot of a program (Markdown), and the span it is about.
public struct Hover: Sendable, Equatable {
    public let markdown: String
    /// The span described, a Tilt range of the analysed file.
    public let range: SourceRange
}

extension DocumentAnalysis {
    /// The hover at a document offset: inside a `solve` or a strategy objective, the curvature and sign of
    /// the expression under the pointer (when the program's text fixes its constants); on a name, its
    /// binding and its shape where that is known without data, or the language's documentation of the word;
    /// on a percentage, basis points or a month, its value.
    public func hover(at documentOffset: Int) -> Hover? {
        guard let token = token(at: documentOffset) else { return nil }
        let statement = statement(at: documentOffset)
        if let statement, let expression = problemExpression(in: statement, under: token) {
            let values = StaticValues(self, before: statement.range.start)
            if let value = values.evaluate(expression) {
                return Hover(markdown: "`\(Formatter.format(expression, in: file))`: " + StaticValues.describe(value),
                             range: expression.range)
            }
        }
        if let word = DocumentAnalysis.word(of: token) {
            var parts: [String] = []
            if case .identifier = token.kind, let binding = binding(of: word, at: documentOffset) {
                parts.append(describe(binding))
            }
            if let doc = WordHelp.documentation(for: word) { parts.append(doc) }
            return parts.isEmpty ? nil : Hover(markdown: parts.joined(separator: "\n\n---\n\n"), range: token.range)
        }
        switch token.kind {
        case .percent(let x), .basisPoints(let x):
            return Hover(markdown: "`\(text(token.range))` = \(formatNumber(x)) (a decimal)", range: token.range)
        case .month(let y, let m):
            return Hover(markdown: "the month \(y)-\(m < 10 ? "0" : "")\(m)", range: token.range)
        default:
            return nil
        }
    }

    /// A binding as a hover shows it: the statement that makes it, and its value's shape when known.
    private func describe(_ binding: Binding) -> String {
        var statementText = text(binding.statement.range)
        if statementText.count > 300 { statementText = String(statementText.prefix(300)) + " …" }
        var lines = ["```tilt\n\(statementText)\n```"]
        switch binding.kind {
        case .let, .var:
            let values = StaticValues(self, before: binding.statement.range.end)
            if let value = values.value(of: binding.name) {
                lines.append(StaticValues.describe(value))
            } else if binding.kind == .let {
                lines.append("its value is known when the program runs (it depends on data, a solve or a large computation)")
            }
        case .sweep:
            lines.append("a swept parameter: the strategy runs once per value")
        }
        return lines.joined(separator: "\n\n")
    }

    /// Inside a `solve` (or a strategy objective), the expression a hover on `token` is about: the whole
    /// objective on `solve`/`minimize`/`maximize`, a call on its function's name, otherwise the innermost
    /// compound expression holding the token (an operator, a bracket).
    private func problemExpression(in statement: Stmt, under token: Token) -> Expr? {
        let objective: Expr, constraints: [Constraint]
        switch statement.kind {
        case .solve(_, let o, let c, _), .objective(_, let o, let c): (objective, constraints) = (o, c)
        default: return nil
        }
        switch token.kind {
        case .keyword(.solve), .keyword(.minimize), .keyword(.maximize): return objective
        default: break
        }
        let offset = token.range.start
        for root in [objective] + constraints.map(\.expr) where root.range.start <= offset && offset < root.range.end {
            let path = DocumentAnalysis.path(to: offset, in: root)
            if case .identifier = token.kind {
                // A name is about itself, unless it is a called function's name: then the call.
                guard let call = path.last(where: { if case .call(let id, _) = $0.kind { return id.range == token.range }; return false })
                else { return nil }
                return call
            }
            return path.last { if case .number = $0.kind { return false }; return true }
        }
        return nil
    }

    /// The expressions from `root` down to the innermost one holding `offset`.
    static func path(to offset: Int, in root: Expr) -> [Expr] {
        var path: [Expr] = []
        var current: Expr? = root
        while let e = current, e.range.start <= offset, offset < e.range.end {
            path.append(e)
            current = children(of: e).first { $0.range.start <= offset && offset < $0.range.end }
        }
        return path
    }

    static func children(of e: Expr) -> [Expr] {
        switch e.kind {
        case .number, .month, .date, .string, .name: return []
        case .unary(_, let x), .transpose(let x), .absoluteValue(let x), .apply(_, let x): return [x]
        case .binary(_, let l, let r, _, _): return [l, r]
        case .call(_, let arguments): return arguments.map(\.value)
        case .index(let base, let items):
            return [base] + items.flatMap { item -> [Expr] in
                switch item {
                case .all: return []
                case .single(let x): return [x]
                case .slice(let a, let b): return [a, b]
                }
            }
        case .matrix(let rows): return rows.flatMap { $0 }
        case .range(let lo, let hi, let step): return [lo, hi] + (step.map { [$0] } ?? [])
        }
    }
}
