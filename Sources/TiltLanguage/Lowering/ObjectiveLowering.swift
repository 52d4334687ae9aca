import TiltBacktest
import TiltLinearAlgebra
import TiltModeling
import TiltPortfolio
import TiltSyntax

/// Lowers a strategy's objective and constraints, as written, into a `PortfolioProblem`: each term and
/// constraint that is one of the structured kinds becomes it (`mu'f`, `gamma * risk`, `tev <= 6%`,
/// `|w - b| <= 2%`, `sector("Finance") <= 25%`, `|f[hml]| <= 0.2`, …), anything else a
/// `PortfolioExpression` with the program's constants folded in. Nothing here reads data: sector names are
/// checked against the universe's sector scheme when it is known from the statement (SIC divisions).
struct ObjectiveLowering {
    let scope: ConstantScope
    /// The file the objective was written in (for the text of constraints).
    let file: SourceFile
    /// The sectors the universe can have, when known before its data is read.
    let sectors: [String]?
    /// `maximize` or `minimize` as written (`maximise` too), for hints that write the statement again.
    let keyword: String?
    /// Set when a constant could not be known yet (before the program runs): the problem is then a sketch.
    private(set) var incomplete = false

    init(scope: ConstantScope, file: SourceFile, sectors: [String]?, keyword: String? = nil) {
        self.scope = scope
        self.file = file
        self.sectors = sectors
        self.keyword = keyword
    }

    /// The problem of `objective` and `constraints`, the constraint `skipping` (a swept bound's own) left
    /// out and `extra` (the swept bound) added after them. Throws `Diagnostics`: the objective's first error
    /// and each constraint's.
    mutating func problem(_ sense: ObjectiveSense, _ objective: Expr, _ constraints: [Constraint],
                          skipping skipped: (Constraint) -> Bool = { _ in false },
                          extra: [PortfolioConstraint] = []) throws -> PortfolioProblem {
        var errors: [Diagnostic] = []
        func noting<T>(_ range: SourceRange, _ body: () throws -> T) -> T? {
            do { return try body() } catch {
                errors.append(error as? Diagnostic ?? Diagnostic(String(describing: error), at: range))
                return nil
            }
        }
        let terms = noting(objective.range) { try self.terms(of: objective) }
        var lowered: [PortfolioConstraint] = []
        for c in constraints where !skipped(c) {
            let constraint = noting(c.range) { () throws -> PortfolioConstraint in
                try self.checkOneNumber(c, sense, objective, constraints)
                return try self.constraint(c)
            }
            if let constraint { lowered.append(constraint) }
        }
        guard let terms, errors.isEmpty else { throw Diagnostics(all: errors) }
        lowered += extra
        var defaults: [PortfolioProblem.Default] = []
        if !constraints.contains(where: Self.setsBudget) { defaults.append(.fullyInvested) }
        if !constraints.contains(where: Self.boundsWeightsBelow) { defaults.append(.longOnly) }
        return PortfolioProblem(sense: sense == .minimize ? .minimize : .maximize, objective: terms,
                                constraints: lowered, defaults: defaults)
    }

    // MARK: Objective

    /// The objective's terms: the sum `a + b - c` split into its terms, each structured where it is one.
    private mutating func terms(of e: Expr) throws -> [ObjectiveTerm] {
        switch e.kind {
        case .binary(.add, let l, let r, _, _): return try terms(of: l) + [term(r, .plus)]
        case .binary(.subtract, let l, let r, _, _): return try terms(of: l) + [term(r, .minus)]
        default: return [try term(e, .plus)]
        }
    }

    private mutating func term(_ e: Expr, _ sign: ObjectiveTerm.Sign) throws -> ObjectiveTerm {
        if case .unary(let op, let x) = e.kind {
            return try term(x, op == .negate ? (sign == .plus ? .minus : .plus) : sign)
        }
        if let (scale, quantity) = try scaledQuantity(e) { return ObjectiveTerm(sign, scale: scale, quantity) }
        return ObjectiveTerm(sign, .expression(value: try expression(e)))
    }

