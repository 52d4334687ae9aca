import Testing
@testable import TiltSyntax

// Random mutations of the examples and inline programs (GrammarCorpus) through the parser and the
// formatter: nothing may crash, every diagnostic must point inside the input, and every accepted program
// must format idempotently and re-parse to the same tree.

/// The syntax tree as text without source ranges: two programs print the same iff their trees are equal
/// modulo ranges.
enum TreeStructure {
    static func of(_ program: Program) -> String {
        program.statements.map(statement).joined(separator: "\n")
    }

    static func statement(_ s: Stmt) -> String {
        switch s.kind {
        case .letBinding(let name, let value): return "(let \(name.name) \(expr(value)))"
        case .variable(let name, let dims, let bound):
            let b = bound.map { " \($0.op.rawValue) \(expr($0.value))" } ?? ""
            return "(var \(name.name) [\(list(dims))]\(b))"
        case .solve(let sense, let objective, let constraints, let options):
            let written = options.map { ($0.label.map { $0.name + ":" } ?? "") + expr($0.value) }.joined(separator: " ")
            return "(solve (\(written)) \(sense.rawValue) \(expr(objective)) \(constraints.map(constraint).joined(separator: " ")))"
        case .objective(let sense, let objective, let constraints):
            return "(\(sense.rawValue) \(expr(objective)) \(constraints.map(constraint).joined(separator: " ")))"
        case .universe(let e): return "(universe \(expr(e)))"
        case .factors(let e): return "(factors \(expr(e)))"
        case .benchmark(let e): return "(benchmark \(expr(e)))"
        case .model(let e): return "(model \(expr(e)))"
        case .costs(let e): return "(costs \(expr(e)))"
        case .print(let e): return "(print \(expr(e)))"
        case .experiment(let e): return "(experiment \(expr(e)))"
        case .at(let e): return "(at \(expr(e)))"
        case .policy(let p, let utility): return "(policy \(expr(p)) \(utility.map(expr) ?? "-"))"
        case .allocate(let by): return "(allocate \(by.name))"
        case .rebalance(let frequency, let window): return "(rebalance \(frequency.name) \(window.map(expr) ?? "-"))"
        case .crisis(let name, let window): return "(crisis \(expr(name)) \(expr(window)))"
        case .sweep(let name, let values): return "(sweep \(name.name) \(expr(values)))"
        case .expression(let e): return expr(e)
        }
    }

    /// The expressions a statement holds directly.
    static func expressions(of s: Stmt) -> [Expr] {
        switch s.kind {
        case .letBinding(_, let e), .universe(let e), .factors(let e), .benchmark(let e), .model(let e),
             .costs(let e), .print(let e), .sweep(_, let e), .experiment(let e), .at(let e), .expression(let e):
            return [e]
        case .variable(_, let dims, let bound): return dims + (bound.map { [$0.value] } ?? [])
        case .solve(_, let objective, let constraints, let options):
            return options.map(\.value) + [objective] + constraints.map(\.expr)
        case .objective(_, let objective, let constraints):
            return [objective] + constraints.map(\.expr)
        case .policy(let p, let utility): return [p] + (utility.map { [$0] } ?? [])
        case .allocate: return []
        case .rebalance(_, let window): return window.map { [$0] } ?? []
        case .crisis(let name, let window): return [name, window]
        }
    }

    /// `e` and every expression inside it.
    static func subexpressions(_ e: Expr) -> [Expr] {
        let children: [Expr]
        switch e.kind {
        case .number, .month, .date, .string, .name: children = []
        case .unary(_, let x), .transpose(let x), .absoluteValue(let x), .apply(_, let x): children = [x]
        case .binary(_, let l, let r, _, _): children = [l, r]
        case .call(_, let args): children = args.map(\.value)
        case .index(let x, let items):
            children = [x] + items.flatMap { item -> [Expr] in
                switch item {
                case .all: return []
                case .single(let a): return [a]
                case .slice(let a, let b): return [a, b]
                }
            }
        case .matrix(let rows): children = Array(rows.joined())
        case .range(let lo, let hi, let step): children = [lo, hi] + (step.map { [$0] } ?? [])
        }
        return [e] + children.flatMap(subexpressions)
    }

