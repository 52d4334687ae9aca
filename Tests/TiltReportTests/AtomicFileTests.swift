import Foundation
import Testing
@testable import TiltReport
import TiltTestSupport

/// `AtomicFile` replaces regular files only, follows symbolic links, keeps permissions and reports every
/// failed write.
@Suite struct AtomicFileTests {
    /// A device node, a FIFO, a socket or a folder is refused and left as it was; nothing else is written.
    @Test func onlyARegularFileIsReplaced() throws {
        let folder = try scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let fifo = folder.appendingPathComponent("fifo.csv")
        #expect(mkfifo(fifo.path, 0o644) == 0)
        let socketPath = folder.appendingPathComponent("socket.csv")
        try bindSocket(at: socketPath.path)
        let subfolder = folder.appendingPathComponent("folder.csv")
        try FileManager.default.createDirectory(at: subfolder, withIntermediateDirectories: false)
        var refused = [(fifo, "it is a FIFO (named pipe), not a regular file"), (socketPath, "it is a socket, not a regular file"),
                       (subfolder, "it is a folder, not a regular file")]
        // A device node (the null device's numbers, 1:3, made here, never in /dev) needs root to be made.
        let device = folder.appendingPathComponent("device.csv")
        if getuid() == 0, mknod(device.path, S_IFCHR | 0o666, dev_t(0x103)) == 0 {
            refused.append((device, "it is a character device, not a regular file"))
        }
        let link = folder.appendingPathComponent("link.csv")
        try FileManager.default.createSymbolicLink(atPath: link.path, withDestinationPath: "fifo.csv")
        refused.append((link, "it links to `\(fifo.path)`, which is a FIFO (named pipe), not a regular file"))
        let typesBefore = refused.map { fileType($0.0.path) }
        for (url, message) in refused {
            #expect(throws: ReportError(path: url.path, message: message)) { try AtomicFile.write("x", to: url) }
        }
        #expect(refused.map { fileType($0.0.path) } == typesBefore)
        #expect(typesBefore.last == S_IFLNK && !typesBefore.contains(S_IFREG))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasPrefix(".") }.isEmpty)
    }

    /// A symbolic link stays a link (relative, through another link, or dangling): the file it points to is
    /// replaced, or created.
    @Test func aSymbolicLinkIsFollowed() throws {
        let folder = try scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let inner = folder.appendingPathComponent("inner")
        try FileManager.default.createDirectory(at: inner, withIntermediateDirectories: false)
        try "old".write(to: inner.appendingPathComponent("real.csv"), atomically: false, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: folder.appendingPathComponent("first.csv").path,
                                                   withDestinationPath: "second.csv")
        try FileManager.default.createSymbolicLink(atPath: folder.appendingPathComponent("second.csv").path,
                                                   withDestinationPath: "inner/real.csv")
        try AtomicFile.write("new", to: folder.appendingPathComponent("first.csv"))
        #expect(try String(contentsOf: inner.appendingPathComponent("real.csv"), encoding: .utf8) == "new")
        #expect(fileType(folder.appendingPathComponent("first.csv").path) == S_IFLNK)
        #expect(fileType(folder.appendingPathComponent("second.csv").path) == S_IFLNK)
        #expect(try FileManager.default.contentsOfDirectory(atPath: inner.path) == ["real.csv"], "no temporary file left")
        try FileManager.default.createSymbolicLink(atPath: folder.appendingPathComponent("dangling.csv").path,
                                                   withDestinationPath: "inner/created.csv")
        try AtomicFile.write("made", to: folder.appendingPathComponent("dangling.csv"))
        #expect(try String(contentsOf: inner.appendingPathComponent("created.csv"), encoding: .utf8) == "made")
        try FileManager.default.createSymbolicLink(atPath: folder.appendingPathComponent("loop.csv").path,
                                                   withDestinationPath: "loop.csv")
        #expect(throws: ReportError.self) { try AtomicFile.write("x", to: folder.appendingPathComponent("loop.csv")) }
    }

    @Test func aReplacedFileKeepsItsPermissions() throws {
        let folder = try scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("private.csv")
        try "old".write(to: file, atomically: false, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o640], ofItemAtPath: file.path)
        try AtomicFile.write("new", to: file)
        #expect(try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? Int == 0o640)
        #expect(try String(contentsOf: file, encoding: .utf8) == "new")
    }

    /// A write the system refuses is an error naming the file; when writing fails half way, the old file
    /// is untouched and no temporary file is left.
    @Test func aFailedWriteIsAnErrorAndLeavesTheOldFile() throws {
        let folder = try scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let readOnly = folder.appendingPathComponent("read-only")
        try Data().write(to: readOnly)
        let descriptor = open(readOnly.path, O_RDONLY)
        defer { close(descriptor) }
        #expect(throws: ReportError(path: "x.csv", message: "cannot write: \(String(cString: strerror(EBADF)))")) {
            try AtomicFile.Output(descriptor: descriptor, path: "x.csv").write([1, 2, 3])
        }
        let file = folder.appendingPathComponent("data.csv")
        try "old".write(to: file, atomically: false, encoding: .utf8)
        let failure = ReportError(path: file.path, message: "cannot write: No space left on device")
        #expect(throws: failure) {
            try AtomicFile.write(to: file) { (output: AtomicFile.Output) throws(ReportError) in
                try output.write(Array("partial".utf8))
                throw failure
            }
        }
        #expect(try String(contentsOf: file, encoding: .utf8) == "old")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == ["data.csv", "read-only"])
    }

    /// The type of what `path` names, links not followed (`S_IFREG`, `S_IFLNK`, …), or 0 when nothing is there.
    private func fileType(_ path: String) -> mode_t {
        var info = stat()
        return lstat(path, &info) == 0 ? info.st_mode & S_IFMT : 0
    }

    /// Binds a Unix-domain socket at `path` (the socket file stays after the descriptor is closed).
    private func bindSocket(at path: String) throws {
        #if canImport(Glibc)
        let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let descriptor = socket(AF_UNIX, SOCK_STREAM, 0)
        #endif
        defer { close(descriptor) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (i, byte) in path.utf8.prefix(raw.count - 1).enumerated() { raw[i] = byte }
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        try #require(bound == 0, "bind \(path): \(String(cString: strerror(errno)))")
    }
}
