import TiltData
import TiltLinearAlgebra
import TiltSolver
import TiltSyntax

/// An option's value as read from a program.
enum OptionValue: Equatable {
    case number(Double)
    case numbers([Double])
    case month(Month)
    case monthRange(Month, Month)
    case word(String)
    /// `rolling N` (or a plain N where a window is expected).
    case rolling(Int)
    /// A string in quotes: a file name as written, or a text.
    case string(String)

    init(_ value: VocabularyOption.Default) {
        switch value {
        case .number(let x): self = .number(x)
        case .numbers(let xs): self = .numbers(xs)
        case .month(let m): self = .month(m)
        case .monthRange(let a, let b): self = .monthRange(a, b)
        case .word(let w): self = .word(w)
        case .rolling(let n): self = .rolling(n)
        }
    }
}

/// A statement's argument read against one of its vocabulary forms: the form, and each option's value
/// (written, or its default) with where it was written.
struct FormValues {
    let form: VocabularyForm
    /// The whole argument (`synthetic(stocks: 5)`).
    let range: SourceRange
    /// Options given, by label, in the order written; positional ones under "".
    private(set) var given: [(label: String, value: OptionValue, range: SourceRange)] = []
    /// Labels whose value cannot be known before the program runs.
    private(set) var unknown: Set<String> = []

    init(form: VocabularyForm, range: SourceRange) {
        self.form = form
        self.range = range
    }

    mutating func add(_ label: String, _ value: OptionValue?, at range: SourceRange) {
        if let value { given.append((label, value, range)) } else { unknown.insert(label) }
    }

    /// The value of `label`: as written, else its default; nil when it has neither or is not known yet.
    func value(_ label: String) -> OptionValue? {
        if let written = given.last(where: { $0.label == label }) { return written.value }
        if unknown.contains(label) { return nil }
        return form.option(label)?.defaultValue.map(OptionValue.init)
    }

    /// Where `label` was written; the whole argument when it was not.
    func range(_ label: String) -> SourceRange {
        given.last { $0.label == label }?.range ?? range
    }

    func number(_ label: String) -> Double? {
        if case .number(let x)? = value(label) { return x }
        return nil
    }

    /// The value of a whole-number option (read in its range, so it fits `T`); nil as `number`.
    func whole<T: FixedWidthInteger>(_ label: String) -> T? {
        number(label).flatMap { T(whole: $0) }
    }

    func month(_ label: String) -> Month? {
        if case .month(let m)? = value(label) { return m }
        return nil
    }

    func word(_ label: String) -> String? {
        if case .word(let w)? = value(label) { return w }
        return nil
    }

    /// The positional values, in order.
    var positional: [(value: OptionValue, range: SourceRange)] {
        given.filter { $0.label.isEmpty }.map { ($0.value, $0.range) }
    }
}

/// Reads a strategy statement's argument by the vocabulary: which form it is, and each option's value,
/// checked for its type and range. Every problem is a located diagnostic; reading goes on after one, so
/// that all the problems of a statement are reported together.
struct FormReader {
    let scope: ConstantScope
    private(set) var diagnostics: [Diagnostic] = []

    init(scope: ConstantScope) { self.scope = scope }

    private mutating func report(_ message: String, _ range: SourceRange, hint: String? = nil) {
        diagnostics.append(Diagnostic(message, at: range, hint: hint))
    }

    /// `e` as one of `forms` of the statement `keyword`: a bare word or a call of a form's name. nil (with a
    /// diagnostic) when it is none of them, or a string when `acceptsString` (the caller reads it).
    mutating func read(_ e: Expr, forms: [VocabularyForm], keyword: String) -> FormValues? {
        let names = forms.map(\.name)
        let (name, arguments): (Identifier, [CallArgument]?)
        switch e.kind {
        case .name(let n): (name, arguments) = (Identifier(n, range: e.range), nil)
        case .call(let n, let args): (name, arguments) = (n, args)
        default:
            report("`\(keyword)` expects one of: \(names.joined(separator: ", "))", e.range)
            return nil
        }
        guard let form = forms.first(where: { $0.name == name.name }) else {
            report("unknown \(keyword) `\(name.name)`", name.range,
                   hint: closestName(to: name.name, among: names).map { "did you mean `\($0)`?" }
                       ?? "expected one of: \(names.joined(separator: ", "))")
            return nil
        }
        var values = FormValues(form: form, range: e.range)
        guard let options = form.options else {
            if arguments != nil { report("`\(name.name)` takes no arguments", e.range, hint: "write `\(keyword) \(name.name)`") }
            return values
        }
        let labels = options.map(\.label)
        var seen: Set<String> = []
        for argument in arguments ?? [] {
            let label = argument.label?.name ?? ""
            if let written = argument.label, !seen.insert(label).inserted {
                report("`\(name.name)` is given `\(label):` twice", written.range, hint: "keep one of them")
                continue
            }
            guard let option = form.option(label) else {
                let named = labels.filter { !$0.isEmpty }
                report(argument.label == nil ? "`\(name.name)` needs labelled arguments (\(named.map { "`\($0):`" }.joined(separator: ", ")))"
                                             : "`\(name.name)` has no option `\(label)`",
                       argument.label?.range ?? argument.value.range,
                       hint: closestName(to: label, among: named).map { "did you mean `\($0)`?" }
                           ?? (named.isEmpty ? nil : "options: \(named.joined(separator: ", "))"))
                continue
            }
            let value = read(argument.value, as: option, of: name.name)
            if case .failure = value { continue }
            values.add(label, try? value.get(), at: argument.value.range)
        }
        return values
    }

