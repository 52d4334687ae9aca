import Testing
@testable import TiltSyntax

// Grammar/tilt.ebnf is kept true by an independent recognizer (GrammarRecognizer.swift) that reads it and
// must agree with the parser: on the examples, on inline programs, on thousands of mutations of them, and
// on programs written at random from the grammar itself (GrammarGenerator.swift).

private func parserAccepts(_ file: SourceFile) -> Bool {
    Parser.parse(file).diagnostics.isEmpty
}

private func rendered(_ file: SourceFile) -> String {
    DiagnosticList(file: file, diagnostics: Parser.parse(file).diagnostics).rendered()
}

@Test func grammarFileIsWellFormedAndMentionsEveryToken() throws {
    let grammar = try GrammarCorpus.loadGrammar()
    #expect(grammar.ruleNames.first == "program")
    #expect(grammar.unreferencedRules.isEmpty, "productions referenced nowhere: \(grammar.unreferencedRules)")
    let unmentioned = GrammarCorpus.tokenTexts.union(EBNFGrammar.tokenClasses).subtracting(grammar.terminals)
    #expect(unmentioned.isEmpty, "tokens the grammar never uses: \(unmentioned.sorted())")
}

@Test func examplesAndInlineProgramsAreAcceptedByParserAndGrammar() throws {
    let recognizer = try GrammarCorpus.recognizer()
    for (name, text) in GrammarCorpus.all() {
        let file = SourceFile(name: name, text: text)
        #expect(parserAccepts(file), "\(name) has diagnostics:\n\(rendered(file))")
        #expect(recognizer.accepts(file), "the grammar rejects \(name)")
    }
}

@Test func everyProductionIsExercised() throws {
    let recognizer = try GrammarCorpus.recognizer()
    var used: Set<String> = []
    for (_, text) in GrammarCorpus.all() {
        used.formUnion(recognizer.derivation(SourceFile(name: "t", text: text)) ?? [])
    }
    let unused = recognizer.grammar.ruleNames.filter { !used.contains($0) }
    #expect(unused.isEmpty, "productions no example or inline program uses: \(unused)")
}

