import Foundation
import Testing
import TiltBacktest
import TiltData
import TiltLanguage
import TiltSyntax
import TiltTestSupport
@testable import TiltWRDS

/// The PostgreSQL server the tests use: `TILT_TEST_POSTGRES`, a libpq connection string of a role that may
/// create databases (`.ci/postgresql` starts a private server and sets it). Without it the tests are
/// skipped — unless `TILT_REQUIRE_SERVICES=1`, where a missing server is a failure.
enum TestServer {
    static let conninfo = ProcessInfo.processInfo.environment["TILT_TEST_POSTGRES"].flatMap { $0.isEmpty ? nil : $0 }
    static let required = ProcessInfo.processInfo.environment["TILT_REQUIRE_SERVICES"] == "1"
    static let enabled = conninfo != nil || required
    static let reason: Testing.Comment = "needs a PostgreSQL server: set TILT_TEST_POSTGRES (bash .ci/postgresql starts one)"

    /// A new, empty database on the server for one test; its connection string.
    static func freshDatabase() throws -> String {
        guard let conninfo else {
            Issue.record("TILT_REQUIRE_SERVICES=1 but TILT_TEST_POSTGRES is not set: no PostgreSQL server to test against")
            throw DatabaseError("no server")
        }
        let name = "tilt_test_\(ProcessInfo.processInfo.processIdentifier)_\(UUID().uuidString.prefix(8).lowercased())"
        try PostgresConnection(conninfo: conninfo).execute("CREATE DATABASE \(name)")
        return conninfo + " dbname=\(name)"
    }
}

/// A synthetic WRDS extract, written as a CSV folder (with Ken French factor files) and loaded into fresh
/// databases as legacy and CIZ tables.
private struct Fixture {
    let folder: URL
    let extract: SyntheticCRSPExtract

    init(stocks: Int = 40, daily: Bool = false) throws {
        let market = try SyntheticMarket.generate(stocks: stocks, seed: 9, from: Month(1996, 1), to: Month(2005, 12))
        extract = SyntheticCRSPExtract(market: market, seed: 9, meanLifetime: 80)
        folder = try scratchFolder()
        var bytes: [UInt8] = []
        extract.write(daily: daily) { bytes += $0 }
        try Data(bytes).write(to: folder.appendingPathComponent("extract.csv"))
        let kenFrench = market.kenFrenchFactorFiles()
        try kenFrench.fiveFactors.write(to: folder.appendingPathComponent("F-F_Research_Data_5_Factors_2x3.csv"), atomically: true, encoding: .utf8)
        try kenFrench.momentum.write(to: folder.appendingPathComponent("F-F_Momentum_Factor.CSV"), atomically: true, encoding: .utf8)
    }

    func database(_ tables: CRSPTables, daily: Bool = false) throws -> String {
        let conninfo = try TestServer.freshDatabase()
        try CRSPDatabase.loadSchema(extract, conninfo: conninfo, tables: tables, daily: daily)
        return conninfo
    }
}

private func expectSamePanels(_ a: AssetPanel, _ b: AssetPanel) {
    #expect(a.months == b.months && a.assetIDs == b.assetIDs)
    guard a.months == b.months, a.assetIDs == b.assetIDs else { return }
    var differences = 0
    for j in a.assetIDs.indices {
        for t in a.months.indices {
            let same = a.returnValue(row: t, asset: j).bitPattern == b.returnValue(row: t, asset: j).bitPattern
                && a.marketCap(row: t, asset: j).bitPattern == b.marketCap(row: t, asset: j).bitPattern
                && a.sector(row: t, asset: j) == b.sector(row: t, asset: j)
                && a.isDelisting(row: t, asset: j) == b.isDelisting(row: t, asset: j)
                && a.isScreenedOut(row: t, asset: j) == b.isScreenedOut(row: t, asset: j)
            if !same {
                differences += 1
                if differences <= 3 {
                    Issue.record("\(a.assetIDs[j]) \(a.months[t]): \(a.returnValue(row: t, asset: j)) / \(b.returnValue(row: t, asset: j)), cap \(a.marketCap(row: t, asset: j)) / \(b.marketCap(row: t, asset: j)), \(String(describing: a.sector(row: t, asset: j))) / \(String(describing: b.sector(row: t, asset: j))), delisting \(a.isDelisting(row: t, asset: j)) / \(b.isDelisting(row: t, asset: j)), screened \(a.isScreenedOut(row: t, asset: j)) / \(b.isScreenedOut(row: t, asset: j))")
                }
            }
        }
    }
    #expect(differences == 0)
}

