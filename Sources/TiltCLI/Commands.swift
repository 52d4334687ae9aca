import ArgumentParser
import Foundation
import TiltLanguage
import TiltReport
import TiltSyntax

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a Tilt program.",
        discussion: """
        Examples:
          tilt run Examples/quickstart.tilt
          tilt run strategy.tilt --data ../shared/data
          tilt run Examples/tev_cap.tilt --data ../shared/data --out report
          echo 'let x = [1, 2; 3, 4]; inv(x)' | tilt run -
        """)

    @Argument(help: "The program file, or - for standard input.")
    var file: String

    @Option(help: "Folder searched for data files after the program's own folder (default: $TILT_DATA).")
    var data: String?

    @Option(help: "Write a backtest's report to this folder: returns.csv, weights.csv, contributions.csv, report.md, report.html.")
    var out: String?

    func validate() throws {
        if let out {
            try validateFolderDestination(out, option: "--out", files: ReportFolder.fileNames)
            try validateProgramIsNotAnOutput(file, folder: out)
        }
    }

    func run() throws {
        let source = try loadProgram(file)
        let interpreter = makeInterpreter(for: source, data: data)
        let reportFolder = out.map(ReportFolder.init(path:))
        interpreter.checkInput = reportFolder.map { folder in { folder.refusal(toRead: $0) } }
        presentStrategies(on: interpreter, title: source.name, reportFolder: reportFolder)
        let diagnostics = Session(interpreter: interpreter).run(source)
        reportFolder?.finish(programSucceeded: diagnostics.isEmpty)
        try reportAndExitOnErrors(diagnostics, in: source)
        if reportFolder?.writeFailed == true { throw userErrorExit }
    }
}

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Parse and check a program without loading data or solving.",
        discussion: """
        Examples:
          tilt check strategy.tilt
          echo "universe crsp; benchmark mktcap; maximize mu'f s.t. tev <= 6%; rebalance monthly" | tilt check -
        """)

    @Argument(help: "The program file, or - for standard input.")
    var file: String

    func run() throws {
        let source = try loadProgram(file)
        try reportAndExitOnErrors(Session.check(source).diagnostics, in: source)
    }
}

struct Format: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fmt",
        abstract: "Print a program in the canonical layout (comments kept).",
        discussion: """
        Examples:
          tilt fmt strategy.tilt
          tilt fmt strategy.tilt --write      rewrite the file in place (atomically)
        """)

    @Argument(help: "The program file, or - for standard input.")
    var file: String

    @Flag(help: "Rewrite the file instead of printing it (atomically, permissions kept; a symbolic link stays and its file is rewritten).")
    var write = false

    func validate() throws {
        if write, file != "-" { try validateFileDestination(file, option: "--write") }
    }

    func run() throws {
        let source = try loadProgram(file)
        let (program, diagnostics) = Parser.parse(source)
        try reportAndExitOnErrors(diagnostics, in: source)
        let text = Formatter.format(program)
        if write, file != "-" {
            do {
                try AtomicFile.write(text, to: URL(fileURLWithPath: file))
            } catch {
                printError("tilt: \(error)\n")
                throw userErrorExit
            }
        } else {
            printOutput(text)
        }
    }
}

struct Explain: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show how each `solve` is understood: curvature of every sub-expression, DCP standing, cone program size.",
        discussion: """
        Runs the program's other statements (so data is loaded) but does not solve. A strategy's problem is
        built at each rebalance, from that month's data, so it is not explained. Exit status 1 when a problem
        does not compile to a cone program (the error `tilt run` would report).

        Examples:
          tilt explain portfolio.tilt
        """)

    @Argument(help: "The program file, or - for standard input.")
    var file: String

    @Option(help: "Folder searched for data files after the program's own folder (default: $TILT_DATA).")
    var data: String?

    func run() throws {
        let source = try loadProgram(file)
        let interpreter = makeInterpreter(for: source, data: data)
        interpreter.explainOnly = true
        try reportAndExitOnErrors(Session(interpreter: interpreter).run(source), in: source)
    }
}
