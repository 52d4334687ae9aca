import Foundation
import Testing

/// The shared data folder (`TILT_DATA`, else `../shared/data` beside the repository) when it holds
/// `files`; otherwise nil, with the test's name and the reason printed (a fresh clone has no data folder,
/// and its tests skip what needs it).
public func sharedDataFolder(for test: String, needs files: [String], file: String = #filePath) -> String? {
    let repository = URL(fileURLWithPath: file).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let folder = ProcessInfo.processInfo.environment["TILT_DATA"]
        ?? repository.appendingPathComponent("../shared/data").standardizedFileURL.path
    let missing = files.filter { !FileManager.default.fileExists(atPath: (folder as NSString).appendingPathComponent($0)) }
    guard missing.isEmpty else {
        print("\(test): skipped — no \(missing.joined(separator: ", ")) in \(folder) (set TILT_DATA to the shared data folder)")
        return nil
    }
    return folder
}

/// The repository's root folder (for its Examples).
public func repositoryRoot(file: String = #filePath) -> URL {
    URL(fileURLWithPath: file).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
}

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