    /// `solve(tol_feas: 1e-10, …)`'s options read by `Vocabulary.solveOptions` into the solver's settings,
    /// built as `tilt solve` builds them (`SolverSettings(options:)`). nil when an option has an error
    /// (reported) or a value that is not known yet (checking before the program runs).
    mutating func solverSettings(_ options: [CallArgument], of statement: Stmt) -> SolverSettings? {
        let errorsBefore = diagnostics.count
        let call = Expr(.call(Identifier("solve", range: statement.range), options), statement.range)
        guard let values = read(call, forms: [Vocabulary.solveOptions], keyword: "solve"), diagnostics.count == errorsBefore,
              values.unknown.isEmpty else { return nil }
        var given: [SolverOption: Double] = [:]
        for (label, value, _) in values.given {
            if let option = SolverOption(rawValue: label), case .number(let x) = value { given[option] = x }
        }
        do {
            return try SolverSettings(options: given)
        } catch {
            report(error.description, values.range(error.option.name))
            return nil
        }
    }

    /// Why a value was not read: already reported.
    private struct Reported: Error {}

    /// One option's value: `.success(nil)` when it is not known before the program runs.
    private mutating func read(_ e: Expr, as option: VocabularyOption, of form: String) -> Result<OptionValue?, Reported> {
        do {
            return .success(try value(e, as: option, of: form))
        } catch let d as Diagnostic {
            diagnostics.append(d)
        } catch {
            report(String(describing: error), e.range)
        }
        return .failure(Reported())
    }