    /// `q`, `c * q`, `q * c` or `q / c` with q a structured quantity and c a number fixed by the program.
    private mutating func scaledQuantity(_ e: Expr) throws -> (Double?, ObjectiveTerm.Quantity)? {
        if let q = try quantity(e) { return (nil, q) }
        guard case .binary(let op, let l, let r, _, _) = e.kind, op == .multiply || op == .divide else { return nil }
        if op == .multiply, !l.mentionsMonth, let q = try quantity(r), let c = try number(l) { return (c, q) }
        if !r.mentionsMonth, let q = try quantity(l), let c = try number(r) {
            guard op == .divide else { return (c, q) }
            guard c != 0 else { return nil }
            return (1 / c, q)
        }
        // `c * mu'f` parses as `(c * mu') * f`.
        if op == .multiply, case .binary(.multiply, let c, let muTransposed, _, _) = l.kind, !c.mentionsMonth,
           Self.isExpectedActiveReturn(muTransposed, r), let scale = try number(c) {
            return (scale, .expectedActiveReturn)
        }
        return nil
    }

    /// A structured objective quantity written alone.
    private mutating func quantity(_ e: Expr) throws -> ObjectiveTerm.Quantity? {
        switch e.kind {
        case .binary(.multiply, let l, let r, _, _) where Self.isExpectedActiveReturn(l, r): return .expectedActiveReturn
        case .name("risk"): return .risk
        case .name("tev"): return .trackingError
        case .name("turnover"): return .turnover
        case .call(let name, let arguments) where name.name == "regime_utility":
            return .regimeUtility(phi: try regimeUtilityPhi(arguments, at: e.range))
        case .call(let name, let arguments) where name.name == "evar":
            return .entropicValueAtRisk(confidence: try evarConfidence(arguments, at: e.range))
        default: return nil
        }
    }

    /// `mu'` times `f`.
    private static func isExpectedActiveReturn(_ l: Expr, _ r: Expr) -> Bool {
        if case .transpose(let mu) = l.kind, mu.kind == .name("mu"), r.kind == .name("f") { return true }
        return false
    }

    // MARK: Constraints

    private mutating func constraint(_ c: Constraint) throws -> PortfolioConstraint {
        guard case .binary(let op, let l, let r, let opRange, _) = c.expr.kind, op.isComparison else {
            throw Diagnostic("a constraint compares two sides with `==`, `<=` or `>=`", at: c.expr.range)
        }
        let relation: PortfolioConstraint.Relation
        switch op {
        case .equal: relation = .equal
        case .lessEqual, .less: relation = .lessEqual
        case .greaterEqual, .greater: relation = .greaterEqual
        default: throw Diagnostic("`!=` cannot be a constraint of a convex problem", at: opRange)
        }
        let text = Formatter.format(c.expr, in: file)
        let label = c.label?.name
        // An inequality with a constant side reads with the quantity first (`6% >= tev` is `tev <= 6%`);
        // the cone program is the same either way.
        var (quantity, bound, reading) = (l, r, relation)
        if relation != .equal, !l.mentionsMonth, r.mentionsMonth {
            (quantity, bound) = (r, l)
            reading = relation == .lessEqual ? .greaterEqual : .lessEqual
        }
        if !bound.mentionsMonth, let kind = try structured(quantity, reading, bound) {
            return PortfolioConstraint(kind, label: label, text: text)
        }
        return PortfolioConstraint(.general(lhs: try expression(l), relation: relation, rhs: try expression(r)), label: label, text: text)
    }

    // MARK: One number compared with several

