/// A malformed or unsupported optimisation file. Carries the file name, the 1-based line and column
/// where the problem was found (when known) and a message in the user's terms.
///
/// `description` reads like a compiler diagnostic: `file:line: error: message`, or
/// `file:line:column: error: message` when the column is known, or `file: error: message` when the
/// problem concerns the file as a whole.
public struct FormatError: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    /// 1-based line number, nil when the error is not tied to a line.
    public var line: Int?
    /// 1-based column (in bytes), nil when unknown.
    public var column: Int?
    public var message: String

    public init(file: String, line: Int?, column: Int? = nil, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
    }

    public var description: String {
        var location = file
        if let line {
            location += ":\(line)"
            if let column { location += ":\(column)" }
        }
        return "\(location): error: \(message)"
    }
}
