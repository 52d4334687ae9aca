import Foundation
import TiltData
import TiltSyntax

/// Where a program's data files are looked up: the program's own folder first, then the data directory
/// (`--data DIR` or `TILT_DATA`). An absolute path is taken as it is.
public struct DataLocations: Sendable, Equatable {
    /// The folder of the program file (the current folder for standard input and REPL entries).
    public var programDirectory: String
    /// The data directory, when one is given.
    public var dataDirectory: String?

    public init(programDirectory: String = FileManager.default.currentDirectoryPath, dataDirectory: String? = nil) {
        self.programDirectory = programDirectory
        self.dataDirectory = dataDirectory
    }

    /// A data path as written, looked up relative to the program's folder, then the data directory; the
    /// path in the program's folder when it is in neither.
    public func resolve(_ path: String) -> String {
        if path.hasPrefix("/") { return path }
        let inProgram = (programDirectory as NSString).appendingPathComponent(path)
        if FileManager.default.fileExists(atPath: inProgram) { return inProgram }
        if let dataDirectory {
            let inData = (dataDirectory as NSString).appendingPathComponent(path)
            if FileManager.default.fileExists(atPath: inData) { return inData }
        }
        return inProgram
    }

    /// The path of an existing file named `path`, or a diagnostic at `range` saying where it was looked for
    /// (or, for a symbolic link whose target is gone, naming the target).
    func existingFile(_ path: String, at range: SourceRange) throws(Diagnostic) -> String {
        let resolved = resolve(path)
        if let target = DataFile.danglingLinkTarget(resolved) {
            throw Diagnostic("`\(path)` (\(resolved)) is a symbolic link to `\(target)`, which does not exist", at: range,
                             hint: "restore the file it points to, or point the link at the data")
        }
        guard FileManager.default.fileExists(atPath: resolved) else { throw Diagnostic.missingFile(path, looked: places, at: range) }
        return resolved
    }

    /// The folders data files are looked up in, in order: the program's, then the data directory.
    public var folders: [String] { [programDirectory] + (dataDirectory.map { [$0] } ?? []) }

    /// The folders a data path is looked up in, for messages.
    public var places: [String] {
        ["the program's folder (\(programDirectory))"] + (dataDirectory.map { ["the data directory (\($0))"] } ?? [])
    }
}
