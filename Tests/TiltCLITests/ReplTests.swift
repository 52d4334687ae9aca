import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Drives `tilt repl` through a real pseudo-terminal, as a person at a keyboard would: readline sees a
/// terminal, Ctrl-C reaches the REPL as SIGINT (setsid makes the pty its controlling terminal).
final class PseudoTerminalSession {
    let master: Int32
    let process = Process()
    private(set) var transcript = ""

    init(arguments: [String], home: String) throws {
        // Linux pseudo-terminal multiplexer; ioctls: TIOCSPTLCK (unlock) and TIOCGPTN (slave number).
        master = open("/dev/ptmx", O_RDWR | O_NOCTTY)
        var unlock: Int32 = 0, number: UInt32 = 0
        guard master >= 0, ioctl(master, 0x4004_5431, &unlock) == 0, ioctl(master, 0x8004_5430, &number) == 0 else {
            throw POSIXError(.ENODEV)
        }
        let slavePath = "/dev/pts/\(number)"
        guard let slave = FileHandle(forUpdatingAtPath: slavePath) else { throw POSIXError(.ENODEV) }
        var size = winsize(ws_row: 40, ws_col: 120, ws_xpixel: 0, ws_ypixel: 0)
        _ = ioctl(master, UInt(TIOCSWINSZ), &size)
        process.executableURL = URL(fileURLWithPath: "/usr/bin/setsid")
        process.arguments = ["-c", TiltBinary.path] + arguments
        var env = ProcessInfo.processInfo.environment
        env["HOME"] = home
        env["TERM"] = "xterm"
        env["NO_COLOR"] = "1"
        env["INPUTRC"] = "/dev/null"
        process.environment = env
        process.standardInput = slave
        process.standardOutput = slave
        process.standardError = slave
        try process.run()
        try slave.close()
    }

    func type(_ text: String) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBufferPointer { write(master, $0.baseAddress, $0.count) }
    }

    /// Reads until `needle` appears in the transcript after `from`, or the timeout passes.
    @discardableResult
    func waitFor(_ needle: String, timeout: TimeInterval = 10) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if transcript.contains(needle) { return true }
            var pfd = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
            if poll(&pfd, 1, 100) > 0 {
                var buffer = [UInt8](repeating: 0, count: 4096)
                let n = read(master, &buffer, buffer.count)
                if n <= 0 { break }
                transcript += String(decoding: buffer[0..<n], as: UTF8.self)
            }
        }
        return transcript.contains(needle)
    }

    /// Forgets what has been read so far, so that the next `waitFor` looks only at new output.
    func clear() { transcript = "" }

    func finish() -> Int32 {
        let deadline = Date().addingTimeInterval(10)
        while process.isRunning && Date() < deadline {
            _ = waitFor("\u{0}", timeout: 0.2)
        }
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        close(master)
        return process.terminationStatus
    }
}

@Test func replInARealTerminal() throws {
    let home = FileManager.default.temporaryDirectory.appendingPathComponent("tilt-home-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
    let repl = try PseudoTerminalSession(arguments: ["repl"], home: home.path)
    #expect(repl.waitFor("tilt> "), "prompt: \(repl.transcript)")

    // A multi-line entry: the bracket stays open, the continuation prompt appears.
    repl.clear()
    repl.type("let A = [2, 1;\r")
    #expect(repl.waitFor("  ... "), "continuation: \(repl.transcript)")
    repl.type("1, 3]\r")
    #expect(repl.waitFor("tilt> "))

    // Tab completion of a built-in: `cums` + TAB completes to `cumsum`.
    repl.clear()
    repl.type("cums\t")
    #expect(repl.waitFor("cumsum"), "completion: \(repl.transcript)")
    repl.type("(A)\r")
    #expect(repl.waitFor("cumsum(A) =\n") || repl.waitFor("cumsum(A) =\r\n"), "\(repl.transcript)")
    #expect(repl.waitFor("tilt> "))

    // An error is reported with its location and the session goes on.
    repl.clear()
    repl.type("inv(B)\r")
    #expect(repl.waitFor("error: unknown name `B`"), "\(repl.transcript)")
    #expect(repl.waitFor("tilt> "))

    // Ctrl-C abandons a half-typed multi-line entry.
    repl.clear()
    repl.type("let z = (1 +\r")
    #expect(repl.waitFor("  ... "))
    repl.type("\u{3}")
    #expect(repl.waitFor("tilt> "), "after Ctrl-C: \(repl.transcript)")
    repl.clear()
    repl.type("inv(A) * A\r")
    #expect(repl.waitFor("2×2 matrix"), "\(repl.transcript)")

    // :type shows type and shape.
    repl.clear()
    repl.type(":type A[:, 1]\r")
    #expect(repl.waitFor("2-vector (2×1 column)"), "\(repl.transcript)")

    // Ctrl-D leaves; history was saved.
    repl.type("\u{4}")
    #expect(repl.finish() == 0)
    let history = (try? String(contentsOf: home.appendingPathComponent(".tilt_history"), encoding: .utf8)) ?? ""
    #expect(history.contains("let A = [2, 1;"))
    #expect(history.contains(":type A[:, 1]"))
}
