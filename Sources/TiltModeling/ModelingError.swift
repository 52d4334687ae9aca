/// An error in building or compiling an optimisation problem, located (when known) at the span of the
/// offending sub-expression.
public struct ModelingError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var origin: Range<Int>?
    public var hint: String?

    public init(_ message: String, at origin: Range<Int>? = nil, hint: String? = nil) {
        self.message = message
        self.origin = origin
        self.hint = hint
    }

    public var description: String { message }
}