    private func value(_ e: Expr, as option: VocabularyOption, of form: String) throws -> OptionValue? {
        let what = option.meaning ?? "`\(option.label):`"
        switch option.value {
        case .words(let words):
            return .word(try word(e, among: words, what: what, takes: option.takes))
        case .characteristics(let words):
            if case .string(let path) = e.kind { return .string(path) }
            return .word(try word(e, among: words, what: what, takes: option.takes))
        case .window(let range, let example, let plainNumber):
            let unit = option.unit.map { " of \($0)" } ?? ""
            let invalid = "\(what) is a whole number\(unit) from \(range.lowerBound) to \(range.upperBound), e.g. `\(example)`"
            switch e.kind {
            case .name("expanding"): return .word("expanding")
            case .name("rolling"): throw Diagnostic("`rolling` needs its length in months", at: e.range, hint: "e.g. `\(example)`")
            case .apply(let word, let length) where word.name == "rolling":
                return try whole(length, in: range, invalid: invalid).map(OptionValue.rolling)
            case .binary(.subtract, let word, _, _, _) where word.kind == .name("rolling"):
                // `rolling -5` reads as `rolling − 5`.
                throw Diagnostic(invalid, at: e.range)
            case .name(let n):
                throw Diagnostic("unknown option value `\(n)`", at: e.range,
                                 hint: closestName(to: n, among: option.value.words).map { "did you mean `\($0)`?" }
                                     ?? "expected one of: \(option.value.words.joined(separator: ", "))")
            case .apply(let word, _):
                throw Diagnostic("unknown option value `\(word.name)`", at: word.range,
                                 hint: "expected one of: \(option.value.words.joined(separator: ", "))")
            default:
                // A plain number of months is a rolling window where the form allows it (`window: 120`).
                guard plainNumber else { throw Diagnostic(invalid, at: e.range, hint: "write `window: expanding` or `window: rolling N`") }
                return try whole(e, in: range, invalid: invalid).map(OptionValue.rolling)
            }
        case .wholeNumber(let range):
            let unit = option.unit.map { " of \($0)" } ?? ""
            return try whole(e, in: range, invalid: "\(what) is a whole number\(unit) from \(range.lowerBound) to \(range.upperBound)")
                .map { .number(Double($0)) }
        case .number(let range, let open):
            guard let v = try scope.value(of: e) else { return nil }
            guard case .number(let x) = v, open ? (x > range.lowerBound && x < range.upperBound) : range.contains(x) else {
                throw Diagnostic("\(what) is \(Self.describe(range, open: open))", at: e.range, hint: option.example.map { "e.g. `\($0)`" })
            }
            return .number(x)
        case .numbers:
            guard let v = try scope.value(of: e) else { return nil }
            switch v {
            case .number(let x): return .numbers([x])
            case .matrix(let m) where m.rows == 1 || m.cols == 1: return .numbers(m.storage)
            default: throw Diagnostic("`\(option.label):` takes a number or a list of them, e.g. `\(option.label): [1, 5, 25, 50]`", at: e.range)
            }
        case .month:
            guard let v = try scope.value(of: e) else { return nil }
            guard case .month(let m) = v else { throw Diagnostic("`\(option.label):` takes a month, e.g. `1963-07`", at: e.range) }
            return .month(m)
        case .monthRange:
            let (from, to) = try Self.monthRange(e)
            return .monthRange(from, to)
        case .connection:
            if case .name("environment") = e.kind { return .word("environment") }
            guard let v = try scope.value(of: e) else { return nil }
            guard case .string(let s) = v else {
                throw Diagnostic("`\(option.label):` is \(option.takes)", at: e.range, hint: "e.g. `\(option.label): \"service=wrds\"`")
            }
            return .string(s)
        case .path, .text:
            guard let v = try scope.value(of: e) else { return nil }
            guard case .string(let s) = v else {
                throw Diagnostic(option.value.isPath ? "expected the file name in quotes" : "expected a name in quotes", at: e.range)
            }
            return .string(s)
        }
    }

    /// A word of `words` written as a bare name; `what` the option is and what it `takes`, for the message
    /// when something else is written (`design: 3`: "`design:` is `consistent` or `paper`").
    private func word(_ e: Expr, among words: [String], what: String, takes: String) throws -> String {
        if case .name(let n) = e.kind, words.contains(n) { return n }
        if case .name(let n) = e.kind {
            throw Diagnostic("unknown option value `\(n)`", at: e.range,
                             hint: closestName(to: n, among: words).map { "did you mean `\($0)`?" } ?? "expected one of: \(words.joined(separator: ", "))")
        }
        throw Diagnostic("\(what) is \(takes)", at: e.range)
    }

    /// A whole number in `range`; nil when not known yet.
    private func whole(_ e: Expr, in range: ClosedRange<Int>, invalid: String) throws -> Int? {
        guard let v = try scope.value(of: e) else { return nil }
        guard case .number(let x) = v, let n = Int(whole: x, in: range) else { throw Diagnostic(invalid, at: e.range) }
        return n
    }

    /// `M to M`, written with two month literals, the first not after the second.
    static func monthRange(_ e: Expr) throws -> (Month, Month) {
        guard case .range(let lo, let hi, nil) = e.kind, case .month(let y0, let m0) = lo.kind, case .month(let y1, let m1) = hi.kind else {
            throw Diagnostic("expected a month range like `1993-12 to 2024-11`", at: e.range)
        }
        let from = Month(y0, m0), to = Month(y1, m1)
        guard from <= to else { throw Diagnostic("the range is empty: \(from) is after \(to)", at: e.range) }
        return (from, to)
    }

    /// "a positive number", "a number from 0.01 to 100", "a number strictly between 0 and 1".
    static func describe(_ range: ClosedRange<Double>, open: Bool) -> String {
        if open && range.upperBound == .greatestFiniteMagnitude {
            return range.lowerBound == 0 ? "a positive number" : "a number above \(formatNumber(range.lowerBound))"
        }
        if open { return "a number strictly between \(formatNumber(range.lowerBound)) and \(formatNumber(range.upperBound))" }
        return "a number from \(formatNumber(range.lowerBound)) to \(formatNumber(range.upperBound))"
    }
}

extension VocabularyOption.Value {
    var isPath: Bool {
        if case .path = self { return true }
        return false
    }
}
