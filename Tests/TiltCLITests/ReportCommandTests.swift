import Foundation
import Testing
import TiltTestSupport

/// `tilt run … --out` as a user runs it: a sweep prints one row per value, and the report folder holds
/// the tidy files and run.json with the program, the build and every data file read (checked against
/// `sha256sum`).
@Suite struct ReportCommandTests {
    @Test func sweepPrintsOneRowPerValueAndRecordsItsProvenance() throws {
        let dir = try scratchFolder()
        let synth = try TiltBinary.run(["synth", "--crsp", "crsp.csv", "--stocks", "20", "--from", "2000-01", "--to", "2010-12"],
                                       directory: dir)
        #expect(synth.status == 0, "\(synth.stderr)")
        let program = """
            universe crsp
            factors "factors.csv"
            benchmark mktcap
            model ols(window: rolling 36)
            tev in 1% to 10% by 0.5%
            maximize mu'f s.t. tev <= 6%
            rebalance quarterly from 2008-01 to 2010-06

            """
        try Data(program.utf8).write(to: dir.appendingPathComponent("sweep.tilt"))
        let run = try TiltBinary.run(["run", "sweep.tilt", "--out", "report"], directory: dir)
        #expect(run.status == 0, "\(run.stderr)")
        let lines = run.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count <= 60, "\(lines.count) lines:\n\(run.stdout)")
        #expect(run.stdout.hasPrefix("Sweep of tev: 19 values") && lines.contains { $0.hasPrefix("10%") })
        #expect(!run.stdout.contains("Metrics (annualised unless stated)"))

        let report = dir.appendingPathComponent("report")
        for name in ["returns.csv", "weights.csv", "exposures.csv", "contributions.csv", "attribution.csv", "report.md",
                     "report.html", "run.json"] {
            #expect(FileManager.default.fileExists(atPath: report.appendingPathComponent(name).path), "\(name)")
        }
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: report.appendingPathComponent("run.json"))) as? [String: Any]
        let programEntry = json?["program"] as? [String: Any]
        #expect(programEntry?["path"] as? String == "sweep.tilt" && programEntry?["text"] as? String == program)
        let tilt = json?["tilt"] as? [String: Any]
        #expect(tilt?["version"] as? String == "0.1.0")
        let files = (json?["dataFiles"] as? [[String: Any]]) ?? []
        #expect(files.compactMap { $0["path"] as? String }.map { ($0 as NSString).lastPathComponent } == ["crsp.csv", "factors.csv"])
        for file in files {
            let path = try #require(file["path"] as? String)
            let url = path.hasPrefix("/") ? URL(fileURLWithPath: path) : dir.appendingPathComponent(path)
            let size = try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int
            #expect(file["bytes"] as? Int == size)
            if let sum = Self.sha256sum(url) { #expect(file["sha256"] as? String == sum, "\(path)") }
        }
        #expect((json?["wallTimeSeconds"] as? Double ?? -1) > 0 && (json?["runDate"] as? String)?.hasSuffix("Z") == true)

        let verbose = try TiltBinary.run(["run", "sweep.tilt", "--verbose"], directory: dir)
        #expect(verbose.status == 0 && verbose.stdout.contains("Metrics (annualised unless stated)")
                && verbose.stdout.contains("Crises: tev = 10%"))
    }

    /// `sha256sum`'s digest of the file (coreutils), or nil where it is missing.
    static func sha256sum(_ url: URL) -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["sha256sum", url.path]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return nil }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        return String(decoding: data, as: UTF8.self).split(separator: " ").first.map(String.init)
    }
}
