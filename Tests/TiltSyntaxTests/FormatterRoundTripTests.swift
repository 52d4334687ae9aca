import Testing
@testable import TiltSyntax

// Formatting round-trips: for every program the parser accepts, format(p) parses to the same tree (it means
// the same) and format(format(p)) == format(p). Checked over programs written at random from the grammar
// (Grammar/tilt.ebnf), over the corpus (FuzzTests), and at the nesting limit, where a formatter that adds
// parentheses turns a valid program into one the parser rejects.

@Test func everyProgramTheGrammarWritesFormatsToTheSameTree() throws {
    var checked = 0
    for file in GrammarGenerator(grammar: try GrammarCorpus.loadGrammar()).programs(1_000, seed: 0xF0_4A7, tokens: 30) {
        let (program, diagnostics) = Parser.parse(file)
        guard diagnostics.isEmpty else { continue }
        checked += 1
        if let problem = formattingViolation(program, diagnostics) {
            Issue.record("\(problem)\ninput:\n\(String(decoding: file.bytes, as: UTF8.self))")
            return
        }
    }
    #expect(checked >= 300, "only \(checked) written programs parsed")
}

/// Each nesting form, as deep as the parser takes it: the formatted program parses too. `||x||` at depth
/// 200 used to format as `|(|x|)|` …, twice as deep, and `tilt check` rejected the formatted program.
@Test(arguments: [("|", "|"), ("(", ")"), ("[", "]"), ("-", ""), ("2^", ""), ("f(", ")"), ("x[", "]"), ("(x' ", ")"),
                  ("| -", "|"), ("|(", ")|"), ("[|", "|]")])
func theDeepestProgramOfEachNestingFormatsIntoOneThatParses(open: String, close: String) {
    func program(_ depth: Int) -> SourceFile {
        SourceFile(name: "deep", text: "let deep = " + String(repeating: open, count: depth) + "y"
                   + String(repeating: close, count: depth) + "\n")
    }
    // The deepest nesting the parser accepts (somewhere below maximumDepth: each form takes one or more levels).
    guard let depth = (1...(Parser.maximumDepth + 1)).reversed().first(where: { Parser.parse(program($0)).diagnostics.isEmpty }) else {
        Issue.record("no depth of `\(open)…\(close)` parses")
        return
    }
    let (parsed, diagnostics) = Parser.parse(program(depth))
    #expect(formattingViolation(parsed, diagnostics) == nil, "`\(open)…\(close)` nested \(depth) deep")
}

/// A crisis's name is a primary: one written in parentheses keeps them (found by the test above).
@Test func aCrisisNameThatIsNotAPrimaryKeepsItsParentheses() {
    let (program, diagnostics) = Parser.parse(SourceFile(name: "t", text: "crisis (-\"s\" * 2) 2007-10 to 2009-03\n"))
    #expect(diagnostics.isEmpty)
    #expect(Formatter.format(program) == "crisis (-\"s\" * 2) 2007-10 to 2009-03\n")
    #expect(formattingViolation(program, diagnostics) == nil)
}

/// The shapes of nested bars print as they are written.
@Test(arguments: [("||x||", "|x|"), ("||a| - b|", "|a| - b"), ("|a - |b||", "a - |b|"), ("||a| - |b||", "|a| - |b|"),
                  ("|-|x'||", "-|x'|"), ("|x' (|y|)|", "x'(|y|)")])
func nestedBarsNeedNoParentheses(text: String, inner: String) {
    let (program, diagnostics) = Parser.parse(SourceFile(name: "t", text: "let v = \(text)\n"))
    #expect(diagnostics.isEmpty, "\(text)")
    #expect(Formatter.format(program) == "let v = |\(inner)|\n")
    #expect(formattingViolation(program, diagnostics) == nil, "\(text)")
}
