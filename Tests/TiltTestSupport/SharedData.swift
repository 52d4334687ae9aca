import Foundation

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