    static func expr(_ e: Expr) -> String {
        switch e.kind {
        case .number(let v, let style): return "\(v)\(style == .plain ? "" : "/\(style)")"
        case .month(let y, let m): return "month(\(y),\(m))"
        case .date(let y, let m, let d): return "date(\(y),\(m),\(d))"
        case .string(let s): return s.debugDescription
        case .name(let n): return n
        case .unary(let op, let x): return "(\(op.rawValue) \(expr(x)))"
        case .binary(let op, let l, let r, _, let implicit):
            return "(\(op.rawValue)\(implicit ? "implicit" : "") \(expr(l)) \(expr(r)))"
        case .transpose(let x): return "(' \(expr(x)))"
        case .call(let f, let args):
            let printed = args.map { ($0.label.map { $0.name + ":" } ?? "") + expr($0.value) }
            return "(call \(f.name) \(printed.joined(separator: " ")))"
        case .index(let x, let items): return "(index \(expr(x)) \(items.map(indexItem).joined(separator: " ")))"
        case .matrix(let rows): return "(matrix \(rows.map { "[\(list($0))]" }.joined(separator: " ")))"
        case .absoluteValue(let x): return "(abs \(expr(x)))"
        case .range(let lo, let hi, let step): return "(to \(expr(lo)) \(expr(hi)) \(step.map(expr) ?? "-"))"
        case .apply(let f, let x): return "(apply \(f.name) \(expr(x)))"
        }
    }

    private static func list(_ es: [Expr]) -> String { es.map(expr).joined(separator: " ") }

    private static func constraint(_ c: Constraint) -> String {
        (c.label.map { $0.name + ":" } ?? "") + expr(c.expr)
    }

    private static func indexItem(_ item: IndexItem) -> String {
        switch item {
        case .all: return ":"
        case .single(let e): return expr(e)
        case .slice(let a, let b): return "(: \(expr(a)) \(expr(b)))"
        }
    }
}

/// Byte-level and structural damage, on top of `TokenMutator`'s token edits.
private enum ByteMutator {
    static func randomBytes(_ text: [UInt8], using rng: inout SeededGenerator) -> [UInt8] {
        var bytes = text
        for _ in 0..<Int.random(in: 1...4, using: &rng) {
            let byte = UInt8.random(in: 0...255, using: &rng)
            let at = Int.random(in: 0...bytes.count, using: &rng)
            if at < bytes.count, Bool.random(using: &rng) { bytes[at] = byte } else { bytes.insert(byte, at: at) }
        }
        return bytes
    }

    static func truncated(_ text: [UInt8], using rng: inout SeededGenerator) -> [UInt8] {
        Array(text.prefix(Int.random(in: 0...text.count, using: &rng)))
    }

    /// A statement nested up to a little past `Parser.maximumDepth`, each level one of the nesting forms.
    static func deeplyNested(using rng: inout SeededGenerator) -> [UInt8] {
        let forms: [(open: String, close: String)] = [
            ("(", ")"), ("[", "]"), ("|", "|"), ("-", ""), ("2^", ""), ("f(", ")"), ("f(a: ", ")"),
            ("x[", "]"), ("x[1:", "]"), ("[1, ", "; 2, 3]"), ("g(rolling ", ")"), ("(x' ", ")"),
        ]
        var open = "", close = ""
        for _ in 0..<Int.random(in: 1...(Parser.maximumDepth + 20), using: &rng) {
            let form = forms.randomElement(using: &rng)!
            open += form.open
            close = form.close + close
        }
        return Array("let deep = \(open)1\(close)\n".utf8)
    }
}

/// Parses `bytes` and checks the fuzz properties; returns a description of the first violation.
private func violation(in bytes: [UInt8]) -> String? {
    let (program, diagnostics) = Parser.parse(SourceFile(name: "fuzz", bytes: bytes))
    return formattingViolation(program, diagnostics)
}

