import Foundation
import Testing
import TiltTestSupport

/// Golden files of diagnostics: each `Golden/NAME.tilt` is run with `tilt run` (data directory
/// `../shared/data`) and its standard error must equal `Golden/NAME.expected` byte for byte, exit status 1.
/// To accept new output after a deliberate change, run the tests with TILT_UPDATE_GOLDEN=1 and review the diff.
@Suite struct GoldenDiagnosticsTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")
    static let cases: [String] = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [])
        .filter { $0.hasSuffix(".tilt") }.map { String($0.dropLast(5)) }.sorted()
    /// The cases that read the shared data folder (skipped without it): their program or expected output
    /// names one of its files or the folder.
    static let sharedDataCases = cases.filter { name in
        let texts = ["tilt", "expected"].map { (try? String(contentsOf: folder.appendingPathComponent("\(name).\($0)"), encoding: .utf8)) ?? "" }
        let shared = ["shared/data", "ff6_monthly.csv", "48_Industry_Portfolios.CSV", "F-F_Research_Data_5_Factors_2x3.csv", "regime_calibration.json"]
        return texts.contains { text in shared.contains { text.contains($0) } }
    }

    @Test(arguments: cases.filter { !sharedDataCases.contains($0) })
    func diagnosticsMatchTheGoldenFile(_ name: String) throws {
        try check(name)
    }

    @Test(.enabled(if: SharedData.isAvailable, SharedData.missing), arguments: sharedDataCases)
    func diagnosticsOnTheSharedDataMatchTheGoldenFile(_ name: String) throws {
        try check(name)
    }

    private func check(_ name: String) throws {
        let program = "Tests/TiltCLITests/Golden/\(name).tilt"
        let result = try TiltBinary.run(["run", program, "--data", "../shared/data"])
        #expect(result.status == 1, "\(name) exits with 1")
        #expect(!result.crashed)
        let expectedURL = Self.folder.appendingPathComponent("\(name).expected")
        if ProcessInfo.processInfo.environment["TILT_UPDATE_GOLDEN"] == "1" {
            try Data(result.stderr.utf8).write(to: expectedURL, options: .atomic)
        }
        let expected = try String(contentsOf: expectedURL, encoding: .utf8)
        #expect(result.stderr == expected, "\(name): got\n\(result.stderr)")
    }
}
