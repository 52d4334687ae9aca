// Coverage-guided fuzzing of the front end in-process (libFuzzer): the lexer, parser, checker and formatter
// on arbitrary bytes. Any input must give diagnostics inside it, and a program that parses must format
// into one that parses, checks the same and formats to itself; a violation stops the run (a crash that
// libFuzzer keeps). Docs/reliability.md has the commands.
//
// Built normally (as by `swift build`), it is a replayer: `TiltParserFuzz FILE…` runs each file through the
// same checks, so that a kept crash can be rerun in the debugger. Built with `-DTILT_LIBFUZZER
// -sanitize=fuzzer -parse-as-library`, libFuzzer's driver runs them on the inputs it makes.

import Foundation
import TiltLanguage
import TiltSyntax

/// Checks the front end's properties on `bytes`; a violation is a fatal error naming it.
func checkFrontEnd(_ bytes: [UInt8]) {
    let file = SourceFile(name: "fuzz.tilt", bytes: bytes)
    let (program, diagnostics) = Session.check(file)
    for d in diagnostics where !(0 <= d.range.start && d.range.start <= d.range.end && d.range.end <= bytes.count) {
        fatalError("diagnostic outside the input: \(d.message) at \(d.range.start)..<\(d.range.end) of \(bytes.count)")
    }
    _ = DiagnosticList(file: file, diagnostics: diagnostics).rendered()
    guard Parser.parse(file).diagnostics.isEmpty else { return }
    let formatted = Formatter.format(program)
    let formattedFile = SourceFile(name: "formatted.tilt", text: formatted)
    let (reparsed, reparseErrors) = Parser.parse(formattedFile)
    guard reparseErrors.isEmpty else {
        fatalError("the formatted program does not parse: \(reparseErrors[0].message)\n\(formatted)")
    }
    guard Formatter.format(reparsed) == formatted else { fatalError("formatting is not idempotent:\n\(formatted)") }
    let before = diagnostics.map(\.message), after = Session.check(formattedFile).diagnostics.map(\.message)
    guard before == after else { fatalError("formatting changed what check says: \(before) → \(after)\n\(formatted)") }
}

#if TILT_LIBFUZZER
/// libFuzzer's driver (compiler-rt, LLVM 13 and later): parses libFuzzer's options and calls `test` on each input.
@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
                     _ test: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

/// SwiftPM links an executable's `main` to `<module>_main`: here it starts libFuzzer's driver.
@_cdecl("TiltParserFuzz_main")
func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var arguments = argv
    return runFuzzerDriver(&count, &arguments) { data, size in
        checkFrontEnd(size == 0 ? [] : Array(UnsafeBufferPointer(start: data, count: size)))
        return 0
    }
}
#else
@main
enum Replay {
    static func main() {
        let paths = CommandLine.arguments.dropFirst()
        guard !paths.isEmpty else {
            FileHandle.standardError.write(Data("usage: TiltParserFuzz FILE…  (replays inputs; see Docs/reliability.md)\n".utf8))
            exit(2)
        }
        for path in paths {
            guard let data = FileManager.default.contents(atPath: path) else {
                FileHandle.standardError.write(Data("TiltParserFuzz: cannot read \(path)\n".utf8))
                exit(1)
            }
            checkFrontEnd(Array(data))
            print("ok \(path)")
        }
    }
}
#endif