@Suite(.serialized, .enabled(if: TestServer.enabled, TestServer.reason)) struct CRSPDatabaseTests {
    /// The legacy and the CIZ tables give exactly the CSV extract's panel, monthly; daily legacy too.
    @Test func theDatabaseGivesTheCSVPathsNumbers() throws {
        let fixture = try Fixture()
        let csv = try CRSPExtract.load(path: fixture.folder.appendingPathComponent("extract.csv").path)
        for tables in CRSPTables.allCases {
            let loaded = try CRSPDatabase.load(.init(conninfo: try fixture.database(tables), tables: tables))
            expectSamePanels(loaded.panel, csv)
            #expect(loaded.note.hasPrefix("read "))
        }
        let daily = try Fixture(stocks: 8, daily: true)
        let dailyCSV = try CRSPExtract.load(path: daily.folder.appendingPathComponent("extract.csv").path)
        let dailyDB = try CRSPDatabase.load(.init(conninfo: try daily.database(.legacy, daily: true), tables: .legacy, daily: true))
        expectSamePanels(dailyDB.panel, dailyCSV)
    }

    /// The design card runs verbatim on the folder (the CSV extract and Ken French's files) and on the
    /// database, with identical numbers.
    @Test func theDesignCardGivesIdenticalNumbersFromTheDatabase() throws {
        let fixture = try Fixture()
        let conninfo = try fixture.database(.legacy)
        func run(_ universe: String) throws -> BacktestResult {
            final class Collected: @unchecked Sendable { var results: [BacktestResult] = [] }
            let collected = Collected()
            let session = Session(locations: DataLocations(programDirectory: fixture.folder.path), output: { _ in })
            session.strategyResults = { collected.results += $0 }
            session.notes = { _ in }
            let file = SourceFile(name: "card.tilt", text: "universe \(universe); benchmark mktcap; maximize mu'f s.t. tev <= 6%; rebalance monthly")
            let diagnostics = session.run(file)
            #expect(diagnostics.isEmpty, "\(DiagnosticList(file: file, diagnostics: diagnostics).rendered())")
            return try #require(collected.results.first)
        }
        let fromFiles = try run("crsp")
        let fromDatabase = try run("crsp(database: \"\(conninfo)\")")
        #expect(!fromFiles.months.isEmpty && fromFiles.months == fromDatabase.months)
        #expect(fromFiles.portfolioReturns == fromDatabase.portfolioReturns)
        #expect(fromFiles.benchmarkReturns == fromDatabase.benchmarkReturns)
        #expect(fromFiles.rebalances.map(\.weights) == fromDatabase.rebalances.map(\.weights))
    }

    /// A refused connection, refused credentials and a missing table are errors in plain words naming the
    /// server, never showing the password.
    @Test func connectionProblemsAreClearAndNeverShowThePassword() throws {
        let refused = #expect(throws: DatabaseError.self) {
            try CRSPDatabase.load(.init(conninfo: "postgresql://reader:s3cret-Pw@127.0.0.1:1/wrds"))
        }
        #expect(refused?.message.contains("the server refused the connection") == true, "\(String(describing: refused))")
        #expect(refused?.message.contains("s3cret-Pw") == false && refused?.message.contains("reader@127.0.0.1:1/wrds") == true)
        let empty = try TestServer.freshDatabase()
        let missing = #expect(throws: DatabaseError.self) { try CRSPDatabase.load(.init(conninfo: empty, tables: .legacy)) }
        #expect(missing?.message.hasSuffix("table crsp.msf does not exist") == true, "\(String(describing: missing))")
        let none = #expect(throws: DatabaseError.self) { try CRSPDatabase.load(.init(conninfo: empty)) }
        #expect(none?.message.contains("crsp.msf") == true)
        // A role with a password, over TCP (scram-sha-256 on the test server): a wrong password is refused.
        guard let server = TestServer.conninfo else { return }
        let admin = try PostgresConnection(conninfo: server)
        let role = "tilt_reader_\(ProcessInfo.processInfo.processIdentifier)"
        try admin.execute("DROP ROLE IF EXISTS \(role)")
        try admin.execute("CREATE ROLE \(role) LOGIN PASSWORD 'right-Pw-42'")
        defer { try? admin.execute("DROP ROLE IF EXISTS \(role)") }
        let port = PostgresConnection.parse(server)["port"] ?? "5432"
        let wrong = #expect(throws: DatabaseError.self) {
            try CRSPDatabase.load(.init(conninfo: "host=127.0.0.1 port=\(port) dbname=postgres user=\(role) password=wrong-Pw-17"))
        }
        #expect(wrong?.message.contains("did not accept the credentials") == true, "\(String(describing: wrong))")
        #expect(wrong?.message.contains("wrong-Pw-17") == false && wrong?.hint?.contains("~/.pgpass") == true)
    }
}
