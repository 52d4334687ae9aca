/// Recursive-descent parser from tokens to the typed AST. Grammar: Grammar/tilt.ebnf (kept true by a
/// test). On an error it records a diagnostic, skips to the end of the statement and goes on, so several
/// independent errors in one file are reported together.
public struct Parser {
    /// The deepest nesting of brackets and operators accepted; deeper input is reported, never a stack
    /// overflow.
    public static let maximumDepth = 200
    /// The deepest syntax tree accepted, counting operator chains (`a + b + …` is as deep as it is long):
    /// every later pass walks the tree recursively.
    public static let maximumTreeDepth = 1000

    private let file: SourceFile
    private var tokens: [Token]
    private var index = 0
    private var diagnostics: [Diagnostic]
    private var depth = 0
    private var treeDepth = 0
    /// The `(`, `[` and `|` of the current statement not closed yet, innermost last (emptied at each statement:
    /// a statement that fails is abandoned with its brackets).
    private var openBrackets: [Token] = []

    /// Parses a whole file. `Program` is returned even when there are errors (statements that failed to
    /// parse are left out); the diagnostics list all problems found by the lexer and parser.
    public static func parse(_ file: SourceFile) -> (program: Program, diagnostics: [Diagnostic]) {
        let lexed = Lexer.tokenize(file)
        var parser = Parser(file: file, tokens: lexed.tokens, diagnostics: lexed.diagnostics)
        let statements = parser.parseProgram()
        return (Program(file: file, statements: statements, comments: lexed.comments), parser.diagnostics)
    }

    private init(file: SourceFile, tokens: [Token], diagnostics: [Diagnostic]) {
        self.file = file
        self.tokens = tokens
        self.diagnostics = diagnostics
    }

    private struct Failure: Error {}

    // MARK: Token helpers

    private var current: Token { tokens[index] }
    private var previous: Token { tokens[max(0, index - 1)] }
    private func peekKind(_ k: Int = 1) -> TokenKind {
        tokens[min(index + k, tokens.count - 1)].kind
    }

    @discardableResult
    private mutating func advance() -> Token {
        let t = tokens[index]
        if index < tokens.count - 1 { index += 1 }
        return t
    }

    private mutating func match(_ kind: TokenKind) -> Bool {
        if current.kind == kind { advance(); return true }
        return false
    }

    private mutating func skipNewlines() {
        while current.kind == .newline { advance() }
    }

    /// What a continuation token (an operator, `,`, `:`, `to`, …) must be followed by.
    private enum Continuation {
        /// An expression.
        case operand
        /// A call argument: an expression, or a label (`from: …`, which may be a reserved word).
        case argument
        /// An index item: an expression, or `:` for a whole row or column.
        case indexItem
    }

    /// Newlines after a continuation token continue the expression (inside brackets the lexer has already
    /// dropped them). When what follows on a later line cannot begin what `op` needs, the mistake is the
    /// dangling `op`, so the error points at it rather than at the next line; at the end of input inside a
    /// bracket, it is the bracket never closed. On `op`'s own line the operand's parser reports the token.
    private mutating func skipNewlines(after op: Token, expecting what: Continuation = .operand) throws {
        var next = index
        while tokens[next].kind == .newline, next < tokens.count - 1 { next += 1 }
        if starts(what, at: next) {
            index = next
            return
        }
        let found = tokens[next]
        if found.kind == .endOfFile, let open = openBrackets.last { throw unclosed(open) }
        guard found.kind == .endOfFile || isOnLaterLine(found, than: op) else { return }
        // Left at the newline, so that recovery resumes with the next line's statement.
        throw fail("expected an expression after \(op.kind.display), found \(found.kind.display)", at: op.range,
                   hint: "the line ends with \(op.kind.display): write what follows it, or remove it")
    }

    /// `match(kind)`, then the line breaks after the token (`skipNewlines(after:expecting:)`).
    private mutating func matchContinuing(_ kind: TokenKind, expecting what: Continuation = .operand) throws -> Bool {
        guard match(kind) else { return false }
        try skipNewlines(after: previous, expecting: what)
        return true
    }

