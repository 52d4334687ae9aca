/// Why a report could not be written.
public struct ReportError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The file or folder concerned.
    public var path: String
    /// What went wrong, in plain words (from the operating system when it said).
    public var message: String

    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { "\(path): error: \(message)" }
}
