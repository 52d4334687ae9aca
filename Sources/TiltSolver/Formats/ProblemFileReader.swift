import Foundation

/// Entry point for reading optimisation problems from files (`tilt solve FILE`).
public enum ProblemFileReader {
    /// The format implied by a file name: `.mps`/`.qps`/`.freemps` → MPS (layout detected),
    /// `.cbf` → CBF; nil for anything else. Case-insensitive.
    public static func format(forPath path: String) -> ProblemFileFormat? {
        let lowered = path.lowercased()
        if lowered.hasSuffix(".cbf") { return .cbf }
        if lowered.hasSuffix(".freemps") { return .mps(.free) }
        if lowered.hasSuffix(".mps") || lowered.hasSuffix(".qps") { return .mps(.automatic) }
        return nil
    }

    /// Reads and parses the file at `path`. `format` defaults to the one implied by the extension.
    /// Throws `FormatError` for unreadable files, unknown extensions and malformed content.
    public static func read(path: String, format: ProblemFileFormat? = nil) throws -> ParsedProblem {
        guard let chosen = format ?? self.format(forPath: path) else {
            throw FormatError(file: path, line: nil, message: "unknown problem file type (expected .mps, .qps or .cbf)")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw FormatError(file: path, line: nil, message: "cannot read the file")
        }
        return try parse(bytes: [UInt8](data), fileName: path, format: chosen)
    }

    /// Parses file contents already in memory; `fileName` is used in error messages and as the
    /// default problem name.
    public static func parse(bytes: [UInt8], fileName: String, format: ProblemFileFormat) throws -> ParsedProblem {
        let lines = splitLines(bytes)
        switch format {
        case .mps(let layout):
            var reader = MPSReader(file: fileName, lines: lines, layout: layout)
            return try reader.read()
        case .cbf:
            var reader = CBFReader(file: fileName, lines: lines)
            return try reader.read()
        }
    }

    /// Parses text (convenience for tests and the REPL).
    public static func parse(text: String, fileName: String, format: ProblemFileFormat) throws -> ParsedProblem {
        try parse(bytes: Array(text.utf8), fileName: fileName, format: format)
    }
}
