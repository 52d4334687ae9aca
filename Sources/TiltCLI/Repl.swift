import ArgumentParser
import CReadline
import Foundation
import TiltBacktest
import TiltEditorSupport
import TiltLanguage
import TiltSyntax

struct Repl: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Explore interactively: evaluate statements one at a time.",
        discussion: """
        GNU readline editing, history in ~/.tilt_history, tab completion of keywords, built-ins and names.
        An entry continues on the next line while a bracket is open or the line ends in an operator.
        Ctrl-C cancels the entry being typed, or stops a running backtest or study (the session stays as
        it was before that entry); Ctrl-D leaves. Type :help for commands.

        Examples:
          tilt repl
          tilt repl --data ../shared/data
        """)

    @Option(help: "Folder searched for data files (default: $TILT_DATA).")
    var data: String?

    func run() throws {
        let session = Session(mode: .interactive, locations: DataLocations(dataDirectory: dataDirectory(data)),
                              output: { printOutput($0) })
        presentStrategies(on: session, title: "REPL", reportFolder: nil)
        MainActor.assumeIsolated {
            ReplLoop(session: session).run()
        }
    }
}

/// The words offered by tab completion; read by readline's C callbacks.
nonisolated(unsafe) private var completionWords: [String] = []
/// Set by the SIGINT handler: the entry being typed is abandoned.
nonisolated(unsafe) private var entryCancelled = false
/// Whether an entry is running (readline is not reading), and whether Ctrl-C was pressed meanwhile: the
/// SIGINT handler only sets the flag (all a signal handler may safely do), and a watcher thread turns it
/// into `Session.cancellation.cancel()`.
nonisolated(unsafe) private var entryRunning: sig_atomic_t = 0
nonisolated(unsafe) private var runInterrupted: sig_atomic_t = 0
/// Where readline's completion generator is in `completionWords` (it is called repeatedly per word).
nonisolated(unsafe) private var completionCursor = 0

private let mainPrompt = "tilt> "
private let continuationPrompt = "  ... "

/// Read–evaluate–print loop on GNU readline (main thread: readline's state is global).
@MainActor
struct ReplLoop {
    let session: Session
    let files = SessionFiles()
    static let commands: [(String, String)] = [
        (":help [WORD]", "this list, the statements and the built-in functions, or what WORD means"),
        (":type EXPR", "type and shape of an expression"),
        (":load FILE", "run a file in this session"),
        (":explain STMT", "how a `solve …` statement is understood (curvature, cone program, solver settings), without solving"),
        (":reset", "forget every name"),
        (":quit", "leave (also Ctrl-D)"),
    ]

    private var historyPath: String {
        (ProcessInfo.processInfo.environment["HOME"] ?? NSHomeDirectory()) + "/.tilt_history"
    }

    func run() {
        configureReadline()
        _ = read_history(historyPath)
        print("Tilt \(Tilt.version) — :help for help, Ctrl-D to leave")
        var entryNumber = 0
        while true {
            guard let bytes = readEntry() else { break }
            // The entry's text for commands and history; the program itself is run from its bytes, so that
            // invalid UTF-8 is an error at its place, as in `tilt run`, not silently U+FFFD.
            let entry = String(decoding: bytes, as: UTF8.self)
            let trimmed = entry.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.isEmpty { continue }
            // A multi-line entry continued inside brackets or after an operator means the same on one
            // line, and a one-line history entry is recalled whole.
            add_history(entry.replacingOccurrences(of: "\n", with: " "))
            _ = write_history(historyPath)
            _ = history_truncate_file(historyPath, 1000)
            if trimmed.hasPrefix(":") {
                if !command(trimmed) { break }
                continue
            }
            entryNumber += 1
            let file = files.add(name: "<repl:\(entryNumber)>", bytes: bytes)
            report(interruptibly { session.run(file) }, running: file)
            completionWords = session.completionWords + ReplLoop.commands.map { String($0.0.prefix { $0 != " " }) }
        }
        print("")
    }

    /// Runs an entry with Ctrl-C stopping it: while it runs, a watcher thread passes a SIGINT on to the
    /// session's cancellation (checked between rebalances and trials).
    private func interruptibly(_ body: () -> [Diagnostic]) -> [Diagnostic] {
        let cancellation = session.cancellation
        let done = Cancellation()
        runInterrupted = 0
        entryRunning = 1
        let watcher = Thread {
            while !done.isCancelled {
                if runInterrupted != 0 {
                    runInterrupted = 0
                    cancellation.cancel()
                }
                usleep(20_000)
            }
        }
        watcher.start()
        defer {
            done.cancel()
            entryRunning = 0
        }
        return body()
    }

    /// Prints an entry's errors; an interrupted run in one line.
    private func report(_ diagnostics: [Diagnostic], running file: SourceFile) {
        if session.lastRunInterrupted {
            printError("interrupted: the run stopped, and the session is as it was before this entry\n")
        } else if !diagnostics.isEmpty {
            printError(files.list(diagnostics, running: file).rendered(color: stderrWantsColor))
        }
    }

