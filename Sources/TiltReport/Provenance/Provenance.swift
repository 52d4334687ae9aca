import Foundation
import TiltData

/// What produced a report: the program and its text, the Tilt build, the data files read (size,
/// SHA-256 and, for Ken French files, the CRSP vintage they state), when it ran and for how long. Shown at
/// the top of report.html and report.md and written as run.json beside the CSV files.
public struct Provenance: Codable, Sendable, Equatable {
    public struct Program: Codable, Sendable, Equatable {
        /// The path as given on the command line (`-` for standard input).
        public var path: String
        public var text: String

        public init(path: String, text: String) {
            self.path = path
            self.text = text
        }
    }

    public struct Build: Codable, Sendable, Equatable {
        public var version: String
        /// The commit of the source tree Tilt was built from; `nil` when it cannot be found.
        public var commit: String?
        /// Whether that tree had changes not committed when the run read it.
        public var modified: Bool?

        public init(version: String, commit: String?, modified: Bool?) {
            self.version = version
            self.commit = commit
            self.modified = modified
        }
    }

    public struct DataFile: Codable, Sendable, Equatable {
        public var path: String
        public var bytes: Int
        /// Lowercase hexadecimal SHA-256 of the file's bytes.
        public var sha256: String
        /// The vintage the file states ("202412 CRSP database" for a Ken French file), when it does.
        public var vintage: String?

        public init(path: String, bytes: Int, sha256: String, vintage: String?) {
            self.path = path
            self.bytes = bytes
            self.sha256 = sha256
            self.vintage = vintage
        }

        /// Reads the file at `path` once, in blocks: its size, SHA-256 and stated vintage. Throws when it
        /// cannot be read.
        public static func describe(path: String) throws(ReportError) -> DataFile {
            guard let handle = FileHandle(forReadingAtPath: path) else {
                throw ReportError(path: path, message: "cannot read the data file to record its checksum")
            }
            defer { try? handle.close() }
            let hasher = SHA256Digest()
            var bytes = 0
            var head = Data()
            while true {
                let block: Data
                do { block = try handle.read(upToCount: 1 << 20) ?? Data() } catch {
                    throw ReportError(path: path, message: "cannot read the data file: \(AtomicFile.reason(error))")
                }
                if block.isEmpty { break }
                if head.count < 4096 { head.append(block.prefix(4096 - head.count)) }
                hasher.update(block)
                bytes += block.count
            }
            let digest = hasher.finish()
            return DataFile(path: path, bytes: bytes, sha256: digest, vintage: vintage(in: String(decoding: head, as: UTF8.self)))
        }

        /// The vintage a Ken French file states in its header ("This file was created by … using the
        /// 202412 CRSP database."): "202412 CRSP database"; `nil` when the text states none.
        public static func vintage(in header: String) -> String? {
            guard let range = header.range(of: #"using the [0-9]{6} [A-Za-z]+ database"#, options: .regularExpression) else {
                return nil
            }
            return String(header[range].dropFirst("using the ".count))
        }
    }

    public var program: Program
    public var tilt: Build
    /// The data files the program read, in the order it first read them.
    public var dataFiles: [DataFile]
    /// When the run started (UTC, ISO 8601 to the second).
    public var runDate: String
    /// Seconds from the start of the run until its report was written.
    public var wallTimeSeconds: Double
    /// The shards a run spread over machines was merged from (`tilt merge`); nil for a run in one process.
    public var shards: [ShardRecord]?
    /// What the data did to the results without the program asking (`DataNotes`: positions left without a
    /// return, assets the estimation-window rule left out), as the run printed them; nil when there is none.
    public var dataNotes: [String]?

    public init(program: Program, tilt: Build, dataFiles: [DataFile], runDate: String, wallTimeSeconds: Double,
                shards: [ShardRecord]? = nil) {
        self.program = program
        self.tilt = tilt
        self.dataFiles = dataFiles
        self.runDate = runDate
        self.wallTimeSeconds = wallTimeSeconds
        self.shards = shards
    }

    /// `date` as run.json and the report write it: "2025-03-01T14:05:09Z".
    public static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }

    /// The JSON of run.json: keys sorted, indented, ending with a newline.
    public func json() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // Encoding plain strings and numbers cannot fail; a non-finite wall time is written as 0.
        var copy = self
        if !copy.wallTimeSeconds.isFinite { copy.wallTimeSeconds = 0 }
        let data = (try? encoder.encode(copy)) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    /// "Tilt 0.1.0 (a26e88e, modified)".
    public var buildDescription: String {
        let commit = tilt.commit.map { String($0.prefix(12)) + (tilt.modified == true ? ", modified" : "") } ?? "commit unknown"
        return "Tilt \(tilt.version) (\(commit))"
    }

    /// "1.2 kB", "4.5 MB".
    static func size(_ bytes: Int) -> String {
        let units = ["bytes", "kB", "MB", "GB"]
        var value = Double(bytes), unit = 0
        while value >= 1000, unit < units.count - 1 { value /= 1000; unit += 1 }
        return unit == 0 ? "\(bytes) bytes" : String(format: "%.1f", value) + " " + units[unit]
    }
}
