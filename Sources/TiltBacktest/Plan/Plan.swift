import Foundation
import TiltData
import TiltPortfolio

/// What a program asks Tilt to run, compiled once from its text (TiltLanguage's `PlanBuilder`) into plain
/// data: a strategy's backtests, a parametric policy, or a Monte Carlo study. Paths are resolved; the
/// program's constants are folded in; every value of a sweep is its own variant. A plan written to JSON
/// and read back runs to the same numbers, with no call back into the language.
public struct Plan: Sendable, Equatable, Codable {
    /// The version of this format; a plan of another version is refused when read.
    public static let currentSchemaVersion = 1

    public var schemaVersion: Int
    /// Exactly one of the three is set.
    public var strategy: StrategyPlan?
    public var policy: PolicyPlan?
    public var regimeStudy: RegimeStudy.Settings?

    public init(strategy: StrategyPlan) {
        self.schemaVersion = Self.currentSchemaVersion
        self.strategy = strategy
    }

    public init(policy: PolicyPlan) {
        self.schemaVersion = Self.currentSchemaVersion
        self.policy = policy
    }

    public init(regimeStudy: RegimeStudy.Settings) {
        self.schemaVersion = Self.currentSchemaVersion
        self.regimeStudy = regimeStudy
    }

    private enum CodingKeys: String, CodingKey { case schemaVersion, strategy, policy, regimeStudy }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        schemaVersion = try container.decode(Int.self, forKey: .schemaVersion)
        guard schemaVersion == Self.currentSchemaVersion else {
            throw DecodingError.dataCorruptedError(forKey: .schemaVersion, in: container,
                                                   debugDescription: "a plan of schema version \(schemaVersion); this Tilt reads version \(Self.currentSchemaVersion)")
        }
        strategy = try container.decodeIfPresent(StrategyPlan.self, forKey: .strategy)
        policy = try container.decodeIfPresent(PolicyPlan.self, forKey: .policy)
        regimeStudy = try container.decodeIfPresent(RegimeStudy.Settings.self, forKey: .regimeStudy)
        guard [strategy != nil, policy != nil, regimeStudy != nil].filter({ $0 }).count == 1 else {
            throw DecodingError.dataCorruptedError(forKey: .strategy, in: container,
                                                   debugDescription: "a plan holds exactly one of `strategy`, `policy` and `regimeStudy`")
        }
    }

    /// The data files the plan reads (resolved paths, in the order it reads them), for a run's provenance.
    /// A database is not a file and is not listed.
    public var dataFiles: [String] { dataSources.map(\.path) }

    /// The data files the plan reads, in the order it reads them, each with the part of the plan that names
    /// it (so that a file `--out` would replace is an error at the statement naming it, before any work).
    public var dataSources: [(path: String, part: PlanError.Part)] {
        if let strategy {
            return strategy.universe.files.map { ($0, .universeData) } + strategy.factors.files.map { ($0, .factors) }
                + strategy.benchmark.files.map { ($0, .benchmarkData) }
        }
        if let policy {
            let characteristics = policy.characteristics.enumerated().compactMap { index, c in c.dataFile.map { ($0, PlanError.Part.characteristic(index)) } }
            return characteristics + [(policy.industries, .universeData)]
        }
        return regimeStudy?.design.dataFile.map { [($0, .experimentDesign)] } ?? []
    }

    /// The plan with the path of every data file it reads replaced by `transform(path)`: made absolute, so
    /// that the plan `--plan-json` writes runs from any folder (its paths are as the program resolved them,
    /// relative to the folder it ran in, as its messages show them).
    public func mappingDataFiles(_ transform: (String) -> String) -> Plan {
        var plan = self
        if var strategy {
            strategy.universe = strategy.universe.mappingFiles(transform)
            strategy.factors = strategy.factors.mappingFiles(transform)
            strategy.benchmark = strategy.benchmark.mappingFiles(transform)
            plan.strategy = strategy
        }
        if var policy {
            policy.industries = transform(policy.industries)
            policy.characteristics = policy.characteristics.map { characteristic in
                guard case .file(let path, let name) = characteristic else { return characteristic }
                return .file(path: transform(path), name: name)
            }
            plan.policy = policy
        }
        if var regimeStudy, case .paper(let file, let ridge) = regimeStudy.design {
            regimeStudy.design = .paper(factorFile: transform(file), ridge: ridge)
            plan.regimeStudy = regimeStudy
        }
        return plan
    }

    /// The plan as JSON: keys sorted, indented, so that two plans compare line by line.
    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return String(decoding: try encoder.encode(self), as: UTF8.self) + "\n"
    }

    /// A plan read from JSON (`json()`'s output).
    public static func read(json data: Data) throws -> Plan {
        let decoder = JSONDecoder()
        // Missing values in a constant (a matrix read from data) are written as "NaN".
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return try decoder.decode(Plan.self, from: data)
    }
}

