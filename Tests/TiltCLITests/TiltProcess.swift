import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs the built `tilt` binary as a user would.
enum TiltBinary {
    /// The repository root (…/Tests/TiltCLITests/this file → up three).
    static let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `tilt` next to the test bundle (SwiftPM builds it because this test target depends on it).
    static var path: String {
        let candidates = [
            Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("tilt").path,
            Bundle.main.bundleURL.appendingPathComponent("tilt").path,
            repositoryRoot.appendingPathComponent(".build/debug/tilt").path,
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates[2]
    }

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
        /// `true` when the process ended by a signal (a crash or trap), not by exit.
        var crashed: Bool
    }

    /// Runs `tilt ARGS` with `input` on standard input, in `directory` (default: the repository root). With
    /// `fileSizeLimit` (in the shell's `ulimit -f` blocks) a write past that size fails with EFBIG, as a
    /// write to a full disk fails with ENOSPC: it is started through `/bin/sh`, which sets the limit and
    /// ignores SIGXFSZ (so the write returns the error instead of the signal ending the process).
    static func run(_ arguments: [String], input: Data = Data(), directory: URL? = nil,
                    environment: [String: String] = [:], fileSizeLimit: Int? = nil) throws -> Result {
        let process = Process()
        if let fileSizeLimit {
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", "trap '' XFSZ; ulimit -f \(fileSizeLimit); exec \"$0\" \"$@\"", path] + arguments
        } else {
            process.executableURL = URL(fileURLWithPath: path)
            process.arguments = arguments
        }
        process.currentDirectoryURL = directory ?? repositoryRoot
        var env = ProcessInfo.processInfo.environment
        env["NO_COLOR"] = "1"
        for (k, v) in environment { env[k] = v }
        process.environment = env
        let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        // Feed and drain concurrently so that large outputs cannot dead-lock on full pipes.
        let writer = Thread {
            stdin.fileHandleForWriting.write(input)
            try? stdin.fileHandleForWriting.close()
        }
        writer.start()
        nonisolated(unsafe) var errData = Data()
        let errReader = Thread { errData = stderr.fileHandleForReading.readDataToEndOfFile() }
        errReader.start()
        let outData = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while errReader.isExecuting || !errReader.isFinished { usleep(1000) }
        return Result(status: process.terminationStatus,
                      stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData, as: UTF8.self),
                      crashed: process.terminationReason == .uncaughtSignal)
    }

    /// Starts `tilt ARGS` with posix_spawn, its standard files set up by `actions`. The child gets an empty
    /// signal mask and every signal's default action: the test runner may block or ignore signals, and a
    /// child inherits both (Foundation's Process does not reset them). `flags` adds spawn flags
    /// (POSIX_SPAWN_SETSID for a session of its own).
    static func spawn(_ arguments: [String], environment: [String: String], actions: inout posix_spawn_file_actions_t,
                      flags: Int32 = 0) throws -> pid_t {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t(), all = sigset_t()
        sigemptyset(&empty)
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(flags | Int32(POSIX_SPAWN_SETSIGMASK) | Int32(POSIX_SPAWN_SETSIGDEF)))
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { argv.forEach { free($0) }; envp.forEach { free($0) } }
        var child: pid_t = 0
        guard posix_spawn(&child, path, &actions, &attributes, argv, envp) == 0 else { throw POSIXError(.ECHILD) }
        return child
    }
}
