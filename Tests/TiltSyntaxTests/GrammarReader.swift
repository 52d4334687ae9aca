import Foundation
@testable import TiltSyntax

/// One node of a grammar read from EBNF, with rule and terminal names resolved to indices.
indirect enum GrammarNode: Sendable {
    /// A token: an index into `EBNFGrammar.terminals` (`"("`, `"let"`, `IDENT`, …).
    case terminal(Int)
    /// A production: an index into `EBNFGrammar.ruleNames`.
    case rule(Int)
    case sequence([GrammarNode])
    case choice([GrammarNode])
    case optional(GrammarNode)
    case repetition(GrammarNode)
    /// `&x`: x must match here, nothing is consumed.
    case lookahead(GrammarNode)
    /// `SPACE` (true) or `NOSPACE` (false): whether the next token is preceded by whitespace.
    case spacing(Bool)
}

/// A problem in the grammar file, with its line.
struct EBNFError: Error, CustomStringConvertible {
    var line: Int
    var message: String
    var description: String { "tilt.ebnf:\(line): \(message)" }
}

/// A grammar read from the EBNF notation described at the top of Grammar/tilt.ebnf: `name = … ;`,
/// juxtaposition, `|`, `[ ]`, `{ }`, `( )`, `&` lookahead, quoted terminals, UPPER-CASE token classes,
/// `SPACE`/`NOSPACE`, `(* comments *)`. The first production is the start symbol.
struct EBNFGrammar: Sendable {
    /// Token classes the lexer produces, named as in the grammar.
    static let tokenClasses: Set<String> = ["NUMBER", "PERCENT", "BPS", "MONTH", "DATE", "STRING", "IDENT", "NEWLINE"]

    let ruleNames: [String]
    let bodies: [GrammarNode]
    /// Terminal symbols: quoted texts without quotes, and token-class names.
    let terminals: [String]
    let terminalIDs: [String: Int]
    /// Rules defined but referenced nowhere (the start symbol excepted).
    let unreferencedRules: [String]

    /// Reads `text`; `knownTokens` are the texts a quoted terminal may have (keywords and punctuation).
    init(text: String, knownTokens: Set<String>) throws {
        var reader = RawGrammarParser(tokens: try EBNFScanner.scan(text))
        let raw = try reader.parseRules()
        var ids: [String: Int] = [:]
        for (i, rule) in raw.enumerated() {
            if ids[rule.name] != nil { throw EBNFError(line: rule.line, message: "`\(rule.name)` is defined twice") }
            ids[rule.name] = i
        }
        var terminals: [String] = []
        var terminalIDs: [String: Int] = [:]
        var referenced: Set<String> = []
        func resolve(_ node: RawNode, line: Int) throws -> GrammarNode {
            func terminal(_ name: String) -> GrammarNode {
                if let id = terminalIDs[name] { return .terminal(id) }
                terminalIDs[name] = terminals.count
                terminals.append(name)
                return .terminal(terminals.count - 1)
            }
            switch node {
            case .quoted(let text):
                guard knownTokens.contains(text) else {
                    throw EBNFError(line: line, message: "\"\(text)\" is not a Tilt token")
                }
                return terminal(text)
            case .name("SPACE"): return .spacing(true)
            case .name("NOSPACE"): return .spacing(false)
            case .name(let name) where name == name.uppercased():
                guard EBNFGrammar.tokenClasses.contains(name) else {
                    throw EBNFError(line: line, message: "unknown token class \(name)")
                }
                return terminal(name)
            case .name(let name):
                guard let id = ids[name] else { throw EBNFError(line: line, message: "`\(name)` is not defined") }
                referenced.insert(name)
                return .rule(id)
            case .sequence(let items): return .sequence(try items.map { try resolve($0, line: line) })
            case .choice(let items): return .choice(try items.map { try resolve($0, line: line) })
            case .optional(let x): return .optional(try resolve(x, line: line))
            case .repetition(let x): return .repetition(try resolve(x, line: line))
            case .lookahead(let x): return .lookahead(try resolve(x, line: line))
            }
        }
        bodies = try raw.map { try resolve($0.body, line: $0.line) }
        ruleNames = raw.map(\.name)
        self.terminals = terminals
        self.terminalIDs = terminalIDs
        unreferencedRules = raw.dropFirst().map(\.name).filter { !referenced.contains($0) }
    }
}

// MARK: Reading the notation

private indirect enum RawNode {
    case name(String), quoted(String)
    case sequence([RawNode]), choice([RawNode])
    case optional(RawNode), repetition(RawNode), lookahead(RawNode)
}

