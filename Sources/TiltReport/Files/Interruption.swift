import Foundation

/// What a command leaves behind when a signal ends it. Writers register a cleanup for each thing that
/// exists only while they work (`AtomicFile`'s temporary file, `OutputFolder`'s staging folder); on SIGINT,
/// SIGTERM or SIGHUP the handlers installed by `installHandlers` run every registered cleanup, then the
/// caller's last words (flushing buffered output), and end the process with 128 + the signal (130 for
/// SIGINT, 143 for SIGTERM), as a shell reports a process the signal ended.
///
/// A signal arrives at any instruction, so the cleanups do not run in the signal handler: the handler
/// only writes the signal's number to a pipe, and a thread reading the pipe does the work. Writers change
/// what exists inside `whileHeld` (create a temporary file and register its cleanup; rename it into place
/// and unregister), so the cleanup thread sees either the state before or the state after, never half.
public enum Interruption {
    private final class Registry: @unchecked Sendable {
        /// Recursive: a writer holding it may call `addCleanup`, which takes it too.
        let lock = NSRecursiveLock()
        var cleanups: [Int: () -> Void] = [:]
        var nextToken = 0
    }

    private static let registry = Registry()

    /// Runs `body` while no cleanup can run: a signal arriving meanwhile is handled once `body` is done.
    public static func whileHeld<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        registry.lock.lock()
        defer { registry.lock.unlock() }
        return try body()
    }

    /// Registers `cleanup` to run if a signal ends the process; returns the token that removes it. Call it
    /// inside `whileHeld`, together with the change that makes the cleanup needed.
    public static func addCleanup(_ cleanup: @escaping () -> Void) -> Int {
        whileHeld {
            registry.nextToken += 1
            registry.cleanups[registry.nextToken] = cleanup
            return registry.nextToken
        }
    }

    /// Removes a cleanup that is no longer needed (its file was renamed into place or removed).
    public static func removeCleanup(_ token: Int) {
        whileHeld { registry.cleanups[token] = nil }
    }

    /// The signals that end a command with its cleanups run.
    public static let signals: [Int32] = [SIGINT, SIGTERM, SIGHUP]

    /// Installs the handlers (once per process; the REPL, which handles Ctrl-C itself, does not). On a
    /// signal: every cleanup runs, then `lastWords` (flush standard output, say what happened), then the
    /// process exits with 128 + the signal's number. A signal ignored when the process started stays
    /// ignored (`nohup`, a shell's background job); one blocked is unblocked (a launcher's leftover mask).
    public static func installHandlers(lastWords: @escaping @Sendable (Int32) -> Void) {
        var descriptors: [Int32] = [-1, -1]
        guard signalPipe < 0, pipe(&descriptors) == 0 else { return }
        _ = fcntl(descriptors[0], F_SETFD, FD_CLOEXEC)
        _ = fcntl(descriptors[1], F_SETFD, FD_CLOEXEC)
        signalPipe = descriptors[1]
        let reader = descriptors[0]
        Thread.detachNewThread {
            var number: UInt8 = 0
            while true {
                let count = read(reader, &number, 1)
                if count == 1 { break }
                if count < 0, errno == EINTR { continue }
                return                                  // the pipe closed: no signal will come
            }
            // Taken and never given back: the process ends while holding it, so no writer starts anew.
            registry.lock.lock()
            for cleanup in registry.cleanups.values { cleanup() }
            lastWords(Int32(number))
            _exit(128 + Int32(number))
        }
        var unblocked = sigset_t()
        sigemptyset(&unblocked)
        for signalNumber in signals {
            // Async-signal-safe: one write(2) of one byte.
            let previous = signal(signalNumber) { received in
                var byte = UInt8(truncatingIfNeeded: received)
                _ = write(signalPipe, &byte, 1)
            }
            if unsafeBitCast(previous, to: Int.self) == unsafeBitCast(SIG_IGN, to: Int.self) { _ = signal(signalNumber, SIG_IGN) }
            sigaddset(&unblocked, signalNumber)
        }
        pthread_sigmask(SIG_UNBLOCK, &unblocked, nil)
    }
}

/// The pipe's writing end, read by the signal handler (a C function, which cannot capture anything).
nonisolated(unsafe) private var signalPipe: Int32 = -1
