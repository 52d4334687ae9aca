import Foundation
import TiltEditorSupport
import TiltLanguage
import TiltLinearAlgebra
import TiltReport
import TiltSyntax

/// Runs notebook cells as REPL entries of one session: names, the strategy gathered so far and its results
/// stay from cell to cell; each cell is its own file in the session's range space (`<cell N>`), so an error
/// points into the cell it is about. A cell that starts with `:` is a REPL command (`:help`, `:type`,
/// `:explain`, `:load`, `:reset`).
final class CellRunner {
    /// Where a cell's outputs go while it runs.
    struct Outputs {
        /// Text for a stream (`stdout` or `stderr`).
        var stream: (_ name: String, _ text: String) -> Void
        /// A MIME bundle; `isResult` for the cell's last expression, shown as its `Out[n]`.
        var display: (_ bundle: JSONValue, _ isResult: Bool) -> Void
    }

    /// A cell that failed: the located diagnostics as the terminal shows them.
    struct Failure: Error {
        let name: String
        let value: String
        let traceback: [String]
    }

    /// The largest cell run (as `tilt run` reads at most 64 MB of program).
    static let maximumCellSize = 64 << 20

    let session: Session
    private let files = SessionFiles()
    private var outputs: Outputs?
    /// The number of expression statements in the running cell, and how many have been shown.
    private var expressionCount = 0, expressionsShown = 0
    private var lastStatementIsExpression = false

    static let commands: [(String, String)] = [
        (":help [WORD]", "this list and the built-in functions, or what WORD means"),
        (":type EXPR", "type and shape of an expression"),
        (":load FILE", "run a file in this session"),
        (":explain STMT", "how a `solve …` statement is understood (curvature, cone program, solver settings), without solving"),
        (":reset", "forget every name"),
    ]

    init(dataDirectory: String?) {
        session = Session(mode: .interactive, locations: DataLocations(dataDirectory: dataDirectory))
        session.output = { [unowned self] text in outputs?.stream("stdout", text) }
        session.interpreter.valueOutput = { [unowned self] expression, value in
            expressionsShown += 1
            let isResult = lastStatementIsExpression && expressionsShown == expressionCount
            outputs?.display(RichOutput.bundle(expression: expression, value: value), isResult)
        }
        session.strategyResults = { [unowned self] results in
            for bundle in try RichOutput.bundles(results: results) { outputs?.display(bundle, false) }
        }
        session.policyResults = { [unowned self] report in
            let theta = zip(report.inSample.characteristicNames, zip(report.inSample.theta, report.inSample.standardErrors))
                .map { name, estimate in "  \(name): θ = \(formatNumber(estimate.0)), standard error \(formatNumber(estimate.1))" }
            outputs?.stream("stdout", "Parametric policy θ (in sample):\n" + theta.joined(separator: "\n") + "\n")
        }
    }

    /// Runs one cell; throws its error.
    func run(_ code: String, cellNumber: Int, outputs: Outputs) throws(Failure) {
        self.outputs = outputs
        defer { self.outputs = nil }
        guard code.utf8.count <= CellRunner.maximumCellSize else {
            throw Failure(name: "TiltError", value: "the cell is larger than \(CellRunner.maximumCellSize >> 20) MB, too large for a program",
                          traceback: ["error: the cell is larger than \(CellRunner.maximumCellSize >> 20) MB, too large for a program"])
        }
        let trimmed = code.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.hasPrefix(":") {
            try command(trimmed)
            return
        }
        let file = files.add(name: "<cell \(cellNumber)>", bytes: Array(code.utf8))
        let statements = Parser.parse(file).program.statements
        expressionCount = statements.filter { if case .expression = $0.kind { return true }; return false }.count
        expressionsShown = 0
        if case .expression? = statements.last?.kind { lastStatementIsExpression = true } else { lastStatementIsExpression = false }
        let diagnostics = session.run(file)
        if !diagnostics.isEmpty { throw failure(files.list(diagnostics, running: file)) }
    }

    private func failure(_ list: DiagnosticList) -> Failure {
        let plain = list.rendered(color: false)
        return Failure(name: session.lastRunInterrupted ? "Interrupted" : "TiltError", value: plain.split(separator: "\n").first.map(String.init) ?? "error",
                       traceback: list.rendered(color: true).split(separator: "\n", omittingEmptySubsequences: false).map(String.init))
    }

    private func message(_ text: String) -> Failure {
        Failure(name: "TiltError", value: text, traceback: ["\u{1B}[1;31merror\u{1B}[0m: " + text])
    }

