import Foundation

/// Writes whole files atomically: the bytes go to a hidden temporary file in the target's folder, which is
/// then renamed over the target, so readers see the old file or the complete new one, never a part.
///
/// The target is the file the path names once symbolic links are followed: a link stays a link and the
/// file it points to is replaced. A target that exists and is not a regular file (a device, a FIFO, a
/// socket, a folder) is refused, because renaming over it would destroy it (run as root, `/dev/full`
/// itself). Every write, the flush to disk and the close are checked, so a full disk is an error naming the
/// file, never a file reported as written. A replaced file keeps its permissions. A signal that ends the
/// process while a file is written removes its temporary file (`Interruption`).
public enum AtomicFile {
    /// Writes `text` as UTF-8 to `url` (see `write(to:_:)`).
    public static func write(_ text: String, to url: URL) throws(ReportError) {
        try write(to: url) { (output: Output) throws(ReportError) in try output.write(Array(text.utf8)) }
    }

    /// Writes to `url` what `produce` gives its output, in as many pieces as it likes (a large file need not
    /// be held in memory whole). Throws when the target is not a regular file, when anything cannot be
    /// written, or what `produce` throws; the target is then untouched and no temporary file is left.
    public static func write(to url: URL, _ produce: (Output) throws(ReportError) -> Void) throws(ReportError) {
        let target = try target(of: url.path)
        let temporary = folder(of: target) + "/" + temporaryPrefix + UUID().uuidString + ".tmp"
        // The temporary file and its cleanup come into being together (see `Interruption`).
        let (descriptor, cleanup, openError) = Interruption.whileHeld {
            let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
            let reason = lastError()
            return (descriptor, descriptor >= 0 ? Interruption.addCleanup { unlink(temporary) } : nil, reason)
        }
        guard descriptor >= 0, let cleanup else {
            throw ReportError(path: url.path, message: "cannot create a temporary file in `\(folder(of: target))`: \(openError)")
        }
        /// Removes the temporary file after a failure, with its cleanup.
        func abandon() {
            Interruption.whileHeld {
                unlink(temporary)
                Interruption.removeCleanup(cleanup)
            }
        }
        do throws(ReportError) {
            try keepPermissions(of: target, on: descriptor, path: url.path)
            try produce(Output(descriptor: descriptor, path: url.path))
            guard fsync(descriptor) == 0 else { throw ReportError(path: url.path, message: "cannot write: \(lastError())") }
        } catch {
            close(descriptor)
            abandon()
            throw error
        }
        // A close that fails (a network file system reporting a late write error) means the data may not be there.
        guard close(descriptor) == 0 else {
            let reason = lastError()
            abandon()
            throw ReportError(path: url.path, message: "cannot write: \(reason)")
        }
        let (renamed, renameError) = Interruption.whileHeld {
            let renamed = rename(temporary, target) == 0
            let reason = lastError()
            if renamed { Interruption.removeCleanup(cleanup) }
            return (renamed, reason)
        }
        guard renamed else {
            let reason = renameError
            abandon()
            throw ReportError(path: url.path, message: "cannot replace the file: \(reason)")
        }
    }

    /// The start of a temporary file's name (`.tilt-<UUID>.tmp`, hidden).
    static let temporaryPrefix = ".tilt-"

    /// Where the bytes of a file being written go.
    public struct Output {
        let descriptor: Int32
        /// The path the file was asked for, named in errors.
        let path: String

        /// Appends `bytes` to the file; a write the system cuts short is continued, a failed one (a full
        /// disk, a file too large) throws.
        public func write(_ bytes: [UInt8]) throws(ReportError) {
            var offset = 0
            while offset < bytes.count {
                let written = bytes.withUnsafeBytes { writeSome(descriptor, $0.baseAddress! + offset, $0.count - offset) }
                if written < 0, errno == EINTR { continue }
                guard written > 0 else {
                    throw ReportError(path: path, message: "cannot write: \(written < 0 ? lastError() : "no byte was written")")
                }
                offset += written
            }
        }
    }

