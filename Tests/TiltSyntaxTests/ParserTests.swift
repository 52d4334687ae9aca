import Testing
@testable import TiltSyntax

/// Parses and prints back in canonical form; fails the test on any diagnostic.
private func roundTrip(_ text: String) -> String {
    let file = SourceFile(name: "t", text: text)
    let (program, diagnostics) = Parser.parse(file)
    #expect(diagnostics.isEmpty, "\(DiagnosticList(file: file, diagnostics: diagnostics).rendered())")
    return Formatter.format(program)
}

private func errors(_ text: String) -> [Diagnostic] {
    Parser.parse(SourceFile(name: "t", text: text)).diagnostics
}

/// Comments inside a multi-line statement move to the line after it, and no blank line appears where the
/// program had none (a second `tilt fmt` changes nothing).
@Test func commentsMovedOutOfAStatementAddNoBlankLine() {
    let text = "let b = [1, 2; # inside\n         3, 4]\nlet c = b\nmaximize mu'f s.t. tev <= 3%, # first\n    w <= 20%\nrebalance monthly\n\nlet d = 1\n"
    let formatted = "let b = [1, 2; 3, 4]\n# inside\nlet c = b\nmaximize mu'f s.t. tev <= 3%, w <= 20%\n# first\nrebalance monthly\n\nlet d = 1\n"
    #expect(roundTrip(text) == formatted)
    #expect(roundTrip(formatted) == formatted)
}

@Test func designCardLineParses() {
    let text = "universe crsp; benchmark mktcap; maximize mu'f s.t. tev <= 6%; rebalance monthly"
    #expect(roundTrip(text) == "universe crsp\nbenchmark mktcap\nmaximize mu'f s.t. tev <= 6%\nrebalance monthly\n")
}

@Test func transposeMakesImplicitProducts() {
    let file = SourceFile(name: "t", text: "x'S x")
    let (program, _) = Parser.parse(file)
    guard case .expression(let e) = program.statements.first?.kind,
          case .binary(.multiply, let lhs, let rhs, _, true) = e.kind,
          case .binary(.multiply, let xt, let s, _, true) = lhs.kind else {
        Issue.record("not ((x' S) x)"); return
    }
    #expect(xt.kind == .transpose(Expr(.name("x"), SourceRange(start: 0, end: 1))))
    #expect(s.kind == .name("S"))
    #expect(rhs.kind == .name("x"))
    #expect(roundTrip("x'S x") == "x'S x\n")
    #expect(roundTrip("maximize mu'f - gamma*risk") == "maximize mu'f - gamma * risk\n")
}

@Test func precedenceAndMinimalParentheses() {
    #expect(roundTrip("let a = (1 + 2) * 3 - -x^2") == "let a = (1 + 2) * 3 - -x^2\n")
    #expect(roundTrip("let b = ((a - b) - c)") == "let b = a - b - c\n")
    #expect(roundTrip("let c = a - (b - c)") == "let c = a - (b - c)\n")
    #expect(roundTrip("let d = 2^3^2") == "let d = 2^3^2\n")
    #expect(roundTrip("let e = (c' * M)' / sum(c)") == "let e = (c' * M)' / sum(c)\n")
}

@Test func seedNotebookLines() {
    let text = """
    let M = dummies(sector)
    let W = diag(c) * M * inv(diag(c' * M))
    let B = F * W
    let wb = (c' * M)' / sum(c)
    """
    #expect(roundTrip(text) == text + "\n")
}

@Test func literalsAndIndexing() {
    #expect(roundTrip("let m = [1, 2; 3, 4]\nm[1, :]\nm[1:2, 2]\nF[hml]\nlet r = 1% to 10% by 0.5%") ==
        "let m = [1, 2; 3, 4]\nm[1, :]\nm[1:2, 2]\nF[hml]\nlet r = 1% to 10% by 0.5%\n")
}

