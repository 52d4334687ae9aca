import Foundation
import Testing
import TiltBacktest
import TiltLanguage
import TiltSyntax
import TiltTestSupport

/// Runs `program` with `dataDirectory`, in a fresh folder; returns the printed output, the rendered
/// diagnostics and the data files the session read.
private func run(_ program: String, dataDirectory: String? = nil) throws -> (output: String, errors: String, files: [String]) {
    final class Sink: @unchecked Sendable { var text = "" }
    let sink = Sink()
    let session = Session(locations: DataLocations(programDirectory: try scratchFolder().path, dataDirectory: dataDirectory),
                          output: { sink.text += $0 })
    let file = SourceFile(name: "study.tilt", text: program)
    let diagnostics = session.run(file)
    return (sink.text, DiagnosticList(file: file, diagnostics: diagnostics).rendered(), session.dataFilesRead)
}

/// `design:` of `experiment regime_study`: `consistent` needs no data; `paper` reads ff6_monthly.csv from
/// the data directory and says so under the table, or stops at the word `paper` when the file is absent;
/// other values are refused where they are written.
@Test func regimeStudyDesignOption() throws {
    let consistent = try run("experiment regime_study(trials: 2, stocks: 8, phi: [5], history: 12, design: consistent)")
    #expect(consistent.errors.isEmpty, "\(consistent.errors)")
    #expect(consistent.output.contains("design consistent: the optimiser's covariances keep the idiosyncratic variance"))

    let missing = try run("experiment regime_study(trials: 2, stocks: 8, phi: [5], design: paper)")
    #expect(missing.output.isEmpty)
    #expect(missing.errors.hasPrefix("study.tilt:1:65: error: `design: paper` takes the baseline's factor moments from ff6_monthly.csv (the study's six factors, 1963-07..2024-12), and there is none in the program's folder"), "\(missing.errors)")
    #expect(missing.errors.contains("hint: give --data DIR (or set TILT_DATA)"))

    let misspelt = try run("experiment regime_study(trials: 2, design: papr)")
    #expect(misspelt.errors.contains("study.tilt:1:44: error: unknown option value `papr`") && misspelt.errors.contains("did you mean `paper`?"), "\(misspelt.errors)")
    let number = try run("experiment regime_study(trials: 2, design: 3)")
    #expect(number.errors.contains("study.tilt:1:44: error: `design:` is `consistent` or `paper`"), "\(number.errors)")

    let folder = ProcessInfo.processInfo.environment["TILT_DATA"]
        ?? URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("../shared/data").standardizedFileURL.path
    guard FileManager.default.fileExists(atPath: (folder as NSString).appendingPathComponent(HistoricalFactorMoments.studyFile)) else {
        print("regimeStudyDesignOption: no ff6_monthly.csv in \(folder) (set TILT_DATA) — the paper design's run is skipped")
        return
    }
    let paper = try run("experiment regime_study(trials: 2, stocks: 20, phi: [5, 25], history: 12, design: paper)", dataDirectory: folder)
    #expect(paper.errors.isEmpty, "\(paper.errors)")
    #expect(paper.files == [(folder as NSString).appendingPathComponent(HistoricalFactorMoments.studyFile)], "\(paper.files)")
    #expect(paper.output.contains("design paper: the optimiser's covariances leave out the idiosyncratic variance (tie-break: the interior-point method's central solution); the baseline's factor moments are the sample of ff6_monthly.csv, 1963-07..2024-12 (738 months)"), "\(paper.output)")
    #expect(paper.output.contains("ties (trials whose portfolio puts over 0.1% outside the 13, resp. 7, stocks"))
}

/// The paper design is a plain part of the plan: `tilt check` passes it without data (it reads none), and
/// the plan holds the factor file's resolved path, written to JSON and read back unchanged.
@Test func regimeStudyPaperDesignIsPartOfThePlan() throws {
    let file = SourceFile(name: "study.tilt", text: "experiment regime_study(trials: 2, stocks: 8, phi: [5], design: paper)")
    #expect(Session.check(file).diagnostics.isEmpty)

    let folder = try scratchFolder()
    try "month,mktrf\n1963-07,0.01\n".write(to: folder.appendingPathComponent(HistoricalFactorMoments.studyFile), atomically: true, encoding: .utf8)
    final class Plans: @unchecked Sendable { var plans: [Plan] = [] }
    let plans = Plans()
    let session = Session(locations: DataLocations(programDirectory: folder.path), output: { _ in })
    session.planned = { plans.plans.append($0) }
    #expect(session.run(file).isEmpty)
    let plan = try #require(plans.plans.first)
    #expect(plan.regimeStudy?.design == .paper(factorFile: folder.appendingPathComponent(HistoricalFactorMoments.studyFile).path))
    #expect(try Plan.read(json: Data(plan.json().utf8)) == plan)

    // Run, the file that does not give the sample is the data error, located in the file and at `paper`.
    session.planned = nil
    let errors = DiagnosticList(file: file, diagnostics: session.run(file)).rendered()
    #expect(errors.contains("study.tilt:1:65: error: \(folder.path)/ff6_monthly.csv:1: no factor column `smb`"), "\(errors)")
}
