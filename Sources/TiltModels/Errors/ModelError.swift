/// Why a model could not be estimated from the data given (too short a window, missing factor
/// returns, collinear factors, shapes that do not match). The message is a sentence a user can act on.
public struct ModelError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What is wrong, in plain words.
    public var message: String

    public init(_ message: String) { self.message = message }

    public var description: String { "error: \(message)" }
}
