/// An error (or note) about a program, located at a source range, with an optional hint that suggests
/// a fix ("did you mean `tev`?").
public struct Diagnostic: Error, Sendable, Equatable {
    public enum Severity: String, Sendable { case error, warning, note }
    public var severity: Severity
    public var message: String
    public var range: SourceRange
    public var hint: String?
    /// More context printed verbatim after the source excerpt, such as the offending line of a data file.
    public var note: String?
    /// `true` when the search for errors stopped after this one (the parser gives up once
    /// `DiagnosticList.maximumShown` are known and input is left): later errors, if any, were not looked for,
    /// so a list holding it cannot say how many errors there are.
    public var searchStopsHere = false

    public init(_ message: String, at range: SourceRange, hint: String? = nil, note: String? = nil,
                severity: Severity = .error) {
        self.message = message
        self.range = range
        self.hint = hint
        self.note = note
        self.severity = severity
    }
}

/// A batch of diagnostics for one file, thrown when a program cannot go on.
public struct DiagnosticList: Error, Sendable {
    public var file: SourceFile
    public var diagnostics: [Diagnostic]
    /// Files sharing `file`'s range space (earlier REPL entries): a diagnostic about a range kept from one of
    /// them is shown with its text and name.
    public var earlierFiles: [SourceFile]
    public init(file: SourceFile, diagnostics: [Diagnostic], earlierFiles: [SourceFile] = []) {
        self.file = file
        self.diagnostics = diagnostics
        self.earlierFiles = earlierFiles
    }
    /// The most diagnostics shown for one file. More are almost always consequences of the first ones (a
    /// binary file given as a program has an error every few bytes); the parser stops once this many are known.
    public static let maximumShown = 50

    /// Whether the search for errors stopped before the end (`Diagnostic.searchStopsHere`): there may be
    /// more errors than the list holds.
    public var isIncomplete: Bool { diagnostics.contains { $0.searchStopsHere } }

    /// The diagnostics rendered as the terminal shows them, at most `maximumShown`, then a line saying how
    /// many more there are and whether the search stopped.
    public func rendered(color: Bool = false) -> String {
        let shown = diagnostics.prefix(DiagnosticList.maximumShown).map { d in
            let home = file.contains(d.range) ? file : earlierFiles.last { $0.contains(d.range) } ?? file
            return DiagnosticRenderer.render(d, in: home, color: color)
        }
        let more = diagnostics.count - shown.count
        let moreText = "… and \(more) more error\(more == 1 ? "" : "s")"
        switch (more > 0, isIncomplete) {
        case (false, false): return shown.joined()
        case (true, false): return shown.joined() + moreText + "\n"
        case (false, true): return shown.joined() + "… stopped after \(shown.count) error\(shown.count == 1 ? "" : "s") (there may be more)\n"
        case (true, true): return shown.joined() + moreText + ", then stopped (there may be more)\n"
        }
    }

    /// The count that closes a report of the list: "3 errors", or "at least 50 errors" when the search
    /// stopped before the end.
    public var summary: String {
        let count = diagnostics.count
        return "\(isIncomplete ? "at least " : "")\(count) error\(count == 1 ? "" : "s")"
    }
}

/// Renders diagnostics the way compilers do:
///
///     strategy.tilt:3:20: error: unknown name `tve`
///       maximize mu'f s.t. tve <= 6%
///                          ^~~
///     hint: did you mean `tev`?
public enum DiagnosticRenderer {
    /// Terminal cells shown on each side of the caret when a source line takes more than twice this.
    public static let excerptContext = 60

