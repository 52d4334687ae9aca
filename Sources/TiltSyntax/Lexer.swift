/// Turns program bytes into tokens. Newlines inside `(…)` or `[…]` are dropped, so an open bracket
/// continues a line; the parser handles the other continuations (after an operator, `s.t.` or `,`).
/// The lexer never stops at a bad byte: it reports it, emits `.invalid` and goes on.
public struct Lexer {
    public struct Output: Sendable {
        public var tokens: [Token]
        public var comments: [Comment]
        public var diagnostics: [Diagnostic]
    }

    private let bytes: [UInt8]
    private var pos = 0
    private var tokens: [Token] = []
    private var comments: [Comment] = []
    private var diagnostics: [Diagnostic] = []
    private var bracketDepth = 0
    private var sawSpace = false

    public static func tokenize(_ file: SourceFile) -> Output {
        var lexer = Lexer(bytes: file.bytes, base: file.startOffset)
        lexer.run()
        return Output(tokens: lexer.tokens, comments: lexer.comments, diagnostics: lexer.diagnostics)
    }

    private init(bytes: [UInt8], base: Int) {
        self.bytes = bytes
        self.base = base
    }

    /// `SourceFile.startOffset`: added to every range made here (positions in `bytes` are local).
    private let base: Int

    private func range(_ start: Int, _ end: Int) -> SourceRange { SourceRange(start: base + start, end: base + end) }

    private func peek(_ k: Int = 0) -> UInt8? {
        pos + k < bytes.count ? bytes[pos + k] : nil
    }

    private mutating func emit(_ kind: TokenKind, from start: Int) {
        tokens.append(Token(kind: kind, range: range(start, pos), precededBySpace: sawSpace))
        sawSpace = false
    }

    private mutating func error(_ message: String, _ start: Int, _ end: Int, hint: String? = nil) {
        diagnostics.append(Diagnostic(message, at: range(start, end), hint: hint))
    }

    private mutating func run() {
        while let c = peek() {
            let start = pos
            switch c {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"):
                pos += 1
                sawSpace = true
            case UInt8(ascii: "\n"):
                pos += 1
                if bracketDepth == 0 { emit(.newline, from: start) } else { sawSpace = true }
            case UInt8(ascii: "#"):
                while let d = peek(), d != UInt8(ascii: "\n") { pos += 1 }
                comments.append(Comment(text: String(decoding: bytes[start..<pos], as: UTF8.self),
                                        range: range(start, pos), isTrailing: !isFirstOnLine(start)))
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                lexNumber()
            case UInt8(ascii: "."):
                if let d = peek(1), isDigit(d) { lexNumber(); break }
                pos += 1
                switch peek() {
                case UInt8(ascii: "*"): pos += 1; emit(.dotStar, from: start)
                case UInt8(ascii: "/"): pos += 1; emit(.dotSlash, from: start)
                case UInt8(ascii: "^"): pos += 1; emit(.dotCaret, from: start)
                default:
                    error("unexpected `.`", start, pos, hint: "element-wise operators are `.*`, `./` and `.^`")
                    emit(.invalid, from: start)
                }
            case UInt8(ascii: "\""):
                lexString()
            default:
                if isIdentifierStart(c) || c >= 0x80 {
                    lexIdentifierOrInvalid()
                } else {
                    lexPunctuation(c)
                }
            }
        }
        emit(.endOfFile, from: pos)
    }

    private func isFirstOnLine(_ offset: Int) -> Bool {
        var i = offset - 1
        while i >= 0 {
            let b = bytes[i]
            if b == UInt8(ascii: "\n") { return true }
            if b != UInt8(ascii: " ") && b != UInt8(ascii: "\t") && b != UInt8(ascii: "\r") { return false }
            i -= 1
        }
        return true
    }

