import ArgumentParser
import Foundation

// Where a command will write is checked before any work is done (in `validate()`): a bad destination is
// a usage error naming the path (exit 2), not a failure after a long run with some files already written.

/// Throws a usage error unless `path`, given as `option`, can name a file to write: not empty, not a
/// folder, inside an existing folder that can be written to.
func validateFileDestination(_ path: String, option: String) throws {
    guard !path.isEmpty else { throw ValidationError("\(option) is empty: it names the file to write") }
    if path.hasSuffix("/") || isFolder(path) {
        throw ValidationError("\(option) `\(path)` is a folder: it names the file to write")
    }
    let folder = (path as NSString).deletingLastPathComponent
    if let problem = writableFolderProblem(folder.isEmpty ? "." : folder) {
        throw ValidationError("\(option) `\(path)`: \(problem)")
    }
}

/// Throws a usage error unless `path`, given as `option`, can name a folder to write files into: not
/// empty, not a file, and a writable folder or one that can be created (its nearest existing ancestor is a
/// writable folder).
func validateFolderDestination(_ path: String, option: String) throws {
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
