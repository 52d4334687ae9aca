import Foundation

/// Why a data file cannot be read, in plain words, before anything tries to: Foundation's own messages
/// read "NSCocoaErrorDomain error 256" for a folder on Linux, and a symbolic link whose target is gone
/// would read as "no such file" although the link is right there.
public enum DataFile {
    /// Returns when `path` names a readable file (or a symbolic link to one); throws a `DataError` about
    /// the whole file otherwise: no such file, a link to a file that does not exist (naming the target), a
    /// folder, or no permission to read.
    public static func checkReadable(_ path: String) throws {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            if let target = danglingLinkTarget(path) {
                throw DataError(path: path, line: 0, message: "cannot read the file: it is a symbolic link to `\(target)`, which does not exist",
                                hint: "restore the file it points to, or point the link at the data")
            }
            throw DataError(path: path, line: 0, message: "cannot read the file (there is no such file)")
        }
        guard !isFolder.boolValue else { throw DataError(path: path, line: 0, message: "is a folder, not a file") }
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw DataError(path: path, line: 0, message: "cannot read the file (permission denied)")
        }
    }

    /// The target written in `path` when `path` is a symbolic link whose target does not exist (a link to
    /// a link to nothing counts), `nil` otherwise.
    public static func danglingLinkTarget(_ path: String) -> String? {
        guard !FileManager.default.fileExists(atPath: path),
              let target = try? FileManager.default.destinationOfSymbolicLink(atPath: path) else { return nil }
        return target
    }
}