    /// Consumes a binary operator and the line breaks after it; the operator's range.
    private mutating func advanceOverOperator() throws -> SourceRange {
        let op = advance()
        try skipNewlines(after: op)
        return op.range
    }

    /// Whether the token at `position` can begin `what`.
    private func starts(_ what: Continuation, at position: Int) -> Bool {
        let kind = tokens[position].kind
        if startsOperand(kind) { return true }
        switch what {
        case .operand: return false
        case .argument:
            guard case .keyword = kind else { return false }
            return tokens[min(position + 1, tokens.count - 1)].kind == .colon
        case .indexItem: return kind == .colon
        }
    }

    /// Whether `token` starts on a line after the one `op` starts on.
    private func isOnLaterLine(_ token: Token, than op: Token) -> Bool {
        file.location(of: token.range.start).line > file.location(of: op.range.start).line
    }

    /// Parses `parse` as the inside of the bracket `open` (`(`, `[` or `|`, already consumed), so that an
    /// end of input before it closes is reported at the bracket.
    private mutating func inside<T>(_ open: Token, _ parse: (inout Parser) throws -> T) throws -> T {
        openBrackets.append(open)
        let result = try parse(&self)
        openBrackets.removeLast()
        return result
    }

    /// The error for a bracket still open at the end of input. Inside `(` and `[` line breaks do not end a
    /// statement, so everything after the bracket was read as its contents and the end of input is where
    /// the parser noticed; the bracket is the mistake.
    private mutating func unclosed(_ open: Token) -> Failure {
        let hint: String
        switch open.kind {
        case .leftParen: hint = "close it with `)`: until it is closed, line breaks do not end the statement"
        case .leftBracket: hint = "close it with `]`: until it is closed, line breaks do not end the statement"
        default: hint = "close the absolute value with `|`"
        }
        report("\(open.kind.display) is never closed", at: open.range, hint: hint)
        return Failure()
    }

    /// Whether a token can begin an expression (`parseUnary`).
    private func startsOperand(_ kind: TokenKind) -> Bool {
        switch kind {
        case .number, .percent, .basisPoints, .month, .date, .string, .identifier, .leftParen, .leftBracket,
             .bar, .minus, .plus:
            return true
        default:
            return false
        }
    }

    private mutating func fail(_ message: String, at range: SourceRange? = nil, hint: String? = nil) -> Failure {
        // Whatever was expected at the end of input inside an open bracket, the mistake is the bracket.
        if range == nil, current.kind == .endOfFile, let open = openBrackets.last { return unclosed(open) }
        report(message, at: range ?? current.range, hint: hint)
        return Failure()
    }

    private mutating func report(_ message: String, at range: SourceRange, hint: String? = nil) {
        // An invalid token was already reported by the lexer; do not pile a parse error on it.
        if current.kind == .invalid, range == current.range { return }
        if diagnostics.count < DiagnosticList.maximumShown {
            diagnostics.append(Diagnostic(message, at: range, hint: hint))
        } else {
            stopSearching()
        }
    }

    /// Marks the list as cut short: an error was found that the list has no room for, or statements are left
    /// unparsed, so there may be errors that are not reported.
    private mutating func stopSearching() {
        if !diagnostics.isEmpty { diagnostics[diagnostics.count - 1].searchStopsHere = true }
    }

    private mutating func expect(_ kind: TokenKind, _ what: String, hint: String? = nil) throws -> Token {
        if current.kind == kind { return advance() }
        throw fail("expected \(what), found \(current.kind.display)", hint: hint ?? unchainedOperandHint())
    }

    private mutating func expectIdentifier(_ what: String) throws -> Identifier {
        if case .identifier(let name) = current.kind {
            let t = advance()
            return Identifier(name, range: t.range)
        }
        if case .keyword(let k) = current.kind {
            throw fail("`\(k.rawValue)` is a reserved word and cannot be used as \(what)",
                       hint: "choose another name, e.g. `\(k.rawValue)_`")
        }
        throw fail("expected \(what), found \(current.kind.display)")
    }

    private func isAtStatementEnd(_ kind: TokenKind) -> Bool {
        kind == .newline || kind == .semicolon || kind == .endOfFile
    }

    // MARK: Program and statements

