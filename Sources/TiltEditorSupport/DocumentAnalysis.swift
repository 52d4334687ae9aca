import TiltLanguage
import TiltSyntax

/// One program text as an editor sees it: its tokens, syntax tree and diagnostics (parser and checker:
/// nothing is run and no data is read), the names it binds, and what stands at an offset. Offsets here
/// are byte offsets into the text as given (a leading byte-order mark included, although Tilt's own ranges
/// leave it out).
public struct DocumentAnalysis: Sendable {
    public let file: SourceFile
    public let program: Program
    public let diagnostics: [Diagnostic]
    public let tokens: [Token]
    public let comments: [Comment]
    public let positions: TextPositions
    /// Bytes before the program: 3 for a UTF-8 byte-order mark, which `SourceFile` drops.
    private let shift: Int

    /// A name the program binds: `let x = …`, `var w[n]`, or a swept parameter `gamma in …`.
    public struct Binding: Sendable {
        public enum Kind: String, Sendable { case `let`, `var`, sweep }
        public let name: String
        public let kind: Kind
        /// The name where it is bound.
        public let nameRange: SourceRange
        /// The binding statement.
        public let statement: Stmt
    }

    public let bindings: [Binding]

    public init(name: String, text: String, predefined: Set<String> = []) {
        let bytes = Array(text.utf8)
        file = SourceFile(name: name, bytes: bytes)
        shift = bytes.count - file.bytes.count
        positions = TextPositions(bytes: bytes)
        (program, diagnostics) = Session.check(file, predefined: predefined)
        let lexed = Lexer.tokenize(file)
        tokens = lexed.tokens
        comments = lexed.comments
        bindings = program.statements.compactMap { stmt in
            switch stmt.kind {
            case .letBinding(let id, _): return Binding(name: id.name, kind: .let, nameRange: id.range, statement: stmt)
            case .variable(let id, _, _): return Binding(name: id.name, kind: .var, nameRange: id.range, statement: stmt)
            case .sweep(let id, _): return Binding(name: id.name, kind: .sweep, nameRange: id.range, statement: stmt)
            default: return nil
            }
        }
    }

    /// The document offset of a Tilt range's bound, and back.
    public func documentOffset(_ tiltOffset: Int) -> Int { tiltOffset + shift }
    public func tiltOffset(_ documentOffset: Int) -> Int { max(0, documentOffset - shift) }

    /// The text a range covers.
    public func text(_ range: SourceRange) -> String { file.text(range) }

    /// The token under a document offset: one that contains it, or else one that ends at it (a cursor just
    /// after a word). Newlines and the end of input are not tokens here.
    public func token(at documentOffset: Int) -> Token? {
        let offset = tiltOffset(documentOffset)
        var lo = 0, hi = tokens.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if tokens[mid].range.end <= offset { lo = mid + 1 } else { hi = mid }
        }
        let candidates = [lo, lo - 1].filter { $0 >= 0 && $0 < tokens.count }.map { tokens[$0] }
        return candidates.first { t in
            t.kind != .newline && t.kind != .endOfFile && t.range.start <= offset && offset <= t.range.end
                && (offset < t.range.end || isWord(t.kind))
        }
    }

    /// Whether a token is a name or keyword (what a cursor just after it still points at).
    private func isWord(_ kind: TokenKind) -> Bool {
        switch kind {
        case .identifier, .keyword: return true
        default: return false
        }
    }

    /// The name (or keyword) of a word token.
    public static func word(of token: Token) -> String? {
        switch token.kind {
        case .identifier(let n): return n
        case .keyword(let k): return k.rawValue
        default: return nil
        }
    }

    /// The binding a use of `name` at a document offset refers to: the last one before it, or else (a name
    /// used before its `let`, an error the checker reports) the first.
    public func binding(of name: String, at documentOffset: Int) -> Binding? {
        let offset = tiltOffset(documentOffset)
        let named = bindings.filter { $0.name == name }
        return named.last { $0.nameRange.start <= offset } ?? named.first
    }

    /// The statement whose range holds a document offset.
    public func statement(at documentOffset: Int) -> Stmt? {
        let offset = tiltOffset(documentOffset)
        return program.statements.first { $0.range.start <= offset && offset <= $0.range.end }
    }

    /// The identifier prefix that ends at a document offset (what completion extends), and where it starts.
    public func wordPrefix(before documentOffset: Int) -> (prefix: String, start: Int) {
        let bytes = positions.bytes
        var start = max(0, min(documentOffset, bytes.count))
        let end = start
        func isWordByte(_ b: UInt8) -> Bool {
            (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z")) || (b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z"))
                || (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9")) || b == UInt8(ascii: "_")
        }
        while start > 0, isWordByte(bytes[start - 1]) { start -= 1 }
        return (String(decoding: bytes[start..<end], as: UTF8.self), start)
    }
}