    private mutating func lexPunctuation(_ c: UInt8) {
        let start = pos
        pos += 1
        let next = peek()
        func two(_ second: Character, _ kind: TokenKind, else single: TokenKind) -> TokenKind {
            if next == second.asciiValue { pos += 1; return kind }
            return single
        }
        let kind: TokenKind
        switch Character(Unicode.Scalar(c)) {
        case "+": kind = .plus
        case "-": kind = .minus
        case "*": kind = .star
        case "/": kind = .slash
        case "^": kind = .caret
        case "'": kind = .apostrophe
        case "=": kind = two("=", .equalEqual, else: .assign)
        case "<": kind = two("=", .lessEqual, else: .less)
        case ">": kind = two("=", .greaterEqual, else: .greater)
        case "!":
            if next == UInt8(ascii: "=") { pos += 1; kind = .notEqual } else {
                error("unexpected `!`", start, pos, hint: "write `!=` for 'not equal'")
                kind = .invalid
            }
        case "(": kind = .leftParen; bracketDepth += 1
        case ")": kind = .rightParen; bracketDepth = max(0, bracketDepth - 1)
        case "[": kind = .leftBracket; bracketDepth += 1
        case "]": kind = .rightBracket; bracketDepth = max(0, bracketDepth - 1)
        case ",": kind = .comma
        case ";": kind = .semicolon
        case ":": kind = .colon
        case "|": kind = .bar
        default:
            let shown = c >= 0x20 && c < 0x7F ? "`\(Character(Unicode.Scalar(c)))`" : "byte 0x\(String(c, radix: 16))"
            let hint: String? = switch c {
            case UInt8(ascii: "`"): "strings use double quotes"
            case UInt8(ascii: "%"): "`%` marks a percentage and follows its number directly (`5%` is 0.05); there is no remainder operator"
            default: nil
            }
            error("unexpected character \(shown)", start, pos, hint: hint)
            kind = .invalid
        }
        emit(kind, from: start)
    }

    private func isDigit(_ c: UInt8) -> Bool { c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") }
    private func isIdentifierStart(_ c: UInt8) -> Bool {
        (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z")) || (c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z"))
            || c == UInt8(ascii: "_")
    }

    private mutating func digits() -> Int {
        let s = pos
        while let d = peek(), isDigit(d) { pos += 1 }
        return pos - s
    }

    private func intValue(_ from: Int, _ to: Int) -> Int {
        bytes[from..<to].reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
    }

    private mutating func lexNumber() {
        let start = pos
        let intDigits = digits()
        // Months `1994-01` and dates `2024-12-31`: exactly 4 digits, dash, 2 digits, no spaces.
        if intDigits == 4, peek() == UInt8(ascii: "-"), let d1 = peek(1), let d2 = peek(2), isDigit(d1), isDigit(d2),
           !(peek(3).map(isDigit) ?? false) {
            let year = intValue(start, start + 4)
            pos += 3
            let month = intValue(pos - 2, pos)
            var day: Int?
            if peek() == UInt8(ascii: "-"), let e1 = peek(1), let e2 = peek(2), isDigit(e1), isDigit(e2),
               !(peek(3).map(isDigit) ?? false) {
                pos += 3
                day = intValue(pos - 2, pos)
            }
            if !(1...12).contains(month) {
                error("month \(month) does not exist", start, pos,
                      hint: "months are written YYYY-MM with MM from 01 to 12; write `\(year) - \(month)` to subtract")
                emit(.invalid, from: start)
            } else if let day, !(1...Lexer.daysIn(year: year, month: month)).contains(day) {
                error("\(year)-\(month < 10 ? "0" : "")\(month) has no day \(day)", start, pos)
                emit(.invalid, from: start)
            } else if let day {
                emit(.date(year: year, month: month, day: day), from: start)
            } else {
                emit(.month(year: year, month: month), from: start)
            }
            return
        }
        if peek() == UInt8(ascii: "."), let d = peek(1), isDigit(d) {
            pos += 1
            _ = digits()
        } else if peek() == UInt8(ascii: "."), !(peek(1).map { [UInt8(ascii: "*"), UInt8(ascii: "/"), UInt8(ascii: "^")].contains($0) } ?? false) {
            pos += 1 // `1.` is a number
        }
        if let e = peek(), e == UInt8(ascii: "e") || e == UInt8(ascii: "E") {
            var k = 1
            if let s = peek(1), s == UInt8(ascii: "+") || s == UInt8(ascii: "-") { k = 2 }
            if let d = peek(k), isDigit(d) {
                pos += k
                _ = digits()
            }
        }
        let text = String(decoding: bytes[start..<pos], as: UTF8.self)
        guard let value = Double(text), value.isFinite else {
            error("number `\(text)` is out of range", start, pos)
            emit(.invalid, from: start)
            return
        }
        if peek() == UInt8(ascii: "%") {
            pos += 1
            emit(.percent(value / 100), from: start)
        } else if peek() == UInt8(ascii: "b"), peek(1) == UInt8(ascii: "p"), peek(2) == UInt8(ascii: "s"),
                  !(peek(3).map { isIdentifierStart($0) || isDigit($0) } ?? false) {
            pos += 3
            emit(.basisPoints(value / 10_000), from: start)
        } else if let c = peek(), isIdentifierStart(c) {
            let suffixStart = pos
            while let d = peek(), isIdentifierStart(d) || isDigit(d) { pos += 1 }
            let suffix = String(decoding: bytes[suffixStart..<pos], as: UTF8.self)
            error("unknown number suffix `\(suffix)`", suffixStart, pos,
                  hint: "numbers take `%` (percent) or `bps` (basis points); put `*` between a number and a name")
            emit(.invalid, from: start)
        } else {
            emit(.number(value), from: start)
        }
    }

