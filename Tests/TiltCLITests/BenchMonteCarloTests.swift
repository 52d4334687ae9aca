import Foundation
import Testing
import TiltTestSupport

/// `tilt bench montecarlo --design paper` needs ff6_monthly.csv: without it, exit 1 and where it looked;
/// with it (the shared data), the table and the design's lines. `--ridge` belongs to the paper design.
@Test func benchMonteCarloPaperDesign() throws {
    let empty = try scratchFolder().path
    let small = ["bench", "montecarlo", "--trials", "2", "--stocks", "8", "--phis", "5", "--history", "12"]
    let missing = try TiltBinary.run(small + ["--design", "paper", "--data", empty])
    #expect(missing.status == 1 && !missing.crashed)
    #expect(missing.stderr.contains("error: --design paper takes the baseline's factor moments from ff6_monthly.csv, and there is no \(empty)/ff6_monthly.csv"), "\(missing.stderr)")
    #expect(missing.stdout.isEmpty)

    let stray = try TiltBinary.run(small + ["--ridge", "1e-6"])
    #expect(stray.status == 2 && stray.stderr.contains("--ridge is the paper design's tie-break"), "\(stray.stderr)")
    let negative = try TiltBinary.run(small + ["--design", "paper", "--ridge", "-1"])
    #expect(negative.status == 2 && negative.stderr.contains("--ridge must be a number from 0"), "\(negative.stderr)")

    let data = ProcessInfo.processInfo.environment["TILT_DATA"]
        ?? TiltBinary.repositoryRoot.appendingPathComponent("../shared/data").standardizedFileURL.path
    guard FileManager.default.fileExists(atPath: data + "/ff6_monthly.csv") else {
        print("benchMonteCarloPaperDesign: no ff6_monthly.csv in \(data) (set TILT_DATA) — the paper design's run is skipped")
        return
    }
    let paper = try TiltBinary.run(small + ["--design", "paper", "--data", data])
    #expect(paper.status == 0, "\(paper.stderr)")
    #expect(paper.stdout.contains("design paper: the optimiser's covariances leave out the idiosyncratic variance"), "\(paper.stdout)")
    #expect(paper.stdout.contains("ties (trials whose portfolio puts over 0.1% outside the 13, resp. 7, stocks"))
}
