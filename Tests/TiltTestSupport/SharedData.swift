import Foundation
import Testing

/// The shared read-only data folder (Ken French's files, the study's factors and calibration): `$TILT_DATA`
/// when set, else `../shared/data` beside the repository. A fresh clone without it still passes its tests:
/// the tests that need these files are skipped with `SharedData.missing` as the printed reason.
public enum SharedData {
    /// The folder, `nil` when neither `$TILT_DATA` nor `../shared/data` exists.
    public static let folder: String? = {
        if let set = ProcessInfo.processInfo.environment["TILT_DATA"], !set.isEmpty { return set }
        let beside = repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/data").standardizedFileURL.path
        return FileManager.default.fileExists(atPath: beside) ? beside : nil
    }()

    /// Whether the shared data folder is there.
    public static var isAvailable: Bool { folder != nil }

    /// Why a test that needs the shared files is skipped.
    public static let missing: Comment = "needs the shared data folder (../shared/data beside the repository, or TILT_DATA), which is not there"

    /// The path of `name` in the shared data folder (in `../shared/data` when the folder is missing, so a
    /// test that was not skipped fails naming the file).
    public static func path(_ name: String) -> String {
        ((folder ?? repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/data").path) as NSString)
            .appendingPathComponent(name)
    }

    /// The repository's root folder (this file is Tests/TiltTestSupport/SharedData.swift).
    public static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
}
