import TiltLanguage
import TiltSyntax

/// Highlighting by meaning, from the lexer's tokens and the names the program binds: what an editor colours
/// as keyword, function, variable, option label, statement word, number, string, comment or operator.
public struct SemanticToken: Sendable, Equatable {
    /// The LSP's standard token types Tilt uses, in the order of its legend.
    public enum Kind: Int, Sendable, CaseIterable {
        case keyword, function, variable, parameter, enumMember, number, string, comment, `operator`

        public var legendName: String { self == .operator ? "operator" : String(describing: self) }
    }

    /// Modifiers, as bits in the order of the legend.
    public struct Modifiers: OptionSet, Sendable, Hashable {
        public let rawValue: Int
        public init(rawValue: Int) { self.rawValue = rawValue }
        /// Where a name is bound (`let x`, `var w`).
        public static let declaration = Modifiers(rawValue: 1)
        /// A word of the language: a built-in function, a strategy name such as `tev`.
        public static let defaultLibrary = Modifiers(rawValue: 2)
        /// A value the program cannot rebind (`tev`, `mu`, … inside a strategy).
        public static let readonly = Modifiers(rawValue: 4)
        public static let legendNames = ["declaration", "defaultLibrary", "readonly"]
    }

    public let range: SourceRange
    public let kind: Kind
    public let modifiers: Modifiers
}

extension DocumentAnalysis {
    /// Every token worth colouring and every comment, in order of position.
    public var semanticTokens: [SemanticToken] {
        let declarations = Set(bindings.map(\.nameRange))
        let strategyNames = LanguageReference.strategyNames
        let builtins = Set(LanguageReference.entries.filter { $0.kind == .builtin }.map(\.name))
        let statementWords = Set(LanguageReference.entries.filter { $0.kind == .statementWord }.map(\.name))
        var result: [SemanticToken] = comments.map { SemanticToken(range: $0.range, kind: .comment, modifiers: []) }
        // The brackets open at each token, innermost last: inside `(…)` a keyword before `:` is a label (`from:`).
        var open: [TokenKind] = []
        for (i, token) in tokens.enumerated() {
            switch token.kind {
            case .leftParen, .leftBracket: open.append(token.kind)
            case .rightParen, .rightBracket: _ = open.popLast()
            case .newline: open.removeAll()
            default: break
            }
            let next = i + 1 < tokens.count ? tokens[i + 1] : nil
            let labelled = next?.kind == .colon
            let kind: SemanticToken.Kind
            var modifiers: SemanticToken.Modifiers = []
            switch token.kind {
            case .keyword:
                kind = labelled && open.last == .leftParen ? .parameter : .keyword
            case .identifier(let name):
                if next?.kind == .leftParen, next?.precededBySpace == false {
                    kind = .function
                    if builtins.contains(name) || strategyNames.contains(name) { modifiers.insert(.defaultLibrary) }
                } else if labelled {
                    kind = .parameter
                } else if declarations.contains(token.range) {
                    kind = .variable
                    modifiers.insert(.declaration)
                } else if bindings.contains(where: { $0.name == name }) {
                    kind = .variable
                } else if strategyNames.contains(name) {
                    kind = .variable
                    modifiers.formUnion([.defaultLibrary, .readonly])
                } else if statementWords.contains(name) {
                    kind = .enumMember
                } else {
                    kind = .variable
                }
            case .number, .percent, .basisPoints, .month, .date: kind = .number
            case .string: kind = .string
            case .plus, .minus, .star, .slash, .dotStar, .dotSlash, .caret, .dotCaret, .apostrophe, .assign, .equalEqual,
                 .notEqual, .less, .lessEqual, .greater, .greaterEqual, .bar:
                kind = .operator
            default:
                continue
            }
            result.append(SemanticToken(range: token.range, kind: kind, modifiers: modifiers))
        }
        return result.sorted { $0.range.start < $1.range.start }
    }
}