/// A strategy: where its data comes from, its benchmark and schedule, and one variant per backtest (a
/// sweep's values, or its models), each with its factor model and portfolio problem.
public struct StrategyPlan: Sendable, Equatable, Codable {
    public var universe: UniverseSource
    public var factors: FactorSource
    public var benchmark: BenchmarkRule
    /// Assets, or sectors (`allocate by sector`: sector weights, cap-weighted inside).
    public var allocation: StrategySpecification.Allocation
    public var schedule: Schedule
    /// Trading cost per unit of turnover (10bps = 0.001), charged in the month after a rebalance.
    public var costPerTurnover: Double
    /// The program's own crisis windows (the built-in ones are added when it runs; one of the same name
    /// replaces it).
    public var crises: [Crisis]
    /// One backtest each, side by side; their results come in this order.
    public var variants: [Variant]

    public init(universe: UniverseSource, factors: FactorSource, benchmark: BenchmarkRule,
                allocation: StrategySpecification.Allocation, schedule: Schedule, costPerTurnover: Double,
                crises: [Crisis], variants: [Variant]) {
        self.universe = universe
        self.factors = factors
        self.benchmark = benchmark
        self.allocation = allocation
        self.schedule = schedule
        self.costPerTurnover = costPerTurnover
        self.crises = crises
        self.variants = variants
    }

    /// One backtest of the strategy.
    public struct Variant: Sendable, Equatable, Codable {
        /// How its results are named (`tev = 6%`, `regime`); empty without a sweep.
        public var label: String
        public var model: FactorModelPlan
        public var problem: PortfolioProblem

        public init(label: String, model: FactorModelPlan, problem: PortfolioProblem) {
            self.label = label
            self.model = model
            self.problem = problem
        }
    }

    /// When the portfolio is rebalanced: every `frequency` from `from` through `to` (months T at whose end it
    /// trades), or by default from the month the estimation window holds five years through the data's
    /// second-to-last month.
    public struct Schedule: Sendable, Equatable, Codable {
        public enum Frequency: String, Sendable, Codable {
            case monthly, quarterly, annually

            /// Months between rebalances.
            public var step: Int {
                switch self {
                case .monthly: return 1
                case .quarterly: return 3
                case .annually: return 12
                }
            }
        }

        public var frequency: Frequency
        public var from: Month?
        public var to: Month?

        public init(frequency: Frequency, from: Month? = nil, to: Month? = nil) {
            self.frequency = frequency
            self.from = from
            self.to = to
        }
    }

    /// A crisis window the program names (`crisis "Taper tantrum" 2013-05 to 2013-09`).
    public struct Crisis: Sendable, Equatable, Codable {
        public var name: String
        public var from: Month
        public var to: Month

        public init(name: String, from: Month, to: Month) {
            self.name = name
            self.from = from
            self.to = to
        }
    }
}

/// Where a strategy's asset returns come from. Paths are as resolved when the plan was made.
public enum UniverseSource: Sendable, Equatable, Codable {
    /// Ken French's industry portfolios file (value-weighted returns, caps from firms × size, SIC-division
    /// sectors).
    case kenFrenchIndustries(path: String)
    /// A CRSP extract as WRDS writes it (CSV, monthly or daily; `CRSPExtract`), read with `options` (the
    /// sector scheme, the common-share screen, the months kept).
    case crsp(path: String, options: CRSPOptions)
    /// CRSP from a PostgreSQL database (WRDS's service; `CRSPDatabase`): `connection` is the libpq
    /// connection string as written, without any password (a password comes from `~/.pgpass`, `PGPASSWORD`,
    /// or, for a program that wrote one, from the session that ran it — never from the plan); "" takes the
    /// `PG*` environment. `tables` nil chooses CIZ when `crsp.msf_v2` exists, else legacy; `daily` reads the
    /// daily stock file.
    case crspDatabase(connection: String, tables: CRSPTables?, daily: Bool, options: CRSPOptions)
    /// The built-in synthetic market (it has its own factors).
    case synthetic(stocks: Int, seed: UInt64, from: Month, to: Month)
    /// A CSV of returns, wide (`month,<asset>,…`) or long (`asset, month, ret[, cap, sector]`), with
    /// optional companion files of market caps and sectors (`AssetPanel.load`).
    case returns(path: String, caps: String?, sectors: String?)

    /// The files it reads, in order.
    public var files: [String] {
        switch self {
        case .kenFrenchIndustries(let path), .crsp(let path, _): return [path]
        case .returns(let path, let caps, let sectors): return [path] + [caps, sectors].compactMap { $0 }
        case .crspDatabase, .synthetic: return []
        }
    }