    /// An error when a constraint compares a quantity that is one number (`tev`, `sector("Finance")`,
    /// `|f[hml]|`, `sum(w)`) with a value of several (`tev <= [2%, 4%]`, `[2%, 4%] >= tev`, a name bound to a
    /// list): the comparison would hold for each value, so the tightest would win and the others be silently
    /// lost. Most likely a sweep was meant, so the hint writes one. A value of one number (`[2%]`) is one
    /// number; a value not known yet is checked when the program runs; vectors of one entry per asset or
    /// factor (`w <= caps`, `|w - b| <= band`) are left alone.
    private func checkOneNumber(_ c: Constraint, _ sense: ObjectiveSense, _ objective: Expr, _ constraints: [Constraint]) throws {
        guard case .binary(let op, let l, let r, _, _) = c.expr.kind, op.isComparison, op != .notEqual else { return }
        let relation: PortfolioConstraint.Relation = op == .equal ? .equal : op == .lessEqual || op == .less ? .lessEqual : .greaterEqual
        let flipped: PortfolioConstraint.Relation = relation == .lessEqual ? .greaterEqual : relation == .greaterEqual ? .lessEqual : .equal
        for (quantity, value, reading) in [(l, r, relation), (r, l, flipped)] where !value.mentionsMonth && isOneNumber(quantity) {
            guard case .matrix(let m)? = try? scope.value(of: value), m.storage.count != 1 else { continue }
            let q = Formatter.format(quantity, in: file), v = Formatter.format(value, in: file)
            let count = m.storage.isEmpty ? "no values" : "\(m.storage.count) values"
            let first = m.storage.first.map { value.literalStyle.format($0) }
            var hint = "compare `\(q)` with one number"
            if case .name(let name) = quantity.kind, Self.oneNumberNames.contains(name) {
                // A bound the strategy can sweep: `tev in [2%, 4%]` runs one backtest per value, each bounding `tev`.
                if reading == .lessEqual, !m.storage.isEmpty {
                    hint = sweptBoundHint(name, v, first: first, without: c, sense, objective, constraints)
                }
            } else if let first {
                hint += ", e.g. `\(q) \(reading.rawValue) \(first)`"
                // Any other constraint sweeps through a parameter it reads.
                let parameter = reading == .lessEqual ? "cap" : reading == .greaterEqual ? "floor" : "target"
                if !m.storage.isEmpty, !scope.isBound(parameter), !objective.mentions(parameter), !constraints.contains(where: { $0.expr.mentions(parameter) }) {
                    hint += "; for one backtest per value, write the sweep on a line of its own, `\(parameter) in \(v)`, "
                        + "and the constraint `\(q) \(reading.rawValue) \(parameter)`"
                }
            }
            throw Diagnostic("`\(q)` is one number; `\(v)` has \(count)", at: value.range, hint: hint)
        }
    }

    /// The strategy's quantities that are one number and that a sweep bounds (`tev in …`): those with a
    /// plausible bound (`tev`, `risk`, `turnover`; `Parser.sweptBounds`).
    static let oneNumberNames = Set(Vocabulary.quantities.filter { $0.plausible != nil }.map(\.name))

    /// Whether `e` is a quantity of the strategy that is one number: `tev`, `risk`, `turnover`, `mu'f`,
    /// `sector("…")`, `evar(…)`, `regime_utility(…)`, `sum(w)`, `f[hml]` (one label or position), and the
    /// absolute value or negation of one. `w`, `b`, `mu`, `f` and expressions of them have an entry per asset
    /// or factor, or a shape this does not work out, so they are not.
    private func isOneNumber(_ e: Expr) -> Bool {
        switch e.kind {
        case .name(let n): return Self.oneNumberNames.contains(n)
        case .binary(.multiply, let l, let r, _, _): return Self.isExpectedActiveReturn(l, r)
        case .unary(_, let x): return isOneNumber(x)
        case .call(let name, let arguments) where name.name == "sum": return Self.isWeights(arguments)
        case .call(let name, _) where ["sector", "evar", "regime_utility"].contains(name.name): return true
        case .index(let base, let items) where base.kind == .name("f"):
            guard items.count == 1, case .single(let x) = items[0] else { return false }
            switch x.kind {
            case .string: return true
            case .name(let n) where Vocabulary.quantity(n) == nil && !scope.isBound(n): return true // a label
            default:
                switch try? scope.value(of: x) {
                case .string?, .number?: return true
                default: return false
                }
            }
        default:
            return Self.absoluteValueArgument(e).map(isOneNumber) ?? false
        }
    }

    /// The hint for `tev <= [2%, 4%]`: the sweep of the bound as a statement of its own, in the words of the
    /// parser's hint for `s.t. tev in [2%, 4%]` (`SweepHint`), then the objective without the constraint `c`.
    private func sweptBoundHint(_ name: String, _ values: String, first: String?, without c: Constraint,
                                _ sense: ObjectiveSense, _ objective: Expr, _ constraints: [Constraint]) -> String {
        let kept = constraints.filter { $0.range != c.range }
        let statement = SweepHint.statement(keyword: keyword ?? (sense == .minimize ? "minimize" : "maximize"),
                                            objective: objective, constraints: kept, in: file)
        return "to run one backtest per value, "
            + SweepHint.sweptBound(name, values: values, first: first, without: "this constraint", statement: statement, others: kept, in: file)
    }