    private mutating func parseProgram() -> [Stmt] {
        var statements: [Stmt] = []
        while true {
            while current.kind == .newline || current.kind == .semicolon { advance() }
            if current.kind == .endOfFile { break }
            openBrackets.removeAll()
            if diagnostics.count >= DiagnosticList.maximumShown {
                stopSearching()
                break
            }
            do {
                let stmt = try parseStatement()
                if !isAtStatementEnd(current.kind) {
                    throw fail("expected end of statement, found \(current.kind.display)",
                               hint: statementEndHint())
                }
                statements.append(stmt)
            } catch {
                synchronize()
            }
        }
        return statements
    }

    private func statementEndHint() -> String? {
        if let hint = unchainedOperandHint() { return hint }
        switch current.kind {
        case .identifier, .number, .leftParen:
            return "separate statements with a newline or `;`; to multiply, write `*`"
        default: return nil
        }
    }

    /// The hint for an operand right after a transpose that did not start an implicit product: the
    /// transposed operand was signed or an exponent (`-mu'f`, `2^x'y`), which the grammar does not chain.
    private func unchainedOperandHint() -> String? {
        guard previous.kind == .apostrophe, startsImplicitOperand(current.kind) else { return nil }
        return "a signed transpose does not start an implicit product: write `-(mu'f)` or `-mu' * f`"
    }

    /// Skips to the start of the next statement after an error.
    private mutating func synchronize() {
        while !isAtStatementEnd(current.kind) { advance() }
    }

    private mutating func parseStatement() throws -> Stmt {
        let start = current.range
        func finish(_ kind: StmtKind) -> Stmt { Stmt(kind, start.union(previous.range)) }
        switch current.kind {
        case .keyword(.let):
            advance()
            let name = try expectIdentifier("a name after `let`")
            _ = try expect(.assign, "`=` after `let \(name.name)`")
            try skipNewlines(after: previous)
            return finish(.letBinding(name, try parseExpression()))
        case .keyword(.var):
            advance()
            let name = try expectIdentifier("a variable name after `var`")
            var dims: [Expr] = []
            if current.kind == .leftBracket {
                dims = try inside(advance()) { p in
                    var sizes = [try p.parseExpression()]
                    while try p.matchContinuing(.comma) {
                        sizes.append(try p.parseExpression())
                    }
                    _ = try p.expect(.rightBracket, "`]` after the variable's size")
                    return sizes
                }
            }
            var bound: VariableBound?
            if current.kind == .greaterEqual || current.kind == .lessEqual {
                let op: BinaryOperator = advance().kind == .greaterEqual ? .greaterEqual : .lessEqual
                try skipNewlines(after: previous)
                bound = VariableBound(op: op, value: try parseExpression())
            }
            return finish(.variable(name, dimensions: dims, bound: bound))
        case .keyword(.solve):
            advance()
            var options: [CallArgument] = []
            if current.kind == .leftParen {
                options = try inside(advance()) { p in
                    let options = try p.parseArguments()
                    _ = try p.expect(.rightParen, "`)` to close the options of `solve`")
                    return options
                }
            }
            let sense: ObjectiveSense
            switch current.kind {
            case .keyword(.minimize): sense = .minimize
            case .keyword(.maximize): sense = .maximize
            default: throw fail("expected `minimize` or `maximize` after `solve`, found \(current.kind.display)")
            }
            let (objective, constraints) = try parseObjectiveBody(after: advance(), solve: true)
            return finish(.solve(sense, objective, constraints, options: options))
        case .keyword(.minimize), .keyword(.maximize):
            let keyword = advance()
            let sense: ObjectiveSense = keyword.kind == .keyword(.minimize) ? .minimize : .maximize
            let (objective, constraints) = try parseObjectiveBody(after: keyword, solve: false)
            return finish(.objective(sense, objective, constraints))
        case .keyword(.universe): advance(); return finish(.universe(try parseExpression()))
        case .keyword(.factors): advance(); return finish(.factors(try parseExpression()))
        case .keyword(.benchmark): advance(); return finish(.benchmark(try parseExpression()))
        case .keyword(.model):
            let keyword = advance()
            if try matchContinuing(.keyword(.in)) {
                // `model in [regime(states: 2), ols]`: one backtest per model, side by side.
                return finish(.sweep(Identifier("model", range: keyword.range), try parseExpression()))
            }
            return finish(.model(try parseExpression()))
        case .keyword(.costs): advance(); return finish(.costs(try parseExpression()))
        case .keyword(.print): advance(); return finish(.print(try parseExpression()))
        case .keyword(.experiment): advance(); return finish(.experiment(try parseExpression()))
        case .keyword(.at): advance(); return finish(.at(try parseExpression()))
        case .keyword(.policy):
            advance()
            let policy = try parseExpression()
            var utility: Expr?
            if match(.keyword(.utility)) { utility = try parseExpression() }
            return finish(.policy(policy, utility: utility))
        case .keyword(.allocate):
            advance()
            _ = try expect(.keyword(.by), "`by` after `allocate`", hint: "write `allocate by sector`")
            return finish(.allocate(by: try expectIdentifier("what to allocate by (e.g. `sector`)")))
        case .keyword(.rebalance):
            advance()
            let frequency = try expectIdentifier("a frequency (`monthly`, `quarterly` or `annually`)")
            var window: Expr?
            if try matchContinuing(.keyword(.from)) {
                window = try parseExpression()
            }
            return finish(.rebalance(frequency, window: window))
        case .keyword(.crisis):
            advance()
            let name = try parsePrimaryExpression()
            return finish(.crisis(name: name, window: try parseExpression()))
        case .identifier(let name) where peekKind() == .keyword(.in):
            let id = Identifier(name, range: advance().range)
            advance()
            try skipNewlines(after: previous)
            return finish(.sweep(id, try parseExpression()))
        case .identifier(let name) where peekKind() == .assign:
            throw fail("`=` binds a name only after `let`", at: tokens[index + 1].range,
                       hint: "write `let \(name) = …`, or `==` to compare")
        case .keyword(let k):
            switch k {
            case .subjectTo: throw fail("`s.t.` must follow an objective",
                                        hint: "write `maximize EXPR s.t. CONSTRAINT, …`")
            case .utility: throw fail("`utility` must follow `policy …`")
            default: throw fail("`\(k.rawValue)` cannot start a statement")
            }
        default:
            return finish(.expression(try parseExpression()))
        }
    }

