import ArgumentParser
import Foundation
import TiltLanguage
import TiltReport
import TiltSyntax

/// Reads a program named on the command line (`-` is standard input).
func loadProgram(_ path: String) throws -> SourceFile {
    if path == "-" {
        return SourceFile(name: "<stdin>", bytes: Array(FileHandle.standardInput.readDataToEndOfFile()))
    }
    do {
        return SourceFile(name: path, bytes: try readProgramFile(path))
    } catch {
        printError("tilt: cannot open `\(path)`: \(error.reason)\n")
        throw userErrorExit
    }
}

/// Why a program file cannot be read, in plain words ("no such file", "Permission denied").
struct UnreadableFile: Error {
    let reason: String
}

/// The largest program file read: far beyond any program, and a device that never ends (`/dev/zero`) is
/// an error rather than exhausted memory.
let maximumProgramSize = 64 << 20

/// The bytes of a program file (`tilt run FILE`, `:load FILE`). It is read through a file handle, so that a
/// device or a pipe (`/dev/null`, `<(…)`) reads like a regular file; FileManager's `contents(atPath:)`
/// gives up on those.
func readProgramFile(_ path: String) throws(UnreadableFile) -> [UInt8] {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { throw UnreadableFile(reason: "no such file") }
    guard !isDirectory.boolValue else { throw UnreadableFile(reason: "it is a directory") }
    do {
        let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        var bytes: [UInt8] = []
        while let chunk = try handle.read(upToCount: 1 << 16), !chunk.isEmpty {
            bytes += chunk
            guard bytes.count <= maximumProgramSize else {
                throw UnreadableFile(reason: "it is larger than \(maximumProgramSize >> 20) MB, too large for a program")
            }
        }
        return bytes
    } catch let error as UnreadableFile {
        throw error
    } catch {
        throw UnreadableFile(reason: AtomicFile.reason(error))
    }
}

/// Writes to standard error; if even that fails there is no one left to tell, so the command ends (exit 1).
func printError(_ text: String) {
    do { try FileHandle.standardError.write(contentsOf: Data(text.utf8)) } catch { Foundation.exit(1) }
}

/// Writes to standard output. A write that fails (a full disk, a device that refuses it) ends the command
/// with a message and exit status 1, never with Foundation's trap on the non-throwing `write(_:)`.
func printOutput(_ text: String) {
    do { try FileHandle.standardOutput.write(contentsOf: Data(text.utf8)) } catch { outputFailed(error) }
}

/// Ends the command after standard output could not be written.
func outputFailed(_ error: Error) -> Never {
    printError("tilt: cannot write the output: \(AtomicFile.reason(error))\n")
    Foundation.exit(1)
}

/// `print` goes through the C library's buffered standard output, which records a failed write instead of
/// reporting it: flushed and checked once the command is done.
func checkStandardOutput() {
    if fflush(stdout) != 0 || ferror(stdout) != 0 {
        printError("tilt: cannot write the output: \(String(cString: strerror(errno)))\n")
        Foundation.exit(1)
    }
}

/// Whether diagnostics on standard error should be coloured.
var stderrWantsColor: Bool {
    isatty(2) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
}

/// Prints diagnostics for a file and, when there are any, ends with exit status 1.
func reportAndExitOnErrors(_ diagnostics: [Diagnostic], in file: SourceFile) throws {
    guard !diagnostics.isEmpty else { return }
    let list = DiagnosticList(file: file, diagnostics: diagnostics)
    printError(list.rendered(color: stderrWantsColor) + list.summary + "\n")
    throw userErrorExit
}

/// The data directory: `--data DIR`, else `TILT_DATA`.
func dataDirectory(_ option: String?) -> String? {
    option ?? ProcessInfo.processInfo.environment["TILT_DATA"]
}

/// A session for a program file: data looked up beside it, then in the data directory; values printed to
/// standard output.
func makeSession(for source: SourceFile, data: String?) -> Session {
    Session(mode: .program, locations: DataLocations(programDirectory: directory(of: source), dataDirectory: dataDirectory(data)),
            output: { printOutput($0) })
}

func directory(of file: SourceFile) -> String {
    file.name.hasPrefix("<") ? FileManager.default.currentDirectoryPath
        : (file.name as NSString).deletingLastPathComponent.isEmpty ? "." : (file.name as NSString).deletingLastPathComponent
}
