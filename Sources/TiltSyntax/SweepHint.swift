/// The words of the hints for a sweep written where a constraint of an objective statement is: the
/// parser's, for `s.t. tev in [2%, 4%]` (`Parser`), and the lowering's, for `tev <= [2%, 4%]`
/// (TiltLanguage's `ObjectiveLowering`), say the same thing the same way.
public enum SweepHint {
    /// `KEYWORD objective s.t. c₁, c₂` written out (labels kept), when it fits on a line (`Formatter.lineWidth`).
    public static func statement(keyword: String, objective: Expr, constraints: [Constraint], in file: SourceFile) -> String? {
        var text = keyword + " " + Formatter.format(objective, in: file)
        if !constraints.isEmpty {
            text += " s.t. " + constraints.map { c in
                (c.label.map { $0.name + ": " } ?? "") + Formatter.format(c.expr, in: file)
            }.joined(separator: ", ")
        }
        return text.count <= Formatter.lineWidth ? text : nil
    }

    /// The hint for a swept bound (`tev`, `risk`, `turnover`: `Parser.sweptBounds`): the sweep `name in
    /// values` on a line of its own, then the objective without the constraint (`without`: how the hint
    /// names it) — written out as `statement` when known — each value bounding `name` in a backtest of its
    /// own, `name <= first` in the first, and the program's own `name <= …` among `others` that the sweep
    /// replaces.
    public static func sweptBound(_ name: String, values: String, first: String?, without: String, statement: String?,
                                  others: [Constraint], in file: SourceFile) -> String {
        var hint = "write the sweep on a line of its own, `\(name) in \(values)`, then the objective without \(without)"
            + (statement.map { ", `\($0)`" } ?? "") + ": each value bounds `\(name)` in a backtest of its own"
        if let first { hint += ", `\(name) <= \(first)` in the first" }
        let replaced = others.first { c in
            if case .binary(.lessEqual, let lhs, _, _, _) = c.expr.kind { return lhs.kind == .name(name) }
            return false
        }
        if let replaced { hint += ", in place of `\(Formatter.format(replaced.expr, in: file))`" }
        return hint
    }
}