    /// The objective and constraints after `sense` (`minimize` or `maximize`, after `solve` when `solve`).
    private mutating func parseObjectiveBody(after sense: Token, solve: Bool) throws -> (Expr, [Constraint]) {
        try skipNewlines(after: previous)
        let objective = try parseExpression()
        let head = ObjectiveHead(sense: sense, solve: solve, objective: objective)
        if current.kind == .keyword(.in) { throw misplacedSweep(head, constraint: nil, before: []) }
        var constraints: [Constraint] = []
        if try matchContinuing(.keyword(.subjectTo)) {
            while true {
                let constraint = try parseConstraint()
                if current.kind == .keyword(.in) { throw misplacedSweep(head, constraint: constraint, before: constraints) }
                constraints.append(constraint)
                guard try matchContinuing(.comma) else { break }
            }
        } else if case .identifier("subject") = current.kind {
            throw fail("write `s.t.` before the constraints", hint: "e.g. `maximize mu'f s.t. tev <= 6%`")
        } else if current.kind == .comma {
            // `maximize mu'f subject to tev <= 6%, w >= 0`: `subject` and `to` were read into the objective
            // (a product and a range), so the first sign of the missing `s.t.` is the comma.
            let word = Parser.subjectToWords.first { objective.mentions($0) }
            throw fail("a comma after the objective: the constraints follow `s.t.`",
                       hint: (word.map { "`\($0)` is read as a name of the objective; " } ?? "")
                           + "write `s.t.` before the constraints, e.g. `maximize mu'f s.t. tev <= 6%, w >= 0`")
        }
        return (objective, constraints)
    }

    /// Words written for `s.t.` (`subject to`, `st`) that the parser reads as names: the checker hints
    /// `s.t.` for them, and a comma after an objective that holds one says why.
    public static let subjectToWords = ["st", "subject", "subj"]

