import ArgumentParser
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import TiltData
import TiltReport
import ZIPFoundation

/// `tilt data`: getting the data a program reads.
struct DataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "data",
        abstract: "Get data: Ken French's files (see Docs/data.md).",
        subcommands: [DataFetch.self])
}

/// `tilt data fetch kenfrench [NAMES…] [--to DIR]`.
struct DataFetch: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fetch",
        abstract: "Download Ken French's data library files, unpacked as downloaded.",
        discussion: """
        Downloads the official zip files of Ken French's data library, unpacks the CSV file in each as it is
        (no editing: Tilt reads them as downloaded) and records in SOURCES.json beside them each file's
        source address, download time (UTC) and SHA-256 (of the file and of its zip).

        Names: \(KenFrenchDataset.all.map { "\($0.name) (\($0.zip))" }.joined(separator: ", ")).
        Without names, all four.

        Examples:
          tilt data fetch kenfrench
          tilt data fetch kenfrench ff5 momentum --to data
        """)

    @Argument(help: "The source: kenfrench.")
    var source: String

    @Argument(help: "Which files (default: all).")
    var names: [String] = []

    @Option(help: "The folder to write into (created if needed; default: the current folder).")
    var to = "."

    @Option(help: "The data library's address (default: $TILT_KENFRENCH_URL, else Ken French's ftp folder).")
    var baseURL: String?

    func validate() throws {
        guard source == "kenfrench" else { throw ValidationError("unknown source `\(source)`: the only source is kenfrench") }
        for name in names where KenFrenchDataset.named(name) == nil {
            throw ValidationError("unknown file `\(name)`: choose from \(KenFrenchDataset.all.map(\.name).joined(separator: ", "))")
        }
        let datasets = names.isEmpty ? KenFrenchDataset.all : names.compactMap(KenFrenchDataset.named)
        try validateFolderDestination(to, option: "--to", files: datasets.map(\.file) + ["SOURCES.json"])
        if let url = URL(string: base), url.scheme == "http" || url.scheme == "https" { return }
        throw ValidationError("--base-url `\(base)` is not an http(s) address")
    }

    private var base: String {
        baseURL ?? ProcessInfo.processInfo.environment["TILT_KENFRENCH_URL"].flatMap { $0.isEmpty ? nil : $0 } ?? KenFrenchDataset.libraryURL
    }

    func run() throws {
        let datasets = names.isEmpty ? KenFrenchDataset.all : names.compactMap(KenFrenchDataset.named)
        do {
            try FileManager.default.createDirectory(atPath: to, withIntermediateDirectories: true)
            var sources = SourcesFile(folder: to)
            for dataset in datasets {
                let address = base.hasSuffix("/") ? base + dataset.zip : base + "/" + dataset.zip
                let zip = try download(address)
                let (name, contents) = try unpack(zip, expecting: dataset, from: address)
                let path = (to as NSString).appendingPathComponent(name)
                try AtomicFile.write(to: URL(fileURLWithPath: path)) { output throws(ReportError) in try output.write(contents) }
                let record = SourcesFile.Record(file: name, source: address, downloaded: SourcesFile.now(),
                                                sha256: SHA256Digest.hex(of: contents), zipSHA256: SHA256Digest.hex(of: zip))
                sources.update(record)
                print("wrote \(path) (\(contents.count) bytes, sha256 \(record.sha256)) from \(address)")
            }
            try sources.write()
        } catch {
            printError("tilt: \(error)\n")
            throw userErrorExit
        }
    }

    /// The bytes at `address`, or an error naming it (an HTTP status other than 200 included).
    private func download(_ address: String) throws -> [UInt8] {
        guard let url = URL(string: address) else { throw FetchError("`\(address)` is not an address") }
        final class Box: @unchecked Sendable { var data: Data?; var status = 0; var error: Error? }
        let box = Box()
        let done = DispatchSemaphore(value: 0)
        var request = URLRequest(url: url, timeoutInterval: 60)
        request.setValue("tilt/\(Tilt.version)", forHTTPHeaderField: "User-Agent")
        URLSession.shared.dataTask(with: request) { data, response, error in
            box.data = data
            box.status = (response as? HTTPURLResponse)?.statusCode ?? 0
            box.error = error
            done.signal()
        }.resume()
        done.wait()
        if let error = box.error { throw FetchError("\(address): \(error.localizedDescription)") }
        guard box.status == 200, let data = box.data else { throw FetchError("\(address): the server answered HTTP \(box.status)") }
        return [UInt8](data)
    }

    /// The one CSV file inside the zip (its name as in the zip, its bytes).
    private func unpack(_ zip: [UInt8], expecting dataset: KenFrenchDataset, from address: String) throws -> (String, [UInt8]) {
        let archive: Archive
        do { archive = try Archive(data: Data(zip), accessMode: .read) } catch {
            throw FetchError("\(address): not a zip file (\(zip.count) bytes)")
        }
        let files = archive.filter { $0.type == .file && $0.path.lowercased().hasSuffix(".csv") }
        guard let entry = files.first(where: { ($0.path as NSString).lastPathComponent.lowercased() == dataset.file.lowercased() }) ?? (files.count == 1 ? files.first : nil) else {
            throw FetchError("\(address): no \(dataset.file) in the zip (it holds \(archive.map(\.path).joined(separator: ", ")))")
        }
        var contents: [UInt8] = []
        do { _ = try archive.extract(entry) { contents += $0 } } catch {
            throw FetchError("\(address): \(entry.path) cannot be unpacked (\(error))")
        }
        let name = (entry.path as NSString).lastPathComponent
        guard !name.isEmpty, !name.hasPrefix(".") else { throw FetchError("\(address): unusable file name `\(entry.path)`") }
        return (name, contents)
    }
}

