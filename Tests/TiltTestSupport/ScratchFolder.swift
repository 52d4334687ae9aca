import Foundation

/// This test process's folder for the files the tests write, removed when the process exits.
private let scratchRoot: URL = {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("tilt-tests-\(ProcessInfo.processInfo.processIdentifier)")
    atexit { try? FileManager.default.removeItem(at: scratchRoot) }
    return url
}()

/// A fresh empty folder for one test's files, under this process's scratch folder (removed when the
/// tests end). Shared by the test targets that write files.
public func scratchFolder() throws -> URL {
    let url = scratchRoot.appendingPathComponent(UUID().uuidString)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}
