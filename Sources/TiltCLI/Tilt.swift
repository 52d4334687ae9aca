import ArgumentParser
import Foundation
import TiltLinearAlgebra

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
        subcommands: [Run.self, Check.self, Format.self, Repl.self, Solve.self, Explain.self, Synth.self, DataCommand.self, Bench.self,
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
        do {
            var command = try Tilt.parseAsRoot()
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