private enum EBNFToken: Equatable {
    case name(String), quoted(String), symbol(Character)
}

private enum EBNFScanner {
    static func scan(_ text: String) throws -> [(token: EBNFToken, line: Int)] {
        let chars = Array(text)
        var out: [(EBNFToken, Int)] = []
        var i = 0, line = 1
        func isNameChar(_ c: Character) -> Bool { c.isLetter || c.isNumber || c == "_" }
        while i < chars.count {
            let c = chars[i]
            if c == "\n" { line += 1; i += 1; continue }
            if c.isWhitespace { i += 1; continue }
            if c == "(", i + 1 < chars.count, chars[i + 1] == "*" {
                let startLine = line
                i += 2
                while i + 1 < chars.count, !(chars[i] == "*" && chars[i + 1] == ")") {
                    if chars[i] == "\n" { line += 1 }
                    i += 1
                }
                guard i + 1 < chars.count else { throw EBNFError(line: startLine, message: "unterminated comment") }
                i += 2
                continue
            }
            if c == "\"" {
                var j = i + 1
                while j < chars.count, chars[j] != "\"", chars[j] != "\n" { j += 1 }
                guard j < chars.count, chars[j] == "\"", j > i + 1 else {
                    throw EBNFError(line: line, message: "bad quoted terminal")
                }
                out.append((.quoted(String(chars[(i + 1)..<j])), line))
                i = j + 1
                continue
            }
            if isNameChar(c) {
                var j = i
                while j < chars.count, isNameChar(chars[j]) { j += 1 }
                out.append((.name(String(chars[i..<j])), line))
                i = j
                continue
            }
            guard "=;|[]{}()&".contains(c) else { throw EBNFError(line: line, message: "unexpected `\(c)`") }
            out.append((.symbol(c), line))
            i += 1
        }
        return out
    }
}

private struct RawGrammarParser {
    let tokens: [(token: EBNFToken, line: Int)]
    var index = 0

    init(tokens: [(token: EBNFToken, line: Int)]) { self.tokens = tokens }

    private var line: Int { index < tokens.count ? tokens[index].line : (tokens.last?.line ?? 1) }
    private var current: EBNFToken? { index < tokens.count ? tokens[index].token : nil }

    private mutating func expect(_ symbol: Character) throws {
        guard current == .symbol(symbol) else { throw EBNFError(line: line, message: "expected `\(symbol)`") }
        index += 1
    }

    mutating func parseRules() throws -> [(name: String, body: RawNode, line: Int)] {
        var rules: [(String, RawNode, Int)] = []
        while let token = current {
            guard case .name(let name) = token, name != name.uppercased() else {
                throw EBNFError(line: line, message: "expected a lower-case production name")
            }
            let ruleLine = line
            index += 1
            try expect("=")
            let body = try parseChoice()
            try expect(";")
            rules.append((name, body, ruleLine))
        }
        guard !rules.isEmpty else { throw EBNFError(line: 1, message: "no productions") }
        return rules
    }

    private mutating func parseChoice() throws -> RawNode {
        var alternatives = [try parseSequence()]
        while current == .symbol("|") {
            index += 1
            alternatives.append(try parseSequence())
        }
        return alternatives.count == 1 ? alternatives[0] : .choice(alternatives)
    }

    private mutating func parseSequence() throws -> RawNode {
        var items: [RawNode] = []
        while let token = current {
            switch token {
            case .name, .quoted, .symbol("["), .symbol("{"), .symbol("("), .symbol("&"):
                items.append(try parseFactor())
            default:
                guard !items.isEmpty else { throw EBNFError(line: line, message: "empty alternative") }
                return items.count == 1 ? items[0] : .sequence(items)
            }
        }
        throw EBNFError(line: line, message: "missing `;`")
    }

    private mutating func parseFactor() throws -> RawNode {
        guard let token = current else { throw EBNFError(line: line, message: "unexpected end") }
        index += 1
        switch token {
        case .name(let n): return .name(n)
        case .quoted(let q): return .quoted(q)
        case .symbol("&"): return .lookahead(try parseFactor())
        case .symbol("["):
            let inner = try parseChoice()
            try expect("]")
            return .optional(inner)
        case .symbol("{"):
            let inner = try parseChoice()
            try expect("}")
            return .repetition(inner)
        case .symbol("("):
            let inner = try parseChoice()
            try expect(")")
            return inner
        default:
            throw EBNFError(line: line, message: "unexpected symbol")
        }
    }
}