/// The formatting properties of a parsed program: its diagnostics point inside it, and when it parsed,
/// its formatted text parses to the same tree and formats to itself. A description of the first violation.
func formattingViolation(_ program: Program, _ diagnostics: [Diagnostic]) -> String? {
    let file = program.file, bytes = file.bytes
    for d in diagnostics {
        guard 0 <= d.range.start, d.range.start <= d.range.end, d.range.end <= bytes.count else {
            return "diagnostic `\(d.message)` at \(d.range.start)..<\(d.range.end) is outside the "
                + "\(bytes.count)-byte input"
        }
        _ = DiagnosticRenderer.render(d, in: file)
    }
    guard diagnostics.isEmpty else { return nil }
    let formatted = Formatter.format(program)
    let reparsedFile = SourceFile(name: "formatted", text: formatted)
    let (reparsed, reparseDiagnostics) = Parser.parse(reparsedFile)
    guard reparseDiagnostics.isEmpty else {
        return "the formatted program does not parse:\n\(formatted)\n"
            + DiagnosticList(file: reparsedFile, diagnostics: reparseDiagnostics).rendered()
    }
    let before = TreeStructure.of(program), after = TreeStructure.of(reparsed)
    guard before == after else {
        return "formatting changed the tree:\n\(formatted)\nbefore: \(before)\nafter:  \(after)"
    }
    let again = Formatter.format(reparsed)
    guard again == formatted else {
        return "formatting is not idempotent:\nonce:\n\(formatted)\ntwice:\n\(again)"
    }
    return nil
}

@Test func parserAndFormatterSurviveRandomMutations() {
    let corpus = GrammarCorpus.all().map { Array($0.text.utf8) }
    var rng = SeededGenerator(seed: 0xF022)
    var failures: [String] = []
    for round in 0..<6_000 where failures.count < 3 {
        let seed = corpus[round % corpus.count]
        let input: [UInt8]
        switch round % 10 {
        case 0..<5: input = TokenMutator.mutate(seed, using: &rng)
        case 5, 6: input = ByteMutator.randomBytes(seed, using: &rng)
        case 7, 8: input = ByteMutator.truncated(seed, using: &rng)
        default: input = ByteMutator.deeplyNested(using: &rng)
        }
        if let problem = violation(in: input) {
            failures.append("\(problem)\ninput:\n\(String(decoding: input, as: UTF8.self))")
        }
    }
    for failure in failures { Issue.record("\(failure)") }
}

@Test func corpusProgramsFormatIdempotently() {
    for (name, text) in GrammarCorpus.all() {
        #expect(violation(in: Array(text.utf8)) == nil, "\(name)")
    }
}

/// Inputs that once broke formatting: an implicit product before `(`/`[` printed without its space (an
/// index or a call instead), an applied name's operand without its parentheses, a parenthesised literal
/// printed from its source with the comment inside.
@Test(arguments: ["x' [1, 2]", "x' (y + 1)", "g(rolling (-1))", "g(rolling (|x|))", "g(rolling (1994-01))",
                  "let x = (1 # one\n)"])
func formatterRegressions(_ text: String) {
    let (program, diagnostics) = Parser.parse(SourceFile(name: "t", text: text))
    #expect(diagnostics.isEmpty)
    #expect(program.statements.count == 1)
    #expect(formattingViolation(program, diagnostics) == nil, "\(text)")
}

/// Operator chains build trees as deep as they are long, and every pass after the parser is recursive:
/// the parser bounds the tree's depth, so a long chain is a clean error, not a stack overflow.
@Test func longOperatorChainsAreBoundedNotOverflowing() {
    let long = "let y = " + Array(repeating: "a", count: 10_000).joined(separator: " + ")
    let (_, longDiagnostics) = Parser.parse(SourceFile(name: "t", text: long))
    #expect(longDiagnostics.first?.message == "expression is too long (more than \(Parser.maximumTreeDepth) operators in a chain)")
    let fine = "let y = " + Array(repeating: "a", count: 900).joined(separator: " + ")
    let (program, diagnostics) = Parser.parse(SourceFile(name: "t", text: fine))
    #expect(diagnostics.isEmpty)
    #expect(Formatter.format(program).hasPrefix("let y = a + a"))
    for chain in ["x" + String(repeating: "'", count: 5_000), "x" + String(repeating: "[1]", count: 5_000)] {
        #expect(Parser.parse(SourceFile(name: "t", text: chain)).diagnostics.first?.message.contains("too long") == true)
    }
}