    private mutating func parseConstraint() throws -> Constraint {
        var label: Identifier?
        if case .identifier(let name) = current.kind, peekKind() == .colon {
            label = Identifier(name, range: advance().range)
            advance()
            try skipNewlines(after: previous)
        }
        return Constraint(label: label, expr: try parseExpression())
    }

    // MARK: A sweep written inside an objective

    /// The strategy quantities that a sweep bounds: `tev in 2% to 8% by 1%` runs one backtest per bound
    /// `tev <= x`, in place of a `tev <= …` among the constraints. The vocabulary (TiltLanguage) defines them;
    /// a test keeps the two equal. Read here for the hint of a sweep written inside a constraint.
    public static let sweptBounds: Set<String> = ["tev", "risk", "turnover"]

    /// What is known of an objective statement when `in` turns up in it.
    private struct ObjectiveHead {
        /// `minimize` or `maximize` as written (`maximise` too).
        var sense: Token
        /// Whether the statement is a `solve`, solved once now, rather than a strategy's objective.
        var solve: Bool
        var objective: Expr
    }

    /// `maximize mu'f s.t. tev in [2%, 4%]`: `in` right after the objective or a constraint is a sweep written
    /// inside the statement, while a sweep, `NAME in VALUES`, is a statement of its own (and repeats only a
    /// strategy: `solve` solves once). The error points at `in`; its hint writes the sweep as a statement, with
    /// the name and values as written, and says what becomes of the objective. `constraint` is the constraint
    /// `in` follows (nil: the objective), `before` the constraints before it.
    private mutating func misplacedSweep(_ head: ObjectiveHead, constraint: Constraint?, before: [Constraint]) -> Failure {
        let keyword = current
        // The name swept is the operand right before `in`: `tev` in `s.t. tev in …` and `turnover <= tau in …`.
        var name: String?
        if case .identifier(let n) = previous.kind { name = n }
        // What follows `in` is read by a copy of the parser, whose errors are dropped (this statement already has
        // one): the values, then, after a constraint, the constraints after it. When the copy reaches the end of
        // the statement, parsing resumes there; otherwise at the next line, as after any error.
        var probe = self
        var values: Expr?
        var after: [Constraint]?
        do {
            try probe.skipNewlines(after: probe.advance())
            values = try probe.parseExpression()
            var rest: [Constraint] = []
            if constraint != nil {
                while try probe.matchContinuing(.comma) { rest.append(try probe.parseConstraint()) }
            }
            if isAtStatementEnd(probe.current.kind) {
                after = rest
                index = probe.index
            }
        } catch {}
        // After the objective, `gamma in [1, 5] * risk` reads `[1, 5] * risk` as the values, the rest of the
        // objective most likely: values whose top is an operator are not shown there.
        if constraint == nil, let v = values, case .binary = v.kind { values = nil }
        let valuesText = values.map { Formatter.format($0, in: file) } ?? "…"
        let first = values.flatMap(firstSweptValue).map { Formatter.format($0, in: file) }
        let part = constraint == nil ? "an objective" : "a constraint"

        if head.solve {
            var hint = ""
            if let name, let constraint, constraint.expr.kind == .name(name), let values,
               case .matrix(let rows) = values.kind, rows.count == 1, rows[0].count == 2 {
                let (low, high) = (Formatter.format(rows[0][0], in: file), Formatter.format(rows[0][1], in: file))
                hint = "to keep `\(name)` between \(low) and \(high), write `\(name) >= \(low), \(name) <= \(high)`; "
            }
            if let name {
                hint += "to solve once per value, bind `\(name)` before each `solve` (`let \(name) = \(first ?? "…")`)"
            } else {
                hint += "to solve once per value, bind it with `let` before each `solve`"
            }
            let sweep = name.map { "`\($0) in …`" } ?? "`NAME in VALUES`"
            return fail("a sweep cannot be part of \(part): `solve` solves one problem, and a sweep (\(sweep)) repeats a strategy",
                        at: keyword.range, hint: hint)
        }

        guard let name else {
            return fail("a sweep cannot be part of \(part): `NAME in VALUES` is a statement of its own", at: keyword.range,
                        hint: "write the sweep on a line of its own as `NAME in \(valuesText)`, and use NAME in the objective "
                            + "or a constraint: each value runs a backtest of its own")
        }
        let message = "a sweep cannot be part of \(part): `\(name) in …` is a statement of its own"
        let sweep = "write the sweep on a line of its own, `\(name) in \(valuesText)`"
        guard let constraint else {
            return fail(message, at: keyword.range,
                        hint: "\(sweep), and use `\(name)` in the objective: each value runs a backtest of its own")
        }
        // The statement as it would be written with the sweep taken out, when all of it could be read and it fits
        // on a line.
        func statement(_ constraints: [Constraint]) -> String? {
            SweepHint.statement(keyword: file.text(head.sense.range), objective: head.objective, constraints: constraints, in: file)
        }
        switch constraint.expr.kind {
        case .name(name) where Parser.sweptBounds.contains(name):
            // `s.t. tev in [2%, 4%]`: sweeping the quantity bounds it.
            let kept = after.map { before + $0 }
            return fail(message, at: keyword.range,
                        hint: SweepHint.sweptBound(name, values: valuesText, first: first, without: "it", statement: kept.flatMap(statement),
                                                   others: kept ?? before, in: file))
        case .name(name):
            // `s.t. tau in [1, 3]`: a parameter, which the objective or a constraint must use.
            return fail(message, at: keyword.range,
                        hint: "\(sweep), and use `\(name)` in the objective or a constraint: each value runs a backtest of its own")
        default:
            // `s.t. turnover <= tau in [1%, 3%]`: the constraint stays, with the parameter swept.
            let rewritten = after.flatMap { statement(before + [constraint] + $0) }
            let then = rewritten.map { "then `\($0)`" }
                ?? "and keep `\(Formatter.format(constraint.expr, in: file))` as a constraint"
            return fail(message, at: keyword.range,
                        hint: "\(sweep), \(then): each value of `\(name)` runs a backtest of its own")
        }
    }

