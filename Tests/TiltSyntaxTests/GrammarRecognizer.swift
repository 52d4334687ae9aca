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

    init(grammar: EBNFGrammar, sideConditions: [String: SideCondition] = [:]) {
        self.grammar = grammar
        var byID: [Int: SideCondition] = [:]
        for (name, condition) in sideConditions {
            if let id = grammar.ruleNames.firstIndex(of: name) { byID[id] = condition }
        }
        self.sideConditions = byID
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

    /// The productions of one derivation of `file`, or nil when the grammar rejects it (a file with a
    /// lexical diagnostic is rejected, as the grammar's header says).
    func recognize(_ file: SourceFile) -> Set<String>? {
        let lexed = Lexer.tokenize(file)
        guard lexed.diagnostics.isEmpty else { return nil }
        var run = Run(recognizer: self, tokens: lexed.tokens)
        return run.accept()
    }

    private struct Run {
        let recognizer: GrammarRecognizer
        let tokens: [Token]
        /// Terminal index per token (-1: matches nothing); the end-of-file token is not included.
        let symbols: [Int]
        var memo: [Int: [Int]] = [:]
        var inProgress: Set<Int> = []

        init(recognizer: GrammarRecognizer, tokens: [Token]) {
            self.recognizer = recognizer
            self.tokens = tokens
            symbols = tokens.dropLast().map { token in
                GrammarRecognizer.symbol(of: token.kind).flatMap { recognizer.grammar.terminalIDs[$0] } ?? -1
            }
        }

        mutating func accept() -> Set<String>? {
            let start = GrammarNode.rule(0)
            guard ends(start, symbols.startIndex).contains(symbols.count) else { return nil }
            var used: Set<String> = []
            let derived = derive(start, from: 0, to: symbols.count, used: &used)
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
                let key = r * (symbols.count + 1) + position
                if let known = memo[key] { return known }
                precondition(inProgress.insert(key).inserted,
                             "left recursion through `\(recognizer.grammar.ruleNames[r])`")
                var result = ends(recognizer.grammar.bodies[r], position)
                if let condition = recognizer.sideConditions[r] {
                    result = result.filter { condition(tokens, position..<$0) }
                }
                inProgress.remove(key)
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

        private static func union(_ a: [Int], _ b: [Int]) -> [Int] {
            if a.isEmpty { return b }
            if b.isEmpty { return a }
            return Array(Set(a).union(b)).sorted()
        }
    }
}

/// The side condition the grammar states for `matrix`: every row (elements separated by `,`, rows by
/// `;`, at the matrix's own bracket level) has the same number of elements.
@Sendable func matrixRowsHaveEqualLength(_ tokens: [Token], _ span: Range<Int>) -> Bool {
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
    if span.count == 2 { return true } // `[]`
    return width.map { $0 == elements } ?? true
}
