import Foundation

/// Writes whole files atomically: the text goes to a hidden temporary file in the same folder, which is
/// then renamed over the target, so readers see the old file or the complete new one, never a part.
public enum AtomicFile {
    public static func write(_ text: String, to url: URL) throws(ReportError) {
        let folder = url.deletingLastPathComponent()
        let temporary = folder.appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).tmp")
        do {
            try Data(text.utf8).write(to: temporary)
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw ReportError(path: url.path, message: "cannot write: \(reason(error))")
        }
        if rename(temporary.path, url.path) != 0 {
            let message = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temporary)
            throw ReportError(path: url.path, message: "cannot replace the file: \(message)")
        }
    }

    /// The operating system's words for a Foundation error, when it gave some.
    public static func reason(_ error: Error) -> String {
        let ns = error as NSError
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain,
           let code = POSIXErrorCode(rawValue: Int32(underlying.code)) {
            return String(cString: strerror(code.rawValue))
        }
        if ns.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(ns.code))) }
        return ns.localizedDescription
    }
}
