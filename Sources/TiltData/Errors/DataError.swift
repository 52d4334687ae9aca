/// A problem found while reading a data file, located like a compiler diagnostic:
/// `path:line:col: error: message` (the column is left out when it is not known).
///
/// `line` and `column` are 1-based; `column` counts Unicode scalars from the start of the line, so a
/// caret printed under `lineText` points at the offending character. `line` is 0 when the problem
/// concerns the whole file (it cannot be opened) or several files (no common months).
public struct DataError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The file the problem was found in, as the caller named it.
    public var path: String
    /// 1-based line number; 0 when the problem is not tied to a line.
    public var line: Int
    /// 1-based column (Unicode scalars from the start of the line), or `nil` when unknown.
    public var column: Int?
    /// What is wrong, in plain words.
    public var message: String
    /// The text of the offending line (without its line ending), so a caller can show it with a caret.
    public var lineText: String?
    /// A likely fix, when one is clear ("did you mean `Agric`?"), shown after the excerpt.
    public var hint: String?

    public init(path: String, line: Int, column: Int? = nil, message: String, lineText: String? = nil,
                hint: String? = nil) {
        self.path = path
        self.line = line
        self.column = column
        self.message = message
        self.lineText = lineText
        self.hint = hint
    }

    /// `path:line:col`, `path:line` without a column, or `path` when the problem is not tied to a line.
    public var location: String {
        guard line > 0 else { return path }
        return "\(path):\(line)" + (column.map { ":\($0)" } ?? "")
    }

    /// `path:line:col: error: message`, or `path:line: error: message` without a column,
    /// or `path: error: message` when the problem is not tied to a line.
    public var description: String { "\(location): error: \(message)" }

    /// The offending line followed by a caret under the offending column (tabs kept so the caret
    /// lines up), or `nil` when the line text or column is unknown.
    public var caretExcerpt: String? {
        guard let lineText, let column, column >= 1 else { return nil }
        let padding = lineText.unicodeScalars.prefix(column - 1).map { $0 == "\t" ? "\t" : " " }.joined()
        return lineText + "\n" + padding + "^"
    }
}
