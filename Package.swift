// swift-tools-version: 6.0
// Tilt: a scripting language and native runtime for constrained portfolio optimisation and backtesting.
// One target per layer; layers depend downward only (see Docs/architecture.md).
import PackageDescription

let package = Package(
    name: "Tilt",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "tilt", targets: ["TiltCLI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
    ],
    targets: [
        // System libraries (Debian: libreadline-dev, liblapack-dev + libopenblas-dev).
        .systemLibrary(name: "CReadline", path: "Sources/CReadline", providers: [.apt(["libreadline-dev"])]),
        .systemLibrary(name: "CLapack", path: "Sources/CLapack",
                       providers: [.apt(["liblapack-dev", "libopenblas-dev"])]),
        .systemLibrary(name: "CZeroMQ", path: "Sources/CZeroMQ", providers: [.apt(["libzmq3-dev"])]),
        .systemLibrary(name: "COpenSSLCrypto", path: "Sources/COpenSSLCrypto", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CLibpq", path: "Sources/CLibpq", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),

        // Layers, bottom to top.
        .target(name: "TiltSyntax"),
        .target(name: "TiltLinearAlgebra", dependencies: ["CLapack"]),
        .target(name: "TiltSolver", dependencies: ["TiltLinearAlgebra", "CLapack"]),
        .target(name: "TiltModeling", dependencies: ["TiltSolver", "TiltLinearAlgebra"]),
        .target(name: "TiltData", dependencies: ["TiltLinearAlgebra", "COpenSSLCrypto"]),
        .target(name: "TiltModels", dependencies: ["TiltLinearAlgebra", "TiltData"]),
        // CRSP from WRDS's PostgreSQL service (libpq).
        .target(name: "TiltWRDS", dependencies: ["TiltData", "TiltLinearAlgebra", "CLibpq"]),
        .target(name: "TiltPortfolio", dependencies: ["TiltModeling", "TiltSolver", "TiltLinearAlgebra", "TiltData"]),
        .target(name: "TiltBacktest", dependencies: ["TiltPortfolio", "TiltModels", "TiltModeling", "TiltData", "TiltLinearAlgebra", "TiltWRDS"]),
        .target(name: "TiltReport", dependencies: ["TiltBacktest", "TiltData", "TiltLinearAlgebra"]),
        .target(name: "TiltLanguage", dependencies: [
            "TiltSyntax", "TiltLinearAlgebra", "TiltSolver", "TiltModeling", "TiltData", "TiltModels", "TiltPortfolio", "TiltBacktest", "TiltReport",
            "TiltWRDS",
        ]),
        // Editors and notebooks: what the language server and the Jupyter kernel share, then each of them.
        .target(name: "TiltEditorSupport", dependencies: ["TiltLanguage", "TiltSyntax", "TiltModeling", "TiltLinearAlgebra"]),
        .target(name: "TiltLanguageServer", dependencies: ["TiltEditorSupport", "TiltLanguage", "TiltSyntax"]),
        .target(name: "TiltKernel", dependencies: ["TiltEditorSupport", "TiltLanguage", "TiltSyntax", "TiltLinearAlgebra", "TiltBacktest", "TiltReport", "CZeroMQ", "COpenSSLCrypto"]),
        .executableTarget(name: "TiltCLI", dependencies: [
            "TiltKernel", "TiltLanguageServer", "TiltEditorSupport",
            "TiltLanguage", "TiltSyntax", "TiltLinearAlgebra", "TiltSolver", "TiltModeling", "TiltData", "TiltModels", "TiltPortfolio", "TiltBacktest", "TiltReport", "CReadline",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "ZIPFoundation", package: "ZIPFoundation"),
        ],
        // GNU readline is configured through C global variables, which Swift 6 mode rejects as shared
        // mutable state; the REPL uses them from the main thread only.
        swiftSettings: [.swiftLanguageMode(.v5)]),

        // Black-box fuzzing of the built `tilt` binary (Docs/reliability.md); not part of the product.
        .executableTarget(name: "TiltFuzz", dependencies: ["TiltLinearAlgebra"], path: "Fuzz/TiltFuzz"),
        .executableTarget(name: "TiltParserFuzz", dependencies: ["TiltLanguage", "TiltSyntax"], path: "Fuzz/TiltParserFuzz"),

        // Helpers several test targets share (a per-process scratch folder); not part of any product.
        .target(name: "TiltTestSupport", path: "Tests/TiltTestSupport"),
        .testTarget(name: "TiltSyntaxTests", dependencies: ["TiltSyntax", "TiltLinearAlgebra"]),
        .testTarget(name: "TiltLinearAlgebraTests", dependencies: ["TiltLinearAlgebra"], exclude: ["References"]),
        .testTarget(name: "TiltSolverTests", dependencies: ["TiltSolver", "TiltLinearAlgebra"], exclude: ["References", "FormatFixtures"]),
        .testTarget(name: "TiltModelingTests", dependencies: ["TiltModeling", "TiltSolver", "TiltLinearAlgebra"], exclude: ["References"]),
        .testTarget(name: "TiltDataTests", dependencies: ["TiltData", "TiltLinearAlgebra", "TiltTestSupport"]),
        .testTarget(name: "TiltModelsTests", dependencies: ["TiltModels", "TiltData", "TiltLinearAlgebra", "TiltTestSupport"], exclude: ["References"]),
        .testTarget(name: "TiltPortfolioTests", dependencies: ["TiltPortfolio", "TiltModeling", "TiltSolver", "TiltLinearAlgebra", "TiltData"], exclude: ["References"]),
        .testTarget(name: "TiltBacktestTests", dependencies: ["TiltBacktest", "TiltData", "TiltLinearAlgebra", "TiltModels", "TiltPortfolio", "TiltTestSupport"], exclude: ["References"]),
        .testTarget(name: "TiltReportTests", dependencies: ["TiltReport", "TiltBacktest", "TiltData", "TiltTestSupport"]),
        .testTarget(name: "TiltLanguageTests", dependencies: ["TiltLanguage", "TiltSyntax", "TiltLinearAlgebra", "TiltPortfolio", "TiltBacktest", "TiltData", "TiltModels", "TiltReport", "TiltTestSupport"], exclude: ["References"]),
        .testTarget(name: "TiltWRDSTests", dependencies: ["TiltWRDS", "TiltData", "TiltLanguage", "TiltSyntax", "TiltBacktest", "TiltTestSupport"]),
        .testTarget(name: "TiltEditorTests", dependencies: ["TiltEditorSupport", "TiltLanguageServer", "TiltKernel", "TiltSyntax", "TiltLanguage"], exclude: ["Sessions"]),
        // TiltCLI is a dependency so that the tests can run the built `tilt`; they do not import it.
        .testTarget(name: "TiltCLITests", dependencies: ["TiltCLI", "TiltLinearAlgebra", "TiltTestSupport"], exclude: ["Golden", "Fixtures"]),
    ]
)