    /// The first value of a sweep's values as written: a list's first element, a range's start, a lone value.
    private func firstSweptValue(_ values: Expr) -> Expr? {
        switch values.kind {
        case .matrix(let rows): return rows.first?.first
        case .range(let low, _, _): return low
        case .number, .unary: return values
        default: return nil
        }
    }

    // MARK: Expressions (lowest to highest precedence)

    /// One more level in a left-leaning operator chain; the caller restores `treeDepth` when the chain ends.
    private mutating func growChain() throws {
        treeDepth += 1
        if treeDepth > Parser.maximumTreeDepth {
            throw fail("expression is too long (more than \(Parser.maximumTreeDepth) operators in a chain)",
                       hint: "split it with `let` into parts")
        }
    }

    public mutating func parseExpression() throws -> Expr {
        depth += 1
        treeDepth += 1
        defer { depth -= 1; treeDepth -= 1 }
        if depth > Parser.maximumDepth {
            throw fail("expression is nested too deeply (more than \(Parser.maximumDepth) levels)")
        }
        let lhs = try parseComparison()
        guard try matchContinuing(.keyword(.to)) else { return lhs }
        let upper = try parseComparison()
        var step: Expr?
        if try matchContinuing(.keyword(.by)) {
            step = try parseComparison()
        }
        return Expr(.range(lhs, upper, step: step), lhs.range.union(previous.range))
    }

    private func comparisonOperator(_ kind: TokenKind) -> BinaryOperator? {
        switch kind {
        case .equalEqual: return .equal
        case .notEqual: return .notEqual
        case .less: return .less
        case .lessEqual: return .lessEqual
        case .greater: return .greater
        case .greaterEqual: return .greaterEqual
        default: return nil
        }
    }

    private mutating func parseComparison() throws -> Expr {
        let lhs = try parseAdditive()
        guard let op = comparisonOperator(current.kind) else {
            if current.kind == .assign {
                throw fail("`=` is not a comparison", hint: "write `==` to require equality")
            }
            return lhs
        }
        let opRange = try advanceOverOperator()
        let rhs = try parseAdditive()
        if comparisonOperator(current.kind) != nil {
            throw fail("comparisons cannot be chained", hint: "write two constraints separated by `,`")
        }
        return Expr(.binary(op, lhs, rhs, operatorRange: opRange, implicit: false), lhs.range.union(rhs.range))
    }

