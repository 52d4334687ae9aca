/// Prints a program in Tilt's canonical layout (`tilt fmt`): one statement per line, single spaces around
/// binary operators, no redundant parentheses, literals as written, comments and single blank lines kept.
/// Formatting is idempotent: formatting formatted text changes nothing.
///
/// Comments that stood inside a multi-line statement are moved to the line after it.
public enum Formatter {
    /// Lines longer than this break their constraint list one constraint per line.
    public static let lineWidth = 100

    public static func format(_ program: Program) -> String {
        var printer = ProgramPrinter(program: program)
        return printer.run()
    }

    /// One expression in canonical form (also used by the REPL and the explainer to show expressions).
    public static func format(_ expr: Expr, in file: SourceFile) -> String {
        ExpressionPrinter(file: file).print(expr)
    }
}

private struct ProgramPrinter {
    let program: Program
    var output: [String] = []
    var nextComment = 0
    var lastLine = 0

    init(program: Program) { self.program = program }

    mutating func run() -> String {
        let file = program.file
        let expressions = ExpressionPrinter(file: file)
        for stmt in program.statements {
            let startLine = file.location(of: stmt.range.start).line
            emitComments(before: stmt.range.start)
            separate(from: startLine)
            var lines = expressions.statement(stmt)
            let endLine = file.location(of: stmt.range.end).line
            // A trailing comment on the statement's last line stays there.
            if nextComment < program.comments.count {
                let c = program.comments[nextComment]
                if c.isTrailing, c.range.start >= stmt.range.end, file.location(of: c.range.start).line == endLine,
                   !sharesLineWithLaterStatement(stmt, line: endLine) {
                    lines[lines.count - 1] += "  " + c.text.trimmedRight()
                    nextComment += 1
                }
            }
            output.append(contentsOf: lines)
            lastLine = endLine
        }
        emitComments(before: Int.max)
        return output.isEmpty ? "" : output.joined(separator: "\n") + "\n"
    }

    func sharesLineWithLaterStatement(_ stmt: Stmt, line: Int) -> Bool {
        guard let i = program.statements.firstIndex(where: { $0.range == stmt.range }),
              i + 1 < program.statements.count else { return false }
        return program.file.location(of: program.statements[i + 1].range.start).line == line
    }

    mutating func separate(from line: Int) {
        if !output.isEmpty, line - lastLine > 1 { output.append("") }
    }

    mutating func emitComments(before offset: Int) {
        while nextComment < program.comments.count, program.comments[nextComment].range.start < offset {
            let c = program.comments[nextComment]
            let line = program.file.location(of: c.range.start).line
            separate(from: line)
            output.append(c.text.trimmedRight())
            // A comment moved out of a multi-line statement stands on the statement's last line for the
            // spacing of what follows: no blank line appears where the program had none.
            lastLine = max(lastLine, line)
            nextComment += 1
        }
    }
}

private extension String {
    func trimmedRight() -> String {
        var s = Substring(self)
        while let last = s.last, last == " " || last == "\t" || last == "\r" { s = s.dropLast() }
        return String(s)
    }
}

/// Prints expressions with the fewest parentheses that keep their meaning.
struct ExpressionPrinter {
    let file: SourceFile

    enum Level: Int, Comparable {
        case range = 1, comparison, additive, multiplicative, unary, power, postfix, primary
        static func < (a: Level, b: Level) -> Bool { a.rawValue < b.rawValue }
    }

    func level(of e: Expr) -> Level {
        switch e.kind {
        case .range: return .range
        case .binary(let op, _, _, _, _):
            switch op {
            case .add, .subtract: return .additive
            case .multiply, .divide, .elementwiseMultiply, .elementwiseDivide: return .multiplicative
            case .power, .elementwisePower: return .power
            default: return .comparison
            }
        case .unary: return .unary
        case .transpose, .call, .index: return .postfix
        case .apply: return .range
        default: return .primary
        }
    }

    func print(_ e: Expr) -> String {
        switch e.kind {
        // Literals as written: the lexer accepts one spelling of each month and date (`0999-06` keeps its
        // zeros: `999-06` would be a subtraction).
        case .number, .string, .month, .date: return file.text(e.range)
        case .name(let n): return n
        case .unary(let op, let x): return op.rawValue + wrap(x, atLeast: .unary)
        case .binary(let op, let l, let r, _, let implicit):
            let me = level(of: e)
            if implicit {
                let left = wrap(l, atLeast: .multiplicative)
                var right = wrap(r, atLeast: .power)
                if !ExpressionPrinter.startsAsOperand(right) { right = "(" + right + ")" }
                // `x'f` and `F'(w - b)` read as written (after a transpose a bracket multiplies); before `[`
                // the space keeps it a product, not an index, and after a name before `(`, not a call.
                let tight = endsWithTranspose(l) && !right.hasPrefix("[")
                return left + (tight ? "" : " ") + right
            }
            switch op {
            case .power, .elementwisePower:
                return wrap(l, atLeast: .postfix) + op.rawValue + wrap(r, atLeast: .unary)
            default:
                let right = wrap(r, above: me)
                return wrap(l, atLeast: me) + " \(op.rawValue) " + right
            }
        case .transpose(let x): return wrap(x, atLeast: .postfix) + "'"
        case .call(let name, let args):
            return name.name + "(" + args.map(argument).joined(separator: ", ") + ")"
        case .index(let x, let items):
            return wrap(x, atLeast: .postfix) + "[" + items.map(indexItem).joined(separator: ", ") + "]"
        case .matrix(let rows):
            return "[" + rows.map { $0.map(print).joined(separator: ", ") }.joined(separator: "; ") + "]"
        case .absoluteValue(let x):
            // Bars nest without parentheses: a `|` opens where an operand is expected and closes after one,
            // so `||a| - b|` reads back as written. Parentheses would not change the meaning but would add
            // a level of nesting to each bar, and a program near `Parser.maximumDepth` would format into one
            // the parser rejects.
            return "|" + print(x) + "|"
        case .range(let lo, let hi, let step):
            var s = wrap(lo, above: .range) + " to " + wrap(hi, above: .range)
            if let step { s += " by " + wrap(step, above: .range) }
            return s
        case .apply(let name, let x):
            let operand = print(x)
            return name.name + " " + (ExpressionPrinter.startsAsOperand(operand) ? operand : "(" + operand + ")")
        }
    }

