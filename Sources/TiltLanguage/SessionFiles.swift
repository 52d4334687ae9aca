import TiltSyntax

/// A session's entries and loaded files (the REPL's, a notebook kernel's cells), each in its own stretch of
/// one range space (`SourceFile.startOffset`): an error about a statement kept from an earlier entry (a
/// strategy's objective, failing when a later entry completes the strategy) is shown with that entry's name
/// and text.
public final class SessionFiles {
    private var files: [SourceFile] = []

    public init() {}

    /// A file placed after every earlier one, and remembered.
    public func add(name: String, bytes: [UInt8]) -> SourceFile {
        let file = SourceFile(name: name, bytes: bytes, startOffset: files.last?.endOffset ?? 0)
        files.append(file)
        return file
    }

    /// `diagnostics` of running `file`, each to be shown in the file it points into.
    public func list(_ diagnostics: [Diagnostic], running file: SourceFile) -> DiagnosticList {
        DiagnosticList(file: file, diagnostics: diagnostics, earlierFiles: files)
    }
}
