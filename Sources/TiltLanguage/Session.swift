import Foundation
import TiltSyntax

/// The front door of the language for the CLI and the REPL: parse, check and run a file or one REPL
/// entry, keeping bindings across entries. Problems come back as diagnostics located in the input.
public final class Session {
    public let interpreter: Interpreter

    public init(interpreter: Interpreter) {
        self.interpreter = interpreter
    }

    /// Parses and checks a program without loading data or solving (`tilt check`).
    public static func check(_ file: SourceFile, predefined: Set<String> = []) -> (program: Program, diagnostics: [Diagnostic]) {
        let (program, syntaxErrors) = Parser.parse(file)
        // A statement that did not parse is left out; checking the rest still finds independent errors,
        // but names it would have bound must not be reported as unknown, so check only when parsing was clean.
        let checkErrors = syntaxErrors.isEmpty ? Checker.check(program, predefined: predefined) : []
        return (program, syntaxErrors + checkErrors)
    }

    /// Parses, checks and runs a program (`tilt run`, `:load`, one REPL entry). Returns the diagnostics;
    /// empty means success.
    @discardableResult
    public func run(_ file: SourceFile) -> [Diagnostic] {
        let (program, diagnostics) = Session.check(file, predefined: Set(interpreter.bindings.keys).union(interpreter.sweptNames))
        guard diagnostics.isEmpty else { return diagnostics }
        do {
            try interpreter.execute(program)
            return []
        } catch {
            return [error]
        }
    }

    /// The type and shape of an expression (`:type EXPR`), evaluated in the current bindings.
    public func typeDescription(of file: SourceFile) -> Result<String, DiagnosticList> {
        let (program, diagnostics) = Session.check(file, predefined: Set(interpreter.bindings.keys))
        guard diagnostics.isEmpty else { return .failure(DiagnosticList(file: file, diagnostics: diagnostics)) }
        guard program.statements.count == 1, case .expression(let e) = program.statements[0].kind else {
            let range = program.statements.first?.range ?? SourceRange.empty
            return .failure(DiagnosticList(file: file, diagnostics: [Diagnostic(":type takes one expression", at: range)]))
        }
        do {
            return .success(try interpreter.evaluate(e).typeDescription)
        } catch let d as Diagnostic {
            return .failure(DiagnosticList(file: file, diagnostics: [d]))
        } catch {
            return .failure(DiagnosticList(file: file, diagnostics: [Diagnostic(String(describing: error), at: e.range)]))
        }
    }

    /// Words the REPL completes: keywords, built-in functions, strategy words and bound names.
    public var completionWords: [String] {
        let keywords = Keyword.allCases.map(\.rawValue)
        let strategy = StrategyVocabulary.objectiveNames.map { String($0.0.prefix { $0 != "(" }) } + StrategyVocabulary.rebalanceFrequencies
            + [StrategyVocabulary.universe, .benchmark, .model, .policy, .utility].flatMap(\.words)
        return Array(Set(keywords + Builtins.names + strategy + interpreter.bindings.keys)).sorted()
    }
}
