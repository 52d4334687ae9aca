import Foundation
import TiltBacktest
import TiltReport

/// The manifest of one shard (`manifest.json` in its folder): which run it belongs to — the program and its
/// hash, the hash of the plans it compiled to, the data files with their hashes, the Tilt build — which
/// parts of it this shard ran, where and when, and whether it finished. Written last, so a folder with a
/// complete manifest holds complete results; `tilt merge` checks that its shards are of one run and cover
/// it exactly once.
public struct ShardManifest: Codable, Sendable, Equatable {
    public static let fileName = "manifest.json"
    /// The version of the shard files' format; a shard of another version is refused by `tilt merge`.
    public static let currentFormat = 1

    public enum Status: String, Codable, Sendable { case complete, failed }

    /// A plan's parts this shard ran: `first ..< end` of `total` (0-based), and in words.
    public struct Coverage: Codable, Sendable, Equatable {
        public var first: Int
        public var end: Int
        public var total: Int
        public var description: String
    }

    public var format: Int
    public var shard: Shard
    public var status: Status
    /// Why the shard failed (its diagnostics as printed); nil when complete.
    public var error: String?
    /// The program as given on the command line, its text and the SHA-256 of its bytes.
    public var program: Provenance.Program
    public var programSHA256: String
    /// SHA-256 of the JSON of the program's plans in order (`Plan.json()`): the same program on the same
    /// data compiles to the same plans. Nil when the shard failed before its plans were known.
    public var planSHA256: String?
    /// Every data file the program read (resolved paths, size, SHA-256, vintage).
    public var dataFiles: [Provenance.DataFile]
    public var tilt: Provenance.Build
    /// One per plan of the program, in order (empty when the shard failed before its plans were known).
    public var covers: [Coverage]
    public var host: String?
    /// `1234_3` under Slurm (array job 1234, task 3), or the job id of a job that is not an array.
    public var slurmJob: String?
    /// When the shard started (UTC, ISO 8601) and its wall time until its files were written, seconds.
    public var started: String
    public var wallTimeSeconds: Double
    /// The shard's processor time (user + system, all threads), seconds: with its wall time, how well it
    /// used the cores it was given; on a busy node, a better measure of its work than the wall time.
    public var cpuTimeSeconds: Double?
    /// SHA-256 of `results.json` (complete shards).
    public var resultsSHA256: String?

    /// Whether the shard ran no part of any plan (more shards than parts).
    public var isEmpty: Bool { covers.allSatisfy { $0.first >= $0.end } }

    /// The shard as run.json of the merged run records it.
    public var record: ShardRecord {
        ShardRecord(index: shard.index, count: shard.count, covers: covers.map(\.description), host: host, slurmJob: slurmJob,
                    started: started, wallTimeSeconds: wallTimeSeconds)
    }
}

/// What a shard computed (`results.json` beside its manifest): the program's plans, its part of each, and
/// what the program printed in between, so that `tilt merge` prints and writes what one run would.
/// Every number is a `Double` in JSON written to the shortest digits that read back to the same bits (NaN
/// and infinities as the strings "NaN", "Infinity", "-Infinity"), so nothing is lost on the way.
public struct ShardResults: Codable, Sendable {
    public static let fileName = "results.json"

    /// One step of the run, in order: text the program printed, or the plan at this index running.
    public struct Step: Codable, Sendable, Equatable {
        public var output: String?
        public var plan: Int?
    }

    public var steps: [Step]
    public var plans: [Plan]
    /// This shard's part of each plan, in the order of `plans`.
    public var parts: [PlanPart]

    /// SHA-256 of the plans' JSON, one after the other.
    public static func planSHA256(_ plans: [Plan]) throws -> String {
        Provenance.sha256(Data(try plans.map { try $0.json() }.joined().utf8))
    }
}

/// Reading and writing a shard's files.
public enum ShardFiles {
    /// The files a shard writes into its folder (`--out`), the results first and the manifest, which marks
    /// them complete, last.
    public static let fileNames = [ShardResults.fileName, ShardManifest.fileName]

    static func encoder(pretty: Bool) -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return encoder
    }

    static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return decoder
    }

    /// The JSON text of a manifest (indented, keys sorted) and of results (compact, keys sorted).
    public static func json(_ manifest: ShardManifest) throws -> String {
        String(decoding: try encoder(pretty: true).encode(manifest), as: UTF8.self) + "\n"
    }

    public static func json(_ results: ShardResults) throws -> String {
        String(decoding: try encoder(pretty: false).encode(results), as: UTF8.self) + "\n"
    }

    /// Writes a shard's files into `folder` (created when missing): `results` (nil for a failed shard) and
    /// then the manifest with the results' hash. Returns the files written.
    @discardableResult
    public static func write(manifest: ShardManifest, results: ShardResults?, to folder: URL) throws -> [URL] {
        var manifest = manifest
        var files: [(String, String)] = []
        if let results {
            let text = try json(results)
            manifest.resultsSHA256 = Provenance.sha256(Data(text.utf8))
            files.append((ShardResults.fileName, text))
        }
        files.append((ShardManifest.fileName, try json(manifest)))
        return try ReportWriter.write(files: files, to: folder)
    }

    /// The manifest in `folder`; throws a `ShardError` naming the folder when there is none or it is not
    /// a shard manifest of this format.
    public static func manifest(in folder: String) throws(ShardError) -> ShardManifest {
        let path = (folder as NSString).appendingPathComponent(ShardManifest.fileName)
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder) else {
            throw ShardError("\(folder): no such folder: its shard did not start, or wrote elsewhere")
        }
        guard isFolder.boolValue else { throw ShardError("\(folder) is a file, not a shard's folder") }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ShardError("\(folder): no \(ShardManifest.fileName): its shard has not finished (it is running, or it was stopped before it could write)")
        }
        let manifest: ShardManifest
        do { manifest = try decoder.decode(ShardManifest.self, from: data) } catch {
            throw ShardError("\(path) is not a shard manifest: \(error)")
        }
        guard manifest.format == ShardManifest.currentFormat else {
            throw ShardError("\(path) is of shard format \(manifest.format); this Tilt reads format \(ShardManifest.currentFormat)")
        }
        return manifest
    }

    /// The results in `folder`, checked against the manifest's hash.
    public static func results(in folder: String, manifest: ShardManifest) throws(ShardError) -> ShardResults {
        let path = (folder as NSString).appendingPathComponent(ShardResults.fileName)
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ShardError("\(folder): no \(ShardResults.fileName) beside its complete manifest: the folder was changed after the shard wrote it")
        }
        guard Provenance.sha256(data) == manifest.resultsSHA256 else {
            throw ShardError("\(path) is not the file its manifest was written with (its SHA-256 differs): damaged or replaced; run the shard again")
        }
        do { return try decoder.decode(ShardResults.self, from: data) } catch {
            throw ShardError("\(path) cannot be read: \(error)")
        }
    }
}