    private mutating func parseAdditive() throws -> Expr {
        let savedTreeDepth = treeDepth
        defer { treeDepth = savedTreeDepth }
        var lhs = try parseMultiplicative()
        while current.kind == .plus || current.kind == .minus {
            try growChain()
            let op: BinaryOperator = current.kind == .plus ? .add : .subtract
            let opRange = try advanceOverOperator()
            let rhs = try parseMultiplicative()
            lhs = Expr(.binary(op, lhs, rhs, operatorRange: opRange, implicit: false), lhs.range.union(rhs.range))
        }
        return lhs
    }

    private func multiplicativeOperator(_ kind: TokenKind) -> BinaryOperator? {
        switch kind {
        case .star: return .multiply
        case .slash: return .divide
        case .dotStar: return .elementwiseMultiply
        case .dotSlash: return .elementwiseDivide
        default: return nil
        }
    }

    /// Whether a token can begin an operand of an implicit product (`mu'f`, `x'S x`).
    private func startsImplicitOperand(_ kind: TokenKind) -> Bool {
        switch kind {
        case .identifier, .number, .leftParen, .leftBracket: return true
        default: return false
        }
    }

    private func endsWithTranspose(_ e: Expr) -> Bool {
        if case .transpose = e.kind { return true }
        return false
    }

    private mutating func parseMultiplicative() throws -> Expr {
        let savedTreeDepth = treeDepth
        defer { treeDepth = savedTreeDepth }
        var lhs = try parseUnary()
        var inImplicitChain = endsWithTranspose(lhs)
        while true {
            if multiplicativeOperator(current.kind) != nil || (inImplicitChain && startsImplicitOperand(current.kind)) {
                try growChain()
            }
            if let op = multiplicativeOperator(current.kind) {
                let opRange = try advanceOverOperator()
                let rhs = try parseUnary()
                lhs = Expr(.binary(op, lhs, rhs, operatorRange: opRange, implicit: false), lhs.range.union(rhs.range))
                inImplicitChain = endsWithTranspose(rhs)
            } else if inImplicitChain, startsImplicitOperand(current.kind) {
                let opRange = SourceRange(start: current.range.start, end: current.range.start)
                let rhs = try parsePower()
                lhs = Expr(.binary(.multiply, lhs, rhs, operatorRange: opRange, implicit: true),
                           lhs.range.union(rhs.range))
            } else {
                return lhs
            }
        }
    }

    private mutating func parseUnary() throws -> Expr {
        if current.kind == .minus || current.kind == .plus {
            let t = advance()
            depth += 1
            defer { depth -= 1 }
            if depth > Parser.maximumDepth { throw fail("expression is nested too deeply") }
            let operand = try parseUnary()
            return Expr(.unary(t.kind == .minus ? .negate : .plus, operand), t.range.union(operand.range))
        }
        return try parsePower()
    }

    private mutating func parsePower() throws -> Expr {
        let base = try parsePostfix()
        guard current.kind == .caret || current.kind == .dotCaret else { return base }
        let op: BinaryOperator = current.kind == .caret ? .power : .elementwisePower
        let opRange = try advanceOverOperator()
        depth += 1
        defer { depth -= 1 }
        if depth > Parser.maximumDepth { throw fail("expression is nested too deeply") }
        let exponent = try parseUnary() // right-associative; `2^-1` is allowed
        return Expr(.binary(op, base, exponent, operatorRange: opRange, implicit: false), base.range.union(exponent.range))
    }

    private mutating func parsePostfix() throws -> Expr {
        let savedTreeDepth = treeDepth
        defer { treeDepth = savedTreeDepth }
        var e = try parsePrimaryExpression()
        while true {
            switch current.kind {
            case .apostrophe, .leftParen, .leftBracket: try growChain()
            default: break
            }
            switch current.kind {
            case .apostrophe:
                let t = advance()
                e = Expr(.transpose(e), e.range.union(t.range))
            case .leftParen where !current.precededBySpace:
                // After a transpose a bracket multiplies, as papers write it: `F'(w - b)`.
                if endsWithTranspose(e) { return e }
                guard case .name(let name) = e.kind else {
                    throw fail("only a name can be called", at: current.range,
                               hint: "to multiply, write `*` before `(`")
                }
                let (args, close) = try inside(advance()) { p in
                    (try p.parseArguments(), try p.expect(.rightParen, "`)` to close the call of `\(name)`"))
                }
                e = Expr(.call(Identifier(name, range: e.range), args), e.range.union(close.range))
            case .leftBracket where !current.precededBySpace:
                let (items, close) = try inside(advance()) { p in
                    var items: [IndexItem] = [try p.parseIndexItem()]
                    while try p.matchContinuing(.comma, expecting: .indexItem) {
                        items.append(try p.parseIndexItem())
                    }
                    return (items, try p.expect(.rightBracket, "`]` to close the index"))
                }
                e = Expr(.index(e, items), e.range.union(close.range))
            default:
                return e
            }
        }
    }