    public static func render(_ d: Diagnostic, in file: SourceFile, color: Bool = false) -> String {
        let loc = file.location(of: d.range.start)
        let bold = color ? "\u{1B}[1m" : "", red = color ? "\u{1B}[1;31m" : ""
        let green = color ? "\u{1B}[1;32m" : "", cyan = color ? "\u{1B}[1;36m" : "", reset = color ? "\u{1B}[0m" : ""
        let kind = d.severity == .error ? "\(red)error\(reset)" : "\(cyan)\(d.severity.rawValue)\(reset)"
        var out = "\(bold)\(file.name):\(loc.line):\(loc.column):\(reset) \(kind): \(bold)\(d.message)\(reset)\n"
        let lineWidth = file.columnCount(ofLine: loc.line)
        let endLoc = file.location(of: d.range.end)
        let width = endLoc.line == loc.line ? max(1, endLoc.column - loc.column) : max(1, lineWidth - loc.column + 1)
        // A long line (minified or binary input) is shown as a window around the caret, marked with … where cut.
        let shown = file.displayWidth(ofLine: loc.line, columns: 1..<(lineWidth + 1)) <= 2 * excerptContext
            ? 1..<(lineWidth + 1) : window(around: loc.column, ofLine: loc.line, in: file, columnCount: lineWidth)
        let cutBefore = shown.lowerBound > 1 ? "…" : "", cutAfter = shown.upperBound <= lineWidth ? "…" : ""
        out += "  \(cutBefore)\(file.lineExcerpt(loc.line, columns: shown))\(cutAfter)\n"
        // Spaces and tildes by terminal cells, so that the caret stands under wide (CJK) characters too.
        let pad = String(repeating: " ", count: cutBefore.count
                             + file.displayWidth(ofLine: loc.line, columns: shown.lowerBound..<max(shown.lowerBound, loc.column)))
        let marked = loc.column..<max(loc.column + 1, min(loc.column + width, shown.upperBound))
        let tildes = max(0, file.displayWidth(ofLine: loc.line, columns: marked) - 1)
        out += "  \(pad)\(green)^\(String(repeating: "~", count: tildes))\(reset)\n"
        // The note (a data file's offending line) belongs with the excerpt; the hint comes last.
        if let note = d.note { out += note.split(separator: "\n", omittingEmptySubsequences: false).map { "  \($0)\n" }.joined() }
        if let hint = d.hint { out += "\(cyan)hint:\(reset) \(hint)\n" }
        return out
    }

    /// The columns of a long line shown around `column`: at most `excerptContext` terminal cells before it
    /// and `excerptContext` after its own character, so that a line of wide (CJK) characters is cut as
    /// wide on the terminal as an ASCII one. The window never starts with a combining mark cut from its
    /// character.
    static func window(around column: Int, ofLine line: Int, in file: SourceFile, columnCount: Int) -> Range<Int> {
        // Every column but a combining mark takes a cell, so the window lies within this many columns each side.
        let reach = 2 * excerptContext
        let first = max(1, column - reach)
        let widths = file.cellWidths(ofLine: line, columns: first..<min(columnCount + 1, column + reach + 1))
        func cells(_ c: Int) -> Int { c - first < widths.count ? widths[c - first] : 1 }
        var lower = column, before = 0
        while lower > first, before + cells(lower - 1) <= excerptContext {
            lower -= 1
            before += cells(lower)
        }
        while lower < column, cells(lower) == 0 { lower += 1 }
        var upper = column, after = 0
        while upper < first + widths.count, after + cells(upper) <= excerptContext + 1 {
            after += cells(upper)
            upper += 1
        }
        return lower..<upper
    }
}

/// The closest candidate to a misspelt name, if one is close enough to be a useful suggestion: the same
/// name in other letter case first (`TEV` for `tev`, `sigma_f` for `Sigma_f`), else the nearest by edit
/// distance that keeps part of the name (no other one-letter name for a one-letter name).
public func closestName(to name: String, among candidates: some Sequence<String>) -> String? {
    let candidates = Array(candidates)
    if let sameLetters = candidates.filter({ $0 != name && $0.lowercased() == name.lowercased() }).min() { return sameLetters }
    var best: (String, Int)?
    let limit = max(1, name.count / 3)
    for c in candidates where c != name {
        let d = editDistance(name, c)
        // A suggestion keeps something of the name: `E` for an unknown `w` replaces all of it.
        guard d <= limit, d < name.count else { continue }
        if let (bestName, bestDistance) = best, bestDistance < d || (bestDistance == d && bestName <= c) { continue }
        best = (c, d)
    }
    return best?.0
}

/// Damerau–Levenshtein (optimal string alignment) distance: transpositions such as `tve`/`tev` cost 1.
public func editDistance(_ a: String, _ b: String) -> Int {
    let x = Array(a), y = Array(b)
    if x.isEmpty { return y.count }
    if y.isEmpty { return x.count }
    var d = [[Int]](repeating: [Int](repeating: 0, count: y.count + 1), count: x.count + 1)
    for i in 0...x.count { d[i][0] = i }
    for j in 0...y.count { d[0][j] = j }
    for i in 1...x.count {
        for j in 1...y.count {
            let cost = x[i - 1] == y[j - 1] ? 0 : 1
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
            if i > 1, j > 1, x[i - 1] == y[j - 2], x[i - 2] == y[j - 1] {
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
            }
        }
    }
    return d[x.count][y.count]
}
