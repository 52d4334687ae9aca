import ArgumentParser
import Foundation
import TiltLinearAlgebra
import TiltReport

/// `tilt`: run, check, format and explore Tilt programs.
struct Tilt: ParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "tilt",
        abstract: "Tilt — a language for constrained portfolio optimisation and backtesting.",
        discussion: """
        Examples:
          tilt run Examples/quickstart.tilt      run a program
          tilt check strategy.tilt               parse and check, without loading data or solving
          tilt fmt strategy.tilt                 print the canonical layout
          tilt repl                              explore step by step

        Exit codes: 0 success, 1 an error in the program or its data, 2 bad command-line usage.
        """,
        version: version,
        subcommands: [Run.self, Check.self, Format.self, Repl.self, Solve.self, Explain.self, Synth.self, DataCommand.self, Bench.self, Merge.self, Slurm.self,
                      KernelCommand.self, LanguageServerCommand.self]
    )
}

/// The program's own error exit: diagnostics have been printed, exit with status 1.
let userErrorExit = ExitCode(1)

@main
enum Main {
    static func main() {
        // Tilt parallelises whole backtests, not single small matrix products.
        BLASThreads.setCount(1)
        // A file-size limit (`ulimit -f`) makes a write fail with EFBIG, reported like a full disk, instead
        // of ending the process with SIGXFSZ.
        signal(SIGXFSZ, SIG_IGN)
        do {
            var command = try Tilt.parseAsRoot()
            // SIGINT, SIGTERM, SIGHUP: temporary files and staged reports are removed, buffered output is
            // written, exit 128 + the signal. The REPL (Ctrl-C cancels the entry), the Jupyter kernel (SIGINT
            // interrupts a cell) and the language server handle signals themselves.
            if !(command is Repl || command is KernelRun || command is LanguageServerCommand) {
                Interruption.installHandlers(lastWords: interrupted)
            }
            try command.run()
            checkStandardOutput()
        } catch {
            checkStandardOutput()
            let code = Tilt.exitCode(for: error)
            if code == .success {
                // --help and --version, written like any output (a failed write is an error, not exit 0).
                printOutput(Tilt.fullMessage(for: error) + "\n")
                checkStandardOutput()
                Foundation.exit(0)
            }
            if code == .validationFailure {
                // Bad usage: the message and a pointer to --help, exit 2 (64 is argument-parser's default).
                printError(Tilt.fullMessage(for: error) + "\n")
                Foundation.exit(2)
            }
            Tilt.exit(withError: error)
        }
    }
}

/// A command's last words after a signal (`Interruption`): what it printed so far is written out, and it
/// says why it stopped.
@Sendable private func interrupted(by signalNumber: Int32) {
    // The main thread may be inside a write to standard output (holding its lock, on a pipe nobody reads):
    // wait a second at most for it, rather than hang.
    for _ in 0..<100 {
        if ftrylockfile(stdout) == 0 {
            fflush(stdout)
            funlockfile(stdout)
            break
        }
        usleep(10_000)
    }
    let name = [SIGINT: "SIGINT", SIGTERM: "SIGTERM", SIGHUP: "SIGHUP"][signalNumber] ?? "signal \(signalNumber)"
    let text = "\ntilt: stopped by \(name); nothing half-written is left\n"
    _ = text.withCString { write(2, $0, strlen($0)) }
}