    private mutating func parseArguments() throws -> [CallArgument] {
        var args: [CallArgument] = []
        if current.kind == .rightParen { return args }
        while true {
            var label: Identifier?
            if peekKind() == .colon {
                switch current.kind {
                case .identifier(let n): label = Identifier(n, range: advance().range)
                case .keyword(let k): label = Identifier(k.rawValue, range: advance().range)
                default: break
                }
                if label != nil { try skipNewlines(after: advance()) }
            }
            var value = try parseExpression()
            // `rolling 120`: a name applied to a value, without parentheses.
            if case .name(let n) = value.kind, current.precededBySpace, startsImplicitOperand(current.kind) {
                let operand = try parseExpression()
                value = Expr(.apply(Identifier(n, range: value.range), operand), value.range.union(operand.range))
            }
            args.append(CallArgument(label: label, value: value))
            guard try matchContinuing(.comma, expecting: .argument) else { return args }
        }
    }

    private mutating func parseIndexItem() throws -> IndexItem {
        if current.kind == .colon {
            return .all(advance().range)
        }
        let lower = try parseExpression()
        if try matchContinuing(.colon) {
            return .slice(lower, try parseExpression())
        }
        return .single(lower)
    }

    private mutating func parsePrimaryExpression() throws -> Expr {
        let t = current
        switch t.kind {
        case .number(let v): advance(); return Expr(.number(v, .plain), t.range)
        case .percent(let v): advance(); return Expr(.number(v, .percent), t.range)
        case .basisPoints(let v): advance(); return Expr(.number(v, .basisPoints), t.range)
        case .month(let y, let m): advance(); return Expr(.month(year: y, month: m), t.range)
        case .date(let y, let m, let d): advance(); return Expr(.date(year: y, month: m, day: d), t.range)
        case .string(let s): advance(); return Expr(.string(s), t.range)
        case .identifier(let n): advance(); return Expr(.name(n), t.range)
        case .leftParen:
            // The inner expression's range is kept, so that literals keep their own text.
            return try inside(advance()) { p in
                let inner = try p.parseExpression()
                _ = try p.expect(.rightParen, "`)`")
                return inner
            }
        case .bar:
            let (inner, close) = try inside(advance()) { p in
                (try p.parseExpression(), try p.expect(.bar, "`|` to close the absolute value"))
            }
            return Expr(.absoluteValue(inner), t.range.union(close.range))
        case .leftBracket:
            return try inside(advance()) { p in try p.parseMatrixLiteral(open: t.range) }
        default:
            throw fail("expected an expression, found \(t.kind.display)")
        }
    }

    private mutating func parseMatrixLiteral(open: SourceRange) throws -> Expr {
        var rows: [[Expr]] = []
        if current.kind == .rightBracket {
            return Expr(.matrix([]), open.union(advance().range))
        }
        var row: [Expr] = []
        while true {
            row.append(try parseExpression())
            if try matchContinuing(.comma) { continue }
            if try matchContinuing(.semicolon) {
                rows.append(row)
                row = []
                continue
            }
            break
        }
        rows.append(row)
        let close = try expect(.rightBracket, "`]` to close the matrix",
                               hint: "separate elements with `,` and rows with `;`")
        if let width = rows.first?.count, let bad = rows.first(where: { $0.count != width }) {
            report("matrix rows have different lengths (\(width) and \(bad.count))",
                   at: open.union(close.range))
        }
        return Expr(.matrix(rows), open.union(close.range))
    }
}