    /// The structured kind of `quantity relation bound` (bound a constant), or nil.
    private mutating func structured(_ quantity: Expr, _ relation: PortfolioConstraint.Relation, _ bound: Expr) throws -> PortfolioConstraint.Kind? {
        switch (quantity.kind, relation) {
        case (.name("tev"), .lessEqual):
            return try checkedBound(bound, of: "tev").map { .trackingErrorAtMost(limit: $0) }
        case (.name("risk"), .lessEqual):
            return try checkedBound(bound, of: "risk").map { .riskAtMost(limit: $0) }
        case (.name("turnover"), .lessEqual):
            return try checkedBound(bound, of: "turnover").map { .turnoverAtMost(limit: $0) }
        case (.call(let name, let arguments), .lessEqual) where name.name == "evar":
            let confidence = try evarConfidence(arguments, at: quantity.range)
            return try number(bound).map { .entropicValueAtRiskAtMost(confidence: confidence, limit: $0) }
        case (.call(let name, let arguments), .equal) where name.name == "sum" && Self.isWeights(arguments):
            return try number(bound).map { .budget(total: $0) }
        case (.name("w"), .greaterEqual):
            return try constant(bound).map { .weightsAtLeast(bound: $0) }
        case (.name("w"), .lessEqual):
            return try constant(bound).map { .weightsAtMost(bound: $0) }
        case (.call(let name, let arguments), _) where name.name == "sector":
            let sector = try sectorName(arguments, at: quantity.range)
            let value = try number(bound)
            if let value { try Self.checkPlausibleWeight(value, bound, largest: 2, "`sector(\"\(sector)\") \(relation.rawValue) \(formatNumber(value))` puts", "in the sector") }
            return value.map { .sector(name: sector, relation: relation, value: $0) }
        case (.index(let base, let items), _) where base.kind == .name("f"):
            guard let factor = try label(items) else { return nil }
            return try number(bound).map { .exposure(name: factor, relation: relation, value: $0) }
        case (_, .lessEqual):
            guard let inner = Self.absoluteValueArgument(quantity) else { return nil }
            if case .index(let base, let items) = inner.kind, base.kind == .name("f"), let factor = try label(items) {
                return try number(bound).map { .exposureWithin(name: factor, radius: $0) }
            }
            guard case .binary(.subtract, let w, let center, _, _) = inner.kind, w.kind == .name("w") else { return nil }
            let radius = try constant(bound)
            if let r = radius?.number { try Self.checkPlausibleWeight(r, bound, largest: 1, "the band `|w - …| <= \(formatNumber(r))` lets each weight move", "from its centre") }
            if center.kind == .name("b") { return radius.map { .weightsWithin(center: .benchmark, radius: $0) } }
            guard !center.mentionsMonth, let c = try constant(center), let radius else { return nil }
            return .weightsWithin(center: .constant(c), radius: radius)
        default:
            return nil
        }
    }

    /// A bound on `tev`, `risk` or `turnover`, refused when it is implausibly large and written without a
    /// unit (a forgotten `%`).
    private mutating func checkedBound(_ e: Expr, of name: String) throws -> Double? {
        guard let x = try number(e) else { return nil }
        try Self.checkPlausible(x, of: name, style: e.literalStyle, at: e.range, swept: false)
        return x
    }

    /// An error when `x`, a bound on the quantity `name` written in `style`, is beyond the quantity's
    /// plausible range: `tev <= 4` (a 400% tracking error) is a forgotten `%`, and `tev <= -1%` can never
    /// hold. `swept`: a value of `name in …`.
    static func checkPlausible(_ x: Double, of name: String, style: NumberStyle, at range: SourceRange, swept: Bool) throws {
        if x < 0, let plausible = Vocabulary.quantity(name)?.plausible {
            // A negative bound on a quantity that is never negative leaves no portfolio: an infeasible
            // problem at every rebalance, said here instead.
            let written = style.format(x)
            let message = swept ? "`\(name) in …` reaches \(written), and \(plausible.what) is never negative"
                                : "`\(name) <= \(written)` can never hold: \(plausible.what) is never negative"
            let zero = name == "turnover" ? "keeps the weights held" : "holds the benchmark"
            throw Diagnostic(message, at: range, hint: "the least bound is 0: `\(name) <= 0` \(zero)")
        }
        guard style == .plain, let plausible = Vocabulary.quantity(name)?.plausible, x > plausible.largest, x.isFinite else { return }
        let written = formatNumber(x), percent = formatNumber((x * 100 * 1e9).rounded() / 1e9) + "%"
        let message = swept ? "`\(name) in …` reaches \(written): \(percent) \(plausible.what)"
                            : "`\(name) <= \(written)` allows \(percent) \(plausible.what)"
        throw Diagnostic(message, at: range, hint: plausible.hint(written))
    }

