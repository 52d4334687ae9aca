import TiltSyntax

/// Writes random programs from an `EBNFGrammar`: the other direction of the differential test (every
/// program the grammar derives must parse). Lookaheads are not enforced while writing; callers keep only
/// the programs the recognizer accepts.
struct GrammarGenerator {
    let grammar: EBNFGrammar
    /// Sample text for each token class.
    static let samples: [String: [String]] = [
        "NUMBER": ["1", "2.5", "1e-3", "42"], "PERCENT": ["6%", "0.5%"], "BPS": ["25bps"],
        "MONTH": ["1994-01", "2024-12"], "DATE": ["2024-12-31"], "STRING": ["\"s\"", "\"ff6.csv\""],
        "IDENT": ["x", "w", "mu", "gamma", "θ"], "NEWLINE": ["\n"],
    ]
    /// Fewest tokens each production can produce; beyond the depth budget the writer takes the shortest way.
    private let shortest: [Int]

    init(grammar: EBNFGrammar) {
        self.grammar = grammar
        var shortest = [Int](repeating: Int.max / 4, count: grammar.bodies.count)
        var changed = true
        while changed {
            changed = false
            for r in grammar.bodies.indices {
                let n = Self.shortestLength(grammar.bodies[r], shortest)
                if n < shortest[r] { shortest[r] = n; changed = true }
            }
        }
        self.shortest = shortest
    }

    private static func shortestLength(_ node: GrammarNode, _ rules: [Int]) -> Int {
        switch node {
        case .terminal: return 1
        case .rule(let r): return rules[r]
        case .sequence(let items): return items.reduce(0) { $0 + shortestLength($1, rules) }
        case .choice(let alternatives): return alternatives.map { shortestLength($0, rules) }.min() ?? 0
        case .optional, .repetition, .lookahead, .spacing: return 0
        }
    }

    /// A random text derived from production `rule`, of about `tokens` tokens: once that many are
    /// written (or productions nest `depth` deep) the writer takes the shortest way to finish.
    func text(of rule: String, tokens: Int, depth: Int, using rng: inout SeededGenerator) -> String {
        guard let r = grammar.ruleNames.firstIndex(of: rule) else { return "" }
        var state = WriterState(budget: tokens)
        write(.rule(r), depth: depth, into: &state, using: &rng)
        return state.text
    }

    /// `count` programs of three statements each, written at random from `seed`, joined by line breaks or
    /// `;` (not all derivable: the writer ignores lookaheads and the matrix side condition).
    func programs(_ count: Int, seed: UInt64, tokens: Int) -> [SourceFile] {
        var rng = SeededGenerator(seed: seed)
        return (0..<count).map { _ in
            let statements = (0..<3).map { _ in text(of: "statement", tokens: tokens, depth: 40, using: &rng) }
            let separator = Bool.random(using: &rng) ? "\n" : "; "
            return SourceFile(name: "written", text: statements.joined(separator: separator))
        }
    }

    private struct WriterState {
        var budget: Int
        var text = ""
        /// The next token must follow the previous one without a space (after NOSPACE)…
        var glue = false
        /// …or after a space (after SPACE).
        var spaced = false
    }

    private func write(_ node: GrammarNode, depth: Int, into state: inout WriterState,
                       using rng: inout SeededGenerator) {
        let free = depth > 0 && state.budget > 0
        switch node {
        case .terminal(let t):
            let name = grammar.terminals[t]
            let text = Self.samples[name]?.randomElement(using: &rng) ?? name
            // Where the grammar says nothing about spacing, a token is sometimes glued to the previous one.
            if !state.text.isEmpty, !state.glue, text != "\n", state.spaced || Int.random(in: 0..<3, using: &rng) > 0 {
                state.text += " "
            }
            state.text += text
            state.glue = false
            state.spaced = false
            state.budget -= 1
        case .spacing(let spaced):
            state.glue = !spaced
            state.spaced = spaced
        case .lookahead:
            break
        case .rule(let r):
            write(grammar.bodies[r], depth: depth - 1, into: &state, using: &rng)
        case .sequence(let items):
            for item in items { write(item, depth: depth, into: &state, using: &rng) }
        case .choice(let alternatives):
            let pick = free ? alternatives.randomElement(using: &rng)!
                : alternatives.min { Self.shortestLength($0, shortest) < Self.shortestLength($1, shortest) }!
            write(pick, depth: depth, into: &state, using: &rng)
        case .optional(let x):
            if free, Bool.random(using: &rng) { write(x, depth: depth, into: &state, using: &rng) }
        case .repetition(let x):
            for _ in 0..<(free ? Int.random(in: 0...2, using: &rng) : 0) {
                write(x, depth: depth, into: &state, using: &rng)
            }
        }
    }
}
