import Foundation

/// A request to stop a long computation — a backtest, a sweep, a parametric policy or a Monte Carlo
/// study — raised from another thread (the REPL's Ctrl-C, a notebook's interrupt) and checked by the
/// computation at safe points: between rebalances, between trials. What was computed is dropped; nothing
/// is half-written, since results are only presented once a run is complete.
public final class Cancellation: @unchecked Sendable {
    private let lock = NSLock()
    private var requested = false

    public init() {}

    /// Asks the running computation to stop (any thread; not from a signal handler, which should set a
    /// flag that a thread turns into this call).
    public func cancel() {
        lock.withLock { requested = true }
    }

    /// Forgets an earlier request, before a new computation starts.
    public func reset() {
        lock.withLock { requested = false }
    }

    public var isCancelled: Bool { lock.withLock { requested } }

    /// Throws `Cancelled` when a stop was asked for.
    public func check() throws(Cancelled) {
        if isCancelled { throw Cancelled() }
    }
}

/// A computation stopped by `Cancellation`.
public struct Cancelled: Error, Sendable, CustomStringConvertible {
    public init() {}
    public var description: String { "interrupted" }
}