@Test func strategyStatements() {
    let text = """
    universe synthetic(stocks: 500, seed: 42, from: 1970-01, to: 2024-12)
    factors "ff6_monthly.csv"
    benchmark read("w.csv")
    model ols(window: rolling 120, from: 1963-07)
    allocate by sector
    costs 10bps
    crisis "GFC" 2007-10 to 2009-03
    gamma in 10 to 100 by 10
    maximize mu'f - gamma * risk s.t. tev <= 6%, w >= 0, |w - b| <= 2%, sector("Finance") <= 25%, |f[hml]| <= 0.2
    rebalance monthly from 1993-12 to 2024-11
    policy parametric(size, value, momentum) utility crra(5)
    """
    #expect(roundTrip(text) == """
    universe synthetic(stocks: 500, seed: 42, from: 1970-01, to: 2024-12)
    factors "ff6_monthly.csv"
    benchmark read("w.csv")
    model ols(window: rolling 120, from: 1963-07)
    allocate by sector
    costs 10bps
    crisis "GFC" 2007-10 to 2009-03
    gamma in 10 to 100 by 10
    maximize mu'f - gamma * risk s.t.
        tev <= 6%,
        w >= 0,
        |w - b| <= 2%,
        sector("Finance") <= 25%,
        |f[hml]| <= 0.2
    rebalance monthly from 1993-12 to 2024-11
    policy parametric(size, value, momentum) utility crra(5)

    """)
}

@Test func linesContinueAfterOperatorsAndConstraintCommas() {
    let text = "solve minimize sumsq(w) +\n  0 s.t.\n  budget: sum(w) == 1,\n  w >= 0\nvar w[3] >= 0"
    #expect(roundTrip(text) == "solve minimize sumsq(w) + 0 s.t. budget: sum(w) == 1, w >= 0\nvar w[3] >= 0\n")
}

@Test func formattingKeepsCommentsAndIsIdempotent() {
    let text = "# Title\n\nlet x = 1   # one\n# about y\nlet y=x+1;let z = 2\n\n\n# end\n"
    let once = roundTrip(text)
    #expect(once == "# Title\n\nlet x = 1  # one\n# about y\nlet y = x + 1\nlet z = 2\n\n# end\n")
    #expect(roundTrip(once) == once)
}

@Test func severalErrorsAreReportedTogether() throws {
    let diags = errors("let = 3\nlet y = 1 + * 2\nlet z = 2 2\nx = 4")
    try #require(diags.count == 4)
    #expect(diags[0].message == "expected a name after `let`, found `=`")
    #expect(diags[1].message == "expected an expression, found `*`")
    #expect(diags[2].message == "expected end of statement, found a number")
    #expect(diags[3].hint == "write `let x = …`, or `==` to compare")
}

@Test func deepNestingIsAnErrorNotACrash() {
    let deep = String(repeating: "(", count: 100_000) + "1" + String(repeating: ")", count: 100_000)
    #expect(errors(deep).first?.message.contains("nested too deeply") == true)
    let powers = Array(repeating: "2", count: 50_000).joined(separator: "^")
    #expect(errors(powers).first?.message.contains("nested too deeply") == true)
    let negations = String(repeating: "-", count: 50_000) + "1"
    #expect(errors(negations).first?.message.contains("nested too deeply") == true)
}

@Test func diagnosticsRenderWithCaretUnderTheSpan() {
    let file = SourceFile(name: "s.tilt", text: "maximize mu'f s.t. tve <= 6%")
    let d = Diagnostic("unknown name `tve`", at: SourceRange(start: 19, end: 22), hint: "did you mean `tev`?")
    #expect(DiagnosticRenderer.render(d, in: file) == """
    s.tilt:1:20: error: unknown name `tve`
      maximize mu'f s.t. tve <= 6%
                         ^~~
    hint: did you mean `tev`?

    """)
    #expect(closestName(to: "tve", among: ["tev", "risk", "mu"]) == "tev")
    #expect(closestName(to: "zzzz", among: ["tev"]) == nil)
    // Another letter case is the likeliest, however far by edit distance (`TEV` is 3 edits from `tev`).
    #expect(closestName(to: "TEV", among: ["tev", "TE", "risk"]) == "tev")
    #expect(closestName(to: "sigma_f", among: ["Sigma_f", "sigma"]) == "Sigma_f")
    // A one-letter name is not "corrected" into another one-letter name.
    #expect(closestName(to: "w", among: ["E", "b", "F"]) == nil)
    #expect(closestName(to: "st", among: ["std"]) == "std")
}

/// Month and date literals are formatted as written: `0999-06` must not lose its zero (`999-06` is a
/// subtraction).
@Test func formattingKeepsMonthAndDateLiteralsAsWritten() {
    #expect(roundTrip("let m = 0999-06") == "let m = 0999-06\n")
    #expect(roundTrip("crisis \"x\" 0002-01 to 0002-11") == "crisis \"x\" 0002-01 to 0002-11\n")
    #expect(roundTrip("let d = 0999-06-01") == "let d = 0999-06-01\n")
}

/// After a transpose a bracket multiplies, as papers write it: `F'(w - b)` is `F' * (w - b)` and
/// `(w - b)'B'Σ_f B (w - b)` a chain of products; a bracket after anything else that is not a name is
/// still not a call.
@Test func aBracketRightAfterATransposeMultiplies() {
    #expect(errors("x'(S + S)x").isEmpty)
    // The canonical layout keeps papers' notation (`x' [1]` keeps its space: `x'[1]` is an index).
    #expect(roundTrip("let e = F'(w - b)") == "let e = F'(w - b)\n")
    #expect(roundTrip("let e = F' (w - b)") == "let e = F'(w - b)\n")
    #expect(roundTrip("let e = x' [1]") == "let e = x' [1]\n")
    #expect(roundTrip("let q = (w - b)'B'Σ_f B (w - b)") == "let q = (w - b)'B'Σ_f B (w - b)\n")
    #expect(errors("let q = (w - b)'B'Σ_f B (w - b)").isEmpty)
    guard case .letBinding(_, let e)? = Parser.parse(SourceFile(name: "t", text: "let e = F'(w - b)")).program.statements.first?.kind,
          case .binary(.multiply, let l, let r, _, let implicit) = e.kind else {
        Issue.record("not a product"); return
    }
    #expect(implicit)
    #expect({ if case .transpose = l.kind { return true }; return false }())
    #expect({ if case .binary(.subtract, _, _, _, _) = r.kind { return true }; return false }())
    let found = errors("let y = (a + b)(c)")
    #expect(found.first?.message == "only a name can be called")
    #expect(found.first?.hint?.contains("write `*` before `(`") == true)
}

/// A signed transpose does not start an implicit product (Grammar/tilt.ebnf): `minimize -mu'f + risk` is an
/// error whose hint says how to write it, at the statement's end and inside brackets alike.
@Test func aSignedTransposeThatDoesNotMultiplySaysHowToWriteIt() {
    for text in ["minimize -mu'f + 20 * risk", "let y = 2 * -a'a", "let y = (-a'a)"] {
        let found = errors(text)
        #expect(found.count == 1, "\(text)")
        #expect(found.first?.hint == "a signed transpose does not start an implicit product: write `-(mu'f)` or `-mu' * f`",
                "\(text)")
    }
    #expect(errors("minimize -(mu'f) + 20 * risk").isEmpty && errors("minimize -mu' * f").isEmpty)
    #expect(errors("let y = 1\nx y").first?.hint == "separate statements with a newline or `;`; to multiply, write `*`")
}

/// `maximise` and `minimise` are `maximize` and `minimize`.
@Test func britishSpellingsOfTheObjectiveAreAccepted() {
    #expect(errors("maximise mu'f s.t. tev <= 6%").isEmpty)
    #expect(roundTrip("solve minimise sumsq(x)") == "solve minimize sumsq(x)\n")
}

@Test func atMostFiftyDiagnosticsAreShownThenHowManyMore() {
    let file = SourceFile(name: "t", text: String(repeating: "let x = @\n", count: 60))
    let diagnostics = Parser.parse(file).diagnostics
    #expect(diagnostics.count == 60, "the lexer's errors are all counted")
    let list = DiagnosticList(file: file, diagnostics: diagnostics)
    let text = list.rendered()
    #expect(text.components(separatedBy: "error:").count - 1 == DiagnosticList.maximumShown)
    // The parser did not look for errors of its own past the lexer's 50.
    #expect(text.hasSuffix("t:50:9: error: unexpected character `@`\n  let x = @\n          ^\n"
                           + "… and 10 more errors, then stopped (there may be more)\n"))
    #expect(list.summary == "at least 60 errors")
    var complete = Array(diagnostics.prefix(51))
    complete[complete.count - 1].searchStopsHere = false
    let one = DiagnosticList(file: file, diagnostics: complete)
    #expect(one.rendered().hasSuffix("… and 1 more error\n") && one.summary == "51 errors")
}

/// The parser stops once 50 errors are known and statements are left: the list says it stopped instead of
/// giving a count it does not know; with exactly 50 at the end of the file nothing was left out.
@Test func aParserThatStopsSaysSo() {
    let file = SourceFile(name: "t", text: String(repeating: "let x = 1 +\n", count: 60))
    let diagnostics = Parser.parse(file).diagnostics
    #expect(diagnostics.count == DiagnosticList.maximumShown && diagnostics.last?.searchStopsHere == true)
    let list = DiagnosticList(file: file, diagnostics: diagnostics)
    #expect(list.rendered().hasSuffix("remove it\n… stopped after 50 errors (there may be more)\n"))
    #expect(list.summary == "at least 50 errors")
    let exact = SourceFile(name: "t", text: String(repeating: "let x = 1 +\n", count: 50))
    let all = DiagnosticList(file: exact, diagnostics: Parser.parse(exact).diagnostics)
    #expect(!all.isIncomplete && all.summary == "50 errors" && all.rendered().hasSuffix("remove it\n"))
}

@Test func aLongLineIsShownAsAWindowAroundTheCaret() {
    let left = String(repeating: "a + ", count: 50), right = String(repeating: " + b", count: 50)
    let file = SourceFile(name: "t", text: "let x = \(left)@\(right)\n")
    let d = Diagnostic("unexpected character `@`", at: SourceRange(start: 208, end: 209))
    let lines = DiagnosticRenderer.render(d, in: file).split(separator: "\n").map(String.init)
    #expect(lines[0] == "t:1:209: error: unexpected character `@`")
    let context = DiagnosticRenderer.excerptContext
    #expect(lines[1] == "  …" + String(left.suffix(context)) + "@" + String(right.prefix(context)) + "…")
    // The caret stands under the `@`, counted in characters (the … mark is one).
    #expect(Array(lines[1])[Array(lines[2]).count - 1] == "@")
    #expect(lines[2].last == "^")
    // Near the start of the line only the end is cut; the span's tildes stop at the window's edge.
    let start = DiagnosticRenderer.render(Diagnostic("m", at: SourceRange(start: 4, end: 300)), in: file)
        .split(separator: "\n").map(String.init)
    #expect(start[1] == "  " + String("let x = \(left)@\(right)".prefix(5 + context)) + "…")
    #expect(start[2] == "      ^" + String(repeating: "~", count: context))
}

@Test func controlCharactersAndInvalidBytesArePrintedAsReplacementCharacters() {
    let file = SourceFile(name: "t", bytes: Array("let\u{1B}[2J\tx = ".utf8) + [0xFF, 0x40])
    let d = Diagnostic("unexpected character `@`", at: SourceRange(start: 13, end: 14))
    #expect(DiagnosticRenderer.render(d, in: file) == """
    t:1:14: error: unexpected character `@`
      let\u{FFFD}[2J x = \u{FFFD}@
                   ^

    """)
}

/// The caret and tildes are placed by terminal cells: a CJK character takes two.
@Test func caretsLineUpUnderWideCharacters() {
    let file = SourceFile(name: "t", text: "let s = \"日本語\" + 1\n")
    let plus = Array("let s = \"日本語\" ".utf8).count
    let lines = DiagnosticRenderer.render(Diagnostic("m", at: SourceRange(start: plus, end: plus + 1)), in: file)
        .split(separator: "\n").map(String.init)
    #expect(lines[0] == "t:1:15: error: m")
    #expect(lines[2] == "  " + String(repeating: " ", count: 17) + "^")
    let word = DiagnosticRenderer.render(Diagnostic("m", at: SourceRange(start: 9, end: 18)), in: file)
        .split(separator: "\n").map(String.init)
    #expect(word[2] == "  " + String(repeating: " ", count: 9) + "^~~~~~")
}

/// Inside an open bracket line breaks do not end a statement, so an end of input there is the bracket's
/// fault: the error points at the bracket never closed, not past the last line.
@Test func aBracketNeverClosedIsReportedAtTheBracket() throws {
    for (text, column, bracket) in [("let x = [1,\n\n\n", 9, "["), ("model ols(window:", 10, "("), ("let x = (", 9, "("),
                                    ("let x = sum(|1 +\n", 13, "|"), ("var w[3,\n", 6, "["), ("let y = x[1, \n", 10, "[")] {
        let file = SourceFile(name: "t", text: text)
        let diagnostics = Parser.parse(file).diagnostics
        try #require(diagnostics.count == 1, "\(text): \(diagnostics)")
        #expect(diagnostics[0].message == "`\(bracket)` is never closed", "\(text)")
        #expect(file.location(of: diagnostics[0].range.start) == SourceLocation(line: 1, column: column), "\(text)")
        #expect(diagnostics[0].hint?.hasPrefix("close ") == true)
    }
}

/// An operator, `,` or `:` that ends a line inside brackets, followed by what cannot continue it, is reported
/// at that token with the hint given outside brackets; on its own line, the unexpected token is reported.
@Test func aDanglingOperatorInsideBracketsIsReportedAtTheOperator() throws {
    for (text, column, op) in [("let x = (1 +\nlet y = 2\n", 12, "+"), ("let x = sum(1,\n)\n", 14, ","),
                               ("let x = y[1:\n]\n", 12, ":"), ("let x = [1, 2;\n]\n", 14, ";"),
                               ("let x = f(a: 1,\n  let)\n", 15, ",")] {
        let file = SourceFile(name: "t", text: text)
        let diagnostics = Parser.parse(file).diagnostics
        try #require(diagnostics.count == 1, "\(text): \(diagnostics)")
        #expect(diagnostics[0].message.hasPrefix("expected an expression after `\(op)`, found "), "\(text)")
        #expect(file.location(of: diagnostics[0].range.start) == SourceLocation(line: 1, column: column), "\(text)")
        #expect(diagnostics[0].hint == "the line ends with `\(op)`: write what follows it, or remove it")
    }
    #expect(errors("let x = sum(1, )").first?.message == "expected an expression, found `)`")
    // What can follow does: a reserved word as a label, `:` for a whole row or column.
    _ = roundTrip("universe synthetic(stocks: 5,\n  from: 2000-01)\nlet x = [1, 2; 3, 4]\nlet y = x[1,\n  :]")
}

/// Terminal cells of a rendered line, as a terminal draws these tests' characters: a combining mark takes
/// none, a CJK ideograph two.
private func cells(_ line: String) -> Int {
    line.unicodeScalars.reduce(0) { total, scalar in
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .enclosingMark: return total
        default: return total + ((0x4E00...0x9FFF).contains(scalar.value) ? 2 : 1)
        }
    }
}

/// A combining mark (the accent of e + U+0301) is drawn over the character before it: it takes no cell,
/// so the caret after it stays under its character.
@Test func caretsLineUpAfterCombiningMarks() {
    let text = "let s = \"e\u{301}e\u{301}e\u{301}\" + 1\n"
    let file = SourceFile(name: "t", text: text)
    let plus = Array("let s = \"e\u{301}e\u{301}e\u{301}\" ".utf8).count
    let lines = DiagnosticRenderer.render(Diagnostic("m", at: SourceRange(start: plus, end: plus + 1)), in: file)
        .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    #expect(lines[0] == "t:1:18: error: m")
    #expect(lines[2] == "  " + String(repeating: " ", count: 14) + "^", "the `+` is the 15th cell")
    let word = DiagnosticRenderer.render(Diagnostic("m", at: SourceRange(start: 9, end: plus - 2)), in: file)
        .split(separator: "\n").map(String.init)
    #expect(word[2] == "  " + String(repeating: " ", count: 9) + "^~~", "three accented letters take three cells")
}

/// A long line's window is measured in terminal cells: a line of CJK characters is cut as wide as an
/// ASCII one, and the caret still stands under its character.
@Test func aLongLineOfWideCharactersIsShownAsAWindowOfTheSameWidth() throws {
    let context = DiagnosticRenderer.excerptContext
    for filler in ["abc", "日本語"] {
        let side = String(repeating: filler, count: 40)
        let text = "let s = \"\(side)\" + tve + \"\(side)\"\n"
        let file = SourceFile(name: "t", text: text)
        let start = Array("let s = \"\(side)\" + ".utf8).count
        let lines = DiagnosticRenderer.render(Diagnostic("m", at: SourceRange(start: start, end: start + 3)), in: file)
            .split(separator: "\n").map(String.init)
        try #require(lines.count == 3)
        #expect(lines[1].hasPrefix("  …") && lines[1].hasSuffix("…"), "\(filler): cut at both ends")
        // Two spaces, …, at most `context` cells, the caret's character and `context` more, ….
        #expect(cells(lines[1]) <= 2 + 1 + context + 1 + context + 1 && cells(lines[1]) >= 2 + 1 + 2 * context - 1 + 1,
                "\(filler): \(cells(lines[1])) cells")
        // The caret's cell, counted along the excerpt, falls on `tve`.
        #expect(lines[2].hasSuffix("^~~"))
        let caret = lines[2].count - 3, scalars = Array(lines[1].unicodeScalars)
        var used = 0, index = 0
        while used < caret { used += cells(String(scalars[index])); index += 1 }
        #expect(used == caret && String(String.UnicodeScalarView(scalars[index..<index + 3])) == "tve",
                "\(filler): the caret stands under `tve`")
    }
    // A line that is long in characters but short in cells (mostly combining marks) is shown whole.
    let marked = String(repeating: "e\u{301}", count: 70)
    let file = SourceFile(name: "t", text: "\(marked) x\n")
    let offset = Array("\(marked) ".utf8).count
    let lines = DiagnosticRenderer.render(Diagnostic("m", at: SourceRange(start: offset, end: offset + 1)), in: file)
        .split(separator: "\n").map(String.init)
    #expect(lines[1] == "  \(marked) x" && lines[2] == "  " + String(repeating: " ", count: 71) + "^")
}

/// `solve(tol_feas: 1e-10, …) minimize …`: the solver's options are labelled call arguments, each label and
/// value with its own span; `tilt fmt` writes them as a call's and keeps them through a second round.
@Test func solveOptionsParseWithTheirSpansAndRoundTrip() throws {
    let text = "solve( tol_feas : 1e-10 ,\n  max_iter:500 ) minimize sumsq(w) s.t. sum(w) == 1"
    let file = SourceFile(name: "t", text: text)
    let (program, diagnostics) = Parser.parse(file)
    #expect(diagnostics.isEmpty)
    guard case .solve(.minimize, _, let constraints, let options) = try #require(program.statements.first).kind else {
        Issue.record("not a solve statement"); return
    }
    #expect(constraints.count == 1)
    try #require(options.count == 2)
    #expect(options.map { $0.label?.name } == ["tol_feas", "max_iter"])
    #expect(options.map { $0.label.map { file.text($0.range) } } == ["tol_feas", "max_iter"])
    #expect(options.map { file.text($0.value.range) } == ["1e-10", "500"])
    #expect(options[0].value.kind == .number(1e-10, .plain))
    let formatted = "solve(tol_feas: 1e-10, max_iter: 500) minimize sumsq(w) s.t. sum(w) == 1\n"
    #expect(roundTrip(text) == formatted)
    #expect(roundTrip(formatted) == formatted)
    // Without options, as before; a space before `(` is allowed (`solve` is a keyword, not a name to call).
    #expect(roundTrip("solve minimize x") == "solve minimize x\n")
    #expect(roundTrip("solve (tol_gap: 1%) maximize x") == "solve(tol_gap: 1%) maximize x\n")
}

@Test func solveOptionsThatDoNotParseAreReportedAtTheirToken() throws {
    let unclosed = errors("solve(tol_gap: 1e-9 minimize x")
    try #require(unclosed.count == 1)
    #expect(unclosed[0].message == "expected `)` to close the options of `solve`, found `minimize`")
    #expect(unclosed[0].range == SourceRange(start: 20, end: 28))
    let noSense = errors("solve(tol_gap: 1e-9) x")
    try #require(noSense.count == 1)
    #expect(noSense[0].message == "expected `minimize` or `maximize` after `solve`, found `x`")
    #expect(noSense[0].range == SourceRange(start: 21, end: 22))
}

/// The one diagnostic of `text`, with where it starts (line, column) and its text (`in`).
private func onlyDiagnostic(_ text: String) throws -> (diagnostic: Diagnostic, at: TiltSyntax.SourceLocation, spans: String) {
    let file = SourceFile(name: "t", text: text)
    let diagnostics = Parser.parse(file).diagnostics
    try #require(diagnostics.count == 1, "\(text): \(diagnostics)")
    return (diagnostics[0], file.location(of: diagnostics[0].range.start), file.text(diagnostics[0].range))
}

/// A sweep is a statement of its own (`tev in [2%, 4%]`, then the objective): written inside a constraint it is
/// an error at its `in`, whose hint writes the sweep as a statement with the name and values as written, and
/// the objective without it. Sweeping a strategy's bound (`tev`, `risk`, `turnover`) bounds it in each backtest,
/// in place of a `tev <= …` written among the constraints.
@Test func aSweepInsideAConstraintIsReportedAtItsInWithTheSweepWrittenAsAStatement() throws {
    let file = SourceFile(name: "s.tilt", text: "maximize mu'f s.t. tev in [2%, 4%]")
    let diagnostics = Parser.parse(file).diagnostics
    try #require(diagnostics.count == 1)
    #expect(diagnostics[0].range == SourceRange(start: 23, end: 25))
    #expect(DiagnosticRenderer.render(diagnostics[0], in: file) == """
    s.tilt:1:24: error: a sweep cannot be part of a constraint: `tev in …` is a statement of its own
      maximize mu'f s.t. tev in [2%, 4%]
                             ^~
    hint: write the sweep on a line of its own, `tev in [2%, 4%]`, then the objective without it, `maximize mu'f`: \
    each value bounds `tev` in a backtest of its own, `tev <= 2%` in the first

    """)
    // What the hint writes parses.
    #expect(errors("tev in [2%, 4%]\nmaximize mu'f").isEmpty)

    // Among several constraints, as a range, with British spelling: the other constraints stay, and a
    // `tev <= …` among them is the bound each value replaces.
    let among = try onlyDiagnostic("maximise mu'f s.t. tev <= 6%, tev in 2% to 4% by 1%, |w - b| <= 2%")
    #expect(among.at == SourceLocation(line: 1, column: 35) && among.spans == "in")
    #expect(among.diagnostic.message == "a sweep cannot be part of a constraint: `tev in …` is a statement of its own")
    #expect(among.diagnostic.hint == "write the sweep on a line of its own, `tev in 2% to 4% by 1%`, then the objective without it, "
        + "`maximise mu'f s.t. tev <= 6%, |w - b| <= 2%`: each value bounds `tev` in a backtest of its own, `tev <= 2%` in the first, "
        + "in place of `tev <= 6%`")
    #expect(errors("tev in 2% to 4% by 1%\nmaximise mu'f s.t. tev <= 6%, |w - b| <= 2%").isEmpty)

    // Over several lines and labelled, as `risk` or `turnover`; the statements after it are still read.
    let file2 = SourceFile(name: "t", text: "minimize risk s.t.\n  sum(w) == 1,\n  cap: turnover in\n    [10%, 20%]\nrebalance monthly\nlet x = \n")
    let (program, found) = Parser.parse(file2)
    try #require(found.count == 2, "\(found)")
    #expect(file2.location(of: found[0].range.start) == SourceLocation(line: 3, column: 17))
    #expect(found[0].hint == "write the sweep on a line of its own, `turnover in [10%, 20%]`, then the objective without it, "
        + "`minimize risk s.t. sum(w) == 1`: each value bounds `turnover` in a backtest of its own, `turnover <= 10%` in the first")
    #expect(file2.location(of: found[1].range.start).line == 6, "the error after it is found too")
    #expect(program.statements.count == 1, "`rebalance monthly` is read")

    // A statement too long for a line is not written out; values that cannot be read are `…`.
    let long = "maximize mu'f s.t. tev in [2%, 4%], " + Array(repeating: "|w - b| <= 2%", count: 8).joined(separator: ", ")
    #expect(try onlyDiagnostic(long).diagnostic.hint == "write the sweep on a line of its own, `tev in [2%, 4%]`, then the objective without it: "
        + "each value bounds `tev` in a backtest of its own, `tev <= 2%` in the first")
    #expect(try onlyDiagnostic("maximize mu'f s.t. risk in ]").diagnostic.hint
        == "write the sweep on a line of its own, `risk in …`, then the objective without it: each value bounds `risk` in a backtest of its own")
}

/// A parameter swept inside a constraint (`turnover <= tau in [1%, 3%]`, `s.t. tau in […]`) or the objective:
/// the sweep goes on a line of its own and the constraint stays, with the parameter in it.
@Test func aParameterSweptInsideAnObjectiveSaysWhereTheParameterGoes() throws {
    let kept = try onlyDiagnostic("maximize mu'f s.t. turnover <= tau in [1%, 3%], w <= 20%")
    #expect(kept.at == SourceLocation(line: 1, column: 36) && kept.spans == "in")
    #expect(kept.diagnostic.message == "a sweep cannot be part of a constraint: `tau in …` is a statement of its own")
    #expect(kept.diagnostic.hint == "write the sweep on a line of its own, `tau in [1%, 3%]`, "
        + "then `maximize mu'f s.t. turnover <= tau, w <= 20%`: each value of `tau` runs a backtest of its own")
    #expect(errors("tau in [1%, 3%]\nmaximize mu'f s.t. turnover <= tau, w <= 20%").isEmpty)

    let bare = try onlyDiagnostic("maximize mu'f s.t. tau in [1, 3]")
    #expect(bare.diagnostic.hint == "write the sweep on a line of its own, `tau in [1, 3]`, and use `tau` in the objective or a "
        + "constraint: each value runs a backtest of its own")

    // In the objective, `[1, 5] * risk` is not taken for the values.
    let objective = try onlyDiagnostic("maximize mu'f - gamma in [1, 5] * risk s.t. tev <= 6%")
    #expect(objective.at == SourceLocation(line: 1, column: 23) && objective.spans == "in")
    #expect(objective.diagnostic.message == "a sweep cannot be part of an objective: `gamma in …` is a statement of its own")
    #expect(objective.diagnostic.hint == "write the sweep on a line of its own, `gamma in …`, and use `gamma` in the objective: "
        + "each value runs a backtest of its own")
    #expect(try onlyDiagnostic("minimize risk - gamma in [1, 5]").diagnostic.hint
        == "write the sweep on a line of its own, `gamma in [1, 5]`, and use `gamma` in the objective: each value runs a backtest of its own")

    // Without a name right before `in`, the sweep's name is left to write.
    let unnamed = try onlyDiagnostic("maximize mu'f s.t. tev <= 6% in [2%, 4%]")
    #expect(unnamed.diagnostic.message == "a sweep cannot be part of a constraint: `NAME in VALUES` is a statement of its own")
    #expect(unnamed.diagnostic.hint == "write the sweep on a line of its own as `NAME in [2%, 4%]`, and use NAME in the objective or a "
        + "constraint: each value runs a backtest of its own")
}

/// `solve` solves one problem: a sweep inside it is reported at `in`, with how to bound a variable or solve
/// once per value instead.
@Test func aSweepInsideSolveSaysThatSolveSolvesOnce() throws {
    let between = try onlyDiagnostic("var x\nsolve minimize sumsq(x) s.t. x in [1, 2]")
    #expect(between.at == SourceLocation(line: 2, column: 32) && between.spans == "in")
    #expect(between.diagnostic.message == "a sweep cannot be part of a constraint: `solve` solves one problem, and a sweep (`x in …`) repeats a strategy")
    #expect(between.diagnostic.hint == "to keep `x` between 1 and 2, write `x >= 1, x <= 2`; to solve once per value, bind `x` before each `solve` (`let x = 1`)")
    #expect(errors("var x\nsolve minimize sumsq(x) s.t. x >= 1, x <= 2").isEmpty)

    let parameter = try onlyDiagnostic("solve(tol_gap: 1e-9) maximize sum(w) s.t. w >= 0, sum(w) <= cap in 1 to 3")
    #expect(parameter.at == SourceLocation(line: 1, column: 65) && parameter.spans == "in")
    #expect(parameter.diagnostic.message == "a sweep cannot be part of a constraint: `solve` solves one problem, and a sweep (`cap in …`) repeats a strategy")
    #expect(parameter.diagnostic.hint == "to solve once per value, bind `cap` before each `solve` (`let cap = 1`)")

    let objective = try onlyDiagnostic("solve minimize sumsq(x) + c in [1, 2]")
    #expect(objective.diagnostic.message == "a sweep cannot be part of an objective: `solve` solves one problem, and a sweep (`c in …`) repeats a strategy")
    #expect(objective.diagnostic.hint == "to solve once per value, bind `c` before each `solve` (`let c = 1`)")
}

/// Sweeps written as statements, and `in` where the grammar has it, parse as before.
@Test func sweepsWrittenAsStatementsStillParse() {
    #expect(roundTrip("tev in [2%, 4%]\nmaximize mu'f s.t. tev <= 6%") == "tev in [2%, 4%]\nmaximize mu'f s.t. tev <= 6%\n")
    #expect(roundTrip("gamma in\n  10 to 100 by 10\nmaximize mu'f - gamma * risk") == "gamma in 10 to 100 by 10\nmaximize mu'f - gamma * risk\n")
    #expect(roundTrip("model in [regime(states: 2), ols]") == "model in [regime(states: 2), ols]\n")
    #expect(roundTrip("let x = f(in: 1)") == "let x = f(in: 1)\n")
}

/// `subject to` written for `s.t.` before several constraints: `subject` and `to` are read into the
/// objective (a product and a range), so the parser stops at the first comma; it says there that the
/// constraints follow `s.t.`, and names the word it read as a name. A comma after an objective without
/// such a word says the same without it.
@Test func aCommaAfterTheObjectiveAsksForST() throws {
    let text = "maximize mu'f subject to tev <= 6%, w >= 0"
    let file = SourceFile(name: "t", text: text)
    let found = Parser.parse(file).diagnostics
    let error = try #require(found.first)
    #expect(found.count == 1)
    #expect(error.message == "a comma after the objective: the constraints follow `s.t.`")
    #expect(error.hint == "`subject` is read as a name of the objective; write `s.t.` before the constraints, e.g. `maximize mu'f s.t. tev <= 6%, w >= 0`")
    let comma = try #require(text.firstIndex(of: ","))
    #expect(file.location(of: error.range.start) == SourceLocation(line: 1, column: text.distance(from: text.startIndex, to: comma) + 1))
    let plain = try #require(errors("minimize risk, w >= 0").first)
    #expect(plain.message == "a comma after the objective: the constraints follow `s.t.`")
    #expect(plain.hint == "write `s.t.` before the constraints, e.g. `maximize mu'f s.t. tev <= 6%, w >= 0`")
    // With `s.t.`, the same constraints parse.
    #expect(errors("maximize mu'f s.t. tev <= 6%, w >= 0").isEmpty)
}
