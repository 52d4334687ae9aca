import ArgumentParser
import Foundation
import TiltKernel
import TiltLanguageServer

struct KernelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kernel",
        abstract: "The Jupyter kernel for Tilt: run it (Jupyter does), or install its kernelspec.",
        discussion: """
        Jupyter starts `tilt kernel --connection-file FILE` itself once the
        kernelspec is installed; each notebook cell then runs as a REPL entry in
        one session. See Docs/editors.md.

        Examples:
          tilt kernel install --user        for yourself
          tilt kernel install               for every user (JupyterHub), as root
          tilt kernel install --sys-prefix  into the active Python environment
        """,
        subcommands: [KernelRun.self, KernelInstall.self],
        defaultSubcommand: KernelRun.self)
}

struct KernelRun: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Serve the Jupyter messaging protocol on the ports a connection file names (Jupyter starts this).")

    @Option(name: .customLong("connection-file"), help: "The connection file Jupyter wrote.")
    var connectionFile: String

    @Option(help: "Folder searched for data files (default: $TILT_DATA).")
    var data: String?

    func run() throws {
        let log: @Sendable (String) -> Void = { printError($0 + "\n") }
        do {
            let connection = try ConnectionFile.read(path: connectionFile)
            let kernel = try JupyterKernel(connection: connection, dataDirectory: dataDirectory(data), log: log)
            let status = kernel.run()
            if status != 0 { throw ExitCode(status) }
        } catch let error as ExitCode {
            throw error
        } catch {
            printError("tilt kernel: \(error)\n")
            throw userErrorExit
        }
    }
}

struct KernelInstall: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "install",
        abstract: "Write the Tilt kernelspec (kernel.json, logos, a Pygments lexer) where Jupyter finds it.",
        discussion: """
        Without a location flag the kernelspec goes to
        /usr/local/share/jupyter/kernels/tilt, for every user (a JupyterHub
        class); that needs write access there (root). kernel.json starts this
        `tilt` by its absolute path, so install `tilt` where it will stay first
        (README, "Installing").

        Examples:
          tilt kernel install --user
          sudo tilt kernel install --data /srv/tilt-data
          tilt kernel install --prefix /opt/conda
        """)

    @Flag(help: "Install for the current user only (~/.local/share/jupyter).")
    var user = false

    @Flag(name: .customLong("sys-prefix"), help: "Install into the Python environment of python3 on PATH (sys.prefix/share/jupyter).")
    var sysPrefix = false

    @Option(help: "Install into PREFIX/share/jupyter.")
    var prefix: String?

    @Option(help: "The kernelspec's folder name (default tilt).")
    var name = "tilt"

    @Option(name: .customLong("display-name"), help: "The name notebooks show (default Tilt).")
    var displayName = "Tilt"

    @Option(help: "A data folder every session of this kernel searches (sets TILT_DATA in kernel.json).")
    var data: String?

    @Option(help: "The tilt executable kernel.json starts (default: this one).")
    var executable: String?

    func validate() throws {
        guard [user, sysPrefix, prefix != nil].filter({ $0 }).count <= 1 else {
            throw ValidationError("give at most one of --user, --sys-prefix and --prefix")
        }
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) }), name.first != "." else {
            throw ValidationError("--name may hold letters, digits, '-', '_' and '.'")
        }
    }

    func run() throws {
        let location: KernelSpec.Location = user ? .user : sysPrefix ? .sysPrefix : prefix.map { .prefix($0) } ?? .system
        do {
            let directory = try KernelSpec.directory(location, name: name)
            let tilt = executable.map { URL(fileURLWithPath: $0).standardizedFileURL.path } ?? currentExecutable()
            let absoluteData = data.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
            _ = try KernelSpec.install(into: directory, executable: tilt, displayName: displayName, dataDirectory: absoluteData)
            printOutput("installed the Tilt kernelspec in \(directory) (it starts \(tilt))\n")
        } catch {
            printError("tilt kernel install: \(error)\n")
            throw userErrorExit
        }
    }

    /// The absolute path of the running `tilt`.
    private func currentExecutable() -> String {
        if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return path }
        return Bundle.main.executablePath ?? URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL.path
    }
}

struct LanguageServerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lsp",
        abstract: "The Language Server Protocol server for Tilt, on standard input and output (an editor starts it).",
        discussion: """
        Diagnostics as you type, hover (types, shapes, units, curvature),
        completion, go to definition, formatting and semantic highlighting.
        See Docs/editors.md for VS Code, Neovim and Helix.
        """)

    func run() throws {
        signal(SIGPIPE, SIG_IGN)
        var reader = MessageReader(fileDescriptor: STDIN_FILENO)
        let status = LanguageServer.serve(reader: &reader, writer: MessageWriter(fileDescriptor: STDOUT_FILENO),
                                          log: { printError($0 + "\n") })
        if status != 0 { throw ExitCode(status) }
    }
}
