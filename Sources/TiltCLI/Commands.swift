import ArgumentParser
import Foundation
import TiltBacktest
import TiltLanguage
import TiltReport
import TiltSyntax

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a Tilt program (or a plan written by --plan-json).",
        discussion: """
        Examples:
          tilt run Examples/quickstart.tilt
          tilt run strategy.tilt --data ../shared/data
          tilt run Examples/tev_cap.tilt --data ../shared/data --out report
          tilt run Examples/tev_cap.tilt --data ../shared/data --plan-json > plan.json
          tilt run plan.json --out report          run a plan as written (no program needed)
          echo 'let x = [1, 2; 3, 4]; inv(x)' | tilt run -
        """)

    @Argument(help: "The program file, or - for standard input; a file ending in .json is a plan.")
    var file: String

    @Option(help: "Folder searched for data files after the program's own folder (default: $TILT_DATA).")
    var data: String?

    @Option(help: "Write a backtest's report to this folder: tidy CSV files, run.json, report.md and report.html (Docs/outputs.md).")
    var out: String?

    @Flag(help: "Print every result's tables; a sweep otherwise prints one row per value.")
    var verbose = false

    @Flag(name: .customLong("plan-json"),
          help: "Print the program's compiled plan (its strategy, policy or experiments) as JSON instead of running it; values are still computed and printed nowhere.")
    var planJSON = false

    func validate() throws {
        if let out { try validateFolderDestination(out, option: "--out", files: ReportFolder.fileNames) }
        if planJSON && out != nil { throw ValidationError("--plan-json prints the plan without running it: it takes no --out") }
        if planJSON && file.hasSuffix(".json") { throw ValidationError("\(file) is already a plan") }
    }

    func run() throws {
        let started = Date()
        if file.hasSuffix(".json") { return try runPlan(started: started) }
        let source = try loadProgram(file)
        let session = makeSession(for: source, data: data)
        if planJSON {
            final class Plans { var all: [Plan] = [] }
            let plans = Plans()
            session.output = { _ in }
            session.planned = { plans.all.append($0) }
            try reportAndExitOnErrors(session.run(source), in: source)
            guard !plans.all.isEmpty else {
                printError("tilt: \(source.name) has no strategy, policy or experiment to plan\n")
                throw userErrorExit
            }
            // One plan as it is (`tilt run plan.json` reads it back); several as a list.
            let texts = try plans.all.map { try $0.json() }
            printOutput(texts.count == 1 ? texts[0] : "[\n" + texts.map { $0.dropLast() }.joined(separator: ",\n") + "\n]\n")
            return
        }
        let reportFolder = out.map(ReportFolder.init(path:))
        presentStrategies(on: session, title: source.name, reportFolder: reportFolder, verbose: verbose,
                          run: RunRecord(program: source, started: started))
        try reportAndExitOnErrors(session.run(source), in: source)
        if reportFolder?.writeFailed == true { throw userErrorExit }
    }

    /// `tilt run plan.json`: the plan as written, with no program behind it (its errors name the plan's
    /// parts rather than a source location).
    private func runPlan(started: Date) throws {
        let plan: Plan, bytes: [UInt8]
        do {
            bytes = try readProgramFile(file)
            plan = try Plan.read(json: Data(bytes))
        } catch let error as UnreadableFile {
            printError("tilt: cannot open `\(file)`: \(error.reason)\n")
            throw userErrorExit
        } catch {
            printError("tilt: \(file) is not a plan: \(planReadError(error))\n")
            throw userErrorExit
        }
        let session = Session(mode: .program, output: { printOutput($0) })
        let reportFolder = out.map(ReportFolder.init(path:))
        // The plan stands for the program in the run's provenance.
        presentStrategies(on: session, title: file, reportFolder: reportFolder, verbose: verbose,
                          run: RunRecord(program: SourceFile(name: file, bytes: bytes), started: started))
        do {
            try session.execute(plan)
        } catch let error as PlanError {
            printError("tilt: \(file): error: \(error.dataError.map { "\($0.path):\($0.line): " } ?? "")\(error.message)\n"
                       + (error.hint.map { "hint: \($0)\n" } ?? ""))
            throw userErrorExit
        } catch {
            printError("tilt: \(file): error: \(error)\n")
            throw userErrorExit
        }
        if reportFolder?.writeFailed == true { throw userErrorExit }
    }
}

/// Why a plan's JSON was not read, in a line.
private func planReadError(_ error: Error) -> String {
    switch error {
    case DecodingError.dataCorrupted(let context), DecodingError.typeMismatch(_, let context),
         DecodingError.valueNotFound(_, let context), DecodingError.keyNotFound(_, let context):
        let path = context.codingPath.map(\.stringValue).joined(separator: ".")
        return (path.isEmpty ? "" : "at `\(path)`: ") + context.debugDescription
    default:
        return String(describing: error)
    }
}

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Parse and check a program without loading data or solving.",
        discussion: """
        Everything that can be found without data is: syntax, names, every strategy statement's words,
        options and their ranges, sweeps, units (`tev <= 4` is 400%), sector names of a known universe, a
        strategy being complete.

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
        try reportAndExitOnErrors(makeSession(for: source, data: data).explain(source), in: source)
    }
}