    /// The same source with each file's path replaced by `transform(path)`.
    func mappingFiles(_ transform: (String) -> String) -> UniverseSource {
        switch self {
        case .kenFrenchIndustries(let path): return .kenFrenchIndustries(path: transform(path))
        case .crsp(let path, let options): return .crsp(path: transform(path), options: options)
        case .returns(let path, let caps, let sectors): return .returns(path: transform(path), caps: caps.map(transform), sectors: sectors.map(transform))
        case .crspDatabase, .synthetic: return self
        }
    }

    /// Whether the universe is CRSP single names (their default model allows missing months).
    public var isCRSP: Bool {
        switch self {
        case .crsp, .crspDatabase: return true
        case .kenFrenchIndustries, .synthetic, .returns: return false
        }
    }
}

/// Where a strategy's factor returns come from.
public enum FactorSource: Sendable, Equatable, Codable {
    /// The universe's own (the synthetic market's).
    case universe
    /// A Ken French factor file as downloaded, or a tidy CSV (`month, factors…, rf`); told apart when read.
    case file(path: String)
    /// Found beside the data without a `factors` statement (`DataDiscovery.defaultFactorFiles`): the files
    /// joined month by month in this order (Ken French's five factors, then momentum), and the rule that
    /// chose them, for the note saying so.
    case found(paths: [String], rule: String)

    /// The files it reads, in order.
    public var files: [String] {
        switch self {
        case .universe: return []
        case .file(let path): return [path]
        case .found(let paths, _): return paths
        }
    }

    /// The same source with each file's path replaced by `transform(path)`.
    func mappingFiles(_ transform: (String) -> String) -> FactorSource {
        switch self {
        case .universe: return self
        case .file(let path): return .file(path: transform(path))
        case .found(let paths, let rule): return .found(paths: paths.map(transform), rule: rule)
        }
    }
}

/// How the benchmark's weights are set at each rebalance.
public enum BenchmarkRule: Sendable, Equatable, Codable {
    /// Market caps at T over the eligible units (`benchmark mktcap`); a universe without caps is an error.
    case marketCap
    /// No `benchmark` statement: market caps when the universe has them, else 1/n over the eligible units,
    /// with a note saying so.
    case marketCapWhenKnown
    /// 1/n over the eligible units.
    case equal
    /// No benchmark: active means absolute.
    case none
    /// Fixed weights from an `asset,weight` file, renormalised over the eligible units.
    case file(path: String)

    /// The file it reads, if any.
    public var files: [String] {
        if case .file(let path) = self { return [path] }
        return []
    }

    /// The same rule with its file's path replaced by `transform(path)`.
    func mappingFiles(_ transform: (String) -> String) -> BenchmarkRule {
        if case .file(let path) = self { return .file(path: transform(path)) }
        return self
    }
}

/// The factor model estimated at each rebalance and its window.
public struct FactorModelPlan: Sendable, Hashable, Codable {
    public enum Kind: Sendable, Hashable, Codable {
        /// Time-series OLS per asset.
        case ols
        /// A Gaussian HMM on the factors with regime-weighted least squares (`RegimeFactorModel`).
        case regime(states: Int, covariance: Covariance, horizon: Int)
    }

    /// The HMM's state covariances.
    public enum Covariance: String, Sendable, Codable { case diag, full }

    /// The estimation window ending at T.
    public enum Window: Sendable, Hashable, Codable {
        /// Every month from `from` (the data's first month when nil) through T.
        case expanding(from: Month?)
        /// The `months` months ending at T.
        case rolling(months: Int)
    }

    public var kind: Kind
    public var window: Window
    /// The fewest months of the window an asset needs a return in (`min:`); nil: every month. CRSP universes
    /// default to 36 (`ObservationRequirement`).
    public var minimumObservations: Int?

    public init(kind: Kind, window: Window, minimumObservations: Int? = nil) {
        self.kind = kind
        self.window = window
        self.minimumObservations = minimumObservations
    }

    /// OLS over an expanding window from the data's first month with complete windows: the model without a
    /// `model` statement.
    public static let standard = FactorModelPlan(kind: .ols, window: .expanding(from: nil))

    /// The model of a CRSP universe without a `model` statement: `ols(window: rolling 60, min: 36)`.
    public static let crspStandard = FactorModelPlan(kind: .ols, window: .rolling(months: 60), minimumObservations: 36)

    /// The model without a `model` statement for `universe`.
    public static func standard(for universe: UniverseSource) -> FactorModelPlan {
        universe.isCRSP ? crspStandard : standard
    }
}
