import Foundation
@testable import TiltData
import TiltTestSupport

/// Path of a file in the shared read-only data folder (`SharedData`: TILT_DATA or `<repo>/../shared/data`).
func sharedDataPath(_ name: String) -> String { SharedData.path(name) }

/// Writes `bytes` to a fresh file in a temporary directory and returns its path.
func temporaryFile(_ name: String, bytes: [UInt8]) throws -> String {
    let url = try scratchFolder().appendingPathComponent(name)
    try Data(bytes).write(to: url)
    return url.path
}

/// Writes `text` (UTF-8) to a fresh temporary file and returns its path.
func temporaryFile(_ name: String, _ text: String) throws -> String {
    try temporaryFile(name, bytes: Array(text.utf8))
}

/// Runs `body` and returns the `DataError` it throws, or `nil` when it throws nothing (or something else).
func dataError<T>(_ body: () throws -> T) -> DataError? {
    do {
        _ = try body()
        return nil
    } catch let error as DataError {
        return error
    } catch {
        return nil
    }
}
