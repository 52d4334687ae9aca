@testable import TiltSyntax

/// An exhaustive backtracking recognizer for an `EBNFGrammar` over the tokens `Lexer.tokenize` emits.
/// It explores every alternative (memoising, per production and position, the set of positions where the
/// production can end), so it accepts a token stream iff some derivation exists: it shares no decision
/// with the parser's greedy, one-token-lookahead choices. That independence is the point of the check.
struct GrammarRecognizer {
    /// A check the grammar states in a comment but EBNF cannot express, applied whenever the named
    /// production matches a span of tokens.
    typealias SideCondition = @Sendable (_ tokens: [Token], _ span: Range<Int>) -> Bool

    let grammar: EBNFGrammar
    let sideConditions: [Int: SideCondition]
    /// Per production: whether it can match no token, and which terminals can begin it. Only used to
    /// skip productions that cannot start at a position; acceptance does not depend on them.
    private let nullable: [Bool]
    private let first: [[Bool]]

    init(grammar: EBNFGrammar, sideConditions: [String: SideCondition] = [:]) {
        self.grammar = grammar
        var byID: [Int: SideCondition] = [:]
        for (name, condition) in sideConditions {
            if let id = grammar.ruleNames.firstIndex(of: name) { byID[id] = condition }
        }
        self.sideConditions = byID
        (nullable, first) = Self.startSets(grammar)
    }

    /// Nullable flags and FIRST sets of every production, by fixed-point iteration.
    private static func startSets(_ grammar: EBNFGrammar) -> ([Bool], [[Bool]]) {
        var nullable = [Bool](repeating: false, count: grammar.bodies.count)
        var first = [[Bool]](repeating: [Bool](repeating: false, count: grammar.terminals.count),
                             count: grammar.bodies.count)
        /// Adds the terminals that can begin `node` to `set`; returns whether `node` can match nothing.
        func visit(_ node: GrammarNode, into set: inout [Bool]) -> Bool {
            switch node {
            case .terminal(let t): set[t] = true; return false
            case .rule(let r):
                for t in first[r].indices where first[r][t] { set[t] = true }
                return nullable[r]
            case .sequence(let items):
                for item in items where !visit(item, into: &set) { return false }
                return true
            case .choice(let alternatives):
                return alternatives.map { visit($0, into: &set) }.contains(true)
            case .optional(let x), .repetition(let x):
                _ = visit(x, into: &set)
                return true
            case .lookahead, .spacing:
                return true
            }
        }
        var changed = true
        while changed {
            changed = false
            for r in grammar.bodies.indices {
                var set = first[r]
                let empty = visit(grammar.bodies[r], into: &set)
                if set != first[r] || empty != nullable[r] {
                    first[r] = set
                    nullable[r] = empty
                    changed = true
                }
            }
        }
        return (nullable, first)
    }

    /// The grammar symbol a token stands for: `IDENT`, `NUMBER`, …, a keyword's or punctuation's text;
    /// nil for end of input and invalid bytes.
    static func symbol(of kind: TokenKind) -> String? {
        switch kind {
        case .number: return "NUMBER"
        case .percent: return "PERCENT"
        case .basisPoints: return "BPS"
        case .month: return "MONTH"
        case .date: return "DATE"
        case .string: return "STRING"
        case .identifier: return "IDENT"
        case .newline: return "NEWLINE"
        case .keyword(let k): return k.rawValue
        case .endOfFile, .invalid: return nil
        default: return TokenKind.punctuationText[kind]
        }
    }

    /// Whether the grammar derives the tokens of `file` (a file with a lexical diagnostic is rejected, as
    /// the grammar's header says).
    func accepts(_ file: SourceFile) -> Bool {
        guard var run = run(file) else { return false }
        return run.accepts()
    }

    /// The productions on one derivation of `file`, or nil when the grammar rejects it.
    func derivation(_ file: SourceFile) -> Set<String>? {
        guard var run = run(file), run.accepts() else { return nil }
        return run.productionsOnADerivation()
    }

    private func run(_ file: SourceFile) -> Run? {
        let lexed = Lexer.tokenize(file)
        return lexed.diagnostics.isEmpty ? Run(recognizer: self, tokens: lexed.tokens) : nil
    }

    private struct Run {
        let recognizer: GrammarRecognizer
        let tokens: [Token]
        /// Terminal index per token (-1: matches nothing); the end-of-file token is not included.
        let symbols: [Int]
        /// Per (production, position): the positions where the production can end, once known.
        var memo: [[Int]?]
        var inProgress: [Bool]

        init(recognizer: GrammarRecognizer, tokens: [Token]) {
            self.recognizer = recognizer
            self.tokens = tokens
            symbols = tokens.dropLast().map { token in
                GrammarRecognizer.symbol(of: token.kind).flatMap { recognizer.grammar.terminalIDs[$0] } ?? -1
            }
            memo = Array(repeating: nil, count: recognizer.grammar.bodies.count * tokens.count)
            inProgress = Array(repeating: false, count: memo.count)
        }

