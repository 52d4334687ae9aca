import Foundation
import TiltEditorSupport
import TiltLanguage
import TiltReport
import TiltSyntax

/// The kernelspec Jupyter finds the Tilt kernel by: a folder `kernels/tilt` holding `kernel.json` (how to
/// start `tilt kernel`), the logos, and a Pygments lexer for Tilt. `tilt kernel install` writes it.
public enum KernelSpec {
    /// Where a kernelspec goes, as `jupyter kernelspec install` names them.
    public enum Location: Equatable {
        /// The user's Jupyter data folder (`$JUPYTER_DATA_DIR`, else `$XDG_DATA_HOME/jupyter` or
        /// `~/.local/share/jupyter`; `~/Library/Jupyter` on macOS).
        case user
        /// `share/jupyter` under a Python environment's prefix (`sys.prefix` of `python3`, a virtualenv or conda env).
        case sysPrefix
        /// `share/jupyter` under a prefix.
        case prefix(String)
        /// Every user of the machine: `/usr/local/share/jupyter` (what JupyterHub's users all see).
        case system
    }

    public struct Problem: Error, CustomStringConvertible {
        public let description: String
    }

    /// The kernelspec folder for `name` at `location`.
    public static func directory(_ location: Location, name: String = "tilt",
                                 environment: [String: String] = ProcessInfo.processInfo.environment) throws(Problem) -> String {
        let share: String
        switch location {
        case .user:
            if let dir = environment["JUPYTER_DATA_DIR"], !dir.isEmpty {
                share = dir
            } else {
                let home = environment["HOME"] ?? NSHomeDirectory()
                #if os(macOS)
                share = home + "/Library/Jupyter"
                #else
                share = (environment["XDG_DATA_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? home + "/.local/share") + "/jupyter"
                #endif
            }
        case .sysPrefix: share = try pythonPrefix(environment: environment) + "/share/jupyter"
        case .prefix(let p): share = p + "/share/jupyter"
        case .system: share = "/usr/local/share/jupyter"
        }
        return share + "/kernels/" + name
    }

    /// `sys.prefix` of the `python3` on PATH: where `--sys-prefix` installs, as Jupyter's own tools do.
    static func pythonPrefix(environment: [String: String]) throws(Problem) -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import sys; print(sys.prefix)"]
        process.environment = environment
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { throw Problem(description: "--sys-prefix needs python3 on PATH: \(error)") }
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let prefix = String(decoding: output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard process.terminationStatus == 0, !prefix.isEmpty else { throw Problem(description: "--sys-prefix: python3 did not say its sys.prefix") }
        return prefix
    }

    /// `kernel.json`: Jupyter starts `EXECUTABLE kernel --connection-file FILE`, interrupts by message (so a
    /// notebook's ■ reaches the kernel wherever it runs), and passes `TILT_DATA` when a data folder is given.
    public static func kernelJSON(executable: String, displayName: String = "Tilt", dataDirectory: String? = nil) -> String {
        var spec: [String: JSONValue] = [
            "argv": [.string(executable), "kernel", "--connection-file", "{connection_file}"],
            "display_name": .string(displayName),
            "language": "tilt",
            "interrupt_mode": "message",
            "metadata": ["debugger": false],
        ]
        if let dataDirectory { spec["env"] = ["TILT_DATA": .string(dataDirectory)] }
        return JSONValue.object(spec).serialized + "\n"
    }

    /// Writes the kernelspec into `directory` (created if needed); the files written.
    public static func install(into directory: String, executable: String, displayName: String = "Tilt",
                               dataDirectory: String? = nil) throws(Problem) -> [String] {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw Problem(description: "cannot create `\(directory)`: \(AtomicFile.reason(error))")
        }
        let files: [(String, [UInt8])] = [
            ("kernel.json", Array(kernelJSON(executable: executable, displayName: displayName, dataDirectory: dataDirectory).utf8)),
            ("logo-32x32.png", KernelLogo.png(size: 32)),
            ("logo-64x64.png", KernelLogo.png(size: 64)),
            ("tilt_lexer.py", Array(pygmentsLexer.utf8)),
        ]
        var written: [String] = []
        for (name, bytes) in files {
            let path = directory + "/" + name
            do {
                try AtomicFile.write(to: URL(fileURLWithPath: path)) { output throws(ReportError) in try output.write(bytes) }
            } catch {
                throw Problem(description: error.description)
            }
            written.append(path)
        }
        return written
    }

    /// A Pygments lexer for Tilt, with the keyword and built-in lists taken from Tilt itself, so it is never
    /// out of date with the `tilt` that wrote it. Pygments finds it by path (`pygmentize -l tilt_lexer.py:TiltLexer
    /// -x`) or, registered as a `pygments.lexers` entry point, by the name `tilt`.
    public static var pygmentsLexer: String {
        func words(_ list: [String]) -> String {
            "(" + Set(list).sorted().map { "'\($0)'" }.joined(separator: ", ") + ")"
        }
        let keywords = Keyword.allCases.map(\.rawValue).filter { $0 != Keyword.subjectTo.rawValue }
        let builtins = LanguageReference.entries.filter { $0.kind == .builtin }.map(\.name)
        let strategy = LanguageReference.entries.filter { $0.kind != .keyword && $0.kind != .builtin }.map(\.name)
        return """
        \"\"\"Pygments lexer for Tilt (https://pygments.org), written by `tilt kernel install`.

        Keywords, built-in functions and strategy words are Tilt's own lists. Use it by path:
            pygmentize -l tilt_lexer.py:TiltLexer -x program.tilt
        \"\"\"
        from pygments.lexer import RegexLexer, words
        from pygments.token import Comment, Keyword, Name, Number, Operator, Punctuation, String, Text, Whitespace

        __all__ = ['TiltLexer']


        class TiltLexer(RegexLexer):
            name = 'Tilt'
            aliases = ['tilt']
            filenames = ['*.tilt']
            mimetypes = ['text/x-tilt']

            tokens = {
                'root': [
                    (r'#.*$', Comment.Single),
                    (r'\\s+', Whitespace),
                    (r'"(\\\\.|[^"\\\\\\n])*"', String.Double),
                    (r'\\d{4}-\\d{2}(-\\d{2})?(?!\\d)', Number.Other),
                    (r'(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?(%|bps\\b)?', Number.Float),
                    (r's\\.t\\.', Keyword),
                    (words(\(words(keywords)), suffix=r'\\b'), Keyword),
                    (words(\(words(builtins)), suffix=r'\\b'), Name.Builtin),
                    (words(\(words(strategy)), suffix=r'\\b'), Name.Builtin.Pseudo),
                    (r'[A-Za-z_][A-Za-z0-9_]*', Name),
                    (r"\\.\\*|\\./|\\.\\^|==|!=|<=|>=|[-+*/^'=<>|]", Operator),
                    (r'[()\\[\\],;:]', Punctuation),
                    (r'.', Text),
                ],
            }

        """
    }
}