    /// An error when a bound on a weight written without a unit is above `largest`, a fraction of the
    /// portfolio: `sector("Finance") <= 25` is 2,500% (largest 200%, which leveraged books stay within) and
    /// `|w - b| <= 2` lets one weight move 200% (largest 100%) — a forgotten `%`.
    static func checkPlausibleWeight(_ x: Double, _ bound: Expr, largest: Double, _ statement: String, _ place: String) throws {
        guard bound.literalStyle == .plain, x > largest, x.isFinite else { return }
        let percent = formatNumber((x * 100 * 1e9).rounded() / 1e9) + "%"
        throw Diagnostic("\(statement) \(percent) of the portfolio \(place)", at: bound.range,
                         hint: "did you mean \(formatNumber(x))%?")
    }

    private static func isWeights(_ arguments: [CallArgument]) -> Bool {
        arguments.count == 1 && arguments[0].label == nil && arguments[0].value.kind == .name("w")
    }

    /// The label of `f[hml]` or `f["hml"]`.
    private func label(_ items: [IndexItem]) throws -> String? {
        guard items.count == 1, case .single(let x) = items[0] else { return nil }
        switch x.kind {
        case .name(let n) where Vocabulary.quantity(n) == nil && !scope.isBound(n): return n
        case .string(let s): return s
        case .name:
            // A bound name indexes by its value: a string is a label, a number a position (not structured).
            if case .string(let s)? = try scope.value(of: x) { return s }
            return nil
        default: return nil
        }
    }

    /// The argument of `|x|` or `abs(x)`.
    private static func absoluteValueArgument(_ e: Expr) -> Expr? {
        switch e.kind {
        case .absoluteValue(let x): return x
        case .call(let name, let arguments) where name.name == "abs" && arguments.count == 1 && arguments[0].label == nil:
            return arguments[0].value
        default: return nil
        }
    }

    // MARK: Defaults

    /// Whether a constraint fixes the budget: `sum(w) == …` (either side).
    static func setsBudget(_ c: Constraint) -> Bool {
        guard case .binary(.equal, let l, let r, _, _) = c.expr.kind else { return false }
        return [l, r].contains { if case .call(let f, let args) = $0.kind { return f.name == "sum" && isWeights(args) }; return false }
    }

    /// Whether a constraint gives `w` a lower bound: `w >= …` or `… <= w`.
    static func boundsWeightsBelow(_ c: Constraint) -> Bool {
        switch c.expr.kind {
        case .binary(.greaterEqual, let l, _, _, _), .binary(.greater, let l, _, _, _): return l.kind == .name("w")
        case .binary(.lessEqual, _, let r, _, _), .binary(.less, _, let r, _, _): return r.kind == .name("w")
        default: return false
        }
    }

    // MARK: Expressions

