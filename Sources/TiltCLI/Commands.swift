import ArgumentParser
import Foundation
import TiltBacktest
import TiltData
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
          tilt run Examples/tev_cap.tilt --data ../shared/data --shard 2/4 --out shards/2
                                                   run the second of four shards (then: tilt merge shards/* --out report)
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

    @Option(help: ArgumentHelp("Run only shard i of N (1 ≤ i ≤ N; e.g. $SLURM_ARRAY_TASK_ID/8): its part of each sweep or Monte Carlo study, written with a manifest into --out, for `tilt merge` (Docs/distributed.md).",
                               valueName: "i/N"))
    var shard: String?

    func validate() throws {
        if shard != nil { return try validateShard() }
        if let out {
            try validateFolderDestination(out, option: "--out", files: ReportFolder.fileNames)
            try validateProgramIsNotAnOutput(file, folder: out)
        }
        if planJSON && out != nil { throw ValidationError("--plan-json prints the plan without running it: it takes no --out") }
        if planJSON && file.hasSuffix(".json") { throw ValidationError("\(file) is already a plan") }
    }

    func run() throws {
        let started = Date()
        if let shard { return try runShard(shard, started: started) }
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
            // Absolute paths, so that the plan runs from any folder.
            let texts = try plans.all.map { try $0.mappingDataFiles { URL(fileURLWithPath: $0).standardizedFileURL.path }.json() }
            printOutput(texts.count == 1 ? texts[0] : "[\n" + texts.map { $0.dropLast() }.joined(separator: ",\n") + "\n]\n")
            return
        }
        let reportFolder = out.map(ReportFolder.init(path:))
        // The data files the program reads must not be among those the report replaces: the session asks
        // before the program runs (the files it names), when a plan runs, and when `read` reads.
        session.checkInput = reportFolder?.refusal(toRead:)
        presentStrategies(on: session, title: source.name, reportFolder: reportFolder, verbose: verbose,
                          run: RunRecord(program: source, started: started))
        let diagnostics = session.run(source)
        reportFolder?.finish(programSucceeded: diagnostics.isEmpty)
        try reportAndExitOnErrors(diagnostics, in: source)
        if reportFolder?.writeFailed == true { throw userErrorExit }
    }

    /// `tilt run plan.json`: the plan as written, with no program behind it (its errors name the plan's
    /// parts rather than a source location).
    private func runPlan(started: Date) throws {
        let (plan, bytes) = try readPlan(file)
        let session = Session(mode: .program, output: { printOutput($0) })
        let reportFolder = out.map(ReportFolder.init(path:))
        // The plan's data files must not be among those the report replaces (asked before it loads them).
        session.checkInput = reportFolder?.refusal(toRead:)
        // The plan stands for the program in the run's provenance.
        presentStrategies(on: session, title: file, reportFolder: reportFolder, verbose: verbose,
                          run: RunRecord(program: SourceFile(name: file, bytes: bytes), started: started))
        var failure: String?
        do {
            try session.execute(plan)
        } catch let error as PlanError {
            failure = planErrorText(error, plan: file)
        } catch {
            failure = "tilt: \(file): error: \(error)\n"
        }
        reportFolder?.finish(programSucceeded: failure == nil)
        if let failure {
            printError(failure)
            throw userErrorExit
        }
        if reportFolder?.writeFailed == true { throw userErrorExit }
    }
}

/// The plan in `file` and its bytes; says why not and exits 1 when it cannot be read or is not a plan.
func readPlan(_ file: String) throws -> (plan: Plan, bytes: [UInt8]) {
    do {
        let bytes = try readProgramFile(file)
        return (try Plan.read(json: Data(bytes)), bytes)
    } catch let error as UnreadableFile {
        printError("tilt: cannot open `\(file)`: \(error.reason)\n")
        throw userErrorExit
    } catch {
        printError("tilt: \(file) is not a plan: \(planReadError(error))\n")
        throw userErrorExit
    }
}

/// An error of a plan run with no program behind it: `tilt: PLAN: error: [data file[:line[:col]]: ]message`, and its hint.
func planErrorText(_ error: PlanError, plan file: String) -> String {
    "tilt: \(file): error: \(error.dataError.map { "\($0.location): " } ?? "")\(error.message)\n" + (error.hint.map { "hint: \($0)\n" } ?? "")
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
        abstract: "Show how a program's problems are understood: curvature, method and size, without solving.",
        discussion: """
        For each `solve`: the curvature and sign of every sub-expression, its DCP standing and the size of
        the cone program. For a strategy: its problem at one month (--month, default the schedule's last
        rebalance) in mathematical form with its sizes, the curvature of each term and constraint, the
        method that will solve it (the structured active set or the interior-point method) and why. Loads
        the data the problems need but solves nothing. Exit status 1 when a problem does not compile to a
        cone program (the error `tilt run` would report).

        Examples:
          tilt explain portfolio.tilt
          tilt explain Examples/sector_rotation.tilt --data ../shared/data --month 2008-09
          tilt explain Examples/tev_cap.tilt --data ../shared/data --json
        """)

    @Argument(help: "The program file, or - for standard input.")
    var file: String

    @Option(help: "Folder searched for data files after the program's own folder (default: $TILT_DATA).")
    var data: String?

    @Option(help: ArgumentHelp("The month whose strategy problem to explain (YYYY-MM; default: the last rebalance).", valueName: "M"))
    var month: String?

    @Flag(help: "Print the strategy's explanation as JSON.")
    var json = false

    func validate() throws {
        if let month, Month(parsing: month) == nil { throw ValidationError("--month takes a month YYYY-MM, e.g. 2008-09; got `\(month)`") }
    }

    func run() throws {
        let source = try loadProgram(file)
        try reportAndExitOnErrors(makeSession(for: source, data: data).explain(source, month: month.flatMap { Month(parsing: $0) }, json: json),
                                  in: source)
    }
}
