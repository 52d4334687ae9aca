/// Reserved words. Strategy words (`universe`, `benchmark`, …) are reserved so that a misplaced one is
/// reported as such; they may still be used as argument labels (`synthetic(from: 1970-01)`).
public enum Keyword: String, Sendable, CaseIterable {
    case `let`, `var`, solve, minimize, maximize, subjectTo = "s.t."
    case universe, factors, benchmark, model, allocate, rebalance, costs, crisis, policy, utility
    case `in`, to, by, from, print, experiment

    /// Other spellings of keywords: British `minimise` and `maximise`.
    public static let alternativeSpellings: [String: Keyword] = ["minimise": .minimize, "maximise": .maximize]

    /// The keyword spelt `text`, in either spelling.
    public init?(spelling text: String) {
        guard let keyword = Keyword(rawValue: text) ?? Keyword.alternativeSpellings[text] else { return nil }
        self = keyword
    }
}

/// The kinds of token the lexer produces. Literal values are decoded here; the token's range keeps the
/// text as written (the formatter prints literals exactly as the user wrote them).
public enum TokenKind: Sendable, Equatable {
    case number(Double)
    /// `6%`: the value is already divided by 100.
    case percent(Double)
    /// `25bps`: the value is already divided by 10,000.
    case basisPoints(Double)
    case month(year: Int, month: Int)
    case date(year: Int, month: Int, day: Int)
    case string(String)
    case identifier(String)
    case keyword(Keyword)
    case plus, minus, star, slash, dotStar, dotSlash, caret, dotCaret, apostrophe
    case assign, equalEqual, notEqual, less, lessEqual, greater, greaterEqual
    case leftParen, rightParen, leftBracket, rightBracket, comma, semicolon, colon, bar
    case newline
    case endOfFile
    /// A byte sequence that is not a token; the lexer has already reported it.
    case invalid

    /// Human-readable name for "expected …, found …" messages.
    public var display: String {
        switch self {
        case .number, .percent, .basisPoints: return "a number"
        case .month: return "a month"
        case .date: return "a date"
        case .string: return "a string"
        case .identifier(let n): return "`\(n)`"
        case .keyword(let k): return "`\(k.rawValue)`"
        case .newline: return "end of line"
        case .endOfFile: return "end of input"
        case .invalid: return "an invalid character"
        default: return "`\(TokenKind.punctuationText[self] ?? "?")`"
        }
    }

    static let punctuationText: [TokenKind: String] = [
        .plus: "+", .minus: "-", .star: "*", .slash: "/", .dotStar: ".*", .dotSlash: "./", .caret: "^",
        .dotCaret: ".^", .apostrophe: "'", .assign: "=", .equalEqual: "==", .notEqual: "!=", .less: "<",
        .lessEqual: "<=", .greater: ">", .greaterEqual: ">=", .leftParen: "(", .rightParen: ")",
        .leftBracket: "[", .rightBracket: "]", .comma: ",", .semicolon: ";", .colon: ":", .bar: "|",
    ]

    /// Tokens after which an expression continues on the next line.
    public var continuesLine: Bool {
        switch self {
        case .plus, .minus, .star, .slash, .dotStar, .dotSlash, .caret, .dotCaret, .assign, .equalEqual,
             .notEqual, .less, .lessEqual, .greater, .greaterEqual, .comma, .colon:
            return true
        case .keyword(let k): return k == .subjectTo || k == .to || k == .by || k == .in
        default: return false
        }
    }
}

extension TokenKind: Hashable {}

/// A token and where it is.
public struct Token: Sendable, Equatable {
    public var kind: TokenKind
    public var range: SourceRange
    /// `true` when whitespace (not a newline) precedes the token; used to read `x'S x` and `rolling 120`.
    public var precededBySpace: Bool
}

/// A `# comment`, kept aside so the formatter can put it back.
public struct Comment: Sendable, Equatable {
    public var text: String
    public var range: SourceRange
    /// `true` when code precedes the comment on its line.
    public var isTrailing: Bool
}
