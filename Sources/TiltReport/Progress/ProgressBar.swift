import Foundation

/// A one-line progress bar for long runs (backtests, sweeps), drawn on standard error only when it is a
/// terminal so logs and pipes stay clean. Redraws at most 20 times a second; `finish()` clears the line.
public final class ProgressBar {
    private let total: Int
    private let label: String
    private let width: Int
    private let enabled: Bool
    private var lastDraw: UInt64 = 0
    private var drawn = false
    /// Minimum time between redraws (nanoseconds): 50 ms, i.e. at most 20 redraws a second.
    static let redrawInterval: UInt64 = 50_000_000

    /// A bar for `total` steps, titled `label`; `enabled` defaults to whether stderr is a terminal.
    public init(total: Int, label: String, width: Int = 30, enabled: Bool = isatty(2) == 1) {
        self.total = max(total, 1)
        self.label = label
        self.width = width
        self.enabled = enabled
    }

    /// The line drawn for `completed` steps: label, bar, count and percentage.
    public func line(completed: Int) -> String {
        let done = min(max(completed, 0), total)
        let filled = done * width / total
        return "\(label) [" + String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
            + "] \(done)/\(total) \(done * 100 / total)%"
    }

    /// Reports `completed` steps; redraws when enough time has passed since the last redraw or the run is
    /// complete.
    public func update(completed: Int) {
        guard enabled else { return }
        let now = DispatchTime.now().uptimeNanoseconds
        guard !drawn || now - lastDraw >= Self.redrawInterval || completed >= total else { return }
        lastDraw = now
        drawn = true
        emit("\r\u{1B}[2K" + line(completed: completed))
    }

    /// Clears the bar's line (when one was drawn).
    public func finish() {
        guard enabled, drawn else { return }
        drawn = false
        emit("\r\u{1B}[2K")
    }

    /// A progress line that cannot be written is dropped (it is decoration; the command's errors go elsewhere).
    private func emit(_ text: String) {
        try? FileHandle.standardError.write(contentsOf: Data(text.utf8))
    }
}
