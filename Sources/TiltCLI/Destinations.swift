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
        let parent = (ancestor as NSString).deletingLastPathComponent
        ancestor = parent.isEmpty ? "." : parent
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

/// `path` made absolute, with `.`, `..` and symbolic links resolved (its folder must exist, the file need
/// not), so that two spellings of one file compare equal.
func resolvedPath(_ path: String) -> String {
    let url = URL(fileURLWithPath: path).standardizedFileURL
    if FileManager.default.fileExists(atPath: url.path) { return url.resolvingSymlinksInPath().path }
    return url.deletingLastPathComponent().resolvingSymlinksInPath().appendingPathComponent(url.lastPathComponent).path
}
