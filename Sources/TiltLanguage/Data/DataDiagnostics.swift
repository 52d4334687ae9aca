import Foundation
import TiltData
import TiltSyntax

extension Diagnostic {
    /// A data problem (a bad file, a missing one) reported at the span of the program that asked for the
    /// data: the message names the file, line and column, the hint is the data error's own, and the note
    /// shows the offending line with a caret.
    static func data(_ error: Error, at range: SourceRange) -> Diagnostic {
        guard let e = error as? DataError else { return Diagnostic(String(describing: error), at: range) }
        var location = e.path
        if e.line > 0 {
            location += ":\(e.line)"
            if let column = e.column { location += ":\(column)" }
        }
        return Diagnostic("\(location): \(e.message)", at: range, hint: e.hint,
                          note: e.caretExcerpt.map { "\(location):\n  " + $0.replacingOccurrences(of: "\n", with: "\n  ") })
    }

    /// A data file that is not there: where it was looked for.
    static func missingFile(_ name: String, looked places: [String], at range: SourceRange) -> Diagnostic {
        Diagnostic("no file `\(name)` in " + places.joined(separator: " or "), at: range,
                   hint: "give --data DIR (or set TILT_DATA) for a data folder, or a path relative to the program")
    }
}