    /// The file a write to `path` replaces: `path` itself, or for a symbolic link the file it points to,
    /// through any chain of links (it need not exist yet). Throws when that file exists and is not a regular
    /// file, or the links cannot be followed.
    public static func target(of path: String) throws(ReportError) -> String {
        var current = path
        for _ in 0..<maximumLinks {
            var info = stat()
            guard lstat(current, &info) == 0 else {
                if errno == ENOENT { return current }
                throw ReportError(path: path, message: "cannot examine `\(current)`: \(lastError())")
            }
            let type = info.st_mode & S_IFMT
            if type == S_IFREG { return current }
            guard type == S_IFLNK else {
                let kind = kindName(type)
                throw ReportError(path: path, message: current == path ? "it is \(kind), not a regular file"
                                                    : "it links to `\(current)`, which is \(kind), not a regular file")
            }
            current = try linkDestination(current, path: path)
        }
        throw ReportError(path: path, message: "cannot follow its symbolic links: \(String(cString: strerror(ELOOP)))")
    }

    /// The operating system's words for a Foundation error, when it gave some.
    public static func reason(_ error: Error) -> String {
        let ns = error as NSError
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain,
           let code = Int32(exactly: underlying.code).flatMap(POSIXErrorCode.init(rawValue:)) {
            return String(cString: strerror(code.rawValue))
        }
        if ns.domain == NSPOSIXErrorDomain, let code = Int32(exactly: ns.code) { return String(cString: strerror(code)) }
        return ns.localizedDescription
    }

    /// The most links followed from one path (the system's own limit, after which it says ELOOP).
    static let maximumLinks = 40

    /// The folder holding `path` (`.` for a bare name, `/` for a name at the root): where its temporary file
    /// is made, so that the rename stays inside one file system. Written out rather than Foundation's
    /// `NSString.deletingLastPathComponent`, which traps on a one-character path (`--out o`) on Linux.
    public static func folder(of path: String) -> String {
        var rest = Substring(path)
        while rest.count > 1, rest.hasSuffix("/") { rest = rest.dropLast() }
        guard let slash = rest.lastIndex(of: "/") else { return "." }
        var folder = rest[..<slash]
        while folder.hasSuffix("/") { folder = folder.dropLast() }
        return folder.isEmpty ? "/" : String(folder)
    }

    /// The path `name` (a relative path) has in the folder of `path`: beside `data/crsp.csv` it is
    /// `data/factors.csv`, beside `crsp.csv` just `factors.csv`.
    public static func sibling(_ name: String, of path: String) -> String {
        guard path.contains("/") else { return name }
        let folder = folder(of: path)
        return folder == "/" ? "/" + name : folder + "/" + name
    }

    /// Where the symbolic link `link` points, as a path usable from here (a relative link is relative to
    /// the link's folder).
    private static func linkDestination(_ link: String, path: String) throws(ReportError) -> String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let length = readlink(link, &buffer, buffer.count - 1)
        guard length >= 0 else { throw ReportError(path: path, message: "cannot read the link `\(link)`: \(lastError())") }
        let destination = String(decoding: buffer[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return destination.hasPrefix("/") ? destination : sibling(destination, of: link)
    }

    /// Gives the new file the replaced file's permission bits (and its owner and group when the process may
    /// set them, as root may: an ordinary user cannot give a file away, and the new file is then theirs, as
    /// an editor's would be). A new file keeps the default the umask gives.
    private static func keepPermissions(of target: String, on descriptor: Int32, path: String) throws(ReportError) {
        var info = stat()
        guard stat(target, &info) == 0 else { return }
        if info.st_uid != geteuid() || info.st_gid != getegid() { _ = fchown(descriptor, info.st_uid, info.st_gid) }
        guard fchmod(descriptor, info.st_mode & 0o777) == 0 else {
            throw ReportError(path: path, message: "cannot keep the file's permissions: \(lastError())")
        }
    }

    /// A file type (`st_mode & S_IFMT`) in words, with its article.
    private static func kindName(_ type: mode_t) -> String {
        switch type {
        case S_IFDIR: return "a folder"
        case S_IFCHR: return "a character device"
        case S_IFBLK: return "a block device"
        case S_IFIFO: return "a FIFO (named pipe)"
        case S_IFSOCK: return "a socket"
        default: return "a special file"
        }
    }
}

/// `write(2)`, named apart from `Output.write` so that the system call can be reached.
private func writeSome(_ descriptor: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    write(descriptor, bytes, count)
}

/// The system's words for the last failed call (`errno`).
private func lastError() -> String {
    String(cString: strerror(errno))
}