        mutating func accepts() -> Bool {
            ends(.rule(0), 0).contains(symbols.count)
        }

        /// Call only after `accepts()` returned true.
        mutating func productionsOnADerivation() -> Set<String> {
            var used: Set<String> = []
            let derived = derive(.rule(0), from: 0, to: symbols.count, used: &used)
            precondition(derived, "a recognised span always has a derivation")
            return used
        }

        /// Every position where `node` can end when it starts at `position`, ascending.
        mutating func ends(_ node: GrammarNode, _ position: Int) -> [Int] {
            switch node {
            case .terminal(let t):
                return position < symbols.count && symbols[position] == t ? [position + 1] : []
            case .spacing(let spaced):
                return tokens[position].precededBySpace == spaced ? [position] : []
            case .lookahead(let x):
                return ends(x, position).isEmpty ? [] : [position]
            case .optional(let x):
                return Self.union([position], ends(x, position))
            case .choice(let alternatives):
                var result: [Int] = []
                for a in alternatives { result = Self.union(result, ends(a, position)) }
                return result
            case .sequence(let items):
                var current = [position]
                for item in items {
                    var next: [Int] = []
                    for p in current { next = Self.union(next, ends(item, p)) }
                    current = next
                    if current.isEmpty { break }
                }
                return current
            case .repetition(let x):
                var result = [position], frontier = [position]
                while !frontier.isEmpty {
                    var next: [Int] = []
                    for p in frontier { next = Self.union(next, ends(x, p)) }
                    frontier = next.filter { !result.contains($0) }
                    result = Self.union(result, frontier)
                }
                return result
            case .rule(let r):
                if !recognizer.nullable[r] {
                    guard position < symbols.count, symbols[position] >= 0,
                          recognizer.first[r][symbols[position]] else { return [] }
                }
                let key = r * tokens.count + position
                if let known = memo[key] { return known }
                precondition(!inProgress[key], "left recursion through `\(recognizer.grammar.ruleNames[r])`")
                inProgress[key] = true
                var result = ends(recognizer.grammar.bodies[r], position)
                if let condition = recognizer.sideConditions[r] {
                    result = result.filter { condition(tokens, position..<$0) }
                }
                inProgress[key] = false
                memo[key] = result
                return result
            }
        }

        /// Finds one derivation of `node` spanning exactly `start..<end` (known to exist) and records the
        /// productions on it.
        mutating func derive(_ node: GrammarNode, from start: Int, to end: Int, used: inout Set<String>) -> Bool {
            switch node {
            case .terminal, .spacing, .lookahead:
                return true
            case .optional(let x):
                return start == end || derive(x, from: start, to: end, used: &used)
            case .choice(let alternatives):
                guard let a = alternatives.first(where: { ends($0, start).contains(end) }) else { return false }
                return derive(a, from: start, to: end, used: &used)
            case .sequence(let items):
                guard let first = items.first else { return start == end }
                let rest = GrammarNode.sequence(Array(items.dropFirst()))
                for middle in ends(first, start) where ends(rest, middle).contains(end) {
                    return derive(first, from: start, to: middle, used: &used)
                        && derive(rest, from: middle, to: end, used: &used)
                }
                return false
            case .repetition(let x):
                if start == end { return true }
                for middle in ends(x, start) where middle > start && ends(node, middle).contains(end) {
                    return derive(x, from: start, to: middle, used: &used)
                        && derive(node, from: middle, to: end, used: &used)
                }
                return false
            case .rule(let r):
                used.insert(recognizer.grammar.ruleNames[r])
                return derive(recognizer.grammar.bodies[r], from: start, to: end, used: &used)
            }
        }

        /// Merges two ascending position lists without duplicates.
        private static func union(_ a: [Int], _ b: [Int]) -> [Int] {
            if a.isEmpty || a == b { return b }
            if b.isEmpty { return a }
            var merged: [Int] = []
            merged.reserveCapacity(a.count + b.count)
            var i = 0, j = 0
            while i < a.count || j < b.count {
                let next = j == b.count || (i < a.count && a[i] <= b[j]) ? a[i] : b[j]
                if i < a.count, a[i] == next { i += 1 }
                if j < b.count, b[j] == next { j += 1 }
                merged.append(next)
            }
            return merged
        }
    }
}

/// The side condition the grammar states for `matrix`: every row (elements separated by `,`, rows by
/// `;`, at the matrix's own bracket level) has the same number of elements.
@Sendable func matrixRowsHaveEqualLength(_ tokens: [Token], _ span: Range<Int>) -> Bool {
    if span.count == 2 { return true } // `[]`
    var depth = 0, elements = 1
    var width: Int?
    for token in tokens[(span.lowerBound + 1)..<(span.upperBound - 1)] {
        switch token.kind {
        case .leftParen, .leftBracket: depth += 1
        case .rightParen, .rightBracket: depth -= 1
        case .comma where depth == 0: elements += 1
        case .semicolon where depth == 0:
            if let w = width, w != elements { return false }
            width = elements
            elements = 1
        default: break
        }
    }
    return width.map { $0 == elements } ?? true
}