    /// Reads one entry, over several lines while brackets are open or a line ends in an operator: its
    /// bytes as typed. `nil` at end of input (Ctrl-D on an empty prompt).
    private func readEntry() -> [UInt8]? {
        var lines: [[UInt8]] = []
        entryCancelled = false
        while true {
            let prompt = lines.isEmpty ? mainPrompt : continuationPrompt
            guard let raw = readline(prompt) else {
                return lines.isEmpty ? nil : Array(lines.joined(separator: [UInt8(ascii: "\n")]))
            }
            let line = Array(UnsafeBufferPointer(start: UnsafeRawPointer(raw).assumingMemoryBound(to: UInt8.self), count: strlen(raw)))
            free(raw)
            if entryCancelled {
                // Ctrl-C was pressed while this line was being typed: start over.
                entryCancelled = false
                lines = []
                if line.isEmpty { continue }
            }
            lines.append(line)
            let entry = Array(lines.joined(separator: [UInt8(ascii: "\n")]))
            // Whether more lines follow depends on brackets and the last token only; the bytes themselves run.
            if entry.first == UInt8(ascii: ":") || !EntryCompleteness.needsMoreInput(String(decoding: entry, as: UTF8.self)) {
                return entry
            }
        }
    }

    /// Runs a `:command`; `false` to leave.
    private func command(_ text: String) -> Bool {
        let name = String(text.prefix { !$0.isWhitespace })
        let argument = text.dropFirst(name.count).trimmingCharacters(in: .whitespaces)
        switch name {
        case ":quit", ":q", ":exit":
            return false
        case ":help", ":h":
            if !argument.isEmpty {
                guard let doc = WordHelp.plainDocumentation(for: argument) else {
                    printError("`\(argument)` is not a word of the language; :help lists them\n")
                    break
                }
                print(doc)
                break
            }
            print("Commands:")
            for (c, d) in ReplLoop.commands { print("  \(c.padding(toLength: 14, withPad: " ", startingAt: 0)) \(d)") }
            print("Statements (an expression alone prints its value):")
            for line in Vocabulary.help { print("  " + line) }
            print("Built-in functions:")
            for line in Builtins.help { print("  " + line) }
        case ":type", ":t":
            let file = files.add(name: "<type>", bytes: Array(argument.utf8))
            switch session.typeDescription(of: file) {
            case .success(let t): print(t)
            case .failure(let list): printError(list.rendered(color: stderrWantsColor))
            }
        case ":load", ":l":
            guard !argument.isEmpty else { printError(":load needs a file name\n"); break }
            let file: SourceFile
            do {
                file = files.add(name: argument, bytes: try readProgramFile(argument))
            } catch {
                printError("cannot open `\(argument)`: \(error.reason)\n")
                break
            }
            let previous = session.locations.programDirectory
            session.locations.programDirectory = directory(of: file)
            let diagnostics = interruptibly { session.run(file) }
            session.locations.programDirectory = previous
            report(diagnostics, running: file)
        case ":explain", ":e":
            guard !argument.isEmpty else { printError(":explain needs a statement, e.g. :explain solve minimize sumsq(w)\n"); break }
            let file = files.add(name: "<explain>", bytes: Array(argument.utf8))
            let diagnostics = session.explain(file)
            if !diagnostics.isEmpty {
                printError(files.list(diagnostics, running: file).rendered(color: stderrWantsColor))
            }
        case ":reset":
            session.reset()
            print("all names forgotten")
        default:
            printError("unknown command \(name); :help lists them\n")
        }
        return true
    }

    private func configureReadline() {
        completionWords = session.completionWords + ReplLoop.commands.map { String($0.0.prefix { $0 != " " }) }
        rl_readline_name = UnsafePointer(strdup("tilt"))
        rl_attempted_completion_function = { text, _, _ in
            rl_attempted_completion_over = 1 // no file-name completion
            rl_completion_append_character = 0 // `cumsum` then `(`, not `cumsum (`
            return rl_completion_matches(text) { partial, state in
                if state == 0 { completionCursor = 0 }
                let prefix = partial.map { String(cString: $0) } ?? ""
                while completionCursor < completionWords.count {
                    let word = completionWords[completionCursor]
                    completionCursor += 1
                    if word.hasPrefix(prefix) { return strdup(word) }
                }
                return nil
            }
        }
        rl_catch_signals = 0 // our handler below cancels the entry; readline's would only clean up
        // A launcher may have left SIGINT blocked (the mask survives exec); Ctrl-C must reach us.
        var interrupt = sigset_t()
        sigemptyset(&interrupt)
        sigaddset(&interrupt, SIGINT)
        sigprocmask(SIG_UNBLOCK, &interrupt, nil)
        signal(SIGINT) { _ in
            if entryRunning != 0 {
                runInterrupted = 1
                return
            }
            entryCancelled = true
            fputs("\n", stdout)
            rl_on_new_line()
            rl_replace_line("", 0)
            rl_set_prompt(mainPrompt)
            rl_redisplay()
        }
    }
}