    static func daysIn(year: Int, month: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    private mutating func lexString() {
        let start = pos
        pos += 1
        var value: [UInt8] = []
        while let c = peek() {
            if c == UInt8(ascii: "\"") {
                pos += 1
                guard let s = String(validating: value, as: UTF8.self) else {
                    error("string is not valid UTF-8", start, pos)
                    emit(.invalid, from: start)
                    return
                }
                emit(.string(s), from: start)
                return
            }
            if c == UInt8(ascii: "\n") { break }
            if c == UInt8(ascii: "\\"), let e = peek(1) {
                let escapes: [UInt8: UInt8] = [UInt8(ascii: "n"): 10, UInt8(ascii: "t"): 9,
                                               UInt8(ascii: "\""): UInt8(ascii: "\""), UInt8(ascii: "\\"): UInt8(ascii: "\\")]
                if let v = escapes[e] {
                    value.append(v)
                    pos += 2
                    continue
                }
                error("unknown escape `\\\(Character(Unicode.Scalar(e)))` in string", pos, pos + 2,
                      hint: "strings know \\n, \\t, \\\" and \\\\")
                pos += 2
                continue
            }
            value.append(c)
            pos += 1
        }
        error("unterminated string", start, pos, hint: "close it with `\"` on the same line")
        emit(.invalid, from: start)
    }

    private mutating func lexIdentifierOrInvalid() {
        let start = pos
        while let c = peek() {
            if isIdentifierStart(c) || isDigit(c) {
                pos += 1
            } else if c >= 0x80 {
                // A non-ASCII letter (θ, γ, μ…) is allowed in names; anything else is not. A byte that is not
                // valid UTF-8 ends a name and is reported on its own, at its own column.
                guard let (scalar, length) = decodeScalar(at: pos) else {
                    if pos == start {
                        pos += 1
                        error("invalid UTF-8 byte", start, pos)
                        emit(.invalid, from: start)
                        return
                    }
                    break
                }
                // A combining mark continues a name: `é` typed as `e` and U+0301 (as macOS and some editors
                // write it) is the same name as the precomposed `é`, since names compare canonically.
                if Character(scalar).isLetter || (pos > start && Self.isCombiningMark(scalar)) {
                    pos += length
                } else {
                    if pos == start {
                        pos += length
                        error("unexpected character `\(Character(scalar))`", start, pos,
                              hint: Self.asciiSpelling[scalar].map { "write `\($0)` (operators are ASCII)" })
                        emit(.invalid, from: start)
                        return
                    }
                    break
                }
            } else {
                break
            }
        }
        let name = String(decoding: bytes[start..<pos], as: UTF8.self)
        if name == "s", peek() == UInt8(ascii: "."), peek(1) == UInt8(ascii: "t"), peek(2) == UInt8(ascii: ".") {
            pos += 3
            emit(.keyword(.subjectTo), from: start)
            return
        }
        if let k = Keyword(spelling: name), k != .subjectTo {
            emit(.keyword(k), from: start)
        } else {
            emit(.identifier(name), from: start)
        }
    }

    /// The ASCII spelling of operators that papers and word processors write in Unicode (`≤`, a minus sign,
    /// a typographic quote for the transpose).
    private static let asciiSpelling: [Unicode.Scalar: String] = [
        "≤": "<=", "≥": ">=", "≠": "!=", "−": "-", "×": "*", "·": "*", "’": "'", "′": "'",
    ]

    private static func isCombiningMark(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark: return true
        default: return false
        }
    }

    private func decodeScalar(at i: Int) -> (Unicode.Scalar, Int)? {
        let lead = bytes[i]
        let length: Int
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0...0xEF: length = 3
        case 0xF0...0xF4: length = 4
        default: return nil
        }
        guard i + length <= bytes.count else { return nil }
        let slice = Array(bytes[i..<(i + length)])
        guard let s = String(validating: slice, as: UTF8.self), let scalar = s.unicodeScalars.first,
              s.unicodeScalars.count == 1 else { return nil }
        return (scalar, length)
    }
}
