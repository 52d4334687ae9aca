import Foundation
import TiltBacktest
import TiltLanguage
import TiltReport

/// How the CLI saves regime studies: with `--out DIR`, each study's table goes to regime_study.csv
/// (`StudyCSV`; every study of the program so far, in order) beside run.json. Their tables are printed by
/// the session.
func presentStudies(on session: Session, reportFolder: ReportFolder?, run: (any RunDescription)?) {
    final class Studies { var all: [RegimeStudyResult] = [] }
    let studies = Studies()
    session.studyResults = { result in
        studies.all.append(result)
        reportFolder?.write { folder in
            var files = [(StudyCSV.fileName, StudyCSV.text(studies.all))]
            if let provenance = try run?.provenance(dataFiles: session.dataFilesRead) {
                files.append((ReportWriter.runFileName, provenance.json()))
            }
            return try ReportWriter.write(files: files, to: folder)
        }
    }
}
