import Foundation
import TiltLanguage
import TiltReport
import TiltSyntax

/// What the CLI knows about a run for its report's provenance: the program, when the run started and
/// (from the interpreter, once the strategy has run) the data files it read.
struct RunRecord {
    let program: SourceFile
    let started: Date

    /// The provenance of the run as it stands: the program's text, this build, each data file the
    /// interpreter read (size, SHA-256, vintage) and the wall time so far. Throws when a data file
    /// cannot be read again.
    func provenance(dataFiles: [String]) throws(ReportError) -> Provenance {
        let tree = SourceTree.state
        var files: [Provenance.DataFile] = []
        for path in dataFiles { files.append(try Provenance.DataFile.describe(path: path)) }
        return Provenance(program: .init(path: program.name, text: String(decoding: program.bytes, as: UTF8.self)),
                          tilt: .init(version: Tilt.version, commit: tree?.commit, modified: tree?.modified),
                          dataFiles: files, runDate: Provenance.timestamp(started),
                          wallTimeSeconds: Date().timeIntervalSince(started))
    }
}

/// The commit of the source tree this binary was compiled from, read with git from the folder this file
/// was compiled in (so a binary moved away from its tree, or a machine without git, reports none), and
/// whether the tree has changes not committed. Read once per run.
enum SourceTree {
    static let state: (commit: String, modified: Bool)? = {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().path
        guard let commit = git(["-C", folder, "rev-parse", "HEAD"]), commit.count == 40,
              let status = git(["-C", folder, "status", "--porcelain", "--untracked-files=no"]) else { return nil }
        return (commit, !status.isEmpty)
    }()

    /// The trimmed standard output of `git arguments`; `nil` when git cannot be run or fails.
    private static func git(_ arguments: [String]) -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git"] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
