/// Whether an entry typed line by line (a REPL entry, a notebook cell, a console's input) is a whole
/// program yet: a bracket still open, or a last token that continues the line (an operator, `,`, `s.t.`,
/// `to`, …), means more lines are to come — the same rules that let a file's statement go on to the next line.
public enum EntryCompleteness: Sendable, Equatable {
    /// It parses as it stands.
    case complete
    /// More input would continue it.
    case incomplete
    /// More input cannot mend it: it has a syntax error before its end.
    case invalid

    public static func of(_ text: String) -> EntryCompleteness {
        if needsMoreInput(text) { return .incomplete }
        return Parser.parse(SourceFile(name: "", text: text)).diagnostics.isEmpty ? .complete : .invalid
    }

    /// `true` while a `(` or `[` is open or the entry ends in a token that continues the line.
    public static func needsMoreInput(_ text: String) -> Bool {
        let tokens = Lexer.tokenize(SourceFile(name: "", text: text)).tokens
        var depth = 0
        for t in tokens {
            switch t.kind {
            case .leftParen, .leftBracket: depth += 1
            case .rightParen, .rightBracket: depth -= 1
            default: break
            }
        }
        if depth > 0 { return true }
        let last = tokens.last { $0.kind != .endOfFile && $0.kind != .newline }
        return last?.kind.continuesLine ?? false
    }
}