/// One file of Ken French's data library that Tilt reads.
struct KenFrenchDataset {
    let name: String
    let zip: String
    /// The CSV file inside the zip.
    let file: String

    static let libraryURL = "https://mba.tuck.dartmouth.edu/pages/faculty/ken.french/ftp"
    static let all = [
        KenFrenchDataset(name: "ff3", zip: "F-F_Research_Data_Factors_CSV.zip", file: "F-F_Research_Data_Factors.CSV"),
        KenFrenchDataset(name: "ff5", zip: "F-F_Research_Data_5_Factors_2x3_CSV.zip", file: "F-F_Research_Data_5_Factors_2x3.csv"),
        KenFrenchDataset(name: "momentum", zip: "F-F_Momentum_Factor_CSV.zip", file: "F-F_Momentum_Factor.CSV"),
        KenFrenchDataset(name: "industries48", zip: "48_Industry_Portfolios_CSV.zip", file: "48_Industry_Portfolios.CSV"),
    ]

    static func named(_ name: String) -> KenFrenchDataset? { all.first { $0.name == name.lowercased() } }
}

/// `SOURCES.json`: where each downloaded file came from, when, and its SHA-256. Records of other files
/// already in it are kept.
struct SourcesFile {
    struct Record: Codable, Equatable {
        var file: String
        var source: String
        /// ISO 8601, UTC.
        var downloaded: String
        var sha256: String
        var zipSHA256: String
    }

    private struct Contents: Codable { var files: [Record] }

    let path: String
    private var records: [Record]

    init(folder: String) {
        path = (folder as NSString).appendingPathComponent("SOURCES.json")
        records = (try? JSONDecoder().decode(Contents.self, from: Data(contentsOf: URL(fileURLWithPath: path))))?.files ?? []
    }

    mutating func update(_ record: Record) {
        records.removeAll { $0.file == record.file }
        records.append(record)
        records.sort { $0.file < $1.file }
    }

    func write() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(Contents(files: records))
        try AtomicFile.write(String(decoding: data, as: UTF8.self) + "\n", to: URL(fileURLWithPath: path))
    }

    static func now() -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: Date())
    }
}

struct FetchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