    /// Whether printed text can follow a name or a transpose as a juxtaposed operand (`rolling 120`,
    /// `x'S`): its first token must be a name, a plain number, `(` or `[` — not `-`, `|`, a month or `6%`.
    static func startsAsOperand(_ text: String) -> Bool {
        switch Lexer.tokenize(SourceFile(name: "", text: text)).tokens.first?.kind {
        case .identifier, .number, .leftParen, .leftBracket: return true
        default: return false
        }
    }

    /// Whether the text of `e` ends with `'` (so that an implicit product follows without a space).
    private func endsWithTranspose(_ e: Expr) -> Bool {
        switch e.kind {
        case .transpose: return true
        case .binary(let op, _, let r, _, _) where op != .power && op != .elementwisePower: return endsWithTranspose(r)
        case .unary(_, let x): return endsWithTranspose(x)
        default: return false
        }
    }

    private func argument(_ a: CallArgument) -> String {
        (a.label.map { $0.name + ": " } ?? "") + print(a.value)
    }

    private func indexItem(_ item: IndexItem) -> String {
        switch item {
        case .all: return ":"
        case .single(let e): return print(e)
        case .slice(let a, let b): return print(a) + ":" + print(b)
        }
    }

    private func wrap(_ e: Expr, atLeast needed: Level) -> String {
        level(of: e) >= needed ? print(e) : "(" + print(e) + ")"
    }

    private func wrap(_ e: Expr, above needed: Level) -> String {
        level(of: e) > needed ? print(e) : "(" + print(e) + ")"
    }

    /// A statement as one or more lines.
    func statement(_ s: Stmt) -> [String] {
        switch s.kind {
        case .letBinding(let name, let value): return ["let \(name.name) = \(print(value))"]
        case .variable(let name, let dims, let bound):
            var line = "var \(name.name)"
            if !dims.isEmpty { line += "[" + dims.map(print).joined(separator: ", ") + "]" }
            if let bound { line += " \(bound.op.rawValue) \(print(bound.value))" }
            return [line]
        case .solve(let sense, let objective, let constraints, let options):
            let written = options.isEmpty ? "" : "(" + options.map(argument).joined(separator: ", ") + ")"
            return objectiveLines("solve\(written) \(sense.rawValue) \(print(objective))", constraints)
        case .objective(let sense, let objective, let constraints):
            return objectiveLines("\(sense.rawValue) \(print(objective))", constraints)
        case .universe(let e): return ["universe \(print(e))"]
        case .factors(let e): return ["factors \(print(e))"]
        case .benchmark(let e): return ["benchmark \(print(e))"]
        case .model(let e): return ["model \(print(e))"]
        case .costs(let e): return ["costs \(print(e))"]
        case .print(let e): return ["print \(print(e))"]
        case .experiment(let e): return ["experiment \(print(e))"]
        case .at(let e): return ["at \(print(e))"]
        case .policy(let p, let utility):
            return ["policy \(print(p))" + (utility.map { " utility \(print($0))" } ?? "")]
        case .allocate(let by): return ["allocate by \(by.name)"]
        case .rebalance(let frequency, let window):
            return ["rebalance \(frequency.name)" + (window.map { " from \(print($0))" } ?? "")]
        // The parser reads a crisis's name as a primary: `crisis (f(x)) 2007-10 to 2009-03`.
        case .crisis(let name, let window): return ["crisis \(wrap(name, atLeast: .primary)) \(print(window))"]
        case .sweep(let name, let values): return ["\(name.name) in \(print(values))"]
        case .expression(let e): return [print(e)]
        }
    }

    private func objectiveLines(_ head: String, _ constraints: [Constraint]) -> [String] {
        guard !constraints.isEmpty else { return [head] }
        let parts = constraints.map { c in (c.label.map { $0.name + ": " } ?? "") + print(c.expr) }
        let oneLine = head + " s.t. " + parts.joined(separator: ", ")
        if oneLine.count <= Formatter.lineWidth { return [oneLine] }
        return [head + " s.t."] + parts.enumerated().map { i, p in
            "    " + p + (i + 1 < parts.count ? "," : "")
        }
    }
}
