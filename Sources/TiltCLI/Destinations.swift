import ArgumentParser
import Foundation
import TiltReport

// Where a command will write is checked before any work is done (in `validate()`): a bad destination is
// a usage error naming the path (exit 2), not a failure after a long run with some files already written.

/// Throws a usage error unless `path`, given as `option`, can name a file to write: not empty, not a
/// folder, and `fileProblem` finds nothing wrong.
func validateFileDestination(_ path: String, option: String) throws {
    guard !path.isEmpty else { throw ValidationError("\(option) is empty: it names the file to write") }
    if path.hasSuffix("/") || isFolder(path) {
        throw ValidationError("\(option) `\(path)` is a folder: it names the file to write")
    }
    if let problem = fileProblem(path) { throw ValidationError("\(option) `\(path)`: \(problem)") }
}

/// Throws a usage error unless `path`, given as `option`, can name a folder to write the files `names`
/// into: not empty, not a file, and a writable folder or one that can be created (its nearest existing
/// ancestor is a writable folder); in an existing folder, `fileProblem` finds nothing wrong with any of
/// the files.
func validateFolderDestination(_ path: String, option: String, files names: [String]) throws {
    guard !path.isEmpty else { throw ValidationError("\(option) is empty: it names the folder to write to") }
    var ancestor = path
    while !FileManager.default.fileExists(atPath: ancestor), ancestor != ".", ancestor != "/" {
        ancestor = AtomicFile.folder(of: ancestor)
    }
    if ancestor == path, !isFolder(path) {
        throw ValidationError("\(option) `\(path)` is a file: it names the folder to write to")
    }
    if let problem = writableFolderProblem(ancestor) {
        throw ValidationError("\(option) `\(path)`: \(problem)")
    }
    guard ancestor == path else { return }
    for name in names {
        if let problem = fileProblem((path as NSString).appendingPathComponent(name)) {
            throw ValidationError("\(option) `\(path)`: cannot write `\(name)` in it: \(problem)")
        }
    }
}

/// Why `AtomicFile` could not replace `path`, or nil when it can: what the path names once symbolic links
/// are followed must be a regular file or nothing yet (never a device, a FIFO or a socket, which the
/// rename would destroy), in an existing folder that can be written to (where the temporary file goes).
private func fileProblem(_ path: String) -> String? {
    let target: String
    do {
        target = try AtomicFile.target(of: path)
    } catch {
        return error.message
    }
    return writableFolderProblem(AtomicFile.folder(of: target))
}

/// Why files cannot be written in `folder`, or nil when they can.
private func writableFolderProblem(_ folder: String) -> String? {
    guard FileManager.default.fileExists(atPath: folder) else { return "the folder `\(folder)` does not exist" }
    guard isFolder(folder) else { return "`\(folder)` is a file, not a folder" }
    guard access(folder, W_OK) == 0 else { return "the folder `\(folder)` cannot be written to" }
    return nil
}

private func isFolder(_ path: String) -> Bool {
    var isDirectory: ObjCBool = false
    return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
}

/// The file a write to `path` replaces, made absolute with `.`, `..` and every symbolic link resolved —
/// a link at its end too, even one that points to a file not made yet — so that two spellings of one
/// file compare equal (`X` and `link-to-X`).
func resolvedPath(_ path: String) -> String {
    let target = (try? AtomicFile.target(of: path)) ?? path
    return OutputFolder.entryPath(target) ?? URL(fileURLWithPath: target).standardizedFileURL.path
}

/// The folder `--out` names, checked before the program runs (`validateFolderDestination`, and the
/// program file is not one of its files). The report's files are staged as the program produces them and
/// replace Tilt's files in the folder as one set when the program has run without error (`OutputFolder`);
/// after an error the folder keeps its old set. A data file the program reads that the set would replace
/// is an error at the statement naming it, before any work (`Session.checkInput`, asked about the plan's
/// data sources before the program runs and again when a plan runs, and by `read`). A report that cannot be
/// written all the same (a full disk, a folder changed meanwhile) is not an error in the program: it is
/// printed as `tilt: PATH: error: reason`, without a program location, and remembered so that the command
/// ends with status 1.
final class ReportFolder {
    /// Every file a report may write into the folder (checked before the program runs).
    static let fileNames = ReportWriter.fileNames + ReportWriter.optionalFileNames + [StudyCSV.fileName]

    let folder: OutputFolder
    private(set) var writeFailed = false

    init(path: String) { folder = OutputFolder(path: path, ownNames: ReportFolder.fileNames) }

    /// Runs `write`, which stages files in the folder; says why not when it fails.
    func write(_ write: (OutputFolder) throws -> [URL]) {
        do {
            _ = try write(folder)
        } catch {
            printError("tilt: \(error)\n")
            writeFailed = true
        }
    }

    /// Why the program must not read `path` (the session's `checkInput`): the report would replace it.
    func refusal(toRead path: String) -> String? {
        do {
            try folder.check(input: path)
            return nil
        } catch {
            return "--out `\(folder.path)`: \(error.message)"
        }
    }

    /// At the end of the run: the staged files replace the folder's set when the program succeeded (and
    /// says which were written), or are dropped when it failed.
    func finish(programSucceeded: Bool) {
        guard folder.hasStagedFiles else { return }
        guard programSucceeded, !writeFailed else {
            folder.discard()
            printError("tilt: \(folder.path): the report is not written (the run did not complete); the folder is as it was\n")
            return
        }
        do {
            let written = try folder.commit()
            print("wrote " + written.map(\.path).joined(separator: ", "))
        } catch {
            printError("tilt: \(error)\n")
            writeFailed = true
        }
    }
}

/// Throws a usage error when the program file `program` is one of the files `--out folder` would replace.
func validateProgramIsNotAnOutput(_ program: String, folder: String) throws {
    guard program != "-" else { return }
    do {
        try OutputFolder(path: folder, ownNames: ReportFolder.fileNames).check(input: program)
    } catch {
        throw ValidationError("--out `\(folder)`: \(error.message)")
    }
}
