import ArgumentParser
import CReadline
import Foundation
import TiltLanguage
import TiltSyntax

struct Repl: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Explore interactively: evaluate statements one at a time.",
        discussion: """
        GNU readline editing, history in ~/.tilt_history, tab completion of keywords, built-ins and names.
        An entry continues on the next line while a bracket is open or the line ends in an operator.
        Ctrl-C cancels the current entry, Ctrl-D leaves. Type :help for commands.

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
        (":help", "this list, the statements and the built-in functions"),
        (":type EXPR", "type and shape of an expression"),
        (":load FILE", "run a file in this session"),
        (":explain STMT", "how a `solve …` statement is understood (curvature, cone program), without solving"),
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
            guard let entry = readEntry() else { break }
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
            let file = files.add(name: "<repl:\(entryNumber)>", bytes: Array(entry.utf8))
            let diagnostics = session.run(file)
            if !diagnostics.isEmpty {
                printError(files.list(diagnostics, running: file).rendered(color: stderrWantsColor))
            }
            completionWords = session.completionWords + ReplLoop.commands.map { String($0.0.prefix { $0 != " " }) }
        }
        print("")
    }

    /// Reads one entry, over several lines while brackets are open or a line ends in an operator.
    /// `nil` at end of input (Ctrl-D on an empty prompt).
    private func readEntry() -> String? {
        var lines: [String] = []
        entryCancelled = false
        while true {
            let prompt = lines.isEmpty ? mainPrompt : continuationPrompt
            guard let raw = readline(prompt) else {
                return lines.isEmpty ? nil : lines.joined(separator: "\n")
            }
            let line = String(cString: raw)
            free(raw)
            if entryCancelled {
                // Ctrl-C was pressed while this line was being typed: start over.
                entryCancelled = false
                lines = []
                if line.isEmpty { continue }
            }
            lines.append(line)
            let entry = lines.joined(separator: "\n")
            if entry.hasPrefix(":") || !EntryCompleteness.needsMoreInput(entry) { return entry }
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
            let diagnostics = session.run(file)
            session.locations.programDirectory = previous
            if !diagnostics.isEmpty {
                printError(files.list(diagnostics, running: file).rendered(color: stderrWantsColor))
            }
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
            entryCancelled = true
            fputs("\n", stdout)
            rl_on_new_line()
            rl_replace_line("", 0)
            rl_set_prompt(mainPrompt)
            rl_redisplay()
        }
    }
}