    /// An expression over the month's quantities, with the program's constants folded in.
    mutating func expression(_ e: Expr) throws -> PortfolioExpression {
        if !e.mentionsMonth { return .constant(value: try constant(e) ?? .number(.nan)) }
        switch e.kind {
        case .name(let n):
            guard let q = PortfolioQuantity(rawValue: n) else { throw Diagnostic("unknown name `\(n)`", at: e.range) }
            return .quantity(name: q)
        case .unary(let op, let x):
            return op == .negate ? .negate(operand: try expression(x)) : try expression(x)
        case .binary(let op, let l, let r, let opRange, let implicit):
            let at = implicit ? e.range : opRange
            let portfolioOperator: PortfolioOperator
            switch op {
            case .add: portfolioOperator = .add
            case .subtract: portfolioOperator = .subtract
            case .multiply: portfolioOperator = .multiply
            case .divide: portfolioOperator = .divide
            case .elementwiseMultiply: portfolioOperator = .elementwiseMultiply
            case .elementwiseDivide: portfolioOperator = .elementwiseDivide
            case .power, .elementwisePower:
                throw Diagnostic("powers of optimisation expressions are not supported", at: at,
                                 hint: "write sumsq(x) for Σxᵢ², x'P x or quad(x, P) for a quadratic form")
            case .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual:
                throw Diagnostic("a comparison of optimisation expressions is a constraint", at: at,
                                 hint: "write it after `s.t.`")
            }
            return .binary(op: portfolioOperator, lhs: try expression(l), rhs: try expression(r))
        case .transpose(let x): return .transpose(operand: try expression(x))
        case .absoluteValue(let x): return .absoluteValue(operand: try expression(x))
        case .call(let name, let arguments):
            switch name.name {
            case "sector": return .sector(name: try sectorName(arguments, at: e.range))
            case "regime_utility": return .regimeUtility(phi: try regimeUtilityPhi(arguments, at: e.range))
            case "evar": return .entropicValueAtRisk(confidence: try evarConfidence(arguments, at: e.range))
            default: break
            }
            guard let builtin = Builtins.named(name.name) else {
                throw Diagnostic("unknown function `\(name.name)`", at: name.range)
            }
            guard builtin.arity.contains(arguments.count) else {
                throw Diagnostic("`\(name.name)` takes \(Builtins.describe(builtin.arity)), found \(arguments.count)", at: e.range,
                                 hint: "usage: \(builtin.signature)")
            }
            if let label = arguments.compactMap(\.label).first {
                throw Diagnostic("`\(name.name)` takes no labelled arguments", at: label.range, hint: "usage: \(builtin.signature)")
            }
            guard ModelFunctions.named(name.name) != nil else {
                throw Diagnostic("`\(name.name)` cannot take an optimisation expression", at: e.range,
                                 hint: "it applies to numbers; the atoms are listed by :help")
            }
            return .call(function: name.name, arguments: try arguments.map { try expression($0.value) })
        case .index(let base, let items):
            return .index(base: try expression(base), items: try items.map { try index($0) })
        case .matrix(let rows):
            return .blocks(rows: try rows.map { try $0.map { try expression($0) } })
        case .number, .month, .date, .string, .range, .apply:
            throw Diagnostic("this cannot be part of a strategy's objective", at: e.range)
        }
    }

    private mutating func index(_ item: IndexItem) throws -> PortfolioIndex {
        switch item {
        case .all: return .all
        case .slice(let a, let b):
            guard let lo = try position(a), let hi = try position(b) else { return .all }
            guard lo <= hi else {
                throw Diagnostic("slice \(lo + 1):\(hi + 1) is empty", at: a.range.union(b.range), hint: "write the smaller position first")
            }
            return .positions(Array(lo...hi))
        case .single(let e):
            // A bare name that is not bound is a label: `f[hml]`.
            if case .name(let n) = e.kind, Vocabulary.quantity(n) == nil, !scope.isBound(n) { return .labels([n]) }
            guard let value = try scope.value(of: e) else { incomplete = true; return .all }
            switch value {
            case .string(let s): return .labels([s])
            case .number: return .positions([try position(e)].compactMap { $0 })
            case .matrix(let m) where m.isVector: return .positions(try m.storage.map { try Self.position($0, at: e.range) })
            case .list(let items):
                let labels = items.compactMap(\.labelText)
                guard labels.count == items.count else { throw Diagnostic("cannot index by \(value.kindName) of mixed values", at: e.range) }
                return .labels(labels)
            default: throw Diagnostic("cannot index by \(value.kindName)", at: e.range)
            }
        }
    }

    private mutating func position(_ e: Expr) throws -> Int? {
        guard let value = try scope.value(of: e) else { incomplete = true; return nil }
        guard case .number(let x) = value else { throw Diagnostic("positions are whole numbers from 1, found \(value.rendered())", at: e.range) }
        return try Self.position(x, at: e.range)
    }

    private static func position(_ x: Double, at range: SourceRange) throws -> Int {
        guard let position = Int(whole: x, in: 1...1_000_000_000) else {
            throw Diagnostic("positions are whole numbers from 1, found \(formatNumber(x))", at: range)
        }
        return position - 1
    }

    // MARK: Constants and strategy functions

    /// A number or matrix fixed by the program; nil when not known yet (before the program runs).
    private mutating func constant(_ e: Expr) throws -> ConstantValue? {
        guard let value = try scope.value(of: e) else { incomplete = true; return nil }
        switch value {
        case .number(let x): return .number(x)
        case .matrix(let m): return ConstantValue(m)
        default: throw Diagnostic("expected a number, vector or matrix, found \(value.kindName)", at: e.range)
        }
    }

