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
    let nothing = "nothing to explain: explain covers `solve` statements and a strategy's problem, and there is neither here\n"
    #expect(result.stdout.components(separatedBy: nothing).count == 3, "\(result.stdout)")
}

/// `:explain` shows the solver settings a `solve` would use, and `:help solve` its options.
@Test func replExplainsASolvesSettings() throws {
    let home = try scratchFolder()
    let input = "var w[2] >= 0\n:explain solve(tol_gap: 1e-10, max_iter: 80) minimize sumsq(w) s.t. sum(w) == 1\n:help solve\n"
    let result = try TiltBinary.run(["repl"], input: Data(input.utf8), environment: ["HOME": home.path])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.contains("solver: tol_feas 1e-8, tol_gap_abs 1e-10, tol_gap_rel 1e-10, tol_infeas 1e-8, max_iter 80\n"), "\(result.stdout)")
    #expect(result.stdout.contains("solve[(OPTIONS)] minimize EXPR s.t. C1, C2") && result.stdout.contains("solve(tol_feas: 1e-10, tol_gap: 1e-10)"),
            "\(result.stdout)")
}

/// `:help WORD` prints that word's entries (the vocabulary's, and what `at M` binds to it), not the whole
/// list; a word the language does not have is said to be one.
@Test func replHelpOfAWord() throws {
    let home = try scratchFolder()
    let input = ":help tev\n:help Sigma_f\n:help at\n:help backtest\n:help frobnicate\n"
    let result = try TiltBinary.run(["repl"], input: Data(input.utf8), environment: ["HOME": home.path])
    #expect(result.status == 0)
    #expect(result.stdout.contains("tev\n    annualised ex-ante tracking error √(12·risk)"), "\(result.stdout)")
    #expect(result.stdout.contains("Sigma_f\n    factor covariance over the window"), "\(result.stdout)")
    #expect(result.stdout.contains("    names: assets, c, sector, M, F, mu, Sigma_f, E, b"), "\(result.stdout)")
    #expect(result.stdout.contains("backtest\n    once a strategy ran in the session, its result"), "\(result.stdout)")
    #expect(!result.stdout.contains("Built-in functions:"), "\(result.stdout)")
    #expect(result.stderr == "`frobnicate` is not a word of the language; :help lists them\n")
}

/// The teaching walkthrough in a real terminal: a month of the strategy's data opened with `at`, the
/// sector algebra on it, the backtest, the month's solution against the backtest's weights, the result as
/// a value — then Ctrl-C during a second backtest returns to the prompt with the session as it was. On
/// the 48 industries when the shared data is there, else on the built-in synthetic market.
@Test func replWalkthroughWithCtrlCDuringABacktest() throws {
    let home = try scratchFolder()
    let data = ProcessInfo.processInfo.environment["TILT_DATA"]
        ?? TiltBinary.repositoryRoot.appendingPathComponent("../shared/data").standardizedFileURL.path
    let real = FileManager.default.fileExists(atPath: data + "/48_Industry_Portfolios.CSV")
    if !real { print("replWalkthroughWithCtrlCDuringABacktest: no 48_Industry_Portfolios.CSV in \(data) (set TILT_DATA) — on the synthetic market") }
    let repl = try PseudoTerminalSession(arguments: ["repl", "--data", data], home: home.path)
    #expect(repl.atPrompt(), "prompt: \(repl.transcript)")
    func enter(_ line: String, expecting needle: String, timeout: TimeInterval = 120) {
        repl.clear()
        repl.type(line + "\r")
        #expect(repl.waitFor(needle, timeout: timeout), "\(line): \(repl.transcript)")
        #expect(repl.atPrompt(timeout: timeout), "\(line): \(repl.transcript)")
    }
    let statements = real
        ? ["universe kenfrench(\"48_Industry_Portfolios.CSV\")", "factors \"F-F_Research_Data_5_Factors_2x3.csv\"",
           "model ols(window: expanding, from: 1963-07)", "allocate by sector"]
        : ["universe synthetic(stocks: 300, seed: 7, from: 1985-01, to: 2024-12)", "allocate by sector"]
    for statement in statements { enter(statement, expecting: statement) }
    enter("maximize mu'f s.t. tev <= 3%", expecting: "maximize")
    enter("at 2008-09", expecting: "names: assets, c, sector, M, F, mu, Sigma_f, E, b, R, X")
    enter("let W = diag(c) * M * inv(diag(c' * M))", expecting: "let W")
    enter("max(abs(W * optimum[w] - optimum[stock_w])) < 1e-12", expecting: "= 1")
    enter("R[2008-10, :]", expecting: "error: 2008-10 is after 2008-09")

    enter("rebalance monthly from 1994-12 to 2019-11", expecting: "Metrics")
    enter("at 2008-09", expecting: "the backtest's weights at 2008-09 differ by at most")
    enter("backtest[weights][2008-09]", expecting: "2008-09")
    enter("let kept = 42", expecting: "let kept")

    // Ctrl-C while the backtest of a changed strategy runs: an EVaR limit keeps it on the interior-point
    // method (exponential cones), slow enough that the interrupt always finds it running (a sector limit
    // alone is on the active-set method, whose backtest could end before the Ctrl-C arrives).
    repl.clear()
    repl.type("maximize mu'f s.t. tev <= 3%, sector(\"Finance\") <= 15%, evar(95%) <= 20%\r")
    #expect(repl.waitFor("backtest [", timeout: 120), "progress: \(repl.transcript)")
    repl.type("\u{3}")
    #expect(repl.waitFor("interrupted: the run stopped, and the session is as it was before this entry", timeout: 60), "\(repl.transcript)")
    #expect(repl.atPrompt(timeout: 60))
    #expect(!repl.transcript.contains("Metrics"), "the stopped run printed no result: \(repl.transcript)")
    enter("kept", expecting: "kept = 42")
    enter("backtest[metrics]", expecting: "information_ratio")
    enter("at 2008-09", expecting: "differ by at most")

    repl.type("\u{4}")
    #expect(repl.finish() == 0, "\(repl.transcript.debugDescription)")
}