    private func command(_ text: String) throws(Failure) {
        let name = String(text.prefix { !$0.isWhitespace })
        let argument = text.dropFirst(name.count).trimmingCharacters(in: .whitespacesAndNewlines)
        switch name {
        case ":help", ":h":
            if !argument.isEmpty {
                guard let doc = WordHelp.plainDocumentation(for: argument) else { throw message("`\(argument)` is not a word of the language") }
                outputs?.stream("stdout", doc + "\n")
                return
            }
            var lines = ["Commands:"] + CellRunner.commands.map { "  \($0.0.padding(toLength: 14, withPad: " ", startingAt: 0)) \($0.1)" }
            lines += ["Statements: let x = EXPR, print EXPR, or an expression to see its value.", "Built-in functions:"]
            lines += Builtins.help.map { "  " + $0 }
            outputs?.stream("stdout", lines.joined(separator: "\n") + "\n")
        case ":type", ":t":
            let file = files.add(name: "<type>", bytes: Array(argument.utf8))
            switch session.typeDescription(of: file) {
            case .success(let type): outputs?.stream("stdout", type + "\n")
            case .failure(let list): throw failure(list)
            }
        case ":load", ":l":
            guard !argument.isEmpty else { throw message(":load needs a file name") }
            // Read through a handle, at most one byte past the limit: a device such as /dev/zero is too
            // large, never read without end.
            guard let handle = FileHandle(forReadingAtPath: argument) else { throw message("cannot open `\(argument)`") }
            defer { try? handle.close() }
            // `read(upToCount:)` answers nil for an empty file: an empty program, not a read error.
            let data: Data
            do { data = try handle.read(upToCount: CellRunner.maximumCellSize + 1) ?? Data() } catch {
                throw message("cannot read `\(argument)`")
            }
            guard data.count <= CellRunner.maximumCellSize else {
                throw message("`\(argument)` is larger than \(CellRunner.maximumCellSize >> 20) MB, too large for a program")
            }
            let file = files.add(name: argument, bytes: Array(data))
            let previous = session.locations.programDirectory
            // Not NSString's deletingLastPathComponent, which traps on some one-character paths on Linux.
            session.locations.programDirectory = argument.contains("/") ? AtomicFile.folder(of: argument) : previous
            defer { session.locations.programDirectory = previous }
            expressionCount = 0
            lastStatementIsExpression = false
            let diagnostics = session.run(file)
            if !diagnostics.isEmpty { throw failure(files.list(diagnostics, running: file)) }
        case ":explain", ":e":
            guard !argument.isEmpty else { throw message(":explain needs a statement, e.g. :explain solve minimize sumsq(w)") }
            let file = files.add(name: "<explain>", bytes: Array(argument.utf8))
            let diagnostics = session.explain(file)
            if !diagnostics.isEmpty { throw failure(files.list(diagnostics, running: file)) }
        case ":reset":
            session.reset()
            outputs?.stream("stdout", "all names forgotten\n")
        default:
            throw message("unknown command \(name); :help lists them")
        }
    }

    /// The inspector's text for the word at a code point of `code`: a session name's type, or what a word
    /// of the language means.
    func inspect(_ code: String, cursor: Int) -> String? {
        let positions = TextPositions(code)
        let offset = positions.byteOffset(ofCodePoint: cursor)
        let analysis = DocumentAnalysis(name: "<inspect>", text: code)
        guard let token = analysis.token(at: offset) ?? analysis.token(at: max(0, offset - 1)),
              let word = DocumentAnalysis.word(of: token) else { return nil }
        var parts: [String] = []
        if let value = session.interpreter.bindings[word] {
            parts.append("\(word): \(value.typeDescription)\n" + String(value.rendered().prefix(4000)))
        }
        if let doc = WordHelp.plainDocumentation(for: word) { parts.append(doc) }
        return parts.isEmpty ? nil : parts.joined(separator: "\n\n")
    }

    /// Completion candidates for the word ending at a code point of `code`: session names, then the language's words.
    func complete(_ code: String, cursor: Int) -> (matches: [String], start: Int, end: Int) {
        let positions = TextPositions(code)
        let offset = positions.byteOffset(ofCodePoint: cursor)
        let analysis = DocumentAnalysis(name: "<complete>", text: code)
        var (prefix, start) = analysis.wordPrefix(before: offset)
        var matches: [String]
        if start > 0, positions.bytes[start - 1] == UInt8(ascii: ":"), code.utf8.prefix(start - 1).allSatisfy({ $0 == 32 || $0 == 10 }) {
            // A command at the start of the cell.
            start -= 1
            prefix = ":" + prefix
            matches = CellRunner.commands.map { String($0.0.prefix { $0 != " " }) }.filter { $0.hasPrefix(prefix) }
        } else {
            let names = session.interpreter.bindings.map { (name: $0.key, detail: $0.value.typeDescription) }
            matches = WordHelp.candidates(prefix: prefix, names: names).map(\.name)
        }
        return (matches, positions.codePointOffset(ofByte: start), positions.codePointOffset(ofByte: offset))
    }
}