    /// A number fixed by the program; nil when not known yet, or when it is a matrix.
    private mutating func number(_ e: Expr) throws -> Double? {
        guard let value = try scope.value(of: e) else { incomplete = true; return nil }
        if case .number(let x) = value { return x }
        if case .matrix = value { return nil }
        throw Diagnostic("expected a number, found \(value.kindName)", at: e.range)
    }

    /// `sector("Finance")`'s name, checked against the universe's sectors when they are known.
    private mutating func sectorName(_ arguments: [CallArgument], at range: SourceRange) throws -> String {
        guard arguments.count == 1, arguments[0].label == nil else { throw Diagnostic("`sector` takes a sector name in quotes", at: range) }
        let argument = arguments[0].value
        guard let value = try scope.value(of: argument) else { incomplete = true; return "" }
        guard case .string(let name) = value else { throw Diagnostic("`sector` takes a sector name in quotes", at: range) }
        if let sectors {
            guard !sectors.isEmpty else {
                throw Diagnostic("the universe has no sectors, so `sector(\"\(name)\")` has no meaning", at: range,
                                 hint: "sectors come with `universe kenfrench(…)`, `crsp`, `synthetic(…)`, a long panel's sector column or `returns(…, sectors: \"FILE\")`")
            }
            guard sectors.contains(name) else {
                throw Diagnostic("no sector is named \"\(name)\" (sectors: \(sectors.joined(separator: ", ")))", at: argument.range,
                                 hint: closestName(to: name, among: sectors).map { "did you mean \"\($0)\"?" })
            }
        }
        return name
    }

    /// `regime_utility(phi: φ)`'s φ, in the range the exponential-cone program is trusted with.
    private mutating func regimeUtilityPhi(_ arguments: [CallArgument], at range: SourceRange) throws -> Double {
        // Outside `RegimeObjectives.reliablePhis` the exponential-cone program is too badly scaled to be
        // solved reliably, so such a φ is refused rather than risked.
        let refused = Diagnostic("`regime_utility` takes the risk aversion, a number \(RegimeObjectives.reliablePhisText)", at: range,
                                 hint: "e.g. `maximize regime_utility(phi: 10)`")
        guard arguments.count == 1, arguments[0].label?.name ?? "phi" == "phi" else { throw refused }
        guard let value = try scope.value(of: arguments[0].value) else { incomplete = true; return 1 }
        guard case .number(let phi) = value, RegimeObjectives.reliablePhis.contains(phi) else { throw refused }
        return phi
    }

    /// `evar(95%)`'s confidence, strictly between 0 and 1.
    private mutating func evarConfidence(_ arguments: [CallArgument], at range: SourceRange) throws -> Double {
        let refused = Diagnostic("`evar` takes a confidence level strictly between 0 and 100%", at: range, hint: "e.g. `minimize evar(95%)`")
        guard arguments.count == 1, arguments[0].label == nil else { throw refused }
        guard let value = try scope.value(of: arguments[0].value) else { incomplete = true; return 0.95 }
        guard case .number(let confidence) = value, confidence > 0, confidence < 1 else { throw refused }
        return confidence
    }
}

/// Several located errors found together (a strategy's objective and each of its constraints).
struct Diagnostics: Error {
    var all: [Diagnostic]
}

extension Expr {
    /// Whether the expression names a quantity of the rebalance (`w`, `mu`, `tev`, …) or calls a strategy
    /// function (`sector`, `regime_utility`, `evar`): its value is known only at a rebalance.
    var mentionsMonth: Bool {
        switch kind {
        case .number, .month, .date, .string: return false
        case .name(let n): return Vocabulary.quantity(n) != nil
        case .unary(_, let x), .transpose(let x), .absoluteValue(let x), .apply(_, let x): return x.mentionsMonth
        case .binary(_, let l, let r, _, _): return l.mentionsMonth || r.mentionsMonth
        case .call(let name, let arguments):
            return Vocabulary.strategyFunctions.contains { $0.name == name.name } || arguments.contains { $0.value.mentionsMonth }
        case .index(let base, let items):
            return base.mentionsMonth || items.contains { item in
                switch item {
                case .all: return false
                case .single(let x): return x.mentionsMonth
                case .slice(let a, let b): return a.mentionsMonth || b.mentionsMonth
                }
            }
        case .matrix(let rows): return rows.contains { $0.contains(where: \.mentionsMonth) }
        case .range(let lo, let hi, let step): return lo.mentionsMonth || hi.mentionsMonth || step?.mentionsMonth == true
        }
    }

}
