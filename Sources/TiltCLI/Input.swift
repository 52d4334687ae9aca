import ArgumentParser
import Foundation
import TiltLanguage
import TiltSyntax

/// Reads a program named on the command line (`-` is standard input).
func loadProgram(_ path: String) throws -> SourceFile {
    if path == "-" {
        return SourceFile(name: "<stdin>", bytes: Array(FileHandle.standardInput.readDataToEndOfFile()))
    }
    guard let data = FileManager.default.contents(atPath: path) else {
        var isDirectory: ObjCBool = false
        let reason = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
            ? (isDirectory.boolValue ? "it is a directory" : "it cannot be read") : "no such file"
        printError("tilt: cannot open `\(path)`: \(reason)\n")
        throw userErrorExit
    }
    return SourceFile(name: path, bytes: Array(data))
}

func printError(_ text: String) {
    FileHandle.standardError.write(Data(text.utf8))
}

/// Whether diagnostics on standard error should be coloured.
var stderrWantsColor: Bool {
    isatty(2) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
}

/// Prints diagnostics for a file and, when there are any, ends with exit status 1.
func reportAndExitOnErrors(_ diagnostics: [Diagnostic], in file: SourceFile) throws {
    guard !diagnostics.isEmpty else { return }
    printError(DiagnosticList(file: file, diagnostics: diagnostics).rendered(color: stderrWantsColor))
    let count = diagnostics.count
    printError("\(count) error\(count == 1 ? "" : "s")\n")
    throw userErrorExit
}

/// The data directory: `--data DIR`, else `TILT_DATA`.
func dataDirectory(_ option: String?) -> String? {
    option ?? ProcessInfo.processInfo.environment["TILT_DATA"]
}

/// An interpreter for a program file: data looked up beside it, then in the data directory; values
/// printed to standard output.
func makeInterpreter(for source: SourceFile, data: String?) -> Interpreter {
    Interpreter(programDirectory: directory(of: source), dataDirectory: dataDirectory(data),
                output: { FileHandle.standardOutput.write(Data($0.utf8)) })
}

func directory(of file: SourceFile) -> String {
    file.name.hasPrefix("<") ? FileManager.default.currentDirectoryPath
        : (file.name as NSString).deletingLastPathComponent.isEmpty ? "." : (file.name as NSString).deletingLastPathComponent
}
