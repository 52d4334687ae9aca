import Foundation
import Testing
#if canImport(Glibc)
import Glibc
import TiltTestSupport
#endif

/// Drives `tilt repl` through a real pseudo-terminal, as a person at a keyboard would: readline sees a
/// terminal, Ctrl-C reaches the REPL as SIGINT (setsid makes the pty its controlling terminal).
final class PseudoTerminalSession {
    let master: Int32
    let pid: pid_t
    private(set) var transcript = ""

    /// Starts `tilt ARGS` in a new session whose controlling terminal is a fresh pseudo-terminal:
    /// posix_spawn with POSIX_SPAWN_SETSID opens the slave in the child, so it becomes the session's
    /// terminal and Ctrl-C typed on the master reaches the REPL as SIGINT. Signal mask and dispositions are
    /// reset so that nothing blocked in the test runner leaks into the child.
    init(arguments: [String], home: String) throws {
        // Linux pseudo-terminal multiplexer; ioctls: TIOCSPTLCK (unlock) and TIOCGPTN (slave number).
        master = open("/dev/ptmx", O_RDWR | O_NOCTTY)
        var unlock: Int32 = 0, number: UInt32 = 0
        guard master >= 0, ioctl(master, 0x4004_5431, &unlock) == 0, ioctl(master, 0x8004_5430, &number) == 0 else {
            throw POSIXError(.ENODEV)
        }
        var size = winsize(ws_row: 40, ws_col: 120, ws_xpixel: 0, ws_ypixel: 0)
        _ = ioctl(master, UInt(TIOCSWINSZ), &size)
        let slavePath = "/dev/pts/\(number)"

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addclose(&actions, master)
        posix_spawn_file_actions_addopen(&actions, 0, slavePath, O_RDWR, 0)
        posix_spawn_file_actions_adddup2(&actions, 0, 1)
        posix_spawn_file_actions_adddup2(&actions, 0, 2)
        var environment = ProcessInfo.processInfo.environment
        environment["HOME"] = home
        environment["TERM"] = "xterm"
        environment["NO_COLOR"] = "1"
        environment["INPUTRC"] = "/dev/null"
        let setSession: Int32 = 0x80 // POSIX_SPAWN_SETSID (glibc)
        pid = try TiltBinary.spawn(arguments, environment: environment, actions: &actions, flags: setSession)
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

    /// Waits until the REPL shows a fresh prompt (the output ends with it), then gives readline a moment
    /// to switch the terminal to raw mode, as a person's reaction time would.
    @discardableResult
    func atPrompt(_ prompt: String = "tilt> ", timeout: TimeInterval = 10) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if transcript.hasSuffix(prompt) {
                usleep(50_000)
                return true
            }
            _ = waitFor("\u{0}", timeout: 0.05)
        }
        return false
    }

    /// Forgets what has been read so far, so that the next `waitFor` looks only at new output.
    func clear() { transcript = "" }

    /// Waits (at most 10 s) for the REPL to exit; its exit status, or -1 when it had to be killed.
    func finish() -> Int32 {
        var status: Int32 = 0
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            if waitpid(pid, &status, WNOHANG) == pid {
                close(master)
                return (status & 0x7f) == 0 ? (status >> 8) & 0xff : -1
            }
            _ = waitFor("\u{0}", timeout: 0.1)
        }
        kill(pid, SIGKILL)
        waitpid(pid, &status, 0)
        close(master)
        return -1
    }
}

@Test func replInARealTerminal() throws {
    let home = try scratchFolder()
    let repl = try PseudoTerminalSession(arguments: ["repl"], home: home.path)
    #expect(repl.atPrompt(), "prompt: \(repl.transcript)")

    // A multi-line entry: the bracket stays open, the continuation prompt appears.
    repl.clear()
    repl.type("let A = [2, 1;\r")
    #expect(repl.atPrompt("  ... "), "continuation: \(repl.transcript)")
    repl.type("1, 3]\r")
    #expect(repl.atPrompt())

    // Tab completion of a built-in: `cums` + TAB completes to `cumsum`.
    repl.clear()
    repl.type("cums\t")
    #expect(repl.waitFor("cumsum"), "completion: \(repl.transcript)")
    repl.type("(A)\r")
    #expect(repl.waitFor("cumsum(A) =\r\n"), "\(repl.transcript)")
    #expect(repl.atPrompt())

    // An error is reported with its location and the session goes on.
    repl.clear()
    repl.type("inv(B)\r")
    #expect(repl.waitFor("error: unknown name `B`"), "\(repl.transcript)")
    #expect(repl.atPrompt())

    // Ctrl-C abandons a half-typed multi-line entry.
    repl.clear()
    repl.type("let z = (1 +\r")
    #expect(repl.atPrompt("  ... "))
    repl.type("\u{3}")
    #expect(repl.atPrompt(), "after Ctrl-C: \(repl.transcript)")
    repl.clear()
    repl.type("inv(A) * A\r")
    #expect(repl.waitFor("2×2 matrix"), "\(repl.transcript)")
    #expect(repl.atPrompt())

    // :type shows type and shape.
    repl.clear()
    repl.type(":type A[:, 1]\r")
    #expect(repl.waitFor("2-vector (2×1 column)"), "\(repl.transcript)")
    #expect(repl.atPrompt())

    // Ctrl-D (typed at the prompt, as a person would) leaves; history was saved.
    repl.type("\u{4}")
    let exitStatus = repl.finish()
    #expect(exitStatus == 0, "\(repl.transcript.debugDescription)")
    let history = (try? String(contentsOf: home.appendingPathComponent(".tilt_history"), encoding: .utf8)) ?? ""
    #expect(history.contains("let A = [2, 1; 1, 3]"))
    #expect(history.contains(":type A[:, 1]"))
}

/// Commands whose argument is missing or has nothing to act on say so; a device reads like a file.
@Test func replCommandsAreNeverSilent() throws {
    let home = try scratchFolder()
    let input = ":explain\n:explain 1 + 1\n:explain let x = 1\n:load /dev/null\n:load /\n"
    let result = try TiltBinary.run(["repl"], input: Data(input.utf8), environment: ["HOME": home.path])
    #expect(result.status == 0)
    #expect(result.stderr == ":explain needs a statement, e.g. :explain solve minimize sumsq(w)\ncannot open `/`: it is a directory\n")
    let nothing = "nothing to explain: explain covers `solve` statements, and there is none here\n"
    #expect(result.stdout.components(separatedBy: nothing).count == 3, "\(result.stdout)")
}
