import Foundation
import TiltData
import TiltModels
import TiltSyntax

/// The settings of `policy parametric(size, value, momentum, window: 120, fit: 1927-06 to 1973-11,
/// longonly: true) utility crra(5)`, read from the statement with these defaults.
struct PolicyOptions {
    /// A characteristic named in `parametric(…)`: a built-in word or a user's wide CSV panel.
    enum Characteristic {
        case size, value, momentum
        /// A wide CSV (`month,<asset>,…`) of raw characteristic values; named by the file's stem.
        case file(path: String, name: String)
    }

    var characteristics: [(characteristic: Characteristic, range: SourceRange)] = []
    /// The in-sample estimation's decision months.
    var fit = Month(1927, 6)...Month(1973, 11)
    /// Where an error of the in-sample fit points: the `fit:` option, or the policy.
    var fitRange: SourceRange
    /// Rolling re-estimation window, in months of realised returns (see `ParametricPolicy.outOfSample`).
    var window = EstimationWindow.rolling(months: 120)
    var longOnly = false
    var utility: CRRAUtility = (try? CRRAUtility(riskAversion: 5)) ?? .log

    init(policy: Expr, utility utilityExpr: Expr?, interpreter: Interpreter) throws {
        fitRange = policy.range
        guard case .call(let name, let arguments) = policy.kind, name.name == "parametric" else {
            throw Diagnostic("unknown policy", at: policy.range,
                             hint: "e.g. `policy parametric(size, value, momentum) utility crra(5)`")
        }
        var expanding = false
        for argument in arguments {
            let value = argument.value
            switch (argument.label?.name, value.kind) {
            case (nil, .name("size")): characteristics.append((.size, value.range))
            case (nil, .name("value")): characteristics.append((.value, value.range))
            case (nil, .name("momentum")): characteristics.append((.momentum, value.range))
            case (nil, .string):
                let path = try interpreter.path(value, what: "a characteristic panel")
                let stem = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
                characteristics.append((.file(path: path, name: stem), value.range))
            case ("window", .name("expanding")): expanding = true
            case ("window", .apply(let word, let length)) where word.name == "rolling":
                window = .rolling(months: try Self.months(length, interpreter: interpreter))
            case ("window", _):
                window = .rolling(months: try Self.months(value, interpreter: interpreter))
            case ("fit", _):
                let (from, to) = try interpreter.monthRange(value)
                fit = from...to
                fitRange = value.range
            case ("longonly", .name("true")): longOnly = true
            case ("longonly", .name("false")): longOnly = false
            default:
                throw Diagnostic("unknown argument of `parametric`", at: value.range,
                                 hint: "parametric(size, value, momentum, \"my_characteristic.csv\", window: 120 | rolling 120 | expanding, fit: 1927-06 to 1973-11, longonly: true)")
            }
        }
        guard !characteristics.isEmpty else {
            throw Diagnostic("a parametric policy needs at least one characteristic", at: policy.range,
                             hint: "e.g. `parametric(size, value, momentum)`")
        }
        // An expanding window starts with the in-sample fit's first decision month.
        if expanding { window = .expanding(from: fit.lowerBound + 1) }
        if let utilityExpr { utility = try Self.utility(utilityExpr, interpreter: interpreter) }
    }

    private static func months(_ e: Expr, interpreter: Interpreter) throws -> Int {
        guard case .number(let n) = try interpreter.evaluate(e), let months = Int(whole: n, in: 2...1200) else {
            throw Diagnostic("a rolling window is a whole number of months from 2 to 1200, e.g. `window: 120`", at: e.range)
        }
        return months
    }

    private static func utility(_ e: Expr, interpreter: Interpreter) throws -> CRRAUtility {
        switch e.kind {
        case .name("log"): return .log
        case .call(let name, let arguments) where name.name == "crra" && arguments.count == 1:
            guard case .number(let gamma) = try interpreter.evaluate(arguments[0].value), gamma > 0, gamma.isFinite else {
                throw Diagnostic("CRRA risk aversion is a positive number", at: arguments[0].value.range, hint: "e.g. `utility crra(5)`")
            }
            return try CRRAUtility(riskAversion: gamma)
        default:
            throw Diagnostic("unknown utility", at: e.range, hint: "`utility crra(5)` or `utility log`")
        }
    }
}