/// The rules that are easy to get wrong, each stated by a program and whether it is valid. Both the
/// parser and the grammar must give the stated answer.
@Test(arguments: [
    ("x'S x", true), ("mu'f", true), ("x' (y)", true), ("x' [1]", true), ("x'2", true), ("x'6%", false),
    ("x'(y)", true), ("x'[1]", true), ("x'[1] y", false), ("-x' y", false), ("x'^2 y", false),
    ("a * b' c", true), ("a * b c", false), ("(x') y", true), ("(x')(y)", true), ("x'S * y z", false),
    ("F'(w - b)", true), ("x'Σ x", true), ("(w - b)'B'Σ_f B (w - b)", true), ("f(x)'(y)", true), ("(a + b)(c)", false),
    ("maximise x", true), ("solve minimise x", true), ("let maximise = 1", false),
    ("solve(tol_gap: 1e-9) minimize x", true), ("solve (tol_gap: 1e-9) minimize x", true), ("solve() minimize x", true),
    ("solve(tol_gap: 1e-9)\n minimize x", false), ("solve(tol_gap: 1e-9", false), ("solve(tol_gap: 1e-9) x", false),
    ("solve minimize(tol_gap: 1e-9) x", false),
    ("f(x)", true), ("f (x)", false), ("(f)(x)", true), ("2(3)", false), ("f(1)(2)", false), ("f(1)[2]", true),
    ("g(rolling 120)", true), ("g(rolling -1)", true), ("g(rolling 6%)", false), ("g(a b c)", false),
    ("g((a)1)", false), ("g((a) 1)", true), ("g(to: 1, s.t.: 2)", true), ("g(1: 2)", false), ("g(1,)", false),
    ("m[:]", true), ("m[:1]", false), ("m[1:2, :]", true), ("m [1]", false),
    ("[1, 2; 3, 4]", true), ("[1, 2; 3]", false), ("[1 2]", false), ("[]", true), ("[1;]", false),
    ("let y = 2000-12", true), ("let y = 2000-13", false), ("let y = 2x", false), ("let y =\n 1", true),
    ("let y = 1 +\n 2", true), ("let y = 1\n + 2", true), ("let y = -\n1", false), ("let y = |1\n|", false),
    ("a <= b <= c", false), ("a = 1", false), ("let to = 1", false), ("1 to 2 to 3", false),
    ("maximize\n x s.t.\n a: \n b,\n c", true), ("maximize x\n s.t. a", false), ("solve\n minimize x", false),
    ("maximize x subject to y", false), ("maximize x' subject to y", true), ("maximize x subject", false),
    ("allocate by\n sector", false),
    ("rebalance monthly from\n 1990-01", true), ("crisis f(1)", true), ("crisis \"x\"", false),
    ("var w[3] >=\n 0", true), ("var w [3]", true), ("var w == 1", false), ("x in\n 1 to 2", true),
    ("maximize x s.t. t in [1, 2]", false), ("maximize x s.t. a <= t in 1 to 2", false), ("maximize x - t in [1]", false),
    ("solve minimize x s.t. x in [1, 2]", false), ("t in [1, 2]\nmaximize x s.t. a <= t", true),
    ("policy p utility u", true), ("utility u", false), ("experiment", false), ("s.t. x", false),
    (";;\n;", true), ("", true), ("x # comment", true), ("\"bad \\q escape\"", false),
] as [(String, Bool)])
func parserAndGrammarAgreeOnTheTrickyRules(_ text: String, _ valid: Bool) throws {
    let file = SourceFile(name: "t", text: text)
    let recognizer = try GrammarCorpus.recognizer()
    #expect(parserAccepts(file) == valid, "parser on \(text.debugDescription):\n\(rendered(file))")
    #expect((recognizer.accepts(file)) == valid, "grammar on \(text.debugDescription)")
}

/// Differential test: on random token-level mutations of the corpus the grammar accepts exactly when the
/// parser accepts without a diagnostic.
@Test func grammarAndParserAgreeOnMutatedPrograms() throws {
    let recognizer = try GrammarCorpus.recognizer()
    let corpus = GrammarCorpus.all()
    let mutationsPerProgram = max(500, 4_000 / corpus.count)
    var rng = SeededGenerator(seed: 0x7117)
    var accepted = 0, total = 0
    for (name, text) in corpus {
        for _ in 0..<mutationsPerProgram {
            let mutated = TokenMutator.mutate(Array(text.utf8), using: &rng)
            let file = SourceFile(name: "mutation of \(name)", bytes: mutated)
            let byParser = parserAccepts(file)
            let byGrammar = recognizer.accepts(file)
            total += 1
            if byParser { accepted += 1 }
            guard byParser == byGrammar else {
                Issue.record("""
                    parser \(byParser ? "accepts" : "rejects") but grammar \(byGrammar ? "accepts" : "rejects") \
                    this mutation of \(name):
                    \(String(decoding: mutated, as: UTF8.self))
                    \(rendered(file))
                    """)
                return
            }
        }
    }
    // Enough mutations must stay valid for the "grammar accepts" direction to be tested.
    #expect(accepted * 20 >= total, "only \(accepted) of \(total) mutations were valid")
}

/// The other direction: every program the grammar derives (written at random from it) parses.
@Test func everyProgramTheGrammarWritesParses() throws {
    let recognizer = try GrammarCorpus.recognizer()
    var checked = 0
    for file in GrammarGenerator(grammar: recognizer.grammar).programs(2_000, seed: 0x6E4, tokens: 25) {
        // The writer ignores lookaheads and the matrix side condition; keep what the grammar accepts.
        guard recognizer.accepts(file) else { continue }
        checked += 1
        guard parserAccepts(file) else {
            Issue.record("the grammar derives this program but the parser rejects it:\n\(rendered(file))")
            return
        }
    }
    #expect(checked >= 600, "only \(checked) written programs were accepted by the grammar")
}
